"""Provides one description of a semantic diff, for every place that shows it.

``refkit diff`` (text, Markdown, HTML), the published site's changes, "since" and comparison
pages, and the editor's list of changes (F2) all say what changed in the same words: they render
the ``Description`` made here, each in its own markup, and never word a change themselves.

A description is made of sections (blocks, competencies, activities...), each of entries: the
change in one word agreed with its item ("ajoutée", "déplacé"), the item it is about
("C2.5, du bloc BC02 au bloc BC03 : Réaliser l'essai...") and the lines saying how its fields
changed. A line is a sequence of pieces: kept text, removed words, added words. A replaced word
is kept apart from its replacement by a kept space, so that "une" -> "un" never reads "uneun";
the spaces around removed or added words are kept text, outside the marks.

    describe(diff, "fr").sections[0].entries[0].lines[0]
    -> (Piece("=", "Énoncé : Poser "), Piece("-", "une"), Piece("=", " "), Piece("+", "un"), ...)

The words are English message ids, said in the reader's language from the catalogue
(``refkit/locale/fr.po``); a word that agrees with its item in French is translated in the
sense of the item's kind (its ``msgctxt``: "added" is "ajoutée" for a competency, "ajouté" for a
block). Words are in French or English (anything not French is English), as the published site
has always given them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from refkit.diff import Change, FieldChange, FrameworkDiff
from refkit.diff.relations import relation_counts, relation_line
from refkit.i18n import N_, N_labels, ngettext, pgettext, quantity, tr

# the order of the sections, everywhere
SECTIONS = ("block", "competency", "activity", "certification", "shared-block", "framework")

_TITLES = {
    "block": N_("Blocks"), "competency": N_("Competencies"), "activity": N_("Activities"),
    "certification": N_("Certification rules"), "shared-block": N_("Shared blocks"),
    "framework": N_("General information"),
}  # fmt: skip

# What happened to an item, each word in the sense of the item's kind (its context), or of a
# count of them ("blocks", "competencies": "2 ajoutées"): it agrees with the item in French.
_ADDED = N_labels({"block": "added", "competency": "added", "activity": "added", "certification": "added", "shared-block": "added", "framework": "added", "blocks": "added", "competencies": "added"})  # fmt: skip
_REMOVED = N_labels({"block": "removed", "competency": "removed", "activity": "removed", "certification": "removed", "shared-block": "removed", "framework": "removed", "blocks": "removed", "competencies": "removed"})  # fmt: skip
_MODIFIED = N_labels({"block": "modified", "competency": "modified", "activity": "modified", "certification": "modified", "shared-block": "modified", "framework": "modified", "blocks": "modified", "competencies": "modified"})  # fmt: skip
_MOVED = N_labels({"block": "moved", "competency": "moved", "activity": "moved", "certification": "moved", "shared-block": "moved", "framework": "moved", "blocks": "moved", "competencies": "moved"})  # fmt: skip
_RENUMBERED = N_labels({"block": "renumbered", "competency": "renumbered", "activity": "renumbered", "certification": "renumbered", "shared-block": "renumbered", "framework": "renumbered", "blocks": "renumbered", "competencies": "renumbered"})  # fmt: skip
_CHANGES = {
    "added": _ADDED, "removed": _REMOVED, "modified": _MODIFIED, "moved": _MOVED,
    "renamed": _RENUMBERED,
}  # fmt: skip
_COUNTED_KINDS = {"block": "blocks", "competency": "competencies"}
_COUNTED = {
    "competencies": N_("Competencies: {counts}"),
    "blocks": N_("Blocks of competencies: {counts}"),
}

# how a field changed, for "Critères d'évaluation : réordonné" (each word its own context)
_NATURE = N_labels({
    "reworded": "reworded", "whitespace": "spacing only", "changed": "changed", "added": "added",
    "removed": "removed", "reordered": "reordered", "items": "changed",
})  # fmt: skip
_KINDS = {"knowledge": N_("knowledge"), "skill": N_("skill"), "attitude": N_("attitude")}
_UNITS = N_labels({"hours": "h", "credits": "credits"})

# the fields' names in plain words, for trainers ("critères d'évaluation"): in English, the
# names the data gives them; each the context of its own name
_FIELDS = N_labels({
    "statement": "statement", "kind": "kind", "criteria": "criteria", "activities": "activities",
    "esco": "esco", "notes": "notes", "title": "title", "description": "description",
    "volume": "volume", "prerequisites": "prerequisites", "modalities": "modalities",
    "order": "order", "required": "required", "summary": "summary", "sector": "sector",
    "level": "level", "codes": "codes", "working_group": "working_group", "validity": "validity",
    "tasks": "tasks", "status": "status", "lang": "lang", "extensions": "extensions",
    "version": "version", "relations": "relations",
})  # fmt: skip

# one item of a list field added or removed, for "Critère ajouté : ..."
_ITEMS = {
    "criteria": (N_("criterion added"), N_("criterion removed")),
    "tasks": (N_("task added"), N_("task removed")),
    "activities": (N_("activity added"), N_("activity removed")),
    "required": (N_("required block added"), N_("required block removed")),
    "prerequisites": (N_("prerequisite added"), N_("prerequisite removed")),
    "modalities": (N_("assessment method added"), N_("assessment method removed")),
    "esco": (N_("ESCO mapping added"), N_("ESCO mapping removed")),
    "working_group": (N_("working group member added"), N_("working group member removed")),
}


def lang_key(lang: str | None) -> str:
    """ "fr" for French ("fr", "fr-FR"), "en" for anything else."""
    return "fr" if (lang or "").lower().startswith("fr") else "en"


def words(lang: str | None) -> dict[str, Any]:
    """The words of a description in ``lang`` (section titles, kinds of competency, the words
    before removed and added words for screen readers...)."""
    return _words_in(lang_key(lang))


@cache
def _words_in(code: str) -> dict[str, Any]:
    return {
        "sections": {kind: tr(title, code) for kind, title in _TITLES.items()},
        "changes": {change: badge("block", change, code) for change in _CHANGES},
        "counted": {
            "competencies": tr("Competencies", code),
            "blocks": tr("Blocks of competencies", code),
        },
        "nature": {key: pgettext(key, text, code) for key, text in _NATURE.items()},
        "kinds": {key: tr(text, code) for key, text in _KINDS.items()},
        "units": {key: pgettext(key, text, code) for key, text in _UNITS.items()},
        "sep": _labelled("", "", code),
        "fields": {key: pgettext(key, text, code) for key, text in _FIELDS.items()},
        # before removed and added words, for screen readers, which do not announce the marks
        "said": (tr("removed:", code), tr("added:", code)),
    }


def _labelled(label: str, value: str, lang: str) -> str:
    """ "Énoncé : Poser un chauffe-eau": a label and its value."""
    return tr("{label}: {value}", lang).format(label=label, value=value)


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of text: ``=`` kept, ``-`` removed, ``+`` added."""

    op: str
    text: str


Line = tuple[Piece, ...]


@dataclass(frozen=True, slots=True)
class Entry:
    """One change: ``badge`` says what happened ("ajoutée"), ``about`` the item, ``lines`` how
    its fields changed. ``kind``, ``change`` and the ids are for links and styles."""

    kind: str
    change: str
    badge: str
    about: str
    lines: tuple[Line, ...]
    id: str
    old_id: str | None
    block: str | None


@dataclass(frozen=True, slots=True)
class Section:
    kind: str
    title: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class Description:
    """A diff described: its counts ("Compétences : 1 ajoutée, 2 modifiées") and sections."""

    lang: str
    counts: tuple[str, ...]
    sections: tuple[Section, ...]
    others: int = 0  # changes neither of a competency nor of a block

    @property
    def summary(self) -> str:
        """The counts on one line, with the other changes counted: "Compétences : 1 ajoutée ·
        2 autres changements"; "aucun changement" when there is none."""
        parts = list(self.counts)
        n = self.others
        if n:
            parts.append(
                ngettext("{n} other change", "{n} other changes", n, self.lang).format(n=n)
            )
        return " · ".join(parts) or tr("no change", self.lang)

    @property
    def word_diffs(self) -> bool:
        """Whether a line shows removed or added words (a legend is then due)."""
        return any(
            p.op != "=" for s in self.sections for e in s.entries for line in e.lines for p in line
        )


def badge(kind: str, change: str, lang: str | None, plural: bool = False) -> str:
    """What happened to an item, agreed with it: "ajoutée", "supprimés", "renumbered"."""
    said = _CHANGES.get(change)
    if said is None:
        return change
    context = _COUNTED_KINDS.get(kind, kind) if plural else kind
    return pgettext(context, said.get(context, said["block"]), lang_key(lang))


def counts(diff: FrameworkDiff, lang: str | None) -> tuple[str, ...]:
    """ "Compétences : 1 ajoutée, 2 modifiées", then the blocks' counts."""
    code = lang_key(lang)
    out = []
    summary = diff.summary()
    for kind in ("competencies", "blocks"):
        one = "competency" if kind == "competencies" else "block"
        parts = [f"{n} {badge(one, k, code, plural=n > 1)}" for k, n in summary[kind].items() if n]
        if parts:
            out.append(tr(_COUNTED[kind], code).format(counts=", ".join(parts)))
    relations = relation_counts(summary["relations"], code)
    return (*out, relations) if relations else tuple(out)


def about(c: Change, lang: str | None) -> str:
    """The item a change is about, in plain words; the badge before it says what happened."""
    code = lang_key(lang)
    if c.kind == "competency":
        if c.change in ("added", "removed"):
            block = c.block if c.change == "added" else c.old_block
            return tr("{id} (block {block}): {label}", code).format(
                id=c.id, block=block, label=c.label
            )
        if c.change == "renamed":
            same = round((c.similarity or 0) * 100)
            by_title = c.paired_by == "title"  # the evidence: its title, not its statement
            how = tr(
                "paired by title, {same}% similar" if by_title else "{same}% identical", code
            ).format(same=same)
            where = ""
            if c.moved_flag:
                where = tr(", moved from block {old} to block {new}", code).format(
                    old=c.old_block, new=c.block
                )
            return tr("{old} becomes {id} ({how}){where}: {label}", code).format(
                old=c.old_id, id=c.id, how=how, where=where, label=c.label
            )
        if c.change == "moved":
            return tr("{id}, from block {old} to block {new}: {label}", code).format(
                id=c.id, old=c.old_block, new=c.block, label=c.label
            )
        return tr("{id}: {label}", code).format(id=c.id, label=c.label)
    if c.kind == "block" and c.change == "renamed":
        return tr("{old} becomes {id}: {label}", code).format(old=c.old_id, id=c.id, label=c.label)
    if c.kind in ("block", "activity", "shared-block"):
        return tr("{id}: {label}", code).format(id=c.id, label=c.label)
    return c.label if c.kind != "certification" else tr("certification rules", code)


def pieces(word_ops: list[tuple[str, str]] | list[list[str]]) -> Line:
    """A word diff as pieces: the spaces around removed or added words kept outside them, and a
    kept space between a removed word and the word that replaces it."""
    out: list[Piece] = []

    def keep(text: str) -> None:
        if not text:
            return
        if out and out[-1].op == "=":
            out[-1] = Piece("=", out[-1].text + text)
        else:
            out.append(Piece("=", text))

    last = "="
    for op, text in word_ops:
        if op == "=":
            keep(text)
        else:
            core = text.strip()
            if not core:  # only spaces removed or added: shown as spaces
                keep(text)
                last = op
                continue
            if last == "-" and op == "+" and not text[:1].isspace():
                keep(" ")
            keep(text[: len(text) - len(text.lstrip())])
            out.append(Piece(op, core))
            keep(text[len(text.rstrip()) :])
        last = op
    return tuple(out)


def _plain(value: Any, lang: str | None) -> str:
    if isinstance(value, dict):
        if value and set(value) <= {"hours", "credits"}:
            return _volume(value.get("hours"), value.get("credits"), lang) or "—"
        return (
            ", ".join(f"{k} {_plain(v, lang)}" for k, v in value.items() if v not in (None, "", []))
            or "—"
        )
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v, lang) for v in value) or "—"
    return "—" if value in (None, "") else str(value)


def _volume(hours: float | None, credits: float | None, lang: str | None) -> str:
    code = lang_key(lang)
    parts = []
    if hours is not None:
        parts.append(quantity(hours, pgettext("hours", _UNITS["hours"], code), code))
    if credits is not None:
        parts.append(quantity(credits, pgettext("credits", _UNITS["credits"], code), code))
    return " + ".join(parts)


def field_name(field: str, lang: str | None) -> str:
    """A field's name in plain words, for trainers ("critères d'évaluation")."""
    code = lang_key(lang)
    if field.startswith("x-") and "." in field:  # a source's own data: "broader (x-esco)"
        source, _, path = field.partition(".")
        if path.endswith(".bookkeeping"):  # its records' identifiers, addresses and dates
            return tr("{path} ({source}): identifiers", code).format(
                path=path.removesuffix(".bookkeeping"), source=source
            )
        return f"{path} ({source})"
    if field in _FIELDS:
        return pgettext(field, _FIELDS[field], code)
    if field.startswith("electives."):
        return tr("elective group {group}", code).format(group=field.removeprefix("electives."))
    return field


def field_lines(f: FieldChange, lang: str | None) -> tuple[Line, ...]:
    """How one field changed, as lines of pieces."""
    code = lang_key(lang)
    name = field_name(f.field, code)
    if not f.field.startswith("x-"):  # a source's own names are shown as it writes them
        name = name[:1].upper() + name[1:]

    def nature(key: str) -> str:
        return pgettext(key, _NATURE[key], code)

    def text(s: str) -> Line:
        return (Piece("=", s),)

    def head(s: str, rest: Line) -> Line:
        return pieces([("=", s), *((p.op, p.text) for p in rest)])

    if f.nature == "reworded" and f.words is not None:
        return (head(_labelled(name, "", code), pieces(f.words)),)
    if f.nature in ("whitespace", "reordered"):
        return (text(_labelled(name, nature(f.nature), code)),)
    if f.nature == "bookkeeping":  # records that say the same under new identifiers or dates
        n = int(f.new or 0)
        said = ngettext(
            "{n} record with new identifiers, addresses or dates",
            "{n} records with new identifiers, addresses or dates",
            n,
            code,
        ).format(n=n)
        whose = field_name(f.field.removesuffix(".bookkeeping"), code)
        return (text(_labelled(whose, said, code)),)
    if f.field == "relations" and f.nature == "items":  # worded with their types (issue 17)
        return tuple(text(relation_line(item, code)) for item in f.items)
    if f.nature == "items":
        lines: list[Line] = []
        noun = _ITEMS.get(f.field)
        for item in f.items:
            change = item["change"]
            if change in ("added", "removed") and noun:
                start = tr(noun[0] if change == "added" else noun[1], code)
                start = start[:1].upper() + start[1:]
                lines.append(text(_labelled(start, item["text"], code)))
            elif change in ("added", "removed"):
                lines.append(text(_labelled(f"{name}, {nature(change)}", item["text"], code)))
            elif change == "whitespace":
                lines.append(text(_labelled(f"{name}, {nature('whitespace')}", item["new"], code)))
            else:
                start = _labelled(f"{name}, {nature('reworded')}", "", code)
                lines.append(head(start, pieces(item["words"])))
        return tuple(lines)
    old, new = f.old, f.new
    if f.field == "kind":  # the words the form and the pages use, not the stored codes
        old, new = (_kind_word(v, code) for v in (old, new))
    return (text(_labelled(name, f"{_plain(old, code)} → {_plain(new, code)}", code)),)


def _kind_word(value: Any, lang: str) -> Any:
    """A kind of competency in the words the form and the pages use ("savoir-faire")."""
    return tr(_KINDS[value], lang) if isinstance(value, str) and value in _KINDS else value


def entry(c: Change, lang: str | None) -> Entry:
    return Entry(
        kind=c.kind,
        change=c.change,
        badge=badge(c.kind, c.change, lang),
        about=about(c, lang),
        lines=tuple(line for f in c.fields for line in field_lines(f, lang)),
        id=c.id,
        old_id=c.old_id,
        block=c.block,
    )


def describe(diff: FrameworkDiff, lang: str | None) -> Description:
    """The whole diff described in ``lang``."""
    w = words(lang)
    sections = []
    for kind in SECTIONS:
        changes = diff.of_kind(kind)
        if changes:
            entries = tuple(entry(c, lang) for c in changes)
            sections.append(Section(kind, w["sections"][kind], entries))
    others = sum(1 for c in diff.changes if c.kind not in ("competency", "block"))
    return Description(lang_key(lang), counts(diff, lang), tuple(sections), others)


# -- the markups of a line ---------------------------------------------------------------------


def line_text(line: Line, *, colour: bool = False) -> str:
    """Plain text: git's word-diff marks ``[-old-]{+new+}``, or colours (red struck through,
    green) on a terminal."""
    out = []
    for p in line:
        if p.op == "=":
            out.append(p.text)
        elif p.op == "-":
            out.append(f"\x1b[31;9m{p.text}\x1b[0m" if colour else f"[-{p.text}-]")
        else:
            out.append(f"\x1b[32m{p.text}\x1b[0m" if colour else f"{{+{p.text}+}}")
    return "".join(out)


def line_html(line: Line, said: tuple[str, str] | None = None) -> Any:
    """HTML (a ``Markup``): ``<del>`` and ``<ins>``; with ``said`` ("supprimé :", "ajouté :"),
    each mark starts with those words for screen readers only, which do not announce the marks
    (read whole, "une un chaudière murale générateur" was nonsense)."""
    from markupsafe import Markup, escape

    spoken = {"-": "", "+": ""}
    if said is not None:
        spoken = {
            "-": f'<span class="visually-hidden">{escape(said[0])} </span>',
            "+": f'<span class="visually-hidden">{escape(said[1])} </span>',
        }
    out = []
    for p in line:
        if p.op == "=":
            out.append(str(escape(p.text)))
        else:
            tag = "del" if p.op == "-" else "ins"
            out.append(f"<{tag}>{spoken[p.op]}{escape(p.text)}</{tag}>")
    return Markup("".join(out))


def line_markdown(line: Line, escape: Any) -> str:
    """Markdown, with the HTML tags ``<del>`` and ``<ins>``, which GitHub, GitLab and most wikis
    render inside Markdown (``**`` and ``~~`` do not open next to punctuation:
    "tertiaires**, y compris**"); ``escape``: the Markdown escaping of texts. On one line."""
    out = []
    for p in line:
        if p.op == "=":
            out.append(escape(p.text))
        else:
            tag = "del" if p.op == "-" else "ins"
            out.append(f"<{tag}>{escape(p.text)}</{tag}>")
    return " ".join("".join(out).split())


def line_plain(line: Line) -> str:
    """The words only, without marks (what a reader reads, for comparing renderings)."""
    return "".join(p.text for p in line)

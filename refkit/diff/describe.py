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

Words are in French or English (anything not French is English), as the published site has
always given them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from refkit.diff import Change, FieldChange, FrameworkDiff
from refkit.diff.relations import relation_counts, relation_line
from refkit.i18n import quantity

# the order of the sections, everywhere
SECTIONS = ("block", "competency", "activity", "certification", "shared-block", "framework")

_WORDS: dict[str, dict[str, Any]] = {
    "fr": {
        "sections": {
            "block": "Blocs", "competency": "Compétences", "activity": "Activités",
            "certification": "Règles de certification", "shared-block": "Blocs partagés",
            "framework": "Informations générales",
        },
        "changes": {
            "added": "ajouté", "removed": "supprimé", "modified": "modifié", "moved": "déplacé",
            "renamed": "renuméroté",
        },
        "counted": {"competencies": "Compétences", "blocks": "Blocs de compétences"},
        "nature": {
            "reworded": "reformulé", "whitespace": "mise en forme seulement", "changed": "modifié",
            "added": "ajouté", "removed": "retiré", "reordered": "réordonné", "items": "modifié",
        },
        "kinds": {"knowledge": "savoir", "skill": "savoir-faire", "attitude": "savoir-être"},
        "units": {"hours": "h", "credits": "crédits"},
        "sep": "\u00a0: ",
        "fields": {
            "statement": "énoncé", "kind": "nature", "criteria": "critères d'évaluation",
            "activities": "activités", "esco": "correspondance ESCO", "notes": "remarques",
            "title": "titre", "description": "description", "volume": "volume",
            "prerequisites": "prérequis", "modalities": "modalités d'évaluation", "order": "ordre",
            "required": "blocs obligatoires", "summary": "présentation", "sector": "secteur",
            "level": "niveau", "codes": "codes", "working_group": "groupe de travail",
            "validity": "validité", "tasks": "tâches", "status": "statut", "lang": "langue",
            "extensions": "données complémentaires", "version": "version", "relations": "relations",
        },
        "elective": "groupe au choix ",
        # one item of a list field, for "critère ajouté : ...": (noun, feminine)
        "items": {
            "criteria": ("critère", False), "tasks": ("tâche", True),
            "activities": ("activité", True), "required": ("bloc obligatoire", False),
            "prerequisites": ("prérequis", False), "modalities": ("modalité d'évaluation", True),
            "esco": ("correspondance ESCO", True),
            "working_group": ("membre du groupe de travail", False),
        },
        "block": "bloc",
        "becomes": "devient",
        "certification": "règles de certification",
        # before removed and added words, for screen readers, which do not announce the marks
        "said": ("supprimé :", "ajouté :"),
    },
    "en": {
        "sections": {
            "block": "Blocks", "competency": "Competencies", "activity": "Activities",
            "certification": "Certification rules", "shared-block": "Shared blocks",
            "framework": "General information",
        },
        "changes": {
            "added": "added", "removed": "removed", "modified": "modified", "moved": "moved",
            "renamed": "renumbered",
        },
        "counted": {"competencies": "Competencies", "blocks": "Blocks of competencies"},
        "nature": {
            "reworded": "reworded", "whitespace": "spacing only", "changed": "changed",
            "added": "added", "removed": "removed", "reordered": "reordered", "items": "changed",
        },
        "kinds": {"knowledge": "knowledge", "skill": "skill", "attitude": "attitude"},
        "units": {"hours": "h", "credits": "credits"},
        "sep": ": ",
        "fields": {},
        "elective": "elective group ",
        "items": {
            "criteria": ("criterion", False), "tasks": ("task", False),
            "activities": ("activity", False), "required": ("required block", False),
            "prerequisites": ("prerequisite", False), "modalities": ("assessment method", False),
            "esco": ("ESCO mapping", False), "working_group": ("working group member", False),
        },
        "block": "block",
        "becomes": "becomes",
        "certification": "certification rules",
        "said": ("removed:", "added:"),
    },
}  # fmt: skip

# Past participles agree with the noun in French: une compétence ajoutée, un bloc ajouté.
_FEMININE = {"competency", "activity", "shared-block", "certification"}


def lang_key(lang: str | None) -> str:
    """ "fr" for French ("fr", "fr-FR"), "en" for anything else."""
    return "fr" if (lang or "").lower().startswith("fr") else "en"


def words(lang: str | None) -> dict[str, Any]:
    """The words of a description in ``lang`` (section titles, kinds of competency...)."""
    return _WORDS[lang_key(lang)]


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
        fr = self.lang == "fr"
        parts = list(self.counts)
        n = self.others
        if n:
            s = "s" if n > 1 else ""
            parts.append(f"{n} autre{s} changement{s}" if fr else f"{n} other change{s}")
        return " · ".join(parts) or ("aucun changement" if fr else "no change")

    @property
    def word_diffs(self) -> bool:
        """Whether a line shows removed or added words (a legend is then due)."""
        return any(
            p.op != "=" for s in self.sections for e in s.entries for line in e.lines for p in line
        )


def badge(kind: str, change: str, lang: str | None, plural: bool = False) -> str:
    """What happened to an item, agreed with it: "ajoutée", "supprimés", "renumbered"."""
    w = words(lang)
    word: str = w["changes"].get(change, change)
    if lang_key(lang) == "fr":
        word += ("e" if kind in _FEMININE else "") + ("s" if plural else "")
    return word


def counts(diff: FrameworkDiff, lang: str | None) -> tuple[str, ...]:
    """ "Compétences : 1 ajoutée, 2 modifiées", then the blocks' counts."""
    w = words(lang)
    out = []
    summary = diff.summary()
    for kind in ("competencies", "blocks"):
        one = "competency" if kind == "competencies" else "block"
        parts = [f"{n} {badge(one, k, lang, plural=n > 1)}" for k, n in summary[kind].items() if n]
        if parts:
            out.append(f"{w['counted'][kind]}{w['sep']}{', '.join(parts)}")
    relations = relation_counts(summary["relations"], lang)
    return (*out, relations) if relations else tuple(out)


def about(c: Change, lang: str | None) -> str:
    """The item a change is about, in plain words; the badge before it says what happened."""
    fr = lang_key(lang) == "fr"
    w = words(lang)
    sep = " : " if fr else ": "
    if c.kind == "competency":
        if c.change == "added":
            return f"{c.id} ({w['block']} {c.block}){sep}{c.label}"
        if c.change == "removed":
            return f"{c.id} ({w['block']} {c.old_block}){sep}{c.label}"
        if c.change == "renamed":
            same = round((c.similarity or 0) * 100)
            by_title = c.paired_by == "title"  # the evidence: its title, not its statement
            if fr:
                where = (
                    f", déplacée du bloc {c.old_block} au bloc {c.block}" if c.moved_flag else ""
                )
                how = f"titre semblable à {same} %" if by_title else f"identique à {same} %"
                return f"{c.old_id} devient {c.id} ({how}){where} : {c.label}"
            where = f", moved from block {c.old_block} to block {c.block}" if c.moved_flag else ""
            how = f"paired by title, {same}% similar" if by_title else f"{same}% identical"
            return f"{c.old_id} becomes {c.id} ({how}){where}: {c.label}"
        if c.change == "moved":
            if fr:
                return f"{c.id}, du bloc {c.old_block} au bloc {c.block} : {c.label}"
            return f"{c.id}, from block {c.old_block} to block {c.block}: {c.label}"
        return f"{c.id}{sep}{c.label}"
    if c.kind == "block" and c.change == "renamed":
        return f"{c.old_id} {w['becomes']} {c.id}{sep}{c.label}"
    if c.kind in ("block", "activity", "shared-block"):
        return f"{c.id}{sep}{c.label}"
    return c.label if c.kind != "certification" else str(w["certification"])


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
    units = words(lang)["units"]
    parts = []
    if hours is not None:
        parts.append(quantity(hours, units["hours"], lang))
    if credits is not None:
        parts.append(quantity(credits, units["credits"], lang))
    return " + ".join(parts)


def field_name(field: str, lang: str | None) -> str:
    """A field's name in plain words, for trainers ("critères d'évaluation")."""
    w = words(lang)
    if field.startswith("x-") and "." in field:  # a source's own data: "broader (x-esco)"
        source, _, path = field.partition(".")
        if path.endswith(".bookkeeping"):  # its records' identifiers, addresses and dates
            ids = "identifiants" if lang_key(lang) == "fr" else "identifiers"
            return f"{path.removesuffix('.bookkeeping')} ({source}) : {ids}".replace(
                " : ", w["sep"]
            )
        return f"{path} ({source})"
    name: str = w["fields"].get(field, field.replace("electives.", w["elective"]))
    return name


def field_lines(f: FieldChange, lang: str | None) -> tuple[Line, ...]:
    """How one field changed, as lines of pieces."""
    w = words(lang)
    name = field_name(f.field, lang)
    if not f.field.startswith("x-"):  # a source's own names are shown as it writes them
        name = name[:1].upper() + name[1:]
    nature = w["nature"]
    sep = w["sep"]

    def text(s: str) -> Line:
        return (Piece("=", s),)

    def head(s: str, rest: Line) -> Line:
        return pieces([("=", s), *((p.op, p.text) for p in rest)])

    if f.nature == "reworded" and f.words is not None:
        return (head(f"{name}{sep}", pieces(f.words)),)
    if f.nature in ("whitespace", "reordered"):
        return (text(f"{name}{sep}{nature[f.nature]}"),)
    if f.nature == "bookkeeping":  # records that say the same under new identifiers or dates
        n = int(f.new or 0)
        if lang_key(lang) == "fr":
            said = f"{n} enregistrement{'s' if n > 1 else ''} aux identifiants, adresses ou dates renouvelés"
        else:
            said = f"{n} record{'s' if n != 1 else ''} with new identifiers, addresses or dates"
        return (text(f"{field_name(f.field.removesuffix('.bookkeeping'), lang)}{sep}{said}"),)
    if f.field == "relations" and f.nature == "items":  # worded with their types (issue 17)
        return tuple(text(relation_line(item, lang)) for item in f.items)
    if f.nature == "items":
        lines: list[Line] = []
        noun = w["items"].get(f.field)
        for item in f.items:
            change = item["change"]
            if change in ("added", "removed") and noun:
                word, feminine = noun
                fem = "e" if feminine and lang_key(lang) == "fr" else ""
                start = f"{word} {nature[change]}{fem}{sep}"
                lines.append(text(start[:1].upper() + start[1:] + item["text"]))
            elif change in ("added", "removed"):
                lines.append(text(f"{name}, {nature[change]}{sep}{item['text']}"))
            elif change == "whitespace":
                lines.append(text(f"{name}, {nature['whitespace']}{sep}{item['new']}"))
            else:
                lines.append(head(f"{name}, {nature['reworded']}{sep}", pieces(item["words"])))
        return tuple(lines)
    old, new = f.old, f.new
    if f.field == "kind":  # the words the form and the pages use, not the stored codes
        old, new = (w["kinds"].get(v, v) if isinstance(v, str) else v for v in (old, new))
    return (text(f"{name}{sep}{_plain(old, lang)} → {_plain(new, lang)}"),)


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

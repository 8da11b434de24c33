"""Rules on content: criteria, empty blocks, texts left as the editor wrote them, control
characters in texts, unused activities, levels."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from refkit.model import PLACEHOLDERS, Framework, Source
from refkit.problems import CONTROL, Problem, control_name
from refkit.rules import Context, framework_rule


@framework_rule
def competency_criteria(ctx: Context) -> Iterator[Problem]:
    if ctx.fw.is_reference:
        return  # ESCO, NICE...: statements to align with, not assessed by this framework
    for block in ctx.fw.blocks:
        for c in block.competencies:
            if not c.criteria:
                yield ctx.problem(
                    "competency-criteria",
                    c.source,
                    "id",
                    message=f"competency {c.id} has no assessment criterion",
                )


@framework_rule
def empty_blocks(ctx: Context) -> Iterator[Problem]:
    for block in ctx.fw.blocks:
        if not block.competencies and block.id not in ctx.loaded.broken_blocks:
            yield ctx.problem(
                "empty-block", block.source, "id", message=f"block {block.id} has no competencies"
            )


@framework_rule
def placeholder_texts(ctx: Context) -> Iterator[Problem]:
    """A new item's text refkit wrote ("Nouvelle compétence" in the editor, "À définir — ..." by
    `refkit new`), never replaced: released as it is, schools would read it."""

    def left(what: str, text: str | None) -> str | None:
        return (
            f'{what} still reads "{text}", the text refkit gave it'
            if text in PLACEHOLDERS
            else None
        )

    for a in ctx.fw.activities:
        if message := left(f"activity {a.id}", a.title):
            yield ctx.problem("placeholder-text", a.source, "title", message=message)
    for i, member in enumerate(ctx.fw.working_group):
        if message := left(f"working group member {i + 1}", member.organisation):
            yield ctx.problem(
                "placeholder-text",
                ctx.fw.source,
                "working_group",
                i,
                "organisation",
                message=message,
            )
    for block in ctx.fw.blocks:
        if message := left(f"block {block.id}", block.title):
            yield ctx.problem("placeholder-text", block.source, "title", message=message)
        for c in block.competencies:
            if message := left(f"competency {c.id}", c.statement):
                yield ctx.problem("placeholder-text", c.source, "statement", message=message)
            for i, cr in enumerate(c.criteria):
                if message := left(f"criterion {i + 1} of {c.id}", cr.text):
                    yield ctx.problem("placeholder-text", c.source, "criteria", i, message=message)


def _same_words(text: str) -> str:
    """A statement as a reader compares it: case, spacing and the apostrophe's form aside."""
    return " ".join(text.casefold().replace("\u2019", "'").split())


@framework_rule
def duplicate_statements(ctx: Context) -> Iterator[Problem]:
    """Two competencies of a framework that say the same thing (a copy made with "duplicate"
    and never reworded, a paste twice): schools would assess the same thing twice. Reference
    frameworks (ESCO, NICE...) are imported as their authors wrote them: not reported."""
    if ctx.fw.is_reference:
        return
    first: dict[str, tuple[str, str]] = {}
    for block in ctx.fw.blocks:
        for c in block.competencies:
            if not isinstance(c.statement, str) or not c.statement:
                continue
            key = _same_words(c.statement)
            seen = first.setdefault(key, (c.id, block.id))
            if seen[0] != c.id:
                yield ctx.problem(
                    "duplicate-statement",
                    c.source,
                    "statement",
                    message=f"competency {c.id} has the same statement as {seen[0]} ({seen[1]})",
                )


@framework_rule
def unused_activities(ctx: Context) -> Iterator[Problem]:
    used = {a for _, c in ctx.fw.competencies() for a in c.activities}
    if ctx.loaded.broken_blocks:
        return  # a block we could not read may use them
    for activity in ctx.fw.activities:
        if activity.id and activity.id not in used:
            yield ctx.problem(
                "unused-activity",
                activity.source,
                "id",
                message=f"no competency serves activity {activity.id}",
            )


@framework_rule
def level_mismatch(ctx: Context) -> Iterator[Problem]:
    level = ctx.fw.level
    fr = level.national.get("fr")
    if level.eqf is not None and fr is not None and level.eqf != fr:
        yield ctx.problem(
            "level-mismatch",
            ctx.fw.source,
            "level",
            "national",
            "fr",
            message=f"French level {fr} differs from EQF level {level.eqf}",
        )


# (item's source, path from the item to the text, what the text is, one line or not, text)
_Text = tuple[Source | None, tuple[str | int, ...], str, bool, str]


def _clean_blocks(ctx: Context) -> dict[int, bool]:
    """The blocks (by ``id()``) none of whose texts holds a control character or a tab: those
    whose file could hold none (``ReadResult.escapes``), else found with one search over the
    block's texts joined (a text at a time costs 5x more: 0.6 s for 100,000 competencies)."""
    search = CONTROL.search
    documents = ctx.loaded.documents
    clean: dict[int, bool] = {}
    for b in ctx.fw.blocks:
        doc = documents.get(b.source.file) if b.source is not None else None
        if doc is not None and not doc.escapes:
            clean[id(b)] = False  # nothing to look at, own fields (x-...) included
            continue
        comps = b.competencies
        joined = "".join(
            [b.title, b.description or "", *[m.description or "" for m in b.modalities]]
            + [c.statement for c in comps]
            + [c.notes for c in comps if c.notes]
            + [cr.text for c in comps for cr in c.criteria]
        )
        if "\t" not in joined and search(joined) is None:
            clean[id(b)] = True  # its own fields (x-...) still to look at
    return clean


def _texts(fw: Framework, clean: dict[int, bool] | None = None) -> Iterator[_Text]:
    """Every text of a framework a person reads, with where it is (one-line texts: the schema's
    ``line`` fields, where a tab has no place either). Of a block in ``clean``, none, or only
    the texts of its own fields (``x-...``) when ``clean`` says so (``_clean_blocks``)."""
    src = fw.source
    yield src, ("title",), "title", True, fw.title
    if fw.sector:
        yield src, ("sector",), "sector", True, fw.sector
    if fw.summary:
        yield src, ("summary",), "summary", False, fw.summary
    for i, m in enumerate(fw.working_group):
        who = f"working group member {i + 1}"
        yield (
            src,
            ("working_group", i, "organisation"),
            f"organisation of {who}",
            True,
            m.organisation,
        )
        if m.role:
            yield src, ("working_group", i, "role"), f"role of {who}", True, m.role
    yield from _extensions(src, (), "the framework", fw.extensions)
    for a in fw.activities:
        yield a.source, ("title",), f"title of activity {a.id}", True, a.title
        if a.description:
            yield (
                a.source,
                ("description",),
                f"description of activity {a.id}",
                False,
                a.description,
            )
        for j, task in enumerate(a.tasks):
            yield a.source, ("tasks", j), f"task {j + 1} of activity {a.id}", True, task
        yield from _extensions(a.source, (), f"activity {a.id}", a.extensions)
    for g in fw.certification.electives:
        if g.title:
            yield g.source, ("title",), f"title of elective group {g.id}", True, g.title
    if fw.correspondence is not None:
        for k, e in enumerate(fw.correspondence.entries):
            if e.note:
                yield e.source, ("note",), f"note of correspondence entry {k + 1}", False, e.note
    for r in fw.releases:
        if r.message:
            yield r.source, ("message",), f"message of release {r.version}", False, r.message
    for b in fw.blocks:
        if clean is not None and id(b) in clean:
            if not clean[id(b)]:
                continue
            yield from _extensions(b.source, (), f"block {b.id}", b.extensions)
            for c in b.competencies:
                if c.extensions:
                    yield from _extensions(c.source, (), f"competency {c.id}", c.extensions)
            continue
        yield b.source, ("title",), f"title of block {b.id}", True, b.title
        if b.description:
            yield b.source, ("description",), f"description of block {b.id}", False, b.description
        for k, mod in enumerate(b.modalities):
            if mod.description:
                what = f"description of modality {k + 1} of block {b.id}"
                yield mod.source, ("description",), what, False, mod.description
        yield from _extensions(b.source, (), f"block {b.id}", b.extensions)
        for c in b.competencies:
            yield c.source, ("statement",), f"statement of competency {c.id}", True, c.statement
            for j, cr in enumerate(c.criteria):
                yield cr.source, (), f"criterion {j + 1} of competency {c.id}", True, cr.text
            if c.notes:
                yield c.source, ("notes",), f"notes of competency {c.id}", False, c.notes
            if c.extensions:
                yield from _extensions(c.source, (), f"competency {c.id}", c.extensions)


def _extensions(
    source: Source | None, path: tuple[str | int, ...], owner: str, value: Any
) -> Iterator[_Text]:
    """The texts of an organisation's own fields (``x-...``), keys included, at any depth."""
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(k, str):
                yield source, (*path, k), f'field name "{k}" of {owner}', True, k
            yield from _extensions(source, (*path, k), owner, v)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _extensions(source, (*path, i), owner, v)
    elif isinstance(value, str) and path:
        yield source, path, f'"{path[0]}" of {owner}', False, value


@framework_rule
def control_characters(ctx: Context) -> Iterator[Problem]:
    """A control character in a text (ESC, NUL, BEL, CR...: only double-quoted escapes such as
    "\\e" or "\\x1b" put one in a YAML file) does nothing a reader wants and can act on a
    terminal that prints it; a tab in a one-line text is shown differently everywhere."""
    search = CONTROL.search
    for source, extra, what, one_line, text in _texts(ctx.fw, _clean_blocks(ctx)):
        if one_line and "\t" in text:
            yield ctx.problem("text-tab", source, *extra, message=f"{what} contains a tab")
        if search(text) is None:
            continue
        found = sorted(set(CONTROL.findall(text)))
        names = ", ".join(control_name(ch) for ch in found[:3]) + (
            ", ..." if len(found) > 3 else ""
        )
        word = "character" if len(found) == 1 else "characters"
        yield ctx.problem(
            "control-character",
            source,
            *extra,
            message=f"{what} contains the control {word} {names}",
        )

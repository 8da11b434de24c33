"""Rules on content: criteria, empty blocks, texts left as the editor wrote them, control
characters in texts, unused activities, levels."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from refkit.control import CONTROL, control_name
from refkit.i18n import Msg
from refkit.model import PLACEHOLDERS, Framework, Source
from refkit.problems import Problem
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
                    message=Msg(
                        "competency {competency} has no assessment criterion", competency=c.id
                    ),
                )


@framework_rule
def empty_blocks(ctx: Context) -> Iterator[Problem]:
    for block in ctx.fw.blocks:
        if not block.competencies and block.id not in ctx.loaded.broken_blocks:
            yield ctx.problem(
                "empty-block",
                block.source,
                "id",
                message=Msg("block {block} has no competencies", block=block.id),
            )


@framework_rule
def placeholder_texts(ctx: Context) -> Iterator[Problem]:
    """A new item's text refkit wrote ("Nouvelle compétence" in the editor, "À définir — ..." by
    `refkit new`), never replaced: released as it is, schools would read it."""

    def left(what: Msg, text: str | None) -> Msg:
        return Msg('{what} still reads "{text}", the text refkit gave it', what=what, text=text)

    # (the texts compared first, the message made only for one left: a national repository has
    # hundreds of thousands of texts)
    for a in ctx.fw.activities:
        if a.title in PLACEHOLDERS:
            message = left(Msg("activity {id}", id=a.id), a.title)
            yield ctx.problem("placeholder-text", a.source, "title", message=message)
    for i, member in enumerate(ctx.fw.working_group):
        if member.organisation in PLACEHOLDERS:
            message = left(Msg("working group member {n}", n=i + 1), member.organisation)
            yield ctx.problem(
                "placeholder-text",
                ctx.fw.source,
                "working_group",
                i,
                "organisation",
                message=message,
            )
    for block in ctx.fw.blocks:
        if block.title in PLACEHOLDERS:
            message = left(Msg("block {id}", id=block.id), block.title)
            yield ctx.problem("placeholder-text", block.source, "title", message=message)
        for c in block.competencies:
            if c.statement in PLACEHOLDERS:
                message = left(Msg("competency {id}", id=c.id), c.statement)
                yield ctx.problem("placeholder-text", c.source, "statement", message=message)
            for i, cr in enumerate(c.criteria):
                if cr.text in PLACEHOLDERS:
                    message = left(Msg("criterion {n} of {id}", n=i + 1, id=c.id), cr.text)
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
                    message=Msg(
                        "competency {competency} has the same statement as {other} ({block})",
                        competency=c.id,
                        other=seen[0],
                        block=seen[1],
                    ),
                )


@framework_rule
def unused_activities(ctx: Context) -> Iterator[Problem]:
    used = {a for _, c in ctx.fw.competencies() for a in c.activities}
    if ctx.loaded.broken_blocks:
        return  # a block we could not read may use them
    for activity in ctx.fw.activities:
        if activity.id and activity.id not in used and not activity.relations:
            yield ctx.problem(
                "unused-activity",
                activity.source,
                "id",
                message=Msg("no competency serves activity {activity}", activity=activity.id),
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
            message=Msg("French level {fr} differs from EQF level {eqf}", fr=fr, eqf=level.eqf),
        )


# (item's source, path from the item to the text, what the text is, one line or not, text)
_Text = tuple[Source | None, tuple[str | int, ...], Msg, bool, str]


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
    yield src, ("title",), Msg("title"), True, fw.title
    if fw.sector:
        yield src, ("sector",), Msg("sector"), True, fw.sector
    if fw.summary:
        yield src, ("summary",), Msg("summary"), False, fw.summary
    for i, m in enumerate(fw.working_group):
        who = Msg("working group member {n}", n=i + 1)
        path = ("working_group", i)
        yield src, (*path, "organisation"), _of(Msg("organisation"), who), True, m.organisation
        if m.role:
            yield src, (*path, "role"), _of(Msg("role"), who), True, m.role
    yield from _extensions(src, (), Msg("the framework"), fw.extensions)
    for a in fw.activities:
        activity = Msg("activity {id}", id=a.id)
        yield a.source, ("title",), _of(Msg("title"), activity), True, a.title
        if a.description:
            yield (
                a.source,
                ("description",),
                _of(Msg("description"), activity),
                False,
                a.description,
            )
        for j, task in enumerate(a.tasks):
            what = Msg("task {n} of {item}", n=j + 1, item=activity)
            yield a.source, ("tasks", j), what, True, task
        yield from _extensions(a.source, (), activity, a.extensions)
    for g in fw.certification.electives:
        if g.title:
            group = Msg("elective group {id}", id=g.id)
            yield g.source, ("title",), _of(Msg("title"), group), True, g.title
    if fw.correspondence is not None:
        for k, e in enumerate(fw.correspondence.entries):
            if e.note:
                entry = Msg("correspondence entry {n}", n=k + 1)
                yield e.source, ("note",), _of(Msg("note"), entry), False, e.note
    for r in fw.releases:
        if r.message:
            release = Msg("release {version}", version=r.version)
            yield r.source, ("message",), _of(Msg("message"), release), False, r.message
    for b in fw.blocks:
        if clean is not None and id(b) in clean:
            if not clean[id(b)]:
                continue
            yield from _extensions(b.source, (), Msg("block {id}", id=b.id), b.extensions)
            for c in b.competencies:
                if c.extensions:
                    item = Msg("competency {id}", id=c.id)
                    yield from _extensions(c.source, (), item, c.extensions)
            continue
        block = Msg("block {id}", id=b.id)
        yield b.source, ("title",), _of(Msg("title"), block), True, b.title
        if b.description:
            yield b.source, ("description",), _of(Msg("description"), block), False, b.description
        for k, mod in enumerate(b.modalities):
            if mod.description:
                modality = Msg("modality {n} of {item}", n=k + 1, item=block)
                what = _of(Msg("description"), modality)
                yield mod.source, ("description",), what, False, mod.description
        yield from _extensions(b.source, (), block, b.extensions)
        for c in b.competencies:
            competency = Msg("competency {id}", id=c.id)
            yield c.source, ("statement",), _of(Msg("statement"), competency), True, c.statement
            for j, cr in enumerate(c.criteria):
                what = Msg("criterion {n} of {item}", n=j + 1, item=competency)
                yield cr.source, (), what, True, cr.text
            if c.notes:
                yield c.source, ("notes",), _of(Msg("notes"), competency), False, c.notes
            if c.extensions:
                yield from _extensions(c.source, (), competency, c.extensions)


def _of(field: Msg, item: Msg) -> Msg:
    """ "statement of competency C2.3", in the reader's language."""
    return Msg("{field} of {item}", field=field, item=item)


def _extensions(
    source: Source | None, path: tuple[str | int, ...], owner: Msg, value: Any
) -> Iterator[_Text]:
    """The texts of an organisation's own fields (``x-...``), keys included, at any depth."""
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(k, str):
                what = Msg('field name "{key}" of {owner}', key=k, owner=owner)
                yield source, (*path, k), what, True, k
            yield from _extensions(source, (*path, k), owner, v)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _extensions(source, (*path, i), owner, v)
    elif isinstance(value, str) and path:
        yield source, path, Msg('"{field}" of {owner}', field=path[0], owner=owner), False, value


@framework_rule
def control_characters(ctx: Context) -> Iterator[Problem]:
    """A control character in a text (ESC, NUL, BEL, CR...: only double-quoted escapes such as
    "\\e" or "\\x1b" put one in a YAML file) does nothing a reader wants and can act on a
    terminal that prints it; a tab in a one-line text is shown differently everywhere."""
    search = CONTROL.search
    for source, extra, what, one_line, text in _texts(ctx.fw, _clean_blocks(ctx)):
        if one_line and "\t" in text:
            yield ctx.problem(
                "text-tab", source, *extra, message=Msg("{what} contains a tab", what=what)
            )
        if search(text) is None:
            continue
        found = sorted(set(CONTROL.findall(text)))
        names = ", ".join(control_name(ch) for ch in found[:3]) + (
            ", ..." if len(found) > 3 else ""
        )
        yield ctx.problem(
            "control-character",
            source,
            *extra,
            message=Msg(
                "{what} contains the control character {names}"
                if len(found) == 1
                else "{what} contains the control characters {names}",
                what=what,
                names=names,
            ),
        )

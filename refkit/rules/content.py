"""Rules on content: criteria, empty blocks, texts left as the editor wrote them, unused
activities, levels."""

from __future__ import annotations

from collections.abc import Iterator

from refkit.model import PLACEHOLDERS
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

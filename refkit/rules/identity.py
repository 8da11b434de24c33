"""Rules on identity: ids unique in their scope, names of folders and files match ids."""

from __future__ import annotations

from collections.abc import Iterator

from refkit.i18n import Msg
from refkit.problems import Problem
from refkit.rules import Context, duplicates, framework_rule


@framework_rule
def folder_name(ctx: Context) -> Iterator[Problem]:
    fw = ctx.fw
    if fw.id and fw.id != ctx.loaded.name:
        yield ctx.problem(
            "folder-name",
            fw.source,
            "id",
            message=Msg(
                'framework id "{id}" differs from its folder name "{folder}"',
                id=fw.id,
                folder=ctx.loaded.name,
            ),
            hint=Msg(
                "rename the folder to {id}, or set id: {folder}", id=fw.id, folder=ctx.loaded.name
            ),
        )


@framework_rule
def block_file_name(ctx: Context) -> Iterator[Problem]:
    for block in ctx.fw.blocks:
        if block.id in ctx.loaded.broken_blocks or block.source is None:
            continue
        stem = block.source.file.rsplit("/", 1)[-1].removesuffix(".yaml")
        if block.id and block.id != stem:
            yield ctx.problem(
                "block-file-name",
                block.source,
                "id",
                message=Msg(
                    'block id "{id}" differs from its file name "{file}"',
                    id=block.id,
                    file=f"{stem}.yaml",
                ),
                hint=Msg(
                    "rename the file to {file}, or set id: {stem}",
                    file=f"{block.id}.yaml",
                    stem=stem,
                ),
            )


@framework_rule
def duplicate_ids(ctx: Context) -> Iterator[Problem]:
    fw = ctx.fw
    for key, first, again in duplicates((a.id, a) for a in fw.activities):
        yield ctx.problem(
            "duplicate-id",
            again.source,
            "id",
            message=Msg(
                'activity id "{id}" is used twice (first at line {line})',
                id=key,
                line=first.source.line,
            ),
        )
    own = [(b.id, ("block", b)) for b in fw.blocks] + [
        (s.block, ("shared", s)) for s in fw.shared_blocks
    ]
    for key, (_, first), (what, again) in duplicates(own):
        where = first.source.file if first.source else ""
        if what == "shared":
            yield ctx.problem(
                "duplicate-id",
                again.source,
                "block",
                message=Msg(
                    'block id "{id}" is already used in this framework ({where})',
                    id=key,
                    where=where,
                ),
                hint=Msg("a framework cannot use two blocks with the same id"),
            )
        else:
            yield ctx.problem(
                "duplicate-id",
                again.source,
                "id",
                message=Msg('block id "{id}" is already used by {where}', id=key, where=where),
            )
    for key, first, again in duplicates((g.id, g) for g in fw.certification.electives):
        yield ctx.problem(
            "duplicate-id",
            again.source,
            "id",
            message=Msg(
                'elective group id "{id}" is used twice (first at line {line})',
                id=key,
                line=first.source.line,
            ),
        )
    for block in fw.blocks:
        for key, first, again in duplicates((c.id, c) for c in block.competencies):
            yield ctx.problem(
                "duplicate-id",
                again.source,
                "id",
                message=Msg(
                    'competency id "{id}" is used twice in block {block} (first at line {line})',
                    id=key,
                    block=block.id,
                    line=first.source.line,
                ),
            )


@framework_rule
def competency_in_one_block(ctx: Context) -> Iterator[Problem]:
    home: dict[str, tuple[str, str]] = {}
    for block in ctx.fw.blocks:
        seen_here: set[str] = set()
        for c in block.competencies:
            if not c.id or c.id in seen_here:
                continue
            seen_here.add(c.id)
            if c.id in home:
                other, where = home[c.id]
                yield ctx.problem(
                    "competency-one-block",
                    c.source,
                    "id",
                    message=Msg(
                        "competency {competency} is also in block {block} ({where}); a "
                        "competency sits in one block",
                        competency=c.id,
                        block=other,
                        where=where,
                    ),
                )
            else:
                where = f"{c.source.file.rsplit('/', 1)[-1]}:{c.source.line}" if c.source else ""
                home[c.id] = (block.id, where)

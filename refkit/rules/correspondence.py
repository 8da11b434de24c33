"""Rules on the correspondence section: entries well formed, naming real blocks and competencies.

Blocks and competencies of this version are checked here; blocks of the earlier version (``old``)
are checked by the repository phase of validation against that release, read from git
(``check_correspondence_history``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from refkit.i18n import Msg
from refkit.problems import RULES, Problem
from refkit.rules import Context, Summary, duplicates, framework_rule


@framework_rule
def correspondence_entries(ctx: Context) -> Iterator[Problem]:
    fw = ctx.fw
    section = fw.correspondence
    if section is None:
        return
    blocks = {b.id: b for b in fw.blocks}
    known = set(fw.block_ids())
    for entry in section.entries:
        if entry.type == "new" and entry.old:
            yield ctx.problem(
                "correspondence-entry",
                entry.source,
                "old",
                message=Msg("a new block has no old block (old: {old})", old=entry.old),
            )
        if entry.type != "new" and not entry.old:
            yield ctx.problem(
                "correspondence-entry",
                entry.source,
                message=Msg("{entry} needs the old block it maps (old:)", entry=_entry(entry.type)),
            )
        if entry.type == "removed" and entry.new:
            yield ctx.problem(
                "correspondence-entry",
                entry.source,
                "new",
                message=Msg("a removed block counts for no new block"),
            )
        if entry.type not in ("removed", "") and not entry.new:
            yield ctx.problem(
                "correspondence-entry",
                entry.source,
                message=Msg("{entry} needs the new block(s) (new:)", entry=_entry(entry.type)),
            )
        for i, ref in enumerate(entry.new):
            if ref not in known:
                yield ctx.problem(
                    "unknown-block",
                    entry.source,
                    "new",
                    i,
                    message=Msg(
                        'correspondence names block "{block}", which this version does not have',
                        block=ref,
                    ),
                )
        in_new = {c.id for ref in entry.new if ref in blocks for c in blocks[ref].competencies}
        for i, cid in enumerate(entry.missing):
            if cid not in in_new:
                where = ", ".join(entry.new) or Msg("the new blocks")
                yield ctx.problem(
                    "unknown-competency",
                    entry.source,
                    "missing",
                    i,
                    message=Msg(
                        'missing competency "{competency}" is not a competency of {where}',
                        competency=cid,
                        where=where,
                    ),
                )
    for key, _, again in duplicates((e.old or "", e) for e in section.entries):
        yield ctx.problem(
            "duplicate-id",
            again.source,
            "old",
            message=Msg("block {block} has two correspondence entries", block=key),
        )


_ENTRIES = {
    "equivalent": "an equivalent entry",
    "partial": "a partial entry",
    "split": "a split entry",
    "merged": "a merged entry",
    "removed": "a removed entry",
    "new": "a new entry",
    "": "a correspondence entry",
}


def _entry(kind: str | None) -> Msg:
    """ "an equivalent entry", in the reader's language."""
    known = _ENTRIES.get(kind or "")
    return Msg(known) if known else Msg("a {kind} entry", kind=kind)


OldBlocks = Callable[
    [Summary, str], set[str] | None
]  # (framework, version) -> its block ids, None: no such release


def check_correspondence_history(summaries: list[Summary], old_blocks: OldBlocks) -> list[Problem]:
    """The ``from`` release exists, and every ``old`` block is a block of it."""
    out = []
    for s in summaries:
        c = s.correspondence
        if not c:
            continue
        blocks = old_blocks(s, c["from"])
        if blocks is None:
            line, col = c["from_pos"]
            out.append(
                RULES["unknown-release"].at(
                    s.file,
                    line,
                    col,
                    Msg(
                        "{framework} has no release {version} to map from",
                        framework=s.id,
                        version=c["from"],
                    ),
                    path=("correspondence", "from"),
                )
            )
            continue
        for old, line, col, path in c["olds"]:
            if old not in blocks:
                out.append(
                    RULES["unknown-block"].at(
                        s.file,
                        line,
                        col,
                        Msg(
                            'block "{block}" is not a block of {framework} {version}',
                            block=old,
                            framework=s.id,
                            version=c["from"],
                        ),
                        path=tuple(path),
                        hint=Msg(
                            "blocks of {version}: {blocks}",
                            version=c["from"],
                            blocks=", ".join(sorted(blocks)) or Msg("none"),
                        ),
                    )
                )
    return out

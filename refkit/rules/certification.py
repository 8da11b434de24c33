"""Rules on certification (packaging) rules: required blocks and "choose n of m" electives."""

from __future__ import annotations

from collections.abc import Iterator

from refkit.i18n import Msg
from refkit.model import ElectiveGroup
from refkit.problems import Problem
from refkit.rules import Context, framework_rule


def blocks(n: int, *, usable: bool = False) -> Msg:
    if usable:
        return Msg("1 usable block") if n == 1 else Msg("{n} usable blocks", n=n)
    return Msg("1 block") if n == 1 else Msg("{n} blocks", n=n)


@framework_rule
def certification_rules(ctx: Context) -> Iterator[Problem]:
    fw = ctx.fw
    cert = fw.certification
    if not cert.required and not cert.electives:
        if (fw.blocks or fw.shared_blocks) and not fw.is_reference:
            yield ctx.problem(
                "no-certification-rules",
                fw.source,
                "id",
                message=Msg(
                    "framework has no certification rules: no block leads to the certification"
                ),
            )
        return
    required = set(cert.required)
    seen_in_group: dict[str, str] = {}
    for group in cert.electives:
        for i, ref in enumerate(group.blocks):
            if ref in required:
                yield ctx.problem(
                    "block-required-and-elective",
                    group.source,
                    "from",
                    i,
                    message=Msg(
                        "block {block} is required and also elective in group {group}",
                        block=ref,
                        group=group.id,
                    ),
                )
            elif ref in seen_in_group:
                yield ctx.problem(
                    "block-in-several-electives",
                    group.source,
                    "from",
                    i,
                    message=Msg(
                        "block {block} is in elective groups {first} and {second}",
                        block=ref,
                        first=seen_in_group[ref],
                        second=group.id,
                    ),
                )
            else:
                seen_in_group[ref] = group.id
    listed = required | set(seen_in_group)
    for block in fw.blocks:
        if block.id and block.id not in listed:
            yield ctx.problem(
                "block-not-certified",
                block.source,
                "id",
                message=Msg(
                    "block {block} is neither required nor in an elective group", block=block.id
                ),
            )
    for shared in fw.shared_blocks:
        if shared.block and shared.block not in listed:
            yield ctx.problem(
                "block-not-certified",
                shared.source,
                "block",
                message=Msg(
                    "shared block {block} is neither required nor in an elective group",
                    block=shared.block,
                ),
            )
    yield from _satisfiable(ctx, cert.electives, required, set(fw.block_ids()))


def _satisfiable(
    ctx: Context, groups: list[ElectiveGroup], required: set[str], known: set[str]
) -> Iterator[Problem]:
    """Each group needs ``choose`` distinct blocks, a block counts for one group only."""
    usable = {
        g.id: [b for b in dict.fromkeys(g.blocks) if b in known and b not in required]
        for g in groups
    }
    for group in groups:
        n = len(usable[group.id])
        if group.choose > n:
            yield ctx.problem(
                "elective-unsatisfiable",
                group.source,
                "choose",
                message=Msg(
                    "elective group {group} asks to choose {choose} but offers {usable}",
                    group=group.id,
                    choose=blocks(group.choose),
                    usable=blocks(n, usable=True),
                ),
            )
            return
    # jointly: match every slot of every group to a distinct block (bipartite matching)
    slots = [g for g in groups for _ in range(max(g.choose, 0))]
    match: dict[str, int] = {}

    def assign(slot: int, visited: set[str]) -> bool:
        for b in usable[slots[slot].id]:
            if b in visited:
                continue
            visited.add(b)
            if b not in match or assign(match[b], visited):
                match[b] = slot
                return True
        return False

    for slot in range(len(slots)):
        if not assign(slot, set()):
            group = slots[slot]
            yield ctx.problem(
                "elective-unsatisfiable",
                group.source,
                "choose",
                message=Msg(
                    "elective groups together ask for more distinct blocks than they offer "
                    "(group {group} cannot get its {choose})",
                    group=group.id,
                    choose=group.choose,
                ),
            )
            return

"""Rules on certification (packaging) rules: required blocks and "choose n of m" electives."""

from __future__ import annotations

from collections.abc import Iterator

from refkit.model import ElectiveGroup
from refkit.problems import Problem
from refkit.rules import Context, framework_rule


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
                message="framework has no certification rules: no block leads to the certification",
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
                    message=f"block {ref} is required and also elective in group {group.id}",
                )
            elif ref in seen_in_group:
                yield ctx.problem(
                    "block-in-several-electives",
                    group.source,
                    "from",
                    i,
                    message=f"block {ref} is in elective groups {seen_in_group[ref]} and {group.id}",
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
                message=f"block {block.id} is neither required nor in an elective group",
            )
    for shared in fw.shared_blocks:
        if shared.block and shared.block not in listed:
            yield ctx.problem(
                "block-not-certified",
                shared.source,
                "block",
                message=f"shared block {shared.block} is neither required nor in an elective group",
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
                message=(
                    f"elective group {group.id} asks to choose {group.choose} "
                    f"block{'s' if group.choose != 1 else ''} but offers {n} usable "
                    f"block{'s' if n != 1 else ''}"
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
                message=(
                    f"elective groups together ask for more distinct blocks than they offer "
                    f"(group {group.id} cannot get its {group.choose})"
                ),
            )
            return

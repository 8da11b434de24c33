"""Rules on references inside a framework: activities, blocks, prerequisites (a DAG)."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from refkit.i18n import Msg
from refkit.problems import Problem
from refkit.rules import Context, framework_rule


def _suggest(word: str, known: list[str]) -> Msg | None:
    close = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    return Msg('did you mean "{word}"?', word=close[0]) if close else None


@framework_rule
def unknown_activities(ctx: Context) -> Iterator[Problem]:
    known = [a.id for a in ctx.fw.activities]
    known_set = set(known)
    for block in ctx.fw.blocks:
        for c in block.competencies:
            for i, act in enumerate(c.activities):
                if act not in known_set:
                    yield ctx.problem(
                        "unknown-activity",
                        c.source,
                        "activities",
                        i,
                        message=Msg(
                            'competency {competency} serves activity "{activity}", which '
                            "framework.yaml does not define",
                            competency=c.id,
                            activity=act,
                        ),
                        hint=_suggest(act, known),
                    )


@framework_rule
def unknown_blocks(ctx: Context) -> Iterator[Problem]:
    fw = ctx.fw
    known = fw.block_ids()
    known_set = set(known)
    for block in fw.blocks:
        for i, pre in enumerate(block.prerequisites):
            if pre == block.id:
                yield ctx.problem(
                    "prerequisite-self",
                    block.source,
                    "prerequisites",
                    i,
                    message=Msg("block {block} lists itself as a prerequisite", block=block.id),
                )
            elif pre not in known_set:
                yield ctx.problem(
                    "unknown-block",
                    block.source,
                    "prerequisites",
                    i,
                    message=Msg(
                        'prerequisite "{prerequisite}" of block {block} is not a block of this '
                        "framework",
                        prerequisite=pre,
                        block=block.id,
                    ),
                    hint=_suggest(pre, known),
                )
    rules_source = fw.source
    for i, ref in enumerate(fw.certification.required):
        if ref not in known_set:
            yield ctx.problem(
                "unknown-block",
                rules_source,
                "certification",
                "required",
                i,
                message=Msg('required block "{block}" is not a block of this framework', block=ref),
                hint=_suggest(ref, known),
            )
    for group in fw.certification.electives:
        for i, ref in enumerate(group.blocks):
            if ref not in known_set:
                yield ctx.problem(
                    "unknown-block",
                    group.source,
                    "from",
                    i,
                    message=Msg(
                        'elective group {group} lists "{block}", which is not a block of this '
                        "framework",
                        group=group.id,
                        block=ref,
                    ),
                    hint=_suggest(ref, known),
                )


@framework_rule
def prerequisite_cycles(ctx: Context) -> Iterator[Problem]:
    blocks = {b.id: b for b in ctx.fw.blocks if b.id}
    graph = {
        bid: [p for p in b.prerequisites if p in blocks and p != bid] for bid, b in blocks.items()
    }
    for cycle in find_cycles(graph):
        first = blocks[cycle[0]]
        index = first.prerequisites.index(cycle[1])
        loop = " → ".join([*cycle, cycle[0]])
        yield ctx.problem(
            "prerequisite-cycle",
            first.source,
            "prerequisites",
            index,
            message=Msg("prerequisites form a cycle: {loop}", loop=loop),
        )


def find_cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """One cycle per strongly connected component that has one, starting at its first node.

    Iterative Tarjan (no recursion limit on long chains); nodes are visited in the graph's order,
    so the result is deterministic.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            succs = graph.get(node, [])
            if i < len(succs):
                work.append((node, i + 1))
                nxt = succs[i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                comp = []
                while True:
                    n = stack.pop()
                    on_stack.discard(n)
                    comp.append(n)
                    if n == node:
                        break
                if len(comp) > 1:
                    components.append(comp)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    order = {n: i for i, n in enumerate(graph)}
    cycles = []
    for comp in components:
        members = set(comp)
        start = min(comp, key=order.__getitem__)
        # walk inside the component back to start (breadth-first for the shortest loop)
        prev: dict[str, str] = {}
        frontier = [start]
        found = False
        while frontier and not found:
            nxt_frontier = []
            for n in frontier:
                for s in graph[n]:
                    if s not in members:
                        continue
                    if s == start:
                        path = [n]
                        while path[-1] != start:
                            path.append(prev[path[-1]])
                        cycles.append(list(reversed(path)))
                        found = True
                        break
                    if s not in prev:
                        prev[s] = n
                        nxt_frontier.append(s)
                if found:
                    break
            frontier = nxt_frontier
    return cycles

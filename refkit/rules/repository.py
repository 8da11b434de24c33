"""Rules across frameworks: shared blocks resolve, and bring no competency id twice."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from refkit.problems import RULES, Problem
from refkit.rules import Summary, repository_rule


@repository_rule
def shared_blocks(frameworks: dict[str, Summary]) -> Iterator[Problem]:
    for summary in frameworks.values():
        own = {cid: bid for bid, cids in summary.blocks.items() for cid in cids}
        for ref in summary.shared:
            file, line, col, path = ref["file"], ref["line"], ref["col"], tuple(ref["path"])
            home = frameworks.get(ref["framework"])
            if home is None:
                close = difflib.get_close_matches(ref["framework"], list(frameworks), n=1)
                yield RULES["unknown-framework"].at(
                    file,
                    line,
                    col,
                    f'shared block {ref["block"]} comes from framework "{ref["framework"]}", which the repository does not have',
                    path=(*path, "framework"),
                    hint=f'did you mean "{close[0]}"?' if close else None,
                )
                continue
            if home.id == summary.id:
                yield RULES["unknown-shared-block"].at(
                    file,
                    line,
                    col,
                    "a framework cannot share a block with itself",
                    path=path,
                    hint="remove this entry",
                )
                continue
            competencies = home.blocks.get(ref["block"])
            if competencies is None:
                close = difflib.get_close_matches(ref["block"], list(home.blocks), n=1)
                yield RULES["unknown-shared-block"].at(
                    file,
                    line,
                    col,
                    f'framework {home.id} has no block "{ref["block"]}"',
                    path=(*path, "block"),
                    hint=f'did you mean "{close[0]}"?' if close else None,
                )
                continue
            for cid in competencies:
                if cid in own:
                    yield RULES["competency-one-block"].at(
                        file,
                        line,
                        col,
                        f"shared block {ref['block']} brings competency {cid}, which block {own[cid]} of this framework also defines",
                        path=path,
                        hint="rename the competency in this framework's block",
                    )

"""Rules across frameworks that need no version: a shared block's home exists and is another
framework. What the block contains is checked by ``refkit.rules.shared`` against the version the
reference resolves to."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from refkit.problems import RULES, Problem
from refkit.rules import Summary, repository_rule


@repository_rule
def shared_block_homes(frameworks: dict[str, Summary]) -> Iterator[Problem]:
    for summary in frameworks.values():
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
            elif home.id == summary.id:
                yield RULES["unknown-shared-block"].at(
                    file,
                    line,
                    col,
                    "a framework cannot share a block with itself",
                    path=path,
                    hint="remove this entry",
                )

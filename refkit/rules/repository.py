"""Rules across frameworks that need no version: a shared block's home exists and is another
framework. What the block contains is checked by ``refkit.rules.shared`` against the version the
reference resolves to."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from refkit.i18n import Msg
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
                    Msg(
                        'shared block {block} comes from framework "{framework}", which the '
                        "repository does not have",
                        block=ref["block"],
                        framework=ref["framework"],
                    ),
                    path=(*path, "framework"),
                    hint=Msg('did you mean "{word}"?', word=close[0]) if close else None,
                )
            elif home.id == summary.id:
                yield RULES["unknown-shared-block"].at(
                    file,
                    line,
                    col,
                    Msg("a framework cannot share a block with itself"),
                    path=path,
                    hint=Msg("remove this entry"),
                )


@repository_rule
def certification_volume(frameworks: dict[str, Summary]) -> Iterator[Problem]:
    """A declared total volume matches the blocks: required ones plus, per elective group, the
    smallest to largest ``choose`` volumes. Shared blocks count with their home's volume."""
    for summary in frameworks.values():
        view = summary.view
        if not view or view.get("hours") is None:
            continue
        hours = {b["id"]: b["hours"] for b in view["blocks"]}
        for ref in summary.shared:
            home = frameworks.get(ref["framework"])
            if home is not None and home.view is not None:
                found = next((b for b in home.view["blocks"] if b["id"] == ref["block"]), None)
                if found is not None:
                    hours[ref["block"]] = found["hours"]
        needed = [hours.get(b) for b in view["required"]]
        low = high = 0.0
        for group in view["electives"]:
            options = sorted(h for h in (hours.get(b) for b in group["blocks"]) if h is not None)
            if len(options) < len(group["blocks"]) or len(options) < group["choose"]:
                break
            low += sum(options[: group["choose"]])
            high += sum(options[-group["choose"] :]) if group["choose"] else 0
        else:
            if any(h is None for h in needed):
                continue
            base = sum(h for h in needed if h is not None)
            low, high = base + low, base + high
            total = view["hours"]
            if not low <= total <= high:
                span = (
                    Msg("{hours} h", hours=f"{low:g}")
                    if low == high
                    else Msg("{low} to {high} h", low=f"{low:g}", high=f"{high:g}")
                )
                file = summary.file
                line, col = summary.volume_pos
                yield RULES["volume-total"].at(
                    file,
                    line,
                    col,
                    Msg(
                        "the certification declares {total} h, its blocks add up to {span}",
                        total=f"{total:g}",
                        span=span,
                    ),
                    path=("certification", "volume", "hours"),
                )

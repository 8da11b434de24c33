"""Provides ``forked_map``: pure work spread over forked worker processes, with one rule for when
it pays.

The work refkit spreads (rendering YAML, parsing it, rendering pages) is pure Python and holds
the interpreter lock; only processes run it side by side. Forked workers see the caller's memory
as it was (nothing to pickle but the results), which is why the items are given by index. It
pays only for enough work: starting a worker costs tens of milliseconds, and this 2-core machine
gets about 1.45x from two processes (docs/performance.md).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any

_WORK: dict[str, Any] = {}  # what the forked workers inherit


def worth_it(items: int, *, at_least: int) -> int:
    """How many processes to use for ``items`` pieces of work: 1 when there are fewer than
    ``at_least`` of them, no ``fork`` or one core; else the cores, at most 8."""
    jobs = min(os.cpu_count() or 1, 8)
    if items < at_least or jobs < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return jobs


def forked_map(
    fn: Callable[[Any], Any],
    items: Sequence[Any],
    *,
    at_least: int,
    done: Callable[[int, int], None] | None = None,
) -> list[Any]:
    """``[fn(x) for x in items]``, in forked workers when there are ``at_least`` items (see
    ``worth_it``); ``done(n, total)`` is told as the results come. ``fn`` must be pure: a worker's
    changes to memory are lost."""
    total = len(items)
    jobs = worth_it(total, at_least=at_least)
    if jobs == 1:
        out = []
        for n, x in enumerate(items):
            out.append(fn(x))
            if done is not None:
                done(n + 1, total)
        return out
    _WORK["fn"], _WORK["items"] = fn, items
    size = max(1, total // (jobs * 8))
    chunks = [range(i, min(i + size, total)) for i in range(0, total, size)]
    results: list[Any] = [None] * total
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            finished = 0
            for start, part in pool.imap_unordered(_run_chunk, [(c.start, c.stop) for c in chunks]):
                results[start : start + len(part)] = part
                finished += len(part)
                if done is not None:
                    done(finished, total)
    finally:
        _WORK.clear()
    return results


def _run_chunk(bounds: tuple[int, int]) -> tuple[int, list[Any]]:
    fn, items = _WORK["fn"], _WORK["items"]
    start, stop = bounds
    return start, [fn(items[i]) for i in range(start, stop)]

"""refkit.parallel: the one rule for workers, results as in one process, a dead worker costs no
result, the collector switch."""

from __future__ import annotations

import gc
import os

import pytest

from refkit import parallel
from refkit.parallel import Forked, collector_paused, forked_map, workers

PARENT = os.getpid()


def test_workers_only_when_they_pay() -> None:
    assert workers(10, at_least=100, items=50, jobs=2) == 0  # too little work
    assert workers(100, at_least=100, items=1, jobs=2) == 0  # one piece
    assert workers(100, at_least=100, items=50, jobs=1) == 0  # one process asked for
    assert workers(100, at_least=100, items=50, jobs=2) == 2
    assert workers(100, at_least=100, items=2, jobs=8) == 2  # at most one per piece


def test_forked_map_gives_what_one_process_gives() -> None:
    items = list(range(200))
    assert forked_map(lambda x: (x * x, os.getpid() != PARENT), items, at_least=2, jobs=2)[5] == (25, True)  # fmt: skip
    assert [r for r, _ in forked_map(lambda x: (x * x, 0), items, at_least=2, jobs=2)] == [x * x for x in items]  # fmt: skip
    assert forked_map(lambda x: x + 1, items, at_least=10**6, jobs=2) == [x + 1 for x in items]


def _die_in_a_worker(chunk: list[int]) -> list[int]:
    if os.getpid() != PARENT:
        os._exit(3)
    return [x * 2 for x in chunk]


@pytest.mark.parametrize("helps", [False, True])
def test_a_dead_worker_costs_time_not_results(helps: bool) -> None:
    chunks = [[1, 2], [3], [4, 5, 6]]
    with Forked(_die_in_a_worker, chunks, 2, caller_helps=helps) as forked:
        assert [forked.result(i) for i in (2, 0, 1)] == [[8, 10, 12], [2, 4], [6]]
    assert parallel._WORK == {}


def test_the_collector_is_paused_and_given_back_as_it_was() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_worker_dead_before_every_chunk_was_handed_out_costs_no_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A worker can die while the chunks are still being submitted: the pool then refuses the
    rest (BrokenProcessPool, seen on a loaded CI machine); those are run by the caller."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    real = ProcessPoolExecutor.submit
    calls = []

    def breaks_at_the_third(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args)
        if len(calls) == 3:
            raise BrokenProcessPool("a child process terminated abruptly")
        return real(self, fn, *args, **kwargs)

    monkeypatch.setattr(ProcessPoolExecutor, "submit", breaks_at_the_third)
    chunks = list(range(10))
    with Forked(lambda x: x * 10, chunks, 2) as forked:
        assert [forked.result(i) for i in range(10)] == [x * 10 for x in chunks]
    assert len(calls) == 3

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

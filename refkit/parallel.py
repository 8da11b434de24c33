"""Provides refkit's speed machinery in one place: when worker processes pay (``workers``), work
spread over forked workers (``Forked``, ``forked_map``), and the cyclic garbage collector's one
switch (paused while objects are built: ``collector_paused``; off for a short process, on again,
what a long one keeps moved out of its sight: ``collector_off``, ``collector_on``,
``keep_for_good``). Validation, loading (the editor's first load,
the releases a publish reads) and the site's rendering use them, and nothing else does this.

The work refkit spreads (parsing YAML, checking frameworks, rendering pages) is pure Python and
holds the interpreter lock: only processes run it side by side. Workers are forked, so that they
see the caller's memory as it was (nothing to pickle but each chunk's number and its results).
One rule says when they pay (``workers``): enough work (each caller measures its own: bytes to
parse, frameworks to render), at least two pieces, more than one core, ``fork`` available and no
other thread running (a thread holding a lock at the fork would leave it held in the child).

Each chunk is claimed once, by a worker or by the caller, in memory the processes share: a chunk
whose worker died is run again in the calling process (a dead worker costs time, never results),
and with ``caller_helps`` the caller waiting for chunk ``i`` runs the last chunks no worker has
started yet. That pays when the workers are fewer than the cores or the caller would otherwise
wait long for the first chunks (the editor's first load); with a worker per core it made
``refkit publish`` 6 % slower on 2 cores (one more process than cores), so only the loader asks
for it.
"""

from __future__ import annotations

import contextlib
import gc
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

MAX_JOBS = 8


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off meanwhile (as it was after). Building a framework makes
    many objects and no cycles, and each of the collector's passes rescans every object kept so
    far: up to 3x the time of the load itself (docs/performance.md). The CLI runs every command
    in it (memory comes back when the process ends); the editor pauses it around a load or a
    save."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def collector_off() -> None:
    """The collector off for the rest of a short-lived process (a command, the editor's check
    process): its objects are freed when it ends (``collector_paused`` says why it pays)."""
    gc.disable()


def collector_on() -> None:
    """The collector on again (the editor, once its first screen is drawn)."""
    gc.enable()


def keep_for_good(*, collect: bool) -> None:
    """Move every object alive now out of the collector's sight (``gc.freeze``): what a
    long-lived process (the editor) keeps until it ends or reads it again, which each full
    collection would otherwise rescan (0.11-0.14 s for 10,000 competencies). ``collect``: the
    garbage is collected first, so that none of it is kept for good."""
    if collect:
        gc.collect()
    gc.freeze()


def cores() -> int:
    """The cores this process may use, at most ``MAX_JOBS``."""
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        n = os.cpu_count() or 1
    return max(1, min(n, MAX_JOBS))


def workers(work: float, *, at_least: float, items: int, jobs: int | None = None) -> int:
    """How many worker processes to use for ``items`` pieces of work amounting to ``work`` (in
    the caller's unit): none (0) below ``at_least``, for fewer than two pieces, on one core
    (``jobs``: at most this many; default ``cores()``), without ``fork`` or while another thread
    runs; else one per core, at most one per piece."""
    import multiprocessing

    n = cores() if jobs is None else min(jobs, MAX_JOBS)
    if (
        n < 2
        or items < 2
        or work < at_least
        or "fork" not in multiprocessing.get_all_start_methods()
        or threading.active_count() > 1
    ):
        return 0
    return min(n, items)


_WORK: dict[str, Any] = {}  # what a forked worker inherits: the function, the chunks, the claims


class Forked:
    """``fn(chunk)`` for each chunk, in ``jobs`` forked workers started now; the caller takes
    the results in any order with ``result(i)`` and is free meanwhile. ``fn`` runs with the
    collector paused; it must be pure (a worker's changes to memory are lost) and its result
    picklable. One ``Forked`` at a time in a process (what the workers inherit is global)."""

    def __init__(
        self,
        fn: Callable[[Any], Any],
        chunks: Sequence[Any],
        jobs: int,
        *,
        caller_helps: bool = False,
    ) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        self.fn, self.chunks, self.caller_helps = fn, chunks, caller_helps
        self._done: dict[int, Any] = {}
        context = multiprocessing.get_context("fork")
        self._claims: Any = context.Array("b", len(chunks))  # taken: by a worker or the caller
        _WORK.update(fn=fn, chunks=chunks, claims=self._claims)
        self._pool: ProcessPoolExecutor | None = None
        self._futures: list[Future[Any] | None] = []
        try:
            self._pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context)
            for i in range(len(chunks)):
                self._futures.append(self._pool.submit(_run_chunk, i))
        except BrokenProcessPool:  # a worker died before every chunk was handed out
            self._futures += [None] * (len(chunks) - len(self._futures))  # those: run here
        except OSError:  # no process to be had: every chunk is run by the caller
            self.close()

    def result(self, i: int) -> Any:
        """``fn(chunks[i])``: as its worker sent it (waiting for it; with ``caller_helps``,
        running meanwhile the last chunks no worker has started), or run here."""
        from concurrent.futures.process import BrokenProcessPool

        if i in self._done:
            return self._done.pop(i)
        future = self._futures[i] if self._futures else None
        if self.caller_helps:
            while future is not None and not future.done() and self._claims[i]:
                if not self._take_last():
                    break
            if i in self._done:
                return self._done.pop(i)
            if future is None or _claim(self._claims, i):  # no worker started it: here
                return self._here(i)
        sent = None
        if future is not None:
            with contextlib.suppress(BrokenProcessPool, OSError):  # its worker died: run here
                sent = future.result()
        return sent[0] if sent is not None else self._here(i)

    def _take_last(self) -> bool:
        """Run here the last chunk no worker has started: whether there was one."""
        for j in range(len(self.chunks) - 1, -1, -1):
            if j not in self._done and _claim(self._claims, j):
                self._done[j] = self._here(j)
                return True
        return False

    def _here(self, i: int) -> Any:
        with collector_paused():
            return self.fn(self.chunks[i])

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool, self._futures = None, []
        _WORK.clear()

    def __enter__(self) -> Forked:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _claim(claims: Any, i: int) -> bool:
    """Take chunk ``i``: True unless a worker or the caller took it before."""
    with claims.get_lock():
        if claims[i]:
            return False
        claims[i] = 1
        return True


def _run_chunk(i: int) -> tuple[Any] | None:
    """In a worker: ``fn`` of chunk ``i`` (in a tuple), or None when the caller took it."""
    if not _claim(_WORK["claims"], i):
        return None
    with collector_paused():
        return (_WORK["fn"](_WORK["chunks"][i]),)


def guided(items: Sequence[Any], jobs: int) -> list[Sequence[Any]]:
    """``items`` in chunks that shrink as they go (each a quarter of what is left shared by the
    ``jobs``): big chunks first, few to hand out and send back; small ones last, so that the
    workers end together (with chunks of one size, one worker went on alone for half a chunk
    at the end, 0.2 s of a 3 s validate)."""
    chunks, start, total = [], 0, len(items)
    least = max(1, total // (jobs * 32))  # (no end of chunks of one: each costs a round trip)
    while start < total:
        size = max(least, (total - start) // (jobs * 4))
        chunks.append(items[start : start + size])
        start += size
    return chunks


def forked_map(
    fn: Callable[[Any], Any],
    items: Sequence[Any],
    *,
    at_least: int,
    weight: Callable[[Any], float] | None = None,
    jobs: int | None = None,
    done: Callable[[int, int], None] | None = None,
) -> list[Any]:
    """``[fn(x) for x in items]``, in forked workers when ``workers`` says they pay: the work is
    the number of items, or the sum of their ``weight``. ``done(n, total)`` is told as the
    results come. ``fn`` must be pure (a worker's changes to memory are lost)."""
    total = len(items)
    work = sum(map(weight, items)) if weight is not None else total
    n = workers(work, at_least=at_least, items=total, jobs=jobs)
    if n == 0:
        out = []
        for k, x in enumerate(items):
            out.append(fn(x))
            if done is not None:
                done(k + 1, total)
        return out
    chunks = guided(items, n)
    results: list[Any] = []
    with Forked(lambda chunk: [fn(x) for x in chunk], chunks, n) as forked:
        for i in range(len(chunks)):
            results += forked.result(i)
            if done is not None:
                done(len(results), total)
    return results

"""Provides the progress display of long work: importing ESCO, validating or publishing a
national repository.

A bar on standard error, drawn by rich, only when standard error is a terminal (never in CI, a
pipe or a file) and not with ``--quiet``, and only for work that lasts: nothing is drawn in the
first half second, so that a quick command prints exactly what it printed before. The bar is
removed when the work ends; the command's own output follows as usual. ``REFKIT_NO_PROGRESS``
turns it off; ``REFKIT_PROGRESS_DELAY`` (seconds) changes the half second (tests use 0).

The core reports progress through a plain callable (``step(done, total)``) and never imports
this module; the CLI makes the display and passes its ``step``.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

Step = Callable[[int, int], None]  # (done, total)

QUIET = {"on": False}  # set by the CLI's --quiet

_DELAY = 0.5  # seconds of work before a bar appears


def wanted(stream: TextIO | None = None) -> bool:
    """Whether a display may be drawn on ``stream`` (standard error by default)."""
    stream = stream or sys.stderr
    if QUIET["on"] or os.environ.get("REFKIT_NO_PROGRESS"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def shown(what: str, stream: TextIO | None = None) -> Iterator[Step]:
    """A ``step(done, total)`` to call as the work goes; a bar named ``what`` on a terminal."""
    if not wanted(stream):
        yield _nothing
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(file=stream or sys.stderr)
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    start = time.monotonic()
    state: dict[str, Any] = {"task": None}

    def step(done: int, total: int) -> None:
        if state["task"] is None:
            if time.monotonic() - start < float(os.environ.get("REFKIT_PROGRESS_DELAY", _DELAY)):
                return
            bar.start()
            state["task"] = bar.add_task(what, total=total)
        bar.update(state["task"], completed=done, total=total)

    try:
        yield step
    finally:
        if state["task"] is not None:
            bar.stop()


def _nothing(done: int, total: int) -> None:
    return None

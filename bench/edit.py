"""Benchmark `refkit edit` on one framework of 10,000 competencies (40 blocks x 250).

    python bench/edit.py [--keys 60] [--opens 5] [--open-only]

Measures, in one run:

* opening: from the start of the `refkit edit` process to a usable screen (the tree drawn, read
  from a real terminal under tmux, on a tmux server of its own), ``--opens`` times the first ever
  (an empty cache, as after a clone: every file parsed) and as many times again (parsed files
  from the cache), alternately; then in-process from `Session.open` to the first paint;
* moving the cursor in the tree (Down, through a block of 250 competencies) and typing in a
  field, per key, with Textual's pilot (each press returns once the app has handled it);
* typing while validation runs: a change is saved (which starts the background validation of
  the 10,000 competencies) and keys are typed at once; the slowest key is reported.

Targets (issue 6): interactive in under 1 s; under 50 ms per key; validation never blocks typing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402


def make_repo(root: Path) -> Path:
    generate(root, 1, 40, 250)
    for cmd in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "big"]):
        subprocess.run(["git", *cmd], cwd=root, check=True, capture_output=True)
    return root


def open_in_tmux(root: Path, cache: Path) -> float:
    """Seconds from starting `refkit edit` to its tree on the screen, with ``cache`` as the cache
    folder (a private tmux server: the environment is this one, whatever else runs tmux)."""
    refkit = Path(sys.executable).parent / "refkit"
    name = f"bench-edit-{os.getpid()}"
    tmux = ["tmux", "-L", name]
    start = time.perf_counter()
    subprocess.run(
        [*tmux, "new-session", "-d", "-s", name, "-x", "120", "-y", "40", "-c", str(root),
         f"env REFKIT_CACHE_DIR={cache} TERM=xterm-256color {refkit} edit; sleep 20"],
        check=True,
    )  # fmt: skip
    try:
        while time.perf_counter() - start < 30:
            screen = subprocess.run(
                [*tmux, "capture-pane", "-p", "-t", name], capture_output=True, text=True
            ).stdout
            if "BC02" in screen and "Identifiant" not in screen and "Titre" in screen:
                return time.perf_counter() - start
            time.sleep(0.01)
        raise RuntimeError("the editor never showed its tree:\n" + screen)
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)
        # the next run starts once this editor and its background check are gone
        pattern = f"refkit.edit.check {root.resolve()}$"
        deadline = time.perf_counter() + 20
        while (
            time.perf_counter() < deadline
            and subprocess.run(["pgrep", "-f", pattern], capture_output=True).returncode == 0
        ):
            time.sleep(0.1)
        time.sleep(0.2)


def opens(root: Path, tmp: Path, n: int) -> tuple[list[float], list[float]]:
    """``n`` first-ever opens (a new, empty cache each time) and ``n`` opens again, alternately."""
    first, again = [], []
    for i in range(n):
        cache = tmp / f"cache-{i}"
        first.append(open_in_tmux(root, cache))
        again.append(open_in_tmux(root, cache))
    return first, again


def seconds(values: list[float]) -> str:
    runs = ", ".join(f"{t:.2f}" for t in values)
    return f"median {statistics.median(values):.2f} s, min {min(values):.2f} s ({runs})"


async def in_process(root: Path, keys: int) -> dict[str, object]:
    from textual.widgets import Input, Tree

    from refkit.edit import Ref, Session
    from refkit.tui import EditorApp

    out: dict[str, object] = {}
    start = time.perf_counter()
    app = EditorApp(Session.open(root), watch_interval=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        out["open"] = time.perf_counter() - start
        await pilot.pause(0.3)  # the first check starts after the first paint
        await app.workers.wait_for_complete()
        out["first validation"] = time.perf_counter() - start
        folder = "frameworks/referentiel-0000"
        app._refresh_framework(folder, Ref(folder, "BC02"))
        app.query_one("#tree", Tree).focus()
        await pilot.pause()
        await pilot.press("enter")  # open the block: 250 competencies
        await pilot.pause()
        moves, cpu = [], []
        for _ in range(keys):
            t, c = time.perf_counter(), time.process_time()
            await pilot.press("down")
            moves.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        out["cursor"] = moves
        out["cursor cpu"] = cpu
        await app.workers.wait_for_complete()
        field = app.query_one("#f-competency-statement", Input)
        field.focus()
        await pilot.pause()
        await pilot.press("end")
        typing, cpu = [], []
        for ch in ("abcdefghij" * 10)[:keys]:
            t, c = time.perf_counter(), time.process_time()
            await pilot.press(ch)
            typing.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        out["typing"] = typing
        out["typing cpu"] = cpu
        # save (validation of the whole framework starts in the background), then type at once
        await pilot.press("enter")
        busy, cpu = [], []
        for ch in ("klmnopqrst" * 10)[:keys]:
            t, c = time.perf_counter(), time.process_time()
            await pilot.press(ch)
            busy.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        out["typing during validation"] = busy
        out["typing during validation cpu"] = cpu
        out["validation still running when typing ended"] = any(w.is_running for w in app.workers)
        await app.workers.wait_for_complete()
    # the pilot's fixed cost per key, on an app with next to nothing to draw
    from textual.app import App

    empty: App[None] = App()
    async with empty.run_test(size=(120, 40)) as pilot:
        waits = []
        for _ in range(20):
            t = time.perf_counter()
            await pilot.press("down")
            waits.append(time.perf_counter() - t)
    out["baseline"] = statistics.median(waits)
    return out


def ms(values: list[float]) -> str:
    q = sorted(values)
    p95 = q[int(0.95 * (len(q) - 1))]
    return f"median {statistics.median(q) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, max {q[-1] * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--keys", type=int, default=60)
    parser.add_argument("--opens", type=int, default=5, help="opens of each kind under tmux")
    parser.add_argument("--open-only", action="store_true", help="measure the opens only")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="refkit-bench-edit-"))
    try:
        root = make_repo(tmp / "repo")
        n = sum(
            1 for p in root.rglob("BC*.yaml") for line in p.open() if line.startswith("  - id: ")
        )
        print(f"framework: 1 x 40 blocks, {n} competencies")
        first, again = opens(root, tmp, args.opens) if shutil.which("tmux") else ([], [])
        if first:
            print(f"open, refkit edit in tmux until the tree shows, first ever: {seconds(first)}")
            print(f"                                               again:       {seconds(again)}")
        if args.open_only:
            return
        os.environ["REFKIT_CACHE_DIR"] = str(tmp / "cache-0")  # filled by the first open
        result = asyncio.run(in_process(root, args.keys))
        print()
        print(f"open, in process until the first paint:      {result['open']:.2f} s")
        print(f"first validation done (background):          {result['first validation']:.2f} s")
        print(
            f"baseline: the pilot's own wait per key on a 10-competency block: {result['baseline'] * 1000:.1f} ms"
        )
        print(f"cursor down in the tree:   {ms(result['cursor'])} (wall, pilot's wait included)")  # type: ignore[arg-type]
        print(f"                           {ms(result['cursor cpu'])} (CPU of the editor)")  # type: ignore[arg-type]
        print(f"typing in a field:         {ms(result['typing'])} (wall)")  # type: ignore[arg-type]
        print(f"                           {ms(result['typing cpu'])} (CPU)")  # type: ignore[arg-type]
        print(f"typing during validation:  {ms(result['typing during validation'])} (wall)")  # type: ignore[arg-type]
        print(f"                           {ms(result['typing during validation cpu'])} (CPU)")  # type: ignore[arg-type]
        print(
            f"validation was still running when the typing ended: {result['validation still running when typing ended']}"
        )
        worst_open = statistics.median(first) if first else float(result["open"])  # type: ignore[arg-type]
        # what a person waits for is the editor's own work per key, its CPU time (the pilot adds
        # fixed waits of its own, measured as the baseline above)
        every = sorted(
            [*result["cursor cpu"], *result["typing cpu"], *result["typing during validation cpu"]]  # type: ignore[misc]
        )
        worst_key = every[int(0.95 * (len(every) - 1))]
        print()
        print(
            f"target open < 1 s, first ever (median): {worst_open:.2f} s ({worst_open / 1.0:.2f}x the target) -> "
            f"{'PASS' if worst_open < 1 else 'FAIL'}"
        )
        print(
            f"target < 50 ms per key: p95 CPU per key {worst_key * 1000:.1f} ms ({worst_key / 0.05:.2f}x the target) -> "
            f"{'PASS' if worst_key < 0.05 else 'FAIL'}"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

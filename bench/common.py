"""What every benchmark script shares: refkit run as installed, timed commands, and the honest
way to compare with a peer (interleaved pairs, the ratio's median and min-max)."""

from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parent.parent


def installed_env(**extra: str) -> dict[str, str]:
    """The environment of a command run as installed: refkit's bytecode compiled beforehand and
    used (some sandboxes set PYTHONDONTWRITEBYTECODE, which would recompile every module on every
    run, and that is not what users see)."""
    import refkit

    compileall.compile_dir(str(Path(refkit.__file__).parent), quiet=1)
    env = {**os.environ, **extra}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def timed(
    cmd: list[str],
    cwd: Path,
    env: dict[str, str] | None = None,
    expect: frozenset[int] = frozenset({0}),
) -> tuple[float, str]:
    """Seconds the command took (start-up included), and what it printed; stops the benchmark
    when it exits with another code than ``expect``."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode not in expect:
        sys.exit(
            f"{' '.join(cmd[:4])}... exited {proc.returncode}:\n"
            f"{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
        )
    return elapsed, proc.stdout


def interleaved(
    runs: int, peer: Callable[[], float], ours: Callable[[], float]
) -> tuple[list[float], list[float]]:
    """``runs`` pairs, the peer then refkit each time, so that a slower or faster moment of the
    machine weighs on both sides of a pair."""
    p, o = [], []
    for _ in range(runs):
        p.append(peer())
        o.append(ours())
    return p, o


def seconds(values: list[float]) -> str:
    runs = ", ".join(f"{v:.2f}" for v in values)
    return f"median {statistics.median(values):.2f} s, min {min(values):.2f} s ({runs})"


def ratio_values(peer: list[float], ours: list[float]) -> list[float]:
    return [a / b for a, b in zip(peer, ours, strict=True)]


def ratios(peer: list[float], ours: list[float]) -> str:
    """peer / refkit pair by pair: the median, min and max."""
    r = ratio_values(peer, ours)
    return f"{statistics.median(r):.2f}x (min {min(r):.2f}x, max {max(r):.2f}x)"


@contextmanager
def code_at(rev: str, where: Path) -> Iterator[Path]:
    """refkit's code at git revision ``rev`` (a detached work tree in ``where``, its bytecode
    compiled): run it with ``against_env(path)``, the same installed refkit first on PYTHONPATH.
    This machine's speed swings from one hour to the next: only figures taken back to back, this
    code then ``rev``'s, say whether a change made refkit slower."""
    subprocess.run(
        ["git", "-C", str(REPO), "worktree", "add", "-q", "--detach", str(where), rev], check=True
    )
    try:
        compileall.compile_dir(str(where / "refkit"), quiet=1)
        yield where
    finally:
        subprocess.run(
            ["git", "-C", str(REPO), "worktree", "remove", "--force", str(where)], check=False
        )


def against_env(env: dict[str, str], code: Path | None, cache: Path) -> dict[str, str]:
    """``env`` running the code at ``code`` (None: this code) with its own cache folder (two
    versions of refkit never share a cache: each would find the other's a miss)."""
    out = {**env, "REFKIT_CACHE_DIR": str(cache)}
    if code is not None:
        out["PYTHONPATH"] = str(code)
    return out

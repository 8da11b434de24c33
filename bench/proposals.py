"""Benchmark proposals: ``refkit proposal status`` with 50 open proposals in the repository.

    python bench/proposals.py [--runs 9] [--proposals 50]

A repository of the two sample frameworks with 50 open proposals, each on its branch
``proposal/p-NN`` with its record, one edited block and two approvals. Times, as interleaved
pairs (one of each in turn, so that a slower moment of the machine hits both):

- refkit: ``refkit proposal status --format json`` on main: every open proposal's sign-off (its
  record, the frameworks it changes since its merge-base, their working groups and rules,
  outdated approvals), the real command with its start-up;
- peer: the plain git equivalent of reading them: ``git for-each-ref refs/heads/proposal/`` then
  ``git show BRANCH:proposals/NAME.yaml`` for each of the 50 (no rule evaluated).

Target (issue 14): refkit under 1 s. Prints the median and the min-max of each.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BC = "frameworks/plombier-chauffagiste/blocks/BC0{n}.yaml"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.org",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def run(cwd: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV}
    return subprocess.run(args, cwd=cwd, check=True, capture_output=True, text=True, env=env).stdout


def build(root: Path, count: int) -> None:
    shutil.copytree(REPO / "frameworks", root / "frameworks")
    run(root, "git", "init", "-q", "-b", "main")
    run(root, "git", "add", "-A")
    run(root, "git", "commit", "-qm", "frameworks")
    refkit = [sys.executable, "-m", "refkit"]
    for i in range(count):
        name = f"p-{i:02d}"
        run(root, *refkit, "proposal", "new", name, "--title", f"Révision {i}")
        path = root / BC.format(n=1 + i % 7)
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("statement: ", f"statement: ({i}) ", 1), encoding="utf-8")
        run(root, "git", "commit", "-qam", f"edit {name}")
        for member in ("génie climatique", "Fédération des salariés"):
            run(root, *refkit, "proposal", "approve", name, "--member", member)
        run(root, "git", "switch", "-q", "main")


def time_refkit(root: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "refkit", "proposal", "status", "--format", "json"],
        cwd=root, capture_output=True, text=True, env={**os.environ, **GIT_ENV}, check=False,
    )  # fmt: skip
    elapsed = time.perf_counter() - start
    assert proc.returncode == 1 and proc.stdout.count('"name": "p-') >= 1, proc.stderr
    return elapsed


def time_git(root: Path) -> float:
    start = time.perf_counter()
    refs = run(root, "git", "for-each-ref", "--format=%(refname:short)", "refs/heads/proposal/")
    for branch in refs.split():
        run(root, "git", "show", f"{branch}:proposals/{branch.split('/', 1)[1]}.yaml")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--proposals", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="refkit-bench-proposals-") as scratch:
        root = Path(scratch) / "repo"
        root.mkdir()
        t0 = time.perf_counter()
        build(root, args.proposals)
        print(f"repository with {args.proposals} open proposals built in {time.perf_counter() - t0:.1f} s")  # fmt: skip
        time_refkit(root)  # warm: bytecode, git's object cache
        ours, peer = [], []
        for _ in range(args.runs):
            ours.append(time_refkit(root))
            peer.append(time_git(root))
    for label, values in (
        ("refkit proposal status (all open)", ours),
        ("git for-each-ref + git show x N", peer),
    ):
        print(
            f"{label:<36} median {statistics.median(values) * 1000:7.0f} ms   "
            f"min-max {min(values) * 1000:.0f}-{max(values) * 1000:.0f} ms   ({len(values)} runs)"
        )
    print(f"target: refkit under 1000 ms: {'met' if statistics.median(ours) < 1 else 'NOT met'}")


if __name__ == "__main__":
    main()

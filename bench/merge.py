"""Benchmark the semantic merge (issue 14): refkit's merge driver against git's own text merge.

    python bench/merge.py [--runs 5]

1. Driver: one 250-competency block (bench/generate.py's style), 20 competencies changed on each
   side (ours: statements; theirs: a criterion each), never the same ones. Times the real command
   git runs, ``refkit merge-driver %O %A %B %P`` (a process: start-up, read, merge, write), and
   ``merge_texts`` in this process, against ``git merge-file`` (the peer) on the same three
   files. Target: under 0.3 s.
2. ``git merge`` on a 10,000-competency framework (40 blocks x 250), each side changing 100
   competencies: (a) in different blocks (ours 1-20, theirs 21-40: git never calls the driver),
   (b) in the same blocks, different competencies (the driver runs on all 40 files). With the
   driver against plain ``git merge`` (the same repository without the attributes).
   Target: under 3 s.

Runs are interleaved in pairs (driver, peer) so that a busy machine slows both alike; each figure
is the median with the min-max. The merged results are checked (every change of both sides in).
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import block_file, generate  # noqa: E402
from versions import ENV_GIT, git, installed_env  # noqa: E402

DRIVER = f"{sys.executable} -m refkit merge-driver %O %A %B %P"


def change(text: str, ids: list[str], field: str, mark: str) -> str:
    """``text`` with ``mark`` at the end of the statement (``field="statement"``) or of the first
    criterion (``"criterion"``) of each competency of ``ids``."""
    lines = text.splitlines(keepends=True)
    wanted = {f"- id: {i}" for i in ids}
    head = "statement:" if field == "statement" else "criteria:"
    for i, line in enumerate(lines):
        if line.strip() in wanted:
            j = next(k for k in range(i + 1, len(lines)) if lines[k].lstrip().startswith(head))
            j += 0 if field == "statement" else 1
            body, hash_, comment = lines[j].rstrip("\n").partition("  #")
            lines[j] = f"{body} {mark}{hash_}{comment}\n"  # the text, not its comment
    return "".join(lines)


def spread(label: str, times: list[float]) -> str:
    return f"{label}: median {statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f})"


def pairs(
    runs: int, ours: Callable[[], float], peer: Callable[[], float]
) -> tuple[list[float], list[float]]:
    a, b = [], []
    for _ in range(runs):
        a.append(ours())
        b.append(peer())
    return a, b


def bench_driver(tmp: Path, runs: int, env: dict[str, str]) -> None:
    rng = random.Random(2026)
    base = block_file(rng, 1, 250)
    ours = change(base, [f"C1.{n}" for n in range(1, 40, 2)], "statement", "(ours)")
    theirs = change(base, [f"C1.{n}" for n in range(2, 41, 2)], "criterion", "(theirs)")
    path = "frameworks/bench/blocks/BC01.yaml"
    for name, text in (("O", base), ("A0", ours), ("B", theirs)):
        (tmp / name).write_text(text, encoding="utf-8")

    def driver() -> float:
        shutil.copyfile(tmp / "A0", tmp / "A")
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "refkit", "merge-driver", "O", "A", "B", path],
            cwd=tmp, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            sys.exit(f"the driver exited {proc.returncode}: {proc.stderr[-2000:]}")
        return elapsed

    def peer() -> float:
        start = time.perf_counter()
        subprocess.run(["git", "merge-file", "-p", "A0", "O", "B"], cwd=tmp, capture_output=True, check=False)  # fmt: skip
        return time.perf_counter() - start

    a, b = pairs(runs, driver, peer)
    merged = (tmp / "A").read_text(encoding="utf-8")
    assert merged.count("(ours)") == 20 and merged.count("(theirs)") == 20, "a change was lost"
    from refkit.history.merge import merge_texts

    inproc = []
    for _ in range(runs):
        start = time.perf_counter()
        result = merge_texts(base, ours, theirs, path)
        inproc.append(time.perf_counter() - start)
        assert result.clean and result.text == merged
    print("1. driver on a 250-competency block, 20 changes on each side (target < 0.3 s)")
    print("   " + spread("refkit merge-driver (process)", a))
    print("   " + spread("merge_texts (in process)", inproc))
    print("   " + spread("git merge-file (peer)", b))


def big_repository(tmp: Path, name: str, same_blocks: bool) -> tuple[Path, str]:
    """A 10,000-competency framework with branches ``ours`` (checked out) and ``theirs``."""
    root = tmp / name
    generate(root, 1, 40, 250)
    git(root, "init", "-q", "-b", "ours")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    blocks = sorted((root / "frameworks").glob("*/blocks/*.yaml"))
    git(root, "switch", "-q", "-c", "theirs")
    for side, mark in (("theirs", "(theirs)"), ("ours", "(ours)")):
        if side == "ours":
            git(root, "switch", "-q", "ours")
        first = 1 if side == "ours" else 2
        for n, block in enumerate(blocks):
            b = n + 1  # BC01...BC39, then TR01 (the home framework's transversal block: T40.x)
            prefix = "T" if block.stem == "TR01" else "C"
            if same_blocks:  # 3 competencies of blocks 1-20 and 2 of blocks 21-40, a side
                picks = [first, first + 2, first + 4][: 3 if b <= 20 else 2]
            elif (b <= 20) == (side == "ours"):  # 5 competencies of each of its 20 blocks
                picks = [1, 2, 3, 4, 5]
            else:
                continue
            text = block.read_text(encoding="utf-8")
            block.write_text(change(text, [f"{prefix}{b}.{k}" for k in picks], "statement", mark), encoding="utf-8")  # fmt: skip
        git(root, "commit", "-qam", side)
    git(root, "switch", "-q", "ours")
    return root, git(root, "rev-parse", "HEAD").strip()


def bench_git_merge(tmp: Path, runs: int, same_blocks: bool) -> None:
    root, head = big_repository(tmp, "same" if same_blocks else "apart", same_blocks)
    git(root, "config", "merge.refkit.driver", DRIVER)
    git(root, "config", "merge.refkit.name", "refkit")
    attributes = root / ".gitattributes"

    def timed_merge(with_driver: bool) -> float:
        if with_driver:
            attributes.write_text("frameworks/**/*.yaml merge=refkit\n", encoding="utf-8")
        else:
            attributes.unlink(missing_ok=True)
        start = time.perf_counter()
        proc = subprocess.run(["git", *ENV_GIT, "merge", "--no-edit", "-q", "theirs"], cwd=root, capture_output=True, text=True, check=False)  # fmt: skip
        elapsed = time.perf_counter() - start
        ok = proc.returncode == 0
        if with_driver or ok:
            text = "".join(p.read_text(encoding="utf-8") for p in root.glob("frameworks/*/blocks/*.yaml"))  # fmt: skip
            counts = (text.count("(ours)"), text.count("(theirs)"))
            assert not with_driver or (ok and counts == (100, 100)), (proc.stderr, counts)
        if not ok:
            git(root, "merge", "--abort")
        git(root, "reset", "-q", "--hard", head)
        return elapsed

    a, b = pairs(runs, lambda: timed_merge(True), lambda: timed_merge(False))
    where = "the same blocks (the driver runs on 40 files)" if same_blocks else "different blocks"
    print(f"2{'b' if same_blocks else 'a'}. git merge, 10,000 competencies, 100 changes a side in {where} (target < 3 s)")  # fmt: skip
    print("   " + spread("with refkit's driver", a))
    print("   " + spread("plain git merge (peer)", b))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = installed_env()
    with tempfile.TemporaryDirectory(prefix="refkit-bench-merge-") as scratch:
        tmp = Path(scratch)
        bench_driver(tmp, args.runs, env)
        bench_git_merge(tmp, args.runs, same_blocks=False)
        bench_git_merge(tmp, args.runs, same_blocks=True)


if __name__ == "__main__":
    main()

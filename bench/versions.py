"""Benchmark versions: a semantic diff from git, and reading a whole repository at a tag.

    python bench/versions.py [--runs 5] [--frameworks 500] [--against REV]

1. Diff: one framework of 10,000 competencies (bench/generate.py --big) tagged as v1, then 2%
   of its competencies changed (50 added, 50 removed, 50 reworded, 50 moved to another block),
   committed as v2. Times `refkit diff FW v1 v2 --format json` (the real command: start-up,
   reading both versions from git objects, diff, correspondence, JSON), checks that the planted
   changes are exactly what the diff reports, and prints `git diff --stat v1 v2` (lines, not
   meaning) as a reference. Target: under 0.5 s. Reported twice: the first run, which parses the
   YAML of both versions and fills the cache of parsed git blobs, and the median of the next runs.
2. Reading at a tag: every framework of the national-scale repository loaded from the work tree,
   then from a tag through git objects (same loader, one process each). Target: no slower than
   1.5x the work tree.

``--against REV``: after 1., the same diff by this code and by the code at git revision REV,
interleaved (this, REV, this, REV...), each with its own cache folder filled first: the machine's
speed swings from one hour to the next; only such pairs say whether a change made diff slower.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import against_env, code_at, installed_env, ratios, seconds  # noqa: E402
from common import timed as common_timed  # noqa: E402
from generate import generate  # noqa: E402

ENV: dict[str, str] | None = None
ENV_GIT = [
    "-c",
    "user.name=bench",
    "-c",
    "user.email=bench@example.org",
    "-c",
    "commit.gpgsign=false",
]


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *ENV_GIT, *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def timed(cmd: list[str], cwd: Path) -> tuple[float, str]:
    return common_timed(cmd, cwd, ENV)


def diff_against(root: Path, runs: int, rev: str) -> None:
    """`refkit diff` of bench_diff's framework, this code against ``rev``'s, interleaved."""
    import tempfile

    assert ENV is not None
    refkit = str(Path(sys.executable).parent / "refkit")
    cmd = [refkit, "diff", "referentiel-0000", "1.0.0", "2.0.0", "--format", "json"]
    tmp = Path(tempfile.mkdtemp(prefix="refkit-bench-versions-"))
    times: dict[str, list[float]] = {"this": [], rev: []}
    try:
        with code_at(rev, tmp / "against") as code:
            envs = {
                "this": against_env(ENV, None, tmp / "cache-this"),
                rev: against_env(ENV, code, tmp / "cache-rev"),
            }
            for name in times:
                common_timed(cmd, root, envs[name])  # its cache of parsed blobs filled
            for _ in range(runs):
                for name in times:
                    times[name].append(common_timed(cmd, root, envs[name])[0])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for name, values in times.items():
        print(f"refkit diff (warm), {name:>10}: {seconds(values)}")
    print(f"  this / {rev}, pair by pair: {ratios(times['this'], times[rev])}")


def bench_diff(out: Path, runs: int) -> None:
    from refkit.model import Competency, Criterion
    from refkit.store.loader import load_framework, read_folder
    from refkit.store.writer import save_framework

    root = out / "big"
    generate(root, 1, 40, 250)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "v1")
    git(root, "tag", "referentiel-0000/v1.0.0")
    folder = "frameworks/referentiel-0000"
    loaded = load_framework(folder, read_folder(root, root / folder))
    fw = loaded.framework
    assert fw is not None
    rng = random.Random(7)
    pool = [(b, c) for b in fw.blocks for c in b.competencies]
    picked = rng.sample(pool, 150)
    removed, reworded, moved = picked[:50], picked[50:100], picked[100:150]
    for b, c in removed:
        b.competencies.remove(c)
    for _, c in reworded:
        c.statement = c.statement.replace(" ", " bien ", 1)
    moved_to = {}
    for b, c in moved:
        target = fw.blocks[(fw.blocks.index(b) + 1) % len(fw.blocks)]
        b.competencies.remove(c)
        target.competencies.append(c)
        moved_to[c.id] = target.id
    added = []
    for i in range(50):
        block = fw.blocks[i % len(fw.blocks)]
        cid = f"N{i + 1}"
        block.competencies.append(
            Competency(
                cid,
                f"Compétence nouvelle numéro {i + 1} sur les pompes à chaleur hybrides",
                "skill",
                ["A1"],
                [Criterion("Le critère est observé")],
            )
        )
        added.append(cid)
    save_framework(root, loaded)
    git(root, "commit", "-qam", "v2")
    git(root, "tag", "referentiel-0000/v2.0.0")

    refkit = str(Path(sys.executable).parent / "refkit")
    import tempfile

    cache = tempfile.mkdtemp(prefix="refkit-bench-cache-")
    assert ENV is not None
    ENV["REFKIT_CACHE_DIR"] = cache  # a fresh cache: the first run parses both versions
    cmd = [refkit, "diff", "referentiel-0000", "1.0.0", "2.0.0", "--format", "json"]
    cold, output = timed(cmd, root)
    times = []
    for _ in range(runs):
        t, output = timed(cmd, root)
        times.append(t)
    shutil.rmtree(cache, ignore_errors=True)
    data = json.loads(output)
    by_change: dict[str, set[str]] = {}
    for c in data["changes"]:
        if c["kind"] == "competency":
            by_change.setdefault(c["change"], set()).add(c["id"])
    assert by_change.get("added", set()) == set(added), "added"
    assert by_change.get("removed", set()) == {c.id for _, c in removed}, "removed"
    assert by_change.get("moved", set()) == set(moved_to), "moved"
    assert by_change.get("modified", set()) == {c.id for _, c in reworded}, "reworded"
    git_time, _ = timed(
        ["git", "diff", "--stat", "referentiel-0000/v1.0.0", "referentiel-0000/v2.0.0"], root
    )
    t = statistics.median(times)
    print(
        f"diff 10,000 competencies, 200 planted changes, from git   {t:6.3f} s median, "
        f"{min(times):6.3f} s min   (target < 0.5 s)"
    )
    print(
        f"  the first time these two versions are read (YAML parsed, blob cache filled)  {cold:6.3f} s"
    )
    print(f"  found exactly the planted changes: {data['summary']['competencies']}")
    print(f"  git diff --stat on the same tags (lines, for reference)  {git_time:6.3f} s")


def bench_read_at_tag(out: Path, frameworks: int, runs: int) -> None:
    import gc

    from refkit.history import History
    from refkit.store.loader import load_framework, read_folder
    from refkit.store.repository import Repository

    root = out / "national"
    generate(root, frameworks, 8, 25)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "all")
    git(root, "tag", "snapshot")
    repo = Repository(root)
    folders = [repo.rel(f) for f in repo.framework_folders()]

    def from_worktree() -> int:
        return sum(len(load_framework(f, read_folder(root, root / f)).documents) for f in folders)

    def from_tag() -> int:
        with History(repo) as h:
            commit = h.resolve("snapshot")
            return sum(len(h.load_at(commit, f).documents) for f in folders)

    import os
    import tempfile

    def run(fn, setup=None) -> tuple[float, int]:  # type: ignore[no-untyped-def]
        times, n = [], 0
        for _ in range(runs):
            if setup:
                setup()
            gc.collect()
            start = time.perf_counter()
            n = fn()
            times.append(time.perf_counter() - start)
        return statistics.median(times), n

    def fresh_cache() -> None:
        os.environ["REFKIT_CACHE_DIR"] = tempfile.mkdtemp(prefix="refkit-bench-cache-")

    wt, n1 = run(from_worktree)
    os.environ["REFKIT_NO_CACHE"] = "1"
    tag, n2 = run(from_tag)
    del os.environ["REFKIT_NO_CACHE"]
    fresh_cache()
    from_tag()  # fill the blob cache
    cached, _ = run(from_tag)
    assert n1 == n2
    print(f"read {frameworks} frameworks ({n1} files), work tree                  {wt:6.2f} s")
    print(
        f"read {frameworks} frameworks at a tag, from git objects (parsed)      {tag:6.2f} s   {tag / wt:4.2f}x (target <= 1.5x)"
    )
    print(
        f"read {frameworks} frameworks at a tag, parsed git blobs cached        {cached:6.2f} s   {cached / wt:4.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--frameworks", type=int, default=500)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "versions")
    parser.add_argument("--against", metavar="REV", help="the diff, against the code at git REV")
    args = parser.parse_args()
    global ENV
    ENV = installed_env()
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    bench_diff(args.out, args.runs)
    if args.against:
        diff_against(args.out / "big", args.runs, args.against)
        return
    bench_read_at_tag(args.out, args.frameworks, max(1, args.runs // 2))


if __name__ == "__main__":
    main()

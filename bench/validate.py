"""Benchmark `refkit validate` against check-jsonschema on a national-scale repository.

    pip install -e '.[bench]' && python bench/validate.py [--frameworks 500] [--runs 3]

Generates the repository (bench/generate.py) unless it exists, then times, in one run:

* check-jsonschema on every framework.yaml and every block file, with refkit's schemas (its
  parser is ruamel.yaml; it checks the schema only, reports JSON paths, not lines);
* a cold `refkit validate --no-cache` (schemas, semantic rules, line and column of every problem);
* a re-run of `refkit validate` after changing one block file (cache warm).

Every figure is a median of --runs runs of the real command line, start-up included.
Targets (issue 2): cold at least 4x faster than check-jsonschema; re-run under 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402


def timed(cmd: list[str], cwd: Path, expect: set[int]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode not in expect:
        sys.exit(
            f"{' '.join(cmd[:3])}... exited {proc.returncode}:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
        )
    return elapsed


def median(cmd: list[str], cwd: Path, runs: int, expect: set[int], before=None) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        if before:
            before()
        times.append(timed(cmd, cwd, expect))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--frameworks", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "national")
    args = parser.parse_args()

    root = args.out
    marker = root / f".generated-{args.frameworks}"
    if not marker.exists():
        n = generate(root, args.frameworks, 8, 25)
        marker.write_text(str(n))
    frameworks = sorted(root.glob("frameworks/*/framework.yaml"))
    blocks = sorted(root.glob("frameworks/*/blocks/*.yaml"))
    size = sum(p.stat().st_size for p in [*frameworks, *blocks])
    competencies = int(marker.read_text())
    print(
        f"repository: {len(frameworks)} frameworks, {len(blocks)} block files, {competencies} competencies, {size / 1e6:.1f} MB"
    )

    bindir = Path(sys.executable).parent
    cj = str(bindir / "check-jsonschema")
    refkit = str(bindir / "refkit")
    schemas = REPO / "schemas"

    def check_jsonschema() -> float:
        a = timed(
            [cj, "--schemafile", str(schemas / "framework.schema.json"), *map(str, frameworks)],
            root,
            {0},
        )
        b = timed(
            [cj, "--schemafile", str(schemas / "block.schema.json"), *map(str, blocks)], root, {0}
        )
        return a + b

    cj_times = [check_jsonschema() for _ in range(args.runs)]
    cj_time = statistics.median(cj_times)
    cold = median([refkit, "validate", "--no-cache"], root, args.runs, {0})

    target = blocks[len(blocks) // 2]
    original = target.read_text(encoding="utf-8")
    counter = [0]

    def change_one_file() -> None:
        counter[0] += 1
        target.write_text(
            original.replace("statement: ", f"statement: ({counter[0]}) ", 1), encoding="utf-8"
        )

    timed([refkit, "validate"], root, {0})  # fill the cache
    try:
        rerun = median([refkit, "validate"], root, args.runs, {0}, before=change_one_file)
        unchanged = median([refkit, "validate"], root, args.runs, {0})
    finally:
        target.write_text(original, encoding="utf-8")

    print(f"check-jsonschema (schema only)          {cj_time:7.2f} s")
    print(
        f"refkit validate, cold (--no-cache)      {cold:7.2f} s   {cj_time / cold:5.1f}x faster  (target >= 4x)"
    )
    print(f"refkit validate, one file changed       {rerun:7.2f} s   (target < 1 s)")
    print(f"refkit validate, nothing changed        {unchanged:7.2f} s")


if __name__ == "__main__":
    main()

"""Benchmark `refkit stack` on the national-scale repository (500 frameworks, 100,000 competencies).

    python bench/stack.py [--frameworks 500] [--runs 5]

Times, in one run, with the real command line:

* `refkit stack --have ...` without a target: every certification ranked by what remains for a
  learner holding four blocks (one of them a transversal block shared by ten frameworks);
* `refkit stack --overlap`: shared blocks and near-identical competencies between every pair;

each first with an empty cache (the first run reads and checks every framework, as `refkit
validate` does, and caches the per-framework results) and then warm (median and min of --runs).
Targets (issue 4): ranking under 2 s, overlap under 10 s.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import installed_env, timed  # noqa: E402
from generate import generate  # noqa: E402


def env() -> dict[str, str]:
    return installed_env()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--frameworks", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "national")
    args = parser.parse_args()
    root = args.out
    marker = root / f".generated-{args.frameworks}"
    if not marker.exists():
        n = generate(root, args.frameworks, 8, 25)
        marker.write_text(str(n))
    refkit = str(Path(sys.executable).parent / "refkit")
    environ = env()
    have = [
        "--have",
        "referentiel-0000@1.0.0:TR01",  # shared by referentiel-0000 to -0009
        "--have",
        "referentiel-0003@1.0.0:BC01,referentiel-0003@1.0.0:BC02,referentiel-0003@1.0.0:BC04",
    ]
    cases = [
        ("stack without a target (ranking)", [refkit, "stack", *have, "--format", "json"], 2.0),
        ("stack --overlap", [refkit, "stack", "--overlap", "--format", "json"], 10.0),
    ]
    print(f"repository: {args.frameworks} frameworks, {marker.read_text()} competencies")
    for name, cmd, target in cases:
        cache = tempfile.mkdtemp(prefix="refkit-bench-cache-")
        environ["REFKIT_CACHE_DIR"] = cache
        cold, _ = timed(cmd, root, environ)
        times = []
        out = ""
        for _ in range(args.runs):
            t, out = timed(cmd, root, environ)
            times.append(t)
        shutil.rmtree(cache, ignore_errors=True)
        data = json.loads(out)
        detail = (
            f"first: {data['ranking'][0]['certification']['framework']} "
            f"({data['ranking'][0]['remaining']['blocks']} blocks to go)"
            if "ranking" in data
            else f"{len(data['pairs'])} pairs of frameworks overlap"
        )
        print(
            f"{name:36} warm {statistics.median(times):6.2f} s median, {min(times):6.2f} s min"
            f"   cold {cold:6.2f} s   (target < {target:g} s)   {detail}"
        )


if __name__ == "__main__":
    main()

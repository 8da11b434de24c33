"""Benchmark interoperability on the real ESCO skills pillar (../shared/corpus, never copied here).

    python bench/interop.py [--runs 3] [--corpus PATH]

1. Import: `refkit import esco EN_ZIP RELATIONS_ZIP --pillar --out frameworks/esco` for v1.1.0
   (about 13,900 skills: read both zips, build the framework, write every block file). The real
   command line, timed from start to exit. Target: under 30 s.
2. Diff: the pillar of v1.1.0 released as 1.0.0, v1.1.1 imported over it (--replace) and released;
   then `refkit diff esco 1.0.0 2.0.0 --format json`, first run (parses both versions from git and
   fills the blob cache) and the median of the next runs. Target: under 30 s. The diff's added and
   removed skills are checked against the skills CSVs keyed on their URIs.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "shared" / "corpus"
GIT = ["-c", "user.name=bench", "-c", "user.email=bench@example.org", "-c", "commit.gpgsign=false"]


def zips(corpus: Path, version: str) -> list[str]:
    folder = corpus / "esco-v1.1.0-v1.1.1" / f"v{version}"
    return [
        str(folder / f"ESCO dataset - v{version} - classification - en - csv.zip"),
        str(folder / f"ESCO dataset - v{version} - classification -  - csv.zip"),
    ]


def refkit(
    cwd: Path, env: dict[str, str], *args: str
) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "refkit", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )  # fmt: skip
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(
            f"refkit {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}"
        )
    return elapsed, proc


def skill_keys(corpus: Path, version: str) -> set[str]:
    with zipfile.ZipFile(zips(corpus, version)[0]) as z:
        text = z.read("skills_en.csv").decode("utf-8")
    return {r["conceptUri"].rsplit("/", 1)[-1] for r in csv.DictReader(io.StringIO(text))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    if not (args.corpus / "esco-v1.1.0-v1.1.1").is_dir():
        raise SystemExit(f"the corpus is missing: expected {args.corpus}/esco-v1.1.0-v1.1.1")
    with tempfile.TemporaryDirectory(prefix="refkit-bench-interop-") as tmp:
        root = Path(tmp) / "repo"
        (root / "frameworks").mkdir(parents=True)
        env = dict(os.environ, REFKIT_CACHE_DIR=str(Path(tmp) / "cache"))
        subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)

        imports = []
        for run in range(args.runs):
            out = f"frameworks/esco{run}"
            elapsed, proc = refkit(root, env, "import", "esco", *zips(args.corpus, "1.1.0"), "--pillar", "--out", out)  # fmt: skip
            imports.append(elapsed)
            if run:
                subprocess.run(["rm", "-rf", str(root / out)], check=True)
        print(f"import ESCO v1.1.0 skills pillar: {proc.stdout.strip()}")
        print(f"  {min(imports):.1f} s min, {statistics.median(imports):.1f} s median of {len(imports)} runs (target < 30 s)")  # fmt: skip
        os.rename(root / "frameworks" / "esco0", root / "frameworks" / "esco")
        subprocess.run(["sed", "-i", "s/^id: esco0$/id: esco/", str(root / "frameworks/esco/framework.yaml")], check=True)  # fmt: skip

        t_release1, proc = refkit(
            root, env, "release", "esco", "--bump", "major", "-m", "ESCO v1.1.0"
        )
        if proc.returncode != 0:
            raise SystemExit(f"release failed:\n{proc.stdout[-1500:]}{proc.stderr[-1500:]}")
        t_replace, _ = refkit(root, env, "import", "esco", *zips(args.corpus, "1.1.1"), "--pillar", "--out", "frameworks/esco", "--replace")  # fmt: skip
        t_release2, proc = refkit(
            root, env, "release", "esco", "--format", "json", "-m", "ESCO v1.1.1"
        )
        if proc.returncode != 0:
            raise SystemExit(f"release failed:\n{proc.stdout[-1500:]}{proc.stderr[-1500:]}")
        version = json.loads(proc.stdout)["version"]
        print(f"release 1.0.0: {t_release1:.1f} s; import v1.1.1 over it (--replace): {t_replace:.1f} s; release {version}: {t_release2:.1f} s")  # fmt: skip

        diffs = []
        for _ in range(args.runs + 1):
            elapsed, proc = refkit(root, env, "diff", "esco", "1.0.0", version, "--format", "json")
            diffs.append(elapsed)
        data = json.loads(proc.stdout)
        added = {
            c["id"] for c in data["changes"] if c["kind"] == "competency" and c["change"] == "added"
        }
        removed = {
            c["id"]
            for c in data["changes"]
            if c["kind"] == "competency" and c["change"] == "removed"
        }
        old, new = skill_keys(args.corpus, "1.1.0"), skill_keys(args.corpus, "1.1.1")
        assert added == new - old and removed == old - new, "the diff does not match the CSV files"
        summary = data["summary"]["competencies"]
        print(f"diff esco 1.0.0 {version}: {summary} (added and removed match the CSV keys)")
        print(f"  first run {diffs[0]:.1f} s; then {statistics.median(diffs[1:]):.1f} s median, {min(diffs[1:]):.1f} s min (target < 30 s)")  # fmt: skip


if __name__ == "__main__":
    main()

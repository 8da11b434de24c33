"""Benchmark `refkit publish` on the national-scale repository, next to `mkdocs build`.

    python bench/publish.py [--frameworks 500] [--runs 3] [--mkdocs-runs 1]

In one run:

* builds the repository (500 frameworks x 8 blocks x 25 competencies = 100,000 competencies),
  commits it and tags every framework's release 1.0.0, as `refkit release` would;
* full publish: `refkit publish --out SITE` (HTML and Markdown, the default) into an empty folder,
  `--runs` times (median and min);
* mkdocs: `mkdocs build` of the same content as Markdown pages (the pages refkit wrote under
  SITE/md, copied as mkdocs' docs_dir, default theme and plugins); the ratio mkdocs / refkit;
* incremental: one statement of one framework changed, committed and released as 1.0.1, then
  `refkit publish` again into the same folder (`--runs` times, a different framework each time):
  its time against the full publish, and how many files it wrote.

Targets (issue 5): at least 2x faster than mkdocs; incremental under 10% of the full publish.
mkdocs is installed with `pip install mkdocs` when missing.
"""

from __future__ import annotations

import argparse
import os
import re
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

BIN = Path(sys.executable).parent


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return elapsed, proc.stdout


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def make_repo(root: Path, frameworks: int) -> int:
    n = generate(root, frameworks, 8, 25)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "national")
    refs = "".join(
        f"create refs/tags/{p.name}/v1.0.0 HEAD\n" for p in sorted((root / "frameworks").iterdir())
    )
    subprocess.run(["git", "update-ref", "--stdin"], cwd=root, input=refs.encode(), check=True)
    return n


def change_one(root: Path, index: int) -> str:
    """Reword one statement of one framework, commit and tag the patch release."""
    fid = sorted(p.name for p in (root / "frameworks").iterdir())[index]
    block = root / "frameworks" / fid / "blocks" / "BC02.yaml"
    text = block.read_text(encoding="utf-8")
    block.write_text(text.replace("statement: ", "statement: Savoir ", 1), encoding="utf-8")
    git(root, "commit", "-qam", f"{fid}: reworded")
    git(root, "tag", f"{fid}/v1.0.1")
    return fid


def ensure_mkdocs() -> Path:
    mkdocs = BIN / "mkdocs"
    if not mkdocs.exists():
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "mkdocs"], check=True)
    return mkdocs


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--frameworks", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--mkdocs-runs", type=int, default=1, help="mkdocs takes minutes at this size (default 1)"
    )
    args = parser.parse_args()
    mkdocs = ensure_mkdocs()
    tmp = Path(tempfile.mkdtemp(prefix="refkit-bench-publish-"))
    import compileall

    import refkit

    # as installed: bytecode compiled and used (some sandboxes set PYTHONDONTWRITEBYTECODE,
    # which would recompile every module on every run)
    compileall.compile_dir(str(Path(refkit.__file__).parent), quiet=1)
    env = {**os.environ, "REFKIT_CACHE_DIR": str(tmp / "cache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    refkit = str(BIN / "refkit")
    try:
        root = tmp / "repo"
        n = make_repo(root, args.frameworks)
        print(f"repository: {args.frameworks} frameworks, {n} competencies, 1 release each")

        # a first publish fills the cache of parsed git blobs, as any earlier refkit command would
        run([refkit, "publish", "--out", str(tmp / "warmup")], root, env)
        full = []
        for i in range(args.runs):
            out = tmp / f"site-{i}"
            elapsed, stdout = run([refkit, "publish", "--out", str(out)], root, env)
            full.append(elapsed)
        site = tmp / "site-0"
        pages = sum(1 for _ in site.rglob("*.html")) + sum(1 for _ in site.rglob("*.md"))
        print(f"full publish: {stdout.strip()}")
        print(
            f"  {statistics.median(full):.2f} s median, {min(full):.2f} s min of {args.runs} "
            f"({pages} HTML and Markdown pages)"
        )

        docs = tmp / "mk" / "docs"
        shutil.copytree(site / "md", docs)
        (tmp / "mk" / "mkdocs.yml").write_text(
            "site_name: Référentiels\ndocs_dir: docs\nsite_dir: built\nuse_directory_urls: true\n",
            encoding="utf-8",
        )
        md_pages = sum(1 for _ in docs.rglob("*.md"))
        mk = []
        for _ in range(args.mkdocs_runs):
            shutil.rmtree(tmp / "mk" / "built", ignore_errors=True)
            elapsed, _ = run([str(mkdocs), "build", "-q"], tmp / "mk", env)
            mk.append(elapsed)
        print(
            f"mkdocs build of the same {md_pages} Markdown pages: {statistics.median(mk):.2f} s "
            f"median, {min(mk):.2f} s min"
        )

        nothing = [
            run([refkit, "publish", "--out", str(site)], root, env)[0] for _ in range(args.runs)
        ]
        print(
            f"publish again, nothing changed: {statistics.median(nothing):.2f} s median, "
            f"{min(nothing):.2f} s min"
        )

        incremental = []
        written = []
        for i in range(args.runs):
            fid = change_one(root, 17 + 41 * i)
            elapsed, stdout = run([refkit, "publish", "--out", str(site)], root, env)
            incremental.append(elapsed)
            m = re.search(r"(\d+) files written", stdout)
            written.append(f"{fid}: {m.group(1) if m else '?'} files written")
        print(
            f"incremental publish after one framework's release: {statistics.median(incremental):.2f} s "
            f"median, {min(incremental):.2f} s min ({'; '.join(written)})"
        )

        speedup = statistics.median(mk) / statistics.median(full)
        share = statistics.median(incremental) / statistics.median(full)
        print()
        print(
            f"refkit vs mkdocs: {speedup:.1f}x faster (target >= 2x) -> "
            f"{'PASS' if speedup >= 2 else 'FAIL'}"
        )
        print(
            f"incremental / full: {share * 100:.1f}% (target < 10%) -> "
            f"{'PASS' if share < 0.10 else 'FAIL'}"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Benchmark `refkit publish` on the national-scale repository, next to `mkdocs build`.

    python bench/publish.py [--frameworks 500] [--runs 3] [--against REV]

In one run:

* builds the repository (500 frameworks x 8 blocks x 25 competencies = 100,000 competencies),
  commits it and tags every framework's release 1.0.0, as `refkit release` would, then rewords
  one statement in every tenth framework and releases it as 1.1.0 (so that the pages of a
  framework with history are part of the site: what changed, since my version, comparisons);
* mkdocs and refkit interleaved, ``--runs`` rounds of: `mkdocs build` of the same content as
  Markdown pages (the pages refkit wrote under SITE/md, copied as mkdocs' docs_dir, default theme
  and plugins, a ``nav`` listing every page as a site's maintainers configure it; a fresh site_dir each time), `refkit publish --out NEW` cold (an empty cache of
  parsed git blobs, as on a fresh clone) and warm (the cache filled, as after any refkit
  command), each into an empty folder; the ratio mkdocs / refkit pair by pair (median, min-max);
* incremental: one statement of one framework changed, committed and released, then
  `refkit publish` again into the same folder (``--runs`` times, a different framework each
  time): its time against the full publish, and how many files it wrote;
* the site's size (every file it wrote), and with ``--against REV`` the size of the site the code
  at git revision REV makes of the same repository (its code from a temporary work tree).

mkdocs is given its best configuration: PyYAML with its C loader (checked and printed) and the
Markdown package as it is (pure Python, it has no C extension).

Targets: issue 5, at least 2x faster than mkdocs and incremental under 10 % of the full publish;
issue 16, at least 10x faster than mkdocs, and a site less than 2x the size it was (--against).
mkdocs is installed with `pip install mkdocs` when missing.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import BIN, installed_env, ratio_values, ratios, seconds, timed  # noqa: E402
from generate import generate  # noqa: E402


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, str]:
    return timed(cmd, cwd, env)


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


def change_one(root: Path, index: int, version: str = "1.0.1") -> str:
    """Reword one statement of one framework, commit and tag the release."""
    names = sorted(p.name for p in (root / "frameworks").iterdir())
    fid = names[index % len(names)]
    block = root / "frameworks" / fid / "blocks" / "BC02.yaml"
    text = block.read_text(encoding="utf-8")
    block.write_text(text.replace("statement: ", "statement: Savoir ", 1), encoding="utf-8")
    git(root, "commit", "-qam", f"{fid}: reworded")
    git(root, "tag", f"{fid}/v{version}")
    return fid


def second_releases(root: Path, every: int = 10) -> int:
    """Every ``every``th framework gets a reworded statement, released as 1.1.0 (one commit)."""
    names = sorted(p.name for p in (root / "frameworks").iterdir())
    chosen = names[::every]
    for fid in chosen:
        block = root / "frameworks" / fid / "blocks" / "BC01.yaml"
        text = block.read_text(encoding="utf-8")
        block.write_text(text.replace("statement: ", "statement: Savoir ", 1), encoding="utf-8")
    git(root, "commit", "-qam", "second releases")
    refs = "".join(f"create refs/tags/{fid}/v1.1.0 HEAD\n" for fid in chosen)
    subprocess.run(["git", "update-ref", "--stdin"], cwd=root, input=refs.encode(), check=True)
    return len(chosen)


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def nav_of(folder: Path, docs: Path) -> list[object]:
    """mkdocs' ``nav`` as a site's maintainers write it: the pages of each folder under its
    name, index first (mkdocs without a nav walks the folders and guesses titles itself)."""
    out: list[object] = []
    entries = sorted(folder.iterdir(), key=lambda p: (p.name != "index.md", p.is_dir(), p.name))
    for entry in entries:
        if entry.is_dir():
            out.append({entry.name: nav_of(entry, docs)})
        elif entry.suffix == ".md":
            out.append({entry.stem: entry.relative_to(docs).as_posix()})
    return out


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
    parser.add_argument("--against", metavar="REV", help="also the site size of REV's code")
    args = parser.parse_args()
    mkdocs = ensure_mkdocs()
    tmp = Path(tempfile.mkdtemp(prefix="refkit-bench-publish-"))
    env = installed_env(REFKIT_CACHE_DIR=str(tmp / "cache"))
    libyaml = subprocess.run(
        [str(BIN / "python"), "-c", "import yaml; print(yaml.__with_libyaml__)"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    print(f"mkdocs' PyYAML with its C extension (libyaml): {libyaml}")
    refkit = str(BIN / "refkit")
    try:
        root = tmp / "repo"
        n = make_repo(root, args.frameworks)
        m = second_releases(root)
        print(
            f"repository: {args.frameworks} frameworks, {n} competencies, release 1.0.0 each, "
            f"and 1.1.0 for {m} of them"
        )
        # the Markdown pages mkdocs builds: those refkit writes (a first publish)
        run([refkit, "publish", "--out", str(tmp / "first")], root, env)
        docs = tmp / "mk" / "docs"
        shutil.copytree(tmp / "first" / "md", docs)
        config = {"site_name": "Référentiels", "docs_dir": "docs", "site_dir": "built",
                  "use_directory_urls": True, "nav": nav_of(docs, docs)}  # fmt: skip
        # JSON is YAML: the configuration as mkdocs reads it
        (tmp / "mk" / "mkdocs.yml").write_text(json.dumps(config, ensure_ascii=False), "utf-8")
        md_pages = sum(1 for _ in docs.rglob("*.md"))
        mk, cold, warm = [], [], []
        for i in range(args.runs):
            shutil.rmtree(tmp / "mk" / "built", ignore_errors=True)
            mk.append(run([str(mkdocs), "build", "-q"], tmp / "mk", env)[0])
            cache = tmp / f"cold-cache-{i}"
            cold.append(
                run([refkit, "publish", "--out", str(tmp / f"cold-{i}")], root,
                    {**env, "REFKIT_CACHE_DIR": str(cache)})[0]
            )  # fmt: skip
            elapsed, stdout = run([refkit, "publish", "--out", str(tmp / f"site-{i}")], root, env)
            warm.append(elapsed)
        site = tmp / "site-0"
        pages = sum(1 for _ in site.rglob("*.html")) + sum(1 for _ in site.rglob("*.md"))
        print(f"full publish: {stdout.strip()} ({pages} HTML and Markdown pages)")
        print(f"mkdocs build of the same {md_pages} Markdown pages: {seconds(mk)}")
        print(f"refkit publish, cold (empty cache of parsed blobs): {seconds(cold)}")
        print(f"refkit publish, warm (cache filled):                {seconds(warm)}")
        print(f"  mkdocs / refkit cold, pair by pair: {ratios(mk, cold)}")
        print(f"  mkdocs / refkit warm, pair by pair: {ratios(mk, warm)}")
        full = warm
        size = size_of(site)
        print(
            f"site size: {size / 1e6:.1f} MB ({sum(1 for _ in site.rglob('*') if _.is_file())} files)"
        )
        if args.against:
            worktree = tmp / "against"
            subprocess.run(
                ["git", "-C", str(HERE.parent), "worktree", "add", "-q", "--detach",
                 str(worktree), args.against], check=True,
            )  # fmt: skip
            try:
                old_env = {
                    **env,
                    "PYTHONPATH": str(worktree),
                    "REFKIT_CACHE_DIR": str(tmp / "old-cache"),
                }
                run([str(BIN / "python"), "-P", "-m", "refkit", "publish", "--out",
                     str(tmp / "old-site")], root, old_env)  # fmt: skip
                old = size_of(tmp / "old-site")
                print(
                    f"site size with {args.against}'s code: {old / 1e6:.1f} MB; now {size / old:.2f}x "
                    f"(target < 2x) -> {'PASS' if size / old < 2 else 'FAIL'}"
                )
            finally:
                subprocess.run(
                    ["git", "-C", str(HERE.parent), "worktree", "remove", "--force", str(worktree)],
                    check=False,
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
            fid = change_one(root, 17 + 41 * i, "1.1.1")
            elapsed, stdout = run([refkit, "publish", "--out", str(site)], root, env)
            incremental.append(elapsed)
            m = re.search(r"(\d+) files written", stdout)
            written.append(f"{fid}: {m.group(1) if m else '?'} files written")
        print(
            f"incremental publish after one framework's release: {statistics.median(incremental):.2f} s "
            f"median, {min(incremental):.2f} s min ({'; '.join(written)})"
        )

        speedup = statistics.median(ratio_values(mk, cold))
        share = statistics.median(incremental) / statistics.median(full)
        print()
        print(
            f"refkit (cold) vs mkdocs, median of the pairs: {speedup:.1f}x faster (target >= 10x) -> "
            f"{'PASS' if speedup >= 10 else 'FAIL'}"
        )
        print(
            f"incremental / full: {share * 100:.1f}% (target < 10%) -> "
            f"{'PASS' if share < 0.10 else 'FAIL'}"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

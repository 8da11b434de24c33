"""Benchmark `refkit validate` against check-jsonschema on a national-scale repository.

    pip install -e '.[bench]' && python bench/validate.py [--frameworks 500] [--runs 5]
    python bench/validate.py --against REV [--runs 5]

Generates the repository (bench/generate.py) unless it exists, then, in one run:

* **cold**, ``--runs`` rounds of three, interleaved: check-jsonschema on every framework.yaml and
  every block file with refkit's schemas (the peer: schema only, JSON paths, no lines; its
  ruamel.yaml C extension checked first), a cold `refkit validate --no-cache` (schemas, semantic
  rules, line and column of every problem), and a floor: two processes that only read the same
  files into Python data with libyaml's C loader and check nothing. Reported: each time, the
  ratio check-jsonschema / refkit and refkit / floor, pair by pair (median, min-max);
* **warm**: `refkit validate` after changing one block file (the cache holds the rest), and with
  nothing changed.

``--against REV``: instead, refkit against itself: this code and the code at git revision REV,
interleaved (this, REV, this, REV...), each with its own cache folder: a cold run, and a warm run
after one block file changed (both versions see each change). The machine's speed swings from one
hour to the next; only such pairs say whether a change made validate slower or faster.

Every figure is the real command line, start-up included, refkit's bytecode compiled beforehand
(as installed). Targets (issue 18): cold >= 6x faster than check-jsonschema and within 1.3x of the
floor; a re-run after one change < 0.4 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from common import (  # noqa: E402
    BIN,
    against_env,
    code_at,
    installed_env,
    ratio_values,
    ratios,
    seconds,
    timed,
)
from generate import generate  # noqa: E402


def read_only(list_file: str) -> None:
    """The floor: the files named in ``list_file`` read into Python data by libyaml's C loader,
    in two forked processes (refkit uses two workers on this machine)."""
    import multiprocessing

    files = Path(list_file).read_text(encoding="utf-8").splitlines()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        pool.map(_read_chunk, [files[0::2], files[1::2]])


def _read_chunk(files: list[str]) -> int:
    import yaml

    for name in files:
        with open(name, "rb") as f:
            yaml.load(f.read(), Loader=yaml.CSafeLoader)
    return len(files)


def check_peer() -> None:
    """check-jsonschema in its best configuration: ruamel.yaml's C extension installed (without
    it ruamel.yaml silently parses in pure Python, about 3x slower)."""
    probe = "import _ruamel_yaml, ruamel.yaml; print(ruamel.yaml.__version__)"
    proc = subprocess.run([str(BIN / "python"), "-c", probe], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit("ruamel.yaml.clib is not installed: pip install -e '.[bench]' first")
    cj = subprocess.run(
        [str(BIN / "check-jsonschema"), "--version"], capture_output=True, text=True
    )
    print(f"peer: {cj.stdout.strip()}, ruamel.yaml {proc.stdout.strip()} with its C extension")


def against(root: Path, target: Path, env: dict[str, str], rev: str, runs: int) -> None:
    """This code and ``rev``'s, interleaved: cold, then warm after one change (see the module's
    docstring)."""
    import tempfile

    refkit = str(BIN / "refkit")
    original = target.read_text(encoding="utf-8")
    tmp = Path(tempfile.mkdtemp(prefix="refkit-bench-validate-"))
    names = ("this", rev)
    cold: dict[str, list[float]] = {n: [] for n in names}
    warm: dict[str, list[float]] = {n: [] for n in names}
    try:
        with code_at(rev, tmp / "against") as code:
            envs = {
                "this": against_env(env, None, tmp / "cache-this"),
                rev: against_env(env, code, tmp / "cache-rev"),
            }
            for _ in range(runs):
                for n in names:
                    cold[n].append(timed([refkit, "validate", "--no-cache"], root, envs[n])[0])
            for n in names:
                timed([refkit, "validate"], root, envs[n])  # fill its cache
            for i in range(runs):
                for n in names:
                    target.write_text(
                        original.replace("statement: ", f"statement: ({n} {i}) ", 1),
                        encoding="utf-8",
                    )
                    for other in names:  # the other version sees the change too, untimed
                        if other != n:
                            timed([refkit, "validate"], root, envs[other])
                    warm[n].append(timed([refkit, "validate"], root, envs[n])[0])
    finally:
        target.write_text(original, encoding="utf-8")
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    for label, values in (("cold (--no-cache)", cold), ("warm, one file changed", warm)):
        for n in names:
            print(f"refkit validate {label}, {n:>10}: {seconds(values[n])}")
        print(f"  this / {rev}, pair by pair: {ratios(values['this'], values[rev])}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--frameworks", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "national")
    parser.add_argument("--read-only", metavar="LIST", help=argparse.SUPPRESS)
    parser.add_argument("--against", metavar="REV", help="this code against the code at git REV")
    args = parser.parse_args()
    if args.read_only:
        read_only(args.read_only)
        return
    if not args.against:
        check_peer()
    root = args.out
    marker = root / f".generated-{args.frameworks}"
    if not marker.exists():
        n = generate(root, args.frameworks, 8, 25)
        marker.write_text(str(n))
    frameworks = sorted(root.glob("frameworks/*/framework.yaml"))
    blocks = sorted(root.glob("frameworks/*/blocks/*.yaml"))
    size = sum(p.stat().st_size for p in [*frameworks, *blocks])
    print(
        f"repository: {len(frameworks)} frameworks, {len(blocks)} block files, "
        f"{marker.read_text()} competencies, {size / 1e6:.1f} MB"
    )
    env = installed_env()
    refkit = str(BIN / "refkit")
    if args.against:
        against(root, blocks[len(blocks) // 2], env, args.against, args.runs)
        return
    cj = str(BIN / "check-jsonschema")
    schemas = REPO / "schemas"
    listing = root / ".files"
    listing.write_text("\n".join(str(p) for p in [*frameworks, *blocks]), encoding="utf-8")

    def peer() -> float:
        a = timed([cj, "--schemafile", str(schemas / "framework.schema.json"),
                   *map(str, frameworks)], root, env)[0]  # fmt: skip
        b = timed([cj, "--schemafile", str(schemas / "block.schema.json"),
                   *map(str, blocks)], root, env)[0]  # fmt: skip
        return a + b

    def floor() -> float:
        return timed([str(BIN / "python"), __file__, "--read-only", str(listing)], root, env)[0]

    def cold() -> float:
        return timed([refkit, "validate", "--no-cache"], root, env)[0]

    cj_t, ours, base = [], [], []
    for _ in range(args.runs):
        cj_t.append(peer())
        ours.append(cold())
        base.append(floor())

    target = blocks[len(blocks) // 2]
    original = target.read_text(encoding="utf-8")
    timed([refkit, "validate"], root, env)  # fill the cache
    rerun, unchanged = [], []
    try:
        for i in range(args.runs):
            target.write_text(
                original.replace("statement: ", f"statement: ({i + 1}) ", 1), encoding="utf-8"
            )
            rerun.append(timed([refkit, "validate"], root, env)[0])
            unchanged.append(timed([refkit, "validate"], root, env)[0])
    finally:
        target.write_text(original, encoding="utf-8")
        listing.unlink(missing_ok=True)

    print(f"check-jsonschema (schema only):            {seconds(cj_t)}")
    print(f"refkit validate, cold (--no-cache):        {seconds(ours)}")
    print(f"floor: libyaml reads the files, 2 procs:   {seconds(base)}")
    speed = ratio_values(cj_t, ours)
    print(f"  check-jsonschema / refkit, pair by pair: {ratios(cj_t, ours)}  (target >= 6x)")
    print(f"  refkit / floor, pair by pair:            {ratios(ours, base)}  (target <= 1.3x)")
    print(f"refkit validate, one file changed (warm):  {seconds(rerun)}  (target < 0.4 s)")
    print(f"refkit validate, nothing changed (warm):   {seconds(unchanged)}")
    verdict = statistics.median(speed) >= 6 and statistics.median(rerun) < 0.4
    print(f"-> {'PASS' if verdict else 'FAIL'}")


if __name__ == "__main__":
    main()

"""``refkit export case|csv|xlsx FRAMEWORK[@VERSION]``: a framework, or one of its releases, in
another format."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

HELP = "export a framework (or a release) as a CASE package, CSV or xlsx"


def register(sub: Any) -> None:
    p = sub.add_parser(
        "export",
        help=HELP,
        description=(
            "Export a framework as a 1EdTech CASE package (CFPackage JSON), or as a spreadsheet "
            "with one row per competency (CSV, xlsx). FRAMEWORK@VERSION exports a release "
            "(read from git); without @VERSION, the work tree."
        ),
    )
    formats = p.add_subparsers(dest="target_format", metavar="FORMAT", required=True)
    c = formats.add_parser("case", help="a CASE 1.0 CFPackage (JSON), with stable UUIDs")
    c.add_argument("framework", metavar="FRAMEWORK[@VERSION]")
    c.add_argument("--output", "-o", type=Path, metavar="FILE", help="write to FILE (default: standard output)")  # fmt: skip
    c.add_argument("--base-uri", metavar="URI", help="the address of your CASE server: uri = URI/CFItems/<identifier> (default: urn:uuid:<identifier>)")  # fmt: skip
    c.add_argument(
        "--correspondence-from", metavar="VERSION",
        help="add the correspondence table from release VERSION: exactMatchOf / replacedBy associations from its blocks",
    )  # fmt: skip
    c.add_argument(
        "--schema", type=Path, metavar="FILE",
        help="check the package against this CASE JSON Schema before writing it (exit code 1 if it does not conform)",
    )  # fmt: skip
    c.set_defaults(run=run)
    for kind in ("csv", "xlsx"):
        t = formats.add_parser(kind, help=f"{kind.upper()}: one row per competency (refkit import {kind} reads it back)")  # fmt: skip
        t.add_argument("framework", metavar="FRAMEWORK[@VERSION]")
        t.add_argument(
            "--output", "-o", type=Path, metavar="FILE", required=kind == "xlsx",
            help="write to FILE" + (" (default: standard output)" if kind == "csv" else ""),
        )  # fmt: skip
        t.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from refkit.errors import RefkitError
    from refkit.store.repository import Repository
    from refkit.versions import find_framework

    repo = Repository.discover()
    name, _, version = args.framework.partition("@")
    folder = find_framework(repo, name)
    fw, when = _load(repo, folder, version or None)
    fmt = args.target_format
    data: bytes
    if fmt == "case":
        from refkit.interop.case import export_case, schema_problems

        corr = None
        if args.correspondence_from:
            corr = _correspondence(repo, folder, args.correspondence_from, version or None)
        package = export_case(fw, when=when, base_uri=args.base_uri, correspondence=corr)
        if args.schema is not None:
            try:
                schema = json.loads(args.schema.read_text(encoding="utf-8"))
            except (OSError, ValueError) as e:
                raise RefkitError(f"{args.schema}: cannot read the JSON Schema ({e})") from e
            problems = schema_problems(package, schema)
            if problems:
                for line in problems[:50]:
                    print(f"{args.schema.name}: {line}", file=sys.stderr)
                print(f"refkit: the package does not conform to {args.schema} ({len(problems)} problems); nothing written", file=sys.stderr)  # fmt: skip
                return 1
        data = (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    elif fmt == "csv":
        from refkit.interop.tabular import write_csv

        data = write_csv(fw).encode("utf-8")
    else:
        from refkit.interop.tabular import write_xlsx

        data = write_xlsx(fw)
    if args.output is not None:
        from refkit.store.files import atomic_write

        atomic_write(args.output, data)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(data.decode("utf-8"))
    return 0


def _load(repo: Any, folder: str, version: str | None) -> tuple[Any, str]:
    """The framework at ``version`` (None: the work tree) and the date of that version."""
    import datetime

    from refkit.versions import load_worktree, require_framework

    if version is None:
        fw = require_framework(load_worktree(repo, folder), "work tree")
        now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
        return fw, now.isoformat()
    from refkit.history import History
    from refkit.history.releases import Releases
    from refkit.versions import framework_id

    with History(repo) as history:
        releases = Releases(history, folder, framework_id(repo, folder))
        ref = releases.resolve(version)
        fw = require_framework(releases.load(ref), ref.label)
    record = next((r for r in fw.releases if r.version == fw.version), None)
    date = record.date if record is not None else "1970-01-01"
    return fw, f"{date}T00:00:00+00:00"


def _correspondence(repo: Any, folder: str, old: str, new: str | None) -> Any:
    from refkit.history import History
    from refkit.interop.case import Correspondence
    from refkit.versions import compare

    with History(repo) as history:
        comparison = compare(history, folder, old, new)
    return Correspondence(
        comparison.old, comparison.old_ref.label, comparison.new_ref.label, comparison.table.entries
    )

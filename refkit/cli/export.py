"""``refkit export case|csv|xlsx|rncp|tga|nzqa FRAMEWORK[@VERSION]``: a framework, or one of its
releases, in another format; tga and nzqa: the correspondence table between two releases."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from refkit.i18n import N_, Msg, N_plural, tr, user_language

HELP = N_(
    "export a framework (or a release) as a CASE package, CSV, xlsx or an RNCP fiche, or its correspondence table as training.gov.au or NZQA publish theirs"
)


def register(sub: Any) -> None:
    p = sub.add_parser(
        "export",
        help=HELP,
        description=N_(
            "Export a framework as a 1EdTech CASE package (CFPackage JSON), or as a spreadsheet "
            "with one row per competency (CSV, xlsx), or as an RNCP fiche in France Compétences' "
            "XML export (rncp); or the correspondence table between two releases as "
            "training.gov.au's mapping information (tga) or NZQA's replacement information "
            "(nzqa), as CSV. FRAMEWORK@VERSION exports a release (read from git); without "
            "@VERSION, the work tree."
        ),
    )
    formats = p.add_subparsers(dest="target_format", metavar=N_("FORMAT"), required=True)
    c = formats.add_parser("case", help=N_("a CASE 1.0 CFPackage (JSON), with stable UUIDs"))
    c.add_argument("framework", metavar=N_("FRAMEWORK[@VERSION]"))
    c.add_argument("--output", "-o", type=Path, metavar=N_("FILE"), help=N_("write to FILE (default: standard output)"))  # fmt: skip
    c.add_argument("--base-uri", metavar=N_("URI"), help=N_("the address of your CASE server: uri = URI/CFItems/<identifier> (default: urn:uuid:<identifier>)"))  # fmt: skip
    c.add_argument(
        "--correspondence-from", metavar=N_("VERSION"),
        help=N_("add the correspondence table from release VERSION: exactMatchOf / replacedBy associations from its blocks"),
    )  # fmt: skip
    c.add_argument(
        "--schema", type=Path, metavar=N_("FILE"),
        help=N_("check the package against this CASE JSON Schema before writing it (exit code 1 if it does not conform)"),
    )  # fmt: skip
    c.set_defaults(run=run)
    for kind, about in (
        ("csv", N_("CSV: one row per competency (refkit import csv reads it back)")),
        ("xlsx", N_("XLSX: one row per competency (refkit import xlsx reads it back)")),
    ):
        t = formats.add_parser(kind, help=about)
        t.add_argument("framework", metavar=N_("FRAMEWORK[@VERSION]"))
        t.add_argument(
            "--output", "-o", type=Path, metavar=N_("FILE"), required=kind == "xlsx",
            help=N_("write to FILE (default: standard output)") if kind == "csv" else N_("write to FILE"),
        )  # fmt: skip
        t.set_defaults(run=run)
    r = formats.add_parser("rncp", help=N_("an RNCP fiche in France Compétences' XML export (v4.1): blocks, codes, competencies (refkit import rncp reads it back)"))  # fmt: skip
    r.add_argument("framework", metavar=N_("FRAMEWORK[@VERSION]"))
    r.add_argument("--output", "-o", type=Path, metavar=N_("FILE"), help=N_("write to FILE (default: standard output)"))  # fmt: skip
    r.add_argument(
        "--correspondence-from", metavar=N_("VERSION"),
        help=N_("add the correspondence table of the blocks from release VERSION (refkit's CORRESPONDANCES_BLOCS element)"),
    )  # fmt: skip
    r.set_defaults(run=run)
    for kind, about in (
        ("tga", N_("the correspondence table from an earlier release as training.gov.au's mapping information: Code, Title, Maps to code, Maps to title, Is equivalent (E/N), Notes (CSV)")),
        ("nzqa", N_("the correspondence table from an earlier release as NZQA's replacement information: Standard, Title, Status (Registered/Expiring), Replaced by, Last date for assessment, Notes (CSV)")),
    ):  # fmt: skip
        m = formats.add_parser(kind, help=about)
        m.add_argument("framework", metavar=N_("FRAMEWORK[@VERSION]"))
        m.add_argument("--from", dest="from_version", metavar=N_("VERSION"), help=N_("the earlier release (default: the one framework.yaml's correspondence: names)"))  # fmt: skip
        m.add_argument("--output", "-o", type=Path, metavar=N_("FILE"), help=N_("write to FILE (default: standard output)"))  # fmt: skip
        if kind == "nzqa":
            m.add_argument("--last-date", metavar=N_("YYYY-MM-DD"), help=N_("the last date for assessment of the expiring blocks"))  # fmt: skip
        m.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from refkit.cli.reporters import print_problems
    from refkit.store.repository import Repository
    from refkit.versions import find_framework

    if args.output is not None:
        _check_output(args.output)
    schema = None
    if args.target_format == "case" and args.schema is not None:
        from refkit.interop.case_schema import load_schema

        schema = load_schema(args.schema)  # before any work: a bad schema is said at once
    lang = user_language(getattr(args, "ui_lang", None))
    repo = Repository.discover()
    name, _, version = args.framework.partition("@")
    folder = find_framework(repo, name)
    loaded, when, label = _load(repo, folder, version or None)
    unread = _unreadable(loaded)
    if unread is not None:
        print_problems(repo, unread, sys.stderr)
        said = Msg(
            N_plural(
                "{framework} cannot be read whole at {label} ({n} file with errors): nothing "
                "exported",
                "{framework} cannot be read whole at {label} ({n} files with errors): nothing "
                "exported",
            ),
            framework=args.framework,
            label=Msg(label),
            n=len({p.file for p in unread}),
        )
        hint = Msg("fix them (refkit validate lists every problem), then export again")
        print(f"refkit: {said.render(lang)}", file=sys.stderr)
        print(f"  {tr('hint:', lang)} {hint.render(lang)}", file=sys.stderr)
        return 1
    fw = loaded.framework
    data = _render(args, repo, folder, fw, version or None, when, schema)
    if isinstance(data, int):
        return data
    if args.output is not None:
        from refkit.store.files import atomic_write

        atomic_write(args.output, data)
        print(Msg("wrote {file}", file=args.output).render(lang), file=sys.stderr)
    else:
        text = data.decode("utf-8")
        if sys.stdout.isatty():
            text, shown = _for_terminal(text)
            if shown:
                said = Msg(
                    N_plural(
                        "{n} control character shown escaped (\\xNN) on the terminal; -o FILE "
                        "or a pipe gets the exact text",
                        "{n} control characters shown escaped (\\xNN) on the terminal; -o FILE "
                        "or a pipe gets the exact text",
                    ),
                    n=shown,
                )
                print(f"refkit: {said.render(lang)}", file=sys.stderr)
        sys.stdout.write(text)
    return 0


def _render(args: argparse.Namespace, repo: Any, folder: str, fw: Any, version: str | None, when: str, schema: Any) -> bytes | int:  # fmt: skip
    """The export's bytes, or an exit code when it cannot be made (said on stderr)."""
    fmt = args.target_format
    data: bytes
    if fmt == "rncp":
        return _rncp(args, repo, folder, fw, version)
    if fmt in ("tga", "nzqa"):
        return _mapping(args, repo, folder, fw, version)
    if fmt == "case":
        from refkit.interop.case import export_case
        from refkit.interop.case_schema import schema_problems

        corr = None
        if args.correspondence_from:
            corr = _correspondence(repo, folder, args.correspondence_from, version)
        package = export_case(fw, when=when, base_uri=args.base_uri, correspondence=corr)
        if schema is not None:
            problems = schema_problems(package, schema, str(args.schema))
            if problems:
                for line in problems[:50]:
                    print(f"{args.schema.name}: {line}", file=sys.stderr)
                said = Msg(
                    N_plural(
                        "the package does not conform to {schema} ({n} problem); nothing written",
                        "the package does not conform to {schema} ({n} problems); nothing written",
                    ),
                    schema=args.schema,
                    n=len(problems),
                )
                lang = user_language(getattr(args, "ui_lang", None))
                print(f"refkit: {said.render(lang)}", file=sys.stderr)
                return 1
        from refkit.cli.output import exact_json

        # DEL, the C1 controls and the Unicode line separators as \u escapes: the same JSON
        # value, nothing a terminal or a JavaScript reader acts on
        text = exact_json(json.dumps(package, ensure_ascii=False, indent=2))
        data = (text + "\n").encode("utf-8")
    elif fmt == "csv":
        from refkit.interop.tabular import write_csv

        data = write_csv(fw).encode("utf-8")
    else:
        from refkit.interop.xlsx import write_xlsx

        data = write_xlsx(fw)
    return data


def _rncp(args: argparse.Namespace, repo: Any, folder: str, fw: Any, version: str | None) -> bytes:
    from refkit.interop.rncp import export_rncp

    corr = None
    if args.correspondence_from:
        corr = _correspondence(repo, folder, args.correspondence_from, version)
    return export_rncp(fw, correspondence=corr)


def _mapping(args: argparse.Namespace, repo: Any, folder: str, fw: Any, version: str | None) -> bytes:  # fmt: skip
    from refkit.errors import RefkitError
    from refkit.interop.mapping import nzqa_replacements, tga_mapping

    old = args.from_version or (fw.correspondence.from_version if fw.correspondence else None)
    if not old:
        raise RefkitError(Msg("say which earlier release to map from: --from VERSION"), hint=Msg("refkit log FRAMEWORK lists the releases"))  # fmt: skip
    corr = _correspondence(repo, folder, old, version)
    if args.target_format == "tga":
        return tga_mapping(corr.old, fw, corr.entries).encode("utf-8")
    return nzqa_replacements(corr.old, fw, corr.entries, args.last_date).encode("utf-8")


def _for_terminal(text: str) -> tuple[str, int]:
    """Text for a terminal, through the helper every text reporter uses: control characters but
    tab and line feed shown as ``\\x1b`` (an escape sequence in a framework could move the cursor
    or erase what is shown), and how many there were."""
    from refkit.control import CONTROL, visible

    count = len(CONTROL.findall(text))
    return (visible(text) if count else text), count


def _check_output(path: Path) -> None:
    """The file to write: a regular file or a new one, in a folder that exists (a FIFO or a
    device is refused: the export is written atomically, by a rename over the file)."""
    import stat

    from refkit.errors import RefkitError

    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise RefkitError(Msg("{path} is a folder", path=path), hint=Msg("give the name of the file to write, e.g. -o export.csv"))  # fmt: skip
    if mode is not None and not stat.S_ISREG(mode):
        raise RefkitError(
            Msg(
                "{path} is not a regular file (a FIFO, a device or a socket): refkit writes exports to files",
                path=path,
            ),
            hint=Msg(
                "leave -o out to write to standard output and redirect it (csv, case), or give a file name"
            ),
        )
    if not path.parent.is_dir():
        raise RefkitError(Msg("{path}: the folder {folder} does not exist", path=path, folder=path.parent), hint=Msg("create it first, or give another path"))  # fmt: skip


def _unreadable(loaded: Any) -> list[Any] | None:
    """The errors that keep a framework from being read whole (None if it is): files that cannot
    be read or parsed, of another kind or version, blocks that could not be built, or a
    framework.yaml refkit cannot use. An export without them would leave them out silently."""
    from refkit.problems import RULES, Severity

    broken = {b.source.file for b in (loaded.framework.blocks if loaded.framework else []) if b.id in loaded.broken_blocks and b.source}  # fmt: skip
    found = [
        p
        for p in loaded.problems
        if p.severity == Severity.ERROR
        and (
            p.file in broken
            or p.rule == "schema-version"
            or (p.rule in RULES and RULES[p.rule].group in ("file", "yaml"))
        )
    ]
    if loaded.framework is None and not found:
        found = [p for p in loaded.problems if p.severity == Severity.ERROR]
    if loaded.framework is None and not found:  # cannot happen; said rather than exported
        from refkit.problems import Problem

        found = [Problem(loaded.folder, 1, 1, Severity.ERROR, "framework-file-missing", "the framework cannot be read")]  # fmt: skip
    return found or None


def _load(repo: Any, folder: str, version: str | None) -> tuple[Any, str, str]:
    """The framework at ``version`` (None: the work tree) as loaded, the date of that version,
    and its label."""
    import datetime

    if version is None:
        from refkit.versions import load_worktree

        now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
        return load_worktree(repo, folder), now.isoformat(), N_("the work tree")
    from refkit.history import History
    from refkit.history.releases import Releases
    from refkit.versions import framework_id

    with History(repo) as history:
        releases = Releases(history, folder, framework_id(repo, folder))
        ref = releases.resolve(version)
        loaded = releases.load(ref)
    fw = loaded.framework
    record = next((r for r in fw.releases if r.version == fw.version), None) if fw else None
    date = record.date if record is not None else "1970-01-01"
    return loaded, f"{date}T00:00:00+00:00", ref.label


def _correspondence(repo: Any, folder: str, old: str, new: str | None) -> Any:
    from refkit.history import History
    from refkit.interop.case import Correspondence
    from refkit.versions import compare

    with History(repo) as history:
        comparison = compare(history, folder, old, new)
    return Correspondence(
        comparison.old, comparison.old_ref.label, comparison.new_ref.label, comparison.table.entries
    )

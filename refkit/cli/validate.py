"""``refkit validate [PATH...]``: check schemas and rules, print every problem."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from refkit.i18n import N_

HELP = N_("check frameworks against the schemas and rules; print every problem as file:line:col")


FORMATS = [
    "github",
    "json",
    "sarif",
    "text",
]  # the names of refkit.cli.reporters.REPORTERS (a test checks it)


def register(sub: Any) -> None:
    p = sub.add_parser(
        "validate",
        help=HELP,
        description=N_(
            "Check the frameworks of a repository (or the frameworks holding the given paths) against "
            "the JSON Schemas and the semantic rules. Prints every problem as "
            "'file:line:col: severity rule-id message', sorted, then a summary. "
            "Exit code 0 when there is no error, 1 when there are errors, 2 on usage errors."
        ),
    )
    p.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar=N_("PATH"),
        help=N_("repository, framework folder or file (default: the current repository)"),
    )
    p.add_argument(
        "--format", choices=FORMATS, default="text", help=N_("output format (default: text)")
    )
    p.add_argument("--strict", action="store_true", help=N_("exit 1 on warnings too"))
    p.add_argument(
        "--changed-since",
        metavar=N_("REV"),
        help=N_(
            "check only the frameworks changed since the git revision REV, and those borrowing their blocks"
        ),
    )
    p.add_argument(
        "--no-cache", action="store_true", help=N_("ignore and do not write the validation cache")
    )
    p.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=None,
        metavar=N_("N"),
        help=N_("worker processes (default: the number of cores)"),
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from refkit.cli.reporters import REPORTERS, Report, text
    from refkit.errors import ExitCode, RefkitError
    from refkit.i18n import Msg, tr, user_language
    from refkit.store.repository import Repository
    from refkit.validate import validate

    if args.jobs is not None and args.jobs < 1:
        raise RefkitError(Msg("--jobs must be at least 1"))
    if args.changed_since is not None and args.paths:
        raise RefkitError(Msg("give paths or --changed-since, not both"))
    groups: dict[Path, tuple[Repository, list[Path]]] = {}
    for path in args.paths or [Path.cwd()]:
        if not path.exists():
            raise RefkitError(
                Msg("{path}: no such file or folder", path=str(path)), hint=Msg("check the path")
            )
        repo = Repository.discover(path)
        groups.setdefault(repo.root, (repo, []))[1].append(path)
    from refkit.progress import shown

    results = []
    for repo, paths in groups.values():
        said = tr("checking the frameworks", user_language(getattr(args, "ui_lang", None)))
        with shown(said) as step:  # (a bar only on a terminal, after half a second)
            results.append(
                validate(
                    repo,
                    paths if args.paths else (),
                    use_cache=not args.no_cache,
                    jobs=args.jobs,
                    changed_since=args.changed_since,
                    progress=step,
                )
            )
    report = Report(results)
    if args.changed_since is not None and not report.frameworks:
        report.note = Msg("no framework changed since {rev}", rev=args.changed_since)
    if args.format == "text":  # for people: in their language; the machine formats in English
        text(report, sys.stdout, user_language(getattr(args, "ui_lang", None)))
    else:
        REPORTERS[args.format](report, sys.stdout)
    failing = report.errors or (args.strict and report.warnings)
    return ExitCode.PROBLEMS if failing else ExitCode.OK

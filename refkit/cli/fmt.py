"""``refkit fmt [PATH...]``: one canonical layout for framework files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from refkit.i18n import N_, Msg, N_plural, tr, user_language

HELP = N_("rewrite framework files in refkit's canonical layout (comments kept); --check for CI")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "fmt",
        help=HELP,
        description=N_(
            "Rewrite framework files in one canonical layout: indentation, no folded lines, LF line "
            "endings, a final newline, no trailing spaces, and a first line pointing editors at the "
            "repository's schema. Key order, quoting, comments and blank lines stay as written. "
            "--check writes nothing, lists the files it would change and exits 1 if there are any. "
            "A file that cannot be read is reported and never written."
        ),
    )
    p.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar=N_("PATH"),
        help=N_("framework folders or files (default: all)"),
    )
    p.add_argument(
        "--check", action="store_true", help=N_("write nothing; exit 1 if a file would change")
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from refkit.cli.output import display_path, visible
    from refkit.cli.reporters import print_problems
    from refkit.errors import ExitCode
    from refkit.fmt import files_to_format, format_files
    from refkit.store.repository import Repository

    repo = Repository.discover(args.paths[0] if args.paths else None)
    files = files_to_format(repo, args.paths)
    result = format_files(repo.root, files, write=not args.check)
    lang = user_language(getattr(args, "ui_lang", None))
    verb = tr("would be reformatted", lang) if args.check else tr("reformatted", lang)
    for rel in result.changed:
        print(f"{visible(display_path(repo.root, rel))}: {verb}")
    if result.problems:
        print_problems(repo, result.problems, sys.stderr)
        said = Msg(
            N_plural(
                "{n} file not formatted: fix the problems first",
                "{n} files not formatted: fix the problems first",
            ),
            n=len(result.problems),
        )
        print(said.render(lang), file=sys.stderr)
    if not result.changed and not result.problems:
        said = Msg(
            N_plural("{n} file already formatted", "{n} files already formatted"),
            n=result.unchanged,
        )
        print(said.render(lang))
    if result.problems or (args.check and result.changed):
        return ExitCode.PROBLEMS
    return ExitCode.OK

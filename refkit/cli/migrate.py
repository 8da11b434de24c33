"""``refkit migrate [PATH...]``: upgrade files written in an older format, comments kept."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from refkit.i18n import N_, Msg, N_plural, tr, user_language

HELP = N_("upgrade framework files from an older format to the current one, keeping comments")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "migrate",
        help=HELP,
        description=N_(
            "Upgrade the framework files of a repository (or of the given framework folders or files) "
            "from an older version of refkit's format to the current one. Only what the migration "
            "changes is rewritten: comments, key order and layout stay. --check writes nothing and "
            "exits 1 when a file needs migrating."
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
        "--check", action="store_true", help=N_("write nothing; exit 1 if a file needs migrating")
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from refkit.cli.output import display_path
    from refkit.cli.reporters import print_problems
    from refkit.errors import ExitCode
    from refkit.migrate import migrate_files
    from refkit.store.repository import Repository

    repo = Repository.discover(args.paths[0] if args.paths else None)
    files = _files(repo, args.paths)
    result = migrate_files(repo.root, files, write=not args.check)
    lang = user_language(getattr(args, "ui_lang", None))
    for m in result.migrated:
        verb = tr("needs migrating", lang) if args.check else tr("migrated", lang)
        steps = "; ".join(tr(step, lang) for step in m.steps)
        print(f"{display_path(repo.root, m.path)}: {verb}, {m.old} → {m.new} ({steps})")
    if result.problems:
        print_problems(repo, result.problems, sys.stderr)
    if not result.migrated and not result.problems:
        said = Msg(
            N_plural(
                "every file of {n} is in the current format",
                "every file of {n} is in the current format",
            ),
            n=len(files),
        )
        print(said.render(lang))
    if result.problems or (args.check and result.migrated):
        return ExitCode.PROBLEMS
    return ExitCode.OK


def _files(repo: Any, paths: list[Path]) -> list[str]:
    from refkit.errors import RefkitError

    out = []
    folders = repo.framework_folders()
    if paths:
        chosen: list[Path] = []
        for path in paths:
            if not path.exists():
                raise RefkitError(Msg("{path}: no such file or folder", path=path))
            if path.is_file():
                out.append(repo.rel(path))
                continue
            folder = repo.framework_folder_of(path)
            chosen.extend(folders if folder is None else [folder])
        folders = chosen
    for folder in folders:
        out.extend(repo.rel(p) for p in sorted(folder.rglob("*.yaml")))
    return sorted(set(out))

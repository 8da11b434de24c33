"""``refkit init DIR``: a new framework repository, ready to use."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from refkit.i18n import N_, speaker, tr, user_language

HELP = N_(
    "create a new framework repository: schemas, an example framework, pre-commit, CI workflow"
)


def register(sub: Any) -> None:
    p = sub.add_parser(
        "init",
        help=HELP,
        description=N_(
            "Create a framework repository in DIR (a new or empty folder): the schemas (for editors), "
            "an example framework that validates, a pre-commit configuration running refkit fmt and "
            "refkit validate, a GitHub Actions workflow that validates and publishes the site, a "
            "README for the working group, and git init when DIR is not inside a git repository."
        ),
    )
    p.add_argument(
        "dir",
        type=Path,
        metavar=N_("DIR"),
        help=N_("the folder to create (it must not exist, or be empty)"),
    )
    p.add_argument(
        "--framework",
        default="",
        metavar=N_("ID"),
        help=N_("id of the example framework (default: exemple)"),
    )
    p.add_argument("--title", metavar=N_("TITLE"), help=N_("title of the example framework"))
    p.add_argument(
        "--lang",
        default="fr",
        metavar=N_("LANG"),
        help=N_("language of the example and the README: fr (default) or en"),
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from refkit.scaffold import init_repository

    created = init_repository(
        args.dir, framework_id=args.framework, title=args.title, lang=args.lang
    )
    lang = user_language(getattr(args, "ui_lang", None))
    say = speaker(lang)
    print(
        say(
            "created {folder} with framework {framework}:",
            folder=args.dir,
            framework=created.ids[0],
        )
    )
    for f in created.files:
        print(f"  {f}")
    if created.git_initialized:
        print(tr("initialised a git repository", lang))
    print(
        say("next: {commands}", commands=f"cd {args.dir} && refkit validate && pre-commit install")
    )
    return 0

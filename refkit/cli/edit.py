"""``refkit edit``: the terminal editor for working groups."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from refkit.i18n import N_

HELP = N_("edit frameworks in a terminal user interface (no YAML, no git commands)")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "edit",
        help=HELP,
        description=N_(
            "Open the editor on the repository that holds PATH (default: the current folder): a "
            "tree of frameworks, blocks, competencies and criteria; a form for the selected item, "
            "checked as you type; the problems refkit validate finds, updated after each change; "
            "changes since the last release; commit and release dialogs. Every change is saved "
            "to the YAML files at once (comments and layout kept) and can be undone (Ctrl+Z). "
            "Press ? in the editor for help. It speaks the language --lang names, else $REFKIT_LANG, "
            "git config refkit.lang, the locale, else the language of the repository's frameworks."
        ),
    )
    p.add_argument(
        "path", nargs="?", type=Path, metavar=N_("path"), help=N_("a folder inside the repository")
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from refkit.edit import Session
    from refkit.tui import make_app

    # Textual first (0.2-0.3 s), then the session: on a first open its block files are parsed
    # by worker processes while the first screen, painted from their outline, is styled and
    # drawn (refkit.store.outline). Started before Textual's import, the workers slowed it on
    # a 2-core machine: the first screen came 13 % later, interleaved (the first key answered
    # 5 % sooner; docs/performance.md). Not checked against the schema field by field, which
    # the background check does (its problems are the ones the editor shows).
    session = Session.open(args.path, checked=False)

    # a long-lived process: the cyclic collector is worth its cost here, from the first paint on
    # (the app turns it on then, with what was loaded frozen: freeze_loaded)
    # its language: --lang, REFKIT_LANG, git config refkit.lang, the locale, else the language
    # of the repository's frameworks (refkit.edit.language)
    make_app(session, freeze_loaded=True, lang=getattr(args, "lang_option", None)).run()
    return 0

"""``refkit doctor``: finish or undo what an interrupted command left; report the rest."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from refkit.i18n import N_, speaker, tr, user_language

HELP = N_("finish or undo an interrupted release or commit, remove stray temporary files")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "doctor",
        help=HELP,
        description=N_(
            "Check the repository for what an interrupted refkit command left (a release killed "
            "halfway, temporary files of a write that did not finish) and repair it: the result "
            "is always the state before the command or the state after it. Anything that needs a "
            "person's decision is reported with the fix. Any refkit command finishes an "
            "interrupted release by itself before it starts; doctor says so explicitly. Exit 0 "
            "when the repository is sound (after repairs), 1 when something needs a person."
        ),
    )
    p.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help=N_("output format (default: text)"),
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from refkit.doctor import checkup
    from refkit.history import History
    from refkit.store.repository import Repository

    lang = user_language(getattr(args, "ui_lang", None))
    say = speaker(lang)
    repo = Repository.discover()
    with History(repo) as history:
        result = checkup(history)
    if args.format == "json":
        json.dump(
            {
                "repaired": [str(r) for r in result.repaired],
                "problems": [
                    {"message": str(f.message), "hint": str(f.hint) if f.hint else None}
                    for f in result.problems
                ],
            },
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        print()
    else:
        for line in result.repaired:
            print(say("repaired: {what}", what=line))
        for f in result.problems:
            print(say("problem: {what}", what=f.message))
            if f.hint:
                print("  " + say("hint: {what}", what=f.hint))
        if not result.repaired and not result.problems:
            print(tr("nothing to repair", lang))
    return 1 if result.problems else 0

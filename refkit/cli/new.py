"""``refkit new framework|block|competency``: scaffold with the next free id, valid at once."""

from __future__ import annotations

import argparse
from typing import Any

from refkit.i18n import N_, speaker, user_language

HELP = N_("add a framework, a block or a competency with the next free id, valid at once")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "new",
        help=HELP,
        description=N_(
            "Add to the current repository a framework (refkit new framework ID), a block "
            "(refkit new block FRAMEWORK: the next free id, e.g. BC08) or a competency "
            "(refkit new competency FRAMEWORK BLOCK: e.g. C7.5). What is created validates at once; "
            "existing files are edited in place, comments kept."
        ),
    )
    kinds = p.add_subparsers(dest="what", metavar=N_("WHAT"), required=True)
    f = kinds.add_parser("framework", help=N_("a new framework with one block and one competency"))
    f.add_argument(
        "id", metavar=N_("ID"), help=N_("lower-case words joined by hyphens (the folder name)")
    )
    f.add_argument("--title", metavar=N_("TITLE"), help=N_("its title"))
    f.add_argument(
        "--lang",
        default="fr",
        metavar=N_("LANG"),
        help=N_("language of its text: fr (default) or en"),
    )
    b = kinds.add_parser("block", help=N_("a new block in a framework"))
    b.add_argument("framework", metavar=N_("FRAMEWORK"))
    b.add_argument("--title", metavar=N_("TITLE"), help=N_("its title"))
    c = kinds.add_parser("competency", help=N_("a new competency in a block"))
    c.add_argument("framework", metavar=N_("FRAMEWORK"))
    c.add_argument("block", metavar=N_("BLOCK"))
    c.add_argument(
        "--statement",
        metavar=N_("STATEMENT"),
        help=N_("its statement (action verb, object, context)"),
    )
    c.add_argument("--kind", choices=["knowledge", "skill", "attitude"], default="skill")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from refkit import scaffold
    from refkit.store.repository import Repository
    from refkit.versions import find_framework

    say = speaker(user_language(getattr(args, "ui_lang", None)))
    repo = Repository.discover()
    if args.what == "framework":
        created = scaffold.new_framework(repo, args.id, title=args.title, lang=args.lang)
        print(say("created framework {framework}", framework=args.id))
    elif args.what == "block":
        folder = find_framework(repo, args.framework)
        created = scaffold.new_block(repo, folder, title=args.title)
        block, competency = created.ids[0], created.ids[1]
        print(say("created block {block} with competency {competency}", block=block, competency=competency))  # fmt: skip
        print(
            "  "
            + say(
                "add {block} to certification.required or to an elective group of {framework}",
                block=block,
                framework=args.framework,
            )
        )
    else:
        folder = find_framework(repo, args.framework)
        created = scaffold.new_competency(
            repo, folder, args.block, statement=args.statement, kind=args.kind
        )
        print(say("created competency {competency} in {block}", competency=created.ids[0], block=args.block))  # fmt: skip
    for path in created.files:
        print(f"  {path}")
    return 0

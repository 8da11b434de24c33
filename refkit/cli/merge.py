"""``refkit merge-driver``, ``refkit setup`` and ``refkit resolve``: git merges framework files
with refkit (``refkit.history.merge``), and a person chooses what both sides changed."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from refkit.i18n import N_, plural, tr

NAMES = ("merge-driver", "setup", "resolve")


def register(sub: Any) -> None:
    if "merge-driver" in sub.choices:  # the three commands live here: registered once
        return
    _driver(sub)
    _setup(sub)
    _resolve(sub)


def _driver(sub: Any) -> None:
    p = sub.add_parser(
        "merge-driver",
        help=N_("merge one framework file for git (git calls it: see refkit setup)"),
        description=N_(
            "What git runs to merge a framework file both sides changed (.gitattributes: "
            "merge=refkit). Merges the data keyed by ids, writes the result over ours (%A) with "
            "the round-trip writer (comments and layout kept), and follows competencies moved or "
            "renumbered on one side. A field changed differently on both sides keeps ours' value "
            "and is recorded for refkit resolve and the editor. Exit codes: 0 merged, 1 something "
            "is left to choose (git keeps the file unmerged), 2 git's files could not be read."
        ),
    )
    # a help text goes through %-formatting (argparse's %(default)s): git's %O is written %%O
    p.add_argument("base", metavar=N_("%O"), help=N_("the file as it was at the merge base (git's %%O)"))  # fmt: skip
    p.add_argument("ours", metavar=N_("%A"), help=N_("our version, replaced by the result (git's %%A)"))  # fmt: skip
    p.add_argument("theirs", metavar=N_("%B"), help=N_("their version (git's %%B)"))
    p.add_argument("path", metavar=N_("%P"), help=N_("the file's path in the repository (git's %%P)"))  # fmt: skip
    p.set_defaults(run=run_driver)


def _setup(sub: Any) -> None:
    p = sub.add_parser(
        "setup",
        help=N_("set this clone up: git merges framework files with refkit"),
        description=N_(
            "Add the merge driver's lines to .gitattributes (kept as it is otherwise; commit it) "
            "and set merge.refkit.driver and merge.refkit.name in this clone's git configuration. "
            "Run once per clone (refkit init does it for a new repository); running it again "
            "changes nothing. Exit codes: 0 done, 2 not in a framework repository under git."
        ),
    )
    p.set_defaults(run=run_setup)


def _resolve(sub: Any) -> None:
    p = sub.add_parser(
        "resolve",
        help=N_("list or choose the fields a merge left in conflict; finish or undo the merge"),
        description=N_(
            "Without arguments: the fields both sides changed differently in the merge in "
            "progress (file:line, item, field, base / ours / theirs). With ITEM [FIELD] and one "
            "of --ours, --theirs, --base or --value: write that value. --continue commits the "
            "merge once nothing is left; --abort puts the repository back as it was before the "
            "merge. Exit codes: 0 done or nothing left, 1 conflicts left, 2 no such conflict or "
            "no merge in progress."
        ),
    )
    p.add_argument(
        "item",
        nargs="?",
        metavar=N_("ITEM"),
        help=N_("the competency, block, activity... id ('' : the framework)"),
    )
    p.add_argument(
        "field",
        nargs="?",
        default=None,
        metavar=N_("FIELD"),
        help=N_("the field in it (statement, criteria...)"),
    )
    p.add_argument(
        "--file",
        metavar=N_("FILE"),
        help=N_("the file, when ITEM FIELD names conflicts in several"),
    )
    pick = p.add_mutually_exclusive_group()
    for side, text in (
        ("ours", N_("keep the value on your side (ours)")),
        ("theirs", N_("take the value on their side (theirs)")),
        ("base", N_("go back to the value both sides started from (the merge base)")),
    ):
        pick.add_argument(f"--{side}", dest="side", action="store_const", const=side, help=text)
    pick.add_argument("--value", metavar=N_("YAML"), help=N_("write this value (YAML)"))
    pick.add_argument(
        "--continue",
        dest="finish",
        action="store_true",
        help=N_("commit the merge, once nothing is left to choose"),
    )
    pick.add_argument(
        "--abort",
        action="store_true",
        help=N_("undo the merge: the repository as it was before it"),
    )
    p.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help=N_("output format (default: text)"),
    )
    p.set_defaults(run=run_resolve)


def run_driver(args: argparse.Namespace) -> int:
    from refkit.history.merge.driver import run_driver as drive

    code, notes = drive(args.base, args.ours, args.theirs, args.path)
    for note in notes:
        print(f"refkit: {note.render(args.ui_lang)}", file=sys.stderr)
    return code


def run_setup(args: argparse.Namespace) -> int:
    from refkit.history import History
    from refkit.history.merge.setup import install_driver
    from refkit.store.repository import Repository

    with History(Repository.discover()) as history:
        done = install_driver(history)
    for note in done:
        print(note.render(args.ui_lang))
    if not done:
        print(tr("already set up: git merges framework files with refkit", args.ui_lang))
    return 0


def run_resolve(args: argparse.Namespace) -> int:
    from refkit.history.merge import session
    from refkit.store.repository import Repository

    root = Repository.discover().root
    lang = args.ui_lang
    if args.abort:
        session.abort_merge(root)
        print(tr("merge undone: the repository is as it was before it", lang))
        return 0
    if args.finish:
        commit = session.finish_merge(root)
        print(tr("merge committed: {commit}", lang).format(commit=commit[:10]))
        return 0
    if args.side is None and args.value is None:
        return _list(session.pending_conflicts(root), args.format, lang)
    return _choose(root, args)


def _list(conflicts: list[Any], fmt: str, lang: str) -> int:
    if fmt == "json":
        print(json.dumps([c.to_json() for c in conflicts], ensure_ascii=False, indent=2))
        return 1 if conflicts else 0
    if not conflicts:
        print(tr("no conflict left to choose", lang))
        return 0
    labels = {"base": tr("base", lang), "ours": tr("ours", lang), "theirs": tr("theirs", lang)}
    for c in conflicts:
        where = " ".join(x for x in (c.item, c.field) if x) or tr("(the whole file)", lang)
        print(f"{c.file}:{c.line}: {where}")
        for side, label in labels.items():
            print(f"    {label}: {_show(getattr(c, side))}")
    print(tr("choose: refkit resolve ITEM FIELD --ours | --theirs | --base | --value YAML", lang))
    return 1


def _show(value: Any) -> str:
    return "-" if value is None else json.dumps(value, ensure_ascii=False)


def _choose(root: Path, args: argparse.Namespace) -> int:
    from refkit.errors import RefkitError
    from refkit.history.merge import session
    from refkit.i18n import Msg

    item, field = args.item or "", args.field or ""
    found = [
        c
        for c in session.pending_conflicts(root)
        if c.item == item and c.field == field and (args.file is None or c.file == args.file)
    ]
    if len(found) != 1:
        raise RefkitError(
            Msg("no conflict on {item} {field}", item=item, field=field)
            if not found
            else Msg("{n} conflicts on {item} {field}", n=len(found), item=item, field=field),
            hint=Msg("refkit resolve lists them; --file FILE names one"),
        )
    conflict = found[0]
    value = getattr(conflict, args.side) if args.side else _yaml(args.value)
    session.resolve_conflict(root, conflict, value)
    left = session.pending_conflicts(root)
    print(plural("{file}: {item} {field} written; {n} conflict left", "{file}: {item} {field} written; {n} conflicts left", len(left), args.ui_lang, file=conflict.file, item=item, field=field))  # fmt: skip
    return 0


def _yaml(text: str) -> Any:
    from refkit.errors import RefkitError
    from refkit.i18n import Msg
    from refkit.store.reader import read_yaml

    doc = read_yaml("--value", text.encode("utf-8"))
    if doc.problems:
        raise RefkitError(
            Msg("--value is not valid YAML: {why}", why=doc.problems[0].message),
            hint=Msg("quote a text, e.g. --value 'Lire un plan'"),
        )
    return doc.data

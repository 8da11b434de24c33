"""``refkit diff FRAMEWORK [OLD [NEW]]``: what changed between two versions, in plain language."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from refkit.i18n import N_

HELP = N_(
    "show what changed between two versions of a framework (default: last release -> work tree)"
)
FORMATS = ["text", "md", "html", "json"]


def register(sub: Any) -> None:
    p = sub.add_parser(
        "diff",
        help=HELP,
        description=N_(
            "Show the semantic diff of a framework between two versions: blocks and competencies "
            "added, removed, modified (with a word-level diff), moved between blocks, renumbered "
            "(with their similarity), plus activities, certification rules and details. "
            "OLD and NEW are release numbers (2.0.0), 'worktree', or git revisions (tag, branch, "
            "commit). By default OLD is the latest release and NEW the work tree."
        ),
    )
    p.add_argument(
        "framework", metavar=N_("FRAMEWORK"), help=N_("framework id (folder name) or folder path")
    )
    p.add_argument(
        "old",
        nargs="?",
        metavar=N_("OLD"),
        help=N_("version to compare from (default: latest release)"),
    )
    p.add_argument(
        "new", nargs="?", metavar=N_("NEW"), help=N_("version to compare to (default: worktree)")
    )
    p.add_argument(
        "--format", choices=FORMATS, default="text", help=N_("output format (default: text)")
    )
    p.add_argument(
        "--correspondence",
        action="store_true",
        help=N_("print the correspondence table: which old blocks count toward which new blocks"),
    )
    p.add_argument(
        "--pairing",
        type=_share,
        metavar=N_("SIMILARITY"),
        help=N_(
            "how similar (0 to 1) the statements, or the titles, of a competency whose id "
            "changed must be for it to be shown as renumbered rather than removed and added "
            "(default: 0.6)"
        ),
    )
    p.add_argument(
        "--output",
        "-o",
        type=Path,
        metavar=N_("FILE"),
        help=N_("write to FILE instead of standard output"),
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import json

    from refkit.cli.output import use_colour
    from refkit.diff import render
    from refkit.history import History
    from refkit.i18n import user_language
    from refkit.store.repository import Repository
    from refkit.versions import compare, find_framework

    repo = Repository.discover()
    folder = find_framework(repo, args.framework)
    with History(repo) as history:
        comparison = compare(history, folder, args.old, args.new, pairing=args.pairing)
    diff, table = comparison.diff, comparison.table
    colour = args.output is None and use_colour(sys.stdout)
    lang = user_language(getattr(args, "ui_lang", None))
    if args.correspondence:
        if args.format == "json":
            out = json.dumps(table.to_json(), ensure_ascii=False, indent=2) + "\n"
        elif args.format == "md":
            out = "\n".join(render.table_markdown(table)) + "\n"
        elif args.format == "html":
            out = render.html(_only_table(diff), table=table, lang=lang)
        else:
            out = "\n".join(render.table_text(table, colour=colour)) + "\n"
    elif args.format == "json":
        out = render.to_json(diff, table=table)
    elif args.format == "md":
        out = render.markdown(diff, table=table, lang=lang)
    elif args.format == "html":
        out = render.html(diff, table=table, lang=lang)
    else:
        out = render.text(diff, colour=colour, table=table, lang=lang)
    if args.output is not None:
        from refkit.store.files import atomic_write

        atomic_write(args.output, out.encode("utf-8"))
        return 0
    from refkit.cli.output import exact_json, visible

    if args.format == "json":
        out = exact_json(out)  # the same JSON, no raw control character
    elif args.format != "text" and sys.stdout.isatty():
        out = visible(out)  # Markdown or HTML shown on a terminal (text is always escaped)
    elif sys.stdout.isatty():  # long lines wrapped at the terminal's width, under their start
        import shutil

        out = wrap_lines(out, shutil.get_terminal_size().columns)
    sys.stdout.write(out)
    return 0


def _only_table(diff: Any) -> Any:
    from dataclasses import replace

    return replace(diff, changes=[])


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a similarity between 0 and 1, e.g. 0.6")
    return value


_ANSI = __import__("re").compile(r"\x1b\[[0-9;]*m")


def wrap_lines(text: str, width: int) -> str:
    """Each line longer than ``width`` (colour codes not counted) cut at spaces, the rest
    indented four columns under the line's own indentation."""
    out = []
    for line in text.split("\n"):
        if len(_ANSI.sub("", line)) <= width:
            out.append(line)
            continue
        lead = len(line) - len(line.lstrip(" "))
        indent = " " * (lead + 4)
        current, seen = " " * lead, lead
        for word in line[lead:].split(" "):
            size = len(_ANSI.sub("", word))
            if current.strip() and seen + 1 + size > width:
                out.append(current)
                current, seen = indent + word, len(indent) + size
            elif current.strip():
                current, seen = f"{current} {word}", seen + 1 + size
            else:
                current, seen = current + word, seen + size
        out.append(current)
    return "\n".join(out)

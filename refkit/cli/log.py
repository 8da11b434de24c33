"""``refkit log FRAMEWORK``: releases and commits of a framework, each with a semantic summary."""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import asdict
from typing import Any

from refkit.i18n import N_

HELP = N_("list the releases and the commits that touched a framework, with what each changed")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "log",
        help=HELP,
        description=N_(
            "List the releases of a framework (newest first) and the commits that touched its "
            "folder, each with a one-line semantic summary such as '+3 competencies, 1 block "
            "modified', computed against the previous release or the commit's parent."
        ),
    )
    p.add_argument(
        "framework", metavar=N_("FRAMEWORK"), help=N_("framework id (folder name) or folder path")
    )
    p.add_argument(
        "-n", "--max-count", type=int, metavar=N_("N"), help=N_("show at most N commits")
    )
    p.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help=N_("output format (default: text)"),
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from refkit.cli.output import Style, exact_json, use_colour, visible
    from refkit.history import History
    from refkit.i18n import tr, user_language
    from refkit.store.repository import Repository
    from refkit.versions import find_framework, framework_log

    # the text in the language of the command; the JSON's summaries in English, as its keys
    lang = user_language(getattr(args, "ui_lang", None)) if args.format == "text" else "en"
    repo = Repository.discover()
    folder = find_framework(repo, args.framework)
    with History(repo) as history:
        log = framework_log(history, folder, args.max_count, lang=lang)
    if args.format == "json":
        print(exact_json(json.dumps(asdict(log), ensure_ascii=False, indent=2)))
        return 0
    # commit messages and release notes are shown through ``visible``: an escape sequence in
    # one would act on the terminal
    v = visible
    style = Style(use_colour(sys.stdout))
    print(style.bold(v(log.framework)))
    print()
    print(style.bold(tr("Releases", lang)))
    if not log.releases:
        print("  " + tr("none yet (refkit release makes one)", lang))
    for r in log.releases:
        tag = "" if r.tagged else "  " + tr("(no tag: found through releases.yaml)", lang)
        print(f"  {style.green(v(r.version)):<8} {v(r.date)}  {r.commit[:7]}  {v(r.summary)}{tag}")
        if r.message:
            print(f"           {v(r.message)}")
    for version, why in log.unavailable.items():
        # (said after the version already: "plombier-chauffagiste 1.0.0: " left out)
        why = re.sub(rf"^{re.escape(log.framework)} {re.escape(version)}\s?: ", "", why)
        print(f"  {v(version):<8} {style.yellow(tr('not published here', lang))}: {v(why)}")
    print()
    print(style.bold(tr("Commits", lang)))
    for c in log.commits:
        release = (
            style.green(" " + tr("[release {version}]", lang).format(version=v(c.release)))
            if c.release
            else ""
        )
        print(f"  {style.yellow(c.short)} {v(c.date[:10])} {v(c.subject)}{release}")
        print(f"          {style.dim(v(c.summary))}")
    return 0

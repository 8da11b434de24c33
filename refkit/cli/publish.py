"""``refkit publish``: the static site of every released framework version."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from refkit.i18n import N_, Msg, N_plural, speaker, tr, user_language

HELP = N_("publish the static site (HTML, Markdown, JSON) of every released framework version")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "publish",
        help=HELP,
        description=N_(
            "Build the site partner schools read: an index of frameworks; per framework and version a "
            "page with its activities, blocks, competencies, criteria and assessment, each with a "
            "permanent anchor (FRAMEWORK/VERSION/#C6.2); a 'latest' alias; per version the changes "
            "since the previous one and the correspondence table; pathways and shared blocks; a JSON "
            "export of each version; an offline search. Works with no network and prints on A4. "
            "Only files whose content changed are written. Publish owns only the files it wrote "
            "(their digests are in DIR/.refkit-publish.json): a file in the way that it did not "
            "write, or that changed since, stops it (exit 2) unless --force."
        ),
    )
    p.add_argument(
        "--out",
        type=Path,
        metavar=N_("DIR"),
        help=N_("output folder (default: site/ at the repository root)"),
    )
    p.add_argument(
        "--format",
        default="html,md,json,csv",
        metavar=N_("FORMATS"),
        help=N_(
            "comma-separated: html, md (Markdown pages under md/), and the downloads of each "
            "version beside its page: json, csv, xlsx, case (a CASE 1.0 package); default "
            "html,md,json,csv (xlsx and case are larger and slower to make)"
        ),
    )
    p.add_argument(
        "--include-draft",
        action="store_true",
        help=N_("also publish each framework's work tree, marked as a draft"),
    )
    p.add_argument(
        "--include-proposals",
        action="store_true",
        help=N_(
            "also publish the open proposals as drafts for consultation (proposals/: a banner, "
            "not indexed, not listed as versions)"
        ),
    )
    p.add_argument(
        "--force",
        action="store_true",
        help=N_(
            "overwrite files in the output folder that publish did not write or that changed "
            "since (they are lost); files it would remove in that state are left in place"
        ),
    )
    p.add_argument(
        "--lang",
        metavar=N_("LANG"),
        help=N_("language of the site-wide pages (default: the frameworks' most common)"),
    )
    p.add_argument(
        "--base-url",
        metavar=N_("URL"),
        help=N_(
            "the address the site is served from (https://...): permanent addresses, printed "
            "pages and feeds then give absolute addresses"
        ),
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from refkit.cli.output import display_path
    from refkit.publish import PublishRefused, publish
    from refkit.store.repository import Repository

    # (--lang is the site's language; refkit speaks the command's, given before the command)
    lang = user_language(getattr(args, "ui_lang", None))
    repo = Repository.discover()
    out = args.out if args.out is not None else repo.root / "site"
    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    from refkit.progress import shown

    try:
        with shown(tr("rendering the pages", lang)) as step:  # (on a terminal, after 0.5 s)
            result = publish(
                repo,
                out,
                formats=formats,
                include_draft=args.include_draft,
                lang=args.lang,
                force=args.force,
                base_url=args.base_url,
                progress=step,
            )
    except PublishRefused as e:
        from refkit.cli.reporters import print_problems  # imports refkit.validate: only here

        print_problems(repo, e.problems, sys.stderr)
        raise
    folder = display_path(result.out, "").rstrip("/") or "."
    say = speaker(lang)
    print(
        say(
            "published {versions} of {frameworks} into {folder}/: {written}, {unchanged}, "
            "{removed}",
            versions=Msg(N_plural("{n} version", "{n} versions"), n=result.versions),
            frameworks=Msg(N_plural("{n} framework", "{n} frameworks"), n=result.frameworks),
            folder=folder,
            written=Msg(N_plural("{n} file written", "{n} files written"), n=len(result.written)),
            unchanged=Msg(N_plural("{n} unchanged", "{n} unchanged"), n=result.unchanged),
            removed=Msg(N_plural("{n} removed", "{n} removed"), n=len(result.removed)),
        )
    )
    if args.include_proposals:
        from refkit.history import History
        from refkit.publish.proposals import publish_proposals

        with History(repo) as history:
            pages = publish_proposals(history, result.out, args.lang)
        said = Msg(
            N_plural(
                "published {n} open proposal for consultation into {folder}/proposals/",
                "published {n} open proposals for consultation into {folder}/proposals/",
            ),
            n=len(pages) - 1,
            folder=folder,
        )
        print(said.render(lang))
    for warning in result.warnings:
        print(say("warning: {warning}", warning=warning), file=sys.stderr)
    for note in result.notes:
        print(say("note: {note}", note=note), file=sys.stderr)
    return 0

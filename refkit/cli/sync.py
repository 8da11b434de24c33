"""``refkit sync``: bring this clone up to date with the working group's shared repository, and
send it this clone's commits and release tags (``refkit.history.sync``)."""

from __future__ import annotations

import argparse
from typing import Any

from refkit.i18n import N_, Msg, N_plural, tr, user_language

HELP = N_("bring this clone up to date with the shared repository, and send it your commits")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "sync",
        help=HELP,
        description=N_(
            "Fetch the shared repository (a git remote: origin, or the branch's upstream), bring "
            "the current branch up to date (fast-forward, or a merge when both sides moved), then "
            "send it there with the release tags of its commits. Nothing is lost: uncommitted "
            "changes are refused (commit first); with the merge driver (refkit setup), a field "
            "both sides changed differently keeps the merge waiting for your choice (refkit "
            "resolve, or the editor) and nothing is sent, then sync run again commits the merge "
            "and sends it; a merge that would leave other conflicts is undone and names the "
            "files; when the shared repository cannot be reached nothing changes (exit code 2). "
            "Exit codes: "
            "0 up to date, 1 refused (nothing changed) or a merge waiting for your choice, "
            "2 offline or no such remote."
        ),
    )
    p.add_argument(
        "--remote", metavar=N_("NAME"), help=N_("the git remote to sync with (default: origin)")
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from refkit.history import History
    from refkit.history.sync import sync
    from refkit.store.repository import Repository

    lang = user_language(getattr(args, "ui_lang", None))
    repo = Repository.discover()
    with History(repo) as history:
        result = sync(history, args.remote)
    for step in result.steps:
        print(f"  {step.render(lang)}")
    said = Msg(
        N_plural(
            "up to date with {remote} ({branch}): {n} commit received, {sent}",
            "up to date with {remote} ({branch}): {n} commits received, {sent}",
        ),
        remote=result.remote,
        branch=result.branch,
        n=result.received,
        sent=Msg(N_plural("{n} sent", "{n} sent"), n=result.sent),
    ).render(lang)
    print(said + (tr(", merged", lang) if result.merged else ""))
    return 0

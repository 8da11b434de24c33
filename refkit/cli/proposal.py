"""``refkit proposal ...``: revisions proposed on their own branch, reviewed, approved by the
working group and merged into main (``refkit.review``; docs/working-groups.md)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from refkit.i18n import N_

HELP = N_("propose a revision on its own branch, comment, approve, merge (working groups)")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "proposal",
        help=HELP,
        description=N_(
            "A proposal is a revision of the frameworks made on its own git branch "
            "proposal/NAME, with a record (proposals/NAME.yaml) saying who proposes it and why. "
            "The working group comments on its items, its members approve it, and once the "
            "framework's approval rule holds it is merged into main, its history kept. "
            "Exit codes: 0 done, 1 refused (nothing changed) or not approved, 2 usage error."
        ),
    )
    ps = p.add_subparsers(dest="action", metavar=N_("ACTION"), required=True)
    a = ps.add_parser("new", help=N_("start a proposal from main and switch to it"))
    a.add_argument("name", metavar=N_("NAME"), help=N_("its name: lowercase letters, digits and '-', e.g. pac-2027"))  # fmt: skip
    a.add_argument("--title", required=True, metavar=N_("TITLE"),
                   help=N_("what the proposal changes, in one line"))  # fmt: skip
    a.add_argument("--rationale", metavar=N_("TEXT"), help=N_("why the working group should adopt it"))  # fmt: skip
    a = ps.add_parser("list", help=N_("every proposal of this clone, local or fetched"))
    _format(a)
    a = ps.add_parser("show", help=N_("a proposal: its record, sign-off and comments"))
    a.add_argument("name", metavar=N_("NAME"), nargs="?",
                   help=N_("the proposal (default: the one checked out)"))  # fmt: skip
    _format(a)
    a = ps.add_parser("status", help=N_("what the approval rule still asks (exit 0 when it holds, 1 otherwise)"))  # fmt: skip
    a.add_argument("name", metavar=N_("NAME"), nargs="?",
                   help=N_("the proposal (default: the one checked out; on main, every open proposal)"))  # fmt: skip
    _format(a)
    a = ps.add_parser("diff", help=N_("the semantic diff of a proposal against where it left main"))
    a.add_argument("name", metavar=N_("NAME"), help=N_("the proposal"))
    a.add_argument("--format", choices=["text", "markdown", "html"], default="text",
                   help=N_("output format (default: text; html: a page to print)"))  # fmt: skip
    a.add_argument("--output", "-o", metavar=N_("FILE"), help=N_("write to FILE"))
    a = ps.add_parser("switch", help=N_("check out a proposal, or main"))
    a.add_argument("name", metavar=N_("NAME|main"), help=N_("the proposal, or main"))
    a = ps.add_parser("withdraw", help=N_("withdraw a proposal (its branch and record are kept)"))
    a.add_argument("name", metavar=N_("NAME"), help=N_("the proposal"))
    a.add_argument("--reason", metavar=N_("TEXT"), help=N_("why it is withdrawn"))
    a = ps.add_parser("comment", help=N_("comment on an item of a proposal, or reply to a comment"))
    a.add_argument("name", metavar=N_("NAME"), help=N_("the proposal"))
    a.add_argument("item", metavar=N_("ITEM"),
                   help=N_("the item commented on: FRAMEWORK[/BLOCK[/COMPETENCY[/N]]], N a criterion's number (from 1)"))  # fmt: skip
    a.add_argument("text", metavar=N_("TEXT"), help=N_("the comment"))
    a.add_argument("--reply-to", metavar=N_("ID"), help=N_("the comment answered (c1, c2...)"))
    a = ps.add_parser("resolve-comment", help=N_("mark a comment resolved"))
    a.add_argument("name", metavar=N_("NAME"), help=N_("the proposal"))
    a.add_argument("comment_id", metavar=N_("ID"), help=N_("the comment (c1, c2...)"))
    a = ps.add_parser("approve", help=N_("record a member's approval of the proposal as it is now"))
    a.add_argument("name", metavar=N_("NAME"), help=N_("the proposal"))
    a.add_argument("--member", required=True, metavar=N_("ORG"),
                   help=N_("the member organisation, as in the working group (or a unique part)"))  # fmt: skip
    a = ps.add_parser("update", help=N_("bring main's new commits into the proposal checked out"))
    a.add_argument("name", metavar=N_("NAME"), nargs="?",
                   help=N_("the proposal (default: the one checked out)"))  # fmt: skip
    a = ps.add_parser("merge", help=N_("merge an approved proposal into main (git merge --no-ff)"))
    a.add_argument("name", metavar=N_("NAME"), help=N_("the proposal"))
    a.add_argument("--force", action="store_true", help=N_("merge although the approval rule does not hold"))  # fmt: skip
    a.add_argument("--reason", metavar=N_("TEXT"), help=N_("why (required with --force; recorded)"))
    p.set_defaults(run=run)


def _format(parser: Any) -> None:
    parser.add_argument("--format", choices=["text", "json"], default="text",
                        help=N_("output format (default: text)"))  # fmt: skip


def run(args: argparse.Namespace) -> int:
    from refkit.history import History
    from refkit.store.repository import Repository

    repo = Repository.discover()
    with History(repo) as history:
        return int(ACTIONS[args.action](history, args))


def _lang(args: argparse.Namespace) -> str:
    return str(getattr(args, "ui_lang", None) or "en")


def _say(msg: Any, args: argparse.Namespace) -> None:
    print(msg.render(_lang(args)) if hasattr(msg, "render") else msg)


def _new(history: Any, args: argparse.Namespace) -> int:
    from refkit.i18n import Msg
    from refkit.review import new

    ref = new(history, args.name, args.title, args.rationale, lang=args.ui_lang)
    _say(Msg("started proposal {name} on branch {branch}; you are on it now",
             name=ref.slug, branch=ref.branch), args)  # fmt: skip
    return 0


def _list(history: Any, args: argparse.Namespace) -> int:
    from refkit.i18n import Msg, tr
    from refkit.review import list_refs
    from refkit.review.render import status_word

    refs = list_refs(history)
    lang = _lang(args)
    if args.format == "json":
        json.dump([_ref_json(r) for r in refs], sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    if not refs:
        print(tr("no proposal yet (refkit proposal new NAME --title TITLE starts one)", lang))
    for r in refs:
        mark = "*" if r.current else " "
        where = [] if r.local else [Msg("on {remotes} only", remotes=", ".join(r.remotes)).render(lang)]  # fmt: skip
        if r.upstream_gone:
            where.append(tr("deleted on the shared repository", lang))
        title = r.record.title if r.record else (r.problem.render(lang) if r.problem else "?")
        extra = f" ({'; '.join(where)})" if where else ""
        print(f"{mark} {r.slug:<24} {status_word(r.status, lang):<10} {title}{extra}")
    return 0


def _ref_json(r: Any) -> dict[str, Any]:
    p = r.record
    return {
        "name": r.slug, "branch": r.branch, "commit": r.commit, "local": r.local,
        "remotes": sorted(r.remotes), "upstream_gone": r.upstream_gone, "current": r.current,
        "status": r.status, "title": p.title if p else None,
        "author": p.author.name if p else None, "created": p.created if p else None,
        "problem": str(r.problem) if r.problem else None,
    }  # fmt: skip


def _named(history: Any, args: argparse.Namespace) -> Any:
    from refkit.i18n import Msg
    from refkit.review import ProposalError, current, find

    if args.name:
        return find(history, args.name)
    ref = current(history)
    if ref is None:
        raise ProposalError(
            Msg("no proposal is checked out: name one"),
            hint=Msg("refkit proposal list shows them"),
        )
    return ref


def _status_json(st: Any) -> dict[str, Any]:
    return {
        "name": st.ref.slug, "holds": st.holds, "base": st.base, "head": st.head,
        "approved_on": st.approved_on(), "colleges": st.colleges(),
        "frameworks": [
            {"framework": s.framework, "rule": s.rule, "holds": s.holds, "missing": s.missing,
             "more": s.more, "approved": [a.member for a in s.approvals],
             "outdated": [a.member for a in s.outdated]}
            for s in st.signoffs
        ],
    }  # fmt: skip


def _status(history: Any, args: argparse.Namespace) -> int:
    from refkit.review import list_refs, status
    from refkit.review.render import status_lines

    if args.name is None and history.branch() in (None, "main"):  # every open proposal
        refs = [r for r in list_refs(history) if r.record and r.status == "open"]
    else:
        refs = [_named(history, args)]
    results = [status(history, r) for r in refs]
    if args.format == "json":
        data = [_status_json(st) for st in results]
        json.dump(data if args.name is None else data[0], sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        for st in results:
            print(f"{st.ref.slug}: {st.ref.record.title if st.ref.record else ''}")
            for line in status_lines(st, _lang(args)):
                print(f"  {line}")
    return 0 if all(st.holds for st in results) else 1


def _show(history: Any, args: argparse.Namespace) -> int:
    from refkit.review import stale_comments, status
    from refkit.review.record import record_data
    from refkit.review.render import show_lines

    ref = _named(history, args)
    st = status(history, ref)
    stale = stale_comments(history, ref)
    if args.format == "json":
        data = {**record_data(ref.record), "stale_comments": sorted(stale),
                "signoff": _status_json(st)}  # fmt: skip
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print("\n".join(show_lines(ref, st, stale, _lang(args))))
    return 0


def _diff(history: Any, args: argparse.Namespace) -> int:
    from refkit.cli.output import use_colour
    from refkit.review import diffs, find, status
    from refkit.review import render as r

    ref = find(history, args.name)
    found = diffs(history, ref)
    lang = _lang(args)
    if args.format == "html":
        out = r.diff_html(ref, found, status(history, ref), lang)
    elif args.format == "markdown":
        out = r.diff_markdown(ref, found, lang)
    else:
        out = r.diff_text(ref, found, lang, colour=args.output is None and use_colour(sys.stdout))
    if args.output:
        from pathlib import Path

        from refkit.store.files import atomic_write

        atomic_write(Path(args.output), out.encode("utf-8"))
    else:
        sys.stdout.write(out)
    return 0


def _switch(history: Any, args: argparse.Namespace) -> int:
    from refkit.i18n import Msg
    from refkit.review import switch

    ref = switch(history, args.name)
    _say(Msg("you are on {branch}", branch=ref.branch if ref else "main"), args)
    return 0


def _withdraw(history: Any, args: argparse.Namespace) -> int:
    from refkit.i18n import Msg
    from refkit.review import withdraw

    ref = withdraw(history, args.name, args.reason, lang=args.ui_lang)
    _say(Msg("proposal {name} withdrawn (its branch is kept)", name=ref.slug), args)
    return 0


def _comment(history: Any, args: argparse.Namespace) -> int:
    from refkit.i18n import Msg
    from refkit.review import comment

    c = comment(history, args.name, args.item, args.text, args.reply_to, lang=args.ui_lang)
    _say(Msg("comment {id} on {item} recorded", id=c.id, item=str(c.item)), args)
    return 0


def _resolve(history: Any, args: argparse.Namespace) -> int:
    from refkit.i18n import Msg
    from refkit.review import resolve_comment

    c = resolve_comment(history, args.name, args.comment_id, lang=args.ui_lang)
    _say(Msg("comment {id} resolved", id=c.id), args)
    return 0


def _approve(history: Any, args: argparse.Namespace) -> int:
    from refkit.i18n import Msg
    from refkit.review import approve
    from refkit.review.render import status_lines

    approval, st = approve(history, args.name, args.member, lang=args.ui_lang)
    _say(Msg("approval by {member} recorded for commit {commit}",
             member=approval.member, commit=approval.commit[:10]), args)  # fmt: skip
    for line in status_lines(st, _lang(args)):
        print(f"  {line}")
    return 0


def _merge(history: Any, args: argparse.Namespace) -> int:
    from refkit.i18n import Msg
    from refkit.review import ProposalError, merge

    if args.force and not (args.reason or "").strip():
        raise ProposalError(
            Msg("--force needs a reason, which the record keeps"), hint=Msg('--reason "..."')
        )
    if args.reason and not args.force:
        raise ProposalError(Msg("--reason goes with --force"), hint=Msg("add --force, or leave --reason out"))  # fmt: skip
    result = merge(history, args.name, args.reason if args.force else None, lang=args.ui_lang)
    _say(Msg("proposal {name} merged into main ({commit}); you are on main",
             name=result.ref.slug, commit=result.commit[:10]), args)  # fmt: skip
    if result.forced:
        _say(Msg("merged without the approvals the rule asks; reason recorded: {reason}",
                 reason=result.forced), args)  # fmt: skip
    return 0


def _update(history: Any, args: argparse.Namespace) -> int:
    from refkit.i18n import Msg, N_plural
    from refkit.review import update

    ref = _named(history, args)
    came = update(history, ref.slug)
    if came:
        brought = N_plural(
            "brought {n} commit of main into proposal {name}",
            "brought {n} commits of main into proposal {name}",
        )
        _say(Msg(brought, n=came, name=ref.slug), args)
    else:
        _say(Msg("proposal {name} already has everything main has", name=ref.slug), args)
    return 0


ACTIONS = {
    "new": _new,
    "list": _list,
    "show": _show,
    "status": _status,
    "diff": _diff,
    "switch": _switch,
    "withdraw": _withdraw,
    "comment": _comment,
    "resolve-comment": _resolve,
    "approve": _approve,
    "update": _update,
    "merge": _merge,
}

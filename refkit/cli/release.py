"""``refkit release FRAMEWORK``: freeze a version as a commit and an annotated tag."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from refkit.i18n import N_, Msg, speaker, tr, user_language

HELP = N_("release a framework: propose the version bump, write it, commit and tag")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "release",
        help=HELP,
        description=N_(
            "Release a framework. refkit checks that it validates and that the work tree has no "
            "uncommitted change outside the framework's folder, proposes the version bump from the "
            "semantic diff against the last release (major when a competency or block is removed, "
            "moved or renumbered or the certification rules change; minor when something is added; "
            "patch for wording), writes the version and the release record, commits the framework's "
            "folder and creates the annotated tag FRAMEWORK/vVERSION. Nothing is left half done."
        ),
    )
    p.add_argument(
        "framework", metavar=N_("FRAMEWORK"), help=N_("framework id (folder name) or folder path")
    )
    p.add_argument(
        "--bump",
        choices=["major", "minor", "patch"],
        help=N_("the bump to make (default: the one proposed)"),
    )
    p.add_argument(
        "--reason",
        metavar=N_("REASON"),
        help=N_(
            "why the working group releases with a smaller --bump than the changes call for "
            "(required then; recorded in releases.yaml and shown with the release)"
        ),
    )
    p.add_argument(
        "-m", "--message", metavar=N_("MESSAGE"), help=N_("release note (default: 'Version X.Y.Z')")
    )
    p.add_argument(
        "--dry-run", action="store_true", help=N_("show what would be released, change nothing")
    )
    p.add_argument(
        "--restore-tags",
        action="store_true",
        help=N_("release nothing; recreate the tags of releases found only through releases.yaml"),
    )
    p.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help=N_("output format (default: text)"),
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from refkit.cli.reporters import print_problems
    from refkit.history import History
    from refkit.release import ReleaseRefused, restore_tags
    from refkit.store.lock import repository_lock
    from refkit.store.repository import Repository
    from refkit.versions import find_framework

    lang = user_language(getattr(args, "ui_lang", None))
    say = speaker(lang)
    repo = Repository.discover()
    folder = find_framework(repo, args.framework)
    # planned and made under one hold of the lock: a second release at the same time waits,
    # then plans on what the first one made
    with History(repo) as history, repository_lock(repo.root, f"release {args.framework}"):
        if args.restore_tags:
            made = restore_tags(history, folder)
            for tag, commit in made:
                print(say("tagged {commit} {tag}", commit=commit[:10], tag=tag))
            if not made:
                print(tr("every release already has its tag", lang))
            return 0
        outcome = _release(
            history, folder, args, say("releasing {framework}", framework=args.framework)
        )
        if isinstance(outcome, ReleaseRefused):
            if outcome.problems:
                print_problems(repo, outcome.problems, sys.stderr)
            raise outcome
        plan, result = outcome
        why = _why(plan, lang)
        if result is None:  # --dry-run
            if args.format == "json":
                json.dump(
                    {"framework": plan.framework_id, "from": plan.last.version if plan.last else None, "version": plan.version,
                     "bump": plan.bump, "required": plan.required, "reasons": plan.reasons, "summary": plan.summary,
                     "reason": plan.reason, "tag": plan.tag, "dry_run": True},
                    sys.stdout, ensure_ascii=False, indent=2,
                )  # fmt: skip
                print()
            else:
                print(f"{plan.framework_id}: {_old(plan, lang)} → {plan.version}{why}")
                print(f"  {plan.summary_in(lang)}")
                print(
                    "  "
                    + say(
                        "would commit {folder} and tag {tag} (dry run: nothing changed)",
                        folder=folder,
                        tag=plan.tag,
                    )
                )
            return 0
    if args.format == "json":
        json.dump(
            {"framework": plan.framework_id, "from": plan.last.version if plan.last else None, "version": result.version,
             "bump": plan.bump, "required": plan.required, "reasons": plan.reasons, "summary": plan.summary,
             "reason": plan.reason, "tag": result.tag, "commit": result.commit, "files": result.files},
            sys.stdout, ensure_ascii=False, indent=2,
        )  # fmt: skip
        print()
    else:
        print(f"{plan.framework_id}: {_old(plan, lang)} → {result.version}{why}")
        print(f"  {plan.summary_in(lang)}")
        print(
            "  "
            + say("committed {commit}, tagged {tag}", commit=result.commit[:10], tag=result.tag)
        )
    return 0


def _release(history: Any, folder: str, args: argparse.Namespace, what: str) -> Any:
    """The plan and the release made (None with --dry-run), or the refusal; a progress bar
    meanwhile (on a terminal, after half a second: a framework of thousands of competencies)."""
    from refkit.progress import shown
    from refkit.release import PLAN_STEPS, ReleaseRefused, perform_release, plan_release

    with shown(what) as step:
        try:
            plan = plan_release(history, folder, args.bump, args.reason, progress=step)
        except ReleaseRefused as e:
            return e
        if args.dry_run:
            return plan, None
        result = perform_release(history, plan, args.message)
        step(PLAN_STEPS + 1, PLAN_STEPS + 1)
    return plan, result


def _old(plan: Any, lang: str) -> str:
    return plan.last.version if plan.last else tr("(none)", lang)


def _why(plan: Any, lang: str) -> str:
    """Why this version: the bump the changes call for and its first three reasons, or the
    working group's lower bump and its reason."""
    if not plan.required:
        return ""
    say = speaker(lang)
    reasons = "; ".join(plan.reasons_in(lang)[:3])
    if plan.lowered:
        return " " + say(
            "({bump}, decided by the working group: {reason}; the changes call for {required}: "
            "{reasons})",
            bump=Msg(plan.bump),
            reason=plan.reason,
            required=Msg(plan.required),
            reasons=reasons,
        )
    return " " + say("({required}: {reasons})", required=Msg(plan.required), reasons=reasons)

"""``refkit release FRAMEWORK``: freeze a version as a commit and an annotated tag."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from refkit.i18n import N_

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
    from refkit.release import ReleaseRefused, perform_release, plan_release, restore_tags
    from refkit.store.lock import repository_lock
    from refkit.store.repository import Repository
    from refkit.versions import find_framework

    repo = Repository.discover()
    folder = find_framework(repo, args.framework)
    # planned and made under one hold of the lock: a second release at the same time waits,
    # then plans on what the first one made
    with History(repo) as history, repository_lock(repo.root, f"release {args.framework}"):
        if args.restore_tags:
            made = restore_tags(history, folder)
            for tag, commit in made:
                print(f"tagged {commit[:10]} {tag}")
            if not made:
                print("every release already has its tag")
            return 0
        try:
            plan = plan_release(history, folder, args.bump, args.reason)
        except ReleaseRefused as e:
            if e.problems:
                print_problems(repo, e.problems, sys.stderr)
            raise
        old = plan.last.version if plan.last else "(none)"
        why = f" ({plan.required}: {'; '.join(plan.reasons[:3])})" if plan.required else ""
        if plan.lowered:
            why = f" ({plan.bump}, decided by the working group: {plan.reason}; the changes call for {plan.required}: {'; '.join(plan.reasons[:3])})"
        if args.dry_run:
            if args.format == "json":
                json.dump(
                    {"framework": plan.framework_id, "from": old if plan.last else None, "version": plan.version,
                     "bump": plan.bump, "required": plan.required, "reasons": plan.reasons, "summary": plan.summary,
                     "reason": plan.reason, "tag": plan.tag, "dry_run": True},
                    sys.stdout, ensure_ascii=False, indent=2,
                )  # fmt: skip
                print()
            else:
                print(f"{plan.framework_id}: {old} → {plan.version}{why}")
                print(f"  {plan.summary}")
                print(f"  would commit {folder} and tag {plan.tag} (dry run: nothing changed)")
            return 0
        result = perform_release(history, plan, args.message)
    if args.format == "json":
        json.dump(
            {"framework": plan.framework_id, "from": plan.last.version if plan.last else None, "version": result.version,
             "bump": plan.bump, "required": plan.required, "reasons": plan.reasons, "summary": plan.summary,
             "reason": plan.reason, "tag": result.tag, "commit": result.commit, "files": result.files},
            sys.stdout, ensure_ascii=False, indent=2,
        )  # fmt: skip
        print()
    else:
        print(f"{plan.framework_id}: {old} → {result.version}{why}")
        print(f"  {plan.summary}")
        print(f"  committed {result.commit[:10]}, tagged {result.tag}")
    return 0

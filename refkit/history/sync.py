"""Provides ``sync``: a clone brought up to date with the working group's shared repository, and
its own commits and release tags sent there (issue 14, its first part).

One step after the other, each one safe to stop at: fetch the shared repository (branches and
tags); if this clone is behind, fast-forward; if both moved, merge; then push the branch and the
release tags that come with it. With refkit's merge driver (``refkit setup``), framework files
merge on their data: fields both sides changed differently stay for a person to choose (the
merge waits, ``refkit resolve`` or the editor; sync run again finishes it and sends it). A merge
that cannot be resolved that way (lines in conflict in another file, a file the driver could not
read) is undone at once: nothing changes here, and the files in conflict are named. Offline is normal: when the shared
repository cannot be reached, nothing changes here and the commits wait for the next sync.
Uncommitted changes are never taken into a merge: sync asks to commit them first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from refkit.errors import ExitCode, RefkitError
from refkit.history import GitError, History
from refkit.i18n import Msg, N_plural, first_of
from refkit.store.lock import repository_lock


class SyncRefused(RefkitError):
    """Sync cannot go ahead as things are here (exit 1): nothing was changed."""

    exit_code = ExitCode.PROBLEMS


class MergeWaiting(SyncRefused):
    """The merge stopped on fields to choose (exit 1): it is kept, waiting for the choices."""


class Offline(RefkitError):
    """The shared repository cannot be reached (exit 2): nothing was changed."""


@dataclass
class SyncResult:
    remote: str
    branch: str
    received: int = 0  # commits brought in
    sent: int = 0  # commits pushed
    merged: bool = False  # both sides had moved: a merge commit was made
    steps: list[Msg] = field(default_factory=list)


def _shareable(history: History, remote: str | None) -> tuple[str, str]:
    """The branch to share and the shared repository to share it with (``remote``, else the
    branch's upstream's, else "origin"); refused when there is nothing to share it with."""
    run = history.run_git
    if not history.has_commits():
        raise SyncRefused(
            "nothing to share yet: this repository has no commit", hint="commit first"
        )
    branch = run("rev-parse", "--abbrev-ref", "HEAD")
    if branch == "HEAD":
        raise SyncRefused(
            "no branch is checked out (detached HEAD): sync shares a branch",
            hint="git switch main",
        )
    remote = remote or _upstream_remote(history, branch) or "origin"
    if remote not in run("remote").split():
        raise RefkitError(
            Msg("no shared repository named {remote} in this clone", remote=repr(remote)),
            hint=Msg(
                "add it once: git remote add {remote} URL (the working group's repository)",
                remote=remote,
            ),
        )
    return branch, remote


def _refuse_uncommitted(history: History) -> None:
    """Refused while a tracked file has changes not committed: sync never merges into them."""
    status = history.run_git("status", "--porcelain", "--untracked-files=no", strip=False)
    dirty = [ln for ln in status.splitlines() if ln]
    if not dirty:
        return
    first = dirty[0][3:]
    raise SyncRefused(
        Msg(
            N_plural(
                "{file} and {n} other file have changes not committed: sync never merges into "
                "them; nothing was changed",
                "{file} and {n} other files have changes not committed: sync never merges into "
                "them; nothing was changed",
            ),
            file=first,
            n=len(dirty) - 1,
        )
        if len(dirty) > 1
        else Msg(
            "{file} has changes not committed: sync never merges into it; nothing was changed",
            file=first,
        ),
        hint="commit them first (F5 in refkit edit, or git commit), then sync",
    )


def sync(history: History, remote: str | None = None) -> SyncResult:
    """Bring the current branch up to date with ``remote`` (its upstream's, else "origin"),
    then send it there."""
    run = history.run_git
    branch, remote = _shareable(history, remote)
    result = SyncResult(remote, branch)
    with repository_lock(history.repository.root, "sync"):
        if _finish_waiting_merge(history):
            result.steps.append(Msg("finished the merge"))
        _refuse_uncommitted(history)
        try:
            run("fetch", "--tags", "--prune", remote)
        except GitError as e:
            raise Offline(
                Msg(
                    "could not reach the shared repository {remote} ({error}): nothing was "
                    "changed; your commits stay here and go with the next sync",
                    remote=repr(remote),
                    error=e.message,
                ),
                hint=Msg(
                    "check the network, or the address: git remote get-url {remote}", remote=remote
                ),
            ) from None
        result.steps.append(Msg("fetched {remote}", remote=remote))
        theirs = f"refs/remotes/{remote}/{branch}"
        known = run("for-each-ref", "--format=%(refname)", theirs)
        if known:
            behind, ahead = (
                int(n)
                for n in run("rev-list", "--left-right", "--count", f"{theirs}...HEAD").split()
            )
            result.received = behind
            if behind and not ahead:
                run("merge", "--ff-only", theirs)
                result.steps.append(
                    Msg(N_plural("brought in {n} commit", "brought in {n} commits"), n=behind)
                )
            elif behind and ahead:
                merge_or_wait(
                    history,
                    theirs,
                    f"Merge {remote}/{branch} (refkit sync)",
                    Msg("the shared repository"),
                )
                result.merged = True
                result.steps.append(
                    Msg(
                        N_plural(
                            "merged {n} commit from {remote}", "merged {n} commits from {remote}"
                        ),
                        n=behind,
                        remote=remote,
                    )
                )
            result.sent = int(run("rev-list", "--count", f"{theirs}..HEAD"))
        else:  # a branch new to the remote: the commits no branch of it has
            result.sent = int(run("rev-list", "--count", "HEAD", "--not", f"--remotes={remote}"))
        try:  # the branch, and the release tags that come with its commits
            run("push", "--follow-tags", remote, f"HEAD:refs/heads/{branch}")
        except GitError as e:
            raise SyncRefused(
                Msg(
                    "{remote} refused the commits ({error}): someone sent theirs meanwhile; what "
                    "was brought in is kept here",
                    remote=remote,
                    error=e.message,
                ),
                hint="run refkit sync again",
            ) from None
        if result.sent:
            result.steps.append(Msg(N_plural("sent {n} commit", "sent {n} commits"), n=result.sent))
    return result


def _upstream_remote(history: History, branch: str) -> str | None:
    try:
        return history.run_git("config", "--get", f"branch.{branch}.remote") or None
    except GitError:
        return None


def _finish_waiting_merge(history: History) -> bool:
    """A merge left waiting by an earlier sync (or git merge): committed when nothing is left to
    choose, else refused, naming what is left."""
    from refkit.history.merge.session import finish, merge_head, state

    if merge_head(history) is None:
        return False
    now = state(history)
    if now.conflicts or not now.resolvable:
        _waiting(now)
    finish(history)
    return True


def _waiting(now: Any) -> None:
    if now.conflicts:
        places = [f"{c.item or c.framework} {c.field}".strip() + f" ({c.file}:{c.line})" for c in now.conflicts]  # fmt: skip
        shown = ", ".join(places[:5]) + (f" and {len(places) - 5} more" if len(places) > 5 else "")
        raise MergeWaiting(
            Msg(
                "a merge waits for your choice: both sides changed {places}; nothing was sent",
                places=shown,
            ),
            hint=Msg(
                "choose with refkit resolve (or in refkit edit), then run refkit sync again; "
                "refkit resolve --abort undoes the merge"
            ),
        )
    files = sorted({*now.failed, *now.unmerged})
    raise SyncRefused(
        Msg("a merge is in progress with files to merge by hand: {files}", files=", ".join(files)),
        hint=Msg("fix them and git add them, or undo the merge: refkit resolve --abort"),
    )


def merge_or_wait(history: History, theirs: str, message: str, source: str | Msg) -> None:
    """Merge ``theirs`` (``source``: how to name it) into the current branch. Fields to choose keep the merge waiting
    (``MergeWaiting``); a merge that stops on anything else is undone, naming the files."""
    from refkit.history.merge.session import abort, finish, state

    run = history.run_git
    try:
        run("merge", "--no-edit", "-m", message, theirs)
    except GitError:
        try:
            now = state(history)  # refkit's merge step: carried competencies written
        except RefkitError:
            now = None
        if now is not None and now.in_progress and now.resolvable:
            if now.conflicts:
                _waiting(now)
            finish(history)
            return
        conflicted = run("diff", "--name-only", "--diff-filter=U").splitlines()
        abort(history)
        shown = first_of(conflicted, 5)
        raise SyncRefused(
            Msg(
                "{source} changed the same lines as this branch in {files}: nothing was merged, "
                "your commits are kept here",
                source=source,
                files=shown or Msg("some files"),
            ),
            hint=Msg(
                "agree on one version with the group; refkit setup lets git merge framework files "
                "on their data; else merge with git (git merge {theirs}) and fix the lines in "
                "conflict",
                theirs=theirs,
            ),
        ) from None

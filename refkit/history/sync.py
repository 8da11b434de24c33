"""Provides ``sync``: a clone brought up to date with the working group's shared repository, and
its own commits and release tags sent there (issue 14, its first part).

One step after the other, each one safe to stop at: fetch the shared repository (branches and
tags); if this clone is behind, fast-forward; if both moved, merge (a merge that would leave
conflicts is undone at once: nothing changes here, and the files in conflict are named); then
push the branch and the release tags that come with it. Offline is normal: when the shared
repository cannot be reached, nothing changes here and the commits wait for the next sync.
Uncommitted changes are never taken into a merge: sync asks to commit them first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from refkit.errors import ExitCode, RefkitError
from refkit.history import GitError, History
from refkit.store.lock import repository_lock


class SyncRefused(RefkitError):
    """Sync cannot go ahead as things are here (exit 1): nothing was changed."""

    exit_code = ExitCode.PROBLEMS


class Offline(RefkitError):
    """The shared repository cannot be reached (exit 2): nothing was changed."""


@dataclass
class SyncResult:
    remote: str
    branch: str
    received: int = 0  # commits brought in
    sent: int = 0  # commits pushed
    merged: bool = False  # both sides had moved: a merge commit was made
    steps: list[str] = field(default_factory=list)


def sync(history: History, remote: str | None = None) -> SyncResult:
    """Bring the current branch up to date with ``remote`` (its upstream's, else "origin"),
    then send it there."""
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
            f"no shared repository named {remote!r} in this clone",
            hint=f"add it once: git remote add {remote} URL (the working group's repository)",
        )
    result = SyncResult(remote, branch)
    with repository_lock(history.repository.root, "sync"):
        dirty = [ln for ln in run("status", "--porcelain", "--untracked-files=no", strip=False).splitlines() if ln]  # fmt: skip
        if dirty:
            first = dirty[0][3:]
            raise SyncRefused(
                f"{first} and {len(dirty) - 1} other file(s) have changes not committed: sync "
                "never merges into them; nothing was changed"
                if len(dirty) > 1
                else f"{first} has changes not committed: sync never merges into it; nothing was changed",
                hint="commit them first (F5 in refkit edit, or git commit), then sync",
            )
        try:
            run("fetch", "--tags", "--prune", remote)
        except GitError as e:
            raise Offline(
                f"could not reach the shared repository {remote!r} ({e.message}): nothing was "
                "changed; your commits stay here and go with the next sync",
                hint="check the network, or the address: git remote get-url " + remote,
            ) from None
        result.steps.append(f"fetched {remote}")
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
                result.steps.append(f"brought in {behind} commit(s)")
            elif behind and ahead:
                _merge(history, theirs, remote, branch)
                result.merged = True
                result.steps.append(f"merged {behind} commit(s) from {remote}")
            result.sent = int(run("rev-list", "--count", f"{theirs}..HEAD"))
        else:
            result.sent = int(run("rev-list", "--count", "HEAD"))
        try:  # the branch, and the release tags that come with its commits
            run("push", "--follow-tags", remote, f"HEAD:refs/heads/{branch}")
        except GitError as e:
            raise SyncRefused(
                f"{remote} refused the commits ({e.message}): someone sent theirs meanwhile; "
                "what was brought in is kept here",
                hint="run refkit sync again",
            ) from None
        if result.sent:
            result.steps.append(f"sent {result.sent} commit(s)")
    return result


def _upstream_remote(history: History, branch: str) -> str | None:
    try:
        return history.run_git("config", "--get", f"branch.{branch}.remote") or None
    except GitError:
        return None


def _merge(history: History, theirs: str, remote: str, branch: str) -> None:
    """Merge ``theirs``; a merge that stops on conflicts is undone, naming the files."""
    run = history.run_git
    try:
        run("merge", "--no-edit", "-m", f"Merge {remote}/{branch} (refkit sync)", theirs)
    except GitError:
        conflicted = run("diff", "--name-only", "--diff-filter=U").splitlines()
        run("merge", "--abort")
        shown = ", ".join(conflicted[:5]) + (f" and {len(conflicted) - 5} more" if len(conflicted) > 5 else "")  # fmt: skip
        raise SyncRefused(
            f"the shared repository changed the same lines as this clone in {shown or 'some files'}: "
            "nothing was merged, your commits are kept here",
            hint="agree on one version with the group; refkit's semantic merge of frameworks is "
            "to come (issue 14): until then, merge with git (git merge "
            f"{remote}/{branch}) and fix the lines in conflict",
        ) from None

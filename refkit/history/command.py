"""Provides ``git``: the one way refkit runs a git command, and the errors it raises.

Every git command refkit runs (reading history, committing atomically, syncing, reading a
setting) goes through ``git``: one process, its output as bytes, git's own refusals turned into a
``GitError`` that says which command failed and why. git speaks English here (``LC_ALL=C``, as
GitPython does), so that what refkit recognises in its messages ("dubious ownership") does not
depend on the user's locale. GitPython stays for what it does as a library: finding the repository
and streaming large objects.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from refkit.errors import RefkitError
from refkit.i18n import Msg


class GitError(RefkitError):
    """A git operation failed or the repository lacks what refkit needs."""


class UnsafeRepository(GitError):
    """git refuses the repository: it belongs to another user ("dubious ownership")."""


class NotARepository(GitError):
    """git finds no repository in the folder or above it."""


class NoWorkTree(GitError):
    """The repository is bare: the command needs a work tree."""


def git(
    cwd: Path,
    *args: str,
    input: bytes | None = None,
    env: dict[str, str] | None = None,
    check: bool = True,
) -> bytes:
    """The standard output of ``git ARGS`` run in ``cwd``; a ``GitError`` when git cannot be run,
    or (``check``) when it fails."""
    full_env = {**os.environ, "LANGUAGE": "C", "LC_ALL": "C", **(env or {})}
    try:
        proc = subprocess.run(
            ["git", *args], cwd=cwd, input=input, capture_output=True, env=full_env, check=False
        )
    except OSError as e:
        raise GitError(
            Msg("cannot run git: {error}", error=e.strerror), hint="install git"
        ) from None
    if check and proc.returncode != 0:
        stderr = proc.stderr.decode("utf-8", "replace").strip()
        if "dubious ownership" in stderr:
            raise UnsafeRepository(
                Msg(
                    'git refuses {path}: the repository belongs to another user ("dubious '
                    'ownership")',
                    path=str(cwd),
                ),
                hint=Msg(
                    "if you trust it: git config --global --add safe.directory {path}",
                    path=str(cwd),
                ),
            )
        name = next((a for a in args if not a.startswith("-")), "")
        kind = GitError
        if "not a git repository" in stderr:
            kind = NotARepository
        elif "must be run in a work tree" in stderr:
            kind = NoWorkTree
        raise kind(f"git {name} failed: {stderr or proc.returncode}")
    return proc.stdout

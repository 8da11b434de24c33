"""Provides ``setting``: one of git's configuration values for a repository (``refkit.lang``).

git answers from the clone's ``.git/config`` first, then the user's global configuration (then the
system's). One ``git config --get`` process (``command.git``) (a few milliseconds): every command may ask, so
GitPython (a tenth of a second to import and open) is not used for it.
"""

from __future__ import annotations

from pathlib import Path


def setting(root: Path, key: str) -> str | None:
    """The value of ``key`` in the git configuration seen from ``root``; None when it is not set,
    when ``root`` is not in a git repository, or when git cannot be run."""
    from refkit.history.command import GitError, git

    try:
        out = git(root, "config", "--get", key)
    except GitError:  # not set, not a repository, or no git
        return None
    value = out.decode("utf-8", "replace").strip()
    return value or None

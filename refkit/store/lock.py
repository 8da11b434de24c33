"""Provides the repository lock: one refkit command at a time changes a repository's files.

A release writes framework.yaml and releases.yaml, builds a commit and moves two refs; the editor
saves block files; two of them at once would each undo or overwrite the other's work. Every
writer takes this lock first: an advisory ``flock`` on a file in the git folder (``refkit.lock``
beside git's own locks, so it is shared by every clone's work trees and never shows in
``git status``), or in the user's cache folder when the repository is not in git.

``flock`` is released by the kernel when its process ends, even by ``kill -9``: a lock is never
left behind. The lock is re-entrant within a process (a release made from the editor, which
holds it while saving, does not wait for itself). A second process waits for it, then gives up
with a message naming who holds it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from refkit.errors import RefkitError
from refkit.i18n import Msg

LOCK_NAME = "refkit.lock"
DEFAULT_WAIT = 30.0


class LockBusy(RefkitError):
    """Another process holds the repository lock for longer than we wait."""


def git_dir(start: Path) -> Path | None:
    """The git folder holding the refs of the repository around ``start`` (the common folder of a
    linked work tree), found on disk without running git; None outside git."""
    here = start.resolve()
    for folder in (here, *here.parents):
        dot = folder / ".git"
        try:
            if dot.is_dir():
                return dot
            if dot.is_file():
                text = dot.read_text("utf-8", "replace").strip()
                if not text.startswith("gitdir:"):
                    return None
                found = Path(text.removeprefix("gitdir:").strip())
                if not found.is_absolute():
                    found = (folder / found).resolve()
                common = found / "commondir"
                if common.is_file():
                    shared = Path(common.read_text("utf-8", "replace").strip())
                    found = shared if shared.is_absolute() else (found / shared).resolve()
                return found
        except OSError:
            return None
    return None


def lock_path(root: Path) -> Path:
    found = git_dir(root)
    if found is not None:
        return found / LOCK_NAME
    from refkit.cache import cache_root

    key = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    return cache_root() / "locks" / f"{key}.lock"


class _Held:
    def __init__(self) -> None:
        self.guard = threading.RLock()
        self.depth = 0
        self.fd: int | None = None


_held: dict[str, _Held] = {}
_registry = threading.Lock()


def _holder(path: Path) -> str:
    try:
        text = path.read_text("utf-8", "replace").strip()
    except OSError:
        return "another refkit command"
    return text or "another refkit command"


@contextlib.contextmanager
def repository_lock(root: Path, what: str, *, wait: float | None = None) -> Iterator[None]:
    """Hold the repository lock while the block runs; ``what`` says who holds it ("release
    plombier-chauffagiste"), shown to a process that waits. Waits up to ``wait`` seconds
    (``$REFKIT_LOCK_WAIT``, else 30 s), then raises ``LockBusy``."""
    path = lock_path(root)
    key = str(path)
    with _registry:
        held = _held.setdefault(key, _Held())
    with held.guard:
        if held.depth == 0:
            held.fd = _acquire(path, what, _wait(wait))
        held.depth += 1
        try:
            yield
        finally:
            held.depth -= 1
            if held.depth == 0 and held.fd is not None:
                fd, held.fd = held.fd, None
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, 0)
                os.close(fd)  # closing the descriptor releases the flock


def is_locked(root: Path) -> bool:
    """Whether some process (this one included) holds the lock now."""
    path = lock_path(root)
    held = _held.get(str(path))
    if held is not None and held.depth > 0:
        return True
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


def _wait(wait: float | None) -> float:
    if wait is not None:
        return wait
    try:
        return float(os.environ.get("REFKIT_LOCK_WAIT", DEFAULT_WAIT))
    except ValueError:
        return DEFAULT_WAIT


def _acquire(path: Path, what: str, wait: float) -> int:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as e:
        raise RefkitError(
            Msg(
                "cannot take the repository lock {file}: {error}", file=str(path), error=e.strerror
            ),
            hint=Msg("check that the repository's .git folder is writable"),
        ) from None
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                os.close(fd)
                raise RefkitError(
                    Msg(
                        "cannot take the repository lock {file}: {error}",
                        file=str(path),
                        error=e.strerror,
                    )
                ) from None
            if time.monotonic() >= deadline:
                who = _holder(path)
                os.close(fd)
                raise LockBusy(
                    Msg(
                        "the repository is busy: {who} is changing it (waited {seconds} s)",
                        who=who,
                        seconds=f"{wait:g}",
                    ),
                    hint=Msg("try again when it has finished; nothing was changed"),
                ) from None
            time.sleep(0.05)
    with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{what} (pid {os.getpid()})\n".encode(), 0)
    return fd

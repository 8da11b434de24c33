"""Provides atomic file writes, and the one way refkit reads a file: regular files only.

A write goes to a temporary file in the same folder, then fsync and rename: a crash or a full disk
leaves either the old file or the new one, never half of it. The new file keeps the old one's
permissions.

The temporary file is named after the file and the writing process (``.NAME.p<pid>_XXXX.tmp``):
a process killed between the two steps leaves it, and the next reading of the folder removes it
once that process is gone (``remove_if_stale``), so that a kill never leaves a file behind.

A read (``read_regular``) opens the file without following a symbolic link and without blocking,
then checks what it opened: anything but a regular file (a named pipe, which would block the read
forever, a device such as /dev/zero, a socket, a folder, a link) is refused with
``NotRegularFile``, an ``OSError`` that says what the path is.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
from pathlib import Path

_OWN_TEMPORARY = re.compile(r"^\.(.+)\.p([0-9]+)_[A-Za-z0-9_]+\.tmp$")


def remove_if_stale(path: str) -> bool:
    """Remove ``path`` if it is the temporary file of a write by a refkit process that is gone
    (killed between writing it and renaming it): whether it was removed."""
    m = _OWN_TEMPORARY.match(os.path.basename(path))
    if m is None:
        return False
    try:
        os.kill(int(m.group(2)), 0)
        return False  # the writer is still there: its rename is to come
    except ProcessLookupError:
        pass
    except (PermissionError, OverflowError, ValueError):
        return False  # another user's process, or not a process id
    with contextlib.suppress(OSError):
        if stat.S_ISREG(os.lstat(path).st_mode):
            os.unlink(path)
            return True
    return False


_READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO opens at once instead of waiting for a writer
    | getattr(os, "O_NOFOLLOW", 0)  # the last component is never followed if it is a link
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


class NotRegularFile(OSError):
    """A path refkit was asked to read is not a regular file (``what`` says what it is)."""

    def __init__(self, path: str | Path, what: str) -> None:
        super().__init__(errno.EINVAL, f"{what}, not a regular file", str(path))
        self.what = what


def what_is(mode: int) -> str:
    """What a file of this ``st_mode`` is, in words ("a named pipe (FIFO)")."""
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def read_regular(path: str | Path) -> bytes:
    """The bytes of the regular file at ``path``. Raises ``NotRegularFile`` for anything else,
    never blocks, never follows a link at ``path`` itself; other ``OSError``s as ``open`` does."""
    data, _ = read_regular_limited(path, None)
    assert data is not None
    return data


def read_regular_limited(path: str | Path, max_bytes: int | None) -> tuple[bytes | None, int]:
    """(bytes, size) of the regular file at ``path``; bytes None when the file is larger than
    ``max_bytes`` (it is not read). Refuses what ``read_regular`` refuses."""
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError as e:
        if e.errno == errno.ELOOP and os.path.islink(path):
            raise NotRegularFile(path, "a symbolic link") from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(path, what_is(st.st_mode))
        size = st.st_size
        if max_bytes is not None and size > max_bytes:
            return None, size
        chunks = []
        want = size + 1  # one more byte: a file that grew since fstat is read whole
        while True:
            chunk = os.read(fd, max(want, 65536))
            if not chunk:
                break
            chunks.append(chunk)
            want = 65536
        data = b"".join(chunks)
        if max_bytes is not None and len(data) > max_bytes:
            return None, len(data)
        return data, len(data)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename. ``durable=False`` skips
    the fsyncs, for output that can be made again (the published site): the rename is still
    atomic, so a reader never sees half a file."""
    path = Path(path)
    folder = path.parent
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.p{os.getpid()}_", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            if durable:
                os.fsync(f.fileno())
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if not durable:
        return
    with contextlib.suppress(OSError):  # make the rename itself durable where the OS allows it
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

"""Provides the reading of import inputs: regular files only (a FIFO or a device would hang the
read), within caps (``MAX_INPUT_BYTES`` for one file or one zip member, checked from the zip's
directory before anything is decompressed); over a cap, the input is refused with its size and
the cap."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from refkit.errors import RefkitError
from refkit.i18n import N_, Msg

# The caps on what an import reads: one input file, or one member of a zip once uncompressed
# (ESCO's largest CSV is 20 MB), and every member of an xlsx together. Past them a file is
# refused before it is read: a zip of 2 MB can hold 2 GB.
MAX_INPUT_BYTES = 128 * 1024 * 1024
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024
MAX_ZIP_DIRECTORY = 4 * 1024 * 1024  # a zip's list of files (about 40,000 entries)
MB = 1024 * 1024


def mb(size: int) -> Msg:
    """A size as a message: "512 bytes", "3 MB", "1.5 MB" ("3 Mo" in French)."""
    if size < MB:
        return Msg("{n} bytes", n=size)
    if size % MB == 0 or size >= 10 * MB:
        return Msg("{n} MB", n=size // MB)
    return Msg("{n} MB", n=f"{size / MB:.1f}")


def check_input(path: Path, *, what: str = N_("the file to import"), cap: int | None = None) -> int:
    """The size of ``path``, a regular file within ``cap`` (default ``MAX_INPUT_BYTES``), or a
    clear error. Only ``stat``: a FIFO is never opened, so never waited on."""
    cap = MAX_INPUT_BYTES if cap is None else cap
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise RefkitError(Msg("{path}: no such file", path=path), hint=Msg("check the path of {what}", what=Msg(what))) from None  # fmt: skip
    except OSError as e:
        raise RefkitError(Msg("{path}: cannot be read ({error})", path=path, error=e.strerror), hint=Msg("check the path of {what}", what=Msg(what))) from None  # fmt: skip
    if stat.S_ISDIR(st.st_mode):
        raise RefkitError(Msg("{path} is a folder", path=path), hint=Msg("give {what}", what=Msg(what)))  # fmt: skip
    if not stat.S_ISREG(st.st_mode):
        raise RefkitError(
            Msg(
                "{path} is not a regular file (a FIFO, a device or a socket): refkit reads only files",
                path=path,
            ),
            hint=Msg("save {what} as a file first, then give its path", what=Msg(what)),
        )
    if st.st_size > cap:
        raise RefkitError(
            Msg(
                "{path} is {size}, over the {cap} limit for {what}",
                path=path,
                size=mb(st.st_size),
                cap=mb(cap),
                what=Msg(what),
            ),
            hint=Msg("split it into smaller files, or check that it is the file you meant"),
        )
    return st.st_size


def read_input(
    path: Path, *, what: str = N_("the file to import"), cap: int | None = None
) -> bytes:
    """The bytes of ``path``: a regular file (checked on the open file too, opened without
    blocking) within ``cap`` bytes (default ``MAX_INPUT_BYTES``)."""
    cap = MAX_INPUT_BYTES if cap is None else cap
    check_input(path, what=what, cap=cap)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise RefkitError(Msg("{path}: cannot be read ({error})", path=path, error=e.strerror), hint=Msg("check the path of {what}", what=Msg(what))) from None  # fmt: skip
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):  # replaced since the check
            raise RefkitError(
                Msg("{path} is not a regular file: refkit reads only files", path=path)
            )
        data = f.read(cap + 1)
    if len(data) > cap:  # grew since the check
        raise RefkitError(Msg("{path} is over the {cap} limit for {what}", path=path, cap=mb(cap), what=Msg(what)))  # fmt: skip
    return data


def check_zip_directory(path: Path) -> None:
    """Refuse a zip whose central directory is over ``MAX_ZIP_DIRECTORY`` bytes, before
    ``zipfile`` reads it (it builds an object for every entry: millions of empty entries fit in
    a file of a few tens of MB). Read from the end records; anything unusual is left to zipfile."""
    with open(path, "rb") as f:
        f.seek(0, os.SEEK_END)
        end = f.tell()
        f.seek(max(0, end - 65557))  # the end record, after a comment of up to 64 KiB
        tail = f.read()
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) < at + 22:
            return
        size = int.from_bytes(tail[at + 12 : at + 16], "little")
        if at >= 20 and tail[at - 20 : at - 16] == b"PK\x06\x07":  # zip64: its own end record
            f.seek(int.from_bytes(tail[at - 12 : at - 4], "little"))
            record = f.read(56)
            if record[:4] == b"PK\x06\x06" and len(record) == 56:
                size = max(size, int.from_bytes(record[40:48], "little"))
    if size > MAX_ZIP_DIRECTORY:
        raise RefkitError(
            Msg(
                "{path}: its list of files is {size}, over the {cap} limit (tens of thousands of files in one zip)",
                path=path,
                size=mb(size),
                cap=mb(MAX_ZIP_DIRECTORY),
            ),
            hint=Msg(
                "check that it is the file you meant: a workbook or an ESCO download holds a few dozen files"
            ),
        )


def check_zip(z: Any, path: Path, *, total: int | None = None) -> None:
    """Refuse a zip (a ``zipfile.ZipFile``) whose members, as its directory declares them,
    uncompress past ``MAX_INPUT_BYTES`` each or ``total`` together, before any is read. The
    declared sizes bound what ``zipfile`` ever returns, so they cannot lie."""
    infos = z.infolist()
    for info in infos:
        if info.file_size > MAX_INPUT_BYTES:
            raise RefkitError(
                Msg(
                    "{path}: {member} is {size} uncompressed, over the {cap} limit for one file in a zip",
                    path=path,
                    member=info.filename,
                    size=mb(info.file_size),
                    cap=mb(MAX_INPUT_BYTES),
                ),
                hint=Msg(
                    "check that it is the file you meant: a zip that uncompresses to this much is not a framework"
                ),
            )
    if total is not None:
        size = sum(i.file_size for i in infos)
        if size > total:
            biggest = max(infos, key=lambda i: i.file_size)
            raise RefkitError(
                Msg(
                    "{path} is {size} uncompressed ({member}: {member_size}), over the {cap} limit",
                    path=path,
                    size=mb(size),
                    member=biggest.filename,
                    member_size=mb(biggest.file_size),
                    cap=mb(total),
                ),
                hint=Msg(
                    "check that it is the file you meant: a zip that uncompresses to this much is not a framework"
                ),
            )

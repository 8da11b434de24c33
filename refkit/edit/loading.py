"""Provides how the session reads frameworks from the work tree: files whose bytes were parsed
before come from the cache of parsed blobs, the others are parsed in worker processes when there
are many (``refkit.store.workers.Loading``); and the files' bytes, for undo."""

from __future__ import annotations

import os
from pathlib import Path

from refkit.store.loader import LoadedFramework
from refkit.store.repository import Repository
from refkit.store.workers import Loading


def load(repo: Repository, folder: str) -> LoadedFramework:
    """A framework's work tree, read again (after an undo or a reload)."""
    return start_loading(repo, [folder]).result()[folder]


def start_loading(repo: Repository, folders: list[str], *, checked: bool = True) -> Loading:
    """Start loading frameworks from the work tree. Each file's git blob id is computed from its
    bytes (sha1 of ``blob <size>\\0<bytes>``), so that a file whose bytes are those of a blob read
    before, by the editor or from git, comes from the cache of parsed blobs instead of being
    parsed (opening a large framework again costs a fraction); the files that are not there are
    parsed in worker processes, one per core, when there are many (``Loading``)."""
    import hashlib

    from refkit.cache import BlobCache
    from refkit.store.loader import RawFile, read_folder

    found = []
    for folder in folders:
        files = []
        for raw in read_folder(repo.root, repo.root / folder):
            if raw.data is not None:
                sha = hashlib.sha1(b"blob %d\0" % len(raw.data) + raw.data).hexdigest()
                raw = RawFile(raw.path, raw.data, raw.size, sha)
            files.append(raw)
        found.append((folder, files))
    return Loading(found, BlobCache(), jobs=jobs(), checked=checked)


def jobs() -> int:
    """Worker processes for a first load: one per core this process may use, at most 4."""
    try:
        return min(len(os.sched_getaffinity(0)), 4)
    except AttributeError:  # not on Linux
        return min(os.cpu_count() or 1, 4)


def read(path: Path) -> bytes | None:
    """A file's bytes; None when it is not there (or not a regular file)."""
    from refkit.store.files import NotRegularFile, read_regular

    try:
        return read_regular(path)
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError, NotRegularFile):
        return None


def snapshot(root: Path, folder: Path) -> dict[str, bytes | None]:
    """The bytes of every YAML file of a framework's folder, by path from the root."""
    out: dict[str, bytes | None] = {}
    for p in folder.rglob("*.yaml"):
        out[p.relative_to(root).as_posix()] = p.read_bytes()
    return out

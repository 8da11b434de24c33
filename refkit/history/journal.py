"""Provides the journal of an all-or-nothing commit (``refkit.history.atomic``) and what reads
it: rolling an interrupted commit back (before its commit point: delete what it wrote privately)
or forward (after it: the refs, the work tree's files and the index made to match the commit),
and the plumbing both sides share (git's folder, blob ids, private files)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import stat
from pathlib import Path
from typing import Any

from refkit.history import History
from refkit.history.command import git
from refkit.i18n import Msg
from refkit.store.files import atomic_write

JOURNAL = "refkit-commit.json"
PRIVATE_INDEX = "refkit-commit.index"
NEW_INDEX = "refkit-commit.index.new"
STAGING = "refkit-commit"  # folder in the git folder for the new files, renamed into place
ZERO = "0" * 40


def blob_id(data: bytes) -> str:
    """The id git gives a blob of these bytes (``git hash-object``), computed without git."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _passed(history: History, record: dict[str, Any]) -> bool:
    """Whether the commit point was reached: the branch or the tag moved."""
    branch = _git(history, "rev-parse", "--verify", "--quiet", record["branch"], check=False)
    if branch.strip() == record["commit"]:
        return True
    if record.get("tag") and record.get("tag_object"):
        tagged = _git(
            history, "rev-parse", "--verify", "--quiet", f"refs/tags/{record['tag']}", check=False
        )
        return bool(tagged.strip() == record["tag_object"])
    return False


def _roll_back(history: History, gd: Path, record: dict[str, Any]) -> None:
    """Before the commit point: delete what this commit wrote privately; the work tree, the
    index and the refs were never touched."""
    for entry in record.get("files", []):
        temp = entry.get("temp")
        if temp:
            Path(temp).unlink(missing_ok=True)
    lock = record.get("index_lock")
    if lock:
        _remove_own_lock(Path(lock["path"]), lock.get("digest"))
    for name in (PRIVATE_INDEX, NEW_INDEX):
        (gd / name).unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        Path(record["index"]).with_name(NEW_INDEX).unlink(missing_ok=True)
    staging = record.get("staging")
    if staging:
        shutil.rmtree(staging, ignore_errors=True)
    (gd / JOURNAL).unlink(missing_ok=True)


def _roll_forward(history: History, gd: Path, record: dict[str, Any]) -> list[Msg]:
    """After the commit point: the refs, the work tree's files and the index made to match the
    commit. Idempotent: run again after a second interruption, it does only what is left."""
    notes: list[Msg] = []
    branch = record["branch"]
    now = _git(history, "rev-parse", "--verify", "--quiet", branch, check=False).strip()
    if now == (record.get("old") or ""):
        _git(history, "update-ref", branch, record["commit"], record.get("old") or ZERO)
    tag, tag_object = record.get("tag"), record.get("tag_object")
    if tag and tag_object:
        existing = _git(
            history, "rev-parse", "--verify", "--quiet", f"refs/tags/{tag}", check=False
        ).strip()
        if not existing:
            _git(history, "update-ref", f"refs/tags/{tag}", tag_object, ZERO)
            notes.append(Msg("tag {tag} created", tag=tag))
    root = history.repository.root
    for entry in record.get("files", []):
        target = root / entry["path"]
        temp = Path(entry["temp"]) if entry.get("temp") else None
        current = _worktree_blob(target)
        if current == entry["after"]:
            if temp is not None:
                temp.unlink(missing_ok=True)
            continue
        if current != entry["before"]:
            notes.append(
                Msg(
                    "{path} was changed by someone else meanwhile: left as it is",
                    path=entry["path"],
                )
            )
            if temp is not None:
                temp.unlink(missing_ok=True)
            continue
        if entry["after"] is None:
            target.unlink(missing_ok=True)
        elif temp is not None and _worktree_blob(temp) == entry["after"]:
            os.replace(temp, target)
        else:
            data = _git_bytes(history, "cat-file", "blob", entry["after"])
            atomic_write(target, data)
        if temp is not None:
            temp.unlink(missing_ok=True)
    index = Path(record["index"])
    lock = record.get("index_lock")
    lock_path = Path(lock["path"]) if lock else None
    if lock_path is not None and lock is not None and _own_lock(lock_path, lock.get("digest")):
        if lock.get("digest") and _digest(lock_path) == lock["digest"]:
            os.replace(lock_path, index)
        else:
            lock_path.unlink(missing_ok=True)
            lock_path = None
            _update_index(history, record)
    elif not _index_matches(history, record):
        _update_index(history, record)
    staging = record.get("staging")
    if staging:
        shutil.rmtree(staging, ignore_errors=True)
    (gd / PRIVATE_INDEX).unlink(missing_ok=True)
    (gd / JOURNAL).unlink(missing_ok=True)
    return notes


def _update_index(history: History, record: dict[str, Any]) -> None:
    lines = record.get("index_lines", "").encode("utf-8", "surrogateescape")
    if lines:
        _git(history, "update-index", "--index-info", input=lines)


def _index_matches(history: History, record: dict[str, Any]) -> bool:
    for line in record.get("index_lines", "").splitlines():
        meta, path = line.split("\t", 1)
        sha = meta.split()[1]
        staged = _git(history, "ls-files", "-s", "--", path, check=False).split()
        if sha == ZERO:
            if staged:
                return False
        elif len(staged) < 2 or staged[1] != sha:
            return False
    return True


def _own_lock(path: Path, digest: str | None) -> bool:
    """Whether ``index.lock`` is the one this commit made: empty (taken, not yet filled) or
    holding exactly the new index it wrote."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return False
    return size == 0 or (digest is not None and _digest(path) == digest)


def _remove_own_lock(path: Path, digest: str | None) -> None:
    if _own_lock(path, digest):
        path.unlink(missing_ok=True)


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


# -- plumbing -------------------------------------------------------------------------------------


def git_folder(history: History) -> Path:
    """The git folder of the work tree (where the index and the journal live)."""
    out = _git(history, "rev-parse", "--absolute-git-dir").strip()
    return Path(out)


def _mode(path: Path) -> str:
    try:
        executable = path.stat().st_mode & 0o111
    except OSError:
        executable = 0
    return "100755" if executable else "100644"


def _worktree_blob(path: Path) -> str | None:
    try:
        st = path.lstat()
        if not stat.S_ISREG(st.st_mode):
            return "not-a-file"
        return blob_id(path.read_bytes())
    except FileNotFoundError:
        return None
    except OSError:
        return "unreadable"


def _write_private(temp: Path, data: bytes, like: Path) -> None:
    try:
        mode = stat.S_IMODE(like.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _git(
    history: History,
    *args: str,
    input: bytes | None = None,
    env: dict[str, str] | None = None,
    check: bool = True,
) -> str:
    return _git_bytes(history, *args, input=input, env=env, check=check).decode(
        "utf-8", "surrogateescape"
    )


def _git_bytes(
    history: History,
    *args: str,
    input: bytes | None = None,
    env: dict[str, str] | None = None,
    check: bool = True,
) -> bytes:
    return git(history.git_root, *args, input=input, env=env, check=check)

"""Provides ``refkit doctor``: find what an interrupted command left, repair what is safe.

Repaired without asking, because the result is the state before or after a command that stopped
halfway, never a guess: a commit or release whose process died (its journal in the git folder:
``refkit.history.atomic``), temporary files of an interrupted write (``.NAME.XXXX.tmp``, only
while no refkit command holds the repository lock). Reported, for a person to decide: a
releases.yaml that lists a version no commit records, releases whose tag is missing, and a git
``index.lock`` left behind.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from refkit.history import GitError, History
from refkit.history.atomic import recover
from refkit.history.journal import git_folder
from refkit.history.releases import parse_records
from refkit.i18n import Msg
from refkit.store.loader import RELEASES_FILE
from refkit.store.lock import LockBusy, repository_lock

# atomic_write's temporary files (tempfile.mkstemp: prefix ".NAME.", 8 random characters)
TEMPORARY = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$|^\..+\.refkit-commit\.tmp$")
STALE_LOCK_SECONDS = 600
# an import's temporary folder, and the old folder set aside while --replace swaps them
# (refkit.interop.write_imported)
IMPORTING = re.compile(r"^\.(?P<name>.+)\.(?P<kind>import|replaced)-[0-9a-f]{8}$")


def sweep_interrupted_imports(parent: Path, name: str | None = None) -> list[Msg]:
    """Put right what a killed import left in ``parent`` (of the folder ``name``, or of any):
    its temporary folder is removed (the import did not happen); an old folder set aside during
    a swap is put back if the new one never took its place, removed if it did. The caller holds
    the repository lock, or knows that no import runs."""
    done: list[Msg] = []
    try:
        entries = sorted(os.listdir(parent))
    except OSError:
        return done
    for entry in entries:
        m = IMPORTING.match(entry)
        if m is None or (name is not None and m["name"] != name):
            continue
        path = parent / entry
        target = parent / m["name"]
        if m["kind"] == "replaced" and not target.exists():
            os.rename(path, target)
            done.append(
                Msg("put back {path}, set aside by an import that was interrupted", path=target)
            )
        else:
            shutil.rmtree(path, ignore_errors=True)
            done.append(Msg("removed {path}, left by an import that was interrupted", path=path))
    return done


@dataclass(slots=True)
class Finding:
    message: Msg
    hint: Msg | None = None


@dataclass(slots=True)
class Checkup:
    repaired: list[Msg] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)
    notes: list[Msg] = field(default_factory=list)


def checkup(history: History) -> Checkup:
    out = Checkup()
    out.repaired.extend(recover(history))
    root = history.repository.root
    with contextlib.suppress(LockBusy), repository_lock(root, "refkit doctor", wait=0):
        out.repaired.extend(sweep_interrupted_imports(history.repository.frameworks_dir))
        for folder in history.repository.framework_folders():
            for dirpath, _dirs, files in os.walk(folder):
                for name in files:
                    if TEMPORARY.match(name):
                        path = os.path.join(dirpath, name)
                        os.unlink(path)
                        rel = os.path.relpath(path, root)
                        out.repaired.append(
                            Msg("removed {path}, left by an interrupted write", path=rel)
                        )
    lock = git_folder(history) / "index.lock"
    try:
        age = time.time() - lock.stat().st_mtime
    except FileNotFoundError:
        age = -1
    if age > STALE_LOCK_SECONDS:
        out.problems.append(
            Finding(
                Msg(
                    "{path} was left {n} minutes ago: git refuses to change the index",
                    path=lock,
                    n=f"{age / 60:.0f}",
                ),
                hint=Msg("if no git command is running, delete that file"),
            )
        )
    has_head = history.has_commits()
    for folder in history.repository.framework_folders():
        rel = history.repository.rel(folder)
        path = f"{rel}/{RELEASES_FILE}"
        full = root / path
        if not full.is_file():
            continue
        try:
            here = {v for v, _, _ in parse_records(full.read_bytes())}
            committed = (
                {v for v, _, _ in parse_records(history.read_at("HEAD", path))}
                if has_head
                else set()
            )
        except (OSError, GitError) as e:
            out.problems.append(
                Finding(Msg("{path}: cannot be read: {error}", path=path, error=str(e)))
            )
            continue
        extra = sorted(here - committed)
        if extra:
            out.problems.append(
                Finding(
                    Msg(
                        "{path} lists {versions}, which no commit records: a release that was "
                        "written but never committed (an older refkit, or an edit by hand)",
                        path=path,
                        versions=", ".join(extra),
                    ),
                    hint=Msg(
                        "git checkout -- {files} puts them back as committed; then release again",
                        files=f"{rel}/framework.yaml {path}",
                    ),
                )
            )
    return out

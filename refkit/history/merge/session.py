"""Provides what follows a merge the driver could not finish alone: the conflicts to choose, the
carried competencies to write, the commit, or the way back.

The editor and ``refkit resolve`` call these; paths in and out are relative to the framework
repository ``root``, like everywhere else (the records keep git's, relative to the work tree).

* ``pending_conflicts(root)``: the fields left to choose, after refkit's own merge step
  (``prepare``: the carried competencies written into the files git wrote without the driver,
  every file with nothing left to choose staged);
* ``resolve_conflict(root, conflict, value)``: write the chosen value (round-trip, atomically);
  a file with no conflict left is ``git add``-ed;
* ``finish_merge(root)``: the merge commit, once nothing is left;
* ``abort_merge(root)``: the repository exactly as before the merge (``git merge --abort``, the
  carried writes undone, the records cleared).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from refkit.errors import ExitCode, RefkitError
from refkit.history import GitError, History
from refkit.history.merge.conflicts import (
    Conflict,
    Records,
    clear_records,
    load_records,
    save_records,
)
from refkit.history.merge.text import locate, place_of, read, write
from refkit.i18n import Msg, N_plural
from refkit.store.files import atomic_write
from refkit.store.repository import Repository


class MergeUnresolved(RefkitError):
    """The merge cannot be finished yet: something is left to choose (exit 1)."""

    exit_code = ExitCode.PROBLEMS


@dataclass(slots=True)
class MergeState:
    """A merge in progress: its conflicts (paths relative to the work tree), the files merged as
    text with markers (``failed``), and the other files git left unmerged."""

    in_progress: bool
    conflicts: list[Conflict] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    unmerged: list[str] = field(default_factory=list)  # not refkit's: a person must merge them

    @property
    def resolvable(self) -> bool:
        """Whether choosing the conflicts' values finishes it (nothing merged as text)."""
        return not self.failed and not self.unmerged


def git_dir(history: History) -> Path:
    return Path(history.run_git("rev-parse", "--absolute-git-dir"))


def merge_head(history: History) -> str | None:
    try:
        return history.run_git("rev-parse", "--verify", "--quiet", "MERGE_HEAD") or None
    except GitError:
        return None


def unmerged(history: History) -> list[str]:
    out = history.run_git("diff", "--name-only", "-z", "--diff-filter=U", strip=False)
    return sorted({p for p in out.split("\0") if p})


def current(history: History) -> Records:
    """The records of the merge in progress (stale ones, of a merge that is over, cleared)."""
    where = git_dir(history)
    records = load_records(where)
    theirs = merge_head(history) or ""
    head = history.head() if history.has_commits() else ""
    ours = records.head == head and (records.theirs == theirs if records.theirs else True)
    if not ours or (not theirs and not unmerged(history)):
        if records.head:
            clear_records(where)
        return Records()
    return records


def state(history: History) -> MergeState:
    """Where the merge in progress stands, once refkit's merge step has run."""
    records = prepare(history)
    theirs = merge_head(history)
    refkit_files = set(records.files) | set(records.written)
    others = [p for p in unmerged(history) if p not in refkit_files]
    return MergeState(theirs is not None, records.conflicts, records.failed, others)


def prepare(history: History) -> Records:
    """refkit's merge step: write the carried competencies, stage what is done."""
    records = current(history)
    if records.carries:
        _write_carries(history, records)
    _stage(history, records)
    save_records(git_dir(history), records)
    return records


def _write_carries(history: History, records: Records) -> None:
    by_file: dict[str, list[Any]] = {}
    for carry in records.carries:
        by_file.setdefault(carry.file, []).append(carry)
    for file, carries in sorted(by_file.items()):
        if file not in records.files and history.run_git("diff", "--name-only", "--", file):
            raise RefkitError(
                Msg(
                    "{file} has changes not committed: refkit would write a merged competency into it",
                    file=file,
                ),
                hint=Msg("commit or stash them, then run refkit resolve --continue"),
            )
        full = history.git_root / file
        text = full.read_text(encoding="utf-8")
        doc = read(file, text)
        data = doc.data if isinstance(doc.data, dict) else None
        items = data.get("competencies") if data is not None else None
        if data is None or not isinstance(items, list):
            raise RefkitError(
                Msg(
                    "{file} cannot be read as a block: the merged competencies cannot be written",
                    file=file,
                ),
                hint=Msg("fix the file, then run refkit resolve --continue"),
            )
        for carry in carries:
            pos = next((i for i, x in enumerate(items) if isinstance(x, dict) and str(x.get("id")) == carry.ident), None)  # fmt: skip
            if carry.item is None and pos is not None:
                del items[pos]
            elif carry.item is not None and pos is None:
                items.append(carry.item)
            elif carry.item is not None and pos is not None:
                items[pos] = carry.item
        new = write("block", data, text, doc)
        atomic_write(full, new.encode("utf-8"))
        if file not in records.written:
            records.written.append(file)
        found = [c for carry in carries for c in carry.conflicts]
        records.conflicts += locate(found, new, file)
    records.carries = []


def _stage(history: History, records: Records) -> None:
    """``git add`` each file refkit merged with nothing left to choose in it. A file the driver
    merged stays unmerged while a carried file still has a conflict: git then refuses to commit."""
    with_conflicts = {c.file for c in records.conflicts} | set(records.failed)
    blocked = any(f not in records.files for f in with_conflicts)
    for file in records.written:
        if file not in with_conflicts and file not in records.files:
            history.run_git("add", "--", file)
    if blocked:
        return
    left = set(unmerged(history))
    for file in records.files:
        if file not in with_conflicts and file in left:
            history.run_git("add", "--", file)


def _open(root: Path) -> History:
    return History(Repository(root))


def pending_conflicts(root: Path) -> list[Conflict]:
    """The fields left to choose in the merge in progress (none when no merge is)."""
    with _open(root) as history:
        return [c.moved(history.prefix) for c in prepare(history).conflicts]


def resolve_conflict(root: Path, conflict: Conflict, value: Any) -> None:
    """Write ``value`` (plain YAML data; None takes the field or item out) where ``conflict``
    is, with the round-trip writer, atomically; the file is staged when nothing is left in it."""
    with _open(root) as history:
        records = prepare(history)
        file = history.prefix + conflict.file
        match = [c for c in records.conflicts if c.file == file and c.path == conflict.path]
        if not match:
            raise RefkitError(
                Msg(
                    "no conflict left at {place} in {file}",
                    place="/".join(conflict.path),
                    file=conflict.file,
                ),
                hint=Msg("refkit resolve lists the conflicts left"),
            )
        full = history.git_root / file
        text = full.read_text(encoding="utf-8")
        doc = read(file, text)
        kind = place_of(file).kind
        if not isinstance(doc.data, dict) or kind is None:
            raise RefkitError(
                Msg(
                    "{file} cannot be read as YAML any more: the value cannot be written",
                    file=conflict.file,
                ),
                hint=Msg("fix the file (refkit validate says where), then choose again"),
            )
        set_at(doc.data, conflict.path, value)
        new = write(kind, doc.data, text, doc)
        atomic_write(full, new.encode("utf-8"))
        rest = [c for c in records.conflicts if c not in match]
        same_file = [c for c in rest if c.file == file]
        others = [c for c in rest if c.file != file]
        records.conflicts = others + locate(same_file, new, file)
        _stage(history, records)
        save_records(git_dir(history), records)


def set_at(data: Any, path: tuple[str, ...], value: Any) -> None:
    """Put ``value`` at ``path`` (items as ``id=C1.2``) in plain data; None removes it."""
    node = data
    for n, step in enumerate(path):
        last = n == len(path) - 1
        name, eq, ident = step.partition("=")
        if isinstance(node, list) and eq:
            pos = next((i for i, x in enumerate(node) if isinstance(x, dict) and str(x.get(name)) == ident), None)  # fmt: skip
            if last:
                if value is None and pos is not None:
                    del node[pos]
                elif value is not None and pos is None:
                    node.append(value)
                elif value is not None and pos is not None:
                    node[pos] = value
                return
            if pos is None:
                return  # the item is gone: nothing holds the field any more
            node = node[pos]
        elif isinstance(node, dict):
            if last:
                if value is None:
                    node.pop(step, None)
                else:
                    node[step] = value
                return
            node = node.setdefault(step, {})
        else:
            return


def finish_merge(root: Path) -> str:
    """Commit the merge once nothing is left to choose; the merge commit."""
    with _open(root) as history:
        return finish(history)


def finish(history: History) -> str:
    now = state(history)
    if not now.in_progress:
        raise RefkitError(Msg("no merge in progress"), hint=Msg("nothing to finish"))
    if now.conflicts:
        raise MergeUnresolved(
            Msg(
                N_plural("{n} conflict left to choose", "{n} conflicts left to choose"),
                n=len(now.conflicts),
            ),
            hint=Msg("refkit resolve lists them; choose with --ours, --theirs, --base or --value"),
        )
    left = sorted({*now.failed, *now.unmerged})
    if left:
        raise MergeUnresolved(
            Msg(
                N_plural(
                    "{files} still to be merged by hand", "{files} still to be merged by hand"
                ),
                files=", ".join(left),
                n=len(left),
            ),
            hint=Msg("fix the lines git marked, git add the files, then refkit resolve --continue"),
        )
    history.run_git("commit", "--quiet", "--no-edit", "--no-verify")
    clear_records(git_dir(history))
    return history.head()


def abort_merge(root: Path) -> None:
    """The repository exactly as before the merge started."""
    with _open(root) as history:
        abort(history)


def abort(history: History) -> None:
    records = load_records(git_dir(history))
    if merge_head(history) is None and not unmerged(history):
        clear_records(git_dir(history))
        raise RefkitError(Msg("no merge in progress"), hint=Msg("nothing to undo"))
    history.run_git("merge", "--abort")
    if records.written:  # the carried writes in files git had left as they were
        history.run_git("checkout", "HEAD", "--", *records.written)
    clear_records(git_dir(history))

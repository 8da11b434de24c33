"""Provides ``Conflict`` and the merge's records, kept in ``<git-dir>/refkit/conflicts.json``.

A conflict is one field two people changed differently: the merged file holds ours' value, the
record holds the three (base, ours, theirs) as plain YAML values, for a person to choose in the
editor or with ``refkit resolve``. The records live in the git directory, never in the work tree,
so they are never committed; they name the merge they belong to (HEAD and theirs' commit) and
are ignored once that merge is over.

Besides conflicts the driver records ``carries``: a competency's merged value to write into a
file git wrote without the driver (moved to a block the other side did not touch), and
``failed`` files (merged as plain text, with markers): a merge with those cannot be resolved
here.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from refkit.store.files import atomic_write

RECORDS = "conflicts.json"
VERSION = 1


@dataclass(frozen=True, slots=True)
class Conflict:
    """One field changed differently on both sides.

    ``file``: the file's path (posix, relative to the framework repository); ``framework``: its
    framework id; ``item``: the competency, activity, elective... id, or "" at the framework
    level (a block file's own fields: the block id); ``field``: the path inside the item,
    dotted (``statement``, ``criteria``, ``volume.hours``; "" for the whole item, e.g. deleted
    on one side and changed on the other); ``base``/``ours``/``theirs``: the values as plain YAML
    data (None when absent); ``line``: where the kept value (ours') is in the merged file;
    ``path``: the full place in the document (items as ``id=C1.2``), which ``resolve_conflict``
    writes to."""

    file: str
    framework: str
    item: str
    field: str
    base: Any
    ours: Any
    theirs: Any
    line: int = 0
    path: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """Names this conflict among the merge's: file and place."""
        return self.file + "#" + "/".join(self.path)

    def at_line(self, line: int) -> Conflict:
        return replace(self, line=line)

    def moved(self, prefix: str) -> Conflict:
        """The same conflict with its file relative to a folder ``prefix`` of the work tree."""
        if prefix and self.file.startswith(prefix):
            return replace(self, file=self.file[len(prefix) :])
        return self

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["path"] = list(self.path)
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Conflict:
        return cls(**{**d, "path": tuple(d.get("path", ()))})


@dataclass(slots=True)
class Carry:
    """A competency to write into ``file`` (git wrote it without the driver): ``ident`` is its id
    there, ``item`` its merged value (None: take it out), ``conflicts`` its fields in conflict."""

    file: str
    ident: str
    item: Any
    conflicts: list[Conflict] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "ident": self.ident,
            "item": self.item,
            "conflicts": [c.to_json() for c in self.conflicts],
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Carry:
        return cls(
            d["file"], d["ident"], d["item"], [Conflict.from_json(c) for c in d["conflicts"]]
        )


@dataclass(slots=True)
class Records:
    """What the driver left for one merge (paths relative to the git work tree)."""

    head: str = ""
    theirs: str = ""
    base: str = ""
    conflicts: list[Conflict] = field(default_factory=list)
    carries: list[Carry] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # file -> why it could not be merged
    files: list[str] = field(default_factory=list)  # every file the driver left unmerged
    written: list[str] = field(default_factory=list)  # files refkit's merge step wrote carries in

    def to_json(self) -> dict[str, Any]:
        return {
            "version": VERSION,
            "head": self.head,
            "theirs": self.theirs,
            "base": self.base,
            "conflicts": [c.to_json() for c in self.conflicts],
            "carries": [c.to_json() for c in self.carries],
            "failed": self.failed,
            "files": self.files,
            "written": self.written,
        }


def records_path(git_dir: Path) -> Path:
    return git_dir / "refkit" / RECORDS


def load_records(git_dir: Path) -> Records:
    """The records kept for the current merge; empty ones when there are none (or they cannot
    be read: a record is never trusted half-written)."""
    try:
        d = json.loads(records_path(git_dir).read_text(encoding="utf-8"))
        if d.get("version") != VERSION:
            return Records()
        return Records(
            d["head"],
            d["theirs"],
            d.get("base", ""),
            [Conflict.from_json(c) for c in d["conflicts"]],
            [Carry.from_json(c) for c in d["carries"]],
            dict(d["failed"]),
            list(d.get("files", [])),
            list(d.get("written", [])),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return Records()


def save_records(git_dir: Path, records: Records) -> None:
    path = records_path(git_dir)
    if not (
        records.conflicts or records.carries or records.failed or records.files or records.written
    ):
        clear_records(git_dir)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(records.to_json(), ensure_ascii=False, indent=1, default=str)
    atomic_write(path, text.encode("utf-8"), durable=False)


def clear_records(git_dir: Path) -> None:
    records_path(git_dir).unlink(missing_ok=True)

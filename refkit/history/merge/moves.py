"""Provides the merge of a block's competencies across files: moves and renumberings on one side
combined with edits on the other.

git runs the driver once per file changed on both sides, and sees only that file. A competency
moved from BC01 to BC02 on one side and edited in BC01 on the other is, in BC01, "removed" on one
side and "changed" on the other. So each competency gets an *identity*: its id, or for a
renumbered one (an id gone and a new one come, on the same side, with similar statement and
criteria: ``refkit.diff``'s pairing) the id it had at the merge base. For an identity that is in
this file on one side only, the driver looks in the other side's framework, read from git (the
merge base, ours = HEAD, theirs = the commit git names in ``GITHEAD_<sha>``): where it is there
and what it says. Then, as for any field, a three-way merge decides:

* its content: ``merge.three`` on the three versions of the item, wherever each one is;
* its place (the block file): the side that moved it wins; moved by both to different blocks:
  ours' block.

The item is in this file's merged text when its place is this file. When its place, or a place
it had, is a file git writes *without* the driver (changed on one side only: git takes that
side's file as it is), and what git writes there is not the merged item, the driver records a
``Carry``: refkit's own merge step (``merge.session.prepare``) writes the merged item there (or
takes it out), and the driver exits 1 so that no merge commit is made before that step.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from refkit.diff import RENAME_THRESHOLD
from refkit.diff.text import best_pairs_by, words
from refkit.history.merge.conflicts import Carry, Conflict
from refkit.history.merge.text import place_of, to_conflict
from refkit.history.merge.three import MISSING, Merge3, Plan, same
from refkit.store.reader import read_yaml

SIDES = (0, 1, 2)  # base, ours, theirs
KEY = "competencies"


def competencies(data: Any) -> dict[str, Any] | None:
    """A block's competencies by id, in order; None when they are not a list of items with
    distinct ids (then they merge as a plain list)."""
    items = data.get(KEY, []) if isinstance(data, dict) else None
    if not isinstance(items, list):
        return None
    out: dict[str, Any] = {}
    for x in items:
        ident = x.get("id") if isinstance(x, dict) else None
        if not isinstance(ident, str | int) or isinstance(ident, bool) or str(ident) in out:
            return None
        out[str(ident)] = x
    return out


def _words(item: Any) -> list[str]:
    statement = item.get("statement") if isinstance(item, dict) else None
    criteria = item.get("criteria") if isinstance(item, dict) else None
    out = words(statement) if isinstance(statement, str) else []
    for c in criteria if isinstance(criteria, list) else []:
        out += words(c) if isinstance(c, str) else []
    return out


def pair(gone: dict[str, Any], came: dict[str, Any]) -> dict[str, str]:
    """Renumbered items: new id -> old id, as ``refkit.diff`` pairs them (similar content)."""
    if not gone or not came:
        return {}
    feats = ([(i, _words(x)) for i, x in gone.items()], [(i, _words(x)) for i, x in came.items()])
    return {n: o for o, n, _, _ in best_pairs_by({"statement": feats}, RENAME_THRESHOLD)}


class Sides:
    """The framework's block files at the merge base, ours and theirs, read from git on demand
    (only the files a side changed are ever searched)."""

    def __init__(
        self,
        run_git: Callable[..., str],
        read_blobs: Callable[[list[str]], list[bytes]],
        commits: tuple[str, str, str],
        blocks_dir: str,
    ) -> None:
        self.run_git, self.read_blobs, self.commits = run_git, read_blobs, commits
        self.blocks_dir = blocks_dir
        self._listings: dict[int, dict[str, str]] = {}
        self._items: dict[tuple[int, str], dict[str, Any] | None] = {}
        self._texts: dict[str, str] = {}

    def listing(self, side: int) -> dict[str, str]:
        if side not in self._listings:
            out = self.run_git("ls-tree", "-z", self.commits[side], "--", self.blocks_dir + "/")
            found = {}
            for entry in out.split("\0"):
                meta, _, path = entry.partition("\t")
                parts = meta.split()
                if len(parts) == 3 and parts[1] == "blob" and path.endswith((".yaml", ".yml")):
                    found[path] = parts[2]
            self._listings[side] = found
        return self._listings[side]

    def blob(self, side: int, path: str) -> str | None:
        return self.listing(side).get(path)

    def changed(self, side: int) -> list[str]:
        base = self.listing(0)
        return sorted(p for p, sha in self.listing(side).items() if base.get(p) != sha)

    def text(self, side: int, path: str) -> str | None:
        sha = self.blob(side, path)
        if sha is None:
            return None
        if sha not in self._texts:
            self._texts[sha] = self.read_blobs([sha])[0].decode("utf-8", "replace")
        return self._texts[sha]

    def items(self, side: int, path: str) -> dict[str, Any] | None:
        if (side, path) not in self._items:
            text = self.text(side, path)
            data = None if text is None else read_yaml(path, text.encode("utf-8")).data
            self._items[(side, path)] = competencies(data)
        return self._items[(side, path)]

    def find(self, side: int, ident: str, paths: list[str]) -> tuple[str, str, Any] | None:
        """(file, id, item) of the competency ``ident`` among ``paths`` at ``side``."""
        pattern = re.compile(
            rf"^[ \t-]*id:[ \t]*['\"]?{re.escape(ident)}['\"]?[ \t]*(#.*)?$", re.MULTILINE
        )
        for path in paths:
            text = self.text(side, path)
            if text is not None and pattern.search(text):
                found = (self.items(side, path) or {}).get(ident)
                if found is not None:
                    return path, ident, found
        return None

    def renumbered(self, side: int, item: Any, skip: str) -> tuple[str, str, Any] | None:
        """Where ``item`` (a base competency) went at ``side`` under another id: among the items
        that came into the files that side changed."""
        came: dict[str, tuple[str, Any]] = {}
        for path in self.changed(side):
            if path == skip:
                continue
            before = self.items(0, path) or {}
            for i, x in (self.items(side, path) or {}).items():
                if i not in before:
                    came[i] = (path, x)
        found = pair({"?": item}, {i: x for i, (_, x) in came.items()})
        for new in found:
            return came[new][0], new, came[new][1]
        return None

    def merged_by_driver(self, path: str) -> bool:
        """Whether git merges ``path`` with the driver (both sides changed it, differently)."""
        b, o, t = (self.blob(s, path) for s in SIDES)
        return b != o and b != t and o != t


@dataclass(slots=True)
class Entry:
    """One identity: its item, id and file on each side (MISSING / None where absent)."""

    items: list[Any] = field(default_factory=lambda: [MISSING, MISSING, MISSING])
    ids: list[str | None] = field(default_factory=lambda: [None, None, None])
    files: list[str | None] = field(default_factory=lambda: [None, None, None])

    def put(self, side: int, found: tuple[str, str, Any]) -> None:
        self.files[side], self.ids[side], self.items[side] = found


@dataclass(slots=True)
class Moves:
    """The plan of this file's competencies, and what to carry into other files."""

    plan: Plan | None
    carries: list[Carry] = field(default_factory=list)
    needs_sides: bool = False  # an identity could only be followed in the other files


def plan_moves(path: str, data: tuple[Any, Any, Any], sides: Callable[[], Sides | None]) -> Moves:
    """How this block file's competencies merge (``path``: the file, relative to the git work
    tree; ``data``: its base, ours and theirs data; ``sides``: the framework at the three
    commits, asked for only when an identity has to be followed into other files)."""
    local = [competencies(d) for d in data]
    if local[0] is None or local[1] is None or local[2] is None:
        return Moves(None)
    entries, names = _local_entries(path, (local[0], local[1], local[2]))
    followed = [e for e in entries.values() if _open(path, e)]
    found = sides() if followed else None
    if found is not None:
        for e in followed:
            _follow(found, path, e)
    moves = _decide(path, entries, names, found)
    moves.needs_sides = bool(followed) and found is None
    return moves


def _local_entries(
    path: str, local: tuple[dict[str, Any], dict[str, Any], dict[str, Any]]
) -> tuple[dict[str, Entry], list[list[str]]]:
    """The identities of this file's competencies (ids; a renumbered one under its base id),
    and each side's identities in the order of its file."""
    entries: dict[str, Entry] = {}
    for side in SIDES:
        for i, x in local[side].items():
            entries.setdefault(i, Entry()).put(side, (path, i, x))
    renamed: list[dict[str, str]] = [{}, {}, {}]
    for s in (1, 2):
        gone = {i: x for i, x in local[0].items() if i not in local[s]}
        came = {i: x for i, x in local[s].items() if i not in local[0]}
        for new, old in pair(gone, came).items():
            e = entries[new]
            if e.items[3 - s] is not MISSING or entries[old].items[s] is not MISSING:
                continue  # the other side has that id too: the same item, by id
            entries[old].put(s, (path, new, local[s][new]))
            del entries[new]
            renamed[s][new] = old
    names = [[renamed[s].get(i, i) for i in local[s]] for s in SIDES]
    return entries, names


def _open(path: str, e: Entry) -> bool:
    """Whether an identity must be followed into the other files: it came into this file on a
    side, or left it on a side while the other side kept or changed it."""
    b, o, t = e.items
    if b is MISSING:
        return True
    if o is MISSING and t is MISSING:
        return True
    return (o is MISSING and not same(t, b)) or (t is MISSING and not same(o, b))


def _follow(sides: Sides, path: str, e: Entry) -> None:
    if e.items[0] is MISSING:  # came into this file: from a block the side changed?
        side = 1 if e.items[1] is not MISSING else 2
        ident = e.ids[side] or ""
        found = sides.find(0, ident, [p for p in sides.changed(side) if p != path])
        if found is not None:
            e.put(0, found)
    if e.items[0] is MISSING:
        return
    base_file, base_id = e.files[0] or path, e.ids[0] or ""
    for s in (1, 2):
        if e.items[s] is not MISSING:
            continue
        paths = ([base_file] if base_file != path else []) + sides.changed(s)
        paths = [p for n, p in enumerate(paths) if p != path and p not in paths[:n]]
        found = sides.find(s, base_id, paths) or sides.renumbered(s, e.items[0], path)
        if found is not None:
            e.put(s, found)


def _place(files: list[str | None], merged: Any) -> str | None:
    """The merged item's file: the side that moved it wins (ours' when both did)."""
    if merged is MISSING:
        return None
    b, o, t = files
    where = o if o == t else t if o == b else o
    return where or o or t


def _decide(
    path: str, entries: dict[str, Entry], names: list[list[str]], sides: Sides | None
) -> Moves:
    items: dict[str, tuple[Any, Any, Any]] = {}
    keep: set[str] = set()
    carries: list[Carry] = []
    for ident, e in entries.items():
        merge = Merge3()
        name = next(i for i in (e.ids[1], e.ids[2], e.ids[0], ident) if i)
        merged = merge.value(e.items[0], e.items[1], e.items[2], (KEY, f"id={name}"))
        place = _place(e.files, merged)
        if place in (path, None):
            items[ident] = (e.items[0], e.items[1], e.items[2])
        if place == path:
            keep.add(ident)
        if sides is None:
            continue
        for other in sorted({f for f in (*e.files, place) if f is not None and f != path}):
            carry = _carry(sides, other, e, merged, place, merge.clashes, name)
            if carry is not None:
                carries.append(carry)
    plan = Plan("id", items, (names[0], names[1], names[2]), keep)
    return Moves(plan, carries)


def _carry(
    sides: Sides,
    file: str,
    e: Entry,
    merged: Any,
    place: str | None,
    clashes: list[Any],
    name: str,
) -> Carry | None:
    """What refkit's merge step must write into ``file`` for this identity, when git writes it
    without the driver and what git writes there is not the merged item."""
    if sides.merged_by_driver(file):
        return None  # the driver merges it too, and places this item there itself
    b, o = sides.blob(0, file), sides.blob(1, file)
    side = 2 if o == b else 1  # the side whose file git takes as it is
    expected = e.items[side] if e.files[side] == file else MISSING
    wanted = merged if place == file else MISSING
    if same(expected, wanted):
        return None
    where = place_of(file)
    conflicts: list[Conflict] = (
        [to_conflict(c, file, where, None) for c in clashes] if place == file else []
    )
    ident = (e.ids[side] or name) if expected is not MISSING else name
    return Carry(file, ident, None if wanted is MISSING else wanted, conflicts)

"""Provides the correspondence table between two versions of a framework.

For each block of the old version: the block(s) of the new version it counts for, typed

* ``equivalent``: the new block holds exactly the old block's competencies (reworded or
  renumbered ones included);
* ``partial``: the new block holds them and more: ``missing`` lists the new competencies a holder
  still has to show;
* ``merged``: the new block gathers the competencies of several old blocks (``with`` names the
  others); ``missing`` lists what a holder of this old block alone still has to show;
* ``split``: the old block's competencies are now spread over several new blocks;
* ``removed``: none of its competencies remain;

and each new block with no old counterpart is ``new``. refkit proposes the table from the semantic
diff; the working group confirms or overrides entries in the new version's ``correspondence:``
section, and the final table says for each entry whether it was proposed, confirmed or overridden.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from refkit.diff import FrameworkDiff
from refkit.model import Framework


@dataclass(slots=True)
class Entry:
    type: str
    old: str | None
    new: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    with_blocks: list[str] = field(default_factory=list)  # merged: the other old blocks
    origin: str = "proposed"  # proposed | confirmed | overridden
    note: str | None = None
    proposed: Entry | None = None  # when overridden: what refkit had proposed

    def key(self) -> tuple[str, str]:
        return ("old", self.old) if self.old is not None else ("new", ",".join(self.new))

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "old": self.old,
            "new": self.new,
            "type": self.type,
            "missing": self.missing,
        }
        if self.with_blocks:
            d["with"] = self.with_blocks
        d["origin"] = self.origin
        if self.note:
            d["note"] = self.note
        if self.proposed is not None:
            d["proposed"] = {
                "type": self.proposed.type,
                "new": self.proposed.new,
                "missing": self.proposed.missing,
            }
        return d


@dataclass(slots=True)
class Table:
    framework: str
    old_version: str
    new_version: str
    entries: list[Entry] = field(default_factory=list)

    def for_old(self, block_id: str) -> Entry | None:
        return next((e for e in self.entries if e.old == block_id), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "framework": self.framework,
            "old": self.old_version,
            "new": self.new_version,
            "blocks": [e.to_json() for e in self.entries],
        }


def propose(old: Framework, new: Framework, diff: FrameworkDiff) -> list[Entry]:
    cmap = diff.competency_map
    new_block_of = {c.id: b.id for b, c in new.competencies()}
    sources: dict[str, list[str]] = {}  # new block -> old blocks feeding it
    targets_of: dict[str, list[str]] = {}
    for ob in old.blocks:
        targets: list[str] = []
        for c in ob.competencies:
            nid = cmap.get(c.id)
            if nid is not None and new_block_of[nid] not in targets:
                targets.append(new_block_of[nid])
        if not ob.competencies and ob.id in diff.block_map:
            targets = [diff.block_map[ob.id]]
        targets_of[ob.id] = targets
        for t in targets:
            sources.setdefault(t, []).append(ob.id)

    entries = []
    for ob in old.blocks:
        targets = targets_of[ob.id]
        covered = {cmap[c.id] for c in ob.competencies if c.id in cmap}
        missing = [
            c.id for t in targets for c in _block(new, t).competencies if c.id not in covered
        ]
        if not targets:
            entries.append(Entry("removed", ob.id))
        elif len(targets) > 1:
            entries.append(Entry("split", ob.id, targets, missing))
        elif len(sources[targets[0]]) > 1:
            others = [s for s in sources[targets[0]] if s != ob.id]
            entries.append(Entry("merged", ob.id, targets, missing, with_blocks=others))
        elif missing:
            entries.append(Entry("partial", ob.id, targets, missing))
        else:
            entries.append(Entry("equivalent", ob.id, targets))
    for nb in new.blocks:
        if nb.id not in sources:
            entries.append(Entry("new", None, [nb.id], [c.id for c in nb.competencies]))
    return entries


def _block(fw: Framework, block_id: str) -> Any:
    block = fw.block(block_id)
    assert block is not None
    return block


def correspondence(old: Framework, new: Framework, diff: FrameworkDiff) -> Table:
    """The proposed table, with the working group's entries from ``new.correspondence`` applied
    when that section maps from ``old``'s version."""
    table = Table(new.id or old.id, diff.old_version, diff.new_version, propose(old, new, diff))
    section = new.correspondence
    if section is None or section.from_version != old.version:
        return table
    by_key = {e.key(): i for i, e in enumerate(table.entries)}
    for written in section.entries:
        entry = Entry(
            written.type,
            written.old,
            list(written.new),
            list(written.missing),
            note=written.note,
        )
        i = by_key.get(entry.key())
        if i is None:
            entry.origin = "overridden"
            table.entries.append(entry)
            continue
        proposed = table.entries[i]
        same = (proposed.type, proposed.new, sorted(proposed.missing)) == (
            entry.type,
            entry.new,
            sorted(entry.missing),
        )
        if same:
            proposed.origin = "confirmed"
            proposed.note = written.note
        else:
            entry.origin = "overridden"
            entry.with_blocks = proposed.with_blocks if entry.type == "merged" else []
            entry.proposed = proposed
            table.entries[i] = entry
    return table

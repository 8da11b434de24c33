"""Provides coverage: the competencies a learner's blocks cover in each home framework, at each
version, and how that coverage is carried along a framework's chain of releases (``propagate``):
forwards by the semantic diff's competency map and the correspondence entries, backwards only for
competencies whose content did not change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from refkit.stack import Held


@dataclass(slots=True)
class Step:
    """From one version of a framework to the next: the competency map of the semantic diff and
    the correspondence entries (old block -> new blocks, missing competencies) that apply."""

    old: str
    new: str
    competency_map: dict[str, str]  # old id -> new id, for competencies that continue
    unchanged: frozenset[str]  # new ids whose content did not change (usable backwards)
    entries: list[
        tuple[str, str, tuple[str, ...], tuple[str, ...]]
    ]  # (type, old block, new blocks, missing)
    old_blocks: dict[str, tuple[str, ...]]  # block id -> competencies, in the old version
    new_blocks: dict[str, tuple[str, ...]]  # in the new version


@dataclass(slots=True)
class Origin:
    """Why a competency (or a block) is covered."""

    held: Held
    via: str  # "direct" | "shared" | "correspondence"
    path: tuple[str, ...] = ()  # versions crossed, e.g. ("1.0.0", "2.0.0")
    entry: str | None = None  # the correspondence entry type that was applied


class Coverage:
    """Competencies covered per (home framework, version), with where each comes from."""

    def __init__(self) -> None:
        self.covered: dict[tuple[str, str], dict[str, Origin]] = {}
        self.whole_blocks: dict[tuple[str, str], dict[str, Origin]] = {}

    def add_block(
        self, home: str, version: str, block: str, competencies: tuple[str, ...], origin: Origin
    ) -> None:
        slot = self.covered.setdefault((home, version), {})
        for c in competencies:
            slot.setdefault(c, origin)
        self.whole_blocks.setdefault((home, version), {}).setdefault(block, origin)

    def at(self, home: str, version: str) -> dict[str, Origin]:
        return self.covered.get((home, version), {})

    def blocks_at(self, home: str, version: str) -> dict[str, Origin]:
        return self.whole_blocks.get((home, version), {})


def versions_of(chain: list[Step], fallback: str) -> list[str]:
    return [chain[0].old, *[s.new for s in chain]] if chain else [fallback]


def propagate(coverage: Coverage, home: str, chain: list[Step], goal: str) -> None:
    """Carry what is covered at any version of ``home`` along its release chain to ``goal``.

    Forwards, every continuing competency stays covered (renumbered ids follow the map), and a
    correspondence entry for an old block held whole covers the new blocks it names, except its
    missing competencies. Backwards (a learner holds a newer version than the target), only
    competencies whose content did not change count.
    """
    versions = versions_of(chain, goal)
    if goal not in versions:
        return
    g = versions.index(goal)
    starts = [versions.index(v) for h, v in coverage.covered if h == home and v in versions]
    if not starts:
        return
    for k in range(min(starts), g):
        _forward(coverage, home, chain[k])
    for k in range(max(starts), g, -1):
        _backward(coverage, home, chain[k - 1])


def _forward(coverage: Coverage, home: str, step: Step) -> None:
    old = coverage.at(home, step.old)
    whole = coverage.blocks_at(home, step.old)
    new = coverage.covered.setdefault((home, step.new), {})
    new_whole = coverage.whole_blocks.setdefault((home, step.new), {})
    for cid, origin in old.items():
        nid = step.competency_map.get(cid)
        if nid is not None and nid not in new:
            new[nid] = Origin(origin.held, "correspondence", _extend(origin, step.old, step.new))
    for type_, old_block, new_blocks, missing in step.entries:
        if old_block not in whole:
            continue
        origin = whole[old_block]
        via = Origin(origin.held, "correspondence", _extend(origin, step.old, step.new), type_)
        if type_ == "removed":
            continue
        for nb in new_blocks:
            comps = step.new_blocks.get(nb, ())
            for c in comps:
                if c not in missing and c not in new:
                    new[c] = via
            if type_ == "equivalent" or not any(c in missing for c in comps):
                new_whole.setdefault(nb, via)
    # a block whose competencies are all covered counts as held whole at the new version too
    for nb, comps in step.new_blocks.items():
        if comps and nb not in new_whole and all(c in new for c in comps):
            new_whole[nb] = new[comps[0]]


def _extend(origin: Origin, start: str, to: str) -> tuple[str, ...]:
    """The versions crossed so far, plus ``to``."""
    return (*(origin.path or (start,)), to)


def _backward(coverage: Coverage, home: str, step: Step) -> None:
    newer = coverage.at(home, step.new)
    older = coverage.covered.setdefault((home, step.old), {})
    back = {n: o for o, n in step.competency_map.items() if n in step.unchanged}
    for nid, origin in newer.items():
        oid = back.get(nid)
        if oid is not None and oid not in older:
            older[oid] = Origin(origin.held, "correspondence", _extend(origin, step.new, step.old))
    whole = coverage.whole_blocks.setdefault((home, step.old), {})
    for ob, comps in step.old_blocks.items():
        if comps and ob not in whole and all(c in older for c in comps):
            whole[ob] = older[comps[0]]

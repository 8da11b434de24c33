"""Provides stacking: what a learner's blocks are worth toward a certification, and what remains.

Everything here is a pure function of light views of frameworks (``CertView``): no I/O, no git.
``refkit.stack.catalog`` builds the views from a repository (work tree or releases).

A block (bloc de compétences) is kept for good. Holding it counts toward a certification

* **directly**: the certification, at that version, has that block;
* **through a shared block**: another framework uses the same block (defined once in its home);
* **through correspondence tables**: the block belongs to an earlier version, and the tables
  between versions (refkit's proposal, as confirmed or overridden by the working group) say what
  it counts for now.

Credit is computed on competencies: each held block covers its competencies in its *home*
framework at its version (``Coverage``); coverage is carried from version to version by the
semantic diff's competency map, and by the working group's correspondence entries (an
``equivalent`` entry covers the whole new block). A block of the target is credited when all its
competencies are covered, partially credited otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from refkit.i18n import Msg
from refkit.stack.coverage import Coverage, Origin, Step, propagate, versions_of

__all__ = [
    "BlockCredit",
    "BlockView",
    "CertView",
    "Coverage",
    "Elective",
    "Held",
    "Origin",
    "PathwayStep",
    "StackResult",
    "Step",
    "credit",
    "pathway",
    "propagate",
    "rank",
    "stack",
    "versions_of",
]


@dataclass(frozen=True, slots=True)
class BlockView:
    id: str
    title: str
    competencies: tuple[str, ...]
    prerequisites: tuple[str, ...] = ()
    hours: float | None = None
    credits: float | None = None
    home: str = ""  # the framework that defines the block
    home_version: str = ""  # the version of the home its content comes from
    keys: tuple[
        str, ...
    ] = ()  # per competency, its statement's key (refkit.stack.overlap.statement_key)

    @property
    def shared(self) -> bool:
        return bool(self.home)


@dataclass(frozen=True, slots=True)
class Elective:
    id: str
    choose: int
    blocks: tuple[str, ...]
    title: str | None = None


@dataclass(slots=True)
class CertView:
    """One certification (a framework at one version) as stacking sees it."""

    framework: str
    version: str
    title: str
    blocks: dict[str, BlockView]  # own and shared, in the framework's order
    required: tuple[str, ...] = ()
    electives: tuple[Elective, ...] = ()
    hours: float | None = None  # declared total
    credits: float | None = None
    status: str = "published"
    draft: bool = False  # the work tree, not a release

    @property
    def label(self) -> str:
        return f"{self.framework}@{self.version}"

    def home_of(self, block_id: str) -> tuple[str, str]:
        b = self.blocks[block_id]
        return (b.home or self.framework, b.home_version or self.version)

    def to_json(self) -> dict[str, Any]:
        return {
            "framework": self.framework,
            "version": self.version,
            "title": self.title,
            "status": self.status,
            "draft": self.draft,
            "required": list(self.required),
            "electives": [
                {"id": e.id, "title": e.title, "choose": e.choose, "blocks": list(e.blocks)}
                for e in self.electives
            ],
            "hours": self.hours,
            "credits": self.credits,
            "blocks": [
                {
                    "id": b.id,
                    "title": b.title,
                    "competencies": list(b.competencies),
                    "prerequisites": list(b.prerequisites),
                    "hours": b.hours,
                    "credits": b.credits,
                    "home": b.home,
                    "home_version": b.home_version,
                    "keys": list(b.keys),
                }
                for b in self.blocks.values()
            ],
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> CertView:
        blocks = {
            b["id"]: BlockView(
                b["id"],
                b["title"],
                tuple(b["competencies"]),
                tuple(b["prerequisites"]),
                b["hours"],
                b["credits"],
                b["home"],
                b["home_version"],
                tuple(b.get("keys", ())),
            )
            for b in d["blocks"]
        }
        return cls(
            d["framework"],
            d["version"],
            d["title"],
            blocks,
            tuple(d["required"]),
            tuple(
                Elective(e["id"], e["choose"], tuple(e["blocks"]), e["title"])
                for e in d["electives"]
            ),
            d["hours"],
            d["credits"],
            d["status"],
            d["draft"],
        )


@dataclass(frozen=True, slots=True)
class Held:
    """A block a learner holds, as they name it: framework, version, block."""

    framework: str
    version: str
    block: str

    def __str__(self) -> str:
        return f"{self.framework}@{self.version}:{self.block}"


# -- credit and pathway -------------------------------------------------------------------------------


@dataclass(slots=True)
class BlockCredit:
    block: str
    title: str
    status: str  # credited | partial | missing
    via: str | None = None  # direct | shared | correspondence
    held: list[str] = field(default_factory=list)  # the holdings it comes from, as named
    path: list[str] = field(default_factory=list)  # versions crossed by correspondence
    missing: list[str] = field(default_factory=list)  # competencies still to cover
    total: int = 0  # competencies in the block

    def to_json(self) -> dict[str, Any]:
        return {
            "block": self.block,
            "title": self.title,
            "status": self.status,
            "via": self.via,
            "held": self.held,
            "path": self.path,
            "missing": self.missing,
            "competencies": self.total,
        }


@dataclass(slots=True)
class PathwayStep:
    block: str
    title: str
    reason: str  # required | elective <group> | prerequisite of <block>
    missing: list[str]
    hours: float | None
    credits: float | None
    partial: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "block": self.block,
            "title": self.title,
            "reason": self.reason,
            "partial": self.partial,
            "missing": self.missing,
            "hours": self.hours,
            "credits": self.credits,
        }

    def why(self) -> Msg:
        """The reason in words to show (``reason`` stays the JSON's and the site script's
        value: "required", "elective G1", "prerequisite of BC02")."""
        kind, _, rest = self.reason.partition(" ")
        if kind == "elective":
            return Msg("elective {group}", group=rest)
        if kind == "prerequisite":
            return Msg("prerequisite of {block}", block=rest.removeprefix("of "))
        return Msg("required")


@dataclass(slots=True)
class StackResult:
    cert: CertView
    blocks: list[BlockCredit]
    pathway: list[PathwayStep]
    electives: list[dict[str, Any]]  # per group: chosen, credited, alternatives
    complete: bool

    @property
    def credited(self) -> list[BlockCredit]:
        return [b for b in self.blocks if b.status == "credited"]

    @property
    def remaining_hours(self) -> float | None:
        values = [s.hours for s in self.pathway]
        return (
            round(sum(v for v in values if v is not None), 1)
            if any(v is not None for v in values)
            else None
        )

    @property
    def remaining_credits(self) -> float | None:
        values = [s.credits for s in self.pathway]
        return (
            round(sum(v for v in values if v is not None), 1)
            if any(v is not None for v in values)
            else None
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "certification": {
                "framework": self.cert.framework,
                "version": self.cert.version,
                "title": self.cert.title,
                "draft": self.cert.draft,
            },
            "complete": self.complete,
            "credited": [b.to_json() for b in self.blocks if b.status == "credited"],
            "partial": [b.to_json() for b in self.blocks if b.status == "partial"],
            "electives": self.electives,
            "pathway": [s.to_json() for s in self.pathway],
            "remaining": {
                "blocks": len(self.pathway),
                "hours": self.remaining_hours,
                "credits": self.remaining_credits,
            },
        }


def credit(cert: CertView, coverage: Coverage, holdings: list[Held]) -> list[BlockCredit]:
    """How each block of ``cert`` stands for a learner whose ``coverage`` is known."""
    out = []
    for block in cert.blocks.values():
        home, version = cert.home_of(block.id)
        covered = coverage.at(home, version)
        whole = coverage.blocks_at(home, version).get(block.id)
        direct = [
            h
            for h in holdings
            if (h.framework, h.version, h.block) == (cert.framework, cert.version, block.id)
        ]
        missing = [c for c in block.competencies if c not in covered]
        origins = [covered[c] for c in block.competencies if c in covered]
        if direct:
            out.append(
                BlockCredit(
                    block.id,
                    block.title,
                    "credited",
                    "direct",
                    [str(h) for h in direct],
                    total=len(block.competencies),
                )
            )
            continue
        if whole is not None and (not missing or whole.entry == "equivalent"):
            origins = [whole]
            missing = []
        if not missing and (origins or whole is not None):
            first = origins[0] if origins else whole
            assert first is not None
            via = _via(first, cert)
            out.append(
                BlockCredit(
                    block.id,
                    block.title,
                    "credited",
                    via,
                    sorted({str(o.held) for o in origins}),
                    list(first.path),
                    total=len(block.competencies),
                )
            )
        elif origins:
            via = _via(origins[0], cert)
            out.append(
                BlockCredit(
                    block.id,
                    block.title,
                    "partial",
                    via,
                    sorted({str(o.held) for o in origins}),
                    list(origins[0].path),
                    missing,
                    len(block.competencies),
                )
            )
        else:
            out.append(
                BlockCredit(
                    block.id,
                    block.title,
                    "missing",
                    missing=list(block.competencies),
                    total=len(block.competencies),
                )
            )
    return out


def _via(origin: Origin, cert: CertView) -> str:
    """A block held in another framework counts through the block they share (whatever versions
    it crossed on the way: ``path`` says which)."""
    if origin.held.framework != cert.framework:
        return "shared"
    return origin.via


def _cost(block: BlockView, credit_of: BlockCredit) -> tuple[float, int]:
    hours, credits_ = _share(block, credit_of)
    volume = hours if hours is not None else (credits_ if credits_ is not None else 0.0)
    return (volume, len(credit_of.missing))


def _share(block: BlockView, credit_of: BlockCredit) -> tuple[float | None, float | None]:
    """The volume still to do for a block: all of it, or the missing share of a partial one."""
    if credit_of.status == "partial" and credit_of.total:
        f = len(credit_of.missing) / credit_of.total
        return (
            round(block.hours * f, 1) if block.hours is not None else None,
            round(block.credits * f, 1) if block.credits is not None else None,
        )
    return block.hours, block.credits


def pathway(cert: CertView, credits: list[BlockCredit]) -> StackResult:
    """What remains for ``cert``, in an order that respects prerequisites."""
    by_id = {c.block: c for c in credits}
    done = {c.block for c in credits if c.status == "credited"}
    needed: dict[str, str] = {}
    for b in cert.required:
        if b in cert.blocks and b not in done:
            needed.setdefault(b, "required")
    elective_report = []
    for group in cert.electives:
        members = [b for b in group.blocks if b in cert.blocks]
        held = [b for b in members if b in done]
        chosen = list(held[: group.choose])
        if len(chosen) < group.choose:
            # the cheapest blocks to finish: least volume left, then fewest competencies missing
            ranked = sorted(
                (_cost(cert.blocks[b], by_id[b]), i, b)
                for i, b in enumerate(members)
                if b not in done
            )
            for _, _, b in ranked[: group.choose - len(chosen)]:
                chosen.append(b)
                needed.setdefault(b, f"elective {group.id}")
        elective_report.append(
            {
                "group": group.id,
                "title": group.title,
                "choose": group.choose,
                "credited": held,
                "chosen": chosen,
                "alternatives": [b for b in members if b not in chosen],
            }
        )
    # prerequisites of what remains, transitively, unless already credited
    queue = list(needed)
    while queue:
        b = queue.pop()
        for pre in cert.blocks[b].prerequisites:
            if pre in cert.blocks and pre not in done and pre not in needed:
                needed[pre] = f"prerequisite of {b}"
                queue.append(pre)
    order = _topological(cert, needed)
    steps = []
    for b in order:
        block = cert.blocks[b]
        c = by_id[b]
        hours, credits_ = _share(block, c)
        steps.append(
            PathwayStep(
                b, block.title, needed[b], list(c.missing), hours, credits_, c.status == "partial"
            )
        )
    complete = not steps
    return StackResult(cert, credits, steps, elective_report, complete)


def _topological(cert: CertView, needed: dict[str, str]) -> list[str]:
    """Needed blocks, each after its (needed) prerequisites, otherwise in the order of the
    certification rules (required blocks as listed, then elective groups), then the framework's.
    A prerequisite cycle (reported by validation) is broken in that order."""
    listed = [*cert.required, *(b for g in cert.electives for b in g.blocks), *cert.blocks]
    order_of: dict[str, int] = {}
    for b in listed:
        order_of.setdefault(b, len(order_of))
    remaining = set(needed)
    out: list[str] = []
    while remaining:
        ready = sorted(
            (b for b in remaining if not any(p in remaining for p in cert.blocks[b].prerequisites)),
            key=order_of.__getitem__,
        )
        if not ready:  # a cycle: take the first in order
            ready = [min(remaining, key=order_of.__getitem__)]
        b = ready[0]
        out.append(b)
        remaining.discard(b)
    return out


def stack(cert: CertView, coverage: Coverage, holdings: list[Held]) -> StackResult:
    return pathway(cert, credit(cert, coverage, holdings))


def rank(results: list[StackResult]) -> list[StackResult]:
    """Certifications ordered by what remains: volume (hours, else credits), then blocks."""

    def key(r: StackResult) -> tuple[Any, ...]:
        hours = r.remaining_hours
        credits_ = r.remaining_credits
        volume = (
            hours
            if hours is not None
            else (credits_ if credits_ is not None else float(len(r.pathway)))
        )
        return (volume, len(r.pathway), -len(r.credited), r.cert.framework)

    return sorted(results, key=key)

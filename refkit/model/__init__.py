"""Provides the framework model: plain dataclasses, no I/O.

A ``Framework`` is one référentiel (one certification): metadata, activities, its own blocks, the
shared blocks it borrows from other frameworks, and its certification rules. Everything the store
reads carries a ``Source`` (file, line, column) so that a check can point at it; a model built in
memory (tests, imports) simply has none.

Text fields keep the exact text of the file. Optional fields are ``None`` or empty when absent, and
the store writes back only what is set, so that loading and saving never adds keys a person did
not write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple

# The texts ``refkit edit`` and ``refkit new`` give a new item; the rule placeholder-text warns
# while one is left (``refkit.scaffold`` writes its own from this set: a test checks it).
PLACEHOLDERS = frozenset(
    {
        "Nouveau bloc",
        "Nouvelle compétence",
        "Nouveau critère",
        "Nouvelle activité",
        "Nouvelle organisation",
        "Nouveau bloc de compétences",
        "À définir — verbe d'action, objet et contexte",
        "À définir — un critère observable",
        "New block of competencies",
        "To be written — action verb, object and context",
        "To be written — an observable criterion",
        "New activity",
        "New organisation",
    }
)


class Kind(StrEnum):
    KNOWLEDGE = "knowledge"
    SKILL = "skill"
    ATTITUDE = "attitude"


class Status(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    DEPRECATED = "deprecated"


class FrameworkType(StrEnum):
    CERTIFICATION = "certification"  # the default, when framework.yaml says nothing
    REFERENCE = "reference"  # ESCO, NICE, a CASE standards set: no level, rules or criteria


class ModalityType(StrEnum):
    PRACTICAL = "practical"
    SIMULATION = "simulation"
    PORTFOLIO = "portfolio"
    ORAL = "oral"
    WRITTEN = "written"
    WORKPLACE = "workplace"
    PROJECT = "project"


class Source(NamedTuple):
    """Where an item was read: repository-relative file, 1-based line and column, and the path
    of the item inside the file's document (e.g. ``("competencies", 3)``).

    A named tuple rather than a frozen dataclass: there is one per item and criterion, and it
    is built 2.4x faster (a 10,000-competency framework has 40,000 of them)."""

    file: str
    line: int
    col: int
    path: tuple[str | int, ...] = ()

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


class RelationType(StrEnum):
    """The closed list of relation types: CASE's association types (but isChildOf, which is the
    hierarchy of blocks and competencies), SKOS's mapping properties, and refkit's ``requires``
    (NICE: a work role requires a task, a knowledge or a skill statement)."""

    IS_PEER_OF = "isPeerOf"
    IS_PART_OF = "isPartOf"
    EXACT_MATCH_OF = "exactMatchOf"
    PRECEDES = "precedes"
    IS_RELATED_TO = "isRelatedTo"
    REPLACED_BY = "replacedBy"
    EXEMPLAR = "exemplar"
    HAS_SKILL_LEVEL = "hasSkillLevel"
    BROADER = "broader"
    NARROWER = "narrower"
    RELATED = "related"
    EXACT_MATCH = "exactMatch"
    CLOSE_MATCH = "closeMatch"
    BROAD_MATCH = "broadMatch"
    NARROW_MATCH = "narrowMatch"
    REQUIRES = "requires"


RELATION_TYPES = tuple(t.value for t in RelationType)
_URI = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*://|urn:)\S+$")
_OTHER = re.compile(r"^([a-z0-9]+(?:-[a-z0-9]+)*)(?:@([^:@\s]+))?:([^:\s]+)$")


class Target(NamedTuple):
    """A relation's target, read: ``kind`` is "item" (an id of this framework), "framework"
    (``other@1.2.0:C3``; ``version`` None when it names none) or "uri" (an outside concept)."""

    kind: str
    item: str
    framework: str | None = None
    version: str | None = None


def parse_target(text: str) -> Target:
    if _URI.match(text):
        return Target("uri", text)
    m = _OTHER.match(text)
    if m:
        return Target("framework", m.group(3), m.group(1), m.group(2))
    return Target("item", text)


@dataclass(slots=True)
class Relation:
    """A typed link from an item to ``target``: an id of this framework, ``framework@version:id``
    in another framework, or an absolute URI (``http(s)://...``, ``urn:...``)."""

    type: str
    target: str
    note: str | None = None
    source: Source | None = field(default=None, compare=False, repr=False)

    def key(self) -> tuple[str, str]:
        return (self.type, self.target)


@dataclass(slots=True)
class Criterion:
    """One observable assessment criterion of a competency."""

    text: str
    source: Source | None = field(default=None, compare=False, repr=False)


@dataclass(slots=True)
class Competency:
    id: str
    statement: str
    kind: str = Kind.SKILL.value
    activities: list[str] = field(default_factory=list)
    criteria: list[Criterion] = field(default_factory=list)
    esco: list[str] = field(default_factory=list)
    notes: str | None = None
    extensions: dict[str, Any] = field(default_factory=dict)
    source: Source | None = field(default=None, compare=False, repr=False)
    relations: list[Relation] = field(default_factory=list)  # typed links (issue 17)


@dataclass(slots=True)
class Volume:
    hours: float | None = None
    credits: float | None = None

    def __bool__(self) -> bool:
        return self.hours is not None or self.credits is not None


@dataclass(slots=True)
class Modality:
    type: str
    description: str | None = None
    hours: float | None = None
    source: Source | None = field(default=None, compare=False, repr=False)


@dataclass(slots=True)
class Block:
    """A bloc de compétences: separately assessed and certifiable."""

    id: str
    title: str
    competencies: list[Competency] = field(default_factory=list)
    description: str | None = None
    volume: Volume = field(default_factory=Volume)
    prerequisites: list[str] = field(default_factory=list)
    modalities: list[Modality] = field(default_factory=list)
    extensions: dict[str, Any] = field(default_factory=dict)
    source: Source | None = field(default=None, compare=False, repr=False)
    relations: list[Relation] = field(default_factory=list)  # typed links (issue 17)

    def competency(self, competency_id: str) -> Competency | None:
        return next((c for c in self.competencies if c.id == competency_id), None)


@dataclass(slots=True)
class Activity:
    id: str
    title: str
    description: str | None = None
    tasks: list[str] = field(default_factory=list)
    extensions: dict[str, Any] = field(default_factory=dict)
    source: Source | None = field(default=None, compare=False, repr=False)
    relations: list[Relation] = field(default_factory=list)  # typed links (issue 17)


@dataclass(slots=True)
class SharedBlockRef:
    """A block defined in another framework (its home) and used by this one."""

    framework: str
    block: str
    version: str | None = None  # None: follow the home framework's latest release
    source: Source | None = field(default=None, compare=False, repr=False)


@dataclass(slots=True)
class ElectiveGroup:
    """Choose ``choose`` blocks among ``blocks``."""

    id: str
    choose: int
    blocks: list[str]
    title: str | None = None
    source: Source | None = field(default=None, compare=False, repr=False)


@dataclass(slots=True)
class CertificationRules:
    required: list[str] = field(default_factory=list)
    electives: list[ElectiveGroup] = field(default_factory=list)
    volume: Volume = field(default_factory=Volume)

    def block_ids(self) -> list[str]:
        ids = list(self.required)
        for group in self.electives:
            ids.extend(b for b in group.blocks if b not in ids)
        return ids


class CorrespondenceType(StrEnum):
    EQUIVALENT = "equivalent"
    PARTIAL = "partial"
    SPLIT = "split"
    MERGED = "merged"
    REMOVED = "removed"
    NEW = "new"


@dataclass(slots=True)
class CorrespondenceEntry:
    """How one block of an earlier version counts toward blocks of this one."""

    type: str
    old: str | None = None  # None for a new block
    new: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # competencies still to cover
    note: str | None = None
    source: Source | None = field(default=None, compare=False, repr=False)


@dataclass(slots=True)
class Correspondence:
    """Entries the working group confirmed or overrode, mapping from ``from_version``."""

    from_version: str
    entries: list[CorrespondenceEntry] = field(default_factory=list)
    source: Source | None = field(default=None, compare=False, repr=False)


@dataclass(slots=True)
class ReleaseRecord:
    """One released version as recorded in releases.yaml (its commit is the one adding it)."""

    version: str
    date: str
    message: str | None = None
    # a bump lower than the changes called for, decided by the working group: what they called
    # for (major, minor) and the group's reason, both recorded
    required: str | None = None
    reason: str | None = None
    # the proposals merged since the previous release that changed the framework (refkit.review)
    proposals: list[AdoptedProposal] = field(default_factory=list)
    source: Source | None = field(default=None, compare=False, repr=False)


@dataclass(slots=True)
class AdoptedProposal:
    """A proposal a release adopts: when the approval rule held and which colleges approved,
    or the reason it was merged without (``forced``)."""

    slug: str
    title: str
    approved: str | None = None  # YYYY-MM-DD
    colleges: list[str] = field(default_factory=list)
    forced: str | None = None

    @classmethod
    def from_data(cls, d: dict[str, Any]) -> AdoptedProposal:
        """Read leniently from releases.yaml (the schema check reports what is wrong)."""

        def text(key: str) -> str | None:
            v = d.get(key)
            return str(v) if isinstance(v, str | int | float) and not isinstance(v, bool) else None

        colleges = d.get("colleges")
        found = [c for c in colleges if isinstance(c, str)] if isinstance(colleges, list) else []
        return cls(text("slug") or "", text("title") or "", text("approved"), found, text("forced"))

    def data(self) -> dict[str, Any]:
        d = {"slug": self.slug, "title": self.title, "approved": self.approved}
        return {k: v for k, v in {**d, "colleges": list(self.colleges), "forced": self.forced}.items() if v}  # fmt: skip


@dataclass(slots=True)
class Level:
    eqf: int | None = None
    national: dict[str, int] = field(default_factory=dict)  # fr, nzqf, aqf... -> level


@dataclass(slots=True)
class Member:
    organisation: str
    college: str | None = None
    role: str | None = None


@dataclass(slots=True)
class Validity:
    start: str | None = None  # "from" in the file
    until: str | None = None


@dataclass(slots=True)
class Framework:
    id: str
    title: str
    version: str = "0.1.0"
    status: str = Status.DRAFT.value
    type: str | None = None  # None: a certification (the field is absent from the file)
    stable_ids: bool | None = None  # True: ids are the source's identifiers, never renumbered
    level: Level = field(default_factory=Level)
    lang: str = "fr"
    sector: str | None = None
    codes: dict[str, Any] = field(default_factory=dict)
    summary: str | None = None
    working_group: list[Member] = field(default_factory=list)
    approval: str | None = None  # the approval rule of proposals; None: every-college (review)
    validity: Validity = field(default_factory=Validity)
    activities: list[Activity] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    shared_blocks: list[SharedBlockRef] = field(default_factory=list)
    certification: CertificationRules = field(default_factory=CertificationRules)
    correspondence: Correspondence | None = None
    releases: list[ReleaseRecord] = field(default_factory=list)  # from releases.yaml
    extensions: dict[str, Any] = field(default_factory=dict)
    folder: str = ""  # repository-relative folder, e.g. frameworks/plombier-chauffagiste
    source: Source | None = field(default=None, compare=False, repr=False)
    relations: list[Relation] = field(default_factory=list)  # typed links (issue 17)

    # -- lookups -----------------------------------------------------------------------------
    def block(self, block_id: str) -> Block | None:
        return next((b for b in self.blocks if b.id == block_id), None)

    def activity(self, activity_id: str) -> Activity | None:
        return next((a for a in self.activities if a.id == activity_id), None)

    def competencies(self) -> list[tuple[Block, Competency]]:
        return [(b, c) for b in self.blocks for c in b.competencies]

    def find_competency(self, competency_id: str) -> tuple[Block, Competency] | None:
        for b in self.blocks:
            for c in b.competencies:
                if c.id == competency_id:
                    return b, c
        return None

    def target_ids(self) -> set[str]:
        """The ids a relation's target may name in this framework: the framework itself, its
        activities, its own and shared blocks, its competencies."""
        ids = {self.id, *(a.id for a in self.activities), *self.block_ids()}
        ids.update(c.id for b in self.blocks for c in b.competencies)
        return ids

    def holders(self) -> list[tuple[str, str, Framework | Activity | Block | Competency]]:
        """Every item that can hold relations, as (kind, id, item), in file order."""
        out: list[tuple[str, str, Framework | Activity | Block | Competency]] = [
            ("framework", self.id, self)
        ]
        out += [("activity", a.id, a) for a in self.activities]
        for b in self.blocks:
            out.append(("block", b.id, b))
            out += [("competency", c.id, c) for c in b.competencies]
        return out

    @property
    def is_reference(self) -> bool:
        """A reference framework (ESCO, NICE...): no level, certification rules or criteria."""
        return self.type == FrameworkType.REFERENCE.value

    def block_ids(self) -> list[str]:
        """Own blocks, then shared blocks, in the order they are listed."""
        return [b.id for b in self.blocks] + [s.block for s in self.shared_blocks]

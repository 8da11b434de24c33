"""Provides the lenient builders of ``store.loader``: plain data read from a file (and its
positions) -> the model. A field of the wrong type is left out rather than refused (the schema
check has said what is wrong, at its line and column), so that a framework with problems is still
read as far as it can be, and every item keeps its ``Source`` (file, line, column)."""

from __future__ import annotations

from typing import Any

from refkit.model import (
    Activity,
    AdoptedProposal,
    Block,
    CertificationRules,
    Competency,
    Correspondence,
    CorrespondenceEntry,
    Criterion,
    ElectiveGroup,
    Framework,
    Level,
    Member,
    Modality,
    ReleaseRecord,
    SharedBlockRef,
    Source,
    Validity,
    Volume,
)
from refkit.problems import DocPath
from refkit.store.reader import Positions
from refkit.store.relations import read_relations


def _src(file: str, positions: Positions, obj: Any, path: DocPath) -> Source:
    entry = positions.table.get(id(obj)) or (1, 1)
    return Source(file, entry[0], entry[1], path)


def _str(d: dict[str, Any], key: str) -> str | None:
    v = d.get(key)
    if v is None or isinstance(v, dict | list):
        return None
    if isinstance(v, bool):
        return str(v).lower()
    return v if isinstance(v, str) else str(v)


def _text(d: dict[str, Any], key: str) -> str:
    return _str(d, key) or ""


def _strs(d: dict[str, Any], key: str) -> list[str]:
    v = d.get(key)
    if isinstance(v, str):  # a single value where a list is expected: the schema says so
        return [v]
    if not isinstance(v, list):
        return []
    return [
        x if isinstance(x, str) else str(x)
        for x in v
        if x is not None and not isinstance(x, dict | list)
    ]


def _num(d: dict[str, Any], key: str) -> float | None:
    v = d.get(key)
    return v if isinstance(v, int | float) and not isinstance(v, bool) else None


def _int(d: dict[str, Any], key: str) -> int | None:
    v = d.get(key)
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _dicts(d: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
    v = d.get(key)
    if not isinstance(v, list):
        return []
    return [(i, x) for i, x in enumerate(v) if isinstance(x, dict)]


def _volume(d: dict[str, Any], key: str) -> Volume:
    v = d.get(key)
    if not isinstance(v, dict):
        return Volume()
    return Volume(hours=_num(v, "hours"), credits=_num(v, "credits"))


# a competency's own keys (the schema's): one with none other has no extension to look for
_COMPETENCY_KEYS = frozenset(
    ("id", "statement", "kind", "activities", "criteria", "esco", "notes", "relations")
)


def _ext(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k.startswith("x-")}


def _framework(d: dict[str, Any], pos: Positions, file: str, folder: str) -> Framework:
    level = d.get("level")
    level_d = level if isinstance(level, dict) else {}
    validity = d.get("validity")
    validity_d = validity if isinstance(validity, dict) else {}
    codes = d.get("codes")
    cert = d.get("certification")
    cert_d = cert if isinstance(cert, dict) else {}
    return Framework(
        id=_text(d, "id"),
        title=_text(d, "title"),
        version=_text(d, "version"),
        status=_text(d, "status"),
        type=_str(d, "type"),
        stable_ids=d.get("stable_ids") if isinstance(d.get("stable_ids"), bool) else None,
        level=Level(eqf=_int(level_d, "eqf"), national=_levels(level_d.get("national"))),
        lang=_text(d, "lang"),
        sector=_str(d, "sector"),
        codes=dict(codes) if isinstance(codes, dict) else {},
        summary=_str(d, "summary"),
        working_group=[
            Member(
                organisation=_text(m, "organisation"),
                college=_str(m, "college"),
                role=_str(m, "role"),
            )
            for _, m in _dicts(d, "working_group")
        ],
        approval=_str(d["approval"], "rule") if isinstance(d.get("approval"), dict) else None,
        validity=Validity(start=_str(validity_d, "from"), until=_str(validity_d, "until")),
        activities=[
            Activity(
                id=_text(a, "id"),
                title=_text(a, "title"),
                description=_str(a, "description"),
                tasks=_strs(a, "tasks"),
                extensions=_ext(a),
                source=_src(file, pos, a, ("activities", i)),
                relations=read_relations(a, pos, file, ("activities", i)),
            )
            for i, a in _dicts(d, "activities")
        ],
        shared_blocks=[
            SharedBlockRef(
                framework=_text(s, "framework"),
                block=_text(s, "block"),
                version=_str(s, "version"),
                source=_src(file, pos, s, ("shared_blocks", i)),
            )
            for i, s in _dicts(d, "shared_blocks")
        ],
        certification=CertificationRules(
            required=_strs(cert_d, "required"),
            electives=[
                ElectiveGroup(
                    id=_text(g, "id"),
                    choose=_int(g, "choose") or 0,
                    blocks=_strs(g, "from"),
                    title=_str(g, "title"),
                    source=_src(file, pos, g, ("certification", "electives", i)),
                )
                for i, g in _dicts(cert_d, "electives")
            ],
            volume=_volume(cert_d, "volume"),
        ),
        correspondence=_correspondence(d.get("correspondence"), pos, file),
        extensions=_ext(d),
        folder=folder,
        source=_src(file, pos, d, ()),
        relations=read_relations(d, pos, file, ()),
    )


def _levels(d: Any) -> dict[str, int]:
    items = d.items() if isinstance(d, dict) else ()
    return {str(k): v for k, v in items if isinstance(v, int) and not isinstance(v, bool)}


def _correspondence(d: Any, pos: Positions, file: str) -> Correspondence | None:
    if not isinstance(d, dict):
        return None
    entries = [
        CorrespondenceEntry(
            type=_text(e, "type"),
            old=_str(e, "old"),
            new=_strs(e, "new"),
            missing=_strs(e, "missing"),
            note=_str(e, "note"),
            source=_src(file, pos, e, ("correspondence", "blocks", i)),
        )
        for i, e in _dicts(d, "blocks")
    ]
    return Correspondence(_text(d, "from"), entries, _src(file, pos, d, ("correspondence",)))


def _releases(d: dict[str, Any], pos: Positions, file: str) -> list[ReleaseRecord]:
    out = []
    for i, r in _dicts(d, "releases"):
        override = r["override"] if isinstance(r.get("override"), dict) else {}
        out.append(
            ReleaseRecord(
                version=_text(r, "version"),
                date=_text(r, "date"),
                message=_str(r, "message"),
                required=_str(override, "required"),
                reason=_str(override, "reason"),
                proposals=[AdoptedProposal.from_data(a) for _, a in _dicts(r, "proposals")],
                source=_src(file, pos, r, ("releases", i)),
            )
        )
    return out


def _block(d: dict[str, Any], pos: Positions, file: str) -> Block:
    competencies = []
    table = pos.table
    for i, c in _dicts(d, "competencies"):
        path: DocPath = ("competencies", i)
        crit = c.get("criteria")
        criteria = []
        if isinstance(crit, str):  # a single criterion not written as a list: the schema says so
            criteria.append(Criterion(crit, _src(file, pos, c, (*path, "criteria"))))
        elif isinstance(crit, list):
            crit_pos = pos.table.get(id(crit))
            for j, text in enumerate(crit):
                if text is None or isinstance(text, dict | list):
                    continue
                line, col = crit_pos[2][j] if crit_pos else (1, 1)
                criteria.append(
                    Criterion(str(text), Source(file, line, col, (*path, "criteria", j)))
                )
        # fast path for well-typed values (nearly always); the helpers handle the rest
        cid, statement, kind = c.get("id"), c.get("statement"), c.get("kind")
        acts, esco, notes = c.get("activities"), c.get("esco"), c.get("notes")
        entry = table.get(id(c)) or (1, 1)
        competencies.append(
            Competency(
                id=cid if type(cid) is str else _text(c, "id"),
                statement=statement if type(statement) is str else _text(c, "statement"),
                kind=kind if type(kind) is str else _text(c, "kind"),
                activities=_strs(c, "activities") if acts is not None else [],
                criteria=criteria,
                esco=_strs(c, "esco") if esco is not None else [],
                notes=notes if type(notes) is str or notes is None else _str(c, "notes"),
                extensions={} if _COMPETENCY_KEYS.issuperset(c) else _ext(c),
                source=Source(file, entry[0], entry[1], path),
                relations=read_relations(c, pos, file, path) if "relations" in c else [],
            )
        )
    return Block(
        id=_text(d, "id"),
        title=_text(d, "title"),
        competencies=competencies,
        description=_str(d, "description"),
        volume=_volume(d, "volume"),
        prerequisites=_strs(d, "prerequisites"),
        modalities=[
            Modality(
                type=_text(m, "type"),
                description=_str(m, "description"),
                hours=_num(m, "hours"),
                source=_src(file, pos, m, ("modalities", i)),
            )
            for i, m in _dicts(d, "modalities")
        ],
        extensions=_ext(d),
        source=_src(file, pos, d, ()),
        relations=read_relations(d, pos, file, ()),
    )

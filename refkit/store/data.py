"""Provides the plain data of a model, in the schema's key order: what ``store.writer`` merges
into each file's round-trip document, what a new file is written from, and what the site and the
release read as the files would hold them."""

from __future__ import annotations

from typing import Any

from refkit.model import Activity, Block, Competency, Framework, Volume
from refkit.store.relations import relations_data


def _num(value: float | None) -> int | float | None:
    return value if value is None or not float(value).is_integer() else int(value)


def _volume(v: Volume) -> dict[str, Any] | None:
    d = {k: _num(x) for k, x in (("hours", v.hours), ("credits", v.credits)) if x is not None}
    return d or None


def _prune(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None and v != [] and v != {}}


def framework_data(fw: Framework) -> dict[str, Any]:
    level = _prune({"eqf": fw.level.eqf, "national": dict(fw.level.national)})
    validity = _prune({"from": fw.validity.start, "until": fw.validity.until})
    cert = fw.certification
    certification = _prune(
        {
            "required": list(cert.required),
            "electives": [
                _prune({"id": g.id, "title": g.title, "choose": g.choose, "from": list(g.blocks)})
                for g in cert.electives
            ],
            "volume": _volume(cert.volume),
        }
    )
    return _prune(
        {
            "id": fw.id,
            "title": fw.title,
            "version": fw.version,
            "status": fw.status,
            "type": fw.type,
            "stable_ids": fw.stable_ids,
            "level": level,
            "sector": fw.sector,
            "lang": fw.lang,
            "codes": fw.codes or None,
            "summary": fw.summary,
            "working_group": [
                _prune({"organisation": m.organisation, "college": m.college, "role": m.role})
                for m in fw.working_group
            ],
            "approval": {"rule": fw.approval} if fw.approval else None,
            "validity": validity,
            "activities": [activity_data(a) for a in fw.activities],
            "shared_blocks": [
                _prune({"framework": s.framework, "block": s.block, "version": s.version})
                for s in fw.shared_blocks
            ],
            "certification": certification,
            "correspondence": correspondence_data(fw),
            "relations": relations_data(fw.relations),
            **fw.extensions,
        }
    )


def correspondence_data(fw: Framework) -> dict[str, Any] | None:
    c = fw.correspondence
    if c is None:
        return None
    return {
        "from": c.from_version,
        "blocks": [
            _prune(
                {
                    "old": e.old,
                    "new": list(e.new),
                    "type": e.type,
                    "missing": list(e.missing),
                    "note": e.note,
                }
            )
            for e in c.entries
        ],
    }


def releases_data(fw: Framework) -> dict[str, Any]:
    return {
        "releases": [
            _prune(
                {
                    "version": r.version,
                    "date": r.date,
                    "message": r.message,
                    "override": _prune({"required": r.required, "reason": r.reason}) or None,
                    "proposals": [p.data() for p in r.proposals],
                }
            )
            for r in fw.releases
        ]
    }


def activity_data(a: Activity) -> dict[str, Any]:
    return _prune(
        {
            "id": a.id,
            "title": a.title,
            "description": a.description,
            "tasks": list(a.tasks),
            "relations": relations_data(a.relations),
            **a.extensions,
        }
    )


def competency_data(c: Competency) -> dict[str, Any]:
    return _prune(
        {
            "id": c.id,
            "statement": c.statement,
            "kind": c.kind,
            "activities": list(c.activities),
            "criteria": [cr.text for cr in c.criteria],
            "esco": list(c.esco),
            "notes": c.notes,
            "relations": relations_data(c.relations),
            **c.extensions,
        }
    )


def block_data(b: Block) -> dict[str, Any]:
    return _prune(
        {
            "id": b.id,
            "title": b.title,
            "description": b.description,
            "volume": _volume(b.volume),
            "prerequisites": list(b.prerequisites),
            "modalities": [
                _prune({"type": m.type, "description": m.description, "hours": _num(m.hours)})
                for m in b.modalities
            ],
            "competencies": [competency_data(c) for c in b.competencies],
            "relations": relations_data(b.relations),
            **b.extensions,
        }
    )

"""Provides relations read from a file's data, and their compact form for the cache of blobs.

An item's ``relations:`` list (framework, activity, block, competency) becomes ``Relation``
objects, each with the place of its mapping; values of the wrong type are read leniently (the
schema reports them), as everywhere in the loader.
"""

from __future__ import annotations

from typing import Any

from refkit.model import Relation, Source
from refkit.problems import DocPath
from refkit.store.reader import Positions


def _text(r: dict[str, Any], key: str) -> str | None:
    v = r.get(key)
    if v is None or isinstance(v, dict | list):
        return None
    return str(v).lower() if isinstance(v, bool) else str(v)


def read_relations(d: dict[str, Any], pos: Positions, file: str, path: DocPath) -> list[Relation]:
    """The relations of the item whose data is ``d`` (at ``path`` in ``file``)."""
    items = d.get("relations")
    if not isinstance(items, list):
        return []
    out = []
    for i, r in enumerate(items):
        if not isinstance(r, dict):
            continue
        entry = pos.table.get(id(r))
        line, col = (entry[0], entry[1]) if entry else (1, 1)
        out.append(
            Relation(
                _text(r, "type") or "",
                _text(r, "target") or "",
                _text(r, "note"),
                Source(file, line, col, (*path, "relations", i)),
            )
        )
    return out


def relations_to_compact(relations: list[Relation]) -> list[list[Any]]:
    out = []
    for r in relations:
        s = r.source
        index = s.path[-1] if s is not None and s.path else -1
        out.append([r.type, r.target, r.note, s.line if s else 1, s.col if s else 1, index])
    return out


def relations_from_compact(data: list[list[Any]], file: str, path: DocPath) -> list[Relation]:
    return [
        Relation(t, target, note, Source(file, line, col, (*path, "relations", i)))
        for t, target, note, line, col, i in data
    ]


def relations_data(relations: list[Relation]) -> list[dict[str, str]]:
    """As written in a file: type, target, then the note if any."""
    return [
        {"type": r.type, "target": r.target, **({"note": r.note} if r.note is not None else {})}
        for r in relations
    ]


# the keys of a relation, and where relations are in each kind of file: store.writer adds them
# to the keys it manages (a relation deleted from the model is deleted from the file)
RELATION_KEYS = frozenset({"type", "target", "note"})
HOLDERS = {"framework": ((), ("activities", "*")), "block": ((), ("competencies", "*"))}


def with_relations(
    kind: str, managed: dict[tuple[str, ...], frozenset[str]]
) -> dict[tuple[str, ...], frozenset[str]]:
    """``managed`` (a file kind's managed keys) with the relations of its items."""
    out = dict(managed)
    for path in HOLDERS.get(kind, ()):
        out[path] = out.get(path, frozenset()) | {"relations"}
        out[(*path, "relations", "*")] = RELATION_KEYS
    return out

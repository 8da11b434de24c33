"""Provides CASE associations as refkit relations, and back.

On import, an association other than the hierarchy (``isChildOf``) and those refkit reads as
its own fields (an ``exactMatchOf`` to ESCO, a ``precedes`` between blocks) becomes a relation of
its origin item when its destination is an item of the package (the target is that item's id) or
an outside concept with an absolute URI (the target is the URI); what CASE needs to write it back
as it was (its identifier, URI, date, sequence number, the outside node's title) is kept beside
it in ``x-case.relations``. On export, each relation is an association again, with what was kept
or, for a relation written in refkit, a stable identifier. A link to an item of another refkit
framework (``other@1.0.0:C3``) has no CASE form without that framework's package: it is not
exported (said in docs/cli.md). CASE has no SKOS types nor ``requires``: ``exactMatch`` goes out
as ``exactMatchOf``, the others as ``isRelatedTo`` (CASE's general link).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from refkit.interop import stable_uuid
from refkit.model import RELATION_TYPES, Relation, parse_target

_MINE = ("originNodeURI", "associationType")
# CASE's association types (CFAssociations), the hierarchy's isChildOf first
ASSOCIATION_TYPES = ("isChildOf", "isPeerOf", "isPartOf", "exactMatchOf", "precedes", "isRelatedTo", "replacedBy", "exemplar", "hasSkillLevel")  # fmt: skip


def relation_of(
    a: dict[str, Any], items: dict[str, Any], rid: dict[str, str]
) -> tuple[Relation, dict[str, Any]] | None:
    """The relation the association ``a`` is, and what to keep to write it back; None when it
    is not one (a type refkit has no relation for, a destination that is neither an item of the
    package nor an absolute URI)."""
    kind = a.get("associationType")
    dest = a.get("destinationNodeURI")
    if kind not in RELATION_TYPES or not isinstance(dest, dict):
        return None
    ident = dest.get("identifier")
    inside = isinstance(ident, str) and ident in items
    target = rid[str(ident)] if inside else dest.get("uri")
    if not isinstance(target, str) or (not inside and parse_target(target).kind != "uri"):
        return None
    book = {
        k: v for k, v in a.items() if k not in _MINE and not (inside and k == "destinationNodeURI")
    }
    return Relation(str(kind), target), {"type": kind, "target": target, **book}


def associations_of(
    relations: list[Relation],
    kept: Any,
    origin: dict[str, str],
    link: Callable[[str], dict[str, str] | None],
    identify: Callable[[Any, tuple[str, ...]], str],
) -> list[dict[str, Any]]:
    """The associations of an item's ``relations`` from ``origin`` (its link), with what was
    ``kept`` on import; ``link``: the link of an item of the framework by id; ``identify``: the
    identifier to give (the kept one, or a stable new one from the given parts)."""
    books = [b for b in kept if isinstance(b, dict)] if isinstance(kept, list) else []
    out = []
    for r in relations:
        book = next(
            (b for b in books if b.get("type") == r.type and b.get("target") == r.target), {}
        )
        if book:
            books.remove(book)
        t = parse_target(r.target)
        dest = link(t.item) if t.kind == "item" else None
        if t.kind == "uri":
            made = {"title": r.target, "identifier": stable_uuid("uri", r.target), "uri": r.target}
            dest = book.get("destinationNodeURI") or made
        if dest is None:
            continue  # an item of another framework, or one that is not there (validate says so)
        a = {k: v for k, v in book.items() if k not in ("type", "target")}
        a["identifier"] = identify(book.get("identifier"), (r.type, r.target))
        kind = r.type if r.type in ASSOCIATION_TYPES[1:] else "exactMatchOf" if r.type == "exactMatch" else "isRelatedTo"  # fmt: skip
        out.append({**a, "associationType": kind, "originNodeURI": origin, "destinationNodeURI": dest})  # fmt: skip
    return out

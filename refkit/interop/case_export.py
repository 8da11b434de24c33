"""Provides ``export_case``: a framework as a CASE 1.0 CFPackage (``refkit.interop.case`` says how
refkit maps to CASE)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from refkit.interop import is_uuid, one_line, stable_uuid
from refkit.interop.case_relations import associations_of
from refkit.model import Block, Framework

# what refkit adds to x-case itself (never a CASE field)
_INTERNAL = ("parent", "associations", "position", "container", "sequenceNumber", "fullStatement")

STATUS_TO_CASE = {"draft": "Draft", "published": "Adopted", "deprecated": "Deprecated"}


@dataclass(slots=True)
class Correspondence:
    """A correspondence table to export as associations from ``old``'s blocks."""

    old: Framework
    old_version: str
    new_version: str
    entries: Iterable[Any]  # refkit.diff.correspondence.Entry


class _Exporter:
    """A package being made: identifiers given so far, and the items and associations."""

    def __init__(self, fw: Framework, when: str, base_uri: str | None) -> None:
        self.fw = fw
        self.when = when
        self.base = base_uri.rstrip("/") if base_uri else None
        self.used: set[str] = set()
        self.native = "x-case" not in fw.extensions  # written in refkit, not imported
        self.items: list[dict[str, Any]] = []
        self.assocs: list[dict[str, Any]] = []
        self.block_links: dict[str, dict[str, str]] = {}  # block id -> its item's link
        self.block_items: dict[str, dict[str, Any]] = {}
        self.comp_items: dict[str, dict[str, Any]] = {}  # competency id -> its item

    def uri(self, kind: str, identifier: str) -> str:
        if self.base:
            return f"{self.base}/{kind}/{identifier}"
        return f"urn:uuid:{identifier}"

    def identifier(self, x: dict[str, Any], *parts: str, rid: str) -> str:
        """The item's CASE identifier: kept when it is a UUID, else its refkit id when that is
        one (imported ASN-style items), else derived from the refkit ids."""
        for candidate in (x.get("identifier"), rid, stable_uuid(self.fw.id, *parts)):
            if is_uuid(candidate) and candidate not in self.used:
                self.used.add(candidate)
                return str(candidate)
        return stable_uuid(self.fw.id, *parts, "again")

    def item(self, x: dict[str, Any], *, ident: str, statement: str, notes: str | None,
             item_type: str, code: str) -> dict[str, Any]:  # fmt: skip
        """A CFItem: the fields kept from the source, else refkit's (native items only)."""
        native = "identifier" not in x
        out: dict[str, Any] = {"identifier": ident}
        full = x.get("fullStatement")
        out["fullStatement"] = (
            full if isinstance(full, str) and one_line(full) == statement else statement
        )
        for k, v in x.items():
            if k not in _INTERNAL and k != "identifier":
                out[k] = v
        out.setdefault("uri", self.uri("CFItems", ident))
        if native:
            out["CFItemType"] = item_type
            out["humanCodingScheme"] = code
            out["language"] = self.fw.lang
        if notes:
            out["notes"] = notes
        out.setdefault("lastChangeDateTime", self.when)
        return out

    def child_of(self, origin: dict[str, Any], dest: dict[str, str], seq: Any, *parts: str) -> None:
        """The isChildOf association placing ``origin`` under ``dest``."""
        a: dict[str, Any] = {
            "identifier": stable_uuid(self.fw.id, "isChildOf", *parts),
            "associationType": "isChildOf",
            "uri": "",
            "originNodeURI": _link(origin),
            "destinationNodeURI": dest,
            "lastChangeDateTime": origin.get("lastChangeDateTime", self.when),
        }
        if seq is not None:
            a["sequenceNumber"] = _integer(seq)
        a["uri"] = self.uri("CFAssociations", a["identifier"])
        self.assocs.append(a)

    def kept(self, origin: dict[str, Any], x: dict[str, Any], item: Any, *parts: str) -> None:
        """The associations of ``item`` (its x-case: ``x``): its relations, and those kept
        from the source."""
        self.assocs.extend(_relations_out(self, self.fw.id, item, x, _link(origin), self.comp_items, self.block_links, parts, self.when))  # fmt: skip
        for n, a in enumerate(x.get("associations") or []):
            if not isinstance(a, dict):
                continue
            out = dict(a)
            ident = out.get("identifier")
            if not is_uuid(ident) or ident in self.used:
                ident = stable_uuid(self.fw.id, "association", *parts, str(n))
            self.used.add(ident)
            out["identifier"] = ident
            out["originNodeURI"] = _link(origin)
            out.setdefault("uri", self.uri("CFAssociations", ident))
            out.setdefault("lastChangeDateTime", self.when)
            self.assocs.append(_ordered_association(out))


def export_case(
    fw: Framework,
    *,
    when: str,
    base_uri: str | None = None,
    correspondence: Correspondence | None = None,
) -> dict[str, Any]:
    """The CFPackage of ``fw``. ``when``: the lastChangeDateTime of what has none (ISO 8601)."""
    ex = _Exporter(fw, when, base_uri)
    x_doc: dict[str, Any] = dict(fw.extensions.get("x-case") or {})
    doc = _document(ex, x_doc)
    _hierarchy(ex, {"title": _title(doc["title"]), "identifier": doc["identifier"], "uri": doc["uri"]})  # fmt: skip
    _associations(ex)
    for n, a in enumerate(x_doc.get("associations") or []):
        if isinstance(a, dict):
            out = dict(a)
            if not is_uuid(out.get("identifier")):
                out["identifier"] = stable_uuid(fw.id, "document-association", str(n))
            out.setdefault("uri", ex.uri("CFAssociations", out["identifier"]))
            out.setdefault("lastChangeDateTime", when)
            ex.assocs.append(_ordered_association(out))

    definitions = _definitions(ex, x_doc.get("definitions"), when)
    if correspondence is not None:
        _correspondence(ex, correspondence, ex.block_links, ex.assocs, definitions, when)
    package: dict[str, Any] = {"CFDocument": doc, "CFItems": ex.items, "CFAssociations": ex.assocs}
    if definitions:
        package["CFDefinitions"] = definitions
    rubrics = x_doc.get("rubrics")
    if isinstance(rubrics, list) and rubrics:
        package["CFRubrics"] = rubrics
    else:
        generated = _rubric(ex, fw, ex.comp_items, when)
        if generated is not None:
            package["CFRubrics"] = [generated]
    return package


def _document(ex: _Exporter, x_doc: dict[str, Any]) -> dict[str, Any]:
    """The CFDocument: what was kept from the source, else refkit's metadata."""
    fw, when = ex.fw, ex.when
    doc_ident = ex.identifier(x_doc, "framework", rid=fw.id)
    doc: dict[str, Any] = {"identifier": doc_ident}
    for k, v in x_doc.items():
        if k not in ("identifier", "definitions", "rubrics", "associations", "title"):
            doc[k] = v
    doc.setdefault("uri", ex.uri("CFDocuments", doc_ident))
    creators = "; ".join(m.organisation for m in fw.working_group if m.organisation)
    doc.setdefault("creator", creators or fw.title)
    full_title = x_doc.get("title")
    doc["title"] = (
        full_title if isinstance(full_title, str) and one_line(full_title) == fw.title else fw.title
    )
    doc.setdefault("lastChangeDateTime", when)
    if fw.summary:
        doc["description"] = fw.summary
    if ex.native or "language" in x_doc:
        doc["language"] = fw.lang
    if ex.native:
        doc["version"] = fw.version
        doc["adoptionStatus"] = STATUS_TO_CASE.get(fw.status, "Draft")
    return doc


def _hierarchy(ex: _Exporter, doc_link: dict[str, str]) -> None:
    """An item for each block (but the one standing for the document) and competency, each
    placed under its parent by an isChildOf association."""
    fw = ex.fw
    pending_parents: list[tuple[dict[str, Any], str, dict[str, Any], Any]] = []

    def order(b: Block) -> tuple[float, int]:
        pos = (b.extensions.get("x-case") or {}).get("position")
        return (float(pos) if isinstance(pos, int | float) else float("inf"), fw.blocks.index(b))

    for bpos, block in enumerate(sorted(fw.blocks, key=order), start=1):
        bx: dict[str, Any] = dict(block.extensions.get("x-case") or {})
        if bx.get("container") == "document":
            parent_link = doc_link
        else:
            bident = ex.identifier(bx, "block", block.id, rid=block.id)
            bitem = ex.item(bx, ident=bident, statement=block.title, notes=block.description,
                            item_type="Block", code=block.id)  # fmt: skip
            ex.items.append(bitem)
            parent_link = _link(bitem)
            ex.block_links[block.id] = parent_link
            ex.block_items[block.id] = bitem
            seq = bx.get("sequenceNumber", bpos if ex.native else None)
            ex.child_of(bitem, doc_link, seq, "block", block.id)
        for cpos, c in enumerate(block.competencies, start=1):
            cx: dict[str, Any] = dict(c.extensions.get("x-case") or {})
            cident = ex.identifier(cx, "competency", c.id, rid=c.id)
            citem = ex.item(cx, ident=cident, statement=c.statement, notes=c.notes,
                            item_type=c.kind.capitalize() if c.kind else "Competency",
                            code=c.id)  # fmt: skip
            ex.items.append(citem)
            ex.comp_items[c.id] = citem
            seq = cx.get("sequenceNumber", cpos if ex.native else None)
            pending_parents.append(
                (citem, str(cx.get("parent") or ""), parent_link, (seq, block.id, c.id))
            )
    for citem, parent_id, block_link, (seq, bid, cid) in pending_parents:
        dest = _link(ex.comp_items[parent_id]) if parent_id in ex.comp_items else block_link
        ex.child_of(citem, dest, seq, "competency", bid, cid)


def _associations(ex: _Exporter) -> None:
    """The associations of each block and competency: kept from the source, relations, ESCO
    alignments, prerequisites."""
    fw, comp_items, block_links = ex.fw, ex.comp_items, ex.block_links
    for block in fw.blocks:
        if block.id in block_links:
            ex.kept(ex.block_items[block.id], block.extensions.get("x-case") or {}, block, "block", block.id)  # fmt: skip
        for c in block.competencies:
            ex.kept(comp_items[c.id], c.extensions.get("x-case") or {}, c, "competency", c.id)
            for uri in c.esco:
                ident = stable_uuid(fw.id, "esco", c.id, uri)
                ex.assocs.append(_ordered_association({
                    "identifier": ident, "associationType": "exactMatchOf",
                    "uri": ex.uri("CFAssociations", ident),
                    "originNodeURI": _link(comp_items[c.id]),
                    "destinationNodeURI": {"title": uri, "identifier": stable_uuid("esco", uri), "uri": uri},
                    "lastChangeDateTime": comp_items[c.id]["lastChangeDateTime"],
                }))  # fmt: skip
        for pre in block.prerequisites:
            if pre in block_links and block.id in block_links:
                ident = stable_uuid(fw.id, "precedes", pre, block.id)
                ex.assocs.append({
                    "identifier": ident, "associationType": "precedes",
                    "uri": ex.uri("CFAssociations", ident),
                    "originNodeURI": block_links[pre], "destinationNodeURI": block_links[block.id],
                    "lastChangeDateTime": ex.when,
                })  # fmt: skip


def _relations_out(ex: Any, fid: str, item: Any, x: dict[str, Any], origin: dict[str, str], comp_items: dict[str, Any], block_links: dict[str, Any], parts: tuple[str, ...], when: str) -> list[dict[str, Any]]:  # fmt: skip
    """The associations of ``item``'s relations (``x``: its x-case, with what was kept)."""

    def link(bid: str) -> dict[str, str] | None:
        return _link(comp_items[bid]) if bid in comp_items else block_links.get(bid)

    def identify(ident: Any, more: tuple[str, ...]) -> str:
        if not is_uuid(ident) or ident in ex.used:
            ident = stable_uuid(fid, "relation", *parts, *more)
        ex.used.add(ident)
        return str(ident)

    out = []
    for a in associations_of(item.relations, x.get("relations"), origin, link, identify):
        a.setdefault("uri", ex.uri("CFAssociations", a["identifier"]))
        out.append(_ordered_association({**a, "lastChangeDateTime": a.get("lastChangeDateTime") or when}))  # fmt: skip
    return out


def _link(item: dict[str, Any]) -> dict[str, str]:
    return {"title": _title(item.get("fullStatement") or item.get("title") or ""),
            "identifier": item["identifier"], "uri": item["uri"]}  # fmt: skip


def _title(text: str) -> str:
    line = one_line(text).strip()
    return line if len(line) <= 120 else line[:119] + "…"


# CASE 1.0 definitions: the fields each kind may have, and those it must have
_DEFINITION_FIELDS = {
    "CFConcepts": ("identifier", "uri", "title", "keywords", "hierarchyCode", "description", "lastChangeDateTime"),
    "CFSubjects": ("identifier", "uri", "title", "hierarchyCode", "description", "lastChangeDateTime"),
    "CFLicenses": ("identifier", "uri", "title", "description", "licenseText", "lastChangeDateTime"),
    "CFItemTypes": ("identifier", "uri", "title", "description", "hierarchyCode", "typeCode", "lastChangeDateTime"),
    "CFAssociationGroupings": ("identifier", "uri", "title", "description", "lastChangeDateTime"),
}  # fmt: skip

_DEFINITION_REQUIRED = {"CFConcepts": ("hierarchyCode",), "CFSubjects": ("hierarchyCode",),
                        "CFLicenses": ("licenseText",), "CFItemTypes": ("hierarchyCode",)}  # fmt: skip


def _definitions(ex: _Exporter, kept: Any, when: str) -> dict[str, Any]:
    """The source's definitions in CASE 1.0 shape: known fields only (the YAML keeps the rest),
    ``URI`` read as ``uri``, identifiers made UUIDs, required fields filled."""
    out: dict[str, Any] = {}
    if not isinstance(kept, dict):
        return out
    for kind, fields in _DEFINITION_FIELDS.items():
        entries = kept.get(kind)
        if not isinstance(entries, list):
            continue
        made = []
        for n, d in enumerate(entries):
            if not isinstance(d, dict):
                continue
            d = {("uri" if k == "URI" else k): v for k, v in d.items()}
            ident = d.get("identifier")
            if not is_uuid(ident):
                ident = stable_uuid(ex.fw.id, kind, str(ident if ident else n))
            entry = {k: d[k] for k in fields if d.get(k) is not None}
            entry["identifier"] = ident
            entry.setdefault("uri", ex.uri(kind, ident))
            entry.setdefault("title", str(d.get("typeCode") or kind))
            entry.setdefault("lastChangeDateTime", when)
            for k in _DEFINITION_REQUIRED.get(kind, ()):
                entry.setdefault(k, "1" if k == "hierarchyCode" else "")
            if isinstance(entry.get("typeCode"), int | float):
                entry["typeCode"] = str(entry["typeCode"])
            made.append(entry)
        out[kind] = made
    return out


def _integer(value: Any) -> Any:
    """A sequenceNumber written as text by some servers ("1") is an integer in CASE."""
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return value


def _ordered_association(a: dict[str, Any]) -> dict[str, Any]:
    if "sequenceNumber" in a:
        a["sequenceNumber"] = _integer(a["sequenceNumber"])
    dest = a.get("destinationNodeURI")
    if isinstance(dest, dict) and not dest.get("uri"):
        ident = str(dest.get("identifier", ""))
        dest["uri"] = f"urn:uuid:{ident}" if is_uuid(ident) else ident
        dest.setdefault("title", "")
    first = (
        "identifier",
        "associationType",
        "sequenceNumber",
        "uri",
        "originNodeURI",
        "destinationNodeURI",
    )
    return {**{k: a[k] for k in first if k in a}, **{k: v for k, v in a.items() if k not in first}}


def _rubric(
    ex: _Exporter, fw: Framework, comp_items: dict[str, dict[str, Any]], when: str
) -> dict[str, Any] | None:
    """refkit's assessment criteria as one CFRubric whose criteria point at their competency."""
    criteria = []
    ident = stable_uuid(fw.id, "rubric")
    for _, c in fw.competencies():
        for n, cr in enumerate(c.criteria, start=1):
            cident = stable_uuid(fw.id, "criterion", c.id, str(n))
            criteria.append({
                "identifier": cident, "uri": ex.uri("CFRubricCriteria", cident),
                "category": "assessment criterion", "description": cr.text,
                "CFItemURI": _link(comp_items[c.id]), "position": n, "rubricId": ident,
                "lastChangeDateTime": when,
            })  # fmt: skip
    if not criteria:
        return None
    return {"identifier": ident, "uri": ex.uri("CFRubrics", ident),
            "title": f"{fw.title}: assessment criteria", "lastChangeDateTime": when,
            "CFRubricCriteria": criteria}  # fmt: skip


def _correspondence(
    ex: _Exporter,
    corr: Correspondence,
    block_links: dict[str, dict[str, str]],
    assocs: list[dict[str, Any]],
    definitions: dict[str, Any],
    when: str,
) -> None:
    """Each old block -> the new blocks it counts for: exactMatchOf when equivalent, replacedBy
    otherwise. An old block that kept its id is the same CASE item: nothing to say."""
    fw = ex.fw
    group_ident = stable_uuid(fw.id, "correspondence", corr.old_version, corr.new_version)
    grouping = {
        "identifier": group_ident,
        "uri": ex.uri("CFAssociationGroupings", group_ident),
        "title": f"Correspondence {corr.old_version} → {corr.new_version}",
        "description": f"How the blocks of version {corr.old_version} count toward those of version {corr.new_version}",
        "lastChangeDateTime": when,
    }
    group_link = {"title": grouping["title"], "identifier": group_ident, "uri": grouping["uri"]}
    added = False
    for entry in corr.entries:
        if entry.old is None or not entry.new:
            continue
        old_block = corr.old.block(entry.old)
        if old_block is None:
            continue
        ox = old_block.extensions.get("x-case") or {}
        kept_ident = ox.get("identifier")
        old_ident: str = (
            kept_ident
            if is_uuid(kept_ident)
            else (entry.old if is_uuid(entry.old) else stable_uuid(fw.id, "block", entry.old))
        )
        old_link = {"title": _title(old_block.title), "identifier": old_ident,
                    "uri": ox.get("uri") or ex.uri("CFItems", old_ident)}  # fmt: skip
        kind = "exactMatchOf" if entry.type == "equivalent" else "replacedBy"
        for new_id in entry.new:
            dest = block_links.get(new_id)
            if dest is None or dest["identifier"] == old_ident:
                continue
            ident = stable_uuid(fw.id, "correspondence", corr.old_version, entry.old, new_id)
            a = {
                "identifier": ident, "associationType": kind,
                "uri": ex.uri("CFAssociations", ident),
                "originNodeURI": old_link, "destinationNodeURI": dest,
                "CFAssociationGroupingURI": group_link, "lastChangeDateTime": when,
            }  # fmt: skip
            if entry.missing:
                a["notes"] = "still to cover: " + ", ".join(entry.missing)
            assocs.append(a)
            added = True
    if added:
        definitions.setdefault("CFAssociationGroupings", []).append(grouping)

"""Provides import of the NIST NICE Framework (SP 800-181 Rev. 1) components JSON.

NIST publishes the components through its CPRT in two layouts, both read: the plain export
(``{"documents", "relationship_types", "elements", "relationships"}``, e.g. v2.0.0's
``v2_nf_components.json``) and the catalog-export wrapper (``{"response": {"elements": {...}}}``,
e.g. ``cprt_SP_800_181_2_1_0.json``).

NICE is a flat list of elements (tasks, knowledge, skills, work roles, categories, competency
areas...) linked by "projection" relationships, and a task, knowledge or skill statement serves
many work roles. refkit keeps each statement once, under its NICE id:

* work roles are the activities (``OG-WRL-001``), in NICE's display order, their category and OPM
  code in ``x-nice``;
* tasks, knowledge and skills are the competencies of three blocks (``tasks``, ``knowledge``,
  ``skills``); each work role ``requires`` them as relations (issue 17: NICE's work role -> TKS
  links); a competency area a statement belongs to is kept in ``x-nice`` (an area is no item of
  the framework a relation could name);
* categories and competency areas themselves are kept in the framework's ``x-nice``.

A relationship naming an element the file does not have is reported and left out.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from refkit.errors import RefkitError
from refkit.i18n import Msg
from refkit.interop import Imported, Skipped, is_id
from refkit.interop.inputs import read_input
from refkit.interop.jsonfile import load_json
from refkit.model import Activity, Block, Competency, Framework, FrameworkType, Kind, Relation
from refkit.store.loader import natural_key

BLOCKS = (
    ("task", "tasks", "Tasks", Kind.SKILL.value),
    ("knowledge", "knowledge", "Knowledge", Kind.KNOWLEDGE.value),
    ("skill", "skills", "Skills", Kind.SKILL.value),
)


def _layout(data: Any, name: str) -> dict[str, Any]:
    if isinstance(data, dict) and isinstance(data.get("response"), dict):
        inner = data["response"].get("elements")
        if isinstance(inner, dict):
            data = inner
    if not isinstance(data, dict) or not isinstance(data.get("elements"), list):
        found = (
            ", ".join(sorted(map(str, data))[:6]) if isinstance(data, dict) else type(data).__name__
        )
        raise RefkitError(
            Msg(
                "{name} is not a NICE framework export: it has no elements list (found: {found})",
                name=name,
                found=found,
            ),
            hint=Msg(
                "give NIST's NICE Framework components JSON (CPRT export, e.g. v2_nf_components.json); for CASE packages use refkit import case"
            ),
        )
    if not isinstance(data.get("relationships", []), list):
        raise RefkitError(Msg("{name}: relationships is not a list", name=name))
    return data


def import_nice(path: Path) -> Imported:
    name = str(path)
    data = _layout(load_json(path), name)
    fw = Framework(
        id="",
        title="NICE Framework",
        lang="en",
        type=FrameworkType.REFERENCE.value,
        stable_ids=True,
    )
    result = Imported(fw, name)
    elements = _elements(data, name, result)
    kinds = {k for k, _, _, _ in BLOCKS}
    docs = data.get("documents")
    doc = docs[0] if isinstance(docs, list) and docs and isinstance(docs[0], dict) else {}
    if isinstance(doc.get("name"), str) and doc["name"].strip():
        fw.title = doc["name"]
    links = _links(data, elements, result)
    fw.activities = _work_roles(elements, links, result)
    fw.blocks = _blocks(elements, links, result)
    for a in fw.activities:  # a work role requires its tasks, knowledge and skills (issue 17)
        a.relations = [Relation("requires", c.id) for b in fw.blocks for c in b.competencies if a.id in links.roles_of.get(c.id, ())]  # fmt: skip

    def described(etype: str) -> list[dict[str, str]]:
        return [
            {k: v for k, v in (("id", e["element_identifier"]), ("title", e.get("title")), ("text", e.get("text"))) if isinstance(v, str) and v.strip()}
            for e in sorted(elements.values(), key=lambda e: natural_key(e["element_identifier"]))
            if e.get("element_type") == etype
        ]  # fmt: skip

    x_fw: dict[str, Any] = {
        "document": doc.get("doc_identifier"), "version": doc.get("version"), "website": doc.get("website"),
        "sha256": hashlib.sha256(read_input(path)).hexdigest()[:16],
        "categories": described("category"),
        "competency_areas": described("competency_area"),
        "sort": _sort_elements(elements),
    }  # fmt: skip
    fw.extensions["x-nice"] = {k: v for k, v in x_fw.items() if v}
    others = sorted({str(e.get("element_type")) for e in elements.values()} - kinds - {"work_role", "category", "competency_area", "opm_code", "sort"})  # fmt: skip
    if others:
        result.notes.append(Msg("element types refkit does not import: {types}", types=others))
    return result


def _elements(data: dict[str, Any], name: str, result: Imported) -> dict[str, dict[str, Any]]:
    """The elements by identifier; refused when none is a task, knowledge or skill."""
    elements: dict[str, dict[str, Any]] = {}
    for n, e in enumerate(data["elements"]):
        if not isinstance(e, dict) or not isinstance(e.get("element_identifier"), str):
            result.skipped.append(
                Skipped(Msg("element {n}", n=n + 1), Msg("no element_identifier"))
            )
            continue
        elements[e["element_identifier"]] = e
    if not elements:
        raise RefkitError(Msg("{name}: the elements list is empty", name=name))
    kinds = {k for k, _, _, _ in BLOCKS}
    for e in elements.values():  # a type that is not text is no type refkit knows
        if not isinstance(e.get("element_type"), str):
            e["element_type"] = None
    if not any(e.get("element_type") in kinds for e in elements.values()):
        raise RefkitError(
            Msg(
                "{name} has no task, knowledge or skill elements: is it the NICE Framework components file?",
                name=name,
            )
        )
    return elements


@dataclass(slots=True)
class _Links:
    """NICE's relationships, by what refkit makes of them."""

    roles_of: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # statement -> work roles  # fmt: skip
    category_of: dict[str, str] = field(default_factory=dict)  # work role -> its category
    opm_of: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # work role -> OPM codes  # fmt: skip
    area_of: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # statement -> areas  # fmt: skip


def _links(data: dict[str, Any], elements: dict[str, dict[str, Any]], result: Imported) -> _Links:
    kinds = {k for k, _, _, _ in BLOCKS}
    links = _Links()
    for n, r in enumerate(data.get("relationships", [])):
        src = r.get("source_element_identifier") if isinstance(r, dict) else None
        dst = r.get("dest_element_identifier") if isinstance(r, dict) else None
        src = src if isinstance(src, str) else None
        dst = dst if isinstance(dst, str) else None
        where = Msg("relationship {n} ({source} -> {dest})", n=n + 1, source=src, dest=dst)
        if src not in elements or dst not in elements:
            gone = dst if src in elements else src
            result.skipped.append(Skipped(where, Msg("element {id} is not in the file", id=gone)))
            continue
        s_type, d_type = elements[src].get("element_type"), elements[dst].get("element_type")
        if s_type == "work_role" and d_type in kinds:
            links.roles_of[dst].add(src)
        elif s_type == "category" and d_type == "work_role":
            links.category_of[dst] = src
        elif s_type == "work_role" and d_type == "opm_code":
            links.opm_of[src].append(dst)
        elif s_type == "competency_area" and d_type in kinds:
            links.area_of[dst].append(src)
        elif d_type != "sort":
            result.skipped.append(Skipped(where, Msg("refkit has no place for a {source} -> {dest} relationship", source=s_type, dest=d_type)))  # fmt: skip
    return links


def _work_roles(elements: dict[str, dict[str, Any]], links: _Links, result: Imported) -> list[Activity]:  # fmt: skip
    """The work roles as activities, in NICE's display order."""
    sort = {
        e["element_identifier"][2:]: str(e.get("title", ""))
        for e in elements.values()
        if e.get("element_type") == "sort" and e["element_identifier"].startswith("S-")
    }
    roles = [e for e in elements.values() if e.get("element_type") == "work_role"]
    roles.sort(
        key=lambda e: (sort.get(e["element_identifier"], "~"), natural_key(e["element_identifier"]))
    )
    out = []
    for e in roles:
        rid = e["element_identifier"]
        if not is_id(rid):
            result.skipped.append(
                Skipped(Msg("work role {id}", id=rid), Msg("its identifier is not a valid id"))
            )
            continue
        rx = {"category": links.category_of.get(rid), "opm_codes": sorted(links.opm_of.get(rid, []))}  # fmt: skip
        out.append(
            Activity(
                rid,
                _line(e.get("title")) or rid,
                description=e.get("text") if _has_text(e.get("text")) else None,
                extensions={"x-nice": {k: v for k, v in rx.items() if v}},
            )
        )
    return out


def _blocks(elements: dict[str, dict[str, Any]], links: _Links, result: Imported) -> list[Block]:
    """The tasks, knowledge and skills, each a block of competencies (those that have any)."""
    out = []
    for etype, bid, title, kind in BLOCKS:
        block = Block(bid, title)
        for e in sorted(
            (e for e in elements.values() if e.get("element_type") == etype),
            key=lambda e: natural_key(e["element_identifier"]),
        ):
            eid = e["element_identifier"]
            text = e.get("text")
            if not is_id(eid):
                result.skipped.append(
                    Skipped(f"{etype} {eid}", Msg("its identifier is not a valid id"))
                )
                continue
            if not _has_text(text) or "\n" in str(text).strip():
                result.skipped.append(Skipped(f"{etype} {eid}", Msg("no statement on one line")))
                continue
            x: dict[str, Any] = {"competency_areas": sorted(links.area_of.get(eid, []))}
            if _has_text(e.get("title")):
                x["title"] = e["title"]
            block.competencies.append(
                Competency(
                    eid,
                    str(text),
                    kind,
                    extensions={"x-nice": {k: v for k, v in x.items() if v}},
                )
            )
        if block.competencies:
            out.append(block)
    return out


def _sort_elements(elements: dict[str, Any]) -> list[dict[str, str]]:
    """NICE's display order (its "sort" elements), kept so that a diff sees one removed."""
    ordered = sorted(elements.values(), key=lambda e: natural_key(e["element_identifier"]))
    return [
        {"id": e["element_identifier"], "title": str(e.get("title", ""))}
        for e in ordered
        if e.get("element_type") == "sort"
    ]


def _has_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _line(value: Any) -> str:
    return value if isinstance(value, str) and value.strip() and "\n" not in value else ""

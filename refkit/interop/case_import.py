"""Provides ``import_case``: the framework a CASE package holds (``refkit.interop.case`` says how
CASE maps to refkit)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from refkit.i18n import Msg, N_plural
from refkit.interop import Imported, Skipped, id_from_identifier, one_line
from refkit.interop.case_package import (
    LS_DEFINITIONS,
    LS_KEYS,
    end_of,
    normalize_package,
    prune,
    sequence,
)
from refkit.interop.case_relations import ASSOCIATION_TYPES, relation_of
from refkit.interop.jsonfile import load_json
from refkit.model import Block, Competency, Criterion, Framework, FrameworkType, Kind

ESCO_PREFIX = "http://data.europa.eu/esco/"

# keys refkit maps to its own fields or computes; everything else of an item is kept verbatim
_ITEM_MAPPED = ("fullStatement", "notes")


def _kind(item: dict[str, Any]) -> str:
    t = str(item.get("CFItemType") or "").lower()
    if "knowledge" in t or t == "savoir":
        return Kind.KNOWLEDGE.value
    if any(w in t for w in ("attitude", "disposition", "behaviour", "behavior")):
        return Kind.ATTITUDE.value
    return Kind.SKILL.value


@dataclass(slots=True)
class _Tree:
    roots: list[str]
    children: dict[str, list[str]]
    parent: dict[str, str]
    child_assoc: dict[str, dict[str, Any]]  # item -> the isChildOf association placing it


def _tree(
    doc_id: str, items: dict[str, dict[str, Any]], assocs: list[Any]
) -> tuple[_Tree, list[Any]]:
    """The hierarchy from isChildOf (the first one of an item; others are kept as associations)."""
    placed: dict[str, tuple[float, int, str, dict[str, Any]]] = {}
    extra: list[Any] = []
    for i, a in enumerate(assocs):
        if not isinstance(a, dict) or a.get("associationType") != "isChildOf":
            extra.append(a)
            continue
        origin, dest = end_of(a, "origin"), end_of(a, "destination")
        if origin not in items or (dest not in items and dest != doc_id) or origin == dest:
            extra.append(a)
            continue
        key = (sequence(a), i, dest, a)
        if origin in placed:
            extra.append(a)
        else:
            placed[origin] = key
    # a parent chain that loops never reaches the document: each loop is cut at its first item
    # (in the package's order), which becomes a first-level item; each item is walked once, so a
    # chain of n levels costs n steps, not n squared
    parent = {o: k[2] for o, k in placed.items()}
    rank = {o: n for n, o in enumerate(parent)}
    state: dict[str, int] = {}  # 1: on the walk being made, 2: done
    for start in list(parent):
        walk = []
        node: str | None = start
        while node is not None and node != doc_id and node in parent and node not in state:
            state[node] = 1
            walk.append(node)
            node = parent[node]
        if node is not None and state.get(node) == 1:  # the walk came back to itself: a loop,
            cut = min(walk[walk.index(node) :], key=rank.__getitem__)  # cut at its first item
            extra.append(placed[cut][3])
            del parent[cut]
        for member in walk:
            state[member] = 2
    children: dict[str, list[str]] = defaultdict(list)
    order = {ident: n for n, ident in enumerate(items)}
    for o in sorted(parent, key=lambda x: (placed[x][0], placed[x][1], order[x])):
        children[parent[o]].append(o)
    roots = list(children.get(doc_id, []))
    roots += [i for i in items if i not in parent]  # items placed nowhere: first level
    return _Tree(
        roots,
        children,
        {o: p for o, p in parent.items() if p != doc_id},
        {o: placed[o][3] for o in parent},
    ), extra


def _repairs(pkg: dict[str, Any]) -> list[Msg]:
    """What the import reads otherwise than written, each said with a count and a first place:
    sequence numbers written as text, empty values (null, "") left out, identifiers that cannot
    be ids (URIs) given an id derived from them (the identifier itself is kept)."""
    texts: list[str] = []
    for n, a in enumerate(pkg.get("CFAssociations", [])):
        if isinstance(a, dict) and isinstance(a.get("sequenceNumber"), str):
            texts.append(f"CFAssociations[{n}].sequenceNumber")
    empty: list[str] = []
    stack: list[tuple[str, Any]] = [("", pkg)]
    while stack:  # iterative: a deep package was refused before, but no recursion all the same
        where, value = stack.pop()
        if isinstance(value, dict):
            for k, v in value.items():
                here = f"{where}.{k}" if where else str(k)
                if v is None or v == "":
                    empty.append(here)
                else:
                    stack.append((here, v))
        elif isinstance(value, list):
            stack.extend((f"{where}[{i}]", v) for i, v in enumerate(value))
    replaced = [
        i["identifier"]
        for i in pkg.get("CFItems", [])
        if id_from_identifier(i["identifier"]) != i["identifier"]
    ]
    out = []
    if texts:
        out.append(
            Msg(
                N_plural(
                    "{n} sequence number written as text ({first}) is read as a number for the order, and kept as written",
                    "{n} sequence numbers written as text (first: {first}) are read as numbers for the order, and kept as written",
                ),
                n=len(texts),
                first=texts[0],
            )
        )
    if empty:
        out.append(
            Msg(
                N_plural(
                    '{n} empty value (null or "") left out ({first})',
                    '{n} empty values (null or "") left out (first: {first})',
                ),
                n=len(empty),
                first=sorted(empty)[0],
            )
        )
    if replaced:
        out.append(
            Msg(
                N_plural(
                    "{n} item identifier cannot be a refkit id ({first}): the item's id is a UUID derived from the identifier, which is kept in x-case",
                    "{n} item identifiers cannot be refkit ids (first: {first}): each item's id is a UUID derived from its identifier, which is kept in x-case",
                ),
                n=len(replaced),
                first=replaced[0],
            )
        )
    return out


def import_case(
    path: Path, *, lang: str | None = None, schema: Any = None, schema_name: str | None = None
) -> Imported:
    """The framework a CASE package holds. The package is first checked against ``schema``
    (refkit's own CASE 1.0/1.1 schema by default): each problem with its JSON path goes to
    ``Imported.problems``; what the import repairs or reads differently is said in ``notes``."""
    name = str(path)
    data = load_json(path)
    problems, notes = _checked(data, schema, schema_name)
    pkg = normalize_package(data, name)
    notes += _repairs(pkg)
    doc = pkg["CFDocument"]
    items: dict[str, dict[str, Any]] = {i["identifier"]: i for i in pkg.get("CFItems", [])}
    tree, others = _tree(doc["identifier"], items, pkg.get("CFAssociations", []))
    reading = _Reading(
        Imported(Framework(id="", title=one_line(doc["title"])), name),
        items,
        {ident: id_from_identifier(ident) for ident in items},
        tree,
    )
    result = reading.result
    result.problems, result.notes = problems, notes
    by_origin, doc_assocs = _sort_associations(reading, others)
    blocks, block_of = _blocks(reading, doc)
    comps = {c.id: c for b in blocks for c in b.competencies}
    for origin, assocs in by_origin.items():
        _place(origin, assocs, comps, block_of, items, reading.rid)
    _criteria(pkg.get("CFRubrics"), comps, reading.rid)
    fw = result.framework
    fw.type = FrameworkType.REFERENCE.value
    fw.stable_ids = True  # CASE identifiers are never reused for another item
    fw.blocks = blocks
    _document(result, pkg, doc_assocs, lang)
    return result


@dataclass(slots=True)
class _Reading:
    """A package being imported: its items by identifier, their refkit ids, the hierarchy."""

    result: Imported
    items: dict[str, dict[str, Any]]
    rid: dict[str, str]
    tree: _Tree

    def extras(self, item: dict[str, Any], **more: Any) -> dict[str, Any]:
        """The item's x-case: its CASE fields refkit keeps as they are, and ``more``."""
        x = {k: v for k, v in item.items() if k not in _ITEM_MAPPED}
        full = item["fullStatement"]
        if full != one_line(full):
            x["fullStatement"] = full
        ca = self.tree.child_assoc.get(item["identifier"])
        if ca is not None and ca.get("sequenceNumber") is not None:
            x["sequenceNumber"] = ca["sequenceNumber"]
        x.update(more)
        return prune(x)


def _checked(data: Any, schema: Any, schema_name: str | None) -> tuple[list[str], list[Msg]]:
    """The package's problems against ``schema`` (refkit's own by default), and a note when it
    uses the key names of CASE before 1.0."""
    if not isinstance(data, dict):
        return [], []  # normalize_package refuses it
    notes = []
    old_keys = sorted(k for k in data if k in LS_KEYS)
    if old_keys:
        notes.append(
            Msg(
                "the package uses the key names of CASE before 1.0 ({old}): read as {new}",
                old=old_keys,
                new=[LS_KEYS[k] for k in old_keys],
            )
        )
    renamed = {LS_KEYS.get(str(k), str(k)): v for k, v in data.items()}
    defs = renamed.get("CFDefinitions")
    if isinstance(defs, dict):
        renamed["CFDefinitions"] = {LS_DEFINITIONS.get(k, k): v for k, v in defs.items()}
    from refkit.interop.case_schema import schema_problems, shipped_schema

    checked = shipped_schema() if schema is None else schema
    return schema_problems(renamed, checked, schema_name or Msg("refkit's CASE schema")), notes


def _sort_associations(
    reading: _Reading, others: list[Any]
) -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, Any]]]:
    """The associations other than the hierarchy, by origin item, and those of the document (an
    origin that is no item); what is not an association of CASE is skipped."""
    by_origin: dict[str, list[dict[str, Any]]] = defaultdict(list)
    doc_assocs: list[dict[str, Any]] = []
    for n, a in enumerate(others):
        if not isinstance(a, dict):
            where = Msg("CFAssociations association {n}", n=n + 1)
            reading.result.skipped.append(Skipped(where, Msg("not an object")))
            continue
        t = a.get("associationType")
        o, d = a.get("originNodeURI"), a.get("destinationNodeURI")
        if t not in ASSOCIATION_TYPES or not isinstance(o, dict) or not isinstance(d, dict):
            named = Msg("CFAssociations association {n} ({identifier})", n=n + 1, identifier=a.get("identifier", Msg("no identifier")))  # fmt: skip
            why = Msg("needs an associationType of CASE and origin and destination nodes")
            reading.result.skipped.append(Skipped(named, why))
            continue
        origin = end_of(a, "origin")
        if origin in reading.items:
            by_origin[origin].append(a)
        else:
            doc_assocs.append(prune(dict(a)))
    return by_origin, doc_assocs


def _blocks(reading: _Reading, doc: dict[str, Any]) -> tuple[list[Block], dict[str, Block]]:
    """A block for each first-level item with items under it, and one standing for the document
    for the first-level items with nothing under them; and the blocks by item identifier."""
    tree, items, rid = reading.tree, reading.items, reading.rid
    blocks: list[Block] = []
    block_of: dict[str, Block] = {}  # item identifier -> block (for prerequisites)
    loose: list[str] = []
    for position, root in enumerate(tree.roots, start=1):
        if not tree.children.get(root):
            loose.append(root)
            continue
        item = items[root]
        block = Block(
            rid[root],
            one_line(item["fullStatement"]),
            description=_text(item.get("notes")),
            extensions={"x-case": reading.extras(item, position=position)},
        )
        stack = list(reversed(tree.children[root]))
        while stack:
            ident = stack.pop()
            parent = tree.parent.get(ident)
            block.competencies.append(
                _competency(items[ident], rid[ident], reading.extras(items[ident], parent=rid[parent] if parent and parent != root else None))
            )  # fmt: skip
            stack.extend(reversed(tree.children.get(ident, [])))
        blocks.append(block)
        block_of[root] = block
    if loose:
        block = Block(
            id_from_identifier(doc["identifier"]),
            one_line(doc["title"]),
            extensions={"x-case": {"container": "document"}},
        )
        block.competencies = [_competency(items[i], rid[i], reading.extras(items[i])) for i in loose]  # fmt: skip
        blocks.append(block)
        if len(loose) < len(tree.roots):
            reading.result.notes.append(
                Msg(
                    N_plural(
                        "{n} first-level item with nothing under it is in block {block}, which stands for the document",
                        "{n} first-level items with nothing under them are in block {block}, which stands for the document",
                    ),
                    n=len(loose),
                    block=block.id,
                )
            )
    return blocks, block_of


def _criteria(rubrics: Any, comps: dict[str, Competency], rid: dict[str, str]) -> None:
    """Rubric criteria pointing at a competency become its assessment criteria."""
    for rubric in rubrics if isinstance(rubrics, list) else []:
        criteria = rubric.get("CFRubricCriteria") if isinstance(rubric, dict) else None
        for crit in criteria if isinstance(criteria, list) else []:
            link = crit.get("CFItemURI") if isinstance(crit, dict) else None
            target = link.get("identifier") if isinstance(link, dict) else None
            text = crit.get("description") if isinstance(crit, dict) else None
            if (
                isinstance(target, str)
                and target in rid
                and rid[target] in comps
                and isinstance(text, str)
                and text.strip()
            ):
                comps[rid[target]].criteria.append(Criterion(one_line(text)))


def _document(
    result: Imported, pkg: dict[str, Any], doc_assocs: list[dict[str, Any]], lang: str | None
) -> None:
    """The framework's summary and language from the CFDocument, the rest of it in x-case."""
    fw, doc = result.framework, pkg["CFDocument"]
    fw.summary = _text(doc.get("description"))
    doc_lang = doc.get("language")
    fw.lang = lang or (doc_lang if isinstance(doc_lang, str) and _is_lang(doc_lang) else "en")
    if not lang and fw.lang != doc_lang:
        result.notes.append(
            Msg("the document names no language: lang is en (use --lang to set it)")
        )
    x_doc = {
        k: v for k, v in doc.items() if k != "title" and not (k == "description" and fw.summary)
    }
    if fw.title != doc["title"]:
        x_doc["title"] = doc["title"]
    x_doc["definitions"] = pkg.get("CFDefinitions")
    x_doc["rubrics"] = pkg.get("CFRubrics")
    x_doc["associations"] = doc_assocs
    fw.extensions = {"x-case": prune(x_doc)}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _is_lang(text: str) -> bool:
    return bool(re.match(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", text))


def _competency(item: dict[str, Any], cid: str, x: dict[str, Any]) -> Competency:
    return Competency(
        cid,
        one_line(item["fullStatement"]),
        _kind(item),
        notes=_text(item.get("notes")),
        extensions={"x-case": x},
    )


def _place(origin: str, assocs: list[Any], comps: dict[str, Competency], block_of: dict[str, Block], items: dict[str, Any], rid: dict[str, str]) -> None:  # fmt: skip
    """The associations from ``origin`` other than the hierarchy, where refkit keeps them: an
    ESCO match in the competency's ``esco``, a block that precedes another in that one's
    prerequisites, a relation in the item's relations, anything else in its x-case."""
    target_block = block_of.get(origin)
    holder = target_block or comps[rid[origin]]
    kept: list[Any] = []
    books: list[Any] = []
    for a in sorted(assocs, key=sequence):
        dest = a["destinationNodeURI"]
        uri = str(dest.get("uri") or "")
        t = a["associationType"]
        if t == "exactMatchOf" and uri.startswith(ESCO_PREFIX) and rid[origin] in comps:
            comps[rid[origin]].esco.append(uri)
            continue
        dest_id = end_of(a, "destination")
        if t == "precedes" and target_block is not None and dest_id in block_of:
            after = block_of[dest_id]
            if target_block.id not in after.prerequisites:
                after.prerequisites.append(target_block.id)
            continue
        if _as_relation(a, items, rid, holder, books):
            continue
        kept.append(prune({k: v for k, v in a.items() if k != "originNodeURI"}))
    x = {"associations": kept, "relations": books}
    holder.extensions.setdefault("x-case", {}).update({k: v for k, v in x.items() if v})


def _as_relation(a: dict[str, Any], items: dict[str, Any], rid: dict[str, str], holder: Any, books: list[Any]) -> bool:  # fmt: skip
    """Make the association ``a`` a relation of ``holder`` if it is one (what CASE needs of it
    to ``books``): whether it was."""
    made = relation_of(a, items, rid)
    if made is None or made[0].key() in {r.key() for r in holder.relations}:
        return False
    holder.relations.append(made[0])
    books.append(prune(made[1]))
    return True

"""Provides import and export of 1EdTech CASE packages (CFPackage JSON, CASE 1.0 and 1.1).

A CASE package is a document (``CFDocument``), its items (``CFItems``) and typed associations
between them (``CFAssociations``). Import:

* the hierarchy comes from ``isChildOf``: an item of the document's first level that has items
  under it becomes a block, everything under it a competency of that block (an item whose parent
  is not the block records it as ``x-case.parent``); first-level items with nothing under them are
  gathered in one block standing for the document itself (``x-case.container: document``);
* every competency and block keeps the item's CASE fields in ``x-case`` (identifier, uri,
  humanCodingScheme, CFItemType...), so that an export gives them back and a re-import of the
  export matches item for item; the refkit id is the item's identifier (a UUID), or a UUID derived
  from it when it is not a valid id (older ASN-style identifiers);
* other associations are kept on their origin item (``x-case.associations``); ``exactMatchOf``
  an ESCO skill becomes the competency's ``esco`` alignment, ``precedes`` between two blocks a
  prerequisite; rubric criteria pointing at an item become its assessment criteria.

Export builds a package that validates against the CASE 1.0 CFPackage JSON Schema: identifiers
are kept when they are UUIDs and otherwise derived from refkit's ids (uuid5, stable across
versions), so the same block or competency has the same identifier in every export. A block's
correspondence table can be added as ``exactMatchOf`` (equivalent) and ``replacedBy`` (partial,
split, merged) associations from the old version's blocks to the new ones.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from refkit.errors import RefkitError
from refkit.interop import (
    Imported,
    Skipped,
    id_from_identifier,
    is_uuid,
    one_line,
    read_input,
    stable_uuid,
)
from refkit.interop.case_relations import ASSOCIATION_TYPES, associations_of, relation_of
from refkit.model import Block, Competency, Criterion, Framework, FrameworkType, Kind
from refkit.store.reader import MAX_DEPTH

ESCO_PREFIX = "http://data.europa.eu/esco/"
# keys refkit maps to its own fields or computes; everything else of an item is kept verbatim
_ITEM_MAPPED = ("fullStatement", "notes")
# what refkit adds to x-case itself (never a CASE field)
_INTERNAL = ("parent", "associations", "position", "container", "sequenceNumber", "fullStatement")
# pre-1.0 ("LS") key names, as in OpenSALT's early exports
_LS_KEYS = {
    "lsDoc": "CFDocument",
    "lsItems": "CFItems",
    "lsAssociations": "CFAssociations",
    "definitions": "CFDefinitions",
}
_LS_DEFINITIONS = {
    "lsItemTypes": "CFItemTypes",
    "lsSubjects": "CFSubjects",
    "lsConcepts": "CFConcepts",
    "lsLicenses": "CFLicenses",
    "lsAssociationGroupings": "CFAssociationGroupings",
}
STATUS_TO_CASE = {"draft": "Draft", "published": "Adopted", "deprecated": "Deprecated"}


# -- reading ----------------------------------------------------------------------------------


# JSON nested deeper than this is refused: what an import keeps of it goes into YAML files that
# nest it up to 4 levels deeper, and refkit reads no YAML deeper than ``MAX_DEPTH``
MAX_JSON_DEPTH = MAX_DEPTH - 4


def load_json(path: Path) -> Any:
    """A JSON input: a regular file within the input cap, UTF-8, standard JSON (no NaN), nested
    at most ``MAX_JSON_DEPTH`` levels; any other is refused with the place."""
    return parse_json(read_input(path), str(path))


def parse_json(data: bytes, name: str) -> Any:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise RefkitError(
            f"{name}: not UTF-8 text (byte {e.start})", hint="save the file as UTF-8 JSON"
        ) from e
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as e:
        raise RefkitError(
            f"{name}:{e.lineno}:{e.colno}: not valid JSON ({e.msg})",
            hint="check that the file is the JSON export itself, complete",
        ) from e
    except RecursionError:
        line, col = _deep_place(text)
        raise RefkitError(
            f"{name}:{line}:{col}: JSON nested deeper than {MAX_JSON_DEPTH} levels",
            hint="no framework nests this deep: check that it is the file you meant",
        ) from None
    except ValueError as e:  # a number of thousands of digits, NaN or Infinity
        raise RefkitError(f"{name}: not valid JSON ({e})", hint="check that the file is the JSON export itself") from e  # fmt: skip
    where = _too_deep(value)
    if where is not None:
        raise RefkitError(
            f"{name}: JSON nested deeper than {MAX_JSON_DEPTH} levels at {where}",
            hint="no framework nests this deep: check that it is the file you meant",
        )
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _deep_place(text: str) -> tuple[int, int]:
    """Line and column where ``text`` first nests past ``MAX_JSON_DEPTH`` (strings skipped)."""
    depth = 0
    for m in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', text):
        token = m.group()
        if token in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                line = text.count("\n", 0, m.start()) + 1
                return line, m.start() - text.rfind("\n", 0, m.start())
        elif token in "]}":
            depth -= 1
    return 1, 1


def json_path(path: Iterable[Any]) -> str:
    """``CFItems[3].fullStatement`` for ("CFItems", 3, "fullStatement")."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(the top level)"


def _too_deep(value: Any) -> str | None:
    """The JSON path of the first container nested past ``MAX_JSON_DEPTH``, or None (iterative:
    no recursion on hostile input)."""
    stack: list[tuple[Any, int, tuple[Any, ...]]] = [(value, 1, ())]
    while stack:
        node, depth, path = stack.pop()
        if isinstance(node, dict):
            children: Iterable[tuple[Any, Any]] = node.items()
        elif isinstance(node, list):
            children = enumerate(node)
        else:
            continue
        if depth > MAX_JSON_DEPTH:
            shown = json_path(path[:8]) + ("…" if len(path) > 8 else "")
            return shown
        stack.extend((v, depth + 1, (*path, k)) for k, v in children)
    return None


def _type_name(value: Any) -> str:
    return {bool: "a boolean", int: "a number", float: "a number", list: "a list", dict: "an object",
            type(None): "null"}.get(type(value), type(value).__name__)  # fmt: skip


def _prune(d: dict[str, Any]) -> dict[str, Any]:
    """Drop empty values: refkit's YAML does not write them, so the model keeps none either."""
    out = {}
    for k, v in d.items():
        if isinstance(v, dict):
            v = _prune(v)
        elif isinstance(v, list):
            v = [_prune(x) if isinstance(x, dict) else x for x in v if x not in (None, "", [], {})]
        if v not in (None, "", [], {}):
            out[k] = v
    return out


def normalize_package(data: Any, name: str) -> dict[str, Any]:
    """The package with CASE 1.0 key names (the pre-1.0 LS names are accepted), checked enough
    to be imported: a clear error names whatever is missing."""
    if not isinstance(data, dict):
        raise RefkitError(
            f"{name} is not a CASE package: it holds a JSON {type(data).__name__}, not an object with CFDocument",
            hint="refkit import case reads a CFPackage: the JSON a CASE server gives for /ims/case/v1p0/CFPackages/<id>",
        )
    pkg: dict[str, Any] = {_LS_KEYS.get(str(k), str(k)): v for k, v in data.items()}
    if not isinstance(pkg.get("CFDocument"), dict):
        found = ", ".join(sorted(map(str, data))[:6]) or "nothing"
        raise RefkitError(
            f"{name} is not a CASE package: it has no CFDocument (found: {found})",
            hint="refkit import case reads a CFPackage (CFDocument, CFItems, CFAssociations); for NICE JSON use refkit import nice",
        )
    doc = pkg["CFDocument"]
    if not isinstance(doc.get("identifier"), str) or not doc["identifier"].strip():
        raise RefkitError(
            f"{name}: the CFDocument has no identifier",
            hint="every CASE object needs its identifier (a UUID): export the package again from its CASE server",
        )
    if not isinstance(doc.get("title"), str) or not doc["title"].strip():
        raise RefkitError(f"{name}: the CFDocument has no title", hint="give the document a title")
    for key in ("CFItems", "CFAssociations"):
        if not isinstance(pkg.get(key, []), list):
            raise RefkitError(f"{name}: {key} is not a list", hint=f"{key} must be a JSON array")
    items = pkg.get("CFItems", [])
    problems = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            problems.append(f"CFItems[{i}] is not an object")
            continue
        full, code, ident = (
            item.get(k) for k in ("fullStatement", "humanCodingScheme", "identifier")
        )
        text = full if isinstance(full, str) and full.strip() else code
        label = _label(text if isinstance(text, str) else "")
        if ident is not None and not isinstance(ident, str):
            problems.append(f"CFItems[{i}].identifier{label} is {_type_name(ident)}, not text")
        elif not isinstance(ident, str) or not ident.strip():
            problems.append(f"CFItems[{i}]{label} has no identifier")
        elif full is not None and not isinstance(full, str):
            problems.append(f"CFItems[{i}].fullStatement ({ident}) is {_type_name(full)}, not text")
        elif not isinstance(full, str) or not full.strip():
            problems.append(f"CFItems[{i}] ({ident}) has no fullStatement")
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise RefkitError(
            f"{name}: {len(problems)} item(s) cannot be imported: {'; '.join(problems[:3])}{more}",
            hint="every CFItem needs an identifier and a fullStatement, both text: export the package again from its CASE server",
        )
    seen: set[str] = set()
    for item in items:
        if item["identifier"] in seen:
            raise RefkitError(
                f"{name}: two CFItems have the identifier {item['identifier']}",
                hint="identifiers must be unique in a package",
            )
        seen.add(item["identifier"])
    defs = pkg.get("CFDefinitions")
    if isinstance(defs, dict):
        pkg["CFDefinitions"] = {_LS_DEFINITIONS.get(k, k): v for k, v in defs.items()}
    pkg["CFAssociations"] = [_normalize_association(a) for a in pkg.get("CFAssociations", [])]
    return pkg


def _label(text: str) -> str:
    text = one_line(text).strip()
    if not text:
        return ""
    return f' ("{text[:40]}…")' if len(text) > 40 else f' ("{text}")'


def _node(a: dict[str, Any], end: str) -> dict[str, Any] | None:
    """An association end as a LinkGenURI (CASE 1.0), from either CASE 1.0 or the LS form."""
    value = a.get(f"{end}NodeURI")
    if isinstance(value, dict) and isinstance(value.get("identifier"), str):
        return dict(value)
    ident = a.get(f"{end}NodeIdentifier")
    if isinstance(ident, str):
        return {"title": "", "identifier": ident, "uri": value if isinstance(value, str) else ""}
    return None


def _end(a: dict[str, Any], end: str) -> str | None:
    """The identifier an association end names, when it is text."""
    node = a.get(f"{end}NodeURI")
    ident = node.get("identifier") if isinstance(node, dict) else None
    return ident if isinstance(ident, str) else None


def _normalize_association(a: Any) -> Any:
    if not isinstance(a, dict):
        return a
    out = dict(a)
    for end in ("origin", "destination"):
        node = _node(a, end)
        out.pop(f"{end}NodeIdentifier", None)
        if node is not None:
            out[f"{end}NodeURI"] = node
    return out


def _seq(a: dict[str, Any]) -> float:
    value = a.get("sequenceNumber")
    try:
        return float(value) if value is not None else float("inf")
    except (TypeError, ValueError):
        return float("inf")


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
        origin, dest = _end(a, "origin"), _end(a, "destination")
        if origin not in items or (dest not in items and dest != doc_id) or origin == dest:
            extra.append(a)
            continue
        key = (_seq(a), i, dest, a)
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


def _repairs(pkg: dict[str, Any]) -> list[str]:
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
            f"{len(texts)} sequence number(s) written as text (first: {texts[0]}) are read as "
            "numbers for the order, and kept as written"
        )
    if empty:
        first = sorted(empty)[0]
        out.append(f'{len(empty)} empty value(s) (null or "") left out (first: {first})')
    if replaced:
        out.append(
            f"{len(replaced)} item identifier(s) cannot be refkit ids (first: {replaced[0]}): "
            "each item's id is a UUID derived from its identifier, which is kept in x-case"
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
    problems: list[str] = []
    notes: list[str] = []
    if isinstance(data, dict):
        old_keys = sorted(k for k in data if k in _LS_KEYS)
        if old_keys:
            notes.append(
                f"the package uses the key names of CASE before 1.0 ({', '.join(old_keys)}): read as "
                + ", ".join(_LS_KEYS[k] for k in old_keys)
            )
        renamed = {_LS_KEYS.get(str(k), str(k)): v for k, v in data.items()}
        defs = renamed.get("CFDefinitions")
        if isinstance(defs, dict):
            renamed["CFDefinitions"] = {_LS_DEFINITIONS.get(k, k): v for k, v in defs.items()}
        from refkit.interop.case_schema import schema_problems, shipped_schema

        checked = shipped_schema() if schema is None else schema
        problems = schema_problems(renamed, checked, schema_name or "refkit's CASE schema")
    pkg = normalize_package(data, name)
    notes += _repairs(pkg)
    doc = pkg["CFDocument"]
    doc_id = doc["identifier"]
    items: dict[str, dict[str, Any]] = {i["identifier"]: i for i in pkg.get("CFItems", [])}
    rid = {ident: id_from_identifier(ident) for ident in items}
    result = Imported(Framework(id="", title=one_line(doc["title"])), name)
    result.problems, result.notes = problems, notes
    tree, others = _tree(doc_id, items, pkg.get("CFAssociations", []))

    # the non-hierarchy associations, on their origin item (or the document)
    by_origin: dict[str, list[dict[str, Any]]] = defaultdict(list)
    doc_assocs: list[dict[str, Any]] = []
    for n, a in enumerate(others):
        where = f"CFAssociations association {n + 1}"
        if not isinstance(a, dict):
            result.skipped.append(Skipped(where, "not an object"))
            continue
        t = a.get("associationType")
        o, d = a.get("originNodeURI"), a.get("destinationNodeURI")
        if t not in ASSOCIATION_TYPES or not isinstance(o, dict) or not isinstance(d, dict):
            result.skipped.append(
                Skipped(f"{where} ({a.get('identifier', 'no identifier')})",
                        "needs an associationType of CASE and origin and destination nodes")
            )  # fmt: skip
            continue
        origin = _end(a, "origin")
        if origin in items:
            by_origin[origin].append(a)
        else:
            doc_assocs.append(_prune(dict(a)))

    def extras(item: dict[str, Any], **more: Any) -> dict[str, Any]:
        x = {k: v for k, v in item.items() if k not in _ITEM_MAPPED}
        full = item["fullStatement"]
        if full != one_line(full):
            x["fullStatement"] = full
        ca = tree.child_assoc.get(item["identifier"])
        if ca is not None and ca.get("sequenceNumber") is not None:
            x["sequenceNumber"] = ca["sequenceNumber"]
        x.update(more)
        return _prune(x)

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
            extensions={"x-case": extras(item, position=position)},
        )
        stack = list(reversed(tree.children[root]))
        while stack:
            ident = stack.pop()
            parent = tree.parent.get(ident)
            block.competencies.append(
                _competency(items[ident], rid[ident], extras(items[ident], parent=rid[parent] if parent and parent != root else None))
            )  # fmt: skip
            stack.extend(reversed(tree.children.get(ident, [])))
        blocks.append(block)
        block_of[root] = block
    if loose:
        block = Block(
            id_from_identifier(doc_id),
            one_line(doc["title"]),
            extensions={"x-case": {"container": "document"}},
        )
        block.competencies = [_competency(items[i], rid[i], extras(items[i])) for i in loose]
        blocks.append(block)
        if len(loose) < len(tree.roots):
            result.notes.append(
                f"{len(loose)} first-level item(s) with nothing under them are in block {block.id}, which stands for the document"
            )

    comps = {c.id: c for b in blocks for c in b.competencies}
    for origin, assocs in by_origin.items():
        _place(origin, assocs, comps, block_of, items, rid)

    rubrics = pkg.get("CFRubrics")
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

    fw = result.framework
    fw.type = FrameworkType.REFERENCE.value
    fw.stable_ids = True  # CASE identifiers are never reused for another item
    fw.blocks = blocks
    fw.summary = _text(doc.get("description"))
    doc_lang = doc.get("language")
    fw.lang = lang or (doc_lang if isinstance(doc_lang, str) and _is_lang(doc_lang) else "en")
    if not lang and fw.lang != doc_lang:
        result.notes.append("the document names no language: lang is en (use --lang to set it)")
    x_doc = {
        k: v for k, v in doc.items() if k != "title" and not (k == "description" and fw.summary)
    }
    if fw.title != doc["title"]:
        x_doc["title"] = doc["title"]
    x_doc["definitions"] = pkg.get("CFDefinitions")
    x_doc["rubrics"] = pkg.get("CFRubrics")
    x_doc["associations"] = doc_assocs
    fw.extensions = {"x-case": _prune(x_doc)}
    return result


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


# -- writing ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Correspondence:
    """A correspondence table to export as associations from ``old``'s blocks."""

    old: Framework
    old_version: str
    new_version: str
    entries: Iterable[Any]  # refkit.diff.correspondence.Entry


class _Exporter:
    def __init__(self, fw: Framework, when: str, base_uri: str | None) -> None:
        self.fw = fw
        self.when = when
        self.base = base_uri.rstrip("/") if base_uri else None
        self.used: set[str] = set()

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


def _place(origin: str, assocs: list[Any], comps: dict[str, Competency], block_of: dict[str, Block], items: dict[str, Any], rid: dict[str, str]) -> None:  # fmt: skip
    """The associations from ``origin`` other than the hierarchy, where refkit keeps them: an
    ESCO match in the competency's ``esco``, a block that precedes another in that one's
    prerequisites, a relation in the item's relations, anything else in its x-case."""
    target_block = block_of.get(origin)
    holder = target_block or comps[rid[origin]]
    kept: list[Any] = []
    books: list[Any] = []
    for a in sorted(assocs, key=_seq):
        dest = a["destinationNodeURI"]
        uri = str(dest.get("uri") or "")
        t = a["associationType"]
        if t == "exactMatchOf" and uri.startswith(ESCO_PREFIX) and rid[origin] in comps:
            comps[rid[origin]].esco.append(uri)
            continue
        dest_id = _end(a, "destination")
        if t == "precedes" and target_block is not None and dest_id in block_of:
            after = block_of[dest_id]
            if target_block.id not in after.prerequisites:
                after.prerequisites.append(target_block.id)
            continue
        if _as_relation(a, items, rid, holder, books):
            continue
        kept.append(_prune({k: v for k, v in a.items() if k != "originNodeURI"}))
    x = {"associations": kept, "relations": books}
    holder.extensions.setdefault("x-case", {}).update({k: v for k, v in x.items() if v})


def _as_relation(a: dict[str, Any], items: dict[str, Any], rid: dict[str, str], holder: Any, books: list[Any]) -> bool:  # fmt: skip
    """Make the association ``a`` a relation of ``holder`` if it is one (what CASE needs of it
    to ``books``): whether it was."""
    made = relation_of(a, items, rid)
    if made is None or made[0].key() in {r.key() for r in holder.relations}:
        return False
    holder.relations.append(made[0])
    books.append(_prune(made[1]))
    return True


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
    native = "x-case" not in fw.extensions
    if native or "language" in x_doc:
        doc["language"] = fw.lang
    if native:
        doc["version"] = fw.version
        doc["adoptionStatus"] = STATUS_TO_CASE.get(fw.status, "Draft")
    doc_link = {"title": _title(doc["title"]), "identifier": doc_ident, "uri": doc["uri"]}

    items: list[dict[str, Any]] = []
    assocs: list[dict[str, Any]] = []
    block_links: dict[str, dict[str, str]] = {}
    comp_items: dict[str, dict[str, Any]] = {}
    pending_parents: list[tuple[dict[str, Any], str, dict[str, Any], Any]] = []

    def child_of(origin: dict[str, Any], dest: dict[str, str], seq: Any, *parts: str) -> None:
        a: dict[str, Any] = {
            "identifier": stable_uuid(fw.id, "isChildOf", *parts),
            "associationType": "isChildOf",
            "uri": "",
            "originNodeURI": _link(origin),
            "destinationNodeURI": dest,
            "lastChangeDateTime": origin.get("lastChangeDateTime", when),
        }
        if seq is not None:
            a["sequenceNumber"] = _integer(seq)
        a["uri"] = ex.uri("CFAssociations", a["identifier"])
        assocs.append(a)

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
            items.append(bitem)
            parent_link = _link(bitem)
            block_links[block.id] = parent_link
            seq = bx.get("sequenceNumber", bpos if native else None)
            child_of(bitem, doc_link, seq, "block", block.id)
        for cpos, c in enumerate(block.competencies, start=1):
            cx: dict[str, Any] = dict(c.extensions.get("x-case") or {})
            cident = ex.identifier(cx, "competency", c.id, rid=c.id)
            citem = ex.item(cx, ident=cident, statement=c.statement, notes=c.notes,
                            item_type=c.kind.capitalize() if c.kind else "Competency",
                            code=c.id)  # fmt: skip
            items.append(citem)
            comp_items[c.id] = citem
            seq = cx.get("sequenceNumber", cpos if native else None)
            pending_parents.append(
                (citem, str(cx.get("parent") or ""), parent_link, (seq, block.id, c.id))
            )
    for citem, parent_id, block_link, (seq, bid, cid) in pending_parents:
        dest = _link(comp_items[parent_id]) if parent_id in comp_items else block_link
        child_of(citem, dest, seq, "competency", bid, cid)

    # associations kept from the source, relations, alignments, prerequisites
    def kept(origin: dict[str, Any], x: dict[str, Any], item: Any, *parts: str) -> None:
        assocs.extend(_relations_out(ex, fw.id, item, x, _link(origin), comp_items, block_links, parts, when))  # fmt: skip
        for n, a in enumerate(x.get("associations") or []):
            if not isinstance(a, dict):
                continue
            out = dict(a)
            ident = out.get("identifier")
            if not is_uuid(ident) or ident in ex.used:
                ident = stable_uuid(fw.id, "association", *parts, str(n))
            ex.used.add(ident)
            out["identifier"] = ident
            out["originNodeURI"] = _link(origin)
            out.setdefault("uri", ex.uri("CFAssociations", ident))
            out.setdefault("lastChangeDateTime", when)
            assocs.append(_ordered_association(out))

    for block in fw.blocks:
        if block.id in block_links:
            origin = next(i for i in items if i["identifier"] == block_links[block.id]["identifier"])  # fmt: skip
            kept(origin, block.extensions.get("x-case") or {}, block, "block", block.id)
        for c in block.competencies:
            kept(comp_items[c.id], c.extensions.get("x-case") or {}, c, "competency", c.id)
            for uri in c.esco:
                ident = stable_uuid(fw.id, "esco", c.id, uri)
                assocs.append(_ordered_association({
                    "identifier": ident, "associationType": "exactMatchOf",
                    "uri": ex.uri("CFAssociations", ident),
                    "originNodeURI": _link(comp_items[c.id]),
                    "destinationNodeURI": {"title": uri, "identifier": stable_uuid("esco", uri), "uri": uri},
                    "lastChangeDateTime": comp_items[c.id]["lastChangeDateTime"],
                }))  # fmt: skip
        for pre in block.prerequisites:
            if pre in block_links and block.id in block_links:
                ident = stable_uuid(fw.id, "precedes", pre, block.id)
                assocs.append({
                    "identifier": ident, "associationType": "precedes",
                    "uri": ex.uri("CFAssociations", ident),
                    "originNodeURI": block_links[pre], "destinationNodeURI": block_links[block.id],
                    "lastChangeDateTime": when,
                })  # fmt: skip
    for n, a in enumerate(x_doc.get("associations") or []):
        if isinstance(a, dict):
            out = dict(a)
            if not is_uuid(out.get("identifier")):
                out["identifier"] = stable_uuid(fw.id, "document-association", str(n))
            out.setdefault("uri", ex.uri("CFAssociations", out["identifier"]))
            out.setdefault("lastChangeDateTime", when)
            assocs.append(_ordered_association(out))

    definitions = _definitions(ex, x_doc.get("definitions"), when)
    if correspondence is not None:
        _correspondence(ex, correspondence, block_links, assocs, definitions, when)

    package: dict[str, Any] = {"CFDocument": doc, "CFItems": items, "CFAssociations": assocs}
    if definitions:
        package["CFDefinitions"] = definitions
    rubrics = x_doc.get("rubrics")
    if isinstance(rubrics, list) and rubrics:
        package["CFRubrics"] = rubrics
    else:
        generated = _rubric(ex, fw, comp_items, when)
        if generated is not None:
            package["CFRubrics"] = [generated]
    return package


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

"""Provides what CASE import and export share: a package read into CASE 1.0 shape
(``normalize_package``: the pre-1.0 "LS" key names accepted, what an import needs checked, with a
clear error naming what is missing) and the small readers of its associations."""

from __future__ import annotations

from typing import Any

from refkit.errors import RefkitError
from refkit.i18n import Msg, N_plural
from refkit.interop import one_line
from refkit.interop.jsonfile import type_name

# pre-1.0 ("LS") key names, as in OpenSALT's early exports
LS_KEYS = {
    "lsDoc": "CFDocument",
    "lsItems": "CFItems",
    "lsAssociations": "CFAssociations",
    "definitions": "CFDefinitions",
}

LS_DEFINITIONS = {
    "lsItemTypes": "CFItemTypes",
    "lsSubjects": "CFSubjects",
    "lsConcepts": "CFConcepts",
    "lsLicenses": "CFLicenses",
    "lsAssociationGroupings": "CFAssociationGroupings",
}


def normalize_package(data: Any, name: str) -> dict[str, Any]:
    """The package with CASE 1.0 key names (the pre-1.0 LS names are accepted), checked enough
    to be imported: a clear error names whatever is missing."""
    if not isinstance(data, dict):
        raise RefkitError(
            Msg(
                "{name} is not a CASE package: it holds a JSON {type}, not an object with CFDocument",
                name=name,
                type=type(data).__name__,
            ),
            hint=Msg(
                "refkit import case reads a CFPackage: the JSON a CASE server gives for /ims/case/v1p0/CFPackages/<id>"
            ),
        )
    pkg: dict[str, Any] = {LS_KEYS.get(str(k), str(k)): v for k, v in data.items()}
    if not isinstance(pkg.get("CFDocument"), dict):
        found: str | Msg = ", ".join(sorted(map(str, data))[:6]) or Msg("nothing")
        raise RefkitError(
            Msg(
                "{name} is not a CASE package: it has no CFDocument (found: {found})",
                name=name,
                found=found,
            ),
            hint=Msg(
                "refkit import case reads a CFPackage (CFDocument, CFItems, CFAssociations); for NICE JSON use refkit import nice"
            ),
        )
    doc = pkg["CFDocument"]
    if not isinstance(doc.get("identifier"), str) or not doc["identifier"].strip():
        raise RefkitError(
            Msg("{name}: the CFDocument has no identifier", name=name),
            hint=Msg(
                "every CASE object needs its identifier (a UUID): export the package again from its CASE server"
            ),
        )
    if not isinstance(doc.get("title"), str) or not doc["title"].strip():
        raise RefkitError(Msg("{name}: the CFDocument has no title", name=name), hint=Msg("give the document a title"))  # fmt: skip
    for key in ("CFItems", "CFAssociations"):
        if not isinstance(pkg.get(key, []), list):
            raise RefkitError(Msg("{name}: {key} is not a list", name=name, key=key), hint=Msg("{key} must be a JSON array", key=key))  # fmt: skip
    items = pkg.get("CFItems", [])
    _check_items(items, name)
    defs = pkg.get("CFDefinitions")
    if isinstance(defs, dict):
        pkg["CFDefinitions"] = {LS_DEFINITIONS.get(k, k): v for k, v in defs.items()}
    pkg["CFAssociations"] = [_normalize_association(a) for a in pkg.get("CFAssociations", [])]
    return pkg


def _check_items(items: list[Any], name: str) -> None:
    """Refused unless every CFItem of the package ``name`` is an object with an identifier and
    a fullStatement, both text, and no two share an identifier."""
    problems: list[Msg] = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            problems.append(Msg("CFItems[{i}] is not an object", i=i))
            continue
        full, code, ident = (
            item.get(k) for k in ("fullStatement", "humanCodingScheme", "identifier")
        )
        text = full if isinstance(full, str) and full.strip() else code
        label = _label(text if isinstance(text, str) else "")
        if ident is not None and not isinstance(ident, str):
            problems.append(Msg("CFItems[{i}].identifier{label} is {type}, not text", i=i, label=label, type=Msg(type_name(ident))))  # fmt: skip
        elif not isinstance(ident, str) or not ident.strip():
            problems.append(Msg("CFItems[{i}]{label} has no identifier", i=i, label=label))
        elif full is not None and not isinstance(full, str):
            problems.append(Msg("CFItems[{i}].fullStatement ({id}) is {type}, not text", i=i, id=ident, type=Msg(type_name(full))))  # fmt: skip
        elif not isinstance(full, str) or not full.strip():
            problems.append(Msg("CFItems[{i}] ({id}) has no fullStatement", i=i, id=ident))
    if problems:
        shown = problems[0]
        for problem in problems[1:3]:  # "a; b; c", each in the reader's language
            shown = Msg("{list}; {item}", list=shown, item=problem)
        if len(problems) > 3:
            message = Msg(N_plural("{name}: {n} item cannot be imported: {problems} (and {more} more)", "{name}: {n} items cannot be imported: {problems} (and {more} more)"), name=name, n=len(problems), problems=shown, more=len(problems) - 3)  # fmt: skip
        else:
            message = Msg(N_plural("{name}: {n} item cannot be imported: {problems}", "{name}: {n} items cannot be imported: {problems}"), name=name, n=len(problems), problems=shown)  # fmt: skip
        raise RefkitError(
            message,
            hint=Msg(
                "every CFItem needs an identifier and a fullStatement, both text: export the package again from its CASE server"
            ),
        )
    seen: set[str] = set()
    for item in items:
        if item["identifier"] in seen:
            raise RefkitError(
                Msg(
                    "{name}: two CFItems have the identifier {identifier}",
                    name=name,
                    identifier=item["identifier"],
                ),
                hint=Msg("identifiers must be unique in a package"),
            )
        seen.add(item["identifier"])


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


def end_of(a: dict[str, Any], end: str) -> str | None:
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


def sequence(a: dict[str, Any]) -> float:
    value = a.get("sequenceNumber")
    try:
        return float(value) if value is not None else float("inf")
    except (TypeError, ValueError):
        return float("inf")


def prune(d: dict[str, Any]) -> dict[str, Any]:
    """Drop empty values: refkit's YAML does not write them, so the model keeps none either."""
    out = {}
    for k, v in d.items():
        if isinstance(v, dict):
            v = prune(v)
        elif isinstance(v, list):
            v = [prune(x) if isinstance(x, dict) else x for x in v if x not in (None, "", [], {})]
        if v not in (None, "", [], {}):
            out[k] = v
    return out

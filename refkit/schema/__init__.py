"""Provides the JSON Schemas of refkit's file kinds and checks data against them.

The schemas are files (``schemas/*.schema.json`` in the repository, ``refkit/schemas`` once
installed): the contract, and documentation for editors. Checking runs in two steps:

1. a validator compiled by fastjsonschema answers "valid or not" (14x faster than jsonschema; almost
   every file of a repository is valid);
2. only for a file that fails, jsonschema lists every error, each turned into a ``Problem`` with a
   message a working group understands, at the line and column of the offending key or value.
"""

from __future__ import annotations

import copy
import difflib
import json
import math
import re
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

from refkit.i18n import Msg
from refkit.problems import RULES, DocPath, Problem
from refkit.store.reader import Positions

# file kind -> the value of its ``schema:`` line
CURRENT = {
    "framework": "refkit/framework/2",
    "block": "refkit/block/1",
    "releases": "refkit/releases/1",
    "proposal": "refkit/proposal/1",
}
_VERSION = re.compile(r"^refkit/([a-z-]+)/([0-9]+)$")


def schema_dir() -> Path:
    """The folder holding the schema files: in the installed package, or in the source tree."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "schemas"
    if packaged.is_dir():
        return packaged
    return here.parent / "schemas"


def schema_file(kind: str) -> Path:
    return schema_dir() / f"{kind}.schema.json"


@cache
def load_schema(kind: str) -> dict[str, Any]:
    with schema_file(kind).open(encoding="utf-8") as f:
        schema: dict[str, Any] = json.load(f)
    return schema


@cache
def _fast(kind: str) -> Callable[[Any], Any]:
    import fastjsonschema

    # fastjsonschema rewrites the $refs of the dict it is given: give it a copy
    return fastjsonschema.compile(copy.deepcopy(load_schema(kind)), use_formats=False)


@cache
def _detailed(kind: str) -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(load_schema(kind))


def is_valid(kind: str, data: Any) -> bool:
    import fastjsonschema

    try:
        _fast(kind)(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def check(
    kind: str, file: str, data: Any, positions: Positions, *, full: bool = True
) -> list[Problem]:
    """Every schema problem of one file's data (empty when valid). ``full=False``: only whether
    the file is a mapping of this kind in the current version (what decides whether its fields can
    be read at all), not each field."""
    if not isinstance(data, dict):
        line, col = positions.of(data, ())
        what = {
            "framework": Msg("a framework file"),
            "block": Msg("a block file"),
            "releases": Msg("a release record"),
            "proposal": Msg("a proposal record"),
        }[kind]
        return [
            RULES["schema-type"].at(
                file,
                line,
                col,
                Msg(
                    "{what} must be a mapping of fields (key: value), not {found}",
                    what=what,
                    found=_type_name(data),
                ),
            )
        ]
    version_problem = _check_version(kind, file, data, positions)
    if version_problem is not None:
        return [version_problem]
    if not full or is_valid(kind, data):
        return []
    problems = []
    for error in _detailed(kind).iter_errors(data):
        problems.extend(_to_problems(file, data, positions, error))
    if not problems:  # the fast validator disagrees with jsonschema: say so rather than hide it
        problems.append(RULES["schema"].at(file, 1, 1, "file does not follow the schema"))
    return problems


def nonfinite(
    file: str, data: Any, positions: Positions, found: Iterable[Problem] = ()
) -> list[Problem]:
    """A problem at each number that is not finite (``.nan``, ``.inf``): YAML has them, JSON
    and so JSON Schema do not (a published export would hold ``NaN``, which no JSON reader
    accepts), and ``exclusiveMinimum: 0`` lets them through (NaN compares false, inf is large).
    A place ``found`` reports already is skipped (``-.inf`` is out of range)."""
    taken = {p.path for p in found}
    out: list[Problem] = []

    def walk(node: Any, path: DocPath) -> None:
        if type(node) is dict:
            for k, v in node.items():
                walk(v, (*path, k))
        elif type(node) is list:
            for i, v in enumerate(node):
                walk(v, (*path, i))
        elif type(node) is float and not math.isfinite(node) and path not in taken:
            shown = ".nan" if math.isnan(node) else (".inf" if node > 0 else "-.inf")
            line, col = positions.of(data, path)
            out.append(
                RULES["schema-type"].at(
                    file,
                    line,
                    col,
                    Msg(
                        "{where} must be a finite number, not {found}",
                        where=_where(data, path),
                        found=shown,
                    ),
                    path=path,
                    hint=Msg("write a number, such as 35 or 0.5"),
                )
            )

    walk(data, ())
    return out


def _check_version(
    kind: str, file: str, data: dict[str, Any], positions: Positions
) -> Problem | None:
    expected = CURRENT[kind]
    value = data.get("schema")
    if value == expected:
        return None
    if "schema" not in data:
        line, col = positions.of(data, ())
        return RULES["schema-version"].at(
            file,
            line,
            col,
            Msg('missing the schema line "schema: {expected}"', expected=expected),
            hint=Msg("add the line: schema: {expected}", expected=expected),
        )
    line, col = positions.of(data, ("schema",))
    m = _VERSION.match(value) if isinstance(value, str) else None
    if m is None:
        return RULES["schema-version"].at(
            file,
            line,
            col,
            Msg(
                '"schema" is {value}; this file kind expects "{expected}"',
                value=repr(value),
                expected=expected,
            ),
            path=("schema",),
        )
    found_kind, found_version = m.group(1), int(m.group(2))
    want_version = int(expected.rsplit("/", 1)[1])
    if found_kind != kind:
        return RULES["schema-version"].at(
            file,
            line,
            col,
            Msg(
                "this is a {found} file ({value}) where a {kind} file is expected",
                found=found_kind,
                value=value,
                kind=kind,
            ),
            path=("schema",),
            hint=Msg(
                "move the file where {found} files go, or set: schema: {expected}",
                found=found_kind,
                expected=expected,
            ),
        )
    if found_version < want_version:
        return RULES["schema-version"].at(
            file,
            line,
            col,
            Msg(
                "file follows the older format {value}, which refkit cannot upgrade; this refkit "
                "reads {expected}",
                value=value,
                expected=expected,
            ),
            path=("schema",),
            hint=Msg(
                "rewrite the file in the current format {expected} (docs/file-format.md)",
                expected=expected,
            ),
        )
    return RULES["schema-version"].at(
        file,
        line,
        col,
        Msg(
            "file follows schema {value}, newer than this refkit ({expected})",
            value=value,
            expected=expected,
        ),
        path=("schema",),
        hint="upgrade refkit (pip install -U refkit)",
    )


# -- jsonschema errors -> problems ------------------------------------------------------------

_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "array": "a list",
    "object": "a mapping (key: value)",
    "boolean": "true or false",
    "null": "empty",
}
_SINGULAR = {
    "competencies": "competency",
    "activities": "activity",
    "modalities": "modality",
    "electives": "elective group",
    "shared_blocks": "shared block",
    "working_group": "working group member",
    "criteria": "criterion",
    "tasks": "task",
}


# What French working groups write for the enum values (hints only: the files stay in English).
_SYNONYMS = {
    "savoir": "knowledge",
    "savoirs": "knowledge",
    "connaissance": "knowledge",
    "connaissances": "knowledge",
    "savoir-faire": "skill",
    "savoir faire": "skill",
    "aptitude": "skill",
    "habileté": "skill",
    "savoir-être": "attitude",
    "savoir être": "attitude",
    "comportement": "attitude",
    "brouillon": "draft",
    "publié": "published",
    "en vigueur": "published",
    "obsolète": "deprecated",
    "abrogé": "deprecated",
    "mise en situation": "practical",
    "pratique": "practical",
    "dossier": "portfolio",
    "entretien": "oral",
    "écrit": "written",
    "projet": "project",
    "employeur": "employer",
    "salarié": "employee",
    "formation": "training",
}


_RANGE = {
    "minimum": "{where} must be at least {limit}; found {found}",
    "maximum": "{where} must be at most {limit}; found {found}",
    "exclusiveMinimum": "{where} must be more than {limit}; found {found}",
    "exclusiveMaximum": "{where} must be less than {limit}; found {found}",
}
_LENGTH = {
    (True, "Length"): "{where} must have at least {n} characters",
    (False, "Length"): "{where} must have at most {n} characters",
    (True, "Items"): "{where} must have at least {n} items",
    (False, "Items"): "{where} must have at most {n} items",
    (True, "Properties"): "{where} must have at least {n} fields",
    (False, "Properties"): "{where} must have at most {n} fields",
}


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _type_name(value: Any) -> Msg | str:
    if value is None:
        return Msg("empty")
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, int):
        return Msg("the number {n}", n=value)
    if isinstance(value, float):
        return Msg("the number {n}", n=repr(value))
    if isinstance(value, str):
        return Msg('text "{value}"', value=value) if len(value) < 40 else Msg("text")
    if isinstance(value, list):
        return Msg("a list")
    return Msg("a mapping")


def _where(data: Any, path: DocPath) -> Msg:
    """A human name for the place: the field, and the item with an id that holds it."""
    node = data
    item: Msg | None = None
    parent_key: str | int | None = None
    for step in path:
        if isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
            kind = _SINGULAR.get(str(parent_key), "item")
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                item = Msg(kind + " {id}", id=node["id"])
            else:
                item = Msg(kind + " {id}", id=step + 1)
        elif isinstance(node, dict) and step in node:
            node = node[step]
        parent_key = step
    field = next((str(s) for s in reversed(path) if isinstance(s, str)), "")
    if path and isinstance(path[-1], int):
        if isinstance(node, dict) and item is not None:
            return item
        n = path[-1] + 1
        return Msg('item {n} of "{field}"', n=n, field=field) if field else Msg("item {n}", n=n)
    if field and item is not None:
        return Msg('"{field}" of {item}', field=field, item=item)
    return Msg('"{field}"', field=field) if field else Msg("the file")


def _to_problems(file: str, data: Any, positions: Positions, error: Any) -> list[Problem]:
    path: DocPath = tuple(error.absolute_path)
    kw = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}
    where = _where(data, path)
    line, col = positions.of(data, path)

    def at(
        rule: str,
        message: Msg,
        *,
        p: DocPath = path,
        hint: str | Msg | None = None,
        key: bool = False,
    ) -> Problem:
        ln, cl = positions.of(data, p, key=key) if (p != path or key) else (line, col)
        return RULES[rule].at(file, ln, cl, message, path=p, hint=hint)

    instance = error.instance
    if kw == "required":
        missing = (
            error.message.split("'")[1] if "'" in error.message else str(error.validator_value)
        )
        return [
            at(
                "schema-required",
                Msg('missing field "{field}" in {where}', field=missing, where=where)
                if path
                else Msg('missing field "{field}"', field=missing),
                hint=Msg("add the field {field}", field=missing),
            )
        ]
    if kw == "additionalProperties" and isinstance(instance, dict):
        allowed = list(schema.get("properties", {}))
        patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
        out = []
        for extra in instance:
            if extra in allowed or any(p.search(extra) for p in patterns):
                continue
            close = difflib.get_close_matches(str(extra), allowed, n=1)
            field_hint = (
                Msg('did you mean "{word}"?', word=close[0])
                if close
                else Msg("allowed fields: {fields}", fields=", ".join(allowed))
            )
            out.append(
                at(
                    "schema-unknown-field",
                    Msg('unknown field "{field}" in {where}', field=extra, where=where)
                    if path
                    else Msg('unknown field "{field}"', field=extra),
                    p=(*path, extra),
                    hint=field_hint,
                    key=True,
                )
            )
        return out
    if kw == "type":
        expected = error.validator_value
        types = [
            Msg(_TYPE_NAMES.get(str(t), str(t)))
            for t in (expected if isinstance(expected, list) else [expected])
        ]
        names = types[0]
        for other in types[1:]:
            names = Msg("{a} or {b}", a=names, b=other)
        hint: Msg | None = None
        if expected in ("integer", "number") and isinstance(instance, str) and _is_number(instance):
            hint = Msg("remove the quotes: {value}", value=instance.strip())
        if expected == "array" and not isinstance(instance, list):
            hint = Msg(
                "write a list: one item per line, each starting with '- ' (or [a, b] for short ids)"
            )
        if expected == "string" and isinstance(instance, int | float | bool):
            shown = str(instance).lower() if isinstance(instance, bool) else instance
            hint = Msg('put the value in double quotes: "{value}"', value=shown)
        message = Msg(
            "{where} must be {names}, not {found}",
            where=where,
            names=names,
            found=_type_name(instance),
        )
        return [at("schema-type", message, hint=hint)]
    if kw in ("enum", "const"):
        allowed = list(error.validator_value) if kw == "enum" else [error.validator_value]
        close = difflib.get_close_matches(str(instance), [str(a) for a in allowed], n=1)
        synonym = _SYNONYMS.get(str(instance).strip().lower())
        if synonym is not None and synonym in allowed:
            close = [synonym]
        enum_hint = Msg('did you mean "{word}"?', word=close[0]) if close else None
        return [
            at(
                "schema-enum",
                Msg(
                    "{where} must be one of {allowed}; found {found}",
                    where=where,
                    allowed=", ".join(map(str, allowed)),
                    found=_type_name(instance),
                ),
                hint=enum_hint,
            )
        ]
    if kw == "pattern":
        described = schema.get("description")
        rule = (
            Msg(described)
            if described
            else Msg("it must match {pattern}", pattern=error.validator_value)
        )
        return [
            at(
                "schema-pattern",
                Msg(
                    "{where} is not valid: {found}. {rule}",
                    where=where,
                    found=_type_name(instance),
                    rule=rule,
                ),
            )
        ]
    if kw in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        template = _RANGE[kw]
        message = Msg(template, where=where, limit=error.validator_value, found=instance)
        return [at("schema-range", message)]
    if kw in ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"):
        template = _LENGTH[(kw.startswith("min"), kw[3:])]
        return [at("schema-length", Msg(template, where=where, n=error.validator_value))]
    if kw == "uniqueItems" and isinstance(instance, list):
        seen: list[Any] = []
        for i, item in enumerate(instance):
            if item in seen:
                return [
                    at(
                        "schema-unique",
                        Msg("{where} lists {found} twice", where=where, found=_type_name(item)),
                        p=(*path, i),
                    )
                ]
            seen.append(item)
    return [at("schema", Msg("{where}: {detail}", where=where, detail=error.message))]


def pattern_descriptions() -> list[str]:
    """The descriptions of the schemas' patterned fields: shown in problems about them (they say
    what the pattern asks, in words), so translated with the other messages."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "pattern" in node and isinstance(node.get("description"), str):
                out.append(node["description"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    for kind in sorted(CURRENT):
        walk(load_schema(kind))
    return sorted(set(out))

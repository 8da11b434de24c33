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

from refkit.problems import RULES, DocPath, Problem
from refkit.store.reader import Positions

# file kind -> the value of its ``schema:`` line
CURRENT = {
    "framework": "refkit/framework/2",
    "block": "refkit/block/1",
    "releases": "refkit/releases/1",
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
            "framework": "a framework file",
            "block": "a block file",
            "releases": "a release record",
        }[kind]
        return [
            RULES["schema-type"].at(
                file,
                line,
                col,
                f"{what} must be a mapping of fields (key: value), not {_type_name(data)}",
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
                    f"{_where(data, path)} must be a finite number, not {shown}",
                    path=path,
                    hint="write a number, such as 35 or 0.5",
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
            f'missing the schema line "schema: {expected}"',
            hint=f"add the line: schema: {expected}",
        )
    line, col = positions.of(data, ("schema",))
    m = _VERSION.match(value) if isinstance(value, str) else None
    if m is None:
        return RULES["schema-version"].at(
            file,
            line,
            col,
            f'"schema" is {value!r}; this file kind expects "{expected}"',
            path=("schema",),
        )
    found_kind, found_version = m.group(1), int(m.group(2))
    want_version = int(expected.rsplit("/", 1)[1])
    if found_kind != kind:
        return RULES["schema-version"].at(
            file,
            line,
            col,
            f"this is a {found_kind} file ({value}) where a {kind} file is expected",
            path=("schema",),
            hint=f"move the file where {found_kind} files go, or set: schema: {expected}",
        )
    if found_version < want_version:
        return RULES["schema-version"].at(
            file,
            line,
            col,
            f"file follows the older format {value}, which refkit cannot upgrade; this refkit reads {expected}",
            path=("schema",),
            hint=f"rewrite the file in the current format {expected} (docs/file-format.md)",
        )
    return RULES["schema-version"].at(
        file,
        line,
        col,
        f"file follows schema {value}, newer than this refkit ({expected})",
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


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _type_name(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, int):
        return f"the number {value}"
    if isinstance(value, float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f'text "{value}"' if len(value) < 40 else "text"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def _where(data: Any, path: DocPath) -> str:
    """A human name for the place: the field, and the item with an id that holds it."""
    node = data
    item = ""
    parent_key: str | int | None = None
    for step in path:
        if isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
            kind = _SINGULAR.get(str(parent_key), "item")
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                item = f"{kind} {node['id']}"
            else:
                item = f"{kind} {step + 1}"
        elif isinstance(node, dict) and step in node:
            node = node[step]
        parent_key = step
    field = next((str(s) for s in reversed(path) if isinstance(s, str)), "")
    if path and isinstance(path[-1], int):
        if isinstance(node, dict) and item:
            return item
        return f'item {path[-1] + 1} of "{field}"' if field else f"item {path[-1] + 1}"
    if field and item:
        return f'"{field}" of {item}'
    return f'"{field}"' if field else "the file"


def _to_problems(file: str, data: Any, positions: Positions, error: Any) -> list[Problem]:
    path: DocPath = tuple(error.absolute_path)
    kw = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}
    where = _where(data, path)
    line, col = positions.of(data, path)

    def at(
        rule: str, message: str, *, p: DocPath = path, hint: str | None = None, key: bool = False
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
                f'missing field "{missing}"' + (f" in {where}" if path else ""),
                hint=f"add the field {missing}",
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
                f'did you mean "{close[0]}"?' if close else "allowed fields: " + ", ".join(allowed)
            )
            inside = f" in {where}" if path else ""
            out.append(
                at(
                    "schema-unknown-field",
                    f'unknown field "{extra}"{inside}',
                    p=(*path, extra),
                    hint=field_hint,
                    key=True,
                )
            )
        return out
    if kw == "type":
        expected = error.validator_value
        names = " or ".join(
            _TYPE_NAMES.get(str(t), str(t))
            for t in (expected if isinstance(expected, list) else [expected])
        )
        hint = None
        if expected in ("integer", "number") and isinstance(instance, str) and _is_number(instance):
            hint = f"remove the quotes: {instance.strip()}"
        if expected == "array" and not isinstance(instance, list):
            hint = (
                "write a list: one item per line, each starting with '- ' (or [a, b] for short ids)"
            )
        if expected == "string" and isinstance(instance, int | float | bool):
            hint = f'put the value in double quotes: "{str(instance).lower() if isinstance(instance, bool) else instance}"'
        return [
            at("schema-type", f"{where} must be {names}, not {_type_name(instance)}", hint=hint)
        ]
    if kw in ("enum", "const"):
        allowed = list(error.validator_value) if kw == "enum" else [error.validator_value]
        close = difflib.get_close_matches(str(instance), [str(a) for a in allowed], n=1)
        synonym = _SYNONYMS.get(str(instance).strip().lower())
        if synonym is not None and synonym in allowed:
            close = [synonym]
        enum_hint = f'did you mean "{close[0]}"?' if close else None
        return [
            at(
                "schema-enum",
                f"{where} must be one of {', '.join(map(str, allowed))}; found {_type_name(instance)}",
                hint=enum_hint,
            )
        ]
    if kw == "pattern":
        rule = schema.get("description") or f"it must match {error.validator_value}"
        return [at("schema-pattern", f"{where} is not valid: {_type_name(instance)}. {rule}")]
    if kw in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        words = {
            "minimum": "at least",
            "maximum": "at most",
            "exclusiveMinimum": "more than",
            "exclusiveMaximum": "less than",
        }[kw]
        return [
            at("schema-range", f"{where} must be {words} {error.validator_value}; found {instance}")
        ]
    if kw in ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"):
        words = "at least" if kw.startswith("min") else "at most"
        unit = {"Length": "characters", "Items": "items", "Properties": "fields"}[kw[3:]]
        return [at("schema-length", f"{where} must have {words} {error.validator_value} {unit}")]
    if kw == "uniqueItems" and isinstance(instance, list):
        seen: list[Any] = []
        for i, item in enumerate(instance):
            if item in seen:
                return [
                    at("schema-unique", f"{where} lists {_type_name(item)} twice", p=(*path, i))
                ]
            seen.append(item)
    return [at("schema", f"{where}: {error.message}")]

"""Turns jsonschema's errors into problems a working group understands: the field and the item
that holds it named (``"kind" of competency C2.3``), at the line and column of the offending key or
value, with a hint ("did you mean ...") where one can be given. One function per kind of error
(the schema keyword that failed), chosen from ``_BY_KEYWORD``."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from refkit.i18n import Msg
from refkit.problems import RULES, DocPath, Problem
from refkit.store.reader import Positions

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


@dataclass(slots=True)
class _Error:
    """One jsonschema error in one file, and how to place a problem about it."""

    file: str
    data: Any
    positions: Positions
    error: Any
    path: DocPath
    where: Msg
    schema: dict[str, Any]

    @property
    def instance(self) -> Any:
        return self.error.instance

    def at(
        self,
        rule: str,
        message: Msg,
        *,
        p: DocPath | None = None,
        hint: str | Msg | None = None,
        key: bool = False,
    ) -> Problem:
        place = self.path if p is None else p
        line, col = self.positions.of(self.data, place, key=key)
        return RULES[rule].at(self.file, line, col, message, path=place, hint=hint)


def to_problems(file: str, data: Any, positions: Positions, error: Any) -> list[Problem]:
    """The problems one jsonschema ``error`` of ``file`` stands for (usually one)."""
    path: DocPath = tuple(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    e = _Error(file, data, positions, error, path, _where(data, path), schema)
    handler = _BY_KEYWORD.get(error.validator)
    found = handler(e) if handler is not None else None
    if found is not None:
        return found
    return [e.at("schema", Msg("{where}: {detail}", where=e.where, detail=error.message))]


def _required(e: _Error) -> list[Problem]:
    text = e.error.message
    missing = text.split("'")[1] if "'" in text else str(e.error.validator_value)
    message = (
        Msg('missing field "{field}" in {where}', field=missing, where=e.where)
        if e.path
        else Msg('missing field "{field}"', field=missing)
    )
    return [e.at("schema-required", message, hint=Msg("add the field {field}", field=missing))]


def _unknown_fields(e: _Error) -> list[Problem] | None:
    if not isinstance(e.instance, dict):
        return None
    allowed = list(e.schema.get("properties", {}))
    patterns = [re.compile(p) for p in e.schema.get("patternProperties", {})]
    out = []
    for extra in e.instance:
        if extra in allowed or any(p.search(extra) for p in patterns):
            continue
        close = difflib.get_close_matches(str(extra), allowed, n=1)
        hint = (
            Msg('did you mean "{word}"?', word=close[0])
            if close
            else Msg("allowed fields: {fields}", fields=", ".join(allowed))
        )
        message = (
            Msg('unknown field "{field}" in {where}', field=extra, where=e.where)
            if e.path
            else Msg('unknown field "{field}"', field=extra)
        )
        out.append(e.at("schema-unknown-field", message, p=(*e.path, extra), hint=hint, key=True))
    return out


def _wrong_type(e: _Error) -> list[Problem]:
    expected = e.error.validator_value
    instance = e.instance
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
        where=e.where,
        names=names,
        found=_type_name(instance),
    )
    return [e.at("schema-type", message, hint=hint)]


def _not_allowed(e: _Error) -> list[Problem]:
    value = e.error.validator_value
    allowed = list(value) if e.error.validator == "enum" else [value]
    close = difflib.get_close_matches(str(e.instance), [str(a) for a in allowed], n=1)
    synonym = _SYNONYMS.get(str(e.instance).strip().lower())
    if synonym is not None and synonym in allowed:
        close = [synonym]
    message = Msg(
        "{where} must be one of {allowed}; found {found}",
        where=e.where,
        allowed=", ".join(map(str, allowed)),
        found=_type_name(e.instance),
    )
    hint = Msg('did you mean "{word}"?', word=close[0]) if close else None
    return [e.at("schema-enum", message, hint=hint)]


def _pattern(e: _Error) -> list[Problem]:
    described = e.schema.get("description")
    rule = (
        Msg(described)
        if described
        else Msg("it must match {pattern}", pattern=e.error.validator_value)
    )
    message = Msg(
        "{where} is not valid: {found}. {rule}",
        where=e.where,
        found=_type_name(e.instance),
        rule=rule,
    )
    return [e.at("schema-pattern", message)]


def _out_of_range(e: _Error) -> list[Problem]:
    template = _RANGE[e.error.validator]
    message = Msg(template, where=e.where, limit=e.error.validator_value, found=e.instance)
    return [e.at("schema-range", message)]


def _length(e: _Error) -> list[Problem]:
    kw = e.error.validator
    template = _LENGTH[(kw.startswith("min"), kw[3:])]
    return [e.at("schema-length", Msg(template, where=e.where, n=e.error.validator_value))]


def _twice(e: _Error) -> list[Problem] | None:
    if not isinstance(e.instance, list):
        return None
    seen: list[Any] = []
    for i, item in enumerate(e.instance):
        if item in seen:
            message = Msg("{where} lists {found} twice", where=e.where, found=_type_name(item))
            return [e.at("schema-unique", message, p=(*e.path, i))]
        seen.append(item)
    return None


_BY_KEYWORD: dict[str, Callable[[_Error], list[Problem] | None]] = {
    "required": _required,
    "additionalProperties": _unknown_fields,
    "type": _wrong_type,
    "enum": _not_allowed,
    "const": _not_allowed,
    "pattern": _pattern,
    **dict.fromkeys(("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"), _out_of_range),
    **dict.fromkeys(
        ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"),
        _length,
    ),
    "uniqueItems": _twice,
}

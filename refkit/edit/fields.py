"""Provides the editable fields of each kind of item (``FIELDS``): their labels (English message
ids, shown in the editor's language), how each is typed, and the check of one typed value
against the JSON Schema (the same rules as ``refkit validate``, for one field)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from refkit.i18n import N_, SOURCE, tr


@dataclass(frozen=True, slots=True)
class Field:
    """One editable field of an item kind: its name (a dotted path into the model), how it is
    typed, and where its rules live in the JSON Schema."""

    name: str
    label: str
    type: str  # line, text, choice, integer, number, list (comma-separated), lines (one per line)
    schema: tuple[str, tuple[str, ...]]  # (schema kind, path to the property's subschema)
    choices: tuple[tuple[str, str], ...] = ()
    required: bool = False
    help: str = ""


_C = ("block", ("$defs", "competency", "properties"))
_B = ("block", ("properties",))
_F = ("framework", ("properties",))

FIELDS: dict[str, tuple[Field, ...]] = {
    "framework": (
        Field("title", N_("Framework title"), "line", (_F[0], (*_F[1], "title")), required=True),
        Field(
            "status",
            N_("Status"),
            "choice",
            (_F[0], (*_F[1], "status")),
            (("draft", N_("draft")), ("published", N_("published")), ("deprecated", N_("deprecated"))),
        ),
        Field("sector", N_("Sector"), "line", (_F[0], (*_F[1], "sector"))),
        Field("lang", N_("Language"), "line", (_F[0], (*_F[1], "lang")), required=True),
        Field(
            "level.eqf", N_("EQF level (1 to 8)"), "integer", (_F[0], (*_F[1], "level", "properties", "eqf"))
        ),
        Field(
            "level.national.fr",
            N_("National level, France (3 to 8)"),
            "integer",
            (_F[0], (*_F[1], "level", "properties", "national", "properties", "fr")),
        ),
        Field(
            "validity.start",
            N_("In force from (YYYY-MM-DD)"),
            "line",
            (_F[0], (*_F[1], "validity", "properties", "from")),
        ),
        Field(
            "validity.until",
            N_("In force until (YYYY-MM-DD)"),
            "line",
            (_F[0], (*_F[1], "validity", "properties", "until")),
        ),
        Field("summary", N_("Summary"), "text", (_F[0], (*_F[1], "summary"))),
        Field(
            "type",
            N_("Type"),
            "choice",
            (_F[0], (*_F[1], "type")),
            (("certification", N_("certification (the default)")), ("reference", N_("reference framework (ESCO, NICE...)"))),
        ),
        Field("codes.rncp", N_("RNCP code (e.g. RNCP12345)"), "line", (_F[0], (*_F[1], "codes", "properties", "rncp"))),
        Field("codes.rs", N_("Répertoire spécifique code (e.g. RS5678)"), "line", (_F[0], (*_F[1], "codes", "properties", "rs"))),
        Field("codes.rome", N_("ROME codes (comma-separated)"), "list", (_F[0], (*_F[1], "codes", "properties", "rome"))),
        Field("codes.nsf", N_("NSF codes (comma-separated)"), "list", (_F[0], (*_F[1], "codes", "properties", "nsf"))),
        Field("codes.formacode", N_("Formacodes (comma-separated)"), "list", (_F[0], (*_F[1], "codes", "properties", "formacode"))),
        Field("codes.esco", N_("ESCO occupations (URIs, comma-separated)"), "list", (_F[0], (*_F[1], "codes", "properties", "esco"))),
        Field(
            "certification.required",
            N_("Required blocks (comma-separated)"),
            "list",
            (_F[0], (*_F[1], "certification", "properties", "required")),
        ),
        Field(
            "certification.volume.hours",
            N_("Total volume (hours)"),
            "number",
            (_F[0], ("$defs", "volume", "properties", "hours")),
        ),
        Field(
            "certification.volume.credits",
            N_("Total credits"),
            "number",
            (_F[0], ("$defs", "volume", "properties", "credits")),
        ),
    ),
    "block": (
        Field("id", N_("ID"), "line", (_B[0], (*_B[1], "id")), required=True),
        Field("title", N_("Title"), "line", (_B[0], (*_B[1], "title")), required=True),
        Field("volume.hours", N_("Volume (hours)"), "number", (_B[0], (*_B[1], "volume", "properties", "hours"))),
        Field("volume.credits", N_("Credits"), "number", (_B[0], (*_B[1], "volume", "properties", "credits"))),
        Field(
            "prerequisites",
            N_("Prerequisites (blocks, comma-separated)"),
            "list",
            (_B[0], (*_B[1], "prerequisites")),
        ),
        Field("description", N_("Description"), "text", (_B[0], (*_B[1], "description"))),
    ),
    "competency": (
        Field("id", N_("ID"), "line", (_C[0], (*_C[1], "id")), required=True),
        Field("statement", N_("Statement"), "line", (_C[0], (*_C[1], "statement")), required=True),
        Field(
            "kind",
            N_("Kind"),
            "choice",
            (_C[0], (*_C[1], "kind")),
            (("skill", N_("skill")), ("knowledge", N_("knowledge")), ("attitude", N_("attitude"))),
            required=True,
        ),
        Field(
            "activities",
            N_("Activities (comma-separated)"),
            "list",
            (_C[0], (*_C[1], "activities")),
        ),
        Field("esco", N_("ESCO alignment (URIs)"), "list", (_C[0], (*_C[1], "esco"))),
        Field("notes", N_("Notes"), "text", (_C[0], (*_C[1], "notes"))),
    ),
    "criterion": (
        Field(
            "text",
            N_("Assessment criterion"),
            "line",
            (_C[0], (*_C[1], "criteria", "items")),
            required=True,
        ),
    ),
}  # fmt: skip


def field_of(kind: str, name: str) -> Field:
    for f in FIELDS[kind]:
        if f.name == name:
            return f
    raise KeyError(f"{kind} has no field {name}")


@cache
def _subschema(kind: str, path: tuple[str, ...]) -> dict[str, Any]:
    from refkit.schema import load_schema

    root = load_schema(kind)
    node: Any = root
    for key in path:
        if key not in node and "$ref" in node:  # follow "#/$defs/volume" to its properties
            node = root["$defs"][node["$ref"].rsplit("/", 1)[-1]]
        node = node[key]
    return {"$defs": root.get("$defs", {}), **node}


@cache
def _validator(kind: str, path: tuple[str, ...]) -> Any:
    import jsonschema

    return jsonschema.Draft202012Validator(_subschema(kind, path))


_ID_MESSAGE = N_("letters, digits, dots, hyphens or underscores, no spaces (e.g. C2.3)")


def parse_value(f: Field, text: str) -> Any:
    """The typed value of what was typed in a field; raises ValueError with a message to show
    (an English message id: ``tr(str(e), lang)``)."""
    text = text.strip() if f.type not in ("text", "lines") else text.rstrip()
    if f.type in ("integer", "number"):
        if not text:
            return None
        try:
            return int(text) if f.type == "integer" else float(text.replace(",", "."))
        except ValueError:
            raise ValueError(N_("a number is expected")) from None
    if f.type == "list":
        return [p.strip() for p in text.split(",") if p.strip()]
    if f.type == "lines":
        return [p.strip() for p in text.splitlines() if p.strip()]
    if not text:
        return None
    return text


def check_value(f: Field, value: Any, lang: str = SOURCE) -> str | None:
    """What is wrong with ``value`` for field ``f`` according to the JSON Schema, or None: the
    same rules as ``refkit validate``, for one field, as it is typed; said in ``lang``."""
    if value is None or value == []:
        return tr("this field is required", lang) if f.required else None
    import jsonschema

    error = jsonschema.exceptions.best_match(_validator(*f.schema).iter_errors(value))
    if error is None:
        return None
    if error.validator == "pattern" and f.name == "id":
        return tr(_ID_MESSAGE, lang)
    if error.validator == "enum":
        return tr("choose a value from the list", lang)
    if error.validator in ("minLength",):
        return tr("this field is required", lang)
    if error.validator == "pattern" and isinstance(value, str) and "\n" in value:
        return tr("one line only", lang)
    if error.validator in ("minimum", "maximum", "exclusiveMinimum"):
        return tr("value out of range ({detail})", lang).format(detail=error.message)
    if error.validator == "pattern":
        bad = error.instance if isinstance(error.instance, str) else value
        example = re.search(r"\(e\.g\. ([^)]*)\)", f.label)
        if example:
            return tr('"{value}" is not in the expected form (e.g. {example})', lang).format(
                value=bad, example=example.group(1)
            )
        return tr('"{value}" is not in the expected form', lang).format(value=bad)
    if error.validator == "uniqueItems":
        return tr("a value appears twice", lang)
    if error.validator == "format" or error.validator == "type":
        return tr("value not recognised ({detail})", lang).format(detail=error.message)
    return str(error.message)  # (the schema's own words)


def typed_value(f: Field, text: str, lang: str) -> Any:
    """The value ``text`` types for field ``f``; ``FieldRefused`` when it is not valid for it."""
    from refkit.edit.errors import FieldRefused

    try:
        value = parse_value(f, text)
    except ValueError as e:
        raise FieldRefused(f, tr(str(e), lang), lang) from None
    problem = check_value(f, value, lang)
    if problem is not None:
        raise FieldRefused(f, problem, lang)
    return value


def typing_problem(f: Field, text: str, lang: str) -> str | None:
    """What is wrong with ``text`` typed in field ``f`` (checked as it is typed), if anything."""
    try:
        return check_value(f, parse_value(f, text), lang)
    except ValueError as e:
        return tr(str(e), lang)


def refused(f: Field, reason: str, lang: str) -> str:
    """A value refused for field ``f``, in ``lang``: "Statement: this field is required"."""
    return tr("{field}: {reason}", lang).format(field=tr(f.label, lang), reason=reason)


def display_value(f: Field, value: Any) -> str:
    if value is None:
        return ""
    if f.type == "list":
        return ", ".join(str(v) for v in value)
    if f.type == "lines":
        return "\n".join(str(v) for v in value)
    if f.type == "number" and isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def get_value(item: Any, name: str) -> Any:
    node = item
    parts = name.split(".")
    for part in parts:
        node = node.get(part) if isinstance(node, dict) else getattr(node, part, None)
        if node is None:
            return None
    return node


def set_value(item: Any, name: str, value: Any) -> None:
    parts = name.split(".")
    node = item
    for part in parts[:-1]:
        node = node[part] if isinstance(node, dict) else getattr(node, part)
    last = parts[-1]
    if isinstance(node, dict):
        if value is None or value == []:
            node.pop(last, None)
        else:
            node[last] = value
    else:
        setattr(node, last, value)

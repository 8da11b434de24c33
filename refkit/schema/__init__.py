"""Provides the JSON Schemas of refkit's file kinds and checks data against them.

The schemas are files (``schemas/*.schema.json`` in the repository, ``refkit/schemas`` once
installed): the contract, and documentation for editors. Checking runs in two steps:

1. a validator compiled by fastjsonschema answers "valid or not" (14x faster than jsonschema; almost
   every file of a repository is valid);
2. only for a file that fails, jsonschema lists every error, each turned into a ``Problem`` with a
   message a working group understands, at the line and column of the offending key or value.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

from refkit.i18n import Msg
from refkit.problems import RULES, DocPath, Problem
from refkit.schema.messages import _type_name, _where, to_problems
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
    """fastjsonschema's validator of ``kind``, asked only "valid or not". Its generated code
    names the place of every list item it checks for a possible error message, even when there
    is none (``"...[{i}]".format(**locals())``: a dictionary of the locals built per item, a
    sixth of the whole schema check); refkit never reads those messages (jsonschema says what is
    wrong, ``check``), so the code is compiled without them. It is generated beforehand
    (``refkit.schema.generate``: 0.1 s a schema saved on every run); compiled here when the
    module generated does not match the schema file."""
    import importlib

    from refkit.schema.generate import schema_digest, source

    try:
        module = importlib.import_module(f"refkit.schema.compiled.{kind}")
        if schema_digest(kind) == module.SCHEMA_DIGEST:
            made: Callable[[Any], Any] = module.validate
            return made
    except (ImportError, AttributeError):
        pass
    scope: dict[str, Any] = {}
    exec(compile(source(kind), f"<refkit {kind} schema>", "exec"), scope)  # refkit's own schemas
    validator: Callable[[Any], Any] = scope["validate"]
    return validator


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
        problems.extend(to_problems(file, data, positions, error))
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

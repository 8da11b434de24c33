"""Provides the reading of JSON inputs (CASE packages, NICE, DIRECT, JSON Schemas): UTF-8,
standard JSON (no NaN), nested no deeper than refkit can write back as YAML; anything else is
refused with its place."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from refkit.errors import RefkitError
from refkit.i18n import N_, Msg
from refkit.interop.inputs import read_input
from refkit.store.reader import MAX_DEPTH

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
            Msg("{name}: not UTF-8 text (byte {byte})", name=name, byte=e.start),
            hint=Msg("save the file as UTF-8 JSON"),
        ) from e
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as e:
        raise RefkitError(
            Msg(
                "{name}:{line}:{col}: not valid JSON ({error})",
                name=name,
                line=e.lineno,
                col=e.colno,
                error=e.msg,
            ),
            hint=Msg("check that the file is the JSON export itself, complete"),
        ) from e
    except RecursionError:
        line, col = _deep_place(text)
        raise RefkitError(
            Msg(
                "{name}:{line}:{col}: JSON nested deeper than {depth} levels",
                name=name,
                line=line,
                col=col,
                depth=MAX_JSON_DEPTH,
            ),
            hint=Msg("no framework nests this deep: check that it is the file you meant"),
        ) from None
    except ValueError as e:  # a number of thousands of digits, NaN or Infinity
        raise RefkitError(Msg("{name}: not valid JSON ({error})", name=name, error=e), hint=Msg("check that the file is the JSON export itself")) from e  # fmt: skip
    where = too_deep(value)
    if where is not None:
        raise RefkitError(
            Msg(
                "{name}: JSON nested deeper than {depth} levels at {where}",
                name=name,
                depth=MAX_JSON_DEPTH,
                where=where,
            ),
            hint=Msg("no framework nests this deep: check that it is the file you meant"),
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


def too_deep(value: Any) -> str | None:
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


def type_name(value: Any) -> str:
    """What a JSON value is, in English: a message id (``Msg(type_name(v))`` says it in the
    reader's language)."""
    return {bool: N_("a boolean"), int: N_("a number"), float: N_("a number"), list: N_("a list"),
            dict: N_("an object"), type(None): N_("null")}.get(type(value), type(value).__name__)  # fmt: skip

"""Provides ``plain_dump``: the text of a file made from nothing, in refkit's house style, without
ruamel.yaml, for the texts where that is certain.

ruamel.yaml writes refkit's files (``store.roundtrip``): it keeps comments and layout when a
file is edited. A file made from nothing has neither, and ruamel (pure Python) takes about 2 ms a
competency to write one: most of an import of ESCO's skills pillar (13,900 competencies). This
module writes the same bytes for the documents it is sure of: mappings and lists laid out as
``roundtrip.make_yaml`` lays them out (mappings indented by 2, list items by 4 with the dash at
2), flow lists and relations as ``Merger.fresh`` makes them, texts plain when YAML reads them back
as the same text whatever their context, in single quotes when only a ``: `` or `` #`` inside
stops that, multi-line texts as literal blocks. Anything else (a text that starts with a digit or
an indicator, control characters, a float written in exponent form...) makes it return None, and
the caller writes the file with ruamel: the two never differ (tests/test_store.py compares them
on every file of the samples, of the corpus imports and on generated texts).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from refkit.store.roundtrip import _DATE, _UNPRINTABLE, DATE_KEYS, FLOW_KEYS, _is_empty, make_yaml

# a text YAML reads back as the same text in any context, written plain: a letter first, no
# character that opens or ends something, no ": " or " #", no space at either end
_PLAIN = re.compile(r"^[^\W_][^\x00-\x1f\x7f:#]*(?::(?![\s])[^\x00-\x1f\x7f:#]*)*$")
_FLOW_UNSAFE = re.compile(r"[,\[\]{}?&*!|>'\"%@`]")
# words YAML 1.1 readers take for booleans or null: ruamel quotes them
_WORDS = frozenset(
    w
    for base in ("y", "n", "yes", "no", "on", "off", "true", "false", "null")
    for w in (base, base.capitalize(), base.upper())
)


# what YAML reads as a line break, a tab, a byte order mark: ruamel quotes or folds around them
_BREAKS = re.compile("[\r\n\t\x85\u2028\u2029\ufeff]")


class _NotSure(Exception):
    """A value ``plain_dump`` does not know to write exactly as ruamel would."""


def plain_dump(data: dict[str, Any]) -> str | None:
    """``data`` (a document as ``store.writer`` gives it to ``Merger.fresh``) as ruamel.yaml
    would write it in refkit's house style, or None when that is not certain."""
    out: list[str] = []
    try:
        _mapping(out, data, 0, None)
    except _NotSure:
        return None
    return "".join(out)


def _mapping(out: list[str], data: dict[str, Any], indent: int, first: str | None) -> None:
    """Write the keys of ``data`` at ``indent``; ``first``: what stands before the first key on
    its line (a list item's dash), instead of the indentation."""
    pad = " " * indent
    lead = first
    for key, value in data.items():
        if _is_empty(value):
            continue
        out.append(lead if lead is not None else pad)
        lead = None
        out.append(f"{_key(key)}:")
        if isinstance(value, dict):
            if key == "relations":
                raise _NotSure  # a mapping under "relations" is not what refkit writes
            out.append("\n")
            _mapping(out, value, indent + 2, None)
        elif isinstance(value, list):
            _list(out, value, indent, key)
        elif isinstance(value, str) and "\n" in value and not ("\r" in value or _UNPRINTABLE.search(value)):  # fmt: skip
            _literal(out, value, indent + 2)
        else:
            out.append(" " + _scalar(value, key, flow=False) + "\n")
    if lead is not None:
        raise _NotSure  # an empty mapping as a list item


def _list(out: list[str], items: list[Any], indent: int, key: str) -> None:
    if key in FLOW_KEYS and all(not isinstance(v, dict | list) for v in items):
        out.append(" [" + ", ".join(_scalar(v, key, flow=True) for v in items) + "]\n")
        return
    out.append("\n")
    dash = " " * (indent + 2) + "- "
    for item in items:
        if isinstance(item, dict) and key == "relations":
            pairs = [(k, v) for k, v in item.items() if not _is_empty(v)]
            if not pairs or any(isinstance(v, dict | list) for _, v in pairs):
                raise _NotSure
            body = ", ".join(f"{_key(k)}: {_scalar(v, k, flow=True)}" for k, v in pairs)
            out.append(dash + "{" + body + "}\n")
        elif isinstance(item, dict):
            _mapping(out, item, indent + 4, dash)
        elif isinstance(item, list) or (isinstance(item, str) and "\n" in item):
            raise _NotSure
        else:
            out.append(dash + _scalar(item, key, flow=False) + "\n")


def _key(key: Any) -> str:
    if not isinstance(key, str) or not _PLAIN.match(key) or key in _WORDS:
        raise _NotSure
    return key


def _scalar(value: Any, key: str, *, flow: bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        text = repr(value)
        if "e" in text or "n" in text:  # exponent, inf, nan: not sure of ruamel's form
            raise _NotSure
        return text
    if isinstance(value, datetime.date):
        return value.isoformat()
    if not isinstance(value, str) or not value:
        raise _NotSure
    if key in DATE_KEYS and _DATE.match(value):
        return value  # Merger.fresh makes it a date, written plain
    if _UNPRINTABLE.search(value) or _BREAKS.search(value):
        raise _NotSure
    if value in _WORDS:
        raise _NotSure
    spaced = value != value.strip(" ")  # YAML's spaces: a no-break space is a character
    plain = not spaced and _PLAIN.match(value) and not value.endswith(":")
    if plain and not (flow and _FLOW_UNSAFE.search(value)) and _read_as_text(value):
        return value
    if flow:
        raise _NotSure
    if (
        plain
        or spaced
        or (value[0].isalpha() and (": " in value or " #" in value or value.endswith(":")))
    ):
        if "'" not in value:
            return "'" + value + "'"  # 0031 would be read as a number
        if '"' not in value and "\\" not in value:
            return '"' + value + '"'  # as ruamel, double quotes rather than doubled ones
    raise _NotSure


_RESOLVER: list[Any] = []


def _read_as_text(value: str) -> bool:
    """Whether YAML reads ``value`` written plain as a text (not 0031, 1e5, 2026-01-02...)."""
    if value[0].isalpha() and not any(c.isdigit() for c in value[:2]):
        return True  # a word: no number, date or time starts so (booleans and null are _WORDS)
    if not _RESOLVER:
        from ruamel.yaml.nodes import ScalarNode

        resolver = make_yaml().resolver
        _RESOLVER.append(lambda v: str(resolver.resolve(ScalarNode, v, (True, False))))
    return bool(_RESOLVER[0](value) == "tag:yaml.org,2002:str")


def _literal(out: list[str], value: str, indent: int) -> None:
    """A text of several lines as a literal block (``|``, ``|+`` when it ends with blank lines),
    as ``Merger.fresh`` makes it."""
    text = value if value.endswith("\n") else value + "\n"
    lines = text.split("\n")[:-1]
    if not lines or not lines[0] or lines[0][0] == " " or any(ln.endswith(" ") for ln in lines):
        raise _NotSure  # an indentation indicator, or spaces ruamel may write otherwise
    if _BREAKS.search(text.replace("\n", "")) or _UNPRINTABLE.search(text):
        raise _NotSure
    chomp = "+" if text.endswith("\n\n") else ""
    pad = " " * indent
    out.append(f" |{chomp}\n")
    out.extend(f"{pad}{ln}\n" if ln else "\n" for ln in lines)

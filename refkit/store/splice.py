"""Provides the fast path of saving: a change that only rewords texts, written in place.

Most edits change texts and nothing else: a statement reworded, a title corrected, a word
replaced across a framework. For those, the file's new text is its old text with each changed
value's characters replaced, and nothing else touched: no round trip through ruamel.yaml, whose
load and dump of a block of 250 competencies takes half a second (docs/performance.md).

``splice`` compares the file's data (read again from ``old_text`` with the fast reader, so that
positions and text agree) with the data the model gives. When both have the same shape (the same
keys, lists of the same lengths) and only strings differ, each differing string that sits on one
line of the file is written over, in the style the file had for it (plain, 'single' or "double"
quoted) when the new text allows that style. The result is read back and must give exactly the
new data; in every other case (a key added or removed, an item added, moved or removed, a number
changed, a text on several lines, a block scalar) ``splice`` says it cannot, and the writer's
round trip does the work as before. Either way comments, layout and line ends stay as they were.
"""

from __future__ import annotations

import json
import re
from typing import Any

from yaml.nodes import ScalarNode

from refkit.store.reader import _STR, ReadResult, _Resolver, read_yaml
from refkit.store.roundtrip import ID_KEYS, _match_ids, _match_values

Path = tuple[str | int, ...]

# characters a plain scalar may not start with; what it may never hold, in a block and inside
# [ ... ] (where the flow indicators end it too)
_PLAIN_FIRST = frozenset("-?:,[]{}#&*!|>'\"%@`")
_PLAIN_NEVER = re.compile(r": |:$| #|[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]")
_FLOW = re.compile(r"[,\[\]{}]")
_RESOLVER = _Resolver()


def splice(
    old_text: str,
    new_data: dict[str, Any],
    *,
    kept: frozenset[str],
    parsed: ReadResult | None = None,
    verified: list[ReadResult] | None = None,
) -> str | None:
    """``old_text`` with only its changed texts replaced so that it reads as ``new_data``
    (``kept``: top-level keys the file keeps whatever the data says, such as ``schema``); the
    old text itself when nothing differs; None when the change is not texts only. ``parsed``:
    ``old_text`` as read already (its data and positions), when the caller has it; whatever it
    says, the new text is parsed again and must read exactly as ``new_data``: that parse is
    appended to ``verified`` (the caller may use it rather than read the file it writes again)."""
    old = parsed if parsed is not None else read_yaml("", old_text.encode("utf-8"))
    if not old.ok or old.problems or not isinstance(old.data, dict):
        return None
    top = {k: v for k, v in old.data.items() if k not in kept}
    changes: list[tuple[Path, str, str]] = []
    if not _texts_only(top, new_data, (), changes):
        return None
    if not changes:
        if parsed is not None:
            # "nothing differs" is never taken from a parse given: the model may share its
            # lists with it, edited in place; the text itself is read to be sure
            return splice(old_text, new_data, kept=kept, verified=verified)
        return old_text
    starts = _line_starts(old_text)
    edits: list[tuple[int, int, str]] = []
    for path, was, value in changes:
        line, col = old.positions.of(old.data, path)
        start = starts[line - 1] + col - 1
        if "\n" in was or "\n" in value:
            lines = _literal_lines(old_text, starts, line, start, was, value)
            if lines is None:
                return None
            edits.extend(lines)
            continue
        end = _scalar_end(old_text, start)
        if end is None:
            return None
        written = _write_scalar(value, old_text[start], flow=_in_flow(old_text, start))
        if written is None:
            return None
        edits.append((start, end, written))
    text = old_text
    for start, end, written in sorted(edits, reverse=True):
        text = text[:start] + written + text[end:]
    # what the file now says must be exactly what the model says
    again = read_yaml("", text.encode("utf-8"))
    if not again.ok or again.problems or not isinstance(again.data, dict):
        return None
    expected = {**{k: old.data[k] for k in kept if k in old.data}, **new_data}
    if not _same(again.data, expected):
        return None
    if verified is not None:
        verified.append(again)
    return text


def _literal_lines(
    text: str, starts: list[int], line: int, start: int, was: str, value: str
) -> list[tuple[int, int, str]] | None:
    """The lines to write over in a literal block scalar (``|``) whose text goes from ``was`` to
    ``value``, line for line (as many lines before and after); None when it is not one."""
    if text[start : start + 1] != "|":
        return None
    old_lines, new_lines = was.split("\n"), value.split("\n")
    if len(old_lines) != len(new_lines) or any(c in value for c in "\r\x85\u2028\u2029"):
        return None
    first = line  # 0-based index of the scalar's first content line (the one after "|")
    content = [
        text[starts[i] : (starts[i + 1] - 1 if i + 1 < len(starts) else len(text))].rstrip("\r")
        for i in range(first, min(len(starts), first + len(old_lines)))
    ]
    indent = next((len(c) - len(c.lstrip(" ")) for c in content if c.strip()), 0)
    if not indent:
        return None
    edits = []
    for i, (o, n) in enumerate(zip(old_lines, new_lines, strict=True)):
        if o == n:
            continue
        if i >= len(content) or content[i][indent:] != o or (content[i][:indent].strip()):
            return None
        if n[:1] in (" ", "\t") and i == 0:
            return None  # the first line's spaces would change the block's indentation
        at = starts[first + i]
        edits.append((at, at + len(content[i]), " " * indent + n if n else ""))
    return edits


def _texts_only(old: Any, new: Any, path: Path, changes: list[tuple[Path, str, str]]) -> bool:
    """Whether ``new`` has ``old``'s shape and differs from it in strings only (those are
    added to ``changes``)."""
    if isinstance(old, dict):
        if not isinstance(new, dict) or old.keys() != new.keys():
            return False
        return all(
            _texts_only(old[k], new[k], (*path, k), changes) for k in new if old[k] != new[k]
        )
    if isinstance(old, list):
        if not isinstance(new, list) or len(old) != len(new):
            return False
        # items matched as the round trip matches them (by id, else by value): an item moved
        # takes its comment lines along, which only the round trip does
        key = path[-1] if path else ""
        if (
            key in ID_KEYS
            and all(isinstance(x, dict) and "id" in x for x in new)
            and all(isinstance(x, dict) for x in old)
        ):
            match = _match_ids(old, new)
        else:
            match = _match_values(old, new)
        if match != list(range(len(old))):
            return False
        return all(
            _texts_only(o, n, (*path, i), changes)
            for i, (o, n) in enumerate(zip(old, new, strict=True))
        )
    if type(old) is type(new) and old == new:
        return True
    if (
        isinstance(old, str)
        and isinstance(new, str)
        and ("\n" in new) == ("\n" in old)
        and "\r" not in new
    ):
        changes.append((path, old, new))
        return True
    return False


def _same(a: Any, b: Any) -> bool:
    """Equal, types included (True is not 1, 1.0 is not 1)."""
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(_same, a, b))
    return type(a) is type(b) and a == b


def _line_starts(text: str) -> list[int]:
    starts = [0]
    find = text.find
    i = find("\n")
    while i >= 0:
        starts.append(i + 1)
        i = find("\n", i + 1)
    return starts


def _scalar_end(text: str, start: int) -> int | None:
    """Where the scalar starting at ``start`` ends, if it sits on one line; else None."""
    eol = text.find("\n", start)
    if eol < 0:
        eol = len(text)
    first = text[start : start + 1]
    if first == "'":
        i = start + 1
        while True:
            i = text.find("'", i, eol)
            if i < 0:
                return None
            if text[i + 1 : i + 2] == "'":
                i += 2
                continue
            return i + 1
    if first == '"':
        i = start + 1
        while i < eol:
            c = text[i]
            if c == "\\":
                i += 2
                continue
            if c == '"':
                return i + 1
            i += 1
        return None
    if not first or first in "|>[{!&*":
        return None
    end = eol
    comment = text.find(" #", start, eol)
    if comment >= 0:
        end = comment
    for stop in ",]}":  # inside a flow collection; a plain text in a block holds none of them
        at = text.find(stop, start, end)
        if at >= 0 and _in_flow(text, start):
            end = min(end, at)
    end_text = text[start:end].rstrip(" \t\r")
    # a plain text may go on over the next lines: the check after writing catches that
    return start + len(end_text)


def _in_flow(text: str, start: int) -> bool:
    """Whether ``start`` lies inside [ ... ] or { ... } opened on its own line."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    return before.count("[") + before.count("{") > before.count("]") + before.count("}")


def _write_scalar(value: str, old_first: str, *, flow: bool) -> str | None:
    """``value`` as a YAML scalar, in the style the file had when the value allows it."""
    if old_first not in "'\"" and _plain_ok(value) and not (flow and _FLOW.search(value)):
        return value
    if old_first != '"' and value.isprintable():
        return "'" + value.replace("'", "''") + "'"
    if old_first == '"' or not value.isprintable():
        # JSON's string escapes are YAML's double-quoted ones
        return json.dumps(value, ensure_ascii=False)
    return None


def _plain_ok(value: str) -> bool:
    if not value or value != value.strip() or value[0] in _PLAIN_FIRST:
        return False
    if _PLAIN_NEVER.search(value):
        return False
    return bool(_RESOLVER.resolve(ScalarNode, value, (True, False)) == _STR)

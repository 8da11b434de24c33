"""Provides the diff of extension data: what a source keeps beside refkit's model.

ESCO's alternative labels, broader concepts and schemes, NICE's categories, CASE's identifiers
and associations live in ``x-esco``, ``x-nice``, ``x-case``... They are compared field by field
and list by list, each change named by its path ("x-esco.broader"), so that a diff says which
labels or relations changed and how many items each touched, instead of "extensions changed" with
two whole blobs. A source's bookkeeping (identifiers, URIs, dates) is told apart from what it says
about the item: a list of records that say the same under new identifiers is one change of
bookkeeping, which the version bump counts as a patch (``refkit.diff.bump``).
"""

from __future__ import annotations

from typing import Any

from refkit.diff.values import FieldChange, _set_change, _text_change, _value_change


def extension_changes(old: dict[str, Any], new: dict[str, Any]) -> list[FieldChange]:
    """What a source keeps in extension data (``x-esco``, ``x-nice``...), diffed field by field
    and list by list, each named by its path ("x-esco.altLabels"): texts with a word diff,
    lists of values as sets (a source's labels, broader concepts, schemes), lists of records
    item by item, records key by key."""
    out: list[FieldChange] = []
    stack: list[tuple[str, Any, Any]] = [("", old or {}, new or {})]
    while stack:
        path, a, b = stack.pop()
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            for key in reversed([*a, *(k for k in b if k not in a)]):
                stack.append((f"{path}.{key}" if path else str(key), a.get(key), b.get(key)))
            continue
        if isinstance(a, list) and isinstance(b, list):
            # records compared on what they say; their identifiers, addresses and dates apart
            olds = [_item_text(_content(x)) for x in a]
            news = [_item_text(_content(x)) for x in b]
            change = _set_change(path, olds, news)
            if change is not None:
                out.append(change)
            renewed = _renewed(a, b)
            if renewed:
                out.append(
                    FieldChange(f"{path}.bookkeeping", "bookkeeping", old=renewed, new=renewed)
                )
            continue
        if isinstance(a, str) and isinstance(b, str):
            text = _text_change(path, a, b)
            if text is not None:
                out.append(text)
            continue
        value = _value_change(path, a, b)
        if value is not None:
            out.append(value)
    return out


def _content(value: Any) -> Any:
    """A record without the keys a source keeps for its own bookkeeping (identifiers, URIs,
    dates): what it says, to compare two versions of it."""
    from refkit.diff.bump import is_bookkeeping

    if isinstance(value, dict):
        return {k: _content(v) for k, v in value.items() if not is_bookkeeping(str(k))}
    return value


def _renewed(old: list[Any], new: list[Any]) -> int:
    """How many records say the same in both lists with other identifiers, URIs or dates."""
    pending: dict[str, list[str]] = {}
    for x in old:
        if isinstance(x, dict):
            pending.setdefault(_item_text(_content(x)), []).append(_item_text(x))
    count = 0
    for x in new:
        if not isinstance(x, dict):
            continue
        same = pending.get(_item_text(_content(x)))
        if same:
            if _item_text(x) not in same:
                count += 1
            same.pop(0)
    return count


def _item_text(value: Any) -> str:
    """An item of a list in extension data, as one line: a record as "key: value, ..."."""
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_item_text(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "[" + ", ".join(_item_text(v) for v in value) + "]"
    return str(value)

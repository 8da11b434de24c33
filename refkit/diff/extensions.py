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
        if (isinstance(a, dict) and b is None) or (a is None and isinstance(b, dict)):
            a, b = a or {}, b or {}  # a record one side lacks: each of its keys added or removed
        if (isinstance(a, list) and b is None) or (a is None and isinstance(b, list)):
            a, b = a or [], b or []  # a list one side lacks: each of its items added or removed
        if isinstance(a, dict) and isinstance(b, dict):
            for key in reversed([*a, *(k for k in b if k not in a)]):
                stack.append((f"{path}.{key}" if path else str(key), a.get(key), b.get(key)))
            continue
        if isinstance(a, list) and isinstance(b, list):
            # records compared on what they say; their identifiers, addresses and dates apart
            olds = [_item_text(_content(x)) for x in a]
            news = [_item_text(_content(x)) for x in b]
            renewed = _renewed(a, b)
            if renewed:
                out.append(
                    FieldChange(f"{path}.bookkeeping", "bookkeeping", old=renewed, new=renewed)
                )
            key = _record_key(a, b) if olds != news else None
            if key is not None:  # records named by a key: those of one name compared by field
                stack.extend(_paired(path, key, a, b, out))
                continue
            change = _set_change(path, olds, news)
            if change is not None:
                out.append(change)
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


_KEYS = ("id", "identifier", "element_identifier", "code", "title")


def _paired(
    path: str, key: str, a: list[Any], b: list[Any], out: list[FieldChange]
) -> list[tuple[str, Any, Any]]:
    """Records named by ``key``: those added or removed as items of ``path`` (in ``out``), the
    pairs of one name to compare field by field ("x-nice.categories[IN].text")."""
    by_old = {str(x[key]): x for x in a}
    by_new = {str(x[key]): x for x in b}
    items = [
        {"change": "added", "text": _item_text(x)} for k, x in by_new.items() if k not in by_old
    ]
    items += [
        {"change": "removed", "text": _item_text(x)} for k, x in by_old.items() if k not in by_new
    ]
    if items:
        out.append(FieldChange(path, "items", items=items))
    return [(f"{path}[{k}]", by_old[k], by_new[k]) for k in reversed(by_old) if k in by_new]


def _record_key(a: Any, b: Any) -> str | None:
    """The key that names each record of two lists of records (an id, a code, a title), when
    every record has it and no two on one side share it; None for anything else."""
    if not (isinstance(a, list) and isinstance(b, list) and a and b):
        return None
    if not all(isinstance(x, dict) for x in (*a, *b)):
        return None
    for key in _KEYS:
        named = all(isinstance(x.get(key), str | int) for x in (*a, *b))
        if named and len({x[key] for x in a}) == len(a) and len({x[key] for x in b}) == len(b):
            return key
    return None


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

"""Provides the comparison of one field's two values, as a ``FieldChange``: texts with a word
diff, values, lists as sets, lists of sentences item by item."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from refkit.diff.text import WordOps, best_pairs, is_whitespace_change, word_diff, words


@dataclass(slots=True)
class FieldChange:
    """One field of an item that differs between the versions.

    ``nature``: ``reworded`` (text changed; ``words`` holds the word diff), ``whitespace`` (only
    spaces or line breaks changed), ``changed`` (a value such as kind), ``added``, ``removed``,
    ``items`` (a list whose items changed: ``items`` holds them), ``reordered``.
    """

    field: str
    nature: str
    old: Any = None
    new: Any = None
    words: WordOps | None = None
    items: list[dict[str, Any]] = dc_field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "field": self.field,
            "nature": self.nature,
            "old": self.old,
            "new": self.new,
        }
        if self.words is not None:
            d["words"] = [list(op) for op in self.words]
        if self.items:
            d["items"] = self.items
        return d


def _text_change(name: str, old: str | None, new: str | None) -> FieldChange | None:
    if old == new:
        return None
    if not old:
        return FieldChange(name, "added", old, new)
    if not new:
        return FieldChange(name, "removed", old, new)
    if is_whitespace_change(old, new):
        return FieldChange(name, "whitespace", old, new)
    return FieldChange(name, "reworded", old, new, words=word_diff(old, new))


def _value_change(name: str, old: Any, new: Any) -> FieldChange | None:
    if old == new:
        return None
    if old in (None, "", [], {}):
        return FieldChange(name, "added", old, new)
    if new in (None, "", [], {}):
        return FieldChange(name, "removed", old, new)
    return FieldChange(name, "changed", old, new)


def _set_change(name: str, old: list[str], new: list[str]) -> FieldChange | None:
    if old == new:
        return None
    added = [x for x in new if x not in old]
    removed = [x for x in old if x not in new]
    if not added and not removed:
        return FieldChange(name, "reordered", list(old), list(new))
    items = [{"change": "added", "text": x} for x in added] + [
        {"change": "removed", "text": x} for x in removed
    ]
    return FieldChange(name, "items", list(old), list(new), items=items)


def _list_text_change(name: str, old: list[str], new: list[str]) -> FieldChange | None:
    """Lists of sentences (criteria, tasks): kept, reworded, added, removed, reordered."""
    if old == new:
        return None
    common = Counter(old) & Counter(new)
    kept_old, kept_new = common.copy(), common.copy()
    old_rest = [t for t in old if not _consume(kept_old, t)]
    new_rest = [t for t in new if not _consume(kept_new, t)]
    items: list[dict[str, Any]] = []
    pairs = best_pairs(
        [(str(i), words(t)) for i, t in enumerate(old_rest)],
        [(str(j), words(t)) for j, t in enumerate(new_rest)],
        0.5,
    )
    paired_old = {int(i) for i, _, _ in pairs}
    paired_new = {int(j) for _, j, _ in pairs}
    for i, j, _ in sorted(pairs, key=lambda p: int(p[1])):
        o, n = old_rest[int(i)], new_rest[int(j)]
        if is_whitespace_change(o, n):
            items.append({"change": "whitespace", "old": o, "new": n})
        else:
            items.append(
                {
                    "change": "reworded",
                    "old": o,
                    "new": n,
                    "words": [list(w) for w in word_diff(o, n)],
                }
            )
    items += [{"change": "added", "text": t} for j, t in enumerate(new_rest) if j not in paired_new]
    items += [
        {"change": "removed", "text": t} for i, t in enumerate(old_rest) if i not in paired_old
    ]
    if not items:
        return FieldChange(name, "reordered", list(old), list(new))
    return FieldChange(name, "items", list(old), list(new), items=items)


def _consume(counter: Counter[str], text: str) -> bool:
    """Take one occurrence of ``text`` from ``counter``; True if there was one."""
    if counter[text] > 0:
        counter[text] -= 1
        return True
    return False

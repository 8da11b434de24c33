"""Provides the three-way merge of plain YAML data (as ``store.reader`` builds it), keyed by ids.

Mappings merge key by key; lists of mappings with an id (a release's ``version``, a
correspondence entry's ``old``) are matched by it, so that items added, removed or reordered on
either side combine; lists of codes and references (``activities: [A1, A6]``) merge as sets;
other lists (criteria, modalities) merge as sequences, as ``diff3`` merges lines. A value changed
on one side only takes that side's; the same change on both sides is fine; two different changes
are a ``Clash``: ours' value is kept and the three values are recorded. Absent values are
``MISSING`` here and ``None`` in a clash.

A caller can hand the merge of one keyed list a ``Plan``: the items of each identity from
anywhere (a competency moved in from another block, or renumbered), and which ones the merged
list holds (``refkit.history.merge.moves``).
"""

from __future__ import annotations

import json
from collections.abc import Hashable
from dataclasses import dataclass
from dataclasses import field as _field
from difflib import SequenceMatcher
from typing import Any

DocPath = tuple[str, ...]  # keys, and "id=C1.2" for an item of a keyed list


class _Missing:
    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
# the field that identifies the items of a list (default: "id")
ITEM_KEYS = {"releases": "version", "blocks": "old", "approvals": "member"}
# lists of codes or references: their order carries no meaning people change by hand
SET_KEYS = frozenset(
    {"activities", "prerequisites", "required", "from", "rome", "nsf", "formacode", "esco",
     "new", "missing"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Clash:
    """One place both sides changed differently: ours' value is kept."""

    path: DocPath
    base: Any
    ours: Any
    theirs: Any


@dataclass(slots=True)
class Plan:
    """How to merge one keyed list: for each identity, its (base, ours, theirs) item wherever it
    is (``MISSING`` when absent), the identities each side has in this list, in order, and those
    the merged list holds (None: every one whose merged item is not ``MISSING``)."""

    field: str
    items: dict[str, tuple[Any, Any, Any]]
    orders: tuple[list[str], list[str], list[str]]
    keep: set[str] | None = None
    merged: dict[str, Any] = _field(default_factory=dict)  # identity -> merged item, once merged


def plain(value: Any) -> Any:
    """A clash's value as plain YAML data (``MISSING`` -> None)."""
    return None if value is MISSING else value


def same(a: Any, b: Any) -> bool:
    """Equal as YAML values (``True`` is not ``1``)."""
    if a is b:
        return True
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict):
        return (
            isinstance(b, dict)
            and a.keys() == b.keys()
            and all(same(v, b[k]) for k, v in a.items())
        )
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str) and a == b
    if isinstance(a, dict | list | _Missing) or isinstance(b, dict | list | _Missing):
        return False
    return bool(a == b)


def canon(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)


class Merge3:
    """Merges three versions of a document; ``clashes`` lists where they could not combine."""

    def __init__(self, plans: dict[DocPath, Plan] | None = None) -> None:
        self.plans = plans or {}
        self.clashes: list[Clash] = []

    def value(self, b: Any, o: Any, t: Any, path: DocPath = ()) -> Any:
        if same(o, t):
            return o
        if same(b, o):
            return t
        if same(b, t):
            return o
        if isinstance(o, dict) and isinstance(t, dict) and isinstance(b, dict | _Missing):
            return self.mapping(b if isinstance(b, dict) else {}, o, t, path)
        if isinstance(o, list) and isinstance(t, list) and isinstance(b, list | _Missing):
            return self.sequence(b if isinstance(b, list) else [], o, t, path)
        return self.clash(path, b, o, t)

    def clash(self, path: DocPath, b: Any, o: Any, t: Any) -> Any:
        self.clashes.append(Clash(path, plain(b), plain(o), plain(t)))
        return o

    def mapping(
        self, b: dict[str, Any], o: dict[str, Any], t: dict[str, Any], path: DocPath
    ) -> dict[str, Any]:
        keys = list(o)
        for n, k in enumerate(t):
            if k not in o and k not in b:  # added by theirs: after the key it follows there
                before = next((p for p in reversed(list(t)[:n]) if p in keys), None)
                keys.insert(0 if before is None else keys.index(before) + 1, k)
        out: dict[str, Any] = {}
        for k in keys:
            merged = self.value(b.get(k, MISSING), o.get(k, MISSING), t.get(k, MISSING), (*path, k))
            if merged is not MISSING:
                out[k] = merged
        return out

    def sequence(self, b: list[Any], o: list[Any], t: list[Any], path: DocPath) -> list[Any]:
        key = path[-1] if path else ""
        plan = self.plans.get(path)
        if plan is None:
            plan = keyed_plan(key, b, o, t)
        if plan is not None:
            return self.keyed(plan, path)
        merged = diff3(b, o, t)
        if merged is None:
            return list(self.clash(path, b, o, t))
        return merged

    def keyed(self, plan: Plan, path: DocPath) -> list[Any]:
        for ident, (b, o, t) in plan.items.items():
            label = next((x for x in (o, t, b) if isinstance(x, dict)), None)
            name = ident if label is None else str(label.get(plan.field, ident))
            step = (*path, f"{plan.field}={name}") if plan.field else (*path, name)
            plan.merged[ident] = self.value(b, o, t, step)
        keep = plan.keep
        if keep is None:
            keep = {i for i, v in plan.merged.items() if v is not MISSING}
        else:
            keep = {i for i in keep if plan.merged.get(i, MISSING) is not MISSING}
        return [plan.merged[i] for i in merge_order(*plan.orders, keep)]


def _ident(item: Any, key: str) -> Hashable | None:
    if key:
        value = item.get(key) if isinstance(item, dict) else None
        return value if isinstance(value, str | int) and not isinstance(value, bool) else None
    return None if isinstance(item, dict | list) else canon(item)


def keyed_plan(key: str, b: list[Any], o: list[Any], t: list[Any]) -> Plan | None:
    """The plan of a list whose items are all identified (by their id field, or, for a list
    of codes, by themselves), each once; None for a list merged as a sequence."""
    field_name = ITEM_KEYS.get(key, "id")
    candidates = [field_name] + ([""] if key in SET_KEYS else [])
    for name in candidates:
        idents: list[list[str]] = []
        for items in (b, o, t):
            ids = [_ident(x, name) for x in items]
            if any(i is None for i in ids) or len(set(ids)) != len(ids):
                break
            idents.append([str(i) for i in ids])
        else:
            if not any(idents):
                return None
            table: dict[str, list[Any]] = {}
            for n, (items, names) in enumerate(zip((b, o, t), idents, strict=True)):
                for x, i in zip(items, names, strict=True):
                    table.setdefault(i, [MISSING, MISSING, MISSING])[n] = x
            triples = {i: (v[0], v[1], v[2]) for i, v in table.items()}
            return Plan(name, triples, (idents[0], idents[1], idents[2]))
    return None


def merge_order(b: list[str], o: list[str], t: list[str], keep: set[str]) -> list[str]:
    """The merged order of a keyed list: the side that reordered the items both kept gives
    their order (ours when both did), and each item only one side has goes after the item it
    follows on that side."""
    common = set(b) & set(o) & set(t)

    def rel(ids: list[str]) -> list[str]:
        return [i for i in ids if i in common]

    first, second = (t, o) if rel(o) == rel(b) and rel(t) != rel(b) else (o, t)
    out = [i for i in first if i in keep]
    placed = set(out)
    for side in (second, b):
        known = set(side) | set(b)
        for n, i in enumerate(side):
            if i not in keep or i in placed:
                continue
            before = next((p for p in reversed(side[:n]) if p in placed), None)
            pos = 0 if before is None else out.index(before) + 1
            while pos < len(out) and out[pos] not in known:
                pos += 1  # after the items the first side added there
            out.insert(pos, i)
            placed.add(i)
    out += sorted(keep - placed)
    return out


def _hunks(a: list[str], b: list[str]) -> list[tuple[int, int, int, int]]:
    ops = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    return [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in ops if tag != "equal"]


def _overlap(x: tuple[int, int, int, int], y: tuple[int, int, int, int]) -> bool:
    (a1, a2, _, _), (c1, c2, _, _) = x, y
    return (
        max(a1, c1) < min(a2, c2)
        or a1 == c1
        or (a1 == a2 and c1 < a1 < c2)
        or (c1 == c2 and a1 < c1 < a2)
    )


def diff3(b: list[Any], o: list[Any], t: list[Any]) -> list[Any] | None:
    """``b`` changed as ``o`` and as ``t`` did, as a sequence; None when the two change the same
    items (or insert at the same place) differently. Lists of the same length are merged item by
    item (each one edited in place)."""
    if len(b) == len(o) == len(t):
        return _in_place(b, o, t)
    kb, ko, kt = ([canon(x) for x in s] for s in (b, o, t))
    ours = [(h, o) for h in _hunks(kb, ko)]
    theirs = [(h, t) for h in _hunks(kb, kt)]
    edits: list[tuple[int, int, list[Any]]] = []
    for h, src in ours:
        twin = [g for g, _ in theirs if _overlap(h, g)]
        if twin:
            same_edit = len(twin) == 1 and twin[0][:2] == h[:2]
            if not same_edit or kt[twin[0][2] : twin[0][3]] != ko[h[2] : h[3]]:
                return None
        edits.append((h[0], h[1], src[h[2] : h[3]]))
    for h, src in theirs:
        if not any(_overlap(h, g) for g, _ in ours):
            edits.append((h[0], h[1], src[h[2] : h[3]]))
    out: list[Any] = []
    at = 0
    for i1, i2, new in sorted(edits, key=lambda e: (e[0], e[1])):
        out += b[at:i1] + new
        at = i2
    return out + b[at:]


def _in_place(b: list[Any], o: list[Any], t: list[Any]) -> list[Any] | None:
    out = []
    for x, y, z in zip(b, o, t, strict=True):
        if same(y, z) or same(x, y):
            out.append(z)
        elif same(x, z):
            out.append(y)
        else:
            return None
    return out

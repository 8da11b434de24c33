"""Provides in-place merging of new data into a ruamel.yaml round-trip document.

refkit never regenerates a file a person wrote: it loads it with ruamel.yaml's round-trip loader,
changes only the nodes whose value differs from the model, and dumps it. So comments, key order,
quoting, flow or block style and blank lines stay where people put them, and a one-field edit is a
one-line diff.

Two ruamel details are handled here:

* the comment lines *between* two list items are stored as the trailing comment of the first item,
  so deleting that item would delete the comment heading the next one: ``_detach_tail`` and
  ``_attach_tail`` move those lines to the neighbour instead;
* replaced strings keep the quoting style of the value they replace.
"""

from __future__ import annotations

import datetime
import difflib
import io
import json
import re
from collections.abc import Iterable
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    LiteralScalarString,
    ScalarString,
    SingleQuotedScalarString,
)
from ruamel.yaml.tokens import CommentToken

# Lists written in flow style ([A1, A2]) when refkit creates them.
FLOW_KEYS = frozenset(
    {"activities", "prerequisites", "required", "from", "rome", "nsf", "formacode", "esco"}
)
# Fields holding a date, written as a plain YAML date.
DATE_KEYS = frozenset({"date", "from", "until"})
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# characters YAML does not allow unescaped (C0 and C1 controls but tab and line breaks...)
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
# Lists of mappings matched by their "id" rather than by position.
ID_KEYS = frozenset({"competencies", "activities", "electives"})


def make_yaml(mapping: int = 2, sequence: int = 4, offset: int = 2) -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096  # never fold a long line: a one-field edit stays a one-line diff
    y.indent(mapping=mapping, sequence=sequence, offset=offset)
    y.allow_duplicate_keys = False
    return y


def guess_indent(text: str) -> tuple[int, int, int]:
    """(mapping, sequence, offset) as written in ``text``; refkit's house style by default."""
    lines = text.splitlines()
    mapping = None
    for i, line in enumerate(lines[:-1]):
        stripped = line.rstrip()
        if not stripped.endswith(":") or stripped.lstrip().startswith(("#", "-")):
            continue
        indent = len(line) - len(line.lstrip())
        nxt = next(
            (n for n in lines[i + 1 :] if n.strip() and not n.lstrip().startswith("#")), None
        )
        if nxt is None:
            continue
        n_indent = len(nxt) - len(nxt.lstrip())
        body = nxt.lstrip()
        if body.startswith("- "):
            offset = n_indent - indent
            dash_body = body[2:]
            inner = len(body) - len(dash_body.lstrip()) if dash_body.strip() else 2
            return (mapping or 2, offset + inner, offset)
        if mapping is None and n_indent > indent:
            mapping = n_indent - indent
    return (mapping or 2, 4, 2)


def load_document(text: str) -> tuple[Any, YAML]:
    y = make_yaml(*guess_indent(text))
    return y.load(text), y


def dump_document(doc: Any, y: YAML, *, crlf: bool = False) -> str:
    out = io.StringIO()
    y.dump(doc, out)
    text = out.getvalue()
    return text.replace("\n", "\r\n") if crlf else text


# -- merging ----------------------------------------------------------------------------------


class Merger:
    """Merges plain ``new`` data into a round-trip node; records whether anything changed.

    ``managed`` maps a mapping's path (tuple of keys, list items as "*") to the keys refkit owns
    there: those are deleted when the model no longer has them. Other keys (unknown fields a
    person added, which validation reports) are left alone.
    """

    def __init__(self, managed: dict[tuple[str, ...], frozenset[str]]) -> None:
        self.managed = managed
        self.changed = False
        self._head: tuple[CommentedMap | None, str] = (None, "")

    def merge_map(
        self, node: CommentedMap, new: dict[str, Any], where: tuple[str, ...] = ()
    ) -> None:
        managed = self.managed.get(where, frozenset())
        for key in list(node.keys()):
            if key not in new and (key in managed or str(key).startswith("x-")):
                if _is_empty(node[key]):
                    continue  # "prerequisites: []" written by a person stays
                self._delete_key(node, key)
        order = list(new)
        for i, (key, value) in enumerate(new.items()):
            child = (*where, key)
            if key in node:
                old = node[key]
                node[key] = self.merge_value(old, value, child, key, head=node)
                _shift_eol(node, key, 2, old, node[key])
            else:
                if _is_empty(value):
                    continue
                pos = _insert_position(node, order[:i])
                node.insert(pos, key, self.fresh(value, key))
                self.changed = True

    def merge_value(
        self, old: Any, new: Any, where: tuple[str, ...], key: str, head: CommentedMap | None = None
    ) -> Any:
        if isinstance(new, dict) and isinstance(old, CommentedMap):
            self.merge_map(old, new, where)
            return old
        if isinstance(new, list) and isinstance(old, CommentedSeq):
            self.merge_seq(old, new, where, key, head)
            return old
        if _same_scalar(old, new):
            return old
        self.changed = True
        if isinstance(new, str) and isinstance(old, ScalarString):
            return _restyle(old, new)
        return self.fresh(new, key)

    def merge_seq(
        self,
        seq: CommentedSeq,
        new: list[Any],
        where: tuple[str, ...],
        key: str,
        head: CommentedMap | None = None,
    ) -> None:
        """``head`` is the mapping holding ``seq`` under ``key``: the comments above the first
        item live there."""
        self._head = (head, key)
        item_where = (*where, "*")
        if (
            key in ID_KEYS
            and all(isinstance(x, dict) and "id" in x for x in new)
            and all(isinstance(x, CommentedMap) for x in seq)
        ):
            self._merge_by_id(seq, new, item_where, key)
            return
        old_keys = [_key(x) for x in seq]
        new_keys = [_key(x) for x in new]
        ops = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False).get_opcodes()
        for tag, i1, i2, j1, j2 in reversed(ops):
            if tag == "equal":
                continue
            if tag == "replace" and i2 - i1 == j2 - j1:
                for k in range(i2 - i1):
                    old = seq[i1 + k]
                    seq[i1 + k] = self.merge_value(old, new[j1 + k], item_where, key)
                    _shift_eol(seq, i1 + k, 0, old, seq[i1 + k])
                continue
            self._head = (head, key)
            self.changed = True
            for idx in range(i2 - 1, i1 - 1, -1):
                self._delete_item(seq, idx)
            for k, idx in enumerate(range(j1, j2)):
                self._insert_item(seq, i1 + k, self.fresh(new[idx], key))

    def _merge_by_id(
        self, seq: CommentedSeq, new: list[dict[str, Any]], where: tuple[str, ...], key: str
    ) -> None:
        new_ids = [x["id"] for x in new]
        wanted = set(new_ids)
        head = self._head
        for idx in range(len(seq) - 1, -1, -1):
            if seq[idx].get("id") not in wanted:
                self._head = head
                self._delete_item(seq, idx)
                self.changed = True
        by_id = {item.get("id"): item for item in seq}
        current = [item.get("id") for item in seq]
        if [i for i in current if i in wanted] != [i for i in new_ids if i in by_id]:
            # reordered: rebuild the order, moving each item with its own comments
            self.changed = True
            items = [(item, _detach_tail(item)) for item in seq]
            tails = {id(item): tail for item, tail in items}
            del seq[:]
            seq.ca.items.clear()
            kept = [by_id[i] for i in new_ids if i in by_id]
            for item in kept:  # each item keeps the comment lines that followed it
                seq.append(item)
                tail = tails[id(item)]
                if tail:
                    _attach_tail(item, tail)
        for pos, data in enumerate(new):
            if data["id"] in by_id:
                self.merge_map(by_id[data["id"]], data, where)
            else:
                self._insert_item(seq, pos, self.fresh(data, key))
                self.changed = True

    # -- creating, deleting, inserting with comments kept ----------------------------------

    def fresh(self, value: Any, key: str | None = None) -> Any:
        """A new round-trip node for ``value``, in refkit's house style."""
        if isinstance(value, dict):
            m = CommentedMap()
            for k, v in value.items():
                if not _is_empty(v):
                    m[k] = self.fresh(v, k)
            return m
        if isinstance(value, list):
            s = CommentedSeq(self.fresh(v, key) for v in value)
            if key in FLOW_KEYS and all(not isinstance(v, dict | list) for v in value):
                s.fa.set_flow_style()
            else:
                s.fa.set_block_style()
            return s
        if isinstance(value, str) and ("\r" in value or _UNPRINTABLE.search(value)):
            # a literal block would turn CR LF into LF, and cannot hold control characters
            # (imported text has some): only double quotes, with escapes, keep the text exact
            return DoubleQuotedScalarString(value)
        if isinstance(value, str) and "\n" in value:
            return LiteralScalarString(value if value.endswith("\n") else value + "\n")
        if isinstance(value, str) and key in DATE_KEYS and _DATE.match(value):
            return datetime.date.fromisoformat(value)  # written plain: 2026-11-22, not '2026-11-22'

        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value

    def _delete_key(self, node: CommentedMap, key: str) -> None:
        keys = list(node.keys())
        idx = keys.index(key)
        tail = _detach_tail_of_key(node, key)
        del node[key]
        if tail and idx > 0:
            _attach_tail_to_key(node, keys[idx - 1], tail)
        self.changed = True

    def _delete_item(self, seq: CommentedSeq, idx: int) -> None:
        tail = _detach_tail(seq[idx]) if isinstance(seq[idx], CommentedMap | CommentedSeq) else None
        if tail is None:
            slot = seq.ca.items.get(idx)
            if slot and slot[0] is not None:
                tail = _rest_lines(slot[0].value)
        del seq[idx]
        if tail and idx > 0:
            prev = seq[idx - 1]
            if isinstance(prev, CommentedMap | CommentedSeq):
                _attach_tail(prev, tail)
            else:
                _attach(seq, idx - 1, 0, tail)
        elif tail and seq:
            parent, key = self._head
            if parent is not None:  # the lines now head the new first item
                entry = parent.ca.items.setdefault(key, [None, None, None, None])
                if entry[3] is None:
                    entry[3] = []
                entry[3].append(CommentToken(tail, CommentMark(0), None))

    def _insert_item(self, seq: CommentedSeq, idx: int, node: Any) -> None:
        if 0 < idx <= len(seq) and isinstance(node, CommentedMap | CommentedSeq):
            prev = seq[idx - 1]
            tail = _detach_tail(prev) if isinstance(prev, CommentedMap | CommentedSeq) else None
            seq.insert(idx, node)
            if tail:
                _attach_tail(node, tail)
        else:
            seq.insert(idx, node)


def _shift_eol(container: Any, key: Any, slot: int, old: Any, new: Any) -> None:
    """Keep the gap before an end-of-line comment when a scalar's length changes."""
    if old is new or isinstance(new, CommentedMap | CommentedSeq):
        return
    entry = container.ca.items.get(key)
    token = entry[slot] if entry else None
    if token is None or not token.value.startswith("#"):
        return
    token.column = max(0, token.column + len(str(new)) - len(str(old)))


def _insert_position(node: CommentedMap, before: Iterable[str]) -> int:
    """Index after the last of ``before`` (the keys that come first) present in ``node``."""
    keys = list(node.keys())
    pos = 0
    for k in before:
        if k in node:
            pos = max(pos, keys.index(k) + 1)
    if pos == 0 and keys and "schema" in node:
        pos = keys.index("schema") + 1
    return pos


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, list | dict | str) and len(value) == 0)


def _same_scalar(old: Any, new: Any) -> bool:
    if isinstance(old, list | dict) or isinstance(new, list | dict):
        return False
    if isinstance(old, bool) or isinstance(new, bool):
        return type(old) is type(new) and old == new
    if isinstance(new, str):
        if isinstance(old, str):
            return str(old) == new or (
                isinstance(old, LiteralScalarString) and str(old).rstrip("\n") == new.rstrip("\n")
            )
        if hasattr(old, "isoformat"):  # a date ruamel resolved; refkit keeps text
            return str(old.isoformat()) == new
        return False
    if isinstance(new, int | float) and isinstance(old, int | float):
        return old == new
    return old is None and new is None


def _restyle(old: ScalarString, new: str) -> Any:
    if "\n" in new:
        return LiteralScalarString(new if new.endswith("\n") else new + "\n")
    if isinstance(old, DoubleQuotedScalarString):
        return DoubleQuotedScalarString(new)
    if isinstance(old, SingleQuotedScalarString):
        return SingleQuotedScalarString(new)
    return new


def _key(value: Any) -> str:
    if isinstance(value, dict):
        ident = value.get("id")
        if ident is not None:
            return f"id:{ident}"
        return json.dumps(
            {str(k): _plain(v) for k, v in value.items()}, sort_keys=True, default=str
        )
    return json.dumps(_plain(value), default=str)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, ScalarString):
        return str(value)
    return value


# -- trailing comments ------------------------------------------------------------------------
# In a block collection, ruamel stores the comment lines that follow a node as the "post" comment
# of its last scalar. The first line of that token ends the node's own line (an end-of-line
# comment or just "\n"); the lines after it visually belong to whatever comes next.


def _rest_lines(value: str) -> str | None:
    _, sep, rest = value.partition("\n")
    return rest if sep and rest else None


def _is_block(node: Any) -> bool:
    """A non-empty collection written in block style (its comments follow its last item)."""
    return (
        isinstance(node, CommentedMap | CommentedSeq) and len(node) > 0 and not node.fa.flow_style()
    )


def _last_slot(node: Any) -> tuple[Any, Any, int] | None:
    """(container, key or index, slot) holding the trailing comment of ``node``."""
    while _is_block(node):
        if isinstance(node, CommentedMap):
            key, slot = list(node.keys())[-1], 2
        else:
            key, slot = len(node) - 1, 0
        child = node[key]
        if not _is_block(child):
            return node, key, slot
        node = child
    return None


def _detach_tail(node: Any) -> str | None:
    where = _last_slot(node)
    if where is None:
        return None
    container, key, slot = where
    return _detach(container, key, slot)


def _detach_tail_of_key(node: CommentedMap, key: str) -> str | None:
    child = node[key]
    if _is_block(child):
        return _detach_tail(child)
    return _detach(node, key, 2)


def _detach(container: Any, key: Any, slot: int) -> str | None:
    entry = container.ca.items.get(key)
    if not entry or entry[slot] is None:
        return None
    token = entry[slot]
    first, sep, rest = str(token.value).partition("\n")
    if not sep or not rest:
        return None
    token.value = first + "\n"
    return rest


def _attach_tail(node: Any, rest: str) -> None:
    where = _last_slot(node)
    if where is None:
        return
    container, key, slot = where
    _attach(container, key, slot, rest)


def _attach_tail_to_key(node: CommentedMap, key: str, rest: str) -> None:
    child = node[key]
    if _is_block(child):
        _attach_tail(child, rest)
    else:
        _attach(node, key, 2, rest)


def _attach(container: Any, key: Any, slot: int, rest: str) -> None:
    entry = container.ca.items.setdefault(key, [None] * 4)
    token = entry[slot]
    if token is None:
        entry[slot] = CommentToken("\n" + rest, CommentMark(0), None)
    else:
        value = token.value if token.value.endswith("\n") else token.value + "\n"
        token.value = value + rest

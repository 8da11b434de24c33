"""Provides in-place merging of new data into a ruamel.yaml round-trip document.

refkit never regenerates a file a person wrote: it loads it with ruamel.yaml's round-trip loader,
changes only the nodes whose value differs from the model, and dumps it. So comments, key order,
quoting, flow or block style and blank lines stay where people put them, and a one-field edit is a
one-line diff.

Two ruamel details are handled here:

* ruamel stores the comment lines written *above* a list item as the trailing comment of the item
  before it (or on the key holding the list, for the first item), so moving items as ruamel holds
  them would leave each comment above the wrong item. When a list changes shape, ``_unthread``
  takes those lines out, the items are put in their new order, and ``_rethread`` writes each
  item's lines back above it (see ``Merger``): a comment stays with the item it was written above;
* replaced strings keep the quoting style of the value they replace.
"""

from __future__ import annotations

import datetime
import difflib
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    LiteralScalarString,
    ScalarString,
    SingleQuotedScalarString,
)

from refkit.store.comments import (
    _attach_tail,
    _attach_tail_to_key,
    _detach_tail,
    _detach_tail_of_key,
    _reindent,
    _rethread,
    _split_lead,
    _unthread,
)

# Lists written in flow style ([A1, A2]) when refkit creates them.
FLOW_KEYS = frozenset(
    {"activities", "prerequisites", "required", "from", "rome", "nsf", "formacode", "esco"}
)
# Fields holding a date, written as a plain YAML date.
DATE_KEYS = frozenset({"date", "from", "until", "created", "approved"})
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
    """The round-trip document of ``text``, read with its line endings as LF: ruamel.yaml keeps
    the CR of a CRLF line inside comments, which ``dump_document(crlf=True)`` then wrote as
    CR CR LF (``uses_crlf`` tells how to write the file back)."""
    text = text.replace("\r\n", "\n")
    y = make_yaml(*guess_indent(text))
    return y.load(text), y


def uses_crlf(text: str) -> bool:
    """Whether a file's lines end with CRLF (most of them: a file with mixed line endings is
    written back with the ending most of its lines have)."""
    crlf = text.count("\r\n")
    return crlf > 0 and 2 * crlf >= text.count("\n")


def dump_document(doc: Any, y: YAML, *, crlf: bool = False) -> str:
    out = io.StringIO()
    y.dump(doc, out)
    text = out.getvalue()
    return text.replace("\r\n", "\n").replace("\n", "\r\n") if crlf else text


# -- merging ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Carried:
    """A list item taken out of another file (a competency moved to another block), to be written
    as it was there: its node and the comment lines written above it, at ``column``."""

    node: Any
    lead: str = ""
    column: int = 0

    def at(self, column: int) -> Carried:
        """The same item, its comment lines shifted to start at ``column``."""
        return Carried(self.node, _reindent(self.lead, column - self.column), column)


class Merger:
    """Merges plain ``new`` data into a round-trip node; records whether anything changed.

    ``managed`` maps a mapping's path (tuple of keys, list items as "*") to the keys refkit owns
    there: those are deleted when the model no longer has them. Other keys (unknown fields a
    person added, which validation reports) are left alone.

    The comment lines written directly above a list item belong to that item. When a list is
    rewritten (an item added, deleted, duplicated or moved), each item takes its own comment
    lines along: a reordered or moved item keeps its comment above it, and its neighbours keep
    theirs. A deleted item's comment lines go with it (undo gives them back); a new item (a
    duplicate included) has none; the lines after the last item stay after the last item. Blank
    lines between items are part of the list's layout: they stay where they were, except those
    just above a comment, which go with the comment. ``carried`` holds items coming from another
    file, keyed by (list key, id): they are inserted as written there, not anew.
    """

    def __init__(
        self,
        managed: dict[tuple[str, ...], frozenset[str]],
        carried: dict[tuple[str, str], Carried] | None = None,
    ) -> None:
        self.managed = managed
        self.carried = carried if carried is not None else {}
        self.changed = False

    def merge_map(
        self, node: CommentedMap, new: dict[str, Any], where: tuple[str, ...] = ()
    ) -> None:
        managed = self.managed.get(where, frozenset())
        for key in list(node.keys()):
            if key not in new and (key in managed or "*" in managed or str(key).startswith("x-")):
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
                # a key added last goes above the lines that follow the mapping (the comment
                # heading the next list item, say), not below them
                tail = _detach_tail(node) if pos == len(node) else None
                node.insert(pos, key, self.fresh(value, key))
                if tail:
                    _attach_tail(node, tail)
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
        item live there.

        Items are matched by id in the lists of ``ID_KEYS``, by value elsewhere (an item whose
        value changed in place is edited in place). Unless the matching is the identity, the list
        is rebuilt in the new order, each item with its own comment lines (``_rearrange``).
        """
        item_where = (*where, "*")
        if (
            key in ID_KEYS
            and all(isinstance(x, dict) and "id" in x for x in new)
            and all(isinstance(x, CommentedMap) for x in seq)
        ):
            match = _match_ids(seq, new)
        else:
            match = _match_values(seq, new)
        if match != list(range(len(seq))):
            self.changed = True
            self._rearrange(seq, new, match, key, None if head is None else (head, key))
        for pos, value in enumerate(new):
            old = seq[pos]
            merged = self.merge_value(old, value, item_where, key)
            if merged is not old:
                seq[pos] = merged
                _shift_eol(seq, pos, 0, old, merged)

    def _rearrange(
        self,
        seq: CommentedSeq,
        new: list[Any],
        match: list[int | None],
        key: str,
        head: tuple[CommentedMap, str] | None,
    ) -> None:
        """Rebuild ``seq`` with, for each item of ``new``, the old item ``match`` names (None: a
        carried or a new node), each with the comment lines written above it."""
        block = not seq.fa.flow_style()
        leads, end = _unthread(seq, head) if block else ([""] * len(seq), "")
        nodes = list(seq)
        own = [seq.ca.items.get(i) for i in range(len(seq))]  # a scalar item's end-of-line comment
        placed: list[tuple[int | None, str]] = []
        del seq[:]
        seq.ca.items.clear()
        for pos, (value, old) in enumerate(zip(new, match, strict=True)):
            if old is not None:
                seq.append(nodes[old])
                if own[old] is not None:
                    seq.ca.items[pos] = own[old]
                placed.append((old, leads[old]))
                continue
            ident = value.get("id") if isinstance(value, dict) else None
            carried = self.carried.pop((key, str(ident)), None) if ident is not None else None
            if carried is not None:
                seq.append(carried.node)
                placed.append((None, carried.lead))
            else:
                seq.append(self.fresh(value, key))
                placed.append((None, ""))
        if block:
            _rethread(seq, head, placed, leads, end)

    # -- creating and deleting with comments kept ------------------------------------------

    def fresh(self, value: Any, key: str | None = None) -> Any:
        """A new round-trip node for ``value``, in refkit's house style."""
        if isinstance(value, dict):
            m = CommentedMap()
            for k, v in value.items():
                if not _is_empty(v):
                    m[k] = self.fresh(v, k)
            if key == "relations":  # one relation, one line: {type: requires, target: K0018}
                m.fa.set_flow_style()
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
        if value.get("id") is not None:
            return f"id:{value['id']}"
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


def _id_of(value: Any) -> str:
    return str(_plain(value))


def _match_ids(seq: Sequence[Any], new: list[dict[str, Any]]) -> list[int | None]:
    """For each new item, the index of the old item with its id (each old item used once)."""
    free: dict[str, list[int]] = {}
    for i, item in enumerate(seq):
        free.setdefault(_id_of(item.get("id")), []).append(i)
    match: list[int | None] = []
    for data in new:
        left = free.get(_id_of(data["id"]))
        match.append(left.pop(0) if left else None)
    return match


def _match_values(seq: Sequence[Any], new: list[Any]) -> list[int | None]:
    """For each new item, the index of the old item it is: the same value (moved or not), or
    the item it replaces in place (one changed field or text)."""
    old_keys = [_key(x) for x in seq]
    new_keys = [_key(x) for x in new]
    match: list[int | None] = [None] * len(new)
    free: dict[str, list[int]] = {}
    added: list[int] = []
    ops = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in ops:
        edited = (
            tag == "replace"
            and i2 - i1 == j2 - j1
            and not set(old_keys[i1:i2]) & set(new_keys[j1:j2])
        )
        if tag == "equal" or edited:
            for k in range(j2 - j1):
                match[j1 + k] = i1 + k
            continue
        for i in range(i1, i2):
            free.setdefault(old_keys[i], []).append(i)
        added.extend(range(j1, j2))
    for j in added:
        left = free.get(new_keys[j])
        if left:
            match[j] = left.pop(0)
    return match


def take_items(
    doc: Any, key: str, ids: Iterable[str], column: int
) -> dict[tuple[str, str], Carried]:
    """The items of the block list ``doc[key]`` whose id is in ``ids``, each with the comment
    lines written above it, for ``Merger(carried=...)``. The lines are taken out of ``doc``:
    load a document for this use only. ``column`` is where the list's dashes are."""
    seq = doc.get(key) if isinstance(doc, CommentedMap) else None
    if not isinstance(seq, CommentedSeq) or seq.fa.flow_style():
        return {}
    wanted = set(ids)
    leads, _ = _unthread(seq, (doc, key))
    out: dict[tuple[str, str], Carried] = {}
    for i, (item, lead) in enumerate(zip(seq, leads, strict=True)):
        ident = _id_of(item.get("id")) if isinstance(item, CommentedMap) else None
        if ident in wanted and (key, ident) not in out:
            out[(key, ident)] = Carried(item, _split_lead(lead)[1] if i == 0 else lead, column)
    return out

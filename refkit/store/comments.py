"""Provides the handling of the comment lines ruamel.yaml keeps around list items, for
``refkit.store.roundtrip``: taking out the lines written above each item of a list (``_unthread``)
and writing them back above the same items in their new order (``_rethread``), and moving the
comment lines that follow a node when a node after it is added or removed.

In a block collection, ruamel stores the comment lines that follow a node as the "post" comment
of its last scalar. The first line of that token ends the node's own line (an end-of-line
comment or just ``"\\n"``); the lines after it visually belong to whatever comes next. After a
literal or folded block (``|``, ``>``), whose text ends its own line, the whole token is such
lines. The lines above the first item of a list are stored on the key holding the list.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString
from ruamel.yaml.tokens import CommentToken


def _is_block(node: Any) -> bool:
    """A non-empty collection written in block style (its comments follow its last item)."""
    return (
        isinstance(node, CommentedMap | CommentedSeq) and len(node) > 0 and not node.fa.flow_style()
    )


def _is_block_scalar(value: Any) -> bool:
    return isinstance(value, LiteralScalarString | FoldedScalarString)


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
    if not entry or len(entry) <= slot or entry[slot] is None:
        return None
    token = entry[slot]
    if _is_block_scalar(container[key]):
        entry[slot] = None
        return _token_text(token) or None
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
    entry.extend([None] * (slot + 1 - len(entry)))
    token = entry[slot]
    if token is None:
        start = "" if _is_block_scalar(container[key]) else "\n"  # end the value's own line
        entry[slot] = CommentToken(start + rest, CommentMark(0), None)
    else:
        value = token.value if token.value.endswith("\n") else token.value + "\n"
        token.value = value + rest


def _token_text(token: Any) -> str:
    """A comment token's lines as written (its first line starts at the token's column)."""
    if isinstance(token, str):  # ruamel keeps some comments as plain lines
        value = token
    else:
        value = str(token.value)
        if value and not value.startswith("\n"):
            value = " " * token.column + value
    return value if value.endswith("\n") or not value else value + "\n"


# -- the comment lines above each list item ---------------------------------------------------


def _take_tail(seq: CommentedSeq, pos: int) -> str:
    node = seq[pos]
    return (_detach_tail(node) if _is_block(node) else _detach(seq, pos, 0)) or ""


def _put_tail(seq: CommentedSeq, pos: int, text: str) -> None:
    node = seq[pos]
    if _is_block(node):
        _attach_tail(node, text)
    else:
        _attach(seq, pos, 0, text)


def _take_head(seq: CommentedSeq, head: tuple[CommentedMap, str] | None) -> str:
    """Take out the lines between the list's key and its first item."""
    text = ""
    own = seq.ca.comment
    if head is not None:
        parent, key = head
        entry = parent.ca.items.get(key)
        if entry and len(entry) > 2 and entry[2] is not None:
            text += _detach(parent, key, 2) or ""  # after "key:  # a comment on the key"
        if entry and len(entry) > 3 and entry[3]:
            text += "".join(_token_text(t) for t in entry[3] if t is not None)
            entry[3] = None
    elif own and len(own) > 1 and own[1]:
        text = "".join(_token_text(t) for t in own[1] if t is not None)
    if own and len(own) > 1:
        own[1] = None  # ruamel keeps the same lines here too
    return text


def _put_head(seq: CommentedSeq, head: tuple[CommentedMap, str] | None, text: str) -> None:
    tokens = [CommentToken(text, CommentMark(0), None)] if text else None
    if head is not None:
        parent, key = head
        if tokens or key in parent.ca.items:
            entry = parent.ca.items.setdefault(key, [None] * 4)
            entry.extend([None] * (4 - len(entry)))
            entry[3] = tokens
    if seq.ca.comment is None:
        if tokens:
            seq.ca.comment = [None, tokens]
    elif len(seq.ca.comment) > 1:
        seq.ca.comment[1] = tokens


def _unthread(seq: CommentedSeq, head: tuple[CommentedMap, str] | None) -> tuple[list[str], str]:
    """Take the comment lines out of a block list: (the lines above each item, those after the
    last). ruamel stores the lines above an item after the item before it (or on the key holding
    the list, for the first), sometimes as a comment before the item itself."""
    n = len(seq)
    if n == 0:
        return [], ""
    leads = [_take_head(seq, head)] + [_take_tail(seq, i - 1) for i in range(1, n)]
    end = _take_tail(seq, n - 1)
    for i in range(n):
        entry = seq.ca.items.get(i)
        if entry and len(entry) > 1 and entry[1]:
            leads[i] += "".join(_token_text(t) for t in entry[1] if t is not None)
            entry[1] = None
    return leads, end


def _rethread(
    seq: CommentedSeq,
    head: tuple[CommentedMap, str] | None,
    placed: list[tuple[int | None, str]],
    old_leads: list[str],
    end: str,
) -> None:
    """Write back the lines above each item of the rebuilt list (``placed``: each item's old
    index, None for a new one, and its lines), and those after the last.

    Blank lines are the list's layout: an item below the same neighbour as before keeps its
    lines as they were; elsewhere an item gets the list's usual blank lines, or its own when they
    stand above its comment (a blank line before a heading goes with the heading)."""
    split = [_split_lead(lead) for lead in old_leads]
    plain = [b for b, c in split[1:] if not c] or [b for b, _ in split[1:]]
    usual = Counter(plain).most_common(1)[0][0] if plain else ""
    top = split[0][0] if split else ""
    above: int | None = None
    for pos, (old, lead) in enumerate(placed):
        blanks, comment = _split_lead(lead)
        if old == 0:
            blanks = ""  # those were the blank lines under the list's key
        if pos == 0:
            _put_head(seq, head, top + comment)
        else:
            same = old is not None and above is not None and old == above + 1
            text = lead if same else (blanks if comment and blanks else usual) + comment
            if text:
                _put_tail(seq, pos - 1, text)
        above = old
    if end and len(seq):
        _put_tail(seq, len(seq) - 1, end)


def _split_lead(text: str) -> tuple[str, str]:
    """(the blank lines, the rest: comment lines and any blank lines among them)."""
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    return "".join(lines[:i]), "".join(lines[i:])


def _reindent(text: str, delta: int) -> str:
    if not delta:
        return text
    out = []
    for line in text.splitlines(keepends=True):
        if line.strip():
            indent = len(line) - len(line.lstrip(" "))
            line = " " * max(0, indent + delta) + line.lstrip(" ")
        out.append(line)
    return "".join(out)

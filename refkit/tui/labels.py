"""Provides ``distinct``: a tree label cut so that siblings can be told apart.

A tree cuts each label at its width. Two blocks titled "Installer, mettre en service et entretenir
une installation de chauffage" and "Installer, mettre en service et entretenir une pompe à
chaleur" then read the same. When a label would be cut where a sibling's reads the same, the
shared words in the middle give way to "…" and the words that differ are shown:
"BC07 Installer, mettre… une pompe à chaleur air/eau".
"""

from __future__ import annotations


def _common(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def distinct(text: str, others: list[str], width: int) -> str:
    """``text`` (an id, a space, a title) fitted to ``width`` columns so that it does not read
    like any of ``others`` cut at that width."""
    if width <= 8 or len(text) <= width:
        return text
    ident, _, rest = text.partition(" ")
    if not rest:
        return text
    room = width - len(ident) - 1  # what the tree shows of the title
    seen = rest[: room - 1]
    titles = [o.partition(" ")[2] for o in others if o != text]
    clashes = [t for t in titles if t[: room - 1] == seen]
    if not clashes:
        return text
    shared = max(_common(rest, t) for t in clashes)
    cut = rest.rfind(" ", 0, shared) + 1  # the first word that differs
    tail = rest[cut:]
    head_room = room - 2 - len(tail)  # "… " between them
    if head_room >= 8:
        head = rest[:head_room]
        space = head.rfind(" ")
        head = head[:space] if space > 0 else head
        return f"{ident} {head.rstrip(' ,;:')}… {tail}"
    return f"{ident} …{tail}"

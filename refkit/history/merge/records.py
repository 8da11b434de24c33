"""Provides what the merge of a proposal record (``proposals/<slug>.yaml``) needs besides the
merge of any refkit file: two members who comment at the same time on two clones both number
their comment with the next free number (``c3``). Theirs' new comments that take an id ours'
new comments took are numbered again after every id either side has, and theirs' own replies
to them follow, so both comments are kept (approvals are keyed by member: two approvals
recorded at the same time are both kept)."""

from __future__ import annotations

import re
from typing import Any

_NUMBERED = re.compile(r"^c([0-9]+)$")


def _comments(data: Any) -> list[dict[str, Any]]:
    found = data.get("comments") if isinstance(data, dict) else None
    return [c for c in found if isinstance(c, dict)] if isinstance(found, list) else []


def renumber_theirs(base: Any, ours: Any, theirs: Any) -> Any:
    """``theirs`` with its new comments that clash with ours' new ones given fresh ids (the
    data as it was when nothing clashes)."""
    before = {c.get("id") for c in _comments(base)}
    ours_new = {c.get("id"): c for c in _comments(ours) if c.get("id") not in before}
    clashing = [
        c
        for c in _comments(theirs)
        if c.get("id") in ours_new and c.get("id") not in before and c != ours_new[c.get("id")]
    ]
    if not clashing:
        return theirs
    taken = [
        int(m.group(1))
        for c in (*_comments(ours), *_comments(theirs))
        if (m := _NUMBERED.match(str(c.get("id", ""))))
    ]
    top = max(taken, default=0)
    renamed: dict[str, str] = {}
    for c in clashing:
        top += 1
        renamed[str(c["id"])] = f"c{top}"
    comments = []
    for c in _comments(theirs):
        new = dict(c)
        if c.get("id") not in before:  # only theirs' new comments are renumbered, or point anew
            if c in clashing:
                new["id"] = renamed[str(c["id"])]
            if c.get("reply_to") in renamed:
                new["reply_to"] = renamed[str(c["reply_to"])]
        comments.append(new)
    return {**theirs, "comments": comments}

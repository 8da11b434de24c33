"""Provides the proposal record: ``proposals/<slug>.yaml`` on the branch ``proposal/<slug>``.

Plain dataclasses read from the file's data (``record_from_data``) and turned back into data in
schema order (``record_data``), written through the same round-trip writer as the frameworks
(``refkit.store.writer.render``): a comment added to the record is one more list item in the
file, and what a person wrote in it stays.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from typing import Any

from refkit.i18n import Msg

PROPOSALS_DIR = "proposals"
BRANCH_PREFIX = "proposal/"
SCHEMA_PATH = "../schemas/proposal.schema.json"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
OPEN, WITHDRAWN, MERGED = "open", "withdrawn", "merged"


def record_path(slug: str) -> str:
    """The record's repository-relative path."""
    return f"{PROPOSALS_DIR}/{slug}.yaml"


def today() -> str:
    """SOURCE_DATE_EPOCH when set (reproducible tests and builds), else today (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)
    return moment.date().isoformat()


@dataclass(slots=True, frozen=True)
class Person:
    """A git identity."""

    name: str
    email: str | None = None

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.email else self.name


@dataclass(slots=True, frozen=True)
class ItemRef:
    """What a comment is about: a framework, a block, a competency or a criterion (from 1).
    Written on the command line ``FRAMEWORK[/BLOCK[/COMPETENCY[/N]]]``."""

    framework: str
    block: str | None = None
    competency: str | None = None
    criterion: int | None = None

    def __str__(self) -> str:
        parts = [self.framework, self.block, self.competency]
        text = "/".join(p for p in parts if p)
        return f"{text}/{self.criterion}" if self.criterion is not None else text

    def describe(self) -> Msg:
        if self.criterion is not None:
            return Msg(
                "criterion {n} of competency {id}", n=self.criterion, id=self.competency or "?"
            )
        if self.competency:
            return Msg("competency {id}", id=self.competency)
        if self.block:
            return Msg("block {id}", id=self.block)
        return Msg("framework {id}", id=self.framework)


@dataclass(slots=True)
class Resolution:
    by: Person
    date: str


@dataclass(slots=True)
class Comment:
    id: str
    item: ItemRef
    author: Person
    date: str
    text: str
    reply_to: str | None = None
    resolved: Resolution | None = None


@dataclass(slots=True)
class Approval:
    member: str  # the organisation, as in the working group
    college: str | None
    by: Person
    date: str
    commit: str  # the proposal's commit approved


@dataclass(slots=True)
class Withdrawal:
    by: Person
    date: str
    reason: str | None = None


@dataclass(slots=True)
class MergeInfo:
    by: Person
    date: str
    frameworks: list[str] = field(default_factory=list)  # framework ids changed
    approved: str | None = None  # the date the approval rule held
    colleges: list[str] = field(default_factory=list)
    forced: str | None = None  # the reason for merging without the approvals the rule asks


@dataclass(slots=True)
class Proposal:
    slug: str
    title: str
    author: Person
    created: str
    base: str = "main"
    status: str = OPEN
    rationale: str | None = None
    comments: list[Comment] = field(default_factory=list)
    approvals: list[Approval] = field(default_factory=list)
    withdrawn: Withdrawal | None = None
    merge: MergeInfo | None = None

    @property
    def branch(self) -> str:
        return BRANCH_PREFIX + self.slug

    def comment(self, comment_id: str) -> Comment | None:
        return next((c for c in self.comments if c.id == comment_id), None)

    def next_comment_id(self) -> str:
        numbers = [int(c.id[1:]) for c in self.comments if c.id[1:].isdigit()]
        return f"c{max(numbers, default=0) + 1}"


# -- data -> record -------------------------------------------------------------------------------


def _s(d: Any, key: str) -> str | None:
    v = d.get(key) if isinstance(d, dict) else None
    return None if v is None or isinstance(v, dict | list) else str(v)


def _person(d: Any) -> Person:
    return Person(_s(d, "name") or "?", _s(d, "email"))


def _item(d: Any) -> ItemRef:
    n = d.get("criterion") if isinstance(d, dict) else None
    return ItemRef(
        _s(d, "framework") or "?",
        _s(d, "block"),
        _s(d, "competency"),
        n if isinstance(n, int) and not isinstance(n, bool) else None,
    )


def _dicts(d: dict[str, Any], key: str) -> list[dict[str, Any]]:
    v = d.get(key)
    return [x for x in v if isinstance(x, dict)] if isinstance(v, list) else []


def _strs(d: Any, key: str) -> list[str]:
    v = d.get(key) if isinstance(d, dict) else None
    return [str(x) for x in v if isinstance(x, str)] if isinstance(v, list) else []


def record_from_data(data: dict[str, Any]) -> Proposal:
    """The record in ``data`` (read from YAML); what the schema refuses is read leniently, and
    ``refkit validate`` reports it."""
    comments = [
        Comment(
            id=_s(c, "id") or "?",
            item=_item(c.get("item")),
            author=_person(c.get("author")),
            date=_s(c, "date") or "",
            text=_s(c, "text") or "",
            reply_to=_s(c, "reply_to"),
            resolved=(
                Resolution(_person(c["resolved"].get("by")), _s(c["resolved"], "date") or "")
                if isinstance(c.get("resolved"), dict)
                else None
            ),
        )
        for c in _dicts(data, "comments")
    ]
    approvals = [
        Approval(
            member=_s(a, "member") or "?",
            college=_s(a, "college"),
            by=_person(a.get("by")),
            date=_s(a, "date") or "",
            commit=_s(a, "commit") or "",
        )
        for a in _dicts(data, "approvals")
    ]
    w, m = data.get("withdrawn"), data.get("merge")
    return Proposal(
        slug=_s(data, "slug") or "",
        title=_s(data, "title") or "",
        author=_person(data.get("author")),
        created=_s(data, "created") or "",
        base=_s(data, "base") or "main",
        status=_s(data, "status") or OPEN,
        rationale=_s(data, "rationale"),
        comments=comments,
        approvals=approvals,
        withdrawn=(
            Withdrawal(_person(w.get("by")), _s(w, "date") or "", _s(w, "reason"))
            if isinstance(w, dict)
            else None
        ),
        merge=(
            MergeInfo(
                by=_person(m.get("by")),
                date=_s(m, "date") or "",
                frameworks=_strs(m, "frameworks"),
                approved=_s(m, "approved"),
                colleges=_strs(m, "colleges"),
                forced=_s(m, "forced"),
            )
            if isinstance(m, dict)
            else None
        ),
    )


# -- record -> data -------------------------------------------------------------------------------


def _prune(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None and v != [] and v != {}}


def _person_data(p: Person) -> dict[str, Any]:
    return _prune({"name": p.name, "email": p.email})


def _comment_data(c: Comment) -> dict[str, Any]:
    item = c.item
    return _prune(
        {
            "id": c.id,
            "item": _prune(
                {
                    "framework": item.framework,
                    "block": item.block,
                    "competency": item.competency,
                    "criterion": item.criterion,
                }
            ),
            "author": _person_data(c.author),
            "date": c.date,
            "text": c.text,
            "reply_to": c.reply_to,
            "resolved": (
                {"by": _person_data(c.resolved.by), "date": c.resolved.date} if c.resolved else None
            ),
        }
    )


def record_data(p: Proposal) -> dict[str, Any]:
    """The record as plain data, in schema order (without the ``schema`` line)."""
    w, m = p.withdrawn, p.merge
    return _prune(
        {
            "slug": p.slug,
            "title": p.title,
            "author": _person_data(p.author),
            "rationale": p.rationale,
            "created": p.created,
            "base": p.base,
            "status": p.status,
            "comments": [_comment_data(c) for c in p.comments],
            "approvals": [
                _prune(
                    {
                        "member": a.member,
                        "college": a.college,
                        "by": _person_data(a.by),
                        "date": a.date,
                        "commit": a.commit,
                    }
                )
                for a in p.approvals
            ],
            "withdrawn": (
                _prune({"by": _person_data(w.by), "date": w.date, "reason": w.reason})
                if w
                else None
            ),
            "merge": (
                _prune(
                    {
                        "by": _person_data(m.by),
                        "date": m.date,
                        "frameworks": list(m.frameworks),
                        "approved": m.approved,
                        "colleges": list(m.colleges),
                        "forced": m.forced,
                    }
                )
                if m
                else None
            ),
        }
    )


# the keys refkit owns in a record, by place (``refkit.store.roundtrip.Merger``): those the record
# no longer has are deleted; any other key a person added is left alone (validate reports it)
_PERSON = frozenset({"name", "email"})
MANAGED: dict[tuple[str, ...], frozenset[str]] = {
    (): frozenset(
        {
            "slug",
            "title",
            "author",
            "rationale",
            "created",
            "base",
            "status",
            "comments",
            "approvals",
            "withdrawn",
            "merge",
        }
    ),
    ("author",): _PERSON,
    ("comments", "*"): frozenset({"id", "item", "author", "date", "text", "reply_to", "resolved"}),
    ("comments", "*", "item"): frozenset({"framework", "block", "competency", "criterion"}),
    ("comments", "*", "author"): _PERSON,
    ("comments", "*", "resolved"): frozenset({"by", "date"}),
    ("comments", "*", "resolved", "by"): _PERSON,
    ("approvals", "*"): frozenset({"member", "college", "by", "date", "commit"}),
    ("approvals", "*", "by"): _PERSON,
    ("withdrawn",): frozenset({"by", "date", "reason"}),
    ("withdrawn", "by"): _PERSON,
    ("merge",): frozenset({"by", "date", "frameworks", "approved", "colleges", "forced"}),
    ("merge", "by"): _PERSON,
}


def record_text(p: Proposal, old_text: str | None) -> str:
    """The file's new text: merged into ``old_text`` in place (round trip: what a person wrote in
    the record stays, a new comment is one more list item), or a new file."""
    from refkit.schema import CURRENT
    from refkit.store.plain import plain_dump
    from refkit.store.roundtrip import Merger, dump_document, load_document, make_yaml, uses_crlf

    if old_text is None:
        fresh = {"schema": CURRENT["proposal"], **record_data(p)}
        body = plain_dump(fresh) or dump_document(Merger(MANAGED).fresh(fresh), make_yaml())
        return f"# yaml-language-server: $schema={SCHEMA_PATH}\n{body}"
    doc, y = load_document(old_text)
    merger = Merger(MANAGED)
    merger.merge_map(doc, record_data(p))
    return dump_document(doc, y, crlf=uses_crlf(old_text)) if merger.changed else old_text

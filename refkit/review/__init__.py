"""Provides proposals, review and sign-off (issue 14): a revision of the frameworks proposed on
its own git branch ``proposal/<slug>``, commented item by item, approved by the working group's
members by the framework's approval rule, then merged into main with its history kept.

The API the command line and the editor call (each takes a ``refkit.history.History``):

- ``list_refs(history)`` -> every proposal of the clone (``ProposalRef``, with its record)
- ``current(history)`` -> the proposal checked out, or None
- ``new(history, slug, title, rationale=None)`` -> the proposal started and checked out
- ``switch(history, name_or_main)`` -> the proposal checked out (None: main)
- ``find(history, name)`` -> one proposal, or ``ProposalError`` naming those that exist
- ``status(history, ref)`` -> ``Status``: each framework's rule, who approved, what is missing
- ``comment(history, name, item, text, reply_to=None)``, ``resolve_comment(history, name, id)``
- ``approve(history, name, organisation)`` -> (the approval, the new ``Status``)
- ``withdraw(history, name, reason=None)``
- ``merge(history, name, force_reason=None)`` -> ``MergeResult``
- ``diffs(history, ref)`` -> the semantic diff of each framework changed

Refusals raise ``ProposalRefused`` (exit 1, nothing changed) or ``ProposalError`` (exit 2).
"""

from __future__ import annotations

from refkit.review.adopt import MergeResult, merge, missing_text
from refkit.review.approval import DEFAULT_RULE, RULES, Signoff, Status, status
from refkit.review.errors import ProposalError, ProposalRefused
from refkit.review.proposals import (
    approve,
    comment,
    current,
    diffs,
    new,
    parse_item,
    resolve_comment,
    stale_comments,
    switch,
    update,
    withdraw,
)
from refkit.review.record import ItemRef, Person, Proposal
from refkit.review.refs import ProposalRef, find, list_refs

__all__ = [
    "DEFAULT_RULE",
    "RULES",
    "ItemRef",
    "MergeResult",
    "Person",
    "Proposal",
    "ProposalError",
    "ProposalRef",
    "ProposalRefused",
    "Signoff",
    "Status",
    "approve",
    "comment",
    "current",
    "diffs",
    "find",
    "list_refs",
    "merge",
    "missing_text",
    "new",
    "parse_item",
    "resolve_comment",
    "stale_comments",
    "status",
    "switch",
    "update",
    "withdraw",
]

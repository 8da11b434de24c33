"""Provides the editing session's side of working together (issue 14): where the clone is (main
or a proposal, a merge waiting), the proposals with their sign-off and comments, start, switch,
comment, approve, update and merge (``refkit.review``), and the fields a merge left to choose
(``refkit.history.merge.session``).

Thin on purpose: each call opens git for one task (as ``refkit.edit.versions`` does) and hands
back what the core returns; refusals are the core's (``ProposalRefused``, ``ProposalError``,
``RefkitError``), with their text and hint in any language. After a call that changed the files
(switch, update, merge, a conflict chosen, a merge undone) the editor reads them again.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from refkit.edit.refs import Ref
from refkit.errors import RefkitError
from refkit.i18n import Msg

if TYPE_CHECKING:
    from refkit.edit.session import Session
    from refkit.history import History
    from refkit.history.merge import Conflict
    from refkit.history.merge.session import MergeState
    from refkit.review import MergeResult, ProposalRef, Status
    from refkit.review.record import Comment

MAIN = "main"


@contextmanager
def _history(session: Session) -> Iterator[History]:
    from refkit.history import History

    with History(session.repo) as history:
        yield history


@dataclass(slots=True, frozen=True)
class Where:
    """Where the clone is: its branch (None: a detached HEAD), the proposal checked out (its
    name and title), and whether a merge waits for choices."""

    branch: str | None
    proposal: str | None = None
    title: str | None = None
    merging: bool = False


def where(session: Session) -> Where:
    from refkit.history.merge.session import merge_head
    from refkit.review.record import BRANCH_PREFIX

    with _history(session) as history:
        if not history.has_commits():
            return Where(None)
        branch = history.branch()
        merging = merge_head(history) is not None
        if branch is None or not branch.startswith(BRANCH_PREFIX):
            return Where(branch, merging=merging)
        from refkit.review import current

        ref = current(history)
        title = ref.record.title if ref is not None and ref.record is not None else None
        return Where(branch, branch.removeprefix(BRANCH_PREFIX), title, merging)


# -- proposals ------------------------------------------------------------------------------------


def proposals(session: Session) -> list[ProposalRef]:
    """Every proposal of the clone, local or fetched, with its record."""
    from refkit.review import list_refs

    with _history(session) as history:
        return list_refs(history)


def start(session: Session, slug: str, title: str, rationale: str | None) -> ProposalRef:
    """Start proposal ``slug`` from main and check it out (uncommitted work on main's commit
    comes along; elsewhere it is refused, naming the files)."""
    from refkit.review import new

    with _history(session) as history:
        return new(history, slug.strip(), title, rationale, lang=session.lang)


def switch(session: Session, name: str) -> ProposalRef | None:
    """Check out proposal ``name`` or main; refused with uncommitted changes, naming them."""
    from refkit.review import switch as switch_to

    with _history(session) as history:
        return switch_to(history, name)


def signoff(session: Session, name: str) -> tuple[ProposalRef, Status, set[str]]:
    """A proposal, what its rule says, and the ids of its comments whose item was deleted."""
    from refkit.review import find, stale_comments, status

    with _history(session) as history:
        ref = find(history, name)
        return ref, status(history, ref), stale_comments(history, ref)


def approve(session: Session, name: str, organisation: str) -> Status:
    from refkit.review import approve as record_approval

    with _history(session) as history:
        return record_approval(history, name, organisation, lang=session.lang)[1]


def item_of(ref: Ref) -> str:
    """The item a comment is about, as proposals name it: FRAMEWORK[/BLOCK[/COMPETENCY[/N]]]
    (N: a criterion, from 1)."""
    parts = [ref.folder.rstrip("/").rsplit("/", 1)[-1], ref.block, ref.competency]
    text = "/".join(p for p in parts if p)
    return text if ref.criterion is None else f"{text}/{ref.criterion + 1}"


def comment_on(session: Session, name: str, ref: Ref, text: str) -> Comment:
    from refkit.review import comment

    with _history(session) as history:
        return comment(history, name, item_of(ref), text, lang=session.lang)


def update(session: Session, name: str) -> int:
    """Bring main's new commits into the proposal checked out: how many came in. A field
    changed both ways leaves the merge waiting (``MergeWaiting``)."""
    from refkit.review import update as bring_in

    with _history(session) as history:
        return bring_in(history, name)


def merge(session: Session, name: str, reason: str | None = None) -> MergeResult:
    """Merge the proposal into main once its rule holds (or with ``reason``: forced)."""
    from refkit.review import merge as merge_into

    with _history(session) as history:
        return merge_into(history, name, reason, lang=session.lang)


# -- a merge waiting for choices ------------------------------------------------------------------


def waiting(session: Session) -> MergeState | None:
    """The merge in progress (its conflicts to choose, the files to merge by hand), once
    refkit's merge step has run; None when no merge is in progress."""
    from refkit.history.merge.session import merge_head, state

    with _history(session) as history:
        if merge_head(history) is None:
            return None
        now = state(history)
        now.conflicts = [c.moved(history.prefix) for c in now.conflicts]
        return now


def conflicts(session: Session) -> list[Conflict]:
    """The fields the merge in progress left to choose (none when no merge is)."""
    from refkit.history.merge.session import pending_conflicts

    return pending_conflicts(session.repo.root)


def choose(session: Session, conflict: Conflict, value: Any) -> list[Conflict]:
    """Write ``value`` where ``conflict`` is; the conflicts left."""
    from refkit.history.merge.session import pending_conflicts, resolve_conflict

    resolve_conflict(session.repo.root, conflict, value)
    return pending_conflicts(session.repo.root)


def finish(session: Session) -> str:
    """Commit the merge once nothing is left to choose: the merge commit."""
    from refkit.history.merge.session import finish_merge

    return finish_merge(session.repo.root)


def abort(session: Session) -> None:
    """The repository as it was before the merge started."""
    from refkit.history.merge.session import abort_merge

    abort_merge(session.repo.root)


def value_text(value: Any) -> str:
    """A conflict's value as a person reads and edits it: a text as it is, a list of texts one
    per line, anything else as YAML's flow (JSON) text; "" when absent."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(x, str) for x in value):
        return "\n".join(value)
    return json.dumps(value, ensure_ascii=False)


def parse_value(conflict: Conflict, text: str) -> Any:
    """What a person typed for ``conflict``, as the value's kind asks (the kind of theirs or
    ours): a text on one line, a list of texts one per line, else YAML. Empty: None."""
    sample = conflict.ours if conflict.ours is not None else conflict.theirs
    if not text.strip():
        return None
    if isinstance(sample, str):
        return " ".join(text.split())
    if isinstance(sample, list) and all(isinstance(x, str) for x in sample):
        return [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    from refkit.store.reader import read_yaml

    doc = read_yaml("value", text.encode("utf-8"))
    if doc.problems:
        raise RefkitError(
            Msg("the value is not valid YAML: {why}", why=doc.problems[0].message),
            hint=Msg("write it as the other versions show it"),
        )
    return doc.data

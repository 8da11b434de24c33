"""Provides sign-off: which frameworks a proposal changes, who may approve it, whether its
approval rule holds, and what is missing.

A proposal changes the frameworks whose files differ between its branch and the point it left
its base (``git merge-base``). Each of them states its rule in framework.yaml
(``approval: {rule: ...}``; every-college when absent) over its own working group, read at the
proposal's tip (a framework the proposal deletes: at the base). An approval names the commit it
approved: once the proposal's framework files differ from what they were at that commit (a later
edit, or the base brought in), it is outdated and no longer counts, until the member approves
again. Commits that touch only the record (comments, approvals) outdate nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from refkit.history import History
from refkit.i18n import N_, Msg
from refkit.review.errors import ProposalRefused
from refkit.review.record import Approval
from refkit.review.refs import ProposalRef
from refkit.store.loader import FRAMEWORK_FILE, FRAMEWORKS_DIR

EVERY_COLLEGE, MAJORITY, ALL_MEMBERS = "every-college", "majority-of-members", "all-members"
RULES = (EVERY_COLLEGE, MAJORITY, ALL_MEMBERS)
DEFAULT_RULE = EVERY_COLLEGE
COLLEGES = ("employer", "employee", "training", "public", "expert")  # the schema's order
# the colleges and rules as people say them (refkit.i18n catalogue)
COLLEGE_NAMES = {
    "employer": N_("employers"),
    "employee": N_("employees"),
    "training": N_("trainers"),
    "public": N_("public authorities"),
    "expert": N_("experts"),
}
RULE_NAMES = {
    "every-college": N_("every college"),
    "majority-of-members": N_("majority of members"),
    "all-members": N_("all members"),
}


def _in_order(colleges: set[str]) -> list[str]:
    return sorted(colleges, key=lambda c: (COLLEGES.index(c) if c in COLLEGES else 99, c))


@dataclass(slots=True, frozen=True)
class GroupMember:
    organisation: str
    college: str | None


@dataclass(slots=True)
class Signoff:
    """One framework's approval rule over its working group, for one proposal."""

    folder: str
    framework: str  # its id
    rule: str
    members: list[GroupMember]
    approvals: list[Approval] = field(default_factory=list)  # current, by its members
    outdated: list[Approval] = field(default_factory=list)  # by its members, for older commits
    missing: list[str] = field(default_factory=list)  # colleges, or organisations, still to approve
    more: int = 0  # majority-of-members: how many more approvals are needed
    holds: bool = False

    def colleges(self) -> list[str]:
        by_org = {_key(m.organisation): m.college for m in self.members}
        found = [by_org.get(_key(a.member)) for a in self.approvals]
        return _in_order({c for c in found if c})


@dataclass(slots=True)
class Status:
    ref: ProposalRef
    base: str  # the commit the proposal left its base branch at
    head: str
    signoffs: list[Signoff]

    @property
    def holds(self) -> bool:
        return all(s.holds for s in self.signoffs)

    @property
    def frameworks(self) -> list[str]:
        return [s.framework for s in self.signoffs]

    def approved_on(self) -> str | None:
        """The date the rule came to hold: the latest of the approvals that count."""
        dates = [a.date for s in self.signoffs for a in s.approvals]
        return max(dates) if self.holds and dates else None

    def colleges(self) -> list[str]:
        return _in_order({c for s in self.signoffs for c in s.colleges()})

    def members(self) -> list[GroupMember]:
        seen: dict[str, GroupMember] = {}
        for s in self.signoffs:
            for m in s.members:
                seen.setdefault(_key(m.organisation), m)
        return list(seen.values())


def _key(organisation: str) -> str:
    return " ".join(organisation.casefold().split())


def merge_base(history: History, ref: ProposalRef) -> str:
    base = ref.record.base if ref.record else "main"
    return history.run_git("merge-base", history.resolve(base), ref.commit)


def changed_folders(history: History, base: str, head: str) -> list[str]:
    """Framework folders (repository-relative) whose files differ between ``base`` and ``head``."""
    out = history.run_git(
        "diff", "--name-only", "-z", "--no-renames", base, head, "--",
        history.prefix + FRAMEWORKS_DIR + "/",
    )  # fmt: skip
    folders = set()
    for path in out.split("\0"):
        parts = path[len(history.prefix) :].split("/")
        if len(parts) >= 3 and not parts[1].startswith((".", "_")):
            folders.add("/".join(parts[:2]))
    return sorted(folders)


def _framework_data(history: History, folders: list[str], commits: tuple[str, str]) -> list[Any]:
    """framework.yaml of each folder as plain data: at the tip, else at the base."""
    from refkit.store.reader import read_yaml

    names = [f"{c}:{history.prefix}{f}/{FRAMEWORK_FILE}" for f in folders for c in commits]
    raws = history.read_objects(names)
    out = []
    for i, folder in enumerate(folders):
        raw = raws[2 * i] if raws[2 * i] is not None else raws[2 * i + 1]
        data = read_yaml(f"{folder}/{FRAMEWORK_FILE}", raw or b"").data
        out.append(data if isinstance(data, dict) else {})
    return out


def status(history: History, ref: ProposalRef) -> Status:
    """Whether each framework's rule holds for the proposal ``ref``, and what is missing."""
    assert ref.record is not None
    base = merge_base(history, ref)
    head = ref.commit
    folders = changed_folders(history, base, head)
    datas = _framework_data(history, folders, (head, base))
    approvals = ref.record.approvals
    trees = history.tree_ids(
        [(head, FRAMEWORKS_DIR)] + [(a.commit, FRAMEWORKS_DIR) for a in approvals]
    )
    current = {i for i, tree in enumerate(trees[1:]) if tree is not None and tree == trees[0]}
    signoffs = []
    for folder, data in zip(folders, datas, strict=True):
        members = [
            GroupMember(
                str(m["organisation"]),
                m.get("college") if isinstance(m.get("college"), str) else None,
            )
            for m in data.get("working_group") or []
            if isinstance(m, dict) and isinstance(m.get("organisation"), str)
        ]
        rule_d = data.get("approval")
        rule = rule_d.get("rule") if isinstance(rule_d, dict) else None
        signoff = Signoff(
            folder,
            str(data.get("id") or folder.rsplit("/", 1)[-1]),
            rule if rule in RULES else DEFAULT_RULE,
            members,
        )
        keys = {_key(m.organisation) for m in members}
        for i, a in enumerate(approvals):
            if _key(a.member) in keys:
                (signoff.approvals if i in current else signoff.outdated).append(a)
        _evaluate(signoff)
        signoffs.append(signoff)
    return Status(ref, base, head, signoffs)


def _evaluate(s: Signoff) -> None:
    approved = {_key(a.member) for a in s.approvals}
    if not s.members:
        s.holds = False
        return
    colleges = list(dict.fromkeys(m.college for m in s.members if m.college))
    if s.rule == EVERY_COLLEGE and colleges:
        done = {m.college for m in s.members if _key(m.organisation) in approved}
        s.missing = [c for c in colleges if c not in done]
        s.holds = not s.missing
    elif s.rule == MAJORITY:
        need = len(s.members) // 2 + 1
        have = sum(1 for m in s.members if _key(m.organisation) in approved)
        s.more = max(0, need - have)
        s.missing = [m.organisation for m in s.members if _key(m.organisation) not in approved]
        s.holds = s.more == 0
    else:  # all-members, or every-college over a group whose members name no college
        s.missing = [m.organisation for m in s.members if _key(m.organisation) not in approved]
        s.holds = not s.missing


def find_member(st: Status, organisation: str) -> GroupMember:
    """The member ``organisation`` names (exactly, or a unique part of its name, in any case)."""
    members = st.members()
    if not st.signoffs:
        raise ProposalRefused(
            Msg(
                "proposal {name} changes no framework yet: there is nothing to approve",
                name=st.ref.slug,
            ),
            hint=Msg("approve once it holds the changes"),
        )
    wanted = _key(organisation)
    exact = [m for m in members if _key(m.organisation) == wanted]
    partial = [m for m in members if wanted and wanted in _key(m.organisation)]
    if len(exact) == 1 or len(partial) == 1:
        return (exact or partial)[0]
    names = "; ".join(f"{m.organisation} ({m.college or '-'})" for m in members) or Msg("none")
    raise ProposalRefused(
        Msg(
            "{organisation} is not a member of the working group of {frameworks} "
            "(members: {members})"
            if not partial
            else "{organisation} names several members of the working group of {frameworks} "
            "(members: {members})",
            organisation=organisation,
            frameworks=", ".join(st.frameworks),
            members=names,
        ),
        hint=Msg("name one member as written in the working_group of framework.yaml"),
    )

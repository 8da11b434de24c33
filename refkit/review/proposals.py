"""Provides the operations on proposals: start, switch, comment, approve, withdraw, update,
merge.

Each one checks everything first and changes nothing when it refuses (``ProposalRefused``,
exit 1; ``ProposalError``, exit 2). Uncommitted work is never carried silently to another
branch nor overwritten: ``new`` carries it only when the work tree sits on the base branch's
commit (switching then changes no file, so nothing can be lost), and ``switch`` and ``merge``
refuse a tree with uncommitted changes, naming the files. A merge that fails is undone
(``git merge --abort``, the record's commit taken back, the branch checked out again): the
repository is as it was before.
"""

from __future__ import annotations

from refkit.diff import FrameworkDiff, diff_frameworks
from refkit.history import GitError, History
from refkit.i18n import Msg
from refkit.model import Framework
from refkit.review.approval import (
    Status,
    changed_folders,
    find_member,
    merge_base,
    status,
)
from refkit.review.errors import ProposalError, ProposalRefused
from refkit.review.record import (
    OPEN,
    SLUG,
    WITHDRAWN,
    Approval,
    Comment,
    ItemRef,
    Proposal,
    Resolution,
    Withdrawal,
    record_path,
    today,
)
from refkit.review.refs import (
    MAIN,
    ProposalRef,
    find,
    identity,
    list_refs,
    refuse_if_dirty,
    refuse_lost_commits,
    save_record,
    switch_to,
)
from refkit.store.lock import repository_lock


def current(history: History) -> ProposalRef | None:
    """The proposal checked out, or None (on main, another branch, or a detached HEAD)."""
    branch = history.branch()
    if branch is None or not branch.startswith("proposal/"):
        return None
    return next((r for r in list_refs(history) if r.current), None)


def new(
    history: History,
    slug: str,
    title: str,
    rationale: str | None = None,
    base: str = MAIN,
    *,
    lang: str = "en",
) -> ProposalRef:
    """Start proposal ``slug`` from ``base``: its branch, its record committed, checked out."""
    if not SLUG.match(slug):
        raise ProposalError(
            Msg("{slug} cannot name a proposal", slug=repr(slug)),
            hint=Msg("use lowercase letters, digits and '-', e.g. pac-2027"),
        )  # fmt: skip
    if not title.strip() or "\n" in title.strip():
        raise ProposalError(Msg("a proposal needs a title on one line"), hint=Msg('--title "..."'))
    refs = list_refs(history)
    if any(r.slug == slug for r in refs):
        raise ProposalRefused(
            Msg("a proposal named {slug} exists already", slug=slug),
            hint=Msg("choose another name, or refkit proposal switch {slug}", slug=slug),
        )
    base_commit = history.resolve(base)
    refuse_lost_commits(history)
    if not history.has_commits() or history.head() != base_commit:
        refuse_if_dirty(history, Msg("starting a proposal from {base}", base=base))
    if (history.repository.root / record_path(slug)).exists():
        raise ProposalRefused(
            Msg("{path} exists already in the work tree", path=record_path(slug)),
            hint=Msg("move it away, or choose another name"),
        )
    author = identity(history)
    proposal = Proposal(
        slug, title.strip(), author, today(), base, OPEN, (rationale or "").strip() or None
    )
    with repository_lock(history.repository.root, f"proposal {slug}"):
        try:
            history.run_git("switch", "--quiet", "-c", proposal.branch, base_commit)
        except GitError as e:
            raise ProposalRefused(
                Msg(
                    "git could not start {branch}: {reason}; nothing was changed",
                    branch=proposal.branch,
                    reason=e.message,
                ),
            ) from None
        ref = ProposalRef(slug, base_commit, local=True, current=True)
        save_record(
            history,
            ref,
            proposal,
            Msg("Proposal {slug}: {title}", slug=slug, title=proposal.title).render(lang),
        )
    return ref


def switch(history: History, name: str) -> ProposalRef | None:
    """Check out proposal ``name``, or the base branch (``main``); the proposal, or None."""
    target_ref = None if name == MAIN else find(history, name)
    target = MAIN if target_ref is None else target_ref.branch
    if history.branch() == target:
        return target_ref
    refuse_lost_commits(history)
    refuse_if_dirty(history, Msg("switching to {target}", target=target))
    switch_to(history, target, target_ref)
    if target_ref is not None:
        target_ref.current, target_ref.local = True, True
    return target_ref


def _open(history: History, name: str) -> ProposalRef:
    ref = find(history, name)
    assert ref.record is not None
    if ref.record.status != OPEN:
        raise ProposalRefused(
            Msg(
                "proposal {name} is {status}: it takes no more comments, approvals or merges",
                name=ref.slug,
                status=ref.record.status,
            ),
            hint=Msg("start a new proposal: refkit proposal new NAME --title TITLE"),
        )
    return ref


# -- comments -------------------------------------------------------------------------------------


def parse_item(text: str) -> ItemRef:
    """``FRAMEWORK[/BLOCK[/COMPETENCY[/N]]]``; ``FRAMEWORK/COMPETENCY`` is also understood."""
    parts = [p for p in text.strip().split("/") if p]
    if not parts or len(parts) > 4:
        raise ProposalError(
            Msg("{item} names no item", item=repr(text)),
            hint=Msg(
                "write FRAMEWORK, FRAMEWORK/BLOCK, FRAMEWORK/BLOCK/COMPETENCY or "
                "FRAMEWORK/BLOCK/COMPETENCY/N (N: a criterion, from 1)"
            ),
        )
    criterion = None
    if len(parts) == 4:
        if not parts[3].isdigit() or int(parts[3]) < 1:
            raise ProposalError(
                Msg("{n} is not a criterion number (1, 2, ...)", n=repr(parts[3])),
                hint=Msg("criteria are numbered from 1, as shown by refkit proposal diff"),
            )
        criterion = int(parts[3])
    return ItemRef(
        parts[0],
        parts[1] if len(parts) > 1 else None,
        parts[2] if len(parts) > 2 else None,
        criterion,
    )


def _framework_at(history: History, commit: str, framework_id: str) -> Framework | None:
    folder = f"frameworks/{framework_id}"
    if not history.yaml_paths_at(commit, folder):
        return None
    return history.load_at(commit, folder).framework


def missing_reason(fw: Framework | None, item: ItemRef) -> Msg | None:
    """Why ``item`` is not in ``fw`` (None: it is)."""
    if fw is None:
        return Msg("there is no framework {id}", id=item.framework)
    block = fw.block(item.block) if item.block else None
    if item.block and block is None:
        found = fw.find_competency(item.block) if item.competency is None else None
        if found is None:
            return Msg("{framework} has no block {id} (its blocks: {known})",
                       framework=fw.id, id=item.block, known=", ".join(fw.block_ids()))  # fmt: skip
        return None  # FRAMEWORK/COMPETENCY: normalised by the caller
    if item.competency and block is not None:
        competency = next((c for c in block.competencies if c.id == item.competency), None)
        if competency is None:
            return Msg("block {block} has no competency {id} (its competencies: {known})",
                       block=block.id, id=item.competency,
                       known=", ".join(c.id for c in block.competencies))  # fmt: skip
        if item.criterion is not None and item.criterion > len(competency.criteria):
            return Msg("competency {id} has {n} criteria, not {wanted}",
                       id=competency.id, n=len(competency.criteria), wanted=item.criterion)  # fmt: skip
    return None


def _resolve_item(history: History, ref: ProposalRef, item: ItemRef) -> ItemRef:
    fw = _framework_at(history, ref.commit, item.framework)
    reason = missing_reason(fw, item)
    if reason is not None:
        raise ProposalRefused(
            Msg(
                "cannot comment on {item} in proposal {name}: {reason}",
                item=str(item),
                name=ref.slug,
                reason=reason,
            ),
            hint=Msg(
                "name an item as it is in the proposal (refkit proposal diff {name})", name=ref.slug
            ),
        )
    assert fw is not None
    if item.block and fw.block(item.block) is None:  # FRAMEWORK/COMPETENCY
        found = fw.find_competency(item.block)
        assert found is not None
        return ItemRef(item.framework, found[0].id, found[1].id, None)
    return item


def comment(
    history: History,
    name: str,
    item_text: str,
    text: str,
    reply_to: str | None = None,
    *,
    lang: str = "en",
) -> Comment:
    ref = _open(history, name)
    proposal = ref.record
    assert proposal is not None
    if not text.strip():
        raise ProposalError(Msg("the comment is empty"), hint=Msg("write what you have to say"))
    item = _resolve_item(history, ref, parse_item(item_text))
    if reply_to is not None:
        parent = proposal.comment(reply_to)
        if parent is None:
            raise ProposalRefused(
                Msg("proposal {name} has no comment {id}", name=ref.slug, id=reply_to),
                hint=Msg("refkit proposal show {name} lists its comments", name=ref.slug),
            )
        if parent.item != item:
            raise ProposalError(
                Msg(
                    "comment {id} is about {item}: a reply is about the same item",
                    id=reply_to,
                    item=str(parent.item),
                ),
                hint=Msg("name {item}", item=str(parent.item)),
            )
    new_comment = Comment(
        proposal.next_comment_id(), item, identity(history), today(), text.strip(), reply_to
    )
    proposal.comments.append(new_comment)
    save_record(
        history,
        ref,
        proposal,
        Msg(
            "Proposal {slug}: comment {id} on {item}",
            slug=ref.slug,
            id=new_comment.id,
            item=str(item),
        ).render(lang),
    )
    return new_comment


def resolve_comment(history: History, name: str, comment_id: str, *, lang: str = "en") -> Comment:
    ref = _open(history, name)
    assert ref.record is not None
    found = ref.record.comment(comment_id)
    if found is None:
        raise ProposalRefused(
            Msg("proposal {name} has no comment {id}", name=ref.slug, id=comment_id),
            hint=Msg("refkit proposal show {name} lists its comments", name=ref.slug),
        )
    if found.resolved is None:
        found.resolved = Resolution(identity(history), today())
        save_record(
            history,
            ref,
            ref.record,
            Msg("Proposal {slug}: comment {id} resolved", slug=ref.slug, id=comment_id).render(
                lang
            ),
        )
    return found


def stale_comments(history: History, ref: ProposalRef) -> set[str]:
    """The ids of the comments whose item is no longer in the proposal."""
    assert ref.record is not None
    frameworks: dict[str, Framework | None] = {}
    stale = set()
    for c in ref.record.comments:
        if c.item.framework not in frameworks:
            frameworks[c.item.framework] = _framework_at(history, ref.commit, c.item.framework)
        if missing_reason(frameworks[c.item.framework], c.item) is not None:
            stale.add(c.id)
    return stale


# -- sign-off -------------------------------------------------------------------------------------


def approve(
    history: History, name: str, organisation: str, *, lang: str = "en"
) -> tuple[Approval, Status]:
    """Record ``organisation``'s approval of the proposal as it is now (its tip)."""
    ref = _open(history, name)
    proposal = ref.record
    assert proposal is not None
    member = find_member(status(history, ref), organisation)
    approved = Approval(member.organisation, member.college, identity(history), today(), ref.commit)
    proposal.approvals = [a for a in proposal.approvals if a.member != member.organisation]
    proposal.approvals.append(approved)
    save_record(
        history,
        ref,
        proposal,
        Msg(
            "Proposal {slug}: approved by {member}", slug=ref.slug, member=member.organisation
        ).render(lang),
    )
    return approved, status(history, ref)


def withdraw(
    history: History, name: str, reason: str | None = None, *, lang: str = "en"
) -> ProposalRef:
    ref = _open(history, name)
    assert ref.record is not None
    ref.record.status = WITHDRAWN
    ref.record.withdrawn = Withdrawal(identity(history), today(), (reason or "").strip() or None)
    save_record(
        history, ref, ref.record, Msg("Proposal {slug}: withdrawn", slug=ref.slug).render(lang)
    )
    return ref


def update(history: History, name: str) -> int:
    """Bring the proposal's base (main) into the proposal, which must be checked out: how many
    commits came in. Fields changed both ways keep the merge waiting for a choice
    (``MergeWaiting``: ``refkit resolve`` or the editor); a merge that stops on anything else is
    undone."""
    from refkit.history.sync import merge_or_wait

    ref = _open(history, name)
    assert ref.record is not None
    if not ref.current:
        raise ProposalRefused(
            Msg("proposal {name} is not checked out here", name=ref.slug),
            hint=Msg("refkit proposal switch {name} first", name=ref.slug),
        )
    refuse_if_dirty(
        history, Msg("bringing {base} into {name}", base=ref.record.base, name=ref.slug)
    )
    base = ref.record.base
    behind = int(history.run_git("rev-list", "--count", f"HEAD..{base}"))
    if behind:
        with repository_lock(history.repository.root, f"update proposal {ref.slug}"):
            merge_or_wait(history, base, f"Merge {base} into proposal {ref.slug}", base)
    return behind


def diffs(history: History, ref: ProposalRef) -> list[FrameworkDiff]:
    """The semantic diff of each framework the proposal changes, from where it left its base."""
    base = merge_base(history, ref)
    out = []
    for folder in changed_folders(history, base, ref.commit):
        fid = folder.rsplit("/", 1)[-1]
        old = _framework_at(history, base, fid) or Framework(id=fid, title="")
        new_fw = _framework_at(history, ref.commit, fid) or Framework(id=fid, title="")
        out.append(
            diff_frameworks(
                old,
                new_fw,
                old_label=f"{ref.record.base if ref.record else MAIN} ({base[:7]})",
                new_label=ref.branch,
            )
        )
    return out

"""Provides the adoption of a proposal: its merge into its base once the approval rule holds (or
forced, with a reason the record keeps), and the words for what the rule still lacks."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from refkit.history import GitError, History
from refkit.i18n import Msg, N_plural
from refkit.review.approval import (
    COLLEGE_NAMES,
    RULE_NAMES,
    Status,
    status,
)
from refkit.review.errors import ProposalError, ProposalRefused
from refkit.review.proposals import _open
from refkit.review.record import (
    MERGED,
    MergeInfo,
    today,
)
from refkit.review.refs import (
    ProposalRef,
    identity,
    refuse_if_dirty,
    refuse_lost_commits,
    save_record,
)
from refkit.store.lock import repository_lock


@dataclass(slots=True)
class MergeResult:
    ref: ProposalRef
    commit: str
    status: Status
    forced: str | None


def merge(
    history: History, name: str, force_reason: str | None = None, *, lang: str = "en"
) -> MergeResult:
    """Merge the proposal into its base with ``git merge --no-ff`` once its rule holds (or
    forced, with a reason that the record keeps); the base is checked out afterwards."""
    ref = _open(history, name)
    proposal = ref.record
    assert proposal is not None
    if force_reason is not None and not force_reason.strip():
        raise ProposalError(Msg("--force needs a reason"), hint=Msg('--reason "..."'))
    refuse_lost_commits(history)
    refuse_if_dirty(history, Msg("merging {name}", name=ref.slug))
    st = status(history, ref)
    if not st.holds and force_reason is None:
        raise ProposalRefused(
            Msg(
                "proposal {name} is not approved: {missing}",
                name=ref.slug,
                missing=missing_text(st),
            ),
            hint=Msg(
                "refkit proposal approve {name} --member ORGANISATION; or, if the working "
                "group decided otherwise, --force --reason TEXT",
                name=ref.slug,
            ),
        )
    with repository_lock(history.repository.root, f"merge proposal {ref.slug}"):
        forced = None if st.holds else (force_reason or "").strip()
        return _merge(history, ref, st, forced, lang)


def _merge(
    history: History, ref: ProposalRef, st: Status, forced: str | None, lang: str
) -> MergeResult:
    proposal = ref.record
    assert proposal is not None
    run = history.run_git
    was_on, tip = history.branch(), ref.commit
    proposal.status = MERGED
    proposal.merge = MergeInfo(
        identity(history), today(), st.frameworks, st.approved_on(), st.colleges(), forced
    )
    save_record(
        history,
        ref,
        proposal,
        Msg("Proposal {slug}: merged into {base}", slug=ref.slug, base=proposal.base).render(lang),
    )
    try:
        if was_on != proposal.base:
            run("switch", "--quiet", proposal.base)
        run("merge", "--no-ff", "--no-edit", "-m",
            Msg("Merge proposal {slug}: {title}", slug=ref.slug,
                title=proposal.title).render(lang), ref.branch)  # fmt: skip
    except GitError as e:
        conflicted = run("diff", "--name-only", "--diff-filter=U").splitlines()
        with contextlib.suppress(GitError):  # no merge under way: nothing to abort
            run("merge", "--abort")
        if history.branch() == ref.branch:  # the record's commit taken back, in the tree too
            run("reset", "--quiet", "--keep", tip)
        else:
            run("update-ref", f"refs/heads/{ref.branch}", tip, ref.commit)
        if was_on is not None and history.branch() != was_on:
            run("switch", "--quiet", was_on)
        shown = ", ".join(conflicted[:5]) or e.message
        raise ProposalRefused(
            Msg(
                "proposal {name} cannot be merged into {base} ({files}): nothing was changed",
                name=ref.slug,
                base=proposal.base,
                files=shown,
            ),
            hint=Msg(
                "bring {base} into the proposal first (git merge {base} on its branch) "
                "and settle the differences, then merge again",
                base=proposal.base,
            ),
        ) from None
    ref.current = False
    return MergeResult(ref, history.head(), st, forced)


def _listed(words: list[str], names: dict[str, str]) -> Msg:
    """``words`` (colleges, or organisations) joined by commas, each named in the reader's
    language when it is a code with a name."""
    values = {f"w{i}": Msg(names[w]) if w in names else w for i, w in enumerate(words)}
    return Msg(", ".join("{" + k + "}" for k in values), **values)


def missing_text(st: Status) -> list[Msg]:
    """What the rule still asks, framework by framework."""
    parts: list[Msg] = []
    for s in st.signoffs:
        if s.holds:
            continue
        if not s.members:
            parts.append(Msg("{framework} has no working group in framework.yaml", framework=s.framework))  # fmt: skip
        elif s.more:
            parts.append(Msg(N_plural("{framework} needs {n} more member approval (majority of members)",
                                      "{framework} needs {n} more member approvals (majority of members)"),
                             framework=s.framework, n=s.more))  # fmt: skip
        else:
            parts.append(Msg("{framework} awaits {missing} ({rule})", framework=s.framework,
                             missing=_listed(s.missing, COLLEGE_NAMES),
                             rule=Msg(RULE_NAMES.get(s.rule, s.rule))))  # fmt: skip
    return parts

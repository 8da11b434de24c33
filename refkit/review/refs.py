"""Provides the git side of proposals: their branches, their records, commits on them, switching.

Every proposal branch of the clone, local (``refs/heads/proposal/*``) or brought by a fetch
(``refs/remotes/*/proposal/*``), is found with one ``git for-each-ref``, and every record with one
exchange with ``git cat-file --batch`` (``History.read_objects``): listing 50 proposals starts
two git processes, not 100.

A record is changed by a commit on its branch. On the checked-out branch the file is written in
the work tree and committed alone (``History.commit_paths``); on another branch the commit is
made without touching the work tree: the record's new blob into a temporary index read from the
branch, a tree, a commit, and ``git update-ref`` from the tip it was made on (a branch that moved
meanwhile refuses it).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from refkit.history import GitError, History
from refkit.i18n import Msg
from refkit.review.errors import ProposalError, ProposalRefused
from refkit.review.record import (
    BRANCH_PREFIX,
    SLUG,
    Person,
    Proposal,
    record_from_data,
    record_path,
    record_text,
)
from refkit.store.lock import repository_lock

MAIN = "main"
_ZERO = "0" * 40


@dataclass(slots=True)
class ProposalRef:
    """A proposal as this clone knows it: its branch here and on the shared repositories."""

    slug: str
    commit: str  # the tip: the local branch's, else the first remote's
    local: bool = False  # refs/heads/proposal/<slug> exists
    remotes: dict[str, str] = field(default_factory=dict)  # remote -> its tip
    upstream: str | None = None  # the local branch's upstream (refs/remotes/origin/proposal/x)
    upstream_gone: bool = False  # that upstream was deleted on the shared repository
    current: bool = False  # the checked-out branch
    record: Proposal | None = None
    problem: Msg | None = None  # why the record could not be read

    @property
    def branch(self) -> str:
        return BRANCH_PREFIX + self.slug

    @property
    def status(self) -> str:
        return self.record.status if self.record else "?"


def identity(history: History) -> Person:
    """The git identity commits are made with (user.name, user.email)."""
    try:
        ident = history.run_git("var", "GIT_AUTHOR_IDENT")
    except GitError:
        raise ProposalError(
            "git does not know who you are: proposals record their author",
            hint='git config --global user.name "Your Name"; git config --global user.email you@example.org',
        ) from None
    name, _, rest = ident.partition(" <")
    email = rest.split(">", 1)[0] or None
    return Person(name.strip(), email)


def list_refs(history: History) -> list[ProposalRef]:
    """Every proposal of the clone, by name, with its record (one for-each-ref, one cat-file)."""
    out = history.run_git(
        "for-each-ref",
        "--format=%(refname)%00%(objectname)%00%(upstream)%00%(upstream:track)%00%(HEAD)",
        f"refs/heads/{BRANCH_PREFIX}*",
        f"refs/remotes/*/{BRANCH_PREFIX}*",
    )
    found: dict[str, ProposalRef] = {}
    for line in out.splitlines():
        refname, commit, upstream, track, head = line.split("\0")
        if refname.startswith("refs/heads/"):
            slug = refname.removeprefix(f"refs/heads/{BRANCH_PREFIX}")
            ref = found.setdefault(slug, ProposalRef(slug, commit))
            ref.commit, ref.local, ref.current = commit, True, head == "*"
            ref.upstream = upstream or None
            ref.upstream_gone = track == "[gone]"
        else:
            remote, _, slug = refname.removeprefix("refs/remotes/").partition(f"/{BRANCH_PREFIX}")
            ref = found.setdefault(slug, ProposalRef(slug, commit))
            ref.remotes[remote] = commit
    refs = [found[s] for s in sorted(found) if SLUG.match(s)]
    _read_records(history, refs)
    return refs


def _read_records(history: History, refs: list[ProposalRef]) -> None:
    from refkit.store.reader import read_yaml

    names = [f"{r.commit}:{history.prefix}{record_path(r.slug)}" for r in refs]
    for ref, raw in zip(refs, history.read_objects(names), strict=True):
        if raw is None:
            ref.problem = Msg("the branch has no record {path}", path=record_path(ref.slug))
            continue
        data = read_yaml(record_path(ref.slug), raw).data
        if not isinstance(data, dict):
            ref.problem = Msg(
                "{path} cannot be read (refkit validate says why)", path=record_path(ref.slug)
            )
            continue
        ref.record = record_from_data(data)


def slug_of(name: str) -> str:
    """``pac-2027``, ``proposal/pac-2027`` or ``origin/proposal/pac-2027`` -> ``pac-2027``."""
    return name.rsplit(BRANCH_PREFIX, 1)[-1] if BRANCH_PREFIX in name else name


def find(history: History, name: str, refs: list[ProposalRef] | None = None) -> ProposalRef:
    """The proposal ``name`` names, or an error naming those that exist."""
    refs = list_refs(history) if refs is None else refs
    slug = slug_of(name)
    ref = next((r for r in refs if r.slug == slug), None)
    if ref is None:
        known = ", ".join(r.slug for r in refs[:10]) or Msg("none")
        raise ProposalError(
            Msg("no proposal named {name} in this clone (known: {known})", name=name, known=known),
            hint=Msg(
                "refkit proposal list shows them; one started elsewhere comes with refkit sync"
            ),
        )
    if ref.record is None:
        raise ProposalError(
            Msg("proposal {name}: {problem}", name=slug, problem=ref.problem or "?"),
            hint=Msg("fix the record on its branch (refkit validate), or delete the branch"),
        )
    return ref


def current_branch(history: History) -> str | None:
    return history.branch()


def changed_files(history: History) -> list[str]:
    """Tracked files with changes not committed (staged or not)."""
    return [path for code, path in history.status() if code != "??"]


def refuse_if_dirty(history: History, doing: Msg) -> None:
    files = changed_files(history)
    if files:
        shown = ", ".join(files[:5]) + (f" (+{len(files) - 5})" if len(files) > 5 else "")
        raise ProposalRefused(
            Msg(
                "{files}: changes not committed; {doing} would carry them to another branch or "
                "refuse; nothing was changed",
                files=shown,
                doing=doing,
            ),
            hint=Msg(
                "commit them (F5 in refkit edit, or git commit), or set them aside with "
                "git stash, then try again"
            ),
        )


def refuse_lost_commits(history: History) -> None:
    """On a detached HEAD, refuse to leave commits that no branch or tag holds."""
    if history.branch() is not None or not history.has_commits():
        return
    held = history.run_git(
        "for-each-ref", "--count=1", "--contains", "HEAD", "--format=%(refname)",
        "refs/heads", "refs/remotes", "refs/tags",
    )  # fmt: skip
    if not held:
        head = history.head()[:10]
        raise ProposalRefused(
            Msg(
                "HEAD is detached at {commit}, which no branch holds: leaving it would lose "
                "its commits; nothing was changed",
                commit=head,
            ),
            hint=Msg("keep them on a branch first: git branch NAME {commit}", commit=head),
        )


def switch_to(history: History, target: str, ref: ProposalRef | None) -> None:
    """Check out ``target`` (main or a proposal); git refuses to overwrite anything."""
    try:
        if ref is None or ref.local:
            history.run_git("switch", "--quiet", target)
        else:  # only fetched: a local branch following the shared one
            remote = sorted(ref.remotes)[0]
            history.run_git("switch", "--quiet", "--track", "-c", target, f"{remote}/{target}")
    except GitError as e:
        raise ProposalRefused(
            Msg(
                "git could not switch to {target}: {reason}; nothing was changed",
                target=target,
                reason=e.message,
            ),
            hint=Msg("move or remove the files git names, then switch again"),
        ) from None


def save_record(history: History, ref: ProposalRef, proposal: Proposal, message: str) -> str:
    """Commit ``proposal`` as the record on its branch (see the module); the new commit."""
    path = record_path(proposal.slug)
    with repository_lock(history.repository.root, f"proposal {proposal.slug}"):
        if ref.current:
            if history.status([path]):
                raise ProposalRefused(
                    Msg(
                        "{path} has changes not committed: refkit does not write over them",
                        path=path,
                    ),
                    hint=Msg(
                        "commit or undo them (git checkout -- {path}), then try again", path=path
                    ),
                )
            from refkit.store.files import atomic_write

            target = history.repository.root / path
            old = target.read_text(encoding="utf-8") if target.is_file() else None
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(target, record_text(proposal, old).encode("utf-8"))
            commit = history.commit_paths([path], message)
        else:
            commit = _commit_elsewhere(history, ref, proposal, message)
    ref.commit, ref.local, ref.record = commit, True, proposal
    return commit


def _commit_elsewhere(history: History, ref: ProposalRef, proposal: Proposal, message: str) -> str:
    run = history.run_git
    git_path = history.prefix + record_path(proposal.slug)
    tip = ref.commit
    (raw,) = history.read_objects([f"{tip}:{git_path}"])
    text = record_text(proposal, None if raw is None else raw.decode("utf-8"))
    with tempfile.TemporaryDirectory(prefix="refkit-proposal-") as scratch:
        blob_file = Path(scratch) / "record.yaml"
        blob_file.write_bytes(text.encode("utf-8"))
        blob = run("hash-object", "-w", "--path", git_path, str(blob_file))
        env = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        run("read-tree", tip, env=env)
        run("update-index", "--add", "--cacheinfo", f"100644,{blob},{git_path}", env=env)
        tree = run("write-tree", env=env)
    commit = run("commit-tree", tree, "-p", tip, "-m", message)
    branch = f"refs/heads/{ref.branch}"
    try:
        run("update-ref", "-m", "refkit proposal", branch, commit, tip if ref.local else _ZERO)
    except GitError:
        raise ProposalRefused(
            Msg(
                "{branch} moved while its record was written: nothing was changed",
                branch=ref.branch,
            ),
            hint=Msg("try again"),
        ) from None
    if not ref.local and ref.remotes:
        remote = sorted(ref.remotes)[0]
        run("branch", "--quiet", f"--set-upstream-to={remote}/{ref.branch}", ref.branch)
    return commit

"""Provides ``collect``: every framework version to publish, with its changes and shared blocks.

Releases are read from git (tags, or ``releases.yaml`` in a tagless clone) through the cache of
parsed blobs; the work tree is added as a draft when asked. A framework without a release is
published only as a draft. Borrowed (shared) blocks are resolved to their home's pinned release,
or to the home's latest release, as everywhere else in refkit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from refkit.diff import FrameworkDiff, diff_frameworks
from refkit.diff.correspondence import Table, correspondence
from refkit.history import GitError, History
from refkit.history.releases import Release, Releases
from refkit.model import Block, Framework
from refkit.store.repository import Repository
from refkit.versions import framework_id, load_worktree

DRAFT = "draft"


@dataclass(slots=True)
class Version:
    framework: Framework
    label: str  # "2.0.0", or "draft" for the work tree
    release: Release | None
    previous: Version | None = None
    diff: FrameworkDiff | None = None
    table: Table | None = None
    borrowed: dict[str, tuple[Block, str, str]] = field(
        default_factory=dict
    )  # block -> (block, home, home version)
    key: str = ""  # digest of the version's files: equal keys, equal content

    @property
    def id(self) -> str:
        return self.framework.id

    @property
    def draft(self) -> bool:
        return self.release is None


@dataclass(slots=True)
class PublishedFramework:
    id: str
    folder: str
    versions: list[Version]  # oldest first, the draft last

    @property
    def latest(self) -> Version | None:
        released = [v for v in self.versions if not v.draft]
        return released[-1] if released else None

    @property
    def current(self) -> Version:
        return self.latest or self.versions[-1]


@dataclass(slots=True)
class Site:
    frameworks: list[PublishedFramework]
    unreleased: list[str]  # frameworks with no release, not published (no --include-draft)
    notes: list[str] = field(default_factory=list)
    _users: dict[tuple[str, str], list[str]] | None = field(default=None, repr=False)

    def framework(self, fid: str) -> PublishedFramework | None:
        return next((f for f in self.frameworks if f.id == fid), None)

    def users_of(self, home: str, block: str) -> list[str]:
        """Frameworks (other than the home) whose current version borrows ``home``'s ``block``."""
        if self._users is None:  # one pass over every framework, then lookups
            users: dict[tuple[str, str], list[str]] = {}
            for f in self.frameworks:
                for b, (_, h, _) in f.current.borrowed.items():
                    if h != f.id:
                        users.setdefault((h, b), []).append(f.id)
            self._users = users
        return list(self._users.get((home, block), []))


def collect(repo: Repository, *, include_draft: bool) -> Site:
    try:
        history: History | None = History(repo)
    except GitError:
        history = None
    site = Site([], [])
    try:
        for folder_path in repo.framework_folders():
            folder = repo.rel(folder_path)
            # the work tree is read only when it is published (a draft); releases come from git
            worktree = load_worktree(repo, folder) if include_draft else None
            draft = worktree.framework if worktree is not None else None
            fid = draft.id if draft is not None else framework_id(repo, folder)
            if include_draft and (draft is None or not draft.id):
                site.notes.append(
                    f"{folder}: framework.yaml cannot be read; not published (run refkit validate)"
                )
                continue
            versions: list[Version] = []
            if history is not None and history.has_commits():
                try:
                    releases = Releases(history, folder, fid).all()
                except GitError as e:
                    site.notes.append(
                        f"{fid}: releases not readable ({e.message}); {e.hint or ''}".strip()
                    )
                    releases = []
                for release in releases:
                    loaded = history.load_at(release.commit, folder)
                    if loaded.framework is None:
                        site.notes.append(
                            f"{fid} {release.version}: cannot be read from git; not published"
                        )
                        continue
                    versions.append(
                        Version(loaded.framework, release.version, release, key=_key(loaded.hashes))
                    )
            if draft is not None:
                versions.append(Version(draft, DRAFT, None, key=_key(worktree.hashes)))  # type: ignore[union-attr]
            if not versions:
                site.unreleased.append(fid)
                site.notes.append(
                    f"{fid} has no release yet: not published (refkit release {fid}, "
                    "or publish its work tree as a draft with --include-draft)"
                )
                continue
            for previous, version in zip([None, *versions], versions, strict=False):
                version.previous = previous
                if previous is not None:
                    version.diff = diff_frameworks(
                        previous.framework,
                        version.framework,
                        old_label=previous.label,
                        new_label=version.label,
                    )
                    version.table = correspondence(
                        previous.framework, version.framework, version.diff
                    )
            site.frameworks.append(PublishedFramework(fid, folder, versions))
    finally:
        if history is not None:
            history.close()
    site.frameworks.sort(key=lambda f: f.id)
    _resolve_borrowed(site)
    return site


def _resolve_borrowed(site: Site) -> None:
    for f in site.frameworks:
        for version in f.versions:
            for ref in version.framework.shared_blocks:
                home = site.framework(ref.framework)
                target: Version | None = None
                if home is not None:
                    if ref.version is not None:
                        target = next((v for v in home.versions if v.label == ref.version), None)
                    else:
                        target = home.latest or (home.versions[-1] if home.versions else None)
                block = target.framework.block(ref.block) if target is not None else None
                if target is None or block is None:
                    where = f"{ref.framework}@{ref.version}" if ref.version else ref.framework
                    site.notes.append(
                        f"{f.id} {version.label}: shared block {ref.block} of {where} is not published"
                    )
                    continue
                version.borrowed[ref.block] = (block, ref.framework, target.label)


def _key(hashes: dict[str, str]) -> str:
    import hashlib

    h = hashlib.blake2b(digest_size=16)
    for path, digest in sorted(hashes.items()):
        h.update(f"{path}\0{digest}\n".encode())
    return h.hexdigest()

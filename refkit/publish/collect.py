"""Provides ``collect``: every framework version to publish, with its changes and shared blocks.

Releases are read from git (tags, or ``releases.yaml`` in a tagless clone) through the cache of
parsed blobs; the work tree is added as a draft when asked. A framework without a release is
published only as a draft. Borrowed (shared) blocks are resolved to their home's pinned release,
or to the home's latest release, as everywhere else in refkit.

Collecting runs in two steps, so that publishing again after one framework changed reads only
that framework:

1. ``collect``: for every version, its **key** (the git tree id of the framework folder at the
   release commit, or a digest of the work tree's files for a draft) and its **outline** (id,
   title, language, block ids, shared-block references: what the site-wide pages and the other
   frameworks need of it). Outlines of keys seen by an earlier run come from that run
   (``known``); the others are read in full.
2. ``Site.load``: the frameworks that will be rendered are read in full (every version, from the
   cache of parsed blobs), with the semantic diff and correspondence table of each version and the
   blocks they borrow.
"""

from __future__ import annotations

import hashlib
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from refkit.diff import FrameworkDiff, diff_frameworks
from refkit.diff.correspondence import Table, correspondence
from refkit.errors import RefkitError
from refkit.history import GitError, History
from refkit.history.releases import VERSION, Release, not_deleted
from refkit.model import Block, Framework
from refkit.parallel import cores
from refkit.publish.records import found_releases, good_records, records_of
from refkit.store.loader import (
    FRAMEWORK_FILE,
    RELEASES_FILE,
    LoadedFramework,
    Loading,
    RawFile,
    load_framework,
    read_folder,
)
from refkit.store.repository import Repository

DRAFT = "draft"
# Folders of the published site itself: a framework with one of these ids would overwrite them.
RESERVED = frozenset({"assets", "md"})
# Framework ids and versions name folders of the site: only these forms are ever used as paths
# (the schemas' patterns), whatever a file, a tag or an earlier run's manifest says.
FRAMEWORK_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True, slots=True)
class Outline:
    """What the site-wide pages and the other frameworks' pages need of a version, known
    without reading its blocks."""

    id: str
    title: str
    lang: str
    blocks: tuple[str, ...]
    shared: tuple[tuple[str, str, str | None], ...]  # (block, home framework, pinned version)

    @classmethod
    def of(cls, fw: Framework) -> Outline:
        return cls(
            fw.id,
            fw.title,
            fw.lang,
            tuple(b.id for b in fw.blocks),
            tuple((r.block, r.framework, r.version) for r in fw.shared_blocks),
        )

    def to_json(self) -> list[Any]:
        return [self.id, self.title, self.lang, list(self.blocks), [list(s) for s in self.shared]]

    @classmethod
    def from_json(cls, data: Any) -> Outline | None:
        """An outline an earlier run recorded, or None if it is not one."""
        try:
            fid, title, lang, blocks, shared = data
            outline = cls(
                fid,
                title,
                lang,
                tuple(blocks),
                tuple((b, h, v) for b, h, v in shared),
            )
        except (TypeError, ValueError):
            return None
        texts = [outline.id, outline.title, outline.lang, *outline.blocks]
        texts += [t for s in outline.shared for t in s[:2]]
        if not all(isinstance(t, str) for t in texts) or not all(
            s[2] is None or isinstance(s[2], str) for s in outline.shared
        ):
            return None
        return outline


@dataclass(slots=True, eq=False)
class Version:
    label: str  # "2.0.0", or "draft" for the work tree
    release: Release | None
    key: str  # equal keys, equal content
    outline: Outline
    folder: str = ""
    commit: str | None = None  # where to read it; None: the work tree
    loaded: Framework | None = None
    previous: Version | None = None
    diff: FrameworkDiff | None = None
    table: Table | None = None
    # shared blocks, from the outlines: block -> (home, home version)
    refs: dict[str, tuple[str, str]] = field(default_factory=dict)
    # the same with their content, once loaded: block -> (block, home, home version)
    borrowed: dict[str, tuple[Block, str, str]] = field(default_factory=dict)
    files: list[RawFile] | None = field(default=None, repr=False)  # a draft's files
    errors: int = 0  # a draft's errors, as refkit validate counts them

    @property
    def id(self) -> str:
        return self.outline.id

    @property
    def draft(self) -> bool:
        return self.release is None

    @property
    def framework(self) -> Framework:
        if self.loaded is None:
            raise LookupError(f"{self.outline.id} {self.label} is not loaded (Site.load)")
        return self.loaded


@dataclass(slots=True)
class PublishedFramework:
    id: str
    folder: str
    versions: list[Version]  # oldest first, the draft last
    complete: bool = False  # every version loaded, diffs and borrowed blocks resolved

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
    history: History | None = field(default=None, repr=False)
    base_url: str = ""  # --base-url, ending with "/"; "" when the site's address is not known
    worktree: dict[str, Any] = field(default_factory=dict, repr=False)  # digest -> parsed value
    _users: dict[tuple[str, str], list[str]] | None = field(default=None, repr=False)
    _by_id: dict[str, PublishedFramework] | None = field(default=None, repr=False)
    # release chains for stacking, per framework, made once (refkit.publish.since.chain)
    chains: dict[str, Any] = field(default_factory=dict, repr=False)

    def framework(self, fid: str) -> PublishedFramework | None:
        if self._by_id is None:
            self._by_id = {f.id: f for f in self.frameworks}
        return self._by_id.get(fid)

    def users_of(self, home: str, block: str) -> list[str]:
        """Frameworks (other than the home) whose current version borrows ``home``'s ``block``."""
        if self._users is None:  # one pass over every framework, then lookups
            users: dict[tuple[str, str], list[str]] = {}
            for f in self.frameworks:
                for b, (h, _) in f.current.refs.items():
                    if h != f.id:
                        users.setdefault((h, b), []).append(f.id)
            self._users = users
        return list(self._users.get((home, block), []))

    def page_label(self, fid: str) -> str:
        """The folder of a framework's current pages: latest, or its draft when never released."""
        f = self.framework(fid)
        if f is None or f.latest is not None:
            return "latest"
        return f.current.label

    def load(self, fids: Iterable[str]) -> None:
        """Read the frameworks ``fids`` in full: every version, the diff and correspondence
        table of each against the one before, and the blocks they borrow."""
        for fid in sorted(set(fids)):
            pf = self.framework(fid)
            if pf is None or pf.complete:
                continue
            for version in pf.versions:
                self._read(version)
            for previous, version in zip([None, *pf.versions], pf.versions, strict=False):
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
            for version in pf.versions:
                for bid, (home, label) in version.refs.items():
                    target = self._version(home, label)
                    if (
                        target is None
                    ):  # pragma: no cover - refs are resolved from published versions
                        continue
                    self._read(target)
                    block = target.framework.block(bid)
                    if block is not None:
                        version.borrowed[bid] = (block, home, label)
            pf.complete = True

    def close(self) -> None:
        if self.history is not None:
            self.history.close()
            self.history = None

    def _version(self, fid: str, label: str) -> Version | None:
        home = self.framework(fid)
        return next((v for v in home.versions if v.label == label), None) if home else None

    def _read(self, version: Version) -> None:
        if version.loaded is not None:
            return
        loaded = _load(self.history, version)
        what = (
            "the work tree"
            if version.commit is None
            else (f"release {version.label} (commit {version.commit[:12]})")
        )
        _whole(loaded, what)
        version.loaded = loaded.framework


def _load(history: History | None, version: Version) -> LoadedFramework:
    if version.commit is None:
        return load_framework(version.folder, version.files or [])
    assert history is not None
    return history.load_at(version.commit, version.folder)


def collect(
    repo: Repository,
    *,
    include_draft: bool,
    known: dict[str, Outline] | None = None,
    worktree: dict[str, Any] | None = None,
    errors: dict[str, int] | None = None,
) -> Site:
    """Every framework's versions with their keys and outlines (``Site.load`` reads them in
    full). ``known``: outlines by key from an earlier run; ``worktree``: values parsed from work
    tree files by an earlier run, by the digest of the file (framework ids, release records);
    ``errors``: the errors of each work tree (folder -> count), shown on its draft's pages."""
    known = known or {}
    parsed_before = worktree or {}
    try:
        history: History | None = History(repo)
    except GitError:
        history = None
    site = Site([], [], history=history)

    def parsed(raw: bytes | None, parse: Any) -> Any:
        """A value parsed from a work tree file, reused while the file's bytes are the same."""
        if raw is None:
            return parse(None)
        d = _digest(raw)
        value = parsed_before.get(d)
        if value is None:
            value = parse(raw)
        site.worktree[d] = value
        return value

    pending: list[tuple[PublishedFramework, Release]] = []
    head = ""  # the last commit, resolved once
    try:
        for folder_path in repo.framework_folders():
            folder = repo.rel(folder_path)
            versions: list[Version] = []
            draft: Version | None = None
            if include_draft:
                # the work tree is read only when it is published (a draft)
                files = read_folder(repo.root, folder_path)
                key = "wt:" + _key(
                    {f.path: _digest(f.data) if f.data is not None else str(f.size) for f in files}
                )
                outline = known.get(key)
                loaded = None
                if outline is None:
                    loaded = load_framework(folder, files)
                    _whole(loaded, "the work tree")
                    assert loaded.framework is not None
                    outline = Outline.of(loaded.framework)
                draft = Version(DRAFT, None, key, outline, folder, None, files=files)
                draft.errors = (errors or {}).get(folder, 0)
                draft.loaded = loaded.framework if loaded is not None else None
                fid = outline.id
            else:
                raw = _read_bytes(folder_path / FRAMEWORK_FILE, f"{folder}/{FRAMEWORK_FILE}")
                fid = parsed(raw, _framework_id)
                if not isinstance(fid, str):  # an earlier run's value, not an id
                    fid = site.worktree[_digest(raw or b"")] = _framework_id(raw)
                fid = fid or folder.rsplit("/", 1)[-1]
            if not isinstance(fid, str) or not FRAMEWORK_ID.match(fid):
                raise RefkitError(
                    f"{folder}/{FRAMEWORK_FILE}: the id {fid!r} cannot name the framework's "
                    "pages; nothing was published",
                    hint="write the id in lower-case words joined by hyphens, as its folder "
                    "is named (refkit validate shows the place)",
                )
            if fid in RESERVED:
                site.notes.append(
                    f"{folder}: the id {fid!r} names a folder of the published site itself; "
                    "not published (give the framework another id)"
                )
                continue
            pf = PublishedFramework(fid, folder, versions)
            if history is not None and history.has_commits():
                record = f"{folder}/{RELEASES_FILE}"
                raw = _read_bytes(folder_path / RELEASES_FILE, record)
                if raw is None:
                    head = head or history.head()
                    not_deleted(history, folder, ", nothing was published", head=head)
                records = parsed(raw, lambda data, where=record: records_of(where, data))
                if not good_records(records):  # an earlier run's value, not a record
                    records = records_of(record, raw)
                    if raw is not None:
                        site.worktree[_digest(raw)] = records
                try:
                    releases = found_releases(site, history, folder, fid, records)
                except GitError as e:
                    # never "no release": that would remove the pages of every release
                    raise RefkitError(
                        f"{record}: {e.message}; nothing was published", hint=e.hint
                    ) from e
                for release in releases:
                    if not VERSION.match(release.version.removeprefix("v")):
                        raise RefkitError(  # pragma: no cover - tags and records are checked
                            f"{record}: release {release.version!r} is not a version number; "
                            "nothing was published",
                            hint="versions are MAJOR.MINOR.PATCH, e.g. 2.0.0",
                        )
                pending += [(pf, release) for release in releases]
            site.frameworks.append(pf)
            if draft is not None:
                versions.append(draft)
        _add_releases(site, history, pending, known)
    except BaseException:
        site.close()
        raise
    for pf in list(site.frameworks):
        if not pf.versions:
            site.frameworks.remove(pf)
            site.unreleased.append(pf.id)
            site.notes.append(
                f"{pf.id} has no release yet: not published (refkit release {pf.id}, "
                "or publish its work tree as a draft with --include-draft)"
            )
    site.frameworks.sort(key=lambda f: f.id)
    _resolve_refs(site)
    return site


def _add_releases(
    site: Site,
    history: History | None,
    pending: list[tuple[PublishedFramework, Release]],
    known: dict[str, Outline],
) -> None:
    """Each release as a version, keyed by the tree id of its folder (one git exchange for all);
    releases not seen before are read in full."""
    if history is None or not pending:
        return
    trees = history.tree_ids([(release.commit, pf.folder) for pf, release in pending])
    reads = _read_releases(history, pending, trees, known)
    added: dict[str, list[Version]] = {}
    for n, ((pf, release), tree) in enumerate(zip(pending, trees, strict=True)):
        key = f"git:{tree}" if tree else ""
        outline = known.get(key) if key else None
        loaded: Framework | None = None
        if outline is None:
            if not tree:
                raise RefkitError(
                    f"{pf.folder}: release {release.version} of {pf.id} has no folder "
                    f"{pf.folder} in commit {release.commit[:12]}; nothing was published",
                    hint=f"check {pf.folder}/{RELEASES_FILE} and the tag "
                    f"{pf.id}/v{release.version} (git log -- {pf.folder})",
                )
            read = reads.get(n) or history.load_at(release.commit, pf.folder)
            _whole(read, f"release {release.version} (commit {release.commit[:12]})")
            assert read.framework is not None
            outline, loaded = Outline.of(read.framework), read.framework
        version = Version(release.version, release, key, outline, pf.folder, release.commit)
        version.loaded = loaded
        added.setdefault(pf.id, []).append(version)
    for pf, _ in pending:
        if pf.id in added:  # releases oldest first, then the draft
            pf.versions[:0] = added.pop(pf.id)


def _read_releases(
    history: History,
    pending: list[tuple[PublishedFramework, Release]],
    trees: list[str | None],
    known: dict[str, Outline],
) -> dict[int, LoadedFramework]:
    """The releases of ``pending`` not seen before (no outline ``known`` for their tree), read
    in full, by their place in ``pending``. Their files are read from git first; then, as for
    the editor's first load (``Loading``), the block files the cache of parsed blobs lacks are
    parsed, checked and cached in worker processes when there are many, while this process
    builds each framework in order: a first publish on a fresh clone parses every release.
    Reading stops before a release that has no folder or no file: ``_add_releases`` refuses it
    when it comes to it, after the releases before it."""
    places: list[tuple[int, str, list[RawFile]]] = []
    for n, ((pf, release), tree) in enumerate(zip(pending, trees, strict=True)):
        if tree and f"git:{tree}" in known:
            continue
        files = history.files_at(release.commit, pf.folder) if tree else []
        if not files:
            break
        places.append((n, pf.folder, files))
    if not places:
        return {}
    loading = Loading(
        [(folder, files) for _, folder, files in places],
        history.blobs,
        jobs=_jobs(),
    )
    return {n: loaded for (n, _, _), loaded in zip(places, loading.results(), strict=True)}


def _jobs() -> int:
    """Worker processes for reading releases: as many as for any work (``refkit.parallel``)."""
    return cores()


def _whole(loaded: LoadedFramework, what: str) -> None:
    """Refuse a framework that was not read whole (a file with a syntax error, conflict markers,
    that cannot be opened): published, its pages would lack what that file holds."""
    from refkit.publish import PublishRefused, unread

    if loaded.framework is not None and loaded.framework.id and not loaded.broken_blocks:
        return
    problems = [p for p in loaded.problems if unread(p)] or loaded.problems
    raise PublishRefused(
        f"{loaded.folder}: {what} cannot be read whole; nothing was published",
        hint="fix the files named above (refkit validate shows every problem)",
        problems=problems,
    )


def _resolve_refs(site: Site) -> None:
    for f in site.frameworks:
        for version in f.versions:
            for bid, home_id, pinned in version.outline.shared:
                home = site.framework(home_id)
                target: Version | None = None
                if home is not None:
                    if pinned is not None:
                        target = next((v for v in home.versions if v.label == pinned), None)
                    else:
                        target = home.latest or (home.versions[-1] if home.versions else None)
                if target is None or bid not in target.outline.blocks:
                    where = f"{home_id}@{pinned}" if pinned else home_id
                    site.notes.append(
                        f"{f.id} {version.label}: shared block {bid} of {where} is not published"
                    )
                    continue
                version.refs[bid] = (home_id, target.label)


def _read_bytes(path: Path, shown: str) -> bytes | None:
    """A work tree file's bytes, None when there is none; a file that exists and cannot be read
    (not a regular file, permission denied) stops publishing: read as missing, a releases.yaml
    would say "no release" and the pages of every release would be removed."""
    try:
        st = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as e:
        raise _unreadable(shown, e.strerror or str(e)) from e
    if not stat.S_ISREG(st.st_mode):
        raise _unreadable(shown, "not a regular file")
    try:
        return path.read_bytes()
    except OSError as e:
        raise _unreadable(shown, e.strerror or str(e)) from e


def _unreadable(shown: str, why: str) -> RefkitError:
    return RefkitError(
        f"{shown} cannot be read ({why}); nothing was published",
        hint="make it a file refkit can read (check its permissions), then publish again",
    )


def _framework_id(raw: bytes | None) -> str:
    """The id a framework.yaml declares ("" if none)."""
    from refkit.store.reader import read_yaml

    data = read_yaml(FRAMEWORK_FILE, raw).data if raw is not None else None
    fid = data.get("id") if isinstance(data, dict) else None
    return fid if isinstance(fid, str) else ""


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _key(hashes: dict[str, str]) -> str:
    h = hashlib.blake2b(digest_size=16)
    for path, digest in sorted(hashes.items()):
        h.update(f"{path}\0{digest}\n".encode())
    return h.hexdigest()

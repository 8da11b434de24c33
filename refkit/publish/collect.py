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
2. ``Site.load`` (``refkit.publish.site``): the frameworks that will be rendered are read in full (every version, from the
   cache of parsed blobs), with the semantic diff and correspondence table of each version and the
   blocks they borrow.
"""

from __future__ import annotations

import hashlib
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from refkit.errors import RefkitError
from refkit.history import GitError, History
from refkit.history.releases import VERSION, Release, not_deleted
from refkit.i18n import Msg
from refkit.model import Framework
from refkit.parallel import cores
from refkit.publish.records import found_releases, good_records, records_of
from refkit.publish.site import Outline, PublishedFramework, Site, Version, whole
from refkit.store.loader import (
    FRAMEWORK_FILE,
    RELEASES_FILE,
    LoadedFramework,
    RawFile,
    load_framework,
    read_folder,
)
from refkit.store.repository import Repository
from refkit.store.workers import Loading

DRAFT = "draft"
# Folders of the published site itself: a framework with one of these ids would overwrite them.
RESERVED = frozenset({"assets", "md"})
# Framework ids and versions name folders of the site: only these forms are ever used as paths
# (the schemas' patterns), whatever a file, a tag or an earlier run's manifest says.
FRAMEWORK_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


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
    try:
        history: History | None = History(repo)
    except GitError:
        history = None
    run = _Collecting(repo, Site([], [], history=history), known or {}, worktree or {}, errors)
    pending: list[tuple[PublishedFramework, Release]] = []
    try:
        for folder_path in repo.framework_folders():
            found = run.framework(folder_path, include_draft)
            if found is not None:
                pf, releases = found
                pending += [(pf, release) for release in releases]
        _add_releases(run.site, history, pending, run.known)
    except BaseException:
        run.site.close()
        raise
    site = run.site
    for pf in list(site.frameworks):
        if not pf.versions:
            site.frameworks.remove(pf)
            site.unreleased.append(pf.id)
            site.notes.append(
                Msg(
                    "{framework} has no release yet: not published (refkit release "
                    "{framework}, or publish its work tree as a draft with --include-draft)",
                    framework=pf.id,
                )
            )
    site.frameworks.sort(key=lambda f: f.id)
    _resolve_refs(site)
    return site


@dataclass(slots=True)
class _Collecting:
    """One run of ``collect``: what it reads from and the site it makes. ``before``: values an
    earlier run parsed from work tree files, by the digest of the file."""

    repo: Repository
    site: Site
    known: dict[str, Outline]
    before: dict[str, Any]
    errors: dict[str, int] | None
    head: str = ""  # the last commit, resolved once

    def parsed(self, raw: bytes | None, parse: Any) -> Any:
        """A value parsed from a work tree file, reused while the file's bytes are the same."""
        if raw is None:
            return parse(None)
        d = _digest(raw)
        value = self.before.get(d)
        if value is None:
            value = parse(raw)
        self.site.worktree[d] = value
        return value

    def framework(
        self, folder_path: Path, include_draft: bool
    ) -> tuple[PublishedFramework, list[Release]] | None:
        """The framework of a folder (its draft among its versions, when published) and its
        releases, None when its id names a folder of the site itself."""
        folder = self.repo.rel(folder_path)
        draft = self.draft(folder_path, folder) if include_draft else None
        fid = draft.outline.id if draft is not None else self.framework_id(folder_path, folder)
        if not isinstance(fid, str) or not FRAMEWORK_ID.match(fid):
            raise RefkitError(
                Msg(
                    "{file}: the id {id} cannot name the framework's pages; nothing was published",
                    file=f"{folder}/{FRAMEWORK_FILE}",
                    id=repr(fid),
                ),
                hint="write the id in lower-case words joined by hyphens, as its folder "
                "is named (refkit validate shows the place)",
            )
        if fid in RESERVED:
            self.site.notes.append(
                Msg(
                    "{folder}: the id {id} names a folder of the published site itself; "
                    "not published (give the framework another id)",
                    folder=folder,
                    id=repr(fid),
                )
            )
            return None
        pf = PublishedFramework(fid, folder, [])
        releases = self.releases(folder_path, folder, fid)
        self.site.frameworks.append(pf)
        if draft is not None:
            pf.versions.append(draft)
        return pf, releases

    def draft(self, folder_path: Path, folder: str) -> Version:
        """The work tree as a draft (read only when it is published)."""
        files = read_folder(self.repo.root, folder_path)
        key = "wt:" + _key(
            {f.path: _digest(f.data) if f.data is not None else str(f.size) for f in files}
        )
        outline = self.known.get(key)
        loaded = None
        if outline is None:
            loaded = load_framework(folder, files)
            whole(loaded, Msg("the work tree"))
            assert loaded.framework is not None
            outline = Outline.of(loaded.framework)
        draft = Version(DRAFT, None, key, outline, folder, None, files=files)
        draft.errors = (self.errors or {}).get(folder, 0)
        draft.loaded = loaded.framework if loaded is not None else None
        return draft

    def framework_id(self, folder_path: Path, folder: str) -> Any:
        """The id framework.yaml declares, else the folder's name."""
        raw = _read_bytes(folder_path / FRAMEWORK_FILE, f"{folder}/{FRAMEWORK_FILE}")
        fid = self.parsed(raw, _framework_id)
        if not isinstance(fid, str):  # an earlier run's value, not an id
            fid = self.site.worktree[_digest(raw or b"")] = _framework_id(raw)
        return fid or folder.rsplit("/", 1)[-1]

    def releases(self, folder_path: Path, folder: str, fid: str) -> list[Release]:
        """The framework's releases, from releases.yaml or tags (none without a commit)."""
        history = self.site.history
        if history is None or not history.has_commits():
            return []
        record = f"{folder}/{RELEASES_FILE}"
        raw = _read_bytes(folder_path / RELEASES_FILE, record)
        if raw is None:
            self.head = self.head or history.head()
            not_deleted(history, folder, ", nothing was published", head=self.head)
        records = self.parsed(raw, lambda data, where=record: records_of(where, data))
        if not good_records(records):  # an earlier run's value, not a record
            records = records_of(record, raw)
            if raw is not None:
                self.site.worktree[_digest(raw)] = records
        try:
            releases = found_releases(self.site, history, folder, fid, records)
        except GitError as e:
            # never "no release": that would remove the pages of every release
            raise RefkitError(
                Msg(
                    "{file}: {error}; nothing was published",
                    file=record,
                    error=e.msg or e.message,
                ),
                hint=e.hint_msg or e.hint,
            ) from e
        for release in releases:
            if not VERSION.match(release.version.removeprefix("v")):
                raise RefkitError(  # pragma: no cover - tags and records are checked
                    Msg(
                        "{file}: release {version} is not a version number; nothing was published",
                        file=record,
                        version=repr(release.version),
                    ),
                    hint="versions are MAJOR.MINOR.PATCH, e.g. 2.0.0",
                )
        return releases


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
                    Msg(
                        "{folder}: release {version} of {framework} has no folder {folder} in "
                        "commit {commit}; nothing was published",
                        folder=pf.folder,
                        version=release.version,
                        framework=pf.id,
                        commit=release.commit[:12],
                    ),
                    hint=Msg(
                        "check {file} and the tag {tag} (git log -- {folder})",
                        file=f"{pf.folder}/{RELEASES_FILE}",
                        tag=f"{pf.id}/v{release.version}",
                        folder=pf.folder,
                    ),
                )
            read = reads.get(n) or history.load_at(release.commit, pf.folder)
            whole(
                read,
                Msg(
                    "release {version} (commit {commit})",
                    version=release.version,
                    commit=release.commit[:12],
                ),
            )
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
                        Msg(
                            "{framework} {version}: shared block {block} of {home} is not "
                            "published",
                            framework=f.id,
                            version=version.label,
                            block=bid,
                            home=where,
                        )
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
        raise _unreadable(shown, Msg("not a regular file"))
    try:
        return path.read_bytes()
    except OSError as e:
        raise _unreadable(shown, e.strerror or str(e)) from e


def _unreadable(shown: str, why: str | Msg) -> RefkitError:
    return RefkitError(
        Msg("{file} cannot be read ({reason}); nothing was published", file=shown, reason=why),
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

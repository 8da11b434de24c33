"""Provides the site as collected (``refkit.publish.collect``): the frameworks to publish
(``PublishedFramework``), each of their versions (``Version``: a release or the work tree as a
draft, known first by its key and ``Outline``), and ``Site``, which reads the frameworks to render
in full (``Site.load``: every version, the diff and correspondence table of each against the one
before, the blocks they borrow)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from refkit.diff import FrameworkDiff, diff_frameworks
from refkit.diff.correspondence import Table, correspondence
from refkit.history import History
from refkit.history.releases import Release
from refkit.i18n import Msg
from refkit.model import Block, Framework
from refkit.store.loader import LoadedFramework, RawFile, load_framework


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
    notes: list[Msg] = field(default_factory=list)
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
            Msg("the work tree")
            if version.commit is None
            else Msg(
                "release {version} (commit {commit})",
                version=version.label,
                commit=version.commit[:12],
            )
        )
        whole(loaded, what)
        version.loaded = loaded.framework


def _load(history: History | None, version: Version) -> LoadedFramework:
    if version.commit is None:
        return load_framework(version.folder, version.files or [])
    assert history is not None
    return history.load_at(version.commit, version.folder)


def whole(loaded: LoadedFramework, what: str | Msg) -> None:
    """Refuse a framework that was not read whole (a file with a syntax error, conflict markers,
    that cannot be opened): published, its pages would lack what that file holds."""
    from refkit.publish import PublishRefused, unread

    if loaded.framework is not None and loaded.framework.id and not loaded.broken_blocks:
        return
    problems = [p for p in loaded.problems if unread(p)] or loaded.problems
    raise PublishRefused(
        Msg(
            "{folder}: {what} cannot be read whole; nothing was published",
            folder=loaded.folder,
            what=what,
        ),
        hint="fix the files named above (refkit validate shows every problem)",
        problems=problems,
    )

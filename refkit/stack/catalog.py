"""Provides ``Catalog``: the stacking views of every framework of a repository, now and before.

A certification is a framework at a version: by default its latest release (what is in force),
or its work tree when it was never released (a draft), or when asked. Work-tree views come with
validation (``refkit.validate`` caches them per framework with everything else); release views
are read from git and cached by the git tree id of the framework's folder. Release chains (the
semantic diff and correspondence table between consecutive versions) carry a learner's credit from
the version they hold to the version they aim at.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from refkit.errors import RefkitError
from refkit.history import WORKTREE, GitError, History
from refkit.history.releases import Releases
from refkit.i18n import Msg
from refkit.model import Framework
from refkit.problems import Severity
from refkit.stack import CertView, Coverage, Held, Origin, Step, propagate
from refkit.stack.views import release_view, resolve, step
from refkit.store.repository import Repository
from refkit.validate import validate
from refkit.versions import load_worktree


class StackError(RefkitError):
    """A holding or a target that names no known framework, version or block (exit 2)."""


@dataclass(slots=True)
class Target:
    framework: str
    version: str  # a release, or "worktree"


class Catalog:
    def __init__(
        self, repo: Repository, *, prefer_worktree: bool = False, overlap: bool = False
    ) -> None:
        """``overlap``: the catalog will compare statements (``refkit.stack.overlap``), so its
        working-tree views hold their statement keys."""
        self.repo = repo
        self.prefer_worktree = prefer_worktree
        result = validate(repo, keyed=overlap)
        self.summaries = {s.id: s for s in result.summaries.values() if s.id}
        self.errors: dict[str, int] = {}
        folder_ids = {s.folder: s.id for s in result.summaries.values()}
        for p in result.problems:
            if p.severity is Severity.ERROR:
                fid = next(
                    (i for f, i in folder_ids.items() if p.file.startswith(f + "/") or p.file == f),
                    None,
                )
                if fid:
                    self.errors[fid] = self.errors.get(fid, 0) + 1
        try:
            self.history: History | None = History(repo)
        except GitError:
            self.history = None
        self._releases: dict[str, list[str]] = {}
        self._own: dict[tuple[str, str], dict[str, Any]] = {}
        self._views: dict[tuple[str, str], CertView] = {}
        self._frameworks: dict[tuple[str, str], Framework] = {}
        self._chains: dict[str, list[Step]] = {}
        self.notes: list[Msg] = []

    def close(self) -> None:
        if self.history is not None:
            self.history.close()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- versions ---------------------------------------------------------------------------

    def ids(self) -> list[str]:
        return sorted(self.summaries)

    def is_reference(self, fid: str) -> bool:
        """A reference framework (imported ESCO, NICE...): it certifies nothing."""
        try:
            return bool(self._own_view(fid, self.current(fid)).get("reference"))
        except (KeyError, StackError):
            return False

    def releases(self, fid: str) -> list[str]:
        if fid not in self._releases:
            versions: list[str] = []
            if self.history is not None and self.history.has_commits():
                summary = self.summaries[fid]
                versions = [r.version for r in Releases(self.history, summary.folder, fid).all()]
            self._releases[fid] = versions
        return self._releases[fid]

    def current(self, fid: str) -> str:
        releases = self.releases(fid)
        return WORKTREE if self.prefer_worktree or not releases else releases[-1]

    def version_of(self, fid: str, spec: str | None) -> str:
        """The version a holding or target names: a release, the work tree, or (for a framework
        never released) the version its work tree declares."""
        self._known(fid)
        if spec is None:
            return self.current(fid)
        if spec == WORKTREE:
            return WORKTREE
        spec = spec.removeprefix("v")
        releases = self.releases(fid)
        if spec in releases:
            return spec
        if not releases and spec == self.summaries[fid].version:
            return WORKTREE
        known = ", ".join(releases) or Msg(
            "none (its work tree declares {version})", version=self.summaries[fid].version
        )
        raise StackError(
            Msg(
                "{framework} has no version {version} (releases: {releases})",
                framework=fid,
                version=spec,
                releases=known,
            ),
            hint="refkit log FRAMEWORK lists them",
        )

    def _known(self, fid: str) -> None:
        if fid not in self.summaries:
            raise StackError(
                Msg("no framework {id} in this repository", id=repr(fid)),
                hint=Msg(
                    "frameworks: {frameworks}", frameworks=", ".join(self.ids()) or Msg("none")
                ),
            )

    # -- views --------------------------------------------------------------------------------

    def framework(self, fid: str, version: str) -> Framework:
        key = (fid, version)
        if key not in self._frameworks:
            folder = self.summaries[fid].folder
            if version == WORKTREE:
                loaded = load_worktree(self.repo, folder)
            else:
                assert self.history is not None
                commit = Releases(self.history, folder, fid).resolve(version).commit
                assert commit is not None
                loaded = self.history.load_at(commit, folder)
            if loaded.framework is None:
                raise StackError(
                    Msg(
                        "{framework}@{version} cannot be read: run refkit validate",
                        framework=fid,
                        version=version,
                    )
                )
            self._frameworks[key] = loaded.framework
        return self._frameworks[key]

    def _own_view(self, fid: str, version: str) -> dict[str, Any]:
        key = (fid, version)
        if key in self._own:
            return self._own[key]
        summary = self.summaries[fid]
        if version == WORKTREE:
            data = summary.view
            assert data is not None
        else:
            data = self._release_view(fid, version)
        self._own[key] = data
        return data

    def _release_view(self, fid: str, version: str) -> dict[str, Any]:
        assert self.history is not None
        return release_view(self.history, self.summaries[fid].folder, fid, version)

    def view(self, fid: str, version: str) -> CertView:
        key = (fid, version)
        if key not in self._views:
            self._views[key] = self._resolve(fid, version, ())
        return self._views[key]

    def _resolve(self, fid: str, version: str, seen: tuple[str, ...]) -> CertView:
        data = self._own_view(fid, version)

        def home(framework: str, pinned: str | None) -> CertView | None:
            if framework not in self.summaries or framework in seen or framework == fid:
                return None
            try:
                v = self.version_of(framework, pinned)
            except StackError:
                return None
            return self._resolve(framework, v, (*seen, fid))

        view, notes = resolve(data, home)
        if version == WORKTREE:
            view.version = WORKTREE
        self.notes += [Msg("{at}: {note}", at=f"{fid}@{version}", note=n) for n in notes]
        return view

    # -- credit -------------------------------------------------------------------------------

    def chain(self, fid: str) -> list[Step]:
        """Steps between consecutive versions: every release, then the work tree."""
        if fid not in self._chains:
            versions = [*self.releases(fid), WORKTREE]
            self._chains[fid] = [
                step(self.framework(fid, old), self.framework(fid, new), old, new)
                for old, new in pairwise(versions)
            ]
        return self._chains[fid]

    def parse_holding(self, text: str) -> Held:
        """``framework@version:BLOCK`` (``@version`` optional: the current version)."""
        fw_part, sep, block = text.partition(":")
        if not sep or not block or not fw_part:
            raise StackError(
                Msg("{text} is not a block held: write framework@version:BLOCK", text=repr(text)),
                hint="e.g. plombier-chauffagiste@1.0.0:BC02",
            )
        fid, _, version = fw_part.partition("@")
        return self.check(Held(fid, version or "", block))

    def check(self, held: Held) -> Held:
        version = self.version_of(held.framework, held.version or None)
        view = self.view(held.framework, version)
        if held.block not in view.blocks:
            raise StackError(
                Msg(
                    "{framework}@{version} has no block {block}",
                    framework=held.framework,
                    version=version,
                    block=repr(held.block),
                ),
                hint=Msg("its blocks: {blocks}", blocks=", ".join(view.blocks)),
            )
        return Held(held.framework, version, held.block)

    def coverage(self, holdings: list[Held], targets: list[CertView]) -> Coverage:
        coverage = Coverage()
        for held in holdings:
            view = self.view(held.framework, held.version)
            home, home_version = view.home_of(held.block)
            coverage.add_block(
                home,
                home_version,
                held.block,
                view.blocks[held.block].competencies,
                Origin(held, "direct"),
            )
        needed = {(t.home_of(b)) for t in targets for b in t.blocks}
        homes_held = {home for home, _ in coverage.covered}
        for home, version in sorted(needed):
            if home in homes_held and home in self.summaries:
                propagate(coverage, home, self.chain(home), version)
        return coverage


def read_holdings_file(path: Path) -> list[str]:
    """A learner's blocks from a YAML or JSON file: a list of ``framework@version:BLOCK`` strings,
    or of mappings with framework, version and block, possibly under a ``holds:`` key."""
    from refkit.store.files import read_regular
    from refkit.store.reader import read_yaml

    try:
        raw = read_regular(path)
    except OSError as e:
        raise StackError(
            Msg("{path}: cannot read the file ({error})", path=path, error=e.strerror or str(e))
        ) from None
    doc = read_yaml(str(path), raw)
    if doc.problems:
        p = doc.problems[0]
        raise StackError(
            Msg(
                "{path}:{line}:{col}: {problem}",
                path=path,
                line=p.line,
                col=p.col,
                problem=p.msg or p.message,
            ),
            hint=p.hint_msg or p.hint,
        )
    data = doc.data
    if isinstance(data, dict):
        data = data.get("holds", data.get("blocks"))
    if not isinstance(data, list):
        raise StackError(
            Msg("{path}: expected a list of blocks held (or a 'holds:' list)", path=path),
            hint="each item: plombier-chauffagiste@1.0.0:BC02, or framework/version/block fields",
        )
    out = []
    for i, item in enumerate(data):
        if isinstance(item, str):
            out.append(item)
        elif (
            isinstance(item, dict)
            and isinstance(item.get("framework"), str)
            and item.get("block") is not None
        ):
            version = item.get("version")
            out.append(
                f"{item['framework']}{'@' + str(version) if version is not None else ''}:{item['block']}"
            )
        else:
            line, col = doc.positions.of(
                doc.data, ("holds", i) if isinstance(doc.data, dict) else (i,)
            )
            raise StackError(
                Msg(
                    "{path}:{line}:{col}: item {n} is not a block held",
                    path=path,
                    line=line,
                    col=col,
                    n=i + 1,
                ),
                hint="write framework@version:BLOCK, or give framework, version and block",
            )
    return out

"""Provides the services on versions of a framework: find it, compare two versions.

Shared by ``refkit diff``, ``refkit log``, ``refkit release`` and, later, the editor and the
publisher: a framework is named by its id (its folder name) or by a path to its folder; versions
by a release number, ``worktree``, or any git revision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from refkit.diff import RENAME_THRESHOLD, FrameworkDiff, diff_frameworks
from refkit.diff.correspondence import Table, correspondence
from refkit.diff.describe import lang_key
from refkit.errors import ExitCode, RefkitError
from refkit.history import WORKTREE, History
from refkit.history.releases import Releases, VersionRef
from refkit.i18n import Msg, plural, tr
from refkit.model import Framework
from refkit.problems import Problem
from refkit.store.loader import LoadedFramework, load_framework, read_folder
from refkit.store.repository import Repository


def find_framework(repo: Repository, name: str) -> str:
    """The repository-relative folder of the framework ``name`` (an id or a folder path)."""
    folders = repo.framework_folders()
    for folder in folders:
        if folder.name == name:
            return repo.rel(folder)
    path = Path(name)
    if path.exists():
        holder = repo.framework_folder_of(path)
        if holder is not None:
            return repo.rel(holder)
    known = ", ".join(f.name for f in folders)
    raise RefkitError(
        Msg("no framework {name} in {folder}", name=repr(name), folder=str(repo.frameworks_dir)),
        hint=Msg("frameworks of this repository: {known}", known=known or Msg("none")),
    )


def framework_id(repo: Repository, folder: str) -> str:
    """The id a framework.yaml declares (its folder name if it declares none), read cheaply."""
    from refkit.store.files import read_regular
    from refkit.store.loader import FRAMEWORK_FILE
    from refkit.store.reader import read_yaml

    path = repo.root / folder / FRAMEWORK_FILE
    try:
        data = read_yaml(path.name, read_regular(path)).data
    except OSError:  # missing, not a regular file (a FIFO would block): the folder's name
        data = None
    fid = data.get("id") if isinstance(data, dict) else None
    return fid if isinstance(fid, str) and fid else folder.rsplit("/", 1)[-1]


def load_worktree(repo: Repository, folder: str) -> LoadedFramework:
    return load_framework(folder, read_folder(repo.root, repo.root / folder))


def require_framework(loaded: LoadedFramework, label: str) -> Framework:
    if loaded.framework is None:
        errors = [p for p in loaded.problems if p.severity == "error"]
        first = _at(errors[0]) if errors else ""
        raise RefkitError(
            Msg(
                "cannot read {folder} at {label}{first}",
                folder=loaded.folder,
                label=label,
                first=first,
            ),
            hint="run refkit validate and fix the errors first",
        )
    return loaded.framework


def _at(problem: Problem) -> Msg:
    """ ": file:line:col message", the place and the words of a problem, in a sentence."""
    return Msg(
        ": {file}:{line}:{col} {message}",
        file=problem.file,
        line=problem.line,
        col=problem.col,
        message=problem.msg or problem.message,
    )


class Unreadable(RefkitError):
    """A framework with a file that cannot be read: what it would say is not what it holds."""

    exit_code = ExitCode.PROBLEMS


def require_whole(loaded: LoadedFramework, label: str) -> Framework:
    """The framework, read whole: a block file that cannot be read (a syntax error, conflict
    markers, no permission) would read as a block with no competencies, and a diff, an export or
    a page would say they were removed. Refused (exit 1), naming the file and the place."""
    fw = require_framework(loaded, label)
    if loaded.broken_blocks:
        files = sorted(
            b.source.file for b in fw.blocks if b.id in loaded.broken_blocks and b.source
        )
        first = next(
            (p for p in loaded.problems if p.file in files and p.severity == "error"), None
        )
        where = _at(first) if first else ""
        more: str | Msg = ""
        if len(files) == 2:
            more = Msg(" (and 1 more file)")
        elif len(files) > 2:
            more = Msg(" (and {n} more files)", n=len(files) - 1)
        at = Msg("in the work tree") if label == WORKTREE else Msg("at {label}", label=label)
        raise Unreadable(
            Msg(
                "cannot read {folder} {at} whole{where}{more}",
                folder=loaded.folder,
                at=at,
                where=where,
                more=more,
            ),
            hint="fix the file (refkit validate lists its problems): its competencies would "
            "read as removed",
        )
    return fw


class NoRelease(RefkitError):
    """A framework never released: there is no version to compare with by default."""


@dataclass(slots=True)
class Comparison:
    old_ref: VersionRef
    new_ref: VersionRef
    old: Framework
    new: Framework
    diff: FrameworkDiff
    table: Table


def compare(
    history: History,
    folder: str,
    old_spec: str | None = None,
    new_spec: str | None = None,
    *,
    pairing: float | None = None,
) -> Comparison:
    """Compare two versions of a framework; by default its latest release and the working tree.
    ``pairing``: the similarity from which a competency whose id changed is paired with its
    new id (``refkit.diff.RENAME_THRESHOLD`` by default)."""
    fid = framework_id(history.repository, folder)
    releases = Releases(history, folder, fid)
    if old_spec is None:
        latest = releases.latest()
        if latest is None:
            raise NoRelease(
                Msg(
                    "{framework} has no release yet: nothing to compare with by default",
                    framework=fid,
                ),
                hint="name a version to compare with (e.g. refkit diff FRAMEWORK HEAD), or release it first",
            )
        old_ref = VersionRef(latest.version, latest.commit, latest)
    else:
        old_ref = releases.resolve(old_spec)
    new_ref = releases.resolve(new_spec) if new_spec is not None else VersionRef(WORKTREE, None)
    old = require_whole(releases.load(old_ref), old_ref.label)
    new = require_whole(releases.load(new_ref), new_ref.label)
    diff = diff_frameworks(
        old,
        new,
        old_label=old_ref.label,
        new_label=_label(new_ref, new),
        pairing=RENAME_THRESHOLD if pairing is None else pairing,
    )
    return Comparison(old_ref, new_ref, old, new, diff, correspondence(old, new, diff))


def _label(ref: VersionRef, fw: Framework) -> str:
    if ref.commit is None:
        return f"{fw.version} + changes (work tree)" if fw.version else WORKTREE
    return ref.label


# -- log ----------------------------------------------------------------------------------------


@dataclass(slots=True)
class LogEntry:
    sha: str
    short: str
    date: str
    author: str
    subject: str
    summary: str  # semantic one-liner against the commit's parent
    release: str | None = None  # the version this commit released


@dataclass(slots=True)
class ReleaseEntry:
    version: str
    date: str
    commit: str
    tagged: bool
    message: str | None
    summary: str  # against the previous release


@dataclass(slots=True)
class FrameworkLog:
    framework: str
    releases: list[ReleaseEntry]
    commits: list[LogEntry]
    # releases the record lists whose content this history does not hold: why, by version
    unavailable: dict[str, str] = field(default_factory=dict)


class _Versions:
    """Frameworks read at commits, cached by the git tree id of their folder."""

    def __init__(self, history: History, folder: str) -> None:
        self.history = history
        self.folder = folder
        self.by_tree: dict[str, Framework | None] = {}

    def at(self, commit: str | None) -> tuple[str | None, Framework | None]:
        if commit is None:
            return None, None
        tree = self.history.tree_id(commit, self.folder)
        if tree is None:
            return None, None
        if tree not in self.by_tree:
            self.by_tree[tree] = self.history.load_at(commit, self.folder).framework
        return tree, self.by_tree[tree]


def _one_line(
    old: Framework | None, new: Framework | None, old_label: str, new_label: str, lang: str = "en"
) -> str:
    from refkit.diff.render import summary_line

    code = lang_key(lang)
    if new is None:
        if old is not None:
            return tr("framework unreadable at this version", code)
        return tr("framework removed", code)
    if old is None:
        return tr("created: {counts}", code).format(counts=counted(new, code))
    line = summary_line(diff_frameworks(old, new, old_label=old_label, new_label=new_label), lang)
    if old.version != new.version:
        version = tr("version {old} → {new}", code).format(old=old.version, new=new.version)
        if line == tr("no change", code):
            return version
        return tr("{version}; {changes}", code).format(version=version, changes=line)
    return line


def counted(fw: Framework, lang: str = "en") -> str:
    """ "7 blocks, 29 competencies", in ``lang``."""
    n = sum(len(b.competencies) for b in fw.blocks)
    return (
        f"{plural('{n} block', '{n} blocks', len(fw.blocks), lang)}, "
        f"{plural('{n} competency', '{n} competencies', n, lang)}"
    )


def framework_log(
    history: History, folder: str, limit: int | None = None, lang: str = "en"
) -> FrameworkLog:
    """Releases and commits of a framework, newest first, each summarised against the one
    before it (in French when ``lang`` is French: the editor speaks French)."""
    fid = framework_id(history.repository, folder)
    releases = Releases(history, folder, fid)
    versions = _Versions(history, folder)
    released_at = {r.commit: r.version for r in releases.all()}

    release_entries = []
    previous: Framework | None = None
    previous_label = ""
    for r in releases.all():
        _, fw = versions.at(r.commit)
        summary = _one_line(previous, fw, previous_label, r.version, lang)
        release_entries.append(
            ReleaseEntry(r.version, r.date, r.commit, r.tagged, r.message, summary)
        )
        previous, previous_label = fw, r.version
    release_entries.reverse()

    commits = []
    if history.has_commits():
        for info in history.log(folder)[:limit]:
            tree, fw = versions.at(info.sha)
            parent = history.parent(info.sha)
            parent_tree, parent_fw = versions.at(parent)
            if parent_tree is not None and parent_tree == tree:
                summary = tr("no change", lang_key(lang))
            else:
                summary = _one_line(parent_fw, fw, parent or "", info.short, lang)
            commits.append(
                LogEntry(
                    info.sha,
                    info.short,
                    info.date,
                    info.author,
                    info.subject,
                    summary,
                    released_at.get(info.sha),
                )
            )
    unavailable = {version: why.render(lang) for version, why in releases.unavailable.items()}
    return FrameworkLog(fid, release_entries, commits, unavailable)

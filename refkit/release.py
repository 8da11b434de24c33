"""Provides releasing: freeze a framework version as a commit and an annotated tag.

``plan_release`` checks everything first and changes nothing: the framework validates, the work
tree has no uncommitted change outside the framework folder, HEAD is on a branch, the new tag does
not exist, and the chosen bump is at least what the semantic diff against the last release
requires. ``perform_release`` then writes the version (and the record in ``releases.yaml``) through
the store, commits the framework folder, and tags. If any step fails, it undoes the earlier ones:
no partial commit or tag is ever left behind.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from refkit.diff import FrameworkDiff, diff_frameworks
from refkit.diff.bump import ORDER, bumped, required_bump
from refkit.diff.render import summary_line
from refkit.errors import ExitCode, RefkitError
from refkit.history import GitError, History
from refkit.history.releases import Release, Releases, tag_name, version_key
from refkit.model import ReleaseRecord, Status
from refkit.problems import Problem, Severity
from refkit.store.loader import FRAMEWORK_FILE, RELEASES_FILE, LoadedFramework
from refkit.store.reader import read_yaml
from refkit.store.repository import Repository
from refkit.store.writer import save_framework
from refkit.validate import validate
from refkit.versions import counted, load_worktree, require_framework


class ReleaseRefused(RefkitError):
    """The release cannot be made as asked (exit 2), or the framework has errors (exit 1)."""

    def __init__(
        self, message: str, hint: str | None = None, *, problems: list[Problem] | None = None
    ) -> None:
        super().__init__(message, hint)
        self.problems = problems or []
        if self.problems:
            self.exit_code = ExitCode.PROBLEMS


@dataclass(slots=True)
class ReleasePlan:
    framework_id: str
    folder: str
    loaded: LoadedFramework
    last: Release | None
    diff: FrameworkDiff | None
    required: str | None
    reasons: list[str]
    bump: str | None
    version: str
    summary: str
    warnings: list[str] = field(default_factory=list)

    @property
    def tag(self) -> str:
        return tag_name(self.framework_id, self.version)


@dataclass(slots=True)
class ReleaseResult:
    version: str
    tag: str
    commit: str
    files: list[str]


def today() -> str:
    """The release date: SOURCE_DATE_EPOCH when set (reproducible builds), else today (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)
    return moment.date().isoformat()


def plan_release(history: History, folder: str, bump: str | None = None) -> ReleasePlan:
    repo = history.repository
    if history.branch() is None:
        raise ReleaseRefused(
            "HEAD is detached: a release is made on a branch", hint="git switch <branch> first"
        )
    loaded = load_worktree(repo, folder)
    fw = require_framework(loaded, "the work tree")
    fid = fw.id or loaded.name
    _check_unique_ids(repo, fid, folder)

    unrelated = [
        path
        for code, path in history.status()
        if not path.startswith(folder + "/") and code != "??"
    ]
    if unrelated:
        shown = ", ".join(unrelated[:5]) + (
            f" and {len(unrelated) - 5} more" if len(unrelated) > 5 else ""
        )
        raise ReleaseRefused(
            f"uncommitted changes outside {folder}: {shown}",
            hint="commit or stash them first: a release commits only the framework's own files",
        )

    result = validate(repo, [repo.root / folder])
    errors = [p for p in result.problems if p.severity is Severity.ERROR]
    if errors:
        raise ReleaseRefused(
            f"{fid} has {len(errors)} error{'s' if len(errors) != 1 else ''}: fix them before releasing",
            hint="refkit validate lists them",
            problems=errors,
        )

    releases = Releases(history, folder, fid)
    last = releases.latest()
    diff = None
    required: str | None
    reasons: list[str]
    if last is None:
        required, reasons = None, ["first release"]
        base = fw.version
        version = bumped(base, bump) if bump else base
        if version_key(version) < (0, 0, 1):
            raise ReleaseRefused(
                f"cannot release version {version}", hint="use --bump major for 1.0.0"
            )
        summary = f"first release: {counted(fw)}"
    else:
        old = require_framework(releases.load(releases.resolve(last.version)), last.version)
        diff = diff_frameworks(old, fw, old_label=last.version, new_label="work tree")
        required, reasons = required_bump(diff)
        if required is None:
            raise ReleaseRefused(
                f"nothing to release: {fid} has not changed since {last.version}",
                hint="edit the framework first (refkit diff shows what changed)",
            )
        if bump is None:
            bump = required
        elif ORDER[bump] < ORDER[required]:
            raise ReleaseRefused(
                f"the changes need a {required} release, not {bump}: {'; '.join(reasons[:3])}",
                hint=f"use --bump {required} (or leave --bump out: refkit proposes it)",
            )
        version = bumped(last.version, bump)
        summary = summary_line(diff)
    if releases.get(version) is not None or history.tags(tag_name(fid, version)):
        raise ReleaseRefused(
            f"{tag_name(fid, version)} already exists",
            hint="choose another --bump, or delete the tag if it was made by mistake",
        )
    return ReleasePlan(fid, folder, loaded, last, diff, required, reasons, bump, version, summary)


def perform_release(
    history: History, plan: ReleasePlan, message: str | None = None
) -> ReleaseResult:
    repo = history.repository
    loaded = plan.loaded
    fw = require_framework(loaded, "the work tree")
    touched = [f"{plan.folder}/{FRAMEWORK_FILE}", f"{plan.folder}/{RELEASES_FILE}"]
    before = {p: _read(repo.root / p) for p in touched}
    head_before = history.head() if history.has_commits() else None
    index_before = history.write_index_tree()
    note = message or f"Version {plan.version}"

    fw.version = plan.version
    if fw.status == Status.DRAFT:
        fw.status = Status.PUBLISHED.value
    fw.releases.append(ReleaseRecord(plan.version, today(), note))
    committed = False
    try:
        save_framework(repo.root, loaded)
        body = f"Release {plan.framework_id} {plan.version}\n\n{note}\n\n{plan.summary}\n"
        changed = sorted({path for _, path in history.status([plan.folder])})
        commit = history.commit_paths(changed or touched, body)
        committed = True
        history.tag(
            plan.tag, commit, f"{plan.framework_id} {plan.version}\n\n{note}\n\n{plan.summary}\n"
        )
    except BaseException as e:
        _undo(history, repo.root, before, head_before, index_before, committed)
        if isinstance(e, GitError | OSError):
            raise ReleaseRefused(f"release failed and was undone: {e}") from e
        raise
    return ReleaseResult(plan.version, plan.tag, commit, changed or touched)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _undo(
    history: History,
    root: Path,
    before: dict[str, bytes | None],
    head: str | None,
    index: str,
    committed: bool,
) -> None:
    """Put HEAD, the index and the files refkit wrote back exactly as they were."""
    git = ["git", "-C", str(history.git_root)]
    if committed:
        if head is not None:
            subprocess.run(
                [*git, "reset", "--soft", "--quiet", head], check=False, capture_output=True
            )
        else:
            subprocess.run([*git, "update-ref", "-d", "HEAD"], check=False, capture_output=True)
    subprocess.run([*git, "read-tree", index], check=False, capture_output=True)
    from refkit.store.files import atomic_write

    for path, data in before.items():
        full = root / path
        if data is None:
            full.unlink(missing_ok=True)
        else:
            atomic_write(full, data)


def _check_unique_ids(repo: Repository, fid: str, folder: str) -> None:
    """Two frameworks with the same id would share a tag prefix: refuse."""
    same = []
    for other in repo.framework_folders():
        rel = repo.rel(other)
        path = other / FRAMEWORK_FILE
        if rel == folder or not path.is_file():
            continue
        data = read_yaml(rel, path.read_bytes()).data
        if isinstance(data, dict) and data.get("id") == fid:
            same.append(rel)
    if same:
        raise ReleaseRefused(
            f"framework id {fid!r} is also used by {', '.join(same)}: their tags would collide ({fid}/v...)",
            hint="give each framework its own id (the id must equal the folder name)",
        )


def restore_tags(history: History, folder: str) -> list[tuple[str, str]]:
    """Create the missing tag of every release found through releases.yaml; (tag, commit) made."""
    loaded = load_worktree(history.repository, folder)
    fw = require_framework(loaded, "the work tree")
    fid = fw.id or loaded.name
    made = []
    for release in Releases(history, folder, fid).all():
        if release.tagged:
            continue
        name = tag_name(fid, release.version)
        note = release.message or f"Version {release.version}"
        history.tag(
            name,
            release.commit,
            f"{fid} {release.version}\n\n{note}\n\n(tag restored from releases.yaml)\n",
        )
        made.append((name, release.commit))
    return made

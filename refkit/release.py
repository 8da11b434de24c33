"""Provides releasing: freeze a framework version as a commit and an annotated tag.

``plan_release`` checks everything first and changes nothing: the framework validates, the work
tree has no uncommitted change outside the framework folder, HEAD is on a branch, the new tag does
not exist, and the chosen bump is at least what the semantic diff against the last release
requires. ``perform_release`` then, under the repository lock, checks that nothing moved since the
plan, and writes the version (and the record in ``releases.yaml``), commits the framework folder
and tags as one step (``refkit.history.atomic``): a failure, a full disk or a killed process
leaves the repository as it was before or as it is after, never in between.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from refkit.diff import FrameworkDiff, diff_frameworks
from refkit.diff.bump import ORDER, Cause, bump_causes, bumped, required_bump
from refkit.diff.render import summary_line
from refkit.errors import ExitCode, RefkitError
from refkit.history import GitError, History
from refkit.history.atomic import StaleHead, Unfinished, commit_atomically, recover
from refkit.history.releases import Release, Releases, tag_name, version_key
from refkit.i18n import N_, Msg, first_of, tr
from refkit.model import Framework, ReleaseRecord, Status
from refkit.problems import Problem, Severity
from refkit.review.adopted import adopted_since
from refkit.store.loader import (
    FRAMEWORK_FILE,
    RELEASES_FILE,
    LoadedFramework,
    digest,
    read_folder,
)
from refkit.store.lock import repository_lock
from refkit.store.reader import read_yaml
from refkit.store.repository import Repository
from refkit.validate import validate
from refkit.versions import counted, load_worktree, require_framework


class ReleaseRefused(RefkitError):
    """The release cannot be made as asked (exit 2), or the framework has errors (exit 1)."""

    def __init__(
        self,
        message: str | Msg,
        hint: str | Msg | None = None,
        *,
        problems: list[Problem] | None = None,
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
    head: str | None = None  # HEAD when planned: the release is made on it or not at all
    warnings: list[str] = field(default_factory=list)
    causes: list[Cause] = field(default_factory=list)  # each change and the bump it calls for
    previous: Framework | None = None  # the last release, as released
    reason: str | None = None  # the group's reason for a bump lower than ``required``

    @property
    def lowered(self) -> bool:
        """Whether the bump is lower than the changes call for (with the group's reason)."""
        return bool(self.required and self.bump and ORDER[self.bump] < ORDER[self.required])

    @property
    def tag(self) -> str:
        return tag_name(self.framework_id, self.version)

    def summary_in(self, lang: str) -> str:
        """What the release holds, in one line in ``lang`` ("+3 competencies, 1 block modified")."""
        if self.diff is not None:
            return summary_line(self.diff, lang)
        what = counted(require_framework(self.loaded, "the work tree"), lang)
        return Msg("first release: {what}", what=what).render(lang)

    def reasons_in(self, lang: str) -> list[str]:
        """Why the changes call for ``required`` (``reasons`` in ``lang``)."""
        if self.diff is None:
            return [tr("first release", lang)]
        return [c.text(lang) for c in self.causes if c.level == self.required]


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


PLAN_STEPS = 3  # what plan_release tells ``progress``: read, checked, compared


def plan_release(
    history: History,
    folder: str,
    bump: str | None = None,
    reason: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ReleasePlan:
    """``reason``: why the working group releases with a lower bump than the changes call for
    (refused without one); recorded with the release. ``progress(done, PLAN_STEPS + 1)`` is told
    as the work tree is read, checked, and compared with the last release (the caller, last)."""
    told = progress or (lambda done, total: None)
    repo = history.repository
    if history.branch() is None:
        raise ReleaseRefused(
            "HEAD is detached: a release is made on a branch", hint="git switch <branch> first"
        )
    head = history.head() if history.has_commits() else None
    loaded = load_worktree(repo, folder)
    told(1, PLAN_STEPS + 1)
    fw = require_framework(loaded, "the work tree")
    fid = fw.id or loaded.name
    _check_unique_ids(repo, fid, folder)
    _check_nothing_else_changed(history, folder)
    _check_no_errors(repo, folder, fid)
    told(2, PLAN_STEPS + 1)
    releases = Releases(history, folder, fid)
    last = releases.latest()
    step = _first(fw, bump) if last is None else _next(releases, last, fw, fid, bump, reason)
    told(3, PLAN_STEPS + 1)
    if releases.get(step.version) is not None or history.tags(tag_name(fid, step.version)):
        raise ReleaseRefused(
            Msg("{tag} already exists", tag=tag_name(fid, step.version)),
            hint="choose another --bump, or delete the tag if it was made by mistake",
        )
    plan = ReleasePlan(
        fid,
        folder,
        loaded,
        last,
        step.diff,
        step.required,
        step.reasons,
        step.bump,
        step.version,
        step.summary,
        head,
    )
    plan.causes = bump_causes(step.diff) if step.diff is not None else []
    plan.previous = step.old
    plan.reason = reason.strip() if plan.lowered and reason else None
    return plan


def _check_nothing_else_changed(history: History, folder: str) -> None:
    """Refuse uncommitted changes outside the framework's folder: a release commits only its
    own files."""
    unrelated = [
        path
        for code, path in history.status()
        if not path.startswith(folder + "/") and code != "??"
    ]
    if unrelated:
        shown = first_of(unrelated, 5)
        raise ReleaseRefused(
            Msg("uncommitted changes outside {folder}: {files}", folder=folder, files=shown),
            hint="commit or stash them first: a release commits only the framework's own files",
        )


def _check_no_errors(repo: Repository, folder: str, fid: str) -> None:
    """Refuse a framework with errors, as refkit validate finds them."""
    result = validate(repo, [repo.root / folder])
    errors = [p for p in result.problems if p.severity is Severity.ERROR]
    if errors:
        raise ReleaseRefused(
            Msg(
                "{framework} has {n} errors: fix them before releasing",
                framework=fid,
                n=len(errors),
            )
            if len(errors) != 1
            else Msg("{framework} has 1 error: fix them before releasing", framework=fid),
            hint="refkit validate lists them",
            problems=errors,
        )


@dataclass(frozen=True, slots=True)
class _Step:
    """The release to make after the last one (or the first): its version, the bump asked or
    proposed, the one the changes call for and why, the diff and the last release's framework."""

    version: str
    bump: str | None
    required: str | None
    reasons: list[str]
    summary: str
    diff: FrameworkDiff | None = None
    old: Framework | None = None


def _first(fw: Framework, bump: str | None) -> _Step:
    """The first release: the version the framework says, bumped when asked."""
    version = bumped(fw.version, bump) if bump else fw.version
    if version_key(version) < (0, 0, 1):
        raise ReleaseRefused(
            Msg("cannot release version {version}", version=version),
            hint="use --bump major for 1.0.0",
        )
    return _Step(version, bump, None, [N_("first release")], f"first release: {counted(fw)}")


def _next(
    releases: Releases,
    last: Release,
    fw: Framework,
    fid: str,
    bump: str | None,
    reason: str | None,
) -> _Step:
    """The release after ``last``: the bump the changes call for, or the one asked (a lower
    one only with a ``reason``)."""
    old = require_framework(releases.load(releases.resolve(last.version)), last.version)
    diff = diff_frameworks(old, fw, old_label=last.version, new_label="work tree")
    required, reasons = required_bump(diff)
    if required is None:
        raise ReleaseRefused(
            Msg(
                "nothing to release: {framework} has not changed since {version}",
                framework=fid,
                version=last.version,
            ),
            hint="edit the framework first (refkit diff shows what changed)",
        )
    if bump is None:
        bump = required
    elif ORDER[bump] < ORDER[required] and not (reason and reason.strip()):
        raise ReleaseRefused(
            Msg(
                "the changes need a {required} release, not {bump}: {reasons}",
                required=Msg(required),
                bump=Msg(bump),
                reasons="; ".join(reasons[:3]),
            ),
            hint=Msg(
                "use --bump {required} (or leave --bump out: refkit proposes it); a working "
                "group that decides otherwise says why with --reason",
                required=required,
            ),
        )
    version = bumped(last.version, bump)
    return _Step(version, bump, required, reasons, summary_line(diff), diff, old)


def perform_release(
    history: History, plan: ReleasePlan, message: str | None = None
) -> ReleaseResult:
    """Write the version and its record, commit the framework's folder and tag it: all of it or
    nothing (``refkit.history.atomic``), under the repository lock. Refused, with nothing changed,
    when the repository moved since ``plan`` was made (another release or save came first)."""
    repo = history.repository
    with repository_lock(repo.root, f"release {plan.framework_id} {plan.version}"):
        recover(history)
        _check_fresh(history, plan)
        fw = require_framework(plan.loaded, "the work tree")
        fw_file = f"{plan.folder}/{FRAMEWORK_FILE}"
        releases_file = f"{plan.folder}/{RELEASES_FILE}"
        # the commit and the tag speak the framework's language (a French working group reads
        # its history in French), the CLI's output stays English
        lang = fw.lang or "en"
        note = message or Msg("Version {version}", version=plan.version).render(lang)
        kept = (fw.version, fw.status, list(fw.releases))
        fw.version = plan.version
        if fw.status == Status.DRAFT:
            fw.status = Status.PUBLISHED.value
        record = ReleaseRecord(plan.version, today(), note)
        record.proposals = adopted_since(repo.root, plan.framework_id, fw.releases)  # issue 14
        if plan.lowered:
            record.required, record.reason = plan.required, plan.reason
        fw.releases.append(record)
        try:
            write = _release_files(repo.root, fw, fw_file, releases_file)
        finally:
            fw.version, fw.status, fw.releases = kept
        add = _paths_to_commit(history, plan.folder)
        decided = (
            "\n\n"
            + Msg(
                "A {bump} release, decided by the working group (the changes call for "
                "{required}): {reason}",
                bump=Msg(plan.bump or ""),
                required=Msg(plan.required or ""),
                reason=plan.reason,
            ).render(lang)
            if plan.lowered
            else ""
        )
        summary = plan.summary_in(lang)
        title = Msg(
            "Release {framework} {version}", framework=plan.framework_id, version=plan.version
        ).render(lang)
        body = f"{title}\n\n{note}{decided}\n\n{summary}\n"
        tag_message = f"{plan.framework_id} {plan.version}\n\n{note}\n\n{summary}\n"
        try:
            done = commit_atomically(
                history,
                write=write,
                add=add,
                message=body,
                tag=(plan.tag, tag_message),
                expected_head=plan.head,
                what=f"release {plan.framework_id} {plan.version}",
            )
        except StaleHead as e:
            raise ReleaseRefused(e.msg or e.message, e.hint_msg or e.hint) from None
        except Unfinished:
            raise
        except (GitError, OSError) as e:
            reason: str | Msg = (
                (e.msg or e.message) if isinstance(e, GitError) else (e.strerror or str(e))
            )
            raise ReleaseRefused(
                Msg("release failed, nothing was changed: {reason}", reason=reason),
                hint="fix the cause (disk space, permissions, git) and release again",
            ) from None
    return ReleaseResult(plan.version, plan.tag, done.commit, sorted(done.paths))


def _release_files(
    root: Path, fw: Framework, fw_file: str, releases_file: str
) -> dict[str, bytes | None]:
    """The new bytes of framework.yaml and releases.yaml, merged into what the files hold (the
    same round trip as every save), not yet written."""
    from refkit.store.writer import framework_data, releases_data, render

    out: dict[str, bytes | None] = {}
    for path, kind, data, schema in (
        (fw_file, "framework", framework_data(fw), "../../schemas/framework.schema.json"),
        (releases_file, "releases", releases_data(fw), "../../schemas/releases.schema.json"),
    ):
        old = _read(root / path)
        text = render(kind, data, None if old is None else old.decode("utf-8"), schema)
        if text is not None:
            out[path] = text.encode("utf-8")
    return out


def _paths_to_commit(history: History, folder: str) -> list[str]:
    """The framework folder's uncommitted changes, without the temporary files of an
    interrupted write (``.NAME.XXXX.tmp``). Refused when a file of the framework is ignored by
    git: the tagged version would lack it."""
    from refkit.scaffold import first_commit_extras

    paths = sorted({path for _, path in history.status([folder]) if not _is_temporary(path)})
    paths = sorted({*paths, *first_commit_extras(history)})  # the first commit: with the schemas
    ignored = history.ignored([folder])
    framework_files = [
        p
        for p in ignored
        if p.endswith((".yaml", ".yml")) and not any(part.startswith(".") for part in p.split("/"))
    ]
    if framework_files:
        shown = first_of(framework_files, 3)
        why = history.ignore_rule(framework_files[0])
        one = len(framework_files) == 1
        refused: Msg
        if why:
            refused = (
                Msg(
                    "{file} is ignored by git ({rule}): the tagged version would lack it",
                    file=shown,
                    rule=why,
                )
                if one
                else Msg(
                    "{files} are ignored by git ({rule}): the tagged version would lack them",
                    files=shown,
                    rule=why,
                )
            )
        else:
            refused = (
                Msg("{file} is ignored by git: the tagged version would lack it", file=shown)
                if one
                else Msg(
                    "{files} are ignored by git: the tagged version would lack them", files=shown
                )
            )
        raise ReleaseRefused(
            refused,
            hint="remove that ignore rule, or add the file with git add -f, then release again",
        )
    return paths


def _is_temporary(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return name.startswith(".") and name.endswith(".tmp")


def _check_fresh(history: History, plan: ReleasePlan) -> None:
    """The release is made on what was checked: HEAD and the framework's files as planned."""
    head = history.head() if history.has_commits() else None
    if head != plan.head:
        raise ReleaseRefused(
            Msg(
                "the repository changed since this release was prepared (HEAD moved to "
                "{head}): another commit or release came first",
                head=head[:10] if head else Msg("nothing"),
            ),
            hint="prepare the release again (refkit release, or F6 in the editor)",
        )
    root = history.repository.root
    now = {raw.path: raw for raw in read_folder(root, root / plan.folder)}
    known = plan.loaded.hashes
    changed = sorted(
        path
        for path in set(now) | set(known)
        if path not in now
        or path not in known
        or now[path].data is None
        or digest(now[path].data or b"") != known[path]
    )
    if changed:
        raise ReleaseRefused(
            Msg("changed since this release was prepared: {files}", files=", ".join(changed[:5])),
            hint="prepare the release again: it must be made on what was checked",
        )


def _read(path: Path) -> bytes | None:
    from refkit.store.files import read_regular

    try:
        return read_regular(path)  # never a FIFO's endless wait
    except FileNotFoundError:
        return None


def _check_unique_ids(repo: Repository, fid: str, folder: str) -> None:
    """Two frameworks with the same id would share a tag prefix: refuse."""
    same = []
    for other in repo.framework_folders():
        rel = repo.rel(other)
        path = other / FRAMEWORK_FILE
        if rel == folder or not path.is_file():
            continue
        data = read_yaml(rel, _read(path) or b"").data
        if isinstance(data, dict) and data.get("id") == fid:
            same.append(rel)
    if same:
        raise ReleaseRefused(
            Msg(
                "framework id {id} is also used by {folders}: their tags would collide "
                "({framework}/v...)",
                id=repr(fid),
                folders=", ".join(same),
                framework=fid,
            ),
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

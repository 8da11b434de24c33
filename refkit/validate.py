"""Provides ``validate``: every problem of a repository (or part of it), fast.

Work is split per framework: read, parse, schema, model, framework rules, summary. That part runs
in worker processes when there is enough of it, and its result is cached per framework in
the user's cache folder (``refkit.cache``: JSON, outside the repository, so that no committed file
can forge a result), keyed by
the stat signature and content digest of the framework's files. Then the repository rules run over
every framework's summary. A re-run after changing one file re-reads one framework only.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from refkit.errors import RefkitError
from refkit.i18n import Msg
from refkit.links import check_relation_links
from refkit.parallel import collector_paused, forked_map
from refkit.problems import RULES, Problem, Severity, sort_problems
from refkit.rules import Summary, check_framework, check_repository, summarize
from refkit.store.files import read_regular
from refkit.store.loader import (
    RELEASES_FILE,
    RawFile,
    digest,
    link_refusal,
    load_framework,
    read_folder,
)
from refkit.store.reader import read_yaml
from refkit.store.repository import Repository
from refkit.validate_cache import Outcome, ResultCache, stat_folder

if TYPE_CHECKING:
    from refkit.history import History

PARALLEL_MIN_BYTES = 4 * 1024 * 1024  # bytes to check below which workers cost more than they save


@dataclass(slots=True)
class ValidationResult:
    repository: Repository
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    frameworks: int = 0
    from_cache: int = 0  # frameworks whose result came from the cache
    summaries: dict[str, Summary] = field(
        default_factory=dict
    )  # folder -> summary, every framework

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.severity is Severity.WARNING)


def validate(
    repo: Repository,
    paths: Iterable[Path] = (),
    *,
    use_cache: bool = True,
    jobs: int | None = None,
    changed_since: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    keyed: bool = False,
) -> ValidationResult:
    """Check the whole repository, or the frameworks that hold ``paths``, or those changed since
    a git revision together with the frameworks that borrow blocks from them. ``progress(done,
    total)`` is told as the frameworks not in the cache are checked. ``keyed``: the summaries'
    views with the statement keys (``refkit stack --overlap``; nothing else reads them)."""
    folders = repo.framework_folders()
    if changed_since is not None:
        selected, needed = _changed(repo, changed_since, folders)
        folders = [f for f in folders if repo.rel(f) in needed]
    else:
        selected = _select(repo, list(paths), folders)
    result = ValidationResult(repo)
    cache = ResultCache(repo, enabled=use_cache, keyed=keyed)

    outcomes: dict[str, Outcome] = {}
    todo: list[tuple[str, dict[str, list[Any]]]] = []
    for folder in folders:
        rel = repo.rel(folder)
        stats = stat_folder(repo.root, folder)
        hit = cache.lookup(rel, stats)
        if hit is not None:
            outcomes[rel] = hit
            result.from_cache += rel in selected
        else:
            todo.append((rel, stats))

    # the collector off for the whole of it, not only while loading: between two frameworks it
    # would rescan every result kept so far (the CLI runs without it already; this is for callers
    # that keep it on, such as the editor's check)
    with collector_paused():
        done = forked_map(
            lambda item: _process(
                item[0], read_folder(repo.root, repo.root / item[0]), item[1], keyed
            ),
            todo,
            at_least=PARALLEL_MIN_BYTES,
            weight=lambda item: sum(s[0] for s in item[1].values()),
            jobs=jobs,
            done=progress,
        )
    outcomes.update((outcome.folder, outcome) for outcome in done)

    summaries = [o.summary for o in outcomes.values() if o.summary is not None]
    problems = [p for rel, o in outcomes.items() if rel in selected for p in o.problems]
    selected_files = {s.file for s in summaries if s.folder in selected}
    problems += [p for p in check_repository(summaries) if p.file in selected_files]
    problems += _check_with_git(repo, summaries, selected)
    if not paths:
        from refkit.review.check import check_records  # proposals/*.yaml (issue 14)

        problems += check_records(repo.root)
        for link in repo.links():
            rule, message = link_refusal(str(repo.root), str(link))
            problems.append(RULES[rule].at(link.relative_to(repo.root).as_posix(), 1, 1, message))
        for stray in repo.stray_files():
            problems.append(
                RULES["unexpected-file"].at(
                    repo.rel(stray),
                    1,
                    1,
                    "refkit reads nothing directly in frameworks/",
                    hint="move it into a framework folder, or remove it",
                )
            )
    result.problems = sort_problems(problems)
    result.summaries = {s.folder: s for s in summaries}
    result.frameworks = len(selected)
    result.files = sum(len(outcomes[rel].files) for rel in selected if rel in outcomes)
    cache.save(outcomes)
    return result


def _check_with_git(
    repo: Repository, summaries: list[Summary], selected: set[str]
) -> list[Problem]:
    """What git tells of the selected frameworks: the correspondence with an earlier release,
    shared blocks at their pinned versions, relations to other frameworks' releases; one
    history opened for the three."""
    in_selected = tuple(f + "/" for f in selected)
    git = _Git(repo)
    try:
        out = _check_history(
            repo, [s for s in summaries if s.folder in selected and s.correspondence], git
        )
        out += [p for p in _check_shared(summaries, git) if p.file.startswith(in_selected)]
        out += [
            p
            for p in check_relation_links(summaries, git.history)
            if p.file.startswith(in_selected)
        ]
        return out
    finally:
        git.close()


class _Git:
    """The repository's history for the checks that read it (correspondence, shared blocks,
    relations), opened once when first asked for, with its last commit resolved once (a git
    process each time otherwise: 50 homes, 0.07 s); ``error`` says why there is none."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self.error: RefkitError | None = None
        self._history: History | None = None
        self._opened = False
        self._head: str | None = None

    def history(self) -> History | None:
        from refkit.history import GitError, History

        if not self._opened:
            self._opened = True
            try:
                self._history = History(self.repo)
            except GitError as e:
                self.error = e
        return self._history

    @property
    def head(self) -> str:
        if self._head is None:
            from refkit.history import GitError

            self._head = "HEAD"
            history = self.history()
            if history is not None and history.has_commits():
                with contextlib.suppress(GitError):
                    self._head = history.resolve("HEAD")
        return self._head

    def close(self) -> None:
        if self._history is not None:
            self._history.close()


def _check_shared(summaries: list[Summary], git: _Git) -> list[Problem]:
    """Shared blocks, checked against the release each reference resolves to (git)."""
    if not any(s.shared for s in summaries):
        return []
    from refkit.history import GitError
    from refkit.history.releases import Releases
    from refkit.rules.shared import check_shared, content_of_view
    from refkit.stack.views import release_view

    out: list[Problem] = []
    history, head, repo = git.history(), git.head, git.repo
    versions: dict[str, list[str] | None] = {}

    def releases(home: Summary) -> list[str] | None:
        """Versions released, or None when git cannot tell."""
        if home.id not in versions:
            try:
                found = (
                    Releases(history, home.folder, home.id, head=head).all()
                    if history is not None and _records_readable(repo, home.folder)
                    else None
                )
                versions[home.id] = [r.version for r in found] if found is not None else None
            except GitError:
                versions[home.id] = None
        return versions[home.id]

    def content_of(home: Summary, pinned: str | None) -> Any:
        rel = releases(home)
        if pinned is not None:
            if rel is None or pinned not in rel:
                return None
            assert history is not None
            view = release_view(history, home.folder, home.id, pinned)
            return pinned, Msg("release {version}", version=pinned), content_of_view(view)
        if rel:
            assert history is not None
            view = release_view(history, home.folder, home.id, rel[-1])
            return rel[-1], Msg("latest release {version}", version=rel[-1]), content_of_view(view)
        return (
            "worktree",
            Msg("work tree (never released)"),
            content_of_view(home.view) if home.view else {},
        )

    checked = []
    by_id = {s.id: s for s in summaries}
    for s in summaries:
        refs = []
        for ref in s.shared:
            home = by_id.get(ref["framework"])
            if ref["version"] is not None and home is not None and releases(home) is None:
                out.append(
                    RULES["history-unavailable"].at(
                        ref["file"],
                        ref["line"],
                        ref["col"],
                        Msg(
                            "cannot check the pinned version {version} of {block}: the history "
                            "of {framework} cannot be read from git",
                            version=ref["version"],
                            block=ref["block"],
                            framework=home.id,
                        ),
                        path=tuple(ref["path"]),
                    )
                )
                continue
            refs.append(ref)
        checked.append(replace(s, shared=refs))
    out += check_shared(checked, content_of, lambda home: bool(releases(home)))
    return out


def _check_history(repo: Repository, summaries: list[Summary], git: _Git) -> list[Problem]:
    """Correspondence sections name blocks of an earlier release: read it from git."""
    if not summaries:
        return []
    from refkit.history import GitError
    from refkit.history.command import UnsafeRepository
    from refkit.history.releases import Releases
    from refkit.rules.correspondence import check_correspondence_history

    history = git.history()
    if history is None:
        e = git.error
        assert e is not None
        # a repository git refuses (another user's) is not one "not in git"
        unsafe = isinstance(e, UnsafeRepository)
        reason = e.message if unsafe else Msg("the repository is not in git")
        return [
            RULES["history-unavailable"].at(
                s.file,
                s.correspondence["from_pos"][0],
                s.correspondence["from_pos"][1],
                Msg(
                    "cannot check the blocks of release {version}: {reason}",
                    version=s.correspondence["from"],
                    reason=reason,
                ),
                hint=e.hint if unsafe else None,
            )
            for s in summaries
            if s.correspondence
        ]
    out: list[Problem] = []

    def old_blocks(s: Summary, version: str) -> set[str] | None:
        releases = Releases(history, s.folder, s.id, head=git.head)
        release = releases.get(version)
        if release is None and version in releases.unavailable:
            raise GitError(releases.unavailable[version])  # listed, not in this history
        if release is None:
            return None
        fw = history.load_at(release.commit, s.folder).framework
        return {b.id for b in fw.blocks} if fw is not None else set()

    for s in summaries:
        if not _records_readable(repo, s.folder):
            continue  # releases.yaml is reported as it is (a named pipe, a link...)
        try:
            out += check_correspondence_history([s], old_blocks)
        except GitError as e:
            assert s.correspondence is not None
            out.append(
                RULES["history-unavailable"].at(
                    s.file,
                    s.correspondence["from_pos"][0],
                    s.correspondence["from_pos"][1],
                    Msg("cannot check the correspondence: {reason}", reason=e.message),
                    hint=e.hint,
                )
            )
    return out


def _records_readable(repo: Repository, folder: str) -> bool:
    """Whether the framework's releases.yaml, if any, is a regular file: the history layer reads
    it to find releases, and a named pipe there would block it."""
    try:
        mode = os.lstat(repo.root / folder / RELEASES_FILE).st_mode
    except OSError:
        return True  # no record: nothing to block on
    return stat.S_ISREG(mode)


def _changed(repo: Repository, since: str, folders: list[Path]) -> tuple[set[str], set[str]]:
    """(frameworks to report, frameworks to read) for ``--changed-since``: the frameworks with a
    file changed since ``since`` (committed, staged, unstaged or untracked), plus those borrowing
    a block from them; to read, also the homes the selected ones borrow from."""
    from refkit.history import History

    with History(repo) as history:
        commit = history.resolve(since)
        paths = history.changed_paths(commit)
    by_name = {f.name: repo.rel(f) for f in folders}
    changed = {
        by_name[p.split("/")[1]]
        for p in paths
        if p.startswith("frameworks/") and p.count("/") >= 2 and p.split("/")[1] in by_name
    }
    borrows: dict[str, set[str]] = {}  # folder -> folders of the homes it borrows from
    for folder in folders:
        rel = repo.rel(folder)
        try:
            data = read_yaml(f"{rel}/framework.yaml", read_regular(folder / "framework.yaml")).data
        except OSError:
            continue
        refs = data.get("shared_blocks") if isinstance(data, dict) else None
        homes = (
            {r.get("framework") for r in refs if isinstance(r, dict)}
            if isinstance(refs, list)
            else set()
        )
        borrows[rel] = {by_name[h] for h in homes if isinstance(h, str) and h in by_name}
    selected = set(changed)
    grew = True
    while grew:  # a framework borrowing from a borrower of a changed block depends on it too
        more = {f for f, homes in borrows.items() if homes & selected} - selected
        selected |= more
        grew = bool(more)
    needed = selected | {h for f in selected for h in borrows.get(f, set())}
    return selected, needed


def _select(repo: Repository, paths: list[Path], folders: list[Path]) -> set[str]:
    if not paths:
        return {repo.rel(f) for f in folders}
    chosen: set[str] = set()
    for path in paths:
        if not path.exists():
            raise RefkitError(Msg("{path}: no such file or folder", path=str(path)))
        folder = repo.framework_folder_of(path)
        if folder is None:
            return {repo.rel(f) for f in folders}
        if folder.is_symlink():
            raise RefkitError(
                Msg(
                    "{path}: {name} is a symbolic link, not a framework folder; refkit follows "
                    "no link",
                    path=str(path),
                    name=folder.name,
                ),
                hint="replace the link with the framework's folder itself",
            )
        chosen.add(repo.rel(folder))
    return chosen


def _process(
    rel: str, files: list[RawFile], stats: dict[str, list[Any]], keyed: bool = False
) -> Outcome:
    loaded = load_framework(rel, files)
    problems = loaded.problems + check_framework(loaded)
    for f in files:
        if f.path in stats and f.data is not None and stats[f.path][0] >= 0:
            stats[f.path][4] = digest(f.data)
    return Outcome(rel, stats, problems, summarize(loaded, keyed=keyed))

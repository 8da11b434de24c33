"""Provides releases: which versions of a framework exist, and where they are in git.

A release is recorded twice: an annotated tag ``<framework id>/v<version>`` on the release commit,
and an entry in ``frameworks/<id>/releases.yaml`` added by that same commit. Tags do not always
travel (shallow CI checkouts, a push of a branch), so refkit finds a release through its tag or,
failing that, through the record: the release commit is the oldest commit whose releases.yaml
lists the version. ``refkit release --restore-tags`` recreates missing tags from the record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from refkit.history import WORKTREE, GitError, History
from refkit.i18n import Msg
from refkit.store.loader import RELEASES_FILE, LoadedFramework, load_framework, read_folder
from refkit.store.reader import read_yaml

SEMVER = re.compile(r"^v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")


def tag_name(framework_id: str, version: str) -> str:
    return f"{framework_id}/v{version}"


def version_key(version: str) -> tuple[int, int, int]:
    m = SEMVER.match(version)
    if not m:
        return (-1, -1, -1)
    return (int(m.group(1)), int(m.group(2)), int(m.group(3)))


@dataclass(slots=True)
class Release:
    version: str
    commit: str
    date: str
    message: str | None
    tagged: bool


@dataclass(slots=True)
class VersionRef:
    """A version of a framework to read: a release, a commit, or the working tree."""

    label: str  # what to show: 2.0.0, HEAD, a1b2c3d, worktree
    commit: str | None  # None: the working tree
    release: Release | None = None


class Releases:
    """The releases of one framework, from its record and its tags."""

    def __init__(
        self,
        history: History,
        folder: str,
        framework_id: str,
        records: list[tuple[str, str, str | None]] | None = None,
        *,
        head: str = "HEAD",
    ) -> None:
        self.history = history
        self.head = head  # the last commit, when the caller resolved it for many frameworks
        self.folder = folder
        self.framework_id = framework_id
        self._given = records  # the record, already read by the caller (parse_records)
        self._cache: list[Release] | None = None
        # versions the record lists whose content this history does not hold: why, by version
        self.unavailable: dict[str, Msg] = {}

    def all(self) -> list[Release]:
        """Every release, oldest first."""
        if self._cache is None:
            self._cache = self._find()
        return self._cache

    def latest(self) -> Release | None:
        releases = self.all()
        return releases[-1] if releases else None

    def get(self, version: str) -> Release | None:
        version = version.removeprefix("v")
        return next((r for r in self.all() if r.version == version), None)

    def _records(self) -> list[tuple[str, str, str | None]]:
        """(version, date, message) from the work tree's releases.yaml."""
        if self._given is not None:
            return self._given
        path = Path(self.history.repository.root) / self.folder / RELEASES_FILE
        shown = f"{self.folder}/{RELEASES_FILE}"
        from refkit.store.files import read_regular

        try:
            raw = read_regular(path)
        except FileNotFoundError:
            raw = None
        except OSError as e:
            raise BadRecord(
                Msg(
                    "{file} cannot be read ({error}): the releases cannot be read",
                    file=shown,
                    error=e.strerror or str(e),
                ),
                hint="make it a file refkit can read (check its permissions)",
            ) from None
        if raw is None:
            not_deleted(self.history, self.folder, head=self.head)
        return read_records(shown, raw)

    def _find(self) -> list[Release]:
        records = {v: (d, m) for v, d, m in self._records()}
        tags = {}
        if self.history.has_commits():
            prefix = f"{self.framework_id}/v"
            for name, commit in self.history.tags(f"{self.framework_id}/v*").items():
                version = name[len(prefix) :]
                if SEMVER.match(version):
                    tags[version] = commit
        untagged = [v for v in records if v not in tags]
        found = self._commits_from_record(untagged) if untagged else {}
        releases = []
        for version in sorted(set(records) | set(tags), key=version_key):
            date, message = records.get(version, ("", None))
            if version in tags:
                releases.append(Release(version, tags[version], date, message, True))
            elif version in found:
                releases.append(Release(version, found[version], date, message, False))
            elif version in self.unavailable:
                continue  # listed, but its content is not in this history: said when asked for
            else:
                hint = Msg("fetch the whole history: git fetch --unshallow --tags")
                if not self.history.is_shallow:
                    hint = Msg(
                        "releases.yaml lists {version} but no commit added it: check the file's "
                        "history",
                        version=version,
                    )
                raise GitError(
                    Msg(
                        "{framework} {version}: release not found in git (no tag {tag})",
                        framework=self.framework_id,
                        version=version,
                        tag=tag_name(self.framework_id, version),
                    ),
                    hint=hint,
                )
        return releases

    def _commits_from_record(self, versions: list[str]) -> dict[str, str]:
        """The oldest commit whose releases.yaml lists each version. A commit that lists
        several versions for the first time holds the newest of them only (the files were
        copied with their record, not their history, or the record was written afterwards):
        the older ones are ``unavailable`` here, with why, rather than read from a commit that
        holds another version."""
        wanted = set(versions)
        found: dict[str, str] = {}
        seen: set[str] = set()
        path = f"{self.folder}/{RELEASES_FILE}"
        if not self.history.has_commits():  # files copied into a repository with no commit yet
            for version in versions:
                self.unavailable[version] = Msg(
                    "{framework} {version}: its content is not in this repository's history: "
                    "the repository has no commit yet",
                    framework=self.framework_id,
                    version=version,
                )
            return found
        boundary = self.history.shallow_commits
        for info in reversed(self.history.log(path)):
            if info.sha in boundary:
                continue  # its parents are missing: it seems to add every entry, it may not have
            raw = self.history.read_at(info.sha, path)
            new = [v for v, _, _ in parse_records(raw) if VERSION.match(v) and v not in seen]
            seen.update(new)
            if new:
                newest = max(new, key=version_key)
                if newest in wanted:
                    found[newest] = info.sha
                for version in new:
                    if version != newest and version in wanted:
                        self.unavailable[version] = Msg(
                            "{framework} {version}: its content is not in this repository's "
                            "history: commit {commit} is the first to list it in {file}, "
                            "together with {newest}, and holds {newest}",
                            framework=self.framework_id,
                            version=version,
                            commit=info.sha[:12],
                            file=RELEASES_FILE,
                            newest=newest,
                        )
            if len(found) + len(self.unavailable) >= len(wanted):
                break
        return found

    # -- naming versions ---------------------------------------------------------------------

    def resolve(self, spec: str) -> VersionRef:
        """A version named on the command line: a release (2.0.0 or v2.0.0), 'worktree', or any
        git revision (tag, branch, commit)."""
        if spec == WORKTREE:
            return VersionRef(WORKTREE, None)
        if SEMVER.match(spec):
            release = self.get(spec)
            if release is not None:
                return VersionRef(release.version, release.commit, release)
            why = self.unavailable.get(spec.removeprefix("v"))
            if why is not None:
                raise GitError(
                    why,
                    hint=Msg(
                        "fetch the release's tag ({tag}) from the shared repository (git fetch "
                        "--tags), or work in a clone of it",
                        tag=tag_name(self.framework_id, spec.removeprefix("v")),
                    ),
                )
            known = ", ".join(r.version for r in self.all())
            raise GitError(
                Msg(
                    "{framework} has no release {version} (releases: {known})",
                    framework=self.framework_id,
                    version=spec.removeprefix("v"),
                    known=known or Msg("none yet"),
                ),
                hint="refkit log FRAMEWORK lists the releases",
            )
        commit = self.history.resolve(spec)
        return VersionRef(spec, commit)

    def load(self, ref: VersionRef) -> LoadedFramework:
        if ref.commit is None:
            root = self.history.repository.root
            return load_framework(self.folder, read_folder(root, root / self.folder))
        return self.history.load_at(ref.commit, self.folder)


VERSION = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")


class BadRecord(GitError):
    """A releases.yaml that cannot be read whole: taken as empty, it would say "no release"."""


def read_records(
    file: str, raw: bytes | None, *, consequence: str | Msg = ""
) -> list[tuple[str, str, str | None]]:
    """The entries of a releases.yaml, strictly: a file that does not parse, holds no list of
    releases, or an entry whose version is not MAJOR.MINOR.PATCH raises ``BadRecord`` at its
    place (``consequence``: what the command did not do, added to the message)."""
    from refkit.problems import Severity

    if raw is None:
        return []
    doc = read_yaml(file, raw)
    errors = [p for p in doc.problems if p.severity is Severity.ERROR]
    if errors:
        p = errors[0]
        raise _bad_record(file, p.line, p.col, p.msg or p.message, consequence)
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("releases"), list):
        line, col = doc.positions.of(data, ("releases",)) if data is not None else (1, 1)
        raise _bad_record(file, line, col, Msg("no list of releases"), consequence)
    for i, entry in enumerate(data["releases"]):
        version = entry.get("version") if isinstance(entry, dict) else None
        if not isinstance(version, str) or not VERSION.match(version):
            line, col = doc.positions.of(data, ("releases", i, "version"))
            what = (
                Msg("version {value}", value=repr(version))
                if version is not None
                else Msg("an entry without a version")
            )
            raise _bad_record(
                file,
                line,
                col,
                Msg("{what} is not a version number (MAJOR.MINOR.PATCH)", what=what),
                consequence,
            )
    return parse_records(raw)


def not_deleted(
    history: History, folder: str, consequence: str | Msg = "", *, head: str = "HEAD"
) -> None:
    """A framework folder with no releases.yaml: refused if the last commit has one (deleted in
    the work tree, it would read as "no release"). ``head``: the last commit, when the caller
    resolved it (asking git what HEAD is costs a process: 0.6 s for 500 frameworks)."""
    shown = f"{folder}/{RELEASES_FILE}"
    if history.has_commits() and shown in history.yaml_paths_at(head, folder):
        raise BadRecord(
            Msg(
                "{file} was deleted in the work tree (the last commit has it): the releases "
                "cannot be read{consequence}",
                file=shown,
                consequence=consequence,
            ),
            hint=Msg("git restore {file} takes it back (or commit its removal)", file=shown),
        )


def _bad_record(
    file: str, line: int, col: int, message: str | Msg, consequence: str | Msg
) -> BadRecord:
    return BadRecord(
        Msg(
            "{file}:{line}:{col}: {message}; the releases cannot be read{consequence}",
            file=file,
            line=line,
            col=col,
            message=message,
            consequence=consequence,
        ),
        hint=Msg(
            "fix the file at this place (git diff {file} shows what changed since it was "
            "committed; git restore {file} takes back the committed one)",
            file=file,
        ),
    )


def parse_records(raw: bytes | None) -> list[tuple[str, str, str | None]]:
    if raw is None:
        return []
    data = read_yaml(RELEASES_FILE, raw).data
    if not isinstance(data, dict) or not isinstance(data.get("releases"), list):
        return []
    out = []
    for r in data["releases"]:
        if isinstance(r, dict) and isinstance(r.get("version"), str):
            msg = r.get("message")
            out.append(
                (r["version"], str(r.get("date", "")), msg if isinstance(msg, str) else None)
            )
    return out


def framework_releases(history: History, loaded: LoadedFramework) -> Releases:
    fw = loaded.framework
    fid = fw.id if fw is not None and fw.id else loaded.name
    return Releases(history, loaded.folder, fid)


__all__ = [
    "SEMVER",
    "WORKTREE",
    "BadRecord",
    "Release",
    "Releases",
    "VersionRef",
    "framework_releases",
    "parse_records",
    "read_records",
    "tag_name",
    "version_key",
]

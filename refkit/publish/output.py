"""Provides the writing side of ``publish``: the output folder's manifest, what publish owns in
it, and writing the site there without losing anything.

A file is written only if its bytes differ, and files an earlier run wrote but this one did not
are removed, using the manifest ``.refkit-publish.json``. Publish owns only the files the
manifest records with the digest of their present content: a file in the way that it did not
write, or that changed since, stops it before anything is written (``--force`` overwrites it, and
leaves in place one it would remove); nothing is written or removed through a symbolic link, and
nothing outside the output folder is touched. Into an empty folder, the processes that render
the pages write them (``write_new``) under a manifest that says the folder is being filled.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from refkit.errors import RefkitError
from refkit.i18n import Msg
from refkit.publish.refusals import conflict, not_owned, strange_entries

if TYPE_CHECKING:
    from refkit.publish import PublishResult

MANIFEST = ".refkit-publish.json"


def as_dict(value: Any) -> dict[str, Any]:
    """``value`` if it is a dict (as a manifest read from disk should hold), else {}."""
    return value if isinstance(value, dict) else {}


def unwritable(e: OSError, out: Path) -> RefkitError:
    where = e.filename or out
    return RefkitError(
        Msg("{path} cannot be written ({error})", path=where, error=e.strerror or str(e)),
        hint="choose an output folder you can write to with --out; files already written are complete",
    )


def empty(out: Path) -> bool:
    """Whether ``out`` is missing or an empty folder (not a link to one)."""
    try:
        st = out.lstat()
    except FileNotFoundError:
        return True
    if not stat.S_ISDIR(st.st_mode):
        return False
    with os.scandir(out) as entries:
        return next(entries, None) is None


def write_new(out: Path, files: dict[str, bytes]) -> dict[str, str]:
    """Write ``files`` into ``out``, a folder that was empty when this publish began (its
    manifest says it is being filled), each file through a temporary file and a rename; their
    digests by path."""
    from refkit.store.files import atomic_write

    made: dict[str, str] = {}
    folders: set[Path] = set()
    for rel in sorted(files):
        if not _publishable(rel):  # pragma: no cover - ids and versions are checked when collected
            raise OSError(f"refusing to write {rel!r}: not a path inside {out}")
        target = out / rel
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        atomic_write(target, files[rel], durable=False)  # the site can be published again
        made[rel] = digest(files[rel])
    return made


def _found(out: Path) -> dict[str, set[str]]:
    """What a publish into an empty folder, killed while it filled it, left there: every file
    in it is that publish's (the temporary files of its writes are removed)."""
    owned: dict[str, set[str]] = {}
    for folder, dirs, names in os.walk(out):  # links are not followed
        here = Path(folder)
        for name in names:
            path = here / name
            if _TEMPORARY.match(name):
                with contextlib.suppress(OSError):
                    if path.is_file() and not path.is_symlink():
                        path.unlink()
                continue
            rel = path.relative_to(out).as_posix()
            if _publishable(rel) and not path.is_symlink():
                with contextlib.suppress(OSError):
                    owned[rel] = {digest(path.read_bytes())}
        dirs[:] = [d for d in dirs if not (here / d).is_symlink()]
    return owned


def read_manifest(out: Path) -> dict[str, Any]:
    path = out / MANIFEST
    try:
        if not stat.S_ISREG(path.lstat().st_mode):
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


class StatCache:
    """Whether the files a framework kept are still those this refkit wrote: the manifest holds
    the digest of each; the size and modification time seen when a digest was last checked are
    kept in the user's cache folder (never in the site: they differ from machine to machine), so
    that an untouched file is checked with one ``stat``, and only a changed one is read."""

    def __init__(self, out: Path) -> None:
        from refkit.cache import cache_root

        self.out = out
        self.path = cache_root() / "publish" / (digest(str(out).encode()) + ".json")
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        self.seen: dict[str, Any] = data if isinstance(data, dict) else {}
        self.now: dict[str, list[Any]] = {}

    def intact(self, files: dict[str, Any]) -> bool:
        if not files:
            return False
        for rel, expected in files.items():
            if not _publishable(rel) or not isinstance(expected, str):
                return False
            try:
                st = (self.out / rel).lstat()
            except OSError:
                return False
            if not stat.S_ISREG(st.st_mode):
                return False
            mark = [st.st_size, st.st_mtime_ns, expected]
            if self.seen.get(rel) != mark:
                try:
                    if digest((self.out / rel).read_bytes()) != expected:
                        return False
                except OSError:
                    return False
            self.now[rel] = mark
        return True

    def record(self, files: dict[str, str]) -> None:
        for rel, expected in files.items():
            try:
                st = (self.out / rel).stat()
            except OSError:
                continue
            self.now[rel] = [st.st_size, st.st_mtime_ns, expected]

    def save(self) -> None:
        from refkit.store.files import atomic_write

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            data = json.dumps(self.now, separators=(",", ":"), sort_keys=True).encode()
            atomic_write(self.path, data, durable=False)
        except OSError:  # pragma: no cover - a cache that cannot be written is only slower
            pass


def write(
    out: Path,
    files: dict[str, bytes],
    result: PublishResult,
    *,
    kept: dict[str, str] | None = None,
    frameworks: dict[str, Any] | None = None,
    state: dict[str, Any] | None = None,
    force: bool = False,
) -> None:
    """Write ``files`` (path relative to ``out`` -> bytes) where their bytes changed; ``kept``:
    files left as they are (frameworks that did not change), with their digests; remove the
    files the previous run wrote and this one neither wrote nor kept.

    Publish owns only the files its manifest records with the digest of their content: a file
    in the way that it did not write, or that changed since, stops it before anything is
    written (``PublishConflict``); ``force``: such files are overwritten, and those it would
    remove are left in place (said in the notes). A path reached through a symbolic link, or a
    folder where a file goes, is never written or removed, even with ``force``."""
    kept = kept or {}
    old = read_manifest(out)
    owned, strange = _owned(out, old)
    if strange and not force:
        raise strange_entries(out / MANIFEST, strange)
    plan = _Plan(out, owned, force)
    for rel in sorted(files):
        plan.write(rel, files[rel], result)
    result.unchanged += len(set(kept) - set(files))
    for rel in sorted(set(owned) - set(files) - set(kept)):
        plan.remove(rel)
    stop = [c for c in plan.conflicts if not (force and c[2])]
    if stop:
        raise conflict(out, stop)
    for rel in plan.left:
        result.notes.append(
            Msg(
                "{path}: left in place (no longer published, but not as refkit publish wrote "
                "it); remove it yourself if it should go",
                path=out / rel,
            )
        )
    made = {rel: digest(data) for rel, data in files.items()}
    _carry_out(plan, files, made, old, result)
    write_manifest(out / MANIFEST, {**kept, **made}, frameworks or {}, state or {})


@dataclass(slots=True)
class _Plan:
    """What ``write`` will do in ``out``, decided before anything is written: the files to
    write and to remove, those left in place, and the conflicts (path, why, whether --force
    may go ahead)."""

    out: Path
    owned: dict[str, set[str]]
    force: bool
    writes: list[str] = field(default_factory=list)
    removals: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    conflicts: list[tuple[str, Msg, bool]] = field(default_factory=list)
    folders: dict[Path, bool] = field(default_factory=dict)  # folder -> reached without a link

    def plain(self, folder: Path) -> bool:
        if folder not in self.folders:
            self.folders[folder] = folder.resolve() == folder
        return self.folders[folder]

    def write(self, rel: str, data: bytes, result: PublishResult) -> None:
        """Whether the file ``rel`` is written (its bytes changed), left (the same) or in the
        way."""
        if not _publishable(rel):
            raise RefkitError(  # pragma: no cover - ids and versions are checked when collected
                Msg(
                    "refusing to write {path}: not a path inside {folder}",
                    path=repr(rel),
                    folder=self.out,
                )
            )
        target = self.out / rel
        if not self.plain(target.parent):
            self.conflicts.append((rel, Msg("reached through a symbolic link"), False))
            return
        try:
            st = target.lstat()
        except FileNotFoundError:
            self.writes.append(rel)
            return
        except NotADirectoryError:
            self.conflicts.append((rel, Msg("a file stands where its folder goes"), False))
            return
        if stat.S_ISDIR(st.st_mode):
            self.conflicts.append((rel, Msg("a folder stands where publish writes a file"), False))
        elif not stat.S_ISREG(st.st_mode):
            if not self.force:
                why = Msg("not a regular file; publishing would replace it")
                self.conflicts.append((rel, why, True))
            else:
                self.writes.append(rel)
        else:
            current = target.read_bytes()
            if current == data:
                result.unchanged += 1
            elif self.force or digest(current) in self.owned.get(rel, ()):
                self.writes.append(rel)
            else:
                why = not_owned(rel, self.owned)
                why = Msg("{reason}; publishing would overwrite it", reason=why)
                self.conflicts.append((rel, why, True))

    def remove(self, rel: str) -> None:
        """Whether the file ``rel``, no longer published, is removed or left in place."""
        target = self.out / rel
        if not self.plain(target.parent):
            why = Msg("reached through a symbolic link; publishing would remove it")
            self.conflicts.append((rel, why, True))
            self.left.append(rel)
            return
        try:
            st = target.lstat()
        except (FileNotFoundError, NotADirectoryError):
            return
        if stat.S_ISREG(st.st_mode) and digest(target.read_bytes()) in self.owned[rel]:
            self.removals.append(rel)
            return
        why = not_owned(rel, self.owned) if stat.S_ISREG(st.st_mode) else Msg("not a regular file")
        why = Msg("{reason}; publishing would remove it", reason=why)
        self.conflicts.append((rel, why, True))
        self.left.append(rel)


def _carry_out(
    plan: _Plan,
    files: dict[str, bytes],
    made: dict[str, str],
    old: dict[str, Any],
    result: PublishResult,
) -> None:
    """Write and remove what ``plan`` says, under a manifest that owns both the old and the new
    contents meanwhile."""
    from refkit.store.files import atomic_write

    out, owned = plan.out, plan.owned
    out.mkdir(parents=True, exist_ok=True)
    _sweep_manifest(out)
    listed = old.get("files")
    if isinstance(listed, dict) and any(isinstance(v, list) for v in listed.values()):
        _sweep(out, owned, plan.plain)  # the last run was killed while it wrote
    if plan.writes or plan.removals:
        # until the files are written, the manifest owns both their old and new contents: a
        # publish killed midway leaves files the next one recognises
        during: dict[str, Any] = {rel: sorted(d) for rel, d in owned.items()}
        for rel in plan.writes:
            during[rel] = sorted({*owned.get(rel, ()), made[rel]})
        write_manifest(out / MANIFEST, during, {}, as_dict(old.get("state")))
    for rel in plan.writes:
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, files[rel], durable=False)  # the site can be published again
        result.written.append(rel)
    for rel in plan.removals:
        target = out / rel
        target.unlink()
        result.removed.append(rel)
        parent = target.parent
        while parent != out and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent


_TEMPORARY = re.compile(r"^\.(.+)\.[A-Za-z0-9_]+\.tmp$")  # store.files.atomic_write's


def _sweep(out: Path, owned: dict[str, set[str]], plain: Any) -> None:
    """Remove the temporary files a killed run left next to the files it owns (a web server
    would serve them): only ``.NAME.XXXX.tmp`` where NAME is one of its files, in folders
    reached without a link."""
    names: dict[Path, set[str]] = {out: {MANIFEST}}
    for rel in owned:
        target = out / rel
        names.setdefault(target.parent, set()).add(target.name)
    for folder, known in names.items():
        if not plain(folder):
            continue
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            m = _TEMPORARY.match(entry.name)
            if m and m.group(1) in known and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _sweep_manifest(out: Path) -> None:
    """Remove the manifest's temporary file a first publish left when it was killed while it
    wrote the manifest (before any page, so no manifest says the run did not finish), once its
    writer is gone (``store.files.remove_if_stale``: a publish still running keeps its own)."""
    from refkit.store.files import remove_if_stale

    prefix = f".{MANIFEST}.p"
    with contextlib.suppress(OSError), os.scandir(out) as entries:
        for entry in entries:
            if entry.name.startswith(prefix) and entry.name.endswith(".tmp"):
                remove_if_stale(entry.path)


def _owned(out: Path, manifest: dict[str, Any]) -> tuple[dict[str, set[str]], list[str]]:
    """The files an earlier run wrote, each with the digests it may have (one; two while a run
    writes), and the paths a manifest lists that publish could not have written. A manifest
    from before digests were recorded for every file owns only the files it has a digest of;
    one left by a publish into an empty folder, killed while it filled it, every file there."""
    if manifest.get("filling") is True:
        return _found(out), []
    listed = manifest.get("files")
    owned: dict[str, set[str]] = {}
    strange: list[str] = []
    if isinstance(listed, dict):
        entries = list(listed.items())
    else:
        entries = [
            item
            for entry in as_dict(manifest.get("frameworks")).values()
            for item in as_dict(as_dict(entry).get("files")).items()
        ]
        if isinstance(listed, list):
            entries += [(rel, None) for rel in listed]
    for rel, value in entries:
        if not _publishable(rel):
            strange.append(str(rel))
            continue
        digests = value if isinstance(value, list) else [value]
        owned.setdefault(rel, set()).update(d for d in digests if isinstance(d, str))
    return owned, sorted(set(strange))


def write_manifest(
    path: Path,
    files: dict[str, Any],
    frameworks: dict[str, Any],
    state: dict[str, Any],
    *,
    filling: bool = False,
) -> None:
    """``filling``: the folder was empty and a publish is filling it (a run that finds this
    manifest knows every file there as its own)."""
    from refkit.store.files import atomic_write

    manifest = (
        json.dumps(
            {
                "generator": "refkit",
                "files": files,
                "frameworks": frameworks,
                "state": state,
                **({"filling": True} if filling else {}),
            },
            ensure_ascii=False,
            separators=(",", ":"),
            sort_keys=True,
        )
        + "\n"
    ).encode("utf-8")
    try:
        if path.read_bytes() == manifest:
            return
    except OSError:
        pass
    atomic_write(path, manifest, durable=False)


# What publish writes: ids, versions and the site's own names, and these extensions.
_SUFFIXES = (".html", ".md", ".json", ".js", ".css", ".csv", ".xlsx", ".xml")


def _publishable(rel: Any) -> bool:
    """Whether ``rel`` is a path publish could write: relative, in forward slashes, no empty,
    ``.``, ``..`` or hidden part, one of the site's extensions."""
    if not isinstance(rel, str) or not rel.endswith(_SUFFIXES) or "\\" in rel or "\0" in rel:
        return False
    return all(part and not part.startswith(".") for part in rel.split("/"))


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=12).hexdigest()

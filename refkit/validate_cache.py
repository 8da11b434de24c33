"""Provides the cache of ``refkit validate``'s results: per framework, keyed by the signatures of
its files and verified by their digests (``ResultCache``'s docstring says how a cache never
changes an answer).

The cache file (in the user's cache folder, ``refkit.cache``) holds a line {"key", "written_ns"},
then a line [folder, entry] per framework: a re-run after one change writes the other
frameworks' lines again as it read them, without parsing and dumping them (5 MB for 500
frameworks: 50 ms a run).
"""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from refkit.cache import (
    code_digest,
    dump_line,
    read_cache_lines,
    repository_cache_dir,
    write_cache_lines,
)
from refkit.problems import Problem
from refkit.rules import Summary
from refkit.store.files import read_regular
from refkit.store.loader import digest, scan_folder
from refkit.store.repository import Repository

CACHE_FILE = "validate.json"


@dataclass(slots=True)
class Outcome:
    folder: str
    files: dict[str, list[Any]]  # path -> [size, mtime_ns, digest]
    problems: list[Problem]
    summary: Summary | None


def stat_folder(root: Path, folder: Path) -> dict[str, list[Any]]:
    """The signature of each file ``read_folder`` lists (size, mtime, ctime and inode, as git's
    index keeps them), its digest to be filled once the file is read. A refused file (a link, a
    named pipe...) has no signature: its framework is never taken from the cache."""
    out: dict[str, list[Any]] = {}
    for rel, _, st, refused in scan_folder(root, folder):
        if st is None or refused is not None:
            out[rel] = [-1, 0, 0, 0, None]
        else:
            out[rel] = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, None]
    return out


# A file whose mtime or ctime is this close to the time its signature was taken may have changed
# since within the same tick of a coarse clock (FAT keeps 2 s): it is verified by its content.
RACY_NS = 2_000_000_000


class ResultCache:
    """Per-framework results keyed by file signatures, verified by content digests.

    A cache may save time, never change an answer. A file's signature is its size, mtime, ctime
    and inode: ``touch -r`` or ``os.utime`` can put an old mtime back, but any change to a file
    sets its ctime to the present, which no one can set back. When the signature differs, or
    when its mtime or ctime is not safely older than the run that recorded it (git's racy-clean
    check: a file changed in the same clock tick as it was looked at keeps its times), the
    file's content is read and compared by digest. A cache file that is not exactly what refkit
    wrote (``refkit.cache.read_cache_file``), or an entry of the wrong shape, is a miss."""

    def __init__(self, repo: Repository, *, enabled: bool, keyed: bool = False) -> None:
        self.path = repository_cache_dir(repo.root) / CACHE_FILE
        # a cache inside the repository (REFKIT_CACHE_DIR=.cache) could be committed, forged
        # results with it: not used
        self.enabled = enabled and not self.path.resolve().is_relative_to(repo.root)
        self.root = repo.root
        self.keyed = keyed  # only entries whose view holds the statement keys are hits
        self.key = code_digest()
        self.entries: dict[str, Any] = {}
        self.lines: dict[str, bytes] = {}  # each entry's line as read
        self.kept: set[str] = set()  # entries found as they were: their line is written again
        self.written = 0
        self.stale = False  # whether anything differs from the cache file as read
        self.started = time.time_ns()  # before any file is looked at: what the next run trusts
        if self.enabled:
            self._read()

    def _read(self) -> None:
        """The cache file: a first line {"key", "written_ns"}, then a line [folder, entry] per
        framework; anything else is no cache."""
        lines = read_cache_lines(self.path)
        if not lines:
            return
        try:
            head = json.loads(lines[0])
            if (
                type(head) is not dict
                or head.get("key") != self.key
                or type(head.get("written_ns")) is not int
            ):
                return
            entries, kept = {}, {}
            for line in lines[1:]:
                rel, entry = json.loads(line)
                if type(rel) is not str or type(entry) is not dict:
                    return
                entries[rel], kept[rel] = entry, line
        except (ValueError, TypeError, RecursionError):
            return
        self.entries, self.lines, self.written = entries, kept, head["written_ns"]

    def lookup(self, rel: str, stats: dict[str, list[Any]]) -> Outcome | None:
        entry = self.entries.get(rel)
        found = None
        if entry is not None:
            # an entry of the wrong shape: a miss
            with contextlib.suppress(KeyError, TypeError, ValueError, IndexError, AttributeError):
                found = self._lookup(rel, stats, entry)
        if found is None:
            self.stale = True
        return found

    def _lookup(self, rel: str, stats: dict[str, list[Any]], entry: Any) -> Outcome | None:
        files = entry["files"]
        if type(files) is not dict or set(files) != set(stats):
            return None
        racy = self.written - RACY_NS
        digests = {}
        verified = False
        for path, (size, mtime, ctime, ino, _) in stats.items():
            cached = files[path]
            if type(cached) is not list or len(cached) != 5 or type(cached[4]) is not str:
                return None
            c_size, c_mtime, c_ctime, c_ino, c_digest = cached
            if size < 0 or size != c_size:
                return None
            if (mtime, ctime, ino) != (c_mtime, c_ctime, c_ino) or max(mtime, ctime) >= racy:
                self.stale = verified = True  # verified now: recorded again, with this time
                try:
                    data = read_regular(self.root / path)
                except OSError:
                    return None
                if digest(data) != c_digest:
                    return None
            digests[path] = c_digest
        if type(entry["problems"]) is not list:
            return None
        if self.keyed and entry["summary"] is not None:
            view = entry["summary"].get("view")
            if view and not view.get("keyed"):
                return None  # checked by a command that needed no keys: checked again, with them
        found = [Problem.from_json(p) for p in entry["problems"]]
        summary = Summary.from_json(entry["summary"]) if entry["summary"] is not None else None
        for path, d in digests.items():
            stats[path][4] = d
        if not verified:  # found as it was: its line is written again as read
            self.kept.add(rel)
        return Outcome(rel, stats, found, summary)

    def save(self, outcomes: dict[str, Outcome]) -> None:
        """Write the cache, unless it would say what it says already (every framework found
        in it, none verified by content, none gone)."""
        if not self.enabled or (not self.stale and outcomes.keys() == self.entries.keys()):
            return
        lines = [dump_line({"key": self.key, "written_ns": self.started})]
        for rel, o in outcomes.items():
            if rel in self.kept:
                lines.append(self.lines[rel])  # the same entry: not dumped again
            elif all(f[4] is not None for f in o.files.values()):
                entry = {
                    "files": o.files,
                    "problems": [p.to_json() for p in o.problems],
                    "summary": o.summary.to_json() if o.summary else None,
                }
                lines.append(dump_line([rel, entry]))
        write_cache_lines(self.path, lines)  # no writable cache folder: no cache, same results

"""Provides all-or-nothing commits: files, a commit, a branch and a tag changed as one step.

``git add`` + ``git commit`` + ``git tag`` is three steps, and a release writes files before them:
a process killed or a disk filled in between leaves a version written but not committed, a commit
without its tag, or temporary files that the next commit picks up. Here everything that can fail
happens first, where nothing anyone sees has changed:

1. the new files' blobs, the tree (built in a private index from HEAD), the commit and the tag
   objects are written to git's object store (unreferenced objects: invisible, collected later);
2. a journal is written in the git folder, naming every step to come and how to undo it;
3. the new files are written beside their targets in private temporary files, and the new index
   is written into ``index.lock`` (git's own lock: no other git command writes the index
   meanwhile);
4. **the commit point**: the branch and the tag move together in one ``git update-ref``
   transaction;
5. the temporary files are renamed over the work tree's files, ``index.lock`` over the index,
   and the journal is removed. Renames need no disk space and do not fail on a full disk.

A process that dies anywhere leaves the journal. ``recover`` (run by the next refkit command)
reads it: before the commit point it deletes what step 3 wrote (the work tree was never touched);
after it, it finishes step 5. A file someone changed since is never overwritten.

Everything runs under the repository lock (``refkit.store.lock``).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from refkit.history import GitError, History
from refkit.history.journal import (
    JOURNAL,
    NEW_INDEX,
    PRIVATE_INDEX,
    STAGING,
    ZERO,
    _digest,
    _git,
    _mode,
    _passed,
    _roll_back,
    _roll_forward,
    _worktree_blob,
    _write_private,
    blob_id,
    git_folder,
)
from refkit.i18n import Msg
from refkit.store.files import atomic_write
from refkit.store.lock import repository_lock


class StaleHead(GitError):
    """HEAD moved since the commit was prepared (another commit or release came first)."""


class Unfinished(GitError):
    """The commit point was passed (the commit and tag exist) but putting the files in place
    failed; the journal stays, and the next refkit command finishes the job."""


@dataclass(slots=True)
class Committed:
    commit: str
    tree: str
    paths: list[str]  # repository-relative paths the commit changed


def commit_atomically(
    history: History,
    *,
    write: dict[str, bytes | None],
    add: list[str],
    message: str,
    tag: tuple[str, str] | None = None,
    expected_head: str | None = None,
    what: str = "commit",
) -> Committed:
    """Commit ``write`` (repository-relative path -> new bytes, None to delete; refkit writes
    them to the work tree) and ``add`` (paths taken from the work tree as they are), move the
    branch, create ``tag`` (name, message) if given: all of it or nothing. ``expected_head``: the
    commit the caller planned against; if HEAD moved since, ``StaleHead`` and nothing changes."""
    with repository_lock(history.repository.root, what):
        recover(history)
        return _Transaction(history, what).run(write, add, message, tag, expected_head)


# -- the transaction ------------------------------------------------------------------------------


class _Transaction:
    def __init__(self, history: History, what: str) -> None:
        self.h = history
        self.what = what
        self.gd = git_folder(history)
        self.journal = self.gd / JOURNAL

    def run(
        self,
        write: dict[str, bytes | None],
        add: list[str],
        message: str,
        tag: tuple[str, str] | None,
        expected_head: str | None,
    ) -> Committed:
        branch, head = self._check(tag, expected_head)
        # 1. objects: blobs, tree, commit, tag (nothing visible changes)
        lines, changed = self._index_lines(write, add)
        tree, commit, tag_object = self._objects(lines, head, message, tag)
        # 2. the journal
        record = self._record(write, branch, head, commit, tag, tag_object, lines)
        atomic_write(self.journal, json.dumps(record, indent=1).encode())
        try:
            # 3. the new files and the new index, private until the commit point
            self._stage(write, record, lines)
            # 4. the commit point
            refs = f"update {branch} {commit} {head or ZERO}\n"
            if tag is not None and tag_object is not None:
                refs += f"create refs/tags/{tag[0]} {tag_object}\n"
            _git(
                self.h,
                "update-ref",
                "--stdin",
                "-m",
                f"refkit: {self.what}",
                input=f"start\n{refs}prepare\ncommit\n".encode(),
            )
        except BaseException:
            _roll_back(self.h, self.gd, record)
            raise
        # 5. into place
        try:
            _roll_forward(self.h, self.gd, record)
        except (GitError, OSError) as e:
            reason = e.message if isinstance(e, GitError) else (e.strerror or str(e))
            raise Unfinished(
                Msg(
                    "{what} was committed ({commit}), but the work tree could not be brought up "
                    "to date: {reason}",
                    what=self.what,
                    commit=commit[:10],
                    reason=reason,
                ),
                hint="fix the cause, then run refkit doctor (any refkit command finishes it)",
            ) from None
        self.h._tags = None
        self.h._tag_groups = None
        self.h._has_commits = None
        return Committed(commit, tree, changed)

    def _check(
        self, tag: tuple[str, str] | None, expected_head: str | None
    ) -> tuple[str, str | None]:
        """The branch HEAD is on and its commit (None in an empty repository), once it is sure
        the commit can be made: on a branch, HEAD where the caller saw it, the tag new."""
        h = self.h
        branch = _git(h, "symbolic-ref", "--quiet", "HEAD", check=False).strip()
        if not branch.startswith("refs/heads/"):
            raise GitError(
                Msg("HEAD is detached: a commit is made on a branch"),
                hint=Msg("git switch <branch> first"),
            )
        found = _git(h, "rev-parse", "--verify", "--quiet", "HEAD^{commit}", check=False).strip()
        head = found or None
        if expected_head is not None and head != expected_head:
            raise StaleHead(
                Msg(
                    "the repository changed while this was being prepared "
                    "(HEAD is now {now}, was {was})",
                    now=(head or "empty")[:10],
                    was=expected_head[:10],
                ),
                hint=Msg("prepare it again: another commit or release came first"),
            )
        if (
            tag is not None
            and _git(
                h, "rev-parse", "--verify", "--quiet", f"refs/tags/{tag[0]}", check=False
            ).strip()
        ):
            raise GitError(
                Msg("the tag {tag} already exists", tag=tag[0]), hint=Msg("nothing was changed")
            )
        return branch, head

    def _index_lines(
        self, write: dict[str, bytes | None], add: list[str]
    ) -> tuple[bytes, list[str]]:
        """The index lines of every file the commit changes (their blobs written to the object
        store), and those files."""
        h = self.h
        entries: dict[str, str] = {}  # git-root path -> index line
        changed: list[str] = []
        for path, data in sorted(write.items()):
            full = h.prefix + path
            if data is None:
                entries[full] = f"0 {ZERO}\t{full}"
            else:
                sha = _git(h, "hash-object", "-w", "--stdin", input=data).strip()
                entries[full] = f"{_mode(h.repository.root / path)} {sha}\t{full}"
            changed.append(path)
        for path in sorted(set(add) - set(write)):
            entries[h.prefix + path] = self._entry_from_worktree(path)
            changed.append(path)
        return "".join(line + "\n" for line in entries.values()).encode(), changed

    def _objects(
        self, lines: bytes, head: str | None, message: str, tag: tuple[str, str] | None
    ) -> tuple[str, str, str | None]:
        """The tree (HEAD's with ``lines`` applied, built in a private index), the commit and
        the tag object, written to the object store: their ids."""
        h = self.h
        private = self.gd / PRIVATE_INDEX
        env = {"GIT_INDEX_FILE": str(private)}
        private.unlink(missing_ok=True)
        if head:
            _git(h, "read-tree", head, env=env)
        else:
            _git(h, "read-tree", "--empty", env=env)
        _git(h, "update-index", "--index-info", input=lines, env=env)
        tree = _git(h, "write-tree", env=env).strip()
        private.unlink(missing_ok=True)
        args = ["commit-tree", tree] + (["-p", head] if head else [])
        commit = _git(h, *args, input=message.encode()).strip()
        tag_object = None
        if tag is not None:
            ident = _git(h, "var", "GIT_COMMITTER_IDENT").strip()
            body = f"object {commit}\ntype commit\ntag {tag[0]}\ntagger {ident}\n\n{tag[1]}"
            if not body.endswith("\n"):
                body += "\n"
            tag_object = _git(h, "mktag", input=body.encode()).strip()
        return tree, commit, tag_object

    def _record(
        self,
        write: dict[str, bytes | None],
        branch: str,
        head: str | None,
        commit: str,
        tag: tuple[str, str] | None,
        tag_object: str | None,
        lines: bytes,
    ) -> dict[str, Any]:
        """The journal: every step to come, and how to undo it."""
        index = self._index_path()
        staging = self._staging_folder()
        files: list[dict[str, Any]] = []
        for i, (path, data) in enumerate(sorted(write.items())):
            target = self.h.repository.root / path
            files.append(
                {
                    "path": path,
                    "before": _worktree_blob(target),
                    "after": None if data is None else blob_id(data),
                    "temp": None if data is None else str(self._temp_for(staging, target, i)),
                }
            )
        return {
            "version": 1,
            "what": self.what,
            "pid": os.getpid(),
            "branch": branch,
            "old": head,
            "commit": commit,
            "tag": tag[0] if tag else None,
            "tag_object": tag_object,
            "files": files,
            "index": str(index),
            "index_lines": lines.decode("utf-8", "surrogateescape"),
            # planned before it is taken: a process killed just after taking it leaves it known
            "index_lock": {"path": str(index.with_name(index.name + ".lock")), "digest": None},
            "staging": str(staging) if staging is not None else None,
        }

    def _stage(self, write: dict[str, bytes | None], record: dict[str, Any], lines: bytes) -> None:
        """The new files beside their targets (or in the staging folder) and the new index in
        ``index.lock``: nothing anyone sees has changed yet."""
        staging = record["staging"]
        if staging is not None:
            Path(staging).mkdir(exist_ok=True)
        for entry, (path, data) in zip(record["files"], sorted(write.items()), strict=True):
            if data is not None:
                _write_private(Path(str(entry["temp"])), data, self.h.repository.root / path)
        self._write_index_lock(Path(record["index"]), lines, record)

    def _entry_from_worktree(self, path: str) -> str:
        full = self.h.prefix + path
        target = self.h.repository.root / path
        try:
            st = target.lstat()
        except FileNotFoundError:
            return f"0 {ZERO}\t{full}"
        if stat.S_ISLNK(st.st_mode):
            data = os.readlink(target).encode("utf-8", "surrogateescape")
            sha = _git(self.h, "hash-object", "-w", "--stdin", input=data).strip()
            return f"120000 {sha}\t{full}"
        if not stat.S_ISREG(st.st_mode):
            raise GitError(Msg("{file} is not a regular file: it cannot be committed", file=path))
        sha = _git(self.h, "hash-object", "-w", "--stdin", input=target.read_bytes()).strip()
        return f"{_mode(target)} {sha}\t{full}"

    def _index_path(self) -> Path:
        out = _git(self.h, "rev-parse", "--git-path", "index").strip()
        path = Path(out)
        return path if path.is_absolute() else (self.h.git_root / path).resolve()

    def _staging_folder(self) -> Path | None:
        """Where the new files wait for the commit point: in the git folder when it is on the
        work tree's file system (nothing shows in ``git status`` if the process dies), else beside
        each file."""
        try:
            same = os.stat(self.gd).st_dev == os.stat(self.h.repository.root).st_dev
        except OSError:
            same = False
        return self.gd / STAGING if same else None

    @staticmethod
    def _temp_for(staging: Path | None, target: Path, i: int) -> Path:
        if staging is not None:
            return staging / f"{i:03d}-{target.name}"
        return target.parent / f".{target.name}.refkit-commit.tmp"

    def _write_index_lock(self, index: Path, lines: bytes, record: dict[str, Any]) -> None:
        """The new index, written into git's ``index.lock`` (taken first, so no git command
        writes the index meanwhile); renamed over the index after the commit point. The lock
        holds nothing or the whole new index, whose digest the journal has first."""
        lock = index.with_name(index.name + ".lock")
        try:
            fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            record["index_lock"] = None  # someone else's: never ours to remove
            raise GitError(
                Msg(
                    "{file} exists: another git command is running (or one crashed)",
                    file=str(lock),
                ),
                hint=Msg("wait for it to finish; if none is running, delete that file"),
            ) from None
        os.close(fd)
        new = index.with_name(NEW_INDEX)
        new.unlink(missing_ok=True)
        if index.exists():
            shutil.copyfile(index, new)
        _git(self.h, "update-index", "--index-info", input=lines, env={"GIT_INDEX_FILE": str(new)})
        with open(new, "r+b") as f:
            os.fsync(f.fileno())
        record["index_lock"]["digest"] = _digest(new)
        atomic_write(self.journal, json.dumps(record, indent=1).encode())
        os.replace(new, lock)


# -- recovery -------------------------------------------------------------------------------------


def pending(root: Path) -> bool:
    """Whether an interrupted commit waits to be finished or undone (one stat, no git)."""
    from refkit.store.lock import git_dir

    found = git_dir(root)
    return found is not None and (found / JOURNAL).exists()


def recover(history: History) -> list[Msg]:
    """Finish or undo a commit that a process left halfway (see the module's docstring); what
    was done, in sentences (empty when there was nothing to do)."""
    gd = git_folder(history)
    journal = gd / JOURNAL
    if not journal.exists():
        return []
    with repository_lock(history.repository.root, "recovery"):
        if not journal.exists():
            return []
        try:
            record = json.loads(journal.read_bytes())
            if not isinstance(record, dict) or record.get("version") != 1:
                raise ValueError("unknown journal")
        except (OSError, ValueError):
            aside = journal.with_suffix(".unreadable")
            os.replace(journal, aside)
            return [Msg("an unreadable commit journal was moved aside to {path}", path=aside)]
        what = record.get("what") or "commit"
        if _passed(history, record):
            notes = _roll_forward(history, gd, record)
            history._tags = None
            history._tag_groups = None
            return [Msg("finished an interrupted {what}: it had been committed", what=what), *notes]
        _roll_back(history, gd, record)
        return [
            Msg(
                "undid an interrupted {what}: nothing had been committed, nothing is lost",
                what=what,
            )
        ]


def recover_quietly(history: History) -> list[Msg]:
    """``recover`` when a journal is there; never raises (a command goes on either way)."""
    if not (git_folder(history) / JOURNAL).exists():
        return []
    try:
        return recover(history)
    except (GitError, OSError) as e:
        return [
            Msg(
                "an interrupted commit could not be finished: {error} (run refkit doctor)",
                error=str(e),
            )
        ]

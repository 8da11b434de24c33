"""Provides ``History``: the framework repository's git history, read without checkout.

Any version of a framework is read straight from git objects: ``ls-tree`` of the framework folder
at a commit, then the blobs through a persistent ``git cat-file --batch`` process, then
the same ``store.loader.load_framework`` as the working tree. No checkout, no temporary clone.

The framework repository may sit anywhere inside the git work tree (``prefix``); paths given to
and returned by this module are relative to the framework repository, like everywhere else.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cached_property
from pathlib import Path
from typing import Any

from refkit.history.command import GitError as GitError
from refkit.history.command import NotARepository, NoWorkTree, git
from refkit.i18n import Msg
from refkit.store.loader import FRAMEWORKS_DIR, LoadedFramework, RawFile, load_framework
from refkit.store.reader import MAX_FILE_BYTES
from refkit.store.repository import Repository

WORKTREE = "worktree"  # the name of the working tree wherever a revision is expected


@dataclass(frozen=True, slots=True)
class CommitInfo:
    sha: str
    short: str
    date: str  # ISO 8601, author date
    author: str
    subject: str


class History:
    def __init__(self, repo: Repository) -> None:
        self.repository = repo
        self._batch: subprocess.Popen[bytes] | None = None
        if not repo.root.is_dir():
            raise GitError(Msg("{path}: no such folder", path=str(repo.root)))
        # one git process finds the work tree (GitPython, 0.1 s to import, only when needed:
        # ``git_repo``); git's own refusals ("dubious ownership") said here, once
        try:
            out = git(repo.root, "rev-parse", "--is-bare-repository", "--show-toplevel")
        except NoWorkTree:
            raise GitError(
                Msg("{path}: a bare git repository has no work tree to read", path=str(repo.root))
            ) from None
        except NotARepository:
            raise GitError(
                Msg(
                    "{path} is not in a git repository: refkit keeps versions in git",
                    path=str(repo.root),
                ),
                hint="run git init (or refkit init), or work in a clone of the framework repository",
            ) from None
        bare, _, top = out.decode("utf-8", "surrogateescape").partition("\n")
        if bare.strip() == "true" or not top.strip():
            raise GitError(
                Msg("{path}: a bare git repository has no work tree to read", path=str(repo.root))
            )
        self.git_root = Path(top.strip()).resolve()
        rel = repo.root.relative_to(self.git_root).as_posix()
        self.prefix = "" if rel == "." else rel + "/"
        from refkit.cache import BlobCache

        self.blobs = BlobCache()
        self._listings: dict[str, dict[str, list[tuple[str, str, int]]]] = {}
        self._tags: dict[str, str] | None = None
        self._tag_groups: dict[str, dict[str, str]] | None = None
        self._has_commits: bool | None = None

    @cached_property
    def git_repo(self) -> Any:
        """GitPython's view of the repository, for what it does as a library (streaming a large
        object, asking which paths are ignored); made when first asked for."""
        import git

        return git.Repo(self.git_root)

    def close(self) -> None:
        self._close_batch()
        if "git_repo" in self.__dict__:
            self.git_repo.close()

    def _close_batch(self) -> None:
        batch, self._batch = getattr(self, "_batch", None), None
        if batch is not None:
            for stream in (batch.stdin, batch.stdout):
                if stream is not None:
                    stream.close()
            batch.wait()

    def __del__(self) -> None:
        self._close_batch()

    def _batch_process(self) -> subprocess.Popen[bytes]:
        """The persistent ``git cat-file --batch`` this history reads objects through (a stream:
        the one exchange with git that ``command.git`` does not run)."""
        if self._batch is None:
            self._batch = subprocess.Popen(
                ["git", "cat-file", "--batch"],
                cwd=self.git_root,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
        return self._batch

    def read_blobs(self, shas: list[str]) -> list[bytes]:
        """The bytes of several blobs in one exchange with a persistent `git cat-file --batch`
        (one request per object costs a round trip each: 4x slower over 500 frameworks)."""
        if not shas:
            return []
        proc = self._batch_process()
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write("".join(f"{sha}\n" for sha in shas).encode())
        proc.stdin.flush()
        out = []
        for sha in shas:
            header = proc.stdout.readline().split()
            if len(header) != 3 or header[1] != b"blob":
                raise GitError(Msg("cannot read blob {sha} from git", sha=sha))
            size = int(header[2])
            out.append(proc.stdout.read(size))
            proc.stdout.read(1)  # the newline after each object
        return out

    def read_objects(self, names: list[str]) -> list[bytes | None]:
        """The bytes of several objects named any way git names them (``REF:path``), None for
        those that do not exist, in one exchange with the persistent ``git cat-file --batch``."""
        if not names:
            return []
        proc = self._batch_process()
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write("".join(f"{name}\n" for name in names).encode())
        proc.stdin.flush()
        out: list[bytes | None] = []
        for _ in names:
            header = proc.stdout.readline().split()
            if len(header) != 3:  # "NAME missing" (or ambiguous): nothing follows
                out.append(None)
                continue
            out.append(proc.stdout.read(int(header[2])))
            proc.stdout.read(1)  # the newline after each object
        return out

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- state ---------------------------------------------------------------------------------

    @cached_property
    def is_shallow(self) -> bool:
        return bool(self.run_git("rev-parse", "--is-shallow-repository") == "true")

    @cached_property
    def shallow_commits(self) -> frozenset[str]:
        """Commits at the boundary of a shallow clone: their parents are missing, so git shows
        them as creating every file they hold."""
        if not self.is_shallow:
            return frozenset()
        path = Path(self.run_git("rev-parse", "--git-path", "shallow"))
        if not path.is_absolute():
            path = self.git_root / path
        try:
            return frozenset(path.read_text().split())
        except OSError:
            return frozenset()

    def write_index_tree(self) -> str:
        """A tree object of the current index, to put the index back exactly (read_index_tree)."""
        return str(self.run_git("write-tree"))

    def read_index_tree(self, tree: str) -> None:
        self.run_git("read-tree", tree)

    def has_commits(self) -> bool:
        if self._has_commits is None:
            try:
                self.run_git("rev-parse", "--verify", "--quiet", "HEAD^{commit}")
                self._has_commits = True
            except GitError:
                self._has_commits = False
        return self._has_commits

    def head(self) -> str:
        if not self.has_commits():
            raise GitError("the repository has no commit yet", hint="commit the frameworks first")
        return self.run_git("rev-parse", "HEAD^{commit}")

    def branch(self) -> str | None:
        """The current branch, or None on a detached HEAD."""
        try:
            return self.run_git("symbolic-ref", "--quiet", "--short", "HEAD")
        except GitError:
            return None

    def ignored(self, paths: list[str]) -> list[str]:
        """Untracked files under ``paths`` that git ignores (repository-relative)."""
        out = self.run_git(
            "ls-files", "--others", "--ignored", "--exclude-standard", "-z", "--",
            *[self.prefix + p for p in paths],
            strip=False,
        )  # fmt: skip
        return [self._unprefix(p) for p in out.split("\0") if p]

    def ignore_rule(self, path: str) -> str | None:
        """Which rule ignores ``path``: "file:line: pattern", or None."""
        try:
            out = self.run_git("check-ignore", "--verbose", "--no-index", "--", self.prefix + path)
        except GitError:
            return None
        source, _, _ = out.partition("\t")
        return source or None

    def status(self, paths: list[str] | None = None) -> list[tuple[str, str]]:
        """Uncommitted changes as (status, repository-relative path); untracked files included."""
        # no optional locks: a read-only status never writes the index (it may not: a full
        # disk, a release holding index.lock)
        args = ["--no-optional-locks", "status", "--porcelain=v1", "-z", "--untracked-files=all"]
        if paths is not None:
            args += ["--", *[self.prefix + p for p in paths]]
        out = self.run_git(*args, strip=False)
        entries = out.split("\0")
        result = []
        i = 0
        while i < len(entries):
            entry = entries[i]
            i += 1
            if len(entry) < 4:
                continue
            code, path = entry[:2], entry[3:]
            if code[0] in "RC":  # renames carry the old path next
                i += 1
            result.append((code, self._unprefix(path)))
        return result

    # -- revisions -----------------------------------------------------------------------------

    def resolve(self, rev: str) -> str:
        """The commit a revision names (tag, branch, commit, HEAD~2...), or a clear error."""
        if rev.startswith("-"):
            raise GitError(Msg("{rev} is not a revision", rev=repr(rev)))
        try:
            return self.run_git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
        except GitError:
            hint = Msg("name a tag, a branch or a commit (git log --oneline lists them)")
            if self.is_shallow:
                hint = Msg(
                    "this clone is shallow: fetch the history with git fetch --unshallow --tags"
                )
            raise GitError(Msg("unknown revision {rev}", rev=repr(rev)), hint=hint) from None

    def changed_paths(self, commit: str) -> set[str]:
        """Repository-relative paths that differ between ``commit`` and the work tree (committed
        since, staged, unstaged), plus untracked files."""
        out = self.run_git(
            "diff", "--name-only", "-z", "--no-renames", commit, "--", self.prefix or "."
        )
        paths = {self._unprefix(p) for p in out.split("\0") if p}
        untracked = self.run_git(
            "ls-files", "--others", "--exclude-standard", "-z", "--", self.prefix or "."
        )
        paths |= {self._unprefix(p) for p in untracked.split("\0") if p}
        return paths

    def describe(self, commit: str) -> CommitInfo:
        out = self.run_git("show", "-s", "--format=%H%x00%h%x00%aI%x00%an%x00%s", commit)
        sha, short, date, author, subject = out.split("\0", 4)
        return CommitInfo(sha, short, date, author, subject)

    def log(
        self, path: str, *, rev: str = "HEAD", follow_first_parent: bool = False
    ) -> list[CommitInfo]:
        """Commits that touched ``path`` (repository-relative), newest first."""
        args = ["log", "--format=%H%x00%h%x00%aI%x00%an%x00%s"]
        if follow_first_parent:
            args.append("--first-parent")
        out = self.run_git(*args, rev, "--", self.prefix + path)
        commits = []
        for line in out.splitlines():
            sha, short, date, author, subject = line.split("\0", 4)
            commits.append(CommitInfo(sha, short, date, author, subject))
        return commits

    def parent(self, commit: str) -> str | None:
        out = self.run_git("rev-list", "--parents", "-n", "1", commit).split()
        return out[1] if len(out) > 1 else None

    def tags(self, pattern: str) -> dict[str, str]:
        """Tag name -> commit, for tags matching ``pattern`` (e.g. ``plombier/v*``).

        Every tag is read once per ``History`` (one git process, not one per framework)."""
        if self._tags is None:
            out = self.run_git(
                "for-each-ref",
                "--format=%(refname:strip=2)%00%(objectname)%00%(*objectname)",
                "refs/tags",
            )
            self._tags = {}
            self._tag_groups = None
            for line in out.splitlines():
                name, obj, peeled = line.split("\0")
                self._tags[name] = peeled or obj
        if pattern.endswith("/v*") and "*" not in pattern[:-1] and "?" not in pattern:
            # a framework's release tags: looked up by their folder-like prefix, not matched
            # one by one against every tag of the repository (500 frameworks: 250,000 matches)
            if self._tag_groups is None:
                groups: dict[str, dict[str, str]] = {}
                for name, commit in self._tags.items():
                    head, sep, _ = name.rpartition("/v")
                    if sep:
                        groups.setdefault(head, {})[name] = commit
                self._tag_groups = groups
            return dict(self._tag_groups.get(pattern[: -len("/v*")], {}))
        return {name: commit for name, commit in self._tags.items() if fnmatchcase(name, pattern)}

    # -- reading files at a commit ---------------------------------------------------------------

    def folders_at(self, commit: str) -> list[str]:
        """Framework folders (repository-relative) present at ``commit``."""
        out = self.run_git(
            "ls-tree", "-z", "--name-only", "-d", commit, "--", self.prefix + FRAMEWORKS_DIR + "/"
        )
        names = [self._unprefix(p) for p in out.split("\0") if p]
        return sorted(n for n in names if not n.rsplit("/", 1)[-1].startswith((".", "_")))

    def _listing(self, commit: str) -> dict[str, list[tuple[str, str, int]]]:
        """Every YAML blob under frameworks/ at ``commit``, by framework folder: one ``ls-tree``
        per commit instead of one per folder (starting a process costs more than parsing a
        small framework)."""
        cached = self._listings.get(commit)
        if cached is not None:
            return cached
        out = self.run_git(
            "ls-tree", "-r", "-l", "-z", commit, "--", self.prefix + FRAMEWORKS_DIR + "/"
        )
        listing: dict[str, list[tuple[str, str, int]]] = {}
        for entry in out.split("\0"):
            if not entry:
                continue
            meta, path = entry.split("\t", 1)
            _mode, kind, sha, size = meta.split()
            name = path.rsplit("/", 1)[-1]
            if kind != "blob" or name.startswith(".") or not name.endswith((".yaml", ".yml")):
                continue
            rel = self._unprefix(path)
            folder = "/".join(rel.split("/", 2)[:2])
            listing.setdefault(folder, []).append((rel, sha, int(size)))
        if len(self._listings) > 16:
            self._listings.clear()
        self._listings[commit] = listing
        return listing

    def yaml_paths_at(self, commit: str, folder: str) -> set[str]:
        """The YAML files of a framework folder at ``commit`` (one ``ls-tree`` per commit,
        shared by every folder)."""
        sha = commit if len(commit) == 40 else self.resolve(commit)
        return {path for path, _, _ in self._listing(sha).get(folder, [])}

    def files_at(self, commit: str, folder: str) -> list[RawFile]:
        """The YAML files of a framework folder at ``commit``, read from git objects."""
        sha_of_commit = commit if len(commit) == 40 else self.resolve(commit)
        listing = self._listing(sha_of_commit).get(folder, [])
        wanted = [sha for _, sha, size in listing if size <= MAX_FILE_BYTES]
        blobs = dict(zip(wanted, self.read_blobs(wanted), strict=True))
        return [RawFile(path, blobs.get(sha), size, sha) for path, sha, size in listing]

    def read_at(self, commit: str, path: str) -> bytes | None:
        """One file's bytes at ``commit``, or None if it does not exist there."""
        try:
            sha = self.run_git("rev-parse", "--verify", "--quiet", f"{commit}:{self.prefix}{path}")
        except GitError:
            return None
        return bytes(self.git_repo.odb.stream(bytes.fromhex(sha)).read())

    def load_at(self, commit: str, folder: str) -> LoadedFramework:
        files = self.files_at(commit, folder)
        if not files:
            raise GitError(
                Msg("{folder} does not exist at commit {commit}", folder=folder, commit=commit[:10])
            )
        return load_framework(folder, files, blobs=self.blobs)

    def tree_id(self, commit: str, folder: str) -> str | None:
        """The git tree id of a folder at a commit: equal ids mean identical content."""
        try:
            return self.run_git(
                "rev-parse", "--verify", "--quiet", f"{commit}:{self.prefix}{folder}"
            )
        except GitError:
            return None

    def tree_ids(self, places: list[tuple[str, str]]) -> list[str | None]:
        """The git tree ids of many (commit, folder) pairs, in one ``git cat-file --batch-check``
        exchange: equal ids mean identical content, known without reading a file."""
        if not places:
            return []
        lines = "".join(f"{commit}:{self.prefix}{folder}\n" for commit, folder in places)
        answer = self.run_git("cat-file", "--batch-check", input=lines.encode(), strip=False)
        out: list[str | None] = []
        for line in answer.splitlines():
            parts = line.split()
            out.append(parts[0] if len(parts) == 3 and parts[1] == "tree" else None)
        if len(out) != len(places):
            raise GitError("git cat-file answered an unexpected number of lines")
        return out

    # -- writing -------------------------------------------------------------------------------

    def commit_paths(self, paths: list[str], message: str) -> str:
        """Commit exactly ``paths`` (repository-relative; additions and deletions) and return the commit."""
        from refkit.store.lock import repository_lock

        full = [self.prefix + p for p in paths]
        self._has_commits = None
        with repository_lock(self.repository.root, "commit"):
            self.run_git("add", "--all", "--", *full)
            self.run_git("commit", "--quiet", "--no-verify", "-m", message, "--", *full)
            return self.head()

    def tag(self, name: str, commit: str, message: str) -> None:
        self._tags = None
        self._tag_groups = None
        self.run_git("tag", "--annotate", "-m", message, name, commit)

    # -- plumbing ------------------------------------------------------------------------------

    def _unprefix(self, path: str) -> str:
        return path[len(self.prefix) :] if self.prefix and path.startswith(self.prefix) else path

    def run_git(
        self,
        *args: str,
        strip: bool = True,
        input: bytes | None = None,
        env: dict[str, str] | None = None,
        check: bool = True,
    ) -> str:
        """The output of ``git ARGS`` in this repository's work tree (``command.git``)."""
        out = git(self.git_root, *args, input=input, env=env, check=check)
        text = out.decode("utf-8", "replace")
        return text.strip() if strip else text


def git_available() -> bool:
    try:
        git(Path.cwd(), "--version")
    except GitError:
        return False
    return True

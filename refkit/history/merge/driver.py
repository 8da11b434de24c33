"""Provides ``run_driver``: what ``refkit merge-driver %O %A %B %P`` does when git calls it.

git calls the driver for a file both sides changed (``.gitattributes``: ``merge=refkit``) with
three temporary files (base, ours, theirs) and the file's path; the driver writes the merged text
over ours' temporary file and exits 0 (merged) or 1 (git keeps the file unmerged: no merge
commit is made by accident). ``git merge`` names theirs' commit in the environment
(``GITHEAD_<sha>``, builtin/merge.c); with HEAD and the merge base, the driver reads the other
block files of the framework from git when a competency moved or was renumbered
(``merge.moves``). What it leaves for a person (conflicts) or for refkit's own merge step
(carries) is recorded in ``<git-dir>/refkit/conflicts.json``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from refkit.errors import RefkitError
from refkit.history import History
from refkit.history.merge.conflicts import Records, load_records, save_records
from refkit.history.merge.moves import Sides
from refkit.history.merge.text import Merged, merge_texts, text_merge
from refkit.i18n import Msg, N_plural

_SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")


def theirs_commit(env: Mapping[str, str]) -> str | None:
    """The commit being merged, as ``git merge`` names it (one only: an octopus names several)."""
    heads = [k[len("GITHEAD_") :] for k in env if k.startswith("GITHEAD_")]
    heads = [h for h in heads if _SHA.match(h)]
    return heads[0] if len(heads) == 1 else None


class Context:
    """The repository the driver runs in (git starts it at the top of the work tree), opened
    only when needed: to follow a moved competency, or to record what is left to do."""

    def __init__(self, top: Path, env: Mapping[str, str]) -> None:
        self.top = top
        self.theirs = theirs_commit(env)
        self._history: History | None = None
        self._commits: tuple[str, str, str] | None = None

    def history(self) -> History:
        if self._history is None:
            from refkit.store.repository import Repository

            self._history = History(Repository(self.top))
        return self._history

    def run_git(self, *args: str) -> str:
        return self.history().run_git(*args, strip=False).rstrip("\n")

    def commits(self) -> tuple[str, str, str] | None:
        """(merge base, HEAD, theirs), or None when theirs' commit is unknown."""
        if self._commits is None and self.theirs is not None:
            try:
                head = self.run_git("rev-parse", "HEAD")
                base = self.run_git("merge-base", head, self.theirs).split()[0]
            except (RefkitError, IndexError):
                return None
            self._commits = (base, head, self.theirs)
        return self._commits

    def sides(self, path: str) -> Sides | None:
        commits = self.commits()
        if commits is None:
            return None
        history = self.history()
        blocks = str(PurePosixPath(path).parent)
        return Sides(history.run_git, history.read_blobs, commits, blocks)

    def git_dir(self) -> Path:
        return Path(self.run_git("rev-parse", "--absolute-git-dir"))

    def close(self) -> None:
        if self._history is not None:
            self._history.close()


def run_driver(
    base_file: str,
    ours_file: str,
    theirs_file: str,
    path: str,
    env: Mapping[str, str] | None = None,
) -> tuple[int, list[Msg]]:
    """Merge ``path`` (relative to the work tree) from git's three temporary files into
    ``ours_file``; (exit code, what to tell the person)."""
    env = os.environ if env is None else env
    texts = [Path(f).read_bytes().decode("utf-8", "surrogateescape") for f in (base_file, ours_file, theirs_file)]  # fmt: skip
    context = Context(Path.cwd(), env)
    try:
        merged = _merge(texts, path, context)
        Path(ours_file).write_bytes(merged.text.encode("utf-8", "surrogateescape"))
        notes = [merged.fallback] if merged.fallback is not None else []
        if merged.clean and not merged.carries:
            return 0, notes
        return 1, notes + _record(context, path, merged)
    finally:
        context.close()


def _merge(texts: list[str], path: str, context: Context) -> Merged:
    try:
        return merge_texts(texts[0], texts[1], texts[2], path, sides=lambda: context.sides(path))
    except Exception as e:  # refkit's merge failed: git's text merge is kept, and said
        first = (str(e).splitlines() or [type(e).__name__])[0]
        return text_merge(
            texts[0],
            texts[1],
            texts[2],
            Msg("refkit could not merge {file} ({error}): merged as text", file=path, error=first),
        )


def _record(context: Context, path: str, merged: Merged) -> list[Msg]:
    """Keep what is left to do in the git directory; what to tell the person."""
    try:
        git_dir = context.git_dir()
        head = context.run_git("rev-parse", "HEAD")
    except RefkitError as e:
        return [Msg("{file}: the conflicts could not be recorded ({error})", file=path, error=e.message)]  # fmt: skip
    records = load_records(git_dir)
    commits = context.commits()
    theirs = context.theirs or ""
    if (records.head, records.theirs) != (head, theirs):
        records = Records(head, theirs, commits[0] if commits else "")
    records.conflicts = [c for c in records.conflicts if c.file != path] + merged.conflicts
    records.carries = [c for c in records.carries if c.file != path or c.ident == ""]
    records.carries += merged.carries
    if path not in records.files:
        records.files.append(path)
    notes: list[Msg] = []
    if merged.markers:
        records.failed[path] = str(merged.fallback or "")
        notes.append(Msg("{file}: lines changed on both sides are marked as git marks them", file=path))  # fmt: skip
    save_records(git_dir, records)
    if merged.conflicts:
        notes.append(
            Msg(
                N_plural(
                    "{file}: {n} field changed differently on both sides; the file keeps yours: "
                    "choose with refkit resolve (or in refkit edit)",
                    "{file}: {n} fields changed differently on both sides; the file keeps yours: "
                    "choose with refkit resolve (or in refkit edit)",
                ),
                file=path,
                n=len(merged.conflicts),
            )
        )
    for carry in merged.carries:
        notes.append(
            Msg(
                "{file}: competency {id} moved to {other} on one side and changed on the other: "
                "refkit resolve --continue (or refkit sync) writes it there",
                file=path,
                id=carry.ident,
                other=carry.file,
            )
        )
    if not merged.followed:
        notes.append(Msg("{file}: theirs' commit is unknown (not a git merge): a competency moved to another block cannot be followed", file=path))  # fmt: skip
    return notes

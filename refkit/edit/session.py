"""Provides ``Session``: the frameworks of a repository, open for editing (no user interface).

A session holds every framework of a repository as loaded by the store, and changes them through a
small set of operations (``refkit.edit.values``: set a field, replace texts;
``refkit.edit.operations``: add, duplicate, delete, move, reorder...). Each operation is saved at
once through the store (``apply``: comments and layout kept, only the changed files written, each
atomically, refused if a file changed on disk since it was read), so that quitting never loses an
edit.

Undo and redo work on the files themselves: an operation records the bytes of the files it changed,
before and after. Undoing writes the "before" bytes back (after checking that the files are still
as the operation left them) and reloads the framework. This is exact (the file comes back byte for
byte, comments included), it costs nothing while editing, and it does not depend on the model
objects, which the store replaces after every save.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from refkit.edit import operations, values
from refkit.edit.errors import Code, EditError
from refkit.edit.loading import load, read, snapshot, start_loading
from refkit.edit.refs import Ref, label, ref_of, resolve
from refkit.edit.results import Outcome, Step
from refkit.edit.saving import (
    fingerprints,
    framework_fingerprint,
    touched_blocks,
    unreadable_block,
)
from refkit.errors import ConflictError, RefkitError
from refkit.i18n import tr
from refkit.model import Competency, Framework
from refkit.problems import Problem
from refkit.store.files import atomic_write
from refkit.store.loader import BLOCKS_DIR, LoadedFramework, digest, no_gc
from refkit.store.repository import Repository
from refkit.store.workers import Loading

if TYPE_CHECKING:
    from refkit.store.outline import Outline


class Session:
    """The frameworks of a repository, open for editing."""

    def __init__(self, repo: Repository, *, checked: bool = True) -> None:
        """Read the frameworks' files. Block files never parsed before (no entry in the cache of
        parsed blobs: the first open after a clone) are parsed in worker processes when there
        are many; the session is returned at once and ``frameworks`` waits for them on first
        use, so that the editor starts its user interface meanwhile (``loading``).

        ``checked=False`` (the editor): the block files the workers parse are not checked
        against the schema field by field, nor cached, so that the first paint comes sooner;
        the frameworks are the same, but their ``problems`` miss those of the schema (the
        editor shows what its background check finds, and that check caches the files)."""
        self.repo = repo
        self._lang: str | None = None  # the editor's language (``lang``), found on first use
        self.undo_stack: list[Step] = []
        self.redo_stack: list[Step] = []
        self._frameworks: dict[str, LoadedFramework] = {}
        # by folder: the framework as last saved, its blocks' and its own fingerprints (apply)
        self._prints: dict[str, tuple[Framework, dict[str, list[Any]] | None, bytes]] = {}
        self._loading: Loading | None = start_loading(
            repo, [repo.rel(folder) for folder in repo.framework_folders()], checked=checked
        )
        self._outline: Outline | None = None  # (outline_view)
        self._viewing = False

    @property
    def loading(self) -> Loading | None:
        """The load started by ``__init__`` while it is not yet waited for (None after)."""
        return self._loading

    @property
    def frameworks(self) -> dict[str, LoadedFramework]:
        """Loaded frameworks by folder; the first use finishes the load ``__init__`` started
        (inside ``outline_view``, while worker processes read the block files: outlined)."""
        if self._viewing and self._outline is not None and self._loading is not None:
            return self._outline.frameworks
        if self._loading is not None:
            loading, self._loading = self._loading, None
            self._frameworks.update(loading.result())
        return self._frameworks

    @frameworks.setter
    def frameworks(self, value: dict[str, LoadedFramework]) -> None:
        self._loading = None
        self._frameworks = value

    @contextmanager
    def outline_view(self) -> Iterator[None]:
        """Within: while worker processes still read the block files, the frameworks as the
        editor's first screen shows them (``refkit.store.outline``: each block without its
        competencies), read here meanwhile in a fraction of the time, instead of waiting for
        the workers. For reading only: an outlined block has no competencies
        (``expandable`` says whether it has some); nothing may be changed within."""
        loading = self._loading
        if loading is not None and loading.workers and self._outline is None:
            from refkit.store.outline import outline

            self._outline = outline(loading.folders, loading.blobs)
        self._viewing = True
        try:
            yield
        finally:
            self._viewing = False

    @property
    def outlined(self) -> bool:
        """Whether ``outline_view`` showed an outline (the first screen needs painting again
        from the frameworks read whole)."""
        return self._outline is not None

    def expandable(self, ref: Ref) -> bool:
        """Whether the item at ``ref`` has items under it (a block, competencies; a
        competency, criteria); in ``outline_view`` too."""
        try:
            item = self.get(ref)
        except (KeyError, RefkitError):
            return False
        if isinstance(item, Framework):
            return bool(item.blocks)
        if isinstance(item, Competency):
            return bool(item.criteria)
        if self._viewing and self._outline is not None and self._loading is not None:
            return item.source is not None and item.source.file in self._outline.expandable
        return bool(item.competencies)

    @classmethod
    def open(cls, path: Path | None = None, *, checked: bool = True) -> Session:
        return cls(Repository.discover(path), checked=checked)

    @property
    def lang(self) -> str:
        """The language of what the session says (``refkit.edit.language``): the editor's."""
        if self._lang is None:
            from refkit.edit.language import editor_language

            self._lang = editor_language(None, self)
        return self._lang

    @lang.setter
    def lang(self, value: str) -> None:
        from refkit.i18n import language

        self._lang = language(value)

    # -- reading -----------------------------------------------------------------------------

    def framework(self, folder: str) -> Framework:
        loaded = self.frameworks.get(folder)
        if loaded is None:
            raise EditError(
                Code.NO_FRAMEWORK, tr("no framework in {folder}", self.lang).format(folder=folder)
            )
        if loaded.framework is None:
            raise EditError(
                Code.UNREADABLE,
                tr("{folder}/framework.yaml cannot be read", self.lang).format(folder=folder),
                hint=tr(
                    "fix the error shown in the problems panel (or by refkit validate)", self.lang
                ),
            )
        return loaded.framework

    def get(self, ref: Ref) -> Any:
        """The model object at ``ref``; raises KeyError when it no longer exists."""
        return resolve(self.framework(ref.folder), ref)

    def exists(self, ref: Ref) -> bool:
        try:
            self.get(ref)
        except (KeyError, RefkitError):
            return False
        return True

    def label(self, ref: Ref) -> str:
        return label(self.get(ref), ref)

    def breadcrumb(self, ref: Ref) -> list[str]:
        parts = [self.framework(ref.folder).title or ref.folder]
        if ref.block:
            parts.append(ref.block)
        if ref.competency:
            parts.append(ref.competency)
        if ref.criterion is not None:
            parts.append(tr("criterion {n}", self.lang).format(n=ref.criterion + 1))
        return parts

    def ref_of(self, problem: Problem) -> tuple[Ref | None, str | None]:
        """The item and field a problem is about."""
        return ref_of(self.frameworks, problem)

    # -- operations (refkit.edit.values, refkit.edit.operations) -----------------------------

    def set_field(self, ref: Ref, name: str, text: str) -> Outcome:
        return values.set_field(self, ref, name, text)

    def replace_texts(self, folder: str, replacements: list[Any], label: str) -> Outcome:
        return values.replace_texts(self, folder, replacements, label)

    def add(self, ref: Ref) -> Outcome:
        return operations.add(self, ref)

    def duplicate(self, ref: Ref) -> Outcome:
        return operations.duplicate(self, ref)

    def delete(self, ref: Ref) -> Outcome:
        return operations.delete(self, ref)

    def move(self, ref: Ref, to_block: str) -> Outcome:
        return operations.move(self, ref, to_block)

    def reorder(self, ref: Ref, delta: int) -> Outcome:
        return operations.reorder(self, ref, delta)

    def add_competencies(self, ref: Ref, competencies: list[Competency]) -> Outcome:
        return operations.add_competencies(self, ref, competencies)

    def create_framework(self, fid: str, title: str, lang: str = "fr") -> Outcome:
        return operations.create_framework(self, fid, title, lang)

    def set_block_place(self, folder: str, block_id: str, place: str | None) -> Outcome:
        return operations.set_block_place(self, folder, block_id, place)

    def confirm_correspondence(self, folder: str, from_version: str, entries: list[Any]) -> Outcome:
        return operations.confirm_correspondence(self, folder, from_version, entries)

    # -- saving ------------------------------------------------------------------------------

    # the cyclic collector off meanwhile: a save allocates much (fingerprints, the YAML merge)
    # and each of its passes would scan a large framework's model (3x the cost)
    @no_gc()
    def apply(
        self,
        folder: str,
        label: str,
        change: Callable[[Framework], None],
        before_ref: Ref | None,
        after_ref: Ref | None,
    ) -> Outcome:
        """Change a framework's model (``change``), save it at once, and record the files it
        wrote for undo. Only the files the change touched are merged and saved (what it touches
        is found by comparing fingerprints: a large framework is not written again for one
        field); a block file that could not be read is never written."""
        loaded, fw = self._writable(folder)
        root = self.repo.root
        before = snapshot(root, root / folder)
        kept = self._prints.get(folder)
        if kept is not None and kept[0] is fw:
            was, was_fw = kept[1], kept[2]  # as saved last: what the files hold
        else:
            was, was_fw = fingerprints(fw), framework_fingerprint(fw)
        change(fw)
        now = fingerprints(fw)
        touched = touched_blocks(was, now)
        broken = loaded.broken_blocks & (
            touched
            if touched is not None
            else {r.block for r in (before_ref, after_ref) if r is not None and r.block}
        )
        if broken:
            # a file refkit could not read (conflict markers, a syntax error) is never written:
            # the edit is refused and the model read again, so that nothing is shown as saved
            # that is not on disk
            self._read_again(folder)
            raise unreadable_block(loaded, min(broken), self.lang)
        written = self._save(folder, loaded, touched, was_fw != framework_fingerprint(fw))
        saved = loaded.framework  # read again after the save (the blocks not written kept)
        if saved is not None and now is not None and touched is not None:
            from refkit.store.compact import block_to_compact

            for b in saved.blocks:  # the blocks read again: their positions may have moved
                if b.id in touched:
                    now[b.id] = block_to_compact(b)
            self._prints[folder] = (saved, now, framework_fingerprint(saved))
        if not written:
            return Outcome(after_ref, "")
        after = {p: read(root / p) for p in written}
        self._record(Step(folder, label, {p: before.get(p) for p in written}, after, before_ref, after_ref))  # fmt: skip
        return Outcome(after_ref, self._saved(label, written), written)

    def _save(
        self, folder: str, loaded: LoadedFramework, touched: set[str] | None, framework: bool
    ) -> list[str]:
        """Save a changed framework (its touched blocks, its framework.yaml if ``framework``);
        the paths written or deleted."""
        # imported here: the editor's first open forks its loading workers sooner without them
        from refkit.store.lock import repository_lock
        from refkit.store.writer import save_framework

        try:
            # one writer at a time: a release (or another editor) does not interleave its files
            # with this save (refkit.store.lock)
            with repository_lock(self.repo.root, "the editor (save)"):
                result = save_framework(self.repo.root, loaded, blocks=touched, framework=framework)
        except (RefkitError, OSError):
            # the model holds an edit the files do not (a conflict, a file refkit cannot merge,
            # the repository busy): read the files again, so that what is shown is what is on
            # disk (someone else's change included)
            self._read_again(folder)
            raise
        return sorted({*result.written, *result.deleted})

    def _read_again(self, folder: str) -> None:
        from refkit.versions import load_worktree

        self.frameworks[folder] = load_worktree(self.repo, folder)

    def _writable(self, folder: str) -> tuple[LoadedFramework, Framework]:
        """A framework to change, and its model; refused when its framework.yaml is unreadable."""
        loaded = self.frameworks[folder]
        if loaded.framework is None:
            said = tr("{folder}/framework.yaml cannot be read: fix it first", self.lang)
            raise EditError(Code.UNREADABLE, said.format(folder=folder))
        return loaded, loaded.framework

    def _saved(self, label: str, paths: list[str]) -> str:
        files = ", ".join(p.rsplit("/", 1)[-1] for p in paths)
        return tr("{what}: saved ({files})", self.lang).format(what=label, files=files)

    def _record(self, step: Step) -> None:
        self.undo_stack.append(step)
        self.redo_stack.clear()

    def record_created(self, folder: str, label: str, files: list[str]) -> None:
        """A framework just created (its ``files`` written): loaded, and undoable by deleting
        them."""
        self.frameworks[folder] = load(self.repo, folder)
        after = {p: read(self.repo.root / p) for p in files}
        self._record(Step(folder, label, dict.fromkeys(files), after, None, Ref(folder)))

    # -- undo and redo -------------------------------------------------------------------------

    def undo(self) -> Outcome:
        if not self.undo_stack:
            return Outcome(None, tr("nothing to undo", self.lang))
        step = self.undo_stack[-1]
        self._restore(step, step.after, step.before)
        self.redo_stack.append(self.undo_stack.pop())
        said = tr("undone: {what}", self.lang).format(what=step.label)
        return Outcome(step.select_before, said, sorted(step.before))

    def redo(self) -> Outcome:
        if not self.redo_stack:
            return Outcome(None, tr("nothing to redo", self.lang))
        step = self.redo_stack[-1]
        self._restore(step, step.before, step.after)
        self.undo_stack.append(self.redo_stack.pop())
        said = tr("redone: {what}", self.lang).format(what=step.label)
        return Outcome(step.select_after, said, sorted(step.after))

    def _restore(
        self, step: Step, expected: dict[str, bytes | None], wanted: dict[str, bytes | None]
    ) -> None:
        from refkit.store.lock import repository_lock

        root = self.repo.root
        with repository_lock(root, "the editor (undo)"):
            changed = [p for p, data in expected.items() if read(root / p) != data]
            if changed:
                raise ConflictError(
                    tr("changed on disk since: {files}", self.lang).format(
                        files=", ".join(changed)
                    ),
                    hint=tr(
                        "reload (the other change wins); the undo history before it is dropped",
                        self.lang,
                    ),
                )
            for path, data in wanted.items():
                if data is None:
                    (root / path).unlink(missing_ok=True)
                else:
                    (root / path).parent.mkdir(parents=True, exist_ok=True)
                    atomic_write(root / path, data)
        if all(data is None for data in wanted.values()) and not any(
            (root / step.folder).rglob("*.yaml")
        ):
            self.frameworks.pop(step.folder, None)  # a framework created, then undone
            _remove_empty(root / step.folder)
            return
        self.frameworks[step.folder] = load(self.repo, step.folder)

    # -- the files on disk -----------------------------------------------------------------------

    def changed_on_disk(self) -> list[str]:
        """Files changed by someone else since the session read them (folders' files)."""
        root = self.repo.root
        out = []
        for folder, loaded in self.frameworks.items():
            seen = set()
            for path, known in loaded.hashes.items():
                seen.add(path)
                data = read(root / path)
                if data is None or digest(data) != known:
                    out.append(path)
            blocks = root / folder / BLOCKS_DIR
            if blocks.is_dir():
                for p in sorted(blocks.glob("*.yaml")):
                    rel = self.repo.rel(p)
                    if rel not in seen:
                        out.append(rel)
        return sorted(out)

    def reload(self, folder: str | None = None) -> None:
        """Read frameworks again from disk (all of them by default). The undo history keeps the
        steps whose files no one else changed: a step that wrote a file changed since (or a
        step after which a dropped step wrote it) can no longer be undone and is dropped; the
        redo history of a reloaded framework is dropped."""
        folders = [folder] if folder else [self.repo.rel(f) for f in self.repo.framework_folders()]
        tainted = set(self.changed_on_disk())
        kept: list[Step] = []
        for step in reversed(self.undo_stack):  # the newest first
            files = set(step.after)
            if files & tainted:
                tainted |= files  # the steps before it expect what it wrote: taken along
                continue
            kept.append(step)
        self.undo_stack = list(reversed(kept))
        for rel in folders:
            self.frameworks[rel] = load(self.repo, rel)
        self.redo_stack = [s for s in self.redo_stack if s.folder not in folders]
        for gone in set(self.frameworks) - {
            self.repo.rel(f) for f in self.repo.framework_folders()
        }:
            del self.frameworks[gone]

    # -- validation ------------------------------------------------------------------------------

    def validate(self) -> list[Problem]:
        """The problems ``refkit validate`` reports, for the whole repository (the files on disk
        are the session's state: every change is saved at once)."""
        from refkit.validate import validate

        return sorted(validate(self.repo, jobs=1).problems, key=Problem.sort_key)


def _remove_empty(folder: Path) -> None:
    """Remove a folder left empty (a file someone else put there stays, and its folders)."""
    import contextlib

    for empty in [*sorted(folder.rglob("*"), reverse=True), folder]:
        if empty.is_dir():
            with contextlib.suppress(OSError):
                empty.rmdir()

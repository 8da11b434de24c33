"""Provides ``Session``: the editing service behind ``refkit edit`` (no user interface here).

A session holds every framework of a repository as loaded by the store, and changes them through a
small set of operations: set a field, add, duplicate, delete, move a competency to another block,
reorder. Each operation is saved at once through the store (comments and layout kept, only the
changed files written, each atomically, refused if a file changed on disk since it was read), so
that quitting never loses an edit.

Undo and redo work on the files themselves: an operation records the bytes of the files it changed,
before and after. Undoing writes the "before" bytes back (after checking that the files are still
as the operation left them) and reloads the framework. This is exact (the file comes back byte for
byte, comments included), it costs nothing while editing, and it does not depend on the model
objects, which the store replaces after every save.

Items are named by ``Ref`` (framework folder, block id, competency id, criterion index), never by
object identity, for the same reason.
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from refkit.edit.fields import (
    FIELDS,
    _set_value,
    check_value,
    field_of,
    get_value,
    parse_value,
    refused,
)
from refkit.edit.fields import Field as Field  # (re-exported)
from refkit.edit.fields import display_value as display_value
from refkit.errors import ConflictError, RefkitError
from refkit.i18n import N_, ngettext, tr
from refkit.model import Block, Competency, Criterion, Framework, Kind
from refkit.problems import Problem, Severity
from refkit.store.files import atomic_write
from refkit.store.loader import BLOCKS_DIR, LoadedFramework, Loading, digest, no_gc
from refkit.store.repository import Repository

if TYPE_CHECKING:
    from refkit.diff.describe import Line


# the texts a new item is given, to write over: the English ones are refkit new's (the rule
# placeholder-text knows them, refkit.model.PLACEHOLDERS), the French ones the editor's own
NEW_BLOCK = N_("New block of competencies")
NEW_STATEMENT = N_("To be written — action verb, object and context")
NEW_CRITERION = N_("To be written — an observable criterion")


@dataclass(frozen=True, slots=True)
class Ref:
    """The address of an item: a framework, one of its blocks, a competency, a criterion."""

    folder: str
    block: str | None = None
    competency: str | None = None
    criterion: int | None = None

    @property
    def kind(self) -> str:
        if self.criterion is not None:
            return "criterion"
        if self.competency is not None:
            return "competency"
        if self.block is not None:
            return "block"
        return "framework"

    @property
    def parent(self) -> Ref | None:
        if self.criterion is not None:
            return replace(self, criterion=None)
        if self.competency is not None:
            return replace(self, competency=None)
        if self.block is not None:
            return Ref(self.folder)
        return None


# -- undo records ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Step:
    """One operation as files: their bytes before and after (None: the file did not exist)."""

    folder: str
    label: str
    before: dict[str, bytes | None]
    after: dict[str, bytes | None]
    select_before: Ref | None
    select_after: Ref | None


@dataclass(slots=True)
class Outcome:
    """What an operation did: the item to select now, and a sentence for the status line."""

    select: Ref | None
    message: str
    files: list[str] = field(default_factory=list)


class Session:
    """The frameworks of a repository, open for editing."""

    def __init__(self, repo: Repository, *, checked: bool = True) -> None:
        """Read the frameworks' files. Block files never parsed before (no entry in the cache of
        parsed blobs: the first open after a clone) are parsed in worker processes when there
        are many; the session is returned at once and ``frameworks`` waits for them on first
        use, so that the editor starts its user interface meanwhile (``_start_loading``).

        ``checked=False`` (the editor): the block files the workers parse are not checked
        against the schema field by field, nor cached, so that the first paint comes sooner;
        the frameworks are the same, but their ``problems`` miss those of the schema (the
        editor shows what its background check finds, and that check caches the files)."""
        self.repo = repo
        self._lang: str | None = None  # the editor's language (``lang``), found on first use
        self.undo_stack: list[Step] = []
        self.redo_stack: list[Step] = []
        self._frameworks: dict[str, LoadedFramework] = {}
        # by folder: the framework as last saved, its blocks' and its own fingerprints (_apply)
        self._prints: dict[str, tuple[Framework, dict[str, list[Any]] | None, bytes]] = {}
        self._loading: Loading | None = _start_loading(
            repo, [repo.rel(folder) for folder in repo.framework_folders()], checked=checked
        )

    @property
    def frameworks(self) -> dict[str, LoadedFramework]:
        """Loaded frameworks by folder; the first use finishes the load ``__init__`` started."""
        if self._loading is not None:
            loading, self._loading = self._loading, None
            self._frameworks.update(loading.result())
        return self._frameworks

    @frameworks.setter
    def frameworks(self, value: dict[str, LoadedFramework]) -> None:
        self._loading = None
        self._frameworks = value

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
            raise RefkitError(tr("no framework in {folder}", self.lang).format(folder=folder))
        if loaded.framework is None:
            raise RefkitError(
                tr("{folder}/framework.yaml cannot be read", self.lang).format(folder=folder),
                hint=tr(
                    "fix the error shown in the problems panel (or by refkit validate)", self.lang
                ),
            )
        return loaded.framework

    def get(self, ref: Ref) -> Any:
        """The model object at ``ref``; raises KeyError when it no longer exists."""
        fw = self.framework(ref.folder)
        if ref.block is None:
            return fw
        block = fw.block(ref.block)
        if block is None:
            raise KeyError(ref)
        if ref.competency is None:
            return block
        comp = block.competency(ref.competency)
        if comp is None:
            raise KeyError(ref)
        if ref.criterion is None:
            return comp
        if not 0 <= ref.criterion < len(comp.criteria):
            raise KeyError(ref)
        return comp.criteria[ref.criterion]

    def exists(self, ref: Ref) -> bool:
        try:
            self.get(ref)
        except (KeyError, RefkitError):
            return False
        return True

    def label(self, ref: Ref) -> str:
        item = self.get(ref)
        if isinstance(item, Framework):
            return item.title or ref.folder
        if isinstance(item, Block):
            return f"{item.id} {item.title}"
        if isinstance(item, Competency):
            return f"{item.id} {item.statement}"
        return f"{(ref.criterion or 0) + 1}. {item.text}"

    def breadcrumb(self, ref: Ref) -> list[str]:
        parts = [self.framework(ref.folder).title or ref.folder]
        if ref.block:
            parts.append(ref.block)
        if ref.competency:
            parts.append(ref.competency)
        if ref.criterion is not None:
            parts.append(tr("criterion {n}", self.lang).format(n=ref.criterion + 1))
        return parts

    # -- operations --------------------------------------------------------------------------

    def set_field(self, ref: Ref, name: str, text: str) -> Outcome:
        f = field_of(ref.kind, name)
        try:
            value = parse_value(f, text)
        except ValueError as e:
            raise RefkitError(refused(f, tr(str(e), self.lang), self.lang)) from None
        problem = check_value(f, value, self.lang)
        if problem is not None:
            raise RefkitError(refused(f, problem, self.lang))
        item = self.get(ref)
        if get_value(item, name) == value or (value is None and not get_value(item, name)):
            return Outcome(ref, "")
        new_ref = ref
        if name == "id":
            new_ref = self._check_new_id(ref, str(value))

        def change(fw: Framework) -> None:
            target = self._resolve(fw, ref)
            if ref.kind == "criterion":
                target.text = value
            else:
                if name == "id" and ref.kind == "block":
                    _rename_block_refs(fw, ref.block or "", str(value))
                _set_value(target, name, value)

        what = self._name(ref)
        if ref.kind != "criterion":
            what = tr("{field} of {item}", self.lang).format(
                field=tr(f.label, self.lang), item=what
            )
        return self._apply(ref.folder, what, change, ref, new_ref)

    def replace_texts(self, folder: str, replacements: list[Any], label: str) -> Outcome:
        """Apply a find-and-replace plan (``refkit.edit.search.plan_replace``) as one operation:
        one save, one undo step. Refused, with nothing changed, when a text is no longer what
        the plan read or a new text would not be valid."""
        if not replacements:
            return Outcome(None, "")
        for r in replacements:
            f = field_of(r.ref.kind, r.field)
            current = get_value(self.get(r.ref), r.field)
            if current != r.old:
                raise RefkitError(
                    tr("{item} changed since the preview: nothing was replaced", self.lang).format(
                        item=self._name(r.ref)
                    ),
                    hint=tr("search again to see the texts as they are", self.lang),
                )
            problem = check_value(f, parse_value(f, r.new), self.lang)
            if problem is not None:
                raise RefkitError(
                    tr("{field} of {item}: {reason}; nothing was replaced", self.lang).format(
                        field=tr(f.label, self.lang), item=self._name(r.ref), reason=problem
                    )
                )

        def change(fw: Framework) -> None:
            for r in replacements:
                target = self._resolve(fw, r.ref)
                if r.ref.kind == "criterion":
                    target.text = r.new
                else:
                    _set_value(target, r.field, r.new)

        return self._apply(folder, label, change, replacements[0].ref, replacements[0].ref)

    def create_framework(self, fid: str, title: str, lang: str = "fr") -> Outcome:
        """A new framework folder, valid at once (``refkit new framework``): a first block,
        competency and criterion to write over. Undone by deleting the files it wrote."""
        from refkit.scaffold import FRAMEWORK_ID, new_framework
        from refkit.store.lock import repository_lock

        if not FRAMEWORK_ID.match(fid):
            raise RefkitError(
                tr(
                    '"{id}": an id is written in lower-case letters, digits and hyphens '
                    "(e.g. plombier-chauffagiste); it names the folder and the published addresses",
                    self.lang,
                ).format(id=fid)
            )
        folder = f"frameworks/{fid}"
        if (self.repo.root / folder).exists():
            raise RefkitError(tr("folder {folder} already exists", self.lang).format(folder=folder))
        if not title.strip():
            raise RefkitError(
                refused(FIELDS["framework"][0], tr("this field is required", self.lang), self.lang)
            )
        root = self.repo.root
        with repository_lock(root, "the editor (new framework)"):
            created = new_framework(self.repo, fid, title=title.strip(), lang=lang)
        files = sorted(created.files)
        self.frameworks[folder] = _load(self.repo, folder)
        step = Step(
            folder,
            tr("creation of framework {id}", self.lang).format(id=fid),
            dict.fromkeys(files),
            {p: _read(root / p) for p in files},
            None,
            Ref(folder),
        )
        self.undo_stack.append(step)
        self.redo_stack.clear()
        said = tr("framework {id} created: {n} files", self.lang).format(id=fid, n=len(files))
        return Outcome(Ref(folder), said, files)

    def confirm_correspondence(self, folder: str, from_version: str, entries: list[Any]) -> Outcome:
        """Write the correspondence table the working group confirms (entries of
        ``refkit.diff.correspondence``) as the framework's ``correspondence`` section."""
        from refkit.model import Correspondence, CorrespondenceEntry

        section = Correspondence(
            from_version,
            [
                CorrespondenceEntry(e.type, e.old, list(e.new), list(e.missing), e.note)
                for e in entries
            ],
        )

        def change(f: Framework) -> None:
            f.correspondence = copy.deepcopy(section)

        return self._apply(
            folder,
            tr("correspondence table since {version} confirmed", self.lang).format(
                version=from_version
            ),
            change,
            Ref(folder),
            Ref(folder),
        )

    def set_block_place(self, folder: str, block_id: str, place: str | None) -> Outcome:
        """Where a block stands in the certification rules: ``"required"``, the id of an
        elective group, or None (outside the rules)."""
        fw = self.framework(folder)
        groups = {g.id for g in fw.certification.electives}
        if place not in (None, "required") and place not in groups:
            raise RefkitError(
                tr("no elective group {group} in {framework}", self.lang).format(
                    group=place, framework=fw.id
                )
            )
        known = {b.id for b in fw.blocks} | {s.block for s in fw.shared_blocks}
        if block_id not in known:
            raise RefkitError(
                tr("no block {block} in {framework}", self.lang).format(
                    block=block_id, framework=fw.id
                )
            )

        def change(f: Framework) -> None:
            rules = f.certification
            rules.required = [b for b in rules.required if b != block_id]
            for group in rules.electives:
                group.blocks = [b for b in group.blocks if b != block_id]
            if place == "required":
                order = [b.id for b in f.blocks] + [s.block for s in f.shared_blocks]
                rules.required.append(block_id)
                rules.required.sort(key=lambda b: order.index(b) if b in order else len(order))
            elif place is not None:
                group = next(g for g in rules.electives if g.id == place)
                group.blocks.append(block_id)

        where = {
            "required": tr("required", self.lang),
            None: tr("outside the certification rules", self.lang),
        }.get(place, tr("elective ({group})", self.lang).format(group=place))
        what = tr("{block}: {place}", self.lang).format(block=block_id, place=where)
        return self._apply(folder, what, change, Ref(folder), Ref(folder))

    def add_competencies(self, ref: Ref, competencies: list[Competency]) -> Outcome:
        """Add competencies at the end of a block (``ref``: the block, or one of its
        competencies: after it), as one operation (one undo step): rows pasted from a
        spreadsheet (``refkit.edit.paste``)."""
        if not competencies:
            return Outcome(ref, "")
        block_ref = Ref(ref.folder, ref.block)
        fw = self.framework(ref.folder)
        block = self.get(block_ref)
        taken = {c.id for _, c in fw.competencies()}
        clash = [c.id for c in competencies if c.id in taken]
        if clash or len({c.id for c in competencies}) != len(competencies):
            raise RefkitError(
                tr("ids already taken: {ids}; nothing was added", self.lang).format(
                    ids=", ".join(clash)
                )
            )
        after = ref.competency
        index = len(block.competencies)
        if after is not None:
            index = next((i + 1 for i, c in enumerate(block.competencies) if c.id == after), index)

        def change(f: Framework) -> None:
            target = self._resolve(f, block_ref)
            target.competencies[index:index] = copy.deepcopy(competencies)

        n = len(competencies)
        label = (
            tr("added {n} competencies ({first} to {last})", self.lang).format(
                n=n, first=competencies[0].id, last=competencies[-1].id
            )
            if n > 1
            else tr("added competency {id}", self.lang).format(id=competencies[0].id)
        )
        return self._apply(
            ref.folder, label, change, ref, replace(block_ref, competency=competencies[0].id)
        )

    def add(self, ref: Ref) -> Outcome:
        """Add a new item under ``ref`` (a block to a framework, a competency to a block, a
        criterion to a competency); from a competency or criterion, add a sibling after it."""
        fw = self.framework(ref.folder)
        if ref.kind == "framework":
            new_id = next_block_id(fw)
            block = Block(new_id, tr(NEW_BLOCK, self.lang))

            def change(f: Framework) -> None:
                f.blocks.append(copy.deepcopy(block))

            return self._apply(
                ref.folder,
                tr("added block {id}", self.lang).format(id=new_id),
                change,
                ref,
                Ref(ref.folder, new_id),
            )
        if ref.kind == "block":
            block_obj = self.get(ref)
            new_id = next_competency_id(fw, block_obj)

            def change(f: Framework) -> None:
                b = self._resolve(f, ref)
                b.competencies.append(
                    Competency(
                        new_id,
                        tr(NEW_STATEMENT, self.lang),
                        Kind.SKILL.value,
                        criteria=[Criterion(tr(NEW_CRITERION, self.lang))],
                    )
                )

            return self._apply(
                ref.folder,
                tr("added competency {id}", self.lang).format(id=new_id),
                change,
                ref,
                replace(ref, competency=new_id),
            )
        if ref.kind == "competency":
            comp = self.get(ref)
            index = len(comp.criteria)

            def change(f: Framework) -> None:
                self._resolve(f, ref).criteria.append(Criterion(tr(NEW_CRITERION, self.lang)))

            return self._apply(
                ref.folder,
                tr("added a criterion to {id}", self.lang).format(id=ref.competency),
                change,
                ref,
                replace(ref, criterion=index),
            )
        index = (ref.criterion or 0) + 1

        def add_after(f: Framework) -> None:
            new = Criterion(tr(NEW_CRITERION, self.lang))
            self._resolve(f, ref.parent).criteria.insert(index, new)  # type: ignore[arg-type]

        return self._apply(
            ref.folder,
            tr("added a criterion to {id}", self.lang).format(id=ref.competency),
            add_after,
            ref,
            replace(ref, criterion=index),
        )

    def duplicate(self, ref: Ref) -> Outcome:
        fw = self.framework(ref.folder)
        item = self.get(ref)
        if ref.kind == "framework":
            raise RefkitError(
                tr("a framework is duplicated with refkit new framework", self.lang),
                hint=tr("choose a block, a competency or a criterion", self.lang),
            )
        if ref.kind == "block":
            new_id = next_block_id(fw)

            def change(f: Framework) -> None:
                b = copy.deepcopy(self._resolve(f, ref))
                b.id, b.source = new_id, None
                taken = {c.id for _, c in f.competencies()}
                for c in b.competencies:
                    c.source = None
                    c.id = _free_id(c.id, taken)
                    taken.add(c.id)
                    for cr in c.criteria:
                        cr.source = None
                f.blocks.insert(f.blocks.index(self._resolve(f, ref)) + 1, b)

            return self._apply(
                ref.folder,
                tr("copied block {id} as {new}", self.lang).format(id=ref.block, new=new_id),
                change,
                ref,
                Ref(ref.folder, new_id),
            )
        if ref.kind == "competency":
            block = self.get(ref.parent)  # type: ignore[arg-type]
            new_id = _free_id(item.id, {c.id for _, c in fw.competencies()})
            del block

            def change(f: Framework) -> None:
                b = self._resolve(f, ref.parent)  # type: ignore[arg-type]
                c = copy.deepcopy(self._resolve(f, ref))
                c.id, c.source = new_id, None
                for cr in c.criteria:
                    cr.source = None
                b.competencies.insert(b.competencies.index(self._resolve(f, ref)) + 1, c)

            return self._apply(
                ref.folder,
                tr("copied {id} as {new}", self.lang).format(id=ref.competency, new=new_id),
                change,
                ref,
                replace(ref, competency=new_id),
            )
        index = (ref.criterion or 0) + 1

        def copy_criterion(f: Framework) -> None:
            self._resolve(f, ref.parent).criteria.insert(index, Criterion(item.text))  # type: ignore[arg-type]

        return self._apply(
            ref.folder,
            tr("copied a criterion of {id}", self.lang).format(id=ref.competency),
            copy_criterion,
            ref,
            replace(ref, criterion=index),
        )

    def delete(self, ref: Ref) -> Outcome:
        if ref.kind == "framework":
            raise RefkitError(
                tr("a framework is not deleted from the editor", self.lang),
                hint=tr("delete its folder with git", self.lang),
            )
        parent = ref.parent
        assert parent is not None

        def change(f: Framework) -> None:
            if ref.kind == "block":
                f.blocks.remove(self._resolve(f, ref))
            elif ref.kind == "competency":
                self._resolve(f, parent).competencies.remove(self._resolve(f, ref))
            else:
                del self._resolve(f, parent).criteria[ref.criterion or 0]

        what = {
            "block": tr("deleted block {id}", self.lang).format(id=ref.block),
            "competency": tr("deleted competency {id}", self.lang).format(id=ref.competency),
        }.get(ref.kind) or tr("deleted criterion {n} of {id}", self.lang).format(
            n=(ref.criterion or 0) + 1, id=ref.competency
        )
        select = parent
        if ref.kind == "criterion":
            left = len(self.get(parent).criteria) - 1
            if left > 0:
                select = replace(ref, criterion=min(ref.criterion or 0, left - 1))
        return self._apply(ref.folder, what, change, ref, select)

    def move(self, ref: Ref, to_block: str) -> Outcome:
        """Move a competency to another block of the same framework (at its end)."""
        if ref.kind != "competency":
            raise RefkitError(tr("only a competency moves to another block", self.lang))
        fw = self.framework(ref.folder)
        if fw.block(to_block) is None:
            raise RefkitError(
                tr("no block {block} in {framework}", self.lang).format(
                    block=to_block, framework=fw.id
                ),
                hint=tr("choose from: {ids}", self.lang).format(
                    ids=", ".join(b.id for b in fw.blocks)
                ),
            )
        if to_block == ref.block:
            return Outcome(ref, "")

        def change(f: Framework) -> None:
            source = self._resolve(f, replace(ref, competency=None))
            comp = self._resolve(f, ref)
            source.competencies.remove(comp)
            f.block(to_block).competencies.append(comp)  # type: ignore[union-attr]

        return self._apply(
            ref.folder,
            tr("{id} moved from {block} to {to}", self.lang).format(
                id=ref.competency, block=ref.block, to=to_block
            ),
            change,
            ref,
            Ref(ref.folder, to_block, ref.competency),
        )

    def reorder(self, ref: Ref, delta: int) -> Outcome:
        """Move an item up (delta -1) or down (+1) among its siblings."""
        if ref.kind == "framework":
            return Outcome(ref, "")
        fw = self.framework(ref.folder)
        if ref.kind == "block":
            items: list[Any] = fw.blocks
            index = items.index(self.get(ref))
        elif ref.kind == "competency":
            items = self.get(ref.parent).competencies  # type: ignore[arg-type]
            index = items.index(self.get(ref))
        else:
            items = self.get(ref.parent).criteria  # type: ignore[arg-type]
            index = ref.criterion or 0
        target = index + delta
        if not 0 <= target < len(items):
            return Outcome(ref, "")

        def change(f: Framework) -> None:
            if ref.kind == "block":
                seq = f.blocks
            elif ref.kind == "competency":
                seq = self._resolve(f, ref.parent).competencies  # type: ignore[arg-type]
            else:
                seq = self._resolve(f, ref.parent).criteria  # type: ignore[arg-type]
            seq.insert(target, seq.pop(index))

        select = replace(ref, criterion=target) if ref.kind == "criterion" else ref
        return self._apply(
            ref.folder,
            tr("{item} moved up" if delta < 0 else "{item} moved down", self.lang).format(
                item=self._name(ref)
            ),
            change,
            ref,
            select,
        )

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
            changed = [p for p, data in expected.items() if _read(root / p) != data]
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
            import contextlib

            for empty in [
                *sorted((root / step.folder).rglob("*"), reverse=True),
                root / step.folder,
            ]:
                if empty.is_dir():
                    with contextlib.suppress(OSError):  # a file someone else put there stays
                        empty.rmdir()
            return
        self.frameworks[step.folder] = _load(self.repo, step.folder)

    # -- the files on disk -----------------------------------------------------------------------

    def changed_on_disk(self) -> list[str]:
        """Files changed by someone else since the session read them (folders' files)."""
        root = self.repo.root
        out = []
        for folder, loaded in self.frameworks.items():
            seen = set()
            for path, known in loaded.hashes.items():
                seen.add(path)
                data = _read(root / path)
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
            self.frameworks[rel] = _load(self.repo, rel)
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

    def ref_of(self, problem: Problem) -> tuple[Ref | None, str | None]:
        """The item and field a problem is about."""
        for folder in self.frameworks:
            if problem.file == folder or problem.file.startswith(folder + "/"):
                break
        else:
            return None, None
        loaded = self.frameworks[folder]
        fw = loaded.framework
        path = list(problem.path)
        name = problem.file.rsplit("/", 1)[-1]
        if fw is None or not problem.file.startswith(f"{folder}/{BLOCKS_DIR}/"):
            key = next((p for p in path if isinstance(p, str)), None)
            return Ref(folder), key
        block_id = name[: -len(".yaml")]
        block = fw.block(block_id) or next(
            (b for b in fw.blocks if b.source and b.source.file == problem.file), None
        )
        if block is None:
            return Ref(folder), None
        ref = Ref(folder, block.id)
        if len(path) >= 2 and path[0] == "competencies" and isinstance(path[1], int):
            if path[1] < len(block.competencies):
                ref = replace(ref, competency=block.competencies[path[1]].id)
                if len(path) >= 4 and path[2] == "criteria" and isinstance(path[3], int):
                    return replace(ref, criterion=path[3]), "text"
                return ref, str(path[2]) if len(path) >= 3 else None
            return ref, None
        return ref, str(path[0]) if path else None

    # -- internals -----------------------------------------------------------------------------

    def _name(self, ref: Ref) -> str:
        if ref.kind == "criterion":
            return tr("{id} criterion {n}", self.lang).format(
                n=(ref.criterion or 0) + 1, id=ref.competency
            )
        return ref.competency or ref.block or ref.folder.rsplit("/", 1)[-1]

    @staticmethod
    def _resolve(fw: Framework, ref: Ref) -> Any:
        if ref.block is None:
            return fw
        block = fw.block(ref.block)
        if block is None:
            raise KeyError(ref)
        if ref.competency is None:
            return block
        comp = block.competency(ref.competency)
        if comp is None:
            raise KeyError(ref)
        if ref.criterion is None:
            return comp
        return comp.criteria[ref.criterion]

    def _check_new_id(self, ref: Ref, new_id: str) -> Ref:
        fw = self.framework(ref.folder)
        if ref.kind == "block":
            if new_id != ref.block and (
                fw.block(new_id) is not None or new_id in {s.block for s in fw.shared_blocks}
            ):
                raise RefkitError(tr("ID: block {id} already exists", self.lang).format(id=new_id))
            return replace(ref, block=new_id)
        if ref.kind == "competency":
            found = fw.find_competency(new_id)
            if new_id != ref.competency and found is not None:
                raise RefkitError(
                    tr("ID: {id} already exists (block {block})", self.lang).format(
                        id=new_id, block=found[0].id
                    )
                )
            return replace(ref, competency=new_id)
        return ref

    # the cyclic collector off meanwhile: a save allocates much (fingerprints, the YAML merge)
    # and each of its passes would scan a large framework's model (3x the cost)
    @no_gc()
    def _apply(
        self,
        folder: str,
        label: str,
        change: Callable[[Framework], None],
        before_ref: Ref | None,
        after_ref: Ref | None,
    ) -> Outcome:
        loaded, fw = self._writable(folder)
        # imported here: the editor's first open forks its loading workers sooner without them
        from refkit.store.compact import block_to_compact
        from refkit.store.lock import repository_lock
        from refkit.store.writer import save_framework
        from refkit.versions import load_worktree

        root = self.repo.root
        before = _snapshot(root, root / folder)
        # what the change touches, compared whole (blocks in their compact forms): only those
        # files are merged and saved (a large framework is not written again for one field)
        kept = self._prints.get(folder)
        if kept is not None and kept[0] is fw:
            was, was_fw = kept[1], kept[2]  # as saved last: what the files hold
        else:
            was, was_fw = _fingerprints(fw), _framework_fingerprint(fw)
        change(fw)
        now = _fingerprints(fw)
        touched = (
            {b for b, fp in now.items() if was.get(b) != fp}
            if was is not None and now is not None
            else None  # two blocks with one id: every block is merged, as a save without a hint
        )
        broken = loaded.broken_blocks & (
            touched
            if touched is not None
            else {r.block for r in (before_ref, after_ref) if r is not None and r.block}
        )
        if broken:
            # a file refkit could not read (conflict markers, a syntax error) is never written:
            # the edit is refused and the model read again, so that nothing is shown as saved
            # that is not on disk
            self.frameworks[folder] = load_worktree(self.repo, folder)
            raise RefkitError(*_unreadable_block(loaded, min(broken), self.lang))
        try:
            # one writer at a time: a release (or another editor) does not interleave its files
            # with this save (refkit.store.lock)
            with repository_lock(root, "the editor (save)"):
                result = save_framework(
                    root,
                    loaded,
                    blocks=touched,
                    framework=was_fw != _framework_fingerprint(fw),
                )
        except (RefkitError, OSError):
            # the model holds an edit the files do not (a conflict, a file refkit cannot merge,
            # the repository busy): read the files again, so that what is shown is what is on
            # disk (someone else's change included)
            self.frameworks[folder] = load_worktree(self.repo, folder)
            raise
        saved = loaded.framework  # read again after the save (the blocks not written kept)
        if saved is not None and now is not None and touched is not None:
            for b in saved.blocks:  # the blocks read again: their positions may have moved
                if b.id in touched:
                    now[b.id] = block_to_compact(b)
            self._prints[folder] = (saved, now, _framework_fingerprint(saved))
        paths = sorted({*result.written, *result.deleted})
        if not paths:
            return Outcome(after_ref, "")
        step = Step(
            folder,
            label,
            {p: before.get(p) for p in paths},
            {p: _read(root / p) for p in paths},
            before_ref,
            after_ref,
        )
        self.undo_stack.append(step)
        self.redo_stack.clear()
        return Outcome(after_ref, self._saved(label, paths), paths)

    def _writable(self, folder: str) -> tuple[LoadedFramework, Framework]:
        """A framework to change, and its model; refused when its framework.yaml is unreadable."""
        loaded = self.frameworks[folder]
        if loaded.framework is None:
            said = tr("{folder}/framework.yaml cannot be read: fix it first", self.lang)
            raise RefkitError(said.format(folder=folder))
        return loaded, loaded.framework

    def _saved(self, label: str, paths: list[str]) -> str:
        files = ", ".join(p.rsplit("/", 1)[-1] for p in paths)
        return tr("{what}: saved ({files})", self.lang).format(what=label, files=files)


def _unreadable_block(loaded: LoadedFramework, block_id: str, lang: str) -> tuple[str, str]:
    """Why a block cannot be changed: its file could not be read (message and hint)."""
    fw = loaded.framework
    block = fw.block(block_id) if fw is not None else None
    file = block.source.file if block is not None and block.source is not None else block_id
    first = next(
        (p for p in loaded.problems if p.file == file and p.severity is Severity.ERROR), None
    )
    where = file
    if first is not None:
        where = tr("{file}, line {line}: {problem}", lang).format(
            file=file, line=first.line, problem=first.text(lang)
        )
    return (
        tr(
            "{name} cannot be read ({where}); the editor never writes to a file it could not "
            "read: nothing was changed",
            lang,
        ).format(name=file.rsplit("/", 1)[-1], where=where),
        tr(
            "fix this file (a merge conflict is resolved by keeping one version of each marked "
            "line): the editor offers to reload it as soon as it changes",
            lang,
        ),
    )


def _fingerprints(fw: Framework) -> dict[str, list[Any]] | None:
    """Each block's whole content, by id, in a form cheap to make and compare (the compact form
    of the cache: 27 ms for 10,000 competencies); None when two blocks have one id."""
    from refkit.store.compact import block_to_compact

    out = {b.id: block_to_compact(b) for b in fw.blocks}
    return out if len(out) == len(fw.blocks) else None


def _framework_fingerprint(fw: Framework) -> bytes:
    """What framework.yaml and releases.yaml hold, as bytes (a copy, whatever is changed in
    place afterwards)."""
    import pickle

    from refkit.store.writer import framework_data, releases_data

    return pickle.dumps((framework_data(fw), releases_data(fw)))


def _load(repo: Repository, folder: str) -> LoadedFramework:
    """A framework's work tree, read again (after an undo or a reload)."""
    return _start_loading(repo, [folder]).result()[folder]


def _start_loading(repo: Repository, folders: list[str], *, checked: bool = True) -> Loading:
    """Start loading frameworks from the work tree. Each file's git blob id is computed from its
    bytes (sha1 of ``blob <size>\\0<bytes>``), so that a file whose bytes are those of a blob read
    before, by the editor or from git, comes from the cache of parsed blobs instead of being
    parsed (opening a large framework again costs a fraction); the files that are not there are
    parsed in worker processes, one per core, when there are many (``Loading``)."""
    import hashlib

    from refkit.cache import BlobCache
    from refkit.store.loader import RawFile, read_folder

    found = []
    for folder in folders:
        files = []
        for raw in read_folder(repo.root, repo.root / folder):
            if raw.data is not None:
                sha = hashlib.sha1(b"blob %d\0" % len(raw.data) + raw.data).hexdigest()
                raw = RawFile(raw.path, raw.data, raw.size, sha)
            files.append(raw)
        found.append((folder, files))
    return Loading(found, BlobCache(), jobs=_jobs(), checked=checked)


def _jobs() -> int:
    """Worker processes for a first load: one per core this process may use, at most 4."""
    try:
        return min(len(os.sched_getaffinity(0)), 4)
    except AttributeError:  # not on Linux
        return min(os.cpu_count() or 1, 4)


def _read(path: Path) -> bytes | None:
    from refkit.store.files import NotRegularFile, read_regular

    try:
        return read_regular(path)
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError, NotRegularFile):
        return None


def _snapshot(root: Path, folder: Path) -> dict[str, bytes | None]:
    out: dict[str, bytes | None] = {}
    for p in folder.rglob("*.yaml"):
        out[p.relative_to(root).as_posix()] = p.read_bytes()
    return out


_NUM = re.compile(r"^(.*?)(\d+)$")


def next_block_id(fw: Framework) -> str:
    taken = {b.id for b in fw.blocks} | {s.block for s in fw.shared_blocks}
    numbers = [int(m.group(2)) for b in fw.blocks if (m := _NUM.match(b.id)) and m.group(1) == "BC"]
    n = max(numbers, default=0) + 1
    while f"BC{n:02d}" in taken:
        n += 1
    return f"BC{n:02d}"


def next_competency_id(fw: Framework, block: Block) -> str:
    """The block's most common prefix with the next free number (C7.1..C7.4 -> C7.5, even when a
    moved-in C4.5 is listed last); C<block number>.1 for an empty block BC07."""
    taken = {c.id for _, c in fw.competencies()}
    prefixes: dict[str, int] = {}
    for c in block.competencies:
        if m := _NUM.match(c.id):
            prefixes[m.group(1)] = prefixes.get(m.group(1), 0) + 1
    if prefixes:
        prefix = max(prefixes, key=lambda k: prefixes[k])
    else:
        m = _NUM.match(block.id)
        prefix = f"C{int(m.group(2))}." if m else f"{block.id}."
    numbers = [int(m.group(2)) for i in taken if (m := _NUM.match(i)) and m.group(1) == prefix]
    n = max(numbers, default=0) + 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


def _free_id(base: str, taken: set[str]) -> str:
    m = re.match(r"^(.*?)(\d+)$", base)
    if m:
        prefix, n = m.group(1), int(m.group(2)) + 1
        while f"{prefix}{n}" in taken:
            n += 1
        return f"{prefix}{n}"
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _rename_block_refs(fw: Framework, old: str, new: str) -> None:
    """A block's id changed: its mentions in the certification rules and prerequisites follow."""
    rules = fw.certification
    rules.required = [new if b == old else b for b in rules.required]
    for group in rules.electives:
        group.blocks = [new if b == old else b for b in group.blocks]
    for b in fw.blocks:
        b.prerequisites = [new if p == old else p for p in b.prerequisites]


def errors_of(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity is Severity.ERROR]


# -- versions: changes, commit, history, release -------------------------------------------------


@dataclass(slots=True)
class ChangeLine:
    change: str  # added, removed, modified, moved, renamed
    badge: str  # "added", "changed"...
    text: str
    details: list[Line]  # how its fields changed: kept, removed and added words
    ref: Ref | None


@dataclass(slots=True)
class Changes:
    since: str | None  # the release compared with, None when never released
    lines: list[ChangeLine]
    summary: str


def _history(repo: Repository) -> Any:
    """A history for one task, to close when it is done (``with``): an editor open all day
    would otherwise keep a git process for each look at the changes."""
    from refkit.history import History

    return History(repo)


def changes_since_release(session: Session, folder: str, since: str | None = None) -> Changes:
    """What changed in a framework since its last release (or since ``since``, a git revision
    such as HEAD), in plain language."""
    from refkit.diff.describe import describe
    from refkit.versions import compare

    session.framework(folder)  # refused when its framework.yaml cannot be read
    try:
        with _history(session.repo) as history:  # its git processes ended at once
            comparison = compare(history, folder, since)
    except RefkitError as e:
        if since is None and "no release yet" in e.message:
            return Changes(None, [], tr("not yet published: everything is new", session.lang))
        if since is not None:
            return Changes(since, [], tr("new framework", session.lang))
        raise
    described = describe(comparison.diff, session.lang)
    lines = []
    for section in described.sections:
        for item in section.entries:
            ref: Ref | None = None
            if item.kind == "competency" and item.change != "removed" and item.block:
                ref = Ref(folder, item.block, item.id)
            elif item.kind == "block" and item.change != "removed":
                ref = Ref(folder, item.id)
            lines.append(ChangeLine(item.change, item.badge, item.about, list(item.lines), ref))
    return Changes(comparison.old_ref.label, lines, described.summary)


def change_summary(diff: Any, lang: str) -> str:
    """The counts of a diff in plain words, in the framework's language."""
    from refkit.diff.describe import describe

    return describe(diff, lang or "fr").summary


def uncommitted(session: Session) -> list[tuple[str, str]]:
    """Uncommitted changes to the frameworks: (git status code, path)."""
    folders = list(session.frameworks)
    with _history(session.repo) as history:
        found = history.status(folders)
    return [(code, path) for code, path in found if path.endswith(".yaml")]


def commit(session: Session, message: str) -> str:
    """Commit every framework change (refused while there are errors); returns the commit id."""
    message = message.strip()
    if not message:
        raise RefkitError(
            tr("the message is empty", session.lang),
            hint=tr("say in one sentence what changed", session.lang),
        )
    errors = errors_of(session.validate())
    if errors:
        first = errors[0]
        lang = session.lang
        raise RefkitError(
            ngettext(
                "{n} error to fix before recording the version: {where} {problem}",
                "{n} errors to fix before recording the version: {where} {problem}",
                len(errors),
                lang,
            ).format(
                n=len(errors),
                where=f"{first.file}:{first.line}:{first.col}",
                problem=first.text(lang),
            ),
            hint=tr("the problems panel lists them; Enter on a problem goes to it", lang),
        )
    from refkit.scaffold import first_commit_extras

    paths = [path for _, path in uncommitted(session)]
    if not paths:
        raise RefkitError(tr("nothing to record: no change since the last commit", session.lang))
    with _history(session.repo) as history:
        # the repository's first commit takes the schemas, CI and README refkit init wrote
        paths = sorted({*paths, *first_commit_extras(history)})
        return str(history.commit_paths(paths, message + "\n"))


def release_plan(
    session: Session, folder: str, bump: str | None = None, reason: str | None = None
) -> Any:
    from refkit.release import plan_release

    with _history(session.repo) as history:
        return plan_release(history, folder, bump, reason)


def proposed_correspondence(plan: Any) -> Any:
    """The correspondence table from the last release to the version planned (None for a first
    release): what refkit proposes, with what the working group wrote applied."""
    from refkit.diff.correspondence import correspondence

    fw = plan.loaded.framework
    if plan.previous is None or plan.diff is None or fw is None:
        return None
    return correspondence(plan.previous, fw, plan.diff)


def release(session: Session, plan: Any, message: str | None) -> Any:
    from refkit.release import perform_release

    with _history(session.repo) as history:
        result = perform_release(history, plan, message or None)
    session.reload(plan.folder)
    return result


def framework_history(session: Session, folder: str, limit: int = 50) -> Any:
    from refkit.versions import framework_log

    with _history(session.repo) as history:
        return framework_log(history, folder, limit, lang=session.lang)

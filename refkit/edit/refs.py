"""Provides ``Ref``, the address of an item (framework folder, block id, competency id,
criterion index), and what is read through one: the item itself (``resolve``), its name and
label, and the item a problem is about (``ref_of``).

Items are named by address, never by object identity: the store replaces the model after every
save."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from refkit.i18n import tr
from refkit.model import Block, Competency, Framework
from refkit.problems import Problem
from refkit.store.loader import BLOCKS_DIR, LoadedFramework


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


def resolve(fw: Framework, ref: Ref) -> Any:
    """The model object at ``ref`` in ``fw``; KeyError when it does not exist (any more)."""
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


def label(item: Any, ref: Ref) -> str:
    """How the tree and the dialogs name an item: its id and its text."""
    if isinstance(item, Framework):
        return item.title or ref.folder
    if isinstance(item, Block):
        return f"{item.id} {item.title}"
    if isinstance(item, Competency):
        return f"{item.id} {item.statement}"
    return f"{(ref.criterion or 0) + 1}. {item.text}"


def name(ref: Ref, lang: str) -> str:
    """The item in a sentence: "C7.5", "C7.5 criterion 2", "BC07", the framework's folder."""
    if ref.kind == "criterion":
        return tr("{id} criterion {n}", lang).format(n=(ref.criterion or 0) + 1, id=ref.competency)
    return ref.competency or ref.block or ref.folder.rsplit("/", 1)[-1]


def ref_of(
    frameworks: dict[str, LoadedFramework], problem: Problem
) -> tuple[Ref | None, str | None]:
    """The item and field a problem is about."""
    for folder in frameworks:
        if problem.file == folder or problem.file.startswith(folder + "/"):
            break
    else:
        return None, None
    fw = frameworks[folder].framework
    path = list(problem.path)
    file_name = problem.file.rsplit("/", 1)[-1]
    if fw is None or not problem.file.startswith(f"{folder}/{BLOCKS_DIR}/"):
        key = next((p for p in path if isinstance(p, str)), None)
        return Ref(folder), key
    block_id = file_name[: -len(".yaml")]
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

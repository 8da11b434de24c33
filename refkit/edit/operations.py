"""Provides the structural operations of the session: add, duplicate, delete, move a competency
to another block, reorder, paste competencies, create a framework, and the framework-wide ones
(a block's place in the certification rules, the confirmed correspondence table). Each is one
saved, undoable step (``Session.apply``), refused with an ``EditError`` when it cannot be done.
New ids follow the framework's numbering (``next_block_id``, ``next_competency_id``)."""

from __future__ import annotations

import copy
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from refkit.edit.errors import Code, EditError, FieldRefused
from refkit.edit.fields import FIELDS
from refkit.edit.refs import Ref, name, resolve
from refkit.edit.results import Outcome
from refkit.i18n import N_, tr
from refkit.model import Block, Competency, Criterion, Framework, Kind

if TYPE_CHECKING:
    from refkit.edit.session import Session

# the texts a new item is given, to write over: the English ones are refkit new's (the rule
# placeholder-text knows them, refkit.model.PLACEHOLDERS), the French ones the editor's own
NEW_BLOCK = N_("New block of competencies")
NEW_STATEMENT = N_("To be written — action verb, object and context")
NEW_CRITERION = N_("To be written — an observable criterion")


def add(session: Session, ref: Ref) -> Outcome:
    """Add a new item under ``ref`` (a block to a framework, a competency to a block, a
    criterion to a competency); from a criterion, add a sibling after it."""
    fw = session.framework(ref.folder)
    lang = session.lang
    if ref.kind == "framework":
        new_id = next_block_id(fw)
        block = Block(new_id, tr(NEW_BLOCK, lang))

        def add_block(f: Framework) -> None:
            f.blocks.append(copy.deepcopy(block))

        what = tr("added block {id}", lang).format(id=new_id)
        return session.apply(ref.folder, what, add_block, ref, Ref(ref.folder, new_id))
    if ref.kind == "block":
        new_id = next_competency_id(fw, session.get(ref))

        def add_competency(f: Framework) -> None:
            resolve(f, ref).competencies.append(
                Competency(
                    new_id,
                    tr(NEW_STATEMENT, lang),
                    Kind.SKILL.value,
                    criteria=[Criterion(tr(NEW_CRITERION, lang))],
                )
            )

        what = tr("added competency {id}", lang).format(id=new_id)
        return session.apply(ref.folder, what, add_competency, ref, replace(ref, competency=new_id))
    # a criterion: at the end of a competency, or after the criterion selected
    owner = ref if ref.kind == "competency" else ref.parent
    assert owner is not None
    index = len(session.get(ref).criteria) if ref.kind == "competency" else (ref.criterion or 0) + 1

    def add_criterion(f: Framework) -> None:
        resolve(f, owner).criteria.insert(index, Criterion(tr(NEW_CRITERION, lang)))

    what = tr("added a criterion to {id}", lang).format(id=ref.competency)
    return session.apply(ref.folder, what, add_criterion, ref, replace(ref, criterion=index))


def duplicate(session: Session, ref: Ref) -> Outcome:
    """A copy of the item right after it, with a new id (its competencies too, for a block)."""
    lang = session.lang
    fw = session.framework(ref.folder)
    item = session.get(ref)
    if ref.kind == "framework":
        raise EditError(
            Code.NOT_HERE,
            tr("a framework is duplicated with refkit new framework", lang),
            hint=tr("choose a block, a competency or a criterion", lang),
        )
    if ref.kind == "block":
        new_id = next_block_id(fw)

        def copy_block(f: Framework) -> None:
            b = copy.deepcopy(resolve(f, ref))
            b.id, b.source = new_id, None
            taken = {c.id for _, c in f.competencies()}
            for c in b.competencies:
                c.source = None
                c.id = free_id(c.id, taken)
                taken.add(c.id)
                for cr in c.criteria:
                    cr.source = None
            f.blocks.insert(f.blocks.index(resolve(f, ref)) + 1, b)

        what = tr("copied block {id} as {new}", lang).format(id=ref.block, new=new_id)
        return session.apply(ref.folder, what, copy_block, ref, Ref(ref.folder, new_id))
    parent = ref.parent
    assert parent is not None
    if ref.kind == "competency":
        new_id = free_id(item.id, {c.id for _, c in fw.competencies()})

        def copy_competency(f: Framework) -> None:
            b = resolve(f, parent)
            c = copy.deepcopy(resolve(f, ref))
            c.id, c.source = new_id, None
            for cr in c.criteria:
                cr.source = None
            b.competencies.insert(b.competencies.index(resolve(f, ref)) + 1, c)

        what = tr("copied {id} as {new}", lang).format(id=ref.competency, new=new_id)
        return session.apply(
            ref.folder, what, copy_competency, ref, replace(ref, competency=new_id)
        )
    index = (ref.criterion or 0) + 1

    def copy_criterion(f: Framework) -> None:
        resolve(f, parent).criteria.insert(index, Criterion(item.text))

    what = tr("copied a criterion of {id}", lang).format(id=ref.competency)
    return session.apply(ref.folder, what, copy_criterion, ref, replace(ref, criterion=index))


def delete(session: Session, ref: Ref) -> Outcome:
    lang = session.lang
    if ref.kind == "framework":
        raise EditError(
            Code.NOT_HERE,
            tr("a framework is not deleted from the editor", lang),
            hint=tr("delete its folder with git", lang),
        )
    parent = ref.parent
    assert parent is not None

    def change(f: Framework) -> None:
        if ref.kind == "block":
            f.blocks.remove(resolve(f, ref))
        elif ref.kind == "competency":
            resolve(f, parent).competencies.remove(resolve(f, ref))
        else:
            del resolve(f, parent).criteria[ref.criterion or 0]

    what = {
        "block": tr("deleted block {id}", lang).format(id=ref.block),
        "competency": tr("deleted competency {id}", lang).format(id=ref.competency),
    }.get(ref.kind) or tr("deleted criterion {n} of {id}", lang).format(
        n=(ref.criterion or 0) + 1, id=ref.competency
    )
    select = parent
    if ref.kind == "criterion":
        left = len(session.get(parent).criteria) - 1
        if left > 0:
            select = replace(ref, criterion=min(ref.criterion or 0, left - 1))
    return session.apply(ref.folder, what, change, ref, select)


def move(session: Session, ref: Ref, to_block: str) -> Outcome:
    """Move a competency to another block of the same framework (at its end)."""
    lang = session.lang
    if ref.kind != "competency":
        raise EditError(Code.NOT_HERE, tr("only a competency moves to another block", lang))
    fw = session.framework(ref.folder)
    if fw.block(to_block) is None:
        raise EditError(
            Code.NOT_FOUND,
            tr("no block {block} in {framework}", lang).format(block=to_block, framework=fw.id),
            hint=tr("choose from: {ids}", lang).format(ids=", ".join(b.id for b in fw.blocks)),
        )
    if to_block == ref.block:
        return Outcome(ref, "")

    def change(f: Framework) -> None:
        source = resolve(f, replace(ref, competency=None))
        comp = resolve(f, ref)
        source.competencies.remove(comp)
        f.block(to_block).competencies.append(comp)  # type: ignore[union-attr]

    what = tr("{id} moved from {block} to {to}", lang).format(
        id=ref.competency, block=ref.block, to=to_block
    )
    return session.apply(ref.folder, what, change, ref, Ref(ref.folder, to_block, ref.competency))


def reorder(session: Session, ref: Ref, delta: int) -> Outcome:
    """Move an item up (delta -1) or down (+1) among its siblings."""
    if ref.kind == "framework" or ref.parent is None:
        return Outcome(ref, "")
    parent = ref.parent

    def siblings(f: Framework) -> list[Any]:
        if ref.kind == "block":
            return f.blocks
        owner = resolve(f, parent)
        return owner.competencies if ref.kind == "competency" else owner.criteria  # type: ignore[no-any-return]

    fw = session.framework(ref.folder)
    items = siblings(fw)
    index = (ref.criterion or 0) if ref.kind == "criterion" else items.index(session.get(ref))
    target = index + delta
    if not 0 <= target < len(items):
        return Outcome(ref, "")

    def change(f: Framework) -> None:
        seq = siblings(f)
        seq.insert(target, seq.pop(index))

    select = replace(ref, criterion=target) if ref.kind == "criterion" else ref
    what = tr("{item} moved up" if delta < 0 else "{item} moved down", session.lang).format(
        item=name(ref, session.lang)
    )
    return session.apply(ref.folder, what, change, ref, select)


def add_competencies(session: Session, ref: Ref, competencies: list[Competency]) -> Outcome:
    """Add competencies at the end of a block (``ref``: the block, or one of its
    competencies: after it), as one operation (one undo step): rows pasted from a
    spreadsheet (``refkit.edit.paste``)."""
    if not competencies:
        return Outcome(ref, "")
    lang = session.lang
    block_ref = Ref(ref.folder, ref.block)
    fw = session.framework(ref.folder)
    block = session.get(block_ref)
    taken = {c.id for _, c in fw.competencies()}
    clash = [c.id for c in competencies if c.id in taken]
    if clash or len({c.id for c in competencies}) != len(competencies):
        raise EditError(
            Code.ID_TAKEN,
            tr("ids already taken: {ids}; nothing was added", lang).format(ids=", ".join(clash)),
        )
    index = len(block.competencies)
    if ref.competency is not None:
        index = next(
            (i + 1 for i, c in enumerate(block.competencies) if c.id == ref.competency), index
        )

    def change(f: Framework) -> None:
        resolve(f, block_ref).competencies[index:index] = copy.deepcopy(competencies)

    n = len(competencies)
    label = (
        tr("added {n} competencies ({first} to {last})", lang).format(
            n=n, first=competencies[0].id, last=competencies[-1].id
        )
        if n > 1
        else tr("added competency {id}", lang).format(id=competencies[0].id)
    )
    first = replace(block_ref, competency=competencies[0].id)
    return session.apply(ref.folder, label, change, ref, first)


def create_framework(session: Session, fid: str, title: str, lang: str = "fr") -> Outcome:
    """A new framework folder, valid at once (``refkit new framework``): a first block,
    competency and criterion to write over. Undone by deleting the files it wrote."""
    from refkit.scaffold import FRAMEWORK_ID, new_framework
    from refkit.store.lock import repository_lock

    says = session.lang
    if not FRAMEWORK_ID.match(fid):
        raise EditError(
            Code.INVALID_ID,
            tr(
                '"{id}": an id is written in lower-case letters, digits and hyphens '
                "(e.g. plombier-chauffagiste); it names the folder and the published addresses",
                says,
            ).format(id=fid),
        )
    folder = f"frameworks/{fid}"
    if (session.repo.root / folder).exists():
        raise EditError(
            Code.EXISTS, tr("folder {folder} already exists", says).format(folder=folder)
        )
    if not title.strip():
        raise FieldRefused(FIELDS["framework"][0], tr("this field is required", says), says)
    with repository_lock(session.repo.root, "the editor (new framework)"):
        created = new_framework(session.repo, fid, title=title.strip(), lang=lang)
    files = sorted(created.files)
    label = tr("creation of framework {id}", says).format(id=fid)
    session.record_created(folder, label, files)
    said = tr("framework {id} created: {n} files", says).format(id=fid, n=len(files))
    return Outcome(Ref(folder), said, files)


def set_block_place(session: Session, folder: str, block_id: str, place: str | None) -> Outcome:
    """Where a block stands in the certification rules: ``"required"``, the id of an
    elective group, or None (outside the rules)."""
    lang = session.lang
    fw = session.framework(folder)
    groups = {g.id for g in fw.certification.electives}
    if place not in (None, "required") and place not in groups:
        raise EditError(
            Code.NOT_FOUND,
            tr("no elective group {group} in {framework}", lang).format(
                group=place, framework=fw.id
            ),
        )
    known = {b.id for b in fw.blocks} | {s.block for s in fw.shared_blocks}
    if block_id not in known:
        raise EditError(
            Code.NOT_FOUND,
            tr("no block {block} in {framework}", lang).format(block=block_id, framework=fw.id),
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
        "required": tr("required", lang),
        None: tr("outside the certification rules", lang),
    }.get(place, tr("elective ({group})", lang).format(group=place))
    what = tr("{block}: {place}", lang).format(block=block_id, place=where)
    return session.apply(folder, what, change, Ref(folder), Ref(folder))


def confirm_correspondence(
    session: Session, folder: str, from_version: str, entries: list[Any]
) -> Outcome:
    """Write the correspondence table the working group confirms (entries of
    ``refkit.diff.correspondence``) as the framework's ``correspondence`` section."""
    from refkit.model import Correspondence, CorrespondenceEntry

    section = Correspondence(
        from_version,
        [CorrespondenceEntry(e.type, e.old, list(e.new), list(e.missing), e.note) for e in entries],
    )

    def change(f: Framework) -> None:
        f.correspondence = copy.deepcopy(section)

    what = tr("correspondence table since {version} confirmed", session.lang).format(
        version=from_version
    )
    return session.apply(folder, what, change, Ref(folder), Ref(folder))


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


def free_id(base: str, taken: set[str]) -> str:
    """``base`` with the next number not taken (C2.3 -> C2.4, or x -> x-2)."""
    m = _NUM.match(base)
    if m:
        prefix, n = m.group(1), int(m.group(2)) + 1
        while f"{prefix}{n}" in taken:
            n += 1
        return f"{prefix}{n}"
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"

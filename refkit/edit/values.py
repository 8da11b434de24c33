"""Provides the operations on typed values: set one field of an item (as typed, checked against
the schema, an id checked as free and followed where it is mentioned), and replace texts across
a framework (``refkit.edit.search.plan_replace``), each one saved and undoable step."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from refkit.edit.errors import Code, EditError, FieldRefused
from refkit.edit.fields import (
    check_value,
    field_of,
    get_value,
    parse_value,
    set_value,
    typed_value,
)
from refkit.edit.refs import Ref, name, resolve
from refkit.edit.results import Outcome
from refkit.i18n import tr
from refkit.model import Framework

if TYPE_CHECKING:
    from refkit.edit.session import Session


def set_field(session: Session, ref: Ref, field_name: str, text: str) -> Outcome:
    """Set one field of the item at ``ref`` as typed; ``FieldRefused`` when the value is not
    valid for it (or, for an id, already taken)."""
    lang = session.lang
    f = field_of(ref.kind, field_name)
    value = typed_value(f, text, lang)
    item = session.get(ref)
    if get_value(item, field_name) == value or (value is None and not get_value(item, field_name)):
        return Outcome(ref, "")
    new_ref = ref
    if field_name == "id":
        new_ref = _check_new_id(session, ref, str(value))

    def change(fw: Framework) -> None:
        target = resolve(fw, ref)
        if ref.kind == "criterion":
            target.text = value
        else:
            if field_name == "id" and ref.kind == "block":
                _rename_block_refs(fw, ref.block or "", str(value))
            set_value(target, field_name, value)

    what = name(ref, lang)
    if ref.kind != "criterion":
        what = tr("{field} of {item}", lang).format(field=tr(f.label, lang), item=what)
    return session.apply(ref.folder, what, change, ref, new_ref)


def replace_texts(session: Session, folder: str, replacements: list[Any], label: str) -> Outcome:
    """Apply a find-and-replace plan (``refkit.edit.search.plan_replace``) as one operation:
    one save, one undo step. Refused, with nothing changed, when a text is no longer what
    the plan read or a new text would not be valid."""
    if not replacements:
        return Outcome(None, "")
    lang = session.lang
    for r in replacements:
        f = field_of(r.ref.kind, r.field)
        current = get_value(session.get(r.ref), r.field)
        if current != r.old:
            raise EditError(
                Code.STALE,
                tr("{item} changed since the preview: nothing was replaced", lang).format(
                    item=name(r.ref, lang)
                ),
                hint=tr("search again to see the texts as they are", lang),
            )
        problem = check_value(f, parse_value(f, r.new), lang)
        if problem is not None:
            raise EditError(
                Code.INVALID_VALUE,
                tr("{field} of {item}: {reason}; nothing was replaced", lang).format(
                    field=tr(f.label, lang), item=name(r.ref, lang), reason=problem
                ),
            )

    def change(fw: Framework) -> None:
        for r in replacements:
            target = resolve(fw, r.ref)
            if r.ref.kind == "criterion":
                target.text = r.new
            else:
                set_value(target, r.field, r.new)

    return session.apply(folder, label, change, replacements[0].ref, replacements[0].ref)


def _check_new_id(session: Session, ref: Ref, new_id: str) -> Ref:
    """The item's address under its new id; refused when another item has that id."""
    fw = session.framework(ref.folder)
    lang = session.lang
    f = field_of(ref.kind, "id")
    if ref.kind == "block":
        if new_id != ref.block and (
            fw.block(new_id) is not None or new_id in {s.block for s in fw.shared_blocks}
        ):
            reason = tr("block {id} already exists", lang).format(id=new_id)
            raise FieldRefused(f, reason, lang, code=Code.ID_TAKEN)
        return replace(ref, block=new_id)
    if ref.kind == "competency":
        found = fw.find_competency(new_id)
        if new_id != ref.competency and found is not None:
            reason = tr("{id} already exists (block {block})", lang).format(
                id=new_id, block=found[0].id
            )
            raise FieldRefused(f, reason, lang, code=Code.ID_TAKEN)
        return replace(ref, competency=new_id)
    return ref


def _rename_block_refs(fw: Framework, old: str, new: str) -> None:
    """A block's id changed: its mentions in the certification rules and prerequisites follow."""
    rules = fw.certification
    rules.required = [new if b == old else b for b in rules.required]
    for group in rules.electives:
        group.blocks = [new if b == old else b for b in group.blocks]
    for b in fw.blocks:
        b.prerequisites = [new if p == old else p for p in b.prerequisites]

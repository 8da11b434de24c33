"""Provides the lists of records an item holds, edited one record at a time (no user interface).

Some fields of a framework or a block are lists of small records: the working group's members,
the activities, the shared blocks, the elective groups, the other registers' codes, the entries
of the correspondence table, a block's assessment modalities. Each list is described here once
(``RECORDS``): its record's fields (typed and checked like every other field, against the same
JSON Schema as ``refkit validate``), how to make a new record, and a one-line summary of a record.
The operations (set one field of one record, add, delete, move) go through the session: saved at
once through the store, undoable.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from refkit.edit.errors import Code, EditError
from refkit.edit.fields import Field, typed_value
from refkit.edit.refs import Ref, resolve
from refkit.edit.results import Outcome
from refkit.edit.session import Session
from refkit.i18n import N_, N_plural, ngettext, tr
from refkit.model import (
    Activity,
    Correspondence,
    CorrespondenceEntry,
    ElectiveGroup,
    Framework,
    Member,
    Modality,
    SharedBlockRef,
)


@dataclass(frozen=True, slots=True)
class Records:
    """A list of records of one item kind: where it lives, its record's fields, a new record."""

    kind: str  # the item kind holding it: framework or block
    name: str  # dotted path in the model (and id of the list)
    label: str  # "Working group" (English message ids, shown in the editor's language)
    one: str  # "a member": what a record is, with its article
    fields: tuple[Field, ...]
    make: Callable[[Framework, list[Any], str], Any]  # (framework, records, language)
    summary: Callable[[Any, str], str]  # (record, language)
    help: str = ""
    many: tuple[str, str] = ("item", "items")  # "member", "members": to count them (ngettext)


_FW = ("framework", ("properties",))
_BL = ("block", ("properties",))


def _f(kind: tuple[str, tuple[str, ...]], *path: str) -> tuple[str, tuple[str, ...]]:
    return (kind[0], (*kind[1], *path))


COLLEGES = (
    ("employer", N_("employers")),
    ("employee", N_("employees (unions)")),
    ("training", N_("training providers")),
    ("public", N_("public authorities")),
    ("expert", N_("experts")),
)
MODALITIES = (
    ("practical", N_("practical work situation")),
    ("simulation", N_("simulation")),
    ("portfolio", N_("portfolio")),
    ("oral", N_("interview")),
    ("written", N_("written test")),
    ("workplace", N_("workplace observation")),
    ("project", N_("project")),
)
CORRESPONDENCES = (
    ("equivalent", N_("equivalent")),
    ("partial", N_("partial")),
    ("split", N_("split")),
    ("merged", N_("merged")),
    ("removed", N_("no equivalent")),
    ("new", N_("new block")),
)


def _label(choices: tuple[tuple[str, str], ...], value: Any, lang: str) -> str:
    return next((tr(label, lang) for v, label in choices if v == value), str(value or ""))


def _next_id(prefix: str, taken: list[str]) -> str:
    n = len(taken) + 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


def _get(record: Any, name: str) -> Any:
    return record.get(name) if isinstance(record, dict) else getattr(record, name, None)


def _set(record: Any, name: str, value: Any) -> None:
    if isinstance(record, dict):
        if value is None or value == []:
            record.pop(name, None)
        else:
            record[name] = value
    else:
        setattr(record, name, value)


def _volume(hours: Any) -> str:
    if hours is None:
        return ""
    return f" ({hours:g} h)" if isinstance(hours, int | float) else f" ({hours} h)"


RECORDS: dict[str, tuple[Records, ...]] = {
    "framework": (
        Records(
            "framework",
            "activities",
            N_("Activities"),
            N_("an activity"),
            (
                Field("id", N_("ID"), "line", _f(_FW, "activities", "items", "properties", "id"), required=True),
                Field("title", N_("Title"), "line", _f(_FW, "activities", "items", "properties", "title"), required=True),
                Field("description", N_("Description"), "text", _f(_FW, "activities", "items", "properties", "description")),
                Field("tasks", N_("Tasks (one per line)"), "lines", _f(_FW, "activities", "items", "properties", "tasks")),
            ),
            lambda fw, items, lang: Activity(
                _next_id("A", [a.id for a in items]), tr("New activity", lang)
            ),
            lambda a, lang: f"{a.id} {a.title}",
            N_("Competencies name activities by their ID: changing it updates those mentions."),
        ),
        Records(
            "framework",
            "working_group",
            N_("Working group"),
            N_("a member"),
            (
                Field("organisation", N_("Organisation"), "line", _f(_FW, "working_group", "items", "properties", "organisation"), required=True),
                Field("college", N_("College"), "choice", _f(_FW, "working_group", "items", "properties", "college"), COLLEGES),
                Field("role", N_("Role"), "line", _f(_FW, "working_group", "items", "properties", "role")),
            ),
            lambda fw, items, lang: Member(tr("New organisation", lang)),
            lambda m, lang: m.organisation
            + (f" ({_label(COLLEGES, m.college, lang)})" if m.college else "")
            + (f" — {m.role}" if m.role else ""),
        ),
        Records(
            "framework",
            "certification.electives",
            N_("Elective groups of blocks"),
            N_("an elective group"),
            (
                Field("id", N_("ID"), "line", _f(_FW, "certification", "properties", "electives", "items", "properties", "id"), required=True),
                Field("title", N_("Title"), "line", _f(_FW, "certification", "properties", "electives", "items", "properties", "title")),
                Field("choose", N_("Number of blocks to choose"), "integer", _f(_FW, "certification", "properties", "electives", "items", "properties", "choose"), required=True),
                Field("blocks", N_("Blocks to choose from (comma-separated)"), "list", _f(_FW, "certification", "properties", "electives", "items", "properties", "from"), required=True),
            ),
            lambda fw, items, lang: ElectiveGroup(
                _next_id("OPT", [g.id for g in items]), 1, [b.id for b in fw.blocks[-2:]]
            ),
            lambda g, lang: tr("{group}: {n} of {blocks}", lang).format(group=f"{g.id}{' ' + g.title if g.title else ''}", n=g.choose, blocks=", ".join(g.blocks)),
        ),
        Records(
            "framework",
            "shared_blocks",
            N_("Shared blocks (defined in another framework)"),
            N_("a shared block"),
            (
                Field("framework", N_("Framework that defines it (ID)"), "line", _f(_FW, "shared_blocks", "items", "properties", "framework"), required=True),
                Field("block", N_("Block ID"), "line", _f(_FW, "shared_blocks", "items", "properties", "block"), required=True),
                Field("version", N_("Pinned version (empty: the latest release)"), "line", _f(_FW, "shared_blocks", "items", "properties", "version")),
            ),
            lambda fw, items, lang: SharedBlockRef("referentiel", "BC01"),
            lambda r, lang: tr("{block} of {framework}", lang).format(block=r.block, framework=r.framework) + (f" (version {r.version})" if r.version else ""),
        ),
        Records(
            "framework",
            "codes.other",
            N_("Codes in other registers"),
            N_("a code"),
            (
                Field("scheme", N_("Register"), "line", _f(_FW, "codes", "properties", "other", "items", "properties", "scheme"), required=True),
                Field("code", N_("Code"), "line", _f(_FW, "codes", "properties", "other", "items", "properties", "code"), required=True),
            ),
            lambda fw, items, lang: {"scheme": "NZQA", "code": "0000"},
            lambda o, lang: tr("{scheme}: {code}", lang).format(scheme=o.get("scheme", ""), code=o.get("code", "")),
        ),
        Records(
            "framework",
            "correspondence.entries",
            N_("Correspondence table (confirmed by the group)"),
            N_("a correspondence"),
            (
                Field("old", N_("Block of the previous version"), "line", _f(_FW, "correspondence", "properties", "blocks", "items", "properties", "old")),
                Field("type", N_("Correspondence"), "choice", _f(_FW, "correspondence", "properties", "blocks", "items", "properties", "type"), CORRESPONDENCES, required=True),
                Field("new", N_("Blocks of this version (comma-separated)"), "list", _f(_FW, "correspondence", "properties", "blocks", "items", "properties", "new")),
                Field("missing", N_("Competencies still to acquire (comma-separated)"), "list", _f(_FW, "correspondence", "properties", "blocks", "items", "properties", "missing")),
                Field("note", N_("Note"), "line", _f(_FW, "correspondence", "properties", "blocks", "items", "properties", "note")),
            ),
            lambda fw, items, lang: CorrespondenceEntry("equivalent", "BC01", ["BC01"]),
            lambda e, lang: f"{e.old or '—'} → {', '.join(e.new) or '—'} ({_label(CORRESPONDENCES, e.type, lang)})",
            N_("\"refkit diff --correspondence\" proposes the table; write in it only what the group confirms or corrects."),
        ),
    ),
    "block": (
        Records(
            "block",
            "modalities",
            N_("Assessment modalities"),
            N_("a modality"),
            (
                Field("type", N_("Type of assessment"), "choice", _f(_BL, "modalities", "items", "properties", "type"), MODALITIES, required=True),
                Field("description", N_("Description"), "text", _f(_BL, "modalities", "items", "properties", "description")),
                Field("hours", N_("Duration (hours)"), "number", _f(_BL, "modalities", "items", "properties", "hours")),
            ),
            lambda fw, items, lang: Modality("practical"),
            lambda m, lang: _label(MODALITIES, m.type, lang) + _volume(m.hours),
        ),
    ),
}  # fmt: skip


# how a list's records are counted ("3 modalities: ...")
_MANY = {
    "activities": N_plural("activity", "activities"),
    "working_group": N_plural("member", "members"),
    "certification.electives": N_plural("elective group", "elective groups"),
    "shared_blocks": N_plural("shared block", "shared blocks"),
    "codes.other": N_plural("code", "codes"),
    "correspondence.entries": N_plural("correspondence", "correspondences"),
    "modalities": N_plural("modality", "modalities"),
}
RECORDS = {
    kind: tuple(replace(r, many=_MANY[r.name]) for r in lists) for kind, lists in RECORDS.items()
}


def records_of(kind: str, name: str) -> Records:
    for r in RECORDS.get(kind, ()):
        if r.name == name:
            return r
    raise KeyError(f"{kind} has no list {name}")


def items(session: Session, ref: Ref, spec: Records) -> list[Any]:
    """The records of ``spec`` held by the item ``ref`` (an empty list when there are none)."""
    return _list(session.get(ref), spec.name) or []


def _list(item: Any, name: str) -> list[Any] | None:
    node = item
    for part in name.split("."):
        if node is None:
            return None
        if part == "entries" and isinstance(node, Correspondence):
            return node.entries
        node = node.get(part) if isinstance(node, dict) else getattr(node, part, None)
    return node if isinstance(node, list) else None


def _ensure_list(item: Any, name: str, fw: Framework) -> list[Any]:
    """The list itself, created where it is missing (``codes.other``, the correspondence)."""
    if name == "codes.other":
        other = item.codes.setdefault("other", [])
        assert isinstance(other, list)
        return other
    if name == "correspondence.entries":
        if item.correspondence is None:
            last = fw.releases[-1].version if fw.releases else fw.version
            item.correspondence = Correspondence(last)
        return item.correspondence.entries  # type: ignore[no-any-return]
    found = _list(item, name)
    assert found is not None
    return found


def _tidy(item: Any, name: str) -> None:
    """An emptied list that did not exist before is removed again (no ``other: []`` left)."""
    if name == "codes.other" and not item.codes.get("other"):
        item.codes.pop("other", None)
    if (
        name == "correspondence.entries"
        and item.correspondence is not None
        and not item.correspondence.entries
    ):
        item.correspondence = None


def set_field(
    session: Session, ref: Ref, spec: Records, index: int, name: str, text: str
) -> Outcome:
    """Set one field of the record at ``index``, as typed; refused (``FieldRefused``) when the value
    is not valid for that field."""
    f = next((x for x in spec.fields if x.name == name), None)
    if f is None:
        raise KeyError(f"{spec.name} records have no field {name}")
    lang = session.lang
    value = typed_value(f, text, lang)
    records = items(session, ref, spec)
    if not 0 <= index < len(records):
        raise EditError(Code.NOT_FOUND, _gone(spec, index, lang))
    old = _get(records[index], name)
    if old == value or (value is None and not old):
        return Outcome(ref, "")

    def change(fw: Framework) -> None:
        item = resolve(fw, ref)
        record = _ensure_list(item, spec.name, fw)[index]
        if spec.name == "activities" and name == "id":
            for _, c in fw.competencies():
                c.activities = [value if a == old else a for a in c.activities]
        _set(record, name, value)

    return session.apply(
        ref.folder,
        tr('{field} ({record} {n} of "{list}")', lang).format(
            field=tr(f.label, lang),
            record=ngettext(*spec.many, 1, lang),
            n=index + 1,
            list=tr(spec.label, lang),
        ),
        change,
        ref,
        ref,
    )


def add(session: Session, ref: Ref, spec: Records, after: int | None = None) -> tuple[Outcome, int]:
    """Add a new record after ``after`` (at the end by default); returns its index."""
    records = items(session, ref, spec)
    index = len(records) if after is None else after + 1
    fw = session.framework(ref.folder)
    lang = session.lang
    new = spec.make(fw, records, lang)

    def change(f: Framework) -> None:
        _ensure_list(resolve(f, ref), spec.name, f).insert(index, copy.deepcopy(new))

    outcome = session.apply(
        ref.folder,
        tr('added {record} to "{list}"', lang).format(
            record=tr(spec.one, lang), list=tr(spec.label, lang)
        ),
        change,
        ref,
        ref,
    )
    return outcome, index


def delete(session: Session, ref: Ref, spec: Records, index: int) -> Outcome:
    records = items(session, ref, spec)
    lang = session.lang
    if not 0 <= index < len(records):
        raise EditError(Code.NOT_FOUND, _gone(spec, index, lang))

    def change(f: Framework) -> None:
        item = resolve(f, ref)
        del _ensure_list(item, spec.name, f)[index]
        _tidy(item, spec.name)

    return session.apply(
        ref.folder,
        tr('deleted "{record}"', lang).format(record=spec.summary(records[index], lang)),
        change,
        ref,
        ref,
    )


def move(session: Session, ref: Ref, spec: Records, index: int, delta: int) -> tuple[Outcome, int]:
    records = items(session, ref, spec)
    target = index + delta
    if not (0 <= index < len(records) and 0 <= target < len(records)):
        return Outcome(ref, ""), index

    def change(f: Framework) -> None:
        seq = _ensure_list(resolve(f, ref), spec.name, f)
        seq.insert(target, seq.pop(index))

    outcome = session.apply(
        ref.folder,
        tr('"{record}" moved up' if delta < 0 else '"{record}" moved down', session.lang).format(
            record=spec.summary(records[index], session.lang)
        ),
        change,
        ref,
        ref,
    )
    return outcome, target


def _gone(spec: Records, index: int, lang: str) -> str:
    return tr("{list}: there is no item {n} any more", lang).format(
        list=tr(spec.label, lang), n=index + 1
    )


def display(f: Field, record: Any) -> Any:
    return _get(record, f.name)

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

from refkit.edit import Field, Outcome, Ref, Session, check_value, parse_value
from refkit.errors import RefkitError
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
    label: str  # "Groupe de travail"
    one: str  # "un membre": what a record is, with its article
    fields: tuple[Field, ...]
    make: Callable[[Framework, list[Any]], Any]
    summary: Callable[[Any], str]
    help: str = ""
    many: tuple[str, str] = ("élément", "éléments")  # "membre", "membres": to count them


_FW = ("framework", ("properties",))
_BL = ("block", ("properties",))


def _f(kind: tuple[str, tuple[str, ...]], *path: str) -> tuple[str, tuple[str, ...]]:
    return (kind[0], (*kind[1], *path))


COLLEGES = (
    ("employer", "employeurs"),
    ("employee", "salariés (syndicats)"),
    ("training", "organismes de formation"),
    ("public", "pouvoirs publics"),
    ("expert", "experts"),
)
MODALITIES = (
    ("practical", "mise en situation professionnelle"),
    ("simulation", "simulation"),
    ("portfolio", "dossier professionnel"),
    ("oral", "entretien"),
    ("written", "épreuve écrite"),
    ("workplace", "observation en entreprise"),
    ("project", "projet"),
)
CORRESPONDENCES = (
    ("equivalent", "équivalent"),
    ("partial", "partiel"),
    ("split", "réparti"),
    ("merged", "regroupé"),
    ("removed", "sans équivalent"),
    ("new", "nouveau bloc"),
)


def _label(choices: tuple[tuple[str, str], ...], value: Any) -> str:
    return next((label for v, label in choices if v == value), str(value or ""))


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
            "Activités",
            "une activité",
            (
                Field("id", "Identifiant", "line", _f(_FW, "activities", "items", "properties", "id"), required=True),
                Field("title", "Intitulé", "line", _f(_FW, "activities", "items", "properties", "title"), required=True),
                Field("description", "Description", "text", _f(_FW, "activities", "items", "properties", "description")),
                Field("tasks", "Tâches (une par ligne)", "lines", _f(_FW, "activities", "items", "properties", "tasks")),
            ),
            lambda fw, items: Activity(_next_id("A", [a.id for a in items]), "Nouvelle activité"),
            lambda a: f"{a.id} {a.title}",
            "Les compétences citent les activités par leur identifiant : le changer met à jour ces mentions.",
        ),
        Records(
            "framework",
            "working_group",
            "Groupe de travail",
            "un membre",
            (
                Field("organisation", "Organisation", "line", _f(_FW, "working_group", "items", "properties", "organisation"), required=True),
                Field("college", "Collège", "choice", _f(_FW, "working_group", "items", "properties", "college"), COLLEGES),
                Field("role", "Rôle", "line", _f(_FW, "working_group", "items", "properties", "role")),
            ),
            lambda fw, items: Member("Nouvelle organisation"),
            lambda m: m.organisation
            + (f" ({_label(COLLEGES, m.college)})" if m.college else "")
            + (f" — {m.role}" if m.role else ""),
        ),
        Records(
            "framework",
            "certification.electives",
            "Groupes de blocs au choix",
            "un groupe au choix",
            (
                Field("id", "Identifiant", "line", _f(_FW, "certification", "properties", "electives", "items", "properties", "id"), required=True),
                Field("title", "Intitulé", "line", _f(_FW, "certification", "properties", "electives", "items", "properties", "title")),
                Field("choose", "Nombre de blocs à choisir", "integer", _f(_FW, "certification", "properties", "electives", "items", "properties", "choose"), required=True),
                Field("blocks", "Blocs parmi lesquels choisir (séparés par des virgules)", "list", _f(_FW, "certification", "properties", "electives", "items", "properties", "from"), required=True),
            ),
            lambda fw, items: ElectiveGroup(
                _next_id("OPT", [g.id for g in items]), 1, [b.id for b in fw.blocks[-2:]]
            ),
            lambda g: f"{g.id}{' ' + g.title if g.title else ''} : {g.choose} parmi {', '.join(g.blocks)}",
        ),
        Records(
            "framework",
            "shared_blocks",
            "Blocs partagés (définis dans un autre référentiel)",
            "un bloc partagé",
            (
                Field("framework", "Référentiel qui le définit (identifiant)", "line", _f(_FW, "shared_blocks", "items", "properties", "framework"), required=True),
                Field("block", "Identifiant du bloc", "line", _f(_FW, "shared_blocks", "items", "properties", "block"), required=True),
                Field("version", "Version épinglée (vide : la dernière publiée)", "line", _f(_FW, "shared_blocks", "items", "properties", "version")),
            ),
            lambda fw, items: SharedBlockRef("referentiel", "BC01"),
            lambda r: f"{r.block} de {r.framework}" + (f" (version {r.version})" if r.version else ""),
        ),
        Records(
            "framework",
            "codes.other",
            "Codes dans d'autres répertoires",
            "un code",
            (
                Field("scheme", "Répertoire", "line", _f(_FW, "codes", "properties", "other", "items", "properties", "scheme"), required=True),
                Field("code", "Code", "line", _f(_FW, "codes", "properties", "other", "items", "properties", "code"), required=True),
            ),
            lambda fw, items: {"scheme": "NZQA", "code": "0000"},
            lambda o: f"{o.get('scheme', '')} : {o.get('code', '')}",
        ),
        Records(
            "framework",
            "correspondence.entries",
            "Tableau de correspondance (confirmé par le groupe)",
            "une correspondance",
            (
                Field("old", "Bloc de la version précédente", "line", _f(_FW, "correspondence", "properties", "blocks", "items", "properties", "old")),
                Field("type", "Correspondance", "choice", _f(_FW, "correspondence", "properties", "blocks", "items", "properties", "type"), CORRESPONDENCES, required=True),
                Field("new", "Blocs de cette version (séparés par des virgules)", "list", _f(_FW, "correspondence", "properties", "blocks", "items", "properties", "new")),
                Field("missing", "Compétences restant à acquérir (séparées par des virgules)", "list", _f(_FW, "correspondence", "properties", "blocks", "items", "properties", "missing")),
                Field("note", "Remarque", "line", _f(_FW, "correspondence", "properties", "blocks", "items", "properties", "note")),
            ),
            lambda fw, items: CorrespondenceEntry("equivalent", "BC01", ["BC01"]),
            lambda e: f"{e.old or '—'} → {', '.join(e.new) or '—'} ({_label(CORRESPONDENCES, e.type)})",
            "« refkit diff --correspondence » propose le tableau ; n'y inscrivez que ce que le groupe confirme ou corrige.",
        ),
    ),
    "block": (
        Records(
            "block",
            "modalities",
            "Modalités d'évaluation",
            "une modalité",
            (
                Field("type", "Type d'épreuve", "choice", _f(_BL, "modalities", "items", "properties", "type"), MODALITIES, required=True),
                Field("description", "Description", "text", _f(_BL, "modalities", "items", "properties", "description")),
                Field("hours", "Durée (heures)", "number", _f(_BL, "modalities", "items", "properties", "hours")),
            ),
            lambda fw, items: Modality("practical"),
            lambda m: _label(MODALITIES, m.type) + _volume(m.hours),
        ),
    ),
}  # fmt: skip


# how a list's records are counted ("3 modalités : ...")
_MANY = {
    "activities": ("activité", "activités"),
    "working_group": ("membre", "membres"),
    "certification.electives": ("groupe au choix", "groupes au choix"),
    "shared_blocks": ("bloc partagé", "blocs partagés"),
    "codes.other": ("code", "codes"),
    "correspondence.entries": ("correspondance", "correspondances"),
    "modalities": ("modalité", "modalités"),
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
    """Set one field of the record at ``index``, as typed; refused (RefkitError) when the value
    is not valid for that field."""
    f = next((x for x in spec.fields if x.name == name), None)
    if f is None:
        raise KeyError(f"{spec.name} records have no field {name}")
    try:
        value = parse_value(f, text)
    except ValueError as e:
        raise RefkitError(f"{f.label} : {e}") from None
    problem = check_value(f, value)
    if problem is not None:
        raise RefkitError(f"{f.label} : {problem}")
    records = items(session, ref, spec)
    if not 0 <= index < len(records):
        raise RefkitError(f"{spec.label} : il n'y a plus d'élément n° {index + 1}")
    old = _get(records[index], name)
    if old == value or (value is None and not old):
        return Outcome(ref, "")

    def change(fw: Framework) -> None:
        item = session._resolve(fw, ref)
        record = _ensure_list(item, spec.name, fw)[index]
        if spec.name == "activities" and name == "id":
            for _, c in fw.competencies():
                c.activities = [value if a == old else a for a in c.activities]
        _set(record, name, value)

    return session._apply(
        ref.folder,
        f"{f.label} ({spec.one.split(' ', 1)[1]} {index + 1} de « {spec.label} »)",
        change,
        ref,
        ref,
    )


def add(session: Session, ref: Ref, spec: Records, after: int | None = None) -> tuple[Outcome, int]:
    """Add a new record after ``after`` (at the end by default); returns its index."""
    records = items(session, ref, spec)
    index = len(records) if after is None else after + 1
    fw = session.framework(ref.folder)
    new = spec.make(fw, records)

    def change(f: Framework) -> None:
        _ensure_list(session._resolve(f, ref), spec.name, f).insert(index, copy.deepcopy(new))

    outcome = session._apply(
        ref.folder,
        f"ajout d'{spec.one} à « {spec.label} »",
        change,
        ref,
        ref,
    )
    return outcome, index


def delete(session: Session, ref: Ref, spec: Records, index: int) -> Outcome:
    records = items(session, ref, spec)
    if not 0 <= index < len(records):
        raise RefkitError(f"{spec.label} : il n'y a plus d'élément n° {index + 1}")

    def change(f: Framework) -> None:
        item = session._resolve(f, ref)
        del _ensure_list(item, spec.name, f)[index]
        _tidy(item, spec.name)

    return session._apply(
        ref.folder, f"suppression de « {spec.summary(records[index])} »", change, ref, ref
    )


def move(session: Session, ref: Ref, spec: Records, index: int, delta: int) -> tuple[Outcome, int]:
    records = items(session, ref, spec)
    target = index + delta
    if not (0 <= index < len(records) and 0 <= target < len(records)):
        return Outcome(ref, ""), index

    def change(f: Framework) -> None:
        seq = _ensure_list(session._resolve(f, ref), spec.name, f)
        seq.insert(target, seq.pop(index))

    outcome = session._apply(
        ref.folder,
        f"« {spec.summary(records[index])} » {'monté' if delta < 0 else 'descendu'}",
        change,
        ref,
        ref,
    )
    return outcome, target


def display(f: Field, record: Any) -> Any:
    return _get(record, f.name)

"""Provides the diff of an item's relations, and their types in words (issue 17).

Relations are compared as a set of (type, target): one added or removed is an item of the
``relations`` field of the item that holds it, with its type and target apart, so that a diff
counts them per type (``FrameworkDiff.summary()["relations"]``). A note that changed is a change
of that relation. A URI written another way (``http`` for ``https``, a trailing ``/``, the case
of the scheme and host) is the same concept: "respelled", the source's bookkeeping (a patch, as
for identifiers). The types are worded once here, for the diff and for the published pages.
"""

from __future__ import annotations

from typing import Any

from refkit.diff.values import FieldChange
from refkit.i18n import N_, N_labels, N_plural, pgettext, plural, tr
from refkit.model import Relation, parse_target

# the relation types in words, each type the context of its own words
TYPE_WORDS = N_labels({
    "isPeerOf": "is a peer of", "isPartOf": "is part of", "exactMatchOf": "is an exact match of",
    "precedes": "precedes", "isRelatedTo": "is related to", "replacedBy": "is replaced by",
    "exemplar": "is an exemplar of", "hasSkillLevel": "has the skill level",
    "broader": "has the broader concept", "narrower": "has the narrower concept",
    "related": "is associated with", "exactMatch": "matches exactly",
    "closeMatch": "matches closely", "broadMatch": "has the broader match",
    "narrowMatch": "has the narrower match", "requires": "requires",
})  # fmt: skip


def _code(lang: str | None) -> str:
    """ "fr" for French ("fr", "fr-FR"), "en" for anything else (as ``describe.lang_key``)."""
    return "fr" if (lang or "").lower().startswith("fr") else "en"


def type_words(kind: str, lang: str | None) -> str:
    """A relation type in words ("requires", "fait partie de"); an unknown one as written."""
    text = TYPE_WORDS.get(kind)
    return kind if text is None else pgettext(kind, text, _code(lang))


def spelling(target: str) -> str:
    """A target as compared: a URI without what only changes its spelling."""
    if parse_target(target).kind != "uri" or "://" not in target:
        return target
    scheme, _, rest = target.partition("://")
    host, slash, path = rest.partition("/")
    scheme = "http" if scheme.lower() in ("http", "https") else scheme.lower()
    return f"{scheme}://{host.lower()}{slash}{path}".rstrip("/")


def _item(change: str, r: Relation, **more: Any) -> dict[str, Any]:
    return {"change": change, "type": r.type, "target": r.target, "text": f"{r.type} {r.target}", **more}  # fmt: skip


def relation_change(old: list[Relation], new: list[Relation]) -> FieldChange | None:
    """How an item's relations changed: added, removed, noted (its note changed), respelled."""
    if [(r.type, r.target, r.note) for r in old] == [(r.type, r.target, r.note) for r in new]:
        return None
    old_by = {r.key(): r for r in old}
    new_by = {r.key(): r for r in new}
    items = []
    gone = [r for k, r in old_by.items() if k not in new_by]
    came = [r for k, r in new_by.items() if k not in old_by]
    respelled = {(r.type, spelling(r.target)): r for r in gone}
    for r in came:
        was = respelled.pop((r.type, spelling(r.target)), None)
        if was is not None:
            items.append(_item("respelled", r, old=was.target, new=r.target))
        else:
            items.append(_item("added", r))
    items += [_item("removed", r) for r in gone if r in respelled.values()]
    for k, r in new_by.items():
        if k in old_by and old_by[k].note != r.note:
            items.append(_item("noted", r, old=old_by[k].note, new=r.note))
    if not items:
        texts = ([f"{r.type} {r.target}" for r in old], [f"{r.type} {r.target}" for r in new])
        return FieldChange("relations", "reordered", *texts)
    return FieldChange("relations", "items", items=items)


def relation_summary(changes: list[Any]) -> dict[str, dict[str, int]]:
    """Relations added and removed (respelled and noted too, when there are some), per type."""
    out: dict[str, dict[str, int]] = {"added": {}, "removed": {}}
    for c in changes:
        for f in c.fields:
            if f.field != "relations":
                continue
            for item in f.items:
                counts = out.setdefault(item["change"], {})
                counts[item["type"]] = counts.get(item["type"], 0) + 1
    return {k: dict(sorted(v.items())) for k, v in out.items()}


def relation_list(changes: list[Any]) -> list[dict[str, Any]]:
    """Every relation that changed, with the item holding it (``--format json``)."""
    return [
        {"kind": c.kind, "id": c.id, **{k: v for k, v in item.items() if k != "text"}}
        for c in changes
        for f in c.fields
        if f.field == "relations"
        for item in f.items
    ]


_LINES = {
    "added": N_("Relation added: {relation}"),
    "removed": N_("Relation removed: {relation}"),
    "respelled": N_("Relation URI respelled: {relation}"),
    "noted": N_("Relation note changed: {relation}"),
}
# how many relations changed so ("3 ajoutées (requires 2, isPartOf 1)"), agreed in number (and in
# French in gender) with what is counted
_COUNTED = {
    "added": N_plural("{n} added ({types})", "{n} added ({types})"),
    "removed": N_plural("{n} removed ({types})", "{n} removed ({types})"),
    "respelled": N_plural("{n} URI respelled ({types})", "{n} URIs respelled ({types})"),
    "noted": N_plural("{n} note changed ({types})", "{n} notes changed ({types})"),
}


def relation_line(item: dict[str, Any], lang: str | None) -> str:
    """One relation that changed, in words: "Relation added: requires K0018"."""
    code = _code(lang)
    said = f"{type_words(item['type'], code)} {item['target']}"
    if item["change"] == "respelled":
        said = f"{type_words(item['type'], code)} {item['old']} → {item['new']}"
    elif item["change"] == "noted":
        said = tr("{label}: {value}", code).format(
            label=said, value=f"{item.get('old') or '—'} → {item.get('new') or '—'}"
        )
    template = _LINES.get(item["change"])
    if template is None:
        return tr("Relation {change}: {relation}", code).format(
            change=item["change"], relation=said
        )
    return tr(template, code).format(relation=said)


def relation_counts(summary: dict[str, dict[str, int]], lang: str | None) -> str | None:
    """ "Relations: 3 added (requires 2, isPartOf 1), 1 removed (related 1)"; None if none."""
    code = _code(lang)
    parts = []
    for change, per_type in summary.items():
        n = sum(per_type.values())
        if n:
            types = ", ".join(f"{t} {k}" for t, k in per_type.items())
            if change in _COUNTED:
                parts.append(plural(*_COUNTED[change], n, code, types=types))
            else:
                parts.append(f"{n} {change} ({types})")
    return tr("Relations: {counts}", code).format(counts=", ".join(parts)) if parts else None

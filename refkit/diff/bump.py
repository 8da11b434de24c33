"""Provides the version bump a semantic diff requires (semantic versioning for référentiels).

* **major**: what a holder, a school or a certifier relied on is gone or different: a competency
  removed, moved to another block or renumbered; a block removed or renumbered; the certification
  rules (required blocks, elective groups, prerequisites, shared blocks) or the level changed;
* **minor**: something was added or what is assessed changed without breaking: a competency,
  block or activity added, criteria added or removed, a competency's kind or activities changed,
  assessment modalities or volumes changed;
* **patch**: wording only: statements, criteria, titles, descriptions, notes, spacing, details.

Relations (issue 17) added, removed or with a new note are a minor change, whatever item holds
them: they say how an item stands to others, never what is assessed or credited; a relation
whose URI was only written another way (http/https, a trailing slash) is a patch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from refkit.diff import FrameworkDiff
from refkit.diff.describe import field_name, lang_key
from refkit.i18n import N_labels, pgettext, tr

ORDER = {"patch": 0, "minor": 1, "major": 2}
_MINOR_FIELDS = {"kind", "activities", "esco", "volume", "modalities", "extensions"}

# A source's bookkeeping in its extension data (identifiers, addresses, dates, digests, its own
# version): reported, but a patch; what the source says about the item (its labels, broader
# concepts, schemes, relations) counts as a change of content (minor).
_BOOKKEEPING = re.compile(
    r"(^|[._-])(identifier|id|uri|url|iri|sha\d*|digest|hash|version|files|bookkeeping)$"
    r"|(date|datetime|time|modified|updated|created)$",
    re.IGNORECASE,
)


def is_bookkeeping(field: str) -> bool:
    """Whether a field of extension data ("x-esco.modifiedDate") is the source's bookkeeping."""
    last = field.rsplit(".", 1)[-1]
    return bool(_BOOKKEEPING.search(last)) or bool(re.search(r"URI$", last))


@dataclass(frozen=True, slots=True)
class Cause:
    """One change and the bump it calls for."""

    level: str  # major, minor, patch
    kind: str  # competency, block, activity, certification, framework
    id: str
    what: str  # removed, renumbered, added, moved, prerequisites, field, criteria, certification
    detail: str = ""  # the new id, the blocks moved between, the field

    def text(self, lang: str = "en") -> str:
        return describe_cause(self, lang)


# the items a cause is about ("compétence C4.5"), each name the context of its own
_NOUNS = N_labels({"competency": "competency", "block": "block", "activity": "activity", "shared-block": "shared-block"})  # fmt: skip
# what happened to one, in the sense of its kind (its context): it agrees with it in French
_REMOVED = N_labels({"competency": "{name} removed", "block": "{name} removed", "activity": "{name} removed", "shared-block": "{name} removed"})  # fmt: skip
_RENUMBERED = N_labels({"competency": "{name} renumbered {id}", "block": "{name} renumbered {id}", "activity": "{name} renumbered {id}", "shared-block": "{name} renumbered {id}"})  # fmt: skip
_ADDED = N_labels({"competency": "{name} added", "block": "{name} added", "activity": "{name} added", "shared-block": "{name} added"})  # fmt: skip
_MOVED = N_labels({"competency": "{name} moved from {old} to {new}", "block": "{name} moved from {old} to {new}", "activity": "{name} moved from {old} to {new}", "shared-block": "{name} moved from {old} to {new}"})  # fmt: skip
_MODIFIED = N_labels({"competency": "{name} modified", "block": "{name} modified", "activity": "{name} modified", "shared-block": "{name} modified"})  # fmt: skip
_HAPPENED = {
    "removed": _REMOVED, "renumbered": _RENUMBERED, "added": _ADDED, "moved": _MOVED,
    "modified": _MODIFIED,
}  # fmt: skip


def describe_cause(c: Cause, lang: str = "en") -> str:
    """A cause in words: "competency C4.5 moved from BC04 to BC07", "compétence C4.5 déplacée
    de BC04 vers BC07"."""
    code = lang_key(lang)
    if c.kind == "framework":
        return tr("{field} changed", code).format(field=_field(c.detail, code))
    name = f"{pgettext(c.kind, _NOUNS[c.kind], code) if c.kind in _NOUNS else c.kind} {c.id}"
    happened = _HAPPENED.get(c.what)
    if happened is not None:
        kind = c.kind if c.kind in happened else "block"  # another kind agrees as a block does
        template = pgettext(kind, happened[kind], code)
        old, _, new = c.detail.partition(">")
        return template.format(name=name, id=c.detail, old=old, new=new)
    if c.what == "prerequisites":
        return tr("{name}: prerequisites changed", code).format(name=name)
    if c.what == "criteria":
        return tr("{name}: criteria added or removed", code).format(name=name)
    if c.what == "certification":
        fields = ", ".join(_field(f, code) for f in c.detail.split(", "))
        return tr("certification rules changed ({fields})", code).format(fields=fields)
    if c.detail.endswith(".bookkeeping"):  # a source's identifiers and dates are renewed
        template = tr("{name}: {field} renewed", code)
    elif c.level != "patch":
        template = tr("{name}: {field} changed", code)
    else:
        template = tr("{name}: {field} reworded", code)
    return template.format(name=name, field=_field(c.detail, code))


def _field(field: str, code: str) -> str:
    """A field as a cause names it: in English as the data writes it (what ``refkit release``
    prints and scripts read), in another language in plain words ("critères d'évaluation")."""
    return field if code == "en" else field_name(field, code)


def bump_causes(diff: FrameworkDiff) -> list[Cause]:
    """Every change with the bump it calls for."""
    out: list[Cause] = []
    for c in diff.changes:
        ident = c.old_id or c.id
        for f in c.fields:  # relations (issue 17): what an item says of others is minor
            if f.field == "relations":
                patch = all(i["change"] == "respelled" for i in f.items)  # a URI's spelling
                out.append(Cause("patch" if patch else "minor", c.kind, ident, "field", f.field))
        if c.kind in ("competency", "block"):
            if c.change == "removed":
                out.append(Cause("major", c.kind, ident, "removed"))
            elif c.change == "renamed":
                out.append(Cause("major", c.kind, ident, "renumbered", c.id))
            elif c.change == "added":
                out.append(Cause("minor", c.kind, ident, "added"))
            if c.moved_flag:
                out.append(Cause("major", c.kind, ident, "moved", f"{c.old_block}>{c.block}"))
            for f in c.fields:
                if f.field == "relations":
                    continue
                if f.field == "prerequisites":
                    out.append(Cause("major", c.kind, ident, "prerequisites"))
                elif f.field in _MINOR_FIELDS or (
                    f.field.startswith("x-") and not is_bookkeeping(f.field)
                ):
                    out.append(Cause("minor", c.kind, ident, "field", f.field))
                elif f.field == "criteria" and any(
                    i["change"] in ("added", "removed") for i in f.items
                ):
                    out.append(Cause("minor", c.kind, ident, "criteria"))
                else:
                    out.append(Cause("patch", c.kind, ident, "field", f.field))
        elif c.kind == "activity":
            level = (
                "major" if c.change == "removed" else "minor" if c.change == "added" else "patch"
            )
            out.append(Cause(level, c.kind, ident, c.change))
        elif c.kind in ("certification", "shared-block"):
            fields = ", ".join(f.field for f in c.fields) or c.id
            out.append(Cause("major", "certification", c.id, "certification", fields))
        elif c.kind == "framework":
            for f in c.fields:
                if f.field == "relations":
                    continue
                level = "major" if f.field == "level" else "patch"
                out.append(Cause(level, "framework", c.id, "field", f.field))
    return out


def required_bump(diff: FrameworkDiff) -> tuple[str | None, list[str]]:
    """The smallest bump the changes allow (None: nothing changed), with the reasons for it."""
    causes = bump_causes(diff)
    for level in ("major", "minor", "patch"):
        found = [c.text("en") for c in causes if c.level == level]
        if found:
            return level, found
    return None, []


def bumped(version: str, bump: str) -> str:
    major, minor, patch = (int(x) for x in version.split("."))
    if bump == "major":
        return f"{major + 1}.0.0"
    if bump == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"

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


LEVEL_NAMES = {
    "fr": {"major": "majeure", "minor": "mineure", "patch": "corrective"},
    "en": {"major": "major", "minor": "minor", "patch": "patch"},
}


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


_KIND_FR = {
    "competency": ("compétence", "f"),
    "block": ("bloc", "m"),
    "activity": ("activité", "f"),
    "shared-block": ("bloc partagé", "m"),
}


def describe_cause(c: Cause, lang: str = "en") -> str:
    """A cause in words: "competency C4.5 moved from BC04 to BC07", "compétence C4.5 déplacée
    de BC04 vers BC07"."""
    if not lang.lower().startswith("fr"):
        name = f"{c.kind} {c.id}"
        if c.kind == "framework":
            return f"{c.detail} changed"
        if c.kind == "activity" and c.what not in ("added", "removed", "field"):
            return f"{name} {c.what}"
        return {
            "removed": f"{name} removed",
            "renumbered": f"{name} renumbered {c.detail}",
            "added": f"{name} added",
            "moved": f"{name} moved from {c.detail.replace('>', ' to ')}",
            "prerequisites": f"{name}: prerequisites changed",
            "criteria": f"{name}: criteria added or removed",
            "certification": f"certification rules changed ({c.detail})",
        }.get(c.what, f"{name}: {c.detail} " + _verb(c, "changed", "reworded", "renewed"))
    from refkit.diff.describe import field_name

    noun, gender = _KIND_FR.get(c.kind, (c.kind, "m"))
    e = "e" if gender == "f" else ""
    name = f"{noun} {c.id}"
    if c.kind == "framework":
        return f"{field_name(c.detail, 'fr')} modifié"
    return {
        "removed": f"{name} retiré{e}",
        "renumbered": f"{name} renuméroté{e} {c.detail}",
        "added": f"{name} ajouté{e}",
        "moved": f"{name} déplacé{e} de {c.detail.replace('>', ' vers ')}",
        "prerequisites": f"{name} : prérequis modifiés",
        "criteria": f"{name} : critères ajoutés ou retirés",
        "certification": "règles de certification modifiées ("
        + ", ".join(field_name(f, "fr") for f in c.detail.split(", "))
        + ")",
        "modified": f"{name} modifié{e}",
    }.get(
        c.what,
        f"{name} : {field_name(c.detail, 'fr')} " + _verb(c, "modifié", "reformulé", "renouvelés"),
    )


def _verb(c: Cause, changed: str, reworded: str, renewed: str) -> str:
    """What happened to a field: a source's identifiers and dates are renewed, not reworded."""
    if c.detail.endswith(".bookkeeping"):
        return renewed
    return changed if c.level != "patch" else reworded


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

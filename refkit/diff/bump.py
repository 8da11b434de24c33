"""Provides the version bump a semantic diff requires (semantic versioning for référentiels).

* **major**: what a holder, a school or a certifier relied on is gone or different: a competency
  removed, moved to another block or renumbered; a block removed or renumbered; the certification
  rules (required blocks, elective groups, prerequisites, shared blocks) or the level changed;
* **minor**: something was added or what is assessed changed without breaking: a competency,
  block or activity added, criteria added or removed, a competency's kind or activities changed,
  assessment modalities or volumes changed;
* **patch**: wording only: statements, criteria, titles, descriptions, notes, spacing, details.
"""

from __future__ import annotations

from refkit.diff import FrameworkDiff

ORDER = {"patch": 0, "minor": 1, "major": 2}
_MINOR_FIELDS = {"kind", "activities", "esco", "volume", "modalities", "extensions"}


def required_bump(diff: FrameworkDiff) -> tuple[str | None, list[str]]:
    """The smallest bump the changes allow (None: nothing changed), with the reasons for it."""
    major: list[str] = []
    minor: list[str] = []
    patch: list[str] = []
    for c in diff.changes:
        name = f"{c.kind} {c.old_id or c.id}"
        if c.kind in ("competency", "block"):
            if c.change == "removed":
                major.append(f"{name} removed")
            elif c.change == "renamed":
                major.append(f"{name} renumbered {c.id}")
            elif c.change == "added":
                minor.append(f"{name} added")
            if c.moved_flag:
                major.append(f"{name} moved from {c.old_block} to {c.block}")
            for f in c.fields:
                if f.field == "prerequisites":
                    major.append(f"{name}: prerequisites changed")
                elif f.field in _MINOR_FIELDS:
                    minor.append(f"{name}: {f.field} changed")
                elif f.field == "criteria" and any(
                    i["change"] in ("added", "removed") for i in f.items
                ):
                    minor.append(f"{name}: criteria added or removed")
                else:
                    patch.append(f"{name}: {f.field} reworded")
        elif c.kind == "activity":
            (major if c.change == "removed" else minor if c.change == "added" else patch).append(
                f"{name} {c.change}"
            )
        elif c.kind in ("certification", "shared-block"):
            major.append(
                f"certification rules changed ({', '.join(f.field for f in c.fields) or c.id})"
            )
        elif c.kind == "framework":
            for f in c.fields:
                (major if f.field == "level" else patch).append(f"{f.field} changed")
    if major:
        return "major", major
    if minor:
        return "minor", minor
    if patch:
        return "patch", patch
    return None, []


def bumped(version: str, bump: str) -> str:
    major, minor, patch = (int(x) for x in version.split("."))
    if bump == "major":
        return f"{major + 1}.0.0"
    if bump == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"

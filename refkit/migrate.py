"""Provides schema migrations: upgrading files written for an older version of refkit's format.

Every file names its format on its ``schema:`` line (``refkit/framework/2``). A migration takes one
kind of file from one version to the next, twice over:

* on plain data, in memory: the loader upgrades an older file as it reads it, so a release made
  years ago can still be read, diffed and published;
* on the round-trip document, in place: ``refkit migrate`` rewrites the working tree's files,
  changing only what the migration changes, comments and layout kept.

Validation reports a working-tree file that still needs migrating (``schema-migrate``), with the
command that fixes it.

Migrations so far:

* ``refkit/framework/1`` -> ``2``: the French level ``level.fr`` becomes one entry of
  ``level.national``, which holds the level in any national framework (fr, nzqf, aqf...), for the
  New Zealand and Australian bodies that use refkit too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from refkit.i18n import N_
from refkit.schema import CURRENT
from refkit.store.files import read_regular

_VERSION = re.compile(r"^refkit/([a-z-]+)/([0-9]+)$")


@dataclass(frozen=True, slots=True)
class Migration:
    kind: str
    source: int  # the version it upgrades from, to source + 1
    summary: str
    data: Callable[[dict[str, Any]], None]  # in place, on plain data
    document: Callable[[Any], None]  # in place, on a ruamel round-trip document


def _framework_1_data(d: dict[str, Any]) -> None:
    level = d.get("level")
    if isinstance(level, dict) and "fr" in level:
        value = level.pop("fr")
        national = level.get("national")
        if not isinstance(national, dict):
            national = level["national"] = {}
        national.setdefault("fr", value)


def _framework_1_document(doc: Any) -> None:
    from ruamel.yaml.comments import CommentedMap

    level = doc.get("level")
    if not isinstance(level, CommentedMap) or "fr" not in level:
        return
    keys = list(level.keys())
    position = keys.index("fr")
    comment = level.ca.items.pop("fr", None)  # an end-of-line comment on "fr: 3" follows the value
    value = level.pop("fr")
    national = CommentedMap()
    national["fr"] = value
    if comment is not None:
        token = comment[2]
        if token is not None and token.value.startswith("#"):
            token.column += 2  # the key is now one level deeper: keep the gap before the comment
        national.ca.items["fr"] = comment
    level.insert(position, "national", national)


MIGRATIONS: list[Migration] = [
    Migration(
        "framework",
        1,
        N_("level.fr becomes level.national.fr (levels of any national framework)"),
        _framework_1_data,
        _framework_1_document,
    ),
]


def parse_version(value: Any) -> tuple[str, int] | None:
    m = _VERSION.match(value) if isinstance(value, str) else None
    return (m.group(1), int(m.group(2))) if m else None


def current_version(kind: str) -> int:
    return int(CURRENT[kind].rsplit("/", 1)[1])


def chain(kind: str, version: int) -> list[Migration] | None:
    """The migrations from ``version`` to the current one, or None if there is no path."""
    steps = []
    target = current_version(kind)
    while version < target:
        step = next((m for m in MIGRATIONS if m.kind == kind and m.source == version), None)
        if step is None:
            return None
        steps.append(step)
        version += 1
    return steps


def needs(kind: str, data: Any) -> list[Migration] | None:
    """The migrations ``data`` needs (empty: none), or None when it cannot be migrated."""
    if not isinstance(data, dict):
        return []
    found = parse_version(data.get("schema"))
    if found is None or found[0] != kind or found[1] >= current_version(kind):
        return []
    return chain(kind, found[1])


def upgrade_data(kind: str, data: dict[str, Any], steps: list[Migration]) -> None:
    for step in steps:
        step.data(data)
    data["schema"] = CURRENT[kind]


def upgrade_document(kind: str, doc: Any, steps: list[Migration]) -> None:
    for step in steps:
        step.document(doc)
    doc["schema"] = CURRENT[kind]


# -- migrating files in place -------------------------------------------------------------------


@dataclass(slots=True)
class FileMigration:
    path: str  # repository-relative
    old: str
    new: str
    steps: list[str]


@dataclass(slots=True)
class MigrationResult:
    migrated: list[FileMigration]
    problems: list[Any]  # Problem: files that could not be read or upgraded


def kind_of(rel: str) -> str | None:
    """The file kind a framework folder's file holds, from where it lies."""
    parts = rel.split("/")
    if len(parts) == 3 and parts[2] == "framework.yaml":
        return "framework"
    if len(parts) == 3 and parts[2] == "releases.yaml":
        return "releases"
    if len(parts) == 4 and parts[2] == "blocks" and parts[3].endswith(".yaml"):
        return "block"
    return None


def migrate_files(root: Any, rels: list[str], *, write: bool) -> MigrationResult:
    """Upgrade the files ``rels`` (repository-relative) that are in an older format; with
    ``write=False`` only say which would change."""
    from refkit.problems import RULES
    from refkit.store.files import atomic_write
    from refkit.store.reader import read_yaml
    from refkit.store.roundtrip import dump_document, load_document

    result = MigrationResult([], [])
    for rel in rels:
        kind = kind_of(rel)
        if kind is None:
            continue
        raw = read_regular(root / rel)
        doc = read_yaml(rel, raw)
        if doc.problems or doc.data is None:
            result.problems.extend(doc.problems)
            continue
        steps = needs(kind, doc.data)
        if steps is None:
            line, col = doc.positions.of(doc.data, ("schema",))
            result.problems.append(
                RULES["schema-version"].at(
                    rel,
                    line,
                    col,
                    f"no migration from {doc.data.get('schema')} to {CURRENT[kind]}",
                    path=("schema",),
                    hint=f"rewrite the file in the current format {CURRENT[kind]} (docs/file-format.md)",
                )
            )
            continue
        if not steps:
            continue
        old = str(doc.data["schema"])
        if write:
            text = raw.decode("utf-8")
            document, y = load_document(text)
            upgrade_document(kind, document, steps)
            atomic_write(
                root / rel, dump_document(document, y, crlf="\r\n" in text).encode("utf-8")
            )
        result.migrated.append(FileMigration(rel, old, CURRENT[kind], [s.summary for s in steps]))
    return result

"""Provides import and export of frameworks in other formats: 1EdTech CASE packages, spreadsheets
(CSV, xlsx), ESCO's CSV releases, the NIST NICE framework JSON and the DIRECT framework JSON.

Importers are functions of the source file(s) -> ``Imported``: a ``Framework`` model and a report of
what could not be placed. ``write_imported`` writes it as a framework folder, atomically: the files
go to a temporary folder next to the target, which is then renamed, so that bad input or a crash
never leaves a partial framework. Exporters are functions of a ``Framework`` -> data or bytes.

Ids and order are deterministic (the same source gives byte-identical files), and identifiers of the
source are kept (the competency id when it is one, an ``x-<format>`` extension otherwise), so that
importing the next version of the same source gives a diff keyed on the source's identifiers.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import unicodedata
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

from refkit.errors import RefkitError
from refkit.model import Framework
from refkit.store.loader import (
    BLOCKS_DIR,
    FRAMEWORK_FILE,
    RELEASES_FILE,
    LoadedFramework,
    load_framework,
    read_folder,
)

FRAMEWORK_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
ID = re.compile(r"^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
UUID_RE = re.compile(
    r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"
)
# The namespace of the UUIDs refkit derives from its ids (uuid5): the same framework, block or
# competency id always gives the same UUID, in every export.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://refkit.dev/ns/interop")


@dataclass(slots=True)
class Skipped:
    """A part of the source that could not be placed in the framework, and why."""

    where: str  # "row 12", "relationship 40 (PD-WRL-001 -> T1385)"...
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"where": self.where, "reason": self.reason}


@dataclass(slots=True)
class Imported:
    framework: Framework
    source: str  # the file(s) read, for messages
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # facts worth telling (defaults taken...)

    def counts(self) -> tuple[int, int]:
        fw = self.framework
        return len(fw.blocks), sum(len(b.competencies) for b in fw.blocks)


@dataclass(slots=True)
class Written:
    folder: Path
    files: list[str]  # relative to the folder
    replaced: bool


# -- ids --------------------------------------------------------------------------------------


def is_id(text: str) -> bool:
    return bool(ID.match(text))


def is_uuid(text: Any) -> TypeGuard[str]:
    return isinstance(text, str) and bool(UUID_RE.match(text))


def slug(text: str, max_length: int = 64) -> str:
    """Lower-case ASCII words joined by hyphens: ``Data/database management`` ->
    ``data-database-management``. Empty when the text has no letter or digit."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    s = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return s[:max_length].rstrip("-")


def stable_uuid(*parts: str) -> str:
    """A UUID derived from refkit ids (uuid5): stable across exports and versions."""
    return str(uuid.uuid5(NAMESPACE, "\x1f".join(parts)))


def id_from_identifier(identifier: str) -> str:
    """A refkit id for a source identifier: itself when it is a valid id (UUIDs are), else a
    UUID derived from it (uuid5 in the URL namespace: identifiers are often URIs)."""
    if is_id(identifier):
        return identifier
    return str(uuid.uuid5(uuid.NAMESPACE_URL, identifier))


def one_line(text: str) -> str:
    """The first non-blank line of a text (a statement or title must be one line)."""
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.strip():
            return line
    return ""


def check_framework_id(fid: str, out: Path) -> None:
    if not FRAMEWORK_ID.match(fid) or len(fid) > 64:
        raise RefkitError(
            f"{out}: the folder name {fid!r} is not a framework id",
            hint="name the folder with lower-case words joined by hyphens, e.g. frameworks/esco-digcomp",
        )


# -- writing ----------------------------------------------------------------------------------


def write_imported(out: Path, imported: Imported, *, replace: bool = False) -> Written:
    """Write the imported framework as the folder ``out`` (its name is the framework id).

    A new folder is written whole or not at all. With ``replace``, an existing framework folder
    is replaced by the import, keeping what refkit records about it: its ``version`` and
    ``status`` and its ``releases.yaml``, so that ``refkit release`` proposes the next version
    from the diff. Unchanged blocks come out byte-identical: the output is deterministic."""
    out = Path(out)
    fw = imported.framework
    check_framework_id(out.name, out)
    fw.id = out.name
    existing = out.exists() or out.is_symlink()
    if existing:
        if not out.is_dir():
            raise RefkitError(f"{out} is a file", hint="give the folder of the framework to write")
        if not replace:
            raise RefkitError(
                f"{out} already exists",
                hint="add --replace to update it from the source (its version and releases are kept), or choose another folder",
            )
        _keep_records(out, fw)
    parent = out.parent
    parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(4)
    tmp = parent / f".{out.name}.import-{token}"  # hidden: refkit never reads it as a framework
    try:
        tmp.mkdir()
        fw.folder = tmp.name
        from refkit.store.writer import save_framework

        save_framework(parent, LoadedFramework(tmp.name, fw))
        if existing and (out / RELEASES_FILE).is_file():
            shutil.copy2(out / RELEASES_FILE, tmp / RELEASES_FILE)
        files = sorted(p.relative_to(tmp).as_posix() for p in tmp.rglob("*") if p.is_file())
        _swap(tmp, out, parent, token)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    fw.folder = out.name
    return Written(out, files, existing)


def _keep_records(out: Path, fw: Framework) -> None:
    if not (out / FRAMEWORK_FILE).is_file():
        raise RefkitError(
            f"{out} is not a framework folder (it has no {FRAMEWORK_FILE})",
            hint="--replace updates a framework imported before; give an empty or new folder otherwise",
        )
    root = out.parent
    old = load_framework(out.name, read_folder(root, out)).framework
    if old is None or not old.version:
        raise RefkitError(
            f"{out / FRAMEWORK_FILE} cannot be read, so its version cannot be kept",
            hint="run refkit validate and fix it, or remove the folder and import again",
        )
    fw.version = old.version
    fw.status = old.status or fw.status
    stray = [
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.is_file()
        and p.name not in (FRAMEWORK_FILE, RELEASES_FILE)
        and not (p.parent == out / BLOCKS_DIR and p.suffix == ".yaml")
    ]
    if stray:
        raise RefkitError(
            f"{out} holds files an import would not keep: {', '.join(sorted(stray)[:5])}",
            hint="move them out of the framework folder, then import again",
        )


def _swap(tmp: Path, out: Path, parent: Path, token: str) -> None:
    """Put ``tmp`` in place of ``out``: renames only, the old folder removed last."""
    if not out.exists():
        os.rename(tmp, out)
        return
    backup = parent / f".{out.name}.replaced-{token}"
    os.rename(out, backup)
    try:
        os.rename(tmp, out)
    except BaseException:
        with contextlib.suppress(OSError):
            os.rename(backup, out)
        raise
    shutil.rmtree(backup, ignore_errors=True)

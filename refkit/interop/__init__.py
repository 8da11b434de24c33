"""Provides import and export of frameworks in other formats: CASE, spreadsheets (CSV, xlsx), ESCO,
NICE, DIRECT, RNCP fiches (XML), and correspondence tables as training.gov.au and NZQA give theirs.

Importers are functions of the source file(s) -> ``Imported``: a ``Framework`` model and a report of
what could not be placed. ``write_imported`` writes it as a framework folder, atomically: the files
go to a temporary folder next to the target, which is then renamed, so that bad input or a crash
never leaves a partial framework. Exporters are functions of a ``Framework`` -> data or bytes.

Inputs are read only when they are regular files and within caps (``refkit.interop.inputs``).
JSON inputs are read by ``refkit.interop.jsonfile``; CASE is in ``case`` (import in ``case_import``,
export in ``case_export``, what both read in ``case_package``).

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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

from refkit.errors import RefkitError
from refkit.i18n import Msg, N_plural
from refkit.interop.inputs import mb
from refkit.model import Block, Framework
from refkit.store.loader import (
    BLOCKS_DIR,
    FRAMEWORK_FILE,
    RELEASES_FILE,
    LoadedFramework,
    load_framework,
    read_folder,
)
from refkit.store.reader import MAX_FILE_BYTES

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
    """A part of the source that could not be placed in the framework, and why: said in the
    reader's language where it is shown, in English in JSON. ``where`` is a ``Msg`` when it
    holds words ("row 12"), text when it is the source's own (a JSON path, a URI)."""

    where: str | Msg  # "row 12", "relationship 40 (PD-WRL-001 -> T1385)", "CFItems[3]"...
    reason: Msg

    def to_json(self) -> dict[str, str]:
        return {"where": str(self.where), "reason": str(self.reason)}


@dataclass(slots=True)
class Imported:
    framework: Framework
    source: str  # the file(s) read, for messages
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[Msg] = field(default_factory=list)  # facts worth telling (defaults taken...)
    # the source against its schema, "path: what": jsonschema's own words, in English
    problems: list[str] = field(default_factory=list)

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
            Msg("{out}: the folder name {name} is not a framework id", out=out, name=repr(fid)),
            hint=Msg(
                "name the folder with lower-case words joined by hyphens, e.g. frameworks/esco-digcomp"
            ),
        )


# -- texts ------------------------------------------------------------------------------------


def clean_texts(imported: Imported) -> None:
    """Repair what a source's texts hold that a framework may not: line ends written CR LF
    become LF, control characters other than tab, line feed and carriage return (C0, DEL, C1:
    e.g. the U+009D in a description of ESCO's skills pillar) are removed. Each repair is told
    in ``notes``: the rule ``control-character`` would refuse the framework otherwise. A lone CR
    is kept, as the source has it (refkit's own CSV export round-trips it; the rule flags it)."""
    import dataclasses

    from refkit.control import CONTROL

    line_ends = 0
    removed: dict[str, int] = {}

    def clean(value: Any) -> Any:
        nonlocal line_ends
        if isinstance(value, str):
            if "\r\n" in value:
                line_ends += value.count("\r\n")
                value = value.replace("\r\n", "\n")
            found = [ch for ch in CONTROL.findall(value) if ch != "\r"]
            if found:
                for ch in found:
                    code = f"U+{ord(ch):04X}"
                    removed[code] = removed.get(code, 0) + 1
                value = CONTROL.sub(lambda m: m.group() if m.group() == "\r" else "", value)
            return value
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            for f in dataclasses.fields(value):
                if f.name == "source":
                    continue
                old = getattr(value, f.name)
                new = clean(old)
                if new is not old:
                    setattr(value, f.name, new)
            return value
        return value

    clean(imported.framework)
    if line_ends:
        imported.notes.append(
            Msg(
                N_plural(
                    "{n} line end written CR LF in texts of the source made LF",
                    "{n} line ends written CR LF in texts of the source made LF",
                ),
                n=line_ends,
            )
        )
    if removed:
        shown = ", ".join(f"{code} ×{n}" if n > 1 else code for code, n in sorted(removed.items()))
        total = sum(removed.values())
        imported.notes.append(
            Msg(
                N_plural(
                    "{n} control character removed from texts of the source ({codes})",
                    "{n} control characters removed from texts of the source ({codes})",
                ),
                n=total,
                codes=shown,
            )
        )


# -- writing ----------------------------------------------------------------------------------


def write_imported(
    out: Path,
    imported: Imported,
    *,
    replace: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Written:
    """Write the imported framework as the folder ``out``, as ``_write_imported`` says, holding
    the repository lock (one writer at a time: refkit.store.lock). What a killed import of this
    folder left (its temporary folder, or the old folder set aside during the swap) is put right
    first: the folder as before that import, or as after it."""
    from refkit.doctor import sweep_interrupted_imports
    from refkit.store.lock import repository_lock

    out = Path(out)
    clean_texts(imported)
    with repository_lock(out.parent, f"import {out.name}"):
        if out.parent.is_dir():
            sweep_interrupted_imports(out.parent, out.name)
        return _write_imported(out, imported, replace=replace, progress=progress)


def _write_imported(
    out: Path,
    imported: Imported,
    *,
    replace: bool,
    progress: Callable[[int, int], None] | None = None,
) -> Written:
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
            raise RefkitError(Msg("{out} is a file", out=out), hint=Msg("give the folder of the framework to write"))  # fmt: skip
        if not replace:
            raise RefkitError(
                Msg("{out} already exists", out=out),
                hint=Msg(
                    "add --replace to update it from the source (its version and releases are kept), or choose another folder"
                ),
            )
        check_committed(out)
        _keep_records(out, fw)
    check_sizes(out, fw)
    parent = out.parent
    parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(4)
    tmp = parent / f".{out.name}.import-{token}"  # hidden: refkit never reads it as a framework
    try:
        tmp.mkdir()
        fw.folder = tmp.name
        from refkit.store.writer import save_framework

        save_framework(parent, LoadedFramework(tmp.name, fw), progress=progress)
        if existing and (out / RELEASES_FILE).is_file():
            shutil.copy2(out / RELEASES_FILE, tmp / RELEASES_FILE)
        files = sorted(p.relative_to(tmp).as_posix() for p in tmp.rglob("*") if p.is_file())
        _check_written(out, tmp, files, fw)
        if existing:
            check_committed(out)  # again: someone may have edited it while the import was written
        _swap(tmp, out, parent, token)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    fw.folder = out.name
    return Written(out, files, existing)


def check_committed(out: Path) -> None:
    """Refuse to replace a folder holding work that is not committed: changed, staged, untracked
    or ignored files (``--replace`` removes the folder; only what git holds can be got back)."""
    from refkit.store.repository import Repository

    hint = Msg("import into a new folder, or put the folder in git and commit it first (git init, git add -- {out}, git commit)", out=out)  # fmt: skip
    try:
        from refkit.history import GitError, History
    except ImportError:  # GitPython finds no git executable
        raise RefkitError(Msg("{out}: git cannot be run, so refkit cannot tell whether --replace would lose uncommitted work", out=out), hint=hint) from None  # fmt: skip
    try:
        history = History(Repository(out.parent))
    except GitError:
        raise RefkitError(
            Msg(
                "{out} is not in a git repository: --replace would lose its files, none of them is committed",
                out=out,
            ),
            hint=hint,
        ) from None
    base = Path(os.path.abspath(out))
    with history:
        changed = {path for _, path in history.status([out.name])}
        files = [str(p) for p in base.rglob("*") if p.is_file() or p.is_symlink()]
        ignored = set(history.git_repo.ignored(*files)) if files else set()
    names = sorted(
        {Path(p).relative_to(out.name).as_posix() for p in changed}
        | {Path(p).relative_to(base).as_posix() for p in ignored}
    )
    if names:
        shown = ", ".join(names[:10])
        if len(names) > 10:
            message = Msg("{out} has work that is not committed, which --replace would lose: {files} (and {n} more)", out=out, files=shown, n=len(names) - 10)  # fmt: skip
        else:
            message = Msg("{out} has work that is not committed, which --replace would lose: {files}", out=out, files=shown)  # fmt: skip
        raise RefkitError(
            message,
            hint=Msg(
                "commit it first (git add -- {out} && git commit), then import again: the replaced content stays in git's history; if it is not wanted, discard it with git (git restore, git clean) first",
                out=out,
            ),
        )


def _estimate(block: Block) -> int:
    """A lower bound of the bytes of ``block``'s file as the writer lays it out: its texts, the
    keys and the indentation; quoting, escapes and folding only add to it."""

    def size(text: str | None) -> int:
        return len(text.encode("utf-8", "surrogatepass")) if text else 0

    def leaves(value: Any) -> int:  # extension data: keys and scalars at least
        if isinstance(value, dict):
            return sum(size(str(k)) + 2 + leaves(v) for k, v in value.items())
        if isinstance(value, list):
            return sum(2 + leaves(v) for v in value)
        return size(str(value)) + 1

    n = size(block.id) + size(block.title) + size(block.description)
    for c in block.competencies:
        n += 9 + size(c.id) + 16 + size(c.statement) + 11 + size(c.kind)
        if c.criteria:
            n += 14 + sum(9 + size(cr.text) for cr in c.criteria)
        if c.notes:
            n += 12 + size(c.notes)
        if c.esco:
            n += 10 + sum(9 + size(u) for u in c.esco)
        if c.activities:
            n += 17 + sum(2 + size(a) for a in c.activities)
        n += sum(size(k) + leaves(v) for k, v in c.extensions.items())
    return n + sum(size(k) + leaves(v) for k, v in block.extensions.items())


def _too_large(out: Path, block: Block, size: Msg) -> RefkitError:
    return RefkitError(
        Msg(
            "{out}: block {block} ({n} competencies) would be a file of {size}, "
            "over the {cap} refkit reads in one file (file-too-large); nothing written",
            out=out,
            block=block.id,
            n=len(block.competencies),
            size=size,
            cap=mb(MAX_FILE_BYTES),
        ),
        hint=Msg(
            "split it into several blocks in the source (in a spreadsheet: give its rows several block ids), then import again"
        ),
    )


def check_sizes(out: Path, fw: Framework) -> None:
    """Refuse, before writing, a block whose file would be over the limit of ``refkit validate``
    (rule ``file-too-large``): estimated from its texts, a lower bound."""
    for block in fw.blocks:
        at_least = _estimate(block)
        if at_least > MAX_FILE_BYTES:
            raise _too_large(out, block, Msg("at least {size}", size=mb(at_least)))


def _check_written(out: Path, tmp: Path, files: list[str], fw: Framework) -> None:
    """The written files against the same limit (the estimate is only a lower bound)."""
    blocks = {f"{BLOCKS_DIR}/{b.id}.yaml": b for b in fw.blocks}
    for name in files:
        size = (tmp / name).stat().st_size
        if size > MAX_FILE_BYTES:
            block = blocks.get(name)
            if block is None:
                raise RefkitError(
                    Msg(
                        "{out}: {file} would be a file of {size}, over the {cap} refkit reads in one file (file-too-large); nothing written",
                        out=out,
                        file=name,
                        size=mb(size),
                        cap=mb(MAX_FILE_BYTES),
                    ),
                    hint=Msg(
                        "the source holds more than refkit keeps in one file: import a part of it"
                    ),
                )
            raise _too_large(out, block, mb(size))


def _keep_records(out: Path, fw: Framework) -> None:
    if not (out / FRAMEWORK_FILE).is_file():
        raise RefkitError(
            Msg("{out} is not a framework folder (it has no {file})", out=out, file=FRAMEWORK_FILE),
            hint=Msg(
                "--replace updates a framework imported before; give an empty or new folder otherwise"
            ),
        )
    root = out.parent
    old = load_framework(out.name, read_folder(root, out)).framework
    if old is None or not old.version:
        raise RefkitError(
            Msg("{file} cannot be read, so its version cannot be kept", file=out / FRAMEWORK_FILE),
            hint=Msg("run refkit validate and fix it, or remove the folder and import again"),
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
            Msg(
                "{out} holds files an import would not keep: {files}",
                out=out,
                files=", ".join(sorted(stray)[:5]),
            ),
            hint=Msg("move them out of the framework folder, then import again"),
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

"""Provides loading: the files of a framework folder -> a ``Framework`` with source positions.

One loader serves every reader: the working tree (``read_folder``) and, later, any git revision
(the history layer hands the same function the blobs of a tree). Loading never raises on bad
content: each file is read by ``store.reader``, checked against its schema, and built leniently
into the model (missing or ill-typed values become empty), so that the semantic rules can still run
and every problem is reported in one pass.

Layout of a framework folder::

    frameworks/<framework id>/
        framework.yaml          metadata, activities, shared blocks, certification rules
        blocks/<block id>.yaml  one file per block, so two people editing two blocks never collide
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from refkit import schema

if TYPE_CHECKING:
    from refkit.cache import BlobCache
from refkit.i18n import Msg
from refkit.model import (
    Block,
    Framework,
    Source,
)
from refkit.parallel import collector_paused
from refkit.problems import RULES, DocPath, Problem
from refkit.store.build import _block, _framework, _releases
from refkit.store.files import NotRegularFile, read_regular_limited, remove_if_stale, what_is
from refkit.store.reader import MAX_FILE_BYTES, ReadResult, read_yaml

FRAMEWORKS_DIR = "frameworks"
FRAMEWORK_FILE = "framework.yaml"
RELEASES_FILE = "releases.yaml"
BLOCKS_DIR = "blocks"
KNOWN_FILES = {FRAMEWORK_FILE, RELEASES_FILE}


@dataclass(slots=True)
class RawFile:
    """One file of a framework folder: repository-relative path, bytes (None if too large or
    not read)."""

    path: str
    data: bytes | None
    size: int
    sha: str | None = None  # git blob id, when read from git: parsed results are cached by it
    # why the file was not read: (rule id, message), e.g. a named pipe or a symbolic link
    refused: tuple[str, str | Msg] | None = None


@dataclass(slots=True)
class LoadedFramework:
    folder: str  # repository-relative, e.g. frameworks/plombier-chauffagiste
    framework: Framework | None
    problems: list[Problem] = field(default_factory=list)
    documents: dict[str, ReadResult] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)
    broken_blocks: set[str] = field(default_factory=set)  # block ids whose file could not be read
    blobs: BlobCache | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.folder.rsplit("/", 1)[-1]

    def locate(
        self, source: Source | None, *extra: str | int, key: bool = False
    ) -> tuple[str, int, int, DocPath]:
        """File, line, column and document path of ``source`` (an item) extended by ``extra``."""
        if source is None:
            return self.folder, 1, 1, ()
        path = source.path + extra
        doc = self.documents.get(source.file)
        if doc is None or doc.data is None:
            return source.file, source.line, source.col, path
        line, col = doc.positions.of(doc.data, path, key=key)
        return source.file, line, col, path


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


_NATURAL = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[Any, ...]:
    """Sort key so that BC2 comes before BC10."""
    return tuple(int(p) if p.isdigit() else p.lower() for p in _NATURAL.split(text))


# -- reading folders --------------------------------------------------------------------------


def read_folder(root: Path, folder: Path) -> list[RawFile]:
    """The YAML files of a framework folder in the working tree (oversized files are not read).

    Only regular files are read (``store.files.read_regular``); what is not one comes back
    refused, with the reason: a symbolic link (refkit follows none, ``scan_folder``), a named
    pipe, a device, a folder named like a YAML file, a file that cannot be read."""
    out = []
    for rel, full, _, refused in scan_folder(root, folder):
        if refused is not None:
            out.append(RawFile(rel, None, -1, refused=refused))
            continue
        try:
            data, size = read_regular_limited(full, MAX_FILE_BYTES)
        except NotRegularFile as e:  # replaced since it was listed
            out.append(RawFile(rel, None, -1, refused=_not_regular(e.what)))
            continue
        except OSError as e:
            reason = Msg("file cannot be read ({reason})", reason=e.strerror or str(e))
            out.append(RawFile(rel, None, -1, refused=("file-unreadable", reason)))
            continue
        out.append(RawFile(rel, data, size))
    return out


# (repository-relative path, full path, lstat or None, refusal or None)
ScanEntry = tuple[str, str, os.stat_result | None, tuple[str, str | Msg] | None]


def scan_folder(root: Path, folder: Path) -> list[ScanEntry]:
    """The YAML files of a framework folder, in order, without reading them and without
    following any symbolic link.

    A link (to a file or a folder, inside the repository or not) is refused: git keeps a link
    as the path it points to, so a release would not hold what the work tree showed, and an
    edit would replace the link by a file. Never following one also means never walking into
    a loop (``ln -s .. loop``) or out of the repository (``ln -s / root``). Names starting with
    '.' are skipped; a YAML-named folder, a named pipe, a device or a socket is refused."""
    out: list[ScanEntry] = []
    root_str = str(root)
    # every path found starts with the folder's, which lies in the root (a slice, not relpath:
    # 5,000 files, 0.06 s)
    start = len(root_str) + 1 if str(folder).startswith(root_str + os.sep) else None
    stack = [str(folder)]
    while stack:
        dirpath = stack.pop()
        try:
            with os.scandir(dirpath) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as e:
            rel = Path(dirpath).relative_to(root).as_posix()
            reason = Msg("folder cannot be read ({reason})", reason=e.strerror or str(e))
            out.append((rel, dirpath, None, ("file-unreadable", reason)))
            continue
        subdirs = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                if name.endswith(".tmp"):  # a write killed midway: its file is not left behind
                    remove_if_stale(entry.path)
                continue
            yaml_name = name.endswith((".yaml", ".yml"))
            full = entry.path
            rel = (full[start:] if start is not None else os.path.relpath(full, root_str)).replace(
                os.sep, "/"
            )
            try:
                st: os.stat_result | None = entry.stat(follow_symlinks=False)
            except OSError:
                st = None
            if entry.is_symlink():
                if yaml_name or os.path.isdir(full):
                    out.append((rel, full, st, link_refusal(root_str, full)))
                continue
            if entry.is_dir(follow_symlinks=False):
                if yaml_name:
                    out.append((rel, full, st, _not_regular("a folder")))
                else:
                    subdirs.append(full)
                continue
            if not yaml_name:
                continue
            if st is not None and not stat.S_ISREG(st.st_mode):
                out.append((rel, full, st, _not_regular(what_is(st.st_mode))))
                continue
            out.append((rel, full, st, None))
        stack.extend(reversed(subdirs))
    out.sort(key=lambda e: e[0])
    return out


def link_refusal(root: str, full: str) -> tuple[str, str | Msg]:
    """(rule, message) for the symbolic link at ``full``: where it leads, and that it is not
    followed."""
    try:
        target = os.readlink(full)
    except OSError:
        target = "?"
    resolved = os.path.realpath(full)
    inside = resolved == root or resolved.startswith(root.rstrip(os.sep) + os.sep)
    where = Msg("inside the repository") if inside else Msg("outside the repository")
    return (
        "file-link",
        Msg(
            "symbolic link to {target} ({where}); refkit follows no link",
            target=target,
            where=where,
        ),
    )


def _not_regular(what: str) -> tuple[str, str | Msg]:
    return (
        "file-not-regular",
        Msg("{what}, not a regular file; refkit reads only regular files", what=Msg(what)),
    )


# -- loading ----------------------------------------------------------------------------------


# the editor's name for it (refkit.edit), until it says collector_paused too
no_gc = collector_paused


def load_framework(
    folder: str,
    files: Iterable[RawFile],
    *,
    blobs: BlobCache | None = None,
    ready: Callable[[RawFile], _Parsed | None] | None = None,
) -> LoadedFramework:
    """Load one framework folder (repository-relative ``folder``) from its files.

    ``blobs``: a cache of parsed git blobs, used for files that carry their blob id (several
    frameworks at once, with worker processes: ``Loading``). ``ready``: a block file already
    read, given its file (None for the others)."""
    with collector_paused():
        return _load_framework(folder, files, blobs, ready or _none)


def _none(raw: RawFile) -> None:
    return None


def _load_framework(
    folder: str,
    files: Iterable[RawFile],
    blobs: BlobCache | None,
    ready: Callable[[RawFile], _Parsed | None],
    checked: bool = True,  # (Loading's)
) -> LoadedFramework:
    loaded = LoadedFramework(folder, None)
    loaded.blobs = blobs
    prefix = folder + "/"
    framework_raw: RawFile | None = None
    releases_raw: RawFile | None = None
    block_raws: list[RawFile] = []
    for raw in files:
        rel = raw.path[len(prefix) :] if raw.path.startswith(prefix) else raw.path
        if raw.refused is not None and rel not in KNOWN_FILES and not _is_block(rel):
            loaded.problems.append(_refusal(raw))  # a link to a folder, an unreadable folder...
            continue
        if rel == FRAMEWORK_FILE:
            framework_raw = raw
        elif rel == RELEASES_FILE:
            releases_raw = raw
        elif _is_block(rel):
            block_raws.append(raw)
        elif rel not in KNOWN_FILES:
            loaded.problems.append(
                RULES["unexpected-file"].at(
                    raw.path,
                    1,
                    1,
                    "refkit does not read this file",
                    # a literal: the catalogue check finds both hints here
                    hint=(
                        "rename the file to .yaml"
                        if rel.endswith(".yml")
                        else "move it to blocks/<id>.yaml, or remove it: refkit reads only framework.yaml and blocks/"
                    ),
                )
            )
    if framework_raw is None:
        loaded.problems.append(
            RULES["framework-file-missing"].at(
                folder, 1, 1, Msg("framework folder has no {file}", file=FRAMEWORK_FILE)
            )
        )
        return loaded

    doc = _read(loaded, framework_raw, "framework", checked=checked)
    if isinstance(doc.data, dict):
        loaded.framework = _framework(doc.data, doc.positions, framework_raw.path, folder)
    fw = loaded.framework
    if releases_raw is not None:
        doc = _read(loaded, releases_raw, "releases", checked=checked)
        if fw is not None and isinstance(doc.data, dict):
            fw.releases = _releases(doc.data, doc.positions, releases_raw.path)
    for raw in sorted(block_raws, key=lambda r: natural_key(r.path)):
        built = _read_block(loaded, raw, ready(raw))
        if fw is None:
            continue  # framework.yaml unusable: report each file's own problems, build nothing
        if built is not None:
            fw.blocks.append(built)
        else:
            stem = raw.path.rsplit("/", 1)[-1][: -len(".yaml")]
            loaded.broken_blocks.add(stem)
            fw.blocks.append(Block(id=stem, title="", source=Source(raw.path, 1, 1)))
    return loaded


def _is_block(rel: str) -> bool:
    """Whether ``rel`` (relative to the framework folder) names a block file."""
    return rel.startswith(BLOCKS_DIR + "/") and rel.count("/") == 1 and rel.endswith(".yaml")


def _refusal(raw: RawFile) -> Problem:
    assert raw.refused is not None
    rule, message = raw.refused
    hint = None
    if str(message).startswith("a folder,"):
        hint = "rename or remove the folder: refkit reads block files, blocks/<id>.yaml"
    return RULES[rule].at(raw.path, 1, 1, message, hint=hint)


def _read_block(
    loaded: LoadedFramework, raw: RawFile, ready: _Parsed | None = None
) -> Block | None:
    """Read a block file and build its block (None when it cannot be built). ``ready``: the file
    already read, by a worker process (``Loading``) or before a save (``store.writer``)."""
    if ready is not None:
        doc, found, block = ready
        if raw.data is not None:
            loaded.hashes[raw.path] = digest(raw.data)
        _accept(loaded, raw, doc, found)
        return block
    blobs = loaded.blobs
    if blobs is not None and raw.sha is not None and raw.data is not None:
        parsed = blobs.get_block(raw.sha, raw.path)
        if parsed is None:
            parsed = parse_block(raw)
            blobs.put_block(raw.sha, *parsed)
        doc, found, block = parsed
        loaded.hashes[raw.path] = digest(raw.data)
        _accept(loaded, raw, doc, found)
        return block
    doc = _read(loaded, raw, "block")
    return _block(doc.data, doc.positions, raw.path) if isinstance(doc.data, dict) else None


_Parsed = tuple[ReadResult, list[Problem], Block | None]


def parse_block(raw: RawFile, *, checked: bool = True) -> _Parsed:
    """A block file (``raw.data`` not None) read, checked against its schema and built.
    ``checked=False``: checked for its kind and version only (``Loading``)."""
    assert raw.data is not None
    return build_block(raw.path, read_yaml(raw.path, raw.data, size=raw.size), checked=checked)


def build_block(path: str, doc: ReadResult, *, checked: bool = True) -> _Parsed:
    """A block file already parsed (``doc``), checked against its schema and built."""
    found = check_schema("block", path, doc, full=checked) if doc.data is not None else []
    usable = _usable(doc, found)
    block = _block(usable.data, usable.positions, path) if isinstance(usable.data, dict) else None
    return doc, found, block


def _read(loaded: LoadedFramework, raw: RawFile, kind: str, *, checked: bool = True) -> ReadResult:
    blobs = loaded.blobs
    if blobs is not None and raw.sha is not None and raw.data is not None:
        cached = blobs.get(raw.sha, kind, raw.path)
        if cached is None:
            doc = read_yaml(raw.path, raw.data, size=raw.size)
            found = check_schema(kind, raw.path, doc, full=checked) if doc.data is not None else []
            if checked:  # (else not to be cached: the kind and version only were checked)
                blobs.put(raw.sha, kind, doc, found)
        else:
            doc, found = cached
        loaded.hashes[raw.path] = digest(raw.data)
        return _accept(loaded, raw, doc, found)
    if raw.refused is not None:
        doc = ReadResult(raw.path, problems=[_refusal(raw)])
    elif raw.size < 0:
        doc = ReadResult(
            raw.path, problems=[RULES["file-unreadable"].at(raw.path, 1, 1, "file cannot be read")]
        )
    elif raw.data is None:
        doc = read_yaml(raw.path, b"", size=raw.size)  # over the size limit
    else:
        doc = read_yaml(raw.path, raw.data, size=raw.size)
        loaded.hashes[raw.path] = digest(raw.data)
    found = check_schema(kind, raw.path, doc) if doc.data is not None else []
    return _accept(loaded, raw, doc, found)


def check_schema(kind: str, file: str, doc: ReadResult, *, full: bool = True) -> list[Problem]:
    """Schema problems of a file; a file in an older format refkit can migrate is upgraded in
    memory first (so that old releases still read) and reported as needing ``refkit migrate``.
    ``full=False``: the file's kind and version only, not each field (``schema.check``)."""
    from refkit import migrate

    out = []
    steps = migrate.needs(kind, doc.data)
    if steps:
        line, col = doc.positions.of(doc.data, ("schema",))
        old = doc.data["schema"]
        out.append(
            RULES["schema-migrate"].at(
                file,
                line,
                col,
                Msg(
                    "file follows the older format {old}; the current one is {current}",
                    old=old,
                    current=schema.CURRENT[kind],
                ),
                path=("schema",),
                hint="run refkit migrate: it upgrades the file and keeps its comments",
            )
        )
        migrate.upgrade_data(kind, doc.data, steps)
    out += schema.check(kind, file, doc.data, doc.positions, full=full)
    if full and doc.nonfinite:
        out += schema.nonfinite(file, doc.data, doc.positions, out)
    return out


def _accept(
    loaded: LoadedFramework, raw: RawFile, doc: ReadResult, found: list[Problem]
) -> ReadResult:
    loaded.documents[raw.path] = doc
    loaded.problems.extend(doc.problems)
    loaded.problems.extend(found)
    return _usable(doc, found)


def _usable(doc: ReadResult, found: list[Problem]) -> ReadResult:
    if any(p.rule == "schema-version" and p.path == ("schema",) for p in found):
        # another kind of file, or another version of the format: its fields cannot be trusted
        return ReadResult(doc.file, problems=doc.problems)
    return doc

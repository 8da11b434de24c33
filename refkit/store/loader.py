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
    from refkit.parallel import Forked
from refkit.i18n import Msg
from refkit.model import (
    Activity,
    AdoptedProposal,
    Block,
    CertificationRules,
    Competency,
    Correspondence,
    CorrespondenceEntry,
    Criterion,
    ElectiveGroup,
    Framework,
    Level,
    Member,
    Modality,
    ReleaseRecord,
    SharedBlockRef,
    Source,
    Validity,
    Volume,
)
from refkit.parallel import collector_paused, workers
from refkit.problems import RULES, DocPath, Problem
from refkit.store.compact import block_from_compact, block_to_compact
from refkit.store.files import NotRegularFile, read_regular_limited, remove_if_stale, what_is
from refkit.store.reader import MAX_FILE_BYTES, Positions, ReadResult, read_yaml
from refkit.store.relations import read_relations

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
            rel = os.path.relpath(full, root_str).replace(os.sep, "/")
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


# -- block files in worker processes ------------------------------------------------------------

PARALLEL_MIN_BYTES = 1024 * 1024  # block bytes to parse below which starting workers costs more
# at most this many block bytes to a chunk (about 0.25 s of parsing): a first publish of a large
# repository (35 MB) is cut finer than 4 chunks a worker, so that no process is left with a
# large last chunk while the others are idle (the editor's loads, a few MB, are not)
CHUNK_BYTES = 1024 * 1024
_Shipped = tuple[str, list[Problem], list[Problem], list[Any] | None]


class Loading:
    """Frameworks being loaded, with the block files the cache of parsed blobs does not hold read
    in worker processes meanwhile.

    A folder may come more than once, with other files (several releases of a framework, read
    from git by ``refkit publish``): block files are known by path and blob id, and a file that
    comes again with the same blob id is read once (the second time, from the cache).

    Creating a ``Loading`` only looks the files up in the cache (a file test each). When the
    files it lacks amount to ``PARALLEL_MIN_BYTES`` or more and workers pay
    (``refkit.parallel.workers``: at most ``jobs``), they go in order, a few at a time, to forked
    workers (``refkit.parallel.Forked``), which parse, check, build and cache them, and the
    caller is free until it calls ``result``: the editor starts its user interface meanwhile.
    ``result`` then builds each framework in order, reading framework.yaml itself while the
    workers go on, taking each block as its worker returns it (or from the cache), and reading
    anything else itself (everything, when nothing was worth a worker). Rather than wait for a
    worker, it reads the last chunks no worker has taken yet; a chunk whose worker died is read
    here (``Forked``).

    A block a worker read is exactly the block the pass in order would build, with the same
    problems; like a cache hit, its document has no YAML data or positions (no reader of a
    session needs them: the writer reads a file again before changing it).
    ``tests/test_loading.py`` checks both.

    ``checked=False`` (the editor's first load, when its first paint waits for the workers): the
    workers check each block file for its kind and version only, which decide what is built, not
    each field, nor cache it (framework.yaml neither): the same blocks, 35 % sooner, without those
    schema problems (the editor's background check finds them, and caches the files)."""

    def __init__(
        self,
        folders: list[tuple[str, list[RawFile]]],
        blobs: BlobCache,
        jobs: int = 1,
        *,
        checked: bool = True,
    ) -> None:
        self.folders = folders
        self.blobs = blobs
        self.checked = checked
        self.workers = 0
        self._forked: Forked | None = None
        self._raws: list[list[RawFile]] = []  # the files of each chunk
        # (path, blob id) -> its chunk, until the chunk is taken
        self._pending: dict[tuple[str, str | None], int] = {}
        self._parsed: dict[tuple[str, str | None], _Parsed] = {}
        todo = list(
            {
                (raw.path, raw.sha): raw
                for folder, files in folders
                for raw in sorted(files, key=lambda r: natural_key(r.path))
                if raw.sha is not None
                and raw.data is not None
                and raw.path.startswith(f"{folder}/{BLOCKS_DIR}/")
                and raw.path.count("/") == folder.count("/") + 2
                and raw.path.endswith(".yaml")
                and not blobs.holds(raw.sha)
            }.values()
        )
        size = sum(raw.size for raw in todo)
        n = workers(size, at_least=PARALLEL_MIN_BYTES, items=len(todo), jobs=jobs)
        if n == 0:
            return
        from refkit.parallel import Forked

        chunks = _chunks(todo, max(4 * n, -(-size // CHUNK_BYTES)))
        self._forked = Forked(
            lambda chunk: _parse_share(blobs, chunk, checked), chunks, n, caller_helps=True
        )
        self._raws = chunks
        self._pending = {(raw.path, raw.sha): i for i, chunk in enumerate(chunks) for raw in chunk}
        self.workers = n

    def result(self) -> dict[str, LoadedFramework]:
        """The frameworks, by folder, in the order given."""
        return {loaded.folder: loaded for loaded in self.results()}

    def results(self) -> list[LoadedFramework]:
        """The frameworks in the order given, one for each (folder, files) given."""
        with collector_paused():
            try:
                return [
                    _load_framework(folder, files, self.blobs, self._arrived, self.checked)
                    for folder, files in self.folders
                ]
            finally:
                self._close()

    def _arrived(self, raw: RawFile) -> _Parsed | None:
        """The block file ``raw`` as a worker read it (waiting for it), or None."""
        key = (raw.path, raw.sha)
        i = self._pending.get(key)
        if i is not None and self._forked is not None:
            shipped = self._forked.result(i)
            self._pending = {k: j for k, j in self._pending.items() if j != i}
            # sent back in the order of the chunk
            for sent, (p, problems, found, compact) in zip(self._raws[i], shipped, strict=True):
                block = block_from_compact(compact, p) if compact is not None else None
                self._parsed[p, sent.sha] = (ReadResult(p, None, problems), found, block)
        return self._parsed.pop(key, None)

    def _close(self) -> None:
        if self._forked is not None:
            self._forked.close()
        self._forked, self._pending = None, {}


def _chunks(raws: list[RawFile], n: int) -> list[list[RawFile]]:
    """``raws`` in order, cut into about ``n`` runs of about the same size."""
    target = sum(raw.size for raw in raws) / n
    chunks: list[list[RawFile]] = [[]]
    size = 0
    for raw in raws:
        if chunks[-1] and size + raw.size / 2 > target:
            chunks.append([])
            size = 0
        chunks[-1].append(raw)
        size += raw.size
    return chunks


def _parse_share(blobs: BlobCache, raws: list[RawFile], checked: bool = True) -> list[_Shipped]:
    """A chunk of block files (in a worker, or in the loading process when no worker had taken
    it): ``parse_block`` and, when checked, cache each; blocks in their compact form
    (``store.compact``: small to send, quick to build)."""
    out = []
    for raw in raws:
        doc, found, block = parse_block(raw, checked=checked)
        compact = block_to_compact(block) if block is not None else None
        if checked:
            assert raw.sha is not None
            blobs.put_block(raw.sha, doc, found, block, compact=compact)
        out.append((raw.path, doc.problems, found, compact))
    return out


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


# -- lenient builders: data -> model ----------------------------------------------------------


def _src(file: str, positions: Positions, obj: Any, path: DocPath) -> Source:
    entry = positions.table.get(id(obj)) or (1, 1)
    return Source(file, entry[0], entry[1], path)


def _str(d: dict[str, Any], key: str) -> str | None:
    v = d.get(key)
    if v is None or isinstance(v, dict | list):
        return None
    if isinstance(v, bool):
        return str(v).lower()
    return v if isinstance(v, str) else str(v)


def _text(d: dict[str, Any], key: str) -> str:
    return _str(d, key) or ""


def _strs(d: dict[str, Any], key: str) -> list[str]:
    v = d.get(key)
    if isinstance(v, str):  # a single value where a list is expected: the schema says so
        return [v]
    if not isinstance(v, list):
        return []
    return [
        x if isinstance(x, str) else str(x)
        for x in v
        if x is not None and not isinstance(x, dict | list)
    ]


def _num(d: dict[str, Any], key: str) -> float | None:
    v = d.get(key)
    return v if isinstance(v, int | float) and not isinstance(v, bool) else None


def _int(d: dict[str, Any], key: str) -> int | None:
    v = d.get(key)
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _dicts(d: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
    v = d.get(key)
    if not isinstance(v, list):
        return []
    return [(i, x) for i, x in enumerate(v) if isinstance(x, dict)]


def _volume(d: dict[str, Any], key: str) -> Volume:
    v = d.get(key)
    if not isinstance(v, dict):
        return Volume()
    return Volume(hours=_num(v, "hours"), credits=_num(v, "credits"))


def _ext(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k.startswith("x-")}


def _framework(d: dict[str, Any], pos: Positions, file: str, folder: str) -> Framework:
    level = d.get("level")
    level_d = level if isinstance(level, dict) else {}
    validity = d.get("validity")
    validity_d = validity if isinstance(validity, dict) else {}
    codes = d.get("codes")
    cert = d.get("certification")
    cert_d = cert if isinstance(cert, dict) else {}
    return Framework(
        id=_text(d, "id"),
        title=_text(d, "title"),
        version=_text(d, "version"),
        status=_text(d, "status"),
        type=_str(d, "type"),
        stable_ids=d.get("stable_ids") if isinstance(d.get("stable_ids"), bool) else None,
        level=Level(eqf=_int(level_d, "eqf"), national=_levels(level_d.get("national"))),
        lang=_text(d, "lang"),
        sector=_str(d, "sector"),
        codes=dict(codes) if isinstance(codes, dict) else {},
        summary=_str(d, "summary"),
        working_group=[
            Member(
                organisation=_text(m, "organisation"),
                college=_str(m, "college"),
                role=_str(m, "role"),
            )
            for _, m in _dicts(d, "working_group")
        ],
        approval=_str(d["approval"], "rule") if isinstance(d.get("approval"), dict) else None,
        validity=Validity(start=_str(validity_d, "from"), until=_str(validity_d, "until")),
        activities=[
            Activity(
                id=_text(a, "id"),
                title=_text(a, "title"),
                description=_str(a, "description"),
                tasks=_strs(a, "tasks"),
                extensions=_ext(a),
                source=_src(file, pos, a, ("activities", i)),
                relations=read_relations(a, pos, file, ("activities", i)),
            )
            for i, a in _dicts(d, "activities")
        ],
        shared_blocks=[
            SharedBlockRef(
                framework=_text(s, "framework"),
                block=_text(s, "block"),
                version=_str(s, "version"),
                source=_src(file, pos, s, ("shared_blocks", i)),
            )
            for i, s in _dicts(d, "shared_blocks")
        ],
        certification=CertificationRules(
            required=_strs(cert_d, "required"),
            electives=[
                ElectiveGroup(
                    id=_text(g, "id"),
                    choose=_int(g, "choose") or 0,
                    blocks=_strs(g, "from"),
                    title=_str(g, "title"),
                    source=_src(file, pos, g, ("certification", "electives", i)),
                )
                for i, g in _dicts(cert_d, "electives")
            ],
            volume=_volume(cert_d, "volume"),
        ),
        correspondence=_correspondence(d.get("correspondence"), pos, file),
        extensions=_ext(d),
        folder=folder,
        source=_src(file, pos, d, ()),
        relations=read_relations(d, pos, file, ()),
    )


def _levels(d: Any) -> dict[str, int]:
    items = d.items() if isinstance(d, dict) else ()
    return {str(k): v for k, v in items if isinstance(v, int) and not isinstance(v, bool)}


def _correspondence(d: Any, pos: Positions, file: str) -> Correspondence | None:
    if not isinstance(d, dict):
        return None
    entries = [
        CorrespondenceEntry(
            type=_text(e, "type"),
            old=_str(e, "old"),
            new=_strs(e, "new"),
            missing=_strs(e, "missing"),
            note=_str(e, "note"),
            source=_src(file, pos, e, ("correspondence", "blocks", i)),
        )
        for i, e in _dicts(d, "blocks")
    ]
    return Correspondence(_text(d, "from"), entries, _src(file, pos, d, ("correspondence",)))


def _releases(d: dict[str, Any], pos: Positions, file: str) -> list[ReleaseRecord]:
    out = []
    for i, r in _dicts(d, "releases"):
        override = r["override"] if isinstance(r.get("override"), dict) else {}
        out.append(
            ReleaseRecord(
                version=_text(r, "version"),
                date=_text(r, "date"),
                message=_str(r, "message"),
                required=_str(override, "required"),
                reason=_str(override, "reason"),
                proposals=[AdoptedProposal.from_data(a) for _, a in _dicts(r, "proposals")],
                source=_src(file, pos, r, ("releases", i)),
            )
        )
    return out


def _block(d: dict[str, Any], pos: Positions, file: str) -> Block:
    competencies = []
    table = pos.table
    for i, c in _dicts(d, "competencies"):
        path: DocPath = ("competencies", i)
        crit = c.get("criteria")
        criteria = []
        if isinstance(crit, str):  # a single criterion not written as a list: the schema says so
            criteria.append(Criterion(crit, _src(file, pos, c, (*path, "criteria"))))
        elif isinstance(crit, list):
            crit_pos = pos.table.get(id(crit))
            for j, text in enumerate(crit):
                if text is None or isinstance(text, dict | list):
                    continue
                line, col = crit_pos[2][j] if crit_pos else (1, 1)
                criteria.append(
                    Criterion(str(text), Source(file, line, col, (*path, "criteria", j)))
                )
        # fast path for well-typed values (nearly always); the helpers handle the rest
        cid, statement, kind = c.get("id"), c.get("statement"), c.get("kind")
        acts, esco, notes = c.get("activities"), c.get("esco"), c.get("notes")
        entry = table.get(id(c)) or (1, 1)
        competencies.append(
            Competency(
                id=cid if type(cid) is str else _text(c, "id"),
                statement=statement if type(statement) is str else _text(c, "statement"),
                kind=kind if type(kind) is str else _text(c, "kind"),
                activities=_strs(c, "activities") if acts is not None else [],
                criteria=criteria,
                esco=_strs(c, "esco") if esco is not None else [],
                notes=notes if type(notes) is str or notes is None else _str(c, "notes"),
                extensions=_ext(c) if len(c) > 7 or any(k[:2] == "x-" for k in c) else {},
                source=Source(file, entry[0], entry[1], path),
                relations=read_relations(c, pos, file, path) if "relations" in c else [],
            )
        )
    return Block(
        id=_text(d, "id"),
        title=_text(d, "title"),
        competencies=competencies,
        description=_str(d, "description"),
        volume=_volume(d, "volume"),
        prerequisites=_strs(d, "prerequisites"),
        modalities=[
            Modality(
                type=_text(m, "type"),
                description=_str(m, "description"),
                hours=_num(m, "hours"),
                source=_src(file, pos, m, ("modalities", i)),
            )
            for i, m in _dicts(d, "modalities")
        ],
        extensions=_ext(d),
        source=_src(file, pos, d, ()),
        relations=read_relations(d, pos, file, ()),
    )

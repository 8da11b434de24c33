"""Provides saving: a ``Framework`` model -> its YAML files, changing only what changed.

``save_framework`` turns the model into plain data in the schema's key order, merges it into each
file's round-trip document (``store.roundtrip``), and writes only the files whose content changed,
each atomically. Before writing anything it checks that no file changed on disk since it was
loaded: if one did, it raises ``ConflictError`` and writes nothing, so a colleague's edit is never
silently overwritten. A block whose id changed moves to its new file; a removed block's file is
deleted; a new block gets a new file. A competency moved to another block arrives there as it was
written in its old file, with the comment lines written above it (``_carried``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ruamel.yaml.error import YAMLError

from refkit.errors import ConflictError, RefkitError
from refkit.i18n import Msg
from refkit.model import Block, Framework
from refkit.problems import Problem
from refkit.schema import CURRENT
from refkit.store.data import block_data as block_data
from refkit.store.data import framework_data as framework_data
from refkit.store.data import releases_data as releases_data
from refkit.store.files import NotRegularFile, atomic_write, read_regular
from refkit.store.loader import (
    BLOCKS_DIR,
    FRAMEWORK_FILE,
    RELEASES_FILE,
    LoadedFramework,
    build_block,
    digest,
    load_framework,
    read_folder,
)
from refkit.store.plain import plain_dump
from refkit.store.reader import ReadResult
from refkit.store.relations import with_relations
from refkit.store.roundtrip import (
    Carried,
    Merger,
    dump_document,
    load_document,
    make_yaml,
    take_items,
    uses_crlf,
)
from refkit.store.splice import splice

SCHEMA_COMMENT = "# yaml-language-server: $schema={path}\n"
# top-level keys a file keeps as it has them whatever the model says (the Merger leaves them)
_KEPT = frozenset({"schema"})

_FRAMEWORK_KEYS = frozenset(
    {
        "id", "title", "version", "status", "type", "stable_ids", "level", "sector", "lang", "codes", "summary",
        "working_group", "approval", "validity", "activities", "shared_blocks", "certification", "correspondence",
    }
)  # fmt: skip
_MANAGED: dict[str, dict[tuple[str, ...], frozenset[str]]] = {
    "framework": {
        (): _FRAMEWORK_KEYS,
        ("level",): frozenset({"eqf", "national"}),
        ("level", "national"): frozenset({"*"}),  # any national framework: the model has them all
        ("codes",): frozenset({"rncp", "rs", "rome", "nsf", "formacode", "esco", "other"}),
        ("codes", "other", "*"): frozenset({"scheme", "code"}),
        ("validity",): frozenset({"from", "until"}),
        ("activities", "*"): frozenset({"id", "title", "description", "tasks"}),
        ("working_group", "*"): frozenset({"organisation", "college", "role"}),
        ("approval",): frozenset({"rule"}),
        ("shared_blocks", "*"): frozenset({"framework", "block", "version"}),
        ("certification",): frozenset({"required", "electives", "volume"}),
        ("certification", "electives", "*"): frozenset({"id", "title", "choose", "from"}),
        ("certification", "volume"): frozenset({"hours", "credits"}),
        ("correspondence",): frozenset({"from", "blocks"}),
        ("correspondence", "blocks", "*"): frozenset({"old", "new", "type", "missing", "note"}),
    },
    "releases": {
        (): frozenset({"releases"}),
        ("releases", "*"): frozenset({"version", "date", "message", "override", "proposals"}),
        ("releases", "*", "override"): frozenset({"required", "reason"}),
        ("releases", "*", "proposals", "*"): frozenset(
            {"slug", "title", "approved", "colleges", "forced"}
        ),
    },
    "block": {
        (): frozenset(
            {"id", "title", "description", "volume", "prerequisites", "modalities", "competencies"}
        ),
        ("volume",): frozenset({"hours", "credits"}),
        ("modalities", "*"): frozenset({"type", "description", "hours"}),
        ("competencies", "*"): frozenset(
            {"id", "statement", "kind", "activities", "criteria", "esco", "notes"}
        ),
    },
}


@dataclass(slots=True)
class SaveResult:
    written: list[str] = field(default_factory=list)  # repository-relative paths created or changed
    deleted: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.written or self.deleted)


# -- saving -------------------------------------------------------------------------------------


def render(
    kind: str,
    data: dict[str, Any],
    old_text: str | None,
    schema_path: str,
    carried: dict[tuple[str, str], Carried] | None = None,
    parsed: ReadResult | None = None,
    verified: list[ReadResult] | None = None,
) -> str | None:
    """The new text of a file, or None when the merge changes nothing. ``carried``: list items
    from other files that may land in this one (used ones are taken out of it); ``parsed``:
    ``old_text`` as read already, if known; ``verified``: gets the new text as parsed, when
    the text was spliced (``store.splice``)."""
    managed = _managed(kind)
    if old_text is not None:
        # texts changed and nothing else: written in place, no round trip (store.splice)
        spliced = splice(old_text, data, kept=_KEPT, parsed=parsed, verified=verified)
        if spliced is not None:
            return None if spliced == old_text else spliced
    if old_text is None:
        fresh = {"schema": CURRENT[kind], **data}  # plain_dump: ruamel's bytes, when certain
        text = plain_dump(fresh) or dump_document(Merger(managed).fresh(fresh), make_yaml())
        return SCHEMA_COMMENT.format(path=schema_path) + text
    try:
        doc, y = load_document(old_text)
    except Exception as e:  # ruamel raises many error types on bad YAML
        raise RefkitError(
            Msg("cannot save: the file is not valid YAML ({error})", error=str(e).splitlines()[0])
        ) from e
    if carried:
        # the carried comment lines are re-indented for this file's lists
        column = y.sequence_dash_offset
        for k, c in carried.items():
            carried[k] = c.at(column)
    merger = Merger(managed, carried)
    merger.merge_map(doc, data)
    if not merger.changed:
        return None
    return dump_document(doc, y, crlf=uses_crlf(old_text))


def _managed(kind: str) -> dict[tuple[str, ...], frozenset[str]]:
    return with_relations(kind, _MANAGED[kind])


def save_framework(
    root: Path,
    loaded: LoadedFramework,
    *,
    blocks: set[str] | None = None,
    framework: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> SaveResult:
    """Write ``loaded.framework`` back to its folder; refresh ``loaded`` from what was written.

    ``blocks``: the ids of the blocks that may differ from their files (None: any). The file of
    any other block is left alone, neither merged nor checked nor read again: a one-field edit in
    a framework of 10,000 competencies merges one block file, not forty (12 s -> 0.3 s).
    ``framework=False``: framework.yaml and releases.yaml are as the model says (left alone too).
    ``progress(done, total)``: called as the block files are made (an import writes hundreds)."""
    fw = loaded.framework
    if fw is None:
        raise ConflictError(
            Msg(
                "{folder}: framework.yaml could not be read; fix it before saving",
                folder=loaded.folder,
            )
        )
    saving = _Saving(root, loaded)
    saving.framework_files(fw, framework)
    carried, carried_from = _carried(root, loaded, fw)
    from refkit.store.fresh import render_fresh

    made = render_fresh(root, loaded, fw.blocks, progress)
    files = {f"{loaded.folder}/{BLOCKS_DIR}/{b.id}.yaml" for b in fw.blocks}
    for n_block, block in enumerate(fw.blocks):
        if progress is not None and not made:
            progress(n_block, len(fw.blocks))
        saving.block(block, blocks, made.get(block.id), carried, files)
    for path in loaded.documents:
        if (
            path.startswith(f"{loaded.folder}/{BLOCKS_DIR}/")
            and path not in saving.kept
            and path not in saving.plan
        ):
            saving.plan[path] = None
    # Nothing is written unless every file refkit touches is as it was when loaded.
    read = {*saving.plan, *saving.sources.values(), *carried_from}
    changed = [p for p in sorted(read) if _changed_on_disk(root, loaded, p)]
    if changed:
        raise ConflictError(
            Msg("changed on disk since refkit read it: {files}", files=changed),
            hint=Msg("reload to see the other change, then redo yours"),
        )
    return saving.carry_out()


@dataclass(slots=True)
class _Saving:
    """One save: the new text of each file to write (``plan``; None: delete it), the file each
    one's old text comes from (``sources``), the files left as they are or already planned
    (``kept``), and the block files whose new bytes are known as parsed (``reread``)."""

    root: Path
    loaded: LoadedFramework
    plan: dict[str, str | None] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    kept: set[str] = field(default_factory=set)
    reread: dict[str, tuple[bytes, ReadResult]] = field(default_factory=dict)

    def plan_file(
        self,
        kind: str,
        data: dict[str, Any],
        target: str,
        origin: str | None,
        schema_path: str,
        carried: dict[tuple[str, str], Carried] | None = None,
    ) -> None:
        reread = self.reread if kind == "block" else None
        _plan_file(
            self.root, self.loaded, self.plan, self.sources, kind, data, target, origin,
            schema_path, carried, reread,
        )  # fmt: skip

    def framework_files(self, fw: Framework, framework: bool) -> None:
        """framework.yaml and releases.yaml (left as they are with ``framework=False``)."""
        documents = self.loaded.documents
        fw_file = f"{self.loaded.folder}/{FRAMEWORK_FILE}"
        if framework or fw_file not in documents:
            schema = "../../schemas/framework.schema.json"
            self.plan_file("framework", framework_data(fw), fw_file, fw_file, schema)
        self.kept.add(fw_file)
        releases_file = f"{self.loaded.folder}/{RELEASES_FILE}"
        if not framework and releases_file in documents:
            self.kept.add(releases_file)
        elif fw.releases or releases_file in documents:
            origin = releases_file if releases_file in documents else None
            schema = "../../schemas/releases.schema.json"
            self.plan_file("releases", releases_data(fw), releases_file, origin, schema)
            self.kept.add(releases_file)

    def block(
        self,
        block: Block,
        blocks: set[str] | None,
        made: str | None,
        carried: dict[tuple[str, str], Carried],
        files: set[str],
    ) -> None:
        """A block's file: merged, moved (its id changed), new (``made`` beforehand, in
        workers), or left as it is (a block that did not change, a file that cannot be read).
        ``files``: the block files the framework now has."""
        loaded = self.loaded
        target = f"{loaded.folder}/{BLOCKS_DIR}/{block.id}.yaml"
        origin = block.source.file if block.source is not None else None
        if block.id in loaded.broken_blocks and origin is not None:
            if blocks is not None and block.id in blocks:
                # the caller says the block changed: writing nothing would lose it silently
                raise ConflictError(
                    Msg(
                        "{file} could not be read; refkit never rewrites a file it could not read",
                        file=origin,
                    ),
                    hint=Msg("fix the file (or resolve the merge conflict), then read it again"),
                )
            self.kept.add(origin)  # a file refkit could not read is never rewritten
            return
        if origin is not None and origin not in loaded.documents:
            origin = None
        if target in self.kept:
            raise ConflictError(
                Msg("two blocks would be written to {file}", file=target),
                hint=Msg("give each block its own id"),
            )
        self.kept.add(target)
        if blocks is not None and block.id not in blocks and origin == target:
            return  # as it was read: its file is as it is
        if origin != target and (self.root / target).exists() and target not in loaded.documents:
            raise ConflictError(
                Msg("{file} already exists", file=target),
                hint=Msg("choose a block id that has no file yet"),
            )
        if origin is None and made is not None:
            self.plan[target] = made  # a new file, made beforehand (in workers)
        else:
            self.plan_file("block", block_data(block), target, origin, BLOCK_SCHEMA, carried)
        if origin is not None and origin != target:
            self.kept.add(origin)
            if origin not in files:
                self.plan[origin] = None

    def carry_out(self) -> SaveResult:
        """Write and delete as planned, then read the framework again as written."""
        root, loaded = self.root, self.loaded
        result = SaveResult()
        for path, text in sorted(self.plan.items(), key=lambda kv: kv[1] is None):
            if text is not None:
                full = root / path
                full.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(full, text.encode("utf-8"))
                result.written.append(path)
        for path, text in self.plan.items():
            if text is None and (root / path).exists():
                os.unlink(root / path)
                result.deleted.append(path)
        if result.changed:
            fresh = _read_again(root, loaded, set(result.written), self.reread)
            for name in ("documents", "hashes", "problems", "broken_blocks", "framework"):
                setattr(loaded, name, getattr(fresh, name))  # the model and files as written
        return result


def _read_again(
    root: Path,
    loaded: LoadedFramework,
    written: set[str],
    reread: dict[str, tuple[bytes, ReadResult]] | None = None,
) -> LoadedFramework:
    """The framework's folder read again after a save. A block file refkit did not write, whose
    bytes are those read before, keeps its block, document and problems (it is not parsed
    again); a block file written in place, whose bytes are those written, is built from the parse
    that verified it (``reread``); any other file is read (the files written otherwise, and one
    someone else changed)."""
    folder = loaded.folder
    files = read_folder(root, root / folder)
    ready: dict[str, tuple[ReadResult, list[Problem], Block | None]] = {}
    for raw in files:
        known = (reread or {}).get(raw.path)
        if known is not None and raw.data == known[0]:
            ready[raw.path] = build_block(raw.path, known[1])
    fw = loaded.framework
    by_file = {
        b.source.file: b
        for b in (fw.blocks if fw is not None else [])
        if b.source is not None and b.id not in loaded.broken_blocks
    }
    kept: dict[str, tuple[ReadResult, list[Problem], Block | None]] = {}
    for raw in files:
        doc = loaded.documents.get(raw.path)
        block = by_file.get(raw.path)
        if (
            raw.path in written
            or doc is None
            or block is None
            or raw.data is None
            or loaded.hashes.get(raw.path) != digest(raw.data)
        ):
            continue
        own = {id(p) for p in doc.problems}
        found = [p for p in loaded.problems if p.file == raw.path and id(p) not in own]
        kept[raw.path] = (doc, found, block)
    kept.update(ready)
    return load_framework(folder, files, ready=lambda raw: kept.get(raw.path))


BLOCK_SCHEMA = "../../../schemas/block.schema.json"


def _plan_file(
    root: Path,
    loaded: LoadedFramework,
    plan: dict[str, str | None],
    sources: dict[str, str],
    kind: str,
    data: dict[str, Any],
    target: str,
    origin: str | None,
    schema_path: str,
    carried: dict[tuple[str, str], Carried] | None = None,
    reread: dict[str, tuple[bytes, ReadResult]] | None = None,
) -> None:
    """Plan the new text of one file (``plan``); ``reread``: gets, for a file whose texts only
    were changed in place, its new bytes as already parsed (not read again after the save)."""
    old_text = None
    parsed = None
    if origin is not None:
        sources[target] = origin
        try:
            old_bytes = read_regular(root / origin)
            old_text = old_bytes.decode("utf-8")
            doc = loaded.documents.get(origin)
            if (
                doc is not None
                and doc.data is not None
                and loaded.hashes.get(origin) == digest(old_bytes)
            ):
                parsed = doc  # the file as read and parsed when loaded: not parsed again
        except FileNotFoundError:
            old_text = None
        except NotRegularFile as e:
            raise RefkitError(
                Msg(
                    "cannot save {file}: it is {what}, not a regular file", file=origin, what=e.what
                ),
                hint=Msg("replace it with a regular YAML file (refkit validate says what it is)"),
            ) from None
    verified: list[ReadResult] = []
    text = render(kind, data, old_text, schema_path, carried, parsed, verified)
    if text is None and origin != target:
        text = old_text  # renamed block, same content: move the file as it is
    if text is not None:
        plan[target] = text
        if reread is not None and verified:
            reread[target] = (text.encode("utf-8"), replace(verified[0], file=target))


def _carried(
    root: Path, loaded: LoadedFramework, fw: Framework
) -> tuple[dict[tuple[str, str], Carried], set[str]]:
    """The competencies that moved to another block, as written in the block file they come
    from (node and the comment lines above it), and the files they come from. A competency's
    ``source`` still names the file it was read from; one that now sits in another block moved."""
    folder = loaded.folder
    moved: dict[str, set[str]] = {}
    for block in fw.blocks:
        origin = block.source.file if block.source is not None else None
        for c in block.competencies:
            came_from = c.source.file if c.source is not None else None
            if (
                came_from is not None
                and came_from != origin
                and came_from in loaded.documents
                and came_from.startswith(f"{folder}/{BLOCKS_DIR}/")
            ):
                moved.setdefault(came_from, set()).add(c.id)
    carried: dict[tuple[str, str], Carried] = {}
    for path, ids in sorted(moved.items()):
        try:
            doc, y = load_document(read_regular(root / path).decode("utf-8"))
        except (OSError, ValueError, YAMLError):
            continue  # cannot be read as it was: those competencies are written anew
        carried.update(take_items(doc, "competencies", ids, y.sequence_dash_offset))
    return carried, set(moved)


def _changed_on_disk(root: Path, loaded: LoadedFramework, path: str) -> bool:
    known = loaded.hashes.get(path)
    full = root / path
    if known is None:
        return full.exists() and path in loaded.documents
    try:
        return digest(read_regular(full)) != known
    except FileNotFoundError:
        return True
    except NotRegularFile:
        return True  # replaced by a named pipe, a link...: not the file that was read

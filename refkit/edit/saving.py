"""Provides what the session needs to save a change cheaply and safely: fingerprints of what a
framework holds (to write only the files a change touched), and the refusal of a change to a
block file that could not be read (never written over)."""

from __future__ import annotations

from typing import Any

from refkit.edit.errors import Code, EditError
from refkit.i18n import tr
from refkit.model import Framework
from refkit.problems import Severity
from refkit.store.loader import LoadedFramework


def fingerprints(fw: Framework) -> dict[str, list[Any]] | None:
    """Each block's whole content, by id, in a form cheap to make and compare (the compact form
    of the cache: 27 ms for 10,000 competencies); None when two blocks have one id."""
    from refkit.store.compact import block_to_compact

    out = {b.id: block_to_compact(b) for b in fw.blocks}
    return out if len(out) == len(fw.blocks) else None


def framework_fingerprint(fw: Framework) -> bytes:
    """What framework.yaml and releases.yaml hold, as bytes (a copy, whatever is changed in
    place afterwards)."""
    import pickle

    from refkit.store.writer import framework_data, releases_data

    return pickle.dumps((framework_data(fw), releases_data(fw)))


def touched_blocks(
    was: dict[str, list[Any]] | None, now: dict[str, list[Any]] | None
) -> set[str] | None:
    """The blocks whose content changed; None when it cannot be told (two blocks with one id:
    every block is merged, as a save without a hint)."""
    if was is None or now is None:
        return None
    return {b for b, fp in now.items() if was.get(b) != fp}


def unreadable_block(loaded: LoadedFramework, block_id: str, lang: str) -> EditError:
    """Why a block cannot be changed: its file could not be read."""
    fw = loaded.framework
    block = fw.block(block_id) if fw is not None else None
    file = block.source.file if block is not None and block.source is not None else block_id
    first = next(
        (p for p in loaded.problems if p.file == file and p.severity is Severity.ERROR), None
    )
    where = file
    if first is not None:
        where = tr("{file}, line {line}: {problem}", lang).format(
            file=file, line=first.line, problem=first.text(lang)
        )
    return EditError(
        Code.UNREADABLE,
        tr(
            "{name} cannot be read ({where}); the editor never writes to a file it could not "
            "read: nothing was changed",
            lang,
        ).format(name=file.rsplit("/", 1)[-1], where=where),
        tr(
            "fix this file (a merge conflict is resolved by keeping one version of each marked "
            "line): the editor offers to reload it as soon as it changes",
            lang,
        ),
    )

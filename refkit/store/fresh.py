"""Provides ``render_fresh``: the texts of many new block files at once, in worker processes.

An import writes a framework's block files from nothing (ESCO's skills pillar: 411 files, 13,900
competencies); rendering each in refkit's house style (ruamel.yaml, pure Python) is most of the
import's time, and files made from nothing do not depend on each other.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from refkit.model import Block
from refkit.store.loader import BLOCKS_DIR, LoadedFramework
from refkit.store.writer import BLOCK_SCHEMA, block_data, render

FRESH_IN_WORKERS = 64  # new block files from which they are made in worker processes


def render_fresh(
    root: Path,
    loaded: LoadedFramework,
    blocks: list[Block],
    progress: Callable[[int, int], None] | None,
) -> dict[str, str]:
    """The text of each block file to be made new (no file of its own read before, none on disk:
    an import writes hundreds), by block id; in worker processes when there are many, as
    rendering is pure Python (ESCO's skills pillar: 411 files). Empty when there are few."""
    folder = loaded.folder
    new = [
        b
        for b in blocks
        if (b.source is None or b.source.file not in loaded.documents)
        and f"{folder}/{BLOCKS_DIR}/{b.id}.yaml" not in loaded.documents
        and not (root / folder / BLOCKS_DIR / f"{b.id}.yaml").exists()
    ]
    if len(new) < FRESH_IN_WORKERS:
        return {}
    from refkit.parallel import forked_map

    texts = forked_map(_fresh_text, new, at_least=FRESH_IN_WORKERS, done=progress)
    return {b.id: text for b, text in zip(new, texts, strict=True)}


def _fresh_text(block: Block) -> str:
    text = render("block", block_data(block), None, BLOCK_SCHEMA)
    assert text is not None  # a new file always has a text
    return text

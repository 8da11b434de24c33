"""Provides ``outline``: a framework as its first screen shows it, read in a fraction of the time
a whole read takes: framework.yaml and releases.yaml read whole, each block file read up to its
competencies, the last of a block file's top-level keys as refkit and working groups write them.

The editor paints its first screen from the outline while worker processes read the block files
whole (``refkit.store.workers.Loading``); everything after the first paint uses the frameworks
read whole. An outlined block has every field a whole read gives it except its competencies
(none) and their relations; ``Outline.expandable`` says which blocks have competencies. A block
file the cut does not fit (keys after the competencies, the list written inline, a head that does
not read cleanly) is read whole here: the outline never guesses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from refkit.store.loader import (
    LoadedFramework,
    RawFile,
    _load_framework,
    _Parsed,
    build_block,
    parse_block,
)
from refkit.store.reader import read_yaml

if TYPE_CHECKING:
    from refkit.cache import BlobCache

_COMPETENCIES = re.compile(rb"^competencies:[ \t]*(?:#[^\n]*)?\r?$", re.MULTILINE)
_TOP_KEY = re.compile(rb"\n[^\s#\-]")  # a line at column 0 that is no list item (nor comment)
_ITEM = re.compile(rb"^[ \t]*-(?:[ \t]|\r?$)", re.MULTILINE)  # a block sequence's item


@dataclass(slots=True)
class Outline:
    """Frameworks outlined, by folder, in the order given; ``expandable``: the paths of the
    block files that hold at least one competency."""

    frameworks: dict[str, LoadedFramework] = field(default_factory=dict)
    expandable: set[str] = field(default_factory=set)


def outline(folders: list[tuple[str, list[RawFile]]], blobs: BlobCache | None = None) -> Outline:
    """The frameworks of ``folders`` (each folder's files, as ``Loading`` takes them), outlined.
    Files come from ``blobs`` where they were read before (framework.yaml, releases.yaml)."""
    out = Outline()

    def head(raw: RawFile) -> _Parsed:
        parsed, has_competencies = read_head(raw)
        if has_competencies:
            out.expandable.add(raw.path)
        return parsed

    for folder, files in folders:
        out.frameworks[folder] = _load_framework(folder, files, blobs, head, checked=False)
    return out


def read_head(raw: RawFile) -> tuple[_Parsed, bool]:
    """A block file read up to its competencies, and whether it has any; read whole when the
    cut does not fit the file."""
    data = raw.data
    assert data is not None
    m = _COMPETENCIES.search(data)
    if m is not None:
        rest = data[m.end() :]
        if _TOP_KEY.search(rest) is None:
            doc = read_yaml(raw.path, data[: m.start()], size=m.start())
            if doc.problems or not isinstance(doc.data, dict):
                return _whole(raw)
            doc.data["competencies"] = []
            parsed = build_block(raw.path, doc, checked=False)
            return parsed, parsed[2] is not None and _ITEM.search(rest) is not None
    return _whole(raw)


def _whole(raw: RawFile) -> tuple[_Parsed, bool]:
    parsed = parse_block(raw, checked=False)
    block = parsed[2]
    return parsed, block is not None and bool(block.competencies)

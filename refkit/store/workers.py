"""Provides ``Loading``: many frameworks loaded at once (the editor's first load, a folder at
several commits), their block files parsed by forked worker processes (``refkit.parallel``) while
the caller goes on, each framework built by ``store.loader`` as its blocks arrive."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from refkit.parallel import collector_paused, workers
from refkit.problems import Problem
from refkit.store.compact import block_from_compact, block_to_compact
from refkit.store.loader import (
    BLOCKS_DIR,
    LoadedFramework,
    RawFile,
    _load_framework,
    _Parsed,
    natural_key,
    parse_block,
)
from refkit.store.reader import ReadResult

if TYPE_CHECKING:
    from refkit.cache import BlobCache
    from refkit.parallel import Forked


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

"""Provides where refkit caches things, and the cache of parsed git blobs.

Caches live in the user's cache folder (``$REFKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/refkit``,
else ``~/.cache/refkit``; a relative ``XDG_CACHE_HOME`` is ignored, as the XDG specification
says), never inside the repository: a cache a pull request could commit would let it forge
results (a validation cache claiming "no problems" for broken files). Entries are JSON, never
pickle. Every key includes a digest of the schemas and of the code that produced the entry, so a
new refkit never reads an old refkit's results.

A cache may save time, never change an answer: every file is sealed (``seal``: a first line with
the digest of the JSON after it), read as a regular file only, and anything that is not exactly
what refkit wrote (truncated, damaged, edited, of the wrong types) is a miss.

``BlobCache`` keeps what refkit read from committed files, by git blob id: a blob never changes,
so reading a version already seen costs a JSON load instead of a YAML parse. Block files, the
bulk of a framework, are kept as the block they build (``refkit.store.compact``: every item with
its source position, but no YAML data behind it, so field-level positions are not available for
them); framework.yaml and releases.yaml as YAML data with their positions.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import refkit
from refkit.model import Block
from refkit.problems import Problem
from refkit.store.compact import block_from_compact, block_to_compact
from refkit.store.reader import Positions, ReadResult


def cache_root() -> Path:
    env = os.environ.get("REFKIT_CACHE_DIR")
    if env:
        return Path(env).absolute()
    base = os.environ.get("XDG_CACHE_HOME")
    # "All paths set in these environment variables must be absolute. If an implementation
    # encounters a relative path in any of these variables it should consider the path invalid
    # and ignore it." (XDG Base Directory Specification): a relative one would put the cache in
    # whatever folder refkit runs in, the repository itself.
    if not base or not os.path.isabs(base):
        return Path.home() / ".cache" / "refkit"
    return Path(base) / "refkit"


_SEAL = b"refkit-cache "


def seal(body: bytes) -> bytes:
    """A cache file's bytes: a first line with the digest of ``body``, then ``body``."""
    from refkit.store.loader import digest

    return _SEAL + digest(body).encode("ascii") + b"\n" + body


def unseal(raw: bytes) -> bytes | None:
    """The body of a sealed cache file, or None when it is not exactly what ``seal`` wrote."""
    from refkit.store.loader import digest

    head, sep, body = raw.partition(b"\n")
    if not sep or not head.startswith(_SEAL) or head[len(_SEAL) :] != digest(body).encode():
        return None
    return body


def _sealed_body(path: Path) -> bytes | None:
    """The body of a sealed cache file, or None for a missing, unreadable, damaged or unsealed
    one (never a FIFO or a device read)."""
    from refkit.store.files import read_regular

    try:
        return unseal(read_regular(path))
    except (OSError, ValueError):
        return None


def read_cache_file(path: Path) -> Any:
    """The JSON a cache file holds, or None for a missing, unreadable, damaged or unsealed one
    (never a FIFO or a device read, never an exception)."""
    body = _sealed_body(path)
    try:
        return json.loads(body) if body is not None else None
    except (ValueError, RecursionError):
        return None


def read_cache_lines(path: Path) -> list[bytes] | None:
    """The lines of a sealed cache file written by ``write_cache_lines`` (each a JSON text its
    reader parses: one line can be kept as read and written again without parsing and dumping
    it), or None as for ``read_cache_file``."""
    body = _sealed_body(path)
    return body.split(b"\n") if body is not None else None


def _write_sealed(path: Path, body: bytes, *, durable: bool) -> None:
    from refkit.store.files import atomic_write

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, seal(body), durable=durable)
    except OSError:
        pass  # a cache that cannot be written is no cache (same results)


def write_cache_lines(path: Path, lines: list[bytes]) -> None:
    """Write lines (none holding a line break: JSON texts dumped without indent) as a sealed
    cache file, atomically, without fsync: a cache lost to a crash is a miss, not a wrong
    answer (the seal tells a damaged file)."""
    _write_sealed(path, b"\n".join(lines), durable=False)


def dump_line(data: Any) -> bytes:
    """One line of a cache file written by ``write_cache_lines``."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def write_cache_file(path: Path, data: Any, *, durable: bool = True) -> None:
    """Write ``data`` as a sealed JSON cache file, atomically; a cache that cannot be written is
    no cache (same results)."""
    try:
        body = dump_line(data)
    except (TypeError, ValueError):
        return
    _write_sealed(path, body, durable=durable)


@cache
def code_digest() -> str:
    """Digest of what decides a file's data and problems: the schemas and the checking code."""
    from refkit import schema
    from refkit.store.loader import digest

    parts = [schema.schema_file(kind).read_bytes() for kind in sorted(schema.CURRENT)]
    package = Path(refkit.__file__).parent
    for pattern in (
        "cache.py",
        "problems.py",
        "model/*.py",
        "store/*.py",
        "schema/*.py",
        "rules/*.py",
        "stack/views.py",  # the stacking views are computed with validation and cached with it
        "stack/overlap.py",  # and their statement keys
        "validate.py",
        "validate_cache.py",
    ):
        parts.extend(p.read_bytes() for p in sorted(package.glob(pattern)))
    return digest(refkit.__version__.encode() + b"\0" + b"\0".join(parts))


def repository_cache_dir(root: Path) -> Path:
    from refkit.store.loader import digest

    return cache_root() / "repositories" / digest(str(root.resolve()).encode())[:20]


# -- parsed blobs ---------------------------------------------------------------------------------


def _flatten(data: Any, positions: Positions, out: list[int]) -> None:
    """Positions in traversal order: per mapping line, col, then kl, kc, vl, vc per key;
    per list line, col, then l, c per item."""
    entry = positions.table.get(id(data))
    if isinstance(data, dict):
        if entry is None:
            out += [1, 1] + [1, 1, 1, 1] * len(data)
        else:
            out += [entry[0], entry[1]]
            for k in data:
                out.extend(entry[2].get(k, (1, 1, 1, 1)))
        for v in data.values():
            _flatten(v, positions, out)
    elif isinstance(data, list):
        if entry is None:
            out += [1, 1] + [1, 1] * len(data)
        else:
            out += [entry[0], entry[1]]
            for lc in entry[2]:
                out.extend(lc)
        for v in data:
            _flatten(v, positions, out)


def _unflatten(data: Any, flat: list[int], i: int, table: dict[int, Any]) -> int:
    """Rebuild ``Positions.table`` from ``_flatten``'s output; returns the next index."""
    if type(data) is dict:
        keys = {}
        j = i + 2
        for k in data:
            keys[k] = (flat[j], flat[j + 1], flat[j + 2], flat[j + 3])
            j += 4
        table[id(data)] = (flat[i], flat[i + 1], keys)
        children = data.values()
    else:
        n = len(data)
        table[id(data)] = (
            flat[i],
            flat[i + 1],
            [(flat[k], flat[k + 1]) for k in range(i + 2, i + 2 + 2 * n, 2)],
        )
        j = i + 2 + 2 * n
        children = data
    for v in children:
        if type(v) is dict or type(v) is list:
            j = _unflatten(v, flat, j, table)
    return j


class BlobCache:
    """Parsed committed files by git blob id. Entries are checked before use; any doubt is a miss."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or cache_root() / "blobs" / code_digest()[:20]
        self.enabled = os.environ.get("REFKIT_NO_CACHE") is None

    def _path(self, sha: str) -> Path:
        return self.folder / sha[:2] / f"{sha[2:]}.json"

    def holds(self, sha: str) -> bool:
        """Whether there is an entry for blob ``sha`` (a file test: ``get`` still checks it)."""
        return self.enabled and self._path(sha).is_file()

    def get(self, sha: str, kind: str, path: str) -> tuple[ReadResult, list[Problem]] | None:
        """The read result and schema problems of blob ``sha`` read as ``path``, or None."""
        if not self.enabled:
            return None
        entry = read_cache_file(self._path(sha))
        if type(entry) is not dict or entry.get("sha") != sha or entry.get("kind") != kind:
            return None
        try:
            result = ReadResult(path, entry["data"])
            result.problems = _problems(entry["problems"], path)
            if type(result.data) is dict or type(result.data) is list:
                pos = entry["pos"]
                if type(pos) is not list or not all(type(n) is int for n in pos):
                    return None
                if _unflatten(result.data, pos, 0, result.positions.table) != len(pos):
                    return None
            return result, _problems(entry["schema"], path)
        except (ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError):
            return None

    def put(self, sha: str, kind: str, result: ReadResult, schema_problems: list[Problem]) -> None:
        if not self.enabled:
            return
        flat: list[int] = []
        if result.data is not None:
            _flatten(result.data, result.positions, flat)
        entry = {
            "sha": sha,
            "kind": kind,
            "data": result.data,
            "pos": flat,
            "problems": [p.to_json() for p in result.problems],
            "schema": [p.to_json() for p in schema_problems],
        }
        self._write(sha, entry)

    def get_block(
        self, sha: str, path: str
    ) -> tuple[ReadResult, list[Problem], Block | None] | None:
        """A block file from the cache: its problems and the block it builds, as a compact model
        (no YAML data or positions table to rebuild: refkit.store.compact)."""
        if not self.enabled:
            return None
        entry = read_cache_file(self._path(sha))
        if type(entry) is not dict or entry.get("sha") != sha or entry.get("kind") != "block+model":
            return None
        try:
            result = ReadResult(path, None, _problems(entry["problems"], path))
            schema_problems = _problems(entry["schema"], path)
            block = block_from_compact(entry["block"], path) if entry["block"] is not None else None
            if block is not None and not isinstance(block, Block):
                return None
            return result, schema_problems, block
        except (ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError):
            return None

    def put_block(
        self,
        sha: str,
        result: ReadResult,
        schema_problems: list[Problem],
        block: Block | None,
        *,
        compact: list[Any] | None = None,
    ) -> None:
        """``compact``: the block's compact form, when the caller made it already."""
        if not self.enabled:
            return
        if compact is None and block is not None:
            compact = block_to_compact(block)
        entry = {
            "sha": sha,
            "kind": "block+model",
            "block": compact,
            "problems": [p.to_json() for p in result.problems],
            "schema": [p.to_json() for p in schema_problems],
        }
        self._write(sha, entry)

    def _write(self, sha: str, entry: dict[str, Any]) -> None:
        write_cache_file(self._path(sha), entry, durable=False)


def _problems(items: Any, path: str) -> list[Problem]:
    """Problems from a cache entry, each put at ``path`` (raises on anything malformed)."""
    from dataclasses import replace

    if type(items) is not list:
        raise TypeError("problems are not a list")
    return [replace(Problem.from_json(p), file=path) for p in items]

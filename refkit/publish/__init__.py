"""Provides ``publish``: the static site (HTML, Markdown, JSON) of every released framework version.

Publishing runs in stages, each a plain function of the previous one:

1. **collect**: every release of every framework, read from git (through the cache of parsed
   blobs), and the work tree as a draft when asked; for each version the semantic diff and the
   correspondence table against the version before it; the stacking views, for shared blocks;
2. **pages**: one context per output file, with every path relative (the site works from any
   server, any sub-folder, or straight from disk);
3. **render**: one Jinja2 environment, autoescaped, with undefined names as errors; Markdown text
   fields through ``refkit.publish.text``;
4. **write**: a file is written only if its bytes differ (re-publishing after one framework changed
   rewrites only that framework's pages), and files an earlier run wrote but this one did not are
   removed, using the manifest ``.refkit-publish.json``: nothing else in the output folder, and
   nothing outside it, is ever deleted.

Rendering is deterministic: the same repository gives byte-identical files.
"""

from __future__ import annotations

import hashlib
import json
import os
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from refkit.errors import RefkitError
from refkit.store.repository import Repository

MANIFEST = ".refkit-publish.json"
FORMATS = ("html", "md", "json")


@dataclass(slots=True)
class PublishResult:
    out: Path
    written: list[str] = field(default_factory=list)  # relative to out
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    versions: int = 0
    frameworks: int = 0
    notes: list[str] = field(default_factory=list)


def check_output(repo: Repository, out: Path) -> Path:
    """The output folder, refusing places where publishing could do harm."""
    out = out.resolve()
    if out.exists() and not out.is_dir():
        raise RefkitError(
            f"{out} is a file, not a folder", hint="give --out a folder (it is created if missing)"
        )
    if out == repo.root or out == repo.frameworks_dir or repo.frameworks_dir.is_relative_to(out):
        raise RefkitError(
            f"{out} holds the frameworks themselves: the site needs a folder of its own",
            hint="publish into a sub-folder, e.g. --out site",
        )
    if out.is_relative_to(repo.frameworks_dir):
        raise RefkitError(
            f"{out} is inside frameworks/", hint="publish outside frameworks/, e.g. --out site"
        )
    probe = out if out.exists() else next((p for p in out.parents if p.exists()), None)
    if probe is None or not os.access(probe, os.W_OK):
        raise RefkitError(
            f"{out} cannot be written (permission denied)", hint="choose a folder you can write to"
        )
    return out


def publish(
    repo: Repository,
    out: Path,
    *,
    formats: Iterable[str] = ("html", "md"),
    include_draft: bool = False,
    lang: str | None = None,
) -> PublishResult:
    from refkit.publish.collect import collect

    formats = tuple(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise RefkitError(
            f"unknown format {', '.join(unknown) or '(none)'}", hint="formats: html, md, json"
        )
    out = check_output(repo, out)
    site = collect(repo, include_draft=include_draft)
    result = PublishResult(
        out, versions=sum(len(f.versions) for f in site.frameworks), frameworks=len(site.frameworks)
    )
    result.notes = site.notes
    # A framework whose inputs are those of the last run keeps its pages as they are: only the
    # frameworks that changed (and the site-wide pages) are rendered again.
    previous = _read_manifest(out).get("frameworks", {})
    if not isinstance(previous, dict):
        previous = {}
    titles = {f.id: f.current.framework.title for f in site.frameworks}
    prints = {pf.id: _fingerprint(site, pf, formats, lang, titles) for pf in site.frameworks}
    reuse = {
        fid
        for fid, fp in prints.items()
        if isinstance(previous.get(fid), dict)
        and previous[fid].get("fingerprint") == fp
        and all((out / f).is_file() for f in previous[fid].get("files", []))
    }
    files = _build(site, formats, lang, set(prints) - reuse)
    kept = {f for fid in reuse for f in previous[fid]["files"]}
    frameworks = {
        fid: {
            "fingerprint": prints[fid],
            "files": previous[fid]["files"]
            if fid in reuse
            else sorted(f for f in files if _belongs(f, fid)),
        }
        for fid in prints
    }
    try:
        write(out, files, result, kept=kept, frameworks=frameworks)
    except OSError as e:
        where = e.filename or out
        raise RefkitError(
            f"{where} cannot be written ({e.strerror or e})",
            hint="choose an output folder you can write to with --out; files already written are complete",
        ) from e
    return result


_SITE: Any = None  # the collected site, shared with the rendering processes by fork


def _belongs(path: str, fid: str) -> bool:
    return path.startswith((f"{fid}/", f"md/{fid}/")) or path == f"assets/search/{fid}.js"


def _read_manifest(out: Path) -> dict[str, Any]:
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _fingerprint(
    site: Any, pf: Any, formats: tuple[str, ...], lang: str | None, titles: dict[str, str]
) -> str:
    """Everything a framework's pages are made from: its versions (content, release, shared
    blocks' content), who uses its blocks, the site's options, and refkit's own code and
    templates. Equal fingerprints give equal pages."""
    from refkit.publish.pages import _export

    h = hashlib.blake2b(digest_size=16)
    h.update(_code_digest().encode())
    h.update(json.dumps([formats, lang, [f.id for f in site.frameworks]]).encode())
    keys = {(f.id, v.label): v.key for f in site.frameworks for v in f.versions}
    for version in pf.versions:
        release = version.release
        if version.key:  # the digest of its files: no need to look at the content itself
            borrowed = sorted(
                (b, home, hv, keys.get((home, hv), "?"))
                for b, (_, home, hv) in version.borrowed.items()
            )
            data: Any = [
                version.key,
                borrowed,
                [release.version, release.date, release.message] if release else None,
            ]
        else:
            data = _export(version)
        h.update(
            json.dumps(
                [version.label, data], ensure_ascii=False, sort_keys=True, default=str
            ).encode()
        )
    users = {
        b.id: [(u, titles.get(u, u)) for u in site.users_of(pf.id, b.id)]
        for b in pf.current.framework.blocks
    }
    h.update(json.dumps(users, ensure_ascii=False, sort_keys=True).encode())
    return h.hexdigest()


_CODE: list[str] = []


def _code_digest() -> str:
    """Digest of refkit's code and site templates: a new refkit renders every page again."""
    if not _CODE:
        import refkit

        base = Path(refkit.__file__).parent
        h = hashlib.blake2b(digest_size=16)
        for path in sorted([*base.rglob("*.py"), *(base / "templates" / "site").rglob("*")]):
            if path.is_file():
                h.update(path.relative_to(base).as_posix().encode())
                h.update(path.read_bytes())
        _CODE.append(h.hexdigest())
    return _CODE[0]


def _build(
    site: Any, formats: tuple[str, ...], lang: str | None, render: set[str] | None = None
) -> dict[str, bytes]:
    """Render the site-wide pages and the pages of the frameworks in ``render`` (all by
    default); with many frameworks, in several processes (rendering is pure Python and
    CPU-bound). Each process renders a share of the frameworks' pages from the same collected
    site, inherited by fork; the site-wide pages are rendered here."""
    import multiprocessing

    from refkit.publish.pages import build_pages

    ids = [f.id for f in site.frameworks if render is None or f.id in render]
    jobs = min(os.cpu_count() or 1, 8)
    if jobs < 2 or len(ids) < 16 or "fork" not in multiprocessing.get_all_start_methods():
        return build_pages(site, formats=formats, lang=lang, only=set(ids))
    global _SITE
    _SITE = site
    shares = [ids[i::jobs] for i in range(jobs)]
    try:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(jobs) as pool:
            parts = pool.starmap(_build_share, [(share, formats, lang) for share in shares])
    finally:
        _SITE = None
    files = build_pages(site, formats=formats, lang=lang, only=set())
    for part in parts:
        files.update(part)
    return files


def _build_share(share: list[str], formats: tuple[str, ...], lang: str | None) -> dict[str, bytes]:
    from refkit.publish.pages import build_pages

    return build_pages(_SITE, formats=formats, lang=lang, only=set(share), site_wide=False)


def write(
    out: Path,
    files: dict[str, bytes],
    result: PublishResult,
    *,
    kept: set[str] | None = None,
    frameworks: dict[str, Any] | None = None,
) -> None:
    """Write ``files`` (path relative to ``out`` -> bytes) where their bytes changed; ``kept``:
    files left as they are (frameworks that did not change); remove the files the previous run
    wrote and this one neither wrote nor kept."""
    from refkit.store.files import atomic_write

    kept = kept or set()
    out.mkdir(parents=True, exist_ok=True)
    manifest_path = out / MANIFEST
    before = _read_manifest(out).get("files", [])
    previous = set(before) if isinstance(before, list) else set()
    for rel in sorted(files):
        data = files[rel]
        target = out / rel
        if not target.resolve().is_relative_to(out):
            raise RefkitError(
                f"refusing to write {rel} outside {out}"
            )  # pragma: no cover - ids forbid it
        try:
            if target.read_bytes() == data:
                result.unchanged += 1
                continue
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            pass
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, data, durable=False)  # the site can be published again
        result.written.append(rel)
    result.unchanged += len(kept - set(files))
    every = set(files) | kept
    for rel in sorted(previous - every):
        target = out / rel
        if target.resolve().is_relative_to(out) and target.is_file():
            target.unlink()
            result.removed.append(rel)
            parent = target.parent
            while parent != out and parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent
    manifest = (
        json.dumps(
            {"generator": "refkit", "files": sorted(every), "frameworks": frameworks or {}},
            indent=1,
            sort_keys=True,
        )
        + "\n"
    )
    if not manifest_path.exists() or manifest_path.read_text(encoding="utf-8") != manifest:
        atomic_write(manifest_path, manifest.encode("utf-8"), durable=False)


def search_text(*parts: str | None) -> str:
    """Lower-case text without accents, for the offline search."""
    text = " ".join(p for p in parts if p).lower()
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=12).hexdigest()


def json_bytes(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")

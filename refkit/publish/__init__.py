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
    files = _build(site, formats, lang)
    result = PublishResult(
        out, versions=sum(len(f.versions) for f in site.frameworks), frameworks=len(site.frameworks)
    )
    result.notes = site.notes
    try:
        write(out, files, result)
    except OSError as e:
        where = e.filename or out
        raise RefkitError(
            f"{where} cannot be written ({e.strerror or e})",
            hint="choose an output folder you can write to with --out; files already written are complete",
        ) from e
    return result


_SITE: Any = None  # the collected site, shared with the rendering processes by fork


def _build(site: Any, formats: tuple[str, ...], lang: str | None) -> dict[str, bytes]:
    """Render every page; with many frameworks, in several processes (rendering is pure Python
    and CPU-bound). Each process renders a share of the frameworks' pages from the same
    collected site, inherited by fork; the site-wide pages are rendered here."""
    import multiprocessing

    from refkit.publish.pages import build_pages

    jobs = min(os.cpu_count() or 1, 8)
    if (
        jobs < 2
        or len(site.frameworks) < 16
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return build_pages(site, formats=formats, lang=lang)
    global _SITE
    _SITE = site
    ids = [f.id for f in site.frameworks]
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


def write(out: Path, files: dict[str, bytes], result: PublishResult) -> None:
    """Write ``files`` (path relative to ``out`` -> bytes) where their bytes changed; remove the
    files the previous run wrote and this one did not."""
    from refkit.store.files import atomic_write

    out.mkdir(parents=True, exist_ok=True)
    manifest_path = out / MANIFEST
    try:
        previous = set(json.loads(manifest_path.read_text(encoding="utf-8")).get("files", []))
    except (OSError, ValueError, AttributeError):
        previous = set()
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
    for rel in sorted(previous - set(files)):
        target = out / rel
        if target.resolve().is_relative_to(out) and target.is_file():
            target.unlink()
            result.removed.append(rel)
            parent = target.parent
            while parent != out and parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent
    manifest = json.dumps({"generator": "refkit", "files": sorted(files)}, indent=1) + "\n"
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

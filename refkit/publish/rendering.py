"""Provides the rendering of the site's pages (``refkit.publish.pages``) in worker processes
when there are many frameworks to render (``refkit.parallel``), and into an empty folder as they
are rendered (``fill``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from refkit.publish.output import MANIFEST, unwritable, write_manifest, write_new

RENDER_IN_WORKERS = 16  # frameworks to render below which workers cost more than they save


def fill(
    out: Path,
    site: Any,
    formats: tuple[str, ...],
    lang: str | None,
    render: set[str],
    rows: dict[str, Any],
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, str]:
    """Publish into the empty folder ``out``: its manifest first says it is being filled, then
    the pages are written as they are rendered; their digests by path."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        write_manifest(out / MANIFEST, {}, {}, {}, filling=True)
        written: dict[str, str] = build(
            site, formats, lang, render, rows, into=out, progress=progress
        )
    except OSError as e:
        raise unwritable(e, out) from e
    return written


def build(
    site: Any,
    formats: tuple[str, ...],
    lang: str | None,
    render: set[str] | None = None,
    rows: dict[str, Any] | None = None,
    *,
    into: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Any:
    """Render the site-wide pages and the pages of the frameworks in ``render`` (all by
    default); with many frameworks, in several processes (rendering is pure Python and
    CPU-bound: ``refkit.parallel``). The processes render the frameworks' pages from the same
    collected site, inherited by fork, a small share at a time, each taking the next share when
    it is done (with one share a process, one rendered alone for 2.4-3.7 s of a 500-framework
    publish: the frameworks with most versions had all gone to it); the site-wide pages are
    rendered here meanwhile (and a share whose worker died). ``into``: an empty folder that
    whoever renders a page writes it into; then the digests of the files written, by path,
    instead of their bytes. ``progress(done, total)``: told as the shares come back (the
    frameworks rendered so far, of all to render)."""
    from refkit.parallel import Forked, workers
    from refkit.publish.pages import build_pages

    ids = [f.id for f in site.frameworks if render is None or f.id in render]
    jobs = workers(len(ids), at_least=RENDER_IN_WORKERS, items=len(ids))
    if jobs == 0:
        every = build_pages(site, formats=formats, lang=lang, only=set(ids), rows=rows)
        if progress is not None:
            progress(len(ids), len(ids))
        return every if into is None else write_new(into, every)

    def share(part: list[str]) -> Any:
        files = build_pages(site, formats=formats, lang=lang, only=set(part), site_wide=False)
        return files if into is None else write_new(into, files)

    n = min(len(ids), 8 * jobs)
    with Forked(share, [ids[i::n] for i in range(n)], jobs) as forked:
        pages = build_pages(site, formats=formats, lang=lang, only=set(), rows=rows)
        files: dict[str, Any] = pages if into is None else write_new(into, pages)
        done = 0
        for i in range(n):
            files.update(forked.result(i))
            if progress is not None:
                done += len(ids[i::n])
                progress(done, len(ids))
    return files

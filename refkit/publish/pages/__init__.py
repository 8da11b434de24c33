"""Provides ``build_pages``: every output file of the site, as bytes, from the collected versions.

Each page's context is built by its own module (all links relative to the page): ``version`` (a
version's page), ``changes`` (what changed since the version before), ``compare`` (since my
version, comparisons), ``index`` (the site's index and pathways, a framework's versions list,
feeds), ``search`` (the offline index), ``downloads`` (exports and data files), ``calculator``
(credit); ``common`` holds what they share. They are rendered through one Jinja2 environment (``render``), autoescaped, with
undefined names as errors. Markdown pages mirror the HTML ones under ``md/`` (``markdown``);
JSON exports sit next to each version page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from refkit.publish import json_bytes
from refkit.publish.labels import labels
from refkit.publish.pages.calculator import calculator
from refkit.publish.pages.changes import changes_context
from refkit.publish.pages.common import addresses
from refkit.publish.pages.compare import comparisons, since_context
from refkit.publish.pages.downloads import data_files, downloads, json_export, non_finite
from refkit.publish.pages.index import (
    feed,
    framework_index_context,
    framework_rows,
    index_context,
    pathways_context,
    site_language,
)
from refkit.publish.pages.markdown import md_paths
from refkit.publish.pages.render import asset, render, version_body
from refkit.publish.pages.search import search_entries
from refkit.publish.pages.version import version_context
from refkit.publish.site import PublishedFramework, Site, Version

__all__ = ["build_pages", "framework_rows", "non_finite", "site_language"]


def build_pages(
    site: Site,
    *,
    formats: tuple[str, ...],
    lang: str | None,
    only: set[str] | None = None,
    site_wide: bool = True,
    rows: dict[str, Any] | None = None,
) -> dict[str, bytes]:
    """Every file of the site (path -> bytes); ``only``: the pages of these frameworks only (the
    site-wide pages are still made unless ``site_wide`` is False). ``rows``: what the site-wide
    pages show of each framework (``framework_rows``), where already known; the frameworks
    rendered here must be loaded (``Site.load``)."""
    site_lang = site_language(site, lang)
    files = _site_wide(site, formats, site_lang, rows) if site_wide else {}
    for pf in site.frameworks:
        if only is None or pf.id in only:
            files.update(_framework_files(site, pf, formats))
    return files


def _site_wide(
    site: Site, formats: tuple[str, ...], site_lang: str, rows: dict[str, Any] | None
) -> dict[str, bytes]:
    """The assets, the index, search and pathways pages, the site's feed and the list of the
    search index's files."""
    files: dict[str, bytes] = {}
    every: dict[str, Any] = dict(rows or {})
    for f in site.frameworks:
        if f.id not in every:
            every[f.id] = framework_rows(site, f, site_lang)
    if "html" in formats:
        for name in ("style.css", "search.js", "compare.js", "credit.js"):
            files[f"assets/{name}"] = asset(name)
        files["index.html"] = render("index.html", **index_context(site, every, site_lang))
        files["search.html"] = render("search.html", root="", l=labels(site_lang), lang=site_lang)
        files["pathways.html"] = render("pathways.html", **pathways_context(site, every, site_lang))
        files["feed.xml"] = feed(site, site.frameworks, site_lang, "", site_wide=True)
        listing = [pf.id for pf in site.frameworks]
        files["assets/search/files.js"] = (
            f"window.REFKIT_SEARCH_FILES = {json.dumps(listing)};\n".encode()
        )
    if "md" in formats:
        # Markdown pages link to Markdown pages: their root is md/
        files["md/index.md"] = render(
            "index.md.j2", **md_paths(index_context(site, every, site_lang))
        )
        files["md/pathways.md"] = render(
            "pathways.md.j2", **md_paths(pathways_context(site, every, site_lang))
        )
    return files


def _framework_files(
    site: Site, pf: PublishedFramework, formats: tuple[str, ...]
) -> dict[str, bytes]:
    """A framework's files: its share of the search index, its versions list and feed, every
    version's pages (the latest release's again under latest/), its comparisons and its credit
    calculator."""
    files: dict[str, bytes] = {}
    html, md = "html" in formats, "md" in formats
    if html:
        # the framework's share of the offline search index
        payload = json.dumps(
            {
                "framework": pf.id,
                "title": pf.current.framework.title,
                "latest": pf.latest.label if pf.latest else "",
                "entries": search_entries(pf),
            },
            ensure_ascii=False,
            sort_keys=True,
        )
        files[f"assets/search/{pf.id}.js"] = (
            f"(window.REFKIT_SEARCH = window.REFKIT_SEARCH || []).push({payload});\n".encode()
        )
        files[f"{pf.id}/index.html"] = render("versions.html", **framework_index_context(pf, "../"))
        files[f"{pf.id}/feed.xml"] = feed(site, [pf], pf.current.framework.lang or "fr", "../")
    if md:
        files[f"md/{pf.id}/index.md"] = render(
            "versions.md.j2", **md_paths(framework_index_context(pf, "../"))
        )
    targets: list[tuple[Version, str | None]] = [(v, None) for v in pf.versions]
    if pf.latest is not None:
        targets.append((pf.latest, "latest"))
    bodies: dict[tuple[str, str], Any] = {}  # the heavy part of a version's pages, once
    for version, alias in targets:
        files.update(_version_files(site, _Target(pf, version, alias, formats), bodies))
    if html:
        files.update(comparisons(site, pf))
        files.update(calculator(site, pf))
    return files


@dataclass(frozen=True, slots=True)
class _Target:
    """Where one version's pages go: under its number, or under latest/ (``alias``)."""

    pf: PublishedFramework
    version: Version
    alias: str | None
    formats: tuple[str, ...]

    @property
    def folder(self) -> str:
        return f"{self.pf.id}/{self.alias or self.version.label}"

    @property
    def export(self) -> str | None:
        """The path of the version's JSON export from the site's root, when there is one."""
        if "json" not in self.formats:
            return None
        fid, label = self.pf.id, self.version.label
        return f"{fid}/{label}/{fid}-{label}.json"


def _version_files(
    site: Site, target: _Target, bodies: dict[tuple[str, str], Any]
) -> dict[str, bytes]:
    """A version's pages (HTML and Markdown: the version, its changes, since it), and beside the
    numbered ones its downloads."""
    pf, version, alias = target.pf, target.version, target.alias
    vctx = version_context(site, pf, version, "../../", alias)
    files: dict[str, bytes] = {}
    if "md" in target.formats:
        files.update(_version_md(target, vctx, bodies))
    if "html" in target.formats:
        files.update(_version_html(site, target, vctx, bodies))
    if alias is None:
        if target.export:
            files[target.export] = json_bytes(json_export(version))
        files.update(data_files(site, pf, version, target.folder, target.formats))
    return files


def _version_md(
    target: _Target, vctx: dict[str, Any], bodies: dict[tuple[str, str], Any]
) -> dict[str, bytes]:
    """A version's Markdown pages: the version and its changes."""
    version, folder, export = target.version, target.folder, target.export
    # the latest/ copy's Markdown differs from the numbered page's by its banner only
    known = bodies.get((version.label, "md-context"))
    mctx = dict(known, alias=target.alias) if known is not None else md_paths(vctx)
    bodies.setdefault((version.label, "md-context"), mctx)
    mctx["json_href"] = f"../../../{export}" if export else None
    mctx["md_href"] = None
    mctx["body"] = version_body(bodies, version.label, "_version_body.md.j2", mctx)
    changes = changes_context(target.pf, version, "../../", target.alias)
    return {
        f"md/{folder}/index.md": render("version.md.j2", **mctx),
        f"md/{folder}/changes.md": render("changes.md.j2", **md_paths(changes)),
    }


def _version_html(
    site: Site, target: _Target, vctx: dict[str, Any], bodies: dict[tuple[str, str], Any]
) -> dict[str, bytes]:
    """A version's HTML pages: the version, its changes, and for a release before the latest
    what changed since it."""
    pf, version, alias, folder = target.pf, target.version, target.alias, target.folder
    md = "md" in target.formats
    ctx = vctx
    ctx["body"] = version_body(bodies, version.label, "_version_body.html", ctx)
    ctx["json_href"] = f"../../{target.export}" if target.export else None
    ctx["downloads"] = downloads(pf.id, version.label, target.formats, ctx["l"])
    ctx["md_href"] = f"../../md/{folder}/index.md" if md else None
    files = {f"{folder}/index.html": render("version.html", **ctx)}
    ctx = changes_context(pf, version, "../../", alias)
    ctx["md_href"] = f"../../md/{folder}/changes.md" if md else None
    header = f"{ctx['fw']['title']} {version.label} — {ctx['l']['changes']}"
    ctx.update(addresses(site, pf.id, version.label, "../../", alias, header, "changes.html"))
    files[f"{folder}/changes.html"] = render("changes.html", **ctx)
    if alias is None and not version.draft and pf.latest not in (None, version):
        assert pf.latest is not None
        here = f"{folder}/since.html"
        files[here] = render(
            "since.html", **since_context(site, pf, version, pf.latest, "../../", here)
        )
    return files

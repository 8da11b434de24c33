"""Provides the site-wide pages' contexts (the index, the pathways and shared blocks), a
framework's versions list, the Atom feeds, and ``framework_rows``: what the site-wide pages show
of one framework, kept by the publisher for the frameworks that did not change."""

from __future__ import annotations

from typing import Any

from refkit.publish.adoption import adoption
from refkit.publish.labels import labels
from refkit.publish.pages.common import (
    cert_view,
    count_errors,
    date_text,
    in_time,
    level_text,
    page_url,
    title_of,
    volume_text,
)
from refkit.publish.pages.render import lang_key
from refkit.publish.site import PublishedFramework, Site, Version
from refkit.stack import Coverage, stack


def site_language(site: Site, lang: str | None) -> str:
    """The language of the site-wide pages: as asked, else the frameworks' most common."""
    langs = sorted(f.current.outline.lang for f in site.frameworks)
    return lang or (max(set(langs), key=lambda x: (langs.count(x), x)) if langs else "fr")


def index_context(site: Site, rows: dict[str, Any], lang: str) -> dict[str, Any]:
    return {
        "root": "",
        "l": labels(lang),
        "lang": lang,
        "rows": [rows[f.id]["index"] for f in site.frameworks],
        "unreleased": site.unreleased,
        "feeds": [
            {"href": "feed.xml", "title": f"{labels(lang)['site']} — {labels(lang)['feed']}"}
        ],
    }


def framework_index_context(pf: PublishedFramework, root: str) -> dict[str, Any]:
    fw = pf.current.framework
    lab = labels(fw.lang)
    return {
        "root": root,
        "l": lab,
        "lang": fw.lang or "fr",
        "fw": {"id": pf.id, "title": fw.title},
        "versions": [
            {
                "label": v.label,
                "href": f"{v.label}/",
                "changes_href": f"{v.label}/changes.html",
                "date": date_text(v.release.date, lab) if v.release else "",
                "message": v.release.message if v.release else None,
                "adopted": adoption(pf.current.framework.releases, v.label, lab),
                "draft": v.draft,
                "summary": _summary_line(v, lang_key(fw.lang)),
            }
            for v in reversed(pf.versions)
        ],
        "latest": pf.latest.label if pf.latest else None,
        "compare": sum(1 for v in pf.versions if not v.draft) > 1,
        "feeds": [{"href": "feed.xml", "title": f"{fw.title} — {lab['feed']}"}],
    }


def _summary_line(v: Version, lk: str) -> str:
    if v.diff is None:
        return ""
    from refkit.diff.render import summary_line

    return summary_line(v.diff, lk)


def _shared_note(site: Site, pf: PublishedFramework, block: str, lab: dict[str, str]) -> str:
    """ "bloc partagé, défini dans X" or "bloc partagé, aussi utilisé par Y", else ""."""
    borrowed = pf.current.borrowed.get(block)
    if borrowed is not None:
        return f"{lab['shared_block']}, {lab['home'].lower()} {title_of(site, borrowed[1])}"
    users = site.users_of(pf.id, block)
    if users:
        names = ", ".join(title_of(site, u) for u in users)
        return f"{lab['shared_block']}, {lab['also_used_by']} {names}"
    return ""


def framework_rows(site: Site, pf: PublishedFramework, lang: str) -> dict[str, Any]:
    """What the site-wide pages (index, pathways) show of one framework, in the site's language
    ``lang``: plain JSON data, kept by the publisher for the frameworks that did not change."""
    lab = labels(lang)
    current = pf.current
    fw = current.framework
    label = "latest" if pf.latest else current.label
    index = {
        "id": pf.id,
        "title": fw.title,
        "href": f"{pf.id}/{label}/",
        "versions_href": f"{pf.id}/",
        "level": level_text(fw, lab),
        "sector": fw.sector or "",
        "version": current.label,
        "draft": current.draft,
        "errors": count_errors(current.errors, lab),
        "status": in_time([v for v in pf.versions if not v.draft], current, "", lab)["label"],
    }
    shared = []
    for block in fw.blocks:
        users = site.users_of(pf.id, block.id)
        if users:
            shared.append(
                {
                    "id": block.id,
                    "title": block.title,
                    "home": {
                        "id": pf.id,
                        "title": fw.title,
                        "href": page_url("", pf.id, label, block.id),
                    },
                    "users": [
                        {
                            "id": u,
                            "title": title_of(site, u),
                            "href": page_url("", u, site.page_label(u), block.id),
                        }
                        for u in users
                    ],
                }
            )
    view = cert_view(current)
    order = [s.block for s in stack(view, Coverage(), []).pathway]  # prerequisites first

    def step(bid: str) -> dict[str, Any]:
        b = view.blocks[bid]
        return {
            "block": bid,
            "title": b.title,
            "href": page_url("", pf.id, label, bid),
            "volume": volume_text(b.hours, b.credits, lab),
            "after": [p for p in b.prerequisites if p in view.blocks],
            "shared": _shared_note(site, pf, bid, lab),
        }

    required = [b for b in order if b in view.required and b in view.blocks]
    required += [b for b in view.required if b not in required and b in view.blocks]
    cert = {
        "id": pf.id,
        "title": fw.title,
        "href": page_url("", pf.id, label),
        "required": [step(b) for b in required],
        "electives": [
            {
                "title": g.title or g.id,
                "choose": lab["choose"].format(n=g.choose),
                "options": [step(b) for b in g.blocks if b in view.blocks],
            }
            for g in view.electives
        ],
        "total": volume_text(view.hours, view.credits, lab),
    }
    return {"index": index, "shared": shared, "cert": cert}


def pathways_context(site: Site, rows: dict[str, Any], lang: str) -> dict[str, Any]:
    return {
        "root": "",
        "l": labels(lang),
        "lang": lang,
        "shared": [s for f in site.frameworks for s in rows[f.id]["shared"]],
        "certifications": [rows[f.id]["cert"] for f in site.frameworks],
    }


def feed(
    site: Site,
    frameworks: list[PublishedFramework],
    lang: str,
    root_href: str,
    *,
    site_wide: bool = False,
) -> bytes:
    """The Atom feed of the releases of ``frameworks``: one per framework, and the site's."""
    from refkit.publish.feeds import FeedEntry, atom

    lab = labels(lang)
    root_href = site.base_url or root_href  # absolute with --base-url, else from the feed
    entries = []
    for pf in frameworks:
        title = pf.current.outline.title or pf.id
        for v in pf.versions:
            if v.release is None:
                continue
            href = f"{root_href}{pf.id}/{v.label}/index.html"
            message = v.release.message or ""
            entries.append(
                FeedEntry(pf.id, v.label, f"{title} {v.label}", str(v.release.date), href, message)
            )
    if not site_wide:
        pf = frameworks[0]
        name = f"{pf.current.outline.title or pf.id} — {lab['feed']}"
        return atom(name, f"{pf.id}/feed", f"{root_href}{pf.id}/feed.xml", entries, lang)
    name = f"{lab['site']} — {lab['feed']}"
    return atom(name, "feed", f"{root_href}feed.xml", entries, lang)

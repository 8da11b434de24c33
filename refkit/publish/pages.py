"""Provides ``build_pages``: every output file of the site, as bytes, from the collected versions.

Contexts are built here (all links relative to the page), then rendered through one Jinja2
environment (``refkit/templates/site``), autoescaped, with undefined names as errors. Markdown
pages mirror the HTML ones under ``md/``; JSON exports sit next to each version page.
"""

from __future__ import annotations

import contextlib
import json
import re
from functools import cache
from importlib import resources
from typing import Any

from markupsafe import Markup

from refkit.diff import FrameworkDiff
from refkit.diff.describe import describe, line_html, line_markdown
from refkit.diff.describe import words as change_words
from refkit.model import Block, Framework
from refkit.publish import json_bytes
from refkit.publish.adoption import adoption
from refkit.publish.collect import PublishedFramework, Site, Version
from refkit.publish.items import competency_html, relation_links, relations_html
from refkit.publish.labels import labels
from refkit.publish.text import block_html, inline_html, md_attr, md_escape, md_text
from refkit.publish.typo import french_html, is_french, quantity
from refkit.stack import BlockView, CertView, Coverage, Elective, stack
from refkit.store.writer import block_data, framework_data


def _lang_key(lang: str) -> str:
    return "fr" if (lang or "").lower().startswith("fr") else "en"


@cache
def _env() -> Any:
    from jinja2 import Environment, FunctionLoader, StrictUndefined

    base = resources.files("refkit") / "templates" / "site"

    def load(name: str) -> str:
        return (base / name).read_text(encoding="utf-8")

    env = Environment(
        loader=FunctionLoader(load),
        bytecode_cache=_bytecode_cache(),
        autoescape=lambda name: bool(name) and not str(name).endswith(".md.j2"),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = md_escape
    env.filters["mdtext"] = md_text
    env.filters["mdattr"] = md_attr
    env.filters["inline"] = inline_html
    env.filters["blocks"] = block_html
    env.filters["css"] = css_string
    env.globals["competency"], env.globals["relations"] = competency_html, relations_html
    return env


def css_string(text: Any) -> Markup:
    """A quoted CSS string (for the running header of printed pages): backslashes, quotes,
    line breaks and anything that could close the style element escaped."""
    out = []
    for ch in str(text):
        if ch.isalnum() or ch in " -_.,:;/()'«»’…·—–":
            out.append(ch)
        else:
            out.append(f"\\{ord(ch):x} ")
    return Markup('"' + "".join(out) + '"')


def _bytecode_cache() -> Any:
    """Compiled templates kept in the user's cache folder (as Python keeps .pyc files): compiling
    the site's templates costs about 0.3 s, a fifth of publishing again after one change. Jinja
    checks each entry against its template's source; a cache that cannot be written is skipped."""
    from jinja2 import FileSystemBytecodeCache

    from refkit.cache import cache_root

    class Cache(FileSystemBytecodeCache):
        def dump_bytecode(self, bucket: Any) -> None:
            # a read-only cache folder: templates are compiled every time
            with contextlib.suppress(OSError):
                super().dump_bytecode(bucket)

    folder = cache_root() / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # pragma: no cover
        return None
    return Cache(str(folder), "%s.jinja")


# A link to a folder ("2.0.0/", "../latest/#C6.2") names its index.html: the site then works
# straight from disk (a USB stick, a shared drive), where browsers do not resolve folders.
_FOLDER_LINK = re.compile(r'href="((?![a-z][a-z0-9+.-]*:|#|/)[^"#]*/)(#[^"]*)?"')


def _render(template: str, **context: Any) -> bytes:
    text = str(_env().get_template(template).render(**context))
    if template.endswith(".html"):
        text = _FOLDER_LINK.sub(r'href="\1index.html\2"', text)
        if is_french(context.get("lang")):
            text = french_html(text)
    return text.encode("utf-8")


def _asset(name: str) -> bytes:
    return (resources.files("refkit") / "templates" / "site" / "assets" / name).read_bytes()


# -- small helpers for contexts ----------------------------------------------------------------


_NATIONAL = {
    "fr": ("France", "France"),
    "nzqf": ("NZQF, Nouvelle-Zélande", "NZQF, New Zealand"),
    "aqf": ("AQF, Australie", "AQF, Australia"),
    "rqf": ("RQF, Angleterre", "RQF, England"),
    "scqf": ("SCQF, Écosse", "SCQF, Scotland"),
}


def _level_text(fw: Framework, lab: dict[str, str]) -> str:
    """ "CEC 3 · niveau 3 (France)": the European level, then each national one."""
    fr = lab is labels("fr")
    parts = [f"{lab['eqf']} {fw.level.eqf}"] if fw.level.eqf is not None else []
    for key, value in sorted(fw.level.national.items()):
        name = _NATIONAL.get(key, (key, key))[0 if fr else 1]
        parts.append(f"{'niveau' if fr else 'level'} {value} ({name})")
    return " · ".join(parts)


_MONTHS_EN = "January February March April May June July August September October November December"
_MONTHS = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"


def _date(iso: str | None, lab: dict[str, str]) -> str:
    """ "23 novembre 2026" in French, "23 November 2026" otherwise; anything else as given."""
    import datetime

    try:
        day = datetime.date.fromisoformat(str(iso)[:10])
    except ValueError:
        return str(iso or "")
    if lab is labels("fr"):
        return f"{'1er' if day.day == 1 else day.day} {_MONTHS.split()[day.month - 1]} {day.year}"
    return f"{day.day} {_MONTHS_EN.split()[day.month - 1]} {day.year}"


def _volume(hours: float | None, credits: float | None, lab: dict[str, str]) -> str:
    lang = "fr" if lab is labels("fr") else "en"
    parts = []
    if hours is not None:
        parts.append(quantity(hours, lab["hours"], lang))
    if credits is not None:
        parts.append(quantity(credits, lab["credits"], lang))
    return " + ".join(parts)


def _anchors(fw: Framework, borrowed: dict[str, Any]) -> dict[tuple[str, str], str]:
    """Anchors of a page: competency ids as they are (#C6.2 is the permanent URL), blocks and
    activities too unless that would collide with a competency."""
    out: dict[tuple[str, str], str] = {}
    taken: set[str] = set()
    for _, c in [
        *fw.competencies(),
        *((blk, c) for blk, _, _ in borrowed.values() for c in blk.competencies),
    ]:
        out[("competency", c.id)] = c.id
        taken.add(c.id)
    for kind, ids in (
        ("block", [b.id for b in fw.blocks] + list(borrowed)),
        ("activity", [a.id for a in fw.activities]),
    ):
        for i in ids:
            anchor = i if i not in taken else f"{kind}-{i}"
            out[(kind, i)] = anchor
            taken.add(anchor)
    return out


def _url(root: str, fid: str, label: str, anchor: str | None = None, page: str = "") -> str:
    return f"{root}{fid}/{label}/{page}" + (f"#{anchor}" if anchor else "")


def _cert_view(version: Version) -> CertView:
    fw = version.framework
    blocks = {
        b.id: BlockView(
            b.id,
            b.title,
            tuple(c.id for c in b.competencies),
            tuple(b.prerequisites),
            b.volume.hours,
            b.volume.credits,
        )
        for b in fw.blocks
    }
    for bid, (block, home, home_version) in version.borrowed.items():
        blocks[bid] = BlockView(
            bid,
            block.title,
            tuple(c.id for c in block.competencies),
            tuple(block.prerequisites),
            block.volume.hours,
            block.volume.credits,
            home,
            home_version,
        )
    return CertView(
        fw.id,
        version.label,
        fw.title,
        blocks,
        tuple(fw.certification.required),
        tuple(
            Elective(g.id, g.choose, tuple(g.blocks), g.title) for g in fw.certification.electives
        ),
        fw.certification.volume.hours,
        fw.certification.volume.credits,
    )


# -- the version page ---------------------------------------------------------------------------


def _places(fw: Framework, lab: dict[str, str]) -> dict[str, str]:
    """Each block's place in the certification: required, or in which elective group."""
    places = dict.fromkeys(fw.certification.required, lab["place_required"])
    for g in fw.certification.electives:
        for b in g.blocks:
            places.setdefault(b, lab["place_elective"].format(group=g.title or g.id))
    return places


def _version_context(
    site: Site, pf: PublishedFramework, version: Version, root: str, alias: str | None
) -> dict[str, Any]:
    fw = version.framework
    lab = labels(fw.lang)
    anchors = _anchors(fw, version.borrowed)
    here = alias or version.label
    marks = _marks(version, lab)
    places = _places(fw, lab)

    def link_block(bid: str) -> dict[str, str]:
        return {"id": bid, "href": f"#{anchors.get(('block', bid), bid)}"}

    def competencies_ctx(block: Block) -> list[dict[str, Any]]:
        return [
            {
                "id": c.id,
                "anchor": anchors[("competency", c.id)],
                "statement": c.statement,
                "kind": lab.get(f"kind_{c.kind}", c.kind),
                "activities": [
                    {"id": a, "href": f"#{anchors.get(('activity', a), a)}"}
                    for a in c.activities
                    if fw.activity(a)
                ],
                "criteria": [cr.text for cr in c.criteria],
                "mark": marks.get(("competency", c.id)),
                "notes": c.notes,
                "esco": [u for u in c.esco if u.startswith(("http://", "https://"))],
                "relations": relation_links(c.relations, anchors, site, root, fw.lang),
            }
            for c in block.competencies
        ]

    def block_ctx(block: Block, shared: tuple[str, str] | None) -> dict[str, Any]:
        home = shared[0] if shared else fw.id
        users = [u for u in site.users_of(home, block.id) if u != fw.id]
        if shared:
            users = [shared[0], *users]
        also = []
        for u in users:
            target = site.framework(u)
            if target is not None:
                also.append(
                    {
                        "id": u,
                        "title": target.current.outline.title,
                        "href": _url(root, u, "latest", block.id),
                    }
                )
        return {
            "id": block.id,
            "anchor": anchors[("block", block.id)],
            "title": block.title,
            "mark": marks.get(("block", block.id)),
            "place": places.get(block.id, lab["place_none"]),
            "count": len(block.competencies),
            "changed": _changed_count(
                sum(1 for c in block.competencies if ("competency", c.id) in marks), lab
            ),
            "description": block.description,
            "relations": relation_links(block.relations, anchors, site, root, fw.lang),
            "volume": _volume(block.volume.hours, block.volume.credits, lab),
            "prerequisites": [link_block(p) for p in block.prerequisites],
            "modalities": [
                {
                    "type": lab.get(f"modality_{m.type}", m.type),
                    "description": m.description,
                    "hours": m.hours,
                    "volume": _volume(m.hours, None, lab) if m.hours else "",
                }
                for m in block.modalities
            ],
            "shared": {
                "framework": shared[0],
                "version": shared[1],
                "href": _url(root, shared[0], shared[1], block.id),
            }
            if shared
            else None,
            "also": also,
            "competencies": competencies_ctx(block),
        }

    blocks = [block_ctx(b, None) for b in fw.blocks]
    blocks += [block_ctx(blk, (home, hv)) for blk, home, hv in version.borrowed.values()]
    served: dict[str, list[dict[str, str]]] = {}
    for _, c in [
        *fw.competencies(),
        *((blk, c) for blk, _, _ in version.borrowed.values() for c in blk.competencies),
    ]:
        for a in c.activities:
            served.setdefault(a, []).append(
                {"id": c.id, "href": f"#{anchors[('competency', c.id)]}"}
            )
    result = stack(_cert_view(version), Coverage(), [])
    pathway = [
        {
            "block": link_block(s.block),
            "title": s.title,
            "reason": s.reason,
            "volume": _volume(s.hours, s.credits, lab),
        }
        for s in result.pathway
    ]
    releases = list(pf.versions)
    released = [v for v in releases if not v.draft]
    return {
        "root": root,
        "l": lab,
        "lang": fw.lang or "fr",
        "time": _in_time(released, version, root, lab),
        **_addresses(site, fw.id, version.label, root, alias, f"{fw.title} {version.label}"),
        "compare_href": f"{root}{fw.id}/compare/" if len(released) > 1 else None,
        "credit_href": f"{root}{fw.id}/credit.html" if released else None,
        "fw": {
            "id": fw.id,
            "title": fw.title,
            "sector": fw.sector,
            "summary": fw.summary,
            "level": _level_text(fw, lab),
            "codes": _codes(fw),
            "validity": {
                "from": _date(fw.validity.start, lab) if fw.validity.start else None,
                "until": _date(fw.validity.until, lab) if fw.validity.until else None,
            },
            "working_group": [
                {
                    "organisation": m.organisation,
                    "college": lab.get(f"college_{m.college}", m.college or ""),
                    "role": m.role,
                }
                for m in fw.working_group
            ],
            "activities": [
                {
                    "id": a.id,
                    "anchor": anchors[("activity", a.id)],
                    "title": a.title,
                    "mark": marks.get(("activity", a.id)),
                    "description": a.description,
                    "tasks": a.tasks,
                    "competencies": served.get(a.id, []),
                }
                for a in fw.activities
            ],
            "required": [link_block(b) for b in fw.certification.required],
            "electives": [
                {
                    "id": g.id,
                    "title": g.title,
                    "choose": g.choose,
                    "blocks": [link_block(b) for b in g.blocks],
                }
                for g in fw.certification.electives
            ],
            "total": _volume(fw.certification.volume.hours, fw.certification.volume.credits, lab),
        },
        "version": version.label,
        "draft": version.draft,
        "draft_errors": _draft_errors(version, lab),
        "release": {
            "date": _date(version.release.date, lab),
            "message": version.release.message,
            "adopted": adoption(fw.releases, version.label, lab),
        }
        if version.release
        else None,
        "alias": alias,
        "permalink": _url(root, fw.id, version.label),
        "changes_href": "changes.html",
        "json_href": f"{fw.id}-{version.label}.json"
        if alias is None
        else f"../{version.label}/{fw.id}-{version.label}.json",
        "md_href": f"{root}md/{fw.id}/{here}/index.md",
        "versions": [
            {
                "label": v.label,
                "href": _url(root, fw.id, v.label),
                "date": _date(v.release.date, lab) if v.release else "",
                "current": v is version,
            }
            for v in reversed(releases)
        ],
        "blocks": blocks,
        "has_marks": bool(marks),
        "pathway": pathway,
        "ld": _json_ld(site, pf, version, lab),
        "feeds": [{"href": f"{root}{fw.id}/feed.xml", "title": f"{fw.title} — {lab['feed']}"}],
    }


def _changed_count(n: int, lab: dict[str, str]) -> str:
    return "" if not n else lab["changed_one"] if n == 1 else lab["changed_many"].format(n=n)


def _marks(version: Version, lab: dict[str, str]) -> dict[tuple[str, str], str]:
    """What is new in this version, by (kind, id): "nouvelle en 2.0.0", "déplacée en 2.0.0,
    venait du bloc BC04", "renumérotée en 2.0.0, était C4.5", "modifié en 2.0.0"."""
    if version.diff is None or version.previous is None:
        return {}
    v = version.label
    out: dict[tuple[str, str], str] = {}
    for c in version.diff.changes:
        if c.kind not in ("block", "competency", "activity") or c.change == "removed":
            continue
        g = "m" if c.kind == "block" else "f"  # un bloc ; une compétence, une activité
        if c.change == "added":
            text = lab[f"mark_added_{g}"].format(v=v)
        elif c.kind == "competency" and c.moved_flag and c.old_block:
            text = lab["mark_moved"].format(v=v, block=c.old_block)
        elif c.change == "renamed" and c.old_id:
            text = lab[f"mark_renamed_{g}"].format(v=v, old=c.old_id)
        elif c.fields or c.change == "modified":
            text = lab[f"mark_modified_{g}"].format(v=v)
        else:
            continue
        out[(c.kind, c.id)] = text
    return out


def _json_ld(site: Site, pf: PublishedFramework, version: Version, lab: dict[str, str]) -> Markup:
    """The version described for search engines and catalogues (schema.org): a credential and
    the competencies it requires, with its codes, level, language, dates and address."""
    from refkit.publish.feeds import json_ld

    fw = version.framework
    address = f"{site.base_url}{fw.id}/{version.label}/"
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "EducationalOccupationalCredential",
        "name": fw.title,
        "version": version.label,
        "inLanguage": fw.lang or "fr",
        "credentialCategory": "certification",
        "educationalLevel": _level_text(fw, lab),
        "identifier": [
            {"@type": "PropertyValue", "propertyID": key, "value": value}
            for key, value in _codes(fw)
        ],
        "competencyRequired": [
            {
                "@type": "DefinedTerm",
                "termCode": c.id,
                "name": c.statement,
                "inDefinedTermSet": f"{address}#{b.id}" if site.base_url else b.id,
            }
            for b in fw.blocks
            for c in b.competencies
        ],
    }
    if site.base_url:
        data["url"] = address
    if fw.sector:
        data["occupationalCategory"] = fw.sector
    if fw.summary:
        data["description"] = fw.summary
    if version.release is not None:
        data["datePublished"] = str(version.release.date)[:10]
    if fw.validity.start:
        data["validFrom"] = str(fw.validity.start)[:10]
    if fw.validity.until:
        data["expires"] = str(fw.validity.until)[:10]
    return Markup(json_ld(data))


def _feed(
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


def _addresses(
    site: Site, fid: str, label: str, root: str, alias: str | None, header: str, page: str = ""
) -> dict[str, Any]:
    """Where a page lives for good: its address as people cite it (absolute with --base-url),
    the canonical link (the numbered version's, for the latest/ copy), and what a printed page
    says at its top."""
    address = f"{site.base_url}{fid}/{label}/{page}"
    canonical = address if site.base_url else (_url(root, fid, label, page=page) if alias else None)
    return {"address": address, "canonical": canonical, "print_header": header}


def _in_time(
    released: list[Version], version: Version, root: str, lab: dict[str, str]
) -> dict[str, Any]:
    """A version's status in time: a draft, in force, replaced by a later release (with the
    page of what changed since), or withdrawn."""
    fw = version.framework
    out: dict[str, Any] = {"label": lab["status_draft"], "replaced": None, "since_href": None}
    if version.draft:
        return out
    later = released[released.index(version) + 1 :] if version in released else []
    if later:
        following, latest = later[0], later[-1]
        out["label"] = lab["status_replaced"].format(v=following.label)
        out["replaced"] = {
            "label": following.label,
            "href": _url(root, fw.id, following.label),
            "date": _date(following.release.date, lab) if following.release else "",
            "latest": {"label": latest.label, "href": _url(root, fw.id, "latest")},
        }
        out["since_href"] = _url(root, fw.id, version.label, page="since.html")
    elif fw.status == "deprecated":
        out["label"] = lab["status_withdrawn"]
    else:
        out["label"] = lab["status_in_force"]
    return out


def _draft_errors(version: Version, lab: dict[str, str]) -> str | None:
    """The banner of a draft with errors ("Ce brouillon comporte 3 erreurs..."), else None."""
    if not version.draft or not version.errors:
        return None
    if version.errors == 1:
        return lab["draft_error"]
    return lab["draft_errors"].format(n=version.errors)


def _count_errors(n: int, lab: dict[str, str]) -> str:
    """ "3 erreurs", "" for none."""
    if not n:
        return ""
    return lab["errors_one"] if n == 1 else lab["errors_many"].format(n=n)


def _codes(fw: Framework) -> list[tuple[str, str]]:
    out = []
    for key in ("rncp", "rs", "rome", "nsf", "formacode", "esco"):
        value = fw.codes.get(key)
        if value:
            out.append(
                (
                    key.upper() if key != "esco" else "ESCO",
                    ", ".join(map(str, value)) if isinstance(value, list) else str(value),
                )
            )
    for other in fw.codes.get("other") or []:
        if isinstance(other, dict):
            out.append((str(other.get("scheme", "")), str(other.get("code", ""))))
    return out


# -- the changes page --------------------------------------------------------------------------


def _diff_lists(
    diff: FrameworkDiff, fid: str, old: str, new: str, root: str, lab: dict[str, str], lk: str
) -> dict[str, Any]:
    """The changes of ``diff`` as the changes pages list them (in the words of
    ``refkit.diff.describe``, as everywhere): sections, counts, and whether a word diff shows
    (its legend then)."""
    described = describe(diff, lk)
    said = change_words(lk)["said"]
    sections = []
    for section in described.sections:
        items = []
        for e in section.entries:
            new_href = None
            old_href = None
            if e.kind in ("competency", "block") and e.change != "removed":
                new_href = f"{root}{fid}/{new}/#{e.id}"
            if e.kind in ("competency", "block") and e.change != "added":
                old_href = f"{root}{fid}/{old}/#{e.old_id or e.id}"
            items.append(
                {
                    "change": e.change,
                    "change_label": e.badge,
                    "text": e.about,
                    "fields": [
                        {"html": line_html(line, said), "md": line_markdown(line, md_escape)}
                        for line in e.lines
                    ],
                    "new_href": new_href,
                    "old_href": old_href,
                }
            )
        sections.append({"title": section.title, "entries": items})
    return {
        "sections": sections,
        "counts": list(described.counts),
        "word_diffs": described.word_diffs,
    }


def _changes_context(
    pf: PublishedFramework, version: Version, root: str, alias: str | None
) -> dict[str, Any]:
    fw = version.framework
    lk = _lang_key(fw.lang)
    lab = labels(fw.lang)
    previous = version.previous
    lists: dict[str, Any] = {"sections": [], "counts": [], "word_diffs": False}
    if version.diff is not None and previous is not None:
        lists = _diff_lists(version.diff, fw.id, previous.label, version.label, root, lab, lk)
    table = []
    if version.table is not None and previous is not None:
        for e in version.table.entries:
            table.append(
                {
                    "old": _block_cell(root, fw.id, previous, e.old, lab) if e.old else None,
                    "new": [_block_cell(root, fw.id, version, n, lab) for n in e.new],
                    "type": lab.get(f"type_{e.type}", e.type),
                    "missing": [
                        {"id": m, "href": f"{root}{fw.id}/{version.label}/#{m}"} for m in e.missing
                    ],
                    "note": e.note,
                    "origin": lab.get(f"origin_{e.origin}", ""),
                }
            )
    return {
        "root": root,
        "l": lab,
        "lang": fw.lang or "fr",
        "fw": {"id": fw.id, "title": fw.title},
        "version": version.label,
        "draft": version.draft,
        "draft_errors": _draft_errors(version, lab),
        "alias": alias,
        "permalink": _url(root, fw.id, version.label, page="changes.html"),
        "page_href": "./",
        "previous": {"label": previous.label, "href": _url(root, fw.id, previous.label)}
        if previous
        else None,
        "release": {
            "date": _date(version.release.date, lab),
            "message": version.release.message,
            "adopted": adoption(fw.releases, version.label, lab),
        }
        if version.release
        else None,
        **lists,
        "table": table,
        "md_href": f"{root}md/{fw.id}/{alias or version.label}/changes.md",
    }


def _block_cell(
    root: str, fid: str, version: Version, block_id: str, lab: dict[str, str]
) -> dict[str, Any]:
    """A block in a correspondence table: its code (a link), title and volume, as the version
    it belongs to has them (a shared block's from its home)."""
    block = version.framework.block(block_id)
    if block is None and block_id in version.borrowed:
        block = version.borrowed[block_id][0]
    return {
        "id": block_id,
        "href": f"{root}{fid}/{version.label}/#{block_id}",
        "title": block.title if block is not None else "",
        "volume": _volume(block.volume.hours, block.volume.credits, lab) if block else "",
    }


def _since_context(
    site: Site, pf: PublishedFramework, old: Version, new: Version, root: str, here: str
) -> dict[str, Any]:
    """Every change from ``old`` to ``new`` at once (the diff of the two), and what each block
    of ``old`` is worth in ``new`` through every correspondence table in between."""
    from refkit.diff import diff_frameworks
    from refkit.publish.since import unreached, worth

    fw = new.framework
    lk = _lang_key(fw.lang)
    lab = labels(fw.lang)
    diff = diff_frameworks(old.framework, fw, old_label=old.label, new_label=new.label)
    lists = _diff_lists(diff, fw.id, old.label, new.label, root, lab, lk)
    old_view, new_view = _cert_view(old), _cert_view(new)
    worths = worth(site, pf, old, new, old_view, new_view)
    rows = []
    for w in worths:
        rows.append(
            {
                "old": _block_cell(root, fw.id, old, w.block.id, lab),
                "counts": [
                    {
                        **_block_cell(root, fw.id, new, c.block, lab),
                        "status": c.status,
                        "status_label": lab[
                            f"worth_{'whole' if c.status == 'credited' else 'partial'}"
                        ],
                        "missing": [
                            {"id": m, "href": f"{root}{fw.id}/{new.label}/#{m}"} for m in c.missing
                        ],
                        "path": " → ".join(c.path),
                    }
                    for c in w.credits
                ],
            }
        )
    versions = [v for v in pf.versions if not v.draft or v is new]
    steps = versions[versions.index(old) + 1 : versions.index(new) + 1]
    return {
        "root": root,
        "l": lab,
        "lang": fw.lang or "fr",
        "fw": {"id": fw.id, "title": fw.title},
        "old": {"label": old.label, "href": _url(root, fw.id, old.label)},
        "new": {"label": new.label, "href": _url(root, fw.id, new.label)},
        "steps": [
            {"label": v.label, "href": _url(root, fw.id, v.label, page="changes.html")}
            for v in steps
        ],
        "permalink": here,
        "address": f"{site.base_url}{here}",
        "canonical": f"{site.base_url}{here}" if site.base_url else None,
        "print_header": f"{fw.title} — {lab['since_heading'].format(old=old.label, new=new.label)}",
        **lists,
        "rows": rows,
        "unreached": [
            _block_cell(root, fw.id, new, b.id, lab) for b in unreached(worths, new_view)
        ],
        "compare_href": f"{root}{fw.id}/compare/",
    }


# -- site-wide pages ----------------------------------------------------------------------------


def _index_context(site: Site, rows: dict[str, Any], lang: str) -> dict[str, Any]:
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


def _framework_index_context(pf: PublishedFramework, root: str) -> dict[str, Any]:
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
                "date": _date(v.release.date, lab) if v.release else "",
                "message": v.release.message if v.release else None,
                "adopted": adoption(pf.current.framework.releases, v.label, lab),
                "draft": v.draft,
                "summary": _summary_line(v, _lang_key(fw.lang)),
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
        return f"{lab['shared_block']}, {lab['home'].lower()} {_title_of(site, borrowed[1])}"
    users = site.users_of(pf.id, block)
    if users:
        names = ", ".join(_title_of(site, u) for u in users)
        return f"{lab['shared_block']}, {lab['also_used_by']} {names}"
    return ""


def _title_of(site: Site, fid: str) -> str:
    """A framework's title as its current version gives it (its id when unknown)."""
    target = site.framework(fid)
    return (target.current.outline.title or fid) if target is not None else fid


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
        "level": _level_text(fw, lab),
        "sector": fw.sector or "",
        "version": current.label,
        "draft": current.draft,
        "errors": _count_errors(current.errors, lab),
        "status": _in_time([v for v in pf.versions if not v.draft], current, "", lab)["label"],
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
                        "href": _url("", pf.id, label, block.id),
                    },
                    "users": [
                        {
                            "id": u,
                            "title": _title_of(site, u),
                            "href": _url("", u, site.page_label(u), block.id),
                        }
                        for u in users
                    ],
                }
            )
    view = _cert_view(current)
    order = [s.block for s in stack(view, Coverage(), []).pathway]  # prerequisites first

    def step(bid: str) -> dict[str, Any]:
        b = view.blocks[bid]
        return {
            "block": bid,
            "title": b.title,
            "href": _url("", pf.id, label, bid),
            "volume": _volume(b.hours, b.credits, lab),
            "after": [p for p in b.prerequisites if p in view.blocks],
            "shared": _shared_note(site, pf, bid, lab),
        }

    required = [b for b in order if b in view.required and b in view.blocks]
    required += [b for b in view.required if b not in required and b in view.blocks]
    cert = {
        "id": pf.id,
        "title": fw.title,
        "href": _url("", pf.id, label),
        "required": [step(b) for b in required],
        "electives": [
            {
                "title": g.title or g.id,
                "choose": lab["choose"].format(n=g.choose),
                "options": [step(b) for b in g.blocks if b in view.blocks],
            }
            for g in view.electives
        ],
        "total": _volume(view.hours, view.credits, lab),
    }
    return {"index": index, "shared": shared, "cert": cert}


def _pathways_context(site: Site, rows: dict[str, Any], lang: str) -> dict[str, Any]:
    return {
        "root": "",
        "l": labels(lang),
        "lang": lang,
        "shared": [s for f in site.frameworks for s in rows[f.id]["shared"]],
        "certifications": [rows[f.id]["cert"] for f in site.frameworks],
    }


# -- search index -------------------------------------------------------------------------------


def _search_entries(pf: PublishedFramework) -> list[list[str]]:
    """The offline search's entries for every published version of a framework: per item, its
    address (in the newest version that has it as it is), id, title, text (as written: the
    script folds accents, case and apostrophes itself, and cuts the snippet from it) and the
    versions that have that same text. An item unchanged across versions is one entry."""
    found: dict[tuple[str, str, str], list[Any]] = {}
    for version in reversed(pf.versions):  # newest first: an entry points at its newest page
        fw = version.framework
        label = "latest" if version is pf.latest else version.label
        base = f"{pf.id}/{label}/index.html"
        anchors = _anchors(fw, version.borrowed)
        codes = " ".join(v for _, v in _codes(fw))

        items: list[tuple[str | None, str, str | None, list[str | None]]] = [
            (None, "", fw.title, [fw.summary, codes])
        ]
        items += [
            (anchors[("activity", a.id)], a.id, a.title, [a.description, *a.tasks])
            for a in fw.activities
        ]
        for b in fw.blocks:
            items.append((anchors[("block", b.id)], b.id, b.title, [b.description]))
            items += [
                (c.id, c.id, c.statement, [*(cr.text for cr in c.criteria), c.notes])
                for c in b.competencies
            ]
        for anchor, ident, title, texts in items:
            body = " · ".join(t for t in texts if t)
            key = (ident, title or "", body)
            if key in found:
                found[key][4].append(version.label)
            else:
                href = f"{base}#{anchor}" if anchor else base
                found[key] = [href, ident, title or "", body, [version.label]]
    order = {v.label: i for i, v in enumerate(pf.versions)}
    return [
        [href, ident, title, body, ", ".join(sorted(labels_, key=order.__getitem__))]
        for href, ident, title, body, labels_ in found.values()
    ]


# -- all files ----------------------------------------------------------------------------------


def site_language(site: Site, lang: str | None) -> str:
    """The language of the site-wide pages: as asked, else the frameworks' most common."""
    langs = sorted(f.current.outline.lang for f in site.frameworks)
    return lang or (max(set(langs), key=lambda x: (langs.count(x), x)) if langs else "fr")


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
    files: dict[str, bytes] = {}
    every: dict[str, Any] = dict(rows or {})
    if site_wide:
        for f in site.frameworks:
            if f.id not in every:
                every[f.id] = framework_rows(site, f, site_lang)
    html, md, js = "html" in formats, "md" in formats, "json" in formats
    if html and site_wide:
        files["assets/style.css"] = _asset("style.css")
        files["assets/search.js"] = _asset("search.js")
        files["assets/compare.js"] = _asset("compare.js")
        files["assets/credit.js"] = _asset("credit.js")
        files["index.html"] = _render("index.html", **_index_context(site, every, site_lang))
        files["search.html"] = _render("search.html", root="", l=labels(site_lang), lang=site_lang)
        files["pathways.html"] = _render(
            "pathways.html", **_pathways_context(site, every, site_lang)
        )
        files["feed.xml"] = _feed(site, site.frameworks, site_lang, "", site_wide=True)
        listing = [pf.id for pf in site.frameworks]
        files["assets/search/files.js"] = (
            f"window.REFKIT_SEARCH_FILES = {json.dumps(listing)};\n".encode()
        )
    if md and site_wide:
        # Markdown pages link to Markdown pages: their root is md/
        files["md/index.md"] = _render(
            "index.md.j2", **_md_paths(_index_context(site, every, site_lang))
        )
        files["md/pathways.md"] = _render(
            "pathways.md.j2", **_md_paths(_pathways_context(site, every, site_lang))
        )
    for pf in site.frameworks:
        if only is not None and pf.id not in only:
            continue
        if html:
            # the framework's share of the offline search index
            payload = json.dumps(
                {
                    "framework": pf.id,
                    "title": pf.current.framework.title,
                    "latest": pf.latest.label if pf.latest else "",
                    "entries": _search_entries(pf),
                },
                ensure_ascii=False,
                sort_keys=True,
            )
            files[f"assets/search/{pf.id}.js"] = (
                f"(window.REFKIT_SEARCH = window.REFKIT_SEARCH || []).push({payload});\n".encode()
            )
            files[f"{pf.id}/index.html"] = _render(
                "versions.html", **_framework_index_context(pf, "../")
            )
            files[f"{pf.id}/feed.xml"] = _feed(site, [pf], pf.current.framework.lang or "fr", "../")
        if md:
            files[f"md/{pf.id}/index.md"] = _render(
                "versions.md.j2", **_md_paths(_framework_index_context(pf, "../"))
            )
        targets: list[tuple[Version, str | None]] = [(v, None) for v in pf.versions]
        if pf.latest is not None:
            targets.append((pf.latest, "latest"))
        bodies: dict[tuple[str, str], Any] = {}  # the heavy part of a version's pages, once
        for version, alias in targets:
            folder = f"{pf.id}/{alias or version.label}"
            export = f"{pf.id}/{version.label}/{pf.id}-{version.label}.json" if js else None
            vctx = _version_context(site, pf, version, "../../", alias)
            if md:
                # the latest/ copy's Markdown differs from the numbered page's by its banner only
                known = bodies.get((version.label, "md-context"))
                mctx = dict(known, alias=alias) if known is not None else _md_paths(vctx)
                bodies.setdefault((version.label, "md-context"), mctx)
                mctx["json_href"] = f"../../../{export}" if export else None
                mctx["md_href"] = None
                mctx["body"] = _body(bodies, version.label, "_version_body.md.j2", mctx)
                files[f"md/{folder}/index.md"] = _render("version.md.j2", **mctx)
                files[f"md/{folder}/changes.md"] = _render(
                    "changes.md.j2", **_md_paths(_changes_context(pf, version, "../../", alias))
                )
            if html:
                ctx = vctx
                ctx["body"] = _body(bodies, version.label, "_version_body.html", ctx)
                ctx["json_href"] = f"../../{export}" if export else None
                ctx["downloads"] = _downloads(pf.id, version.label, formats, ctx["l"])
                ctx["md_href"] = f"../../md/{folder}/index.md" if md else None
                files[f"{folder}/index.html"] = _render("version.html", **ctx)
                ctx = _changes_context(pf, version, "../../", alias)
                ctx["md_href"] = f"../../md/{folder}/changes.md" if md else None
                header = f"{ctx['fw']['title']} {version.label} — {ctx['l']['changes']}"
                ctx.update(
                    _addresses(site, pf.id, version.label, "../../", alias, header, "changes.html")
                )
                files[f"{folder}/changes.html"] = _render("changes.html", **ctx)
                if alias is None and not version.draft and pf.latest not in (None, version):
                    assert pf.latest is not None
                    files[f"{folder}/since.html"] = _render(
                        "since.html",
                        **_since_context(
                            site, pf, version, pf.latest, "../../", f"{folder}/since.html"
                        ),
                    )
            if js and alias is None:
                files[f"{folder}/{pf.id}-{version.label}.json"] = json_bytes(_export(version))
            if alias is None:
                files.update(_data_files(site, pf, version, folder, formats))
        if html:
            files.update(_comparisons(site, pf))
            files.update(_calculator(site, pf))
    return files


def _calculator(site: Site, pf: PublishedFramework) -> dict[str, bytes]:
    """The credit calculator of a released framework: its page and its data (credit.js runs the
    engine of refkit stack on it)."""
    from refkit.publish.credit import credit_data

    data = credit_data(site, pf, _cert_view)
    if data is None or pf.latest is None:
        return {}
    fw = pf.latest.framework
    lab = labels(fw.lang)
    groups = []
    for view in data["views"]:
        title = (
            fw.title if view["framework"] == pf.id else _title_of(site, view["framework"])
        ) + f" {view['version']}"
        groups.append(
            {
                "title": title,
                "blocks": [
                    {
                        "id": b["id"],
                        "title": b["title"],
                        "value": f"{view['framework']}@{view['version']}:{b['id']}",
                    }
                    for b in view["blocks"]
                    if not b["home"] or view["framework"] == b["home"]  # held where it is defined
                ],
            }
        )
    since = [
        {"label": v.label, "href": f"{v.label}/since.html"}
        for v in pf.versions
        if not v.draft and v is not pf.latest
    ]
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    payload = (
        payload.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )
    return {
        f"{pf.id}/credit-data.js": f"window.REFKIT_CREDIT = {payload};\n".encode(),
        f"{pf.id}/credit.html": _render(
            "credit.html",
            root="../",
            l=lab,
            lang=fw.lang or "fr",
            fw={"id": pf.id, "title": fw.title},
            latest=pf.latest.label,
            groups=groups,
            since=since,
        ),
    }


# The downloads of a version, beside its page: (format, file suffix, label key, media type)
DOWNLOADS = (
    ("json", ".json", "download_json", "application/json"),
    ("csv", ".csv", "download_csv", "text/csv"),
    ("xlsx", ".xlsx", "download_xlsx",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("case", ".case.json", "download_case", "application/json"),
)  # fmt: skip


def _downloads(
    fid: str, label: str, formats: tuple[str, ...], lab: dict[str, str]
) -> list[dict[str, str]]:
    """The version's data files, as its page links them (from the page and from <head>)."""
    return [
        {
            "href": f"../../{fid}/{label}/{fid}-{label}{suffix}",
            "label": lab[key],
            "type": media,
            "format": fmt,
        }
        for fmt, suffix, key, media in DOWNLOADS
        if fmt in formats
    ]


def _data_files(
    site: Site, pf: PublishedFramework, version: Version, folder: str, formats: tuple[str, ...]
) -> dict[str, bytes]:
    """A version's CSV, xlsx and CASE files (the exports of refkit export, as of that version;
    a draft's dated today)."""
    fw = version.framework
    name = f"{folder}/{pf.id}-{version.label}"
    out: dict[str, bytes] = {}
    if "csv" in formats:
        from refkit.interop.tabular import write_csv

        out[f"{name}.csv"] = write_csv(fw).encode("utf-8")
    if "xlsx" in formats:
        from refkit.interop.tabular import write_xlsx

        out[f"{name}.xlsx"] = write_xlsx(fw)
    if "case" in formats:
        from refkit.interop.case import export_case

        date = version.release.date if version.release else None
        when = f"{str(date)[:10]}T00:00:00+00:00" if date else "1970-01-01T00:00:00+00:00"
        base = f"{site.base_url}{pf.id}/{version.label}/case/" if site.base_url else None
        package = export_case(fw, when=when, base_uri=base)
        out[f"{name}.case.json"] = json_bytes(package)
    return out


def _body(
    bodies: dict[tuple[str, str], Any], label: str, template: str, ctx: dict[str, Any]
) -> Any:
    """The heavy part of a version's page (activities, blocks, competencies), rendered once for
    its numbered page and its latest/ copy, which differ only around it."""
    key = (label, template)
    if key not in bodies:
        text = _env().get_template(template).render(**ctx)
        bodies[key] = Markup(text) if template.endswith(".html") else text
    return bodies[key]


def _comparisons(site: Site, pf: PublishedFramework) -> dict[str, bytes]:
    """The comparison of every two releases (older first) of a framework, and the page that
    chooses one: ``compare/OLD/NEW.html``; a pair ending at the latest release is the older
    one's ``since.html``."""
    released = [v for v in pf.versions if not v.draft]
    if len(released) < 2:
        return {}
    files: dict[str, bytes] = {}
    pairs = []
    for i, old in enumerate(released[:-1]):
        for new in released[i + 1 :]:
            if new is released[-1]:
                href = f"../{old.label}/since.html"
            else:
                href = f"{old.label}/{new.label}.html"
                ctx = _since_context(site, pf, old, new, "../../../", f"{pf.id}/compare/{href}")
                files[f"{pf.id}/compare/{href}"] = _render("since.html", **ctx)
            pairs.append({"old": old.label, "new": new.label, "href": href})
    fw = pf.current.framework
    files[f"{pf.id}/compare/index.html"] = _render(
        "compare.html",
        root="../../",
        l=labels(fw.lang),
        lang=fw.lang or "fr",
        fw={"id": fw.id, "title": fw.title},
        versions=[v.label for v in released],
        pairs=pairs,
    )
    return files


def _md_paths(ctx: dict[str, Any]) -> dict[str, Any]:
    """Links of a Markdown page point at the Markdown pages: dir/ -> dir/index.md, x.html -> x.md."""

    def fix(value: Any) -> Any:
        if isinstance(value, dict):
            return {
                k: (
                    fix_href(v)
                    if (k.endswith("href") or k == "permalink") and isinstance(v, str)
                    else fix(v)
                )
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [fix(v) for v in value]
        return value

    def fix_href(href: str) -> str:
        path, _, anchor = href.partition("#")
        if path.endswith(".html"):
            path = path[: -len(".html")] + ".md"
        elif path.endswith("/") or path in ("", "./"):
            path = (path if path.endswith("/") else "./") + "index.md" if path else ""
        # an id from a file is never Markdown syntax in an address ("](", "<", spaces)
        return _md_address(path + (f"#{anchor}" if anchor else ""))

    return fix(ctx)  # type: ignore[no-any-return]


_MD_ADDRESS_UNSAFE = re.compile(r"[^A-Za-z0-9._~/#:%-]")


def _md_address(href: str) -> str:
    """A link address for a Markdown page, every character outside letters, digits and
    ``._~/#:%-`` percent-encoded (the addresses refkit makes hold none)."""
    if not _MD_ADDRESS_UNSAFE.search(href):
        return href
    from urllib.parse import quote

    return quote(href, safe="/#:%-._~")


def non_finite(version: Version) -> list[str]:
    """Numbers of a version that JSON cannot hold and no page can show (NaN, infinities, as YAML
    writes ``.nan`` and ``.inf``), each as "file:line:col: what is NaN"."""
    import math

    fw = version.framework
    found: list[str] = []

    def check(value: Any, what: str, source: Any) -> None:
        if isinstance(value, float) and not math.isfinite(value):
            where = str(source) if source is not None else version.folder
            spelled = "NaN" if math.isnan(value) else ("infinity" if value > 0 else "-infinity")
            found.append(f"{where}: {what} is {spelled}")
        elif isinstance(value, dict):
            for k, v in value.items():
                check(v, f"{k}" if what == "" else f"{what}.{k}", source)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                check(v, f"{what}[{i}]", source)

    def named(what: str, of: str) -> str:
        return f"{what} of {of}"

    for key, value in framework_data(fw).items():
        check(value, key, fw.source)
    blocks = [*fw.blocks, *(blk for blk, _, _ in version.borrowed.values())]
    for b in blocks:
        check(b.volume.hours, named("volume.hours", f"block {b.id}"), b.source)
        check(b.volume.credits, named("volume.credits", f"block {b.id}"), b.source)
        for m in b.modalities:
            check(m.hours, named("hours", f"a modality of block {b.id}"), m.source or b.source)
        for key, value in b.extensions.items():
            check(value, named(key, f"block {b.id}"), b.source)
        for c in b.competencies:
            for key, value in c.extensions.items():
                check(value, named(key, f"competency {c.id}"), c.source)
    return found


def _export(version: Version) -> dict[str, Any]:
    fw = version.framework
    data = framework_data(fw)
    data["blocks"] = [block_data(b) for b in fw.blocks]
    data["shared_blocks_content"] = [
        {"framework": home, "version": hv, **block_data(block)}
        for block, home, hv in version.borrowed.values()
    ]
    data["release"] = (
        {
            "version": version.release.version,
            "date": version.release.date,
            "message": version.release.message,
        }
        if version.release
        else None
    )
    data["draft"] = version.draft
    return data

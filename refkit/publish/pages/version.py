"""Provides ``version_context``: the page of one version of a framework (its activities, blocks
and competencies with what is new in it, the certification and its pathway, the versions list, its
schema.org description)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from refkit.model import Block, Framework
from refkit.publish.items import relation_links
from refkit.publish.labels import labels
from refkit.publish.pages.common import (
    addresses,
    anchors_of,
    cert_view,
    changed_count,
    codes_of,
    date_text,
    draft_errors,
    in_time,
    level_text,
    page_url,
    release_info,
    volume_text,
)
from refkit.publish.site import PublishedFramework, Site, Version
from refkit.stack import Coverage, stack


def _places(fw: Framework, lab: dict[str, str]) -> dict[str, str]:
    """Each block's place in the certification: required, or in which elective group."""
    places = dict.fromkeys(fw.certification.required, lab["place_required"])
    for g in fw.certification.electives:
        for b in g.blocks:
            places.setdefault(b, lab["place_elective"].format(group=g.title or g.id))
    return places


@dataclass(frozen=True, slots=True)
class _Page:
    """What every part of a version's page is made with: links are to anchors of the page, or
    relative to ``root``; ``marks`` say what is new in the version."""

    site: Site
    version: Version
    root: str
    lab: dict[str, str]
    anchors: dict[tuple[str, str], str]
    marks: dict[tuple[str, str], str]
    places: dict[str, str]

    @property
    def fw(self) -> Framework:
        return self.version.framework

    def link_block(self, bid: str) -> dict[str, str]:
        return {"id": bid, "href": f"#{self.anchors.get(('block', bid), bid)}"}

    def competencies(self, block: Block) -> list[dict[str, Any]]:
        fw, lab, anchors = self.fw, self.lab, self.anchors
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
                "mark": self.marks.get(("competency", c.id)),
                "notes": c.notes,
                "esco": [u for u in c.esco if u.startswith(("http://", "https://"))],
                "relations": relation_links(c.relations, anchors, self.site, self.root, fw.lang),
            }
            for c in block.competencies
        ]

    def also(self, block: Block, shared: tuple[str, str] | None) -> list[dict[str, str]]:
        """The other frameworks using the block (its home first, for a borrowed one)."""
        home = shared[0] if shared else self.fw.id
        users = [u for u in self.site.users_of(home, block.id) if u != self.fw.id]
        if shared:
            users = [shared[0], *users]
        also = []
        for u in users:
            target = self.site.framework(u)
            if target is not None:
                also.append(
                    {
                        "id": u,
                        "title": target.current.outline.title,
                        "href": page_url(self.root, u, "latest", block.id),
                    }
                )
        return also

    def block(self, block: Block, shared: tuple[str, str] | None) -> dict[str, Any]:
        """A block of the version (``shared``: its home and home version, when borrowed)."""
        lab, marks = self.lab, self.marks
        return {
            "id": block.id,
            "anchor": self.anchors[("block", block.id)],
            "title": block.title,
            "mark": marks.get(("block", block.id)),
            "place": self.places.get(block.id, lab["place_none"]),
            "count": len(block.competencies),
            "changed": changed_count(
                sum(1 for c in block.competencies if ("competency", c.id) in marks), lab
            ),
            "description": block.description,
            "relations": relation_links(
                block.relations, self.anchors, self.site, self.root, self.fw.lang
            ),
            "volume": volume_text(block.volume.hours, block.volume.credits, lab),
            "prerequisites": [self.link_block(p) for p in block.prerequisites],
            "modalities": [
                {
                    "type": lab.get(f"modality_{m.type}", m.type),
                    "description": m.description,
                    "hours": m.hours,
                    "volume": volume_text(m.hours, None, lab) if m.hours else "",
                }
                for m in block.modalities
            ],
            "shared": {
                "framework": shared[0],
                "version": shared[1],
                "href": page_url(self.root, shared[0], shared[1], block.id),
            }
            if shared
            else None,
            "also": self.also(block, shared),
            "competencies": self.competencies(block),
        }

    def blocks(self) -> list[dict[str, Any]]:
        """The version's own blocks, then those it borrows."""
        borrowed = self.version.borrowed.values()
        return [self.block(b, None) for b in self.fw.blocks] + [
            self.block(blk, (home, hv)) for blk, home, hv in borrowed
        ]

    def activities(self) -> list[dict[str, Any]]:
        """The activities, each with the competencies that serve it."""
        fw, anchors = self.fw, self.anchors
        served: dict[str, list[dict[str, str]]] = {}
        for _, c in [
            *fw.competencies(),
            *((blk, c) for blk, _, _ in self.version.borrowed.values() for c in blk.competencies),
        ]:
            for a in c.activities:
                served.setdefault(a, []).append(
                    {"id": c.id, "href": f"#{anchors[('competency', c.id)]}"}
                )
        return [
            {
                "id": a.id,
                "anchor": anchors[("activity", a.id)],
                "title": a.title,
                "mark": self.marks.get(("activity", a.id)),
                "description": a.description,
                "tasks": a.tasks,
                "competencies": served.get(a.id, []),
            }
            for a in fw.activities
        ]

    def framework(self) -> dict[str, Any]:
        """The framework as the page's header and certification show it."""
        fw, lab = self.fw, self.lab
        cert = fw.certification
        return {
            "id": fw.id,
            "title": fw.title,
            "sector": fw.sector,
            "summary": fw.summary,
            "level": level_text(fw, lab),
            "codes": codes_of(fw),
            "validity": {
                "from": date_text(fw.validity.start, lab) if fw.validity.start else None,
                "until": date_text(fw.validity.until, lab) if fw.validity.until else None,
            },
            "working_group": [
                {
                    "organisation": m.organisation,
                    "college": lab.get(f"college_{m.college}", m.college or ""),
                    "role": m.role,
                }
                for m in fw.working_group
            ],
            "activities": self.activities(),
            "required": [self.link_block(b) for b in cert.required],
            "electives": [
                {
                    "id": g.id,
                    "title": g.title,
                    "choose": g.choose,
                    "blocks": [self.link_block(b) for b in g.blocks],
                }
                for g in cert.electives
            ],
            "total": volume_text(cert.volume.hours, cert.volume.credits, self.lab),
        }

    def pathway(self) -> list[dict[str, Any]]:
        """The blocks in an order a learner can take them (prerequisites first)."""
        result = stack(cert_view(self.version), Coverage(), [])
        return [
            {
                "block": self.link_block(s.block),
                "title": s.title,
                "reason": s.reason,
                "volume": volume_text(s.hours, s.credits, self.lab),
            }
            for s in result.pathway
        ]

    def versions(self, releases: list[Version]) -> list[dict[str, Any]]:
        """Every published version of the framework, newest first."""
        return [
            {
                "label": v.label,
                "href": page_url(self.root, self.fw.id, v.label),
                "date": date_text(v.release.date, self.lab) if v.release else "",
                "current": v is self.version,
            }
            for v in reversed(releases)
        ]


def version_context(
    site: Site, pf: PublishedFramework, version: Version, root: str, alias: str | None
) -> dict[str, Any]:
    """The context of ``version.html`` (and ``version.md.j2``): ``alias`` is "latest" for the
    copy of the latest release under ``latest/``."""
    fw = version.framework
    lab = labels(fw.lang)
    marks = _marks(version, lab)
    page = _Page(
        site, version, root, lab, anchors_of(fw, version.borrowed), marks, _places(fw, lab)
    )
    blocks = page.blocks()
    releases = list(pf.versions)
    released = [v for v in releases if not v.draft]
    return {
        "root": root,
        "l": lab,
        "lang": fw.lang or "fr",
        "time": in_time(released, version, root, lab),
        **addresses(site, fw.id, version.label, root, alias, f"{fw.title} {version.label}"),
        "compare_href": f"{root}{fw.id}/compare/" if len(released) > 1 else None,
        "credit_href": f"{root}{fw.id}/credit.html" if released else None,
        "fw": page.framework(),
        "version": version.label,
        "draft": version.draft,
        "draft_errors": draft_errors(version, lab),
        "release": release_info(version, lab),
        "alias": alias,
        "permalink": page_url(root, fw.id, version.label),
        "changes_href": "changes.html",
        "json_href": f"{fw.id}-{version.label}.json"
        if alias is None
        else f"../{version.label}/{fw.id}-{version.label}.json",
        "md_href": f"{root}md/{fw.id}/{alias or version.label}/index.md",
        "versions": page.versions(releases),
        "blocks": blocks,
        "has_marks": bool(marks),
        "pathway": page.pathway(),
        "ld": _json_ld(site, pf, version, lab),
        "feeds": [{"href": f"{root}{fw.id}/feed.xml", "title": f"{fw.title} — {lab['feed']}"}],
    }


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
        "educationalLevel": level_text(fw, lab),
        "identifier": [
            {"@type": "PropertyValue", "propertyID": key, "value": value}
            for key, value in codes_of(fw)
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

"""Provides what the contexts of several pages share: levels, dates and volumes in words, the
anchors and addresses of a version's page, its status in time, its codes, and its stacking view
(``cert_view``)."""

from __future__ import annotations

from typing import Any

from refkit.i18n import LANGUAGES, N_, SOURCE, N_labels, pgettext, tr
from refkit.model import Framework
from refkit.publish.labels import labels
from refkit.publish.site import Site, Version
from refkit.publish.typo import quantity
from refkit.stack import BlockView, CertView, Elective

# the national frameworks of qualifications, by their key in a framework's ``level``
_NATIONAL = {
    "fr": N_("France"),
    "nzqf": N_("NZQF, New Zealand"),
    "aqf": N_("AQF, Australia"),
    "rqf": N_("RQF, England"),
    "scqf": N_("SCQF, Scotland"),
}


def _lang(lab: dict[str, str]) -> str:
    """The language of the labels ``lab`` (``labels(lang)``)."""
    return next((code for code in LANGUAGES if labels(code) is lab), SOURCE)


def level_text(fw: Framework, lab: dict[str, str]) -> str:
    """ "CEC 3 · niveau 3 (France)": the European level, then each national one."""
    lang = _lang(lab)
    parts = [f"{lab['eqf']} {fw.level.eqf}"] if fw.level.eqf is not None else []
    for key, value in sorted(fw.level.national.items()):
        name = tr(_NATIONAL[key], lang) if key in _NATIONAL else key
        parts.append(tr("level {level} ({system})", lang).format(level=value, system=name))
    return " · ".join(parts)


# the months, each its own context ("May": "mai")
_MONTHS = N_labels({
    "january": "January", "february": "February", "march": "March", "april": "April",
    "may": "May", "june": "June", "july": "July", "august": "August",
    "september": "September", "october": "October", "november": "November",
    "december": "December",
})  # fmt: skip


def date_text(iso: str | None, lab: dict[str, str]) -> str:
    """ "23 novembre 2026" in French, "23 November 2026" otherwise; anything else as given."""
    import datetime

    try:
        day = datetime.date.fromisoformat(str(iso)[:10])
    except ValueError:
        return str(iso or "")
    lang = _lang(lab)
    key = list(_MONTHS)[day.month - 1]
    month = pgettext(key, _MONTHS[key], lang)
    said = tr("1 {month} {year}" if day.day == 1 else "{day} {month} {year}", lang)
    return said.format(day=day.day, month=month, year=day.year)


def volume_text(hours: float | None, credits: float | None, lab: dict[str, str]) -> str:
    lang = _lang(lab)
    parts = []
    if hours is not None:
        parts.append(quantity(hours, lab["hours"], lang))
    if credits is not None:
        parts.append(quantity(credits, lab["credits"], lang))
    return " + ".join(parts)


def anchors_of(fw: Framework, borrowed: dict[str, Any]) -> dict[tuple[str, str], str]:
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


def page_url(root: str, fid: str, label: str, anchor: str | None = None, page: str = "") -> str:
    return f"{root}{fid}/{label}/{page}" + (f"#{anchor}" if anchor else "")


def cert_view(version: Version) -> CertView:
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


def addresses(
    site: Site, fid: str, label: str, root: str, alias: str | None, header: str, page: str = ""
) -> dict[str, Any]:
    """Where a page lives for good: its address as people cite it (absolute with --base-url),
    the canonical link (the numbered version's, for the latest/ copy), and what a printed page
    says at its top."""
    address = f"{site.base_url}{fid}/{label}/{page}"
    canonical = (
        address if site.base_url else (page_url(root, fid, label, page=page) if alias else None)
    )
    return {"address": address, "canonical": canonical, "print_header": header}


def in_time(
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
            "href": page_url(root, fw.id, following.label),
            "date": date_text(following.release.date, lab) if following.release else "",
            "latest": {"label": latest.label, "href": page_url(root, fw.id, "latest")},
        }
        out["since_href"] = page_url(root, fw.id, version.label, page="since.html")
    elif fw.status == "deprecated":
        out["label"] = lab["status_withdrawn"]
    else:
        out["label"] = lab["status_in_force"]
    return out


def draft_errors(version: Version, lab: dict[str, str]) -> str | None:
    """The banner of a draft with errors ("Ce brouillon comporte 3 erreurs..."), else None."""
    if not version.draft or not version.errors:
        return None
    if version.errors == 1:
        return lab["draft_error"]
    return lab["draft_errors"].format(n=version.errors)


def count_errors(n: int, lab: dict[str, str]) -> str:
    """ "3 erreurs", "" for none."""
    if not n:
        return ""
    return lab["errors_one"] if n == 1 else lab["errors_many"].format(n=n)


def codes_of(fw: Framework) -> list[tuple[str, str]]:
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


def changed_count(n: int, lab: dict[str, str]) -> str:
    return "" if not n else lab["changed_one"] if n == 1 else lab["changed_many"].format(n=n)


def title_of(site: Site, fid: str) -> str:
    """A framework's title as its current version gives it (its id when unknown)."""
    target = site.framework(fid)
    return (target.current.outline.title or fid) if target is not None else fid


def release_info(version: Version, lab: dict[str, str]) -> dict[str, Any] | None:
    """A release as its pages say it: date, message and the proposals it adopts (None for a
    draft)."""
    from refkit.publish.adoption import adoption

    if not version.release:
        return None
    return {
        "date": date_text(version.release.date, lab),
        "message": version.release.message,
        "adopted": adoption(version.framework.releases, version.label, lab),
    }

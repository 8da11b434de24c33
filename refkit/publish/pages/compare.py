"""Provides the pages comparing two releases: "since my version" (``since_context``: every
change from an old version to a newer one, and what each old block is worth in the newer,
``refkit.publish.since``) and ``comparisons``, every pair of releases and the page choosing one."""

from __future__ import annotations

from typing import Any

from refkit.publish.labels import labels
from refkit.publish.pages.changes import block_cell, diff_lists
from refkit.publish.pages.common import cert_view, page_url
from refkit.publish.pages.render import lang_key, render
from refkit.publish.site import PublishedFramework, Site, Version


def since_context(
    site: Site, pf: PublishedFramework, old: Version, new: Version, root: str, here: str
) -> dict[str, Any]:
    """Every change from ``old`` to ``new`` at once (the diff of the two), and what each block
    of ``old`` is worth in ``new`` through every correspondence table in between."""
    from refkit.diff import diff_frameworks
    from refkit.publish.since import unreached, worth

    fw = new.framework
    lk = lang_key(fw.lang)
    lab = labels(fw.lang)
    diff = diff_frameworks(old.framework, fw, old_label=old.label, new_label=new.label)
    lists = diff_lists(diff, fw.id, old.label, new.label, root, lab, lk)
    old_view, new_view = cert_view(old), cert_view(new)
    worths = worth(site, pf, old, new, old_view, new_view)
    rows = []
    for w in worths:
        rows.append(
            {
                "old": block_cell(root, fw.id, old, w.block.id, lab),
                "counts": [
                    {
                        **block_cell(root, fw.id, new, c.block, lab),
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
        "old": {"label": old.label, "href": page_url(root, fw.id, old.label)},
        "new": {"label": new.label, "href": page_url(root, fw.id, new.label)},
        "steps": [
            {"label": v.label, "href": page_url(root, fw.id, v.label, page="changes.html")}
            for v in steps
        ],
        "permalink": here,
        "address": f"{site.base_url}{here}",
        "canonical": f"{site.base_url}{here}" if site.base_url else None,
        "print_header": f"{fw.title} — {lab['since_heading'].format(old=old.label, new=new.label)}",
        **lists,
        "rows": rows,
        "unreached": [block_cell(root, fw.id, new, b.id, lab) for b in unreached(worths, new_view)],
        "compare_href": f"{root}{fw.id}/compare/",
    }


def comparisons(site: Site, pf: PublishedFramework) -> dict[str, bytes]:
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
                ctx = since_context(site, pf, old, new, "../../../", f"{pf.id}/compare/{href}")
                files[f"{pf.id}/compare/{href}"] = render("since.html", **ctx)
            pairs.append({"old": old.label, "new": new.label, "href": href})
    fw = pf.current.framework
    files[f"{pf.id}/compare/index.html"] = render(
        "compare.html",
        root="../../",
        l=labels(fw.lang),
        lang=fw.lang or "fr",
        fw={"id": fw.id, "title": fw.title},
        versions=[v.label for v in released],
        pairs=pairs,
    )
    return files

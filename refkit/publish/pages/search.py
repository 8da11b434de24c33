"""Provides ``search_entries``: a framework's share of the site's offline search index."""

from __future__ import annotations

from typing import Any

from refkit.publish.pages.common import anchors_of, codes_of
from refkit.publish.site import PublishedFramework


def search_entries(pf: PublishedFramework) -> list[list[str]]:
    """The offline search's entries for every published version of a framework: per item, its
    address (in the newest version that has it as it is), id, title, text (as written: the
    script folds accents, case and apostrophes itself, and cuts the snippet from it) and the
    versions that have that same text. An item unchanged across versions is one entry."""
    found: dict[tuple[str, str, str], list[Any]] = {}
    for version in reversed(pf.versions):  # newest first: an entry points at its newest page
        fw = version.framework
        label = "latest" if version is pf.latest else version.label
        base = f"{pf.id}/{label}/index.html"
        anchors = anchors_of(fw, version.borrowed)
        codes = " ".join(v for _, v in codes_of(fw))

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

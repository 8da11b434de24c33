"""Provides ``changes_context``: the page of what changed in a version since the one before (in
the words of ``refkit.diff.describe``, as everywhere) and its correspondence table; and
``diff_lists``, the changes as the changes, since and comparison pages list them."""

from __future__ import annotations

from typing import Any

from refkit.diff import FrameworkDiff
from refkit.diff.describe import describe, line_html, line_markdown
from refkit.diff.describe import words as change_words
from refkit.publish.labels import labels
from refkit.publish.pages.common import draft_errors, page_url, release_info, volume_text
from refkit.publish.pages.render import lang_key
from refkit.publish.site import PublishedFramework, Version
from refkit.publish.text import md_escape


def diff_lists(
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


def changes_context(
    pf: PublishedFramework, version: Version, root: str, alias: str | None
) -> dict[str, Any]:
    fw = version.framework
    lk = lang_key(fw.lang)
    lab = labels(fw.lang)
    previous = version.previous
    lists: dict[str, Any] = {"sections": [], "counts": [], "word_diffs": False}
    if version.diff is not None and previous is not None:
        lists = diff_lists(version.diff, fw.id, previous.label, version.label, root, lab, lk)
    table = []
    if version.table is not None and previous is not None:
        for e in version.table.entries:
            table.append(
                {
                    "old": block_cell(root, fw.id, previous, e.old, lab) if e.old else None,
                    "new": [block_cell(root, fw.id, version, n, lab) for n in e.new],
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
        "draft_errors": draft_errors(version, lab),
        "alias": alias,
        "permalink": page_url(root, fw.id, version.label, page="changes.html"),
        "page_href": "./",
        "previous": {"label": previous.label, "href": page_url(root, fw.id, previous.label)}
        if previous
        else None,
        "release": release_info(version, lab),
        **lists,
        "table": table,
        "md_href": f"{root}md/{fw.id}/{alias or version.label}/changes.md",
    }


def block_cell(
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
        "volume": volume_text(block.volume.hours, block.volume.credits, lab) if block else "",
    }

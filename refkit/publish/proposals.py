"""Provides ``publish_proposals``: the open proposals published beside the site as drafts for
consultation (``refkit publish --include-proposals``), so that partner schools read a revision
before the commission adopts it.

Each open proposal is one page, ``proposals/<name>.html``: a banner saying it is not adopted,
``noindex`` for search engines, the proposal, its sign-off and its semantic diff (the same page
as ``refkit proposal diff --format html``); ``proposals/index.html`` lists them. They are not
versions: the versions list, the feeds and the search do not show them. The pages of proposals
no longer open are removed (those this function wrote: ``proposals/.refkit-proposals.json``).
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from refkit.history import History
from refkit.publish.labels import labels

LISTED = ".refkit-proposals.json"


def publish_proposals(history: History, out: Path, lang: str | None) -> list[str]:
    """Write the pages of the open proposals under ``out/proposals``; the paths written."""
    from refkit.review import diffs, list_refs, status
    from refkit.review.render import diff_html
    from refkit.store.files import atomic_write

    lang = lang or "fr"
    lab = labels(lang)
    folder = out / "proposals"
    folder.mkdir(parents=True, exist_ok=True)
    refs = [r for r in list_refs(history) if r.record is not None and r.status == "open"]
    pages: dict[str, bytes] = {}
    items = []
    for ref in refs:
        assert ref.record is not None
        page = diff_html(ref, diffs(history, ref), status(history, ref), lang, lab["proposal_banner"])  # fmt: skip
        pages[f"{ref.slug}.html"] = page.encode("utf-8")
        items.append(f'<li><a href="{ref.slug}.html">{escape(ref.record.title)}</a></li>')
    banner = escape(lab["proposal_banner"])
    pages["index.html"] = (
        f'<!DOCTYPE html>\n<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="robots" content="noindex">\n'
        f"<title>{banner}</title>\n</head>\n<body>\n<p><strong>{banner}</strong></p>\n"
        f"<ul>\n{chr(10).join(items)}\n</ul>\n</body>\n</html>\n"
    ).encode()
    listed = folder / LISTED
    try:
        before = set(json.loads(listed.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        before = set()
    for name in sorted(before - set(pages)):
        if "/" not in name and name.endswith(".html"):
            (folder / name).unlink(missing_ok=True)
    for name, data in pages.items():
        atomic_write(folder / name, data, durable=False)
    atomic_write(listed, json.dumps(sorted(pages)).encode(), durable=False)
    return [f"proposals/{name}" for name in sorted(pages)]

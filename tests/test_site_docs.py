"""The pictures of the published site in docs/site.md, taken from the sample's site in Chromium
at 1280 and 390 px: `REFKIT_UPDATE_DOCS=1 pytest tests/test_site_docs.py` writes them again into
docs/images/; otherwise they are taken into tests/artifacts/ and each one the page names must
exist (a page type added without its picture fails here)."""

from __future__ import annotations

import os
import re

from tests.conftest import REPO
from tests.test_site_browser import ARTIFACTS, browser, server, site  # noqa: F401

PAGES = {
    "index": "index.html",
    "versions": "plombier-chauffagiste/index.html",
    "version": "plombier-chauffagiste/2.0.0/index.html",
    "old-version": "plombier-chauffagiste/1.0.0/index.html",
    "changes": "plombier-chauffagiste/2.0.0/changes.html",
    "since": "plombier-chauffagiste/1.0.0/since.html#worth",
    "compare": "plombier-chauffagiste/compare/index.html",
    "credit": "plombier-chauffagiste/credit.html",
    "pathways": "pathways.html",
    "search": "search.html?q=r%C3%A9seaux%20d%E2%80%99%C3%A9vacuation",
}
WIDTHS = {"1280": (1280, 900), "390": (390, 844)}
DOC = REPO / "docs" / "site.md"


def test_every_page_type_has_its_pictures_at_both_widths(browser, server: str) -> None:  # noqa: F811
    update = os.environ.get("REFKIT_UPDATE_DOCS") == "1"
    target = REPO / "docs" / "images" if update else ARTIFACTS
    target.mkdir(parents=True, exist_ok=True)
    for width, (w, h) in WIDTHS.items():
        context = browser.new_context(viewport={"width": w, "height": h})
        page = context.new_page()
        for name, path in PAGES.items():
            page.goto(server + path)
            if name == "credit":
                for block in ("BC01", "BC02", "BC04"):
                    page.check(f"input[value='plombier-chauffagiste@1.0.0:{block}']")
                page.locator("#credit-section").scroll_into_view_if_needed()
            if name == "search":
                page.wait_for_selector("#results li")
            out = target / f"site-{name}-{width}.png"
            page.screenshot(path=str(out))
            assert out.stat().st_size > 5_000, out
        context.close()
    named = set(re.findall(r"images/(site-[a-z-]+-(?:1280|390)\.png)", DOC.read_text("utf-8")))
    expected = {f"site-{n}-{w}.png" for n in PAGES for w in WIDTHS}
    assert named == expected, sorted(expected ^ named)
    missing = [n for n in named if not (REPO / "docs" / "images" / n).is_file()]
    assert not missing, f"run REFKIT_UPDATE_DOCS=1 pytest {__file__}: {missing}"

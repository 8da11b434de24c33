"""The published site in a real browser: Debian's Chromium driven by Playwright.

The site is this repository's own (its sample releases), served on 127.0.0.1. Chromium comes from
``apt-get install chromium`` (Playwright's own browser download does not work on the CI machines);
axe-core, the accessibility checker, from its npm package. Screenshots are saved under
tests/artifacts/ for people to look at.
"""

from __future__ import annotations

import functools
import http.server
import re
import subprocess
import sys
import threading
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urldefrag, urljoin, urlparse

import pytest

from tests.conftest import REPO, npm_file

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_PACKAGE = "axe-core@4.10.3"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "refkit", "publish", "--format", "html,md,json", "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return out


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser, server: str) -> Iterator[object]:
    """A page whose every request is recorded; anything not on our server is refused."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.requests = []  # type: ignore[attr-defined]

    def route(r) -> None:
        page.requests.append(r.request.url)  # type: ignore[attr-defined]
        if r.request.url.startswith(server) or r.request.url.startswith("data:"):
            r.continue_()
        else:
            r.abort()

    context.route("**/*", route)
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe.min.js from the axe-core npm package (fetched once, then cached in tests/.cache)."""
    target = npm_file(AXE_PACKAGE, "package/axe.min.js", f"{AXE_PACKAGE.replace('@', '-')}.min.js")
    return target.read_text(encoding="utf-8")


def test_every_internal_link_and_anchor_resolves_in_the_browser(
    page, server: str, site: Path
) -> None:
    seen: set[str] = set()
    queue = [server + "index.html", server + "search.html?q=pompe"]
    anchors: list[tuple[str, str, str]] = []  # (from page, to page, anchor)
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        if not urlparse(url).path.endswith((".html", "/")):
            continue
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        for href in hrefs:
            assert href.startswith(server), f"{url}: {href} leaves the site"
            target, fragment = urldefrag(href)
            if fragment:
                anchors.append((url, target, fragment))
            if target not in seen:
                queue.append(target)
    # every page of the site can be reached from the index
    reached = {urlparse(u).path.lstrip("/") for u in seen if urlparse(u).path.endswith(".html")}
    assert reached == {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    ids: dict[str, set[str]] = {}
    for source, target, fragment in anchors:
        if target not in ids:
            page.goto(target)
            ids[target] = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
        assert fragment in ids[target], f"{source}: {target}#{fragment} has no such anchor"
    assert len(anchors) > 100
    assert all(u.startswith(server) for u in page.requests)


def test_search_finds_a_competency_by_a_word_of_its_statement(page, server: str) -> None:
    page.goto(server + "index.html")
    page.fill("#q", "frigorigènes")
    page.click("header form.search button")
    page.wait_for_selector("#results li")
    results = page.inner_text("#results")
    assert "C7.3 — Manipuler les fluides frigorigènes" in results
    assert page.inner_text("#status") == "1 résultat"
    # accents and case do not matter; every word must match
    page.goto(server + "search.html?q=FRIGORIGENES%20attestation")
    page.wait_for_selector("#results li")
    assert page.locator("#results li").count() == 1
    page.click("#results li a")
    page.wait_for_load_state()
    assert page.url.endswith("/plombier-chauffagiste/latest/index.html#C7.3")
    assert page.evaluate("document.getElementById('C7.3') !== null")
    page.goto(server + "search.html?q=xylophone")
    assert page.is_visible("#none") and page.locator("#results li").count() == 0
    assert all(u.startswith(server) for u in page.requests)


def _results(page, server: str, query: str) -> list[str]:
    page.goto(server + "search.html?q=" + quote(query))
    page.wait_for_function(
        "document.getElementById('status').textContent !== '' || !document.getElementById('none').hidden"
    )
    return [li.inner_text() for li in page.locator("#results li").all()]


def test_search_folds_apostrophes_accents_and_small_words_over_every_version(
    page, server: str
) -> None:
    typographic = _results(page, server, "réseaux d’évacuation")
    assert typographic == _results(page, server, "reseaux d'evacuation")
    assert any(r.startswith("A3 — Installer les réseaux d'évacuation") for r in typographic)
    # "à" does not find everything when other words are typed
    assert _results(page, server, "pompe à chaleur") == _results(page, server, "pompe chaleur")
    # a wording of 1.0.0 only, found in 1.0.0 (marked with its version, not the current one)
    old = _results(page, server, "chaudière murale")
    assert len(old) == 1 and old[0].startswith("C4.1 — Poser et raccorder une chaudière murale")
    assert "Plombier-chauffagiste · version 1.0.0" in old[0] and "en vigueur" not in old[0]
    page.click("#results li a")
    page.wait_for_load_state()
    assert page.url.endswith("/plombier-chauffagiste/1.0.0/index.html#C4.1")
    # a code of a register finds its framework
    assert any(r.startswith("Plombier-chauffagiste") for r in _results(page, server, "RNCP90001"))
    # a word found in a criterion is shown in its passage, marked
    hit = _results(page, server, "condensats")
    assert "condensats" in page.inner_text("#results mark")
    assert "…e en eau · Les distances d'implantation et l'évacuation des condensats" in hit[0]
    # an item the same in both versions is one result, with both versions
    same = _results(page, server, "PPSPS")
    assert len(same) == 1 and "versions 1.0.0, 2.0.0 (en vigueur)" in same[0]


def test_search_without_javascript_says_so(browser, server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "search.html?q=pompe")
    assert "La recherche a besoin de JavaScript" in page.inner_text("main")
    context.close()


def test_the_search_index_of_every_version_stays_small(site: Path) -> None:
    size = sum(p.stat().st_size for p in (site / "assets/search").glob("*.js"))
    assert size < 200_000, size


def test_the_site_works_from_disk(browser, site: Path) -> None:
    """Opened from a USB stick or a shared folder: file:// links, and the search, still work."""
    context = browser.new_context()
    page = context.new_page()
    page.goto((site / "index.html").as_uri())
    page.click("text=Plombier-chauffagiste")
    assert page.url.endswith("/plombier-chauffagiste/latest/index.html")
    assert page.inner_text("h1").startswith("Plombier-chauffagiste")
    page.goto((site / "search.html").as_uri() + "?q=condensats")
    page.wait_for_selector("#results li")
    assert "C2.4" in page.inner_text("#results")
    context.close()


PAGES = [
    "index.html",
    "pathways.html",
    "search.html?q=pompe",
    "plombier-chauffagiste/index.html",
    "plombier-chauffagiste/2.0.0/index.html",
    "plombier-chauffagiste/2.0.0/changes.html",
    "plombier-chauffagiste/1.0.0/changes.html",
    "plombier-chauffagiste/1.0.0/index.html",
    "plombier-chauffagiste/1.0.0/since.html",
    "plombier-chauffagiste/compare/index.html",
    "electricien-batiment/1.0.0/index.html",
]


@pytest.mark.parametrize("path", PAGES)
def test_no_accessibility_violation(page, server: str, axe_source: str, path: str) -> None:
    """WCAG 2.2 A and AA and axe's best practices (one landmark of each name, headings in order,
    no region outside a landmark...): no violation of any impact."""
    page.goto(server + path)
    page.add_script_tag(content=axe_source)
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag', values: [
            'wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"""
    )
    found = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]
    assert not found, "\n".join(found)
    assert result["passes"], "axe ran no check"


@pytest.mark.parametrize("path", ["plombier-chauffagiste/2.0.0/index.html", "index.html"])
def test_readable_at_320_px(browser, server: str, path: str) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(server + path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{path} scrolls sideways at 320 px ({width} px wide)"
    context.close()


# the words of an element that a line break cuts in two ("équivalen/t"); a break after a hyphen,
# a slash or an arrow is a line break, not a cut
CUT_WORDS = """(selector) => {
  const cut = [];
  for (const root of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      if (node.parentElement.closest(".visually-hidden")) continue;  // one pixel wide on purpose
      const re = /[^\\s\\-\\/→—]+/g;
      let m;
      while ((m = re.exec(node.textContent))) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set(Array.from(range.getClientRects())
          .filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        if (tops.size > 1) cut.push(m[0]);
      }
    }
  }
  return cut;
}"""


@pytest.mark.parametrize(
    "path",
    ["plombier-chauffagiste/2.0.0/changes.html", "plombier-chauffagiste/1.0.0/since.html"],
)
@pytest.mark.parametrize("width", [390, 1280])
def test_no_word_is_cut_in_the_correspondence_tables(
    browser, server: str, path: str, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(server + path)
    assert page.locator("table").count() == 1
    assert page.evaluate(CUT_WORDS, "table") == []
    assert page.evaluate(CUT_WORDS, "main") == []
    # the table scrolls in its own box when it is wider than the screen: the page does not
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()


def test_the_compare_form_goes_to_the_pair_chosen_and_lists_them_without_javascript(
    browser, server: str
) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(server + "plombier-chauffagiste/compare/index.html")
    page.select_option("#compare-from", "1.0.0")
    page.select_option("#compare-to", "2.0.0")
    page.click("form.compare button")
    page.wait_for_url("**/plombier-chauffagiste/1.0.0/since.html")
    assert "Ce qui a changé de la version 1.0.0 à la version 2.0.0" in page.inner_text("h1")
    context.close()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "plombier-chauffagiste/compare/index.html")
    assert not page.is_visible("form.compare")  # a form that cannot work is not shown
    page.click("text=1.0.0 → 2.0.0")
    assert page.url.endswith("/plombier-chauffagiste/1.0.0/since.html")
    context.close()


def test_a_framework_prints_on_a4(page, server: str, tmp_path: Path) -> None:
    page.goto(server + "plombier-chauffagiste/2.0.0/index.html")
    page.emulate_media(media="print")
    assert (
        page.evaluate("getComputedStyle(document.querySelector('header.site')).display") == "none"
    )
    assert (
        page.evaluate("getComputedStyle(document.querySelector('form.search')).display") == "none"
    )
    pdf = tmp_path / "plombier.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    # A4 is 595 x 842 points
    assert b"/MediaBox [0 0 595" in data or b"/MediaBox [0 0 594" in data
    assert (
        data.count(b"/Type /Page\n") + data.count(b"/Type /Page>") + data.count(b"/Type /Page/")
        >= 3
        or data.count(b"/Page") >= 3
    )


def test_printed_pages_have_a_running_header_page_numbers_and_absolute_addresses(
    browser, tmp_path: Path
) -> None:
    """Printed with --base-url: each page says the framework, its version, its page number and
    the permanent address in full; each block starts on a new page."""
    import io

    import pypdf

    out = tmp_path / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "refkit", "publish", "--out", str(out),
         "--base-url", "https://referentiels.example.org/cfa"],
        cwd=REPO, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    address = "https://referentiels.example.org/cfa/plombier-chauffagiste/2.0.0/"
    page = browser.new_page()
    page.goto((out / "plombier-chauffagiste/latest/index.html").as_uri())
    assert page.evaluate("document.querySelector('link[rel=canonical]').href") == address
    pdf = pypdf.PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    page.close()
    texts = [p.extract_text() for p in pdf.pages]
    n = len(texts)
    assert n >= 9
    for i, text in enumerate(texts, start=1):
        assert text.startswith(f"Plombier-chauffagiste 2.0.0\n{i} / {n}{address}\n"), text[:120]
    body = unicodedata.normalize("NFKC", texts[0])  # the font's "ﬀ" ligature read back as "ff"
    assert f"Adresse permanente : {address}" in body
    # the first line under the header of some page is each block's heading
    firsts = [t.split("\n")[2] for t in texts]
    for block in ("BC01", "BC02", "BC03", "BC04", "BC05", "BC06", "BC07", "SST"):
        assert any(re.match(rf"{block}\s", line) for line in firsts), (block, firsts)


def test_screenshots_of_a_framework_and_its_changelog(page, server: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shots = {
        "site-framework.png": "plombier-chauffagiste/2.0.0/index.html#BC07",
        "site-changes.png": "plombier-chauffagiste/2.0.0/changes.html",
        "site-index.png": "index.html",
    }
    for name, path in shots.items():
        page.goto(urljoin(server, path))
        page.screenshot(path=str(ARTIFACTS / name))
        assert (ARTIFACTS / name).stat().st_size > 10_000
    narrow = page.context.browser.new_page(viewport={"width": 320, "height": 700})
    narrow.goto(server + "plombier-chauffagiste/2.0.0/changes.html")
    narrow.screenshot(path=str(ARTIFACTS / "site-changes-320.png"))
    narrow.close()


def _stack_cli(cli_main, held: list[str]) -> dict:
    """`refkit stack plombier-chauffagiste --have ... --format json`, run in this process."""
    import contextlib
    import io
    import json

    out = io.StringIO()
    args = ["stack", "plombier-chauffagiste", "--format", "json"]
    for h in held:
        args += ["--have", h]
    with contextlib.redirect_stdout(out):
        code = cli_main(args)
    assert code in (0, 1), (held, code)
    return json.loads(out.getvalue())


def test_the_credit_calculator_says_what_refkit_stack_says_for_every_set_of_blocks(
    page, server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every subset of the 7 blocks of plombier-chauffagiste 1.0.0 (128 sets), and each block
    of 2.0.0 alone: the page's engine and the CLI's give the same JSON."""
    import itertools

    from refkit.cli import main

    monkeypatch.chdir(REPO)
    page.goto(server + "plombier-chauffagiste/credit.html")
    old = ["BC01", "BC02", "BC03", "BC04", "BC05", "BC06", "SST"]
    sets = [
        [f"plombier-chauffagiste@1.0.0:{b}" for b in subset]
        for n in range(len(old) + 1)
        for subset in itertools.combinations(old, n)
    ]
    sets += [[f"plombier-chauffagiste@2.0.0:{b}"] for b in ("BC04", "BC07", "SST")]
    sets += [["plombier-chauffagiste@1.0.0:BC04", "plombier-chauffagiste@2.0.0:BC07"]]
    shown = page.evaluate("sets => sets.map(s => window.refkitCredit(s))", sets)
    assert len(shown) == len(sets) == 132
    for held, result in zip(sets, shown, strict=True):
        expected = _stack_cli(main, held)
        assert result == expected, held


def test_the_credit_calculator_page_ticks_and_answers_and_without_javascript_points_to_the_tables(
    browser, server: str
) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(server + "plombier-chauffagiste/credit.html")
    assert page.inner_text("#credit-output") == "Aucun bloc coché."
    for block in ("BC01", "BC02", "BC04"):
        page.check(f"input[value='plombier-chauffagiste@1.0.0:{block}']")
    text = page.inner_text("#credit-output")
    assert (
        "BC04 Installer, mettre en service et entretenir une installation de chauffage à eau chaude — acquis"
        in text
    )
    assert (
        "BC07 Installer, mettre en service et entretenir une pompe à chaleur air/eau — acquis en partie · Reste à acquérir : C7.1, C7.2, C7.3, C7.4"
        in text
    )
    assert "Reste à acquérir : 4 blocs (322\u00a0h)" in text
    assert "SST Prévenir les risques professionnels sur chantier (35\u00a0h) — obligatoire" in text
    context.close()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "plombier-chauffagiste/credit.html")
    assert not page.is_visible("form.credit")
    assert "Le calcul a besoin de JavaScript" in page.inner_text("main")
    link = page.locator("noscript a, main a[href='1.0.0/since.html']").last
    assert link.inner_text() == "Ce que valent les blocs de la version 1.0.0"
    link.click()
    assert page.url.endswith("/plombier-chauffagiste/1.0.0/since.html")
    context.close()


def test_an_old_version_shows_it_was_replaced_and_the_latest_does_not(page, server: str) -> None:
    page.goto(server + "plombier-chauffagiste/1.0.0/index.html")
    banner = page.locator(".banner.replaced")
    assert banner.is_visible()
    assert banner.inner_text() == (
        "Cette version a été remplacée par la version 2.0.0 (publiée le 23 novembre 2026). "
        "Ce qui a changé depuis cette version · Version en vigueur\u00a0: 2.0.0"
    )
    banner.locator("text=Ce qui a changé depuis cette version").click()
    page.wait_for_load_state()
    assert page.url.endswith("/plombier-chauffagiste/1.0.0/since.html")
    for path in (
        "plombier-chauffagiste/2.0.0/index.html",
        "plombier-chauffagiste/latest/index.html",
    ):
        page.goto(server + path)
        assert page.locator(".banner.replaced").count() == 0

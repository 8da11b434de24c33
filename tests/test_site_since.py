"""The published site answers "what changed since the version I teach, which blocks still count"
(issue 16): each version's status in time, the page from each old version to the latest, the
comparison of any two releases, and what each old block is worth, as `refkit stack` says.

The sample history (plombier-chauffagiste 1.0.0 -> 2.0.0) is published straight from this
repository; a third release is made in a clone to see the tables chained.
"""

from __future__ import annotations

import html as html_lib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, git
from tests.test_publish import _needs_history, parse, text_of

PLUMBER = "plombier-chauffagiste"


def _publish(repo: Path, out: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-P", "-m", "refkit", "publish", "--out", str(out)],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _needs_history()
    out = tmp_path_factory.mktemp("site") / "site"
    _publish(REPO, out)
    return out


def worth_table(path: Path) -> dict[str, set[tuple[str, str, tuple[str, ...], str]]]:
    """The table of what each old block is worth: old block -> {(new block, credited|partial,
    missing competencies, versions crossed)}; an old block worth nothing maps to an empty set."""
    html = path.read_text(encoding="utf-8")
    table = html[html.index('<table class="worth">') : html.index("</table>")]
    rows: dict[str, set[tuple[str, str, tuple[str, ...], str]]] = {}
    current = ""
    for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        head = re.search(r'<th scope="row"[^>]*><a href="[^"]*">([^<]+)</a>', tr)
        if head:
            current = head.group(1)
            rows[current] = set()
        cell = re.search(r'<td class="(credited|partial)"><a href="[^"]*">([^<]+)</a>', tr)
        if cell:
            tds = re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)
            missing = tuple(re.findall(r">([^<]+)</a>", tds[1]))
            path_text = re.sub(r"<[^>]+>", "", tds[2]).strip()
            rows[current].add((cell.group(2), cell.group(1), missing, path_text))
    return rows


def stack_says(repo: Path, held: str) -> set[tuple[str, str, tuple[str, ...], str]]:
    """What `refkit stack` credits in the plumber's latest release for one block held."""
    proc = subprocess.run(
        [
            sys.executable,
            "-P",
            "-m",
            "refkit",
            "stack",
            PLUMBER,
            "--have",
            held,
            "--format",
            "json",
        ],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr
    data = json.loads(proc.stdout)
    return {
        (b["block"], b["status"], tuple(b["missing"]), " → ".join(b["path"]))
        for b in data["credited"] + data["partial"]
    }


# -- status in time -------------------------------------------------------------------------------


def test_an_old_version_says_it_was_replaced_and_links_to_what_changed_since(site: Path) -> None:
    old = site / PLUMBER / "1.0.0/index.html"
    text = text_of(old)
    assert (
        "Cette version a été remplacée par la version 2.0.0 (publiée le 23 novembre 2026). "
        "Ce qui a changé depuis cette version · Version en vigueur : 2.0.0" in text
    )
    status = "<dt>Statut</dt><dd>version publiée le 23 novembre 2026, {}</dd>"
    assert status.format("remplacée par la version 2.0.0") in old.read_text(encoding="utf-8")
    links = parse(old).links
    assert f"../../{PLUMBER}/1.0.0/since.html" in links
    assert f"../../{PLUMBER}/latest/index.html" in links  # the canonical address of the latest
    assert f"../../{PLUMBER}/compare/index.html" in links
    for current in ("2.0.0", "latest"):
        text = text_of(site / PLUMBER / current / "index.html")
        html = (site / PLUMBER / current / "index.html").read_text(encoding="utf-8")
        assert status.format("en vigueur") in html
        assert "remplacée par" not in text
        assert "since.html" not in " ".join(parse(site / PLUMBER / current / "index.html").links)
    # one release only: in force, nothing to compare
    single = site / "electricien-batiment/1.0.0/index.html"
    assert "en vigueur" in text_of(single)
    assert "compare/" not in " ".join(parse(single).links)
    assert not (site / "electricien-batiment/compare").exists()


def test_the_version_links_are_separated_by_spaced_dots(site: Path) -> None:
    """No "·Versions": every link of the line is set apart the same way."""
    html = (site / PLUMBER / "1.0.0/index.html").read_text(encoding="utf-8")
    start = html.index('<nav class="links"')
    nav = html[start : html.index("</nav>", start)]
    assert re.findall(r"\S·|·\S", nav) == []
    assert nav.count(" · ") == 5


# -- since my version -----------------------------------------------------------------------------


def test_since_the_first_version_every_change_at_once_and_what_each_block_is_worth(
    site: Path,
) -> None:
    page = site / PLUMBER / "1.0.0/since.html"
    text = text_of(page)
    assert "Plombier-chauffagiste — Ce qui a changé de la version 1.0.0 à la version 2.0.0" in text
    assert "Compétences : 4 ajoutées, 4 modifiées, 1 déplacée" in text
    assert "déplacée C4.5, du bloc BC04 au bloc BC07" in text
    rows = worth_table(page)
    assert set(rows) == {"BC01", "BC02", "BC03", "BC04", "BC05", "BC06", "SST"}
    assert rows["BC04"] == {
        ("BC04", "credited", (), "1.0.0 → 2.0.0"),
        ("BC07", "partial", ("C7.1", "C7.2", "C7.3", "C7.4"), "1.0.0 → 2.0.0"),
    }
    # with titles and hours, for both versions
    assert (
        "BC04 Installer, mettre en service et entretenir une installation de chauffage à eau chaude (245 h)"
        in text
    )
    assert (
        "BC07 Installer, mettre en service et entretenir une pompe à chaleur air/eau (140 h) — acquis en partie"
        in text
    )


def test_what_each_old_block_is_worth_is_what_refkit_stack_says(site: Path) -> None:
    rows = worth_table(site / PLUMBER / "1.0.0/since.html")
    for block, shown in rows.items():
        assert shown == stack_says(REPO, f"{PLUMBER}@1.0.0:{block}"), block


@pytest.fixture(scope="module")
def three_releases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A clone where the working group makes a third release: C2.5 moves from BC02 to BC03."""
    _needs_history()
    base = tmp_path_factory.mktemp("three")
    clone = base / "clone"
    git(base, "clone", "-q", "--no-tags", str(REPO), str(clone))
    from refkit.edit import Ref, Session

    session = Session.open(clone)
    folder = f"frameworks/{PLUMBER}"
    session.move(Ref(folder, "BC02", "C2.5"), "BC03")
    proc = subprocess.run(
        [sys.executable, "-P", "-m", "refkit", "release", PLUMBER, "-m", "C2.5 rejoint le bloc 3"],
        cwd=clone,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "3.0.0" in proc.stdout
    out = base / "site"
    _publish(clone, out)
    return clone, out


def test_a_third_release_chains_the_tables_and_each_old_version_has_its_page(
    three_releases: tuple[Path, Path],
) -> None:
    clone, site = three_releases
    rows = worth_table(site / PLUMBER / "1.0.0/since.html")
    # C2.5 was held with BC02 in 1.0.0: it counts in BC03 of 3.0.0, through both tables
    assert ("BC03", "partial", ("C3.1", "C3.2", "C3.3"), "1.0.0 → 2.0.0 → 3.0.0") in rows["BC02"]
    for version in ("1.0.0", "2.0.0"):
        page = site / PLUMBER / version / "since.html"
        for block, shown in worth_table(page).items():
            assert shown == stack_says(clone, f"{PLUMBER}@{version}:{block}"), (version, block)
    text = text_of(site / PLUMBER / "1.0.0/since.html")
    assert "version par version : 2.0.0, 3.0.0." in text
    # 2.0.0 is replaced by 3.0.0 now; 1.0.0 by 2.0.0, with 3.0.0 in force
    assert "remplacée par la version 3.0.0" in text_of(site / PLUMBER / "2.0.0/index.html")
    assert (
        "remplacée par la version 2.0.0 (publiée le 23 novembre 2026). Ce qui a changé depuis "
        "cette version · Version en vigueur : 3.0.0"
    ) in text_of(site / PLUMBER / "1.0.0/index.html")
    # any two releases compared: the one pair not ending at the latest has its own page
    compare = site / PLUMBER / "compare"
    assert sorted(p.relative_to(compare).as_posix() for p in compare.rglob("*.html")) == [
        "1.0.0/2.0.0.html",
        "index.html",
    ]
    assert parse(compare / "index.html").links[-3:] == [
        "1.0.0/2.0.0.html",
        "../1.0.0/since.html",
        "../2.0.0/since.html",
    ]
    pair = worth_table(compare / "1.0.0/2.0.0.html")
    assert pair["BC04"] == {
        ("BC04", "credited", (), "1.0.0 → 2.0.0"),
        ("BC07", "partial", ("C7.1", "C7.2", "C7.3", "C7.4"), "1.0.0 → 2.0.0"),
    }


# -- the version page: a summary, what is new, where moved items come from ---------------------


def test_the_version_page_has_a_summary_of_its_blocks_and_marks_what_is_new(site: Path) -> None:
    page = site / PLUMBER / "2.0.0/index.html"
    html = page.read_text(encoding="utf-8")
    table = html[html.index('<table class="blocks-summary">') : html.index("</table>")]
    rows = [
        [
            html_lib.unescape(re.sub(r"<[^>]+>", "", cell)).replace("\u00a0", " ")
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr)
        ]
        for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]
    assert rows[0] == ["Bloc", "Titre", "Place", "Volume", "Compétences", "Nouveautés"]
    assert rows[1:] == [
        ["BC01", "Préparer et organiser une intervention de plomberie et de chauffage", "obligatoire", "105 h", "4", "—"],
        ["BC02", "Installer les réseaux d'eau froide et d'eau chaude sanitaire", "obligatoire", "210 h", "5", "1 compétence changée"],
        ["BC03", "Installer les réseaux d'évacuation des eaux usées et des eaux vannes", "obligatoire", "105 h", "3", "—"],
        ["BC04", "Installer, mettre en service et entretenir une installation de chauffage à eau chaude", "obligatoire", "245 h", "5", "2 compétences changées"],
        ["BC05", "Installer une salle d'eau adaptée aux personnes à mobilité réduite", "au choix (Spécialisation)", "70 h", "3", "—"],
        ["BC06", "Installer un plancher chauffant hydraulique", "au choix (Spécialisation)", "70 h", "3", "—"],
        ["BC07", "Installer, mettre en service et entretenir une pompe à chaleur air/eau", "obligatoire", "140 h", "5", "nouveau en 2.0.0"],
        ["SST", "Prévenir les risques professionnels sur chantier", "obligatoire", "35 h", "5", "—"],
    ]  # fmt: skip
    text = text_of(page)
    assert "Régler une régulation en fonction de la température extérieure et programmer les plages de confort déplacée en 2.0.0, venait du bloc BC04" in text  # fmt: skip
    assert "C7.1 Dimensionner une pompe à chaleur air/eau" in text
    assert re.search(
        r'C7\.1</a> Dimensionner[^<]*<span class="mark">nouvelle en 2\.0\.0</span>', html
    )
    assert re.search(r"C4\.1</a> [^<]*<span class=\"mark\">modifiée en 2\.0\.0</span>", html)
    links = parse(page).links
    for anchor in ("#summary", "#working-group", "#certification", "#activities", "#blocks"):
        assert anchor in links  # the table of contents
    # the first release marks nothing new, and has no column for it
    first = (site / PLUMBER / "1.0.0/index.html").read_text(encoding="utf-8")
    assert 'class="mark"' not in first and "Nouveautés" not in first


def test_word_diffs_say_removed_and_added_to_screen_readers_only(site: Path) -> None:
    html = (site / PLUMBER / "2.0.0/changes.html").read_text(encoding="utf-8")
    assert (
        '<del><span class="visually-hidden">supprimé\u00a0: </span>une</del> '
        '<ins><span class="visually-hidden">ajouté\u00a0: </span>un</ins>'
    ) in html
    # the editor's view of the same change shows struck and underlined words, not those words
    from refkit.diff.describe import Piece
    from refkit.tui.dialogs import _diff_text

    shown = _diff_text((Piece("-", "une"), Piece("=", " x")))
    assert shown.plain == "une x" and shown.spans[0].style == "strike"


def test_landmarks_are_few_and_each_has_its_own_name(site: Path) -> None:
    """A screen reader lists landmarks to move around a page: the version page had one per
    competency (38), and the search page two search landmarks without names."""
    html = (site / PLUMBER / "2.0.0/index.html").read_text(encoding="utf-8")
    regions = re.findall(r'<section aria-labelledby="([^"]+)"', html)
    assert regions == ["summary", "working-group", "certification", "activities", "blocks"]
    search = (site / "search.html").read_text(encoding="utf-8")
    names = re.findall(r'role="search" aria-label="([^"]+)"', search)
    assert names == ["Rechercher dans les référentiels", "Recherche"]


@pytest.mark.parametrize("url", ["ftp://example.org/", "example.org", "https://", "https://x/?a=1"])
def test_base_url_must_be_the_address_of_a_site(cli, sample_repo: Path, url: str) -> None:
    run = cli("publish", "--base-url", url, "--out", str(sample_repo / "out"), cwd=sample_repo)
    assert run.code == 2
    assert f"--base-url {url!r} is not the address of a site" in run.err
    assert "e.g. https://referentiels.example.org/" in run.err
    assert not (sample_repo / "out").exists()  # refused before anything is written


# -- data to download, feeds, JSON-LD ------------------------------------------------------------


@pytest.fixture(scope="module")
def data_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's site with every download and an address: --base-url."""
    _needs_history()
    out = tmp_path_factory.mktemp("data") / "site"
    proc = subprocess.run(
        [sys.executable, "-P", "-m", "refkit", "publish", "--out", str(out),
         "--format", "html,json,csv,xlsx,case", "--base-url", "https://ref.example.org/"],
        cwd=REPO, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return out


def test_each_version_offers_its_data_from_the_page_and_its_head(data_site: Path) -> None:
    import csv
    import io

    import openpyxl

    folder = data_site / PLUMBER / "2.0.0"
    name = f"{PLUMBER}-2.0.0"
    for page in (folder / "index.html", data_site / PLUMBER / "latest/index.html"):
        html = page.read_text(encoding="utf-8")
        for suffix in (".json", ".csv", ".xlsx", ".case.json"):
            href = f"../../{PLUMBER}/2.0.0/{name}{suffix}"
            assert '<link rel="alternate" type="' in html and f'href="{href}"' in html
            assert (page.parent / href).resolve().is_file()
    assert "Télécharger : JSON · CSV (tableur) · Excel · CASE (1EdTech)" in text_of(
        folder / "index.html"
    )
    # one row per competency, in both spreadsheets, as refkit export writes them
    rows = list(csv.reader(io.StringIO((folder / f"{name}.csv").read_text(encoding="utf-8"))))
    book = openpyxl.load_workbook(folder / f"{name}.xlsx", read_only=True)
    try:
        sheet = book.active
        assert len(rows) - 1 == 33 == sheet.max_row - 1
        assert rows[0][:3] == [c.value for c in next(sheet.iter_rows(max_row=1))][:3]
    finally:
        book.close()  # (a read-only workbook keeps its file open until closed)
    # 1.0.0 has its own, as it was
    assert "C7.1" not in (data_site / PLUMBER / "1.0.0" / f"{PLUMBER}-1.0.0.csv").read_text()


def test_the_case_download_is_a_valid_case_package(data_site: Path) -> None:
    from refkit.interop.case_schema import load_schema, schema_problems
    from tests.test_interop import CASE_SCHEMA

    path = data_site / PLUMBER / "2.0.0" / f"{PLUMBER}-2.0.0.case.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    assert schema_problems(package, load_schema(CASE_SCHEMA), str(CASE_SCHEMA)) == []
    items = {i["humanCodingScheme"] for i in package["CFItems"] if i.get("humanCodingScheme")}
    assert {"BC07", "C7.1", "C4.5"} <= items
    assert package["CFDocument"]["uri"].startswith(
        "https://ref.example.org/plombier-chauffagiste/2.0.0/"
    )


def test_feeds_of_releases_per_framework_and_for_the_site(data_site: Path) -> None:
    import xml.etree.ElementTree as ET

    atom = "{http://www.w3.org/2005/Atom}"
    site_feed = ET.parse(data_site / "feed.xml").getroot()
    entries = site_feed.findall(f"{atom}entry")
    assert sorted(e.findtext(f"{atom}title") for e in entries) == [
        "Plombier-chauffagiste 1.0.0",
        "Plombier-chauffagiste 2.0.0",
        "Électricien du bâtiment 1.0.0",
    ]
    links = {e.find(f"{atom}link").get("href") for e in entries}
    assert "https://ref.example.org/plombier-chauffagiste/2.0.0/index.html" in links
    assert len({e.findtext(f"{atom}id") for e in entries}) == 3  # one id per release
    plumber = ET.parse(data_site / PLUMBER / "feed.xml").getroot()
    assert plumber.findtext(f"{atom}title") == "Plombier-chauffagiste — versions publiées"
    first = plumber.find(f"{atom}entry")
    assert first.findtext(f"{atom}summary").startswith("Révision 2026")
    assert first.findtext(f"{atom}updated") == "2026-11-23T00:00:00Z"
    # announced in the pages' heads
    for page, href in (
        (data_site / "index.html", "feed.xml"),
        (data_site / PLUMBER / "index.html", "feed.xml"),
        (data_site / PLUMBER / "2.0.0/index.html", f"../../{PLUMBER}/feed.xml"),
    ):
        html = page.read_text(encoding="utf-8")
        assert f'<link rel="alternate" type="application/atom+xml" href="{href}"' in html, page


def test_each_version_page_describes_itself_in_json_ld(data_site: Path) -> None:
    html = (data_site / PLUMBER / "2.0.0/index.html").read_text(encoding="utf-8")
    start = html.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    data = json.loads(html[start : html.index("</script>", start)])
    assert data["@type"] == "EducationalOccupationalCredential"
    assert (data["name"], data["version"], data["inLanguage"]) == (
        "Plombier-chauffagiste", "2.0.0", "fr",
    )  # fmt: skip
    assert data["url"] == "https://ref.example.org/plombier-chauffagiste/2.0.0/"
    assert {"@type": "PropertyValue", "propertyID": "RNCP", "value": "RNCP90001"} in data[
        "identifier"
    ]
    assert len(data["competencyRequired"]) == 33
    assert data["datePublished"] == "2026-11-23"

"""The published site answers "what changed since the version I teach, which blocks still count"
(issue 16): each version's status in time, the page from each old version to the latest, the
comparison of any two releases, and what each old block is worth, as `refkit stack` says.

The sample history (plombier-chauffagiste 1.0.0 -> 2.0.0) is published straight from this
repository; a third release is made in a clone to see the tables chained.
"""

from __future__ import annotations

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
    assert nav.count(" · ") == 4


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

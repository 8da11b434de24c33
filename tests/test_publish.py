"""`refkit publish`: the static site, read as files (the browser checks are in test_site_browser.py).

The sample history of this repository (plombier-chauffagiste 1.0.0 -> 2.0.0, electricien-batiment
1.0.0) is published straight from its git objects; edits are made in copies (``sample_repo``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import REPO, git, make_git_repo


def _needs_history() -> None:
    shallow = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--is-shallow-repository"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if shallow != "false":
        pytest.fail("publishing the samples reads their releases from git: use a full clone")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This repository's site, published once for the module (html, md and json)."""
    _needs_history()
    out = tmp_path_factory.mktemp("site") / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "refkit", "publish", "--format", "html,md,json", "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "published 3 versions of 2 frameworks" in proc.stdout
    return out


def files_of(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.lang = ""
        self.text: list[str] = []
        self.scripts: list[str] = []
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.elements.append((tag, a))
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag == "html":
            self.lang = a.get("lang") or ""
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")
        if tag in ("link", "script", "img") and (a.get("href") or a.get("src")):
            self.scripts.append(a.get("href") or a.get("src") or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def text_of(path: Path) -> str:
    """The text of a page as a reader sees it, whitespace collapsed."""
    return " ".join("".join(parse(path).text).split())


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


# -- what is published --------------------------------------------------------------------------


def test_the_site_has_every_page(site: Path) -> None:
    files = set(files_of(site))
    for version in ("1.0.0", "2.0.0", "latest"):
        for page in ("index.html", "changes.html"):
            assert f"plombier-chauffagiste/{version}/{page}" in files
            assert f"md/plombier-chauffagiste/{version}/{page[:-5]}.md" in files
    for name in ("index.html", "search.html", "pathways.html", "assets/style.css"):
        assert name in files
    assert "plombier-chauffagiste/2.0.0/plombier-chauffagiste-2.0.0.json" in files
    assert "electricien-batiment/1.0.0/electricien-batiment-1.0.0.json" in files
    assert "md/index.md" in files and "md/pathways.md" in files
    # "latest" is 2.0.0, with its permanent address given as canonical
    latest = (site / "plombier-chauffagiste/latest/index.html").read_text()
    assert '<link rel="canonical" href="../../plombier-chauffagiste/2.0.0/index.html">' in latest
    assert "Heat" not in latest and "<h1>Plombier-chauffagiste" in latest


def test_index_lists_frameworks_with_level_sector_version_status(site: Path) -> None:
    text = text_of(site / "index.html")
    assert (
        "Plombier-chauffagisteplombier-chauffagiste CEC 3 · niveau 3 (France) "
        "Bâtiment — génie climatique et sanitaire 2.0.0 en vigueur"
    ) in text
    assert "Électricien du bâtimentelectricien-batiment CEC 3 · niveau 3 (France)" in text


def test_every_item_has_its_stable_anchor(site: Path) -> None:
    page = parse(site / "plombier-chauffagiste/2.0.0/index.html")
    fw = REPO / "frameworks/plombier-chauffagiste/blocks"
    ids = set(
        re.findall(
            r"^\s*- id: (C\d+\.\d+)", "".join(p.read_text() for p in fw.glob("*.yaml")), re.M
        )
    )
    assert {"C6.2", "C7.3", "C4.5"} <= ids
    assert ids <= page.ids
    assert {"BC01", "BC07", "SST", "A1"} <= page.ids
    # the old version keeps its own anchors: C7.x did not exist in 1.0.0
    old = parse(site / "plombier-chauffagiste/1.0.0/index.html")
    assert "C6.2" in old.ids and "C7.3" not in old.ids


def test_every_internal_link_and_anchor_resolves(site: Path) -> None:
    pages = {p: parse(p) for p in site.rglob("*.html")}
    checked = 0
    for path, page in pages.items():
        for href in page.links + page.scripts:
            assert not href.startswith(("http:", "https:", "//")), (path, href)
            target, _, anchor = href.partition("#")
            dest = (path.parent / target).resolve() if target else path
            assert dest.is_file(), f"{path.relative_to(site)}: {href} leads nowhere"
            assert dest.is_relative_to(site.resolve())
            if anchor and dest.suffix == ".html":
                assert anchor in pages[dest].ids, f"{path.relative_to(site)}: {href}: no #{anchor}"
            checked += 1
    assert checked > 500


def test_markdown_links_resolve(site: Path) -> None:
    link = re.compile(r"\]\(([^)\s]+)\)")
    for path in (site / "md").rglob("*.md"):
        for href in link.findall(path.read_text(encoding="utf-8")):
            target = href.partition("#")[0]
            if target:
                assert (path.parent / target).resolve().is_file(), f"{path}: {href}"


def test_page_language_comes_from_the_framework(site: Path) -> None:
    assert parse(site / "plombier-chauffagiste/2.0.0/index.html").lang == "fr"
    assert parse(site / "index.html").lang == "fr"


def test_an_english_framework_reads_in_english_words_and_typography(cli, sample_repo: Path) -> None:
    """A framework whose lang is English: its pages in English, with English punctuation (no
    space before a colon, as French puts one), the French one's pages as they were."""
    fw = sample_repo / "frameworks" / "electricien-batiment" / "framework.yaml"
    fw.write_text(fw.read_text(encoding="utf-8").replace("lang: fr", "lang: en"), encoding="utf-8")
    out = sample_repo / "site"
    run = cli(
        "publish", "--include-draft", "--format", "html,md,json", "--out", str(out), cwd=sample_repo
    )
    assert run.code == 0, run.err
    page = (out / "electricien-batiment/draft/index.html").read_text(encoding="utf-8")
    assert parse(out / "electricien-batiment/draft/index.html").lang == "en"
    assert " Versions:\n" in page, page[page.find("Versions") :][:80]
    assert '<p class="downloads">Download: ' in page
    assert "<li>Total volume: 630\u00a0h</li>" in page
    assert "&nbsp;:" not in page and "\u00a0:" not in page
    md = (out / "md/electricien-batiment/draft/index.md").read_text(encoding="utf-8")
    assert "- Total volume: 630\u00a0h" in md and "- Sector: Bâtiment" in md
    french = (out / "plombier-chauffagiste/2.0.0/index.html").read_text(encoding="utf-8")
    assert "Volume total\u00a0: 910\u00a0h" in french


def test_heat_pump_changelog_reads_without_git(site: Path) -> None:
    page = (site / "plombier-chauffagiste/2.0.0/changes.html").read_text(encoding="utf-8")
    text = text_of(site / "plombier-chauffagiste/2.0.0/changes.html")
    assert "Plombier-chauffagiste 2.0.0 — Ce qui a changé" in text
    assert "Modifications depuis la version 1.0.0." in text
    assert "Compétences : 4 ajoutées, 4 modifiées, 1 déplacée" in text
    assert "Blocs de compétences : 1 ajouté" in text
    assert (
        "ajouté BC07 : Installer, mettre en service et entretenir une pompe à chaleur air/eau"
        in text
    )
    assert "ajoutée C7.3 (bloc BC07) : Manipuler les fluides frigorigènes" in text
    assert "déplacée C4.5, du bloc BC04 au bloc BC07" in text
    assert "Volume : 770 h → 910 h" in text
    assert "Tâche ajoutée : Poser et raccorder une pompe à chaleur air/eau" in text
    # word-level changes, a replaced word kept apart from its replacement
    said = '<span class="visually-hidden">{} </span>'
    out, add = said.format("supprimé\u00a0:"), said.format("ajouté\u00a0:")
    assert (
        f"Poser et raccorder <del>{out}une</del> <ins>{add}un</ins> "
        f"<del>{out}chaudière murale</del> <ins>{add}générateur</ins>"
    ) in page
    # the correspondence table, with titles and hours, and what remains to acquire
    heating = (
        "Installer, mettre en service et entretenir une installation de chauffage à eau chaude"
    )
    assert (
        f"BC04 {heating} (245 h) BC04 {heating} (245 h)BC07 Installer, mettre en service et "
        "entretenir une pompe à chaleur air/eau (140 h) scindé C7.1, C7.2, C7.3, C7.4 "
        "La régulation (C4.5) reste acquise"
    ) in text
    # no git vocabulary on a page for trainers
    for word in ("commit", "tag", "diff", "HEAD", "merge"):
        assert not re.search(rf"\b{word}\b", text), word


def test_first_release_has_no_changes_but_says_so(site: Path) -> None:
    text = " ".join(parse(site / "plombier-chauffagiste/1.0.0/changes.html").text)
    assert "Première version publiée" in text or "première version" in text.lower()


def test_pathways_mark_shared_blocks(site: Path) -> None:
    text = text_of(site / "pathways.html")
    # frameworks named by their titles, not their folder names
    assert (
        "SST Prévenir les risques professionnels sur chantierPlombier-chauffagisteÉlectricien du bâtiment"
        in text
    )
    assert (
        "SST Prévenir les risques professionnels sur chantier (35 h) bloc partagé, défini dans "
        "Plombier-chauffagiste" in text
    )
    assert "bloc partagé, aussi utilisé par Électricien du bâtiment" in text


def test_pathways_show_required_blocks_in_order_then_the_choices_with_hours(site: Path) -> None:
    """An elective is a choice, not a step: the plumber's BC05 and BC06 are offered side by
    side under their group, after the required blocks in an order prerequisites allow."""
    text = text_of(site / "pathways.html")
    plumber = text[text.index("Plombier-chauffagiste (volume total 910 h)") :]
    assert plumber.startswith(
        "Plombier-chauffagiste (volume total 910 h) Blocs obligatoires "
        "SST Prévenir les risques professionnels sur chantier (35 h)"
    )
    required = plumber[: plumber.index("Blocs au choix")]
    assert [m for m in re.findall(r"BC0\d", required) if m] == [
        "BC01",
        "BC02",
        "BC01",
        "BC03",
        "BC04",
        "BC02",
        "BC07",
        "BC04",
    ]  # fmt: skip (each block, then what it comes after)
    assert "BC07 Installer, mettre en service et entretenir une pompe à chaleur air/eau (140 h) après BC04" in required  # fmt: skip
    assert (
        "Blocs au choix (Spécialisation) : choisir 1 parmi "
        "BC05 Installer une salle d'eau adaptée aux personnes à mobilité réduite (70 h) après BC02, "
        "BC03BC06 Installer un plancher chauffant hydraulique (70 h) après BC04"
    ) in plumber


def test_json_export_is_the_version(site: Path) -> None:
    data = json.loads(
        (site / "plombier-chauffagiste/1.0.0/plombier-chauffagiste-1.0.0.json").read_text()
    )
    assert data["release"]["version"] == "1.0.0" and data["draft"] is False
    assert "BC07" not in [b["id"] for b in data["blocks"]]
    data = json.loads(
        (site / "electricien-batiment/1.0.0/electricien-batiment-1.0.0.json").read_text()
    )
    assert [b["id"] for b in data["shared_blocks_content"]] == ["SST"]
    assert data["shared_blocks_content"][0]["framework"] == "plombier-chauffagiste"


def test_markdown_mirrors_the_html(site: Path) -> None:
    md = (site / "md/plombier-chauffagiste/2.0.0/changes.md").read_text(encoding="utf-8")
    assert md.startswith("# Plombier-chauffagiste 2.0.0 — Ce qui a changé\n")
    assert "- **ajoutée** C7.3 (bloc BC07) : Manipuler les fluides frigorigènes" in md
    assert "| [BC04](../../plombier-chauffagiste/1.0.0/index.md#BC04) |" in md
    page = (site / "md/plombier-chauffagiste/2.0.0/index.md").read_text(encoding="utf-8")
    assert re.search(r"^#+ .*C6\.2", page, re.M)


def test_no_network_resources(site: Path) -> None:
    for path in site.rglob("*"):
        if path.suffix in (".html", ".css", ".js"):
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"(src|href)=\"(https?:)?//", text), path
            assert "@import" not in text and "url(http" not in text, path


def test_print_stylesheet_and_narrow_screens(site: Path) -> None:
    css = (site / "assets/style.css").read_text()
    assert "@media print" in css and "@page" in css and "A4" in css
    assert (
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        in (site / "index.html").read_text()
    )


# -- determinism and incremental publishing ------------------------------------------------------


def test_output_is_deterministic(site: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "refkit",
            "publish",
            "--format",
            "html,md,json",
            "--out",
            str(again),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1", "TZ": "Pacific/Auckland"},
    )
    assert proc.returncode == 0, proc.stderr
    assert files_of(again) == files_of(site)


def test_republishing_one_changed_framework_rewrites_only_its_pages(cli, sample_repo: Path) -> None:
    out = sample_repo / "site"
    first = cli("publish", "--include-draft", "--format", "html,md,json", cwd=sample_repo)
    assert first.code == 0, first.err
    before = files_of(out)
    same = cli("publish", "--include-draft", "--format", "html,md,json", cwd=sample_repo)
    assert same.code == 0 and " 0 files written," in same.out
    assert files_of(out) == before

    block = sample_repo / "frameworks/electricien-batiment/blocks/BC02.yaml"
    text = block.read_text(encoding="utf-8")
    block.write_text(text.replace("statement: ", "statement: Vérifier puis ", 1), encoding="utf-8")
    again = cli("publish", "--include-draft", "--format", "html,md,json", cwd=sample_repo)
    assert again.code == 0, again.err
    after = files_of(out)
    changed = sorted(k for k in after if after[k] != before.get(k) and k != ".refkit-publish.json")
    assert changed, "the change must be published"
    for name in changed:
        assert "electricien-batiment" in name, name
    assert not any("plombier" in name for name in changed)
    assert f" {len(changed)} files written," in again.out


def test_files_no_longer_produced_are_removed_and_nothing_else(cli, sample_repo: Path) -> None:
    out = sample_repo / "site"
    assert cli("publish", "--include-draft", "--format", "html,md,json", cwd=sample_repo).code == 0
    mine = out / "notes-de-l-equipe.txt"
    mine.write_text("à garder\n", encoding="utf-8")
    outside = sample_repo / "README-ecole.txt"
    outside.write_text("hors du site\n", encoding="utf-8")
    run = cli("publish", "--include-draft", "--format", "html", cwd=sample_repo)
    assert run.code == 0, run.err
    assert not (out / "md").exists()
    assert not list(out.rglob("*.json")) or [p.name for p in out.rglob("*.json")] == [
        ".refkit-publish.json"
    ]
    assert mine.read_text(encoding="utf-8") == "à garder\n"
    assert outside.exists()
    assert "removed" in run.out and " 0 removed" not in run.out


def test_a_framework_never_released_is_published_only_as_a_draft(cli, sample_repo: Path) -> None:
    for record in sample_repo.glob("frameworks/*/releases.yaml"):
        record.unlink()
    git(sample_repo, "commit", "-qam", "no release yet")
    run = cli("publish", cwd=sample_repo)
    assert run.code == 0, run.err
    assert "published 0 versions" in run.out
    assert "--include-draft" in run.err
    run = cli("publish", "--include-draft", cwd=sample_repo)
    page = (sample_repo / "site/plombier-chauffagiste/draft/index.html").read_text()
    assert 'class="banner draft"' in page and "Brouillon" in page
    assert not (sample_repo / "site/plombier-chauffagiste/latest").exists()


# -- bad input ----------------------------------------------------------------------------------


HOSTILE = [
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ('<img src=x onerror="alert(1)">', "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"),
    ("[cliquez](javascript:alert(1))", "[cliquez](javascript:alert(1))"),
]


def test_hostile_text_comes_out_as_text(cli, sample_repo: Path) -> None:
    block = sample_repo / "frameworks/electricien-batiment/blocks/BC02.yaml"
    lines = block.read_text(encoding="utf-8").splitlines(keepends=True)
    n = 0
    for i, line in enumerate(lines):
        if line.lstrip().startswith("statement: ") and n < len(HOSTILE):
            indent = line[: len(line) - len(line.lstrip())]
            lines[i] = f"{indent}statement: {json.dumps('Vérifier ' + HOSTILE[n][0])}\n"
            n += 1
    assert n == len(HOSTILE)
    for i, line in enumerate(lines):
        if line.startswith("    description: Réalisation"):
            hostile = '[cliquez](javascript:alert(1)) <b onclick="x()">gras</b> Réalisation'
            lines[i] = f"    description: {json.dumps(hostile, ensure_ascii=False)}\n"
            break
    else:
        raise AssertionError("no modality description in BC02")
    block.write_text("".join(lines), encoding="utf-8")
    assert cli("validate", cwd=sample_repo).code == 0
    run = cli("publish", "--include-draft", "--format", "html,md", cwd=sample_repo)
    assert run.code == 0, run.err
    out = sample_repo / "site"
    for path in out.rglob("*.html"):
        page = path.read_text(encoding="utf-8")
        assert "<script>alert" not in page and 'onerror="alert' not in page, path
        assert 'href="javascript:' not in page.lower(), path
        for el, attrs in parse(path).elements:
            assert not any(k.startswith("on") for k in attrs), (path, el, attrs)
    page = (out / "electricien-batiment/draft/index.html").read_text(encoding="utf-8")
    for _, shown in HOSTILE[:2]:
        assert shown in page
    # a Markdown field: the link to javascript: is refused, the raw HTML is text
    assert "[cliquez](javascript:alert(1)) &lt;b onclick=&quot;x()&quot;&gt;gras&lt;/b&gt;" in page
    md = (out / "md/electricien-batiment/draft/index.md").read_text(encoding="utf-8")
    assert "<script>" not in md and "](javascript:" not in md


def test_output_that_is_a_file_is_refused(cli, sample_repo: Path) -> None:
    target = sample_repo / "site.html"
    target.write_text("mine\n")
    run = cli("publish", "--out", str(target), cwd=sample_repo)
    assert run.code == 2
    assert "is a file, not a folder" in run.err and "--out" in run.err
    assert target.read_text() == "mine\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_output_not_writable_is_refused(cli, sample_repo: Path) -> None:  # pragma: no cover
    locked = sample_repo / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        run = cli("publish", "--out", str(locked / "site"), cwd=sample_repo)
        assert run.code == 2 and "cannot be written" in run.err
    finally:
        locked.chmod(0o700)


def test_output_not_writable_is_refused_even_as_root(
    cli, sample_repo: Path, tmp_path: Path
) -> None:
    # a read-only file system is what root cannot write to: /proc stands in for it
    run = cli("publish", "--out", "/proc/refkit-site", cwd=sample_repo)
    assert run.code == 2, run.out
    assert "/proc/refkit-site cannot be written" in run.err and "--out" in run.err
    assert "Traceback" not in run.err


def test_output_over_the_frameworks_is_refused(cli, sample_repo: Path) -> None:
    for out in (".", "frameworks", "frameworks/plombier-chauffagiste/site"):
        run = cli("publish", "--out", out, cwd=sample_repo)
        assert run.code == 2, out
        assert "frameworks" in run.err
    assert git(sample_repo, "status", "--porcelain") == ""


def test_unknown_format_is_a_usage_error(cli, sample_repo: Path) -> None:
    run = cli("publish", "--format", "html,pdf", cwd=sample_repo)
    assert run.code == 2 and "unknown format pdf" in run.err and "html, md, json" in run.err


def test_unchanged_frameworks_are_not_rendered_again(
    cli, sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import refkit.publish.pages as pages

    assert cli("publish", "--include-draft", cwd=sample_repo).code == 0
    rendered: list[set[str] | None] = []
    real = pages.build_pages

    def spy(site, **kwargs):
        rendered.append(kwargs.get("only"))
        return real(site, **kwargs)

    monkeypatch.setattr(pages, "build_pages", spy)
    block = sample_repo / "frameworks/electricien-batiment/blocks/BC02.yaml"
    block.write_text(
        block.read_text(encoding="utf-8").replace("statement: ", "statement: Vérifier puis ", 1),
        encoding="utf-8",
    )
    assert cli("publish", "--include-draft", cwd=sample_repo).code == 0
    assert rendered == [{"electricien-batiment"}]
    # a page deleted by hand is made again: its framework is rendered again
    rendered.clear()
    (sample_repo / "site/plombier-chauffagiste/draft/changes.html").unlink()
    run = cli("publish", "--include-draft", cwd=sample_repo)
    assert rendered == [{"plombier-chauffagiste"}]
    assert (sample_repo / "site/plombier-chauffagiste/draft/changes.html").is_file()
    assert " 1 file written," in run.out


def _spy_loads(monkeypatch: pytest.MonkeyPatch) -> tuple[list[set[str]], list[str]]:
    """Which frameworks publishing renders, and which framework folders it reads from git."""
    import refkit.history as history
    import refkit.publish.pages as pages

    rendered: list[set[str]] = []
    read: list[str] = []
    real_build, real_files = pages.build_pages, history.History.files_at

    def build(site, **kwargs):
        rendered.append(set(kwargs.get("only") or ()))
        return real_build(site, **kwargs)

    def files_at(self, commit, folder):  # what History.load_at and collect's reading use
        read.append(folder.rsplit("/", 1)[-1])
        return real_files(self, commit, folder)

    monkeypatch.setattr(pages, "build_pages", build)
    monkeypatch.setattr(history.History, "files_at", files_at)
    return rendered, read


def _release_patch(cli, repo: Path, fid: str, block: str) -> None:
    path = repo / "frameworks" / fid / "blocks" / f"{block}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("statement: ", "statement: Savoir ", 1), encoding="utf-8")
    run = cli("release", fid, "--bump", "patch", "-m", "Reformulation", cwd=repo)
    assert run.code == 0, run.err


def test_a_new_release_reads_and_renders_only_its_framework(
    cli, sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("publish", cwd=sample_repo).code == 0
    _release_patch(cli, sample_repo, "electricien-batiment", "BC02")
    rendered, read = _spy_loads(monkeypatch)
    run = cli("publish", cwd=sample_repo)
    assert run.code == 0, run.err
    assert "published 4 versions of 2 frameworks" in run.out
    assert rendered == [{"electricien-batiment"}]
    # the new release, then every version of the framework (its pages list them all), and the
    # plumbing framework, home of its shared block SST: its releases, whose chain the credit
    # calculator needs (a learner may hold SST of any of them); never rendered
    assert set(read) == {"electricien-batiment", "plombier-chauffagiste"}
    assert read.count("plombier-chauffagiste") == 2
    index = (sample_repo / "site/index.html").read_text(encoding="utf-8")
    assert "1.0.1" in index
    assert (sample_repo / "site/electricien-batiment/1.0.1/changes.html").is_file()
    # nothing changed: nothing read, nothing rendered but the site-wide pages
    rendered.clear()
    read.clear()
    again = cli("publish", cwd=sample_repo)
    assert rendered == [set()] and read == []
    assert " 0 files written," in again.out


def test_a_new_release_of_a_shared_blocks_home_renders_its_users(
    cli, sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("publish", cwd=sample_repo).code == 0
    _release_patch(cli, sample_repo, "plombier-chauffagiste", "SST")
    rendered, _ = _spy_loads(monkeypatch)
    assert cli("publish", cwd=sample_repo).code == 0
    # the electrical framework shows the plumbing framework's latest SST: its pages change too
    assert rendered == [{"electricien-batiment", "plombier-chauffagiste"}]
    page = (sample_repo / "site/electricien-batiment/latest/index.html").read_text(encoding="utf-8")
    assert "Savoir " in page


def _spy_loading(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The worker processes of each ``Loading`` collecting the releases starts."""
    import refkit.publish.collect as collect

    workers: list[int] = []

    class Spied(collect.Loading):
        def results(self) -> list:
            workers.append(self.workers)
            return super().results()

    monkeypatch.setattr(collect, "Loading", Spied)
    return workers


def test_releases_parsed_by_worker_processes_publish_the_same_files(
    cli, sample_repo: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A first publish (nothing in the cache of parsed blobs) of many releases parses their
    block files in worker processes; forced on the samples (two releases of one framework in
    one load), it publishes exactly what the single process does, and fills the cache."""
    import refkit.publish.collect as collect
    from refkit.store import workers as store_workers

    workers = _spy_loading(monkeypatch)
    monkeypatch.setenv("REFKIT_CACHE_DIR", str(tmp_path / "cache-one"))
    run = cli(
        "publish", "--format", "html,md,json", "--out", str(tmp_path / "one"), cwd=sample_repo
    )
    assert run.code == 0, run.err
    assert workers == [0]  # a few small frameworks: read in this process
    monkeypatch.setattr(store_workers, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(collect, "_jobs", lambda: 2)
    monkeypatch.setenv("REFKIT_CACHE_DIR", str(tmp_path / "cache-two"))
    run = cli(
        "publish", "--format", "html,md,json", "--out", str(tmp_path / "two"), cwd=sample_repo
    )
    assert run.code == 0, run.err
    assert workers == [0, 2]
    assert files_of(tmp_path / "two") == files_of(tmp_path / "one")
    # the workers filled the cache: publishing again from it parses no block file
    run = cli(
        "publish", "--format", "html,md,json", "--out", str(tmp_path / "three"), cwd=sample_repo
    )
    assert run.code == 0, run.err
    assert workers == [0, 2, 0]
    assert files_of(tmp_path / "three") == files_of(tmp_path / "one")


def test_many_frameworks_published_by_several_processes_give_the_files_of_one(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """20 generated frameworks (bench/generate.py), a tenth with a second release: read and
    rendered in one process, then with every process refkit uses forced (the releases' block
    files parsed by workers, the pages rendered a share at a time by two processes while this
    one renders the site-wide pages): the same files."""
    import refkit.publish.collect as collect
    from refkit.store import workers as store_workers

    repo = tmp_path / "repo"
    subprocess.run(
        [sys.executable, str(REPO / "bench/generate.py"), str(repo), "--frameworks", "20",
         "--blocks", "2", "--competencies", "3"],
        check=True, capture_output=True,
    )  # fmt: skip
    make_git_repo(repo)
    fids = sorted(p.name for p in (repo / "frameworks").iterdir())
    for fid in fids:
        git(repo, "tag", f"{fid}/v1.0.0")
    for fid in fids[::10]:
        block = repo / "frameworks" / fid / "blocks/BC01.yaml"
        text = block.read_text(encoding="utf-8")
        block.write_text(text.replace("statement: ", "statement: Savoir ", 1), encoding="utf-8")
    git(repo, "commit", "-qam", "second releases")
    for fid in fids[::10]:
        git(repo, "tag", f"{fid}/v1.1.0")

    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    monkeypatch.setenv("REFKIT_CACHE_DIR", str(tmp_path / "cache-one"))
    run = cli("publish", "--format", "html,md,json", "--out", str(tmp_path / "one"), cwd=repo)
    assert run.code == 0, run.err
    assert "published 22 versions of 20 frameworks" in run.out

    workers = _spy_loading(monkeypatch)
    rendered, _ = _spy_loads(monkeypatch)  # (what this process renders)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(store_workers, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(collect, "_jobs", lambda: 2)
    monkeypatch.setenv("REFKIT_CACHE_DIR", str(tmp_path / "cache-two"))
    run = cli("publish", "--format", "html,md,json", "--out", str(tmp_path / "two"), cwd=repo)
    assert run.code == 0, run.err
    assert workers == [2]
    assert rendered == [set()]  # the site-wide pages only: the frameworks' by the others
    assert files_of(tmp_path / "two") == files_of(tmp_path / "one")


def test_a_page_edited_by_hand_is_published_again_only_when_forced(cli, sample_repo: Path) -> None:
    # issue 19: publish owns only the files it wrote as they are; an edited page is someone's
    assert cli("publish", cwd=sample_repo).code == 0
    page = sample_repo / "site/plombier-chauffagiste/2.0.0/index.html"
    good = page.read_bytes()
    edited = good.replace(b"<h1", b"<h1 data-edited", 1)
    page.write_bytes(edited)
    run = cli("publish", cwd=sample_repo)
    assert run.code == 2, run.out
    assert "changed since refkit publish wrote it" in run.err and "--force" in run.err
    assert page.read_bytes() == edited
    run = cli("publish", "--force", cwd=sample_repo)
    assert run.code == 0, run.err
    assert page.read_bytes() == good
    assert " 1 file written," in run.out


def test_a_damaged_manifest_means_a_full_publish(cli, sample_repo: Path) -> None:
    assert cli("publish", cwd=sample_repo).code == 0
    manifest = sample_repo / "site/.refkit-publish.json"
    before = files_of(sample_repo / "site")
    for damage in (
        "{not json",
        '{"frameworks": [], "state": {"outlines": {"x": 3}}}',
        json.dumps(
            {
                "frameworks": {"plombier-chauffagiste": {"fingerprint": 1, "files": 2}},
                "state": {"code": "?", "worktree": {"a": ["b"]}, "outlines": [1]},
            }
        ),
    ):
        manifest.write_text(damage, encoding="utf-8")
        run = cli("publish", cwd=sample_repo)
        assert run.code == 0, run.err
        assert files_of(sample_repo / "site") == before


def test_a_framework_id_that_names_a_site_folder_is_not_published(cli, sample_repo: Path) -> None:
    src = sample_repo / "frameworks/electricien-batiment"
    src.rename(sample_repo / "frameworks/assets")
    fw = sample_repo / "frameworks/assets/framework.yaml"
    fw.write_text(
        fw.read_text(encoding="utf-8").replace("id: electricien-batiment", "id: assets", 1),
        encoding="utf-8",
    )
    git(sample_repo, "add", "-A")
    git(sample_repo, "commit", "-qm", "renamed")
    run = cli("publish", "--include-draft", cwd=sample_repo)
    assert run.code == 0, run.err
    assert "'assets' names a folder of the published site" in run.err
    assert (sample_repo / "site/assets/style.css").is_file()


def test_the_legend_of_struck_words_shows_only_where_a_text_was_reworded(
    cli, sample_repo: Path
) -> None:
    run = cli(
        "new", "competency", "electricien-batiment", "BC02",
        "--statement", "Poser un tableau de communication", cwd=sample_repo,
    )  # fmt: skip
    assert run.code == 0, run.err
    run = cli("release", "electricien-batiment", "-m", "Ajout", cwd=sample_repo)
    assert run.code == 0, run.err
    assert cli("publish", cwd=sample_repo).code == 0
    site = sample_repo / "site"
    added = (site / "electricien-batiment/1.1.0/changes.html").read_text(encoding="utf-8")
    assert "Poser un tableau de communication" in added and 'class="legend"' not in added
    assert "texte retiré" not in (site / "md/electricien-batiment/1.1.0/changes.md").read_text(
        encoding="utf-8"
    )
    _release_patch(cli, sample_repo, "electricien-batiment", "BC02")  # a statement reworded
    assert cli("publish", cwd=sample_repo).code == 0
    reworded = (site / "electricien-batiment/1.1.1/changes.html").read_text(encoding="utf-8")
    assert 'class="legend"' in reworded and "Savoir</ins>" in reworded


def test_relations_are_published_with_links(cli, sample_repo: Path) -> None:
    """An item's relations on its version page: the type in the page's language, the target a
    link to the item of the page, to the item of another framework's published version, or to
    the outside concept; a target the site does not have is shown as written."""
    block = sample_repo / "frameworks/plombier-chauffagiste/blocks/BC07.yaml"
    text = block.read_text(encoding="utf-8")
    relations = (
        "    activities: [A1, A4]\n"
        "    relations:\n"
        "      - {type: isPartOf, target: C4.5}\n"
        "      - {type: related, target: electricien-batiment@1.0.0:E1.1, note: Voir *aussi* l'électricité}\n"
        "      - {type: broadMatch, target: http://data.europa.eu/esco/skill/0001}\n"
        "      - {type: closeMatch, target: urn:exemple:0002}\n"
    )
    block.write_text(text.replace("    activities: [A1, A4]\n", relations, 1), encoding="utf-8")
    text = block.read_text(encoding="utf-8")
    block.write_text(text.replace("prerequisites: [BC04]\n", "prerequisites: [BC04]\nrelations: [{type: precedes, target: BC05}]\n", 1), encoding="utf-8")  # fmt: skip
    assert cli("validate", cwd=sample_repo).code == 0
    git(sample_repo, "commit", "-qam", "liens")
    run = cli("release", "plombier-chauffagiste", "--bump", "minor", "-m", "liens", cwd=sample_repo)
    assert run.code == 0, run.err
    assert cli("publish", cwd=sample_repo).code == 0
    page = (sample_repo / "site/plombier-chauffagiste/2.1.0/index.html").read_text(encoding="utf-8")
    article = page[page.index('<article class="competency" id="C7.1"') :]
    article = article[: article.index("</article>")]
    assert (
        '<p class="label">Liens</p><ul class="relations">'
        '<li>fait partie de <a href="#C4.5">C4.5</a></li>'
        '<li>est associé à <a href="../../electricien-batiment/1.0.0/index.html#E1.1">'
        "electricien-batiment@1.0.0:E1.1</a> — Voir <em>aussi</em> l'électricité</li>"
        '<li>a pour équivalent plus large <a href="http://data.europa.eu/esco/skill/0001" '
        'rel="external noopener">http://data.europa.eu/esco/skill/0001</a></li>'
        "<li>équivaut presque à urn:exemple:0002</li></ul>"
    ) in article
    bc07 = page[page.index('<article class="block" id="BC07"') :]
    assert '<ul class="relations"><li>précède <a href="#BC05">BC05</a></li></ul>' in bc07
    data = json.loads(
        (sample_repo / "site/plombier-chauffagiste/2.1.0/plombier-chauffagiste-2.1.0.json").read_text(encoding="utf-8")
    )  # fmt: skip
    blocks = {b["id"]: b for b in data["blocks"]}
    assert blocks["BC07"]["relations"] == [{"type": "precedes", "target": "BC05"}]
    assert blocks["BC07"]["competencies"][0]["relations"][0] == {
        "type": "isPartOf",
        "target": "C4.5",
    }
    md = (sample_repo / "site/md/plombier-chauffagiste/2.1.0/index.md").read_text(encoding="utf-8")
    assert "- fait partie de [C4.5](#C4.5)\n" in md
    assert "- Liens : précède [BC05](#BC05)\n" in md

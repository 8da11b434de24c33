"""`refkit publish` under hostile or broken input (issue 19): nothing published is lost, nothing
outside the site is touched, no link in a published page runs code.

Each test reproduces one case of the issue as it was found: real git repositories in tmp_path
(clones of this repository, whose sample history has releases 1.0.0 and 2.0.0 of
plombier-chauffagiste and carries no tags), the real ``refkit`` command, real files.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO, git


def _needs_history() -> None:
    shallow = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--is-shallow-repository"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if shallow != "false":
        pytest.fail("these tests clone this repository's sample history: use a full clone")


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A clone of this repository without tags: releases are found through releases.yaml."""
    _needs_history()
    dest = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--no-tags", str(REPO), str(dest))
    assert git(dest, "tag", "--list") == ""
    return dest


def files_of(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


# -- case 5: the record of releases ---------------------------------------------------------------

RECORD = "frameworks/plombier-chauffagiste/releases.yaml"


@pytest.mark.parametrize(
    "damage",
    ["releases: [\n", "", "releases: 3\n", "<<<<<<< HEAD\nreleases: []\n=======\n>>>>>>> b\n"],
    ids=["syntax-error", "emptied", "not-a-list", "conflict-markers"],
)
def test_a_broken_record_in_a_tagless_clone_removes_no_page(cli, clone: Path, damage: str) -> None:
    first = cli("publish", cwd=clone)
    assert first.code == 0, first.err
    assert "published 3 versions of 2 frameworks" in first.out
    before = files_of(clone / "site")
    assert "plombier-chauffagiste/2.0.0/index.html" in before
    (clone / RECORD).write_text(damage, encoding="utf-8")
    run = cli("publish", cwd=clone)
    assert run.code == 2, (run.out, run.err)
    assert RECORD in run.err and "hint:" in run.err
    assert "Traceback" not in run.err
    assert files_of(clone / "site") == before


def test_a_record_that_cannot_be_read_removes_no_page(cli, clone: Path) -> None:
    assert cli("publish", cwd=clone).code == 0
    before = files_of(clone / "site")
    record = clone / RECORD
    record.unlink()
    record.mkdir()  # a folder where the file was: exists, cannot be read (even as root)
    run = cli("publish", cwd=clone)
    assert run.code == 2, (run.out, run.err)
    assert RECORD in run.err
    assert files_of(clone / "site") == before


def test_a_release_the_record_lists_but_git_lacks_removes_no_page(cli, clone: Path) -> None:
    # what a release killed between writing releases.yaml and committing it leaves behind
    assert cli("publish", cwd=clone).code == 0
    before = files_of(clone / "site")
    record = clone / RECORD
    record.write_text(
        record.read_text(encoding="utf-8") + "  - version: 2.1.0\n    date: 2026-12-01\n",
        encoding="utf-8",
    )
    run = cli("publish", cwd=clone)
    assert run.code == 2, (run.out, run.err)
    assert RECORD in run.err and "2.1.0" in run.err
    assert files_of(clone / "site") == before


def test_a_committed_version_dot_dot_writes_nothing_outside_its_folder(cli, clone: Path) -> None:
    record = clone / "frameworks/electricien-batiment/releases.yaml"
    good = record.read_text(encoding="utf-8")
    record.write_text(
        good + '  - version: ".."\n    date: 2026-11-24\n    message: x\n', encoding="utf-8"
    )
    git(clone, "commit", "-qam", "a hostile record")
    run = cli("publish", cwd=clone)
    assert run.code == 2, (run.out, run.err)
    assert "frameworks/electricien-batiment/releases.yaml" in run.err and "'..'" in run.err
    site = clone / "site"
    assert not site.exists() or not any(".." in f for f in files_of(site))
    # the entry reverted: the site is whole, its index in place
    git(clone, "revert", "--no-edit", "HEAD")
    run = cli("publish", cwd=clone)
    assert run.code == 0, run.err
    assert (site / "index.html").is_file() and (site / "md/index.md").is_file()
    manifest = json.loads((site / ".refkit-publish.json").read_text(encoding="utf-8"))
    assert not [f for f in manifest["files"] if ".." in f]
    again = cli("publish", cwd=clone)
    assert again.code == 0 and " 0 removed" in again.out
    assert (site / "index.html").is_file()


def test_a_record_written_before_this_fix_cannot_delete_the_index(cli, clone: Path) -> None:
    """A site an earlier refkit published from a "..": its manifest lists
    electricien-batiment/../index.html; publishing again never follows it to the index."""
    assert cli("publish", cwd=clone).code == 0
    site = clone / "site"
    manifest_path = site / ".refkit-publish.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    files = manifest["files"]
    hostile = ["electricien-batiment/../index.html", "md/electricien-batiment/../index.md"]
    if isinstance(files, dict):
        for rel in hostile:
            files[rel] = files[rel.replace("electricien-batiment/../", "")]
    else:
        files += hostile
    manifest["frameworks"] = {}
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    run = cli("publish", cwd=clone)
    assert run.code in (0, 2), run.err
    assert (site / "index.html").is_file() and (site / "md/index.md").is_file()


# -- case 6: what publish owns in its output folder --------------------------------------------


def test_publish_never_overwrites_a_file_it_did_not_write(cli, clone: Path, tmp_path: Path) -> None:
    out = tmp_path / "www"
    out.mkdir()
    mine = out / "index.html"
    mine.write_text("<p>la page d'accueil de l'école</p>\n", encoding="utf-8")
    run = cli("publish", "--out", str(out), cwd=clone)
    assert run.code == 2, (run.out, run.err)
    assert str(mine) in run.err and "not written by refkit publish" in run.err
    assert "--force" in run.err and "hint:" in run.err
    assert mine.read_text(encoding="utf-8") == "<p>la page d'accueil de l'école</p>\n"
    assert [p.name for p in out.iterdir()] == ["index.html"]  # nothing written at all
    # asked to, it replaces the file, and owns it from then on
    run = cli("publish", "--out", str(out), "--force", cwd=clone)
    assert run.code == 0, run.err
    assert "Plombier-chauffagiste" in mine.read_text(encoding="utf-8")
    assert cli("publish", "--out", str(out), cwd=clone).code == 0


def _manifest_lists(out: Path, extra: dict[str, str]) -> None:
    """Add paths to the manifest, in whichever form it has (a list, or paths -> digests)."""
    path = out / ".refkit-publish.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(manifest["files"], dict):
        manifest["files"].update(extra)
    else:
        manifest["files"] += list(extra)
    path.write_text(json.dumps(manifest), encoding="utf-8")


def _digest(data: bytes) -> str:
    import hashlib

    return hashlib.blake2b(data, digest_size=12).hexdigest()


@pytest.mark.parametrize("forged", [False, True], ids=["listed", "listed-with-their-digest"])
def test_a_tampered_manifest_removes_nothing_publish_did_not_write(
    cli, clone: Path, tmp_path: Path, forged: bool
) -> None:
    out = tmp_path / "gh-pages"
    assert cli("publish", "--out", str(out), cwd=clone).code == 0
    theirs = {
        "CNAME": b"referentiels.example.org\n",
        ".git/config": b"[core]\n\tbare = false\n",
        "notes.html": b"<p>notes de l'equipe</p>\n",
    }
    for rel, data in theirs.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)
    _manifest_lists(out, {rel: _digest(d) if forged else "0" * 24 for rel, d in theirs.items()})
    run = cli("publish", "--out", str(out), cwd=clone)
    assert run.code == 2, (run.out, run.err)
    assert ".refkit-publish.json" in run.err or "notes.html" in run.err
    for rel, data in theirs.items():
        assert (out / rel).read_bytes() == data, rel
    # --force never removes what publish did not write either: it only stops refusing
    run = cli("publish", "--out", str(out), "--force", cwd=clone)
    if forged:  # a page whose digest the manifest forged is taken for one publish wrote
        theirs.pop("notes.html")
    assert run.code == 0, run.err
    for rel, data in theirs.items():
        assert (out / rel).read_bytes() == data, rel
    again = cli("publish", "--out", str(out), cwd=clone)
    assert again.code == 0 and " 0 removed" in again.out, again.err


def test_a_page_publish_would_remove_is_kept_when_someone_changed_it(
    cli, clone: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    assert cli("publish", "--format", "html,md", "--out", str(out), cwd=clone).code == 0
    page = out / "md/plombier-chauffagiste/2.0.0/index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nNote de l'école.\n", encoding="utf-8")
    run = cli("publish", "--format", "html", "--out", str(out), cwd=clone)
    assert run.code == 2, (run.out, run.err)
    assert str(page) in run.err and "changed since" in run.err
    assert (out / "md/index.md").is_file()  # nothing removed
    run = cli("publish", "--format", "html", "--out", str(out), "--force", cwd=clone)
    assert run.code == 0, run.err
    assert "Note de l'école." in page.read_text(encoding="utf-8")  # left in place
    assert str(page.relative_to(out)) in run.err  # and said so
    assert not (out / "md/index.md").exists()


def test_publish_follows_no_link_out_of_its_folder(cli, clone: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert cli("publish", "--out", str(out), cwd=clone).code == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    victim = elsewhere / "index.html"
    victim.write_bytes((out / "plombier-chauffagiste/1.0.0/index.html").read_bytes())
    # a manifest path through a link, with the digest of what it reaches
    (out / "escape").symlink_to(elsewhere)
    _manifest_lists(out, {"escape/index.html": _digest(victim.read_bytes())})
    # and a framework's folder replaced by a link: publishing would write through it
    shutil_target = tmp_path / "moved"
    (out / "electricien-batiment").rename(shutil_target)
    (out / "electricien-batiment").symlink_to(shutil_target)
    before = files_of(shutil_target)
    (shutil_target / "1.0.0/index.html").write_text("edited\n", encoding="utf-8")
    for force in ([], ["--force"]):
        run = cli("publish", "--out", str(out), *force, cwd=clone)
        assert run.code == 2, (run.out, run.err)
        assert "symbolic link" in run.err
        assert victim.is_file()
        assert (shutil_target / "1.0.0/index.html").read_text(encoding="utf-8") == "edited\n"
    assert set(files_of(shutil_target)) == set(before)


def test_a_publish_killed_midway_is_finished_by_the_next(cli, clone: Path) -> None:
    """Publishing killed at random points, then run again: it ends as a publish never killed
    (files it wrote before the kill are its own), and never stops on its own files."""
    import random
    import signal
    import sys
    import time

    assert cli("publish", "--include-draft", cwd=clone).code == 0
    rng = random.Random(19)
    block = clone / "frameworks/plombier-chauffagiste/blocks/BC01.yaml"
    for i in range(6):
        text = block.read_text(encoding="utf-8")
        block.write_text(text.replace("statement: ", f"statement: {i} ", 1), encoding="utf-8")
        proc = subprocess.Popen(
            [sys.executable, "-m", "refkit", "publish", "--include-draft"],
            cwd=clone,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.3, 1.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if i % 2:  # the inputs change again before the next publish
            text = block.read_text(encoding="utf-8")
            block.write_text(text.replace("statement: ", "statement: x ", 1), encoding="utf-8")
        run = cli("publish", "--include-draft", cwd=clone)
        assert run.code == 0, (i, run.err)
    fresh = clone / "fresh"
    assert cli("publish", "--include-draft", "--out", str(fresh), cwd=clone).code == 0
    assert files_of(clone / "site") == files_of(fresh)
    assert not list((clone / "site").rglob("*.tmp"))


def test_temporary_files_of_a_killed_publish_are_swept(cli, sample_repo: Path) -> None:
    """A publish killed inside a write leaves ``.NAME.XXXX.tmp`` (the write, then the rename):
    the next publish, seeing from its manifest that the last one did not finish, removes them,
    and nothing else."""
    site = sample_repo / "site"
    assert cli("publish", cwd=sample_repo).code == 0
    manifest_path = site / ".refkit-publish.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    # the manifest as a run leaves it while it writes: old and new contents of each file
    manifest["files"] = {rel: [d, "0" * 24] for rel, d in manifest["files"].items()}
    manifest["frameworks"] = {}
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    left = [
        site / ".index.html.k3j_9x2a.tmp",
        site / "electricien-batiment/1.0.0/.index.html.a1.tmp",
    ]
    for path in left:
        path.write_text("<p>à moit", encoding="utf-8")
    theirs = site / ".notes.tmp"
    theirs.write_text("à garder\n", encoding="utf-8")
    run = cli("publish", cwd=sample_repo)
    assert run.code == 0, run.err
    assert not any(path.exists() for path in left)
    assert theirs.read_text(encoding="utf-8") == "à garder\n"


def test_a_first_publish_killed_while_it_wrote_its_manifest_leaves_nothing_after_the_next(
    cli, sample_repo: Path
) -> None:
    """Killed between the manifest's temporary file and its rename (before any page): the
    folder holds that file and no manifest; the next publish removes it once its writer is
    gone, and leaves the one of a publish still running alone."""
    import os
    import subprocess
    import sys

    fresh = sample_repo / "fresh"
    assert cli("publish", "--out", str(fresh), cwd=sample_repo).code == 0
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a process id that is no longer anyone's
    site = sample_repo / "site"
    site.mkdir()
    stale = site / f"..refkit-publish.json.p{gone.pid}_ygwxy4fl.tmp"
    stale.write_text('{"files":{},"filling":true,"frameworks":{},"state":{}}\n', encoding="utf-8")
    live = site / f"..refkit-publish.json.p{os.getppid()}_a1b2c3.tmp"
    live.write_text("{}\n", encoding="utf-8")
    run = cli("publish", cwd=sample_repo)
    assert run.code == 0, run.err
    assert not stale.exists() and live.exists()
    live.unlink()
    assert files_of(site) == files_of(fresh)


def test_a_publish_into_an_empty_folder_killed_midway_is_finished_by_the_next(
    cli, sample_repo: Path
) -> None:
    """Into an empty folder each process writes the pages it renders, under a manifest that
    says the folder is being filled: a run killed then leaves that manifest, some pages (one
    of them stale here), temporary files; the next run knows every file there as its own,
    removes the temporary ones and the pages no longer published, and ends as a run never
    killed."""
    fresh = sample_repo / "fresh"
    assert cli("publish", "--out", str(fresh), cwd=sample_repo).code == 0
    manifest = json.loads((fresh / ".refkit-publish.json").read_text(encoding="utf-8"))
    assert "filling" not in manifest and len(manifest["files"]) > 50
    site = sample_repo / "site"
    site.mkdir()
    (site / ".refkit-publish.json").write_text(
        json.dumps({"generator": "refkit", "files": {}, "frameworks": {}, "state": {}, "filling": True}),
        encoding="utf-8",
    )  # fmt: skip
    (site / "electricien-batiment/1.0.0").mkdir(parents=True)
    (site / "electricien-batiment/1.0.0/index.html").write_text("<p>ancienne", encoding="utf-8")
    (site / "electricien-batiment/1.0.0/.index.html.a1b2.tmp").write_text("<p>à moit", encoding="utf-8")  # fmt: skip
    (site / "electricien-batiment/0.9.0").mkdir()
    (site / "electricien-batiment/0.9.0/index.html").write_text("<p>retirée", encoding="utf-8")
    run = cli("publish", cwd=sample_repo)
    assert run.code == 0, run.err
    assert files_of(site) == files_of(fresh)
    assert not list(site.rglob("*.tmp")) and not (site / "electricien-batiment/0.9.0").exists()
    assert "filling" not in json.loads((site / ".refkit-publish.json").read_text(encoding="utf-8"))


# -- case 11: links in published texts -----------------------------------------------------------

# Each one a live javascript:, vbscript: or data: link for some Markdown renderer (Python-Markdown
# leaves entities for the browser to decode; commonmark.py decodes &colon; and \:; a reference
# definition in one criterion serves a link in another).
HOSTILE_LINKS = [
    "[a](&#106;avascript:alert(1))",
    "[a](&#x6A;avascript:alert(1))",
    "[a](javascript&colon;alert(1))",
    "[a](javascript\\:alert(1))",
    "[a](java&#9;script:alert(1))",
    "[a](JaVaScRiPt:alert(1))",
    "[a]( <javascript:alert(1)> )",
    "[a](vbscript:msgbox(1))",
    "![i](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[a](&amp;#106;avascript:alert(1))",
    "[r]: javascript:alert(1)",
    "voir [a][r] et [r]",
    "[a][s]\n\n[s]: <vbscript:msgbox(1)>",
]
SAFE_LINKS = "[site](https://example.org/a) [page](../autre.html) [écrire](mailto:a@example.org)"
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")


def _as_browser(url: str) -> str:
    """An address as a browser reads it: tabs and line breaks dropped, controls stripped."""
    return "".join(ch for ch in url if ch not in "\t\n\r").strip("".join(map(chr, range(33))))


class _Links:
    """Every address an HTML page gives to a link, an image, a form, a frame."""

    def __init__(self, text: str) -> None:
        from html.parser import HTMLParser

        self.addresses: list[str] = []
        links = self

        class Parser(HTMLParser):
            def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
                for name, value in attrs:
                    if name in ("href", "src", "action", "formaction", "xlink:href", "srcset"):
                        links.addresses.append(value or "")

        Parser().feed(text)


def _markdown_addresses(text: str) -> list[str]:
    """Every link and image address markdown-it-py (CommonMark) reads in a Markdown page, with
    no scheme refused (its own check off), percent-escapes and references decoded."""
    import html
    from urllib.parse import unquote

    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark")
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    out = []
    stack = list(md.parse(text))
    while stack:
        token = stack.pop()
        stack.extend(token.children or [])
        for name in ("href", "src"):
            value = token.attrGet(name)
            if isinstance(value, str):
                out.append(html.unescape(unquote(value)))
    return out


def _raw_addresses(text: str) -> list[str]:
    """What follows each literal "](", "]:" and "<" of a Markdown text, decoded as the most
    lenient renderer would (character references, backslashes, spaces and controls dropped):
    where any dialect could read the address of a link."""
    import html
    import re

    out = []
    for m in re.finditer(r"(?<!\\)(\]\s*\(|\]\s*:|<)", text):
        after = text[m.end() : m.end() + 80]
        for _ in range(3):
            after = html.unescape(after)
        out.append(re.sub(r"[\x00-\x20\\<]", "", after))
    return out


def _markdown_elements(text: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """The HTML elements of a Markdown page rendered with raw HTML let through (as
    Python-Markdown and many wikis do): (tag, attributes)."""
    from html.parser import HTMLParser

    from markdown_it import MarkdownIt

    found: list[tuple[str, list[tuple[str, str | None]]]] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, attrs))

    Parser().feed(MarkdownIt("commonmark", {"html": True}).render(text))
    return found


def _assert_markdown_is_inert(path: Path) -> int:
    """No live javascript:, vbscript: or data: address, no script, no event handler."""
    text = path.read_text(encoding="utf-8")
    checked = 0
    for address in _markdown_addresses(text) + _raw_addresses(text):
        assert not _as_browser(address).lower().startswith(BAD_SCHEMES), (path, address)
        checked += 1
    for tag, attrs in _markdown_elements(text):
        assert tag not in ("script", "img", "iframe", "object", "embed", "svg"), (path, tag)
        assert not any(name.startswith("on") for name, _ in attrs), (path, tag, attrs)
        for name, value in attrs:
            if name in ("href", "src", "action", "formaction"):
                assert not _as_browser(value or "").lower().startswith(BAD_SCHEMES), (path, value)
        checked += 1
    return checked


def _hostile_framework(repo: Path) -> None:
    """Hostile texts in a framework's summary, and in the statements and criteria of a block."""
    fw = repo / "frameworks/electricien-batiment/framework.yaml"
    text = fw.read_text(encoding="utf-8")
    summary = "\n\n".join([*HOSTILE_LINKS, SAFE_LINKS])
    start = text.index("summary: |")
    end = text.index("\n", text.index("habilitation.", start))
    fw.write_text(
        text[:start] + "summary: " + json.dumps(summary, ensure_ascii=False) + text[end:],
        encoding="utf-8",
    )
    competencies = []
    for i, hostile in enumerate(HOSTILE_LINKS):
        competencies.append(
            f"  - id: E9.{i + 1}\n"
            f"    statement: {json.dumps('Vérifier ' + hostile.replace(chr(10), ' '))}\n"
            "    kind: skill\n"
            "    criteria:\n"
            f"      - {json.dumps(hostile.replace(chr(10), ' '))}\n"
            f"      - {json.dumps(SAFE_LINKS)}\n"
        )
    (repo / "frameworks/electricien-batiment/blocks/BC09.yaml").write_text(
        "schema: refkit/block/1\nid: BC09\ntitle: Bloc hostile\n"
        "modalities:\n  - type: oral\n    description: "
        + json.dumps(HOSTILE_LINKS[0])
        + "\ncompetencies:\n"
        + "".join(competencies),
        encoding="utf-8",
    )


def test_hostile_links_in_texts_are_never_live(cli, sample_repo: Path) -> None:
    _hostile_framework(sample_repo)
    run = cli("publish", "--include-draft", "--format", "html,md", cwd=sample_repo)
    assert run.code == 0, run.err
    site = sample_repo / "site"
    draft = site / "electricien-batiment/draft/index.html"
    assert "Vérifier" in draft.read_text(encoding="utf-8")
    checked = 0
    for path in site.rglob("*.html"):
        for address in _Links(path.read_text(encoding="utf-8")).addresses:
            assert not _as_browser(address).lower().startswith(BAD_SCHEMES), (path, address)
            checked += 1
    page = draft.read_text(encoding="utf-8")
    assert 'href="https://example.org/a"' in page and 'href="../autre.html"' in page
    assert 'href="mailto:a@example.org"' in page
    for path in (site / "md").rglob("*.md"):
        checked += _assert_markdown_is_inert(path)
    md = (site / "md/electricien-batiment/draft/index.md").read_text(encoding="utf-8")
    # the field holding only safe links keeps them live
    assert f"- {SAFE_LINKS}\n" in md
    assert "https://example.org/a" in _markdown_addresses(md)
    assert checked > 500


def test_hostile_ids_and_values_of_a_draft_are_text_in_markdown(cli, sample_repo: Path) -> None:
    """A draft with schema errors is published (marked): its ids, kinds, modality types and
    dates come out as text in the Markdown pages, never as links or HTML (they were written
    raw: an id closed the anchor's attribute, a kind was a live link)."""
    (sample_repo / "frameworks/electricien-batiment/blocks/BC09.yaml").write_text(
        "schema: refkit/block/1\n"
        "id: 'BC9\"><img src=x onerror=alert(1)>'\n"
        "title: Bloc\n"
        "modalities:\n  - type: '[m](javascript:alert(1))'\n"
        "competencies:\n"
        "  - id: 'E9.1](javascript:alert(1)) [x'\n"
        "    statement: Vérifier\n"
        "    kind: '[k](javascript:alert(1))'\n"
        "    criteria: [ok]\n"
        "  - id: 'E9.2\" onmouseover=\"alert(1)'\n"
        "    statement: Vérifier\n"
        "    kind: skill\n"
        "    criteria: [ok]\n",
        encoding="utf-8",
    )
    record = sample_repo / "frameworks/electricien-batiment/releases.yaml"
    record.write_text(
        record.read_text(encoding="utf-8").replace(
            "date: 2026-11-23", "date: '[d](javascript:alert(1))'"
        ),
        encoding="utf-8",
    )
    git(sample_repo, "commit", "-qam", "a hostile date")
    run = cli("publish", "--include-draft", "--format", "html,md", cwd=sample_repo)
    assert run.code == 0, run.err
    site = sample_repo / "site"
    md = (site / "md/electricien-batiment/draft/index.md").read_text(encoding="utf-8")
    assert "E9.1" in md and "onerror" in md  # shown, as text
    for path in (site / "md").rglob("*.md"):
        _assert_markdown_is_inert(path)
    for path in site.rglob("*.html"):
        for address in _Links(path.read_text(encoding="utf-8")).addresses:
            assert not _as_browser(address).lower().startswith(BAD_SCHEMES), (path, address)


# -- case 8: a draft that cannot be read whole ---------------------------------------------------

BLOCK = "frameworks/electricien-batiment/blocks/BC02.yaml"


def _damage(repo: Path, damage: str) -> str:
    """Break one file of electricien-batiment's work tree; the file named in the refusal."""
    block = repo / BLOCK
    text = block.read_text(encoding="utf-8")
    if damage == "syntax-error":
        block.write_text(text + "  - id: [E2.9\n", encoding="utf-8")
    elif damage == "conflict-markers":
        i = text.index("  - id: E2.2")
        block.write_text(
            text[:i] + "<<<<<<< HEAD\n" + text[i:] + "=======\n>>>>>>> autre\n", encoding="utf-8"
        )
    elif damage == "permission-denied":
        block.chmod(0)
    elif damage == "dangling-link":
        block = repo / "frameworks/electricien-batiment/blocks/BC05.yaml"
        block.symlink_to(repo / "frameworks/electricien-batiment/blocks/nowhere.yaml")
    elif damage == "framework-yaml":
        block = repo / "frameworks/electricien-batiment/framework.yaml"
        block.write_text("id: [electricien-batiment\n", encoding="utf-8")
    return block.relative_to(repo).as_posix()


@pytest.mark.parametrize(
    "damage",
    ["syntax-error", "conflict-markers", "permission-denied", "dangling-link", "framework-yaml"],
)
def test_a_draft_that_cannot_be_read_whole_is_refused(cli, sample_repo: Path, damage: str) -> None:
    import os

    if damage == "permission-denied" and os.geteuid() == 0:
        pytest.skip("root reads any file: dangling-link makes a file that cannot be read instead")
    first = cli("publish", "--include-draft", cwd=sample_repo)
    assert first.code == 0, first.err
    before = files_of(sample_repo / "site")
    broken = _damage(sample_repo, damage)
    run = cli("publish", "--include-draft", cwd=sample_repo)
    assert run.code == 1, (run.out, run.err)
    assert f"{broken}:" in run.err, run.err
    assert "electricien-batiment" in run.err and "nothing was published" in run.err
    assert "Traceback" not in run.err
    assert files_of(sample_repo / "site") == before


def test_a_release_that_cannot_be_read_whole_is_refused(cli, sample_repo: Path) -> None:
    """A release made by hand (a tag) on a commit whose block file is broken: refused, never
    published without the block."""
    assert cli("publish", cwd=sample_repo).code == 0
    before = files_of(sample_repo / "site")
    broken = _damage(sample_repo, "conflict-markers")
    git(sample_repo, "commit", "-qam", "a merge gone wrong")
    git(sample_repo, "tag", "electricien-batiment/v1.1.0")
    run = cli("publish", cwd=sample_repo)
    assert run.code == 1, (run.out, run.err)
    assert f"{broken}:" in run.err and "release 1.1.0" in run.err
    assert files_of(sample_repo / "site") == before


# -- case 17: numbers JSON cannot hold; drafts with errors --------------------------------------


def _strict_json(path: Path) -> object:
    def refuse(constant: str) -> object:
        raise AssertionError(f"{path}: {constant} is not JSON")

    return json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse)


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("  hours: 245\n", "  hours: .nan\n", "volume.hours of block BC02"),
        ("    hours: 7\n", "    hours: .inf\n", "hours of a modality of block BC02"),
        (
            "  - id: E2.1\n",
            "  - id: E2.1\n    x-poids: -.inf\n",
            "x-poids of competency E2.1",
        ),
    ],
    ids=["nan-volume", "inf-modality", "inf-extension"],
)
def test_a_number_json_cannot_hold_is_refused(
    cli, sample_repo: Path, old: str, new: str, where: str
) -> None:
    first = cli("publish", "--include-draft", "--format", "html,md,json", cwd=sample_repo)
    assert first.code == 0, first.err
    before = files_of(sample_repo / "site")
    block = sample_repo / BLOCK
    text = block.read_text(encoding="utf-8")
    assert old in text
    block.write_text(text.replace(old, new, 1), encoding="utf-8")
    run = cli("publish", "--include-draft", "--format", "html,md,json", cwd=sample_repo)
    assert run.code == 1, (run.out, run.err)
    assert BLOCK in run.err and where in run.err and "nothing was published" in run.err
    assert "Traceback" not in run.err
    assert files_of(sample_repo / "site") == before
    for path in (sample_repo / "site").rglob("*.json"):
        _strict_json(path)


def test_a_draft_with_errors_is_published_saying_so(cli, sample_repo: Path) -> None:
    block = sample_repo / BLOCK
    text = block.read_text(encoding="utf-8")
    block.write_text(
        text.replace("kind: skill", "kind: skil", 2).replace(
            "prerequisites: [BC01]", "prerequisites: [BC99]"
        ),
        encoding="utf-8",
    )
    found = cli("validate", "--format", "json", cwd=sample_repo)
    errors = [
        p
        for p in json.loads(found.out)
        if p["severity"] == "error" and p["file"].startswith("frameworks/electricien-batiment/")
    ]
    n = len(errors)
    assert n >= 3
    run = cli("publish", "--include-draft", "--format", "html,md", cwd=sample_repo)
    assert run.code == 0, run.err
    assert f"warning: electricien-batiment: its work tree has {n} errors" in run.err
    assert "plombier-chauffagiste" not in run.err
    site = sample_repo / "site"
    banner = f"{n} erreurs"
    for page in (
        "electricien-batiment/draft/index.html",
        "electricien-batiment/draft/changes.html",
    ):
        html = (site / page).read_text(encoding="utf-8")
        assert 'class="banner draft errors"' in html and banner in html, page
    for page in (
        "md/electricien-batiment/draft/index.md",
        "md/electricien-batiment/draft/changes.md",
    ):
        assert banner in (site / page).read_text(encoding="utf-8"), page
    for page in ("plombier-chauffagiste/draft/index.html", "electricien-batiment/1.0.0/index.html"):
        html = (site / page).read_text(encoding="utf-8")
        assert "errors" not in html and "Ce brouillon comporte" not in html, page
    # fixed, published again: the marks go
    block.write_text(text, encoding="utf-8")
    run = cli("publish", "--include-draft", "--format", "html,md", cwd=sample_repo)
    assert run.code == 0 and "warning" not in run.err, run.err
    assert banner not in (site / "electricien-batiment/draft/index.html").read_text(
        encoding="utf-8"
    )
    # never released, the draft is what the index shows: with its errors
    (sample_repo / "frameworks/electricien-batiment/releases.yaml").unlink()
    git(sample_repo, "commit", "-qam", "no release yet")
    block.write_text(text.replace("kind: skill", "kind: skil", 1), encoding="utf-8")
    run = cli("publish", "--include-draft", "--format", "html,md", cwd=sample_repo)
    assert run.code == 0 and "its work tree has 1 error;" in run.err, run.err
    assert "1 erreur</span>" in (site / "index.html").read_text(encoding="utf-8")
    assert "(brouillon, 1 erreur)" in (site / "md/index.md").read_text(encoding="utf-8")
    page = (site / "electricien-batiment/draft/index.html").read_text(encoding="utf-8")
    assert "Ce brouillon comporte 1 erreur\u00a0:" in page


def test_a_statement_that_closes_the_script_stays_data_in_the_json_ld(
    cli, sample_repo: Path
) -> None:
    """Each version page embeds its JSON-LD in a <script> element: a statement holding
    "</script><script>" must not end it (no "<", ">" or "&" inside), and reads back whole."""
    block = sample_repo / "frameworks/electricien-batiment/blocks/BC01.yaml"
    text = block.read_text(encoding="utf-8")
    hostile = "Lire </script><script>alert(1)</script> & <!-- un plan"
    first = text.index("statement: ") + len("statement: ")
    end = text.index("\n", first)
    block.write_text(text[:first] + json.dumps(hostile) + text[end:], encoding="utf-8")
    run = cli("publish", "--include-draft", "--format", "html", cwd=sample_repo)
    assert run.code == 0, run.err
    page = (sample_repo / "site/electricien-batiment/draft/index.html").read_text(encoding="utf-8")
    start = page.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    data = page[start : page.index("</script>", start)]
    assert not any(c in data for c in "<>&")
    statements = [c["name"] for c in json.loads(data)["competencyRequired"]]
    assert hostile in statements
    assert page.count("<script") == page.count("</script>") == 1  # the JSON-LD only

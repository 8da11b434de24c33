"""One description of a change, three places: `refkit diff`, the published site's changes page
and the editor's list of changes (F2) give the same words for the same diff (issue 18). Each
rendering is read back as a reader sees it, its removed and added words written the CLI's way
([-removed-] {+added+}: the site's <del> and <ins>, the editor's struck and underlined words)."""

from __future__ import annotations

import html
import re
from pathlib import Path

from refkit.diff.describe import Piece, line_plain, pieces
from refkit.edit import Ref, Session, changes_since_release
from tests.conftest import git

PLUMBER = "frameworks/plombier-chauffagiste"


def _words(text: str) -> str:
    """Spaces as a reader sees them (a no-break space is a space)."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def _from_cli(out: str) -> list[str]:
    lines = []
    for line in out.splitlines():
        if line.startswith("  ") and line.strip()[:1] in "+-~→≈" and not line.startswith("      "):
            lines.append(line.strip()[2:])  # the entry, without its mark
        elif line.startswith("      "):
            lines.append(line)
    return [_words(x) for x in lines]


def _from_site(page: str) -> list[str]:
    page = re.sub(r'<span class="visually-hidden">[^<]*</span>', "", page)
    page = re.sub(r'<span class="goto">.*?</span>', "", page, flags=re.S)
    lines = []
    for item in re.findall(
        r'<li class="change [a-z]+">(.*?)</li>\s*(?=<li class="change|</ul>\s*</section|</ul>\s*<h|</ul>\s*$)',
        page,
        re.S,
    ):
        head, _, fields = item.partition('<ul class="fields">')
        lines.append(html.unescape(re.sub(r"<[^>]+>", "", head)))
        for f in re.findall(r"<li>(.*?)</li>", fields, re.S):
            f = f.replace("<del>", "[-").replace("</del>", "-]")
            f = f.replace("<ins>", "{+").replace("</ins>", "+}")
            lines.append(html.unescape(re.sub(r"<[^>]+>", "", f)))
    return [_words(x) for x in lines]


def _from_editor(root: Path) -> list[str]:
    from refkit.tui.dialogs import _diff_text

    changes = changes_since_release(Session.open(root), PLUMBER)
    lines = []
    for line in changes.lines:
        lines.append(f"{line.badge} {line.text}")
        for d in line.details:
            text = _diff_text(d)
            out, at = [], 0
            for span in sorted(text.spans, key=lambda x: x.start):
                out.append(text.plain[at : span.start])
                word = text.plain[span.start : span.end]
                out.append(f"[-{word}-]" if str(span.style) == "strike" else f"{{+{word}+}}")
                at = span.end
            out.append(text.plain[at:])
            lines.append("".join(out))
    return [_words(x) for x in lines]


def test_the_cli_the_site_and_the_editor_say_the_same_thing(cli, sample_repo: Path) -> None:
    session = Session.open(sample_repo)
    session.set_field(
        Ref(PLUMBER, "BC02", "C2.1"),
        "statement",
        "Façonner et assembler des tubes en cuivre par brasure forte ou par sertissage",
    )
    session.set_field(Ref(PLUMBER, "BC02", "C2.2"), "kind", "knowledge")
    session.move(Ref(PLUMBER, "BC02", "C2.5"), "BC03")
    session.add(Ref(PLUMBER, "BC07"))
    git(sample_repo, "add", "-A")
    git(sample_repo, "commit", "-q", "-m", "révision")
    # before the release: the CLI (last release -> work tree) and the editor (since the last
    # release); then the site's page of the release made of it
    shown_cli = cli("--lang", "fr", "diff", "plombier-chauffagiste", cwd=sample_repo)
    assert shown_cli.code == 0, shown_cli.err
    from_editor = _from_editor(sample_repo)
    assert cli("release", "plombier-chauffagiste", "-m", "Révision", cwd=sample_repo).code == 0
    site = sample_repo / "site"
    assert cli("publish", "--out", str(site), cwd=sample_repo).code == 0
    page = (site / "plombier-chauffagiste/3.0.0/changes.html").read_text(encoding="utf-8")

    from_cli, from_site = _from_cli(shown_cli.out), _from_site(page)
    assert from_cli == from_editor == from_site
    # what the three say, for the record
    assert "déplacée C2.5, du bloc BC02 au bloc BC03 : Réaliser l'essai d'étanchéité" in " | ".join(
        from_cli
    )
    assert (
        "Énoncé : Façonner et assembler des tubes en cuivre par brasure forte [-et-] {+ou+} par "
        "sertissage" in from_cli
    )
    assert "Nature : savoir-faire → savoir" in from_cli
    assert any(x.startswith("ajoutée C7.5 (bloc BC07) : ") for x in from_cli)
    # the counts too
    assert "Compétences : 1 ajoutée, 2 modifiées, 1 déplacée" in _words(shown_cli.out)
    assert "Compétences : 1 ajoutée, 2 modifiées, 1 déplacée" in _words(
        html.unescape(re.sub(r"<[^>]+>", "", page))
    )


def test_a_replaced_word_is_kept_apart_and_spaces_stay_outside_the_marks() -> None:
    line = pieces(
        [("=", "Poser "), ("-", "une"), ("+", "un"), ("=", " générateur"), ("+", " neuf")]
    )
    assert line == (
        Piece("=", "Poser "),
        Piece("-", "une"),
        Piece("=", " "),
        Piece("+", "un"),
        Piece("=", " générateur "),
        Piece("+", "neuf"),
    )
    assert line_plain(line) == "Poser une un générateur neuf"


def test_on_a_terminal_long_lines_are_wrapped_at_its_width(sample_repo: Path) -> None:
    """refkit diff on a 60-column terminal: no line wider than it (colour codes not counted), the
    same words as in a pipe."""
    import os
    import subprocess
    import sys

    from tests.conftest import on_a_terminal

    session = Session.open(sample_repo)
    session.set_field(
        Ref(PLUMBER, "BC02", "C2.1"),
        "statement",
        "Façonner et assembler des tubes en cuivre par brasure forte ou par sertissage",
    )
    command = [sys.executable, "-m", "refkit", "diff", "plombier-chauffagiste"]
    env = {**os.environ, "COLUMNS": "60", "TERM": "xterm"}
    piped = subprocess.run(command, cwd=sample_repo, env=env, capture_output=True, text=True)
    _, shown, _ = on_a_terminal(command, sample_repo, env, "stdout")
    text = re.sub(r"\x1b\[[0-9;]*m", "", shown).replace("\r\n", "\n")
    assert max(len(line) for line in text.splitlines()) <= 60
    assert max(len(line) for line in piped.stdout.splitlines()) > 60  # a pipe: not wrapped
    marks = re.compile(r"\[-|-\]|\{\+|\+\}")
    assert _words(marks.sub("", text)) == _words(marks.sub("", piped.stdout))

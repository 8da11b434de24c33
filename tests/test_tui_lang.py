"""The editor's language (issue 18): which language it speaks (--lang, REFKIT_LANG, git config
refkit.lang, the locale, else the frameworks' language), and the editor wholly in English: its
tree, forms, problems, dialogs, footer and statuses, with no word of its French left on screen
(the frameworks' own texts stay as they are written)."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest

from refkit.edit import Ref, Session
from refkit.edit.language import editor_language
from refkit.i18n import user_language
from tests.conftest import copy_fixture, make_git_repo, workers_done

pytest.importorskip("textual")

from textual.widgets import Input, Tree

from refkit.tui import EditorApp, make_app
from refkit.tui.dialogs import ConfirmDialog, HelpScreen

PLUMBER = "frameworks/plombier-chauffagiste"

# words of the editor's own French (labels, statuses, keys, dialogs): none may show in English
FRENCH = re.compile(
    r"\b(Enregistrer|Enregistré|enregistré|Compétence|Problèmes|Annuler|Ajouter|Supprimer|Aide|"
    r"Référentiels|Élément|Identifiant|Énoncé|Nature|Bienvenue|Fermer|Échap|Entrée|Titre|"
    r"Statut|Langue|Secteur|facultatif|Remarques|Dupliquer|Publier|Historique|Rechercher|"
    r"Changements|savoir-faire|Critère|critère|ajout|Déplacer|Ordre)\b"
)


def _git_config(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), "config", *args], check=True)


def _english(text: str) -> list[str]:
    """The French words of the editor found in ``text`` (none, in English)."""
    return FRENCH.findall(text)


def _screen_text(app: EditorApp) -> str:
    """What the terminal shows, as text (the SVG screenshot's characters, line by line)."""
    svg = app.export_screenshot()
    rows: dict[float, list[tuple[float, str]]] = {}
    for m in re.finditer(r'<text[^>]*?x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg, re.S):
        piece = html.unescape(re.sub("<[^>]+>", "", m.group(3)))
        rows.setdefault(float(m.group(2)), []).append((float(m.group(1)), piece))
    text = "\n".join("".join(t for _, t in sorted(r)) for _, r in sorted(rows.items()))
    return text.replace("\u00a0", " ")


# -- which language -------------------------------------------------------------------------------


def test_the_editor_takes_lang_then_refkit_lang_then_git_config_then_the_locale_then_the_frameworks(
    monkeypatch: pytest.MonkeyPatch, sample_repo: Path, tmp_path: Path
) -> None:
    session = Session.open(sample_repo)
    # a C locale (CI, the tests) names no language: the frameworks' (French, the samples)
    assert editor_language(None, session) == "fr"
    assert user_language() == "en"  # the CLI's last resort: English
    monkeypatch.setenv("LANG", "en_AU.UTF-8")  # the locale, before the frameworks
    assert editor_language(None, session) == "en"
    _git_config(sample_repo, "refkit.lang", "fr")  # the repository's setting, before the locale
    assert editor_language(None, session) == "fr"
    monkeypatch.setenv("REFKIT_LANG", "en")  # REFKIT_LANG, before the repository's setting
    assert editor_language(None, session) == "en"
    assert editor_language("fr", session) == "fr"  # --lang, before everything
    # the user's global setting, when the clone has none
    monkeypatch.delenv("REFKIT_LANG")
    _git_config(sample_repo, "--unset", "refkit.lang")
    subprocess.run(["git", "config", "--global", "refkit.lang", "en"], check=True)
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert editor_language(None, session) == "en"
    _git_config(sample_repo, "refkit.lang", "fr")  # the clone's wins over the global one
    assert editor_language(None, session) == "fr"
    # no framework and nothing said: English
    subprocess.run(["git", "config", "--global", "--unset", "refkit.lang"], check=True)
    empty = tmp_path / "empty"
    (empty / "frameworks").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(empty)], check=True)
    assert editor_language(None, Session.open(empty)) == "en"


def test_a_repository_of_english_frameworks_opens_in_english(tmp_path: Path) -> None:
    root = make_git_repo(copy_fixture("valid", "minimal", tmp_path))
    fw = next((root / "frameworks").iterdir()) / "framework.yaml"
    fw.write_text(re.sub(r"(?m)^lang: .*$", "lang: en", fw.read_text(encoding="utf-8")))
    assert Session.open(root).lang == "en"


def test_the_command_line_reads_the_repository_setting_and_falls_back_to_english(
    cli, sample_repo: Path
) -> None:
    run = cli("validate", str(sample_repo / "absent"), cwd=sample_repo)
    assert run.err.startswith("refkit: error: ")  # a C locale: English, whatever the frameworks
    _git_config(sample_repo, "refkit.lang", "fr")
    run = cli("validate", str(sample_repo / "absent"), cwd=sample_repo)
    assert run.err.startswith("refkit: erreur : ")
    run = cli("--lang", "en", "validate", str(sample_repo / "absent"), cwd=sample_repo)
    assert run.err.startswith("refkit: error: ")


# -- the editor in English -------------------------------------------------------------------------


async def _settle(app: EditorApp, pilot) -> None:
    await pilot.pause()
    await workers_done(app)
    await pilot.pause()


async def test_refkit_lang_en_edit_is_wholly_in_english(sample_repo: Path) -> None:
    """The French samples opened in English: the editor's words are English (the tree's and the
    form's, a problem and its hint, a dialog, the footer, a status, the help), the frameworks'
    texts stay French."""
    app = make_app(sample_repo, watch_interval=None, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        screen = _screen_text(app)
        assert "Frameworks" in screen and "Problems: none" in screen
        assert "F1 help · Ctrl+P commands" in screen
        assert "Welcome: ↑↓ choose" in screen
        assert "Framework version" in screen  # the item's title: its kind, in English
        assert _english(screen) == [], screen
        tree = app.query_one("#tree", Tree)
        assert tree.border_title == "Frameworks"

        # a competency's form: English labels and choices; the statement as written
        app.reveal(Ref(PLUMBER, "BC07", "C7.1"))
        tree.focus()
        await _settle(app, pilot)
        await pilot.press("tab")
        await _settle(app, pilot)
        screen = _screen_text(app)
        assert "Statement *" in screen and "Kind *" in screen and "skill" in screen
        assert "Activities (comma-separated)" in screen
        assert "Dimensionner" in screen  # the framework's own text, untouched
        assert _english(screen) == [], screen

        # an invalid value: the reason in English under the field
        app.query_one("#f-competency-id", Input).focus()
        await pilot.pause()
        app.query_one("#f-competency-id", Input).value = "C 7"
        await _settle(app, pilot)
        assert "letters, digits, dots, hyphens or underscores" in _screen_text(app)
        await pilot.press("escape")
        await _settle(app, pilot)

        # add a competency: the status line, in English
        app.reveal(Ref(PLUMBER, "BC07"))
        tree.focus()
        await _settle(app, pilot)
        await pilot.press("a")
        await _settle(app, pilot)
        app.refresh_markers()
        await _settle(app, pilot)
        screen = _screen_text(app)
        assert "added competency C7.5: saved (BC07.yaml)" in screen
        assert "+ C7.5 To be written" in screen
        # the texts to write over are refkit new's English ones: the check warns of them
        texts = [p.text(app.lang) for p in app.problems]
        assert any("To be written — an observable criterion" in t for t in texts), texts
        assert "Problems: 0 errors, 2 warnings" in screen
        assert _english(screen) == [], screen

        # a dialog: deleting asks first, in English
        await pilot.press("x")
        await _settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        screen = _screen_text(app)
        assert 'Delete competency "C7.5' in screen and "Cancel" in screen
        assert _english(screen) == [], screen
        await pilot.press("escape")
        await _settle(app, pilot)

        # the help
        tree.focus()
        await pilot.press("question_mark")
        await _settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        screen = _screen_text(app)
        assert "The tree of frameworks" in screen and "Everywhere" in screen
        assert _english(screen) == [], screen
        await pilot.press("escape")
        await _settle(app, pilot)

        # undo: said in English
        await pilot.press("ctrl+z")
        await _settle(app, pilot)
        assert "undone: added competency C7.5" in _screen_text(app)


async def test_problems_and_their_hints_read_in_english(tmp_path: Path) -> None:
    root = make_git_repo(copy_fixture("invalid", "duplicate-statements", tmp_path))
    app = make_app(root, watch_interval=None, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        screen = _screen_text(app)
        assert "competency C1.2 has the same statement as C1.1 (BC01)" in screen
        assert re.search(r"Problems: \d+ errors?, \d+ warnings?", screen), screen
        assert _english(screen) == [], screen
        await pilot.press("f4")
        await _settle(app, pilot)
        await pilot.press("enter")
        await _settle(app, pilot)
        assert "reword one of them" in _screen_text(app)  # the hint, in the status line


async def test_the_french_editor_is_unchanged_by_default(sample_repo: Path) -> None:
    """Nothing said, a C locale: the samples' language, French, as before."""
    app = make_app(sample_repo, watch_interval=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        screen = _screen_text(app)
        assert "Problèmes : aucun" in screen and "Référentiels" in screen
        assert "F1 aide · Ctrl+P commandes" in screen


def test_the_editor_says_nothing_in_french_outside_the_catalogue() -> None:
    """Every text of the editor and its session with a French letter is a catalogue entry: no
    string in refkit/tui or refkit/edit holds one outside ``tr``, ``N_``, ``ngettext`` or ``Msg``
    (docstrings and comments aside), so the English editor cannot show a French word of its own."""
    import ast

    import refkit

    accented = re.compile(r"[a-zA-Z]*[éèàêçôûùîœÉÈÀÇ][a-zA-Z]*|«|»")
    root = Path(refkit.__file__).parent
    found = []
    for path in sorted([*root.glob("tui/*.py"), *root.glob("edit/*.py")]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        allowed: set[int] = set()
        for node in ast.walk(tree):
            body = getattr(node, "body", None)
            if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
                allowed.add(id(body[0].value))  # a docstring
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in ("tr", "N_", "ngettext", "N_plural", "Msg"):
                    allowed.update(id(n) for n in ast.walk(node))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in allowed
                and re.search(r"[a-z]", node.value)  # (a table of punctuation is no text)
                and accented.search(node.value)
            ):
                found.append(f"{path.relative_to(root)}:{node.lineno}: {node.value[:60]!r}")
    assert found == []

"""The screens of docs/editor.md beyond the first session (search, replace, paste, certification
rules, a release after a move), each reached with the keys the page gives and checked.

Screenshots go to tests/artifacts/docs/; with REFKIT_UPDATE_DOCS=1 they also replace those of
docs/images/, so that the documentation shows what the editor really shows.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from refkit.edit import Ref
from tests.conftest import REPO, Camera

pytest.importorskip("textual")

from textual import events
from textual.widgets import Input, Tree

from refkit.tui import make_app
from refkit.tui.certification import CertificationScreen
from refkit.tui.paste import PasteScreen
from refkit.tui.release_dialog import ReleaseDialog
from refkit.tui.search import ReplaceScreen, SearchScreen

PLUMBER = "frameworks/plombier-chauffagiste"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "docs"
DOCS = REPO / "docs" / "images"
SHEET = (
    "Énoncé\tNature\tActivités\tCritères\n"
    "Poser les sondes de la régulation\tsavoir-faire\tA4\t"
    '"Les sondes sont posées selon la notice\nLe câblage est repéré"\n'
    "Paramétrer la loi d'eau\tsavoir-faire\tA4\tLa courbe de chauffe est réglée\n"
)


async def test_the_screens_of_the_editor_page(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795600000")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    app = make_app(sample_repo, watch_interval=None)

    camera = Camera(app, ARTIFACTS)
    settle, shot, shots = camera.settle, camera.shot, camera.shots

    async with app.run_test(size=(100, 32)) as pilot:

        async def at_block(block: str) -> None:  # the tree's cursor on a block of the plumber
            app.reveal(Ref(PLUMBER, block))
            app.query_one("#tree", Tree).focus()
            await settle(pilot)

        await settle(pilot)
        # search: "/" then words; Enter goes to the item
        await pilot.press("slash", *"reseau d")
        app.screen.query_one("#query", Input).insert_text_at_cursor("’evacuation")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen) and len(app.screen.hits) == 4
        shot("edit-09-search")
        await pilot.press("escape")
        # replace: Ctrl+R, the text, Enter, the new text: every change previewed
        await at_block("BC04")
        await pilot.press("ctrl+r")  # what was searched last is proposed: replaced here
        await settle(pilot)
        app.screen.query_one("#find", Input).value = ""
        app.screen.query_one("#find", Input).focus()
        await pilot.press(*"chaudière", "enter", *"générateur")
        await settle(pilot)
        assert isinstance(app.screen, ReplaceScreen) and len(app.screen.plan) == 3
        shot("edit-10-replace")
        await pilot.press("escape")
        # rows of a spreadsheet pasted on a block
        await at_block("BC07")
        app.query_one("#tree", Tree).post_message(events.Paste(SHEET))
        await settle(pilot)
        assert isinstance(app.screen, PasteScreen) and len(app.screen.planned.competencies) == 2
        shot("edit-11-paste")
        await pilot.press("escape")
        # the certification rules: c from the tree
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CertificationScreen)
        shot("edit-12-certification")
        await pilot.press("escape")
        # a competency moved, then F6: the move decides the bump, the table is shown
        await settle(pilot)
        app.run_operation(lambda: app.session.move(Ref(PLUMBER, "BC02", "C2.5"), "BC03"))
        app.reveal(Ref(PLUMBER))
        app.query_one("#tree", Tree).focus()
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, ReleaseDialog)
        assert "déplacée de BC02 vers BC03" in str(app.screen.query_one("#proposal").render())
        shot("edit-13-release-move")
    if os.environ.get("REFKIT_UPDATE_DOCS"):
        DOCS.mkdir(parents=True, exist_ok=True)
        for name in shots:
            shutil.copyfile(ARTIFACTS / f"{name}.svg", DOCS / f"{name}.svg")

"""The walk-through of docs/editor.md, with only the keys the screen shows: add a heat-pump
competency with two criteria to block BC07, commit it, cut a release.

Its screenshots are saved under tests/artifacts/walkthrough/; with REFKIT_UPDATE_DOCS=1 they also
replace those of docs/images/, so that the documentation shows what the editor really shows.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from refkit.edit import Ref
from tests.conftest import REPO, Camera, git

pytest.importorskip("textual")

from refkit.tui import make_app
from refkit.tui.dialogs import CommitDialog
from refkit.tui.release_dialog import ReleaseDialog

PLUMBER = "frameworks/plombier-chauffagiste"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "walkthrough"
DOCS = REPO / "docs" / "images"


async def test_walkthrough(sample_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795600000")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    app = make_app(sample_repo, watch_interval=None)

    camera = Camera(app, ARTIFACTS)
    settle, shot, shots = camera.settle, camera.shot, camera.shots

    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        shot("edit-01-open")
        # 1. go to the plumbing framework and open it, then down to block BC07
        await pilot.press(*["down"] * 5, "enter", *["down"] * 7)
        await settle(pilot)
        assert app.selected == Ref(PLUMBER, "BC07")
        shot("edit-02-block")
        # 2. "a Ajouter": a new competency, with the next free id and a first criterion
        await pilot.press("a")
        await settle(pilot)
        assert app.selected == Ref(PLUMBER, "BC07", "C7.5")
        shot("edit-03-added")
        # 3. Tab to the statement (the id comes first), type it, Enter saves it
        await pilot.press("tab", "tab")
        await pilot.press(*"Désembouer un circuit de chauffage avant la pose d'une pompe à chaleur")
        await pilot.press("enter")
        await settle(pilot)
        shot("edit-04-statement")
        # 4. Escape back to the tree; open the competency, its first criterion, type it
        await pilot.press("escape", "right", "down", "tab")
        await pilot.press(*"Le circuit est rincé jusqu'à une eau claire")
        await pilot.press("enter", "escape")
        await settle(pilot)
        # "a" on a criterion adds the next one
        await pilot.press("a", "tab")
        await pilot.press(*"Un filtre magnétique est posé sur le retour")
        await pilot.press("enter", "escape")
        await settle(pilot)
        assert app.selected == Ref(PLUMBER, "BC07", "C7.5", 1)
        shot("edit-05-criteria")
        # 5. F5: record the change with a message
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, CommitDialog)
        await pilot.press(*"Ajout du désembouage avant la pose d'une pompe à chaleur")
        shot("edit-06-commit")
        await pilot.press("enter")
        await settle(pilot)
        # 6. F6: the release dialog proposes 2.1.0 (a competency was added)
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, ReleaseDialog)
        await pilot.press(*"Nouvelle compétence C7.5 : désembouage")
        shot("edit-07-release")
        await pilot.press("enter")
        await settle(pilot)
        shot("edit-08-done")

    text = (sample_repo / PLUMBER / "blocks/BC07.yaml").read_text(encoding="utf-8")
    assert text.endswith(
        "  - id: C7.5\n"
        "    statement: Désembouer un circuit de chauffage avant la pose d'une pompe à chaleur\n"
        "    kind: skill\n"
        "    criteria:\n"
        "      - Le circuit est rincé jusqu'à une eau claire\n"
        "      - Un filtre magnétique est posé sur le retour\n"
    )
    log = git(sample_repo, "log", "--format=%s", "-3").splitlines()
    assert log[:2] == [
        "Publication de plombier-chauffagiste 2.1.0",
        "Ajout du désembouage avant la pose d'une pompe à chaleur",
    ]
    assert "plombier-chauffagiste/v2.1.0" in git(sample_repo, "tag", "--list")
    assert git(sample_repo, "status", "--porcelain") == ""
    if os.environ.get("REFKIT_UPDATE_DOCS"):
        DOCS.mkdir(parents=True, exist_ok=True)
        for name in shots:
            shutil.copyfile(ARTIFACTS / f"{name}.svg", DOCS / f"{name}.svg")

"""The screens of docs/working-groups.md (the editor's side): the proposals screen with its
sign-off and comments, approving for a member, a merge's conflicts side by side, merging into
main; each reached with the keys the page gives, and checked.

Screenshots go to tests/artifacts/docs/; with REFKIT_UPDATE_DOCS=1 they also replace those of
docs/images/, so that the page shows what the editor really shows.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from refkit.edit import Ref
from tests.conftest import REPO, Camera, git
from tests.test_tui_working import BC01, PLOMBIER, edit

pytest.importorskip("textual")

from textual.widgets import Static, Tree

from refkit.tui import make_app
from refkit.tui.conflicts import ConflictScreen
from refkit.tui.proposal_dialogs import ApproveDialog, MergeDialog, NewProposalDialog
from refkit.tui.proposals import ProposalsScreen

ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "docs"
DOCS = REPO / "docs" / "images"
EMPLOYER = "Fédération régionale des entreprises du génie climatique"


def proposal_under_review(cli, root: Path) -> Path:  # type: ignore[no-untyped-def]
    """pac-2027 started from main, C1.1 reworded, a comment; main's C1.1 changed meanwhile
    (``root``: the samples with their history of releases)."""
    assert cli("setup", cwd=root).code == 0
    git(root, "add", ".gitattributes")
    git(root, "commit", "-qm", "refkit setup")
    run = cli("proposal", "new", "pac-2027", "--title", "Pompes à chaleur", "--rationale", "Les pompes à chaleur remplacent les chaudières au fioul : le référentiel doit suivre.", cwd=root)  # fmt: skip
    assert run.code == 0, run.err
    edit(root, BC01, "statement: Lire un plan", "statement: Interpréter un plan")
    item = "plombier-chauffagiste/BC01/C1.1"
    assert cli("proposal", "comment", "pac-2027", item, "Et les schémas frigorifiques ?", cwd=root).code == 0  # fmt: skip
    git(root, "switch", "-q", "main")
    edit(root, BC01, "statement: Lire un plan", "statement: Déchiffrer un plan")
    git(root, "switch", "-q", "proposal/pac-2027")
    return root


async def test_the_screens_of_the_working_groups_page(
    cli, sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1804852800")  # 2027-03-12
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    root = proposal_under_review(cli, sample_repo)
    app = make_app(root, watch_interval=None)
    camera = Camera(app, ARTIFACTS)
    settle, shot = camera.settle, camera.shot
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        app.reveal(Ref(PLOMBIER, "BC01", "C1.1"))
        app.query_one("#tree", Tree).focus()
        await settle(pilot)
        assert app.query_one("#tree", Tree).border_subtitle == "proposition pac-2027"
        shot("wg-01-where")
        # F8: the proposals, the one the editor is in read on the right
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, ProposalsScreen)
        detail = app.screen.detail
        assert "collèges attendus : employeurs, salariés, formateurs" in detail
        assert "Et les schémas frigorifiques ?" in detail
        shot("wg-02-proposals")
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NewProposalDialog)
        await pilot.press(*"raccordement-2028")
        await settle(pilot)
        shot("wg-03-new")
        await pilot.press("escape")
        await settle(pilot)
        # a: approve for a member of the working group
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, ApproveDialog)
        shot("wg-04-approve")
        await pilot.press("escape")  # approved below, once main is brought in
        await settle(pilot)
        # u: main's new commits brought in; C1.1 changed both ways: the conflicts screen
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)
        assert str(app.screen.query_one("#side-theirs", Static).render()).startswith("Déchiffrer")
        shot("wg-05-conflicts")
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#edit-value").value = "Lire et interpréter un plan d'architecte, un schéma de principe hydraulique ou frigorifique pour repérer les réseaux à réaliser"  # type: ignore[attr-defined]  # fmt: skip
        await pilot.press("enter")
        await settle(pilot)
        shot("wg-06-merged")
        await pilot.press("escape")
        await settle(pilot)
        assert "frigorifique" in (root / BC01).read_text(encoding="utf-8")
        # one member of each college approves (the command line here), then m merges
        for member in ("Fédération régionale", "Fédération des salariés", "CFA des métiers"):
            assert cli("proposal", "approve", "pac-2027", "--member", member, cwd=root).code == 0
        await pilot.press("f8")
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, MergeDialog) and app.screen.holds
        shot("wg-07-merge")
    if os.environ.get("REFKIT_UPDATE_DOCS"):
        DOCS.mkdir(parents=True, exist_ok=True)
        for name in camera.shots:
            shutil.copyfile(ARTIFACTS / f"{name}.svg", DOCS / f"{name}.svg")
    assert EMPLOYER in git(root, "show", "proposal/pac-2027:proposals/pac-2027.yaml")

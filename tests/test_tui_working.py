"""The editor's side of working together (issue 14), in pilot tests: which proposal the editor is
in (under the tree), the proposals screen (F8: start, switch, sign-off, approve, comment, update,
merge) and the conflicts screen (F9: mine / theirs / base side by side, choose or edit, finish
or undo). Real git repositories in tmp_path; the files, the git state and the screen asserted;
the refusals too (changes not recorded on a switch, a merge before approval, an approval by
someone outside the working group, undoing a merge)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import git, workers_done
from tests.test_proposals import edit, make_repo

pytest.importorskip("textual")

from textual.widgets import Button, Input, ListView, OptionList, Static, Tree

from refkit.edit import Ref
from refkit.tui import EditorApp, make_app
from refkit.tui.conflicts import ConflictScreen
from refkit.tui.dialogs import CommitDialog, ConfirmDialog
from refkit.tui.proposal_dialogs import ApproveDialog, CommentDialog, MergeDialog, NewProposalDialog
from refkit.tui.proposals import ProposalsScreen

PLOMBIER = "frameworks/plombier-chauffagiste"
BC01 = f"{PLOMBIER}/blocks/BC01.yaml"
MEMBERS = [
    "Fédération régionale des entreprises du génie climatique (employeurs)",
    "Chambre syndicale de l'artisanat du bâtiment (employeurs)",
    "Fédération des salariés de la construction (salariés)",
    "Union syndicale des métiers du bâtiment (salariés)",
    "CFA des métiers du bâtiment de la vallée du Rhône (formateurs)",
]


@pytest.fixture(autouse=True)
def _fixed_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1804852800")  # 2027-03-12


def branch(root: Path) -> str:
    return git(root, "branch", "--show-current").strip()


async def settle(app: EditorApp, pilot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        await pilot.pause()
        await workers_done(app)
    await pilot.pause()


def shown(app: EditorApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def under_the_tree(app: EditorApp) -> str:
    return str(app.query_one("#tree", Tree).border_subtitle)


async def open_proposals(app: EditorApp, pilot) -> ProposalsScreen:  # type: ignore[no-untyped-def]
    await pilot.press("f8")
    await settle(app, pilot)
    assert isinstance(app.screen, ProposalsScreen)
    return app.screen


async def start_proposal(app: EditorApp, pilot) -> None:  # type: ignore[no-untyped-def]
    await open_proposals(app, pilot)
    await pilot.press("n")
    await settle(app, pilot)
    assert isinstance(app.screen, NewProposalDialog)
    await pilot.press(*"pac-2027", "enter", *"Pompes a chaleur", "enter", *"Les PAC.", "enter")
    await settle(app, pilot)


# -- where the editor is, and starting a proposal ---------------------------------------------------


async def test_a_proposal_started_in_the_editor_is_where_it_says_it_is(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    app = make_app(root, watch_interval=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        assert under_the_tree(app) == "branche principale"
        await open_proposals(app, pilot)
        assert "vous êtes sur : branche principale" in shown(app, "#proposal-where")
        # a bad name: refused in the dialog, with the reason and the hint, what was typed kept
        await pilot.press("n")
        await settle(app, pilot)
        await pilot.press(*"PAC 2027", "enter", *"Pompes", "enter", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, NewProposalDialog)
        error = shown(app, "#error")
        assert "'PAC 2027'" in error and "pac-2027" in error, error
        assert app.screen.query_one("#slug", Input).value == "PAC 2027"
        assert branch(root) == "main"
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("escape")
        await start_proposal(app, pilot)
        assert isinstance(app.screen, ProposalsScreen)
        assert "proposition pac-2027 commencée" in shown(app, "#proposal-message")
        assert branch(root) == "proposal/pac-2027"
        record = (root / "proposals/pac-2027.yaml").read_text(encoding="utf-8")
        assert "title: Pompes a chaleur" in record and "rationale: Les PAC." in record
        listing = app.screen.query_one("#proposal-list", ListView)
        rows = [str(item.query_one(Static).render()) for item in listing.children]
        assert rows[0].startswith("  branche principale") and rows[1].startswith("● pac-2027")
        await pilot.press("escape")
        await settle(app, pilot)
        assert under_the_tree(app) == "proposition pac-2027"


# -- switching never loses work ---------------------------------------------------------------------


async def test_switching_with_changes_not_recorded_offers_to_record_them_first(
    tmp_path: Path,
) -> None:
    root = make_repo(tmp_path)
    app = make_app(root, watch_interval=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await start_proposal(app, pilot)
        app.session.set_field(Ref(PLOMBIER, "BC01", "C1.1"), "statement", "Lire un plan de masse")
        screen = app.screen
        assert isinstance(screen, ProposalsScreen)
        screen.query_one("#proposal-list", ListView).index = 0  # main
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert f"{BC01}" in str(app.screen.query_one(".message", Static).render())
        await pilot.press("enter")  # the safe answer has the focus: stay here
        await settle(app, pilot)
        assert "Pas de changement" in shown(app, "#proposal-message")
        assert branch(root) == "proposal/pac-2027"
        assert "Lire un plan de masse" in (root / BC01).read_text(encoding="utf-8")
        # again, recording them first (the editor's F5 dialog): then switched
        await pilot.press("enter")
        await settle(app, pilot)
        app.screen.query_one("#yes", Button).press()
        await settle(app, pilot)
        assert isinstance(app.screen, CommitDialog)
        await pilot.press(*"Plan de masse", "enter")
        await settle(app, pilot)
        assert branch(root) == "main"
        assert git(root, "log", "-1", "--format=%s", "proposal/pac-2027").strip() == "Plan de masse"
        assert "Lire un plan de masse" not in (root / BC01).read_text(encoding="utf-8")
        assert git(root, "status", "--porcelain") == ""
        assert isinstance(app.screen, ProposalsScreen)
        assert "vous êtes sur : branche principale" in shown(app, "#proposal-message")
        await pilot.press("escape")
        await settle(app, pilot)
        assert under_the_tree(app) == "branche principale"
        block = app.session.framework(PLOMBIER).block("BC01")
        assert block is not None and "masse" not in block.competencies[0].statement


async def test_a_switch_git_would_refuse_is_refused_with_the_reason(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    (root / "NOTES.md").write_text("notes\n", encoding="utf-8")
    git(root, "add", "NOTES.md")
    git(root, "commit", "-qm", "notes")
    app = make_app(root, watch_interval=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await start_proposal(app, pilot)
        (root / "NOTES.md").write_text("notes en cours\n", encoding="utf-8")
        app.screen.query_one("#proposal-list", ListView).index = 0
        await pilot.press("enter")
        await settle(app, pilot)
        message = shown(app, "#proposal-message")
        assert message.startswith("✗ NOTES.md") and "git stash" in message, message
        assert branch(root) == "proposal/pac-2027"
        assert (root / "NOTES.md").read_text(encoding="utf-8") == "notes en cours\n"


# -- sign-off: approve for a member, merge only when the rule holds ---------------------------------


async def test_sign_off_in_the_editor_approve_and_merge(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    app = make_app(root, watch_interval=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await start_proposal(app, pilot)
        edit(root, BC01, "Lire un plan", "Déchiffrer un plan")
        await pilot.press("escape")
        await settle(app, pilot)
        screen = await open_proposals(app, pilot)
        detail = screen.detail
        assert "plombier-chauffagiste : non approuvée (chaque collège)" in detail, detail
        assert "collèges attendus : employeurs, salariés, formateurs" in detail
        # merging before the approvals: refused, with the reason; nothing changed
        await pilot.press("m")
        await settle(app, pilot)
        assert isinstance(app.screen, MergeDialog)
        app.screen.query_one("#yes", Button).press()
        await settle(app, pilot)
        error = shown(app, "#error")
        assert "la proposition pac-2027 n'est pas approuvée" in error, error
        assert branch(root) == "proposal/pac-2027"
        await pilot.press("escape")
        await settle(app, pilot)
        # only the working group's members can be chosen; anyone else is refused
        await pilot.press("a")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, ApproveDialog)
        options = dialog.query_one("#members", OptionList)
        assert [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)] == MEMBERS  # fmt: skip
        dialog.attempt(lambda: dialog.approve("Syndicat inconnu"))
        assert "Syndicat inconnu n'est pas membre du groupe de travail" in shown(app, "#error")
        for n in (0, 2, 4):  # one member of each college
            if not isinstance(app.screen, ApproveDialog):
                await pilot.press("a")
                await settle(app, pilot)
            app.screen.query_one("#members", OptionList).highlighted = n
            await pilot.press("enter")
            await settle(app, pilot)
        assert shown(app, "#proposal-message") == "la règle d'approbation est remplie"
        assert "approuvée (chaque collège)" in app.screen.detail  # type: ignore[attr-defined]
        await pilot.press("m")
        await settle(app, pilot)
        assert isinstance(app.screen, MergeDialog) and not app.screen.query("#reason")
        app.screen.query_one("#yes", Button).press()
        await settle(app, pilot)
        assert screen is app.screen
        assert "proposition pac-2027 fusionnée dans la branche principale" in shown(app, "#proposal-message")  # fmt: skip
        assert branch(root) == "main"
        assert "Déchiffrer un plan" in (root / BC01).read_text(encoding="utf-8")
        assert "status: merged" in (root / "proposals/pac-2027.yaml").read_text(encoding="utf-8")
        assert len(git(root, "log", "-1", "--format=%P").split()) == 2  # a merge commit
        await pilot.press("escape")
        await settle(app, pilot)
        assert under_the_tree(app) == "branche principale"


async def test_a_comment_on_the_item_selected_in_the_tree(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    app = make_app(root, watch_interval=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await start_proposal(app, pilot)
        await pilot.press("escape")
        app.reveal(Ref(PLOMBIER, "BC01", "C1.1", 1))
        app.query_one("#tree", Tree).focus()
        await settle(app, pilot)
        await open_proposals(app, pilot)
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, CommentDialog)
        assert "plombier-chauffagiste/BC01/C1.1/2" in app.screen.about
        await pilot.press(*"Mesurable ?", "enter")
        await settle(app, pilot)
        assert "commentaire c1 enregistré sur plombier-chauffagiste/BC01/C1.1/2" in shown(app, "#proposal-message")  # fmt: skip
        assert "Mesurable ?" in app.screen.detail  # type: ignore[attr-defined]
        record = (root / "proposals/pac-2027.yaml").read_text(encoding="utf-8")
        assert "text: Mesurable ?" in record and "criterion: 2" in record
        assert git(root, "status", "--porcelain") == ""


# -- conflicts: side by side, chosen, finished or undone --------------------------------------------


def waiting_merge(cli, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """A proposal whose C1.1 statement changed, main's too, differently: with the merge driver
    set up. The proposal checked out."""
    root = make_repo(tmp_path)
    assert cli("setup", cwd=root).code == 0
    git(root, "add", ".gitattributes")
    git(root, "commit", "-qm", "refkit setup")
    assert cli("proposal", "new", "pac-2027", "--title", "PAC", cwd=root).code == 0
    edit(root, BC01, "Lire un plan", "Interpréter un plan")
    edit(root, BC01, "Relever sur site", "Relever sur le site")
    git(root, "switch", "-q", "main")
    edit(root, BC01, "Lire un plan", "Déchiffrer un plan")
    git(root, "switch", "-q", "proposal/pac-2027")
    return root


async def test_update_from_main_opens_the_conflicts_and_a_choice_finishes_the_merge(
    cli, tmp_path: Path
) -> None:
    root = waiting_merge(cli, tmp_path)
    tip = git(root, "rev-parse", "HEAD").strip()
    app = make_app(root, watch_interval=None)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await open_proposals(app, pilot)
        await pilot.press("u")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ConflictScreen)
        assert under_the_tree(app) == "proposition pac-2027 · fusion en attente (F9)"
        title = shown(app, "#conflict-title")
        assert "Une fusion attend votre choix : 1 champ" in title
        assert shown(app, "#side-ours").startswith("Interpréter un plan")
        assert shown(app, "#side-theirs").startswith("Déchiffrer un plan")
        assert shown(app, "#side-base").startswith("Lire un plan")
        text = (root / BC01).read_text(encoding="utf-8")
        assert "<<<<" not in text and "Relever sur le site" in text
        await pilot.press("t")
        await settle(app, pilot)
        # the last choice made: the merge recorded, sending it offered
        assert isinstance(app.screen, ConfirmDialog)
        assert "La fusion est enregistrée" in str(app.screen.query_one(".message", Static).render())  # fmt: skip
        await pilot.press("enter")  # later
        await settle(app, pilot)
        assert not (root / ".git" / "MERGE_HEAD").exists()
        parents = git(root, "log", "-1", "--format=%P").split()
        assert parents[0] == tip and len(parents) == 2
        text = (root / BC01).read_text(encoding="utf-8")
        assert "Déchiffrer un plan" in text and "Relever sur le site" in text and "<<<<" not in text
        assert git(root, "status", "--porcelain") == ""
        assert under_the_tree(app) == "proposition pac-2027"
        block = app.session.framework(PLOMBIER).block("BC01")  # the editor read it again
        assert block is not None and block.competencies[0].statement.startswith("Déchiffrer")


async def test_a_merge_in_progress_opens_its_conflicts_when_the_editor_starts_and_a_value_is_typed(
    cli, tmp_path: Path
) -> None:
    root = waiting_merge(cli, tmp_path)
    assert cli("proposal", "update", cwd=root).code == 1  # left waiting
    app = make_app(root, watch_interval=None)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, ConflictScreen)
        await pilot.press("e")
        await settle(app, pilot)
        field = app.screen.query_one("#edit-value", Input)
        assert field.display and field.value.startswith("Interpréter un plan")
        field.value = "Lire et interpréter un plan"
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("escape")  # sending: later
        await settle(app, pilot)
        text = (root / BC01).read_text(encoding="utf-8")
        assert "statement: Lire et interpréter un plan\n" in text
        assert not (root / ".git" / "MERGE_HEAD").exists()


async def test_undoing_the_merge_puts_the_repository_back(cli, tmp_path: Path) -> None:
    root = waiting_merge(cli, tmp_path)
    tip = git(root, "rev-parse", "HEAD").strip()
    before = (root / BC01).read_text(encoding="utf-8")
    assert cli("proposal", "update", cwd=root).code == 1
    app = make_app(root, watch_interval=None)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, ConflictScreen)
        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")  # the safe answer first: go back
        await settle(app, pilot)
        assert (root / ".git" / "MERGE_HEAD").exists()
        await pilot.press("x")
        await settle(app, pilot)
        app.screen.query_one("#yes", Button).press()
        await settle(app, pilot)
        assert not isinstance(app.screen, ConflictScreen)
        assert not (root / ".git" / "MERGE_HEAD").exists()
        assert git(root, "rev-parse", "HEAD").strip() == tip
        assert git(root, "status", "--porcelain") == ""
        assert (root / BC01).read_text(encoding="utf-8") == before
        assert under_the_tree(app) == "proposition pac-2027"
        await pilot.press("f9")
        await settle(app, pilot)
        assert "Aucune fusion n'attend" in app.notices[-1]


async def test_the_proposals_and_the_conflicts_speak_english(cli, tmp_path: Path) -> None:
    from tests.test_tui_lang import _english, _screen_text

    root = waiting_merge(cli, tmp_path)
    app = make_app(root, watch_interval=None, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert under_the_tree(app) == "proposal pac-2027"
        await open_proposals(app, pilot)
        screen = _screen_text(app)
        assert "Proposals — you are on: proposal pac-2027" in screen
        assert "awaiting the colleges: employers, employees, trainers" in screen
        assert "n New" in screen and "u Update" in screen
        assert _english(screen) == [], screen
        await pilot.press("u")
        await settle(app, pilot)
        assert isinstance(app.screen, ConflictScreen)
        screen = _screen_text(app)
        assert "A merge waits for your choice: 1 field both sides changed differently" in screen
        assert "Mine (m)" in screen and "Theirs (t)" in screen and "Statement" in screen
        assert _english(screen) == [], screen

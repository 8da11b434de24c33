"""The editor (`refkit edit`) driven by Textual's pilot: each task a working group does, checked on
the YAML files and in git, not only on the screen."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from refkit.diff.describe import line_plain
from refkit.edit import FIELDS, Ref, Session
from refkit.errors import RefkitError
from tests.conftest import git, workers_done

pytest.importorskip("textual")

from textual.widgets import Button, Checkbox, Input, ListView, OptionList, Select, Static, Tree

from refkit.tui import EditorApp, make_app
from refkit.tui.dialogs import CommitDialog, ConfirmDialog, MoveDialog
from refkit.tui.release_dialog import ReleaseDialog

PLUMBER = "frameworks/plombier-chauffagiste"
BC07 = f"{PLUMBER}/blocks/BC07.yaml"


def app_for(root: Path) -> EditorApp:
    # the tests call app.check_disk() themselves, when they mean to
    return make_app(root, watch_interval=None)


async def settle(app: EditorApp, pilot) -> None:
    await pilot.pause()
    await workers_done(app)
    await pilot.pause()


async def goto(app: EditorApp, pilot, ref: Ref) -> None:
    """Select an item in the tree (as the arrow keys would) and give the tree the focus."""
    app.reveal(ref)
    app.query_one("#tree", Tree).focus()
    await settle(app, pilot)
    assert app.selected == ref


def read_at_once(app: EditorApp, keys: list[str]) -> None:
    """Keys as the terminal driver posts them when they all arrive in one read (tmux, a paste of
    keys, a fast typist on a busy machine): none waits for the one before to be handled."""
    from textual import events

    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


async def replace_text(pilot, app: EditorApp, widget_id: str, text: str) -> None:
    """Select all of a field and type ``text`` over it (its last words key by key), then Enter."""
    widget = app.query_one(f"#{widget_id}")
    widget.focus()
    await pilot.pause()
    head, typed = text[:-12], text[-12:]
    widget.value = head
    widget.cursor_position = len(head)
    await pilot.press(*typed)
    await pilot.press("enter")
    await settle(app, pilot)


def diff_lines(root: Path) -> list[str]:
    out = git(root, "diff", "-U0")
    return [
        line
        for line in out.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


# -- open and navigate --------------------------------------------------------------------------


async def test_open_and_navigate_with_the_keyboard(sample_repo: Path) -> None:
    app = app_for(sample_repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        tree = app.query_one("#tree", Tree)
        assert [str(n.label) for n in tree.root.children] == [
            "Électricien du bâtiment",
            "Plombier-chauffagiste",
        ]
        assert app.selected == Ref("frameworks/electricien-batiment")
        await pilot.press("down", "down", "enter", "down")
        await settle(app, pilot)
        assert app.selected == Ref("frameworks/electricien-batiment", "BC02", "E2.1")
        assert "Électricien du bâtiment › BC02 › E2.1" in str(app.query_one("#crumbs").render())
        assert app.query_one("#f-competency-statement").value.startswith("Poser les conduits")
        assert "Problèmes : aucun" in str(app.query_one("#problems").border_title)


async def test_the_first_form_shows_its_first_rows_then_all_of_them_filled(
    sample_repo: Path,
) -> None:
    """The forms are built right after the first paint (the first screen shows the tree and the
    item read whole), each row in order, the first one filled with the first framework's
    values."""
    from refkit.edit.records import RECORDS
    from refkit.tui.fields import FieldRow
    from refkit.tui.form import ItemForm
    from refkit.tui.records import RecordsRow

    first = ItemForm("framework", active=True)
    assert not first.built and not first.children and first.row_count > 10
    app = app_for(sample_repo)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        form = app.query_one("#form-framework", ItemForm)
        rows = list(form.children)
        assert form.built and len(rows) == form.row_count
        assert [r.spec.name for r in rows if isinstance(r, FieldRow)] == [
            f.name for f in FIELDS["framework"]
        ]
        assert [r.spec.name for r in rows if isinstance(r, RecordsRow)] == [
            r.name for r in RECORDS["framework"]
        ]
        assert isinstance(rows[-1], RecordsRow)
        label = str(app.query_one("#records-framework-working_group", Button).label)
        assert label.startswith("3 membres : Fédération régionale des entreprises"), label
        await goto(app, pilot, Ref(PLUMBER, "BC07"))
        await pilot.press("tab")  # the form (the tree's cursor shows the block read whole)
        await settle(app, pilot)
        modalities = app.query_one("#records-block-modalities", Button)
        # the summary has its line (Textual's button borders left it none: an empty bar)
        assert modalities.size.height == 1
        assert str(modalities.label) == (
            "2 modalités : mise en situation professionnelle (7 h) · épreuve écrite (2 h)"
        )
        assert app.query_one("#f-framework-title").value == "Électricien du bâtiment"


async def test_keys_typed_right_after_enter_find_the_opened_children(sample_repo: Path) -> None:
    """Enter then Down typed faster than the editor handles them (a slow machine, keys sent by
    tmux): the Down keys already queued land on the children Enter opened, not past them."""
    app = app_for(sample_repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await goto(app, pilot, Ref(PLUMBER))
        tree = app.query_one("#tree", Tree)
        assert tree.cursor_node is not None and not tree.cursor_node.is_expanded
        # both keys handled in one go, before any message Enter posts is processed
        tree.action_select_cursor()
        tree.action_cursor_down()
        tree.action_cursor_down()
        assert tree.cursor_node.data == Ref(PLUMBER, "BC02")
        await settle(app, pilot)
        assert app.selected == Ref(PLUMBER, "BC02")
        assert tree.cursor_node.parent is not None and tree.cursor_node.parent.is_expanded
        # Enter again on the framework closes it (once, not open-then-close)
        await goto(app, pilot, Ref(PLUMBER))
        await pilot.press("enter")
        await settle(app, pilot)
        assert not tree.cursor_node.is_expanded


async def test_a_dialog_opened_before_the_form_follows_the_cursor(sample_repo: Path) -> None:
    """↓ then F5 at once: the form is filled for the item under the cursor once the dialog is
    closed (never left showing the previous item, whose fields would then edit the new one)."""
    app = app_for(sample_repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await goto(app, pilot, Ref(PLUMBER, "BC07", "C7.1"))
        await pilot.press("down", "f5")
        assert isinstance(app.screen, CommitDialog)
        await pilot.pause(0.3)  # the form's timer fires while the dialog is open
        assert isinstance(app.screen, CommitDialog)
        await pilot.press("escape")
        await pilot.pause(0.2)
        await settle(app, pilot)
        assert app.selected == Ref(PLUMBER, "BC07", "C7.2")
        assert app.query_one("#f-competency-id", Input).value == "C7.2"
        assert "› BC07 › C7.2" in str(app.query_one("#crumbs").render())


async def test_the_form_saves_to_its_own_item_when_the_cursor_has_moved_on(
    sample_repo: Path,
) -> None:
    """The cursor moves at once, the form follows 80 ms after the last key: a value the form
    saves meanwhile (a field left, a late message) belongs to the item the form shows, never to
    the one under the cursor."""
    app = app_for(sample_repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await goto(app, pilot, Ref(PLUMBER, "BC07", "C7.1"))
        await pilot.press("down")
        assert app.form_behind, "the form has not followed yet"
        app.hold_form()  # as while ↓ is held
        assert app.selected == Ref(PLUMBER, "BC07", "C7.2")
        field = app.query_one("#f-competency-statement")
        field.value = "Dimensionner une pompe à chaleur air/eau"
        assert app.save_field(field)
        await settle(app, pilot)
    assert diff_lines(sample_repo)[1] == "+    statement: Dimensionner une pompe à chaleur air/eau"
    text = (sample_repo / BC07).read_text(encoding="utf-8")
    c71 = text[text.index("- id: C7.1") : text.index("- id: C7.2")]
    assert "statement: Dimensionner une pompe à chaleur air/eau\n" in c71


# -- edit a statement ---------------------------------------------------------------------------


async def test_edit_a_statement_is_a_one_line_diff(sample_repo: Path) -> None:
    app = app_for(sample_repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await goto(app, pilot, Ref(PLUMBER, "BC07", "C7.1"))
        await replace_text(
            pilot, app, "f-competency-statement", "Dimensionner une pompe à chaleur air/eau"
        )
        assert app.query_one("#status").render()
    assert diff_lines(sample_repo) == [
        "-    statement: Dimensionner une pompe à chaleur air/eau à partir des déperditions du "
        "logement et de la température extérieure de base",
        "+    statement: Dimensionner une pompe à chaleur air/eau",
    ]


async def test_a_refusal_from_the_store_is_said_in_french(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store's refusals (shared with the CLI, which says them in English) reach the editor
    in French: here another refkit command holds the repository lock while a title is saved."""
    import fcntl
    import os

    from refkit.store.lock import lock_path

    monkeypatch.setenv("REFKIT_LOCK_WAIT", "0.2")
    app = app_for(sample_repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await goto(app, pilot, Ref(PLUMBER, "BC07", "C7.1"))
        path = lock_path(sample_repo)
        path.write_text("release plombier-chauffagiste (pid 1)\n")
        fd = os.open(path, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # another process's lock (a descriptor of its own)
            await replace_text(pilot, app, "f-competency-statement", "Dimensionner une PAC")
            said = list(app.notices)
        finally:
            os.close(fd)
    assert any(
        m.startswith(
            "Énoncé : le dépôt est occupé : release plombier-chauffagiste (pid 1) le modifie"
        )
        for m in said
    ), said
    assert diff_lines(sample_repo) == []  # refused: nothing written


async def test_typing_goes_on_where_it_was_after_enter_and_leaving_shows_the_start(
    sample_repo: Path,
) -> None:
    """Enter saves and leaves the cursor where the person types (keys typed right after it go
    on at the end); leaving the field shows the beginning of a long value again."""
    app = app_for(sample_repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await goto(app, pilot, Ref(PLUMBER, "BC07", "C7.1"))
        field = app.query_one("#f-competency-statement")
        field.focus()
        await pilot.press("end", "space", "e", "n", "enter", "space", "P", "A", "C")
        await settle(app, pilot)
        assert field.value.endswith("température extérieure de base en PAC")
        await pilot.press("enter")
        await settle(app, pilot)
        assert field.cursor_position == len(field.value)
        await pilot.press("escape")  # nothing typed since Enter: back to the tree, kept
        await settle(app, pilot)
        assert isinstance(app.focused, Tree)
        assert field.value.endswith("température extérieure de base en PAC")
    assert diff_lines(sample_repo)[-1].endswith("température extérieure de base en PAC")


async def test_keys_typed_in_a_burst_keep_their_order(sample_repo: Path) -> None:
    """Keys read all at once (tmux, a fast typist on a busy machine): Tab moves the focus before
    the next key is routed, and Backspace or Ctrl+K edit where they were typed, not after the
    letters that followed them."""
    from textual import events

    app = app_for(sample_repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await goto(app, pilot, Ref(PLUMBER, "BC07", "C7.1"))
        burst = ["tab", "tab", "ctrl+a", "ctrl+k", *"Dimensionnerr", "backspace", *" une"]
        read_at_once(app, burst)
        app.post_message(events.Paste(" PAC"))  # a paste waits its turn like a key
        await settle(app, pilot)
        field = app.query_one("#f-competency-statement")
        assert app.focused is field
        assert field.value == "Dimensionner une PAC"
        assert app.query_one("#f-competency-id", Input).value == "C7.1"
        # Escape, Enter (open the competency), Down (its first criterion), Tab, new text
        burst = ["enter", "escape", "enter", "down", "tab", "ctrl+a", "ctrl+k", *"Dimensionné"]
        read_at_once(app, [*burst, "enter"])
        await settle(app, pilot)
        assert app.selected == Ref(PLUMBER, "BC07", "C7.1", 0)
        assert app.query_one("#f-criterion-text").value == "Dimensionné"
    assert diff_lines(sample_repo) == [
        "-    statement: Dimensionner une pompe à chaleur air/eau à partir des déperditions du "
        "logement et de la température extérieure de base",
        "+    statement: Dimensionner une PAC",
        "-      - La puissance retenue couvre les déperditions à la température de base sans "
        "surdimensionnement excessif",
        "+      - Dimensionné",
    ]


async def test_a_burst_through_a_dialog_commits_then_goes_on_in_the_tree(
    sample_repo: Path,
) -> None:
    """F5, a message, Enter, Down, all read at once: the message goes into the dialog, the
    commit is made, and Down (sent on once the dialog has closed) moves the tree's cursor."""

    Session.open(sample_repo).set_field(Ref(PLUMBER, "BC07", "C7.1"), "statement", "Dimensionner")
    app = app_for(sample_repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await goto(app, pilot, Ref(PLUMBER, "BC07", "C7.1"))
        read_at_once(app, ["f5", *"Essai", "enter", "down"])
        for _ in range(30):
            await pilot.pause(0.05)
            if app.selected == Ref(PLUMBER, "BC07", "C7.2"):
                break
        assert app.selected == Ref(PLUMBER, "BC07", "C7.2")
        assert not isinstance(app.screen, CommitDialog)
    assert git(sample_repo, "log", "-1", "--format=%s") == "Essai\n"
    assert git(sample_repo, "status", "--porcelain") == ""


async def test_escape_closes_an_open_list_of_choices_before_leaving_the_form(
    sample_repo: Path,
) -> None:
    from textual.widgets import Select

    app = app_for(sample_repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await goto(app, pilot, Ref(PLUMBER, "BC07", "C7.1"))
        select = app.query_one("#f-competency-kind", Select)
        select.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert select.expanded
        await pilot.press("escape")
        await settle(app, pilot)
        assert not select.expanded and app.focused is select
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.focused, Tree)
    assert git(sample_repo, "status", "--porcelain") == ""


async def test_field_is_checked_as_you_type_and_an_invalid_value_is_not_saved(
    sample_repo: Path,
) -> None:
    app = app_for(sample_repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await goto(app, pilot, Ref(PLUMBER, "BC07", "C7.1"))
        field = app.query_one("#f-competency-id", Input)
        field.focus()
        await pilot.press("end", "space", "x")
        await pilot.pause()
        assert field.has_class("-invalid")
        error = str(app.query_one("#err-f-competency-id").render())
        assert "sans espace" in error
        await pilot.press("backspace", "backspace")
        await pilot.pause()
        assert not field.has_class("-invalid")
        await pilot.press("space", "x", "enter")
        await settle(app, pilot)
    assert git(sample_repo, "status", "--porcelain") == ""


async def test_a_value_that_is_not_a_number_is_kept_never_crashes_and_quitting_asks(
    sample_repo: Path,
) -> None:
    block = sample_repo / PLUMBER / "blocks/BC07.yaml"
    before = block.read_bytes()
    app = app_for(sample_repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await goto(app, pilot, Ref(PLUMBER, "BC07"))
        field = app.query_one("#f-block-volume-credits", Input)
        field.focus()
        await pilot.press("a", "b", "c")
        await pilot.pause()
        assert "un nombre est attendu" in str(app.query_one("#err-f-block-volume-credits").render())
        # Tab leaves the field: the value cannot be saved, it stays there with the reason
        await pilot.press("tab")
        await settle(app, pilot)
        assert app.is_running and field.value == "abc"
        assert app.unsaved is not None and app.unsaved.text == "abc"
        assert "non enregistré" in str(app.query_one("#err-f-block-volume-credits").render())
        # commit and release wait for it
        await pilot.press("f5")
        await pilot.pause()
        assert not isinstance(app.screen, CommitDialog)
        # Ctrl+Q asks; "Revenir" keeps the editor open, the second answer quits
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and "« abc »" in app.screen.question
        await pilot.press("right", "enter")
        await pilot.pause()
    assert app.return_code == 0
    assert block.read_bytes() == before


async def test_undo_abandons_what_could_not_be_saved_first(sample_repo: Path) -> None:
    app = app_for(sample_repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await goto(app, pilot, Ref(PLUMBER, "BC07"))
        await replace_text(pilot, app, "f-block-title", "Installer des pompes à chaleur")
        title = (sample_repo / PLUMBER / "blocks/BC07.yaml").read_text(encoding="utf-8")
        field = app.query_one("#f-block-volume-hours", Input)
        field.focus()
        await pilot.press("end", "x", "enter")
        await settle(app, pilot)
        assert app.unsaved is not None
        await pilot.press("ctrl+z")  # the unsaved typing goes first, the saved title stays
        await settle(app, pilot)
        assert app.unsaved is None and "x" not in field.value
        assert (sample_repo / PLUMBER / "blocks/BC07.yaml").read_text(encoding="utf-8") == title
        await pilot.press("ctrl+z")
        await settle(app, pilot)
    assert git(sample_repo, "status", "--porcelain") == ""


async def test_the_footer_shows_whole_keys_that_apply_now(sample_repo: Path) -> None:
    from refkit.tui.footer import FittingFooter

    app = app_for(sample_repo)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await goto(app, pilot, Ref(PLUMBER, "BC07"))

        def shown() -> list[str]:
            keys = app.screen.query_one(FittingFooter).shown_keys()
            width = sum(len(key) + len(does) + 2 for key, does in keys)
            assert width <= 80, "every key shown fits whole"
            return [f"{key} {does}" for key, does in keys]

        in_tree = shown()
        for wanted in ("a Ajouter", "x Supprimer", "m Déplacer", "F5 Enregistrer", "F6 Publier"):
            assert wanted in in_tree
        assert "Échap Arbre" not in in_tree
        app.query_one("#f-block-title").focus()
        await pilot.pause()
        in_field = shown()
        assert in_field[:3] == ["Entrée Valider", "Échap Annuler", "F1 Aide"]
        assert "a Ajouter" not in in_field and "? Aide" not in in_field
    async with app_for(sample_repo).run_test(size=(160, 48)) as pilot:
        keys = pilot.app.screen.query_one(FittingFooter).shown_keys()
        wide = [f"{key} {does}" for key, does in keys]
        for wanted in ("? Aide", "d Dupliquer", "[ ] Ordre", "F3 Historique", "F4 Problèmes"):
            assert wanted in wide


# -- add a competency with two criteria, move it, undo ---------------------------------------------


async def test_add_a_competency_with_two_criteria(sample_repo: Path) -> None:
    app = app_for(sample_repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await goto(app, pilot, Ref(PLUMBER, "BC07"))
        await pilot.press("a")
        await settle(app, pilot)
        new = Ref(PLUMBER, "BC07", "C7.5")
        assert app.selected == new
        await replace_text(
            pilot,
            app,
            "f-competency-statement",
            "Désembouer un circuit de chauffage avant la pose d'une pompe à chaleur",
        )
        # its first criterion was created with it; add a second one
        await goto(app, pilot, Ref(PLUMBER, "BC07", "C7.5", 0))
        await replace_text(
            pilot, app, "f-criterion-text", "Le circuit est rincé jusqu'à une eau claire"
        )
        await goto(app, pilot, new)
        await pilot.press("a")
        await settle(app, pilot)
        assert app.selected == Ref(PLUMBER, "BC07", "C7.5", 1)
        await replace_text(
            pilot, app, "f-criterion-text", "Un filtre magnétique est posé sur le retour"
        )
    text = (sample_repo / BC07).read_text(encoding="utf-8")
    assert text.endswith(
        "  - id: C7.5\n"
        "    statement: Désembouer un circuit de chauffage avant la pose d'une pompe à chaleur\n"
        "    kind: skill\n"
        "    criteria:\n"
        "      - Le circuit est rincé jusqu'à une eau claire\n"
        "      - Un filtre magnétique est posé sur le retour\n"
    )
    assert git(sample_repo, "status", "--porcelain") == f" M {BC07}\n"
    assert (
        subprocess.run(
            [sys.executable, "-m", "refkit", "validate"], cwd=sample_repo, check=False
        ).returncode
        == 0
    )


async def test_move_a_competency_then_undo_and_redo(sample_repo: Path) -> None:
    before = {p: p.read_bytes() for p in (sample_repo / PLUMBER / "blocks").glob("*.yaml")}
    app = app_for(sample_repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await goto(app, pilot, Ref(PLUMBER, "BC07", "C4.5"))
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, MoveDialog)
        options = app.screen.query_one(OptionList)
        index = next(
            i for i in range(options.option_count) if options.get_option_at_index(i).id == "BC04"
        )
        options.highlighted = index
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.selected == Ref(PLUMBER, "BC04", "C4.5")
        assert "id: C4.5" in (sample_repo / PLUMBER / "blocks/BC04.yaml").read_text()
        assert "id: C4.5" not in (sample_repo / BC07).read_text()
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        after_undo = {p: p.read_bytes() for p in (sample_repo / PLUMBER / "blocks").glob("*.yaml")}
        assert after_undo == before  # byte for byte, comments included
        assert app.selected == Ref(PLUMBER, "BC07", "C4.5")
        await pilot.press("ctrl+y")
        await settle(app, pilot)
        assert "id: C4.5" in (sample_repo / PLUMBER / "blocks/BC04.yaml").read_text()


async def test_delete_asks_naming_the_item(sample_repo: Path) -> None:
    app = app_for(sample_repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await goto(app, pilot, Ref(PLUMBER, "BC07", "C7.4"))
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert (
            "Supprimer la compétence « C7.4 Mettre en service une pompe à chaleur"
            in app.screen.question
        )
        await pilot.press("enter")  # the focused answer is "Annuler"
        await settle(app, pilot)
        assert "C7.4" in (sample_repo / BC07).read_text()
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("right", "enter")
        await settle(app, pilot)
        assert "C7.4" not in (sample_repo / BC07).read_text()
        assert app.selected == Ref(PLUMBER, "BC07")


# -- live validation --------------------------------------------------------------------------


async def test_a_problem_appears_then_disappears(sample_repo: Path) -> None:
    app = app_for(sample_repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        # an activity that does not exist: the same rule as refkit validate
        await goto(app, pilot, Ref(PLUMBER, "BC07", "C7.2"))
        await replace_text(pilot, app, "f-competency-activities", "A4, A9")
        problems = app.query_one("#problems", ListView)
        assert len(problems.children) == 1
        text = str(problems.children[0].query_one("Label").render())
        # the message first (it is what a person reads), then the file, line and column
        assert text.startswith("✗ la compétence C7.2 sert l'activité « A9 »")
        assert text.endswith("(BC07.yaml:32:22)")
        node = app.node_of(Ref(PLUMBER, "BC07", "C7.2"))
        assert node is not None and str(node.label).startswith("✗ ")
        # the framework holding it is marked too, and stays marked after a rebuild of its subtree
        fnode = app.node_of(Ref(PLUMBER))
        assert fnode is not None and str(fnode.label).startswith("✗ ")
        # F4 reaches the problems with the first one highlighted; Enter goes to its item and field
        await goto(app, pilot, Ref(PLUMBER, "BC01"))
        await pilot.press("f4")
        assert app.focused is problems and problems.index == 0
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.selected == Ref(PLUMBER, "BC07", "C7.2")
        assert app.focused is app.query_one("#f-competency-activities")
        fnode = app.node_of(Ref(PLUMBER))
        assert fnode is not None and str(fnode.label).startswith("✗ ")
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert len(problems.children) == 0
        node = app.node_of(Ref(PLUMBER, "BC07", "C7.2"))
        assert node is not None and not str(node.label).startswith("✗")
    assert git(sample_repo, "status", "--porcelain") == ""


async def test_a_value_outside_a_list_of_choices_is_shown_and_replaced_never_crashes(
    sample_repo: Path,
) -> None:
    """A typo in a file ("skil") in a field with a list of values: the form shows it, marked,
    with the reason, and the person picks a right one (the list used to refuse it and crash)."""
    path = sample_repo / BC07
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("    kind: skill", "    kind: skil", 1).replace("- type: practical", "- type: pratique", 1),
        encoding="utf-8",
    )  # fmt: skip
    git(sample_repo, "commit", "-qam", "typos")
    app = app_for(sample_repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        problems = app.query_one("#problems", ListView)
        texts = [str(item.query_one("Label").render()) for item in problems.children]
        assert any("« skil »" in t and "(BC07.yaml:24:11)" in t for t in texts), texts
        index = next(i for i, t in enumerate(texts) if "« skil »" in t)
        await pilot.press("f4")
        problems.index = index
        await pilot.press("enter")  # to the item and the field
        await settle(app, pilot)
        assert app.selected == Ref(PLUMBER, "BC07", "C7.1")
        kind = app.query_one("#f-competency-kind", Select)
        assert app.focused is kind and kind.value == "skil"
        error = str(app.query_one("#err-f-competency-kind", Static).render())
        assert (
            error
            == "✗ « skil » n'est pas une des valeurs possibles : choisissez-en une dans la liste"
        )
        kind.value = "skill"  # picked in the list
        await settle(app, pilot)
        assert diff_lines(sample_repo) == ["-    kind: skil", "+    kind: skill"]
        assert str(app.query_one("#err-f-competency-kind", Static).render()) == ""
        assert len(kind.offered) == 3  # the odd value is no longer offered (3 values)
        screen = await open_records(app, pilot, Ref(PLUMBER, "BC07"), "modalities")
        assert screen.query_one("#r-type", Select).value == "pratique"
        assert "« pratique »" in str(screen.query_one("#err-r-type", Static).render())
        screen.query_one("#r-type", Select).value = "practical"
        await settle(app, pilot)
        assert "- type: practical\n" in path.read_text(encoding="utf-8")


async def test_texts_with_brackets_are_shown_as_written(sample_repo: Path) -> None:
    """The frameworks' texts are never read as markup: "[NF C 15-100]" stays, "[a, b]" never
    makes rendering fail, "[b]" is not bold."""
    statement = "Lire un schéma [NF C 15-100] selon [a, b] et [b]gras[/b]"
    app = app_for(sample_repo)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        ref = Ref(PLUMBER, "BC07", "C7.2")
        await goto(app, pilot, ref)
        await replace_text(pilot, app, "f-competency-statement", statement)
        assert f"+    statement: {statement}" in diff_lines(sample_repo)
        node = app.node_of(ref)
        assert node is not None and str(node.label) == f"~ C7.2 {statement}"  # ~: changed
        status = str(app.query_one("#status").render())
        assert status.startswith("Énoncé de C7.2 : enregistré")
        app.query_one("#tree", Tree).focus()
        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        question = str(app.screen.query_one(".message", Static).render())
        assert statement in question
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.is_running


WEIRD_TEXTS = [
    "[/]", "[link=https://x]lien[/link]", "[b]gras", "\x1b[31mrouge", "a\tb", "é" * 300,
    "<ins>x</ins> <del>y</del>", "&amp; &lt;", "🔧 pompe 🔥", "x\\", "[[double]]", ":emoji:",
]  # fmt: skip


async def test_odd_texts_never_break_a_screen(sample_repo: Path) -> None:
    """Markup-like, escape, control and very long texts, written into statements and criteria,
    shown in the tree, the forms, the changes view (with word diffs), the commit and release
    dialogs and the history: every screen draws them as written."""
    app = app_for(sample_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        fw = app.session.framework(PLUMBER)
        comps = [(b.id, c.id) for b in fw.blocks for c in b.competencies]
        for (bid, cid), text in zip(comps, WEIRD_TEXTS, strict=False):
            app.session.set_field(Ref(PLUMBER, bid, cid), "statement", text)
            app.session.set_field(Ref(PLUMBER, bid, cid, 0), "text", text)
        app.item_tree.rebuild()
        app.refresh_markers()
        await settle(app, pilot)
        tree = app.query_one("#tree", Tree)
        stack = [node for node in tree.root.children if node.data == Ref(PLUMBER)]
        while stack:
            node = stack.pop(0)
            if node.data is not None and node.data.kind != "framework":
                app.item_tree.fill(node)
            stack.extend(node.children)
            app.show_item(node.data)
            await pilot.pause()
        app.show_item(Ref(PLUMBER))
        for key in ("f2", "f5", "f3", "f6"):
            tree.focus()
            await pilot.press(key)
            await settle(app, pilot)
            shown = " ".join(str(w.render()) for w in app.screen.query("Static"))
            if key == "f2":
                assert "\x1b[31mrouge" in shown and "[link=https://x]lien[/link]" in shown
            await pilot.press("escape")
            await pilot.pause()
        assert app.is_running


# -- commit and release ------------------------------------------------------------------------


async def test_commit_is_refused_with_errors_then_made(sample_repo: Path) -> None:
    app = app_for(sample_repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await goto(app, pilot, Ref(PLUMBER, "BC07", "C7.2"))
        await replace_text(pilot, app, "f-competency-activities", "A4, A9")
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, CommitDialog)
        assert app.screen.query_one("#yes").disabled
        await pilot.press(*"essai", "enter")
        await pilot.pause()
        assert "corrigez d'abord" in str(app.screen.query_one("#error").render())
        await pilot.press("escape")
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        await goto(app, pilot, Ref(PLUMBER, "BC07", "C7.2"))
        await replace_text(
            pilot,
            app,
            "f-competency-statement",
            "Installer et raccorder une pompe à chaleur air/eau et son module hydraulique",
        )
        await pilot.press("f5")
        await pilot.pause()
        changed = str(app.screen.query_one("#changed").render())
        assert "modifiée C7.2" in changed
        await pilot.press(*"Reformulation de C7.2", "enter")
        await settle(app, pilot)
    assert git(sample_repo, "log", "-1", "--format=%s").strip() == "Reformulation de C7.2"
    assert git(sample_repo, "status", "--porcelain") == ""


async def test_release_proposes_the_version(sample_repo: Path) -> None:
    app = app_for(sample_repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await goto(app, pilot, Ref(PLUMBER, "BC07"))
        await pilot.press("a")
        await settle(app, pilot)
        await replace_text(
            pilot, app, "f-competency-statement", "Contrôler l'étanchéité du circuit frigorifique"
        )
        await pilot.press("f5")
        await pilot.pause()
        await pilot.press(*"Ajout de C7.5", "enter")
        await settle(app, pilot)
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, ReleaseDialog)
        shown = str(app.screen.query_one(".message").render())
        assert "Version proposée : 2.1.0" in shown and "mineure" in shown
        await pilot.press(*"Contrôle d'étanchéité", "enter")
        await settle(app, pilot)
    assert "plombier-chauffagiste/v2.1.0" in git(sample_repo, "tag", "--list")
    assert "version: 2.1.0" in (sample_repo / PLUMBER / "framework.yaml").read_text()
    assert git(sample_repo, "status", "--porcelain") == ""


# -- the files on disk -----------------------------------------------------------------------


async def test_a_file_changed_elsewhere_is_offered_for_reload_never_overwritten(
    sample_repo: Path,
) -> None:
    app = app_for(sample_repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await goto(app, pilot, Ref(PLUMBER, "BC07", "C7.1"))
        path = sample_repo / BC07
        theirs = path.read_text(encoding="utf-8").replace(
            "statement: Dimensionner", "statement: Calculer", 1
        )
        path.write_text(theirs, encoding="utf-8")
        app.check_disk()  # what the editor does every two seconds
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert BC07 in app.screen.question
        await pilot.press("right", "enter")
        await settle(app, pilot)
        assert app.query_one("#f-competency-statement").value.startswith("Calculer")
        # an edit made before the editor noticed another change is refused: theirs is kept
        again = theirs.replace("statement: Calculer", "statement: Estimer", 1)
        path.write_text(again, encoding="utf-8")
        await replace_text(pilot, app, "f-competency-statement", "Mon énoncé")
        assert path.read_text(encoding="utf-8") == again
        # what was typed is not lost either: it stays in the field, with the reason
        field = app.query_one("#f-competency-statement")
        assert field.value == "Mon énoncé"
        assert app.unsaved is not None and "modifié hors de l'éditeur" in app.unsaved.reason
        error = str(app.query_one("#err-f-competency-statement", Static).render())
        assert error.startswith("✗ non enregistré")
        # quitting now asks first
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and "Mon énoncé" in app.screen.question
        await pilot.press("enter")  # "Revenir", the safe answer, has the focus
        await pilot.pause()
        assert app.is_running and not isinstance(app.screen, ConfirmDialog)
        # reloading shows their text, and offers what was typed again, on it
        app.action_reload()
        await settle(app, pilot)
        assert app.unsaved is None
        assert app.query_one("#f-competency-statement").value.startswith("Estimer")
        assert isinstance(app.screen, ConfirmDialog)
        assert "« Mon énoncé »" in app.screen.question and "« Estimer" in app.screen.question
        await pilot.press("right", "enter")  # Remplacer par ma saisie
        await settle(app, pilot)
    assert "    statement: Mon énoncé\n" in path.read_text(encoding="utf-8")


async def test_an_edit_to_a_block_with_conflict_markers_is_refused_never_shown_as_saved(
    sample_repo: Path,
) -> None:
    """Another program writes merge-conflict markers into BC07.yaml while the editor is open; the
    editor reloads. Editing BC07's title, adding a competency to it or moving one into it is
    refused with the reason: the file is left as it is, the tree and the model show what the
    file holds, and the reload offered next is true to what was saved."""
    app = app_for(sample_repo)
    path = sample_repo / BC07
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await goto(app, pilot, Ref(PLUMBER, "BC07"))
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        title = next(i for i, line in enumerate(lines) if line.startswith("title:"))
        theirs = "".join(
            [*lines[:title], "<<<<<<< HEAD\n", lines[title], "=======\n", "title: Autre\n",
             ">>>>>>> branche\n", *lines[title + 1 :]]
        )  # fmt: skip
        path.write_text(theirs, encoding="utf-8")
        app.check_disk()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("right", "enter")  # Recharger
        await settle(app, pilot)
        await goto(app, pilot, Ref(PLUMBER, "BC07"))
        label_before = str(app.node_of(Ref(PLUMBER, "BC07")).label)
        assert "fichier illisible" in str(app.query_one("#item-title").render())
        await replace_text(pilot, app, "f-block-title", "Un titre qui ne sera pas perdu")
        assert path.read_text(encoding="utf-8") == theirs
        assert app.unsaved is not None and "ne peut pas être lu" in app.unsaved.reason
        assert "ligne 6" in app.unsaved.reason
        error = str(app.query_one("#err-f-block-title", Static).render())
        assert error.startswith("✗ non enregistré")
        assert app.session.get(Ref(PLUMBER, "BC07")).title == ""
        assert str(app.node_of(Ref(PLUMBER, "BC07")).label) == label_before
        # operations on the block are refused the same way, naming the file
        for operation in (
            lambda: app.session.add(Ref(PLUMBER, "BC07")),
            lambda: app.session.move(Ref(PLUMBER, "BC04", "C4.1"), "BC07"),
        ):
            with pytest.raises(RefkitError, match=r"BC07\.yaml ne peut pas être lu"):
                operation()
        assert path.read_text(encoding="utf-8") == theirs
        assert app.session.exists(Ref(PLUMBER, "BC04", "C4.1"))
        assert git(sample_repo, "status", "--porcelain").splitlines() == [f" M {BC07}"]
        # the conflict resolved outside: the reload shows the file, and the edit now saves
        path.write_text(theirs.replace("<<<<<<< HEAD\n", "").split("=======\n")[0]
                        + theirs.split(">>>>>>> branche\n")[1], encoding="utf-8")  # fmt: skip
        # noticed with the focus still in the refused field: the reload is offered there
        assert app.focused is app.query_one("#f-block-title")
        app.check_disk()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "Un titre qui ne sera pas perdu" not in app.screen.question
        assert "proposée à nouveau" in app.screen.question
        await pilot.press("right", "enter")  # Recharger
        await settle(app, pilot)
        assert git(sample_repo, "status", "--porcelain") == ""
        # what was typed and refused is offered again on the file as it is now
        assert isinstance(app.screen, ConfirmDialog)
        assert "« Un titre qui ne sera pas perdu »" in app.screen.question
        await pilot.press("right", "enter")
        await settle(app, pilot)
        assert app.unsaved is None
    assert diff_lines(sample_repo)[-1] == "+title: Un titre qui ne sera pas perdu"


async def test_quitting_saves_the_field_being_typed(sample_repo: Path) -> None:
    app = app_for(sample_repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await goto(app, pilot, Ref(PLUMBER, "BC07", "C7.3"))
        field = app.query_one("#f-competency-notes")
        field.focus()
        await pilot.press(*"Attestation de catégorie I")
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert "notes: Attestation de catégorie I" in (sample_repo / BC07).read_text()


async def test_a_check_replaced_just_as_its_process_ends_never_crashes(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A newer check cancels the running one; when its process had just ended by itself, ending
    it raised ProcessLookupError and closed the editor (seen in a real terminal)."""
    import asyncio.subprocess

    def gone(self) -> None:  # type: ignore[no-untyped-def]
        raise ProcessLookupError

    monkeypatch.setattr(asyncio.subprocess.Process, "kill", gone)
    app = app_for(sample_repo)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        for _ in range(3):
            app.refresh_markers()  # each cancels the one before
            await pilot.pause(0.05)
        await workers_done(app)  # (the cancelled ones cannot be awaited)
        await pilot.pause()
        assert app.is_running
        assert "Problèmes : aucun" in str(app.query_one("#problems").border_title)


async def test_closing_while_a_check_runs_leaves_no_process_behind(sample_repo: Path) -> None:
    """Textual cancels the workers as it closes without waiting for them: the check's process
    is ended and reaped all the same (a process left running failed a later test on CI)."""
    import gc

    app = app_for(sample_repo)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.refresh_markers()
        await pilot.pause(0.05)
        proc = app.check_process
        assert proc is not None and proc.returncode is None  # running as the editor closes
    assert proc.returncode is not None  # ended and reaped
    gc.collect()  # a process object left unreaped warns here (an error under pytest)


async def test_a_check_cancelled_while_its_process_starts_leaves_no_process_behind(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a loaded machine a process takes a while to start: a check cancelled then (a newer
    check, or the editor closing) still ends and reaps its process (CI saw one left running)."""
    import asyncio
    import gc

    started: list[asyncio.subprocess.Process] = []
    real = asyncio.create_subprocess_exec

    async def slow_start(*args, **kwargs):  # type: ignore[no-untyped-def]
        proc = await real(*args, **kwargs)
        started.append(proc)
        await asyncio.sleep(0.3)  # the process runs; its starter has not returned yet
        return proc

    monkeypatch.setattr(asyncio, "create_subprocess_exec", slow_start)
    app = app_for(sample_repo)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.1)
        app.refresh_markers()  # cancels the first check while its process starts
        await pilot.pause(0.1)
        app.refresh_markers()
        await pilot.pause(0.05)
    assert len(started) >= 2
    assert all(proc.returncode is not None for proc in started), [
        (p.pid, p.returncode) for p in started
    ]  # every one ended and reaped
    gc.collect()  # a process object left unreaped warns here (an error under pytest)


async def test_help_and_palette(sample_repo: Path) -> None:
    app = app_for(sample_repo)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        text = str(app.screen.query("Static").first().render())
        assert "a : ajouter" in text and "F5 : enregistrer" in text
        assert "[ et ] : monter ou descendre" in text
        await pilot.press("escape")
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for wanted in (
            "Voir les changements",
            "Publier une version",
            "Annuler",
            "Supprimer l'élément",
            "Dupliquer l'élément",
            "Quitter",
        ):
            assert wanted in titles
        # the palette speaks French only: Textual's own commands are for developers
        assert not {"Theme", "Keys", "Quit", "Screenshot", "Maximize"} & set(titles)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert app.screen.query_one("CommandInput").placeholder == "Chercher une commande…"


def test_no_color_is_respected(sample_repo: Path) -> None:
    code = (
        "import asyncio\nfrom refkit.edit import Session\nfrom refkit.tui import make_app\n"
        "async def main():\n"
        "    app = make_app()\n"
        "    async with app.run_test() as pilot:\n"
        "        print(app.no_color, any(type(f).__name__ in ('Monochrome', 'NoColor') for f in app.get_line_filters()))\n"
        "asyncio.run(main())\n"
    )
    for env, expected in (({"NO_COLOR": "1"}, "True True"), ({}, "False False")):
        base = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
        out = subprocess.run(
            [sys.executable, "-c", code],
            cwd=sample_repo,
            env={**base, **env},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert out.strip().splitlines()[-1] == expected


def test_only_the_tui_imports_textual() -> None:
    root = Path(__file__).resolve().parent.parent / "refkit"
    offenders = []
    for path in root.rglob("*.py"):
        rel = path.relative_to(root).as_posix()
        if rel.startswith("tui/"):
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"^\s*(from|import)\s+textual\b", text, re.M):
            offenders.append(rel)
    assert offenders == []


# -- lists of records: working group, activities, modalities... ----------------------------------


async def open_records(app: EditorApp, pilot, ref: Ref, name: str):
    from refkit.tui.records import RecordsScreen

    await goto(app, pilot, ref)
    button = app.query_one(f"#records-{ref.kind}-{name.replace('.', '-')}")
    button.focus()
    await pilot.press("enter")
    await settle(app, pilot)
    assert isinstance(app.screen, RecordsScreen)
    return app.screen


async def test_a_member_of_the_working_group_is_added_and_named(sample_repo: Path) -> None:
    fw_file = sample_repo / PLUMBER / "framework.yaml"
    app = app_for(sample_repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await goto(app, pilot, Ref(PLUMBER))
        summary = str(app.query_one("#records-framework-working_group").label)
        assert summary.startswith(
            "5 membres : Fédération régionale des entreprises du génie climatique"
        )
        screen = await open_records(app, pilot, Ref(PLUMBER), "working_group")
        screen.query_one("#records", ListView).index = 4
        await pilot.press("a")  # after the last member
        await settle(app, pilot)
        assert screen.index == 5
        field = screen.query_one("#r-organisation", Input)
        assert field.value == "Nouvelle organisation"
        field.focus()
        field.value = ""
        await pilot.press(*"OPCO de la construction", "enter")
        await settle(app, pilot)
        await pilot.press("escape", "escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, type(screen))
        summary = str(app.query_one("#records-framework-working_group").label)
        assert summary.startswith("6 membres : ")
    text = fw_file.read_text(encoding="utf-8")
    assert (
        "    role: rédaction des critères d'évaluation\n"
        "  - organisation: OPCO de la construction\n"
        "validity:\n"
    ) in text
    # the comments at the top of the file are still there
    assert text.startswith("# yaml-language-server")


async def test_a_list_of_records_has_its_own_help_and_keys(sample_repo: Path) -> None:
    """F1 in a list explains the list; the editor's F5 (commit) does not open over it."""
    from refkit.tui.dialogs import HelpScreen
    from refkit.tui.footer import FittingFooter

    app = app_for(sample_repo)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = await open_records(app, pilot, Ref(PLUMBER), "working_group")
        # the footer at the bottom is the list's, with its keys, covering the editor's
        shown = [key for key, _ in screen.query_one(FittingFooter).shown_keys()]
        assert shown[:3] == ["a", "x", "[ ]"] and "F5" not in shown
        await pilot.press("f5")
        await settle(app, pilot)
        assert app.screen is screen
        await pilot.press("f1")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query("Static").first().render())
        assert "a : ajouter · x ou Suppr : supprimer" in text
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is screen


async def test_an_activity_renamed_is_renamed_where_competencies_cite_it(sample_repo: Path) -> None:
    app = app_for(sample_repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        screen = await open_records(app, pilot, Ref(PLUMBER), "activities")
        listing = screen.query_one("#records", ListView)
        listing.index = 3  # A4
        await pilot.pause()
        field = screen.query_one("#r-id", Input)
        assert field.value == "A4"
        field.focus()
        await pilot.press("backspace", "A", "9", "enter")
        await settle(app, pilot)
        # an invalid id is refused, kept in the field, said under it
        await pilot.press("backspace", "space", "9", "enter")
        await settle(app, pilot)
        assert field.value == "A 9"
        assert "non enregistré" in str(screen.query_one("#err-r-id").render())
        await pilot.press("left", "backspace", "enter")
        await pilot.press("escape", "escape")
        await settle(app, pilot)
    fw = (sample_repo / PLUMBER / "framework.yaml").read_text(encoding="utf-8")
    assert "  - id: A9\n    title: Installer les équipements de chauffage à eau chaude\n" in fw
    bc07 = (sample_repo / BC07).read_text(encoding="utf-8")
    assert "A9" in bc07 and "A4" not in bc07
    assert git(sample_repo, "diff", "--stat").count("|") >= 2
    result = subprocess.run(
        [sys.executable, "-m", "refkit", "validate"],
        cwd=sample_repo,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


async def test_modalities_of_a_block_added_moved_deleted_and_undone(sample_repo: Path) -> None:
    before = (sample_repo / BC07).read_bytes()
    app = app_for(sample_repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        screen = await open_records(app, pilot, Ref(PLUMBER, "BC07"), "modalities")
        assert len(screen.query_one("#records", ListView).children) == 2
        await pilot.press("a")
        await settle(app, pilot)
        kind = screen.query_one("#r-type")
        assert kind.value == "practical"
        hours = screen.query_one("#r-hours", Input)
        hours.focus()
        await pilot.press(*"1,5", "enter")
        await settle(app, pilot)
        text = (sample_repo / BC07).read_text(encoding="utf-8")
        assert "  - type: practical\n    hours: 1.5\n" in text
        assert screen.index == 1  # added after the selected one
        screen.query_one("#records", ListView).focus()
        await pilot.press("right_square_bracket")  # down: after the written test
        await settle(app, pilot)
        assert screen.index == 2
        assert (sample_repo / BC07).read_text(encoding="utf-8").index("type: written") < (
            sample_repo / BC07
        ).read_text(encoding="utf-8").index("hours: 1.5")
        await pilot.press("x")
        await settle(app, pilot)
        assert len(screen.query_one("#records", ListView).children) == 2
        # Ctrl+Z for each of the four changes: the list follows, the file comes back byte for byte
        for _ in range(4):
            await pilot.press("ctrl+z")
            await settle(app, pilot)
        assert len(screen.query_one("#records", ListView).children) == 2
    assert (sample_repo / BC07).read_bytes() == before


# -- bad input ----------------------------------------------------------------------------------

INVALID = sorted(p.name for p in (Path(__file__).parent / "fixtures" / "invalid").iterdir())


@pytest.mark.parametrize("name", INVALID)
async def test_every_invalid_fixture_opens_and_every_item_and_problem_shows(
    name: str, tmp_path: Path
) -> None:
    """Bad input never crashes the editor: on each invalid fixture, every item of the tree is
    shown in its form, the changes, history, commit and release dialogs open and close, and the
    problems of the panel are followed to their item and field."""
    from tests.conftest import copy_fixture, make_git_repo

    root = make_git_repo(copy_fixture("invalid", name, tmp_path))
    app = app_for(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        tree = app.query_one("#tree", Tree)
        stack = list(tree.root.children)
        shown = 0
        while stack:
            node = stack.pop(0)
            if node.data is not None and node.data.kind != "framework":
                app.item_tree.fill(node)  # its children, as opening it does
            stack.extend(node.children)
            app.show_item(node.data)  # its form filled, then drawn
            await pilot.pause()
            shown += 1
        assert shown >= 1
        for key in ("f2", "f3", "f5", "f6"):  # changes, history, commit, release: each opens
            app.query_one("#tree", Tree).focus()
            await pilot.press(key)
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
        problems = app.query_one("#problems", ListView)
        assert len(problems.children) >= 1
        for i in range(min(len(problems.children), 4)):  # (the first ones: time)
            problems.focus()
            problems.index = i
            await pilot.press("enter")
            await pilot.pause()
            app.query_one("#tree", Tree).focus()
            await pilot.pause()
        assert app.is_running
    assert git(root, "status", "--porcelain") == ""  # looking changed nothing


async def test_lists_of_records_of_an_unreadable_framework_are_refused_not_opened(
    tmp_path: Path,
) -> None:
    from refkit.tui.records import RecordsScreen
    from tests.conftest import copy_fixture, make_git_repo

    root = make_git_repo(copy_fixture("invalid", "missing-framework-file", tmp_path))
    app = app_for(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        button = app.query_one("#records-framework-activities")
        button.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.is_running and not isinstance(app.screen, RecordsScreen)
        said = list(app.notices)
        assert any("framework.yaml est illisible" in m for m in said), said


# -- search and replace (issue 15) ----------------------------------------------------------------


async def test_search_by_words_goes_to_the_item_then_n_and_shift_n_step_through(
    sample_repo: Path,
) -> None:
    from refkit.tui.search import SearchScreen

    app = app_for(sample_repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"reseaux d")
        app.screen.query_one("#query", Input).insert_text_at_cursor("’evac")  # as a paste
        await pilot.pause()
        assert app.screen.query_one("#query", Input).value == "reseaux d’evac"
        assert str(app.screen.query_one("#count").render()) == "1 résultat"
        await pilot.press("x")
        await pilot.pause()
        assert "aucun résultat" in str(app.screen.query_one("#count").render())
        app.screen.query_one("#query", Input).value = "reseau d'evac"  # "réseau" and "réseaux"
        await pilot.pause()
        hits = [h.ident for h in app.screen.hits]
        assert hits[:3] == ["BC03", "C3.1", "C3.2"]
        await pilot.press("down", "enter")  # the second result
        await settle(app, pilot)
        assert not isinstance(app.screen, SearchScreen)
        assert app.selected == Ref(PLUMBER, "BC03", "C3.1")
        assert app.query_one("#tree", Tree).cursor_node.data == Ref(PLUMBER, "BC03", "C3.1")
        assert "résultat 2 sur" in str(app.query_one("#status").render())
        await pilot.press("n")
        await settle(app, pilot)
        assert app.selected == Ref(PLUMBER, "BC03", "C3.2")
        await pilot.press("N", "N")
        await settle(app, pilot)
        assert app.selected == Ref(PLUMBER, "BC03")
        # an id typed whole comes first; Ctrl+F searches from a field too
        await goto(app, pilot, Ref(PLUMBER, "BC07", "C7.1"))
        app.query_one("#f-competency-statement").focus()
        await pilot.pause()
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        app.screen.query_one("#query", Input).value = "c4.5"
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.selected == Ref(PLUMBER, "BC07", "C4.5")


async def test_find_and_replace_previews_then_saves_one_undo_step(sample_repo: Path) -> None:
    from refkit.tui.search import ReplaceScreen

    app = app_for(sample_repo)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await goto(app, pilot, Ref(PLUMBER, "BC04"))
        await pilot.press("ctrl+r")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReplaceScreen)
        assert "Plombier-chauffagiste" in str(screen.query_one(Static).render())
        await pilot.press(*"CHAUDIÈRE")
        await pilot.press("enter", *"générateur")
        await pilot.pause()
        count = str(screen.query_one("#count").render())
        assert count.startswith("3 remplacements dans 3 textes de 1 bloc")
        preview = screen.query_one("#preview", OptionList)
        first = str(preview.get_option_at_index(0).prompt)
        assert first.startswith("BC04 › description : Poser et raccorder la chaudièregénérateur,")
        await pilot.press("enter")  # Remplacer (3)
        await settle(app, pilot)
        assert not isinstance(app.screen, ReplaceScreen)
        assert "remplacé par « générateur »" in str(app.query_one("#status").render())
        lines = diff_lines(sample_repo)
        assert len(lines) == 6
        assert [x for x in lines if x.startswith("+")] == [
            line.replace("-", "+", 1).replace("chaudière", "générateur")
            for line in lines
            if line.startswith("-")
        ]
        await pilot.press("ctrl+z")
        await settle(app, pilot)
    assert git(sample_repo, "status", "--porcelain") == ""


async def test_the_command_palette_finds_items_and_offers_the_search(sample_repo: Path) -> None:
    """Ctrl+P then "BC07": the block is offered and Enter goes to it (the palette answered "No
    matches found"); words with no item end on "Rechercher « ... »", never an empty list."""
    from textual.command import CommandPalette

    from refkit.tui.search import SearchScreen

    app = app_for(sample_repo)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"BC07")
        await pilot.pause(0.6)
        options = app.screen.query_one("CommandList", OptionList)
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any(line.startswith("BC07 Installer, mettre en service") for line in shown), shown
        assert not any("No matches" in line for line in shown)
        first = next(i for i, line in enumerate(shown) if line.startswith("BC07 "))
        options.highlighted = first
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.selected == Ref(PLUMBER, "BC07")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"zzz")
        await pilot.pause(0.6)
        options = app.screen.query_one("CommandList", OptionList)
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert shown[-1].startswith("Rechercher « zzz » dans les textes"), shown
        options.highlighted = options.option_count - 1
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        assert app.screen.query_one("#query", Input).value == "zzz"


# -- reading (issue 15) ---------------------------------------------------------------------------


async def test_the_item_is_read_whole_from_the_tree_and_tab_goes_to_its_form(
    sample_repo: Path,
) -> None:
    """At 80x24, the cursor on BC07: its title, modalities, competencies and criteria read
    whole and wrapped; Tab: the form; Escape: the reading again. The tree tells BC04 from BC07
    (both titles start "Installer, mettre en service et entretenir une")."""
    from refkit.tui.reading import ReadingPane

    app = app_for(sample_repo)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await goto(app, pilot, Ref(PLUMBER, "BC07"))
        await settle(app, pilot)
        pane = app.query_one("#reading", ReadingPane)
        assert pane.display and not app.query_one("#form-block").display
        shown = pane.plain()
        assert max(len(line) for line in shown.splitlines()) < 40  # wrapped, not cut
        shown = " ".join(shown.split())
        assert (
            "BC07 Installer, mettre en service et entretenir une pompe à chaleur air/eau" in shown
        )
        assert "140 h · obligatoire · prérequis : BC04" in shown
        assert "mise en situation professionnelle (7 h)" in shown
        assert "C7.1 Dimensionner une pompe à chaleur air/eau à partir des déperditions" in shown
        labels = {
            str(n.label).split(" ", 1)[0]: str(n.label) for n in app.node_of(Ref(PLUMBER)).children
        }
        width = app.query_one("#tree", Tree).scrollable_content_region.width - 4
        assert labels["BC04"][:width] != labels["BC07"][:width].replace("BC07", "BC04")
        assert "pompe à chaleur" in labels["BC07"][:width]
        await pilot.press("tab")
        await settle(app, pilot)
        assert not pane.display and app.query_one("#form-block").display
        assert app.focused is app.query_one("#f-block-id", Input)
        await pilot.press("escape")
        await settle(app, pilot)
        assert pane.display and isinstance(app.focused, Tree)
        await pilot.press("right", "down")  # open BC07, then C7.1: the competency read whole
        await settle(app, pilot)
        await pilot.pause(0.2)
        await settle(app, pilot)
        assert app.selected == Ref(PLUMBER, "BC07", "C7.1")
        text = " ".join(pane.plain().split())
        assert "– La puissance retenue couvre les déperditions à la température de base" in text


# -- paste, Escape, the cursor in a field (issue 15) ---------------------------------------------

SHEET = (
    "Poser les capteurs de la régulation\tsavoir-faire\tA4\tLes sondes sont posées selon la notice\n"
    "Paramétrer la loi d'eau\tsavoir-faire\tA4\tLa courbe de chauffe est réglée\n"
    "Expliquer le fonctionnement au client\tsavoir-être\tA4\tLe client sait régler la consigne\n"
)


async def test_rows_pasted_on_a_block_are_previewed_then_added_as_one_undo_step(
    sample_repo: Path,
) -> None:
    from textual import events

    from refkit.tui.paste import PasteScreen

    app = app_for(sample_repo)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await goto(app, pilot, Ref(PLUMBER, "BC07"))
        app.query_one("#tree", Tree).post_message(events.Paste(SHEET))
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, PasteScreen)
        assert [str(screen.query_one(f"#col-{i}", Select).value) for i in range(4)] == [
            "statement", "kind", "activities", "criteria",
        ]  # fmt: skip
        preview = screen.query_one("#preview", OptionList)
        first = str(preview.get_option_at_index(0).prompt)
        assert first.startswith(
            "C7.5 Poser les capteurs de la régulation  (savoir-faire · A4 · 1 critère)"
        )
        assert "Ajouter 3 compétences" in str(screen.query_one("#yes", Button).label)
        await pilot.press("enter")  # the focus is on "Ajouter"
        await settle(app, pilot)
        assert not isinstance(app.screen, PasteScreen)
        assert app.selected == Ref(PLUMBER, "BC07", "C7.5")
        text = (sample_repo / BC07).read_text(encoding="utf-8")
        assert (
            "  - id: C7.7\n    statement: Expliquer le fonctionnement au client\n    kind: attitude\n"
            in text
        )
        assert "\t" not in text
        await pilot.press("ctrl+z")
        await settle(app, pilot)
    assert git(sample_repo, "status", "--porcelain") == ""


async def test_rows_pasted_into_a_statement_are_never_saved_with_tabs_or_line_breaks(
    sample_repo: Path,
) -> None:
    from textual import events

    from refkit.tui.paste import PasteScreen

    app = app_for(sample_repo)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await goto(app, pilot, Ref(PLUMBER, "BC07", "C7.1"))
        await pilot.press("tab", "tab")
        field = app.query_one("#f-competency-statement")
        assert app.focused is field
        field.post_message(events.Paste(SHEET))
        await settle(app, pilot)
        assert isinstance(app.screen, PasteScreen)  # three rows: offered as competencies
        await pilot.press("escape")
        await settle(app, pilot)
        assert field.value.startswith("Dimensionner une pompe")  # nothing inserted
        # as a terminal sends a paste: its line breaks as CR (tmux did; the rows were joined)
        field.post_message(events.Paste(SHEET.replace("\n", "\r")))
        await settle(app, pilot)
        assert isinstance(app.screen, PasteScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert field.value.startswith("Dimensionner une pompe")
        field.post_message(events.Paste("Poser les capteurs\tskill\tA4"))  # one row
        await settle(app, pilot)
        assert field.value.endswith("Poser les capteurs skill A4")
        await pilot.press("enter")
        await settle(app, pilot)
    saved = (sample_repo / BC07).read_text(encoding="utf-8")
    assert "\t" not in saved and "Poser les capteurs skill A4" in saved


async def test_arriving_in_a_field_selects_nothing_and_escape_gives_up_the_typing(
    sample_repo: Path,
) -> None:
    """Tab into the statement: the cursor at its end, nothing selected (a stray key replaced
    the whole statement); Escape: what was typed is given up, the file is untouched, the tree
    has the focus. A new item's text is selected, so that typing replaces it."""
    app = app_for(sample_repo)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await goto(app, pilot, Ref(PLUMBER, "BC07", "C7.1"))
        await pilot.press("tab", "tab")
        field = app.query_one("#f-competency-statement")
        saved = field.value
        await pilot.press("x")
        assert field.value == saved + "x"
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.focused, Tree)
        assert field.value == saved
        assert "saisie annulée" in str(app.query_one("#status").render())
        assert git(sample_repo, "status", "--porcelain") == ""
        # a field that could not be saved: Escape gives it up too
        await pilot.press("tab", "tab")
        field.value = ""
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.unsaved is not None
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.unsaved is None and field.value == saved
        # a new competency: its placeholder statement is selected, typing replaces it
        await goto(app, pilot, Ref(PLUMBER, "BC07"))
        await pilot.press("a")
        await settle(app, pilot)
        assert app.selected == Ref(PLUMBER, "BC07", "C7.5")
        await pilot.press("tab", "tab")
        await pilot.press(*"Poser")
        assert app.query_one("#f-competency-statement").value == "Poser"


# -- certification rules (issue 15) ---------------------------------------------------------------


async def test_a_block_outside_the_rules_opens_the_certification_screen_on_it(
    sample_repo: Path,
) -> None:
    """BC06 taken out of its elective group: the problem "neither required nor in an elective
    group" (reported in BC06.yaml) opens the certification rules on BC06, not BC06's form;
    choosing "au choix : E1" there puts it back (a one-line diff of framework.yaml)."""
    from refkit.tui.certification import CertificationScreen

    fw_file = sample_repo / PLUMBER / "framework.yaml"
    before = fw_file.read_text(encoding="utf-8")
    session = Session.open(sample_repo)
    session.set_block_place(PLUMBER, "BC06", None)
    assert fw_file.read_text(encoding="utf-8") != before
    app = app_for(sample_repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        app.refresh_markers()
        await settle(app, pilot)
        problems = app.query_one("#problems", ListView)
        index = next(i for i, p in enumerate(app.problems) if p.rule == "block-not-certified")
        assert app.problems[index].file.endswith("blocks/BC06.yaml")
        await pilot.press("f4")
        problems.index = index
        await pilot.press("enter")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CertificationScreen)
        select = screen.query_one("#place-BC06", Select)
        assert screen.focused is select and select.value == "-"
        select.value = "E1"
        await settle(app, pilot)
        assert fw_file.read_text(encoding="utf-8") == before
        assert (
            str(screen.query_one("#volume").render())
            .replace("\u00a0", " ")
            .startswith("Volume : obligatoires 840 h + au choix au moins 70 h = 910 h")
        )
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, CertificationScreen)
        # from the tree, c opens it too, on the selected block
        await goto(app, pilot, Ref(PLUMBER, "BC05"))
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CertificationScreen)
        assert app.screen.focused is app.screen.query_one("#place-BC05", Select)


# -- release: what decides the bump, a lower one with its reason, the correspondence (issue 15) --


async def test_release_names_the_cause_takes_a_lower_bump_with_its_reason_and_the_table(
    sample_repo: Path,
) -> None:
    """C2.5 moved from BC02 to BC03: the dialog says the move decides a major release, shows
    the correspondence table (BC02 split), refuses to publish until the group has checked it,
    and takes a minor release once the group says why; both are recorded."""
    session = Session.open(sample_repo)
    session.move(Ref(PLUMBER, "BC02", "C2.5"), "BC03")
    app = app_for(sample_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await goto(app, pilot, Ref(PLUMBER))
        await pilot.press("f6")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReleaseDialog)
        shown = str(screen.query_one("#proposal").render())
        assert (
            "Version proposée : 3.0.0 (majeure) parce que : compétence C2.5 déplacée de BC02 vers BC03"
            in shown
        )
        table = str(screen.query_one("#table").render())
        assert "BC02 → BC02, BC03 réparti" in table
        assert "équivalents, inchangés" in table
        screen.query_one("#message", Input).value = "C2.5 rejoint le bloc des évacuations"
        await pilot.click("#yes")
        await settle(app, pilot)
        assert "cochez que le groupe a vérifié le tableau" in str(
            screen.query_one("#error").render()
        )
        screen.query_one("#bump", Select).value = "minor"
        await settle(app, pilot)
        assert screen.query_one("#reason-row").display
        screen.query_one("#confirm", Checkbox).value = True
        await pilot.click("#yes")
        await settle(app, pilot)
        assert "Dites pourquoi" in str(screen.query_one("#error").render())
        screen.query_one(
            "#reason", Input
        ).value = "Décidé en commission paritaire : sans effet pour les titulaires"
        await pilot.click("#yes")
        await settle(app, pilot)
        assert not isinstance(app.screen, ReleaseDialog)
    assert "plombier-chauffagiste/v2.1.0" in git(sample_repo, "tag", "--list")
    assert git(sample_repo, "status", "--porcelain") == ""
    records = (sample_repo / PLUMBER / "releases.yaml").read_text(encoding="utf-8")
    assert records.endswith(
        "    message: C2.5 rejoint le bloc des évacuations\n"
        "    override:\n"
        "      required: major\n"
        "      reason: 'Décidé en commission paritaire : sans effet pour les titulaires'\n"
    ), records
    framework = (sample_repo / PLUMBER / "framework.yaml").read_text(encoding="utf-8")
    assert "correspondence:\n  from: 2.0.0\n" in framework
    assert (
        "  - old: BC02\n    new: [BC02, BC03]\n    type: split\n" in framework
        or "type: split" in framework
    )
    body = git(sample_repo, "log", "-1", "--format=%B")
    assert (
        "Version mineure décidée par le groupe de travail (les changements demandaient une version majeure)"
        in body
    )


# -- start from nothing (issue 15) -----------------------------------------------------------------


async def test_an_empty_repository_starts_with_a_and_the_first_commit_has_the_scaffolding(
    cli, tmp_path: Path
) -> None:
    """refkit init, its example framework removed: the editor says how to start, a creates a
    framework (Ctrl+Z removes it again), and the first commit (F5) takes the schemas, README
    and CI files refkit init wrote along with it (it took frameworks/ only)."""
    import shutil

    from refkit.tui.dialogs import NewFrameworkDialog
    from refkit.tui.reading import ReadingPane

    root = tmp_path / "depot"
    assert cli("init", str(root), cwd=tmp_path).code == 0
    shutil.rmtree(root / "frameworks" / "exemple")
    # no framework to take the language from: the repository's setting says French (issue 18)
    subprocess.run(["git", "-C", str(root), "config", "refkit.lang", "fr"], check=True)
    app = app_for(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert "aucun référentiel" in app.query_one("#reading", ReadingPane).plain()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, NewFrameworkDialog)
        await pilot.press(*"Installateur", "enter")  # not an id: refused as typed
        assert "minuscules" in str(app.screen.query_one("#error").render())
        assert app.screen.focused is app.screen.query_one("#fid")  # stays to be corrected
        app.screen.query_one("#fid", Input).value = "installateur-thermique"
        await pilot.press("enter", *"Installateur thermique", "enter")
        await settle(app, pilot)
        folder = "frameworks/installateur-thermique"
        assert app.selected == Ref(folder)
        assert (root / folder / "framework.yaml").is_file()
        assert app.node_of(Ref(folder)) is not None
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert not (root / folder).exists() and app.node_of(Ref(folder)) is None
        await pilot.press("ctrl+y")
        await settle(app, pilot)
        assert (root / folder / "framework.yaml").is_file()
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, CommitDialog)
        await pilot.press(*"Premier référentiel", "enter")
        await settle(app, pilot)
    committed = set(git(root, "ls-files").split())
    assert {
        "README.md",
        ".gitignore",
        ".pre-commit-config.yaml",
        ".github/workflows/refkit.yml",
        "schemas/block.schema.json",
        f"{folder}/framework.yaml",
    } <= committed
    assert git(root, "status", "--porcelain") == ""


def test_reload_keeps_the_undo_history_of_the_files_no_one_else_changed(sample_repo: Path) -> None:
    session = Session.open(sample_repo)
    bc02 = sample_repo / PLUMBER / "blocks/BC02.yaml"
    bc07 = sample_repo / BC07
    before = bc02.read_text(encoding="utf-8")
    session.set_field(Ref(PLUMBER, "BC02", "C2.1"), "statement", "Braser un tube cuivre")
    session.set_field(Ref(PLUMBER, "BC07", "C7.1"), "statement", "Dimensionner une PAC")
    theirs = bc07.read_text(encoding="utf-8").replace("Dimensionner une PAC", "Choisir une PAC")
    bc07.write_text(theirs, encoding="utf-8")  # someone else, on BC07 only
    session.reload()
    assert [s.label for s in session.undo_stack] == ["Énoncé de C2.1"]
    session.undo()
    assert bc02.read_text(encoding="utf-8") == before
    assert bc07.read_text(encoding="utf-8") == theirs


def test_the_changes_name_a_kind_as_the_form_does(sample_repo: Path) -> None:
    """F2 said "skill → knowledge" (the stored codes) where the form says savoir-faire / savoir."""
    from refkit.edit import changes_since_release

    session = Session.open(sample_repo)
    session.set_field(Ref(PLUMBER, "BC02", "C2.1"), "kind", "knowledge")
    (line,) = changes_since_release(session, PLUMBER).lines
    assert [line_plain(d) for d in line.details] == ["Nature\u00a0: savoir-faire → savoir"]

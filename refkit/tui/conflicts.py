"""Provides ``ConflictScreen`` (F9): the fields a merge left to choose, each shown side by side,
mine / theirs / the base both started from, texts wrapped whole. m keeps mine, t takes theirs,
b goes back to the base, e edits the value (from mine); each choice is written into the file at
once by ``refkit.history.merge.session.resolve_conflict`` (the round-trip writer: never conflict
markers) and the editor reads the files again. When none is left, the merge is recorded
(``finish_merge``) and the editor offers to send it (F7). x undoes the merge, after a
confirmation: the repository as it was before it started.

A merge that left files to merge by hand (git's markers: a file merged without refkit's driver)
is named here, and can be undone; the editor never writes into such a file.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from refkit.edit import working
from refkit.edit.fields import FIELDS
from refkit.errors import RefkitError
from refkit.history.merge import Conflict
from refkit.history.merge.session import MergeState
from refkit.i18n import N_, ngettext, tr
from refkit.tui.dialogs import ConfirmDialog
from refkit.tui.footer import keys_footer
from refkit.tui.keys import focus_now
from refkit.tui.lang import lang_of, said
from refkit.tui.widgets import DIALOG_CSS

CSS = """
ConflictScreen { align: center middle; }
ConflictScreen > .view { width: 100%; max-width: 100%; height: 100%; max-height: 100%; }
#conflict-list { height: auto; max-height: 8; }
#sides { height: 1fr; margin-top: 1; }
.side { width: 1fr; height: 1fr; border: round $primary 50%; padding: 0 1; }
.side.-ours { border: round $accent; }
#edit-value, #edit-area { display: none; }
#edit-area { height: 6; }
#conflict-message { height: auto; max-height: 5; }
#conflict-message.-refused { color: $error; }
"""
SIDES = (("ours", N_("Mine (m)")), ("theirs", N_("Theirs (t)")), ("base", N_("Base (b)")))
CHOSEN = {
    "ours": N_("{what}: mine kept"),
    "theirs": N_("{what}: theirs taken"),
    "base": N_("{what}: back to the base"),
    "value": N_("{what}: the value written"),
}


def field_label(name: str, lang: str) -> str:
    """A conflict's field as the form names it ("Énoncé"), else as the file does."""
    for fields in FIELDS.values():
        for f in fields:
            if f.name == name:
                return tr(f.label, lang)
    return name


def conflict_title(c: Conflict, lang: str) -> str:
    """ "C1.1 · Énoncé" (or the whole item, or the framework's own field)."""
    what = field_label(c.field, lang) if c.field else tr("the whole item", lang)
    return f"{c.item or c.framework} · {what}"


class ConflictScreen(ModalScreen[str | None]):
    """Dismissed with "finished" (the merge recorded), "aborted", or None (it still waits)."""

    DEFAULT_CSS = DIALOG_CSS + CSS
    holds_disk_watch = True  # each choice reads the files again itself
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "choose('ours')", N_("Keep mine"), key_display="m"),
        Binding("t", "choose('theirs')", N_("Take theirs"), key_display="t"),
        Binding("b", "choose('base')", N_("Base"), key_display="b"),
        Binding("e", "edit", N_("Edit"), key_display="e"),
        Binding("f", "finish", N_("Record the merge"), key_display="f"),
        Binding("x", "abort", N_("Undo the merge"), key_display="x"),
        Binding("ctrl+s", "write", N_("Write"), key_display="Ctrl+S", priority=True),
        Binding("escape", "close", N_("Close"), key_display="esc"),
    ]

    def __init__(self, state: MergeState) -> None:
        super().__init__()
        self.state = state
        self.editing = False

    @property
    def session(self) -> Any:
        return self.app.session  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        lang = lang_of(self)
        with Vertical(classes="view"):
            yield Static("", id="conflict-title")
            yield OptionList(id="conflict-list")
            with Horizontal(id="sides"):
                for side, label in SIDES:
                    with VerticalScroll(classes=f"side -{side}") as panel:
                        panel.border_title = tr(label, lang)
                        yield Static("", id=f"side-{side}")
            yield Input(id="edit-value")
            yield TextArea(id="edit-area", soft_wrap=True)
            yield Static("", id="conflict-message")
            yield Static(
                tr(
                    "Mine: what you recorded · theirs: what the merge brings in (the shared "
                    "repository's, or main's) · base: before both changed it. Each choice is "
                    "written into the file at once, never with conflict markers; when none is "
                    "left, the merge is recorded.",
                    lang,
                ),
                classes="muted",
            )
        yield keys_footer()

    def on_mount(self) -> None:
        self.fill()

    def fill(self) -> None:
        lang = lang_of(self)
        conflicts = self.state.conflicts
        left = sorted({*self.state.failed, *self.state.unmerged})
        title = self.query_one("#conflict-title", Static)
        if conflicts:
            title.update(Text(ngettext("A merge waits for your choice: {n} field both sides changed differently", "A merge waits for your choices: {n} fields both sides changed differently", len(conflicts), lang).format(n=len(conflicts)), style="bold"))  # fmt: skip
        elif left:
            title.update(Text(tr("A merge waits, with files to merge by hand (git marked their lines): {files}. The editor does not write into them: x undoes the merge.", lang).format(files=", ".join(left)), style="bold"))  # fmt: skip
        else:
            title.update(Text(tr("Nothing left to choose: f records the merge.", lang), style="bold"))  # fmt: skip
        listing = self.query_one("#conflict-list", OptionList)
        listing.clear_options()
        listing.add_options(
            Option(f"{conflict_title(c, lang)}  — {c.file}:{c.line}", id=str(n))
            for n, c in enumerate(conflicts)
        )
        if conflicts:
            listing.highlighted = 0
            focus_now(listing)
        self.show_sides()
        self.refresh_bindings()

    def current(self) -> Conflict | None:
        n = self.query_one("#conflict-list", OptionList).highlighted
        conflicts = self.state.conflicts
        return conflicts[n] if n is not None and 0 <= n < len(conflicts) else None

    @on(OptionList.OptionHighlighted)
    def show_sides(self) -> None:
        c, lang = self.current(), lang_of(self)
        for side, _ in SIDES:
            value = None if c is None else getattr(c, side)
            shown = working.value_text(value)
            widget = self.query_one(f"#side-{side}", Static)
            if c is None:
                widget.update("")
            elif not shown:
                widget.update(Text(tr("(absent)", lang), style="italic"))
            else:
                widget.update(Text(shown))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("choose", "edit"):
            return self.current() is not None and not self.editing
        if action == "finish":
            return not self.state.conflicts and self.state.resolvable
        if action == "write":
            return self.editing
        return True

    def say(self, text: str, *, refused: bool = False) -> None:
        message = self.query_one("#conflict-message", Static)
        message.update(Text(("✗ " if refused else "") + text))
        message.set_class(refused, "-refused")

    # -- choosing ----------------------------------------------------------------------------------

    def action_choose(self, side: str) -> None:
        c = self.current()
        if c is not None:
            self.write(c, getattr(c, side), side)

    def write(self, c: Conflict, value: Any, how: str) -> None:
        lang = lang_of(self)
        try:
            left = working.choose(self.session, c, value)
        except RefkitError as e:
            self.say(said(e, lang), refused=True)
            return
        self.state.conflicts = left
        done = tr(CHOSEN[how], lang).format(what=conflict_title(c, lang))
        self.app.files_changed(done)  # type: ignore[attr-defined]
        self.say(done)
        self.stop_editing()
        self.fill()
        if not left and self.state.resolvable:
            self.action_finish()

    def action_edit(self) -> None:
        c = self.current()
        if c is None:
            return
        text = working.value_text(c.ours if c.ours is not None else c.theirs)
        single = isinstance(c.ours if c.ours is not None else c.theirs, str)
        self.editing = True
        field: Input | TextArea
        if single:
            field = self.query_one("#edit-value", Input)
            field.value = text
        else:
            field = self.query_one("#edit-area", TextArea)
            field.text = text
        field.display = True
        focus_now(field)
        hint = tr("Enter: write this value · Esc: give it up", lang_of(self)) if single else tr("Ctrl+S: write this value · Esc: give it up", lang_of(self))  # fmt: skip
        self.say(hint)
        self.refresh_bindings()

    @on(Input.Submitted, "#edit-value")
    def action_write(self) -> None:
        c = self.current()
        if c is None or not self.editing:
            return
        single = self.query_one("#edit-value", Input).display
        text = self.query_one("#edit-value", Input).value if single else self.query_one("#edit-area", TextArea).text  # fmt: skip
        try:
            value = working.parse_value(c, text)
        except RefkitError as e:
            self.say(said(e, lang_of(self)), refused=True)
            return
        self.write(c, value, "value")

    def stop_editing(self) -> None:
        self.editing = False
        for field in self.query("#edit-value, #edit-area"):
            field.display = False
        listing = self.query_one("#conflict-list", OptionList)
        if self.state.conflicts:
            focus_now(listing)
        self.refresh_bindings()

    # -- the merge: recorded, or undone ------------------------------------------------------------

    def action_finish(self) -> None:
        lang = lang_of(self)
        try:
            commit = working.finish(self.session)
        except RefkitError as e:
            self.say(said(e, lang), refused=True)
            return
        self.app.files_changed(tr("merge recorded ({commit})", lang).format(commit=commit[:8]))  # type: ignore[attr-defined]
        self.dismiss("finished")

    def action_abort(self) -> None:
        lang = lang_of(self)

        def undo(yes: bool | None) -> None:
            if not yes:
                return
            try:
                working.abort(self.session)
            except RefkitError as e:
                self.say(said(e, lang), refused=True)
                return
            self.app.files_changed(tr("merge undone: the repository is as it was before it", lang))  # type: ignore[attr-defined]
            self.dismiss("aborted")

        self.app.push_screen(
            ConfirmDialog(
                tr(
                    "Undo the merge? The files and the history come back as they were before it started; the choices made so far are given up. Your own commits stay, and the next sync merges again.",
                    lang,
                ),
                tr("Undo the merge", lang),
                cancel=tr("Go back", lang),
            ),
            undo,
        )

    def action_close(self) -> None:
        if self.editing:
            self.stop_editing()
            self.say("")
            return
        if self.state.conflicts or not self.state.resolvable:
            self.app.notify(tr("The merge still waits: F9 comes back to it; nothing is sent until it is settled.", lang_of(self)), timeout=6)  # fmt: skip
        self.dismiss(None)

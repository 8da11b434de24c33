"""Provides ``ItemActions``: what the editor's keys and commands do to items (add, duplicate,
delete, move, reorder, undo, redo, paste rows as competencies, a new framework), search and
replace, the certification rules, help; and which of them apply where (``check_action``: the
structural keys apply in the tree only, where letters are not typed)."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.command import CommandPalette
from textual.widgets import Input, ListView, Select, TextArea, Tree

from refkit.edit.refs import Ref
from refkit.edit.search import Hit
from refkit.errors import RefkitError
from refkit.i18n import tr
from refkit.model import Framework
from refkit.tui.base import EditorBase
from refkit.tui.fields import FieldLine
from refkit.tui.keys import focus_now
from refkit.tui.records import RecordsScreen


class ItemActions(EditorBase):
    """The actions on items, search, and where each applies."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Structural keys apply in the tree only (in a field, letters are typed). Over a dialog
        or a list of records (all modal), the editor's keys do not apply at all: Textual stops the
        binding chain at the modal screen, and the footer shows the dialog's keys."""
        if action == "focus_tree":
            return not self._tree_has_focus()
        if action == "help" and isinstance(self.focused, Input | TextArea):
            return False  # "?" is typed there; the field's own F1 is shown instead
        if action == "search_next":
            return bool(self.found) and self._tree_has_focus()
        if action == "search" and isinstance(self.focused, Input | TextArea):
            return False  # "/" is typed there; Ctrl+F searches from anywhere
        if action == "certification":
            return self._tree_has_focus()
        if action in ("add", "duplicate", "delete", "move", "reorder"):
            if not self._tree_has_focus():
                return False
            if self.selected is None:
                return action == "add"  # in an empty repository, a creates a framework
            kind = self.selected.kind
            if action == "move" and kind != "competency":
                return None
            if action in ("delete", "duplicate", "reorder") and kind == "framework":
                return None
        return True

    # -- items -----------------------------------------------------------------------------------

    def action_add(self) -> None:
        selected = self.selected
        if selected is not None:
            self.run_operation(lambda: self.session.add(selected))
        else:  # no framework yet: a is how one starts
            self.action_new_framework()

    def action_new_framework(self) -> None:
        from refkit.tui.dialogs import NewFrameworkDialog

        if self._refuse_while_unsaved():
            return

        def done(answer: tuple[str, str, str] | None) -> None:
            if answer is not None:
                fid, title, lang = answer
                if self.run_operation(lambda: self.session.create_framework(fid, title, lang)):
                    self._freeze_loaded(collect=False)

        self.push_screen(NewFrameworkDialog(), done)

    def action_duplicate(self) -> None:
        selected = self.selected
        if selected is not None:
            self.run_operation(lambda: self.session.duplicate(selected))

    def action_reorder(self, delta: int) -> None:
        selected = self.selected
        if selected is not None:
            self.run_operation(lambda: self.session.reorder(selected, delta))

    def action_delete(self) -> None:
        from refkit.tui.dialogs import ConfirmDialog

        ref = self.selected
        if ref is None or ref.kind == "framework":
            return
        name = self.session.label(ref)
        question = {
            "block": tr('Delete block "{name}"?', self.lang),
            "competency": tr('Delete competency "{name}"?', self.lang),
            "criterion": tr('Delete criterion "{name}"?', self.lang),
        }[ref.kind].format(name=name)

        def done(confirmed: bool | None) -> None:
            if confirmed:
                self.run_operation(lambda: self.session.delete(ref))

        self.push_screen(ConfirmDialog(question, tr("Delete", self.lang)), done)

    def action_move(self) -> None:
        from refkit.tui.dialogs import MoveDialog

        ref = self.selected
        if ref is None or ref.kind != "competency":
            return
        fw = self.session.framework(ref.folder)
        choices = [(b.id, f"{b.id} {b.title}") for b in fw.blocks if b.id != ref.block]

        def done(block: str | None) -> None:
            if block:
                self.run_operation(lambda: self.session.move(ref, block))

        self.push_screen(MoveDialog(ref.competency or "", choices), done)

    def action_undo(self) -> None:
        unsaved = self.unsaved
        if unsaved is not None and unsaved.ref == self.selected:
            # the typing that could not be saved is what is undone first
            self.unsaved = None
            self._select(self.selected)
            self.set_status(self._given_up(unsaved))
            return
        self.commit_pending()
        if self.run_operation(self.session.undo):
            self._freeze_loaded(collect=True)  # the framework was read again

    def action_redo(self) -> None:
        if self.run_operation(self.session.redo):
            self._freeze_loaded(collect=True)

    # -- pasting rows --------------------------------------------------------------------------

    @on(FieldLine.Pasted)
    def _pasted_rows(self, event: FieldLine.Pasted) -> None:
        """Rows pasted into a one-line field: never saved as they are (a tab or a line break
        in a statement); a single row's cells are joined, several rows are offered as new
        competencies (``action_paste_rows``)."""
        rows = [r for r in event.text.splitlines() if r.strip()]  # a terminal's paste: CR
        form_ref = self._form_ref
        if len(rows) > 1 and form_ref is not None and form_ref.block is not None:
            self.action_paste_rows(event.text)
            return
        joined = " ".join(" ".join(r.replace("\t", " ").split()) for r in rows)
        event.field.insert(joined)
        self.notify(
            tr(
                "The tabs and line breaks pasted became spaces: a statement is one line.", self.lang
            ),
            title=tr("Pasted on one line", self.lang),
            timeout=6,
        )

    def action_paste_rows(self, text: str) -> None:
        """Rows pasted on a block (from the tree, or into one of its one-line fields): offered
        as new competencies of that block, previewed first."""
        from refkit.tui.paste import PasteScreen

        ref = self._form_ref if isinstance(self.focused, Input | TextArea) else self.selected
        if ref is None or ref.block is None:
            self.notify(
                tr(
                    "First choose the block to add the competencies to, then paste again.",
                    self.lang,
                ),
                title=tr("Paste", self.lang),
                timeout=6,
            )
            return
        try:
            fw = self.session.framework(ref.folder)
            block = self.session.get(Ref(ref.folder, ref.block))
        except (KeyError, RefkitError) as e:
            self._refused(e)
            return
        if ref.block in self.session.frameworks[ref.folder].broken_blocks:
            self._refused(
                RefkitError(
                    tr("{block}: its file cannot be read", self.lang).format(block=ref.block)
                )
            )
            return
        target = Ref(ref.folder, ref.block)

        def done(competencies: list[Any] | None) -> None:
            if competencies:
                self.run_operation(lambda: self.session.add_competencies(target, competencies))

        self.push_screen(PasteScreen(text, fw, block, self.lang), done)

    def paste_in_tree(self, text: str) -> None:
        """A paste while the tree has the focus: rows (a line break or a tab) become
        competencies of the selected block; anything else is said to go in a field."""
        if "\n" in text.strip() or "\t" in text:
            self.action_paste_rows(text)
        else:
            self.notify(
                tr(
                    "To paste a text, first go to the field (Tab); rows of a spreadsheet pasted "
                    "on a block become competencies.",
                    self.lang,
                ),
                title=tr("Paste", self.lang),
                timeout=6,
            )

    # -- search and replace --------------------------------------------------------------------

    def loaded_frameworks(self) -> dict[str, Framework]:
        return {
            folder: loaded.framework
            for folder, loaded in self.session.frameworks.items()
            if loaded.framework is not None
        }

    def action_search(self) -> None:
        self.open_search(self.last_query)

    def open_search(self, query: str) -> None:
        from refkit.tui.search import SearchScreen

        if self._refuse_while_unsaved():
            return

        def done(hit: Hit | None) -> None:
            self.last_query = screen.query_one("#query", Input).value
            if hit is None:
                return
            self.found = screen.hits
            self.found_at = next((i for i, h in enumerate(self.found) if h is hit), 0)
            self._goto_hit()

        screen = SearchScreen(self.search_index, self.loaded_frameworks(), query)
        self.push_screen(screen, done)

    def action_search_anywhere(self) -> None:
        self.commit_pending()
        self.action_search()

    def action_search_next(self, step: int) -> None:
        if not self.found:
            return
        self.found_at = (self.found_at + step) % len(self.found)
        self._goto_hit()

    def _goto_hit(self) -> None:
        hit = self.found[self.found_at]
        if not self.go_to(hit.ref):
            self.set_status(
                tr("{id} no longer exists (changed since the search)", self.lang).format(
                    id=hit.ident
                )
            )
            return
        self.set_status(
            tr(
                "result {n} of {total}: {id} · n next · N previous · / new search", self.lang
            ).format(n=self.found_at + 1, total=len(self.found), id=hit.ident)
        )

    def action_replace(self, find: str = "") -> None:
        from refkit.tui.dialogs import framework_title
        from refkit.tui.search import ReplaceScreen

        if self._refuse_while_unsaved():
            return
        folder = self._folder()
        if folder is None:
            return
        try:
            fw = self.session.framework(folder)
        except RefkitError as e:
            self._refused(e)
            return

        def done(result: tuple[list[Any], str] | None) -> None:
            if result:
                plan, label = result
                self.run_operation(lambda: self.session.replace_texts(folder, plan, label))

        title = framework_title(self.session, folder)
        self.push_screen(ReplaceScreen(folder, fw, title, find or self.last_query), done)

    # -- certification rules, help, panels -----------------------------------------------------

    def action_certification(self, block: str | None = None) -> None:
        from refkit.tui.certification import CertificationScreen

        if self._refuse_while_unsaved():
            return
        folder = self._folder()
        if folder is None:
            return
        try:
            self.session.framework(folder)
        except RefkitError as e:
            self._refused(e)
            return
        if block is None and self.selected is not None:
            block = self.selected.block

        def done(changed: bool | None) -> None:
            if changed and folder in self.session.frameworks:
                self._refresh_framework(folder, self.selected)
                self.refresh_markers()
            # back on the block it was opened for (from a problem too: the list may be empty now)
            if block is None or not self.go_to(Ref(folder, block)):
                focus_now(self.query_one("#tree", Tree))

        self.push_screen(CertificationScreen(self.session, folder, block), done)

    def action_field_help(self) -> None:
        self.action_help()

    def action_help(self) -> None:
        from refkit.tui.dialogs import HelpScreen

        focused = self.focused
        area = "tree"
        if isinstance(self.screen, RecordsScreen):
            area = "records"
        elif isinstance(focused, ListView):
            area = "problems"
        elif isinstance(focused, Input | TextArea | Select):
            area = "form"
        self.push_screen(HelpScreen(area))

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(
                CommandPalette(
                    placeholder=tr("Search for a command…", self.lang), id="--command-palette"
                )
            )

    def action_focus_problems(self) -> None:
        self.commit_pending()
        listing = self.query_one("#problems", ListView)
        focus_now(listing)
        if listing.index is None and len(listing):
            listing.index = 0

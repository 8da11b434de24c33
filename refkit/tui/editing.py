"""Provides ``FormEditing``: the form follows the tree's cursor (80 ms after the last key),
shows the item's values, checks a field as it is typed, and saves it when it is left (Enter,
Tab, a click elsewhere). What could not be saved stays in the field with the reason under it
(``Unsaved``), and the editor says so before anything would drop it."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.css.query import NoMatches
from textual.widget import Widget
from textual.widgets import Button, Input, Select, TextArea, Tree

from refkit.edit.errors import FieldRefused
from refkit.edit.fields import FIELDS, Field, display_value, get_value, refused, typing_problem
from refkit.edit.refs import Ref
from refkit.errors import ConflictError, RefkitError
from refkit.i18n import N_, tr
from refkit.tui.base import EditorBase, cut
from refkit.tui.fields import FieldLine, FieldRow, field_text, fill_field, show_error, widget_id
from refkit.tui.form import ItemForm, Unsaved
from refkit.tui.keys import focus_now
from refkit.tui.lang import said
from refkit.tui.reading import ReadingPane
from refkit.tui.records import RecordsRow, RecordsScreen, summary
from refkit.tui.widgets import Line

# the editor's own words are English message ids, shown in its language (refkit.tui.lang)
KIND_TITLES = {
    "framework": N_("Framework"),
    "block": N_("Competency block"),
    "competency": N_("Competency"),
    "criterion": N_("Assessment criterion"),
}


class FormEditing(EditorBase):
    """The form of the selected item: filled, checked as typed, saved."""

    # -- following the cursor ------------------------------------------------------------------

    @on(Tree.NodeHighlighted)
    def _highlighted(self, event: Tree.NodeHighlighted[Ref]) -> None:
        # events queued while the tree was rebuilt are stale: only the cursor's node counts
        if event.node is not self.query_one("#tree", Tree).cursor_node:
            return
        if event.node.data is not None and event.node.data != self.selected:
            # the cursor moves at once; the form follows when the keys stop (key repeat on a
            # long list never waits for forms being filled)
            self.selected = event.node.data
            if self._fill_timer is not None:
                self._fill_timer.stop()
            self._fill_timer = self.set_timer(0.08, self._select_current)

    @property
    def form_behind(self) -> bool:
        """Whether the form has yet to follow the tree's cursor."""
        return self._fill_timer is not None

    def hold_form(self) -> None:
        """The form does not follow the cursor for now (as while a key is held down)."""
        if self._fill_timer is not None:
            self._fill_timer.stop()

    def _select_current(self) -> None:
        self._fill_timer = None
        if not self.screen_stack:
            return  # the editor is closing
        if self.screen is not self.screen_stack[0]:
            # a dialog opened before the form followed the cursor: fill it once it is closed
            self._fill_timer = self.set_timer(0.08, self._select_current)
            return
        self._select(self.selected)

    def show_item(self, ref: Ref | None) -> None:
        """Show ``ref`` in the form and the reading pane now (the tree's cursor stays)."""
        self._select(ref)

    def _select(self, ref: Ref | None) -> None:
        self.selected = ref
        kind = ref.kind if ref is not None else None
        if kind != self._keys_kind and self.screen_stack:
            # the keys that apply depend on the kind of item (check_action): the footer follows
            # (Textual asks again only when the focus moves, and it may already be in the tree)
            self._keys_kind = kind
            self.screen_stack[0].refresh_bindings()
        if ref is None:
            return
        unsaved = self.unsaved
        if unsaved is not None and unsaved.ref != ref:
            self.unsaved = None
            self.set_status(
                tr('✗ not saved: {what} "{text}" ({reason})', self.lang).format(
                    what=self._of(unsaved), text=cut(unsaved.text), reason=unsaved.reason
                )
            )
        try:
            item = self.session.get(ref)
        except (KeyError, RefkitError) as e:
            self.query_one("#item-title", Line).update(
                said(e, self.lang) if isinstance(e, RefkitError) else str(e)
            )
            return
        self.query_one("#crumbs", Line).update(" › ".join(self.session.breadcrumb(ref)))
        self.query_one("#item-title", Line).update(self._title(ref, item))
        self._shown = ref
        if self.query_one("#right").has_class("-reading"):
            self.query_one("#reading", ReadingPane).show(self.session, ref)
        form = self.query_one(f"#form-{ref.kind}", ItemForm)
        if not form.built:
            self._shown_kind = None
            return  # filled once built, right after the first paint (_build_forms)
        self._shown_kind = ref.kind
        self._form_ref = ref
        for other in self.query(ItemForm):
            if other.has_class("-active") != (other is form):
                other.set_class(other is form, "-active")
        self._fill_rows(ref, item, list(form.children))

    def _title(self, ref: Ref, item: Any) -> str:
        title = f"{tr(KIND_TITLES[ref.kind], self.lang)} {_short(ref, self.lang)}"
        if ref.kind == "framework":
            # the version is set by each release, the id names the folder, the tags and the
            # published addresses: both are shown, neither is typed (the version first: at 80
            # columns the id may be cut)
            title += f"version {item.version} · {item.id}"
        loaded = self.session.frameworks.get(ref.folder)
        if ref.block is not None and loaded is not None and ref.block in loaded.broken_blocks:
            title += tr(
                " · ✗ file cannot be read: nothing will be written to it (see the problems)",
                self.lang,
            )
        return title

    def _fill_rows(self, ref: Ref, item: Any, rows: list[Widget]) -> None:
        """Show the values of ``item`` (``ref``'s) in these rows of its form."""
        self._filling = True
        try:
            for row in rows:
                if isinstance(row, RecordsRow):
                    try:
                        button = row.query_one(Button)
                    except NoMatches:
                        continue
                    button.label = Text(summary(self.session, ref, row.spec), overflow="ellipsis")
                    continue
                if not isinstance(row, FieldRow):
                    continue
                wid = widget_id(ref.kind, row.spec.name)
                try:
                    widget = row.query_one(f"#{wid}")
                except NoMatches:
                    continue  # the row is being built, or the editor is closing
                value = display_value(row.spec, get_value(item, row.spec.name))
                self._show_error(wid, fill_field(widget, value))
        finally:
            self.call_after_refresh(self._done_filling)

    def _show_error(self, wid: str, problem: str | None) -> None:
        if self.screen_stack:
            show_error(self.screen_stack[0], wid, problem)

    def _done_filling(self) -> None:
        self._filling = False

    def _reading(self, on: bool) -> None:
        """Show the item read whole (the cursor in the tree) or its form (a field focused)."""
        right = self.query_one("#right")
        if right.has_class("-reading") == on:
            return
        right.set_class(on, "-reading")
        if on and self.selected is not None and self._shown == self.selected:
            self.query_one("#reading", ReadingPane).show(self.session, self.selected)

    # -- the focus -----------------------------------------------------------------------------

    def on_descendant_focus(self, event: Any) -> None:
        """Tab or a click into the form while the form has not yet followed the cursor: fill it
        now, and put the focus in the right form."""
        widget = getattr(event, "widget", None) or getattr(event, "control", None)
        if self.screen_stack and widget is not None and widget.screen is self.screen_stack[0]:
            if isinstance(widget, Tree):
                self._reading(True)
            elif any(a.id == "right" for a in widget.ancestors):
                self._reading(False)
        if not isinstance(widget, Input | TextArea | Select) or self._fill_timer is None:
            return
        if not self.screen_stack or widget.screen is not self.screen_stack[0]:
            return  # a field of a dialog
        self._fill_timer.stop()
        self._select_current()
        if self.selected is None:
            return
        form = self.query_one(f"#form-{self.selected.kind}", ItemForm)
        if not any(w is widget for w in form.query("Input, TextArea, Select")):
            self.set_focus(form.query("Input, TextArea, Select").first())

    async def action_focus_form(self) -> None:
        """Tab from the tree: the first field of the selected item's form, filled first if the
        form has not yet followed the cursor (nor even heard of it: Tab typed right after an
        arrow is handled before the tree's message saying where its cursor went), built first
        if Tab came before the forms were (right after the first paint)."""
        cursor = self.query_one("#tree", Tree).cursor_node
        ref = cursor.data if cursor is not None else None
        behind = ref is not None and ref != self.selected
        if ref is not None and behind:
            self.selected = ref
        if self._fill_timer is not None:
            self._fill_timer.stop()
        if behind or self._fill_timer is not None:
            self._select_current()
        if self.selected is None:
            return
        form = self.query_one(f"#form-{self.selected.kind}", ItemForm)
        if not form.built:
            await form.build()
            self._select(self.selected)
        fields = form.query("Input, TextArea, Select")
        if fields:
            self.set_focus(fields.first())

    def on_descendant_blur(self, event: Any) -> None:
        widget = event.widget if hasattr(event, "widget") else event.control
        if isinstance(widget, Input):
            widget.cursor_position = 0  # a field left shows the beginning of a long value
        if isinstance(widget, Input | TextArea):
            self.save_field(widget)

    def action_focus_tree(self) -> None:
        self.commit_pending()
        focus_now(self.query_one("#tree", Tree))

    # -- typing and saving ---------------------------------------------------------------------

    def _field_of(self, widget: Any) -> Field | None:
        wid = widget.id or ""
        if not wid.startswith("f-") or self._form_ref is None:
            return None
        kind = self._form_ref.kind
        return next((f for f in FIELDS[kind] if widget_id(kind, f.name) == wid), None)

    @on(Input.Changed)
    @on(TextArea.Changed, "FieldLine")
    def _typing(self, event: Input.Changed | TextArea.Changed) -> None:
        """Per-field validation as you type: the schema's rule for that one field."""
        widget = event.input if isinstance(event, Input.Changed) else event.text_area
        spec = self._field_of(widget)
        if spec is None or self._filling:
            return
        problem = typing_problem(spec, field_text(widget) or "", self.lang)
        widget.set_class(problem is not None, "-invalid")
        self._show_error(widget.id or "", problem)

    @on(Input.Submitted)
    @on(FieldLine.Submitted)
    def _submitted(self, event: Input.Submitted | FieldLine.Submitted) -> None:
        self.save_field(event.input if isinstance(event, Input.Submitted) else event.field)

    @on(Select.Changed)
    def _chosen(self, event: Select.Changed) -> None:
        if not self._filling:
            self.save_field(event.select)

    def action_cancel_field(self) -> None:
        """Escape in a field: what was typed is given up, the value saved last comes back."""
        widget = self.focused
        spec = self._field_of(widget) if widget is not None else None
        ref = self._form_ref
        if widget is not None and spec is not None and ref is not None:
            try:
                saved = display_value(spec, get_value(self.session.get(ref), spec.name))
            except (KeyError, RefkitError):
                saved = None
            if saved is not None and field_text(widget) != saved:
                self._filling = True
                try:
                    fill_field(widget, saved)
                finally:
                    self.call_after_refresh(self._done_filling)
                self.set_status(
                    tr("typing given up: {field} stayed as it was", self.lang).format(
                        field=tr(spec.label, self.lang)
                    )
                )
            widget.remove_class("-invalid")
            self._show_error(widget.id or "", None)
            if self.unsaved is not None and self.unsaved.ref == ref and self.unsaved.field == spec:
                self.unsaved = None
        focus_now(self.query_one("#tree", Tree))

    def save_field(self, widget: Any) -> bool:
        """Save what the field holds; False when it could not be saved (the text stays in the
        field with the reason under it, and ``unsaved`` says so)."""
        spec = self._field_of(widget)
        ref = self._form_ref
        text = field_text(widget)
        if spec is None or ref is None or text is None:
            return True
        try:
            item = self.session.get(ref)
        except (KeyError, RefkitError):
            return True
        unsaved = self.unsaved
        if text == display_value(spec, get_value(item, spec.name)):
            if unsaved is not None and (unsaved.ref, unsaved.field) == (ref, spec):
                self.unsaved = None
            return True
        if unsaved is not None and unsaved.conflict and (unsaved.ref, unsaved.field) == (ref, spec):
            # saving now would overwrite the other change unseen: reload first, or Ctrl+Z
            return False
        try:
            outcome = self.session.set_field(ref, spec.name, text)
        except RefkitError as e:
            self._not_saved(widget, Unsaved(ref, spec, text, self._reason(e), _conflict(e)))
            return False
        self.unsaved = None
        self._done(outcome)
        return True

    def _reason(self, e: RefkitError) -> str:
        if isinstance(e, ConflictError):
            return tr(
                "the file was changed outside the editor: reload (Ctrl+P, Reload), then type again",
                self.lang,
            )
        return e.reason if isinstance(e, FieldRefused) else said(e, self.lang, hint=False)

    def _not_saved(self, widget: Any, typed: Unsaved) -> None:
        """Keep what was typed in the field, say why it was not saved (once)."""
        again = self.unsaved == typed
        self.unsaved = typed
        if isinstance(widget, Input):
            widget.add_class("-invalid")
        self._show_error(
            widget.id or "", tr("not saved: {reason}", self.lang).format(reason=typed.reason)
        )
        if not again:
            self.notify(
                refused(typed.field, typed.reason, self.lang),
                title=tr("Not saved", self.lang),
                severity="error",
                timeout=8,
            )

    def commit_pending(self) -> bool:
        """Save the field being edited (before quitting, committing, releasing...); False if
        something typed could not be saved."""
        focused = self.focused
        if isinstance(focused, Input | TextArea) and not self.save_field(focused):
            return False
        return self.unsaved is None

    def _refuse_while_unsaved(self) -> bool:
        """True (and the field shown again) when a typed value is still unsaved."""
        if self.commit_pending():
            return False
        unsaved = self.unsaved
        assert unsaved is not None
        self.notify(
            tr(
                "{what} is not saved: {reason}. Correct the value, or Ctrl+Z / Esc then select "
                "another item to give it up.",
                self.lang,
            ).format(what=self._of(unsaved), reason=unsaved.reason),
            title=tr("Not saved", self.lang),
            severity="error",
            timeout=10,
        )
        return True

    # -- lists of records ----------------------------------------------------------------------

    @on(Button.Pressed, "RecordsRow Button")
    def _open_records(self, event: Button.Pressed) -> None:
        spec = getattr(event.button, "spec", None)
        ref = self.selected
        if spec is None or ref is None or not self.commit_pending():
            return
        try:
            self.session.get(ref)
        except (KeyError, RefkitError) as e:  # framework.yaml unreadable, or the item gone
            self._refused(e)
            return

        def done(changed: bool | None) -> None:
            if changed and ref.folder in self.session.frameworks:
                self._refresh_framework(ref.folder, ref)
                self.refresh_markers()
            self._select(ref)
            self.set_focus(event.button)

        self.push_screen(RecordsScreen(self.session, ref, spec), done)


def _short(ref: Ref, lang: str) -> str:
    if ref.kind == "criterion":
        return tr("{n} of {id}", lang).format(n=(ref.criterion or 0) + 1, id=ref.competency)
    return ref.competency or ref.block or ""


def _conflict(e: RefkitError) -> bool:
    return isinstance(e, ConflictError)

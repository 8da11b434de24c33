"""Provides ``RecordsRow`` (a list of records in an item's form) and ``RecordsScreen``, where the
records are edited one at a time: the working group, the activities, the elective groups, the
shared blocks, the other codes, the correspondence table, a block's assessment modalities.

Each change goes through ``refkit.edit.records``: saved at once, undoable with Ctrl+Z, checked
as typed against the same schema as ``refkit validate``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, ListItem, ListView, Select, Static, TextArea

from refkit.edit import Ref, Session
from refkit.edit import records as rec
from refkit.edit.errors import FieldRefused
from refkit.edit.fields import display_value, typing_problem
from refkit.edit.records import Records
from refkit.errors import RefkitError
from refkit.i18n import N_, ngettext, tr
from refkit.tui.choice import Choice
from refkit.tui.fields import field_text, fill_field, show_error
from refkit.tui.footer import keys_footer
from refkit.tui.keys import focus_now
from refkit.tui.lang import lang_of, said


def summary(session: Session, ref: Ref, spec: Records) -> str:
    """ "3 members: Federation… · Chamber… · …" — what the list holds, in one line."""
    lang = session.lang
    try:
        items = rec.items(session, ref, spec)
    except (KeyError, RefkitError):
        return ""
    if not items:
        return tr("none — Enter to add one", lang)
    shown = " · ".join(spec.summary(i, lang) for i in items[:3])
    more = " · …" if len(items) > 3 else ""
    n = len(items)
    return tr("{n} {records}: {shown}", lang).format(
        n=n, records=ngettext(*spec.many, n, lang), shown=shown + more
    )


class RecordsRow(Vertical):
    """In an item's form: the list's name and a one-line summary; Enter opens the list."""

    DEFAULT_CSS = """
    RecordsRow { height: auto; }
    RecordsRow Label { color: $text-muted; }
    /* !important: Textual's Button.-style-default draws tall borders top and bottom, which
       left no line for the summary (the row showed as an empty bar) */
    RecordsRow Button { width: 100%; height: 1 !important; min-width: 0;
      border: none !important; padding: 0; background: $boost; text-align: left;
      content-align: left middle; text-style: none; }
    RecordsRow Button:focus { background: $primary 40%; text-style: bold; }
    """

    def __init__(self, spec: Records) -> None:
        super().__init__(id=f"row-records-{spec.kind}-{spec.name.replace('.', '-')}")
        self.spec = spec

    def compose(self) -> ComposeResult:
        yield Label(tr(self.spec.label, lang_of(self)))
        button = Button("", id=f"records-{self.spec.kind}-{self.spec.name.replace('.', '-')}")
        button.spec = self.spec  # type: ignore[attr-defined]
        # no flash when pressed: it opens a screen at once (the flash, a 0.2 s timer, would
        # still show behind it or not, depending on the machine's speed)
        button.active_effect_duration = 0
        yield button


class RecordsScreen(ModalScreen[bool]):
    """The records of one list: the list above, the selected record's fields below."""

    DEFAULT_CSS = """
    RecordsScreen { align: center middle; }
    RecordsScreen > Vertical { width: 90%; max-width: 110; height: 90%; border: round $primary;
      background: $surface; padding: 0 1; }
    RecordsScreen #records { height: auto; max-height: 40%; border: round $primary 50%; }
    RecordsScreen #records:focus { border: round $primary; }
    RecordsScreen #record-form { height: 1fr; }
    RecordsScreen .label { color: $text-muted; }
    RecordsScreen .error { color: $error; height: auto; display: none; }
    RecordsScreen .error.-shown { display: block; }
    RecordsScreen TextArea { height: 4; background: $boost; }
    RecordsScreen Input { background: $boost; }
    RecordsScreen Input.-invalid { background: $error 30%; text-style: underline; }
    RecordsScreen .muted { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", N_("Add")),
        Binding("x,delete", "delete", N_("Delete"), key_display="x"),
        Binding("left_square_bracket", "move(-1)", N_("Order"), key_display="[ ]"),
        Binding("right_square_bracket", "move(1)", N_("Move down"), show=False),
        Binding("escape", "back", N_("Close"), key_display="esc"),
        Binding("f1", "app.help", N_("Help"), key_display="F1"),
    ]

    def __init__(self, session: Session, ref: Ref, spec: Records) -> None:
        super().__init__()
        self.session, self.ref, self.spec = session, ref, spec
        self.index: int | None = None
        self._filling = False
        self.changed = False

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        lang = self.session.lang
        with Vertical():
            title = self.session.label(self.ref)
            yield Static(Text.assemble((tr(self.spec.label, lang), "bold"), f" — {title}"))
            if self.spec.help:
                yield Static(Text(tr(self.spec.help, lang)), classes="muted")
            yield ListView(id="records")
            with VerticalScroll(id="record-form"):
                for f in self.spec.fields:
                    wid = self._wid(f.name)
                    yield Label(tr(f.label, lang) + (" *" if f.required else ""), classes="label")
                    if f.type == "choice":
                        choices = [(v, tr(label, lang)) for v, label in f.choices]
                        yield Choice(choices, id=wid, required=f.required, compact=True, lang=lang)
                    elif f.type in ("text", "lines"):
                        yield TextArea(
                            id=wid,
                            soft_wrap=True,
                            show_line_numbers=False,
                            tab_behavior="focus",
                            compact=True,
                        )
                    else:
                        yield Input(
                            id=wid,
                            placeholder="" if f.required else tr("(optional)", lang),
                            compact=True,
                        )
                    yield Static("", classes="error", id=f"err-{wid}")
            yield Static(
                tr(
                    "a: add · x: delete · [ ]: order · Tab: edit · Enter: save · "
                    "Esc: close (everything is already saved)",
                    lang,
                ),
                classes="muted",
            )
        yield keys_footer()

    def on_mount(self) -> None:
        self.reload(0)
        focus_now(self.query_one("#records", ListView))

    def _wid(self, name: str) -> str:
        return "r-" + name.replace(".", "-")

    def _records(self) -> list[Any]:
        try:
            return rec.items(self.session, self.ref, self.spec)
        except (KeyError, RefkitError):
            return []

    def reload(self, index: int | None = None) -> None:
        """Show the list as the files hold it now (after a change, an undo...)."""
        records = self._records()
        listing = self.query_one("#records", ListView)
        listing.clear()
        for n, r in enumerate(records, 1):
            listing.append(ListItem(Label(Text(f"{n}. {self.spec.summary(r, self.session.lang)}"))))
        if not records:
            listing.append(ListItem(Label(Text(tr("(none: a to add one)", self.session.lang)))))
        wanted = self.index if index is None else index
        if records:
            wanted = min(max(wanted or 0, 0), len(records) - 1)
            self.index = wanted
            listing.index = wanted
        else:
            self.index = None
        self._fill()

    def refresh_from_session(self) -> None:
        self.reload()

    def _fill(self) -> None:
        records = self._records()
        record = (
            records[self.index] if self.index is not None and self.index < len(records) else None
        )
        self._filling = True
        try:
            for f in self.spec.fields:
                widget = self.query_one(f"#{self._wid(f.name)}")
                widget.disabled = record is None
                value = display_value(f, rec.display(f, record)) if record is not None else ""
                self._error(f.name, fill_field(widget, value))
        finally:
            self.call_after_refresh(self._done_filling)

    def _done_filling(self) -> None:
        self._filling = False

    def _error(self, name: str, text: str | None) -> None:
        show_error(self, self._wid(name), text)

    # -- list --------------------------------------------------------------------------------

    @on(ListView.Highlighted, "#records")
    def _highlighted(self, event: ListView.Highlighted) -> None:
        index = event.list_view.index
        if index is not None and index != self.index and index < len(self._records()):
            self.index = index
            self._fill()

    @on(ListView.Selected, "#records")
    def _selected(self) -> None:
        if self._records():
            self.focus_next()  # Enter on a record: to its first field
        else:
            self.action_add()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("add", "delete", "move"):
            return isinstance(self.focused, ListView)
        return True

    def action_add(self) -> None:
        self._run(lambda: rec.add(self.session, self.ref, self.spec, self.index))

    def action_delete(self) -> None:
        if self.index is None:
            return
        index = self.index
        self._run(lambda: (rec.delete(self.session, self.ref, self.spec, index), index))

    def action_move(self, delta: int) -> None:
        if self.index is None:
            return
        index = self.index
        self._run(lambda: rec.move(self.session, self.ref, self.spec, index, delta))

    def _run(self, operation: Any) -> None:
        try:
            outcome, index = operation()
        except RefkitError as e:
            lang = self.session.lang
            self.app.notify(said(e, lang), title=tr("Refused", lang), severity="error", timeout=8)
            return
        self.changed = True
        if outcome.message:
            self.app.set_status(outcome.message)  # type: ignore[attr-defined]
        self.reload(index)

    def action_back(self) -> None:
        """Escape: from a field back to the list (saving the field), from the list: close."""
        if isinstance(self.focused, ListView) or self.focused is None:
            self.dismiss(self.changed)
            return
        self._save(self.focused)
        focus_now(self.query_one("#records", ListView))

    # -- fields ------------------------------------------------------------------------------

    def _field_of(self, widget: Any) -> Any:
        wid = getattr(widget, "id", None) or ""
        return next((f for f in self.spec.fields if self._wid(f.name) == wid), None)

    @on(Input.Changed)
    def _typing(self, event: Input.Changed) -> None:
        f = self._field_of(event.input)
        if f is None or self._filling:
            return
        problem = typing_problem(f, event.value, self.session.lang)
        event.input.set_class(problem is not None, "-invalid")
        self._error(f.name, problem)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self._save(event.input)

    @on(Select.Changed)
    def _chosen(self, event: Select.Changed) -> None:
        if not self._filling:
            self._save(event.select)

    def on_descendant_blur(self, event: Any) -> None:
        widget = getattr(event, "widget", None) or getattr(event, "control", None)
        if isinstance(widget, Input | TextArea) and not self._filling:
            self._save(widget)

    def _save(self, widget: Any) -> bool:
        f = self._field_of(widget)
        text = field_text(widget)
        if f is None or self.index is None or text is None:
            return True
        records = self._records()
        if self.index >= len(records):
            return True
        if text == display_value(f, rec.display(f, records[self.index])):
            return True
        try:
            outcome = rec.set_field(self.session, self.ref, self.spec, self.index, f.name, text)
        except RefkitError as e:
            lang = self.session.lang
            reason = e.reason if isinstance(e, FieldRefused) else said(e, lang, hint=False)
            if isinstance(widget, Input):
                widget.add_class("-invalid")
            self._error(f.name, tr("not saved: {reason}", lang).format(reason=reason))
            return False
        self.changed = True
        if outcome.message:
            self.app.set_status(outcome.message)  # type: ignore[attr-defined]
        listing = self.query_one("#records", ListView)
        item = listing.children[self.index] if self.index < len(listing.children) else None
        if item is not None:
            item.query_one(Label).update(
                Text(
                    f"{self.index + 1}. "
                    + self.spec.summary(self._records()[self.index], self.session.lang)
                )
            )
        self._error(f.name, None)
        return True

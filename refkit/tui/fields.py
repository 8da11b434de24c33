"""Provides the form's fields: a row (label, field, the line where its problem shows), the
three kinds of field, and their filling (``fill_field``, ``field_text``, ``show_error``: one way,
for an item's form and for a list of records).

* ``FieldInput``: a short one-line value (an id, a code, a number).
* ``FieldLine``: a one-line text that is long (a statement, a criterion, a title): shown wrapped
  over as many lines as it needs (up to five), so that it is read whole while it is written;
  Enter saves it, it never holds a line break.
* ``FieldText``: a text over several lines (a description, notes): Enter starts a new line.

Arriving in a field puts the cursor at the end of its text, selecting nothing (one stray key
replaced a whole statement), except a text refkit wrote itself for a new item ("Nouvelle
compétence"), which is selected so that typing replaces it. Escape gives up what was typed in the
field (the value saved last comes back) and returns to the tree; Enter, Tab or leaving the field
saves it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.dom import DOMNode
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, TextArea

from refkit.edit import Field
from refkit.i18n import N_, tr
from refkit.model import PLACEHOLDERS
from refkit.tui.choice import Choice
from refkit.tui.lang import lang_of

# the one-line texts long enough to be read wrapped while they are written
LONG_LINES = frozenset(
    {
        ("framework", "title"),
        ("block", "title"),
        ("competency", "statement"),
        ("criterion", "text"),
    }
)


def widget_id(kind: str, name: str) -> str:
    return f"f-{kind}-{name.replace('.', '-')}"


class FieldInput(Input):
    """A short one-line field; Enter saves it (shown in the footer)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", N_("Save"), key_display="enter"),
        Binding("escape", "app.cancel_field", N_("Cancel"), key_display="esc"),
        Binding("f1", "app.field_help", N_("Help"), key_display="F1"),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, select_on_focus=False, **kwargs)

    def _on_focus(self, event: events.Focus) -> None:
        super()._on_focus(event)
        if event.from_app_focus:
            return  # the terminal got the focus back: the field stays as it was
        if self.value in PLACEHOLDERS:
            self.select_all()  # typing replaces the text refkit gave a new item
        else:
            self.cursor_position = len(self.value)  # a click then puts it where it clicks


# Textual's TextArea binds F5, F6 and F7 (select a word, a line, all): in the editor F5 records
# and F6 publishes, from a field too
_EDITOR_KEYS: list[BindingType] = [
    Binding("f5", "app.commit", N_("Record"), key_display="F5", show=False),
    Binding("f6", "app.release", N_("Publish"), key_display="F6", show=False),
    Binding("f7", "select_all", N_("Select all"), show=False),
]


class FieldLine(TextArea):
    """A one-line text shown wrapped; Enter saves it. ``value`` and ``cursor_position`` as an
    ``Input`` has them, so that the editor treats both alike. Home and End (Ctrl+A, Ctrl+E) go
    to the start and end of the text, Ctrl+K and Ctrl+U delete to them: it is one line, however
    many lines it takes on the screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", N_("Save"), key_display="enter", priority=True),
        Binding("escape", "app.cancel_field", N_("Cancel"), key_display="esc"),
        Binding("f1", "app.field_help", N_("Help"), key_display="F1"),
        Binding("home,ctrl+a", "text_start", show=False),
        Binding("end,ctrl+e", "text_end", show=False),
        Binding("shift+home", "text_start(True)", show=False),
        Binding("shift+end", "text_end(True)", show=False),
        Binding("ctrl+k", "delete_to_text_end", show=False),
        Binding("ctrl+u", "delete_to_text_start", show=False),
        *_EDITOR_KEYS,
    ]

    class Submitted(Message):
        def __init__(self, field: FieldLine) -> None:
            super().__init__()
            self.field = field

        @property
        def control(self) -> FieldLine:
            return self.field

    class Pasted(Message):
        """Text with line breaks or tabs pasted into a one-line field (rows of a sheet): the
        editor decides what to do with it, nothing is inserted meanwhile."""

        def __init__(self, field: FieldLine, text: str) -> None:
            super().__init__()
            self.field, self.text = field, text

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            soft_wrap=True, show_line_numbers=False, tab_behavior="focus", compact=True, **kwargs
        )

    @property
    def value(self) -> str:
        return self.text

    @value.setter
    def value(self, text: str) -> None:
        self.load_text(text)
        if self.has_focus:
            # filled while the cursor is already in it (Tab pressed before the form was filled, on
            # a busy machine): the cursor at the end, as when it arrives, not at the start
            self.cursor_location = (0, len(text))

    @property
    def cursor_position(self) -> int:
        return self.cursor_location[1]

    @cursor_position.setter
    def cursor_position(self, position: int) -> None:
        self.cursor_location = (0, position)

    def action_submit(self) -> None:
        self.post_message(self.Submitted(self))

    def action_text_start(self, select: bool = False) -> None:
        self.move_cursor((0, 0), select=select)

    def action_text_end(self, select: bool = False) -> None:
        self.move_cursor((0, len(self.text)), select=select)

    def action_delete_to_text_end(self) -> None:
        self.delete(self.cursor_location, (0, len(self.text)))

    def action_delete_to_text_start(self) -> None:
        self.delete((0, 0), self.cursor_location)

    async def _on_paste(self, event: events.Paste) -> None:
        inner = event.text.strip("\r\n")
        if "\n" in inner or "\r" in inner or "\t" in inner:  # a terminal sends line breaks as CR
            event.stop()
            event.prevent_default()
            self.post_message(self.Pasted(self, event.text))
            return
        event.stop()
        event.prevent_default()
        self.insert(event.text.strip("\r\n"))

    def on_focus(self, event: events.Focus) -> None:
        if event.from_app_focus:
            return
        if self.text in PLACEHOLDERS:
            self.select_all()
        else:
            self.cursor_location = (0, len(self.text))


class FieldText(TextArea):
    """A text field over several lines: Enter starts a new line, Tab saves and goes on."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "app.focus_next", N_("Save"), key_display="Tab"),
        Binding("escape", "app.cancel_field", N_("Cancel"), key_display="esc"),
        Binding("f1", "app.field_help", N_("Help"), key_display="F1"),
        *_EDITOR_KEYS,
    ]


class FieldRow(Vertical):
    """A label, a field and the line where its problem shows while typing."""

    DEFAULT_CSS = """
    FieldRow { height: auto; }
    FieldRow Label { color: $text-muted; }
    FieldRow .error { color: $error; height: auto; display: none; }
    FieldRow .error.-shown { display: block; }
    FieldRow FieldText { height: 4; background: $boost; }
    FieldRow FieldLine { height: auto; max-height: 5; background: $boost; padding: 0; }
    FieldRow Input { background: $boost; overflow-x: hidden; }
    FieldRow FieldLine.-invalid { background: $error 30%; text-style: underline; }
    """

    def __init__(self, kind: str, spec: Field) -> None:
        super().__init__(id=f"row-{widget_id(kind, spec.name)}")
        self.kind = kind
        self.spec = spec

    def compose(self) -> ComposeResult:
        wid = widget_id(self.kind, self.spec.name)
        lang = lang_of(self)
        label = tr(self.spec.label, lang)
        yield Label(label + (" *" if self.spec.required else ""), classes="label")
        if self.spec.type == "choice":
            choices = [(v, tr(label, lang)) for v, label in self.spec.choices]
            yield Choice(choices, id=wid, required=self.spec.required, compact=True, lang=lang)
        elif self.spec.type in ("text", "lines"):
            yield FieldText(
                id=wid, soft_wrap=True, show_line_numbers=False, tab_behavior="focus", compact=True
            )
        elif (self.kind, self.spec.name) in LONG_LINES:
            yield FieldLine(id=wid)
        else:
            yield FieldInput(
                id=wid,
                placeholder="" if self.spec.required else tr("(optional)", lang),
                compact=True,
            )
        yield Static("", classes="error", id=f"err-{wid}")


def fill_field(widget: Widget, value: str) -> str | None:
    """Show ``value`` in a field (an ``Input``, a ``TextArea``, a ``Choice``), changing nothing
    that already shows it; what is wrong with the value, when the field can tell (a value that
    is none of a choice's)."""
    if isinstance(widget, Input):
        if widget.value != value:
            widget.value = value
            widget.cursor_position = 0  # show the beginning of a long value
        widget.remove_class("-invalid")
    elif isinstance(widget, TextArea):
        if widget.text != value:
            widget.load_text(value)
    elif isinstance(widget, Choice):
        return widget.show(value)
    return None


def field_text(widget: Any) -> str | None:
    """What a field holds as typed (None: not a field)."""
    if isinstance(widget, Input):
        return widget.value
    if isinstance(widget, TextArea):
        return widget.text
    if isinstance(widget, Select):
        value = widget.value
        return "" if value is Select.NULL or value is None else str(value)
    return None


def show_error(where: DOMNode, wid: str, problem: str | None) -> None:
    """Show (or clear) the line under field ``wid`` saying what is wrong with it."""
    try:
        line = where.query_one(f"#err-{wid}", Static)
    except NoMatches:
        return  # its form is being built, or the editor is closing
    if problem is None and not line.has_class("-shown"):
        return  # nothing shown, nothing to change (no new layout on every selection)
    line.update(Text(f"✗ {problem}") if problem else "")
    line.set_class(problem is not None, "-shown")

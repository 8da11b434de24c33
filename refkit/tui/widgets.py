"""Provides ``Line``: one line of plain text (the breadcrumbs, the item's title, the status),
and ``DIALOG_CSS``, the style every dialog of the editor shares."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


class Line(Widget):
    """One line of text that never changes the layout when it changes (a Static would ask for a
    new layout of the whole screen on every update: too slow on each key of the cursor). Plain
    text, never markup: it shows the frameworks' own texts and messages about them (a hint with
    "[a, b]" in the status line made rendering fail)."""

    DEFAULT_CSS = "Line { height: 1; text-wrap: nowrap; text-overflow: ellipsis; }"
    text: reactive[str] = reactive("", layout=False)

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_reactive(Line.text, text)

    def render(self) -> Text:
        text = Text(self.text, overflow="ellipsis")
        text.no_wrap = True
        return text

    def update(self, text: str) -> None:
        self.text = text


# the style of every dialog (refkit.tui.dialogs, search, paste, sync, certification)
DIALOG_CSS = """
Dialog, ChangesScreen, HistoryScreen, HelpScreen { align: center middle; }
Dialog > Vertical, .view { width: 90%; max-width: 100; height: auto; max-height: 90%;
  border: round $primary; background: $surface; padding: 0 1; }
.view { height: 90%; }
Dialog .buttons { height: auto; align-horizontal: right; margin-top: 1; }
Dialog Button { margin-left: 1; min-width: 12; }
Dialog .message { height: auto; margin: 1 0; }
Dialog .error { color: $error; height: auto; }
Dialog OptionList { height: auto; max-height: 12; }
Dialog ListView, .view ListView { height: auto; max-height: 14; }
.view ListView { height: 1fr; max-height: 100%; }
.muted { color: $text-muted; }
"""

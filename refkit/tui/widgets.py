"""Provides ``Line``: one line of plain text (the breadcrumbs, the item's title, the status)."""

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

"""Provides ``focus_now``: the focus given at once, before the next key is sent on."""

from __future__ import annotations

from textual.dom import NoScreen
from textual.widget import Widget


def focus_now(widget: Widget) -> None:
    """Give ``widget`` the focus now. Textual's ``Widget.focus()`` does it later (after the
    messages already queued), so that the next key, sent on by the app once this one is handled,
    still went to the widget the focus was leaving: Escape then Enter in a field saved the field
    instead of opening the tree's node."""
    try:
        screen = widget.screen
    except NoScreen:  # not mounted (anymore): nothing to focus
        return
    screen.set_focus(widget)

"""Provides the footer of the keys that apply now, on the editor and on every dialog over it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

# Textual's own widgets name a few keys in English (a list of choices opened: "esc Dismiss
# menu"): said as the rest of the editor says them
_OWN_WORDS = {"Dismiss menu": "Fermer la liste", "Exit the command palette": "Fermer"}
_KEY_NAMES = {"esc": "Échap", "enter": "Entrée", "tab": "Tab"}


class FittingFooter(Footer):
    """Textual's footer, showing only the keys that fit whole, in the order of the bindings (the
    most useful first): at 80 columns a key cut in half at the edge helps nobody."""

    def compose(self) -> ComposeResult:
        width = self.app.size.width
        used = 0
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.description = _OWN_WORDS.get(widget.description, widget.description)
                widget.key_display = _KEY_NAMES.get(widget.key_display, widget.key_display)
                need = len(widget.key_display) + len(widget.description) + 2
                if used + need > width:
                    continue
                used += need
            yield widget

    def on_resize(self) -> None:
        self.refresh(recompose=True)


def keys_footer() -> FittingFooter:
    """The footer every screen of the editor ends with: a dialog's own footer covers the
    editor's, whose keys do not apply while the dialog is open."""
    return FittingFooter(compact=True, show_command_palette=False)

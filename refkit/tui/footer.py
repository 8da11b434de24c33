"""Provides the footer of the keys that apply now, on the editor and on every dialog over it."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Footer

from refkit.i18n import N_, tr
from refkit.tui.lang import lang_of

# Textual's own widgets name a few keys ("esc Dismiss menu" when a list of choices is open):
# said in the editor's words, in its language; the editor's bindings are English message ids
_OWN_WORDS = {"Dismiss menu": N_("Close the list"), "Exit the command palette": N_("Close")}
_KEY_NAMES = {"esc": N_("Esc"), "enter": N_("Enter"), "tab": N_("Tab")}


def _is_key(widget: Any) -> bool:
    return isinstance(getattr(widget, "key_display", None), str)


class FittingFooter(Footer):
    """Textual's footer, showing only the keys that fit whole, in the order of the bindings (the
    most useful first): at 80 columns a key cut in half at the edge helps nobody."""

    def compose(self) -> ComposeResult:
        width = self.app.size.width
        lang = lang_of(self)
        used = 0
        widget: Any
        for widget in super().compose():
            # a key of Textual's footer (its class, FooterKey, lives in a private module)
            if _is_key(widget):
                words = _OWN_WORDS.get(widget.description, widget.description)
                widget.description = tr(words, lang)
                if widget.key_display in _KEY_NAMES:
                    widget.key_display = tr(_KEY_NAMES[widget.key_display], lang)
                need = len(widget.key_display) + len(widget.description) + 2
                if used + need > width:
                    continue
                used += need
            yield widget

    def shown_keys(self) -> list[tuple[str, str]]:
        """The keys shown now: (key, what it does), as shown."""
        return [(w.key_display, w.description) for w in self.query("FooterKey")]  # type: ignore[attr-defined]

    def on_resize(self) -> None:
        self.refresh(recompose=True)


def keys_footer() -> FittingFooter:
    """The footer every screen of the editor ends with: a dialog's own footer covers the
    editor's, whose keys do not apply while the dialog is open."""
    return FittingFooter(compact=True, show_command_palette=False)

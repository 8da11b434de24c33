"""Provides fields that handle their editing keys in the order they were typed."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.widgets import Input, TextArea


class KeysInOrder:
    """Textual inserts a printable key as soon as the field reads it, but runs a key binding
    (Backspace, Delete, arrows, Home, End, Ctrl+K...) only once the key has bubbled up through
    every container to the app. On a busy moment (the form being filled, the check's results
    coming in, a slow machine), keys typed fast came out of order: "ab", Backspace, "c" could
    give "ac" or "ab" with the c deleted. The field's own bindings run here, at once, in the order
    the keys came; any other key goes on as before."""

    _bindings: Any
    app: Any

    async def _on_key(self, event: events.Key) -> None:
        if event.is_printable:
            return  # the field's class inserts it (Textual calls every class's handler in turn)
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if not binding.priority and await self.app.run_action(binding.action, self):
                event.stop()
                event.prevent_default()
                return


class OrderedInput(KeysInOrder, Input):
    """A one-line field whose editing keys keep their order."""


class OrderedTextArea(KeysInOrder, TextArea):
    """A text area whose editing keys keep their order."""

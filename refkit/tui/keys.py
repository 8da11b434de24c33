"""Provides the editor's key handling: one key at a time (``KeyQueue``), and ``focus_now``: the
focus given at once, before the next key is sent on."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from textual import events
from textual.app import App
from textual.dom import NoScreen
from textual.message import Message
from textual.timer import Timer
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


class KeyHandled(Message):
    """Sent behind a key to the widget that got it: back at the app, the key has been handled
    (its binding run, or stopped on the way). Then sent once more: what the key made the widget
    post (an Input's Submitted on Enter) was queued behind the first, ahead of the second, and
    has reached every widget it bubbles to (the dialog that moves the focus on) when the second
    comes back."""

    def __init__(self, number: int, second: bool = False) -> None:
        super().__init__()
        self.number = number  # which key: one let go by the watchdog may come back late
        self.second = second


class KeyQueue(App[None]):
    """Keys sent on one at a time. Textual sends a key to the widget that has the focus when the
    app reads it, and runs the key's binding when the key has come back up to the app: keys
    read in between (a burst from tmux, a paste of keys, a fast typist on a busy machine) went
    to the widget a Tab or an Escape was about to leave, and a binding (Backspace, Down) ran
    after the letters typed next. Here a key is sent on only once the one before has been
    handled all the way up (``KeyHandled``, sent behind it, has come back)."""

    # a key is in flight while its watchdog is set; a paste waits its turn too
    _held_keys: list[events.Key | events.Paste]
    _key_watchdog: Timer | None
    _keys_sent: int
    _key_target: Widget | App[None]  # where the key in flight was sent

    def _start_key_queue(self) -> None:
        self._held_keys = []
        self._key_watchdog = None
        self._keys_sent = 0
        self._key_target = self
        self.last_key_at = 0.0  # (time.monotonic) when the last key or paste came

    async def keys_quiet(self, seconds: float, answering: Callable[[], bool] | None = None) -> None:
        """Return once no key has come for ``seconds``, none waits and the last one is answered
        (``answering()`` false: the form about to follow the cursor): work that can wait (the
        forms built after the first paint) leaves the event loop to the keys typed meanwhile."""
        while True:
            wait = self.last_key_at + seconds - time.monotonic()
            busy = answering is not None and answering()
            if wait <= 0 and not self._held_keys and self._key_watchdog is None and not busy:
                return
            await asyncio.sleep(max(wait, 0.02))

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.Paste) and not event.is_forwarded:
            self.last_key_at = time.monotonic()
            if self._key_watchdog is not None:
                self._held_keys.append(event)
                return
            await self._send_key(event)
            return
        await super().on_event(event)

    async def _send_key(self, event: events.Key | events.Paste) -> None:
        target = self.focused or self.screen
        await super().on_event(event)  # Textual's own routing (priority bindings, focus...)
        if event.is_forwarded:  # sent to the focused widget: wait for it to come back
            self._keys_sent += 1
            self._key_target = target
            target.post_message(KeyHandled(self._keys_sent))
            # never stuck: a widget removed with the marker in its queue (a dialog closed by
            # this key) never sends it back; a key whose work takes longer lets the next go
            self._key_watchdog = self.set_timer(0.25, self._release_keys)

    def on_key_handled(self, message: KeyHandled) -> None:
        message.stop()
        if message.number != self._keys_sent:  # a key the watchdog already let go
            return
        if not message.second and self._key_target.is_attached:
            self._key_target.post_message(KeyHandled(message.number, second=True))
            return
        self._release_keys()

    def _release_keys(self) -> None:
        if self._key_watchdog is not None:
            self._key_watchdog.stop()
            self._key_watchdog = None
        if self._held_keys:
            self.call_next(self._send_next_key)

    async def _send_next_key(self) -> None:
        if self._key_watchdog is None and self._held_keys:
            await self._send_key(self._held_keys.pop(0))

"""Provides the editor's sync (F7): ``refkit sync`` from the editor, in a window that says what
it does while it runs (in a worker thread: the shared repository may take seconds to answer) and
what came of it; the files are read again when commits came in."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from refkit.errors import RefkitError
from refkit.i18n import N_, plural, tr
from refkit.tui.lang import lang_of, said
from refkit.tui.widgets import DIALOG_CSS


class SyncScreen(ModalScreen[bool]):
    """Dismissed with whether commits came in (the editor then reads the files again);
    ``waiting``: the merge stopped on fields to choose (the editor then opens its conflicts)."""

    DEFAULT_CSS = DIALOG_CSS
    holds_disk_watch = True  # closing it reads the files again
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter", "close", N_("Close"), key_display="esc")]  # fmt: skip

    def __init__(self, session: Any) -> None:
        super().__init__()
        self.session = session
        self.received = False
        self.finished = False
        self.waiting = False

    def compose(self) -> ComposeResult:
        lang = lang_of(self)
        with Vertical(classes="view"):
            yield Static(Text(tr("Sync with the shared repository", lang), style="bold"))
            yield Static(tr("Fetching the shared repository…", lang), id="sync-status")

    def on_mount(self) -> None:
        self.run_sync()

    @work(thread=True, exclusive=True)
    def run_sync(self) -> None:
        from refkit.history import History
        from refkit.history.sync import MergeWaiting, sync

        lang = lang_of(self)
        try:
            with History(self.session.repo) as history:
                result = sync(history)
        except MergeWaiting as e:  # the files hold the merge: the conflicts screen follows
            self.received = self.waiting = True
            text = said(e, lang, hint=False) + "\n" + tr("Closing this opens the conflicts, side by side.", lang)  # fmt: skip
        except RefkitError as e:
            text = said(e, lang)
        else:
            self.received = result.received > 0
            text = plural(
                "Up to date with {remote} ({branch}): {n} commit received, {sent}.",
                "Up to date with {remote} ({branch}): {n} commits received, {sent}.",
                result.received,
                lang,
                remote=result.remote,
                branch=result.branch,
                sent=plural("{n} sent", "{n} sent", result.sent, lang),
            )
        self.app.call_from_thread(self._show, text)

    def _show(self, text: str) -> None:
        self.finished = True
        self.query_one("#sync-status", Static).update(
            text + "\n\n" + tr("Escape or Enter: close", lang_of(self))
        )

    def action_close(self) -> None:
        if self.finished:
            self.dismiss(self.received)

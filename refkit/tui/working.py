"""Provides ``WorkingActions``: the editor's side of working together (issue 14). Which proposal
the clone is in, always shown under the tree (« proposition pac-2027 », « branche principale »,
and « fusion en attente » while a merge waits); the proposals screen (F8); the conflicts of a
merge waiting for choices (F9), opened by itself after a sync (F7) or an update that left one, and
when the editor opens in the middle of one. Every operation is ``refkit.edit.working``'s, over
``refkit.review`` and ``refkit.history.merge``: no git here."""

from __future__ import annotations

from textual import work

from refkit.edit import working
from refkit.edit.working import Where
from refkit.errors import RefkitError
from refkit.i18n import tr
from refkit.tui.versions import VersionActions


def where_text(where: Where | None, lang: str) -> str:
    """« proposition pac-2027 », « branche principale », « branche x »; a merge waiting said."""
    if where is None or (where.branch is None and not where.merging):
        return ""
    if where.proposal is not None:
        text = tr("proposal {name}", lang).format(name=where.proposal)
    elif where.branch == working.MAIN:
        text = tr("main branch", lang)
    elif where.branch is None:
        text = tr("no branch (detached)", lang)
    else:
        text = tr("branch {name}", lang).format(name=where.branch)
    return text + (tr(" · merge waiting (F9)", lang) if where.merging else "")


class WorkingActions(VersionActions):
    """Proposals, the merge waiting for choices, and where the clone is."""

    where: Where | None = None

    @work(thread=True, exclusive=True, group="where")
    def refresh_where(self, open_conflicts: bool = False) -> None:
        """Find where the clone is (git: off the interface's thread) and show it; with
        ``open_conflicts``, a merge waiting opens its conflicts."""
        try:
            found: Where | None = working.where(self.session)
        except RefkitError:  # not under git: nothing to say
            found = None
        self.call_from_thread(self._show_where, found, open_conflicts)

    def _show_where(self, where: Where | None, open_conflicts: bool) -> None:
        self.where = where
        self.item_tree.border_subtitle = where_text(where, self.lang)
        if where is not None and where.merging and open_conflicts:
            self.notify(
                tr("A merge waits for your choices: the conflicts screen shows them.", self.lang),
                timeout=6,
            )
            self.action_conflicts()

    def after_sync(self, waiting: bool) -> None:
        """After F7: where the clone is now; a merge left waiting opens its conflicts."""
        self.refresh_where(open_conflicts=waiting)

    def files_changed(self, status: str) -> None:
        """After an operation that changed the files (switch, update, merge, a choice): the tree,
        the form and where the clone is, read again; ``status`` said."""
        self.action_reload()
        self.set_status(status)

    def action_proposals(self) -> None:
        """F8: the proposals (list, start, switch, sign-off, approve, comment, update, merge)."""
        from refkit.tui.proposals import ProposalsScreen

        if self._refuse_while_unsaved():
            return
        self.push_screen(ProposalsScreen())

    def action_conflicts(self) -> None:
        """F9: the fields a merge left to choose, side by side."""
        from refkit.tui.conflicts import ConflictScreen

        if isinstance(self.screen, ConflictScreen) or self._refuse_while_unsaved():
            return
        try:
            state = working.waiting(self.session)
        except RefkitError as e:
            self._refused(e)
            return
        if state is None:
            self.notify(tr("No merge is waiting: nothing to choose.", self.lang), timeout=5)
            return
        self.push_screen(ConflictScreen(state), self._merge_done)

    def _merge_done(self, outcome: str | None) -> None:
        """The conflicts screen closed: ``finished`` (the merge recorded: offered to be sent),
        ``aborted``, or None (the merge still waits)."""
        self.refresh_where()
        if outcome != "finished":
            return

        from refkit.tui.dialogs import ConfirmDialog  # on use: not on the first open's path

        def send(yes: bool | None) -> None:
            if yes:
                self.action_sync()

        self.push_screen(
            ConfirmDialog(
                tr(
                    "The merge is recorded. Send it to the shared repository now (F7)? "
                    "Until then, the group does not have it.",
                    self.lang,
                ),
                tr("Send (F7)", self.lang),
                cancel=tr("Later", self.lang),
            ),
            send,
        )

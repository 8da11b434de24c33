"""Provides ``VersionActions``: the editor's dialogs on versions (the changes since the last
release, the history, commit, release, sync with the shared repository) and its watch on the
files: changed outside the editor, they are offered to be read again (``check_disk``), what was
typed and not saved offered again on the new text; quitting says what would be lost."""

from __future__ import annotations

from refkit.edit.refs import Ref
from refkit.edit.session import Session
from refkit.edit.versions import changes_since_release
from refkit.errors import RefkitError
from refkit.i18n import tr
from refkit.tui.base import EditorBase, cut
from refkit.tui.commands import reload_question
from refkit.tui.form import Unsaved
from refkit.tui.lang import said


class VersionActions(EditorBase):
    """Versions, and the files changed outside the editor."""

    _prompting_reload: bool
    _later: dict[str, str | None]  # files the person chose to reload later: their digests then

    def action_changes(self) -> None:
        from refkit.tui.dialogs import ChangesScreen, framework_title

        if self._refuse_while_unsaved():
            return
        folder = self._folder()
        if folder is None:
            return
        try:
            changes = changes_since_release(self.session, folder)
        except RefkitError as e:
            self.notify(said(e, self.lang), severity="error")
            return

        def done(ref: Ref | None) -> None:
            if ref is not None:
                self.reveal(ref)

        self.push_screen(ChangesScreen(framework_title(self.session, folder), changes), done)

    def action_history(self) -> None:
        from refkit.tui.dialogs import HistoryScreen

        folder = self._folder()
        if folder is not None:
            self.push_screen(HistoryScreen(self.session, folder))

    def action_commit(self) -> None:
        from refkit.tui.dialogs import CommitDialog

        if self._refuse_while_unsaved():
            return

        def done(committed: str | bool | None) -> None:
            if committed:
                if isinstance(committed, str):
                    self.set_status(committed)
                self.refresh_markers()

        self.push_screen(CommitDialog(self.session, self.problems), done)

    def action_sync(self) -> None:
        """F7: ``refkit sync`` (the files read again when commits came in)."""
        from refkit.tui.sync import SyncScreen

        if self._refuse_while_unsaved():
            return
        screen = SyncScreen(self.session)

        def done(got: bool | None) -> None:
            if got:
                self.action_reload()
            self.after_sync(screen.waiting)  # a merge left waiting opens its conflicts

        self.push_screen(screen, done)

    def action_release(self) -> None:
        from refkit.tui.release_dialog import ReleaseDialog

        if self._refuse_while_unsaved():
            return
        folder = self._folder()
        if folder is None:
            return

        def done(released: str | bool | None) -> None:
            if released:
                if isinstance(released, str):
                    self.set_status(released)
                self._refresh_framework(folder, self.selected)
                self.refresh_markers()

        self.push_screen(ReleaseDialog(self.session, folder), done)

    # -- files changed elsewhere -----------------------------------------------------------------

    def check_disk(self) -> None:
        """Offer to read again the files changed outside the editor (every two seconds)."""
        from refkit.tui.dialogs import ConfirmDialog

        typing = self._typing_in_field()
        if self._prompting_reload or (typing and self.unsaved is None):
            return
        if getattr(self.screen, "holds_disk_watch", False):
            return  # a sync, the proposals, a merge: they read the files again themselves  # never interrupt typing: asked when the field is left (saving stays guarded)
        changed = [
            p
            for p in self.session.changed_on_disk()
            if self._later.get(p) != _disk_digest(self.session, p)
        ]
        if typing and self.unsaved is not None:
            # what is typed there was refused (its file unreadable, or changed elsewhere): a
            # change in its framework may be the fix, and the reload offers the typing again
            changed = [p for p in changed if p.startswith(self.unsaved.ref.folder + "/")]
        if not changed:
            return
        self._prompting_reload = True
        shown = "\n".join(changed[:6]) + (
            tr("\n… and {n} more", self.lang).format(n=len(changed) - 6) if len(changed) > 6 else ""
        )

        def done(reload: bool | None) -> None:
            self._prompting_reload = False
            if reload:
                self._later.clear()
                self.action_reload()
            else:
                # asked again only after another change; saving those files stays refused
                self._later.update({p: _disk_digest(self.session, p) for p in changed})

        self.push_screen(
            ConfirmDialog(
                reload_question(self, shown),
                tr("Reload", self.lang),
                cancel=tr("Later", self.lang),
            ),
            done,
        )

    def _typing_in_field(self) -> bool:
        from textual.widgets import Input, TextArea

        return isinstance(self.focused, Input | TextArea)

    def action_reload(self) -> None:
        tree = self.item_tree
        opened = [n.data.folder for n in tree.root.children if n.is_expanded and n.data]
        typed = self.unsaved
        self.session.reload()
        self.unsaved = None
        if typed is not None and self.session.exists(typed.ref):
            self.call_after_refresh(self._offer_again, typed)
        tree.rebuild()
        self._freeze_loaded(collect=True)
        for node in tree.root.children:
            if node.data is not None and node.data.folder in opened:
                node.expand()
        selected = self.selected
        while selected is not None and not self.session.exists(selected):
            selected = selected.parent
        if selected is not None:
            self._refresh_framework(selected.folder, selected)
        self.set_status(tr("reloaded from disk", self.lang))
        self.refresh_markers()
        self.refresh_where()

    def _offer_again(self, typed: Unsaved) -> None:
        """After a reload: what was typed and could not be saved, offered on the new text."""
        from refkit.edit.fields import display_value, get_value
        from refkit.tui.dialogs import ConfirmDialog

        try:
            now = display_value(
                typed.field, get_value(self.session.get(typed.ref), typed.field.name)
            )
        except (KeyError, RefkitError):
            return
        if now == typed.text:
            return

        def done(again: bool | None) -> None:
            if again:
                self.run_operation(
                    lambda: self.session.set_field(typed.ref, typed.field.name, typed.text)
                )
            else:
                self.set_status(self._given_up(typed))

        self.push_screen(
            ConfirmDialog(
                tr(
                    'What you typed for {what} was not saved:\n"{typed}"\n\nThe reloaded file '
                    'says:\n"{now}"\n\nReplace it with what you typed?',
                    self.lang,
                ).format(what=self._of(typed), typed=cut(typed.text, 200), now=cut(now, 200)),
                tr("Replace with what I typed", self.lang),
                cancel=tr("Keep the reloaded text", self.lang),
            ),
            done,
        )

    async def action_quit(self) -> None:
        from refkit.tui.dialogs import ConfirmDialog

        if self.commit_pending():
            self.exit()
            return
        unsaved = self.unsaved
        assert unsaved is not None

        def done(leave: bool | None) -> None:
            if leave:
                self.exit()

        self.push_screen(
            ConfirmDialog(
                tr(
                    '{what} is not saved:\n"{text}"\n({reason})\n\nQuit anyway? What you '
                    "typed will be lost; everything else is already saved.",
                    self.lang,
                ).format(
                    what=self._of(unsaved), text=cut(unsaved.text, 200), reason=unsaved.reason
                ),
                tr("Quit without saving", self.lang),
                cancel=tr("Go back", self.lang),
            ),
            done,
        )


def _disk_digest(session: Session, path: str) -> str | None:
    from refkit.store.loader import digest

    full = session.repo.root / path
    return digest(full.read_bytes()) if full.exists() else None

"""Provides ``EditorBase``: what the parts of the editor share (``refkit.tui.app`` puts them
together): the session and the editor's state, what it says (status line, notifications), and
how an operation of the session is run and shown (``run_operation``: the tree and the form
follow, the markers are checked again)."""

from __future__ import annotations

from collections import deque
from typing import Any

from textual.app import App
from textual.notifications import SeverityLevel
from textual.timer import Timer
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from refkit.edit.refs import Ref, name
from refkit.edit.search import Hit, Index
from refkit.edit.session import Session
from refkit.errors import RefkitError
from refkit.i18n import tr
from refkit.parallel import keep_for_good
from refkit.problems import Problem
from refkit.tui.form import Unsaved
from refkit.tui.keys import focus_now
from refkit.tui.lang import said
from refkit.tui.reading import ReadingPane
from refkit.tui.tree import ItemTree
from refkit.tui.widgets import Line


class EditorBase(App[None]):
    """The editor's shared state and helpers; its parts are the classes ``EditorApp`` is made
    of (``refkit.tui.editing``, ``actions``, ``versions``, ``checking``, ``keys``)."""

    session: Session
    selected: Ref | None  # the item under the tree's cursor
    problems: list[Problem]  # what the last check found
    unsaved: Unsaved | None
    freeze_loaded: bool
    notices: deque[str]  # what the notifications said lately (they vanish after a while)
    search_index: Index
    found: list[Hit]  # the last search's results, stepped through with n / N
    found_at: int
    last_query: str
    # the form: filled by refkit.tui.editing
    _filling: bool
    _fill_timer: Timer | None
    _shown: Ref | None
    _shown_kind: str | None  # the kind of the form last filled
    _keys_kind: str | None  # the kind of item the footer's keys were last asked for
    # the item whose values the form holds: the cursor may have moved on before the form
    # follows it, and what the form saves belongs to this item, never to the one under the
    # cursor
    _form_ref: Ref | None

    @property
    def lang(self) -> str:
        """The language the editor speaks (the session's, chosen at start)."""
        return self.session.lang

    @property
    def item_tree(self) -> ItemTree:
        return self.query_one("#tree", ItemTree)

    def set_status(self, text: str) -> None:
        self.query_one("#status", Line).update(text)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Notifications carry plain text (messages, hints, file names, with brackets at times):
        not read as markup unless asked ("[a, b]" in a hint made rendering fail)."""
        self.notices.append(message)
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def _refused(self, e: RefkitError | KeyError) -> None:
        """Say why an operation was refused (a KeyError: the item is gone)."""
        if isinstance(e, KeyError):
            e = RefkitError(tr("this item no longer exists (changed elsewhere?)", self.lang))
        self.notify(said(e, self.lang), title=tr("Refused", self.lang), severity="error", timeout=8)

    def _of(self, typed: Unsaved) -> str:
        """ "Statement of C7.5": the field some typing was for."""
        return tr("{field} of {item}", self.lang).format(
            field=tr(typed.field.label, self.lang), item=name(typed.ref, self.lang)
        )

    def _given_up(self, typed: Unsaved) -> str:
        return tr("typing given up: {what}", self.lang).format(what=self._of(typed))

    def _folder(self) -> str | None:
        if self.selected is not None:
            return self.selected.folder
        return next(iter(self.session.frameworks), None)

    def _tree_has_focus(self) -> bool:
        return isinstance(self.focused, Tree)

    def _freeze_loaded(self, *, collect: bool) -> None:
        """The frameworks just loaded live as long as the editor, or until read again: moved out
        of the cyclic collector's sight (``gc.freeze``), since each full collection scanned them
        all (0.11-0.14 s for 10,000 competencies, felt as one key's delay). ``collect``: what is
        garbage is collected first, so that none of it is kept for good."""
        if self.freeze_loaded:
            keep_for_good(collect=collect)

    # -- running an operation ------------------------------------------------------------------

    def run_operation(self, operation: Any) -> bool:
        """Run an operation of the session and show what it did; False when refused (said)."""
        try:
            outcome = operation()
        except (RefkitError, KeyError) as e:
            self._refused(e)
            if self.selected is not None and self.selected.folder in self.session.frameworks:
                self.reveal(self.selected)
            return False
        self._done(outcome)
        return True

    def _done(self, outcome: Any) -> None:
        """After an operation: say what was done, show the framework as it is now."""
        if outcome.message:
            self.set_status(outcome.message)
        refresh = getattr(self.screen, "refresh_from_session", None)
        if refresh is not None:  # a list of records is open: show it as it is now
            refresh()
        folder = (outcome.select or self.selected or Ref("")).folder
        tree = self.item_tree
        if tree.shown_folders() != set(self.session.frameworks):
            tree.rebuild()  # a framework created, or its creation undone
            if not self.session.frameworks:
                self.selected = None
                self._show_empty()
        if folder in self.session.frameworks:
            self._refresh_framework(folder, outcome.select)
        self.refresh_markers()

    # -- the tree and the selection ------------------------------------------------------------

    def reveal(self, ref: Ref) -> None:
        """Select ``ref`` in the tree, its framework shown as it is now, its ancestors open."""
        self._refresh_framework(ref.folder, ref)

    def node_of(self, ref: Ref) -> TreeNode[Ref] | None:
        """The tree's node of ``ref``, its ancestors opened on the way."""
        return self.item_tree.node_of(ref)

    def _refresh_framework(self, folder: str, select: Ref | None) -> None:
        """Rebuild one framework's subtree (after a change), keeping what was expanded; then
        select ``select`` (or its parent, when it is gone)."""
        tree = self.item_tree
        tree.refresh_framework(folder)
        if select is not None:
            node = tree.node_of(select)
            if node is None and select.parent is not None:
                node = tree.node_of(select.parent)
            if node is not None:
                self._select(node.data)
                # new nodes get their line once the tree has been laid out again
                self.call_after_refresh(tree.show_node, node)

    def go_to(self, ref: Ref) -> bool:
        """Select ``ref`` in the tree (its ancestors opened) and give the tree the focus."""
        if not self.session.exists(ref):
            return False
        self._refresh_framework(ref.folder, ref)
        focus_now(self.item_tree)
        return True

    def _show_empty(self) -> None:
        """No framework in the repository: say how to start."""
        from rich.text import Text

        self.query_one("#item-title", Line).update(tr("No framework", self.lang))
        self.query_one("#reading", ReadingPane).show_text(
            Text(
                tr(
                    "This repository holds no framework yet.\n\n"
                    "a: create a framework (an ID, a title; a first block, competency and "
                    "criterion to write over are written for you).\n"
                    "Ctrl+P: every command · F1: help.",
                    self.lang,
                )
            )
        )
        self.set_status(tr("No framework: a to create one", self.lang))

    # -- made by the other parts (refkit.tui.editing, checking, actions) --------------------------

    def _select(self, ref: Ref | None) -> None:
        """Show ``ref`` in the form (``refkit.tui.editing``)."""
        raise NotImplementedError

    def commit_pending(self) -> bool:
        """Save the field being edited (``refkit.tui.editing``)."""
        raise NotImplementedError

    def _refuse_while_unsaved(self) -> bool:
        """True when a typed value is still unsaved (``refkit.tui.editing``)."""
        raise NotImplementedError

    def refresh_markers(self) -> None:
        """Check the repository again (``refkit.tui.checking``)."""
        raise NotImplementedError

    def action_certification(self, block: str | None = None) -> None:
        """The certification rules, on ``block`` (``refkit.tui.actions``)."""
        raise NotImplementedError

    def refresh_where(self, open_conflicts: bool = False) -> Any:
        """Show where the clone is: main or which proposal (``refkit.tui.working``)."""
        raise NotImplementedError

    def after_sync(self, waiting: bool) -> None:
        """After F7; ``waiting``: a merge waits for choices (``refkit.tui.working``)."""
        raise NotImplementedError


def cut(text: str, n: int = 40) -> str:
    """``text`` on one line, at most ``n`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"

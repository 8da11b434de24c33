"""Provides ``EditorApp``, the Textual editor over ``refkit.edit.Session``, and ``make_app``,
which builds it for ``refkit edit`` and for the tests.

The app only shows and asks; every change goes through the session (saved at once through the
store, undoable), and validation runs the same rules as ``refkit validate`` in another process.
It is put together from its parts: the widgets (``tree``, ``form`` and ``fields``, ``reading``,
``problems``), the form's editing (``editing``), the actions of the keys and commands
(``actions``, ``versions``, ``commands``), the checks (``checking``) and the keys (``keys``);
its layout is ``editor.tcss``.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.filter import LineFilter, Monochrome, NoColor
from textual.screen import Screen
from textual.theme import Theme

from refkit.edit.fields import FIELDS
from refkit.edit.search import Index
from refkit.edit.session import Session
from refkit.errors import RefkitError
from refkit.i18n import N_, tr
from refkit.parallel import collector_on
from refkit.tui.actions import ItemActions
from refkit.tui.base import EditorBase
from refkit.tui.checking import Checking
from refkit.tui.commands import system_commands
from refkit.tui.editing import FormEditing
from refkit.tui.footer import keys_footer
from refkit.tui.form import ItemForm
from refkit.tui.keys import KeyQueue, focus_now
from refkit.tui.problems import ProblemsPanel
from refkit.tui.reading import ReadingPane
from refkit.tui.search import ItemsProvider
from refkit.tui.tree import ItemTree
from refkit.tui.versions import VersionActions
from refkit.tui.widgets import Line
from refkit.tui.working import WorkingActions

# Okabe-Ito colours: told apart by people with any common colour-vision deficiency.
THEME = Theme(
    name="refkit",
    primary="#0072B2",
    secondary="#56B4E9",
    accent="#E69F00",
    warning="#E69F00",
    error="#D55E00",
    success="#009E73",
    foreground="#e8e8e8",
    background="#1c1c1c",
    surface="#262626",
    panel="#303030",
    dark=True,
)


class EditorApp(
    KeyQueue, Checking, WorkingActions, VersionActions, ItemActions, FormEditing, EditorBase
):
    TITLE = "refkit edit"
    # the palette finds items as well as commands (refkit.tui.search.ItemsProvider)
    COMMANDS = App.COMMANDS | {ItemsProvider}
    CSS_PATH = "editor.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        # in the order of usefulness: the footer shows, of the keys that apply now, those that fit
        Binding("a", "add", N_("Add")),
        Binding("x,delete", "delete", N_("Delete"), key_display="x"),
        Binding("m", "move", N_("Move")),
        Binding("escape", "focus_tree", N_("Tree"), key_display="esc"),
        Binding("f5", "commit", N_("Record"), key_display="F5"),
        Binding("f6", "release", N_("Publish"), key_display="F6"),
        Binding("f7", "sync", N_("Sync"), key_display="F7", show=False),
        Binding("f8", "proposals", N_("Proposals"), key_display="F8", show=False),
        Binding("f9", "conflicts", N_("Conflicts"), key_display="F9", show=False),
        Binding("f2", "changes", N_("Changes"), key_display="F2"),
        Binding("question_mark", "help", N_("Help"), key_display="?"),
        Binding("f1", "help", N_("Help"), key_display="F1", show=False),
        Binding("d", "duplicate", N_("Duplicate")),
        Binding("left_square_bracket", "reorder(-1)", N_("Order"), key_display="[ ]"),
        Binding("right_square_bracket", "reorder(1)", N_("Move down"), show=False),
        Binding("f3", "history", N_("History"), key_display="F3"),
        Binding("f4", "focus_problems", N_("Problems"), key_display="F4"),
        Binding("slash", "search", N_("Search"), key_display="/"),
        Binding("c", "certification", N_("Certification"), key_display="c", show=False),
        Binding("ctrl+f", "search_anywhere", N_("Search"), key_display="Ctrl+F", show=False),
        Binding("n", "search_next(1)", N_("Next"), show=False),
        Binding("N", "search_next(-1)", N_("Previous"), show=False),
        Binding("ctrl+r", "replace", N_("Replace"), key_display="Ctrl+R", show=False),
        Binding("ctrl+z", "undo", N_("Undo"), priority=True, show=False),
        Binding("ctrl+y", "redo", N_("Redo"), priority=True, show=False),
        Binding("ctrl+q", "quit", N_("Quit"), priority=True, show=False),
    ]

    def __init__(
        self,
        session: Session,
        *,
        watch_interval: float | None = 2.0,
        freeze_loaded: bool = False,
        lang: str | None = None,
    ) -> None:
        """``freeze_loaded``: keep the loaded frameworks out of the cyclic garbage collector's
        sight (``_freeze_loaded``), and turn the collector on after the first paint (a refkit
        command runs with it off: ``refkit.cli.main``), choices for the process, made by
        ``refkit edit``.
        ``lang``: the language to speak (else the session's: ``refkit.edit.language``)."""
        super().__init__()
        if lang is not None:
            session.lang = lang
        self.freeze_loaded = freeze_loaded
        # the theme is set before the first styling: set in on_mount it would style every widget
        # twice (0.5 s more before the first paint)
        self.register_theme(THEME)
        self.theme = "refkit"
        self.session = session
        self.watch_interval = watch_interval
        self.selected = None
        self.problems = []
        self.unsaved = None
        self.notices = deque(maxlen=50)
        self._filling = False
        self._fill_timer = None
        self._shown = None
        self._shown_kind = None
        self._keys_kind = None
        self._form_ref = None
        self._prompting_reload = False
        self._later = {}
        self._check_proc = None
        self._checks = set()
        self._start_key_queue()
        self.search_index = Index()  # (its language set once the frameworks are read)
        self.found = []
        self.found_at = 0
        self.last_query = ""

    # -- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with self.session.outline_view():  # (the frameworks' language, when it decides)
            lang = self.lang
        with Horizontal(id="top"):
            yield Line(id="crumbs")
            yield Line(tr("F1 help · Ctrl+P commands", lang), id="hint")
        with Horizontal(id="main"):
            yield ItemTree(self.session, tr("Frameworks", lang), id="tree")
            with Vertical(id="right", classes="-reading"):
                yield Line(id="item-title")
                yield ReadingPane(id="reading")
                # the forms' rows are built right after the first paint (_build_forms): the
                # first screen shows the item read whole
                first = self._first_kind()
                for kind in FIELDS:
                    yield ItemForm(kind, active=kind == first)
        yield ProblemsPanel(id="problems")
        yield Line(id="status")
        yield keys_footer()

    def _first_kind(self) -> str:
        """The kind of item selected at start: a framework's, unless there is none."""
        return "framework"

    def on_mount(self) -> None:
        # the first screen only reads: from the frameworks outlined while worker processes still
        # read the block files of a first open (refkit.store.outline); right after it is
        # painted, _after_first_paint waits for them and shows the frameworks read whole
        with self.session.outline_view():
            self._first_screen()
        if self.watch_interval:
            self.set_interval(self.watch_interval, self.check_disk)
        self.call_after_refresh(self._after_first_paint)

    def _first_screen(self) -> None:
        tree = self.item_tree
        self.search_index.lang = self.lang
        tree.border_title = tr("Frameworks", self.lang)
        self.query_one("#right").border_title = tr("Item", self.lang)
        self.query_one("#problems").border_title = tr("Problems", self.lang)
        tree.rebuild()
        self._freeze_loaded(collect=False)  # (little garbage yet: the load makes no cycles)
        first = next(iter(tree.root.children), None)
        if first is not None:
            first.expand()
            tree.move_cursor(first)
            self._select(first.data)
        focus_now(tree)
        self.set_status(
            tr("Welcome: ↑↓ choose · Tab edit · a add · F5 record · F1 help", self.lang)
        )
        if first is None:
            self._show_empty()

    @property
    def _main(self) -> Screen[Any] | None:
        """The editor's own screen (the others are dialogs over it)."""
        return self.screen_stack[0] if self.screen_stack else None

    def _after_first_paint(self) -> None:
        """Right after the first paint, before any key: the frameworks read whole (when the
        first screen was outlined), the cyclic collector (its passes over the heap being built
        cost 0.1 s before the first paint); then, keys answered meanwhile, the forms and the
        first check (``_build_forms``)."""
        if self.session.outlined:
            self._read_whole()
        if self.freeze_loaded:
            self._freeze_loaded(collect=False)
            collector_on()
        # a worker: the keys typed meanwhile are answered between two forms (a handler would
        # hold them until the last form is built: 0.3 s for the first key after opening)
        self.run_worker(self._build_forms(), group="forms")

    async def _build_forms(self) -> None:
        """The forms, then the first check (both would delay the first paint; the check, in
        another process, would compete with it for the CPU). A key that needs a form before
        it is built builds it (``action_focus_form``); an item selected meanwhile is filled at
        the end."""
        for form in self.query(ItemForm):
            # the keys typed meanwhile first (the first key after opening waited 0.3 s more
            # for the forms being built at the same time), and none while a dialog is open:
            # mounting beside its typing let a letter typed after Enter reach the field Enter
            # was leaving, on a loaded machine
            await self.keys_quiet(0.2, lambda: self.form_behind or self.screen is not self._main)
            rest = await form.build()
            ref = self._form_ref
            if rest and ref is not None and ref.kind == form.kind:
                with contextlib.suppress(KeyError, RefkitError):  # (gone meanwhile: nothing)
                    self._fill_rows(ref, self.session.get(ref), rest)  # the rows not yet shown
        self.refresh_markers()
        self.refresh_where(open_conflicts=True)  # main or which proposal; a merge waiting
        if self.selected is not None and self._shown_kind != self.selected.kind:
            self._select(self.selected)
        self.set_timer(1.0, self._prepare_search)

    def _read_whole(self) -> None:
        """The first screen again from the frameworks read whole (waiting for the worker
        processes still reading them): the tree's nodes (what opens), the item shown."""
        tree = self.item_tree
        for folder in sorted(self.session.frameworks):
            tree.refresh_framework(folder)
        if self.selected is not None:
            self._select(self.selected)

    def _prepare_search(self) -> None:
        """Prepare the search's index while the editor waits for keys, a few milliseconds at a
        time (all at the first "/" would delay its first key by 0.2 s for 10,000
        competencies)."""
        import time

        pending = [
            (folder, block)
            for folder, loaded in self.session.frameworks.items()
            if loaded.framework is not None
            for block in loaded.framework.blocks
        ]

        def step() -> None:
            end = time.perf_counter() + 0.005
            while pending and time.perf_counter() < end:
                folder, block = pending.pop()
                self.search_index.block(folder, block)
            if pending and self.is_running:
                self.set_timer(0.02, step)

        step()

    def on_resize(self) -> None:
        if self.screen_stack and self.screen_stack[0].query("#tree"):
            tree = self.screen_stack[0].query_one("#tree", ItemTree)
            if tree.label_width():
                self.call_after_refresh(tree.relabel)

    # -- Textual's hooks -----------------------------------------------------------------------

    def get_line_filters(self) -> Sequence[LineFilter]:
        """With NO_COLOR (https://no-color.org), no colour at all: Textual's own answer to it,
        a monochrome filter, still sends 256-colour greys; bold, reverse and underline stay."""
        filters = super().get_line_filters()
        if not self.no_color:
            return filters
        return [NoColor() if isinstance(f, Monochrome) else f for f in filters]

    def get_system_commands(self, screen: Screen[Any]) -> Any:
        return system_commands(self)


def make_app(
    session: Session | Path | None = None,
    *,
    watch_interval: float | None = 2.0,
    freeze_loaded: bool = False,
    lang: str | None = None,
    checked: bool = True,
) -> EditorApp:
    """The editor on ``session`` (or on a session opened on the repository holding that path,
    the current folder by default; ``checked``: see ``Session``). ``refkit edit`` and the tests
    build it here, with the same wiring."""
    if not isinstance(session, Session):
        session = Session.open(session, checked=checked)
    return EditorApp(session, watch_interval=watch_interval, freeze_loaded=freeze_loaded, lang=lang)

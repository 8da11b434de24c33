"""Provides ``EditorApp``: the Textual editor over ``refkit.edit.Session``.

The app only shows and asks; every change goes through the session (saved at once through the
store, undoable), and validation runs the same rules as ``refkit validate`` in a worker thread.
Markers in the tree are glyphs, never colour alone: ✗ error, ⚠ warning, + added, ~ changed,
→ moved or renumbered since the last release.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.filter import LineFilter, Monochrome, NoColor
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.screen import Screen
from textual.theme import Theme
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import (
    Button,
    Input,
    Label,
    ListItem,
    ListView,
    Select,
    Static,
    TextArea,
    Tree,
)
from textual.widgets.tree import TreeNode

from refkit.edit import Ref, Session, changes_since_release
from refkit.edit.fields import (
    FIELDS,
    Field,
    check_value,
    display_value,
    get_value,
    parse_value,
    refused,
)
from refkit.edit.records import RECORDS, Records
from refkit.edit.search import Hit, Index
from refkit.errors import ConflictError, RefkitError
from refkit.i18n import N_, ngettext, tr
from refkit.model import Framework
from refkit.problems import Problem, Severity
from refkit.tui.certification import CERTIFICATION_RULES, CertificationScreen, block_of
from refkit.tui.choice import Choice
from refkit.tui.commands import reload_question, system_commands
from refkit.tui.dialogs import (
    ChangesScreen,
    CommitDialog,
    ConfirmDialog,
    HelpScreen,
    HistoryScreen,
    MoveDialog,
    NewFrameworkDialog,
    ReleaseDialog,
    framework_title,
)
from refkit.tui.fields import FieldLine, FieldRow, widget_id
from refkit.tui.footer import keys_footer
from refkit.tui.keys import focus_now
from refkit.tui.labels import distinct
from refkit.tui.lang import said
from refkit.tui.paste import PasteScreen
from refkit.tui.reading import ReadingPane
from refkit.tui.records import RecordsRow, RecordsScreen, summary
from refkit.tui.search import ItemsProvider, ReplaceScreen, SearchScreen
from refkit.tui.tree import ItemTree

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

# the editor's own words are English message ids, shown in its language (refkit.tui.lang)
KIND_TITLES = {
    "framework": N_("Framework"),
    "block": N_("Competency block"),
    "competency": N_("Competency"),
    "criterion": N_("Assessment criterion"),
}
CHANGE_GLYPHS = {"added": "+", "modified": "~", "moved": "→", "renamed": "→"}


@dataclass(frozen=True, slots=True)
class Unsaved:
    """What was typed in a field and could not be saved (invalid, or its file changed on disk):
    kept in the field, never dropped without saying so."""

    ref: Ref
    field: Field
    text: str
    reason: str
    conflict: bool = False  # its file changed on disk: not tried again before a reload


class Line(Widget):
    """One line of text that never changes the layout when it changes (a Static would ask for a
    new layout of the whole screen on every update: too slow on each key of the cursor). Plain
    text, never markup: it shows the frameworks' own texts and messages about them (a hint with
    "[a, b]" in the status line made rendering fail)."""

    DEFAULT_CSS = "Line { height: 1; text-wrap: nowrap; text-overflow: ellipsis; }"
    text: reactive[str] = reactive("", layout=False)

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_reactive(Line.text, text)

    def render(self) -> Text:
        text = Text(self.text, overflow="ellipsis")
        text.no_wrap = True
        return text

    def update(self, text: str) -> None:
        self.text = text


class ItemForm(VerticalScroll, can_focus=False):
    """One form per item kind; refilled when the selection changes. Not itself focusable: Tab
    from the tree goes straight to the first field."""

    def __init__(self, kind: str, *, now: int = 0) -> None:
        # ``now``: how many terminal lines of the form to build at once (the form shown first:
        # as many rows as the screen shows, active from the start); the rest, and the forms not
        # shown first, are built after the first paint (``build``)
        super().__init__(id=f"form-{kind}", classes="form -active" if now else "form")
        self.kind = kind
        self.built = bool(now)  # its first rows at least: it can be filled
        self._specs: list[Field | Records] = [*FIELDS[kind], *RECORDS.get(kind, ())]
        lines, self._now = 0, 0
        while self._now < len(self._specs) and lines < now:
            lines += _row_height(self._specs[self._now])
            self._now += 1

    def compose(self) -> ComposeResult:
        yield from self._rows(self._specs[: self._now])

    def _rows(self, specs: list[Field | Records]) -> Iterator[Widget]:
        for spec in specs:
            yield RecordsRow(spec) if isinstance(spec, Records) else FieldRow(self.kind, spec)

    async def build(self) -> list[Widget]:
        """Mount the rows not built at first; returns them (to be filled)."""
        rest = list(self._rows(self._specs[self._now :]))
        self._now = len(self._specs)
        self.built = True
        if rest:
            await self.mount_all(rest)
        return rest


def _row_height(spec: Field | Records) -> int:
    """Terminal lines a row of a form takes: its label and its field (a text area, 4 lines)."""
    return 5 if isinstance(spec, Field) and spec.type in ("text", "lines") else 2


class KeyHandled(Message):
    """Sent behind a key to the widget that got it: back at the app, the key has been handled
    (its binding run, or stopped on the way)."""

    def __init__(self, number: int) -> None:
        super().__init__()
        self.number = number  # which key: one let go by the watchdog may come back late


class EditorApp(App[None]):
    TITLE = "refkit edit"
    # the palette finds items as well as commands (refkit.tui.search.ItemsProvider)
    COMMANDS = App.COMMANDS | {ItemsProvider}
    CSS = """
    #top { height: 1; background: $panel; }
    #crumbs { width: 1fr; padding: 0 1; color: $text; }
    #hint { width: auto; padding: 0 1; color: $text-muted; }
    #main { height: 1fr; }
    #tree { width: 45%; min-width: 28; border: round $primary 50%; overflow-x: hidden; }
    #tree:focus { border: round $primary; }
    #right { width: 1fr; border: round $primary 50%; padding: 0 1; }
    #right:focus-within { border: round $primary; }
    #item-title { text-style: bold; height: 1; }
    .form { height: 1fr; display: none; }
    .form.-active { display: block; }
    /* the cursor in the tree: the item read whole; in the form: its fields */
    #right.-reading .form { display: none; }
    #right.-reading ReadingPane { display: block; }
    #problems { height: 20%; min-height: 4; border: round $warning 50%; }
    #problems:focus { border: round $warning; }
    #status { height: 1; padding: 0 1; color: $text-muted; }
    Input.-invalid { background: $error 30%; text-style: underline; }
    #problems ListItem Label { width: 1fr; }
    /* NO_COLOR: no colour is sent, so what colour marked is marked by a text style */
    App:nocolor Tree > .tree--cursor { text-style: reverse bold; }
    App:nocolor ListView > ListItem.-highlight { text-style: reverse; }
    App:nocolor OptionList > .option-list--option-highlighted { text-style: reverse; }
    App:nocolor Button:focus { text-style: reverse bold; }
    App:nocolor Input.-invalid { text-style: underline bold; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        # in the order of usefulness: the footer shows, of the keys that apply now, those that fit
        Binding("a", "add", N_("Add")),
        Binding("x,delete", "delete", N_("Delete"), key_display="x"),
        Binding("m", "move", N_("Move")),
        Binding("escape", "focus_tree", N_("Tree"), key_display="esc"),
        Binding("f5", "commit", N_("Record"), key_display="F5"),
        Binding("f6", "release", N_("Publish"), key_display="F6"),
        Binding("f7", "sync", N_("Sync"), key_display="F7", show=False),
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
        sight (``_freeze_loaded``), a choice for the process, made by ``refkit edit``.
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
        self.selected: Ref | None = None
        self.problems: list[Problem] = []
        self.problem_refs: dict[Ref, Severity] = {}
        self.changed: dict[Ref, str] = {}
        self._filling = False
        self._prompting_reload = False
        self._later: dict[str, str | None] = {}
        self._fill_timer: Timer | None = None
        self._shown: Ref | None = None
        self._shown_kind: str | None = None  # the kind of the form last filled
        # the item whose values the form holds: the cursor may have moved on before the form
        # follows it, and what the form saves belongs to this item, never to the one under the
        # cursor
        self._form_ref: Ref | None = None
        self.unsaved: Unsaved | None = None
        # keys are sent on one at a time (on_event); a key is in flight while its watchdog is set
        self._held_keys: list[events.Key | events.Paste] = []  # a paste waits its turn too
        self._key_watchdog: Timer | None = None
        self._keys_sent = 0
        self._check_proc: asyncio.subprocess.Process | None = None  # the latest check running
        # every check process started and not yet reaped (a cancelled check may still be
        # starting its process, or ending it, as the editor closes)
        self._checks: set[asyncio.Future[asyncio.subprocess.Process]] = set()
        self.search_index = Index()  # (its language set once the frameworks are read)
        self._sibling_labels: dict[Ref | None, tuple[Any, list[str]]] = {}
        self.found: list[Hit] = []  # the last search's results, stepped through with n / N
        self.found_at = 0
        self.last_query = ""

    # -- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="top"):
            yield Line(id="crumbs")
            yield Line(tr("F1 help · Ctrl+P commands", self.lang), id="hint")
        with Horizontal(id="main"):
            tree = ItemTree(tr("Frameworks", self.lang), id="tree")
            tree.show_root = False
            tree.guide_depth = 2
            yield tree
            with Vertical(id="right", classes="-reading"):
                yield Line(id="item-title")
                yield ReadingPane(id="reading")
                first = self._first_kind()
                # of the form shown first, the rows the screen shows (the form's panel: four
                # fifths of the lines under the top line, less its border and title); the rest
                # built right after the first paint (all of a framework's form: 0.15 s more)
                lines = max(8, (self.size.height - 3) * 4 // 5 - 3)
                for kind in FIELDS:
                    yield ItemForm(kind, now=lines if kind == first else 0)
        yield ListView(id="problems")
        yield Line(id="status")
        yield keys_footer()

    def _first_kind(self) -> str:
        """The kind of item selected at start: a framework's, unless there is none."""
        return "framework"

    async def _build_forms(self) -> None:
        """After the first paint: the other forms, then the first check (both would delay the
        first paint; the check, in another process, would compete with it for the CPU)."""
        for form in self.query(ItemForm):
            rest = await form.build()
            ref = self._form_ref
            if rest and ref is not None and ref.kind == form.kind:
                with contextlib.suppress(KeyError, RefkitError):  # (gone meanwhile: nothing)
                    self._fill_rows(ref, self.session.get(ref), rest)  # the rows not yet shown
        self.refresh_markers()
        if self.selected is not None and self._shown_kind != self.selected.kind:
            self._select(self.selected)
        self.set_timer(1.0, self._prepare_search)

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

    def on_mount(self) -> None:
        tree = self.query_one("#tree", Tree)
        self.search_index.lang = self.lang
        tree.border_title = tr("Frameworks", self.lang)
        self.query_one("#right").border_title = tr("Item", self.lang)
        self.query_one("#problems").border_title = tr("Problems", self.lang)
        self._build_tree()
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
        if self.watch_interval:
            self.set_interval(self.watch_interval, self._check_disk)
        self.call_after_refresh(self._build_forms)

    # -- tree ------------------------------------------------------------------------------------

    def _build_tree(self) -> None:
        tree = self.query_one("#tree", Tree)
        tree.clear()
        for folder in sorted(self.session.frameworks):
            node = tree.root.add(self._framework_label(Ref(folder)), data=Ref(folder), expand=False)
            self._fill(node)

    def _fill(self, node: TreeNode[Ref]) -> None:
        """Add a node's children (blocks of a framework, competencies of a block...), lazily:
        grandchildren are added when their parent is expanded."""
        ref = node.data
        if ref is None:
            return
        node.remove_children()
        try:
            item = self.session.get(ref)
        except (KeyError, RefkitError):
            return
        if ref.kind == "framework":
            for block in item.blocks:
                child = node.add(
                    self._label(Ref(ref.folder, block.id)), data=Ref(ref.folder, block.id)
                )
                child.allow_expand = bool(block.competencies)
        elif ref.kind == "block":
            for comp in item.competencies:
                cref = replace(ref, competency=comp.id)
                child = node.add(self._label(cref), data=cref)
                child.allow_expand = bool(comp.criteria)
        elif ref.kind == "competency":
            for i, _ in enumerate(item.criteria):
                cref = replace(ref, criterion=i)
                node.add_leaf(self._label(cref), data=cref)

    def _label(self, ref: Ref) -> str:
        marks = ""
        severity = self.problem_refs.get(ref)
        if severity is Severity.ERROR:
            marks += "✗ "
        elif severity is Severity.WARNING:
            marks += "⚠ "
        change = self.changed.get(ref)
        if change in CHANGE_GLYPHS:
            marks += CHANGE_GLYPHS[change] + " "
        try:
            text = self.session.label(ref)
        except (KeyError, RefkitError):
            text = ref.folder
        if ref.kind in ("block", "competency"):
            # cut where a sibling's label reads the same: the words that differ are shown
            depth = 1 if ref.kind == "block" else 2
            width = self._tree_width() - 2 * depth - 2 - len(marks)
            text = distinct(text, self._siblings(ref), width)
        if len(text) > 70:
            text = text[:69] + "…"
        return marks + text

    def _tree_width(self) -> int:
        try:
            return self.screen_stack[0].query_one("#tree", Tree).scrollable_content_region.width
        except (IndexError, NoMatches):
            return 0

    def _siblings(self, ref: Ref) -> list[str]:
        """The labels of ``ref``'s siblings (a block's, or a competency's), as the session gives
        them; kept while the parent object is the same one."""
        try:
            parent = self.session.get(ref.parent) if ref.parent is not None else None
        except (KeyError, RefkitError):
            return []
        kept = self._sibling_labels.get(ref.parent)
        if kept is not None and kept[0] is parent:
            return kept[1]
        if isinstance(parent, Framework):
            labels = [f"{b.id} {b.title}" for b in parent.blocks]
        elif parent is not None:
            labels = [f"{c.id} {c.statement}" for c in parent.competencies]
        else:
            labels = []
        self._sibling_labels[ref.parent] = (parent, labels)
        return labels

    def on_resize(self) -> None:
        if self._tree_width():
            self.call_after_refresh(self._relabel)

    @on(Tree.NodeExpanded)
    def _expanded(self, event: Tree.NodeExpanded[Ref]) -> None:
        node = event.node
        if node.data is not None and node.data.kind != "framework" and not node.children:
            self._fill(node)

    @on(Tree.NodeHighlighted)
    def _highlighted(self, event: Tree.NodeHighlighted[Ref]) -> None:
        # events queued while the tree was rebuilt are stale: only the cursor's node counts
        if event.node is not self.query_one("#tree", Tree).cursor_node:
            return
        if event.node.data is not None and event.node.data != self.selected:
            # the cursor moves at once; the form follows when the keys stop (key repeat on a
            # long list never waits for forms being filled)
            self.selected = event.node.data
            if self._fill_timer is not None:
                self._fill_timer.stop()
            self._fill_timer = self.set_timer(0.08, self._select_current)

    def _select_current(self) -> None:
        self._fill_timer = None
        if not self.screen_stack:
            return  # the editor is closing
        if self.screen is not self.screen_stack[0]:
            # a dialog opened before the form followed the cursor: fill it once it is closed
            self._fill_timer = self.set_timer(0.08, self._select_current)
            return
        self._select(self.selected)

    def _node(self, ref: Ref) -> TreeNode[Ref] | None:
        """The node of ``ref``, expanding its ancestors (and filling them) on the way."""
        tree = self.query_one("#tree", Tree)
        chain = []
        r: Ref | None = ref
        while r is not None:
            chain.append(r)
            r = r.parent
        node: TreeNode[Ref] = tree.root
        for step in reversed(chain):
            found = next((n for n in node.children if n.data == step), None)
            if found is None:
                return None
            if step != ref:
                if step.kind != "framework" and not found.children:
                    self._fill(found)
                found.expand()
            node = found
        return node

    def _refresh_framework(self, folder: str, select: Ref | None) -> None:
        """Rebuild one framework's subtree (after a change), keeping what was expanded."""
        tree = self.query_one("#tree", Tree)
        fnode = next((n for n in tree.root.children if n.data and n.data.folder == folder), None)
        if fnode is None:
            self._build_tree()
        else:
            expanded = set()
            stack = list(fnode.children)
            while stack:
                n = stack.pop()
                if n.is_expanded and n.data is not None:
                    expanded.add(n.data)
                stack.extend(n.children)
            fnode.set_label(self._framework_label(Ref(folder)))
            self._fill(fnode)
            for child in fnode.children:
                if child.data in expanded:
                    self._fill(child)
                    child.expand()
                    for grand in child.children:
                        if grand.data in expanded:
                            self._fill(grand)
                            grand.expand()
        if select is not None:
            node = self._node(select)
            if node is None and select.parent is not None:
                node = self._node(select.parent)
            if node is not None:
                self._select(node.data)
                # new nodes get their line once the tree has been laid out again
                self.call_after_refresh(self._move_cursor, node)

    def _move_cursor(self, node: TreeNode[Ref]) -> None:
        tree = self.query_one("#tree", Tree)
        tree.move_cursor(node)
        tree.scroll_to_node(node, animate=False)

    # -- selection and form --------------------------------------------------------------------

    def _select(self, ref: Ref | None) -> None:
        self.selected = ref
        if ref is None:
            return
        unsaved = self.unsaved
        if unsaved is not None and unsaved.ref != ref:
            self.unsaved = None
            self.set_status(
                tr('✗ not saved: {what} "{text}" ({reason})', self.lang).format(
                    what=self._of(unsaved), text=_cut(unsaved.text), reason=unsaved.reason
                )
            )
        try:
            item = self.session.get(ref)
        except (KeyError, RefkitError) as e:
            self.query_one("#item-title", Line).update(
                said(e, self.lang) if isinstance(e, RefkitError) else str(e)
            )
            return
        crumbs = " › ".join(self.session.breadcrumb(ref))
        self.query_one("#crumbs", Line).update(crumbs)
        title = f"{tr(KIND_TITLES[ref.kind], self.lang)} {_short(ref, self.lang)}"
        if ref.kind == "framework":
            # the version is set by each release, the id names the folder, the tags and the
            # published addresses: both are shown, neither is typed (the version first: at 80
            # columns the id may be cut)
            title += f"version {item.version} · {item.id}"
        loaded = self.session.frameworks.get(ref.folder)
        if ref.block is not None and loaded is not None and ref.block in loaded.broken_blocks:
            title += tr(
                " · ✗ file cannot be read: nothing will be written to it (see the problems)",
                self.lang,
            )
        self.query_one("#item-title", Line).update(title)
        self._shown = ref
        if self.query_one("#right").has_class("-reading"):
            self.query_one("#reading", ReadingPane).show(self.session, ref)
        form = self.query_one(f"#form-{ref.kind}", ItemForm)
        if not form.built:
            self._shown_kind = None
            return  # filled once built, right after the first paint (_build_forms)
        self._shown_kind = ref.kind
        self._form_ref = ref
        for other in self.query(ItemForm):
            if other.has_class("-active") != (other is form):
                other.set_class(other is form, "-active")
        self._fill_rows(ref, item, list(form.children))

    def _fill_rows(self, ref: Ref, item: Any, rows: list[Widget]) -> None:
        """Show the values of ``item`` (``ref``'s) in these rows of its form."""
        self._filling = True
        try:
            for row in rows:
                if isinstance(row, RecordsRow):
                    try:
                        button = row.query_one(Button)
                    except NoMatches:
                        continue
                    button.label = Text(summary(self.session, ref, row.spec), overflow="ellipsis")
                    continue
                if not isinstance(row, FieldRow):
                    continue
                spec = row.spec
                wid = widget_id(ref.kind, spec.name)
                value = display_value(spec, get_value(item, spec.name))
                try:
                    widget = row.query_one(f"#{wid}")
                except NoMatches:
                    continue  # the row is being built, or the editor is closing
                problem = None
                if isinstance(widget, Input):
                    if widget.value != value:
                        widget.value = value
                        widget.cursor_position = 0  # show the beginning of a long value
                    widget.remove_class("-invalid")
                elif isinstance(widget, TextArea):
                    if widget.text != value:
                        widget.load_text(value)
                elif isinstance(widget, Choice):
                    problem = widget.show(value)
                self._show_error(wid, problem)
        finally:
            self.call_after_refresh(self._done_filling)

    def _show_error(self, wid: str, problem: str | None) -> None:
        try:
            line = self.screen_stack[0].query_one(f"#err-{wid}", Static)
        except (IndexError, NoMatches):
            return  # its form is being built, or the editor is closing
        if problem is None and not line.has_class("-shown"):
            return  # nothing shown, nothing to change (no new layout on every selection)
        line.update(Text(f"✗ {problem}") if problem else "")
        line.set_class(problem is not None, "-shown")

    def _done_filling(self) -> None:
        self._filling = False

    def _field_of(self, widget: Any) -> tuple[str, Field] | None:
        wid = widget.id or ""
        if not wid.startswith("f-") or self._form_ref is None:
            return None
        kind = self._form_ref.kind
        for spec in FIELDS[kind]:
            if widget_id(kind, spec.name) == wid:
                return kind, spec
        return None

    @on(Input.Changed)
    @on(TextArea.Changed, "FieldLine")
    def _typing(self, event: Input.Changed | TextArea.Changed) -> None:
        """Per-field validation as you type: the schema's rule for that one field."""
        widget = event.input if isinstance(event, Input.Changed) else event.text_area
        found = self._field_of(widget)
        if found is None or self._filling:
            return
        _, spec = found
        try:
            problem = check_value(spec, parse_value(spec, _value(widget)), self.lang)
        except ValueError as e:
            problem = tr(str(e), self.lang)
        widget.set_class(problem is not None, "-invalid")
        self._show_error(widget.id or "", problem)

    @on(Input.Submitted)
    @on(FieldLine.Submitted)
    def _submitted(self, event: Input.Submitted | FieldLine.Submitted) -> None:
        widget = event.input if isinstance(event, Input.Submitted) else event.field
        self._commit_widget(widget)

    @on(FieldLine.Pasted)
    def _pasted_rows(self, event: FieldLine.Pasted) -> None:
        """Rows pasted into a one-line field: never saved as they are (a tab or a line break
        in a statement); a single row's cells are joined, several rows are offered as new
        competencies (``action_paste_rows``)."""
        rows = [r for r in event.text.splitlines() if r.strip()]  # a terminal's paste: CR
        if len(rows) > 1 and self._form_ref is not None and self._form_ref.block is not None:
            self.action_paste_rows(event.text)
            return
        joined = " ".join(" ".join(r.replace("\t", " ").split()) for r in rows)
        event.field.insert(joined)
        self.notify(
            tr(
                "The tabs and line breaks pasted became spaces: a statement is one line.", self.lang
            ),
            title=tr("Pasted on one line", self.lang),
            timeout=6,
        )

    def action_paste_rows(self, text: str) -> None:
        """Rows pasted on a block (from the tree, or into one of its one-line fields): offered
        as new competencies of that block, previewed first."""
        ref = self._form_ref if isinstance(self.focused, Input | TextArea) else self.selected
        if ref is None or ref.block is None:
            self.notify(
                tr(
                    "First choose the block to add the competencies to, then paste again.",
                    self.lang,
                ),
                title=tr("Paste", self.lang),
                timeout=6,
            )
            return
        try:
            fw = self.session.framework(ref.folder)
            block = self.session.get(Ref(ref.folder, ref.block))
        except (KeyError, RefkitError) as e:
            self._refused(e)
            return
        if ref.block in self.session.frameworks[ref.folder].broken_blocks:
            self._refused(
                RefkitError(
                    tr("{block}: its file cannot be read", self.lang).format(block=ref.block)
                )
            )
            return
        target = Ref(ref.folder, ref.block)

        def done(competencies: list[Any] | None) -> None:
            if competencies:
                self._run(lambda: self.session.add_competencies(target, competencies))

        self.push_screen(PasteScreen(text, fw, block, self.lang), done)

    def paste_in_tree(self, text: str) -> None:
        """A paste while the tree has the focus: rows (a line break or a tab) become
        competencies of the selected block; anything else is said to go in a field."""
        if "\n" in text.strip() or "\t" in text:
            self.action_paste_rows(text)
        else:
            self.notify(
                tr(
                    "To paste a text, first go to the field (Tab); rows of a spreadsheet pasted "
                    "on a block become competencies.",
                    self.lang,
                ),
                title=tr("Paste", self.lang),
                timeout=6,
            )

    def action_cancel_field(self) -> None:
        """Escape in a field: what was typed is given up, the value saved last comes back."""
        widget = self.focused
        found = self._field_of(widget) if widget is not None else None
        ref = self._form_ref
        if found is not None and ref is not None:
            _, spec = found
            try:
                saved = display_value(spec, get_value(self.session.get(ref), spec.name))
            except (KeyError, RefkitError):
                saved = None
            if saved is not None and _value(widget) != saved:
                self._filling = True
                try:
                    if isinstance(widget, Input):
                        widget.value = saved
                    elif isinstance(widget, TextArea):
                        widget.load_text(saved)
                finally:
                    self.call_after_refresh(self._done_filling)
                self.set_status(
                    tr("typing given up: {field} stayed as it was", self.lang).format(
                        field=tr(spec.label, self.lang)
                    )
                )
            widget.remove_class("-invalid")  # type: ignore[union-attr]
            self._show_error(widget.id or "", None)  # type: ignore[union-attr]
            if self.unsaved is not None and self.unsaved.ref == ref and self.unsaved.field == spec:
                self.unsaved = None
        focus_now(self.query_one("#tree", Tree))

    @on(Button.Pressed, "RecordsRow Button")
    def _open_records(self, event: Button.Pressed) -> None:
        spec = getattr(event.button, "spec", None)
        ref = self.selected
        if spec is None or ref is None or not self.commit_pending():
            return
        try:
            self.session.get(ref)
        except (KeyError, RefkitError) as e:  # framework.yaml unreadable, or the item gone
            self._refused(e)
            return

        def done(changed: bool | None) -> None:
            if changed and ref.folder in self.session.frameworks:
                self._refresh_framework(ref.folder, ref)
                self.refresh_markers()
            self._select(ref)
            self.set_focus(event.button)

        self.push_screen(RecordsScreen(self.session, ref, spec), done)

    @on(Select.Changed)
    def _chosen(self, event: Select.Changed) -> None:
        if not self._filling:
            self._commit_widget(event.select)

    def _show_empty(self) -> None:
        """No framework in the repository: say how to start."""
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

    def _reading(self, on: bool) -> None:
        """Show the item read whole (the cursor in the tree) or its form (a field focused)."""
        right = self.query_one("#right")
        if right.has_class("-reading") == on:
            return
        right.set_class(on, "-reading")
        if on and self.selected is not None and self._shown == self.selected:
            self.query_one("#reading", ReadingPane).show(self.session, self.selected)

    def on_descendant_focus(self, event: Any) -> None:
        """Tab or a click into the form while the form has not yet followed the cursor: fill it
        now, and put the focus in the right form."""
        widget = getattr(event, "widget", None) or getattr(event, "control", None)
        if self.screen_stack and widget is not None and widget.screen is self.screen_stack[0]:
            if isinstance(widget, Tree):
                self._reading(True)
            elif any(a.id == "right" for a in widget.ancestors):
                self._reading(False)
        if not isinstance(widget, Input | TextArea | Select) or self._fill_timer is None:
            return
        if not self.screen_stack or widget.screen is not self.screen_stack[0]:
            return  # a field of a dialog
        self._fill_timer.stop()
        self._select_current()
        if self.selected is None:
            return
        form = self.query_one(f"#form-{self.selected.kind}", ItemForm)
        if not any(w is widget for w in form.query("Input, TextArea, Select")):
            self.set_focus(form.query("Input, TextArea, Select").first())

    def action_focus_form(self) -> None:
        """Tab from the tree: the first field of the selected item's form, filled first if the
        form has not yet followed the cursor (nor even heard of it: Tab typed right after an
        arrow is handled before the tree's message saying where its cursor went)."""
        cursor = self.query_one("#tree", Tree).cursor_node
        ref = cursor.data if cursor is not None else None
        behind = ref is not None and ref != self.selected
        if ref is not None and behind:
            self.selected = ref
        if self._fill_timer is not None:
            self._fill_timer.stop()
        if behind or self._fill_timer is not None:
            self._select_current()
        if self.selected is None:
            return
        form = self.query_one(f"#form-{self.selected.kind}", ItemForm)
        fields = form.query("Input, TextArea, Select")
        if fields:
            self.set_focus(fields.first())

    def on_descendant_blur(self, event: Any) -> None:
        widget = event.widget if hasattr(event, "widget") else event.control
        if isinstance(widget, Input):
            widget.cursor_position = 0  # a field left shows the beginning of a long value
        if isinstance(widget, Input | TextArea):
            self._commit_widget(widget)

    def _commit_widget(self, widget: Any) -> bool:
        """Save what the field holds; False when it could not be saved (the text stays in the
        field with the reason under it, and ``unsaved`` says so)."""
        found = self._field_of(widget)
        if found is None or self._form_ref is None:
            return True
        _, spec = found
        if isinstance(widget, Input):
            text = widget.value
        elif isinstance(widget, TextArea):
            text = widget.text
        else:
            value = widget.value
            text = "" if value is Select.NULL or value is None else str(value)
        ref = self._form_ref
        try:
            item = self.session.get(ref)
        except (KeyError, RefkitError):
            return True
        if text == display_value(spec, get_value(item, spec.name)):
            if self.unsaved is not None and (self.unsaved.ref, self.unsaved.field) == (ref, spec):
                self.unsaved = None
            return True
        unsaved = self.unsaved
        if unsaved is not None and unsaved.conflict and (unsaved.ref, unsaved.field) == (ref, spec):
            # saving now would overwrite the other change unseen: reload first, or Ctrl+Z
            return False
        try:
            outcome = self.session.set_field(ref, spec.name, text)
        except RefkitError as e:
            reason = said(e, self.lang, hint=False).removeprefix(refused(spec, "", self.lang))
            if isinstance(e, ConflictError):
                reason = tr(
                    "the file was changed outside the editor: reload (Ctrl+P, Reload), then "
                    "type again",
                    self.lang,
                )
            conflict = isinstance(e, ConflictError)
            again = self.unsaved == Unsaved(ref, spec, text, reason, conflict)
            self.unsaved = Unsaved(ref, spec, text, reason, conflict)
            wid = widget.id or ""
            if isinstance(widget, Input):
                widget.add_class("-invalid")
            self._show_error(wid, tr("not saved: {reason}", self.lang).format(reason=reason))
            if not again:
                self.notify(
                    refused(spec, reason, self.lang),
                    title=tr("Not saved", self.lang),
                    severity="error",
                    timeout=8,
                )
            return False
        self.unsaved = None
        self._done(outcome)
        return True

    def _refused(self, e: RefkitError | KeyError) -> None:
        """Say why an operation was refused (a KeyError: the item is gone)."""
        if isinstance(e, KeyError):
            e = RefkitError(tr("this item no longer exists (changed elsewhere?)", self.lang))
        self.notify(
            said(e, self.lang),
            title=tr("Refused", self.lang),
            severity="error",
            timeout=8,
        )

    def commit_pending(self) -> bool:
        """Save the field being edited (before quitting, committing, releasing...); False if
        something typed could not be saved."""
        focused = self.focused
        if isinstance(focused, Input | TextArea) and not self._commit_widget(focused):
            return False
        return self.unsaved is None

    def _refuse_while_unsaved(self) -> bool:
        """True (and the field shown again) when a typed value is still unsaved."""
        if self.commit_pending():
            return False
        unsaved = self.unsaved
        assert unsaved is not None
        self.notify(
            tr(
                "{what} is not saved: {reason}. Correct the value, or Ctrl+Z / Esc then select "
                "another item to give it up.",
                self.lang,
            ).format(what=self._of(unsaved), reason=unsaved.reason),
            title=tr("Not saved", self.lang),
            severity="error",
            timeout=10,
        )
        return True

    # -- operations ------------------------------------------------------------------------------

    def _run(self, operation: Any) -> bool:
        try:
            outcome = operation()
        except (RefkitError, KeyError) as e:
            self._refused(e)
            if self.selected is not None and self.selected.folder in self.session.frameworks:
                self._refresh_framework(self.selected.folder, self.selected)
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
        tree = self.query_one("#tree", Tree)
        shown = {n.data.folder for n in tree.root.children if n.data is not None}
        if shown != set(self.session.frameworks):  # a framework created, or its creation undone
            self._build_tree()
            if not self.session.frameworks:
                self.selected = None
                self._show_empty()
        if folder in self.session.frameworks:
            self._refresh_framework(folder, outcome.select)
        self.refresh_markers()

    @property
    def lang(self) -> str:
        """The language the editor speaks (the session's, chosen at start)."""
        return self.session.lang

    def _of(self, typed: Unsaved) -> str:
        """ "Statement of C7.5": the field some typing was for."""
        return tr("{field} of {item}", self.lang).format(
            field=tr(typed.field.label, self.lang), item=_name(typed.ref, self.lang)
        )

    def _given_up(self, typed: Unsaved) -> str:
        return tr("typing given up: {what}", self.lang).format(what=self._of(typed))

    def set_status(self, text: str) -> None:
        self.query_one("#status", Line).update(text)

    def _tree_has_focus(self) -> bool:
        return isinstance(self.focused, Tree)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Structural keys apply in the tree only (in a field, letters are typed). Over a dialog
        or a list of records (all modal), the editor's keys do not apply at all: Textual stops the
        binding chain at the modal screen, and the footer shows the dialog's keys."""
        if action == "focus_tree":
            return not self._tree_has_focus()
        if action == "help" and isinstance(self.focused, Input | TextArea):
            return False  # "?" is typed there; the field's own F1 is shown instead
        if action == "search_next":
            return bool(self.found) and self._tree_has_focus()
        if action == "search" and isinstance(self.focused, Input | TextArea):
            return False  # "/" is typed there; Ctrl+F searches from anywhere
        if action == "certification":
            return self._tree_has_focus()
        if action in ("add", "duplicate", "delete", "move", "reorder"):
            if not self._tree_has_focus():
                return False
            if self.selected is None:
                return action == "add"  # in an empty repository, a creates a framework
            kind = self.selected.kind
            if action == "move" and kind != "competency":
                return None
            if action in ("delete", "duplicate", "reorder") and kind == "framework":
                return None
        return True

    # -- search and replace ----------------------------------------------------------------

    def loaded_frameworks(self) -> dict[str, Framework]:
        return {
            folder: loaded.framework
            for folder, loaded in self.session.frameworks.items()
            if loaded.framework is not None
        }

    def action_search(self) -> None:
        self.open_search(self.last_query)

    def open_search(self, query: str) -> None:
        if self._refuse_while_unsaved():
            return

        def done(hit: Hit | None) -> None:
            query = screen.query_one("#query", Input).value
            self.last_query = query
            if hit is None:
                return
            self.found = screen.hits
            self.found_at = next((i for i, h in enumerate(self.found) if h is hit), 0)
            self._goto_hit()

        screen = SearchScreen(self.search_index, self.loaded_frameworks(), query)
        self.push_screen(screen, done)

    def action_search_anywhere(self) -> None:
        self.commit_pending()
        self.action_search()

    def action_search_next(self, step: int) -> None:
        if not self.found:
            return
        self.found_at = (self.found_at + step) % len(self.found)
        self._goto_hit()

    def go_to(self, ref: Ref) -> bool:
        """Select ``ref`` in the tree (its ancestors opened) and give the tree the focus."""
        if not self.session.exists(ref):
            return False
        self._refresh_framework(ref.folder, ref)
        focus_now(self.query_one("#tree", Tree))
        return True

    def _goto_hit(self) -> None:
        hit = self.found[self.found_at]
        if not self.go_to(hit.ref):
            self.set_status(
                tr("{id} no longer exists (changed since the search)", self.lang).format(
                    id=hit.ident
                )
            )
            return
        self.set_status(
            tr(
                "result {n} of {total}: {id} · n next · N previous · / new search", self.lang
            ).format(n=self.found_at + 1, total=len(self.found), id=hit.ident)
        )

    def action_replace(self, find: str = "") -> None:
        if self._refuse_while_unsaved():
            return
        folder = self._folder()
        if folder is None:
            return
        try:
            fw = self.session.framework(folder)
        except RefkitError as e:
            self._refused(e)
            return

        def done(result: tuple[list[Any], str] | None) -> None:
            if result:
                plan, label = result
                self._run(lambda: self.session.replace_texts(folder, plan, label))

        title = framework_title(self.session, folder)
        self.push_screen(ReplaceScreen(folder, fw, title, find or self.last_query), done)

    def action_certification(self, block: str | None = None) -> None:
        if self._refuse_while_unsaved():
            return
        folder = self._folder()
        if folder is None:
            return
        try:
            self.session.framework(folder)
        except RefkitError as e:
            self._refused(e)
            return
        if block is None and self.selected is not None:
            block = self.selected.block

        def done(changed: bool | None) -> None:
            if changed and folder in self.session.frameworks:
                self._refresh_framework(folder, self.selected)
                self.refresh_markers()
            # back on the block it was opened for (from a problem too: the list may be empty now)
            if block is None or not self.go_to(Ref(folder, block)):
                focus_now(self.query_one("#tree", Tree))

        self.push_screen(CertificationScreen(self.session, folder, block), done)

    def action_add(self) -> None:
        if self.selected is not None:
            self._run(lambda: self.session.add(self.selected))
        else:  # no framework yet: a is how one starts
            self.action_new_framework()

    def action_new_framework(self) -> None:
        if self._refuse_while_unsaved():
            return

        def done(answer: tuple[str, str, str] | None) -> None:
            if answer is not None:
                fid, title, lang = answer
                if self._run(lambda: self.session.create_framework(fid, title, lang)):
                    self._freeze_loaded(collect=False)

        self.push_screen(NewFrameworkDialog(), done)

    def action_duplicate(self) -> None:
        if self.selected is not None:
            self._run(lambda: self.session.duplicate(self.selected))

    def action_reorder(self, delta: int) -> None:
        if self.selected is not None:
            self._run(lambda: self.session.reorder(self.selected, delta))

    def action_delete(self) -> None:
        ref = self.selected
        if ref is None or ref.kind == "framework":
            return
        name = self.session.label(ref)
        question = {
            "block": tr('Delete block "{name}"?', self.lang),
            "competency": tr('Delete competency "{name}"?', self.lang),
            "criterion": tr('Delete criterion "{name}"?', self.lang),
        }[ref.kind].format(name=name)

        def done(confirmed: bool | None) -> None:
            if confirmed:
                self._run(lambda: self.session.delete(ref))

        self.push_screen(ConfirmDialog(question, tr("Delete", self.lang)), done)

    def action_move(self) -> None:
        ref = self.selected
        if ref is None or ref.kind != "competency":
            return
        fw = self.session.framework(ref.folder)
        choices = [(b.id, f"{b.id} {b.title}") for b in fw.blocks if b.id != ref.block]

        def done(block: str | None) -> None:
            if block:
                self._run(lambda: self.session.move(ref, block))

        self.push_screen(MoveDialog(ref.competency or "", choices), done)

    def action_undo(self) -> None:
        unsaved = self.unsaved
        if unsaved is not None and unsaved.ref == self.selected:
            # the typing that could not be saved is what is undone first
            self.unsaved = None
            self._select(self.selected)
            self.set_status(self._given_up(unsaved))
            return
        self.commit_pending()
        if self._run(self.session.undo):
            self._freeze_loaded(collect=True)  # the framework was read again

    def action_redo(self) -> None:
        if self._run(self.session.redo):
            self._freeze_loaded(collect=True)

    def _freeze_loaded(self, *, collect: bool) -> None:
        """The frameworks just loaded live as long as the editor, or until read again: moved out
        of the cyclic collector's sight (``gc.freeze``), since each full collection scanned them
        all (0.11-0.14 s for 10,000 competencies, felt as one key's delay). ``collect``: what is
        garbage is collected first, so that none of it is kept for good."""
        if not self.freeze_loaded:
            return
        if collect:
            gc.collect()
        gc.freeze()

    async def on_event(self, event: events.Event) -> None:
        # One key at a time. Textual sends a key to the widget that has the focus when the app
        # reads it, and runs the key's binding when the key has come back up to the app: keys
        # read in between (a burst from tmux, a paste of keys, a fast typist on a busy machine)
        # went to the widget a Tab or an Escape was about to leave, and a binding (Backspace,
        # Down) ran after the letters typed next. Here a key is sent on only once the one before
        # has been handled all the way up (KeyHandled, sent behind it, has come back).
        if isinstance(event, events.Key | events.Paste) and not event.is_forwarded:
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
            target.post_message(KeyHandled(self._keys_sent))
            # never stuck: a widget removed with the marker in its queue (a dialog closed by
            # this key) never sends it back; a key whose work takes longer lets the next go
            self._key_watchdog = self.set_timer(0.25, self._release_keys)

    def on_key_handled(self, message: KeyHandled) -> None:
        message.stop()
        if message.number == self._keys_sent:  # not a key the watchdog already let go
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

    def action_focus_tree(self) -> None:
        self.commit_pending()
        focus_now(self.query_one("#tree", Tree))

    # -- versions --------------------------------------------------------------------------------

    def _folder(self) -> str | None:
        if self.selected is not None:
            return self.selected.folder
        return next(iter(self.session.frameworks), None)

    def action_changes(self) -> None:
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
                self._refresh_framework(ref.folder, ref)

        self.push_screen(ChangesScreen(framework_title(self.session, folder), changes), done)

    def action_history(self) -> None:
        folder = self._folder()
        if folder is not None:
            self.push_screen(HistoryScreen(self.session, folder))

    def action_commit(self) -> None:
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

        if not self._refuse_while_unsaved():
            self.push_screen(SyncScreen(self.session), lambda got: self.action_reload() if got else None)  # fmt: skip

    def action_release(self) -> None:
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

    def action_field_help(self) -> None:
        self.action_help()

    def action_help(self) -> None:
        focused = self.focused
        area = "tree"
        if isinstance(self.screen, RecordsScreen):
            area = "records"
        elif isinstance(focused, ListView):
            area = "problems"
        elif isinstance(focused, Input | TextArea | Select):
            area = "form"
        self.push_screen(HelpScreen(area))

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(
                CommandPalette(
                    placeholder=tr("Search for a command…", self.lang), id="--command-palette"
                )
            )

    def action_focus_problems(self) -> None:
        self.commit_pending()
        listing = self.query_one("#problems", ListView)
        focus_now(listing)
        if listing.index is None and len(listing):
            listing.index = 0

    def get_line_filters(self) -> Sequence[LineFilter]:
        """With NO_COLOR (https://no-color.org), no colour at all: Textual's own answer to it,
        a monochrome filter, still sends 256-colour greys; bold, reverse and underline stay."""
        filters = super().get_line_filters()
        if not self.no_color:
            return filters
        return [NoColor() if isinstance(f, Monochrome) else f for f in filters]

    def get_system_commands(self, screen: Screen[Any]) -> Any:
        return system_commands(self)

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
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    # -- validation and markers ------------------------------------------------------------------

    async def on_unmount(self) -> None:
        # Textual cancels the workers as it closes but does not wait for them: every check
        # process, even one still starting, is ended and reaped here, before the event loop closes
        for spawn in list(self._checks):
            with contextlib.suppress(Exception):
                await _end(await asyncio.shield(spawn))
        self._checks.clear()

    def refresh_markers(self) -> None:
        self._validate()

    @work(exclusive=True, group="validate")
    async def _validate(self) -> None:
        """The same checks as `refkit validate`, in another process (typing never waits for
        them); a newer run replaces a running one."""
        # the start is shielded: a check cancelled while its process starts still gets the
        # process, to end it (else it ran on, unreaped, after the editor closed)
        spawn = asyncio.ensure_future(
            asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "refkit.edit.check",
                str(self.session.repo.root),
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
        )
        self._checks.add(spawn)  # until its process is reaped (on_unmount reaps what is left)
        try:
            proc = await asyncio.shield(spawn)
        except asyncio.CancelledError:
            # (cancelled again while ending it, by a still newer check: on_unmount ends it)
            await _end(await asyncio.shield(spawn))
            self._checks.discard(spawn)
            raise
        self._check_proc = proc
        try:
            out, err = await proc.communicate()
        except asyncio.CancelledError:
            # a newer check replaces this one, or the editor closes: end the process and
            # reap it, so that nothing is left running (nor warned about) after the editor
            await _end(proc)
            self._checks.discard(spawn)
            raise
        finally:
            if self._check_proc is proc:
                self._check_proc = None
        self._checks.discard(spawn)
        try:
            data = json.loads(out or b"{}")
        except ValueError:
            data = {"error": err.decode("utf-8", "replace")[-500:]}
        if "error" in data:
            self.notify(
                tr("the check failed: {error}", self.lang).format(error=data["error"]),
                severity="error",
            )
            return
        if not self.is_running or not self.screen_stack:
            return  # the editor is closing
        problems = [Problem.from_json(d) for d in data.get("problems", [])]
        changed = {
            Ref(folder, block, comp): change
            for folder, block, comp, change in data.get("changed", [])
        }
        self._show_problems(problems, changed)

    def _show_problems(self, problems: list[Problem], changed: dict[Ref, str]) -> None:
        self.problems = problems
        for changed_ref in list(changed):  # a block holding a changed competency is changed too
            up = changed_ref.parent
            while up is not None and up.kind != "framework":
                changed.setdefault(up, "modified")
                up = up.parent
        self.changed = changed
        refs: dict[Ref, Severity] = {}
        listing = self.screen_stack[0].query_one("#problems", ListView)
        listing.clear()
        for p in problems:
            ref, _ = self.session.ref_of(p)
            r = ref
            while r is not None:  # a problem marks the item and the items that hold it
                if refs.get(r) is not Severity.ERROR:
                    refs[r] = p.severity
                r = r.parent
            glyph = "✗" if p.severity is Severity.ERROR else "⚠"
            where = f"{p.file.rsplit('/', 1)[-1]}:{p.line}:{p.col}"
            item = ListItem(Label(Text(f"{glyph} {p.text(self.lang)} ({where})")))
            item.problem = p  # type: ignore[attr-defined]
            listing.append(item)
        self.problem_refs = refs
        errors = sum(1 for p in problems if p.severity is Severity.ERROR)
        warnings = len(problems) - errors
        listing.border_title = (
            tr("Problems: {errors}, {warnings}", self.lang).format(
                errors=ngettext("{n} error", "{n} errors", errors, self.lang).format(n=errors),
                warnings=ngettext("{n} warning", "{n} warnings", warnings, self.lang).format(
                    n=warnings
                ),
            )
            if problems
            else tr("Problems: none", self.lang)
        )
        self._relabel()

    def _relabel(self) -> None:
        tree = self.screen_stack[0].query_one("#tree", Tree)
        stack = list(tree.root.children)
        while stack:
            node = stack.pop()
            if node.data is not None:
                node.set_label(
                    self._label(node.data)
                    if node.data.kind != "framework"
                    else self._framework_label(node.data)
                )
            stack.extend(node.children)

    def _framework_label(self, ref: Ref) -> str:
        loaded = self.session.frameworks.get(ref.folder)
        title = (
            loaded.framework.title if loaded and loaded.framework else ref.folder
        ) or ref.folder
        severity = self.problem_refs.get(ref)
        mark = "✗ " if severity is Severity.ERROR else "⚠ " if severity is Severity.WARNING else ""
        if any(r.folder == ref.folder for r in self.changed):
            mark += "~ "
        return mark + title

    @on(ListView.Selected, "#problems")
    def _goto_problem(self, event: ListView.Selected) -> None:
        problem: Problem | None = getattr(event.item, "problem", None)
        if problem is None:
            return
        ref, name = self.session.ref_of(problem)
        if ref is None:
            self.notify(
                f"{problem.file}:{problem.line}:{problem.col} — {problem.hint_text(self.lang)}"
            )
            return
        if problem.rule in CERTIFICATION_RULES:
            # its fix lives in the certification rules, whichever file it points at
            self._refresh_framework(ref.folder, ref)
            try:
                fw = self.session.framework(ref.folder)
                known = {b.id for b in fw.blocks} | {s.block for s in fw.shared_blocks}
            except RefkitError:
                known = set()
            self.action_certification(block_of(problem, known))
            self.set_status(f"{problem.text(self.lang)} — {problem.hint_text(self.lang)}")
            return
        self._refresh_framework(ref.folder, ref)
        self.set_status(f"{problem.text(self.lang)} — {problem.hint_text(self.lang)}")
        spec = next((f for f in FIELDS[ref.kind] if name and f.name.split(".")[0] == name), None)
        if spec is not None:
            focus_now(self.query_one(f"#{widget_id(ref.kind, spec.name)}"))
        else:
            focus_now(self.query_one("#tree", Tree))

    # -- files changed elsewhere -----------------------------------------------------------------

    def _check_disk(self) -> None:
        typing = isinstance(self.focused, Input | TextArea)
        if self._prompting_reload or (typing and self.unsaved is None):
            return  # never interrupt typing: asked when the field is left (saving stays guarded)
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

    def action_reload(self) -> None:
        tree = self.query_one("#tree", Tree)
        opened = [n.data.folder for n in tree.root.children if n.is_expanded and n.data]
        typed = self.unsaved
        self.session.reload()
        self.unsaved = None
        if typed is not None and self.session.exists(typed.ref):
            self.call_after_refresh(self._offer_again, typed)
        self._build_tree()
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

    def _offer_again(self, typed: Unsaved) -> None:
        """After a reload: what was typed and could not be saved, offered on the new text."""
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
                self._run(lambda: self.session.set_field(typed.ref, typed.field.name, typed.text))
            else:
                self.set_status(self._given_up(typed))

        self.push_screen(
            ConfirmDialog(
                tr(
                    'What you typed for {what} was not saved:\n"{typed}"\n\nThe reloaded file '
                    'says:\n"{now}"\n\nReplace it with what you typed?',
                    self.lang,
                ).format(what=self._of(typed), typed=_cut(typed.text, 200), now=_cut(now, 200)),
                tr("Replace with what I typed", self.lang),
                cancel=tr("Keep the reloaded text", self.lang),
            ),
            done,
        )

    async def action_quit(self) -> None:
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
                    what=self._of(unsaved), text=_cut(unsaved.text, 200), reason=unsaved.reason
                ),
                tr("Quit without saving", self.lang),
                cancel=tr("Go back", self.lang),
            ),
            done,
        )


def _value(widget: Any) -> str:
    """What a field holds as typed (an ``Input`` or a ``TextArea``)."""
    return str(widget.value) if isinstance(widget, Input) else str(widget.text)


def _name(ref: Ref, lang: str) -> str:
    if ref.kind == "criterion":
        return tr("{id} criterion {n}", lang).format(id=ref.competency, n=(ref.criterion or 0) + 1)
    return ref.competency or ref.block or ref.folder.rsplit("/", 1)[-1]


def _cut(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


async def _end(proc: asyncio.subprocess.Process) -> None:
    """End a check's process and reap it."""
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError):  # it had just ended by itself
            proc.kill()
    await proc.wait()


def _short(ref: Ref, lang: str) -> str:
    if ref.kind == "criterion":
        return tr("{n} of {id}", lang).format(n=(ref.criterion or 0) + 1, id=ref.competency)
    return ref.competency or ref.block or ""


def _disk_digest(session: Session, path: str) -> str | None:
    from refkit.store.loader import digest

    full = session.repo.root / path
    return digest(full.read_bytes()) if full.exists() else None

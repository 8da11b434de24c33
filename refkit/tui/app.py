"""Provides ``EditorApp``: the Textual editor over ``refkit.edit.Session``.

The app only shows and asks; every change goes through the session (saved at once through the
store, undoable), and validation runs the same rules as ``refkit validate`` in a worker thread.
Markers in the tree are glyphs, never colour alone: ✗ error, ⚠ warning, + added, ~ changed,
→ moved or renumbered since the last release.
"""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import replace
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.theme import Theme
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer, Input, Label, ListItem, ListView, Select, Static, TextArea, Tree
from textual.widgets.tree import TreeNode

from refkit.edit import (
    FIELDS,
    Field,
    Ref,
    Session,
    changes_since_release,
    check_value,
    display_value,
    get_value,
    parse_value,
)
from refkit.errors import RefkitError
from refkit.problems import Problem, Severity
from refkit.tui.dialogs import (
    ChangesScreen,
    CommitDialog,
    ConfirmDialog,
    HelpScreen,
    HistoryScreen,
    MoveDialog,
    ReleaseDialog,
)

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

KIND_TITLES = {
    "framework": "Référentiel",
    "block": "Bloc de compétences",
    "competency": "Compétence",
    "criterion": "Critère d'évaluation",
}
CHANGE_GLYPHS = {"added": "+", "modified": "~", "moved": "→", "renamed": "→"}


class Line(Widget):
    """One line of text that never changes the layout when it changes (a Static would ask for a
    new layout of the whole screen on every update: too slow on each key of the cursor)."""

    DEFAULT_CSS = "Line { height: 1; }"
    text: reactive[str] = reactive("", layout=False)

    def render(self) -> Text:
        text = Text.from_markup(self.text, overflow="ellipsis")
        text.no_wrap = True
        return text

    def update(self, text: str) -> None:
        self.text = text


def _widget_id(kind: str, name: str) -> str:
    return f"f-{kind}-{name.replace('.', '-')}"


class ItemTree(Tree[Ref]):
    """The tree, with → to open a node and ← to close it (or go up to its parent)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right", "open_node", "Ouvrir", show=False),
        Binding("left", "close_node", "Fermer", show=False),
        Binding("tab", "app.focus_form", "Formulaire", show=False),
    ]

    def action_open_node(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and not node.is_expanded:
            if not node.children:  # fill now: a Down typed right after must find the children
                fill = getattr(self.app, "_fill", None)
                if fill is not None:
                    fill(node)
            node.expand()
        elif node.children:
            self.move_cursor(node.children[0])

    def action_close_node(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)


class FieldRow(Vertical):
    """A label, an input and the line where its problem shows while typing."""

    DEFAULT_CSS = """
    FieldRow { height: auto; }
    FieldRow Label { color: $text-muted; }
    FieldRow .error { color: $error; height: auto; display: none; }
    FieldRow .error.-shown { display: block; }
    FieldRow TextArea { height: 4; background: $boost; }
    FieldRow Input { background: $boost; }
    """

    def __init__(self, kind: str, spec: Field) -> None:
        super().__init__(id=f"row-{_widget_id(kind, spec.name)}")
        self.kind = kind
        self.spec = spec

    def compose(self) -> ComposeResult:
        wid = _widget_id(self.kind, self.spec.name)
        yield Label(self.spec.label + (" *" if self.spec.required else ""), classes="label")
        if self.spec.type == "choice":
            yield Select(
                [(label, value) for value, label in self.spec.choices],
                id=wid,
                allow_blank=not self.spec.required,
                compact=True,
            )
        elif self.spec.type == "text":
            yield TextArea(
                id=wid, soft_wrap=True, show_line_numbers=False, tab_behavior="focus", compact=True
            )
        else:
            yield Input(
                id=wid, placeholder="" if self.spec.required else "(facultatif)", compact=True
            )
        yield Static("", classes="error", id=f"err-{wid}")


class ItemForm(VerticalScroll, can_focus=False):
    """One form per item kind; refilled when the selection changes. Not itself focusable: Tab
    from the tree goes straight to the first field."""

    def __init__(self, kind: str) -> None:
        super().__init__(id=f"form-{kind}", classes="form")
        self.kind = kind

    def compose(self) -> ComposeResult:
        for spec in FIELDS[self.kind]:
            yield FieldRow(self.kind, spec)


class EditorApp(App[None]):
    TITLE = "refkit edit"
    CSS = """
    #crumbs { height: 1; padding: 0 1; background: $panel; color: $text; }
    #main { height: 1fr; }
    #tree { width: 45%; min-width: 28; border: round $primary 50%; overflow-x: hidden; }
    #tree:focus { border: round $primary; }
    #right { width: 1fr; border: round $primary 50%; padding: 0 1; }
    #right:focus-within { border: round $primary; }
    #item-title { text-style: bold; height: 1; }
    .form { height: 1fr; display: none; }
    .form.-active { display: block; }
    #problems { height: 20%; min-height: 4; border: round $warning 50%; }
    #problems:focus { border: round $warning; }
    #status { height: 1; padding: 0 1; color: $text-muted; }
    Input.-invalid { border: tall $error; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        # the tree's keys first: the footer shows them while the tree has the focus
        Binding("a", "add", "Ajouter"),
        Binding("d", "duplicate", "Dupliquer"),
        Binding("x,delete", "delete", "Supprimer"),
        Binding("m", "move", "Déplacer"),
        Binding("left_square_bracket", "reorder(-1)", "Monter", key_display="["),
        Binding("right_square_bracket", "reorder(1)", "Descendre", key_display="]"),
        Binding("ctrl+z", "undo", "Annuler", priority=True, show=False),
        Binding("ctrl+y", "redo", "Rétablir", priority=True, show=False),
        Binding("question_mark", "help", "Aide", key_display="?"),
        Binding("f1", "help", "Aide", show=False),
        Binding("f2", "changes", "Changements"),
        Binding("f3", "history", "Historique"),
        Binding("f5", "commit", "Enregistrer"),
        Binding("f6", "release", "Publier"),
        Binding("ctrl+q", "quit", "Quitter", priority=True, show=False),
        Binding("escape", "focus_tree", "Arbre", show=False),
    ]

    def __init__(self, session: Session, *, watch_interval: float | None = 2.0) -> None:
        super().__init__()
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

    # -- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Line(id="crumbs")
        with Horizontal(id="main"):
            tree = ItemTree("Référentiels", id="tree")
            tree.show_root = False
            tree.guide_depth = 2
            yield tree
            with Vertical(id="right"):
                yield Line(id="item-title")
                for kind in FIELDS:
                    yield ItemForm(kind)
        yield ListView(id="problems")
        yield Line(id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.register_theme(THEME)
        self.theme = "refkit"
        tree = self.query_one("#tree", Tree)
        tree.border_title = "Référentiels"
        self.query_one("#right").border_title = "Élément"
        self.query_one("#problems").border_title = "Problèmes"
        self._build_tree()
        first = next(iter(tree.root.children), None)
        if first is not None:
            first.expand()
            tree.move_cursor(first)
            self._select(first.data)
        tree.focus()
        self.refresh_markers()
        self.set_status(
            "Bienvenue : ↑ ↓ pour choisir, Tab pour modifier, a pour ajouter, F5 pour enregistrer, ? pour l'aide"
        )
        if self.watch_interval:
            self.set_interval(self.watch_interval, self._check_disk)

    # -- tree ------------------------------------------------------------------------------------

    def _build_tree(self) -> None:
        tree = self.query_one("#tree", Tree)
        tree.clear()
        for folder, loaded in sorted(self.session.frameworks.items()):
            fw = loaded.framework
            label = (fw.title if fw else folder) or folder
            node = tree.root.add(label, data=Ref(folder), expand=False)
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
        if len(text) > 70:
            text = text[:69] + "…"
        return marks + text

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
            fw = self.session.frameworks[folder].framework
            fnode.set_label((fw.title if fw else folder) or folder)
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
        try:
            item = self.session.get(ref)
        except (KeyError, RefkitError) as e:
            self.query_one("#item-title", Line).update(str(e))
            return
        crumbs = " › ".join(self.session.breadcrumb(ref))
        self.query_one("#crumbs", Line).update(
            f"{crumbs}   [dim]? aide · Ctrl+Z annuler · Ctrl+Q quitter[/dim]"
        )
        self.query_one("#item-title", Line).update(f"{KIND_TITLES[ref.kind]} {_short(ref)}")
        self._filling = True
        try:
            for form in self.query(ItemForm):
                if form.has_class("-active") != (form.kind == ref.kind):
                    form.set_class(form.kind == ref.kind, "-active")
            for spec in FIELDS[ref.kind]:
                wid = _widget_id(ref.kind, spec.name)
                value = display_value(spec, get_value(item, spec.name))
                widget = self.query_one(f"#{wid}")
                if isinstance(widget, Input):
                    if widget.value != value:
                        widget.value = value
                        widget.cursor_position = 0  # show the beginning of a long value
                    widget.remove_class("-invalid")
                elif isinstance(widget, TextArea):
                    if widget.text != value:
                        widget.load_text(value)
                elif isinstance(widget, Select):
                    wanted = value if value else Select.BLANK
                    if widget.value != wanted:
                        widget.value = wanted
                self._show_error(wid, None)
        finally:
            self.call_after_refresh(self._done_filling)

    def _show_error(self, wid: str, problem: str | None) -> None:
        line = self.query_one(f"#err-{wid}", Static)
        if problem is None and not line.has_class("-shown"):
            return  # nothing shown, nothing to change (no new layout on every selection)
        line.update(f"✗ {problem}" if problem else "")
        line.set_class(problem is not None, "-shown")

    def _done_filling(self) -> None:
        self._filling = False

    def _field_of(self, widget: Any) -> tuple[str, Field] | None:
        wid = widget.id or ""
        if not wid.startswith("f-") or self.selected is None:
            return None
        kind = self.selected.kind
        for spec in FIELDS[kind]:
            if _widget_id(kind, spec.name) == wid:
                return kind, spec
        return None

    @on(Input.Changed)
    def _typing(self, event: Input.Changed) -> None:
        """Per-field validation as you type: the schema's rule for that one field."""
        found = self._field_of(event.input)
        if found is None or self._filling:
            return
        _, spec = found
        try:
            problem = check_value(spec, parse_value(spec, event.value))
        except ValueError as e:
            problem = str(e)
        event.input.set_class(problem is not None, "-invalid")
        self._show_error(event.input.id or "", problem)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self._commit_widget(event.input)

    @on(Select.Changed)
    def _chosen(self, event: Select.Changed) -> None:
        if not self._filling:
            self._commit_widget(event.select)

    def on_descendant_focus(self, event: Any) -> None:
        """Tab or a click into the form while the form has not yet followed the cursor: fill it
        now, and put the focus in the right form."""
        widget = getattr(event, "widget", None) or getattr(event, "control", None)
        if not isinstance(widget, Input | TextArea | Select) or self._fill_timer is None:
            return
        self._fill_timer.stop()
        self._select_current()
        if self.selected is None:
            return
        form = self.query_one(f"#form-{self.selected.kind}", ItemForm)
        if not any(w is widget for w in form.query("Input, TextArea, Select")):
            self.set_focus(form.query("Input, TextArea, Select").first())

    def action_focus_form(self) -> None:
        """Tab from the tree: the first field of the selected item's form, filled first if the
        form has not yet followed the cursor."""
        if self._fill_timer is not None:
            self._fill_timer.stop()
            self._select_current()
        if self.selected is None:
            return
        form = self.query_one(f"#form-{self.selected.kind}", ItemForm)
        fields = form.query("Input, TextArea, Select")
        if fields:
            self.set_focus(fields.first())

    def on_descendant_blur(self, event: Any) -> None:
        widget = event.widget if hasattr(event, "widget") else event.control
        if isinstance(widget, Input | TextArea):
            self._commit_widget(widget)

    def _commit_widget(self, widget: Any) -> None:
        found = self._field_of(widget)
        if found is None or self.selected is None:
            return
        _, spec = found
        if isinstance(widget, Input):
            text = widget.value
        elif isinstance(widget, TextArea):
            text = widget.text
        else:
            value = widget.value
            text = "" if value is Select.BLANK or value is None else str(value)
        try:
            item = self.session.get(self.selected)
        except (KeyError, RefkitError):
            return
        if text == display_value(spec, get_value(item, spec.name)):
            return
        self._run(lambda: self.session.set_field(self.selected, spec.name, text))

    def commit_pending(self) -> None:
        """Save the field being edited (before quitting, committing, releasing...)."""
        focused = self.focused
        if isinstance(focused, Input | TextArea):
            self._commit_widget(focused)

    # -- operations ------------------------------------------------------------------------------

    def _run(self, operation: Any) -> bool:
        try:
            outcome = operation()
        except RefkitError as e:
            self.notify(
                e.message + (f"\n{e.hint}" if e.hint else ""),
                title="Refusé",
                severity="error",
                timeout=8,
            )
            if self.selected is not None and self.selected.folder in self.session.frameworks:
                self._refresh_framework(self.selected.folder, self.selected)
            return False
        if outcome.message:
            self.set_status(outcome.message)
        folder = (outcome.select or self.selected or Ref("")).folder
        if folder in self.session.frameworks:
            self._refresh_framework(folder, outcome.select)
        self.refresh_markers()
        return True

    def set_status(self, text: str) -> None:
        self.query_one("#status", Line).update(text)

    def _tree_has_focus(self) -> bool:
        return isinstance(self.focused, Tree)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Structural keys apply in the tree only (in a field, letters are typed)."""
        if action in ("add", "duplicate", "delete", "move", "reorder"):
            if not self._tree_has_focus():
                return False
            if self.selected is None:
                return None
            kind = self.selected.kind
            if action == "move" and kind != "competency":
                return None
            if action in ("delete", "duplicate", "reorder") and kind == "framework":
                return None
        return True

    def action_add(self) -> None:
        if self.selected is not None:
            self._run(lambda: self.session.add(self.selected))

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
        what = {"block": "le bloc", "competency": "la compétence", "criterion": "le critère"}[
            ref.kind
        ]

        def done(confirmed: bool | None) -> None:
            if confirmed:
                self._run(lambda: self.session.delete(ref))

        self.push_screen(ConfirmDialog(f"Supprimer {what} « {name} » ?", "Supprimer"), done)

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
        self.commit_pending()
        self._run(self.session.undo)

    def action_redo(self) -> None:
        self._run(self.session.redo)

    def action_focus_tree(self) -> None:
        self.commit_pending()
        self.query_one("#tree", Tree).focus()

    # -- versions --------------------------------------------------------------------------------

    def _folder(self) -> str | None:
        if self.selected is not None:
            return self.selected.folder
        return next(iter(self.session.frameworks), None)

    def action_changes(self) -> None:
        self.commit_pending()
        folder = self._folder()
        if folder is None:
            return
        try:
            changes = changes_since_release(self.session, folder)
        except RefkitError as e:
            self.notify(e.message, severity="error")
            return

        def done(ref: Ref | None) -> None:
            if ref is not None:
                self._refresh_framework(ref.folder, ref)

        self.push_screen(ChangesScreen(self.session.framework(folder).title, changes), done)

    def action_history(self) -> None:
        folder = self._folder()
        if folder is not None:
            self.push_screen(HistoryScreen(self.session, folder))

    def action_commit(self) -> None:
        self.commit_pending()

        def done(committed: str | bool | None) -> None:
            if committed:
                if isinstance(committed, str):
                    self.set_status(committed)
                self.refresh_markers()

        self.push_screen(CommitDialog(self.session, self.problems), done)

    def action_release(self) -> None:
        self.commit_pending()
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

    def action_help(self) -> None:
        focused = self.focused
        area = "tree"
        if isinstance(focused, ListView):
            area = "problems"
        elif isinstance(focused, Input | TextArea | Select):
            area = "form"
        self.push_screen(HelpScreen(area))

    def get_system_commands(self, screen: Screen[Any]) -> Any:
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Ajouter un élément",
            "Ajoute un bloc, une compétence ou un critère sous la sélection",
            self.action_add,
        )
        yield SystemCommand(
            "Déplacer la compétence", "Vers un autre bloc du référentiel", self.action_move
        )
        yield SystemCommand("Annuler", "Annule le dernier changement", self.action_undo)
        yield SystemCommand("Rétablir", "Rétablit le dernier changement annulé", self.action_redo)
        yield SystemCommand(
            "Voir les changements", "Depuis la dernière version publiée", self.action_changes
        )
        yield SystemCommand(
            "Historique", "Versions publiées et enregistrements", self.action_history
        )
        yield SystemCommand(
            "Enregistrer les changements (commit)", "Avec un message", self.action_commit
        )
        yield SystemCommand(
            "Publier une version", "Propose le numéro de version", self.action_release
        )
        yield SystemCommand("Recharger depuis le disque", "Relit les fichiers", self.action_reload)

    # -- validation and markers ------------------------------------------------------------------

    def refresh_markers(self) -> None:
        self._validate()

    @work(exclusive=True, group="validate")
    async def _validate(self) -> None:
        """The same checks as `refkit validate`, in another process (typing never waits for
        them); a newer run replaces a running one."""
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "refkit.edit.check",
            str(self.session.repo.root),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            out, err = await proc.communicate()
        except asyncio.CancelledError:
            proc.kill()
            raise
        try:
            data = json.loads(out or b"{}")
        except ValueError:
            data = {"error": err.decode("utf-8", "replace")[-500:]}
        if "error" in data:
            self.notify(f"la vérification a échoué : {data['error']}", severity="error")
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
            item = ListItem(Label(f"{glyph} {p.file}:{p.line}:{p.col} {p.message}"))
            item.problem = p  # type: ignore[attr-defined]
            listing.append(item)
        self.problem_refs = refs
        errors = sum(1 for p in problems if p.severity is Severity.ERROR)
        warnings = len(problems) - errors
        listing.border_title = (
            f"Problèmes : {errors} erreur{'s' if errors > 1 else ''}, {warnings} avertissement{'s' if warnings > 1 else ''}"
            if problems
            else "Problèmes : aucun"
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
        return mark + title

    @on(ListView.Selected, "#problems")
    def _goto_problem(self, event: ListView.Selected) -> None:
        problem: Problem | None = getattr(event.item, "problem", None)
        if problem is None:
            return
        ref, name = self.session.ref_of(problem)
        if ref is None:
            self.notify(f"{problem.file}:{problem.line}:{problem.col} — {problem.hint}")
            return
        self._refresh_framework(ref.folder, ref)
        self.set_status(f"{problem.message} — {problem.hint}")
        spec = next((f for f in FIELDS[ref.kind] if name and f.name.split(".")[0] == name), None)
        if spec is not None:
            self.query_one(f"#{_widget_id(ref.kind, spec.name)}").focus()
        else:
            self.query_one("#tree", Tree).focus()

    # -- files changed elsewhere -----------------------------------------------------------------

    def _check_disk(self) -> None:
        if self._prompting_reload or isinstance(self.focused, Input | TextArea):
            return  # never interrupt typing: asked when the field is left (saving stays guarded)
        changed = [
            p
            for p in self.session.changed_on_disk()
            if self._later.get(p) != _disk_digest(self.session, p)
        ]
        if not changed:
            return
        self._prompting_reload = True
        shown = "\n".join(changed[:6]) + (
            f"\n… et {len(changed) - 6} autres" if len(changed) > 6 else ""
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
                f"Des fichiers ont été modifiés hors de l'éditeur :\n{shown}\n\n"
                "Recharger ? Vos propres changements sont déjà enregistrés ; l'éditeur n'écrase "
                "jamais un fichier modifié ailleurs.",
                "Recharger",
                cancel="Plus tard",
            ),
            done,
        )

    def action_reload(self) -> None:
        self.session.reload()
        self._build_tree()
        if self.selected is not None and self.session.exists(self.selected):
            self._refresh_framework(self.selected.folder, self.selected)
        self.set_status("rechargé depuis le disque")
        self.refresh_markers()

    async def action_quit(self) -> None:
        self.commit_pending()
        self.exit()


def _short(ref: Ref) -> str:
    if ref.kind == "criterion":
        return f"{(ref.criterion or 0) + 1} de {ref.competency}"
    return ref.competency or ref.block or ""


def _disk_digest(session: Session, path: str) -> str | None:
    from refkit.store.loader import digest

    full = session.repo.root / path
    return digest(full.read_bytes()) if full.exists() else None

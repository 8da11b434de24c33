"""Provides ``ItemTree``: the editor's tree of frameworks, blocks, competencies and criteria.

Children are added lazily, when their parent opens (a Tree rebuilds its lines over every open
node on each change). Labels carry glyphs, never colour alone: ✗ error, ⚠ warning, + added,
~ changed, → moved or renumbered since the last release (``markers``, set after each check)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

from rich.text import Text, TextType
from textual import events
from textual.binding import Binding, BindingType
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from refkit.edit.refs import Ref
from refkit.edit.session import Session
from refkit.errors import RefkitError
from refkit.i18n import N_
from refkit.model import Framework
from refkit.problems import Severity
from refkit.tui.labels import distinct

CHANGE_GLYPHS = {"added": "+", "modified": "~", "moved": "→", "renamed": "→"}


@dataclass(slots=True)
class Markers:
    """What the last check found: the worst problem of each item (and of the items that hold
    it), and the items changed since the last release."""

    problems: dict[Ref, Severity] = field(default_factory=dict)
    changed: dict[Ref, str] = field(default_factory=dict)


class ItemTree(Tree[Ref]):
    """The tree, with → to open a node and ← to close it (or go up to its parent)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right", "open_node", N_("Open"), show=False),
        Binding("left", "close_node", N_("Close"), show=False),
        Binding("tab", "app.focus_form", N_("Form"), show=False),
    ]

    def __init__(self, session: Session, label: str, *, id: str | None = None) -> None:
        super().__init__(label, id=id)
        self.session = session
        self.markers = Markers()
        self.show_root = False
        self.guide_depth = 2
        # Enter opens or closes the node at once, not when the NodeSelected message comes round:
        # Down keys typed right after Enter are already queued and must find the children
        self.auto_expand = False
        self._sibling_labels: dict[Ref | None, tuple[Any, list[str]]] = {}

    def process_label(self, label: TextType) -> Text:
        """Labels are the frameworks' own texts: never read as markup ("Lire un schéma [NF C
        15-100]" is shown as written; "[a, b]" made rendering fail)."""
        text = Text(label) if isinstance(label, str) else label
        return text.split()[0]

    # -- building ------------------------------------------------------------------------------

    def rebuild(self) -> None:
        """Every framework again, closed, with its blocks."""
        self.clear()
        for folder in sorted(self.session.frameworks):
            node = self.root.add(self.framework_label(Ref(folder)), data=Ref(folder), expand=False)
            self.fill(node)

    def fill(self, node: TreeNode[Ref]) -> None:
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
                bref = Ref(ref.folder, block.id)
                child = node.add(self.item_label(bref), data=bref)
                child.allow_expand = self.session.expandable(bref)
        elif ref.kind == "block":
            for comp in item.competencies:
                cref = replace(ref, competency=comp.id)
                child = node.add(self.item_label(cref), data=cref)
                child.allow_expand = bool(comp.criteria)
        elif ref.kind == "competency":
            for i, _ in enumerate(item.criteria):
                cref = replace(ref, criterion=i)
                node.add_leaf(self.item_label(cref), data=cref)

    def refresh_framework(self, folder: str) -> None:
        """Rebuild one framework's subtree (after a change), keeping what was expanded."""
        fnode = next((n for n in self.root.children if n.data and n.data.folder == folder), None)
        if fnode is None:
            self.rebuild()
            return
        expanded = set()
        stack = list(fnode.children)
        while stack:
            n = stack.pop()
            if n.is_expanded and n.data is not None:
                expanded.add(n.data)
            stack.extend(n.children)
        fnode.set_label(self.framework_label(Ref(folder)))
        self.fill(fnode)
        for child in fnode.children:
            if child.data in expanded:
                self.fill(child)
                child.expand()
                for grand in child.children:
                    if grand.data in expanded:
                        self.fill(grand)
                        grand.expand()

    def node_of(self, ref: Ref) -> TreeNode[Ref] | None:
        """The node of ``ref``, expanding its ancestors (and filling them) on the way."""
        chain = []
        r: Ref | None = ref
        while r is not None:
            chain.append(r)
            r = r.parent
        node: TreeNode[Ref] = self.root
        for step in reversed(chain):
            found = next((n for n in node.children if n.data == step), None)
            if found is None:
                return None
            if step != ref:
                if step.kind != "framework" and not found.children:
                    self.fill(found)
                found.expand()
            node = found
        return node

    def show_node(self, node: TreeNode[Ref]) -> None:
        """The cursor on ``node``, scrolled into view."""
        self.move_cursor(node)
        self.scroll_to_node(node, animate=False)

    def shown_folders(self) -> set[str]:
        return {n.data.folder for n in self.root.children if n.data is not None}

    # -- labels --------------------------------------------------------------------------------

    def relabel(self) -> None:
        """Every label again (after a check: its markers; after a resize: its width)."""
        stack = list(self.root.children)
        while stack:
            node = stack.pop()
            if node.data is not None:
                node.set_label(
                    self.item_label(node.data)
                    if node.data.kind != "framework"
                    else self.framework_label(node.data)
                )
            stack.extend(node.children)

    def framework_label(self, ref: Ref) -> str:
        loaded = self.session.frameworks.get(ref.folder)
        title = (
            loaded.framework.title if loaded and loaded.framework else ref.folder
        ) or ref.folder
        severity = self.markers.problems.get(ref)
        mark = "✗ " if severity is Severity.ERROR else "⚠ " if severity is Severity.WARNING else ""
        if any(r.folder == ref.folder for r in self.markers.changed):
            mark += "~ "
        return mark + title

    def item_label(self, ref: Ref) -> str:
        marks = ""
        severity = self.markers.problems.get(ref)
        if severity is Severity.ERROR:
            marks += "✗ "
        elif severity is Severity.WARNING:
            marks += "⚠ "
        change = self.markers.changed.get(ref)
        if change in CHANGE_GLYPHS:
            marks += CHANGE_GLYPHS[change] + " "
        try:
            text = self.session.label(ref)
        except (KeyError, RefkitError):
            text = ref.folder
        if ref.kind in ("block", "competency"):
            # cut where a sibling's label reads the same: the words that differ are shown
            depth = 1 if ref.kind == "block" else 2
            width = self.label_width() - 2 * depth - 2 - len(marks)
            text = distinct(text, self._siblings(ref), width)
        if len(text) > 70:
            text = text[:69] + "…"
        return marks + text

    def label_width(self) -> int:
        """The columns labels have (0 before the tree is laid out)."""
        return max(0, self.scrollable_content_region.width) if self.is_mounted else 0

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

    # -- keys ----------------------------------------------------------------------------------

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[Ref]) -> None:
        node = event.node
        if node.data is not None and node.data.kind != "framework" and not node.children:
            self.fill(node)

    def _fill_now(self, node: TreeNode[Ref]) -> None:
        """Add a node's children before it opens: a Down typed right after must find them."""
        if not node.children:
            self.fill(node)

    def on_paste(self, event: events.Paste) -> None:
        event.stop()
        self.app.paste_in_tree(event.text)  # type: ignore[attr-defined]

    def action_select_cursor(self) -> None:
        node = self.cursor_node
        if node is not None and node.allow_expand:
            self._fill_now(node)
            node.toggle()
        super().action_select_cursor()

    def action_open_node(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and not node.is_expanded:
            self._fill_now(node)
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

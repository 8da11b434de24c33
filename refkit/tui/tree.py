"""Provides ``ItemTree``: the editor's tree of frameworks, blocks, competencies and criteria."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text, TextType
from textual import events
from textual.binding import Binding, BindingType
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from refkit.edit import Ref
from refkit.i18n import N_


class ItemTree(Tree[Ref]):
    """The tree, with → to open a node and ← to close it (or go up to its parent)."""

    def process_label(self, label: TextType) -> Text:
        """Labels are the frameworks' own texts: never read as markup ("Lire un schéma [NF C
        15-100]" is shown as written; "[a, b]" made rendering fail)."""
        text = Text(label) if isinstance(label, str) else label
        return text.split()[0]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right", "open_node", N_("Open"), show=False),
        Binding("left", "close_node", N_("Close"), show=False),
        Binding("tab", "app.focus_form", N_("Form"), show=False),
    ]

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        # Enter opens or closes the node at once, not when the NodeSelected message comes round:
        # Down keys typed right after Enter are already queued and must find the children
        self.auto_expand = False

    def _fill_now(self, node: TreeNode[Ref]) -> None:
        """Add a node's children before it opens: a Down typed right after must find them."""
        if not node.children:
            fill = getattr(self.app, "_fill", None)
            if fill is not None:
                fill(node)

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

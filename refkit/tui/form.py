"""Provides the item's form (``ItemForm``, one per kind of item: its rows built as far as the
screen shows before the first paint, the rest after) and ``Unsaved``: what was typed and could not
be saved. Fields are filled by ``refkit.tui.fields.fill_field``, as in a list of records."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widget import Widget

from refkit.edit.fields import FIELDS, Field
from refkit.edit.records import RECORDS, Records
from refkit.edit.refs import Ref
from refkit.tui.fields import FieldRow
from refkit.tui.records import RecordsRow


@dataclass(frozen=True, slots=True)
class Unsaved:
    """What was typed in a field and could not be saved (invalid, or its file changed on disk):
    kept in the field, never dropped without saying so."""

    ref: Ref
    field: Field
    text: str
    reason: str
    conflict: bool = False  # its file changed on disk: not tried again before a reload


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

    @property
    def rows_built(self) -> int:
        """How many of its rows are built (all once ``build`` has run)."""
        return self._now

    @property
    def row_count(self) -> int:
        return len(self._specs)

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

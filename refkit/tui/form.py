"""Provides the item's form (``ItemForm``, one per kind of item: its rows built after the first
paint) and ``Unsaved``: what was typed and could not
be saved. Fields are filled by ``refkit.tui.fields.fill_field``, as in a list of records."""

from __future__ import annotations

from dataclasses import dataclass

from textual.containers import VerticalScroll
from textual.widget import AwaitMount, Widget

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
    from the tree goes straight to the first field. Its rows are built after the first paint
    (the first screen shows the tree and the item read whole, not a form: 0.1 s less before
    it), or when a field is wanted sooner (``build``)."""

    def __init__(self, kind: str, *, active: bool = False) -> None:
        super().__init__(id=f"form-{kind}", classes="form -active" if active else "form")
        self.kind = kind
        self.built = False  # its rows are mounted: it can be filled
        self._specs: list[Field | Records] = [*FIELDS[kind], *RECORDS.get(kind, ())]
        self._mounting: AwaitMount | None = None

    @property
    def row_count(self) -> int:
        return len(self._specs)

    async def build(self) -> list[Widget]:
        """Mount the form's rows (once: a second call waits for the first); returns the rows
        mounted by this call (to be filled)."""
        if self._mounting is not None:
            await self._mounting
            return []
        rows: list[Widget] = [
            RecordsRow(spec) if isinstance(spec, Records) else FieldRow(self.kind, spec)
            for spec in self._specs
        ]
        self._mounting = self.mount_all(rows)
        await self._mounting
        self.built = True
        return rows

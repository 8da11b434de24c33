"""Provides the screen where rows pasted from a spreadsheet become competencies.

Thin over ``refkit.edit.paste``: each column gets a choice of what it holds (proposed from a
header row or from its cells), a box says whether the first row names the columns, and the
competencies the rows make are listed (with their new ids, kinds, activities and criteria) before
anything is written. The editor adds them as one operation: one Ctrl+Z removes them all.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, OptionList, Select, Static
from textual.widgets.option_list import Option

from refkit.edit.paste import (
    COLUMN_LABELS,
    Columns,
    Planned,
    guess_columns,
    plan_competencies,
    read_rows,
)
from refkit.i18n import N_, ngettext, plural, tr
from refkit.model import Block, Competency, Framework
from refkit.tui.footer import keys_footer
from refkit.tui.keys import focus_now
from refkit.tui.widgets import DIALOG_CSS


def planned_text(c: Competency, lang: str) -> Text:
    text = Text()
    text.append(f"{c.id} ", style="bold")
    text.append(c.statement)
    kind = tr(c.kind, lang) if c.kind in ("skill", "knowledge", "attitude") else c.kind
    facts = [kind, *c.activities]
    n = len(c.criteria)
    criteria = ngettext("{n} criterion", "{n} criteria", n, lang).format(n=n)
    facts.append(criteria if n else tr("no criterion", lang))
    text.append(f"  ({' · '.join(facts)})", style="dim")
    for cr in c.criteria:
        text.append(f"\n   – {cr.text}", style="dim")
    return text


class PasteScreen(ModalScreen[list[Competency] | None]):
    DEFAULT_CSS = (
        DIALOG_CSS
        + """
    PasteScreen { align: center middle; }
    PasteScreen #columns { height: auto; margin-top: 1; }
    PasteScreen #columns Select { width: 1fr; margin-right: 1; }
    PasteScreen #preview { height: 1fr; max-height: 100%; }
    PasteScreen .buttons { height: auto; align-horizontal: right; }
    PasteScreen Button { margin-left: 1; min-width: 12; }
    PasteScreen #yes { width: 28; }
    """
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Cancel"), key_display="esc"),
    ]

    def __init__(self, text: str, fw: Framework, block: Block, lang: str) -> None:
        super().__init__()
        self.fw, self.block, self.lang = fw, block, lang
        self.rows = read_rows(text)
        self.columns = guess_columns(self.rows, {a.id for a in fw.activities})
        self.planned = Planned()

    def compose(self) -> ComposeResult:
        n, lang = len(self.rows), self.lang
        with Vertical(classes="view"):
            yield Static(
                Text.assemble(
                    (tr("Paste as competencies", lang), "bold"),
                    tr(" — block {id} {title}", lang).format(
                        id=self.block.id, title=self.block.title
                    ),
                )
            )
            columns = len(self.columns.kinds)
            yield Static(
                Text(
                    tr("{rows}, {columns}: say what each column holds.", lang).format(
                        rows=ngettext("{n} row pasted", "{n} rows pasted", n, lang).format(n=n),
                        columns=ngettext("{n} column", "{n} columns", columns, lang).format(
                            n=columns
                        ),
                    )
                ),
                classes="muted",
            )
            with Horizontal(id="columns"):
                for i, kind in enumerate(self.columns.kinds):
                    sample = next((r[i] for r in self.rows if r[i]), "")
                    select: Select[str] = Select(
                        [
                            (f"{i + 1}. {tr(label, lang)}", key)
                            for key, label in COLUMN_LABELS.items()
                        ],
                        value=kind,
                        allow_blank=False,
                        id=f"col-{i}",
                        compact=True,
                        tooltip=sample,
                    )
                    yield select
            yield Checkbox(
                tr("the first row names the columns", lang),
                self.columns.header,
                id="header",
                compact=True,
            )
            yield Static("", id="count", classes="muted")
            yield OptionList(id="preview")
            with Horizontal(classes="buttons"):
                yield Button(tr("Cancel", lang), id="no")
                yield Button(tr("Add", lang), id="yes", variant="primary")
        yield keys_footer()

    def on_mount(self) -> None:
        self._preview()
        focus_now(self.query_one("#yes", Button))

    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _changed(self, _event: Any) -> None:
        kinds = [
            str(self.query_one(f"#col-{i}", Select).value) for i in range(len(self.columns.kinds))
        ]
        self.columns = Columns(kinds, header=self.query_one("#header", Checkbox).value)
        self._preview()

    def _preview(self) -> None:
        lang = self.lang
        self.planned = plan_competencies(self.rows, self.columns, self.fw, self.block, lang)
        listing = self.query_one("#preview", OptionList)
        listing.clear_options()
        listing.add_options([Option(planned_text(c, lang)) for c in self.planned.competencies])
        for note in self.planned.notes:
            listing.add_option(Option(Text(f"⚠ {note}", style="italic"), disabled=True))
        n = len(self.planned.competencies)
        self.query_one("#count", Static).update(
            Text(
                ngettext(
                    "{n} competency to add at the end of block {id}",
                    "{n} competencies to add at the end of block {id}",
                    n,
                    lang,
                ).format(n=n, id=self.block.id)
                + (
                    plural(
                        "; {n} note at the end of the list",
                        "; {n} notes at the end of the list",
                        len(self.planned.notes),
                        lang,
                    )
                    if self.planned.notes
                    else ""
                )
                + tr("; Ctrl+Z removes them all at once", lang)
            )
        )
        button = self.query_one("#yes", Button)
        button.disabled = not n
        adding = ngettext("Add {n} competency", "Add {n} competencies", n, lang).format(n=n)
        button.label = adding if n else tr("Add", lang)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "yes" and self.planned.competencies:
            self.dismiss(self.planned.competencies)
        else:
            self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)

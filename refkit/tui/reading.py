"""Provides the reading pane: the selected item shown whole, as a person reads a référentiel.

While the cursor is in the tree, the right of the editor shows the item read, not its form:
every sentence whole and wrapped (the tree and the form's one-line fields cut them), a block
with its volume, prerequisites, place in the certification, modalities and competencies with
their criteria, a competency with its kind, activities, criteria and notes. Tab (or a click)
goes to the form; Escape comes back.

A framework's texts are shown as they are written: styled text, never markup.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.measure import Measurement
from rich.segment import Segment
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from refkit.edit import Ref, Session
from refkit.edit.fields import field_of
from refkit.edit.records import MODALITIES
from refkit.errors import RefkitError
from refkit.i18n import quantity, tr
from refkit.model import Block, Competency, Framework, Relation
from refkit.tui.lang import said

# a block of 250 competencies is shown up to this many (the tree has them all): the pane is
# rebuilt at each move of the cursor, and the keys must stay quick
SHOWN = 40

_KINDS = dict(field_of("competency", "kind").choices)
_STATUS = dict(field_of("framework", "status").choices)
_MODALITIES = dict(MODALITIES)  # the labels the form's lists use: one wording


def _hours(value: float | None, lang: str) -> str:
    if value is None:
        return ""
    return quantity(float(value), "h", lang)  # never "140" and "h" on two lines


_BULLET = ("-", "–", "•", "*")


def reflow(text: str) -> str:
    """A text as written in a file (lines cut at 80 columns by whoever wrote it) as paragraphs:
    the lines of a paragraph joined, blank lines and list items kept."""
    out: list[str] = []
    for line in text.strip().split("\n"):
        stripped = line.strip()
        if out and out[-1] and stripped and not stripped.startswith(_BULLET):
            out[-1] += " " + stripped
        else:
            out.append(stripped)
    return "\n".join(out)


class _Page:
    """A reading page: lines of text, and lists whose items wrap under their own first word."""

    def __init__(self) -> None:
        self.parts: list[RenderableType] = []
        self.text = Text()

    def append(self, *args: Any, **kwargs: Any) -> None:
        self.text.append(*args, **kwargs)

    def head(self, label: str) -> None:
        if self.text and not self.text.plain.endswith("\n\n"):
            self.text.append("\n" if self.text.plain.endswith("\n") else "\n\n")
        elif not self.text and self.parts:
            self.text.append("\n")  # after a list
        self.text.append(f"{label}\n", style="bold underline")

    def items(self, items: list[Text], indent: int = 0) -> None:
        """A list: each item after a dash, its lines wrapped under its first word."""
        self._flush()
        self.parts.append(_Bullets(items, indent))

    def _flush(self) -> None:
        if self.text:
            self.text.rstrip()
            self.parts.append(self.text)
            self.text = Text()

    def render(self) -> Group:
        self._flush()
        return Group(*self.parts)


class _Bullets:
    """Items after a dash at ``indent``, each wrapped under its own first word: what a grid of
    two columns shows (``rich.table``), at a tenth of its cost; the pane is laid out and drawn
    several times on the first screen, a framework's list of blocks with it."""

    def __init__(self, items: list[Text], indent: int) -> None:
        self.items = items
        self.indent = indent

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        dash = Text("–".rjust(self.indent + 1) + " ")
        under = Text(" " * len(dash))
        room = max(1, options.max_width - len(dash))
        # as wide as the longest item, as the grid was (not the whole width)
        width = min(
            room, max((Measurement.get(console, options, i).maximum for i in self.items), default=1)
        )
        for item in self.items:
            for i, line in enumerate(item.wrap(console, room)):
                line.pad_right(width - line.cell_len)
                yield from Text.assemble(under if i else dash, line).render(console, end="\n")

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(len(self.items) and self.indent + 3, options.max_width)


def _place(fw: Framework, block_id: str, lang: str) -> str:
    """Where the block stands in the certification rules."""
    if block_id in fw.certification.required:
        return tr("required", lang)
    for group in fw.certification.electives:
        if block_id in group.blocks:
            blocks = ", ".join(group.blocks)
            if group.title:
                return tr('elective "{title}": {n} of {blocks}', lang).format(
                    title=group.title, n=group.choose, blocks=blocks
                )
            return tr("elective: {n} of {blocks}", lang).format(n=group.choose, blocks=blocks)
    return tr("outside the certification rules", lang)


def framework_text(fw: Framework, lang: str) -> Group:
    page = _Page()
    page.append(fw.title or fw.id, style="bold")
    status = tr(_STATUS[fw.status], lang) if fw.status in _STATUS else (fw.status or "")
    facts = [f"version {fw.version}", status]
    if fw.level.eqf is not None:
        facts.append(tr("EQF level {level}", lang).format(level=fw.level.eqf))
    for scheme, level in fw.level.national.items():
        facts.append(
            tr("national level ({scheme}) {level}", lang).format(scheme=scheme, level=level)
        )
    if fw.sector:
        facts.append(fw.sector)
    page.append("\n" + " · ".join(f for f in facts if f), style="dim")
    codes = []
    for key, value in fw.codes.items():
        if not value or not isinstance(value, str | list):
            continue
        shown = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
        # "RNCP37581" says what it is; "F1603" needs its register named
        codes.append(shown if shown.upper().startswith(key.upper()) else f"{key.upper()} {shown}")
    if codes:
        page.append("\n" + " · ".join(codes), style="dim")
    if fw.summary:
        page.append("\n\n" + reflow(fw.summary))
    if fw.blocks or fw.shared_blocks:
        page.head(tr("Blocks of competencies", lang))
        lines = []
        for b in fw.blocks:
            line = Text.assemble((f"{b.id} ", "bold"), b.title)
            extra = [x for x in (_hours(b.volume.hours, lang), _place(fw, b.id, lang)) if x]
            line.append(f" ({' · '.join(extra)})", style="dim")
            lines.append(line)
        for sb in fw.shared_blocks:
            line = Text.assemble(
                (f"{sb.block} ", "bold"),
                (tr("shared block of {framework}", lang).format(framework=sb.framework), "italic"),
            )
            line.append(f" ({_place(fw, sb.block, lang)})", style="dim")
            lines.append(line)
        page.items(lines)
    total = _hours(fw.certification.volume.hours, lang)
    if total:
        page.append(tr("Total volume: {hours}", lang).format(hours=total), style="dim")
    if fw.activities:
        page.head(tr("Activities", lang))
        page.items([Text.assemble((f"{a.id} ", "bold"), a.title) for a in fw.activities])
    return page.render()


def _competency(
    page: _Page, fw: Framework, c: Competency, lang: str, *, mark: int | None = None
) -> None:
    page.append(f"{c.id} ", style="bold")
    page.append(c.statement if isinstance(c.statement, str) else str(c.statement), style="bold")
    facts = [tr(_KINDS[c.kind], lang) if c.kind in _KINDS else str(c.kind)]
    for a in c.activities:
        activity = fw.activity(a)
        facts.append(f"{a} {activity.title}" if activity is not None else a)
    page.append("\n" + " · ".join(facts), style="dim")
    criteria = []
    for i, cr in enumerate(c.criteria):
        criteria.append(Text(cr.text, style="reverse" if i == mark else ""))
    if criteria:
        page.items(criteria, indent=2)
    if c.notes:
        page.append(tr("Notes: {notes}", lang).format(notes=reflow(c.notes)), style="italic")
    for uri in c.esco:
        page.append("\n" + tr("ESCO: {uri}", lang).format(uri=uri), style="dim")
    _relations(page, c.relations, lang)


def _relations(page: _Page, relations: list[Relation], lang: str) -> None:
    """An item's relations, one a line: "fait partie de C4.5", the note after a dash."""
    from refkit.diff.relations import type_words

    for r in relations:
        note = f" — {reflow(r.note)}" if r.note else ""
        page.append(f"\n{type_words(r.type, lang)} {r.target}{note}", style="dim")


def block_text(fw: Framework, b: Block, lang: str) -> Group:
    page = _Page()
    page.append(f"{b.id} ", style="bold")
    page.append(b.title, style="bold")
    facts = [_hours(b.volume.hours, lang), _place(fw, b.id, lang)]
    if b.volume.credits is not None:
        facts.append(tr("{n} credits", lang).format(n=f"{b.volume.credits:g}"))
    if b.prerequisites:
        facts.append(tr("prerequisites: {blocks}", lang).format(blocks=", ".join(b.prerequisites)))
    page.append("\n" + " · ".join(f for f in facts if f), style="dim")
    if b.description:
        page.append("\n\n" + reflow(b.description))
    _relations(page, b.relations, lang)
    if b.modalities:
        page.head(tr("Assessment modalities", lang))
        lines = []
        for m in b.modalities:
            kind = tr(_MODALITIES[m.type], lang) if m.type in _MODALITIES else m.type
            line = Text(kind, style="bold")
            if m.hours is not None:
                line.append(f" ({_hours(m.hours, lang)})", style="not bold")
            if m.description:
                line.append(
                    tr(": {text}", lang).format(text=reflow(m.description)), style="not bold"
                )
            lines.append(line)
        page.items(lines)
    page.head(tr("Competencies ({n})", lang).format(n=len(b.competencies)))
    for c in b.competencies[:SHOWN]:
        _competency(page, fw, c, lang)
        page.append("\n")
    if len(b.competencies) > SHOWN:
        rest = len(b.competencies) - SHOWN
        page.append(
            tr("… and {n} more: open the block in the tree (→)", lang).format(n=rest),
            style="italic",
        )
    return page.render()


def competency_text(
    fw: Framework, b: Block, c: Competency, lang: str, mark: int | None = None
) -> Group:
    page = _Page()
    if mark is not None and 0 <= mark < len(c.criteria):
        # a criterion: itself first (the pane shows its top), then where it belongs
        page.append(
            tr("Criterion {n} of {id}", lang).format(n=mark + 1, id=c.id) + "\n", style="dim"
        )
        page.append(c.criteria[mark].text + "\n\n", style="bold")
    page.append(tr("Block {id} {title}", lang).format(id=b.id, title=b.title) + "\n\n", style="dim")
    _competency(page, fw, c, lang, mark=mark)
    return page.render()


def reading_text(session: Session, ref: Ref) -> RenderableType:
    """The item at ``ref`` as a person reads it."""
    try:
        session.get(ref)
        fw = session.framework(ref.folder)
    except (KeyError, RefkitError) as e:
        return Text(said(e, session.lang) if isinstance(e, RefkitError) else str(e))
    lang = session.lang
    if ref.kind == "framework":
        return framework_text(fw, lang)
    block = fw.block(ref.block or "")
    if block is None:
        return Text("")
    if ref.kind == "block":
        body = block_text(fw, block, lang)
    else:
        comp = block.competency(ref.competency or "")
        if comp is None:
            return Text("")
        body = competency_text(fw, block, comp, lang, ref.criterion)
    loaded = session.frameworks.get(ref.folder)
    if loaded is not None and block.id in loaded.broken_blocks:
        # the one-line title above cuts this at 80 columns: said whole, first
        name = block.source.file.rsplit("/", 1)[-1] if block.source else f"{block.id}.yaml"
        warning = Text(
            tr(
                "✗ The file {name} cannot be read: nothing will be written to it until it is "
                "repaired. The problems (F4) say where.\n",
                lang,
            ).format(name=name),
            style="bold",
        )
        return Group(warning, body)
    return body


class ReadingPane(VerticalScroll, can_focus=False):
    """The item read whole; refilled when the cursor rests on another item."""

    DEFAULT_CSS = """
    ReadingPane { height: 1fr; display: none; }
    ReadingPane Static { width: 1fr; }
    """

    def compose(self) -> Any:
        yield Static("", id="reading-text")

    shown: RenderableType = ""

    def show(self, session: Session, ref: Ref) -> None:
        self.shown = reading_text(session, ref)
        self.query_one("#reading-text", Static).update(self.shown)
        self.scroll_home(animate=False)

    def show_text(self, text: RenderableType) -> None:
        self.shown = text
        self.query_one("#reading-text", Static).update(text)

    def plain(self) -> str:
        """What the pane shows, as plain text at its width (for tests and a screen reader)."""
        from rich.console import Console

        console = Console(width=max(20, self.size.width - 1), record=True, file=io.StringIO())
        console.print(self.shown)
        return console.export_text()

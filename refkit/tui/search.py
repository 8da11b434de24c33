"""Provides the editor's search (/ or Ctrl+F) and find-and-replace (Ctrl+R) screens.

Both are thin over ``refkit.edit.search``: the search screen lists what the index finds as the
person types (Enter goes to the item; n and N then step through the results from the tree); the
replace screen shows every text the replacement would change, word by word, before anything is
written, and hands the plan back to the editor, which applies it as one operation.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.command import Hit as PaletteHit
from textual.command import Hits, Provider
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, OptionList, Static
from textual.widgets.option_list import Option

from refkit.edit.search import Hit, Index, Replacement, pattern, plan_replace
from refkit.i18n import N_, ngettext, tr
from refkit.model import Framework
from refkit.tui.footer import keys_footer
from refkit.tui.keys import focus_now
from refkit.tui.lang import lang_of
from refkit.tui.widgets import DIALOG_CSS

SHOWN = 200  # results listed at most (the count says how many there are)

# the fields a result names after its item (a criterion, a statement and a title are named by
# their item): English message ids, shown in the editor's language
FIELD_NAMES = {"description": N_("block description"), "notes": N_("competency notes")}

SEARCH_CSS = (
    DIALOG_CSS
    + """
SearchScreen, ReplaceScreen { align: center middle; }
SearchScreen OptionList, ReplaceScreen OptionList { height: 1fr; max-height: 100%; }
ReplaceScreen Horizontal.row { height: 1; margin-top: 1; }
ReplaceScreen .options { padding-left: 14; }
ReplaceScreen Checkbox { margin-right: 2; }
ReplaceScreen .label { width: 14; }
ReplaceScreen Input { width: 1fr; }
SearchScreen #query { margin: 1 0 0 0; }
ReplaceScreen .buttons { height: auto; align-horizontal: right; }
ReplaceScreen Button { margin-left: 1; min-width: 12; }
ReplaceScreen #yes { width: 20; }
"""
)


def _head(ident: str, field: str, lang: str) -> str:
    """ "C7.1 › criterion 2", "BC07 › description": what a text belongs to."""
    template = tr("{id}, criterion {n}", lang)  # how the index names a criterion
    between = template.split("{id}", 1)[-1].split("{n}", 1)[0]  # ", criterion "
    head = ident.replace(between, f" › {between.strip(' ,')} ", 1) if between.strip() else ident
    if field not in ("criteria", "text", "statement", "title"):
        name = FIELD_NAMES.get(field)
        head += f" › {tr(name, lang) if name else field}"
    return head


def hit_text(hit: Hit, width: int = 160, lang: str = "en") -> Text:
    """A result: what it is, then its text with the words found marked (a long text from a
    little before the first of them)."""
    text = Text()
    if hit.field not in ("title", "statement"):  # those texts start with their id already
        text.append(
            tr("{what}: ", lang).format(what=_head(hit.ident, hit.field, lang)), style="bold"
        )
    body, spans = hit.text, hit.spans
    start = 0
    if spans and spans[0][0] > width // 2:
        start = body.rfind(" ", 0, max(0, spans[0][0] - 20)) + 1
        text.append("…")
    line = Text(body[start : start + width])
    if start == 0 and hit.field in ("title", "statement"):
        line.stylize("bold", 0, len(hit.ident))
    for s, e in spans:
        if s >= start:
            line.stylize("bold reverse", s - start, e - start)
    text.append_text(line)
    if start + width < len(body):
        text.append("…")
    return text


class SearchScreen(ModalScreen[Hit | None]):
    """Type an id or words; the results follow each key. Enter: the first result (or the one
    chosen with the arrows); Ctrl+R: replace what was typed."""

    DEFAULT_CSS = SEARCH_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Close"), key_display="esc"),
        Binding("down", "results", N_("Results"), key_display="↓", show=False),
        Binding("ctrl+r", "replace", N_("Replace"), key_display="Ctrl+R"),
    ]

    def __init__(self, index: Index, frameworks: dict[str, Framework], query: str = "") -> None:
        super().__init__()
        self.index, self.frameworks, self.initial = index, frameworks, query
        self.hits: list[Hit] = []

    def compose(self) -> ComposeResult:
        lang = lang_of(self)
        with Vertical(classes="view"):
            yield Static(Text(tr("Search", lang), style="bold"))
            yield Input(
                self.initial,
                placeholder=tr("an ID (BC07, C7.1) or words of a statement, a criterion…", lang),
                id="query",
                compact=True,
            )
            yield Static("", id="count", classes="muted")
            yield OptionList(id="results")
            yield Static(
                tr(
                    "Enter: go to the item · ↓: browse · then n / N: next / previous"
                    " · Ctrl+R: replace · Esc: close",
                    lang,
                ),
                classes="muted",
            )
        yield keys_footer()

    def on_mount(self) -> None:
        field = self.query_one("#query", Input)
        focus_now(field)
        field.cursor_position = len(field.value)
        self._show(field.value)

    @on(Input.Changed, "#query")
    def _typed(self, event: Input.Changed) -> None:
        self._show(event.value)

    def _show(self, query: str) -> None:
        found = self.index.search(self.frameworks, query)
        self.hits = found.hits
        listing = self.query_one("#results", OptionList)
        listing.clear_options()
        width = 2 * max(40, self.app.size.width - 14)  # two lines at most
        lang = lang_of(self)
        listing.add_options(
            [Option(hit_text(h, width, lang), id=str(i)) for i, h in enumerate(self.hits[:SHOWN])]
        )
        if self.hits:
            listing.highlighted = 0
        count = self.query_one("#count", Static)
        if not query.strip():
            count.update("")
        elif not found.total:
            count.update(Text(tr("no result", lang)))
        else:
            n = found.total
            more = tr(" (the first {n} shown)", lang).format(n=SHOWN) if n > SHOWN else ""
            count.update(Text(ngettext("{n} result", "{n} results", n, lang).format(n=n) + more))

    @on(Input.Submitted, "#query")
    def _enter(self) -> None:
        listing = self.query_one("#results", OptionList)
        if self.hits:
            self.dismiss(self.hits[listing.highlighted or 0])

    @on(OptionList.OptionSelected, "#results")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.hits[int(event.option.id or 0)])

    def action_results(self) -> None:
        listing = self.query_one("#results", OptionList)
        if self.focused is not listing and self.hits:
            focus_now(listing)
            listing.highlighted = min((listing.highlighted or 0) + 1, len(self.hits) - 1)
        elif self.focused is listing:
            listing.action_cursor_down()

    def action_replace(self) -> None:
        self.dismiss(None)
        query = self.query_one("#query", Input).value
        self.app.call_later(self.app.run_action, f"replace({query!r})")

    def action_close(self) -> None:
        self.dismiss(None)


def replacement_text(
    r: Replacement, find: str, by: str, case: bool, words: bool, lang: str = "en"
) -> Text:
    """One change of the preview: what it is, then the text with each replaced part struck and
    the new text after it."""
    text = Text()
    text.append(tr("{what}: ", lang).format(what=_head(r.ident, r.field, lang)), style="bold")
    at = 0
    for m in pattern(find, case=case, words=words).finditer(r.old):
        text.append(r.old[at : m.start()])
        text.append(m.group(0), style="strike red")
        text.append(by, style="bold green")
        at = m.end()
    text.append(r.old[at:])
    return text


class ReplaceScreen(ModalScreen[tuple[list[Replacement], str] | None]):
    """Find and replace across one framework: every change previewed before anything is
    written; the editor applies the plan as one operation (one Ctrl+Z undoes it all)."""

    DEFAULT_CSS = SEARCH_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Cancel"), key_display="esc"),
    ]

    def __init__(self, folder: str, fw: Framework, title: str, find: str = "") -> None:
        super().__init__()
        self.folder, self.fw, self.title_text, self.find = folder, fw, title, find
        self.plan: list[Replacement] = []

    def compose(self) -> ComposeResult:
        lang = lang_of(self)
        with Vertical(classes="view"):
            where = tr(" in {title}", lang).format(title=self.title_text)
            yield Static(Text.assemble((tr("Replace", lang), "bold"), where))
            with Horizontal(classes="row"):
                yield Static(tr("Search", lang), classes="label")
                find = tr("the text to replace, as it is", lang)
                yield Input(self.find, id="find", placeholder=find, compact=True)
            with Horizontal(classes="row"):
                yield Static(tr("Replace with", lang), classes="label")
                by = tr("the new text (empty: delete)", lang)
                yield Input("", id="by", placeholder=by, compact=True)
            with Horizontal(classes="row options"):
                yield Checkbox(tr("whole words", lang), id="words", compact=True)
                yield Checkbox(tr("match case", lang), id="case", compact=True)
            yield Static("", id="count", classes="muted")
            yield OptionList(id="preview")
            with Horizontal(classes="buttons"):
                yield Button(tr("Cancel", lang), id="no")
                yield Button(tr("Replace", lang), id="yes", variant="warning", disabled=True)
        yield keys_footer()

    def on_mount(self) -> None:
        focus_now(self.query_one("#by" if self.find else "#find", Input))
        self._preview()

    @on(Input.Changed)
    @on(Checkbox.Changed)
    def _changed(self, _event: Any) -> None:
        self._preview()

    @on(Input.Submitted, "#find")
    def _next_field(self) -> None:
        focus_now(self.query_one("#by", Input))

    @on(Input.Submitted, "#by")
    def _submit(self) -> None:
        if self.plan:
            self._confirm()

    def _preview(self) -> None:
        find = self.query_one("#find", Input).value
        by = self.query_one("#by", Input).value
        case = self.query_one("#case", Checkbox).value
        words = self.query_one("#words", Checkbox).value
        lang = lang_of(self)
        self.plan = plan_replace(self.folder, self.fw, find, by, case=case, words=words, lang=lang)
        listing = self.query_one("#preview", OptionList)
        listing.clear_options()
        listing.add_options(
            [Option(replacement_text(r, find, by, case, words, lang)) for r in self.plan[:SHOWN]]
        )
        n = len(self.plan)
        occurrences = sum(r.count for r in self.plan)
        count = self.query_one("#count", Static)
        if not find.strip():
            count.update("")
        elif not n:
            count.update(Text(tr("no text holds what you are looking for", lang)))
        else:
            blocks = len({r.ref.block for r in self.plan if r.ref.block})
            said = ngettext("{n} replacement", "{n} replacements", occurrences, lang)
            texts = ngettext("{n} text", "{n} texts", n, lang).format(n=n)
            said = tr("{replacements} in {texts}", lang).format(
                replacements=said.format(n=occurrences), texts=texts
            )
            if blocks:
                of = ngettext("{n} block", "{n} blocks", blocks, lang).format(n=blocks)
                said += tr(" of {blocks}", lang).format(blocks=of)
            count.update(Text(said + tr("; Ctrl+Z undoes them all at once", lang)))
        button = self.query_one("#yes", Button)
        button.disabled = not n
        button.label = tr("Replace ({n})", lang).format(n=n) if n else tr("Replace", lang)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "yes":
            self._confirm()
        else:
            self.dismiss(None)

    def _confirm(self) -> None:
        find = self.query_one("#find", Input).value
        by = self.query_one("#by", Input).value
        replaced = tr('"{find}" replaced with "{by}"', lang_of(self))
        self.dismiss((self.plan, replaced.format(find=find, by=by)))

    def action_close(self) -> None:
        self.dismiss(None)


class ItemsProvider(Provider):
    """The command palette (Ctrl+P) finds items too: "BC07" or words of a statement give the
    items to go to, and the last line opens the search with what was typed (so the palette never
    answers with an empty list)."""

    async def search(self, query: str) -> Hits:
        app: Any = self.app
        if not query.strip() or not hasattr(app, "search_index"):
            return
        found = app.search_index.search(app.loaded_frameworks(), query, limit=12)
        width = max(40, app.size.width - 20)
        lang = app.lang
        for rank, hit in enumerate(found.hits):
            yield PaletteHit(
                0.9 - rank * 0.01,
                hit_text(hit, width, lang),
                lambda ref=hit.ref: app.go_to(ref),
                text=hit.text,
                help=tr("go to the item", lang),
            )
        more = tr(" ({n} results)", lang).format(n=found.total) if found.total else ""
        yield PaletteHit(
            0.05,
            Text(tr('Search for "{query}" in the texts', lang).format(query=query) + more),
            lambda: app.open_search(query),
            text=query,
            help=tr("/ or Ctrl+F, from the tree", lang),
        )

"""Provides the editor's dialogs and views: confirm, new framework, move, changes, history, commit,
help (the release: ``release_dialog``)."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Input,
    Label,
    ListItem,
    ListView,
    OptionList,
    Select,
    Static,
)
from textual.widgets.option_list import Option

from refkit.diff.describe import Line
from refkit.edit import (
    Changes,
    Ref,
    Session,
    changes_since_release,
    commit,
    errors_of,
    framework_history,
    uncommitted,
)
from refkit.errors import RefkitError
from refkit.i18n import N_, ngettext, tr
from refkit.problems import Problem
from refkit.tui.footer import keys_footer
from refkit.tui.help import help_text
from refkit.tui.keys import focus_now
from refkit.tui.lang import lang_of, said
from refkit.tui.widgets import DIALOG_CSS


class Dialog(ModalScreen[Any]):
    DEFAULT_CSS = DIALOG_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Close"), key_display="esc")
    ]

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(Dialog):
    """A question naming what will happen, with its two answers (the safe one has the focus)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), key_display="esc"),
        Binding("left", "app.focus_previous", N_("Previous"), show=False),
        Binding("right", "app.focus_next", N_("Next"), show=False),
    ]

    def __init__(self, question: str, confirm: str, cancel: str = "") -> None:
        super().__init__()
        self.question, self.confirm, self.cancel = question, confirm, cancel

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.question), classes="message")  # plain: it quotes texts
            with Horizontal(classes="buttons"):
                yield Button(self.cancel or tr("Cancel", lang_of(self)), id="no")
                yield Button(self.confirm, id="yes", variant="error")
        yield keys_footer()

    def on_mount(self) -> None:
        focus_now(self.query_one("#no", Button))

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class NewFrameworkDialog(Dialog):
    """A new framework: its id (the folder and the published addresses), title and language."""

    def compose(self) -> ComposeResult:
        lang = lang_of(self)
        with Vertical():
            yield Static(Text(tr("New framework", lang), style="bold"))
            yield Label(
                tr("ID * (lower-case letters, digits and hyphens: it names the folder)", lang)
            )
            yield Input(id="fid", placeholder=tr("e.g. installateur-thermique", lang))
            yield Label(tr("Title *", lang))
            yield Input(id="title", placeholder=tr("e.g. Installateur thermique", lang))
            yield Label(tr("Language", lang))
            yield Select(
                [(tr("French", lang), "fr"), (tr("English", lang), "en")],
                value=lang,
                allow_blank=False,
                id="lang",
                compact=True,
            )
            yield Static("", classes="error", id="error")
            with Horizontal(classes="buttons"):
                yield Button(tr("Cancel", lang), id="no")
                yield Button(tr("Create", lang), id="yes", variant="primary")
        yield keys_footer()

    def on_mount(self) -> None:
        focus_now(self.query_one("#fid", Input))

    @staticmethod
    def _id_ok(value: str) -> bool:
        from refkit.scaffold import FRAMEWORK_ID

        return bool(FRAMEWORK_ID.match(value))

    def _say_id(self, value: str) -> None:
        ok = not value or self._id_ok(value)
        self.query_one("#error", Static).update(
            ""
            if ok
            else Text(
                tr("✗ lower-case letters, digits and hyphens, no space or accent", lang_of(self))
            )
        )

    @on(Input.Changed, "#fid")
    def _typing(self, event: Input.Changed) -> None:
        self._say_id(event.value)

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        if event.input.id == "fid":
            if self._id_ok(event.value.strip()):
                focus_now(self.query_one("#title", Input))
            # else: the id stays to be corrected, its error shown
        else:
            self._create()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "yes":
            self._create()
        else:
            self.dismiss(None)

    def _create(self) -> None:
        fid = self.query_one("#fid", Input).value.strip()
        title = self.query_one("#title", Input).value.strip()
        if not fid or not title:
            self.query_one("#error", Static).update(
                Text(tr("✗ the ID and the title are required", lang_of(self)))
            )
            return
        if not self._id_ok(fid):
            self._say_id(fid)
            focus_now(self.query_one("#fid", Input))
            return
        self.dismiss((fid, title, str(self.query_one("#lang", Select).value)))


class MoveDialog(Dialog):
    def __init__(self, competency: str, blocks: list[tuple[str, str]]) -> None:
        super().__init__()
        self.competency, self.blocks = competency, blocks

    def compose(self) -> ComposeResult:
        lang = lang_of(self)
        with Vertical():
            move = tr("Move {id} to block:", lang).format(id=self.competency)
            yield Static(Text(move), classes="message")
            yield OptionList(*[Option(label, id=bid) for bid, label in self.blocks], id="blocks")
            yield Static(tr("Enter: move · Esc: cancel", lang), classes="muted")
        yield keys_footer()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class ChangesScreen(ModalScreen[Ref | None]):
    """What changed since the last release, in plain language; Enter goes to the item."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f2", "close", N_("Close"), key_display="esc")
    ]

    def __init__(self, title: str, changes: Changes) -> None:
        super().__init__()
        self.title_text, self.changes = title, changes

    def compose(self) -> ComposeResult:
        lang = lang_of(self)
        with Vertical(classes="view"):
            since = (
                tr("since version {version}", lang).format(version=self.changes.since)
                if self.changes.since
                else tr("never published", lang)
            )
            title = tr("Changes — {title}", lang).format(title=self.title_text)
            yield Static(Text.assemble((title, "bold"), f" ({since})"))
            if self.changes.lines:  # with none, the list says it once
                yield Static(Text(self.changes.summary), classes="muted")
            items = []
            for line in self.changes.lines:
                text = Text.assemble((line.badge, "bold"), " ", line.text)
                for d in line.details:
                    text.append("\n    ")
                    text.append_text(_diff_text(d))
                item = ListItem(Static(text))
                item.ref = line.ref  # type: ignore[attr-defined]
                items.append(item)
            if not items:
                items.append(ListItem(Static(tr("No change.", lang))))
            yield ListView(*items, id="changes")
            yield Static(tr("Enter: go to the item · Esc: close", lang), classes="muted")
        yield keys_footer()

    @on(ListView.Selected)
    def _go(self, event: ListView.Selected) -> None:
        ref = getattr(event.item, "ref", None)
        if ref is not None:
            self.dismiss(ref)

    def action_close(self) -> None:
        self.dismiss(None)


class HistoryScreen(ModalScreen[None]):
    DEFAULT_CSS = DIALOG_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f3", "close", N_("Close"), key_display="esc")
    ]

    def __init__(self, session: Session, folder: str) -> None:
        super().__init__()
        self.session, self.folder = session, folder

    def compose(self) -> ComposeResult:
        lang = lang_of(self)
        with Vertical(classes="view"):
            title = framework_title(self.session, self.folder)
            yield Static(Text(tr("History — {title}", lang).format(title=title), style="bold"))
            items = []
            try:
                log = framework_history(self.session, self.folder)
            except RefkitError as e:
                items.append(ListItem(Static(Text(said(e, lang_of(self), hint=False)))))
            else:
                items.append(ListItem(Static(Text(tr("Published versions", lang), style="bold"))))
                for r in log.releases:
                    msg = f" — {r.message}" if r.message else ""
                    items.append(
                        ListItem(Static(Text(f"  {r.version}  {r.date}{msg}\n      {r.summary}")))
                    )
                if not log.releases:
                    items.append(ListItem(Static(tr("  none", lang))))
                items.append(ListItem(Static(Text(tr("Recorded changes", lang), style="bold"))))
                for c in log.commits:
                    tag = f" [version {c.release}]" if c.release else ""
                    items.append(
                        ListItem(
                            Static(
                                Text(
                                    f"  {c.date[:10]}  "
                                    + tr("{author}: {subject}", lang).format(
                                        author=c.author, subject=c.subject
                                    )
                                    + f"{tag}\n      {c.summary}"
                                )
                            )
                        )
                    )
            yield ListView(*items)
            yield Static(tr("Esc: close", lang), classes="muted")
        yield keys_footer()

    def action_close(self) -> None:
        self.dismiss(None)


class CommitDialog(Dialog):
    """Record the changes in the history with a message; refused while there are errors."""

    def __init__(self, session: Session, problems: list[Problem]) -> None:
        super().__init__()
        self.session, self.problems = session, problems

    def compose(self) -> ComposeResult:
        errors = errors_of(self.problems)
        lang = lang_of(self)
        with Vertical():
            yield Static(Text(tr("Record the changes in the history", lang), style="bold"))
            lines = []
            for folder in self.session.frameworks:
                if not any(p.startswith(folder + "/") for _, p in uncommitted(self.session)):
                    continue
                try:
                    changes = changes_since_release(self.session, folder, "HEAD")
                except RefkitError:
                    continue
                for line in changes.lines:
                    lines.append(f"{line.badge} {line.text}")
                if not changes.lines:
                    lines.append(tr("{folder}: layout", lang).format(folder=folder))
            listing = "\n".join(f"• {x}" for x in lines[:12]) or tr("No change.", lang)
            if len(lines) > 12:
                listing += tr("\n… and {n} more", lang).format(n=len(lines) - 12)
            yield Static(Text(listing), classes="message", id="changed")
            if errors:
                n = len(errors)
                yield Static(
                    ngettext(
                        "✗ {n} error to fix first (problems panel).",
                        "✗ {n} errors to fix first (problems panel).",
                        n,
                        lang,
                    ).format(n=n),
                    classes="error",
                )
            yield Label(tr("Message (what changed, in one sentence)", lang))
            example = tr("e.g. Added competency C7.5 on sludge removal", lang)
            yield Input(id="message", placeholder=example)
            yield Static("", classes="error", id="error")
            with Horizontal(classes="buttons"):
                yield Button(tr("Cancel", lang), id="no")
                yield Button(
                    tr("Record", lang),
                    id="yes",
                    variant="primary",
                    disabled=bool(errors) or not lines,
                )
        yield keys_footer()

    def on_mount(self) -> None:
        focus_now(self.query_one("#message", Input))

    @on(Input.Submitted)
    def _enter(self) -> None:
        self._commit()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "yes":
            self._commit()
        else:
            self.dismiss(False)

    def _commit(self) -> None:
        if self.query_one("#yes", Button).disabled:
            lang = lang_of(self)
            self.query_one("#error", Static).update(
                tr("✗ not possible: fix the errors first", lang)
                if errors_of(self.problems)
                else tr("✗ nothing to record", lang)
            )
            return
        try:
            sha = commit(self.session, self.query_one("#message", Input).value)
        except RefkitError as e:
            self.query_one("#error", Static).update(Text(f"✗ {said(e, lang_of(self), hint=False)}"))
            return
        lang = lang_of(self)
        self.app.notify(tr("Changes recorded ({commit})", lang).format(commit=sha[:8]))
        self.dismiss(tr("changes recorded in the history ({commit})", lang).format(commit=sha[:8]))


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = DIALOG_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,f1,q", "close", N_("Close"), key_display="esc")
    ]

    def __init__(self, area: str) -> None:
        super().__init__()
        self.area = area

    def compose(self) -> ComposeResult:
        lang = lang_of(self)
        with VerticalScroll(classes="view"):
            yield Static(help_text(self.area, lang))
            yield Static(tr("Esc: close", lang), classes="muted")
        yield keys_footer()

    def action_close(self) -> None:
        self.dismiss(None)


def framework_title(session: Session, folder: str) -> str:
    """The framework's title, or its folder when its framework.yaml cannot be read (the problems
    panel says why)."""
    try:
        return session.framework(folder).title or folder
    except RefkitError:
        return folder


def _diff_text(line: Line) -> Text:
    """A change detail as styled text: struck-through removed words, underlined added ones
    (never colour alone); the words themselves are never read as markup."""
    out = Text()
    for piece in line:
        style = {"-": "strike", "+": "underline bold"}.get(piece.op)
        out.append(piece.text, style=style)
    return out

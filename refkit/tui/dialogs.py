"""Provides the editor's dialogs and views: confirm, move, changes, history, commit, release, help."""

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
    Checkbox,
    Input,
    Label,
    ListItem,
    ListView,
    OptionList,
    Select,
    Static,
)
from textual.widgets.option_list import Option

from refkit.diff.bump import ORDER, bumped
from refkit.diff.describe import Line
from refkit.edit import (
    Changes,
    Ref,
    Session,
    change_summary,
    changes_since_release,
    commit,
    errors_of,
    framework_history,
    proposed_correspondence,
    release,
    release_plan,
    uncommitted,
)
from refkit.errors import RefkitError
from refkit.i18n import N_, ngettext, tr
from refkit.problems import Problem
from refkit.tui.footer import keys_footer
from refkit.tui.help import help_text
from refkit.tui.keys import focus_now
from refkit.tui.lang import lang_of, said
from refkit.tui.release import (
    _needs_confirmation,
    _release_refusal,
    _reorganised,
    correspondence_text,
)
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


class ReleaseDialog(Dialog):
    """Propose the next version from what changed, say which changes decide it, let the group
    choose another (a lower one with its reason), show the correspondence table when holders of
    the last version lose something and have it confirmed; release it with a message."""

    DEFAULT_CSS = (
        DIALOG_CSS
        + """
    ReleaseDialog > Vertical { max-height: 95%; overflow-y: auto; }
    ReleaseDialog .row { height: auto; }
    ReleaseDialog .row Label { padding-top: 0; }
    ReleaseDialog #bump { width: 40; }
    ReleaseDialog #reason-row { display: none; height: auto; }
    ReleaseDialog #reason-row.-shown { display: block; }
    ReleaseDialog #table { height: auto; max-height: 10; }
    ReleaseDialog #correspondence { display: none; height: auto; }
    ReleaseDialog #correspondence.-shown { display: block; }
    """
    )

    def __init__(self, session: Session, folder: str) -> None:
        super().__init__()
        self.session, self.folder = session, folder
        self.plan: Any = None
        self.table: Any = None
        self.required: str | None = None
        self._filling = False

    def compose(self) -> ComposeResult:
        lang = self.session.lang
        with Vertical():
            title = framework_title(self.session, self.folder)
            yield Static(
                Text(tr("Publish a version — {title}", lang).format(title=title), style="bold")
            )
            try:
                self.plan = release_plan(self.session, self.folder)
            except RefkitError as e:
                yield Static(Text(_release_refusal(e, lang)), classes="error")
                with Horizontal(classes="buttons"):
                    yield Button(tr("Close", lang), id="no")
                return
            plan = self.plan
            self.required = plan.required
            yield Static("", classes="message", id="proposal")
            if plan.last is not None:
                last = plan.last.version
                options = [
                    (
                        tr("{bump}: {version}", lang).format(
                            bump=tr(b, lang), version=bumped(last, b)
                        ),
                        b,
                    )
                    for b in ("major", "minor", "patch")
                ]
                with Horizontal(classes="row"):
                    yield Label(tr("Version: ", lang))
                    yield Select(
                        options, value=plan.bump, allow_blank=False, id="bump", compact=True
                    )
                with Vertical(id="reason-row"):
                    yield Label(
                        tr(
                            "Why the group chooses a lower version than proposed (recorded with "
                            "the version)",
                            lang,
                        )
                    )
                    yield Input(
                        id="reason",
                        placeholder=tr(
                            "e.g.: a move decided in committee, with no effect for holders", lang
                        ),
                    )
            with Vertical(id="correspondence"):
                yield Label(
                    Text(
                        tr(
                            "Correspondence table: what holders of version {version} keep", lang
                        ).format(version=plan.last.version if plan.last else ""),
                        style="bold",
                    )
                )
                yield Static("", id="table")
                yield Checkbox(
                    tr(
                        "the group has checked this table (written in framework.yaml with the "
                        "version)",
                        lang,
                    ),
                    id="confirm",
                    compact=True,
                )
                yield Button(tr("Change the table…", lang), id="edit-table")
            yield Label(tr("Version message (what the schools need to know)", lang))
            yield Input(id="message", placeholder=f"Version {plan.version}")
            yield Static("", classes="error", id="error")
            with Horizontal(classes="buttons"):
                yield Button(tr("Cancel", lang), id="no")
                publish = tr("Publish {version}", lang).format(version=plan.version)
                yield Button(publish, id="yes", variant="primary")
        yield keys_footer()

    def on_mount(self) -> None:
        if self.plan is not None:
            self._show()
        inputs = self.query("#message")
        if inputs:
            focus_now(inputs.first())
        else:
            focus_now(self.query_one("#no", Button))

    def _show(self) -> None:
        """The proposal, the causes that decide it, the table: as the plan says now."""
        plan = self.plan
        lang = self.session.lang
        last = plan.last.version if plan.last else tr("none yet", lang)
        summary = change_summary(plan.diff, lang) if plan.diff is not None else plan.summary
        pending = [p for _, p in uncommitted(self.session) if p.startswith(self.folder + "/")]
        text = Text.assemble(
            tr("Last version: {version}\nProposed version: ", lang).format(version=last)
        )
        if self.required is None:
            text.append(plan.version, style="bold")
            text.append(tr(" (first published version)", lang))
        else:
            proposed = bumped(last, self.required)
            text.append(proposed, style="bold")
            text.append(tr(" ({bump}) because: ", lang).format(bump=tr(self.required, lang)))
            deciding = [c for c in plan.causes if c.level == self.required]
            shown = tr("; ", lang).join(c.text(lang) for c in deciding[:4])
            more = (
                tr("; and {n} more", lang).format(n=len(deciding) - 4) if len(deciding) > 4 else ""
            )
            text.append(shown + more)
        text.append(f"\n{summary}")
        if pending:
            n = len(pending)
            text.append(
                ngettext(
                    "\nThe changes not yet recorded ({n} file) are recorded with the version.",
                    "\nThe changes not yet recorded ({n} files) are recorded with the version.",
                    n,
                    lang,
                ).format(n=n)
            )
        self.query_one("#proposal", Static).update(text)
        self.table = proposed_correspondence(plan) if _reorganised(plan) else None
        box = self.query_one("#correspondence")
        show = self.table is not None
        box.set_class(show, "-shown")
        if show:
            self.query_one("#table", Static).update(correspondence_text(self.table, lang_of(self)))
            confirm = self.query_one("#confirm", Checkbox)
            confirm.display = _needs_confirmation(self.table)
        self.query_one("#yes", Button).label = tr("Publish {version}", lang).format(
            version=plan.version
        )

    @on(Select.Changed, "#bump")
    def _bump(self, event: Select.Changed) -> None:
        if self.plan is None or event.value == self.plan.bump:
            return
        bump = str(event.value)
        lower = self.required is not None and ORDER[bump] < ORDER[self.required]
        self.query_one("#reason-row").set_class(lower, "-shown")
        self._replan(bump, tr("(to be given)", lang_of(self)) if lower else None)

    def _replan(self, bump: str | None, reason: str | None) -> bool:
        try:
            self.plan = release_plan(self.session, self.folder, bump, reason)
        except RefkitError as e:
            self.query_one("#error", Static).update(Text(_release_refusal(e, lang_of(self))))
            return False
        self.query_one("#error", Static).update("")
        self._show()
        return True

    @on(Input.Submitted, "#message")
    def _enter(self) -> None:
        self._release()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "yes":
            self._release()
        elif event.button.id == "edit-table":
            self._edit_table()
        else:
            self.dismiss(False)

    def _edit_table(self) -> None:
        """The proposed table written as the group's own, then opened for editing."""
        from refkit.edit.records import records_of
        from refkit.tui.records import RecordsScreen

        if self.table is None or self.plan.last is None:
            return
        try:
            if (
                _needs_confirmation(self.table)
                or self.session.framework(self.folder).correspondence is None
            ):
                self.session.confirm_correspondence(
                    self.folder, self.plan.last.version, self.table.entries
                )
        except RefkitError as e:
            self.query_one("#error", Static).update(Text(f"✗ {said(e, lang_of(self), hint=False)}"))
            return

        def done(_changed: bool | None) -> None:
            self._replan(self.plan.bump, self.plan.reason)

        spec = records_of("framework", "correspondence.entries")
        self.app.push_screen(RecordsScreen(self.session, Ref(self.folder), spec), done)

    def _release(self) -> None:
        if self.plan is None:
            return
        error = self.query_one("#error", Static)
        reason = None
        if self.plan.lowered:
            reason = self.query_one("#reason", Input).value.strip()
            if not reason:
                error.update(
                    Text(
                        tr(
                            "✗ Say why the group chooses a lower version than proposed.",
                            lang_of(self),
                        )
                    )
                )
                focus_now(self.query_one("#reason", Input))
                return
        if self.table is not None and _needs_confirmation(self.table):
            if not self.query_one("#confirm", Checkbox).value:
                error.update(
                    Text(
                        tr(
                            "✗ Holders of the previous version lose part of their blocks: tick "
                            "that the group has checked the table, or change it.",
                            lang_of(self),
                        )
                    )
                )
                return
            try:
                self.session.confirm_correspondence(
                    self.folder, self.plan.last.version, self.table.entries
                )
            except RefkitError as e:
                error.update(Text(f"✗ {said(e, lang_of(self), hint=False)}"))
                return
        # planned again: what is released is what the files hold now (the table, the reason)
        if not self._replan(self.plan.bump, reason):
            return
        try:
            result = release(
                self.session, self.plan, self.query_one("#message", Input).value.strip()
            )
        except RefkitError as e:
            error.update(Text(f"✗ {said(e, lang_of(self), hint=False)}"))
            return
        lang = lang_of(self)
        said_ = tr("Version {version} published ({tag})", lang)
        self.app.notify(said_.format(version=result.version, tag=result.tag))
        done = tr("version {version} published (tag {tag})", lang)
        self.dismiss(done.format(version=result.version, tag=result.tag))


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

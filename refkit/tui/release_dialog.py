"""Provides ``ReleaseDialog`` (F6): the next version proposed from what changed, the changes that
decide it, another version chosen (a lower one with its reason), the correspondence table shown
and confirmed when holders of the last version lose something; the release made."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Label,
    Select,
    Static,
)

from refkit.diff.bump import ORDER, bumped
from refkit.edit import (
    Ref,
    Session,
    change_summary,
    proposed_correspondence,
    release,
    release_plan,
    uncommitted,
)
from refkit.errors import RefkitError
from refkit.i18n import ngettext, plural, tr
from refkit.tui.dialogs import Dialog, framework_title
from refkit.tui.footer import keys_footer
from refkit.tui.keys import focus_now
from refkit.tui.lang import lang_of, said
from refkit.tui.release import (
    _needs_confirmation,
    _release_refusal,
    _reorganised,
    correspondence_text,
)
from refkit.tui.widgets import DIALOG_CSS


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
            left = len(deciding) - 4
            more = plural("; and {n} more", "; and {n} more", left, lang) if left > 0 else ""
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

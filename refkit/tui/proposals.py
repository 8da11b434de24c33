"""Provides ``ProposalsScreen`` (F8): the proposals of the clone and main, the one checked out
marked; the one highlighted read on the right (its record, what the approval rule still asks,
its comments). Enter goes there (switch), n starts one, a approves it for a member of the working
group, c comments on the item selected in the tree, u brings main's new commits into it, m merges
it into main.

Uncommitted changes are never carried away nor lost: switching with changes not recorded offers
to record them first (the editor's F5 dialog), else refuses with ``refkit.review``'s reason. Every
operation is ``refkit.edit.working``'s; the files are read again after those that change them.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import ListItem, ListView, Static

from refkit.edit import uncommitted, working
from refkit.edit.refs import name as item_name
from refkit.errors import RefkitError
from refkit.history.sync import MergeWaiting
from refkit.i18n import N_, plural, tr
from refkit.review import ProposalRef, Status
from refkit.review.record import OPEN
from refkit.review.render import show_lines, status_lines, status_word
from refkit.tui.dialogs import CommitDialog, ConfirmDialog
from refkit.tui.footer import keys_footer
from refkit.tui.keys import focus_now
from refkit.tui.lang import lang_of, said
from refkit.tui.proposal_dialogs import (
    ApproveDialog,
    CommentDialog,
    MergeDialog,
    NewProposalDialog,
    indented,
)
from refkit.tui.widgets import DIALOG_CSS

CSS = """
ProposalsScreen { align: center middle; }
ProposalsScreen > .view { max-width: 140; }
#proposal-body { height: 1fr; }
#proposal-list { width: 40%; height: 1fr; max-height: 100%; }
#proposal-detail { width: 1fr; height: 1fr; padding: 0 1; border-left: solid $primary 50%; }
#proposal-message { height: auto; max-height: 6; }
#proposal-message.-refused { color: $error; }
"""


class ProposalsScreen(ModalScreen[None]):
    DEFAULT_CSS = DIALOG_CSS + CSS
    holds_disk_watch = True  # its operations read the files again themselves
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", N_("New"), key_display="n"),
        Binding("a", "approve", N_("Approve"), key_display="a"),
        Binding("c", "comment", N_("Comment"), key_display="c"),
        Binding("u", "update", N_("Update"), key_display="u"),
        Binding("m", "merge", N_("Merge"), key_display="m"),
        Binding("escape,f8", "close", N_("Close"), key_display="esc"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[ProposalRef] = []
        self.status: Status | None = None  # of the proposal highlighted, once read
        self.detail = ""  # what is shown of it

    @property
    def session(self) -> Any:
        return self.app.session  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        lang = lang_of(self)
        with Vertical(classes="view"):
            yield Static(Text(tr("Proposals", lang), style="bold"), id="proposal-where")
            with Horizontal(id="proposal-body"):
                yield ListView(id="proposal-list")
                with VerticalScroll(id="proposal-detail"):
                    yield Static("", id="proposal-text")
            yield Static("", id="proposal-message")
            yield Static(
                tr("Enter: go there (switch) · ● the one you are in", lang), classes="muted"
            )
        yield keys_footer()

    def on_mount(self) -> None:
        self.fill()

    # -- the list and the one highlighted ---------------------------------------------------------

    def fill(self, keep: str | None = None) -> None:
        """The list read again; ``keep``: the name to highlight (else the one checked out)."""
        lang = lang_of(self)
        try:
            self.refs = working.proposals(self.session)
            where = working.where(self.session)
        except RefkitError as e:
            self.say(said(e, lang), refused=True)
            return
        here = where.proposal or (working.MAIN if where.branch == working.MAIN else None)
        self.query_one("#proposal-where", Static).update(
            Text.assemble(
                (tr("Proposals", lang), "bold"),
                " — " + tr("you are on: {where}", lang).format(where=_where(where, lang)),
            )
        )
        listing = self.query_one("#proposal-list", ListView)
        listing.clear()
        rows = [(working.MAIN, tr("main branch", lang), tr("adopted", lang))]
        for r in self.refs:
            extra = "" if r.local else " " + tr("(on the shared repository only)", lang)
            title = r.record.title if r.record else str(r.problem or "?")
            rows.append((r.slug, f"{r.slug} — {title}{extra}", status_word(r.status, lang)))
        wanted = keep or here or working.MAIN
        for n, (slug, text, state) in enumerate(rows):
            mark = "● " if slug == here else "  "
            item = ListItem(Static(Text.assemble(mark, (text, "bold" if slug == here else ""), f"  ({state})")), name=slug)  # fmt: skip
            listing.append(item)
            if slug == wanted:
                listing.index = n
        focus_now(listing)
        self.show_highlighted()

    def highlighted(self) -> ProposalRef | None:
        """The proposal highlighted (None: main)."""
        listing = self.query_one("#proposal-list", ListView)
        item = listing.highlighted_child
        return next((r for r in self.refs if item is not None and r.slug == item.name), None)

    @on(ListView.Highlighted)
    def show_highlighted(self) -> None:
        self.status = None
        ref = self.highlighted()
        lang = lang_of(self)
        text = self.query_one("#proposal-text", Static)
        if ref is None:
            text.update(Text(tr("The main branch: what the working group adopted. A proposal starts from it (n) and comes back into it once approved (m).", lang)))  # fmt: skip
        elif ref.record is None:
            text.update(Text(str(ref.problem or "?")))
        else:
            text.update(Text(tr("Reading {name}…", lang).format(name=ref.slug)))
            self.read_signoff(ref.slug)
        self.refresh_bindings()

    @work(thread=True, exclusive=True)
    def read_signoff(self, slug: str) -> None:
        lang = lang_of(self)
        try:
            ref, st, stale = working.signoff(self.session, slug)
        except RefkitError as e:
            self.app.call_from_thread(self._show_detail, slug, None, [said(e, lang)])
            return
        lines = show_lines(ref, st, stale, lang)  # its sign-off says what the rule still asks
        self.app.call_from_thread(self._show_detail, slug, st, lines)

    def _show_detail(self, slug: str, st: Status | None, lines: list[str]) -> None:
        current = self.highlighted()
        if current is None or current.slug != slug:
            return  # the highlight moved on meanwhile
        self.status = st
        self.detail = "\n".join(lines)
        self.query_one("#proposal-text", Static).update(indented(lines))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("approve", "comment", "update", "merge"):
            ref = self.highlighted()
            if ref is None or ref.record is None:
                return False
            if ref.record.status != OPEN:
                return None
            if action == "update":
                return True if ref.current else None
        return True

    def say(self, text: str, *, refused: bool = False) -> None:
        message = self.query_one("#proposal-message", Static)
        message.update(Text(("✗ " if refused else "") + text))
        message.set_class(refused, "-refused")

    def _changed(self, status: str, keep: str | None = None) -> None:
        """The files changed (switch, update, merge): the editor reads them again."""
        self.app.files_changed(status)  # type: ignore[attr-defined]
        self.say(status)
        self.fill(keep)

    # -- switch ------------------------------------------------------------------------------------

    @on(ListView.Selected)
    def _selected(self, event: ListView.Selected) -> None:
        self.go(event.item.name or working.MAIN)

    def go(self, name: str) -> None:
        """Switch to ``name`` (a proposal, or main); changes not recorded: record them first."""
        lang = lang_of(self)
        where = working.where(self.session)
        if name in (where.proposal, where.branch):
            self.say(tr("You are already there.", lang))
            return
        dirty = [path for _, path in uncommitted(self.session)]
        if dirty:
            self._record_first(name, dirty)
            return
        try:
            working.switch(self.session, name)
        except RefkitError as e:
            self.say(said(e, lang), refused=True)
            return
        there = tr("main branch", lang) if name == working.MAIN else tr("proposal {name}", lang).format(name=name)  # fmt: skip
        self._changed(tr("you are on: {where}", lang).format(where=there), name)

    def _record_first(self, name: str, dirty: list[str]) -> None:
        lang = lang_of(self)
        shown = "\n".join(dirty[:6]) + ("\n…" if len(dirty) > 6 else "")

        def recorded(done: str | bool | None) -> None:
            if done:
                self.app.refresh_markers()  # type: ignore[attr-defined]
                self.go(name)
            else:
                self.say(tr("Not switched: your changes are not recorded yet (nothing was lost).", lang), refused=True)  # fmt: skip

        def answer(record: bool | None) -> None:
            if record:
                problems = self.app.problems  # type: ignore[attr-defined]
                self.app.push_screen(CommitDialog(self.session, problems), recorded)
            else:
                recorded(None)

        self.app.push_screen(
            ConfirmDialog(
                tr(
                    "Changes not recorded:\n{files}\n\nSwitching would take them to another line of work, so it is not done. Record them first (F5), then switch?",
                    lang,
                ).format(files=shown),
                tr("Record them first", lang),
                cancel=tr("Stay here", lang),
            ),
            answer,
        )

    # -- start, approve, comment, update, merge ----------------------------------------------------

    def action_new(self) -> None:
        lang = lang_of(self)

        def started(ref: ProposalRef | None) -> None:
            if ref is not None:
                self._changed(tr("proposal {name} started: you are on it", lang).format(name=ref.slug), ref.slug)  # fmt: skip

        def start(slug: str, title: str, why: str) -> ProposalRef:
            return working.start(self.session, slug, title, why)

        self.app.push_screen(NewProposalDialog(start), started)

    def action_approve(self) -> None:
        ref, lang = self.highlighted(), lang_of(self)
        if ref is None:
            return
        if self.status is None:
            self.say(tr("Reading {name}…", lang).format(name=ref.slug))
            return
        members = self.status.members()
        if not members:
            self.say(tr("{name} changes no framework with a working group yet: nobody can approve it.", lang).format(name=ref.slug), refused=True)  # fmt: skip
            return

        def approved(st: Status | None) -> None:
            if st is not None:
                verdict = tr("the approval rule holds", lang) if st.holds else tr("approval recorded; the rule does not hold yet", lang)  # fmt: skip
                self.say(verdict)
                self.fill(ref.slug)

        def approve(organisation: str) -> Status:
            return working.approve(self.session, ref.slug, organisation)

        self.app.push_screen(ApproveDialog(ref.slug, members, approve), approved)

    def action_comment(self) -> None:
        ref, lang = self.highlighted(), lang_of(self)
        selected = self.app.selected  # type: ignore[attr-defined]
        if ref is None:
            return
        if selected is None:
            self.say(tr("Select an item in the tree first: the comment is about it.", lang), refused=True)  # fmt: skip
            return
        about = item_name(selected, lang) + f" ({working.item_of(selected)})"

        def posted(done: Any) -> None:
            if done is not None:
                self.say(tr("comment {id} recorded on {item}", lang).format(id=done.id, item=str(done.item)))  # fmt: skip
                self.fill(ref.slug)

        def post(text: str) -> Any:
            return working.comment_on(self.session, ref.slug, selected, text)

        self.app.push_screen(CommentDialog(about, post), posted)

    def action_update(self) -> None:
        ref, lang = self.highlighted(), lang_of(self)
        if ref is None:
            return
        try:
            n = working.update(self.session, ref.slug)
        except MergeWaiting as e:
            self.app.files_changed(said(e, lang, hint=False))  # type: ignore[attr-defined]
            self.dismiss(None)
            self.app.call_later(self.app.action_conflicts)  # type: ignore[attr-defined]
            return
        except RefkitError as e:
            self.say(said(e, lang), refused=True)
            return
        if n:
            self._changed(plural("{n} commit of main brought into {name}", "{n} commits of main brought into {name}", n, lang, name=ref.slug), ref.slug)  # fmt: skip
        else:
            self.say(tr("{name} already has everything main has", lang).format(name=ref.slug))

    def action_merge(self) -> None:
        ref, lang = self.highlighted(), lang_of(self)
        if ref is None or self.status is None:
            return

        def merged(result: Any) -> None:
            if result is not None:
                self._changed(tr("proposal {name} merged into main ({commit}); you are on main: F7 sends it to the group", lang).format(name=ref.slug, commit=result.commit[:8]), working.MAIN)  # fmt: skip

        def merge(reason: str | None) -> Any:
            return working.merge(self.session, ref.slug, reason)

        shown = status_lines(self.status, lang)
        self.app.push_screen(MergeDialog(ref.slug, shown, self.status.holds, merge), merged)

    def action_close(self) -> None:
        self.dismiss(None)


def _where(where: Any, lang: str) -> str:
    from refkit.tui.working import where_text

    return where_text(where, lang) or tr("main branch", lang)

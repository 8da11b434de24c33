"""Provides the dialogs of the proposals screen: start a proposal, approve it for a member of the
working group, comment on an item, merge it into main. Each one runs its operation itself (a
callable given by the screen, over ``refkit.edit.working``) so that a refusal is shown in the
dialog, in the editor's language with its hint, and what was typed stays to be corrected."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.console import Group
from rich.padding import Padding
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from refkit.errors import RefkitError
from refkit.i18n import N_, tr
from refkit.review.approval import COLLEGE_NAMES as COLLEGES
from refkit.tui.dialogs import Dialog
from refkit.tui.footer import keys_footer
from refkit.tui.keys import focus_now
from refkit.tui.lang import lang_of, said


def indented(lines: list[str]) -> Group:
    """Lines shown with their indent kept on the lines they wrap to (a sign-off's approvals, a
    comment's text), rather than wrapped back to the margin."""
    parts = []
    for line in lines:
        text = line.lstrip(" ")
        parts.append(Padding(Text(text), (0, 0, 0, len(line) - len(text))))
    return Group(*parts)


class Attempt(Dialog):
    """A dialog whose operation may be refused: the refusal shown in it (``#error``). ← and →
    go from one button to the other (in a field, they move in the text)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), key_display="esc"),
        Binding("left", "app.focus_previous", N_("Previous"), show=False),
        Binding("right", "app.focus_next", N_("Next"), show=False),
    ]

    def attempt(self, operation: Callable[[], Any]) -> None:
        try:
            done = operation()
        except RefkitError as e:
            self.query_one("#error", Static).update(Text("✗ " + said(e, lang_of(self))))
            return
        self.dismiss(done if done is not None else True)

    def buttons(self, confirm: str, variant: str = "primary") -> ComposeResult:
        yield Static("", classes="error", id="error")
        with Horizontal(classes="buttons"):
            yield Button(tr("Cancel", lang_of(self)), id="no")
            yield Button(confirm, id="yes", variant=variant)  # type: ignore[arg-type]

    @on(Button.Pressed, "#no")
    def _cancel(self) -> None:
        self.dismiss(None)


class NewProposalDialog(Attempt):
    """A name (its branch: proposal/NAME), a title, why."""

    def __init__(self, start: Callable[[str, str, str], Any]) -> None:
        super().__init__()
        self.start = start

    def compose(self) -> ComposeResult:
        lang = lang_of(self)
        with Vertical():
            yield Static(Text(tr("New proposal", lang), style="bold"))
            yield Static(
                tr(
                    "A proposal is a revision on its own line of work: main is not touched "
                    "until the working group approves it and it is merged.",
                    lang,
                ),
                classes="muted",
            )
            yield Label(tr("Name * (lower-case letters, digits and hyphens)", lang))
            yield Input(id="slug", placeholder=tr("e.g. pac-2027", lang))
            yield Label(tr("Title * (what it changes, in one line)", lang))
            yield Input(id="title", placeholder=tr("e.g. Heat pumps", lang))
            yield Label(tr("Why the working group should adopt it", lang))
            yield Input(id="rationale")
            yield from self.buttons(tr("Start", lang))
        yield keys_footer()

    def on_mount(self) -> None:
        focus_now(self.query_one("#slug", Input))

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        following = {"slug": "#title", "title": "#rationale"}.get(event.input.id or "")
        if following is not None:
            focus_now(self.query_one(following, Input))
        else:
            self._start()

    @on(Button.Pressed, "#yes")
    def _start(self) -> None:
        values = [self.query_one(f"#{k}", Input).value for k in ("slug", "title", "rationale")]
        self.attempt(lambda: self.start(*values))


class ApproveDialog(Attempt):
    """The working group's members, with their college: the one chosen approves."""

    def __init__(self, title: str, members: list[Any], approve: Callable[[str], Any]) -> None:
        super().__init__()
        self.title_text, self.members, self.approve = title, members, approve

    def compose(self) -> ComposeResult:
        lang = lang_of(self)
        with Vertical():
            yield Static(Text(tr("Approve {title}", lang).format(title=self.title_text), style="bold"))  # fmt: skip
            yield Static(
                tr(
                    "For which member of the working group? The approval names you (your git "
                    "identity) and the state of the proposal approved.",
                    lang,
                ),
                classes="muted",
            )
            options = [
                Option(
                    f"{m.organisation} ({tr(COLLEGES.get(m.college or '', m.college or '-'), lang)})",
                    id=str(n),
                )
                for n, m in enumerate(self.members)
            ]
            yield OptionList(*options, id="members")
            yield Static("", classes="error", id="error")
        yield keys_footer()

    def on_mount(self) -> None:
        members = self.query_one("#members", OptionList)
        members.highlighted = 0
        focus_now(members)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        member = self.members[int(event.option.id or 0)]
        self.attempt(lambda: self.approve(member.organisation))


class CommentDialog(Attempt):
    """A comment on the item selected in the tree."""

    def __init__(self, about: str, post: Callable[[str], Any]) -> None:
        super().__init__()
        self.about, self.post = about, post

    def compose(self) -> ComposeResult:
        lang = lang_of(self)
        with Vertical():
            yield Static(Text(tr("Comment on {item}", lang).format(item=self.about), style="bold"))
            yield Input(id="text", placeholder=tr("e.g. Too vague: which measurement?", lang))
            yield from self.buttons(tr("Comment", lang))
        yield keys_footer()

    def on_mount(self) -> None:
        focus_now(self.query_one("#text", Input))

    @on(Input.Submitted)
    @on(Button.Pressed, "#yes")
    def _post(self) -> None:
        text = self.query_one("#text", Input).value
        self.attempt(lambda: self.post(text))


class MergeDialog(Attempt):
    """Merge into main: what the rule says; without its approvals, only with a reason (kept in
    the proposal's record)."""

    def __init__(self, title: str, lines: list[str], holds: bool, merge: Callable[[str | None], Any]) -> None:  # fmt: skip
        super().__init__()
        self.title_text, self.lines, self.holds, self.merge = title, lines, holds, merge

    def compose(self) -> ComposeResult:
        lang = lang_of(self)
        with Vertical():
            yield Static(Text(tr("Merge {title} into main", lang).format(title=self.title_text), style="bold"))  # fmt: skip
            yield Static(indented(self.lines), classes="message")
            if not self.holds:
                yield Label(
                    tr(
                        "The approval rule does not hold. Only if the working group decided "
                        "so: the reason to merge without (recorded with the merge)",
                        lang,
                    )
                )
                yield Input(id="reason")
            label = tr("Merge", lang) if self.holds else tr("Merge without the approvals", lang)
            yield from self.buttons(label, "primary" if self.holds else "error")
        yield keys_footer()

    def on_mount(self) -> None:
        focus_now(self.query_one("#no" if self.holds else "#reason"))

    @on(Input.Submitted)
    @on(Button.Pressed, "#yes")
    def _merge(self) -> None:
        found = self.query("#reason")
        reason = found.first(Input).value if found else None
        self.attempt(lambda: self.merge(reason or None))

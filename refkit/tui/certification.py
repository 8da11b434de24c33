"""Provides the certification rules screen: where each block stands, in one place.

A framework's certification rules say which blocks are required and which are chosen from
elective groups ("1 parmi BC05, BC06"). In the framework's form they are a comma-separated field
some fifteen fields down and a list of groups; here every block of the framework (its own and
the shared ones it borrows) has one line and one choice: obligatoire, au choix in a group, or
outside the rules. The volumes add up below, and the problems the rules raise are listed; a
problem about them (a block in no rule, a group that cannot be satisfied) opens this screen on
the block it is about.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Select, Static

from refkit.edit import Ref, Session
from refkit.edit.records import records_of
from refkit.errors import RefkitError
from refkit.i18n import N_, quantity, tr
from refkit.problems import Problem
from refkit.tui.dialogs import framework_title
from refkit.tui.footer import keys_footer
from refkit.tui.keys import focus_now
from refkit.tui.labels import distinct
from refkit.tui.widgets import DIALOG_CSS

# the rules whose fix lives in the certification rules, wherever the problem points
CERTIFICATION_RULES = frozenset(
    {
        "block-not-certified",
        "block-required-and-elective",
        "block-in-several-electives",
        "elective-unsatisfiable",
        "no-certification-rules",
        "volume-total",
    }
)
OUTSIDE = "-"


def _hours(value: float | None, lang: str) -> str:
    return "" if value is None else quantity(float(value), "h", lang)


class CertificationScreen(ModalScreen[bool]):
    DEFAULT_CSS = (
        DIALOG_CSS
        + """
    CertificationScreen { align: center middle; }
    CertificationScreen #places { height: 1fr; }
    CertificationScreen .place { height: 1; }
    CertificationScreen .place > Static { width: 1fr; margin-right: 1; }
    CertificationScreen .place > Select { width: 24; }
    CertificationScreen #groups, CertificationScreen #volume { height: auto; margin-top: 1; }
    CertificationScreen #cert-problems { height: auto; max-height: 8; color: $warning; }
    """
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Close"), key_display="esc"),
        Binding("g", "groups", N_("Elective groups"), key_display="g"),
        Binding("up", "app.focus_previous", show=False),
        Binding("down", "app.focus_next", show=False),
    ]

    def __init__(self, session: Session, folder: str, block: str | None = None) -> None:
        super().__init__()
        self.session, self.folder, self.block = session, folder, block
        self.changed = False
        self._filling = False

    def _blocks(self) -> list[tuple[str, str, float | None]]:
        fw = self.session.framework(self.folder)
        out = [(b.id, b.title, b.volume.hours) for b in fw.blocks]
        for s in fw.shared_blocks:
            shared = tr("shared block of {framework}", self.session.lang)
            out.append((s.block, shared.format(framework=s.framework), None))
        return out

    def _options(self) -> list[tuple[str, str]]:
        fw = self.session.framework(self.folder)
        lang = self.session.lang
        options = [(tr("required", lang), "required")]
        for g in fw.certification.electives:  # the group's title: listed below
            options.append((tr("elective: {group}", lang).format(group=g.id), g.id))
        options.append((tr("outside the certification", lang), OUTSIDE))
        return options

    def _place(self, block_id: str) -> str:
        rules = self.session.framework(self.folder).certification
        if block_id in rules.required:
            return "required"
        group = next((g.id for g in rules.electives if block_id in g.blocks), None)
        return group or OUTSIDE

    def compose(self) -> ComposeResult:
        lang = self.session.lang
        with Vertical(classes="view"):
            yield Static(
                Text.assemble(
                    (tr("Certification rules", lang), "bold"),
                    f" — {framework_title(self.session, self.folder)}",
                )
            )
            yield Static(
                tr(
                    "For each block: required, elective in a group, or outside the "
                    "certification. g: the elective groups (how many blocks to choose).",
                    lang,
                ),
                classes="muted",
            )
            with VerticalScroll(id="places"):
                options = self._options()
                blocks = self._blocks()
                labels = [f"{b} {t}" for b, t, _ in blocks]
                # the room left of the list of choices (the dialog's width, its border and
                # padding, the list and its margin, a scroll bar): the hours are always shown
                room = max(24, min(self.app.size.width * 9 // 10, 100) - 4 - 25 - 2)
                for block_id, title, hours in blocks:
                    with Horizontal(classes="place"):
                        volume = f" ({_hours(hours, lang)})" if hours is not None else ""
                        fit = room - len(volume)
                        shown = distinct(f"{block_id} {title}", labels, fit)
                        if len(shown) > fit:
                            shown = shown[: fit - 1].rstrip(" ,;:") + "…"
                        label = Text.assemble((f"{block_id} ", "bold"), shown.partition(" ")[2])
                        label.append(volume, style="dim")
                        label.no_wrap = True
                        yield Static(label)
                        select: Select[str] = Select(
                            options,
                            value=self._place(block_id),
                            allow_blank=False,
                            compact=True,
                            id=f"place-{block_id}",
                        )
                        select._shown_options = options  # type: ignore[attr-defined]
                        yield select
            yield Static("", id="groups")
            yield Static("", id="volume")
            yield Static("", id="cert-problems")
        yield keys_footer()

    def on_mount(self) -> None:
        self.refresh_from_session()
        target = f"#place-{self.block}" if self.block else None
        selects = list(self.query(Select))
        chosen = next((s for s in selects if target and f"#{s.id}" == target), None)
        if chosen is None and selects:
            chosen = selects[0]
        if chosen is not None:
            focus_now(chosen)
            chosen.scroll_visible(animate=False)

    def refresh_from_session(self) -> None:
        """Show the rules as the files hold them now (after a change, an undo, a reload)."""
        try:
            fw = self.session.framework(self.folder)
        except RefkitError:
            return
        self._filling = True
        try:
            options = self._options()
            for block_id, _, _ in self._blocks():
                try:
                    select = self.query_one(f"#place-{block_id}", Select)
                except Exception:
                    continue
                if getattr(select, "_shown_options", None) != options:
                    select.set_options(options)  # (a group added or renamed)
                    select._shown_options = options  # type: ignore[attr-defined]
                place = self._place(block_id)
                if select.value != place:
                    select.value = place
        finally:
            self.call_after_refresh(self._done_filling)
        hours = {b.id: b.volume.hours for b in fw.blocks}
        rules = fw.certification
        lang = self.session.lang
        groups = Text()
        for g in rules.electives:
            title = tr(' "{title}"', lang).format(title=g.title) if g.title else ""
            blocks = ", ".join(g.blocks) or tr("no block", lang)
            groups.append(
                tr("{group}: {n} to choose from {blocks}", lang).format(
                    group=g.id + title, n=g.choose, blocks=blocks
                )
                + "\n"
            )
        if not rules.electives:
            groups.append(tr("No elective group (g to create one).", lang))
        self.query_one("#groups", Static).update(groups)
        required = sum(hours.get(b) or 0 for b in rules.required)
        chosen = 0.0
        for g in rules.electives:
            sizes = sorted(hours.get(b) or 0 for b in g.blocks)
            chosen += sum(sizes[: g.choose])  # the least a learner may take
        line = tr("Volume: required {hours}", lang).format(hours=_hours(required, lang))
        if rules.electives:
            line += tr(" + electives at least {hours} = {total}", lang).format(
                hours=_hours(chosen, lang), total=_hours(required + chosen, lang)
            )
        if rules.volume.hours is not None:
            line += tr(" · total declared {hours}", lang).format(
                hours=_hours(rules.volume.hours, lang)
            )
        self.query_one("#volume", Static).update(Text(line, style="dim"))
        problems = [
            p
            for p in getattr(self.app, "problems", [])
            if p.rule in CERTIFICATION_RULES and p.file.startswith(self.folder + "/")
        ]
        self.query_one("#cert-problems", Static).update(
            Text("\n".join(f"⚠ {p.text(lang)}" for p in problems))
        )

    def _done_filling(self) -> None:
        self._filling = False

    @on(Select.Changed)
    def _chosen(self, event: Select.Changed) -> None:
        if self._filling or event.select.id is None:
            return
        if event.value != event.select.value:
            return  # a change made while filling, already replaced: not the person's choice
        block_id = event.select.id.removeprefix("place-")
        value = str(event.value)
        if value == self._place(block_id):
            return
        place = None if value == OUTSIDE else value
        run = getattr(self.app, "run_operation", None)
        if run is not None and run(
            lambda: self.session.set_block_place(self.folder, block_id, place)
        ):
            self.changed = True

    def action_groups(self) -> None:
        from refkit.tui.records import RecordsScreen

        def done(changed: bool | None) -> None:
            if changed:
                self.changed = True
            self.refresh_from_session()

        spec = records_of("framework", "certification.electives")
        self.app.push_screen(RecordsScreen(self.session, Ref(self.folder), spec), done)

    def action_close(self) -> None:
        self.dismiss(self.changed)


def block_of(problem: Problem, known: set[str]) -> str | None:
    """The block a certification problem is about, if it names one."""
    name = problem.file.rsplit("/", 1)[-1]
    if problem.file.split("/")[-2:-1] == ["blocks"] and name.endswith(".yaml"):
        return name[: -len(".yaml")]
    for word in problem.message.replace(",", " ").split():
        if word in known:
            return word
    return None

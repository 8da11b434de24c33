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
from refkit.edit.records import CORRESPONDENCES
from refkit.errors import RefkitError
from refkit.problems import Problem
from refkit.tui.footer import keys_footer
from refkit.tui.keys import focus_now
from refkit.tui.lang import said

DIALOG_CSS = """
Dialog, ChangesScreen, HistoryScreen, HelpScreen { align: center middle; }
Dialog > Vertical, .view { width: 90%; max-width: 100; height: auto; max-height: 90%;
  border: round $primary; background: $surface; padding: 0 1; }
.view { height: 90%; }
Dialog .buttons { height: auto; align-horizontal: right; margin-top: 1; }
Dialog Button { margin-left: 1; min-width: 12; }
Dialog .message { height: auto; margin: 1 0; }
Dialog .error { color: $error; height: auto; }
Dialog OptionList { height: auto; max-height: 12; }
Dialog ListView, .view ListView { height: auto; max-height: 14; }
.view ListView { height: 1fr; max-height: 100%; }
.muted { color: $text-muted; }
"""


class Dialog(ModalScreen[Any]):
    DEFAULT_CSS = DIALOG_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Fermer", key_display="Échap")
    ]

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(Dialog):
    """A question naming what will happen, with its two answers (the safe one has the focus)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Annuler", key_display="Échap"),
        Binding("left", "app.focus_previous", "Précédent", show=False),
        Binding("right", "app.focus_next", "Suivant", show=False),
    ]

    def __init__(self, question: str, confirm: str, cancel: str = "Annuler") -> None:
        super().__init__()
        self.question, self.confirm, self.cancel = question, confirm, cancel

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.question), classes="message")  # plain: it quotes texts
            with Horizontal(classes="buttons"):
                yield Button(self.cancel, id="no")
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
        with Vertical():
            yield Static(Text("Nouveau référentiel", style="bold"))
            yield Label("Identifiant * (minuscules, chiffres et tirets : il nomme le dossier)")
            yield Input(id="fid", placeholder="ex. installateur-thermique")
            yield Label("Titre *")
            yield Input(id="title", placeholder="ex. Installateur thermique")
            yield Label("Langue")
            yield Select(
                [("français", "fr"), ("anglais", "en")],
                value="fr",
                allow_blank=False,
                id="lang",
                compact=True,
            )
            yield Static("", classes="error", id="error")
            with Horizontal(classes="buttons"):
                yield Button("Annuler", id="no")
                yield Button("Créer", id="yes", variant="primary")
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
            "" if ok else Text("✗ minuscules, chiffres et tirets, sans espace ni accent")
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
                Text("✗ l'identifiant et le titre sont obligatoires")
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
        with Vertical():
            yield Static(Text(f"Déplacer {self.competency} vers le bloc :"), classes="message")
            yield OptionList(*[Option(label, id=bid) for bid, label in self.blocks], id="blocks")
            yield Static("Entrée : déplacer · Échap : annuler", classes="muted")
        yield keys_footer()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class ChangesScreen(ModalScreen[Ref | None]):
    """What changed since the last release, in plain language; Enter goes to the item."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f2", "close", "Fermer", key_display="Échap")
    ]

    def __init__(self, title: str, changes: Changes) -> None:
        super().__init__()
        self.title_text, self.changes = title, changes

    def compose(self) -> ComposeResult:
        with Vertical(classes="view"):
            since = (
                f"depuis la version {self.changes.since}" if self.changes.since else "jamais publié"
            )
            yield Static(Text.assemble((f"Changements — {self.title_text}", "bold"), f" ({since})"))
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
                items.append(ListItem(Static("Aucun changement.")))
            yield ListView(*items, id="changes")
            yield Static("Entrée : aller à l'élément · Échap : fermer", classes="muted")
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
        Binding("escape,f3", "close", "Fermer", key_display="Échap")
    ]

    def __init__(self, session: Session, folder: str) -> None:
        super().__init__()
        self.session, self.folder = session, folder

    def compose(self) -> ComposeResult:
        with Vertical(classes="view"):
            title = framework_title(self.session, self.folder)
            yield Static(Text(f"Historique — {title}", style="bold"))
            items = []
            try:
                log = framework_history(self.session, self.folder)
            except RefkitError as e:
                items.append(ListItem(Static(Text(said(e, hint=False)))))
            else:
                items.append(ListItem(Static("[b]Versions publiées[/b]")))
                for r in log.releases:
                    msg = f" — {r.message}" if r.message else ""
                    items.append(
                        ListItem(Static(Text(f"  {r.version}  {r.date}{msg}\n      {r.summary}")))
                    )
                if not log.releases:
                    items.append(ListItem(Static("  aucune")))
                items.append(ListItem(Static("[b]Enregistrements[/b]")))
                for c in log.commits:
                    tag = f" [version {c.release}]" if c.release else ""
                    items.append(
                        ListItem(
                            Static(
                                Text(
                                    f"  {c.date[:10]}  {c.author} : {c.subject}{tag}\n"
                                    f"      {c.summary}"
                                )
                            )
                        )
                    )
            yield ListView(*items)
            yield Static("Échap : fermer", classes="muted")
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
        with Vertical():
            yield Static("[b]Enregistrer les changements dans l'historique[/b]")
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
                    lines.append(f"{folder} : mise en forme")
            listing = "\n".join(f"• {x}" for x in lines[:12]) or "Aucun changement."
            if len(lines) > 12:
                listing += f"\n… et {len(lines) - 12} autres"
            yield Static(Text(listing), classes="message", id="changed")
            if errors:
                yield Static(
                    f"✗ {len(errors)} erreur{'s' if len(errors) > 1 else ''} à corriger d'abord "
                    "(panneau des problèmes).",
                    classes="error",
                )
            yield Label("Message (ce qui a changé, en une phrase)")
            yield Input(
                id="message", placeholder="ex. Ajout de la compétence C7.5 sur le désembouage"
            )
            yield Static("", classes="error", id="error")
            with Horizontal(classes="buttons"):
                yield Button("Annuler", id="no")
                yield Button(
                    "Enregistrer", id="yes", variant="primary", disabled=bool(errors) or not lines
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
            self.query_one("#error", Static).update(
                "✗ impossible : corrigez d'abord les erreurs"
                if errors_of(self.problems)
                else "✗ rien à enregistrer"
            )
            return
        try:
            sha = commit(self.session, self.query_one("#message", Input).value)
        except RefkitError as e:
            self.query_one("#error", Static).update(Text(f"✗ {said(e, hint=False)}"))
            return
        self.app.notify(f"Changements enregistrés ({sha[:8]})")
        self.dismiss(f"changements enregistrés dans l'historique ({sha[:8]})")


_BUMPS = {"major": "majeure", "minor": "mineure", "patch": "corrective"}
_CORRESPONDENCE_WORDS = dict(CORRESPONDENCES)
_ORIGIN = {
    "proposed": "proposée",
    "confirmed": "confirmée par le groupe",
    "overridden": "écrite par le groupe",
}


def correspondence_text(table: Any) -> Text:
    """The correspondence table as the dialog shows it: each old block and what it counts for."""
    text = Text()
    same = [
        e.old for e in table.entries if e.type == "equivalent" and e.old == (e.new or [None])[0]
    ]
    for e in table.entries:
        if e.old in same:
            continue
        kind = _CORRESPONDENCE_WORDS.get(e.type, e.type)
        if e.old is None:
            text.append(f"(nouveau) → {', '.join(e.new)}", style="dim")
        else:
            text.append(f"{e.old} → {', '.join(e.new) or '—'} ", style="bold")
            text.append(kind)
            if e.missing:
                text.append(f" ; à acquérir : {', '.join(e.missing)}")
        text.append(f"  ({_ORIGIN.get(e.origin, e.origin)})\n", style="dim")
    if same:
        text.append(f"{', '.join(s for s in same if s)} : équivalents, inchangés", style="dim")
    text.rstrip()
    return text


_REORGANISED = ("moved", "removed", "renumbered")


def _reorganised(plan: Any) -> bool:
    """Whether competencies or blocks were moved, removed or renumbered since the last release
    (what was added only makes a block partly kept: no question to ask)."""
    return any(c.kind in ("competency", "block") and c.what in _REORGANISED for c in plan.causes)


def _needs_confirmation(table: Any) -> bool:
    """Whether the table has entries the group has neither confirmed nor written."""
    return any(e.type != "equivalent" and e.origin == "proposed" for e in table.entries)


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
        with Vertical():
            title = framework_title(self.session, self.folder)
            yield Static(Text(f"Publier une version — {title}", style="bold"))
            try:
                self.plan = release_plan(self.session, self.folder)
            except RefkitError as e:
                yield Static(Text(_release_refusal(e)), classes="error")
                with Horizontal(classes="buttons"):
                    yield Button("Fermer", id="no")
                return
            plan = self.plan
            self.required = plan.required
            yield Static("", classes="message", id="proposal")
            if plan.last is not None:
                last = plan.last.version
                options = [
                    (f"{_BUMPS[b]} : {bumped(last, b)}", b) for b in ("major", "minor", "patch")
                ]
                with Horizontal(classes="row"):
                    yield Label("Version : ")
                    yield Select(
                        options, value=plan.bump, allow_blank=False, id="bump", compact=True
                    )
                with Vertical(id="reason-row"):
                    yield Label(
                        "Pourquoi le groupe choisit une version plus basse que proposée "
                        "(enregistré avec la version)"
                    )
                    yield Input(
                        id="reason",
                        placeholder="ex. : déplacement décidé en commission, sans effet pour les titulaires",
                    )
            with Vertical(id="correspondence"):
                yield Label(
                    Text(
                        "Tableau de correspondance : ce que les titulaires de la version "
                        f"{plan.last.version if plan.last else ''} conservent",
                        style="bold",
                    )
                )
                yield Static("", id="table")
                yield Checkbox(
                    "le groupe a vérifié ce tableau (écrit dans framework.yaml avec la version)",
                    id="confirm",
                    compact=True,
                )
                yield Button("Modifier le tableau…", id="edit-table")
            yield Label("Message de version (ce que les écoles doivent savoir)")
            yield Input(id="message", placeholder=f"Version {plan.version}")
            yield Static("", classes="error", id="error")
            with Horizontal(classes="buttons"):
                yield Button("Annuler", id="no")
                yield Button(f"Publier {plan.version}", id="yes", variant="primary")
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
        last = plan.last.version if plan.last else "aucune"
        lang = self.session.framework(self.folder).lang  # (readable: there is a plan)
        summary = change_summary(plan.diff, lang) if plan.diff is not None else plan.summary
        pending = [p for _, p in uncommitted(self.session) if p.startswith(self.folder + "/")]
        text = Text.assemble(f"Dernière version : {last}\nVersion proposée : ")
        if self.required is None:
            text.append(plan.version, style="bold")
            text.append(" (première version publiée)")
        else:
            proposed = bumped(last, self.required)
            text.append(proposed, style="bold")
            text.append(f" ({_BUMPS[self.required]}) parce que : ")
            deciding = [c for c in plan.causes if c.level == self.required]
            shown = " ; ".join(c.text("fr") for c in deciding[:4])
            more = f" ; et {len(deciding) - 4} autre(s)" if len(deciding) > 4 else ""
            text.append(shown + more)
        text.append(f"\n{summary}")
        if pending:
            text.append(
                f"\nLes changements pas encore enregistrés ({len(pending)} fichier"
                f"{'s' if len(pending) > 1 else ''}) sont enregistrés avec la version."
            )
        self.query_one("#proposal", Static).update(text)
        self.table = proposed_correspondence(plan) if _reorganised(plan) else None
        box = self.query_one("#correspondence")
        show = self.table is not None
        box.set_class(show, "-shown")
        if show:
            self.query_one("#table", Static).update(correspondence_text(self.table))
            confirm = self.query_one("#confirm", Checkbox)
            confirm.display = _needs_confirmation(self.table)
        self.query_one("#yes", Button).label = f"Publier {plan.version}"

    @on(Select.Changed, "#bump")
    def _bump(self, event: Select.Changed) -> None:
        if self.plan is None or event.value == self.plan.bump:
            return
        bump = str(event.value)
        lower = self.required is not None and ORDER[bump] < ORDER[self.required]
        self.query_one("#reason-row").set_class(lower, "-shown")
        self._replan(bump, "(à préciser)" if lower else None)

    def _replan(self, bump: str | None, reason: str | None) -> bool:
        try:
            self.plan = release_plan(self.session, self.folder, bump, reason)
        except RefkitError as e:
            self.query_one("#error", Static).update(Text(_release_refusal(e)))
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
            self.query_one("#error", Static).update(Text(f"✗ {said(e, hint=False)}"))
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
                    Text("✗ Dites pourquoi le groupe choisit une version plus basse que proposée.")
                )
                focus_now(self.query_one("#reason", Input))
                return
        if self.table is not None and _needs_confirmation(self.table):
            if not self.query_one("#confirm", Checkbox).value:
                error.update(
                    Text(
                        "✗ Des titulaires de la version précédente perdent une partie de leurs "
                        "blocs : cochez que le groupe a vérifié le tableau, ou modifiez-le."
                    )
                )
                return
            try:
                self.session.confirm_correspondence(
                    self.folder, self.plan.last.version, self.table.entries
                )
            except RefkitError as e:
                error.update(Text(f"✗ {said(e, hint=False)}"))
                return
        # planned again: what is released is what the files hold now (the table, the reason)
        if not self._replan(self.plan.bump, reason):
            return
        try:
            result = release(
                self.session, self.plan, self.query_one("#message", Input).value.strip()
            )
        except RefkitError as e:
            error.update(Text(f"✗ {said(e, hint=False)}"))
            return
        self.app.notify(f"Version {result.version} publiée ({result.tag})")
        self.dismiss(f"version {result.version} publiée (étiquette {result.tag})")


def _release_refusal(e: RefkitError) -> str:
    """Why a release cannot be made, in the words of the editor (refkit release speaks English)."""
    problems = getattr(e, "problems", None)
    if problems:
        n = len(problems)
        return (
            f"✗ {n} erreur{'s' if n > 1 else ''} à corriger avant de publier une version.\n"
            "F4 : le panneau des problèmes ; Entrée sur un problème mène à l'élément."
        )
    message = e.message
    if message.startswith("nothing to release"):
        since = message.rsplit(" ", 1)[-1]
        return f"✗ Rien à publier : aucun changement depuis la version {since}."
    if message.startswith("uncommitted changes outside"):
        return (
            "✗ Des changements non enregistrés touchent d'autres référentiels.\n"
            "Enregistrez-les d'abord (F5) : une version n'enregistre que son propre référentiel."
        )
    if message.startswith("HEAD is detached"):
        return "✗ Le dépôt n'est sur aucune branche : une version se publie depuis une branche."
    return f"✗ {said(e)}"


HELP = {
    "tree": """[b]L'arbre des référentiels[/b]
↑ ↓ : se déplacer · → ou Entrée : ouvrir · ← : fermer · Tab : aller au formulaire
a : ajouter (un bloc sous le référentiel, une compétence sous un bloc, un critère sous une compétence)
d : dupliquer · x ou Suppr : supprimer (après confirmation) · m : déplacer une compétence vers un autre bloc
\\[ et ] : monter ou descendre l'élément
/ : rechercher (un identifiant ou des mots) · n / N : résultat suivant / précédent
c : règles de certification (blocs obligatoires, au choix)
Ctrl+Z : annuler · Ctrl+Y : rétablir

Repères : ✗ erreur · ⚠ avertissement · + ajouté · ~ modifié · → déplacé ou renuméroté
(depuis la dernière version publiée).""",
    "form": """[b]Le formulaire[/b]
Chaque champ est vérifié pendant la saisie ; le message s'affiche dessous.
Entrée, Tab ou un clic ailleurs : enregistre la valeur dans le fichier.
Échap : annule la saisie (la valeur enregistrée revient) et revient à l'arbre.
Un énoncé ou un critère long s'affiche sur plusieurs lignes ; il reste une seule ligne (Entrée
enregistre). Début et Fin (Ctrl+A, Ctrl+E) : début et fin du texte.
Une valeur non valable n'est pas enregistrée : elle reste dans le champ, la raison dessous ;
Échap ou Ctrl+Z l'abandonne.
Des lignes copiées d'un tableur, collées dans un bloc : elles deviennent des compétences
(un aperçu d'abord, une colonne par champ).
Les listes courtes (activités d'une compétence, prérequis) se saisissent séparées par des virgules.
Une ligne de liste (activités du référentiel, groupe de travail, modalités...) : Entrée l'ouvre.
Ctrl+Z : annuler le dernier changement.""",
    "records": """[b]Une liste[/b]
↑ ↓ : choisir un élément ; son formulaire est dessous (Tab), vérifié pendant la saisie.
a : ajouter · x ou Suppr : supprimer · \\[ et ] : monter ou descendre
Ctrl+Z : annuler · Échap : revenir au formulaire de l'élément.""",
    "problems": """[b]Les problèmes[/b]
Les mêmes vérifications que refkit validate, relancées après chaque changement.
F4 (ou Maj+Tab depuis l'arbre) : y aller · ↑ ↓ : choisir · Entrée : aller à l'élément et au champ concernés.""",
}
COMMON = """

[b]Partout[/b]
F2 : changements depuis la dernière version · F3 : historique
F5 : enregistrer les changements (avec un message) · F6 : publier une version
F4 : aller aux problèmes · Ctrl+F : rechercher · Ctrl+R : rechercher et remplacer
Ctrl+P : toutes les commandes · ? ou F1 : cette aide
Ctrl+Q : quitter (rien n'est perdu : chaque changement est enregistré dans les fichiers dès qu'il est fait)."""


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = DIALOG_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,f1,q", "close", "Fermer", key_display="Échap")
    ]

    def __init__(self, area: str) -> None:
        super().__init__()
        self.area = area

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="view"):
            yield Static(HELP.get(self.area, HELP["tree"]) + COMMON)
            yield Static("Échap : fermer", classes="muted")
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

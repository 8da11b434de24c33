"""End to end in a real terminal: tmux runs `refkit edit` on a copy of the samples, keys are sent
as a person would type them, the screen is read with capture-pane, and the file is checked."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import git

PLUMBER = "frameworks/plombier-chauffagiste"
# the field with the focus shows a cell on a light background; labels are drawn in grey
CURSOR = "48;5;254m"
LABEL = re.compile(r"\x1b\[38;5;247m([^\x1b]+)")


class Terminal:
    def __init__(
        self,
        name: str,
        cwd: Path,
        width: int = 80,
        height: int = 24,
        env: str = "",
        args: str = "",
        before: str = "",
    ) -> None:
        self.name = name
        refkit = Path(sys.executable).parent / "refkit"
        subprocess.run(
            ["tmux", "new-session", "-d", "-s", name, "-x", str(width), "-y", str(height),
             "-e", "LANG=C.UTF-8",
             "-c", str(cwd),
             # the pane is sized just after it starts, and the shell may export the size it had
             # then (COLUMNS, LINES), which Textual would take: wait for the size, drop those
             f'until [ "$(stty size)" = "{height} {width}" ]; do sleep 0.05; done; '
             f"unset COLUMNS LINES; {env} TERM=xterm-256color {refkit}{before} edit{args}; sleep 30"],
            check=True,
        )  # fmt: skip

    def keys(self, *keys: str) -> None:
        for key in keys:
            subprocess.run(["tmux", "send-keys", "-t", self.name, key], check=True)
            # an Escape followed at once by a key is read as Alt+key, as in any terminal
            time.sleep(0.3 if key == "Escape" else 0.08)

    def type(self, text: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, "-l", text], check=True)
        time.sleep(0.2)

    def screen(self, *, escapes: bool = False) -> str:
        return subprocess.run(
            ["tmux", "capture-pane", "-p", *(["-e"] if escapes else []), "-t", self.name],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.replace("\u00a0", " ")  # a no-break space looks like a space

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared; the screen shows:\n{self.screen()}")

    def focused_label(self) -> str | None:
        """The label of the field whose line shows the editor's cursor (a cell drawn on a light
        background), read upwards to the nearest label (drawn in the labels' grey); None while
        the cursor is blinked off, or when a list (Select) or no field has the focus."""
        lines = self.screen(escapes=True).splitlines()
        for n in range(len(lines) - 1, -1, -1):
            if CURSOR in lines[n]:
                for above in reversed(lines[:n]):
                    labels = LABEL.findall(above)  # the form is right of the tree: the last
                    if labels:
                        return str(labels[-1]).replace("\u00a0", " ").strip()
                return None
        return None

    def wait_in_field(self, label: str, timeout: float = 20.0) -> None:
        """Wait until the field under the label ``label`` has the focus. The footer's keys change
        as soon as any field has the focus, which is not enough to know which one."""
        end = time.monotonic() + timeout
        seen: set[str] = set()
        while time.monotonic() < end:  # the cursor blinks: looked at every 0.1 s
            focused = self.focused_label()
            if focused == label:
                return
            if focused:
                seen.add(focused)
            time.sleep(0.1)
        raise AssertionError(
            f"{label!r} never had the focus (seen with it: {sorted(seen) or 'no field'}); the "
            f"screen shows:\n{self.screen()}"
        )

    def tab_to(self, label: str, tabs: int = 6) -> None:
        """Tab to the field under ``label``: one Tab at a time, each waited for until the focus
        leaves the field it was in (a Tab that a form being rebuilt let fall, seen on a loaded CI
        machine, is sent again), until the focus is in that field."""
        for _ in range(tabs):
            before = self.focused_label()
            self.keys("Tab")
            end = time.monotonic() + 3.0
            while time.monotonic() < end:
                now = self.focused_label()
                if now == label:
                    return
                if now is not None and now != before:
                    break  # another field: Tab again
                time.sleep(0.1)
        self.wait_in_field(label, timeout=5.0)

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], check=False, capture_output=True)


@pytest.fixture
def terminal(sample_repo: Path):
    if shutil.which("tmux") is None:
        pytest.fail("tmux is missing: apt-get install -y tmux (.ci/run does it)")
    term = Terminal(f"refkit-{os.getpid()}-{sample_repo.parent.name}", sample_repo)
    yield term
    term.close()


def test_add_a_competency_in_a_real_terminal(terminal: Terminal, sample_repo: Path) -> None:
    terminal.wait_for("Problèmes : aucun")
    # the first framework is open; go down to the second one, open it, go to BC07
    terminal.keys(*["Down"] * 5)
    terminal.wait_for(" Plombier-chauffagiste     ")  # the breadcrumb line, not the tree
    terminal.keys("Enter")
    terminal.keys(*["Down"] * 7)
    terminal.wait_for("Plombier-chauffagiste › BC07")
    terminal.keys("a")
    terminal.wait_for("› BC07 › C7.5")
    # Tab goes to the form: the id, then the statement
    terminal.tab_to("Identifiant *")
    terminal.tab_to("Énoncé *")
    terminal.keys("End", *["BSpace"] * 30)
    terminal.type("Désembouer un circuit de chauffage avant la pose")
    terminal.keys("Enter")
    terminal.wait_for("enregistré (BC07.yaml)")
    terminal.keys("Escape")
    terminal.wait_for("+ C7.5 Désembouer un cir")
    # its first criterion still has the text the editor gave it: a warning says so, F4 goes to
    # it, Enter to the field, and writing the real text clears it
    terminal.wait_for("le critère 1 de C7.5 porte encore « Nouveau critère »")
    terminal.keys("F4", "Enter")
    terminal.wait_for("› C7.5 › critère 1")
    terminal.keys("C-a", "C-k")
    terminal.type("Le circuit est rincé et le filtre posé")
    terminal.keys("Enter")
    terminal.wait_for("Problèmes : aucun")
    terminal.keys("C-q")
    time.sleep(1.0)
    text = (sample_repo / PLUMBER / "blocks/BC07.yaml").read_text(encoding="utf-8")
    assert "  - id: C7.5\n    statement: Désembouer un circuit de chauffage avant la pose\n" in text
    assert "- Le circuit est rincé et le filtre posé\n" in text
    assert git(sample_repo, "status", "--porcelain") == f" M {PLUMBER}/blocks/BC07.yaml\n"


def test_no_color_sends_no_colour_and_keeps_the_cursor_visible(sample_repo: Path) -> None:
    """NO_COLOR=1 (https://no-color.org): not one colour code reaches the terminal (Textual's
    own monochrome mode sent 256-colour greys); the tree's cursor stays visible in reverse."""
    if shutil.which("tmux") is None:
        pytest.fail("tmux is missing: apt-get install -y tmux (.ci/run does it)")
    term = Terminal(f"refkit-nc-{os.getpid()}", sample_repo, 100, 30, env="NO_COLOR=1")
    try:
        term.wait_for("Problèmes : aucun")
        term.keys("Down")
        term.wait_for("Électricien du bâtiment › BC01")
        shown = term.screen(escapes=True)
        colours = re.findall(r"\x1b\[[0-9;]*(?:38|48);[25];[0-9;]*m|\x1b\[[0-9;]*[34][0-7]m", shown)
        assert colours == []
        cursor = next(line for line in shown.splitlines() if "BC01 Préparer" in line)
        assert re.search(r"\x1b\[(?:\d+;)*7(?:;\d+)*mBC01 Préparer", cursor), cursor
    finally:
        term.close()


def test_search_read_replace_and_paste_rows_in_a_real_terminal(
    terminal: Terminal, sample_repo: Path
) -> None:
    """Issue 15 in a real terminal: '/' with a typographic apostrophe finds the block and Enter
    goes to it, the reading pane shows it whole; Ctrl+R replaces a word in a framework after its
    preview (one line per text); three spreadsheet rows pasted on a block (bracketed paste, as a
    terminal sends a paste) are previewed, then added with fresh ids and no tab saved."""
    terminal.wait_for("Problèmes : aucun")
    # find and replace in the framework under the cursor: a preview, then one line per text
    terminal.keys(*["Down"] * 5)
    terminal.wait_for(" Plombier-chauffagiste     ")
    terminal.keys("C-r")
    terminal.wait_for("Remplacer par")
    terminal.type("CHAUDIÈRE")
    terminal.keys("Enter")
    terminal.type("générateur")
    terminal.wait_for("3 remplacements dans 3 textes de 1 bloc")
    terminal.keys("Enter")
    terminal.wait_for("remplacé par « générateur »")
    diff = git(sample_repo, "diff", "-U0", "--", f"{PLUMBER}/blocks/BC04.yaml")
    removed = [x for x in diff.splitlines() if x.startswith("-") and not x.startswith("---")]
    added = [x for x in diff.splitlines() if x.startswith("+") and not x.startswith("+++")]
    assert len(removed) == len(added) == 3
    assert added == [x.replace("-", "+", 1).replace("chaudière", "générateur") for x in removed]
    # a search with a typographic apostrophe; Enter goes to the block, read whole
    terminal.keys("/")
    terminal.wait_for("Rechercher")
    terminal.type("réseaux d’évac")
    terminal.wait_for("1 résultat")
    terminal.keys("Enter")
    shown = terminal.wait_for("Plombier-chauffagiste › BC03")
    assert "Bloc de compétences BC03" in shown and "Compétences (3)" in shown
    terminal.keys("C-r")  # replacing, straight from a search result: offered with its words
    assert "Rechercher    réseaux d’évac" in terminal.wait_for("Remplacer dans")
    terminal.keys("Escape")
    terminal.wait_for("Bloc de compétences BC03")
    terminal.keys("Escape")
    # three rows copied from a spreadsheet, pasted on BC07 in the tree
    terminal.keys("/")
    terminal.wait_for("Rechercher")
    terminal.keys("End", "C-u")  # the last search is offered again: cleared
    terminal.type("BC07")
    terminal.wait_for("résultat")
    terminal.keys("Enter")
    terminal.wait_for("Plombier-chauffagiste › BC07")
    terminal.keys("Escape")
    rows = (
        "Poser les capteurs de la régulation\tskill\tA4\tLes sondes sont posées\n"
        "Paramétrer la loi d'eau\tskill\tA4\tLa courbe est réglée\n"
        "Expliquer le fonctionnement au client\tattitude\tA5\tLe client sait régler\n"
    )
    subprocess.run(["tmux", "set-buffer", "-b", "rows", rows], check=True)
    subprocess.run(["tmux", "paste-buffer", "-p", "-b", "rows", "-t", terminal.name], check=True)
    terminal.wait_for("Ajouter 3 compétences")
    terminal.keys("Enter")
    terminal.wait_for("› BC07 › C7.5")
    # the same rows pasted into a statement: offered as competencies, nothing typed in the field
    terminal.tab_to("Identifiant *")  # the form takes the reading pane's place
    terminal.tab_to("Énoncé *")
    subprocess.run(["tmux", "paste-buffer", "-p", "-b", "rows", "-t", terminal.name], check=True)
    terminal.wait_for("Ajouter 3 compétences")
    terminal.keys("Escape")
    terminal.wait_for("Entrée Valider")
    terminal.keys("Escape")
    terminal.keys("C-q")
    time.sleep(1.0)
    text = (sample_repo / PLUMBER / "blocks/BC07.yaml").read_text(encoding="utf-8")
    assert "  - id: C7.7\n    statement: Expliquer le fonctionnement au client\n" in text
    assert "  - id: C7.8\n" not in text  # the second paste was not taken
    assert "\t" not in text and "statement: Poser les capteurs de la régulation\n" in text


def _bc07(terminal: Terminal) -> None:
    """From the editor just opened: the plumber's framework, then its block BC07."""
    terminal.wait_for("Problèmes : aucun")
    terminal.keys(*["Down"] * 5)
    terminal.wait_for(" Plombier-chauffagiste     ")
    terminal.keys("Enter", *["Down"] * 7)
    shown = terminal.wait_for("Plombier-chauffagiste › BC07")
    # BC04 and BC07 begin alike: their labels show where they differ, even at 80 columns
    assert "BC04 …installation de chauffag" in shown and "BC07 …pompe à chaleur air/eau" in shown


def test_escape_conflict_markers_and_reload_in_a_real_terminal(
    terminal: Terminal, sample_repo: Path
) -> None:
    """Escape gives up what was typed; a block file with conflict markers written by another
    program: the title typed on it is refused with the reason, never shown as saved; once the
    conflict is resolved outside, the reload offers the typing again and saves it, and Ctrl+Z
    still undoes the edit made before, in a file no one else changed."""
    bc07 = sample_repo / PLUMBER / "blocks/BC07.yaml"
    bc02 = sample_repo / PLUMBER / "blocks/BC02.yaml"
    bc02_before = bc02.read_text(encoding="utf-8")
    _bc07(terminal)
    # an edit in BC02 first (C2.1's statement), kept in the undo history through the reload
    terminal.keys(*["Up"] * 5, "Right", "Down")
    terminal.wait_for("› BC02 › C2.1")
    terminal.tab_to("Identifiant *")
    terminal.tab_to("Énoncé *")
    terminal.keys("End")
    terminal.type(" à la flamme")
    terminal.keys("Enter")
    terminal.wait_for("enregistré (BC02.yaml)")
    # Escape gives up what was typed since: the file keeps the saved statement
    terminal.type(" XYZ")
    terminal.wait_for("flamme XYZ")
    terminal.keys("Escape")
    terminal.wait_for("saisie annulée")
    assert "sertissage à la flamme\n" in bc02.read_text(encoding="utf-8")
    assert "XYZ" not in bc02.read_text(encoding="utf-8")
    # another program leaves conflict markers in BC07.yaml; the editor offers to reload
    terminal.keys("Left", "Left", *["Down"] * 5)
    terminal.wait_for("Plombier-chauffagiste › BC07")
    lines = bc07.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("title:"))
    conflicted = "".join(
        [*lines[:at], "<<<<<<< HEAD\n", lines[at], "=======\n", "title: Autre\n",
         ">>>>>>> branche\n", *lines[at + 1 :]]
    )  # fmt: skip
    bc07.write_text(conflicted, encoding="utf-8")
    terminal.wait_for("modifiés hors de l'éditeur")
    terminal.keys("Right", "Enter")  # Recharger
    terminal.wait_for("✗ Le fichier BC07.yaml ne peut pas être")
    # the title typed on it is refused, with the reason; the file is as the other program left it
    terminal.tab_to("Identifiant *")
    terminal.tab_to("Intitulé *")
    terminal.keys("C-a", "C-k")
    terminal.type("Installer et entretenir une pompe à chaleur")
    terminal.keys("Enter")
    shown = terminal.wait_for("non enregistré")
    assert "ne peut pas être lu" in shown.replace("\n", " ") or "ligne 6" in shown
    assert bc07.read_text(encoding="utf-8") == conflicted
    # resolved outside: the reload offers the typing again on the file as it is now
    bc07.write_text("".join(lines), encoding="utf-8")
    terminal.wait_for("modifiés hors de l'éditeur")
    terminal.keys("Right", "Enter")
    terminal.wait_for("Remplacer par ma saisie")
    terminal.keys("Right", "Enter")
    terminal.wait_for("enregistré (BC07.yaml)")
    assert "title: Installer et entretenir une pompe à chaleur\n" in bc07.read_text(
        encoding="utf-8"
    )
    # the undo history of BC02, which no one else changed, survived both reloads
    terminal.keys("Escape", "C-z")
    terminal.wait_for("annulé")
    terminal.keys("C-z")
    time.sleep(1.0)
    terminal.keys("C-q")
    time.sleep(1.0)
    assert bc02.read_text(encoding="utf-8") == bc02_before
    assert git(sample_repo, "status", "--porcelain") == ""


def test_certification_and_release_dialog_in_a_real_terminal(sample_repo: Path) -> None:
    """BC06 taken out of the certification rules: its problem (F4, Enter) opens the rules on
    BC06, where a list of choices puts it back (every word on the screen in French, the list's
    own key too). Then C2.5 moved to BC03 with m, and F6: the dialog names the move as what
    decides a major version, shows the correspondence table, and takes a minor one with the
    group's reason and the table checked, all from the keyboard."""
    from refkit.edit import Session

    fw_file = sample_repo / PLUMBER / "framework.yaml"
    before = fw_file.read_text(encoding="utf-8")
    Session.open(sample_repo).set_block_place(PLUMBER, "BC06", None)
    term = Terminal(f"refkit-rel-{os.getpid()}", sample_repo, 100, 30)
    try:
        term.wait_for("le bloc BC06 n'est ni obligatoire ni dans un groupe au choix")
        term.keys("F4", "Enter")
        shown = term.wait_for("Règles de certification")
        assert "BC06 Installer un plancher chauffant hydraulique (70 h)" in shown
        assert "hors certification" in shown
        term.keys("Enter")  # the list of choices of BC06, which has the focus
        assert "Échap Fermer la liste" in term.wait_for("Fermer la liste")
        term.keys("Up", "Enter")  # au choix : E1
        term.wait_for("1 à choisir parmi BC05, BC06")
        assert fw_file.read_text(encoding="utf-8") == before
        term.keys("Escape")
        term.wait_for("Problèmes : aucun")
        term.wait_for("Plombier-chauffagiste › BC06")  # back on the block, in the tree
        # C2.5 moved from BC02 to BC03
        term.keys(*["Up"] * 4, "Right", *["Down"] * 5)
        term.wait_for("› BC02 › C2.5")
        term.keys("m")
        term.wait_for("Déplacer C2.5 vers le bloc")
        term.keys("Down", "Enter")  # BC01 is offered first, then BC03
        term.wait_for("C2.5 déplacée de BC02 vers BC03 : enregistré")
        term.keys("F6")
        shown = term.wait_for("Publier 3.0.0")
        assert (
            "Version proposée : 3.0.0 (majeure) parce que : compétence C2.5 déplacée de BC02 "
            "vers" in shown
        )
        assert "BC02 → BC02, BC03 réparti" in shown
        term.type("C2.5 rejoint le bloc des évacuations")
        term.keys("BTab", "BTab", "BTab", "Enter")  # back to the version's list of choices
        term.wait_for("Fermer la liste")
        term.keys("Down", "Enter")  # mineure
        term.wait_for("Pourquoi le groupe choisit une version plus basse")
        term.keys("Tab")
        term.type("Décidé en commission paritaire : sans effet pour les titulaires")
        term.keys("Tab", "Enter")  # the table checked (Entrée toggles it too)
        term.keys("Tab", "Tab", "Enter")  # back in the message: Entrée publishes
        term.wait_for("2.1.0")
        term.wait_for("Problèmes : aucun")
        time.sleep(1.0)
    finally:
        term.close()
    assert "plombier-chauffagiste/v2.1.0" in git(sample_repo, "tag", "--list")
    assert git(sample_repo, "status", "--porcelain") == ""
    records = (sample_repo / PLUMBER / "releases.yaml").read_text(encoding="utf-8")
    assert records.endswith(
        "    message: C2.5 rejoint le bloc des évacuations\n"
        "    override:\n"
        "      required: major\n"
        "      reason: 'Décidé en commission paritaire : sans effet pour les titulaires'\n"
    ), records
    assert "correspondence:\n  from: 2.0.0\n" in fw_file.read_text(encoding="utf-8")
    body = git(sample_repo, "log", "-1", "--format=%B")  # the commit message, in French too
    assert "Version mineure décidée par le groupe de travail" in body, body


def test_duplicate_warning_problem_to_field_and_lists_summarised_in_a_real_terminal(
    terminal: Terminal, sample_repo: Path
) -> None:
    """d duplicates C7.1: a warning in French says two competencies have the same statement;
    F4 and Entrée go to the statement's field, where the whole statement is shown over several
    lines (80 columns); rewording it clears the warning. The block's form sums up its list of
    modalities in its row."""
    _bc07(terminal)
    terminal.keys("Right", "Down")
    terminal.wait_for("› BC07 › C7.1")
    terminal.keys("d")
    terminal.wait_for("⚠ la compétence C7.5 a le même énoncé que C7.1 (BC07)")
    terminal.keys("F4", "Enter")
    terminal.wait_for("reformulez")
    terminal.wait_for("Identifiant *")

    def form() -> str:  # the right pane's lines, joined
        shown = terminal.screen()
        return " ".join(
            line.split("││")[-1].strip(" │▁▂▃▄▅▆▇█") for line in shown.splitlines() if "││" in line
        )

    whole = (
        "Énoncé * Dimensionner une pompe à chaleur air/eau à partir des déperditions du "
        "logement et de la température extérieure de base Nature *"
    )
    end = time.monotonic() + 20
    while whole not in form() and time.monotonic() < end:  # the field grows to its lines
        time.sleep(0.2)
    assert whole in form(), form()
    assert "› BC07 › C7.5" in terminal.screen()
    terminal.keys("C-a", "C-k")
    terminal.type("Choisir l'emplacement de l'unité extérieure d'une pompe à chaleur air/eau")
    terminal.keys("Enter")
    terminal.wait_for("Problèmes : aucun")
    # the block's form: its list of modalities summed up in its row
    terminal.keys("Escape", "Up", "Up")
    terminal.wait_for("Plombier-chauffagiste › BC07   ")
    # its description is written over several lines: Entrée starts a new one, Tab saves
    terminal.keys(*["Tab"] * 6, *["Down"] * 12, "End", "Enter")  # the end of its last line
    terminal.type("Les fluides frigorigènes sont récupérés.")
    terminal.keys("Tab")
    terminal.wait_for("Description de BC07 : enregistré (BC07.yaml)")
    # the focus is on the list of modalities: summed up in its row
    terminal.wait_for("2 modalités : mise en situation")
    terminal.keys("C-q")
    time.sleep(1.0)
    text = (sample_repo / PLUMBER / "blocks/BC07.yaml").read_text(encoding="utf-8")
    # (the text ended with a line break: Entrée on its last, empty line began a paragraph)
    assert "  assurer l'entretien.\n\n  Les fluides frigorigènes sont récupérés.\nvolume:" in text
    assert (
        "  - id: C7.5\n    statement: Choisir l'emplacement de l'unité extérieure d'une pompe à "
        "chaleur air/eau\n" in text
    )


def test_start_from_nothing_in_a_real_terminal(cli, tmp_path: Path) -> None:
    """refkit init, its example removed: the editor says how to start; a creates a framework;
    F5 commits it with the scaffolding refkit init wrote."""
    root = tmp_path / "depot"
    assert cli("init", str(root), cwd=tmp_path).code == 0
    shutil.rmtree(root / "frameworks" / "exemple")
    # no framework to take the language from: the repository's setting says French (issue 18)
    subprocess.run(["git", "-C", str(root), "config", "refkit.lang", "fr"], check=True)
    term = Terminal(f"refkit-new-{os.getpid()}", root, 100, 30)
    try:
        term.wait_for("aucun référentiel")
        term.keys("a")
        term.wait_for("Nouveau référentiel")
        term.type("Installateur")
        term.keys("Enter")
        term.wait_for("minuscules")  # an id is refused as typed, with what it must be
        term.keys("C-u")
        term.type("installateur-thermique")
        term.keys("Enter")
        term.type("Installateur thermique")
        term.keys("Enter")
        term.wait_for("Référentiel version")
        term.keys("F5")
        term.wait_for("Enregistrer les changements dans l'historique")
        term.type("Premier référentiel")
        term.keys("Enter")
        term.wait_for("changements enregistrés dans l'historique")
    finally:
        term.close()
    committed = set(git(root, "ls-files").split())
    assert {
        "README.md",
        ".gitignore",
        ".github/workflows/refkit.yml",
        "schemas/block.schema.json",
        "frameworks/installateur-thermique/framework.yaml",
    } <= committed
    assert git(root, "status", "--porcelain") == ""
    assert git(root, "log", "-1", "--format=%s") == "Premier référentiel\n"


def test_refkit_lang_en_edit_adds_a_competency_in_english(sample_repo: Path) -> None:
    """`refkit --lang en edit` on the French samples: the same task as the first test, every word
    of the editor in English (the frameworks' own texts stay French)."""
    if shutil.which("tmux") is None:
        pytest.fail("tmux is missing: apt-get install -y tmux (.ci/run does it)")
    term = Terminal(f"refkit-en-{os.getpid()}", sample_repo, before=" --lang en")
    try:
        term.wait_for("Problems: none")
        shown = term.screen()
        assert "F1 help · Ctrl+P commands" in shown and "Frameworks" in shown
        term.keys(*["Down"] * 5)
        term.wait_for(" Plombier-chauffagiste     ")
        term.keys("Enter")
        term.keys(*["Down"] * 7)
        term.wait_for("Plombier-chauffagiste › BC07")
        shown = term.wait_for("a Add")  # the footer
        assert "Ajouter" not in shown and "Supprimer" not in shown
        term.keys("a")
        term.wait_for("› BC07 › C7.5")
        term.wait_for("added competency C7.5: saved (BC07.yaml)")
        term.tab_to("ID *")
        term.tab_to("Statement *")
        term.keys("C-a")  # the start of the text the editor gave it (two lines)
        term.wait_in_field("Statement *")
        term.keys("C-k")  # all of it
        term.type("Flush a heating circuit before fitting")
        term.keys("Enter")
        term.wait_for("Statement of C7.5: saved (BC07.yaml)")
        term.keys("Escape")
        term.wait_for("+ C7.5 Flush a heat")  # (⚠ before it: its criterion is to write)
        term.keys("F5")
        shown = term.wait_for("Record the changes in the history")
        assert "Enregistrer" not in shown and "Annuler" not in shown and "Cancel" in shown
        term.type("Added C7.5")
        term.keys("Enter")
        term.wait_for("changes recorded in the history")
        shown = term.screen()
        assert not re.search(r"Problèmes|Référentiels|enregistré|Élément|aucun", shown), shown
        term.keys("C-q")
        time.sleep(1.0)
    finally:
        term.close()
    text = (sample_repo / PLUMBER / "blocks/BC07.yaml").read_text(encoding="utf-8")
    assert "  - id: C7.5\n    statement: Flush a heating circuit before fitting\n" in text
    assert git(sample_repo, "log", "-1", "--format=%s") == "Added C7.5\n"

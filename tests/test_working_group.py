"""Issue 14's "Done when", end to end: a working group revises a framework through a bare shared
repository in tmp_path and two clones. Member A (Alice) uses the editor in a real terminal
(tmux), member B (Bruno) the command line. A starts a proposal in the editor and shares it; both
change block BC01 of the plumber, different competencies and one field both ways; B syncs first,
then A's sync (F7) merges with the driver: the other changes merge with no markers and one line
of diff per field, the field both changed waits, and A chooses it in the editor's conflicts
screen; A's sync sends it. One member of each college approves (A in the editor, B with refkit
proposal approve), A merges in the editor, then refkit release and refkit publish: the changelog
says the commission approved it. Files on disk, the shared repository, exit codes and the
screen are asserted on the way.

Run it alone (it drives a terminal): `pytest tests/test_working_group.py -n 0`."""

from __future__ import annotations

import os
import shlex
import shutil
import time
from pathlib import Path

import pytest

from tests.conftest import git
from tests.test_sync import shared_and_two_clones
from tests.test_tui_terminal import Terminal

PLOMBIER = "frameworks/plombier-chauffagiste"
BC01 = f"{PLOMBIER}/blocks/BC01.yaml"
FW = f"{PLOMBIER}/framework.yaml"
EPOCH = "1804852800"  # 2027-03-12
TRAINING = (
    "  - organisation: CFA des métiers du bâtiment de la vallée du Rhône\n"
    "    college: training\n"
    "    role: rédaction des critères d'évaluation\n"
)


def commission(cli, a: Path, b: Path) -> None:  # type: ignore[no-untyped-def]
    """A commission paritaire (employers and employees: every college approves) and the merge
    driver set up in both clones."""
    text = (a / FW).read_text(encoding="utf-8")
    assert TRAINING in text
    (a / FW).write_text(text.replace(TRAINING, ""), encoding="utf-8")
    assert cli("setup", cwd=a).code == 0
    git(a, "add", "-A")
    git(a, "commit", "-qm", "commission paritaire; refkit setup")
    git(a, "push", "-q", "origin", "main")
    git(b, "pull", "-q", "--ff-only")
    assert cli("setup", cwd=b).code == 0


def changed_lines(root: Path, old: str, new: str, path: str) -> tuple[list[str], list[str]]:
    diff = git(root, "diff", "-U0", old, new, "--", path).splitlines()
    removed = [x for x in diff if x.startswith("-") and not x.startswith("---")]
    added = [x for x in diff if x.startswith("+") and not x.startswith("+++")]
    return removed, added


def alice_in_the_editor(a: Path, home: Path) -> Terminal:
    env = {
        "HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Alice",
        "GIT_AUTHOR_EMAIL": "alice@example.org",
        "GIT_COMMITTER_NAME": "Alice",
        "GIT_COMMITTER_EMAIL": "alice@example.org",
        "SOURCE_DATE_EPOCH": EPOCH,
        "REFKIT_CACHE_DIR": os.environ["REFKIT_CACHE_DIR"],
    }
    said = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    return Terminal(f"refkit-wg-{os.getpid()}", a, 120, 36, env=said)


def test_a_revision_from_proposal_to_published_release(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if shutil.which("tmux") is None:
        pytest.fail("tmux is missing: apt-get install -y tmux (.ci/run does it)")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    for key in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"):
        monkeypatch.setenv(key, "Bruno")
    shared, a, b = shared_and_two_clones(tmp_path)
    commission(cli, a, b)
    term = alice_in_the_editor(a, Path(os.environ["HOME"]))
    try:
        alice_starts_and_shares_a_proposal(term, shared, a)
        bruno_edits_on_the_proposal_and_syncs_first(cli, b)
        alice_edits_records_and_syncs(term, a)
        alice_chooses_in_the_conflicts_screen_and_sends(term, shared, a)
        both_colleges_approve(cli, term, shared, a, b)
        alice_merges_in_the_editor(term, shared, a)
    finally:
        term.close()
    released_and_published(cli, tmp_path, a)


def alice_starts_and_shares_a_proposal(term: Terminal, shared: Path, a: Path) -> None:
    term.wait_for("Problèmes : 0 erreur")
    term.wait_for("branche principale ─")  # under the tree: where the editor is
    term.keys("F8")
    term.wait_for("Propositions — vous êtes sur : branche principale")
    term.keys("n")
    term.wait_for("Nouvelle proposition")
    term.type("pac-2027")
    term.keys("Enter")
    term.type("Pompes à chaleur")
    term.keys("Enter")
    term.type("Les pompes à chaleur remplacent les chaudières.")
    term.keys("Enter")
    term.wait_for("proposition pac-2027 commencée : vous êtes dessus")
    term.wait_for("● pac-2027 — Pompes à chaleur")  # the one the editor is in, marked
    term.keys("Escape")
    term.wait_for("proposition pac-2027 ─")  # under the tree
    assert git(a, "branch", "--show-current").strip() == "proposal/pac-2027"
    term.keys("F7")
    term.wait_for("À jour avec origin (proposal/pac-2027)")
    term.keys("Escape")
    assert git(shared, "rev-parse", "proposal/pac-2027") == git(a, "rev-parse", "HEAD")


def bruno_edits_on_the_proposal_and_syncs_first(cli, b: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("sync", cwd=b).code == 0
    run = cli("proposal", "switch", "pac-2027", cwd=b)
    assert run.code == 0 and run.out == "you are on proposal/pac-2027\n"
    path = b / BC01
    text = path.read_text(encoding="utf-8")
    text = text.replace("statement: Lire un plan", "statement: Interpréter un plan", 1)
    text = text.replace("Relever sur site", "Relever sur le site", 1)
    path.write_text(text, encoding="utf-8")
    git(b, "commit", "-qam", "BC01 : C1.1 et C1.2 reformulées")
    run = cli("sync", cwd=b)
    assert run.code == 0, run.err
    assert run.lines[-1] == "up to date with origin (proposal/pac-2027): 0 commits received, 1 sent"  # fmt: skip


def alice_edits_records_and_syncs(term: Terminal, a: Path) -> None:
    """C1.1's statement and C1.3's, in the form; F5 records them; F7 merges and waits."""
    term.keys(*["Down"] * 5)
    term.wait_for(" Plombier-chauffagiste     ")
    term.keys("Enter", "Down")
    term.wait_for("Plombier-chauffagiste › BC01")
    term.keys("Right", "Down")
    term.wait_for("Plombier-chauffagiste › BC01 › C1.1")
    term.tab_to("Identifiant *")
    term.tab_to("Énoncé *")
    term.keys("Home", *["Delete"] * 4)
    term.type("Déchiffrer")
    term.keys("Enter")
    term.wait_for("enregistré (BC01.yaml)")
    term.keys("Escape", "Down", "Down")
    term.wait_for("› BC01 › C1.3")
    term.tab_to("Identifiant *")
    term.tab_to("Énoncé *")
    term.keys("End")
    term.type(" ou d'une pompe à chaleur")
    term.keys("Enter")
    term.wait_for("C1.3 : enregistré (BC01.yaml)")
    term.keys("Escape", "F5")
    term.wait_for("Enregistrer les changements dans l'historique")
    term.type("BC01 : C1.1 et C1.3 pour les PAC")
    term.keys("Enter")
    term.wait_for("changements enregistrés dans l'historique")
    assert git(a, "status", "--porcelain") == ""
    term.keys("F7")
    shown = term.wait_for("Fermer cette fenêtre ouvre les conflits")
    assert "une fusion attend votre choix : les deux côtés ont modifié C1.1 statement" in shown
    # waiting: the other changes are merged in the file already, never a conflict marker
    text = (a / BC01).read_text(encoding="utf-8")
    assert "<<<<" not in text and ">>>>" not in text
    assert "Relever sur le site" in text and "ou d'une pompe à chaleur" in text
    assert (a / ".git" / "MERGE_HEAD").exists()


def alice_chooses_in_the_conflicts_screen_and_sends(term: Terminal, shared: Path, a: Path) -> None:
    mine = git(a, "rev-parse", "HEAD").strip()
    term.keys("Escape")
    shown = term.wait_for("Une fusion attend votre choix : 1 champ modifié différemment")
    assert "C1.1 · Énoncé" in shown, shown
    # side by side: mine, theirs, the base
    row = next(line for line in shown.splitlines() if "Déchiffrer un plan" in line)
    assert "Interpréter un plan" in row and "Lire un plan" in row, shown
    term.keys("m")  # Alice keeps hers
    shown = term.wait_for("La fusion est enregistrée")
    parents = git(a, "log", "-1", "--format=%P").split()
    assert parents[0] == mine and len(parents) == 2
    assert not (a / ".git" / "MERGE_HEAD").exists()
    # one line of diff per field: Bruno's C1.2 into Alice's; Alice's C1.1 and C1.3 into Bruno's
    removed, added = changed_lines(a, mine, "HEAD", BC01)
    assert removed == ["-    statement: Relever sur site les cotes, les contraintes d'accès et l'état des supports avant l'intervention"]  # fmt: skip
    assert added == [removed[0].replace("-", "+", 1).replace("sur site", "sur le site")]
    removed, added = changed_lines(a, parents[1], "HEAD", BC01)
    assert len(removed) == len(added) == 2
    assert added[0].startswith("+    statement: Déchiffrer un plan") and added[1].endswith("ou d'une pompe à chaleur")  # fmt: skip
    term.keys("Right", "Enter")  # send it (F7)
    term.wait_for("À jour avec origin (proposal/pac-2027)")
    term.keys("Escape")
    term.wait_for("proposition pac-2027 ─")
    assert git(shared, "rev-parse", "proposal/pac-2027") == git(a, "rev-parse", "HEAD")


def both_colleges_approve(cli, term: Terminal, shared: Path, a: Path, b: Path) -> None:  # type: ignore[no-untyped-def]
    term.keys("F8")
    shown = term.wait_for("plombier-chauffagiste : non approuvée (chaque collège)")
    assert "collèges attendus : employeurs, salariés" in shown
    term.keys("a")
    shown = term.wait_for("Approuver pac-2027")
    assert "Fédération des salariés de la construction (salariés)" in shown
    assert "CFA" not in shown  # the working group only
    term.keys("Enter")  # the first member: the employers' federation
    term.wait_for("approbation enregistrée ; la règle n'est pas encore remplie")
    term.keys("Escape", "F7")
    term.wait_for("À jour avec origin (proposal/pac-2027) : 0 enregistrement reçu, 1 envoyé.")  # fmt: skip
    term.keys("Escape")
    # Bruno: the employees' approval, from the command line
    assert cli("sync", cwd=b).code == 0
    assert cli("proposal", "status", "pac-2027", cwd=b).code == 1
    run = cli("proposal", "approve", "pac-2027", "--member", "Fédération des salariés", cwd=b)
    assert run.code == 0, run.err
    assert cli("proposal", "status", "pac-2027", cwd=b).code == 0
    assert cli("sync", cwd=b).code == 0
    record = git(shared, "show", "proposal/pac-2027:proposals/pac-2027.yaml")
    assert "college: employer" in record and "college: employee" in record
    assert "name: Alice" in record and "name: Bruno" in record


def alice_merges_in_the_editor(term: Terminal, shared: Path, a: Path) -> None:
    term.wait_for("proposition pac-2027 ─")
    term.keys("F7")
    term.wait_for("À jour avec origin (proposal/pac-2027) : 1 enregistrement reçu")
    term.keys("Escape", "F8")
    term.wait_for("plombier-chauffagiste : approuvée (chaque collège)")
    term.keys("m")
    term.wait_for("Fusionner pac-2027 dans la branche principale")
    term.keys("Right", "Enter")
    term.wait_for("proposition pac-2027 fusionnée dans la branche principale")
    term.keys("Escape")
    term.wait_for("branche principale ─")
    term.keys("F7")
    term.wait_for("À jour avec origin (main)")
    term.keys("Escape", "C-q")
    time.sleep(1.0)
    assert git(a, "branch", "--show-current").strip() == "main"
    assert git(shared, "rev-parse", "main") == git(a, "rev-parse", "HEAD")
    assert len(git(shared, "log", "-1", "--format=%P", "main").split()) == 2
    text = git(shared, "show", f"main:{BC01}")
    assert "Déchiffrer un plan" in text and "Relever sur le site" in text
    assert "ou d'une pompe à chaleur" in text and "<<<<" not in text


def released_and_published(cli, tmp_path: Path, a: Path) -> None:  # type: ignore[no-untyped-def]
    run = cli("release", "plombier-chauffagiste", "-m", "Révision PAC 2027", cwd=a)
    assert run.code == 0, run.err
    releases = (a / PLOMBIER / "releases.yaml").read_text(encoding="utf-8")
    assert "      - slug: pac-2027\n        title: Pompes à chaleur\n" in releases
    site = tmp_path / "site"
    assert cli("publish", "--out", str(site), cwd=a).code == 0
    page = (site / "plombier-chauffagiste/index.html").read_text(encoding="utf-8")
    said = (
        "« Pompes à chaleur » : approuvé par la commission le 12 mars 2027 (employeurs, salariés)"
    )
    assert said in page.replace("\xa0", " ")

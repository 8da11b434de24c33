"""Benchmark picking one fiche out of a national RNCP export (France Compétences' XML, v4.1).

    python bench/rncp.py [--fiches 30000] [--runs 3] [--keep DIR]

1. Generates an export of 30,000 invented fiches in the v4.1 shape (deterministic: a fixed seed):
   each with its codes, two to six blocks of four to eight competencies written as the register
   writes them (escaped HTML lists, "- " lines, <br> breaks), assessment modalities and the long
   texts of a fiche (activités visées, capacités attestées...): about 4 KB a fiche.
2. Runs the real command line in a child process, `refkit import rncp EXPORT --fiche N --out DIR`
   for the last fiche of the file (the whole export is read either way: a number may appear twice),
   and measures its wall time and its peak memory (`ru_maxrss` of that child, from `os.wait4`).
   Targets: under 5 s, under 200 MB.
3. The peer: the same pick with the whole file parsed by ElementTree (`ET.parse`, then a find),
   as a script that does not stream would; same child-process measures, and the ratios.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from common import installed_env, ratios  # noqa: E402

ENV: dict[str, str] = {}

VERBS = ["Analyser", "Concevoir", "Réaliser", "Contrôler", "Planifier", "Organiser", "Diagnostiquer", "Mettre en œuvre", "Évaluer", "Rédiger", "Accompagner", "Coordonner"]  # fmt: skip
OBJECTS = ["les besoins du client", "un plan d'intervention", "la maintenance préventive", "les opérations de contrôle qualité", "un dossier technique", "les risques professionnels", "la relation avec les fournisseurs", "un budget prévisionnel", "les indicateurs de performance", "la formation des nouveaux collaborateurs"]  # fmt: skip
CONTEXTS = ["dans le respect de la réglementation en vigueur", "à partir du cahier des charges", "en tenant compte des contraintes de sécurité", "en lien avec l'équipe pluridisciplinaire", "selon les procédures de l'entreprise"]  # fmt: skip
TRADES = ["Technicien", "Responsable", "Chargé", "Gestionnaire", "Opérateur", "Conseiller", "Assistant", "Manager"]  # fmt: skip
FIELDS = ["de maintenance industrielle", "en logistique", "de projets numériques", "en hygiène et sécurité", "de la relation client", "en énergies renouvelables", "de production agroalimentaire", "en comptabilité et gestion"]  # fmt: skip
MODALITIES = ["Mise en situation professionnelle reconstituée", "Étude de cas écrite", "Entretien avec le jury", "Dossier professionnel", "Projet tutoré", "Évaluation en situation de travail"]  # fmt: skip


def statement(rnd: random.Random) -> str:
    return f"{rnd.choice(VERBS)} {rnd.choice(OBJECTS)} {rnd.choice(CONTEXTS)}"


def competencies(rnd: random.Random) -> str:
    items = [statement(rnd) for _ in range(rnd.randint(4, 8))]
    shape = rnd.randrange(3)
    if shape == 0:
        return "<p>Être capable de :</p><ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"
    if shape == 1:
        return "\n".join(f"- {i}" for i in items)
    return "<br>".join(items)


def fiche(rnd: random.Random, number: int) -> str:
    title = f"{rnd.choice(TRADES)} {rnd.choice(FIELDS)}"
    level = rnd.randint(3, 7)
    blocks = []
    for b in range(1, rnd.randint(2, 6) + 1):
        modalities = "".join(f"<p>{m}</p>" for m in rnd.sample(MODALITIES, 2))
        blocks.append(
            f"<BLOC_COMPETENCES><CODE>RNCP{number}BC{b:02d}</CODE><LIBELLE>{escape(statement(rnd))}</LIBELLE>"
            f"<LISTE_COMPETENCES>{escape(competencies(rnd))}</LISTE_COMPETENCES>"
            f"<MODALITES_EVALUATION>{escape(modalities)}</MODALITES_EVALUATION></BLOC_COMPETENCES>"
        )
    long_text = escape("<p>" + " ".join(statement(rnd) + "." for _ in range(8)) + "</p>")
    return (
        f"<FICHE><ID_FICHE>{number + 500000}</ID_FICHE><NUMERO_FICHE>RNCP{number}</NUMERO_FICHE>"
        f"<INTITULE>{escape(title)}</INTITULE><ABREGE><CODE>TP</CODE><LIBELLE>Titre professionnel</LIBELLE></ABREGE>"
        f"<ETAT_FICHE>Publiée</ETAT_FICHE><ACTIF>{'Oui' if rnd.random() < 0.6 else 'Non'}</ACTIF>"
        f"<NOMENCLATURE_EUROPE><NIVEAU>NIV{level}</NIVEAU><INTITULE>Niveau {level}</INTITULE></NOMENCLATURE_EUROPE>"
        f"<CODES_NSF><NSF><CODE>{rnd.randint(200, 345)}</CODE><INTITULE>Spécialité</INTITULE></NSF></CODES_NSF>"
        f"<CODES_ROME><ROME><CODE>{rnd.choice('ABCDHIKM')}{rnd.randint(1101, 1999)}</CODE><LIBELLE>Métier</LIBELLE></ROME></CODES_ROME>"
        f"<FORMACODES><FORMACODE><CODE>{rnd.randint(10000, 99999)}</CODE><LIBELLE>Domaine</LIBELLE></FORMACODE></FORMACODES>"
        f"<ACTIVITES_VISEES>{long_text}</ACTIVITES_VISEES><CAPACITES_ATTESTEES>{long_text}</CAPACITES_ATTESTEES>"
        f"<OBJECTIFS_CONTEXTE>{long_text}</OBJECTIFS_CONTEXTE>"
        f"<BLOCS_COMPETENCES>{''.join(blocks)}</BLOCS_COMPETENCES>"
        f"<DATE_FIN_ENREGISTREMENT>31/12/{rnd.randint(2024, 2031)}</DATE_FIN_ENREGISTREMENT></FICHE>\n"
    )  # fmt: skip


def generate(path: Path, n: int) -> str:
    """The export of ``n`` fiches; the number of the last one."""
    rnd = random.Random(17)
    with path.open("w", encoding="utf-8") as f:
        f.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<FICHES>\n<VERSION_FLUX>4.1</VERSION_FLUX>\n'
        )
        for i in range(n):
            f.write(fiche(rnd, 10000 + i))
        f.write("</FICHES>\n")
    return f"RNCP{10000 + n - 1}"


PEER = """
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
found = [f for f in root.iter("FICHE") if f.findtext("NUMERO_FICHE") == sys.argv[2]]
assert len(found) == 1, len(found)
print(len(found[0].findall("BLOCS_COMPETENCES/BLOC_COMPETENCES")))
"""


def measured(args: list[str], cwd: Path) -> tuple[float, float, str]:
    """Wall time (s), peak memory (MB, the child's ru_maxrss) and stdout of one child process."""
    env = {**ENV, "PYTHONPATH": str(REPO), "REFKIT_LANG": "en"}
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    out, err = proc.stdout.read(), proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({proc.returncode}):\n{err.decode()}")
    return elapsed, usage.ru_maxrss / 1024, out.decode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fiches", type=int, default=30000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="generate the export in DIR and keep it")
    args = parser.parse_args()
    ENV.update(installed_env())
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        export = work / "export-fiches-rncp-v4-1.xml"
        start = time.perf_counter()
        last = generate(export, args.fiches)
        size = export.stat().st_size
        print(f"export: {args.fiches:,} fiches, {size / 1e6:.0f} MB ({size / args.fiches / 1024:.1f} KB a fiche), generated in {time.perf_counter() - start:.0f} s")  # fmt: skip
        ours, peers = [], []
        for run in range(args.runs):
            repo = work / f"repo-{run}"
            (repo / "frameworks").mkdir(parents=True, exist_ok=True)
            cmd = [sys.executable, "-m", "refkit", "import", "rncp", str(export), "--fiche", last, "--out", f"frameworks/f{run}"]  # fmt: skip
            ours.append(measured(cmd, repo))
            peers.append(measured([sys.executable, "-c", PEER, str(export), last], work))
        print(f"refkit import rncp --fiche {last}: {ours[-1][2].splitlines()[0]}")
        t, m = statistics.median(o[0] for o in ours), max(o[1] for o in ours)
        pt, pm = statistics.median(p[0] for p in peers), max(p[1] for p in peers)
        print(f"  time: {min(o[0] for o in ours):.2f} s min, {t:.2f} s median (target < 5 s)")
        print(f"  peak memory: {m:.0f} MB (target < 200 MB)")
        print(f"peer, ElementTree parsing the whole export: {min(p[0] for p in peers):.2f} s min, {pt:.2f} s median, {pm:.0f} MB")  # fmt: skip
        times = ratios([p[0] for p in peers], [o[0] for o in ours])
        memory = ratios([p[1] for p in peers], [o[1] for o in ours])
        print(f"peer / refkit, pair by pair (interleaved runs): time {times}, memory {memory}")


if __name__ == "__main__":
    main()

"""Generate a national-scale framework repository for benchmarks.

    python bench/generate.py [OUT] [--frameworks 500] [--blocks 8] [--competencies 25]
    python bench/generate.py OUT --big   # one framework of 10,000 competencies (40 x 250)

Deterministic (seeded): the same arguments give the same files. The files follow refkit's house
style with human comments, French text, shared blocks between frameworks of a sector, electives and
prerequisites, so that every rule has work to do. Defaults: 500 x 8 x 25 = 100,000 competencies.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

VERBS = [
    "Installer", "Raccorder", "Contrôler", "Diagnostiquer", "Mettre en service", "Entretenir", "Régler",
    "Préparer", "Organiser", "Vérifier", "Poser", "Assembler", "Dimensionner", "Conseiller", "Réparer",
]  # fmt: skip
OBJECTS = [
    "un réseau d'eau chaude sanitaire", "une pompe à chaleur air/eau", "un tableau de répartition",
    "une chaudière à condensation", "un circuit de ventilation double flux", "un plancher chauffant",
    "une installation photovoltaïque", "un réseau d'évacuation", "un ballon thermodynamique",
    "une gaine technique", "un poste de soudure", "un échafaudage roulant", "un coffret de chantier",
]  # fmt: skip
CONTEXTS = [
    "en respectant les règles de l'art", "selon le DTU applicable", "dans un logement occupé",
    "en sécurité sur un chantier de rénovation", "à partir du dossier technique", "avec le client",
    "en équipe et dans les délais prévus", "en limitant les déchets de chantier",
]  # fmt: skip
CRITERIA = [
    "Le résultat est conforme au cahier des charges", "Les essais sont réalisés et consignés",
    "Les consignes de sécurité sont respectées", "Le poste de travail est rangé et nettoyé",
    "Les écarts sont signalés au responsable", "Les cotes relevées sont exactes à 5 mm près",
    "Le client est informé des travaux réalisés", "Les déchets sont triés selon leur nature",
    "Le temps alloué est respecté", "La documentation technique est utilisée à bon escient",
]  # fmt: skip
SECTORS = ["Bâtiment", "Énergie", "Industrie", "Services à la personne", "Transport", "Agriculture"]
KINDS = ["skill", "skill", "skill", "knowledge", "attitude"]


def sentence(rng: random.Random) -> str:
    return f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(CONTEXTS)}"


def block_file(
    rng: random.Random, b: int, n_comp: int, prefix: str = "C", block_id: str = ""
) -> str:
    block_id = block_id or f"BC{b:02d}"
    lines = [
        "# yaml-language-server: $schema=../../../schemas/block.schema.json",
        f"# Bloc {b} : rédigé par le groupe de travail, relu par la commission paritaire.",
        "schema: refkit/block/1",
        f"id: {block_id}",
        f"title: {sentence(rng)}",
        "description: |",
        f"  Ce bloc couvre les activités de type « {rng.choice(VERBS).lower()} ».",
        "  Il est évalué en fin de parcours ou par la VAE.",
        "volume:",
        f"  hours: {rng.randrange(70, 280, 7)}",
    ]
    if b > 1 and block_id.startswith("BC") and rng.random() < 0.5:
        lines.append(f"prerequisites: [BC{rng.randrange(1, b):02d}]")
    lines += [
        "modalities:",
        "  - type: practical",
        f"    description: Mise en situation professionnelle reconstituée ({rng.randrange(2, 8)} h)",
        f"    hours: {rng.randrange(2, 8)}",
        "  - type: oral",
        "    description: Entretien technique avec le jury à partir du dossier",
        "competencies:",
    ]
    for c in range(1, n_comp + 1):
        if c % 5 == 1:
            lines.append(f"  # Compétences {c} à {min(c + 4, n_comp)}")
        lines += [
            f"  - id: {prefix}{b}.{c}",
            # each statement of a framework its own (situation b.c): a real framework does not
            # say the same thing twice (rule duplicate-statement)
            f"    statement: {sentence(rng)}, situation {b}.{c}"
            + ("  # à revoir" if rng.random() < 0.05 else ""),
            f"    kind: {rng.choice(KINDS)}",
            f"    activities: [A{rng.randrange(1, 7)}]",
            "    criteria:",
        ]
        lines += [f"      - {text}" for text in rng.sample(CRITERIA, 3)]
    return "\n".join(lines) + "\n"


def framework_file(
    rng: random.Random, fid: str, own: list[str], shared: tuple[str, str] | None
) -> str:
    required = own[:-2]
    lines = [
        "# yaml-language-server: $schema=../../schemas/framework.schema.json",
        f"# Référentiel {fid} : version de travail générée pour les mesures de performance.",
        "schema: refkit/framework/2",
        f"id: {fid}",
        f"title: Titre professionnel {fid.replace('-', ' ')}",
        "version: 1.0.0",
        "status: published",
        "level:",
        f"  eqf: {(lvl := rng.randrange(3, 7))}",
        "  national:",
        f"    fr: {lvl}",
        f"sector: {rng.choice(SECTORS)}",
        "lang: fr",
        "codes:",
        f"  rncp: RNCP{rng.randrange(10000, 99999)}",
        f"  rome: [F{rng.randrange(1000, 1999)}]",
        "summary: |",
        "  Le titulaire réalise les travaux de son métier en autonomie,",
        "  dans le respect des règles de sécurité et de qualité.",
        "working_group:",
        "  - organisation: Fédération professionnelle",
        "    college: employer",
        "  - organisation: Union syndicale",
        "    college: employee",
        "activities:",
    ]
    for a in range(1, 7):
        lines += [f"  - id: A{a}", f"    title: {sentence(rng)}", "    tasks:"]
        lines += [f"      - {sentence(rng)}" for _ in range(3)]
    if shared:
        lines += ["shared_blocks:", f"  - framework: {shared[0]}", f"    block: {shared[1]}"]
    lines += [
        "certification:",
        f"  required: [{', '.join(required + ([shared[1]] if shared else []))}]",
        "  electives:",
        "    - id: E1",
        "      title: Spécialité",
        "      choose: 1",
        f"      from: [{own[-2]}, {own[-1]}]",
    ]
    return "\n".join(lines) + "\n"


def generate(
    out: Path, frameworks: int, blocks: int, competencies: int, *, seed: int = 2026
) -> int:
    if out.exists():
        shutil.rmtree(out)
    rng = random.Random(seed)
    fw_dir = out / "frameworks"
    total = 0
    for f in range(frameworks):
        fid = f"referentiel-{f:04d}"
        # every tenth framework is the home of a transversal block TR01 that the next nine share
        home = f"referentiel-{(f // 10) * 10:04d}"
        is_home = home == fid
        own = [f"BC{b:02d}" for b in range(1, blocks + 1)]
        if is_home:
            own[-1] = "TR01"
        shared = None if is_home else (home, "TR01")
        folder = fw_dir / fid
        (folder / "blocks").mkdir(parents=True)
        (folder / "framework.yaml").write_text(
            framework_file(rng, fid, own, shared), encoding="utf-8"
        )
        for b, block_id in enumerate(own, start=1):
            prefix = "T" if block_id == "TR01" else "C"
            text = block_file(rng, b, competencies, prefix, block_id)
            (folder / "blocks" / f"{block_id}.yaml").write_text(text, encoding="utf-8")
            total += competencies
    return total


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "out", nargs="?", type=Path, default=Path(__file__).parent / "out" / "national"
    )
    parser.add_argument("--frameworks", type=int, default=500)
    parser.add_argument("--blocks", type=int, default=8)
    parser.add_argument("--competencies", type=int, default=25)
    parser.add_argument(
        "--big", action="store_true", help="one framework of 40 blocks x 250 competencies"
    )
    args = parser.parse_args()
    if args.big:
        args.frameworks, args.blocks, args.competencies = 1, 40, 250
    n = generate(args.out, args.frameworks, args.blocks, args.competencies)
    size = sum(p.stat().st_size for p in args.out.rglob("*.yaml"))
    print(f"{args.out}: {args.frameworks} frameworks, {n} competencies, {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()

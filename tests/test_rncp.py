"""RNCP fiches in France Compétences' XML export (v4.1): import of one fiche out of an export,
the list of its fiches, export in the same shape (round trip), the correspondence table as RNCP,
training.gov.au and NZQA publish it, and the inputs refused (tests/fixtures/rncp/invalid, each
with what it must say in EXPECTED.json). The exports are invented, in French."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from refkit.interop.rncp import split_items
from tests.conftest import FIXTURES, git

RNCP = FIXTURES / "rncp"
EXPORT = RNCP / "export-v4.1.xml"
INVALID = RNCP / "invalid"
EXPECTED = json.loads((INVALID / "EXPECTED.json").read_text(encoding="utf-8"))


def repo_at(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "frameworks").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    return root


def yaml_of(path: Path) -> dict:
    from refkit.store.reader import read_yaml

    data: dict = read_yaml(path.name, path.read_bytes()).data
    return data


# -- import -------------------------------------------------------------------------------------


def test_import_picks_one_fiche_and_splits_its_blocks(cli, tmp_path: Path) -> None:
    root = repo_at(tmp_path)
    run = cli("import", "rncp", str(EXPORT), "--fiche", "90101", "--out", "frameworks/tmcc", cwd=root)  # fmt: skip
    assert run.code == 0, run.err
    assert run.out.splitlines()[0] == "imported tmcc in frameworks/tmcc: 3 blocks, 11 competencies"
    assert "no assessment criteria" in run.out and "11 competencies" in run.out
    fw = yaml_of(root / "frameworks/tmcc/framework.yaml")
    assert fw["title"] == "Technicien de maintenance des systèmes de chauffage et de climatisation"
    assert fw["codes"] == {"rncp": "RNCP90101", "rome": ["I1306", "I1308"], "nsf": ["227", "227r"], "formacode": ["22652", "22684"]}  # fmt: skip
    assert fw["level"] == {"eqf": 4, "national": {"fr": 4}}
    assert fw["status"] == "published"
    assert fw["validity"] == {"from": "2025-09-01", "until": "2030-08-31"}
    assert fw["certification"] == {"required": ["BC01", "BC02", "BC03"]}
    assert fw["x-rncp"] == {"id_fiche": "880101", "anciennes_certifications": ["RNCP90099"]}
    blocks = {p.stem: yaml_of(p) for p in sorted((root / "frameworks/tmcc/blocks").glob("*.yaml"))}
    assert list(blocks) == ["BC01", "BC02", "BC03"]
    ids = {b: [c["id"] for c in blocks[b]["competencies"]] for b in blocks}
    assert ids == {"BC01": ["C1.1", "C1.2", "C1.3", "C1.4"], "BC02": ["C2.1", "C2.2", "C2.3", "C2.4"], "BC03": ["C3.1", "C3.2", "C3.3"]}  # fmt: skip
    bc01 = blocks["BC01"]
    # <p>intro</p><ul><li>...</li></ul>: the list items; HTML entities read (&lt; and &nbsp;)
    assert bc01["description"] == "Être capable de :"
    assert bc01["competencies"][2]["statement"] == "Vérifier l'étanchéité d'un circuit hydraulique sous pression < 3 bar"  # fmt: skip
    assert bc01["competencies"][3]["statement"] == "Renseigner le carnet d'entretien et l'attestation d'entretien annuel"  # fmt: skip
    assert [(m["type"], m["description"][:25]) for m in bc01["modalities"]] == [("practical", "Mise en situation profess"), ("oral", "Entretien technique avec ")]  # fmt: skip
    # lines with -, • and – bullets, an introducing line ending with ":"
    bc02 = blocks["BC02"]
    assert bc02["description"] == "Compétences attestées :"
    assert bc02["competencies"][1]["statement"] == "Remplacer un composant défectueux en respectant les consignes du fabricant"  # fmt: skip
    assert [m["type"] for m in bc02["modalities"]] == ["written", "oral"]
    assert bc02["x-rncp"] == {"modalites": ["Évaluation continue pendant la période de formation"]}
    # lines separated by <br> and <br />
    assert blocks["BC03"]["competencies"][2]["statement"] == "Remettre au client le dossier de mise en service"  # fmt: skip
    assert all(c["kind"] == "skill" and "criteria" not in c for b in blocks.values() for c in b["competencies"])  # fmt: skip
    # the fiche gives no criteria: validate says so, and nothing else
    report = json.loads(cli("validate", "--no-cache", "--format", "json", cwd=root).out)
    rules = [p["rule"] for p in report]
    assert rules == ["competency-criteria"] * 11


def test_import_of_other_shapes_and_registers(cli, tmp_path: Path) -> None:
    root = repo_at(tmp_path)
    # HTML written as XML children, the level in LIBELLE, a spaced NSF code, an ISO date, the
    # replacing fiche under NOUVELLES_CERTIFICATIONS with an ID_FICHE_... child
    assert cli("import", "rncp", str(EXPORT), "--fiche", "RNCP90102", "-o", "frameworks/aph", cwd=root).code == 0  # fmt: skip
    fw = yaml_of(root / "frameworks/aph/framework.yaml")
    assert fw["codes"] == {"rncp": "RNCP90102", "rome": ["K2204"], "nsf": ["343t"]}
    assert fw["level"] == {"eqf": 3, "national": {"fr": 3}}
    assert fw["validity"] == {"until": "2029-12-31"}
    assert fw["x-rncp"]["nouvelles_certifications"] == ["RNCP90103"]
    bc01 = yaml_of(root / "frameworks/aph/blocks/BC01.yaml")
    assert [c["statement"] for c in bc01["competencies"]] == ["Préparer le chariot et les produits selon le protocole", "Appliquer les techniques de bionettoyage en chambre et en bloc"]  # fmt: skip
    assert bc01["modalities"] == [{"type": "workplace", "description": "Observation en situation de travail par le tuteur"}]  # fmt: skip
    # an inactive fiche is deprecated, replaced by the fiche it names
    assert cli("import", "rncp", str(EXPORT), "--fiche", "rncp 90099", "-o", "frameworks/old", cwd=root).code == 0  # fmt: skip
    old = yaml_of(root / "frameworks/old/framework.yaml")
    assert old["status"] == "deprecated"
    assert old["x-rncp"]["nouvelles_certifications"] == ["RNCP90101"]
    # a fiche of the specific register: codes.rs, no blocks, no level (said)
    run = cli("import", "rncp", str(EXPORT), "--fiche", "RS9001", "-o", "frameworks/fluides", "--reference", cwd=root)  # fmt: skip
    assert run.code == 0 and "0 blocks, 0 competencies" in run.out
    rs = yaml_of(root / "frameworks/fluides/framework.yaml")
    assert rs["codes"] == {"rs": "RS9001", "formacode": ["22649"]} and rs["type"] == "reference"


def test_list_of_the_fiches_of_an_export(cli, tmp_path: Path) -> None:
    run = cli("import", "rncp", str(EXPORT), "--list", cwd=tmp_path)
    assert run.code == 0
    assert run.lines == [
        "RNCP90099\tlevel 4\tinactive\tTechnicien de maintenance en génie climatique",
        "RNCP90101\tlevel 4\tactive\tTechnicien de maintenance des systèmes de chauffage et de climatisation",
        "RNCP90102\tlevel 3\tactive\tAgent de propreté et d'hygiène en milieu hospitalier",
        "RS9001\t-\tactive\tHabilitation à la manipulation des fluides frigorigènes",
    ]  # fmt: skip
    assert "4 of the 4 fiches" in run.err
    by_title = cli("import", "rncp", str(EXPORT), "--list", "technicien genie", cwd=tmp_path)
    assert [line.split("\t")[0] for line in by_title.lines] == ["RNCP90099"]  # accents aside
    by_number = cli("import", "rncp", str(EXPORT), "--list", "9010", "--format", "json", cwd=tmp_path)  # fmt: skip
    assert [f["fiche"] for f in json.loads(by_number.out)] == ["RNCP90101", "RNCP90102"]
    assert json.loads(by_number.out)[0] == {"fiche": "RNCP90101", "title": "Technicien de maintenance des systèmes de chauffage et de climatisation", "level": 4, "active": True}  # fmt: skip


def test_a_fiche_must_be_named_and_found(cli, tmp_path: Path) -> None:
    root = repo_at(tmp_path)
    neither = cli("import", "rncp", str(EXPORT), "-o", "frameworks/x", cwd=root)
    assert neither.code == 2 and "one of the arguments --fiche --list is required" in neither.err
    no_out = cli("import", "rncp", str(EXPORT), "--fiche", "90101", cwd=root)
    assert no_out.code == 2 and "say where to write the framework: --out DIR" in no_out.err
    bad = cli("import", "rncp", str(EXPORT), "--fiche", "RNCP-abc", "-o", "frameworks/x", cwd=root)
    assert bad.code == 2 and "RNCP-abc is not a fiche number" in bad.err
    missing = cli("import", "rncp", str(EXPORT), "--fiche", "90111", "-o", "frameworks/x", cwd=root)
    assert missing.code == 2
    assert "export-v4.1.xml: no fiche RNCP90111 among its 4 fiches; nothing written" in missing.err
    assert "hint: fiches of the export with a close number: RNCP90101 (Technicien de maintenance" in missing.err  # fmt: skip
    french = cli("--lang", "fr", "import", "rncp", str(EXPORT), "--fiche", "90111", "-o", "frameworks/x", cwd=root)  # fmt: skip
    assert "aucune fiche RNCP90111 parmi ses 4 fiches ; rien n'est écrit" in french.err
    assert list((root / "frameworks").iterdir()) == []


@pytest.mark.parametrize("name", sorted(k for k in EXPECTED if k != "_"))
def test_invalid_exports(cli, tmp_path: Path, name: str) -> None:
    expected = EXPECTED[name]
    root = repo_at(tmp_path)
    run = cli("import", "rncp", str(INVALID / name), "--fiche", expected["fiche"], "-o", "frameworks/x", cwd=root)  # fmt: skip
    assert run.code == expected["code"], run.err
    at = 0
    for fragment in expected["says"]:
        found = run.err.find(fragment, at)
        assert found >= 0, (fragment, run.err)
        at = found + len(fragment)
    assert "Traceback" not in run.err
    assert (root / "frameworks/x").exists() == expected["written"]
    if expected["code"] == 0:  # what could not be placed refuses the import with --strict
        strict = cli("import", "rncp", str(INVALID / name), "--fiche", expected["fiche"], "-o", "frameworks/y", "--strict", cwd=root)  # fmt: skip
        assert strict.code == 1 and "nothing written (--strict)" in strict.err
        assert not (root / "frameworks/y").exists()


def test_block_without_code_leaves_the_others(cli, tmp_path: Path) -> None:
    root = repo_at(tmp_path)
    cli("import", "rncp", str(INVALID / "block-without-code.xml"), "--fiche", "90203", "-o", "frameworks/ev", cwd=root)  # fmt: skip
    assert [p.name for p in (root / "frameworks/ev/blocks").iterdir()] == ["BC01.yaml"]
    assert yaml_of(root / "frameworks/ev/framework.yaml")["codes"]["rome"] == ["A1203"]


def test_an_import_in_french_says_its_notes_and_what_it_left_out_in_french(
    cli, tmp_path: Path
) -> None:
    root = repo_at(tmp_path)
    run = cli("--lang", "fr", "import", "rncp", str(EXPORT), "--fiche", "90101", "-o", "frameworks/tmcc", cwd=root)  # fmt: skip
    assert run.code == 0, run.err
    assert run.lines == [
        "tmcc importé dans frameworks/tmcc : 3 blocs, 11 compétences",
        "  remarque : chaque bloc est obligatoire pour la certification : modifiez certification: dans framework.yaml pour les blocs facultatifs",
        "  remarque : la fiche ne donne aucun critère d'évaluation : refkit validate en demande au moins un pour chacune des 11 compétences (ou importez avec --reference)",
    ]  # fmt: skip
    rs = cli("--lang", "fr", "import", "rncp", str(EXPORT), "--fiche", "RS9001", "-o", "frameworks/rs", cwd=root)  # fmt: skip
    assert rs.lines[1] == "  remarque : la fiche ne donne pas de niveau (NOMENCLATURE_EUROPE) : ajoutez level: à framework.yaml"  # fmt: skip
    ev = cli("--lang", "fr", "import", "rncp", str(INVALID / "block-without-code.xml"), "--fiche", "90203", "-o", "frameworks/ev", cwd=root)  # fmt: skip
    assert ev.err.splitlines()[1:] == [
        "  CODES_ROME/ROME : 'A12-03' n'est pas un code ROME",
        "  BLOC_COMPETENCES 2 (Créer des massifs) : le bloc n'a pas de CODE : ses compétences sont laissées de côté",
    ]  # fmt: skip
    # what a script reads stays in English
    json_run = cli("--lang", "fr", "import", "rncp", str(INVALID / "block-without-code.xml"), "--fiche", "90203", "-o", "frameworks/ev2", "--format", "json", cwd=root)  # fmt: skip
    report = json.loads(json_run.out)
    assert report["skipped"][0] == {"where": "CODES_ROME/ROME", "reason": "'A12-03' is not a ROME code"}  # fmt: skip
    assert report["notes"][-1] == "the fiche gives no assessment criteria: refkit validate asks for at least one for each of the 2 competencies (or import with --reference)"  # fmt: skip


def test_the_notes_of_a_fiche_of_one_competency_agree_in_number() -> None:
    from refkit.interop.rncp import fiche_to_framework

    fiche = ET.fromstring(
        "<FICHE><NUMERO_FICHE>RNCP1</NUMERO_FICHE><INTITULE>T</INTITULE><BLOCS_COMPETENCES>"
        "<BLOC_COMPETENCES><CODE>RNCP1BC01</CODE><LIBELLE>B</LIBELLE>"
        "<LISTE_COMPETENCES>Poser un tube</LISTE_COMPETENCES></BLOC_COMPETENCES>"
        "</BLOCS_COMPETENCES></FICHE>"
    )
    notes = fiche_to_framework(fiche, "x.xml").notes
    assert str(notes[-1]) == (
        "the fiche gives no assessment criteria: refkit validate asks for at least one for its "
        "only competency (or import with --reference)"
    )
    assert notes[-1].render("fr") == (
        "la fiche ne donne aucun critère d'évaluation : refkit validate en demande au moins un "
        "pour sa seule compétence (ou importez avec --reference)"
    )


def test_the_export_as_published_in_a_zip(cli, tmp_path: Path) -> None:
    root = repo_at(tmp_path)
    one = tmp_path / "export-fiches-rncp-v4-1-2026-01-15.zip"
    with zipfile.ZipFile(one, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(EXPORT, "export_fiches_RNCP_V4_1_2026-01-15.xml")
    run = cli("import", "rncp", str(one), "--fiche", "90101", "-o", "frameworks/tmcc", cwd=root)
    assert run.code == 0 and "3 blocks, 11 competencies" in run.out
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as z:
        z.write(EXPORT, "rncp.xml")
        z.write(EXPORT, "rs.xml")
    run = cli("import", "rncp", str(two), "--fiche", "90101", "-o", "frameworks/x", cwd=root)
    assert run.code == 2 and "holds 2 XML files (rncp.xml, rs.xml)" in run.err


def test_split_items_of_the_shapes_fiches_take() -> None:
    assert split_items("- Un\n- Deux\n\n* Trois\n1. Quatre\n2) Cinq\na) Six") == ([], ["Un", "Deux", "Trois", "Quatre", "Cinq", "Six"])  # fmt: skip
    assert split_items("<p>Le candidat sait :</p><ol><li>Un</li><li> Deux\n suite</li></ol><p>Fin.</p>") == (["Le candidat sait :", "Fin."], ["Un", "Deux suite"])  # fmt: skip
    assert split_items("Un<BR>Deux<br/>Trois") == ([], ["Un", "Deux", "Trois"])
    assert split_items("Température &lt; 5 °C et &gt; 0 °C") == ([], ["Température < 5 °C et > 0 °C"])  # fmt: skip
    assert split_items("a < b et c > d") == ([], ["a < b et c > d"])  # no tag: kept as written
    assert split_items("") == ([], [])


# -- export and round trip ----------------------------------------------------------------------


def test_import_validate_export_import_gives_the_same_framework(cli, tmp_path: Path) -> None:
    root = repo_at(tmp_path)
    assert cli("import", "rncp", str(EXPORT), "--fiche", "90101", "-o", "frameworks/tmcc", "--reference", cwd=root).code == 0  # fmt: skip
    assert cli("validate", "--no-cache", cwd=root).code == 0
    out = tmp_path / "fiche.xml"
    run = cli("export", "rncp", "tmcc", "-o", str(out), cwd=root)
    assert run.code == 0, run.err
    tree = ET.parse(out).getroot()
    assert [e.tag for e in tree] == ["VERSION_FLUX", "FICHE"]
    fiche = tree.find("FICHE")
    assert fiche is not None
    assert fiche.findtext("NUMERO_FICHE") == "RNCP90101" and fiche.findtext("ACTIF") == "Oui"
    assert fiche.findtext("NOMENCLATURE_EUROPE/NIVEAU") == "NIV4"
    assert [e.text for e in fiche.findall("CODES_ROME/ROME/CODE")] == ["I1306", "I1308"]
    assert [e.text for e in fiche.findall("BLOCS_COMPETENCES/BLOC_COMPETENCES/CODE")] == ["RNCP90101BC01", "RNCP90101BC02", "RNCP90101BC03"]  # fmt: skip
    assert fiche.findtext("DATE_FIN_ENREGISTREMENT") == "31/08/2030"
    assert fiche.findtext("ANCIENNE_CERTIFICATION") == "RNCP90099"
    assert cli("import", "rncp", str(out), "--fiche", "RNCP90101", "-o", "frameworks/again", "--reference", cwd=root).code == 0  # fmt: skip
    first, again = root / "frameworks/tmcc", root / "frameworks/again"
    files = sorted(p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again).as_posix() for p in again.rglob("*") if p.is_file())  # fmt: skip
    for name in files:
        expected = (first / name).read_text(encoding="utf-8").replace("id: tmcc\n", "id: again\n")
        assert (again / name).read_text(encoding="utf-8") == expected, name
    second = tmp_path / "again.xml"
    assert cli("export", "rncp", "again", "-o", str(second), cwd=root).code == 0
    assert second.read_bytes() == out.read_bytes()  # byte for byte


def test_a_native_framework_exports_and_comes_back(cli, sample_repo: Path, tmp_path: Path) -> None:
    first = cli("export", "rncp", "plombier-chauffagiste", cwd=sample_repo)
    assert first.code == 0
    fiche = ET.fromstring(first.out).find("FICHE")
    assert fiche is not None
    assert len(fiche.findall("BLOCS_COMPETENCES/BLOC_COMPETENCES")) == 8
    out = tmp_path / "pc.xml"
    out.write_text(first.out, encoding="utf-8")
    run = cli("import", "rncp", str(out), "--fiche", "RNCP90001", "-o", "frameworks/copie", cwd=sample_repo)  # fmt: skip
    assert run.code == 0 and "8 blocks, 33 competencies" in run.out
    # statements and block titles come back; ids are numbered C<block>.<n> from the block codes
    again = cli("export", "rncp", "copie", cwd=sample_repo)
    assert again.out == first.out
    # a modality whose description does not say its kind is exported after its kind's label
    assert "Mise en situation professionnelle : " in first.out


def test_export_of_a_framework_without_rncp_code(cli, sample_repo: Path) -> None:
    path = sample_repo / "frameworks/electricien-batiment/framework.yaml"
    text = path.read_text(encoding="utf-8")
    if "rncp:" in text:
        path.write_text("\n".join(line for line in text.splitlines() if "rncp:" not in line) + "\n", encoding="utf-8")  # fmt: skip
    run = cli("export", "rncp", "electricien-batiment", cwd=sample_repo)
    assert run.code == 2
    assert "electricien-batiment has no RNCP code (codes: rncp:)" in run.err


# -- correspondence: RNCP, training.gov.au, NZQA --------------------------------------------------


def _two_releases(cli, root: Path) -> None:
    """tmcc 1.0.0 as imported (fiche RNCP90101), then 2.0.0: renewed as RNCP90111, BC03 removed,
    its last competency moved to a new BC04, BC02 given a competency more."""
    assert cli("import", "rncp", str(EXPORT), "--fiche", "90101", "-o", "frameworks/tmcc", "--reference", cwd=root).code == 0  # fmt: skip
    assert cli("release", "tmcc", "--bump", "major", "-m", "first", cwd=root).code == 0
    fw = root / "frameworks/tmcc/framework.yaml"
    fw.write_text(fw.read_text(encoding="utf-8").replace("RNCP90101", "RNCP90111"), encoding="utf-8")  # fmt: skip
    blocks = root / "frameworks/tmcc/blocks"
    bc03 = blocks / "BC03.yaml"
    bc03.write_text(bc03.read_text(encoding="utf-8").replace("id: BC03", "id: BC04").replace("C3.", "C4."), encoding="utf-8")  # fmt: skip
    bc03.rename(blocks / "BC04.yaml")
    bc02 = blocks / "BC02.yaml"
    bc02.write_text(bc02.read_text(encoding="utf-8").replace("x-rncp:", "  - id: C2.5\n    statement: Rédiger le rapport d'intervention et le transmettre au client\n    kind: skill\nx-rncp:"), encoding="utf-8")  # fmt: skip
    assert cli("validate", "--no-cache", cwd=root).code == 0
    released = cli("release", "tmcc", "-m", "second", "--format", "json", cwd=root)
    assert released.code == 0, released.err


def test_correspondence_as_rncp_tga_and_nzqa(cli, tmp_path: Path) -> None:
    root = repo_at(tmp_path)
    _two_releases(cli, root)
    table = json.loads(cli("diff", "tmcc", "1.0.0", "2.0.0", "--correspondence", "--format", "json", cwd=root).out)  # fmt: skip
    kinds = {(e["old"], tuple(e["new"]), e["type"]) for e in table["blocks"]}
    assert kinds == {("BC01", ("BC01",), "equivalent"), ("BC02", ("BC02",), "partial"), ("BC03", ("BC04",), "equivalent")}  # fmt: skip

    run = cli("export", "rncp", "tmcc@2.0.0", "--correspondence-from", "1.0.0", cwd=root)
    assert run.code == 0, run.err
    fiche = ET.fromstring(run.out).find("FICHE")
    assert fiche is not None
    assert fiche.findtext("NUMERO_FICHE") == "RNCP90111"
    # the fiche it renews, as the register links them
    assert [e.text for e in fiche.findall("ANCIENNE_CERTIFICATION")] == ["RNCP90099", "RNCP90101"]
    corr = fiche.find("CORRESPONDANCES_BLOCS")
    assert corr is not None and corr.attrib == {"de": "1.0.0", "vers": "2.0.0"}
    rows = {r.findtext("ANCIEN_BLOC"): (r.findtext("TYPE"), [e.text for e in r.findall("NOUVEAU_BLOC")], [e.text for e in r.findall("COMPETENCE_MANQUANTE")]) for r in corr}  # fmt: skip
    assert rows == {
        "RNCP90101BC01": ("equivalent", ["RNCP90111BC01"], []),
        "RNCP90101BC02": ("partial", ["RNCP90111BC02"], ["C2.5"]),
        "RNCP90101BC03": ("equivalent", ["RNCP90111BC04"], []),
    }
    out = tmp_path / "fiche.xml"
    out.write_text(run.out, encoding="utf-8")
    back = cli("import", "rncp", str(out), "--fiche", "90111", "-o", "frameworks/back", cwd=root)
    assert back.code == 0 and "CORRESPONDANCES_BLOCS) is not imported" in back.out

    tga = cli("export", "tga", "tmcc@2.0.0", "--from", "1.0.0", cwd=root)
    assert tga.code == 0, tga.err
    got = list(csv.reader(io.StringIO(tga.out)))
    assert got[0] == ["Code", "Title", "Maps to code", "Maps to title", "Is equivalent", "Notes"]
    assert sorted((r[0], r[2], r[4], r[5]) for r in got[1:]) == [
        ("RNCP90111BC01", "RNCP90101BC01", "E", ""),
        ("RNCP90111BC02", "RNCP90101BC02", "N", "Competencies still to cover: C2.5"),
        ("RNCP90111BC04", "RNCP90101BC03", "E", ""),
    ]
    nzqa = cli("export", "nzqa", "tmcc@2.0.0", "--from", "1.0.0", "--last-date", "2026-12-31", cwd=root)  # fmt: skip
    assert nzqa.code == 0, nzqa.err
    got = list(csv.reader(io.StringIO(nzqa.out)))
    assert got[0] == ["Standard", "Title", "Status", "Replaced by", "Replaced by title", "Last date for assessment", "Notes"]  # fmt: skip
    assert [(r[0], r[2], r[3], r[5], r[6]) for r in got[1:]] == [
        ("RNCP90101BC01", "Registered", "", "", ""),
        ("RNCP90101BC02", "Registered", "", "", "Competencies still to cover: C2.5"),
        ("RNCP90101BC03", "Expiring", "RNCP90111BC04", "2026-12-31", ""),
        ("RNCP90111BC04", "Registered", "", "", "This standard replaced standard RNCP90101BC03"),
    ]
    no_from = cli("export", "tga", "tmcc", cwd=root)
    assert no_from.code == 2 and "--from VERSION" in no_from.err


# -- a large export: one fiche in memory at a time ------------------------------------------------


def test_a_large_export_is_read_one_fiche_at_a_time(tmp_path: Path) -> None:
    """3,000 fiches (about 9 MB): what reading them all holds at its peak stays under a tenth of
    the file, as it would under a tenth of a 30,000-fiche export (bench/rncp.py measures that)."""
    import tracemalloc

    from refkit.interop.rncp_xml import scan

    path = tmp_path / "export.xml"
    fiche = EXPORT.read_text(encoding="utf-8").split("<FICHE>")[2].split("</FICHE>")[0]
    with path.open("w", encoding="utf-8") as f:
        f.write("<?xml version='1.0' encoding='utf-8'?>\n<FICHES>\n")
        for i in range(3000):
            f.write("<FICHE>" + fiche.replace("RNCP90101", f"RNCP{50000 + i}") + "</FICHE>\n")
        f.write("</FICHES>\n")
    size = path.stat().st_size
    tracemalloc.start()
    try:
        found = scan(path, "RNCP52999")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert found.found is not None and found.times == 1 and len(found.fiches) == 3000
    assert peak < size / 10, (peak, size)

"""Import and export on real public frameworks: CASE (OpenSALT), ESCO, NICE, DIRECT, spreadsheets.

The corpus is read from ../shared/corpus next to the repository (each folder has a PROVENANCE.md);
it is never copied into the repository. Without it these tests fail, they are not skipped.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from refkit.interop import id_from_identifier, slug, stable_uuid
from refkit.interop.case import normalize_package
from refkit.interop.case_schema import schema_problems
from tests.conftest import REPO, git


def _find_corpus() -> Path:
    """REFKIT_CORPUS if set, else shared/corpus next to the repository, else where the project's
    machines keep it (/work/shared/corpus): a clean clone made elsewhere still finds it."""
    import os

    candidates = [REPO.parent / "shared" / "corpus", Path("/work/shared/corpus")]
    if os.environ.get("REFKIT_CORPUS"):
        candidates.insert(0, Path(os.environ["REFKIT_CORPUS"]))
    return next((c for c in candidates if (c / "README.md").is_file()), candidates[0])


CORPUS = _find_corpus()
CASE_DIR = CORPUS / "opensalt-case"
CASE_SCHEMA = CASE_DIR / "schema" / "case-v1p0-cfpackage-schema.json"
ESCO = CORPUS / "esco-v1.1.0-v1.1.1"
NICE = CORPUS / "nice-framework-v2.0.0-v2.1.0"
DIRECT = CORPUS / "direct-framework-v1.0-v2.0.0"


def esco_zip(version: str, lang: str = "en") -> Path:
    return ESCO / f"v{version}" / f"ESCO dataset - v{version} - classification - {lang} - csv.zip"


@pytest.fixture(scope="session", autouse=True)
def corpus() -> Path:
    if not (CORPUS / "README.md").is_file():
        pytest.fail(
            f"the real-framework corpus is missing: expected it at {CORPUS} "
            "(shared/corpus next to the repository, or set REFKIT_CORPUS; see its PROVENANCE.md files)"
        )
    return CORPUS


CASE_FILES = sorted(p.relative_to(CASE_DIR).as_posix() for p in CASE_DIR.rglob("*.json") if p.parent.name != "schema")  # fmt: skip


def repo_at(tmp_path: Path) -> Path:
    root = tmp_path / "imported"
    (root / "frameworks").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    return root


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "frameworks").iterdir())


# -- CASE ---------------------------------------------------------------------------------------


def _shape(package: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """Statements by identifier, and each item's parent ("DOC" for the document)."""
    pkg = normalize_package(package, "test")
    doc = pkg["CFDocument"]["identifier"]
    statements = {i["identifier"]: i["fullStatement"] for i in pkg.get("CFItems", [])}
    parents: dict[str, str] = {}
    for a in pkg["CFAssociations"]:
        if a["associationType"] == "isChildOf":
            dest = a["destinationNodeURI"]["identifier"]
            parents.setdefault(a["originNodeURI"]["identifier"], "DOC" if dest == doc else dest)
    return statements, parents


@pytest.mark.parametrize("name", CASE_FILES)
def test_case_round_trip_keeps_items_statements_and_hierarchy(
    cli, tmp_path: Path, name: str
) -> None:
    root = repo_at(tmp_path)
    source = CASE_DIR / name
    run = cli("import", "case", str(source), "--out", "frameworks/case", cwd=root)
    assert run.code == 0, run.err
    assert cli("validate", "--no-cache", cwd=root).code == 0
    exported = cli("export", "case", "case", "--schema", str(CASE_SCHEMA), cwd=root)
    assert exported.code == 0, exported.err
    package = json.loads(exported.out)
    assert schema_problems(package, json.loads(CASE_SCHEMA.read_text(encoding="utf-8"))) == []

    # the other associations came in as relations and go out as the same associations
    def others(p: dict[str, Any]) -> list[tuple[str, str]]:
        return sorted((a["associationType"], a["identifier"]) for a in p["CFAssociations"] if a["associationType"] != "isChildOf")  # fmt: skip

    assert others(package) == others(normalize_package(json.loads(source.read_text(encoding="utf-8")), "test"))  # fmt: skip
    statements, parents = _shape(json.loads(source.read_text(encoding="utf-8")))
    got_statements, got_parents = _shape(package)
    # line ends written CR LF in a statement come in as LF (a framework holds no CR), and a text
    # of several lines is written as a block of lines, which ends with a line end
    statements = {k: v.replace("\r\n", "\n") for k, v in statements.items()}
    got_statements = {k: v.rstrip("\n") if "\n" in v else v for k, v in got_statements.items()}
    statements = {k: v.rstrip("\n") if "\n" in v else v for k, v in statements.items()}
    ids = {k: id_from_identifier(k) for k in statements}  # UUIDs stay; ASN URIs become UUIDs
    assert got_statements == {ids[k]: v for k, v in statements.items()}
    assert got_parents == {ids[k]: v if v == "DOC" else ids[v] for k, v in parents.items()}

    # a re-import of the export matches the first import file for file
    (tmp_path / "export.json").write_text(exported.out, encoding="utf-8")
    again = cli(
        "import", "case", str(tmp_path / "export.json"), "--out", "frameworks/again", cwd=root
    )
    assert again.code == 0, again.err
    first, second = root / "frameworks" / "case", root / "frameworks" / "again"
    assert sorted(p.name for p in (first / "blocks").glob("*")) == sorted(p.name for p in (second / "blocks").glob("*"))  # fmt: skip
    for block in (first / "blocks").glob("*.yaml"):
        old = _competencies(block)
        new = _competencies(second / "blocks" / block.name)
        assert [(c["id"], c["statement"], c.get("x-case", {}).get("parent")) for c in old] == [
            (c["id"], c["statement"], c.get("x-case", {}).get("parent")) for c in new
        ]


def _competencies(path: Path) -> list[dict[str, Any]]:
    import yaml

    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return list(data["competencies"])


def test_case_export_of_a_native_framework_has_stable_uuids_and_criteria(
    cli, sample_repo: Path
) -> None:
    first = cli(
        "export", "case", "plombier-chauffagiste", "--schema", str(CASE_SCHEMA), cwd=sample_repo
    )
    assert first.code == 0, first.err
    again = cli("export", "case", "plombier-chauffagiste", cwd=sample_repo)
    a, b = json.loads(first.out), json.loads(again.out)
    assert [i["identifier"] for i in a["CFItems"]] == [i["identifier"] for i in b["CFItems"]]
    codes = {i["humanCodingScheme"]: i for i in a["CFItems"]}
    assert "BC02" in codes and codes["BC02"]["CFItemType"] == "Block"
    criteria = a["CFRubrics"][0]["CFRubricCriteria"]
    assert criteria and all(c["CFItemURI"]["identifier"] in {i["identifier"] for i in a["CFItems"]} for c in criteria)  # fmt: skip


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"documents": [], "elements": []}', "is not a CASE package: it has no CFDocument (found: documents, elements)"),
        ("[1, 2]", "is not a CASE package: it holds a JSON list"),
        ('{"CFDocument": {"identifier": "d1", "title": "T"}, "CFItems": [{"fullStatement": "Une compétence"}]}',
         '1 item cannot be imported: CFItems[0] ("Une compétence") has no identifier'),
        ('{"CFDocument": {"title": "T"}}', "the CFDocument has no identifier"),
        ('{"CFDocument": ', "not valid JSON"),
    ],
)  # fmt: skip
def test_bad_case_input_is_refused_and_nothing_written(
    cli, tmp_path: Path, content: str, message: str
) -> None:
    root = repo_at(tmp_path)
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    run = cli("import", "case", str(bad), "--out", "frameworks/bad", cwd=root)
    assert run.code == 2
    assert message in run.err
    assert "hint:" in run.err and "Traceback" not in run.err
    assert leftovers(root) == []


# -- spreadsheets -------------------------------------------------------------------------------


def test_csv_round_trip_and_rows_that_cannot_be_placed(
    cli, sample_repo: Path, tmp_path: Path
) -> None:
    exported = cli("export", "csv", "plombier-chauffagiste", cwd=sample_repo)
    assert exported.code == 0
    rows = list(csv.reader(io.StringIO(exported.out)))
    assert rows[0] == [
        "block",
        "block title",
        "id",
        "statement",
        "kind",
        "criteria",
        "esco",
        "notes",
    ]
    rows.append(["BC01", "", "", "Sans identifiant", "skill", "", "", ""])
    rows.append(["BC01", "", rows[1][2], "Doublon", "skill", "", "", ""])
    rows.append(["BC01", "", "C9.9", "Type inconnu", "talent", "", "", ""])
    sheet = tmp_path / "sheet.csv"
    with sheet.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=";").writerows(rows)
    root = repo_at(tmp_path)
    strict = cli("import", "csv", str(sheet), "--out", "frameworks/copie", "--eqf", "3", "--strict", cwd=root)  # fmt: skip
    assert strict.code == 1 and "nothing written (--strict)" in strict.err
    assert not (root / "frameworks/copie").exists()
    run = cli("import", "csv", str(sheet), "--out", "frameworks/copie", "--eqf", "3", cwd=root)
    assert run.code == 0  # written without those rows: they are listed as a warning
    assert "refkit: warning: 3 parts of" in run.err
    n = len(rows)
    assert f"row {n - 2}: no id" in run.err
    assert f"row {n - 1}: competency {rows[1][2]} is already on row 2" in run.err
    assert f"row {n}: kind 'talent' is not knowledge, skill or attitude" in run.err
    again = cli("export", "csv", "copie", cwd=root)
    assert again.out == exported.out  # every competency, block, criterion and kind came back
    assert cli("validate", "--no-cache", cwd=root).code == 0


def test_an_import_says_its_notes_and_the_rows_it_left_out_in_the_users_language(
    cli, tmp_path: Path
) -> None:
    """refkit --lang fr import: the notes and why each row was left out, in French; the same
    import in --format json, in English (what a script reads does not change with the user)."""
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "block,id,statement,kind\nBC01,C1,Souder un tube,skill\nBC01,,Sans identifiant,skill\n"
        "BC01,C1,Doublon,skill\nBC01,C2,Type inconnu,talent\n,,Rien,skill\n",
        encoding="utf-8",
    )
    root = repo_at(tmp_path)
    run = cli("--lang", "fr", "import", "csv", str(sheet), "--out", "frameworks/t", "--eqf", "3", cwd=root)  # fmt: skip
    assert run.code == 0, run.err
    assert run.lines == [
        "t importé dans frameworks/t : 1 bloc, 1 compétence",
        "  remarque : chaque bloc est obligatoire pour la certification : modifiez certification: dans framework.yaml pour les blocs au choix",
        "  remarque : 1 compétence n'a pas de critère : refkit validate en demande au moins un",
    ]  # fmt: skip
    assert run.err.splitlines()[-4:] == [
        "  ligne 3 : pas d'id",
        "  ligne 4 : la compétence C1 figure déjà à la ligne 2",
        "  ligne 5 : la nature 'talent' n'est ni savoir, ni savoir-faire, ni savoir-être",
        "  ligne 6 : pas de block ni d'id",
    ]
    json_run = cli("--lang", "fr", "import", "csv", str(sheet), "--out", "frameworks/u", "--eqf", "3", "--format", "json", cwd=root)  # fmt: skip
    report = json.loads(json_run.out)
    assert report["skipped"] == [
        {"where": "row 3", "reason": "no id"},
        {"where": "row 4", "reason": "competency C1 is already on row 2"},
        {"where": "row 5", "reason": "kind 'talent' is not knowledge, skill or attitude"},
        {"where": "row 6", "reason": "no block and no id"},
    ]
    assert report["notes"] == [
        "every block is required for the certification: edit certification: in framework.yaml for electives",
        "1 competency has no criteria: refkit validate asks for at least one each",
    ]  # fmt: skip


def test_a_case_package_refused_for_its_items_says_each_in_the_users_language(
    cli, tmp_path: Path
) -> None:
    root = repo_at(tmp_path)
    bad = tmp_path / "bad.json"
    items = [{"fullStatement": "Une compétence"}, 7, {"identifier": "i3", "fullStatement": 3}]
    bad.write_text(json.dumps({"CFDocument": {"identifier": "d1", "title": "T"}, "CFItems": items}))  # fmt: skip
    english = cli("import", "case", str(bad), "--out", "frameworks/bad", cwd=root)
    assert english.code == 2
    assert (
        '3 items cannot be imported: CFItems[0] ("Une compétence") has no identifier; '
        "CFItems[1] is not an object; CFItems[2].fullStatement (i3) is a number, not text"
    ) in english.err
    french = cli("--lang", "fr", "import", "case", str(bad), "--out", "frameworks/bad", cwd=root)
    assert (
        '3 éléments impossibles à importer : CFItems[0] ("Une compétence") n\'a pas '
        "d'identifiant (identifier) ; CFItems[1] n'est pas un objet ; CFItems[2].fullStatement "
        "(i3) est un nombre, pas du texte"
    ) in french.err
    assert leftovers(root) == []


def test_xlsx_round_trip_with_a_column_mapping(cli, sample_repo: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "plombier.xlsx"
    assert cli("export", "xlsx", "plombier-chauffagiste", "-o", str(out), cwd=sample_repo).code == 0
    wb = load_workbook(out)
    wb.active["D1"] = "Libellé"  # the working group's own heading for the statement
    wb.save(out)
    root = repo_at(tmp_path)
    missing = cli("import", "xlsx", str(out), "--out", "frameworks/copie", "--eqf", "3", cwd=root)
    assert missing.code == 2
    assert "missing column 'statement'" in missing.err and "--map" in missing.err
    assert leftovers(root) == []
    run = cli("import", "xlsx", str(out), "--out", "frameworks/copie", "--eqf", "3", "--map", "statement=Libellé", cwd=root)  # fmt: skip
    assert run.code == 0, run.err
    original = cli("export", "csv", "plombier-chauffagiste", cwd=sample_repo).out
    assert cli("export", "csv", "copie", cwd=root).out == original


def test_xlsx_with_merged_cells_is_refused(cli, tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["block", "id", "statement"])
    ws.append(["BC01", "C1.1", "Poser un réseau"])
    ws.append([None, "C1.2", "Raccorder un appareil"])
    ws.merge_cells("A2:A3")
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    root = repo_at(tmp_path)
    run = cli("import", "xlsx", str(path), "--out", "frameworks/x", "--reference", cwd=root)
    assert run.code == 2
    assert "has merged cells A2:A3" in run.err and "unmerge" in run.err
    assert leftovers(root) == []


# -- real two-version pairs: import, validate, release, diff --------------------------------------


def release_pair(cli, root: Path, fid: str, first: list[str], second: list[str]) -> dict[str, Any]:
    """Import two versions of a source as releases of one framework; their diff as JSON."""
    run = cli("import", *first, "--out", f"frameworks/{fid}", cwd=root)
    assert run.code in (0, 1), run.err
    assert cli("validate", "--no-cache", cwd=root).code == 0
    assert cli("release", fid, "--bump", "major", "-m", "first", cwd=root).code == 0
    run = cli("import", *second, "--out", f"frameworks/{fid}", "--replace", cwd=root)
    assert run.code in (0, 1), run.err
    assert cli("validate", "--no-cache", cwd=root).code == 0
    released = cli("release", fid, "-m", "second", "--format", "json", cwd=root)
    assert released.code == 0, released.err
    version = json.loads(released.out)["version"]
    diff = cli("diff", fid, "1.0.0", version, "--format", "json", cwd=root)
    assert diff.code == 0, diff.err
    data: dict[str, Any] = json.loads(diff.out)
    data["released"] = version
    return data


def ids(diff: dict[str, Any], kind: str, change: str) -> set[str]:
    return {c["id"] for c in diff["changes"] if c["kind"] == kind and c["change"] == change}


def esco_rows(version: str, name: str) -> dict[str, dict[str, str]]:
    with zipfile.ZipFile(esco_zip(version)) as z:
        text = z.read(name).decode("utf-8")
    return {r["conceptUri"]: r for r in csv.DictReader(io.StringIO(text))}


def test_esco_digcomp_versions_diff_gives_the_real_changes(cli, tmp_path: Path) -> None:
    root = repo_at(tmp_path)
    diff = release_pair(cli, root, "digcomp",
                        ["esco", str(esco_zip("1.1.0")), "--collection", "digComp"],
                        ["esco", str(esco_zip("1.1.1")), "--collection", "digComp"])  # fmt: skip
    old = esco_rows("1.1.0", "digCompSkillsCollection_en.csv")
    new = esco_rows("1.1.1", "digCompSkillsCollection_en.csv")
    key = lambda uri: uri.rsplit("/", 1)[-1]  # noqa: E731
    assert ids(diff, "competency", "added") == {key(u) for u in set(new) - set(old)}
    assert ids(diff, "competency", "removed") == {key(u) for u in set(old) - set(new)}
    assert ids(diff, "competency", "renamed") == set()
    assert len(set(new) - set(old)) == 5


def test_esco_skill_group_versions_and_a_zip_without_the_csv(cli, tmp_path: Path) -> None:
    relations = {v: ESCO / f"v{v}" / f"ESCO dataset - v{v} - classification -  - csv.zip" for v in ("1.1.0", "1.1.1")}  # fmt: skip
    root = repo_at(tmp_path)
    refused = cli("import", "esco", str(esco_zip("1.1.0")), "--group", "S5", "--out", "frameworks/s5", cwd=root)  # fmt: skip
    assert refused.code == 2
    assert "broaderRelationsSkillPillar.csv is in none of the zips given" in refused.err
    assert leftovers(root) == []
    refused = cli("import", "esco", str(relations["1.1.0"]), "--collection", "digComp", "--out", "frameworks/s5", cwd=root)  # fmt: skip
    assert refused.code == 2 and "skills_<language>.csv" in refused.err
    diff = release_pair(cli, root, "s5",
                        ["esco", str(esco_zip("1.1.0")), str(relations["1.1.0"]), "--group", "S5"],
                        ["esco", str(esco_zip("1.1.1")), str(relations["1.1.1"]), "--group", "S5"])  # fmt: skip
    # the skills under S5 in each version, keyed on their URIs
    expected: dict[str, set[str]] = {}
    for v in ("1.1.0", "1.1.1"):
        with zipfile.ZipFile(relations[v]) as z:
            rows = list(csv.DictReader(io.StringIO(z.read("broaderRelationsSkillPillar.csv").decode("utf-8"))))  # fmt: skip
        groups = esco_rows(v, "skillGroups_en.csv")
        root_uri = next(u for u, r in groups.items() if r["code"] == "S5" or u.endswith("/S5"))
        narrower: dict[str, list[str]] = {}
        for r in rows:
            narrower.setdefault(r["broaderUri"], []).append(r["conceptUri"])
        seen, stack = {root_uri}, [root_uri]
        while stack:
            for child in narrower.get(stack.pop(), []):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        skills = esco_rows(v, "skills_en.csv")
        expected[v] = {u.rsplit("/", 1)[-1] for u in seen if u in skills}
    assert ids(diff, "competency", "added") == expected["1.1.1"] - expected["1.1.0"]
    assert ids(diff, "competency", "removed") == expected["1.1.0"] - expected["1.1.1"]
    assert ids(diff, "competency", "added") | ids(diff, "competency", "removed")  # a real change
    # what ESCO keeps beside the statement, diffed field by field, with counts (issue 17): the
    # broader concepts and schemes of 1.1.1 (skill groups given UUIDs), the dates of change
    # broader concepts are relations (issue 17): to the competency or block that is the concept,
    # else to its URI (tests/test_relations.py checks the counts against the CSVs)
    assert diff["summary"]["fields"]["competency"] == {
        "notes": 7,
        "relations": 252,
        "statement": 1,
        "x-esco.inScheme": 424,
        "x-esco.modifiedDate": 424,
    }
    assert diff["summary"]["fields"]["block"]["relations"] == 14
    assert diff["summary"]["relations"] == {"added": {"broader": 270}, "removed": {"broader": 263}}
    broader = next(
        f
        for c in diff["changes"]
        if c["kind"] == "block" and c["id"] == "S5.0.0"
        for f in c["fields"]
        if f["field"] == "relations"
    )
    new_uri = "http://data.europa.eu/esco/skill/f5328159-dfe9-4f25-b8e7-a03fb0d3a991"
    assert [(i["change"], i["type"], i["target"]) for i in broader["items"]] == [
        ("added", "broader", new_uri),
        ("removed", "broader", "http://data.europa.eu/esco/skill/S5.0"),
    ]
    text = cli("diff", "s5", "1.0.0", diff["released"], cwd=root).out
    assert (
        "      Relation removed: has the broader concept http://data.europa.eu/esco/skill/S5.0\n"
        in text
    )
    assert max(len(line) for line in text.splitlines()) < 400  # no whole blob on one line


def test_a_case_package_with_new_identifiers_only_is_a_patch(cli, tmp_path: Path) -> None:
    """The same content exported again with new association identifiers, addresses and dates:
    reported as such, and a patch (it proposed a minor version: every item modified)."""
    import uuid

    draft = CASE_DIR / "what-standards-could-be" / "opensalt-framework-20c5134f-423d-4097-a971-3dd5152bf507.json"  # fmt: skip
    again = json.loads(draft.read_text(encoding="utf-8"))
    for a in again["CFAssociations"]:
        new = str(uuid.uuid5(uuid.NAMESPACE_URL, a["identifier"] + "/again"))
        a["uri"], a["identifier"] = a["uri"].replace(a["identifier"], new), new
        a["lastChangeDateTime"] = "2018-01-01T00:00:00+00:00"
    second = tmp_path / "again.json"
    second.write_text(json.dumps(again), encoding="utf-8")
    root = repo_at(tmp_path)
    diff = release_pair(cli, root, "w", ["case", str(draft)], ["case", str(second)])
    assert diff["released"] == "1.0.1"
    # the associations are the competencies' relations; what CASE needs of them is beside them
    assert set(diff["summary"]["fields"]["competency"]) == {"x-case.relations.bookkeeping"}
    text = cli("diff", "w", "1.0.0", "1.0.1", cwd=root).out
    assert "relations (x-case): 1 record with new identifiers, addresses or dates" in text


def nice_elements(path: Path) -> dict[str, dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    data = data.get("response", {}).get("elements", data)
    return {e["element_identifier"]: e for e in data["elements"]}


def test_nice_versions_diff_gives_the_real_changes_and_whitespace(cli, tmp_path: Path) -> None:
    old_file, new_file = NICE / "v2.0.0" / "v2_nf_components.json", NICE / "v2.1.0" / "cprt_SP_800_181_2_1_0.json"  # fmt: skip
    root = repo_at(tmp_path)
    first = cli("import", "nice", str(old_file), "--out", "frameworks/nice", cwd=root)
    assert first.code == 0  # written; v2.0.0 links work roles to four elements it lacks:
    assert "relationship 4123 (PD-WRL-001 -> T1385): element T1385 is not in the file" in first.err
    assert leftovers(root) == ["nice"]  # written all the same, with the report
    root2 = repo_at(tmp_path / "b")
    diff = release_pair(cli, root2, "nice", ["nice", str(old_file)], ["nice", str(new_file)])
    old, new = nice_elements(old_file), nice_elements(new_file)
    statements = {"task", "knowledge", "skill"}
    old_ids = {k for k, e in old.items() if e["element_type"] in statements}
    new_ids = {k for k, e in new.items() if e["element_type"] in statements}
    assert ids(diff, "competency", "added") == new_ids - old_ids
    assert ids(diff, "competency", "removed") == old_ids - new_ids
    assert ids(diff, "competency", "renamed") == set()  # NICE ids are never renumbered
    # whitespace-only edits (a trailing space or no-break space) are reported as such
    ws_only = {k for k in old_ids & new_ids if old[k]["text"] != new[k]["text"] and old[k]["text"].split() == new[k]["text"].split()}  # fmt: skip
    assert ws_only == {"T2028", "S0930"}
    natures = {c["id"]: [f["nature"] for f in c["fields"] if f["field"] == "statement"] for c in diff["changes"] if c["kind"] == "competency"}  # fmt: skip
    assert all(natures[k] == ["whitespace"] for k in ws_only)
    reworded = {k for k in old_ids & new_ids if old[k]["text"].split() != new[k]["text"].split()}
    assert {k for k, n in natures.items() if n == ["reworded"]} == reworded
    roles_ws = {k for k, e in old.items() if e["element_type"] == "work_role" and e["text"] != new[k]["text"] and e["text"].split() == new[k]["text"].split()}  # fmt: skip
    activity_ws = {c["id"] for c in diff["changes"] if c["kind"] == "activity" for f in c["fields"] if f["field"] == "description" and f["nature"] == "whitespace"}  # fmt: skip
    assert activity_ws == roles_ws and len(roles_ws) >= 5
    # what NICE says beside the statements (issue 17): the competency areas each element is
    # linked to, counted, and the areas' and categories' descriptions that changed, named
    fields = diff["summary"]["fields"]
    assert fields["competency"]["x-nice.competency_areas"] == 121
    assert {f for f in fields["framework"] if "[" in f and not f.startswith("x-nice.sort")} == {
        "x-nice.categories[IN].text",
        "x-nice.competency_areas[NF-COM-002].text",
    }
    links = [
        f
        for c in diff["changes"]
        if c["id"] == "K0092"
        for f in c["fields"]
        if f["field"] == "x-nice.competency_areas"
    ]
    assert links[0]["items"] == [{"change": "removed", "text": "NF-COM-007"}]
    # work role -> task, knowledge and skill links are the roles' "requires" relations (issue 17)
    links = {"old": nice_role_links(old_file), "new": nice_role_links(new_file)}
    assert diff["summary"]["relations"] == {
        "added": {"requires": len(links["new"] - links["old"])},
        "removed": {"requires": len(links["old"] - links["new"])},
    }
    # NICE's "sort" elements are kept: the one v2.1.0 removed is named
    sort = next(
        f
        for c in diff["changes"]
        if c["kind"] == "framework"
        for f in c["fields"]
        if f["field"] == "x-nice.sort"
    )
    assert sort["items"] == [{"change": "removed", "text": "id: S-DD-WRL-009, title: 00002.00009"}]


def nice_role_links(path: Path) -> set[tuple[str, str]]:
    """(work role, task/knowledge/skill) pairs of a NICE file, both elements in it."""
    data = json.loads(path.read_text(encoding="utf-8"))
    data = data.get("response", {}).get("elements", data)
    kind = {e["element_identifier"]: e["element_type"] for e in data["elements"]}
    return {
        (r["source_element_identifier"], r["dest_element_identifier"])
        for r in data["relationships"]
        if kind.get(r["source_element_identifier"]) == "work_role"
        and kind.get(r["dest_element_identifier"]) in ("task", "knowledge", "skill")
    }


def direct_skills(path: Path) -> dict[str, dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    top, middle = ("categories", "subcategories") if "categories" in data else ("competency_domains", "competencies")  # fmt: skip
    return {slug(s["title"]): s for d in data[top] for m in d[middle] for s in m["skills"]}


def test_direct_versions_diff_pairs_renamed_skills(cli, tmp_path: Path) -> None:
    old_file = DIRECT / "v1.0" / "framework" / "skills-competencies-framework.json"
    new_file = DIRECT / "v2.0.0" / "framework" / "DIRECT-framework-all-in-one.json"
    root = repo_at(tmp_path)
    diff = release_pair(cli, root, "direct", ["direct", str(old_file)], ["direct", str(new_file)])
    old, new = direct_skills(old_file), direct_skills(new_file)
    gone, came = set(old) - set(new), set(new) - set(old)  # keyed on titles: 95 and 96
    renamed = {c["old_id"]: c["id"] for c in diff["changes"] if c["kind"] == "competency" and c["change"] == "renamed"}  # fmt: skip
    assert set(renamed) <= gone and set(renamed.values()) <= came
    assert len(renamed) >= len(gone) // 2  # most renamed skills are paired, not removed and added
    assert ids(diff, "competency", "removed") == gone - set(renamed)
    assert ids(diff, "competency", "added") == came - set(renamed.values())
    # a skill renamed with its description unchanged is always paired with itself
    same_text = {o: n for o in gone for n in came if old[o]["description"].strip() == new[n]["description"].strip()}  # fmt: skip
    assert same_text and all(renamed.get(o) == n for o, n in same_text.items())
    assert renamed.get("enviroment-package-management") == "environment-and-package-management"
    # renamed skills whose descriptions were rewritten are paired by their titles, which say so
    by_title = {
        c["old_id"]: (c["id"], c["similarity"])
        for c in diff["changes"]
        if c["kind"] == "competency" and c.get("paired_by") == "title"
    }
    assert by_title["data-protection-ethics"] == ("data-protection-and-ethics", 0.857)
    assert by_title["network-security"] == ("network-and-application-security", 0.667)
    text = cli("diff", "direct", "1.0.0", diff["released"], cwd=root).out
    assert (
        "data-protection-ethics becomes data-protection-and-ethics (paired by title, 86% similar)"
        in text
    )
    # --pairing: a stricter similarity leaves it removed and added
    strict = json.loads(cli("diff", "direct", "1.0.0", diff["released"], "--pairing", "0.9", "--format", "json", cwd=root).out)  # fmt: skip
    assert "data-protection-ethics" in ids(strict, "competency", "removed")
    assert "data-protection-and-ethics" in ids(strict, "competency", "added")
    assert cli("diff", "direct", "--pairing", "2", cwd=root).code == 2

    # the correspondence table of the blocks, exported as CASE associations between versions
    new_version = diff["released"]
    table = json.loads(cli("diff", "direct", "1.0.0", new_version, "--correspondence", "--format", "json", cwd=root).out)  # fmt: skip
    expected = {
        (stable_uuid("direct", "block", e["old"]), stable_uuid("direct", "block", n),
         "exactMatchOf" if e["type"] == "equivalent" else "replacedBy")
        for e in table["blocks"] if e["old"] and e["new"] for n in e["new"] if n != e["old"]
    }  # fmt: skip
    assert len(expected) >= 5  # DIRECT v2 renamed and merged several of v1's groups
    run = cli("export", "case", f"direct@{new_version}", "--correspondence-from", "1.0.0",
              "--schema", str(CASE_SCHEMA), cwd=root)  # fmt: skip
    assert run.code == 0, run.err
    package = json.loads(run.out)
    (grouping,) = package["CFDefinitions"]["CFAssociationGroupings"]
    assert grouping["title"] == f"Correspondence 1.0.0 → {new_version}"
    got = {
        (
            a["originNodeURI"]["identifier"],
            a["destinationNodeURI"]["identifier"],
            a["associationType"],
        )
        for a in package["CFAssociations"]
        if (a.get("CFAssociationGroupingURI") or {}).get("identifier") == grouping["identifier"]
    }
    assert got == expected


def test_imported_text_with_control_characters_and_crlf_is_repaired_and_said(
    cli, tmp_path: Path
) -> None:
    # ESCO's skills pillar has a C1 control character (U+009D) in a description; CASE's
    # Markdown fixture has CR LF line ends inside a statement: the import repairs both, says so,
    # and the framework validates (the rule control-character would refuse it)
    sheet = tmp_path / "sheet.csv"
    notes = "première ligne\r\nseconde\x9d ligne"
    with sheet.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["block", "id", "statement", "notes"], ["BC01", "C1", "Souder\x9d un tube", notes]])  # fmt: skip
    root = repo_at(tmp_path)
    run = cli("import", "csv", str(sheet), "--out", "frameworks/t", "--reference", cwd=root)
    assert run.code == 0, run.err
    said = run.out + run.err
    assert "1 line end written CR LF in texts of the source made LF" in said
    assert "2 control characters removed from texts of the source (U+009D ×2)" in said
    assert cli("validate", "--no-cache", cwd=root).code == 0
    rows = list(csv.reader(io.StringIO(cli("export", "csv", "t", cwd=root).out)))
    assert rows[1][3] == "Souder un tube" and rows[1][7] == "première ligne\nseconde ligne\n"


def test_case_import_checks_the_package_against_a_schema_and_says_what_it_repairs(
    cli, tmp_path: Path
) -> None:
    """refkit import case checks the package against refkit's own CASE 1.0/1.1 schema (or
    --schema): each problem with its JSON path, as a warning (the framework is written), or a
    refusal with --strict; and says what it read otherwise than written."""
    root = repo_at(tmp_path)
    draft = CASE_DIR / "what-standards-could-be" / "opensalt-framework-20c5134f-423d-4097-a971-3dd5152bf507.json"  # fmt: skip
    strict = cli("import", "case", str(draft), "--out", "frameworks/draft", "--strict", cwd=root)
    assert strict.code == 1 and leftovers(root) == []
    run = cli("import", "case", str(draft), "--out", "frameworks/draft", "--format", "json", cwd=root)  # fmt: skip
    assert run.code == 0, run.err
    report = json.loads(run.out)
    assert report["problems"] == [
        "CFAssociations[15].sequenceNumber: '1' is not of type 'integer'",
        "CFAssociations[31].sequenceNumber: '2' is not of type 'integer'",
        "CFDefinitions.CFItemTypes[0].description: None is not of type 'string'",
        "CFDefinitions.CFItemTypes[1].description: None is not of type 'string'",
        "CFDefinitions.CFItemTypes[2].description: None is not of type 'string'",
    ]
    assert (
        "2 sequence numbers written as text (first: CFAssociations[15].sequenceNumber) are "
        "read as numbers for the order, and kept as written" in report["notes"]
    )
    assert (
        '3 empty values (null or "") left out (first: CFDefinitions.CFItemTypes[0].description)'
        in report["notes"]
    )
    assert "breaks its schema in 5 places" in run.err
    # the same package against OpenSALT's schema, given with --schema
    official = cli("import", "case", str(draft), "--out", "frameworks/draft2", "--schema", str(CASE_SCHEMA), "--format", "json", cwd=root)  # fmt: skip
    assert json.loads(official.out)["problems"][:2] == report["problems"][:2]
    # a package of CASE before 1.0 (lsDoc...): read as CASE 1.0, and said
    old = CASE_DIR / "ccss-math-math_cfs_sample" / "2016-12-22_175a523" / "math_cfs_sample.json"
    run = cli("import", "case", str(old), "--out", "frameworks/ccss", "--format", "json", cwd=root)
    report = json.loads(run.out)
    assert run.code == 0 and report["competencies"] == 686
    assert report["notes"][0] == (
        "the package uses the key names of CASE before 1.0 (definitions, lsAssociations, lsDoc, "
        "lsItems): read as CFDefinitions, CFAssociations, CFDocument, CFItems"
    )
    assert (
        "703 item identifiers cannot be refkit ids (first: http://asn.jesandco.org/resources/"
        "S2366905): each item's id is a UUID derived from its identifier, which is kept in x-case"
        in report["notes"]
    )
    assert len(report["problems"]) == 2823
    assert report["problems"][0] == (
        "CFAssociations[0].CFAssociationGroupingURI: None is not of type 'object'"
    )
    # OpenSALT's own import fixtures: valid CASE, no problem
    for fixture in sorted((CASE_DIR / "test-fixtures").glob("*.json")):
        run = cli("import", "case", str(fixture), "--out", f"frameworks/f-{fixture.stem.lower()}", "--format", "json", cwd=root)  # fmt: skip
        assert run.code == 0 and json.loads(run.out)["problems"] == [], (fixture.name, run.err)


def test_new_block_files_made_in_workers_are_the_files_made_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import's new block files are rendered in worker processes when there are many
    (refkit.store.fresh): forced on DIRECT's 12 blocks, the same bytes as in one process."""
    import refkit.store.fresh as fresh
    from refkit.interop import write_imported
    from refkit.interop.direct import import_direct

    source = DIRECT / "v2.0.0" / "framework" / "DIRECT-framework-all-in-one.json"
    folders = []
    for name, threshold in (("serial", 10_000), ("workers", 2)):
        monkeypatch.setattr(fresh, "FRESH_IN_WORKERS", threshold)
        root = repo_at(tmp_path / name)
        write_imported(root / "frameworks" / "direct", import_direct(source))
        folders.append(root / "frameworks" / "direct")
    files = [
        sorted(p.relative_to(f).as_posix() for p in f.rglob("*") if p.is_file()) for f in folders
    ]
    assert files[0] == files[1] and len(files[0]) > 10
    for rel in files[0]:
        assert (folders[0] / rel).read_bytes() == (folders[1] / rel).read_bytes(), rel


def test_case_associations_are_relations_and_go_back_as_they_came(cli, tmp_path: Path) -> None:
    """The 23 associations of OpenSALT's "what standards could be" draft other than the
    hierarchy (16 exactMatchOf, 3 precedes, 2 exemplar, 2 isRelatedTo, each to a node outside
    the package) are relations of their items (the round trip above checks that they go back
    with their identifiers)."""
    from collections import Counter

    from refkit.store.loader import load_framework, read_folder

    draft = CASE_DIR / "what-standards-could-be" / "opensalt-framework-20c5134f-423d-4097-a971-3dd5152bf507.json"  # fmt: skip
    root = repo_at(tmp_path)
    assert cli("import", "case", str(draft), "--out", "frameworks/w", cwd=root).code == 0
    fw = load_framework("frameworks/w", read_folder(root, root / "frameworks/w")).framework
    assert fw is not None
    kinds = Counter(r.type for _, _, item in fw.holders() for r in item.relations)
    assert kinds == {"exactMatchOf": 16, "precedes": 3, "exemplar": 2, "isRelatedTo": 2}
    assert cli("validate", "--no-cache", cwd=root).code == 0


def test_a_relation_written_in_refkit_is_exported_as_an_association(cli, sample_repo: Path) -> None:
    block = sample_repo / "frameworks/plombier-chauffagiste/blocks/BC07.yaml"
    text = block.read_text(encoding="utf-8")
    more = "    activities: [A1, A4]\n    relations:\n      - {type: isPartOf, target: C4.5}\n      - {type: broadMatch, target: http://data.europa.eu/esco/skill/0001}\n"  # fmt: skip
    block.write_text(text.replace("    activities: [A1, A4]\n", more, 1), encoding="utf-8")
    first = cli("export", "case", "plombier-chauffagiste", cwd=sample_repo)
    assert first.code == 0, first.err
    package = json.loads(first.out)
    items = {i["identifier"]: i for i in package["CFItems"]}
    assert schema_problems(package, json.loads(CASE_SCHEMA.read_text(encoding="utf-8"))) == []
    made = [a for a in package["CFAssociations"] if a["associationType"] in ("isPartOf", "isRelatedTo")]  # fmt: skip
    # CASE has no SKOS types: broadMatch goes out as its general link, to the outside concept
    assert [(a["associationType"], items[a["originNodeURI"]["identifier"]]["humanCodingScheme"]) for a in made] == [("isPartOf", "C7.1"), ("isRelatedTo", "C7.1")]  # fmt: skip
    assert items[made[0]["destinationNodeURI"]["identifier"]]["humanCodingScheme"] == "C4.5"
    assert made[1]["destinationNodeURI"]["uri"] == "http://data.europa.eu/esco/skill/0001"
    again = json.loads(cli("export", "case", "plombier-chauffagiste", cwd=sample_repo).out)
    ids = {a["identifier"] for a in again["CFAssociations"]}
    assert all(a["identifier"] in ids for a in made)  # stable identifiers (dates are the export's)


def test_esco_related_skills_are_related_relations(cli, tmp_path: Path) -> None:
    """ESCO's skillSkillRelations.csv: each related skill of a skill imported is a `related`
    relation of its competency, ESCO's kind (essential, optional) as its note, to the
    competency that is the related skill when the import has it, else to its URI. Counted
    against the CSV itself."""
    from refkit.store.loader import load_framework, read_folder

    root = repo_at(tmp_path)
    zips = [str(esco_zip("1.1.0")), str(esco_zip("1.1.0", lang=""))]
    run = cli("import", "esco", *zips, "--collection", "digComp", "--out", "frameworks/d", cwd=root)
    assert run.code == 0, run.err
    skills = set(esco_rows("1.1.0", "digCompSkillsCollection_en.csv"))
    with zipfile.ZipFile(zips[1]) as z:
        rows = list(csv.DictReader(io.StringIO(z.read("skillSkillRelations.csv").decode("utf-8"))))
    expected = sorted(
        (r["originalSkillUri"], r["relatedSkillUri"], r["relationType"])
        for r in rows
        if r["originalSkillUri"] in skills
    )
    fw = load_framework("frameworks/d", read_folder(root, root / "frameworks/d")).framework
    assert fw is not None
    uri = {c.id: c.esco[0] for _, c in fw.competencies()}
    got = sorted(
        (uri[c.id], uri.get(r.target, r.target), r.note)
        for _, c in fw.competencies()
        for r in c.relations
        if r.type == "related"
    )
    assert got == expected and len(got) > 0
    assert cli("validate", "--no-cache", cwd=root).code == 0


def test_a_workbook_of_one_version_is_the_same_bytes_whenever_it_is_written(tmp_path: Path) -> None:
    """openpyxl dates what it writes; the site promises unchanged files are not rewritten."""
    import time
    import zipfile
    from io import BytesIO

    from refkit.interop.xlsx import read_xlsx, write_xlsx
    from refkit.store.loader import load_framework, read_folder
    from tests.conftest import REPO

    folder = "frameworks/plombier-chauffagiste"
    fw = load_framework(folder, read_folder(REPO, folder)).framework
    assert fw is not None
    first = write_xlsx(fw)
    time.sleep(1.1)
    assert write_xlsx(fw) == first
    with zipfile.ZipFile(BytesIO(first)) as z:
        core = z.read("docProps/core.xml").decode()
    day = next(r.date for r in fw.releases if r.version == fw.version)
    assert f">{day}T00:00:00Z</dcterms:created>" in core and f">{day}T00:00:00Z</dcterms:modified>" in core  # fmt: skip
    (tmp_path / "out.xlsx").write_bytes(first)
    _headings, rows = read_xlsx(tmp_path / "out.xlsx", None)
    assert len(rows) == sum(
        len(b.competencies) for b in fw.blocks
    )  # still a workbook openpyxl reads

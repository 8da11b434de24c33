"""The store: loading with positions, saving round-trip (comments, quotes, one-line diffs), safely."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refkit.errors import ConflictError
from refkit.model import Block, Competency, Criterion
from refkit.store.files import atomic_write
from refkit.store.loader import LoadedFramework, load_framework, read_folder
from refkit.store.roundtrip import dump_document, load_document
from refkit.store.writer import save_framework
from tests.conftest import FIXTURES, SAMPLES, git, make_git_repo

YAML_FILES = sorted(SAMPLES.glob("**/*.yaml")) + sorted((FIXTURES / "valid").glob("**/*.yaml"))

FRAMEWORK = """\
# yaml-language-server: $schema=../../schemas/framework.schema.json
# Framework written by hand.
schema: refkit/framework/2
id: demo
title: Démo
version: 1.0.0
status: draft
level:
  eqf: 3
lang: fr
activities:
  - id: A1
    title: Installer
  - id: A2
    title: Entretenir
certification:
  required: [BC01, BC02]
"""
BLOCK = """\
# yaml-language-server: $schema=../../../schemas/block.schema.json
# Bloc rédigé par le groupe de travail.
schema: refkit/block/1
id: BC01
title: Installer les réseaux
competencies:
  # Réseaux en cuivre
  - id: C1.1
    statement: Braser des tubes cuivre  # relu en mars
    kind: skill
    activities: [A1]
    criteria:
      - La brasure est étanche
      - "Le décapant est retiré : aucune trace"
  # Réseaux en multicouche
  - id: C1.2
    statement: Sertir des raccords multicouche
    kind: skill
    activities: [A1]
    criteria:
      - Le sertissage est conforme
    notes: Voir la notice du fabricant.
  # Contrôle
  - id: C1.3
    statement: Réaliser l'épreuve d'étanchéité
    kind: skill
    activities: [A1, A2]
    criteria:
      - La pression d'essai est tenue 2 heures
"""
BLOCK2 = """\
schema: refkit/block/1
id: BC02
title: Entretenir
competencies:
  - id: C2.1
    statement: Entretenir une chaudière
    kind: skill
    activities: [A2]
    criteria:
      - L'entretien est tracé
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "frameworks/demo/blocks").mkdir(parents=True)
    (root / "frameworks/demo/framework.yaml").write_text(FRAMEWORK, encoding="utf-8")
    (root / "frameworks/demo/blocks/BC01.yaml").write_text(BLOCK, encoding="utf-8")
    (root / "frameworks/demo/blocks/BC02.yaml").write_text(BLOCK2, encoding="utf-8")
    return make_git_repo(root)


def load(root: Path, name: str = "demo") -> LoadedFramework:
    loaded = load_framework(f"frameworks/{name}", read_folder(root, root / "frameworks" / name))
    assert loaded.framework is not None
    return loaded


def diff(root: Path) -> list[str]:
    """Changed lines (+/-) of the work tree against HEAD, without headers."""
    out = git(root, "diff", "--no-color", "-U0")
    return [
        line
        for line in out.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


# -- round trip -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(p.parents[3])))
def test_every_sample_file_round_trips_byte_identical(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    doc, y = load_document(text)
    assert dump_document(doc, y) == text


def test_loading_and_saving_unchanged_writes_nothing(sample_repo: Path) -> None:
    for folder in sorted((sample_repo / "frameworks").iterdir()):
        loaded = load(sample_repo, folder.name)
        assert save_framework(sample_repo, loaded).changed is False
    assert git(sample_repo, "status", "--porcelain") == ""


def test_one_statement_change_is_a_one_line_diff_in_samples(sample_repo: Path) -> None:
    loaded = load(sample_repo, "plombier-chauffagiste")
    block, competency = loaded.framework.competencies()[3]
    old = competency.statement
    competency.statement = old + " en autonomie"
    result = save_framework(sample_repo, loaded)
    assert result.written == [block.source.file]
    assert diff(sample_repo) == [f"-    statement: {old}", f"+    statement: {old} en autonomie"]


def test_a_block_whose_file_could_not_be_read_is_never_written_nor_dropped_silently(
    sample_repo: Path,
) -> None:
    """A block file with conflict markers: saving with that block said to be changed is refused
    (writing nothing would lose the change unsaid); saving other blocks leaves the file alone."""
    path = sample_repo / "frameworks/plombier-chauffagiste/blocks/BC07.yaml"
    marked = path.read_text(encoding="utf-8").replace(
        "id: BC07\n", "id: BC07\n<<<<<<< HEAD\n=======\n>>>>>>> autre\n", 1
    )
    path.write_text(marked, encoding="utf-8")
    loaded = load(sample_repo, "plombier-chauffagiste")
    assert "BC07" in loaded.broken_blocks
    loaded.framework.block("BC07").title = "Changé"
    with pytest.raises(ConflictError, match=r"BC07\.yaml could not be read"):
        save_framework(sample_repo, loaded, blocks={"BC07"})
    assert path.read_text(encoding="utf-8") == marked
    loaded.framework.block("BC01").title += " (révisé)"
    assert save_framework(sample_repo, loaded, blocks={"BC01"}).written == [
        "frameworks/plombier-chauffagiste/blocks/BC01.yaml"
    ]
    assert path.read_text(encoding="utf-8") == marked


def assert_as_read_from_disk(root: Path, loaded: LoadedFramework) -> None:
    """``loaded`` is what reading the folder from scratch gives, positions included."""
    fresh = load(root, loaded.folder.rsplit("/", 1)[-1])
    assert loaded.framework == fresh.framework
    assert [(b.id, b.source) for b in loaded.framework.blocks] == [
        (b.id, b.source) for b in fresh.framework.blocks
    ]
    for got, want in zip(loaded.framework.blocks, fresh.framework.blocks, strict=True):
        assert [(c.source, [cr.source for cr in c.criteria]) for c in got.competencies] == [
            (c.source, [cr.source for cr in c.criteria]) for c in want.competencies
        ]
    assert loaded.problems == fresh.problems
    assert loaded.hashes == fresh.hashes
    assert loaded.documents.keys() == fresh.documents.keys()
    assert loaded.broken_blocks == fresh.broken_blocks


def test_a_save_told_which_blocks_changed_merges_only_those(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from refkit.store import reader, writer

    loaded = load(sample_repo, "plombier-chauffagiste")
    fw = loaded.framework
    block = fw.blocks[2]
    other = fw.blocks[3]
    block.competencies[0].statement += " en autonomie"
    other.title += " (non dit)"  # changed in the model, not named: its file is left alone
    rendered, parsed = [], []
    real_render, real_read = writer.render, reader.read_yaml
    monkeypatch.setattr(
        writer,
        "render",
        lambda kind, data, *a, **k: rendered.append(kind) or real_render(kind, data, *a, **k),
    )

    def reading(file: str, raw: bytes, **k: object) -> object:
        parsed.append(file)
        return real_read(file, raw, **k)

    monkeypatch.setattr("refkit.store.loader.read_yaml", reading)
    result = writer.save_framework(sample_repo, loaded, blocks={block.id})
    assert result.written == [block.source.file]
    assert rendered == ["framework", "releases", "block"]
    # read again after the save: framework.yaml and releases.yaml (small); the block file written
    # in place is built from the parse that verified its new text; no other block file
    folder = "frameworks/plombier-chauffagiste"
    assert sorted(parsed) == sorted([f"{folder}/framework.yaml", f"{folder}/releases.yaml"])
    assert loaded.framework.blocks[3] is other  # kept as it was: the model's object
    other.title = other.title.removesuffix(" (non dit)")
    assert_as_read_from_disk(sample_repo, loaded)


def test_after_a_save_a_block_file_changed_by_someone_else_is_read_again(repo: Path) -> None:
    from refkit.store import writer

    loaded = load(repo)
    loaded.framework.blocks[0].title = "Installer les réseaux d'eau"
    path = repo / "frameworks/demo/blocks/BC02.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Entretenir", "Maintenir"), "utf-8")
    writer.save_framework(repo, loaded, blocks={"BC01"})
    assert "Maintenir" in loaded.framework.blocks[1].title
    assert_as_read_from_disk(repo, loaded)


def test_model_positions_point_at_the_items(repo: Path) -> None:
    fw = load(repo).framework
    c12 = fw.blocks[0].competencies[1]
    assert (c12.source.file, c12.source.line, c12.source.col) == (
        "frameworks/demo/blocks/BC01.yaml",
        16,
        5,
    )
    assert c12.source.path == ("competencies", 1)
    assert [(c.text, c.source.line) for c in fw.blocks[0].competencies[0].criteria] == [
        ("La brasure est étanche", 13),
        ("Le décapant est retiré : aucune trace", 14),
    ]
    assert (fw.activities[1].source.line, fw.source.line) == (14, 3)


# -- edits ------------------------------------------------------------------------------------


def test_edit_keeps_quotes_and_end_of_line_comment(repo: Path) -> None:
    loaded = load(repo)
    c11 = loaded.framework.blocks[0].competencies[0]
    c11.statement = "Braser des tubes en cuivre"
    c11.criteria[1].text = "Le décapant est retiré : plus aucune trace"
    save_framework(repo, loaded)
    assert diff(repo) == [
        "-    statement: Braser des tubes cuivre  # relu en mars",
        "+    statement: Braser des tubes en cuivre  # relu en mars",
        '-      - "Le décapant est retiré : aucune trace"',
        '+      - "Le décapant est retiré : plus aucune trace"',
    ]


def test_clearing_an_optional_field_removes_only_its_line(repo: Path) -> None:
    loaded = load(repo)
    loaded.framework.blocks[0].competencies[1].notes = None
    save_framework(repo, loaded)
    assert diff(repo) == ["-    notes: Voir la notice du fabricant."]


def test_adding_a_competency_only_adds_lines(repo: Path) -> None:
    loaded = load(repo)
    loaded.framework.blocks[0].competencies.append(
        Competency(
            "C1.4", "Poser un adoucisseur", "skill", ["A1"], [Criterion("Le by-pass est posé")]
        )
    )
    save_framework(repo, loaded)
    assert diff(repo) == [
        "+  - id: C1.4",
        "+    statement: Poser un adoucisseur",
        "+    kind: skill",
        "+    activities: [A1]",
        "+    criteria:",
        "+      - Le by-pass est posé",
    ]
    assert load(repo).problems == []


def test_deleting_a_competency_keeps_the_comment_heading_the_next(repo: Path) -> None:
    loaded = load(repo)
    del loaded.framework.blocks[0].competencies[1]
    save_framework(repo, loaded)
    text = (repo / "frameworks/demo/blocks/BC01.yaml").read_text(encoding="utf-8")
    assert "  # Contrôle\n  - id: C1.3" in text
    # the comment written above the deleted item was about it: it goes with it
    assert "# Réseaux en multicouche" not in text
    assert all(line.startswith("-") for line in diff(repo))


def test_deleting_the_first_competency_keeps_the_other_comments(repo: Path) -> None:
    loaded = load(repo)
    del loaded.framework.blocks[0].competencies[0]
    save_framework(repo, loaded)
    text = (repo / "frameworks/demo/blocks/BC01.yaml").read_text(encoding="utf-8")
    for comment in ("# Réseaux en multicouche", "# Contrôle", "# Bloc rédigé"):
        assert comment in text
    assert "competencies:\n  # Réseaux en multicouche\n  - id: C1.2\n" in text
    assert "C1.1" not in text and "# Réseaux en cuivre" not in text
    assert all(line.startswith("-") for line in diff(repo))


def test_inserting_in_the_middle_goes_before_the_next_heading(repo: Path) -> None:
    loaded = load(repo)
    loaded.framework.blocks[0].competencies.insert(
        1,
        Competency(
            "C1.1b",
            "Cintrer des tubes cuivre",
            "skill",
            ["A1"],
            [Criterion("Le rayon est respecté")],
        ),
    )
    save_framework(repo, loaded)
    text = (repo / "frameworks/demo/blocks/BC01.yaml").read_text(encoding="utf-8")
    assert text.index("C1.1b") < text.index("# Réseaux en multicouche") < text.index("id: C1.2")


def test_moving_a_competency_between_blocks(repo: Path) -> None:
    loaded = load(repo)
    fw = loaded.framework
    moved = fw.blocks[0].competencies.pop(2)
    fw.blocks[1].competencies.append(moved)
    result = save_framework(repo, loaded)
    assert sorted(result.written) == [
        "frameworks/demo/blocks/BC01.yaml",
        "frameworks/demo/blocks/BC02.yaml",
    ]
    again = load(repo)
    assert [c.id for c in again.framework.blocks[1].competencies] == ["C2.1", "C1.3"]
    assert (
        again.framework.blocks[1].competencies[1].criteria[0].text
        == "La pression d'essai est tenue 2 heures"
    )
    assert again.problems == []


def test_reordering_competencies_moves_lines_not_content(repo: Path) -> None:
    loaded = load(repo)
    comps = loaded.framework.blocks[0].competencies
    comps.reverse()
    save_framework(repo, loaded)
    again = load(repo)
    assert [c.id for c in again.framework.blocks[0].competencies] == ["C1.3", "C1.2", "C1.1"]
    text = (repo / "frameworks/demo/blocks/BC01.yaml").read_text(encoding="utf-8")
    assert "# relu en mars" in text and "# Contrôle" in text and "# Réseaux en multicouche" in text
    removed = [line for line in diff(repo) if line.startswith("-")]
    added = [line for line in diff(repo) if line.startswith("+")]
    assert sorted(line[1:] for line in removed) == sorted(line[1:] for line in added)


def test_renaming_a_block_moves_its_file(repo: Path) -> None:
    loaded = load(repo)
    fw = loaded.framework
    fw.blocks[1].id = "BC05"
    fw.certification.required = ["BC01", "BC05"]
    result = save_framework(repo, loaded)
    assert result.deleted == ["frameworks/demo/blocks/BC02.yaml"]
    assert "frameworks/demo/blocks/BC05.yaml" in result.written
    new_text = (repo / "frameworks/demo/blocks/BC05.yaml").read_text(encoding="utf-8")
    assert new_text == BLOCK2.replace("id: BC02", "id: BC05")
    assert load(repo).problems == []


def test_adding_and_removing_blocks(repo: Path) -> None:
    loaded = load(repo)
    fw = loaded.framework
    fw.blocks.pop(1)
    fw.blocks.append(
        Block(
            "BC03",
            "Dépanner",
            [
                Competency(
                    "C3.1",
                    "Diagnostiquer une fuite",
                    "skill",
                    ["A2"],
                    [Criterion("La fuite est localisée")],
                )
            ],
        )
    )
    fw.certification.required = ["BC01", "BC03"]
    result = save_framework(repo, loaded)
    assert result.deleted == ["frameworks/demo/blocks/BC02.yaml"]
    created = (repo / "frameworks/demo/blocks/BC03.yaml").read_text(encoding="utf-8")
    assert created.startswith(
        "# yaml-language-server: $schema=../../../schemas/block.schema.json\nschema: refkit/block/1\nid: BC03\n"
    )
    assert load(repo).problems == []


# -- safety -----------------------------------------------------------------------------------


def test_a_file_changed_on_disk_is_never_overwritten(repo: Path) -> None:
    loaded = load(repo)
    loaded.framework.blocks[0].title = "Installer les réseaux sanitaires"
    path = repo / "frameworks/demo/blocks/BC01.yaml"
    theirs = path.read_text(encoding="utf-8").replace("Braser", "Souder")
    path.write_text(theirs, encoding="utf-8")
    with pytest.raises(ConflictError, match=r"BC01\.yaml"):
        save_framework(repo, loaded)
    assert path.read_text(encoding="utf-8") == theirs


def test_conflict_on_one_file_writes_no_other(repo: Path) -> None:
    loaded = load(repo)
    loaded.framework.title = "Démo révisée"
    loaded.framework.blocks[1].title = "Entretenir et dépanner"
    (repo / "frameworks/demo/blocks/BC02.yaml").write_text(BLOCK2 + "# note\n", encoding="utf-8")
    with pytest.raises(ConflictError):
        save_framework(repo, loaded)
    assert (repo / "frameworks/demo/framework.yaml").read_text(encoding="utf-8") == FRAMEWORK


@pytest.mark.parametrize("blocks", [None, set()], ids=["any-block", "first-left-alone"])
def test_two_blocks_with_one_id_write_nothing(repo: Path, blocks: set[str] | None) -> None:
    """Two blocks would go to one file: refused before anything is written, whether the block
    already in that file is merged or left as it is."""
    loaded = load(repo)
    loaded.framework.title = "Démo révisée"
    loaded.framework.blocks[1].id = "BC01"
    with pytest.raises(ConflictError, match=r"two blocks would be written to .*BC01\.yaml"):
        save_framework(repo, loaded, blocks=blocks)
    assert git(repo, "status", "--porcelain") == ""


def test_a_block_renamed_onto_a_file_it_did_not_read_writes_nothing(repo: Path) -> None:
    loaded = load(repo)
    other = repo / "frameworks/demo/blocks/BC09.yaml"
    other.write_text(BLOCK2.replace("id: BC02", "id: BC09"), encoding="utf-8")  # after loading
    loaded.framework.blocks[1].id = "BC09"
    with pytest.raises(ConflictError, match=r"BC09\.yaml already exists"):
        save_framework(repo, loaded)
    assert other.read_text(encoding="utf-8") == BLOCK2.replace("id: BC02", "id: BC09")
    assert (repo / "frameworks/demo/blocks/BC02.yaml").read_text(encoding="utf-8") == BLOCK2


def test_other_indentation_styles_and_crlf_are_kept(tmp_path: Path) -> None:
    root = tmp_path / "r"
    (root / "frameworks/demo/blocks").mkdir(parents=True)
    (root / "frameworks/demo/framework.yaml").write_text(FRAMEWORK, encoding="utf-8")
    other = (
        "schema: refkit/block/1\r\nid: BC01\r\ntitle: 'Installer'\r\ncompetencies:\r\n"
        "- id: C1\r\n  statement: Poser\r\n  kind: skill\r\n  activities:\r\n  - A1\r\n"
        "  criteria:\r\n  - Critère un\r\n"
    )
    (root / "frameworks/demo/blocks/BC01.yaml").write_bytes(other.encode())
    loaded = load(root)
    loaded.framework.blocks[0].title = "Installer les réseaux"
    save_framework(root, loaded)
    assert (root / "frameworks/demo/blocks/BC01.yaml").read_bytes() == other.replace(
        "'Installer'", "'Installer les réseaux'"
    ).encode()


def test_a_broken_file_is_never_rewritten(repo: Path) -> None:
    path = repo / "frameworks/demo/blocks/BC02.yaml"
    path.write_text("schema: refkit/block/1\nid: [BC02\n", encoding="utf-8")
    loaded = load(repo)
    loaded.framework.title = "Démo 2"
    result = save_framework(repo, loaded)
    assert result.written == ["frameworks/demo/framework.yaml"]
    assert path.read_text(encoding="utf-8") == "schema: refkit/block/1\nid: [BC02\n"


def test_atomic_write_keeps_mode_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "f.yaml"
    target.write_text("old\n")
    os.chmod(target, 0o640)
    atomic_write(target, b"new\n")
    assert target.read_bytes() == b"new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["f.yaml"]


def test_atomic_write_failure_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "f.yaml"
    target.write_text("old\n")

    def boom(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        atomic_write(target, b"new\n")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["f.yaml"]


def test_sample_copy_helper_is_a_clean_git_repo(sample_repo: Path) -> None:
    assert git(sample_repo, "status", "--porcelain") == ""
    assert shutil.which("git")


ODD_BLOCK = """\
schema: refkit/block/1
id: BC09
title: Cas particuliers
modalities:
  - oral
  - type: written
    hours: 1.5
competencies:
  - just text
  - id: C9.1
    statement: Un seul critère écrit sans liste
    kind: skill
    criteria: Le critère est observé
    x-poids: 3
  - id: C9.2
    statement: Critères avec un trou
    kind: knowledge
    criteria:
      - Premier
      - null
      - Troisième
"""


def _sources(block: Block) -> list[object]:
    out: list[object] = [block.source]
    out += [m.source for m in block.modalities]
    for c in block.competencies:
        out.append(c.source)
        out += [cr.source for cr in c.criteria]
    return out


@pytest.mark.parametrize(
    "path",
    [p for p in YAML_FILES if p.parent.name == "blocks"] + [None],
    ids=lambda p: "odd" if p is None else str(p.relative_to(p.parents[4])),
)
def test_compact_block_equals_the_block_read_from_yaml(path: Path | None) -> None:
    import json

    from refkit.store.build import _block
    from refkit.store.compact import block_from_compact, block_to_compact
    from refkit.store.reader import read_yaml

    raw = ODD_BLOCK.encode() if path is None else path.read_bytes()
    doc = read_yaml("f/blocks/B.yaml", raw)
    built = _block(doc.data, doc.positions, "f/blocks/B.yaml")
    again = block_from_compact(json.loads(json.dumps(block_to_compact(built))), "f/blocks/B.yaml")
    assert again == built
    assert _sources(again) == _sources(built)


# -- files made from nothing without ruamel (store.plain) ----------------------------------------


def _ruamel_fresh(kind: str, data: dict[str, object]) -> str:
    from refkit.store.roundtrip import Merger, make_yaml
    from refkit.store.writer import CURRENT

    return dump_document(Merger(set()).fresh({"schema": CURRENT[kind], **data}), make_yaml())


def _documents(root: Path, folder: str) -> list[tuple[str, dict[str, object]]]:
    from refkit.store.writer import block_data, framework_data

    fw = load_framework(folder, read_folder(root, root / folder)).framework
    assert fw is not None
    return [("framework", framework_data(fw))] + [("block", block_data(b)) for b in fw.blocks]


def test_files_made_from_nothing_are_ruamels_bytes() -> None:
    """Every file of the samples and fixtures written from nothing: store.plain gives ruamel's
    bytes, or leaves it to ruamel (here it is sure of every block file)."""
    from refkit.store.plain import plain_dump
    from refkit.store.writer import CURRENT

    docs = _documents(SAMPLES.parent, "frameworks/plombier-chauffagiste")
    docs += _documents(SAMPLES.parent, "frameworks/electricien-batiment")
    docs += _documents(FIXTURES / "valid" / "full", "frameworks/demo")
    sure = 0
    for kind, data in docs:
        fast = plain_dump({"schema": CURRENT[kind], **data})
        assert fast is None or fast == _ruamel_fresh(kind, data)
        sure += kind == "block" and fast is not None
    assert sure == sum(kind == "block" for kind, _ in docs)


_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("aéZ0 9'\"#:,-?[]{}&*!|>%@`\\\n\t\xa0’.")), st.characters()
    ),
    max_size=40,
)


@given(
    statement=_TEXT,
    notes=_TEXT,
    criteria=st.lists(_TEXT, max_size=3),
    activity=st.sampled_from(
        ["A1", "0031", "1e5", "2026-01-02", "yes", "a b", "x,y", "http://e.org/a?b"]
    ),
    target=st.sampled_from(["C1", "0031", "http://e.org/a", "urn:x:1", "o@1.0.0:C2"]),
    hours=st.one_of(st.integers(0, 10**6), st.floats(0, 1e7, allow_nan=False)),
)
@settings(max_examples=300, deadline=None)
def test_store_plain_writes_ruamels_bytes_or_nothing(
    statement: str, notes: str, criteria: list[str], activity: str, target: str, hours: float
) -> None:
    """Any text, number or id in a block: ruamel's bytes, or None (ruamel then writes it)."""
    from refkit.store.plain import plain_dump

    data = {
        "id": "BC01",
        "title": statement or "Titre",
        "volume": {"hours": hours},
        "competencies": [
            {
                "id": "C1",
                "statement": statement,
                "kind": "skill",
                "activities": [activity],
                "criteria": criteria,
                "notes": notes,
                "relations": [{"type": "related", "target": target}],
            },
        ],
    }
    fast = plain_dump({"schema": "refkit/block/1", **data})
    if fast is not None:
        assert fast == _ruamel_fresh("block", data)

"""Loading the work tree for the editor: block files parsed in worker processes, or taken from the
cache of parsed blobs by their git blob id, give exactly what a plain parse gives."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from refkit.edit import Ref, Session
from refkit.store import loader
from refkit.store import workers as store_workers
from refkit.store.loader import LoadedFramework, load_framework, read_folder
from tests.conftest import git, make_git_repo
from tests.test_store import BLOCK, FRAMEWORK, diff

FOLDER = "frameworks/demo"
# every kind of block file: valid, with a schema problem, not YAML, of another format, empty
SKIL = BLOCK.replace("kind: skill", "kind: skil")
BAD = {
    "BC03": SKIL.replace("BC01", "BC03").replace("C1.", "C3."),
    "BC04": "schema: refkit/block/1\nid: BC04\ntitle: [non fermé\n",
    "BC05": BLOCK.replace("BC01", "BC05").replace("C1.", "C5.").replace("block/1", "block/9"),
    "BC06": "",
    "BC07": "\ufeff" + BLOCK.replace("BC01", "BC07").replace("C1.", "C7."),
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    blocks = root / FOLDER / "blocks"
    blocks.mkdir(parents=True)
    (root / FOLDER / "framework.yaml").write_text(
        FRAMEWORK.replace("[BC01, BC02]", "[BC01, BC02, BC10]"), encoding="utf-8"
    )
    for n in (1, 2, 8, 9, 10, 11, 12):
        text = BLOCK.replace("BC01", f"BC{n:02d}").replace("C1.", f"C{n}.")
        (blocks / f"BC{n:02d}.yaml").write_text(text, encoding="utf-8")
    for name, text in BAD.items():
        (blocks / f"{name}.yaml").write_text(text, encoding="utf-8")
    return make_git_repo(root)


@pytest.fixture
def workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Worker processes for any load, however small."""
    import refkit.edit.loading

    monkeypatch.setattr(store_workers, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(refkit.edit.loading, "jobs", lambda: 2)


def plain(root: Path) -> LoadedFramework:
    """The framework as ``refkit validate`` reads it: every file parsed, no cache."""
    return load_framework(FOLDER, read_folder(root, root / FOLDER))


def assert_same(loaded: LoadedFramework, expected: LoadedFramework) -> None:
    assert loaded.framework is not None
    assert loaded.framework == expected.framework
    for got, want in zip(loaded.framework.blocks, expected.framework.blocks, strict=True):
        sources = [(c.source, [cr.source for cr in c.criteria]) for c in got.competencies]
        assert sources == [(c.source, [cr.source for cr in c.criteria]) for c in want.competencies]
    assert loaded.problems == expected.problems
    assert loaded.hashes == expected.hashes
    assert loaded.broken_blocks == expected.broken_blocks
    assert loaded.documents.keys() == expected.documents.keys()


def test_blocks_parsed_by_workers_are_those_of_a_plain_parse(repo: Path, workers: None) -> None:
    expected = plain(repo)
    assert {p.rule for p in expected.problems} >= {"schema-enum", "yaml-syntax", "schema-version"}
    assert expected.broken_blocks == {"BC04", "BC05", "BC06"}
    session = Session.open(repo)
    assert session.loading is not None and session.loading.workers == 2
    assert_same(session.frameworks[FOLDER], expected)
    assert session.loading is None
    # the workers filled the cache: a second session parses nothing and still gets the same
    again = Session.open(repo)
    assert again.loading is not None and again.loading.workers == 0
    assert_same(again.frameworks[FOLDER], expected)


def test_unchecked_workers_build_the_same_blocks_without_schema_problems_or_cache(
    repo: Path, workers: None
) -> None:
    """The editor's first load: the same frameworks; the block files' schema problems (field by
    field) are left to the background check, and so is the cache."""
    expected = plain(repo)
    session = Session.open(repo, checked=False)
    assert session.loading is not None and session.loading.workers == 2
    loaded = session.frameworks[FOLDER]
    assert loaded.framework == expected.framework
    assert loaded.broken_blocks == expected.broken_blocks == {"BC04", "BC05", "BC06"}
    missing = [p for p in expected.problems if p not in loaded.problems]
    skil = [n for n, line in enumerate(BAD["BC03"].splitlines(), 1) if "kind: skil" in line]
    assert len(skil) == 3
    assert [(p.file, p.line, p.rule) for p in missing] == [
        (f"{FOLDER}/blocks/BC03.yaml", line, "schema-enum") for line in skil
    ]
    assert loaded.problems == [p for p in expected.problems if p not in missing]
    # the kind and version of each file are still checked: they decide what is built
    assert {(p.file, p.rule) for p in loaded.problems} >= {
        (f"{FOLDER}/blocks/BC05.yaml", "schema-version"),
        (f"{FOLDER}/blocks/BC04.yaml", "yaml-syntax"),
    }
    again = Session.open(repo)  # nothing was cached: parsed (and checked) by workers again
    assert again.loading is not None and again.loading.workers == 2
    assert_same(again.frameworks[FOLDER], expected)


def test_one_folder_at_two_commits_is_built_from_the_files_of_each(
    repo: Path, workers: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``refkit publish`` reads several releases of a framework in one ``Loading``: the same
    folder twice, a block file at the same path with other content in each. (Many bytes to
    read, as a first publish has, are cut in more chunks than 4 a worker.)"""
    monkeypatch.setattr(store_workers, "CHUNK_BYTES", 1024)
    from refkit.cache import BlobCache
    from refkit.history import History
    from refkit.store.repository import Repository

    first = git(repo, "rev-parse", "HEAD").strip()
    block = repo / FOLDER / "blocks/BC02.yaml"
    block.write_text(block.read_text(encoding="utf-8").replace("multicouche", "PER"), "utf-8")
    git(repo, "commit", "-qam", "PER")
    with History(Repository(repo)) as h:
        versions = [(FOLDER, h.files_at(commit, FOLDER)) for commit in (first, "HEAD")]
    loading = store_workers.Loading(versions, BlobCache(), jobs=2)
    assert loading.workers == 2 and len(loading._raws) > 2 * 4
    # a file unchanged between the two commits is parsed once
    assert len(loading._pending) == len([r for r in versions[0][1] if "/blocks/" in r.path]) + 1
    loaded = loading.results()
    assert len(loaded) == 2
    for got, (_, files) in zip(loaded, versions, strict=True):
        assert_same(got, load_framework(FOLDER, files))
    statements = [fw.framework.block("BC02").competencies[1].statement for fw in loaded]  # type: ignore[union-attr]
    assert "PER" not in statements[0] and "PER" in statements[1]


def test_the_same_without_workers(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import refkit.edit.loading

    monkeypatch.setattr(refkit.edit.loading, "jobs", lambda: 1)
    session = Session.open(repo)
    assert session.loading is not None and session.loading.workers == 0
    assert_same(session.frameworks[FOLDER], plain(repo))


PARENT = os.getpid()


def _die(blobs: object, raws: object, *args: object) -> object:
    """A worker dies on its first chunk (the loading process reads the chunk again)."""
    if os.getpid() != PARENT:
        os._exit(3)
    return REAL_PARSE_SHARE(blobs, raws, *args)


def test_a_worker_that_dies_costs_time_not_results(
    repo: Path, workers: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_workers, "_parse_share", _die)
    session = Session.open(repo)
    assert session.loading is not None and session.loading.workers == 2
    assert_same(session.frameworks[FOLDER], plain(repo))


def _slow_first_two(blobs: object, raws: object, *args: object) -> object:
    """The workers' first two chunks: taken at once, sent back late."""
    from refkit.parallel import _WORK

    out = REAL_PARSE_SHARE(blobs, raws, *args)
    i = next(n for n, chunk in enumerate(_WORK["chunks"]) if chunk is raws)
    if i < 2 and os.getpid() != PARENT:
        time.sleep(0.5)
    return out


REAL_PARSE_SHARE = store_workers._parse_share


@pytest.mark.parametrize("checked", [True, False])
def test_the_loading_process_reads_the_chunks_no_worker_took(
    repo: Path, workers: None, monkeypatch: pytest.MonkeyPatch, checked: bool
) -> None:
    """Instead of waiting for its workers, the editor reads the last chunks itself."""
    monkeypatch.setattr(store_workers, "_parse_share", _slow_first_two)
    parsed_here = []
    real = loader.parse_block

    def counting(raw: loader.RawFile, *, checked: bool = True) -> loader._Parsed:
        parsed_here.append(raw.path)  # (a worker's calls are counted in the worker)
        return real(raw, checked=checked)

    monkeypatch.setattr(store_workers, "parse_block", counting)
    monkeypatch.setattr(loader, "parse_block", counting)
    session = Session.open(repo, checked=checked)
    loading = session.loading
    assert loading is not None and loading.workers == 2 and len(loading._raws) > 2
    time.sleep(0.2)  # both workers have taken their first chunk
    frameworks = session.frameworks
    by_workers = [raw.path for chunk in loading._raws[:2] for raw in chunk]
    assert sorted(parsed_here) == sorted(
        raw.path for chunk in loading._raws[2:] for raw in chunk if raw.path not in by_workers
    )
    expected = plain(repo)
    if checked:
        assert_same(frameworks[FOLDER], expected)
        again = Session.open(repo)  # every file was cached, by a worker or by this process
        assert again.loading is not None and again.loading.workers == 0
        assert_same(again.frameworks[FOLDER], expected)
    else:
        assert frameworks[FOLDER].framework == expected.framework


def test_a_session_loaded_by_workers_saves_round_trip(repo: Path, workers: None) -> None:
    session = Session.open(repo)
    ref = Ref(FOLDER, "BC09", "C9.2")
    session.set_field(ref, "statement", "Sertir des raccords à compression")
    assert diff(repo) == [
        "-    statement: Sertir des raccords multicouche",
        "+    statement: Sertir des raccords à compression",
    ]
    assert session.get(ref).statement == "Sertir des raccords à compression"
    session.undo()
    assert diff(repo) == []


def test_a_session_merges_only_the_block_files_a_change_touches(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from refkit.store import writer
    from tests.test_store import assert_as_read_from_disk

    session = Session.open(repo)
    rendered: list[str] = []
    real = writer._plan_file

    def planning(root: Path, loaded: LoadedFramework, plan: dict, sources: dict, kind: str,
                 data: dict, target: str, *args: object) -> None:  # fmt: skip
        rendered.append(target.rsplit("/", 1)[-1])
        real(root, loaded, plan, sources, kind, data, target, *args)

    monkeypatch.setattr(writer, "_plan_file", planning)
    session.set_field(Ref(FOLDER, "BC09", "C9.2"), "statement", "Sertir des raccords à compression")
    assert rendered == ["BC09.yaml"]
    rendered.clear()
    session.move(Ref(FOLDER, "BC09", "C9.2"), "BC10")  # two blocks: both files
    assert rendered == ["BC09.yaml", "BC10.yaml"]
    assert git(repo, "status", "--porcelain").split() == [
        "M",
        f"{FOLDER}/blocks/BC09.yaml",
        "M",
        f"{FOLDER}/blocks/BC10.yaml",
    ]
    assert_as_read_from_disk(repo, session.frameworks[FOLDER])
    rendered.clear()
    session.set_field(Ref(FOLDER, "BC10"), "id", "BC13")  # a block renamed: a file of its own
    assert rendered == ["framework.yaml", "BC13.yaml"]  # framework.yaml: the rules name it
    assert not (repo / FOLDER / "blocks/BC10.yaml").exists()
    assert_as_read_from_disk(repo, session.frameworks[FOLDER])
    session.undo()
    session.undo()
    session.undo()
    assert git(repo, "status", "--porcelain") == ""


def test_a_work_tree_file_seen_before_comes_from_the_cache(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from refkit.history import History
    from refkit.store.repository import Repository

    with History(Repository(repo)) as h:  # reading the commit caches its blobs, by blob id
        h.load_at("HEAD", FOLDER)
    block = repo / FOLDER / "blocks/BC02.yaml"
    block.write_text(block.read_text(encoding="utf-8").replace("multicouche", "PER"), "utf-8")
    parsed = []
    real = loader.parse_block

    def counting(raw: loader.RawFile) -> loader._Parsed:
        parsed.append(raw.path)
        return real(raw)

    monkeypatch.setattr(store_workers, "parse_block", counting)
    monkeypatch.setattr(loader, "parse_block", counting)
    session = Session.open(repo)
    assert_same(session.frameworks[FOLDER], plain(repo))
    assert parsed == [f"{FOLDER}/blocks/BC02.yaml"]  # the only file not as committed
    assert git(repo, "status", "--porcelain") == f" M {FOLDER}/blocks/BC02.yaml\n"


def test_a_reloaded_session_reads_the_files_again(repo: Path, workers: None) -> None:
    session = Session.open(repo)
    session.reload()  # loaded before first use: nothing is lost or read twice
    block = repo / FOLDER / "blocks/BC02.yaml"
    block.write_text(block.read_text(encoding="utf-8").replace("multicouche", "PER"), "utf-8")
    session.reload(FOLDER)
    assert_same(session.frameworks[FOLDER], plain(repo))

"""The outline the editor paints its first screen from, while worker processes read the block
files whole: every block as a whole read gives it, without its competencies; a file the cut does
not fit is read whole, never guessed at."""

from __future__ import annotations

import dataclasses
import io
import shutil
from pathlib import Path

import pytest
from rich.console import Console

from refkit.edit import Ref, Session
from refkit.store.loader import RawFile, load_framework, read_folder
from refkit.store.outline import outline, read_head
from refkit.store.reader import read_yaml
from refkit.tui.reading import framework_text
from tests.conftest import make_git_repo
from tests.test_loading import BAD, FOLDER, workers  # noqa: F401 (a fixture)
from tests.test_store import BLOCK, FRAMEWORK

ROOT = Path(__file__).resolve().parent.parent
HEAD = "schema: refkit/block/1\nid: {id}\ntitle: Bloc {id}\nvolume:\n  hours: 35\n"
ITEMS = "  - id: C1\n    statement: Poser un tube\n    kind: skill\n"
# every way a block file may end, by what its outline must say
CASES = {
    # the cut fits: the head read, the competencies known to be there (or not)
    "BC20": HEAD + "competencies:\n" + ITEMS,
    "BC21": HEAD + "competencies:   # les compétences du bloc\n  # - id: C0 (retirée)\n" + ITEMS,
    "BC22": (HEAD + "competencies:\n" + ITEMS).replace("\n", "\r\n"),
    "BC23": HEAD + "competencies:\n- id: C1\n  statement: Poser un tube\n  kind: skill\n",
    "BC24": HEAD + "competencies:\n  # aucune encore\n",
    "BC25": HEAD + "competencies:\n",
    # read whole: a key after the competencies, the list written inline, a head that does not
    # read on its own, no competencies key at all
    "BC26": HEAD.replace("volume:\n  hours: 35\n", "")
    + "competencies:\n"
    + ITEMS
    + "volume:\n  hours: 70\n",
    "BC27": HEAD + "competencies: []\n",
    "BC28": HEAD
    + 'description: "une description\ncompetencies:\n  sur deux lignes"\n'
    + "competencies:\n"
    + ITEMS,
    "BC29": HEAD,
}
EXPANDABLE = {"BC20", "BC21", "BC22", "BC23", "BC26", "BC28"}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    blocks = root / FOLDER / "blocks"
    blocks.mkdir(parents=True)
    (root / FOLDER / "framework.yaml").write_text(FRAMEWORK, encoding="utf-8")
    (blocks / "BC01.yaml").write_text(BLOCK, encoding="utf-8")
    for name, text in BAD.items():
        (blocks / f"{name}.yaml").write_text(text, encoding="utf-8")
    for name, text in CASES.items():
        (blocks / f"{name}.yaml").write_bytes(text.format(id=name).encode())
    return make_git_repo(root)


def raws(root: Path, folder: str) -> list[RawFile]:
    return list(read_folder(root, root / folder))


def assert_outlines(root: Path, folder: str) -> set[str]:
    """The outline of ``folder`` is the framework read whole, each block without its
    competencies; returns the ids of the blocks it says have some."""
    whole = load_framework(folder, raws(root, folder))
    got = outline([(folder, raws(root, folder))])
    outlined = got.frameworks[folder]
    assert whole.framework is not None and outlined.framework is not None
    assert outlined.broken_blocks == whole.broken_blocks
    for mine, theirs in zip(outlined.framework.blocks, whole.framework.blocks, strict=True):
        # (a file read whole, a BOM's, keeps them)
        assert mine == (
            theirs if mine.competencies else dataclasses.replace(theirs, competencies=[])
        )
    assert dataclasses.replace(outlined.framework, blocks=[]) == dataclasses.replace(
        whole.framework, blocks=[]
    )
    expandable = {b.id for b in whole.framework.blocks if b.competencies and b.source is not None}
    assert {p.rsplit("/", 1)[-1][:-5] for p in got.expandable} == expandable
    return expandable


def test_every_way_a_block_file_ends(repo: Path) -> None:
    expandable = assert_outlines(repo, FOLDER)
    assert expandable == EXPANDABLE | {"BC01", "BC03", "BC07"}


def test_only_the_head_is_read_where_the_cut_fits(repo: Path) -> None:
    blocks = {raw.path.rsplit("/", 1)[-1][:-5]: raw for raw in raws(repo, FOLDER)}
    for name in ("BC20", "BC21", "BC22", "BC23", "BC24", "BC25"):
        (doc, _, block), has = read_head(blocks[name])
        assert doc.data is not None and doc.data["competencies"] == [], name
        assert block is not None and block.volume.hours == 35
        assert has is (name in EXPANDABLE), name
    for name in ("BC26", "BC27", "BC28", "BC29"):
        raw = blocks[name]
        (doc, _, block), has = read_head(raw)
        assert raw.data is not None and block is not None
        assert doc.data == read_yaml(raw.path, raw.data).data, name  # read whole
        assert has is (name in EXPANDABLE), name
        assert bool(block.competencies) is has, name


@pytest.mark.parametrize("name", ["plombier-chauffagiste", "electricien-batiment"])
def test_the_sample_frameworks_outline_as_they_read(name: str, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "frameworks" / name, tmp_path / "frameworks" / name)
    expandable = assert_outlines(tmp_path, f"frameworks/{name}")
    assert expandable  # (their blocks have competencies)


def test_the_first_screen_reads_the_outline_while_workers_read_the_files(
    repo: Path,
    workers: None,  # noqa: F811
) -> None:
    session = Session.open(repo, checked=False)
    assert session.loading is not None and session.loading.workers
    with session.outline_view():
        outlined = session.framework(FOLDER)
        text = framework_text(outlined, session.lang)
        assert session.expandable(Ref(FOLDER, "BC20"))
        assert not session.expandable(Ref(FOLDER, "BC24"))
        assert session.get(Ref(FOLDER, "BC20")).competencies == []
    assert session.outlined and session.loading is not None  # still loading
    whole = session.framework(FOLDER)  # (waits for the workers)
    assert session.loading is None
    assert len(whole.block("BC20").competencies) == 1  # type: ignore[union-attr]
    assert session.expandable(Ref(FOLDER, "BC20"))
    assert not session.expandable(Ref(FOLDER, "BC27"))
    assert plain(text) == plain(framework_text(whole, session.lang))
    with session.outline_view():  # once read whole, whole
        assert session.framework(FOLDER) is whole


def test_no_outline_without_workers(repo: Path) -> None:
    session = Session.open(repo, checked=False)
    with session.outline_view():
        assert len(session.framework(FOLDER).block("BC20").competencies) == 1  # type: ignore[union-attr]
    assert not session.outlined


def plain(renderable: object) -> str:
    console = Console(width=72, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


async def test_the_editor_paints_its_first_screen_from_the_outline_then_reads_whole(
    sample_repo: Path,
    workers: None,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first screen, painted from the outline, is the screen of the frameworks read whole:
    the same tree (what opens), the same reading pane; keys then find every competency."""
    from refkit.tui import EditorApp, make_app

    def screen(app: EditorApp) -> tuple[list[tuple[Ref | None, bool]], str]:
        # (the labels: the blocks' ids and titles, the outline's tested above; cut to the
        # tree's width once it is laid out, after the first screen, outlined or not)
        tree = app.item_tree
        nodes = [(n.data, n.allow_expand) for f in tree.root.children for n in (f, *f.children)]
        return nodes, app.query_one("#reading").plain()

    first: list[tuple[list[tuple[Ref | None, bool]], str]] = []
    read_whole = EditorApp._read_whole

    def recorded(app: EditorApp) -> None:
        assert app.session.loading is not None  # the workers still read
        first.append(screen(app))
        read_whole(app)

    monkeypatch.setattr(EditorApp, "_read_whole", recorded)
    app = make_app(sample_repo, watch_interval=None, checked=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.session.outlined and app.session.loading is None
        assert len(first) == 1
        assert screen(app) == first[0]
        assert (Ref("frameworks/electricien-batiment", "BC02"), True) in first[0][0]
        assert "– BC02 Réaliser l'installation" in first[0][1]
        await pilot.press("down", "down", "enter", "down")
        await pilot.pause()
        assert app.selected == Ref("frameworks/electricien-batiment", "BC02", "E2.1")

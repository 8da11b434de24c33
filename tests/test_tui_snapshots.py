"""Snapshots of every screen of the editor, at 80x24 (the smallest usable terminal) and 160x48.

Run `pytest tests/test_tui_snapshots.py --snapshot-update` after a deliberate change to the look,
and look at the report (snapshot_report.html) before committing the new SVGs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from refkit.edit import Ref, Session
from tests.conftest import git, workers_done

pytest.importorskip("pytest_textual_snapshot")

from textual.widgets import Tree

from refkit.tui import EditorApp, make_app

PLUMBER = "frameworks/plombier-chauffagiste"
SIZES = [(80, 24), (160, 48)]


@pytest.fixture
def repo(sample_repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The samples with one pending edit, so that markers and the Changes view have content;
    fixed dates so that the History view is the same on every run."""
    monkeypatch.setenv("GIT_AUTHOR_DATE", "2026-11-20T10:00:00+01:00")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2026-11-20T10:00:00+01:00")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795600000")
    git(sample_repo, "commit", "-q", "--amend", "-m", "Référentiels de départ", "--reset-author")
    session = Session.open(sample_repo)
    session.set_field(
        Ref(PLUMBER, "BC07", "C7.1"),
        "statement",
        "Dimensionner une pompe à chaleur air/eau selon les déperditions du logement",
    )
    return sample_repo


def editor(root: Path) -> EditorApp:
    app = make_app(root, watch_interval=None)
    # no smooth scrolling: a scroll bar's place would depend on how long the machine took
    app.animation_level = "none"
    return app


def at(ref: Ref, keys: list[str] = []):  # noqa: B006 (never changed)
    """Select ``ref``, press ``keys`` (``#id``: focus that widget), and wait until the app is still: workers done, nothing
    scheduled, nothing animated (the same picture on a busy CI machine as on an idle one)."""

    async def settle(pilot) -> None:
        # a blinking cursor would be on or off depending on when the picture is taken: it is
        # held on, as it shows right after the focus arrives
        for field in pilot.app.screen.query("Input, TextArea"):
            field.cursor_blink = False
        for _ in range(3):
            await workers_done(pilot.app)
            await pilot.wait_for_scheduled_animations()
            await pilot.pause()
        # On a loaded machine (the suite runs on every core) a layout pass can still be pending
        # (a scroll bar appearing narrows a form by a column): wait until the picture is stable.
        # The footer follows the cursor's item once the cursor rests (a timer): the picture must
        # stay the same over three looks 0.1 s apart (one look 0.05 s later was not enough on a
        # machine running a benchmark beside the suite: the footer's keys were still dimmed).
        shown = pilot.app.export_screenshot()
        same = 0
        for _ in range(60):
            await pilot.pause(0.1)
            again = pilot.app.export_screenshot()
            same = same + 1 if again == shown else 0
            if same == 3:
                break
            shown = again

    async def run_before(pilot) -> None:
        app = pilot.app
        await pilot.pause()
        app.reveal(ref)
        app.query_one("#tree", Tree).focus()
        await settle(pilot)
        for key in keys:
            if key.startswith("#"):  # give that widget the focus (a button deep in the form)
                app.query_one(key).focus()
            else:
                await pilot.press(key)
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(
    ("name", "ref", "keys"),
    [
        ("main", Ref(PLUMBER, "BC07", "C7.1"), []),
        ("block", Ref(PLUMBER, "BC07"), []),
        ("framework", Ref(PLUMBER), []),
        ("criterion", Ref(PLUMBER, "BC07", "C7.2", 1), []),
        ("changes", Ref(PLUMBER, "BC07"), ["f2"]),
        ("history", Ref(PLUMBER), ["f3"]),
        ("commit", Ref(PLUMBER, "BC07"), ["f5"]),
        ("release", Ref(PLUMBER), ["f6"]),
        ("help", Ref(PLUMBER, "BC07"), ["question_mark"]),
        ("move", Ref(PLUMBER, "BC07", "C4.5"), ["m"]),
        ("delete", Ref(PLUMBER, "BC07", "C7.4"), ["x"]),
        ("records", Ref(PLUMBER), ["#records-framework-working_group", "enter", "down"]),
    ],
)
def test_screen(snap_compare, repo: Path, name: str, ref: Ref, keys: list[str], size) -> None:
    assert snap_compare(editor(repo), terminal_size=size, run_before=at(ref, keys))

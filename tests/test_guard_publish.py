"""`refkit publish` under hostile or broken input (issue 19): nothing published is lost, nothing
outside the site is touched, no link in a published page runs code.

Each test reproduces one case of the issue as it was found: real git repositories in tmp_path
(clones of this repository, whose sample history has releases 1.0.0 and 2.0.0 of
plombier-chauffagiste and carries no tags), the real ``refkit`` command, real files.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO, git


def _needs_history() -> None:
    shallow = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--is-shallow-repository"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if shallow != "false":
        pytest.fail("these tests clone this repository's sample history: use a full clone")


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A clone of this repository without tags: releases are found through releases.yaml."""
    _needs_history()
    dest = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--no-tags", str(REPO), str(dest))
    assert git(dest, "tag", "--list") == ""
    return dest


def files_of(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


# -- case 5: the record of releases ---------------------------------------------------------------

RECORD = "frameworks/plombier-chauffagiste/releases.yaml"


@pytest.mark.parametrize(
    "damage",
    ["releases: [\n", "", "releases: 3\n", "<<<<<<< HEAD\nreleases: []\n=======\n>>>>>>> b\n"],
    ids=["syntax-error", "emptied", "not-a-list", "conflict-markers"],
)
def test_a_broken_record_in_a_tagless_clone_removes_no_page(cli, clone: Path, damage: str) -> None:
    first = cli("publish", cwd=clone)
    assert first.code == 0, first.err
    assert "published 3 versions of 2 frameworks" in first.out
    before = files_of(clone / "site")
    assert "plombier-chauffagiste/2.0.0/index.html" in before
    (clone / RECORD).write_text(damage, encoding="utf-8")
    run = cli("publish", cwd=clone)
    assert run.code == 2, (run.out, run.err)
    assert RECORD in run.err and "hint:" in run.err
    assert "Traceback" not in run.err
    assert files_of(clone / "site") == before


def test_a_record_that_cannot_be_read_removes_no_page(cli, clone: Path) -> None:
    assert cli("publish", cwd=clone).code == 0
    before = files_of(clone / "site")
    record = clone / RECORD
    record.unlink()
    record.mkdir()  # a folder where the file was: exists, cannot be read (even as root)
    run = cli("publish", cwd=clone)
    assert run.code == 2, (run.out, run.err)
    assert RECORD in run.err
    assert files_of(clone / "site") == before


def test_a_release_the_record_lists_but_git_lacks_removes_no_page(cli, clone: Path) -> None:
    # what a release killed between writing releases.yaml and committing it leaves behind
    assert cli("publish", cwd=clone).code == 0
    before = files_of(clone / "site")
    record = clone / RECORD
    record.write_text(
        record.read_text(encoding="utf-8") + "  - version: 2.1.0\n    date: 2026-12-01\n",
        encoding="utf-8",
    )
    run = cli("publish", cwd=clone)
    assert run.code == 2, (run.out, run.err)
    assert RECORD in run.err and "2.1.0" in run.err
    assert files_of(clone / "site") == before


def test_a_committed_version_dot_dot_writes_nothing_outside_its_folder(cli, clone: Path) -> None:
    record = clone / "frameworks/electricien-batiment/releases.yaml"
    good = record.read_text(encoding="utf-8")
    record.write_text(
        good + '  - version: ".."\n    date: 2026-11-24\n    message: x\n', encoding="utf-8"
    )
    git(clone, "commit", "-qam", "a hostile record")
    run = cli("publish", cwd=clone)
    assert run.code == 2, (run.out, run.err)
    assert "frameworks/electricien-batiment/releases.yaml" in run.err and "'..'" in run.err
    site = clone / "site"
    assert not site.exists() or not any(".." in f for f in files_of(site))
    # the entry reverted: the site is whole, its index in place
    git(clone, "revert", "--no-edit", "HEAD")
    run = cli("publish", cwd=clone)
    assert run.code == 0, run.err
    assert (site / "index.html").is_file() and (site / "md/index.md").is_file()
    manifest = json.loads((site / ".refkit-publish.json").read_text(encoding="utf-8"))
    assert not [f for f in manifest["files"] if ".." in f]
    again = cli("publish", cwd=clone)
    assert again.code == 0 and " 0 removed" in again.out
    assert (site / "index.html").is_file()


def test_a_record_written_before_this_fix_cannot_delete_the_index(cli, clone: Path) -> None:
    """A site an earlier refkit published from a "..": its manifest lists
    electricien-batiment/../index.html; publishing again never follows it to the index."""
    assert cli("publish", cwd=clone).code == 0
    site = clone / "site"
    manifest_path = site / ".refkit-publish.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    files = manifest["files"]
    hostile = ["electricien-batiment/../index.html", "md/electricien-batiment/../index.md"]
    if isinstance(files, dict):
        for rel in hostile:
            files[rel] = files[rel.replace("electricien-batiment/../", "")]
    else:
        files += hostile
    manifest["frameworks"] = {}
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    run = cli("publish", cwd=clone)
    assert run.code in (0, 2), run.err
    assert (site / "index.html").is_file() and (site / "md/index.md").is_file()

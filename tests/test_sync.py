"""`refkit sync` (issue 14, first part): clones of one shared (bare) repository in tmp_path,
each person's commits and release tags going through it; offline, conflicts and uncommitted
changes change nothing."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import SAMPLES, git


def shared_and_two_clones(tmp_path: Path) -> tuple[Path, Path, Path]:
    shared = tmp_path / "shared.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(shared))
    a = tmp_path / "a"
    a.mkdir()
    shutil.copytree(SAMPLES, a / "frameworks")
    git(a, "init", "-q", "-b", "main")
    git(a, "add", "-A")
    git(a, "commit", "-qm", "référentiels")
    git(a, "remote", "add", "origin", str(shared))
    git(a, "push", "-q", "-u", "origin", "main")
    b = tmp_path / "b"
    git(tmp_path, "clone", "-q", str(shared), str(b))
    return shared, a, b


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    git(root, "commit", "-qam", f"{rel}: {new[:20]}")


BC01 = "frameworks/plombier-chauffagiste/blocks/BC01.yaml"
BC02 = "frameworks/plombier-chauffagiste/blocks/BC02.yaml"


def test_commits_go_through_the_shared_repository_both_ways(cli, tmp_path: Path) -> None:
    shared, a, b = shared_and_two_clones(tmp_path)
    edit(a, BC01, "statement: ", "statement: Savoir ")
    run = cli("sync", cwd=a)
    assert run.code == 0, run.err
    assert run.lines[-1] == "up to date with origin (main): 0 commits received, 1 sent"
    assert git(shared, "rev-parse", "main") == git(a, "rev-parse", "HEAD")
    # b changed another file meanwhile: both moved, merged, sent
    edit(b, BC02, "statement: ", "statement: Pouvoir ")
    run = cli("sync", cwd=b)
    assert run.code == 0, run.err
    assert run.lines[-1] == "up to date with origin (main): 1 commit received, 2 sent, merged"
    assert "Savoir" in (b / BC01).read_text(encoding="utf-8")
    run = cli("--lang", "fr", "sync", cwd=a)
    assert run.code == 0, run.err
    assert run.lines[-1] == "à jour avec origin (main) : 2 commits reçus, 0 envoyé"
    assert "Pouvoir" in (a / BC02).read_text(encoding="utf-8")
    assert git(a, "rev-parse", "HEAD") == git(b, "rev-parse", "HEAD") == git(shared, "rev-parse", "main")  # fmt: skip
    assert cli("validate", cwd=a).code == 0


def test_a_new_branch_counts_only_the_commits_the_shared_repository_lacks(
    cli, tmp_path: Path
) -> None:
    shared, a, _ = shared_and_two_clones(tmp_path)
    git(a, "switch", "-q", "-c", "essai")
    edit(a, BC01, "statement: ", "statement: Savoir ")
    run = cli("sync", cwd=a)
    assert run.code == 0, run.err
    assert run.lines[-1] == "up to date with origin (essai): 0 commits received, 1 sent"
    assert git(shared, "rev-parse", "essai") == git(a, "rev-parse", "HEAD")


def test_release_tags_are_shared(cli, tmp_path: Path) -> None:
    _, a, b = shared_and_two_clones(tmp_path)
    edit(a, BC01, "statement: ", "statement: Savoir ")
    assert cli("release", "plombier-chauffagiste", "--bump", "minor", "-m", "mise à jour", cwd=a).code == 0  # fmt: skip
    assert cli("sync", cwd=a).code == 0
    assert cli("sync", cwd=b).code == 0
    assert "plombier-chauffagiste/v2.1.0" in git(b, "tag").split()


def test_the_same_lines_changed_on_both_sides_change_nothing(cli, tmp_path: Path) -> None:
    _, a, b = shared_and_two_clones(tmp_path)
    edit(a, BC01, "statement: ", "statement: Savoir ")
    assert cli("sync", cwd=a).code == 0
    edit(b, BC01, "statement: ", "statement: Pouvoir ")
    head = git(b, "rev-parse", "HEAD")
    run = cli("sync", cwd=b)
    assert run.code == 1
    assert f"changed the same lines as this branch in {BC01}: nothing was merged" in run.err
    assert git(b, "rev-parse", "HEAD") == head and git(b, "status", "--porcelain") == ""
    assert not (b / ".git" / "MERGE_HEAD").exists()


def test_offline_changes_nothing_and_the_commits_wait(cli, tmp_path: Path) -> None:
    shared, a, _ = shared_and_two_clones(tmp_path)
    edit(a, BC01, "statement: ", "statement: Savoir ")
    head = git(a, "rev-parse", "HEAD")
    shared.rename(tmp_path / "away.git")  # the shared repository cannot be reached
    run = cli("sync", cwd=a)
    assert run.code == 2
    assert "could not reach the shared repository 'origin'" in run.err
    assert "your commits stay here" in run.err
    assert git(a, "rev-parse", "HEAD") == head
    (tmp_path / "away.git").rename(shared)
    assert cli("sync", cwd=a).code == 0
    assert git(shared, "rev-parse", "main") == head


def test_uncommitted_changes_are_never_merged_into(cli, tmp_path: Path) -> None:
    _, a, b = shared_and_two_clones(tmp_path)
    edit(a, BC01, "statement: ", "statement: Savoir ")
    assert cli("sync", cwd=a).code == 0
    path = b / BC02
    text = path.read_text(encoding="utf-8").replace("statement: ", "statement: En cours ", 1)
    path.write_text(text, encoding="utf-8")
    run = cli("sync", cwd=b)
    assert run.code == 1
    assert f"{BC02} has changes not committed" in run.err and "commit them first" in run.err
    assert path.read_text(encoding="utf-8") == text
    assert "Savoir" not in (b / BC01).read_text(encoding="utf-8")


def test_no_shared_repository(cli, tmp_path: Path) -> None:
    _, a, _ = shared_and_two_clones(tmp_path)
    run = cli("sync", "--remote", "groupe", cwd=a)
    assert run.code == 2
    assert "no shared repository named 'groupe'" in run.err and "git remote add groupe" in run.err


def with_the_merge_driver(cli, a: Path, b: Path) -> None:
    """Both clones set up by refkit setup (.gitattributes shared through the repository)."""
    assert cli("setup", cwd=a).code == 0
    git(a, "add", ".gitattributes")
    git(a, "commit", "-qm", "refkit setup")
    git(a, "push", "-q", "origin", "main")
    git(b, "pull", "-q", "--ff-only")
    assert cli("setup", cwd=b).code == 0


def test_with_the_driver_different_competencies_of_one_block_merge_and_are_sent(
    cli, tmp_path: Path
) -> None:
    shared, a, b = shared_and_two_clones(tmp_path)
    with_the_merge_driver(cli, a, b)
    edit(a, BC01, "Lire un plan", "Déchiffrer un plan")
    assert cli("sync", cwd=a).code == 0
    edit(b, BC01, "Relever sur site", "Relever sur le site")
    run = cli("sync", cwd=b)
    assert run.code == 0, run.err
    assert run.lines[-1].endswith("merged")
    text = (b / BC01).read_text(encoding="utf-8")
    assert "Déchiffrer un plan" in text and "Relever sur le site" in text and "<<<<" not in text
    assert git(shared, "rev-parse", "main") == git(b, "rev-parse", "HEAD")


def test_with_the_driver_a_field_changed_both_ways_waits_then_sync_finishes_it(
    cli, tmp_path: Path
) -> None:
    shared, a, b = shared_and_two_clones(tmp_path)
    with_the_merge_driver(cli, a, b)
    edit(a, BC01, "Lire un plan", "Déchiffrer un plan")
    assert cli("sync", cwd=a).code == 0
    edit(b, BC01, "Lire un plan", "Interpréter un plan")
    edit(b, BC02, "statement: ", "statement: Pouvoir ")
    head = git(b, "rev-parse", "HEAD")
    run = cli("sync", cwd=b)
    assert run.code == 1
    assert "a merge waits for your choice: both sides changed C1.1 statement" in run.err
    assert "refkit resolve" in run.err
    assert (b / ".git" / "MERGE_HEAD").exists() and git(shared, "rev-parse", "main") != head
    again = cli("sync", cwd=b)  # nothing chosen yet: still waiting, nothing sent
    assert again.code == 1 and "a merge waits for your choice" in again.err
    assert cli("resolve", "C1.1", "statement", "--value", "Lire et interpréter un plan d'architecte et un schéma de principe hydraulique pour repérer les réseaux à réaliser", cwd=b).code == 0  # fmt: skip
    done = cli("sync", cwd=b)
    assert done.code == 0, done.err
    assert git(shared, "rev-parse", "main") == git(b, "rev-parse", "HEAD")
    assert cli("sync", cwd=a).code == 0
    text = (a / BC01).read_text(encoding="utf-8")
    assert "Lire et interpréter un plan" in text and "<<<<" not in text
    assert "Pouvoir" in (a / BC02).read_text(encoding="utf-8")


def test_with_the_driver_a_merge_that_cannot_be_resolved_is_undone(cli, tmp_path: Path) -> None:
    _, a, b = shared_and_two_clones(tmp_path)
    with_the_merge_driver(cli, a, b)
    for clone, word in ((a, "un"), (b, "deux")):
        (clone / "NOTES.md").write_text(f"{word}\n", encoding="utf-8")
        git(clone, "add", "NOTES.md")
        git(clone, "commit", "-qm", word)
    edit(a, BC01, "Lire un plan", "Déchiffrer un plan")
    assert cli("sync", cwd=a).code == 0
    edit(b, BC01, "Lire un plan", "Interpréter un plan")
    head = git(b, "rev-parse", "HEAD")
    run = cli("sync", cwd=b)
    assert run.code == 1 and "NOTES.md" in run.err and "nothing was merged" in run.err
    assert git(b, "rev-parse", "HEAD") == head and git(b, "status", "--porcelain") == ""
    assert not (b / ".git" / "MERGE_HEAD").exists()
    assert not (b / ".git" / "refkit" / "conflicts.json").exists()


async def test_f7_in_the_editor_syncs_and_reads_the_files_again(tmp_path: Path) -> None:
    """F7: the sync window says what it does, then what came of it, in the editor's language;
    closing it reads the files again when commits came in."""
    from refkit.edit import Ref
    from refkit.tui import make_app
    from tests.test_tui import settle

    _, a, b = shared_and_two_clones(tmp_path)
    edit(a, BC01, "statement: ", "statement: Savoir ")
    git(b, "config", "refkit.lang", "fr")
    app = make_app(b, watch_interval=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        # a's commit reaches the shared repository while b's editor is open
        done = subprocess.run([sys.executable, "-m", "refkit", "sync"], cwd=a, capture_output=True, text=True, check=False)  # fmt: skip
        assert done.returncode == 0, done.stderr
        await pilot.press("f7")
        for _ in range(100):
            await pilot.pause(0.05)
            status = str(app.screen.query_one("#sync-status").render())
            if "À jour" in status:
                break
        assert "À jour avec origin (main) : 1 enregistrement reçu, 0 envoyé." in status
        await pilot.press("escape")
        await settle(app, pilot)
        block = app.session.framework("frameworks/plombier-chauffagiste").block("BC01")
        assert block is not None and block.competencies[0].statement.startswith("Savoir ")
        assert app.selected is not None and isinstance(app.selected, Ref)

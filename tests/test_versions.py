"""Versions in real git repositories: reading revisions, release, diff and log from the CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from refkit.history import GitError, History
from refkit.model import Source
from refkit.store.loader import load_framework, read_folder
from refkit.store.repository import Repository
from tests.conftest import FIXTURES, git, make_git_repo

BLOCK = FIXTURES / "valid" / "minimal" / "frameworks" / "demo" / "blocks" / "BC01.yaml"
NEW_COMPETENCY = """\
  - id: C1.2
    statement: Raccorder un chauffe-eau électrique
    kind: skill
    activities: [A1]
    criteria:
      - Le groupe de sécurité est posé
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "valid" / "minimal", root)
    return make_git_repo(root)


def state(root: Path) -> tuple[str, str, str]:
    """HEAD, tags and status: what must not change when refkit refuses."""
    head = git(root, "rev-parse", "HEAD").strip()
    return head, git(root, "tag"), git(root, "status", "--porcelain")


def block(root: Path) -> Path:
    return root / "frameworks/demo/blocks/BC01.yaml"


def add_competency(root: Path) -> None:
    with block(root).open("a", encoding="utf-8") as f:
        f.write(NEW_COMPETENCY)


# -- reading from git -----------------------------------------------------------------------------


def test_reading_a_commit_matches_the_work_tree_and_checks_nothing_out(repo: Path) -> None:
    add_competency(repo)  # the work tree now differs from HEAD
    before = git(repo, "status", "--porcelain")
    with History(Repository(repo)) as h:
        at_head = h.load_at("HEAD", "frameworks/demo")
    work = load_framework("frameworks/demo", read_folder(repo, repo / "frameworks/demo"))
    assert [c.id for _, c in at_head.framework.competencies()] == ["C1.1"]
    assert [c.id for _, c in work.framework.competencies()] == ["C1.1", "C1.2"]
    assert at_head.problems == []
    assert at_head.framework.blocks[0].source.file == "frameworks/demo/blocks/BC01.yaml"
    assert git(repo, "status", "--porcelain") == before


def test_framework_repository_inside_a_larger_git_repository(tmp_path: Path) -> None:
    outer = tmp_path / "outer"
    shutil.copytree(FIXTURES / "valid" / "minimal", outer / "referentiels")
    make_git_repo(outer)
    with History(Repository(outer / "referentiels")) as h:
        assert h.prefix == "referentiels/"
        assert h.folders_at("HEAD") == ["frameworks/demo"]
        assert h.load_at("HEAD", "frameworks/demo").framework.id == "demo"


def test_unknown_revision_and_missing_git_are_clear_errors(repo: Path, tmp_path: Path) -> None:
    with History(Repository(repo)) as h, pytest.raises(GitError, match="unknown revision 'v9'"):
        h.resolve("v9")
    plain = tmp_path / "plain"
    shutil.copytree(FIXTURES / "valid" / "minimal", plain)
    with pytest.raises(GitError, match="not in a git repository"):
        History(Repository(plain))


# -- release, diff, log through the CLI ------------------------------------------------------------


def test_release_edit_release_and_log(cli, repo: Path) -> None:
    first = cli("release", "demo", "-m", "Première version", cwd=repo)
    assert first.code == 0, first.err
    assert "tagged demo/v1.0.0" in first.out
    assert git(repo, "tag").split() == ["demo/v1.0.0"]
    assert git(repo, "status", "--porcelain") == ""
    fw_text = (repo / "frameworks/demo/framework.yaml").read_text(encoding="utf-8")
    assert "version: 1.0.0\nstatus: published\n" in fw_text
    assert "date: 20" in (repo / "frameworks/demo/releases.yaml").read_text(encoding="utf-8")

    add_competency(repo)
    text = (
        block(repo)
        .read_text(encoding="utf-8")
        .replace("Poser un réseau d'eau froide", "Poser un réseau d'eau froide et chaude")
    )
    block(repo).write_text(text, encoding="utf-8")
    second = cli("release", "demo", "-m", "Chauffe-eau", cwd=repo)
    assert second.code == 0, second.err
    assert "demo: 1.0.0 → 1.1.0 (minor: competency C1.2 added)" in second.out
    assert git(repo, "tag").split() == ["demo/v1.0.0", "demo/v1.1.0"]

    log = cli("log", "demo", "--format", "json", cwd=repo)
    data = json.loads(log.out)
    assert [(r["version"], r["summary"], r["tagged"]) for r in data["releases"]] == [
        ("1.1.0", "version 1.0.0 → 1.1.0; +1 competency, 1 competency modified", True),
        ("1.0.0", "created: 1 block, 1 competency", True),
    ]
    assert [c["release"] for c in data["commits"]] == ["1.1.0", "1.0.0", None]
    assert data["commits"][-1]["summary"] == "created: 1 block, 1 competency"
    text_log = cli("log", "demo", cwd=repo).out
    assert "1.1.0" in text_log and "+1 competency, 1 competency modified" in text_log

    diff = cli("diff", "demo", "1.0.0", "1.1.0", "--format", "json", cwd=repo)
    changes = json.loads(diff.out)
    assert changes["summary"]["competencies"] == {
        "added": 1,
        "removed": 0,
        "modified": 1,
        "moved": 0,
        "renamed": 0,
    }
    plain = cli("diff", "demo", "v1.0.0", "v1.1.0", cwd=repo).out
    assert "Statement: Poser un réseau d'eau froide {+et chaude+}" in plain
    assert "+ added C1.2 (block BC01): Raccorder un chauffe-eau électrique" in plain
    # --lang fr: the words of the published site and the editor
    french = cli("--lang", "fr", "diff", "demo", "v1.0.0", "v1.1.0", cwd=repo).out
    assert "  Compétences\u00a0: 1 ajoutée, 1 modifiée\n" in french
    assert "+ ajoutée C1.2 (bloc BC01) : Raccorder un chauffe-eau électrique" in french
    assert "Énoncé\u00a0: Poser un réseau d'eau froide {+et chaude+}" in french
    table = cli("diff", "demo", "1.0.0", "1.1.0", "--correspondence", cwd=repo).out
    assert "BC01 → BC01: partial; still to cover: C1.2" in table


def test_diff_defaults_to_last_release_against_the_work_tree(cli, repo: Path) -> None:
    assert cli("release", "demo", cwd=repo).code == 0
    assert "no change" in cli("diff", "demo", cwd=repo).out
    add_competency(repo)
    out = cli("diff", "demo", "--format", "md", cwd=repo).out
    assert out.startswith("# demo: 1.0.0 → 1.0.0 + changes (work tree)")
    assert "Raccorder un chauffe-eau électrique" in out
    page = cli("--lang", "fr", "diff", "demo", "--format", "html", cwd=repo).out
    assert page.startswith("<!DOCTYPE html>") and '<html lang="fr">' in page
    assert '<span class="kind">ajoutée</span> C1.2 (bloc BC01)' in page


def test_renumbered_competency_is_reported_as_renamed(cli, repo: Path) -> None:
    assert cli("release", "demo", cwd=repo).code == 0
    text = block(repo).read_text(encoding="utf-8").replace("id: C1.1", "id: C1.5")
    block(repo).write_text(text, encoding="utf-8")
    data = json.loads(cli("diff", "demo", "--format", "json", cwd=repo).out)
    (change,) = data["changes"]
    assert (change["change"], change["old_id"], change["id"], change["similarity"]) == (
        "renamed",
        "C1.1",
        "C1.5",
        1.0,
    )
    assert data["summary"]["competencies"] == {
        "added": 0,
        "removed": 0,
        "modified": 0,
        "moved": 0,
        "renamed": 1,
    }
    assert "≈ renumbered C1.1 becomes C1.5 (100% identical)" in cli("diff", "demo", cwd=repo).out
    refused = cli("release", "demo", "--bump", "minor", cwd=repo)
    assert refused.code == 2 and "need a major release" in refused.err
    assert "--reason" in refused.err
    # the working group decides a minor release and says why: recorded, validated, logged
    reason = "Renumérotation décidée par la commission : rien ne change pour les titulaires"
    done = cli(
        "release", "demo", "--bump", "minor", "--reason", reason, "--format", "json", cwd=repo
    )
    assert done.code == 0, done.err
    out = json.loads(done.out)
    assert (out["version"], out["bump"], out["required"], out["reason"]) == (
        "1.1.0",
        "minor",
        "major",
        reason,
    )
    records = (repo / "frameworks/demo/releases.yaml").read_text(encoding="utf-8")
    assert f"    override:\n      required: major\n      reason: '{reason}'\n" in records
    assert cli("validate", cwd=repo).code == 0
    assert reason in git(repo, "log", "-1", "--format=%B")


def test_releases_are_found_without_tags(cli, repo: Path) -> None:
    assert cli("release", "demo", cwd=repo).code == 0
    add_competency(repo)
    assert cli("release", "demo", cwd=repo).code == 0
    for tag in git(repo, "tag").split():
        git(repo, "tag", "-d", tag)
    log = json.loads(cli("log", "demo", "--format", "json", cwd=repo).out)
    assert [(r["version"], r["tagged"]) for r in log["releases"]] == [
        ("1.1.0", False),
        ("1.0.0", False),
    ]
    assert "(no tag: found through releases.yaml)" in cli("log", "demo", cwd=repo).out
    data = json.loads(cli("diff", "demo", "1.0.0", "1.1.0", "--format", "json", cwd=repo).out)
    assert data["summary"]["competencies"]["added"] == 1
    restored = cli("release", "demo", "--restore-tags", cwd=repo)
    assert restored.code == 0 and "demo/v1.0.0" in restored.out and "demo/v1.1.0" in restored.out
    assert git(repo, "tag").split() == ["demo/v1.0.0", "demo/v1.1.0"]
    assert (
        git(repo, "rev-list", "-n1", "demo/v1.1.0").strip()
        == git(repo, "rev-parse", "HEAD").strip()
    )
    assert "already has its tag" in cli("release", "demo", "--restore-tags", cwd=repo).out


def test_clone_of_main_without_tags_still_diffs_every_release(
    cli, repo: Path, tmp_path: Path
) -> None:
    assert cli("release", "demo", cwd=repo).code == 0
    add_competency(repo)
    assert cli("release", "demo", cwd=repo).code == 0
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--no-tags", "--single-branch", str(repo), str(clone)], check=True
    )
    assert git(clone, "tag") == ""
    run = cli("diff", "demo", "1.0.0", "1.1.0", cwd=clone)
    assert run.code == 0 and "added C1.2" in run.out


def test_shallow_clone_says_how_to_fetch_history(cli, repo: Path, tmp_path: Path) -> None:
    assert cli("release", "demo", cwd=repo).code == 0
    add_competency(repo)
    git(repo, "commit", "-qam", "chauffe-eau")
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", "--no-tags", f"file://{repo}", str(clone)],
        check=True,
    )
    run = cli("diff", "demo", cwd=clone)
    assert run.code == 2
    assert "release not found" in run.err and "git fetch --unshallow" in run.err
    assert "Traceback" not in run.err


# -- refusals leave nothing behind ----------------------------------------------------------------


def test_release_refused_on_unrelated_changes(cli, repo: Path) -> None:
    (repo / "README.md").write_text("notes\n")
    git(repo, "add", "README.md")
    git(repo, "commit", "-qm", "readme")
    (repo / "README.md").write_text("notes changed\n")
    before = state(repo)
    run = cli("release", "demo", cwd=repo)
    assert run.code == 2
    assert "uncommitted changes outside frameworks/demo: README.md" in run.err
    assert state(repo) == before


def test_release_includes_the_frameworks_own_uncommitted_edits(cli, repo: Path) -> None:
    assert cli("release", "demo", cwd=repo).code == 0
    add_competency(repo)
    (repo / "notes.txt").write_text("untracked elsewhere: not a change to release\n")
    assert cli("release", "demo", cwd=repo).code == 0
    assert git(repo, "status", "--porcelain") == "?? notes.txt\n"
    assert "C1.2" in git(repo, "show", "demo/v1.1.0:frameworks/demo/blocks/BC01.yaml")


def test_release_refused_when_validation_fails(cli, repo: Path) -> None:
    text = block(repo).read_text(encoding="utf-8").replace("kind: skill", "kind: savoir-faire")
    block(repo).write_text(text, encoding="utf-8")
    before = state(repo)
    run = cli("release", "demo", cwd=repo)
    assert run.code == 1
    assert "frameworks/demo/blocks/BC01.yaml:7:11: error schema-enum" in run.err
    assert state(repo) == before


def test_release_refused_when_nothing_changed(cli, repo: Path) -> None:
    assert cli("release", "demo", cwd=repo).code == 0
    before = state(repo)
    run = cli("release", "demo", cwd=repo)
    assert run.code == 2 and "nothing to release" in run.err
    assert state(repo) == before


def test_a_tag_made_by_hand_counts_as_a_release(cli, repo: Path) -> None:
    assert cli("release", "demo", cwd=repo).code == 0
    git(repo, "tag", "demo/v1.1.0")  # same content as 1.0.0, tagged outside refkit
    add_competency(repo)
    run = cli("release", "demo", cwd=repo)
    assert run.code == 0 and "demo: 1.1.0 → 1.2.0" in run.out


def test_release_refused_on_detached_head(cli, repo: Path) -> None:
    git(repo, "checkout", "-q", "--detach", "HEAD")
    run = cli("release", "demo", cwd=repo)
    assert run.code == 2 and "HEAD is detached" in run.err


def test_two_frameworks_with_the_same_id_are_refused(cli, repo: Path) -> None:
    shutil.copytree(repo / "frameworks/demo", repo / "frameworks/demo-copie")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "copy")
    run = cli("release", "demo", cwd=repo)
    assert run.code == 2
    assert "also used by frameworks/demo-copie" in run.err


def test_a_refused_ref_update_changes_nothing(cli, repo: Path) -> None:
    """git refuses the branch and tag update (a reference-transaction hook, as a server-side
    policy or a full disk would): the release changes nothing at all."""
    add_competency(repo)
    before_head = git(repo, "rev-parse", "HEAD").strip()
    before_files = {p: p.read_bytes() for p in (repo / "frameworks/demo").rglob("*.yaml")}
    hook = repo / ".git/hooks/reference-transaction"
    hook.write_text(
        '#!/bin/sh\n[ "$1" = prepared ] && { echo "refused by policy" >&2; exit 1; }\nexit 0\n'
    )
    hook.chmod(0o755)
    run = cli("release", "demo", cwd=repo)
    assert run.code == 2 and "nothing was changed" in run.err and "refused by policy" in run.err
    assert git(repo, "rev-parse", "HEAD").strip() == before_head
    assert git(repo, "tag") == ""
    assert {p: p.read_bytes() for p in (repo / "frameworks/demo").rglob("*.yaml")} == before_files
    assert not (repo / "frameworks/demo/releases.yaml").exists()
    assert git(repo, "diff", "--cached", "--name-only") == ""
    assert sorted(p.name for p in (repo / ".git").iterdir() if "refkit-commit" in p.name) == []
    assert not (repo / ".git/index.lock").exists()


def test_usage_errors_exit_2(cli, repo: Path, tmp_path: Path) -> None:
    assert cli("diff", "nope", cwd=repo).code == 2
    run = cli("diff", "demo", cwd=repo)
    assert run.code == 2 and "no release yet" in run.err
    run = cli("diff", "demo", "3.0.0", "HEAD", cwd=repo)
    assert run.code == 2 and "no release 3.0.0" in run.err
    run = cli("diff", "demo", "no-such-branch", cwd=repo)
    assert run.code == 2 and "unknown revision" in run.err
    plain = tmp_path / "plain"
    shutil.copytree(FIXTURES / "valid" / "minimal", plain)
    run = cli("log", "demo", cwd=plain)
    assert run.code == 2 and "not in a git repository" in run.err
    for r in (run,):
        assert "Traceback" not in r.err


def test_correspondence_overrides_are_checked_against_the_earlier_release(cli, repo: Path) -> None:
    assert cli("release", "demo", cwd=repo).code == 0
    add_competency(repo)
    fw = repo / "frameworks/demo/framework.yaml"
    base_text = fw.read_text(encoding="utf-8")
    section = (
        "correspondence:\n  from: 1.0.0\n  blocks:\n"
        "    - old: BC01\n      type: equivalent\n      new: [BC01]\n      note: C1.2 acquise en entreprise\n"
        "    - old: BC09\n      type: removed\n"
    )
    fw.write_text(base_text + section, encoding="utf-8")
    run = cli("validate", "--format", "json", cwd=repo)
    problems = [(p["rule"], p["line"], p["message"]) for p in json.loads(run.out)]
    assert problems == [("unknown-block", 21, 'block "BC09" is not a block of demo 1.0.0')]
    fw.write_text(base_text + section.replace("from: 1.0.0", "from: 0.9.0"), encoding="utf-8")
    problems = [
        (p["rule"], p["message"])
        for p in json.loads(cli("validate", "--format", "json", cwd=repo).out)
    ]
    assert problems == [("unknown-release", "demo has no release 0.9.0 to map from")]
    # a valid override shows in the table as such
    fw.write_text(
        base_text + section.replace("    - old: BC09\n      type: removed\n", ""), encoding="utf-8"
    )
    assert cli("validate", cwd=repo).code == 0
    table = json.loads(cli("diff", "demo", "--correspondence", "--format", "json", cwd=repo).out)
    assert table["blocks"] == [
        {
            "old": "BC01",
            "new": ["BC01"],
            "type": "equivalent",
            "missing": [],
            "origin": "overridden",
            "note": "C1.2 acquise en entreprise",
            "proposed": {"type": "partial", "new": ["BC01"], "missing": ["C1.2"]},
        }
    ]


def test_parsed_blobs_are_cached_with_their_positions_and_problems(repo: Path) -> None:
    from refkit.cache import BlobCache

    text = block(repo).read_text(encoding="utf-8").replace("kind: skill", "kind: skil")
    block(repo).write_text(text, encoding="utf-8")
    git(repo, "commit", "-qam", "typo")
    cache_dir = repo.parent / "blobs"
    with History(Repository(repo)) as h:
        h.blobs = BlobCache(cache_dir)
        first = h.load_at("HEAD", "frameworks/demo")
        assert len(list(cache_dir.rglob("*.json"))) == 2  # framework.yaml and BC01.yaml
        second = h.load_at("HEAD", "frameworks/demo")
    assert second.framework == first.framework
    assert second.problems == first.problems
    assert [p.rule for p in second.problems] == ["schema-enum"]
    c1, c2 = first.framework.blocks[0].competencies[0], second.framework.blocks[0].competencies[0]
    assert (c1.source, c1.criteria[0].source) == (c2.source, c2.criteria[0].source)
    assert c2.source == Source("frameworks/demo/blocks/BC01.yaml", 5, 5, ("competencies", 0))
    assert first.framework.blocks[0].source == second.framework.blocks[0].source
    for entry in cache_dir.rglob("*.json"):  # a damaged cache is a miss, not a wrong answer
        entry.write_text('{"sha": "x"}')
    with History(Repository(repo)) as h:
        h.blobs = BlobCache(cache_dir)
        assert h.load_at("HEAD", "frameworks/demo").framework == first.framework


def test_frameworks_whose_ids_share_a_prefix_keep_their_own_releases(cli, repo: Path) -> None:
    src = repo / "frameworks/demo"
    dst = repo / "frameworks/demo-avance"
    shutil.copytree(src, dst)
    fw = dst / "framework.yaml"
    fw.write_text(
        fw.read_text(encoding="utf-8").replace("id: demo", "id: demo-avance"), encoding="utf-8"
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "second framework")
    assert cli("release", "demo-avance", cwd=repo).code == 0
    assert cli("release", "demo", cwd=repo).code == 0
    add_competency(repo)
    assert cli("release", "demo", cwd=repo).code == 0
    assert git(repo, "tag").split() == ["demo-avance/v1.0.0", "demo/v1.0.0", "demo/v1.1.0"]
    mine = json.loads(cli("log", "demo-avance", "--format", "json", cwd=repo).out)
    assert [r["version"] for r in mine["releases"]] == ["1.0.0"]
    theirs = json.loads(cli("log", "demo", "--format", "json", cwd=repo).out)
    assert [r["version"] for r in theirs["releases"]] == ["1.1.0", "1.0.0"]


def test_releases_copied_without_their_history_are_not_read_from_another_release(
    cli, tmp_path: Path
) -> None:
    """The sample frameworks copied into a new repository (one commit, no tags): the commit
    first listing plombier-chauffagiste 1.0.0 also lists 2.0.0 and holds 2.0.0. 1.0.0 is never
    read from it (it was: "1.0.0 -> work tree: no change", and a 1.0.0 page with 2.0.0's
    content); each command says why, and what is in the history still works."""
    from tests.conftest import SAMPLES

    root = tmp_path / "copied"
    root.mkdir()
    shutil.copytree(SAMPLES, root / "frameworks")
    make_git_repo(root)
    sha = git(root, "rev-parse", "HEAD").strip()[:12]
    why = (
        f"plombier-chauffagiste 1.0.0: its content is not in this repository's history: commit "
        f"{sha} is the first to list it in releases.yaml, together with 2.0.0, and holds 2.0.0"
    )
    run = cli("diff", "plombier-chauffagiste", "1.0.0", cwd=root)
    assert run.code == 2 and why in run.err and "git fetch --tags" in run.err
    assert cli("diff", "plombier-chauffagiste", "2.0.0", cwd=root).code == 0
    run = cli("validate", cwd=root)
    assert run.code == 0
    assert "warning history-unavailable cannot check the correspondence: " + why in run.out
    run = cli("publish", "--out", str(tmp_path / "site"), cwd=root)
    assert run.code == 0, run.err
    assert f"note: {why}: not published" in run.err
    assert (tmp_path / "site/plombier-chauffagiste/2.0.0/index.html").is_file()
    assert not (tmp_path / "site/plombier-chauffagiste/1.0.0").exists()
    run = cli("log", "plombier-chauffagiste", cwd=root)
    assert "1.0.0    not published here: its content is not in this" in run.out

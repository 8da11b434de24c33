"""Repository tooling: fmt, init, new, pre-commit hooks and the sample CI workflow."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO, SAMPLES, copy_fixture

MESSY = (
    "# Bloc écrit à la main\r\n"
    "schema: refkit/block/1   \r\n"
    "id: BC01\r\n"
    "title:    Installer un réseau\r\n"
    "competencies:\r\n"
    "    # Réseaux\r\n"
    "    -   id: C1.1\r\n"
    "        statement: Poser un réseau d'eau froide\r\n"
    "        kind: skill\r\n"
    "        activities: [A1,A2]\r\n"
    "        criteria:\r\n"
    '            - "Le réseau est étanche : sans fuite"  # vérifié\r\n'
    "            - La pression\r\n"
    "              est tenue\r\n"
)
CANONICAL = (
    "# yaml-language-server: $schema=../../../schemas/block.schema.json\n"
    "# Bloc écrit à la main\n"
    "schema: refkit/block/1\n"
    "id: BC01\n"
    "title: Installer un réseau\n"
    "competencies:\n"
    "    # Réseaux\n"
    "  - id: C1.1\n"
    "    statement: Poser un réseau d'eau froide\n"
    "    kind: skill\n"
    "    activities: [A1, A2]\n"
    "    criteria:\n"
    '      - "Le réseau est étanche : sans fuite"  # vérifié\n'
    "      - La pression est tenue\n"
)


@pytest.fixture
def repo_with_schemas(tmp_path: Path) -> Path:
    root = copy_fixture("valid", "minimal", tmp_path)
    shutil.copytree(REPO / "schemas", root / "schemas")
    return root


def test_fmt_gives_the_canonical_layout_and_keeps_comments(cli, repo_with_schemas: Path) -> None:
    block = repo_with_schemas / "frameworks/demo/blocks/BC01.yaml"
    block.write_bytes(MESSY.encode())
    check = cli("fmt", "--check", cwd=repo_with_schemas)
    assert check.code == 1
    assert "frameworks/demo/blocks/BC01.yaml: would be reformatted" in check.lines
    assert block.read_bytes() == MESSY.encode()  # --check writes nothing
    assert cli("fmt", cwd=repo_with_schemas).code == 0
    assert block.read_text(encoding="utf-8") == CANONICAL
    again = cli("fmt", "--check", cwd=repo_with_schemas)
    assert again.code == 0 and again.lines == ["2 files already formatted"]


def test_fmt_never_writes_a_file_it_cannot_read(cli, tmp_path: Path) -> None:
    case = copy_fixture("invalid", "yaml-syntax", tmp_path)
    before = {p: p.read_bytes() for p in case.rglob("*.yaml")}
    run = cli("fmt", cwd=case)
    assert run.code == 1
    assert "frameworks/demo/blocks/BC01.yaml:6:21: error yaml-syntax" in run.err
    assert {p: p.read_bytes() for p in case.rglob("*.yaml")} == before


@pytest.mark.parametrize(
    "folder", [SAMPLES.parent, *sorted((FIXTURES / "valid").iterdir())], ids=lambda p: p.name
)
def test_real_files_are_already_formatted(cli, folder: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(folder / "frameworks", copy / "frameworks")
    if (folder / "schemas").exists():
        shutil.copytree(folder / "schemas", copy / "schemas")
    run = cli("fmt", "--check", cwd=copy)
    assert run.code == 0, run.out


# -- init and new ------------------------------------------------------------------------------------

import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

from tests.conftest import git  # noqa: E402


def test_init_makes_a_repository_ready_to_use(cli, tmp_path: Path) -> None:
    target = tmp_path / "referentiels"
    run = cli("init", str(target), cwd=tmp_path)
    assert run.code == 0, run.err
    for path in (
        "schemas/framework.schema.json",
        "schemas/block.schema.json",
        "frameworks/exemple/framework.yaml",
        "frameworks/exemple/blocks/BC01.yaml",
        ".pre-commit-config.yaml",
        ".github/workflows/refkit.yml",
        "README.md",
        ".git",
    ):
        assert (target / path).exists(), path
    assert (
        (target / "frameworks/exemple/blocks/BC01.yaml")
        .read_text(encoding="utf-8")
        .startswith("# yaml-language-server: $schema=../../../schemas/block.schema.json\n")
    )
    assert cli("validate", "--strict", cwd=target).code == 0
    assert cli("fmt", "--check", cwd=target).code == 0
    assert (target / ".github/workflows/refkit.yml").read_text() == (
        REPO / "docs/github-workflow.yml"
    ).read_text()
    english = tmp_path / "frameworks-en"
    assert (
        cli("init", str(english), "--lang", "en", "--framework", "aged-care", cwd=tmp_path).code
        == 0
    )
    assert "Example framework" in (english / "frameworks/aged-care/framework.yaml").read_text(
        encoding="utf-8"
    )
    assert cli("validate", "--strict", cwd=english).code == 0


def test_the_first_release_of_a_new_repository_commits_its_scaffolding(cli, tmp_path: Path) -> None:
    """refkit init, then refkit release straight away: the release commit holds the schemas,
    README and CI files besides the framework (it held frameworks/ only, the rest left
    untracked)."""
    target = tmp_path / "referentiels"
    assert cli("init", str(target), cwd=tmp_path).code == 0
    run = cli("release", "exemple", "-m", "Première version", cwd=target)
    assert run.code == 0, run.err
    committed = set(git(target, "ls-files").split())
    assert {
        "schemas/framework.schema.json",
        "schemas/releases.schema.json",
        "README.md",
        ".gitignore",
        ".pre-commit-config.yaml",
        ".github/workflows/refkit.yml",
        "frameworks/exemple/framework.yaml",
        "frameworks/exemple/releases.yaml",
    } <= committed
    assert git(target, "status", "--porcelain") == ""


def test_init_refuses_a_non_empty_folder_and_writes_nothing(cli, tmp_path: Path) -> None:
    target = tmp_path / "full"
    target.mkdir()
    (target / "notes.txt").write_text("à garder\n")
    run = cli("init", str(target), cwd=tmp_path)
    assert run.code == 2 and "not empty" in run.err
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    (tmp_path / "file").write_text("x")
    assert cli("init", str(tmp_path / "file"), cwd=tmp_path).code == 2
    assert cli("init", str(tmp_path / "bad"), "--framework", "Bad Id", cwd=tmp_path).code == 2
    assert not (tmp_path / "bad").exists()


def test_init_inside_a_git_repository_does_not_nest_one(cli, tmp_path: Path) -> None:
    outer = tmp_path / "outer"
    outer.mkdir()
    git(outer, "init", "-q")
    assert cli("init", str(outer / "referentiels"), cwd=tmp_path).code == 0
    assert not (outer / "referentiels/.git").exists()


def test_new_block_and_competency_take_the_next_free_ids(cli, sample_repo: Path) -> None:
    run = cli(
        "new", "block", "plombier-chauffagiste", "--title", "Installer une VMC", cwd=sample_repo
    )
    assert run.code == 0, run.err
    assert run.lines[0] == "created block BC08 with competency C8.1"
    run = cli(
        "new",
        "competency",
        "plombier-chauffagiste",
        "BC07",
        "--statement",
        "Conseiller le client sur le réglage de sa pompe à chaleur",
        cwd=sample_repo,
    )
    assert (
        run.lines[0] == "created competency C7.5 in BC07"
    )  # after C7.1-C7.4 (C4.5 moved in keeps its id)
    added = git(sample_repo, "diff", "-U0", "frameworks/plombier-chauffagiste/blocks/BC07.yaml")
    assert [
        line for line in added.splitlines() if line.startswith("-") and not line.startswith("---")
    ] == []
    assert "+  - id: C7.5" in added
    run = cli("validate", "--format", "json", cwd=sample_repo)
    assert run.code == 0  # warnings only: valid at once
    problems = json.loads(run.out)
    # the texts left to write are pointed at, each where it is
    assert sorted((p["rule"], p["message"]) for p in problems) == [
        ("block-not-certified", "block BC08 is neither required nor in an elective group"),
        (
            "placeholder-text",
            'competency C8.1 still reads "À définir — verbe d\'action, objet et contexte", '
            "the text refkit gave it",
        ),
        (
            "placeholder-text",
            'criterion 1 of C7.5 still reads "À définir — un critère observable", '
            "the text refkit gave it",
        ),
        (
            "placeholder-text",
            'criterion 1 of C8.1 still reads "À définir — un critère observable", '
            "the text refkit gave it",
        ),
    ]


def test_the_texts_refkit_new_leaves_to_write_are_placeholders() -> None:
    from refkit.model import PLACEHOLDERS
    from refkit.scaffold import TEXTS

    for texts in TEXTS.values():
        for key in ("new_block", "new_statement", "new_criterion"):
            assert texts[key] in PLACEHOLDERS


def test_new_rejects_unknown_names_and_existing_frameworks(cli, sample_repo: Path) -> None:
    assert cli("new", "competency", "plombier-chauffagiste", "BC99", cwd=sample_repo).code == 2
    assert cli("new", "block", "nope", cwd=sample_repo).code == 2
    run = cli("new", "framework", "plombier-chauffagiste", cwd=sample_repo)
    assert run.code == 2 and "already exists" in run.err
    assert cli("new", "framework", "Pas_Un_Id", cwd=sample_repo).code == 2
    assert git(sample_repo, "status", "--porcelain") == ""


# -- pre-commit: the Done-when of issue 7 -------------------------------------------------------------


def _pre_commit(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["PRE_COMMIT_HOME"] = str(cwd.parent / ".pre-commit-home")
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def test_pre_commit_in_a_repository_made_by_init(cli, tmp_path: Path) -> None:
    target = tmp_path / "referentiels"
    assert cli("init", str(target), cwd=tmp_path).code == 0
    git(target, "add", "-A")
    passed = _pre_commit(target, "run", "--all-files")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    block = target / "frameworks/exemple/blocks/BC01.yaml"
    block.write_text(
        block.read_text(encoding="utf-8").replace("kind: skill", "kind: savoir-faire"),
        encoding="utf-8",
    )
    git(target, "add", "-A")
    failed = _pre_commit(target, "run", "--all-files")
    assert failed.returncode == 1
    assert "frameworks/exemple/blocks/BC01.yaml:14:11: error schema-enum" in failed.stdout


def test_refkit_pre_commit_hooks_file_works_from_another_repository(cli, tmp_path: Path) -> None:
    target = tmp_path / "referentiels"
    assert cli("init", str(target), cwd=tmp_path).code == 0
    git(target, "add", "-A")
    for hook in ("refkit-fmt", "refkit-validate"):
        run = _pre_commit(target, "try-repo", str(REPO), hook, "--all-files")
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
        assert "Passed" in run.stdout


def _workflow_steps() -> list[dict[str, object]]:
    from ruamel.yaml import YAML

    workflow = YAML(typ="safe").load((REPO / "docs/github-workflow.yml").read_text())
    (job,) = workflow["jobs"].values()
    return list(job["steps"])


def test_sample_workflow_steps_run_locally_in_order(cli, tmp_path: Path) -> None:
    """The sample GitHub workflow, step by step, in a repository made by `refkit init`: every
    `run:` step in order (refkit being installed here already), then the artifact's folder."""
    target = tmp_path / "referentiels"
    assert cli("init", str(target), cwd=tmp_path).code == 0
    git(target, "add", "-A")
    git(target, "commit", "-qm", "Référentiel de départ")
    steps = _workflow_steps()
    assert steps[0]["uses"] == "actions/checkout@v4"
    assert steps[0]["with"] == {"fetch-depth": 0}
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    ran = []
    for step in steps:
        command = step.get("run")
        if command is None:
            continue
        if command == "pip install refkit":
            continue  # this very refkit is installed in the test environment
        proc = subprocess.run(
            ["bash", "-e", "-c", str(command)],
            cwd=target,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, f"{step['name']}: {proc.stdout}{proc.stderr}"
        ran.append(str(step["name"]))
    assert ran == ["Validate", "Check the layout", "Publish the site"]
    (upload,) = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact")]
    site = target / str(upload["with"]["path"])  # type: ignore[index]
    assert (site / "index.html").is_file()
    assert (site / "exemple/draft/index.html").is_file()
    # a deliberate error stops the workflow at the Validate step, with an annotation
    block = target / "frameworks/exemple/blocks/BC01.yaml"
    block.write_text(block.read_text(encoding="utf-8").replace("id: BC01", "id: BC1", 1))
    validate = next(s for s in steps if s.get("name") == "Validate")
    proc = subprocess.run(
        ["bash", "-e", "-c", str(validate["run"])],
        cwd=target,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "::error file=frameworks/exemple/blocks/BC01.yaml,line=" in proc.stdout

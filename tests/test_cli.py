"""The command line as a contract: output format, exit codes, paths, cache, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from refkit.cli import COMMANDS, build_parser
from tests.conftest import FIXTURES, REPO, copy_fixture

MINIMAL = FIXTURES / "valid" / "minimal"


def test_samples_validate_clean(cli) -> None:
    run = cli("validate", "--no-cache", cwd=REPO)
    assert run.code == 0, run.out
    assert run.lines == [run.lines[-1]]
    assert run.lines[-1].startswith("no problems in ")


def test_problem_line_format(cli, tmp_path: Path) -> None:
    case = copy_fixture("invalid", "duplicate-key", tmp_path)
    run = cli("validate", cwd=case)
    assert run.code == 1
    assert run.lines[0] == (
        'frameworks/demo/blocks/BC01.yaml:11:5: error yaml-duplicate-key duplicate key "statement" (first at line 6)'
    )
    assert run.lines[1] == "    hint: keep only one of the two keys"
    assert run.lines[-1] == "1 error in 2 files of 1 framework"


def test_json_format_is_a_list_of_problem_objects(cli, tmp_path: Path) -> None:
    case = copy_fixture("invalid", "unknown-fields", tmp_path)
    run = cli("validate", "--format", "json", cwd=case)
    data = json.loads(run.out)
    assert isinstance(data, list) and len(data) == 3
    assert data[1] == {
        "file": "frameworks/demo/blocks/BC01.yaml",
        "line": 6,
        "col": 5,
        "severity": "error",
        "rule": "schema-unknown-field",
        "message": 'unknown field "statment" in competency C1.1',
        "hint": 'did you mean "statement"?',
        "path": ["competencies", 0, "statment"],
    }
    assert run.code == 1


def test_paths_are_shown_relative_to_the_current_folder(cli, tmp_path: Path) -> None:
    case = copy_fixture("invalid", "duplicate-key", tmp_path)
    run = cli("validate", str(case / "frameworks" / "demo"), cwd=tmp_path)
    assert run.lines[0].startswith("duplicate-key/frameworks/demo/blocks/BC01.yaml:11:5: ")


def test_several_repositories_at_once(cli, tmp_path: Path) -> None:
    a = copy_fixture("invalid", "duplicate-key", tmp_path)
    b = copy_fixture("invalid", "bom", tmp_path)
    run = cli("validate", str(a), str(b), "--format", "json", cwd=tmp_path)
    assert sorted({p["file"].split("/")[0] for p in json.loads(run.out)}) == [
        "bom",
        "duplicate-key",
    ]


def test_a_path_selects_its_framework_only(cli, tmp_path: Path) -> None:
    case = copy_fixture("invalid", "shared-blocks", tmp_path)
    run = cli("validate", "frameworks/socle", cwd=case)
    assert run.code == 0, run.out  # demo's problems are not socle's
    run = cli("validate", "frameworks/demo/framework.yaml", cwd=case)
    assert run.code == 1


def test_warnings_fail_only_with_strict(cli) -> None:
    case = FIXTURES / "invalid" / "warnings"
    assert cli("validate", "--no-cache", cwd=case).code == 0
    assert cli("validate", "--no-cache", "--strict", cwd=case).code == 1


@pytest.mark.parametrize(
    "args",
    [
        ("validate", "does/not/exist"),
        ("validate", "--format", "xml"),
        ("validate", "--jobs", "0"),
        ("nonsense",),
        (),
    ],
)
def test_usage_errors_exit_2(cli, args: tuple[str, ...]) -> None:
    run = cli(*args, cwd=MINIMAL)
    assert run.code == 2
    assert run.out == ""
    assert "Traceback" not in run.err


def test_outside_any_repository_exits_2_with_a_hint(cli, tmp_path: Path) -> None:
    run = cli("validate", cwd=tmp_path)
    assert run.code == 2
    assert "no frameworks/ folder" in run.err
    assert "hint:" in run.err


def test_a_path_outside_frameworks_is_a_usage_error(cli, tmp_path: Path) -> None:
    case = copy_fixture("valid", "minimal", tmp_path)
    (case / "README.md").write_text("x")
    run = cli("validate", "README.md", cwd=case)
    assert run.code == 2
    assert "not inside frameworks/" in run.err


def test_missing_frameworks_folder_entry_is_reported(cli, tmp_path: Path) -> None:
    case = copy_fixture("valid", "minimal", tmp_path)
    (case / "frameworks" / "vide").mkdir()
    run = cli("validate", cwd=case)
    assert run.code == 1
    assert run.lines[0].startswith("frameworks/vide:1:1: error framework-file-missing ")


def test_cache_reuses_results_and_sees_changes(tmp_path: Path) -> None:
    from refkit.store.repository import Repository
    from refkit.validate import validate

    case = copy_fixture("valid", "full", tmp_path)
    repo = Repository(case)
    first = validate(repo)
    assert (first.from_cache, first.problems) == (0, [])
    assert not (case / ".refkit-cache").exists()  # nothing written into the repository
    second = validate(repo)
    assert second.from_cache == 2  # files this recent are re-hashed: same digests, so still a hit
    assert second.problems == []
    block = case / "frameworks" / "demo" / "blocks" / "BC02.yaml"
    block.write_text(
        block.read_text(encoding="utf-8").replace("kind: attitude", "kind: atitude"),
        encoding="utf-8",
    )
    third = validate(repo)
    assert [p.rule for p in third.problems] == ["schema-enum"]
    old = 1_000_000_000  # make every file look long untouched: now the stat signature alone decides
    for path in (case / "frameworks").rglob("*.yaml"):
        os.utime(path, ns=(old, old))
    validate(repo)
    fourth = validate(repo)
    assert fourth.from_cache == 2
    assert [p.rule for p in fourth.problems] == ["schema-enum"]


def test_a_corrupt_cache_is_ignored(cli, tmp_path: Path) -> None:
    from refkit.cache import repository_cache_dir

    case = copy_fixture("valid", "minimal", tmp_path)
    assert cli("validate", cwd=case).code == 0
    cache = repository_cache_dir(case) / "validate.json"
    assert cache.exists()
    cache.write_text("{not json")
    assert cli("validate", cwd=case).code == 0


def test_a_cache_committed_in_the_repository_cannot_forge_results(cli, tmp_path: Path) -> None:
    import json

    from refkit.cache import code_digest
    from refkit.store.loader import digest

    case = copy_fixture("invalid", "duplicate-key", tmp_path)
    files = {
        p.relative_to(case).as_posix(): [
            p.stat().st_size,
            p.stat().st_mtime_ns,
            digest(p.read_bytes()),
        ]
        for p in (case / "frameworks").rglob("*.yaml")
    }
    entry = {"files": files, "problems": [], "summary": None}
    forged = {"key": code_digest(), "written_ns": 0, "frameworks": {"frameworks/demo": entry}}
    (case / ".refkit-cache").mkdir()
    (case / ".refkit-cache" / "validate.json").write_text(json.dumps(forged))
    assert cli("validate", cwd=case).code == 1


def test_parallel_and_serial_runs_agree(tmp_path: Path) -> None:
    from refkit.store.repository import Repository
    from refkit.validate import validate

    case = copy_fixture("invalid", "shared-blocks", tmp_path)
    for i in range(12):  # enough frameworks for the worker pool
        src = case / "frameworks" / "socle"
        dst = case / "frameworks" / f"copie-{i}"
        dst.mkdir()
        for f in src.rglob("*.yaml"):
            target = dst / f.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(
                f.read_text(encoding="utf-8").replace("id: socle", f"id: copie-{i}"),
                encoding="utf-8",
            )
    import refkit.validate as v

    old = v.PARALLEL_MIN_BYTES
    v.PARALLEL_MIN_BYTES = 0
    try:
        parallel = validate(Repository(case), use_cache=False, jobs=2)
    finally:
        v.PARALLEL_MIN_BYTES = old
    serial = validate(Repository(case), use_cache=False, jobs=1)
    assert parallel.problems == serial.problems
    assert len(serial.problems) == 6


def test_every_command_has_help_and_docs() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    reference = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in COMMANDS:
        assert sub.choices[name].description, name
        assert f"## refkit {name}" in reference, f"docs/cli.md does not document {name}"


def test_console_script_runs_as_a_program() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "refkit", "validate", "--no-cache", str(MINIMAL)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith("in 2 files of 1 framework")


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from refkit.cli.output import use_colour

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setenv("TERM", "xterm")
    assert use_colour(Tty()) is True
    assert use_colour(io.StringIO()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_colour(Tty()) is False


def test_a_50_mb_block_file_is_refused_without_being_read(cli, tmp_path: Path) -> None:
    case = copy_fixture("valid", "minimal", tmp_path)
    big = case / "frameworks" / "demo" / "blocks" / "BC02.yaml"
    with big.open("wb") as f:
        f.write(b"schema: refkit/block/1\nid: BC02\ntitle: Gros\ncompetencies:\n")
        chunk = b"  - id: C\n    statement: Une ligne de texte pour remplir le fichier\n" * 10_000
        while f.tell() < 50 * 1024 * 1024:
            f.write(chunk)
    run = cli("validate", "--no-cache", cwd=case)
    assert run.code == 1
    assert run.lines[0].startswith(
        "frameworks/demo/blocks/BC02.yaml:1:1: error file-too-large file is 50."
    )
    assert "Traceback" not in run.err


def test_github_annotations(cli, tmp_path: Path) -> None:
    case = copy_fixture("invalid", "unknown-fields", tmp_path)
    run = cli("validate", "--format", "github", cwd=case)
    assert run.code == 1
    assert run.lines == [
        '::error file=frameworks/demo/blocks/BC01.yaml,line=5,col=5,title=schema-required::missing field "statement" in competency C1.1%0Ahint: add the field statement',
        '::error file=frameworks/demo/blocks/BC01.yaml,line=6,col=5,title=schema-unknown-field::unknown field "statment" in competency C1.1%0Ahint: did you mean "statement"?',
        '::error file=frameworks/demo/framework.yaml,line=9,col=1,title=schema-unknown-field::unknown field "langue"%0Ahint: did you mean "lang"?',
        "3 errors in 2 files of 1 framework",
    ]
    warnings = cli("validate", "--format", "github", cwd=FIXTURES / "invalid" / "warnings").lines
    assert all(line.startswith("::warning file=") for line in warnings[:-1])


def test_github_escapes_what_would_break_the_command() -> None:
    from refkit.cli.reporters import _escape_data, _escape_property

    assert _escape_data("50% done\nnext") == "50%25 done%0Anext"
    assert _escape_property("a,b:c") == "a%2Cb%3Ac"


def test_sarif_output_follows_the_official_schema(
    cli, tmp_path: Path, sarif_schema: dict[str, object]
) -> None:
    import jsonschema

    for name in ("unknown-fields", "warnings", "shared-blocks"):
        case = copy_fixture("invalid", name, tmp_path)
        log = json.loads(cli("validate", "--format", "sarif", cwd=case).out)
        jsonschema.Draft202012Validator(sarif_schema).validate(log)
        expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
        results = log["runs"][0]["results"]
        assert len(results) == len(expected)
        first = results[0]["locations"][0]["physicalLocation"]
        assert (
            f"{first['artifactLocation']['uri']}:{first['region']['startLine']}:{first['region']['startColumn']}:"
            == (expected[0].split(" ")[0])
        )
        rules = log["runs"][0]["tool"]["driver"]["rules"]
        assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    clean = json.loads(
        cli("validate", "--format", "sarif", cwd=copy_fixture("valid", "minimal", tmp_path)).out
    )
    jsonschema.Draft202012Validator(sarif_schema).validate(clean)
    assert clean["runs"][0]["results"] == []


def test_output_to_a_closed_pipe_is_not_an_error(tmp_path: Path) -> None:
    case = copy_fixture("invalid", "shared-blocks", tmp_path)
    proc = subprocess.run(
        f"{sys.executable} -m refkit validate --format sarif | head -c 10",
        shell=True,
        cwd=case,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.stderr == ""


def test_changed_since_checks_changed_frameworks_and_their_borrowers(cli, tmp_path: Path) -> None:
    from tests.conftest import git, make_git_repo

    root = make_git_repo(copy_fixture("valid", "full", tmp_path))
    assert cli("validate", "--changed-since", "HEAD", cwd=root).lines == [
        "no framework changed since HEAD"
    ]
    # an error in each framework; only the changed one and those borrowing from it are reported
    demo_block = root / "frameworks/demo/blocks/BC02.yaml"
    demo_block.write_text(
        demo_block.read_text(encoding="utf-8").replace("kind: attitude", "kind: atitude"),
        encoding="utf-8",
    )
    git(root, "commit", "-qam", "demo typo")
    socle = root / "frameworks/socle/blocks/SST.yaml"
    socle.write_text(
        socle.read_text(encoding="utf-8").replace("kind: skill", "kind: skil"), encoding="utf-8"
    )
    only_socle = json.loads(
        cli("validate", "--changed-since", "HEAD", "--format", "json", cwd=root).out
    )
    files = sorted({p["file"] for p in only_socle})
    assert files == [
        "frameworks/demo/blocks/BC02.yaml",
        "frameworks/socle/blocks/SST.yaml",
    ]  # demo borrows SST
    git(root, "checkout", "-q", "--", "frameworks/socle")
    (root / "frameworks/demo/blocks/BC09.yaml").write_text(
        "schema: refkit/block/1\nid: BC09\ntitle: Nouveau\ncompetencies: []\n"
    )
    since = json.loads(cli("validate", "--changed-since", "HEAD", "--format", "json", cwd=root).out)
    assert sorted({p["file"].split("/")[1] for p in since}) == ["demo"]  # untracked files count


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--changed-since", "nope"], "unknown revision 'nope'"),
        (["--changed-since", "HEAD", "frameworks"], "not both"),
    ],
)
def test_changed_since_usage_errors(cli, tmp_path: Path, args: list[str], message: str) -> None:
    from tests.conftest import make_git_repo

    root = make_git_repo(copy_fixture("valid", "minimal", tmp_path))
    run = cli("validate", *args, cwd=root)
    assert run.code == 2 and message in run.err


def test_the_english_editors_placeholders_are_warned_about(cli, tmp_path: Path) -> None:
    """An activity and a working-group member the English editor made ("New activity", "New
    organisation") and never renamed: validate warns, as for the French ones."""
    case = copy_fixture("valid", "minimal", tmp_path)
    fw = case / "frameworks/demo/framework.yaml"
    text = fw.read_text(encoding="utf-8").replace(
        "    title: Installer\n", "    title: New activity\n"
    )
    fw.write_text(text + "working_group:\n  - organisation: New organisation\n", encoding="utf-8")
    run = cli("validate", "--no-cache", cwd=case)
    found = [line for line in run.lines if "placeholder-text" in line]
    assert any('activity A1 still reads "New activity"' in line for line in found), run.out
    assert any('"New organisation"' in line for line in found), run.out

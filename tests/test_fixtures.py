"""Every fixture folder: valid ones pass, invalid ones give exactly their expected problems."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, copy_fixture

VALID = sorted(p.name for p in (FIXTURES / "valid").iterdir())
INVALID = sorted(p.name for p in (FIXTURES / "invalid").iterdir())


@pytest.mark.parametrize("name", VALID)
def test_valid_fixture_has_no_problem(cli, name: str, tmp_path: Path) -> None:
    # validated as a copy outside any git repository, whatever holds the source tree
    run = cli("validate", "--no-cache", cwd=copy_fixture("valid", name, tmp_path))
    assert run.code == 0, run.out
    assert run.lines[-1].startswith("no problems in ")


@pytest.mark.parametrize("name", INVALID)
def test_invalid_fixture_reports_expected_problems(cli, name: str, tmp_path: Path) -> None:
    case = copy_fixture("invalid", name, tmp_path)
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert expected, "an invalid fixture must expect at least one problem"
    run = cli("validate", "--no-cache", "--format", "json", cwd=case)
    problems = json.loads(run.out)
    got = [
        f"{p['file']}:{p['line']}:{p['col']}: {p['severity']} {p['rule']} {p['message']}"
        for p in problems
    ]
    assert got == expected
    has_error = any(p["severity"] == "error" for p in problems)
    assert run.code == (1 if has_error else 0)
    assert "Traceback" not in run.err


@pytest.mark.parametrize("name", INVALID)
def test_text_output_matches_json(cli, name: str, tmp_path: Path) -> None:
    case = copy_fixture("invalid", name, tmp_path)
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    run = cli("validate", "--no-cache", cwd=case)
    problem_lines = [line for line in run.lines[:-1] if not line.startswith("    hint: ")]
    assert problem_lines == expected
    hints = [line for line in run.lines if line.startswith("    hint: ")]
    assert len(hints) == len(expected), "every problem carries a fix hint"


def test_fixture_folders_are_repositories() -> None:
    for kind in ("valid", "invalid"):
        for case in (FIXTURES / kind).iterdir():
            assert (case / "frameworks").is_dir(), case


def test_expected_files_are_sorted_and_unique() -> None:
    for case in (FIXTURES / "invalid").iterdir():
        lines = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
        assert len(lines) == len(set(lines)), case
        assert all(Path(line.split(":", 1)[0]).parts[0] == "frameworks" for line in lines), case

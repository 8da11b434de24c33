"""The progress display of long work: a bar on standard error when it is a terminal, nothing
otherwise (CI, pipes) nor with --quiet; the command's output is the same either way."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import on_a_terminal
from tests.test_interop import esco_zip, repo_at


def _run(args: list[str], cwd: Path, *, tty: bool) -> tuple[int, str, str]:
    """refkit with its standard error on a terminal (a pty) or a pipe: (code, out, err)."""
    env = {**os.environ, "REFKIT_PROGRESS_DELAY": "0", "COLUMNS": "100", "TERM": "xterm"}
    command = [sys.executable, "-m", "refkit", *args]
    if not tty:
        run = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
        return run.returncode, run.stdout, run.stderr
    code, err, out = on_a_terminal(command, cwd, env, "stderr")
    return code, out, err


def test_a_long_import_shows_its_progress_on_a_terminal_only(tmp_path: Path) -> None:
    zips = [str(esco_zip("1.1.1")), str(esco_zip("1.1.1", ""))]
    root = repo_at(tmp_path)
    args = ["import", "esco", *zips, "--group", "S5"]
    code, out, err = _run([*args, "--out", "frameworks/a"], root, tty=True)
    assert code == 0, err
    assert "writing a" in err and "/14" in err, err
    assert out == "imported a in frameworks/a: 14 blocks, 619 competencies\n"
    code, out, err = _run([*args, "--out", "frameworks/b"], root, tty=False)
    assert code == 0 and err == ""  # a pipe: no bar, not one escape sequence
    assert out == "imported b in frameworks/b: 14 blocks, 619 competencies\n"
    code, out, err = _run(["--quiet", *args, "--out", "frameworks/c"], root, tty=True)
    assert code == 0 and "writing" not in err and "\x1b" not in err, err

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


def test_validate_publish_and_release_show_their_progress_on_a_terminal_only(
    sample_repo: Path,
) -> None:
    """The frameworks checked, the frameworks rendered, the steps of a release: a bar on a
    terminal (counted: "2/2", "4/4"), nothing in a pipe; the output the same either way."""
    code, out, err = _run(["validate", "--no-cache"], sample_repo, tty=True)
    assert code == 0 and "checking the frameworks" in err and "2/2" in err, err
    assert out == "no problems in 16 files of 2 frameworks\n"
    code, piped, err = _run(["validate", "--no-cache"], sample_repo, tty=False)
    assert (code, piped, err) == (0, out, "")
    site = str(sample_repo / "site")
    code, out, err = _run(["--lang", "fr", "publish", "--out", site], sample_repo, tty=True)
    assert code == 0 and "rendu des pages" in err and "2/2" in err, err
    assert out.startswith("3 versions de 2 référentiels publiées dans ")
    code, out, err = _run(["publish", "--out", site], sample_repo, tty=False)
    assert code == 0 and err == "" and " 0 files written, " in out
    fw = sample_repo / "frameworks" / "electricien-batiment" / "framework.yaml"
    fw.write_text(fw.read_text(encoding="utf-8").replace("title: ", "title: Nouveau ", 1), encoding="utf-8")  # fmt: skip
    code, out, err = _run(["release", "electricien-batiment", "--dry-run"], sample_repo, tty=False)
    assert code == 0 and err == "" and "(dry run: nothing changed)" in out
    subprocess.run(["git", "commit", "-qam", "titre"], cwd=sample_repo, check=True)
    code, out, err = _run(["release", "electricien-batiment"], sample_repo, tty=True)
    assert code == 0 and "releasing electricien-batiment" in err and "4/4" in err, err
    assert "committed " in out

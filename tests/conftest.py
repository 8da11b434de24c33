"""Shared test fixtures: a CLI runner, real git repositories in tmp_path, a clean git environment."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLES = REPO / "frameworks"


@pytest.fixture(autouse=True)
def _clean_git_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """No git, colour or language setting of the machine leaks into a test (refkit speaks
    English unless a test says otherwise)."""
    for key in list(os.environ):
        if key.startswith("GIT_") or key in ("NO_COLOR", "FORCE_COLOR", "REFKIT_LANG", "LC_ALL"):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("REFKIT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Test")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "test@example.org")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Test")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "test@example.org")


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Run ``refkit`` in-process: ``cli("validate", "--format", "json", cwd=path)``."""
    from refkit.cli import main

    def run(*args: str, cwd: Path | None = None) -> Run:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as e:  # argparse usage errors
                code = int(e.code or 0)
        return Run(code, out.getvalue(), err.getvalue())

    yield run


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def make_git_repo(path: Path) -> Path:
    git(path, "init", "-q", "-b", "main")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "initial")
    return path


@pytest.fixture(scope="session")
def _sample_history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample frameworks with their history: each commit of this repository that changed
    frameworks/ replayed in a fresh repository (so that each release's content is in it, as in
    a clone), then the work tree's frameworks/ as it is now. Without that history (an archive,
    a shallow clone), the frameworks as they are in one commit."""
    root = tmp_path_factory.mktemp("sample-history") / "repo"
    root.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env |= {"GIT_CONFIG_NOSYSTEM": "1", "HOME": str(root.parent)}
    env |= {f"GIT_{w}_{f}": v for w in ("AUTHOR", "COMMITTER") for f, v in (("NAME", "Test"), ("EMAIL", "test@example.org"))}  # fmt: skip

    def run(*args: str, cwd: Path = root, **kw: object) -> str:
        return subprocess.run(
            ["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=env, **kw
        ).stdout  # type: ignore[call-overload, no-any-return]

    run("init", "-q", "-b", "main")
    try:
        shallow = run("rev-parse", "--is-shallow-repository", cwd=REPO).strip() == "true"
        commits = [] if shallow else run("log", "--reverse", "--format=%H %aI %s", "--", "frameworks", cwd=REPO).split("\n")  # fmt: skip
    except (subprocess.CalledProcessError, OSError):
        commits = []
    for line in filter(None, commits):
        sha, date, subject = line.split(" ", 2)
        shutil.rmtree(root / "frameworks", ignore_errors=True)
        tar = subprocess.run(["git", "archive", sha, "frameworks"], cwd=REPO, check=True, capture_output=True).stdout  # fmt: skip
        subprocess.run(["tar", "-x", "-C", str(root)], input=tar, check=True)
        run("add", "-A")
        stamp = {**env, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        subprocess.run(["git", "commit", "-q", "-m", subject], cwd=root, env=stamp, check=True)  # fmt: skip
    shutil.rmtree(root / "frameworks", ignore_errors=True)
    shutil.copytree(SAMPLES, root / "frameworks")
    run("add", "-A")
    if run("status", "--porcelain"):
        run("commit", "-q", "-m", "initial")
    return root


@pytest.fixture
def sample_repo(tmp_path: Path, _sample_history: Path) -> Path:
    """A copy of the repository's sample frameworks in a git repository with their history
    (each release's content in it, as in a clone without tags)."""
    root = tmp_path / "repo"
    shutil.copytree(_sample_history, root, symlinks=True)
    return root


def copy_fixture(kind: str, name: str, dest: Path) -> Path:
    target = dest / name
    shutil.copytree(FIXTURES / kind / name, target)
    return target


SARIF_PACKAGE = (
    "@microsoft/sarif-multitool-linux@5.7.0"  # Microsoft's SARIF tool ships the 2.1.0 schema
)


NPM_CACHE = Path(__file__).resolve().parent / ".cache"


def npm_file(package: str, member: str, name: str) -> Path:
    """``member`` of the npm ``package``, fetched once into tests/.cache/``name``.

    Several pytest workers may ask at once: each packs into its own temporary folder and the file
    takes its place with one rename, so no worker ever reads a half-written file."""
    import tarfile
    import tempfile

    target = NPM_CACHE / name
    if target.exists():
        return target
    NPM_CACHE.mkdir(exist_ok=True)
    if shutil.which("npm") is None:
        pytest.fail(f"npm is needed once to fetch {package}")
    with tempfile.TemporaryDirectory(dir=NPM_CACHE, prefix=".fetch-") as scratch:
        proc = subprocess.run(
            ["npm", "pack", "--silent", package, "--pack-destination", scratch],
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
        (tarball,) = Path(scratch).glob("*.tgz")
        with tarfile.open(tarball) as tar:
            extracted = tar.extractfile(member)
            assert extracted is not None, f"{package} has no {member}"
            part = Path(scratch) / name
            part.write_bytes(extracted.read())
        os.replace(part, target)
    return target


@pytest.fixture(scope="session")
def sarif_schema() -> dict[str, object]:
    """The official SARIF 2.1.0 JSON Schema, from the npm registry (fetched once, then cached)."""
    import json

    target = npm_file(SARIF_PACKAGE, "package/sarif-2.1.0.json", "sarif-2.1.0.json")
    schema: dict[str, object] = json.loads(target.read_text(encoding="utf-8"))
    return schema


async def workers_done(app, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    """Wait until none of ``app``'s workers runs. Not ``workers.wait_for_complete()``: it raises
    when a worker was cancelled, as a check is when a newer one replaces it."""
    import asyncio
    import time

    end = time.monotonic() + timeout
    while any(w.is_running for w in app.workers):
        if time.monotonic() > end:
            raise AssertionError(f"workers still running after {timeout} s: {list(app.workers)}")
        await asyncio.sleep(0.02)


class Camera:
    """The editor's screens as the docs show them: ``settle`` waits for the app to be still,
    ``shot`` saves the screen as ``name``.svg under ``folder`` and remembers the name."""

    def __init__(self, app, folder: Path) -> None:  # type: ignore[no-untyped-def]
        self.app, self.folder, self.shots = app, folder, []

    async def settle(self, pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()
        await workers_done(self.app)
        await pilot.pause(0.2)

    def shot(self, name: str) -> None:
        self.app.save_screenshot(str(self.folder / f"{name}.svg"))
        self.shots.append(name)


def on_a_terminal(
    command: list[str], cwd: Path, env: dict[str, str], stream: str
) -> tuple[int, str, str]:
    """Run ``command`` with its ``stream`` ("stdout" or "stderr") on a terminal (a pty), the
    other in a pipe: (exit code, what the terminal got, what the pipe got), as text."""
    import os
    import pty
    import subprocess

    master, slave = pty.openpty()
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, stream: slave}
    proc = subprocess.Popen(command, cwd=cwd, env=env, **pipes)  # type: ignore[call-overload]
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other end closed: the process ended
            break
        if not chunk:
            break
        shown += chunk
    out, err = proc.communicate()
    os.close(master)
    piped = err if stream == "stdout" else out
    return proc.returncode, shown.decode(errors="replace"), (piped or b"").decode()

"""Releases under faults and races: a release is all of it or nothing (issue 19, cases 1-4).

Each scenario runs the real ``refkit`` in real processes on a real git repository: two releases at
once, a file git ignores, a process killed with SIGKILL at random points and at each step of the
commit, a full disk (a real tmpfs, when the tests run as root), a repository owned by someone
else. After each, ``refkit validate`` and ``git status`` show the state before the release or the
state after it, never a third one.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, git, make_git_repo

NEW_COMPETENCY = """\
  - id: C1.2
    statement: Raccorder un chauffe-eau électrique
    kind: skill
    activities: [A1]
    criteria:
      - Le groupe de sécurité est posé
"""
FOLDER = "frameworks/demo"


def refkit(cwd: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "refkit", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start(cwd: Path, *args: str, code: str | None = None) -> subprocess.Popen[str]:
    """``refkit ARGS`` as a process; ``code``: Python run first in it (to stop it at a step)."""
    prog = [sys.executable, "-m", "refkit", *args]
    if code is not None:
        boot = f"{code}\nimport sys\nfrom refkit.cli import main\nsys.exit(main({list(args)!r}))"
        prog = [sys.executable, "-c", boot]
    return subprocess.Popen(
        prog, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


@pytest.fixture
def released(tmp_path: Path) -> Path:
    """A repository with demo 1.0.0 released and a competency added since (uncommitted)."""
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "valid" / "minimal", root)
    make_git_repo(root)
    done = refkit(root, "release", "demo", "-m", "première version")
    assert done.returncode == 0, done.stderr
    add_competency(root)
    return root


def add_competency(root: Path) -> None:
    with (root / FOLDER / "blocks/BC01.yaml").open("a", encoding="utf-8") as f:
        f.write(NEW_COMPETENCY)


def snapshot(root: Path) -> dict[str, object]:
    """What a release may change: HEAD, tags, the index, the framework's files, git status."""
    files = {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted((root / "frameworks").rglob("*"))
        if p.is_file()
    }
    return {
        "head": git(root, "rev-parse", "HEAD").strip(),
        "tags": git(root, "tag").split(),
        "index": git(root, "ls-files", "-s"),
        "files": files,
        "status": git(root, "status", "--porcelain", "--untracked-files=all"),
    }


def assert_before_or_after(root: Path, before: dict[str, object]) -> str:
    """The repository is as it was before the release, or wholly released (1.1.0 committed,
    tagged, work tree clean and equal to the commit); which one."""
    now = snapshot(root)
    if now == before:
        return "before"
    assert now["tags"] == ["demo/v1.0.0", "demo/v1.1.0"], now
    tagged = git(root, "rev-parse", "demo/v1.1.0^{commit}").strip()
    assert now["head"] == tagged
    assert git(root, "rev-parse", "HEAD~1").strip() == before["head"]
    assert now["status"] == "", now["status"]
    framework = (root / FOLDER / "framework.yaml").read_text("utf-8")
    assert "version: 1.1.0" in framework
    committed = git(root, "ls-tree", "-r", "--name-only", "HEAD", "--", FOLDER).split()
    assert committed == [
        f"{FOLDER}/blocks/BC01.yaml",
        f"{FOLDER}/framework.yaml",
        f"{FOLDER}/releases.yaml",
    ]
    assert "C1.2" in git(root, "show", f"HEAD:{FOLDER}/blocks/BC01.yaml")
    assert not [p for p in (root / ".git").iterdir() if p.name.startswith("refkit-commit")]
    assert not (root / ".git/index.lock").exists()
    return "after"


# -- case 1: two releases at once ----------------------------------------------------------------


def test_two_releases_at_once_make_one_release_and_leave_nothing_staged(released: Path) -> None:
    """`refkit release F -m a & refkit release F -m b`: the second waits for the first (the
    repository lock), then finds nothing left to release; nothing is undone or staged."""
    before = snapshot(released)
    outcomes = []
    for _ in range(3):
        root = released
        a = start(root, "release", "demo", "-m", "a")
        b = start(root, "release", "demo", "-m", "b")
        errs = a.communicate(timeout=60)[1] + b.communicate(timeout=60)[1]
        codes = sorted([a.returncode, b.returncode])
        assert "Traceback" not in errs
        outcomes.append(codes)
        assert codes == [0, 2], errs
        assert "nothing to release" in errs
        assert assert_before_or_after(root, before) == "after"
        # back to the state before, for the next round
        git(root, "tag", "-d", "demo/v1.1.0")
        git(root, "reset", "-q", "--hard", str(before["head"]))
        add_competency(root)
    assert outcomes == [[0, 2]] * 3


def test_a_release_planned_before_another_one_landed_is_refused(released: Path) -> None:
    """The editor plans (F6), someone releases meanwhile, then the editor confirms: refused, with
    nothing changed, because HEAD moved since the plan."""
    from refkit.history import History
    from refkit.release import ReleaseRefused, perform_release, plan_release
    from refkit.store.repository import Repository

    with History(Repository(released)) as history:
        plan = plan_release(history, FOLDER)
        other = refkit(released, "release", "demo", "-m", "l'autre")
        assert other.returncode == 0, other.stderr
        after_other = snapshot(released)
        with pytest.raises(ReleaseRefused, match="changed since this release was prepared"):
            perform_release(history, plan, "la mienne")
    assert snapshot(released) == after_other


def test_a_file_changed_after_the_plan_is_not_released_unchecked(released: Path) -> None:
    from refkit.history import History
    from refkit.release import ReleaseRefused, perform_release, plan_release
    from refkit.store.repository import Repository

    with History(Repository(released)) as history:
        plan = plan_release(history, FOLDER)
        block = released / FOLDER / "blocks/BC01.yaml"
        block.write_text(block.read_text("utf-8").replace("chauffe-eau", "ballon"), "utf-8")
        before = snapshot(released)
        with pytest.raises(ReleaseRefused, match=r"blocks/BC01\.yaml"):
            perform_release(history, plan)
    assert snapshot(released) == before


# -- case 2: a file git ignores --------------------------------------------------------------------


def test_a_block_file_ignored_by_git_stops_the_release(released: Path) -> None:
    block = released / FOLDER / "blocks/BC02.yaml"
    block.write_text(
        textwrap.dedent(
            """\
            schema: refkit/block/1
            id: BC02
            title: Entretenir les installations sanitaires
            competencies:
              - id: C2.1
                statement: Détartrer un chauffe-eau électrique
                kind: skill
                activities: [A1]
                criteria:
                  - La résistance est remise en service sans fuite
            """
        ),
        "utf-8",
    )
    framework = released / FOLDER / "framework.yaml"
    text = framework.read_text("utf-8")
    assert "required: [BC01]" in text
    framework.write_text(text.replace("required: [BC01]", "required: [BC01, BC02]"), "utf-8")
    with (released / ".git/info/exclude").open("a") as f:
        f.write("BC02.yaml\n")
    assert refkit(released, "validate").returncode == 0
    before = snapshot(released)
    run = refkit(released, "release", "demo")
    assert run.returncode == 2
    assert "frameworks/demo/blocks/BC02.yaml is ignored by git (.git/info/exclude:" in run.stderr
    assert "git add -f" in run.stderr
    assert snapshot(released) == before


def test_temporary_files_of_an_interrupted_save_are_never_committed(released: Path) -> None:
    stray = released / FOLDER / ".framework.yaml.k2x9q1.tmp"
    stray.write_bytes(b"schema: refkit/framework/1\nid: demo\n")
    run = refkit(released, "release", "demo")
    assert run.returncode == 0, run.stderr
    assert ".tmp" not in git(released, "ls-tree", "-r", "--name-only", "HEAD")


def test_the_temporary_file_of_a_killed_write_is_removed_once_its_writer_is_gone(
    released: Path,
) -> None:
    """A write killed between its temporary file and the rename leaves ``.NAME.p<pid>_XXXX.tmp``;
    the next command that reads the folder removes it when that process is gone, and leaves
    the one of a write still going on (and anyone else's file) alone."""
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a process id that is no longer anyone's
    stale = released / FOLDER / "blocks" / f".BC01.yaml.p{gone.pid}_k2x9q1.tmp"
    live = released / FOLDER / "blocks" / f".BC01.yaml.p{os.getpid()}_a1b2c3.tmp"
    theirs = released / FOLDER / "blocks" / ".notes.tmp"
    for path in (stale, live, theirs):
        path.write_bytes(b"schema: refkit/block/1\n")
    run = refkit(released, "validate")
    assert run.returncode == 0, run.stderr
    assert not stale.exists() and live.exists() and theirs.exists()


# -- case 3: killed at each step, and at random ----------------------------------------------------

# Python run in the release process before refkit's main: it dies (SIGKILL, as kill -9) at one
# step of the commit, so that every step is tested, not only those a random kill happens to hit.
STEPS = {
    "objects written": """
import os, refkit.history.atomic as a
real = a.atomic_write
def dies(path, data, **kw):
    if path.name == a.JOURNAL:
        os.kill(os.getpid(), 9)
    real(path, data, **kw)
a.atomic_write = dies
""",
    "journal written": """
import os, refkit.history.atomic as a
a._write_private = lambda *args: os.kill(os.getpid(), 9)
""",
    "new files written": """
import os, refkit.history.atomic as a
a._Transaction._write_index_lock = lambda *args: os.kill(os.getpid(), 9)
""",
    "index lock taken": """
import os, refkit.history.atomic as a
a.shutil.copyfile = lambda *args: os.kill(os.getpid(), 9)
""",
    "new index written": """
import os, refkit.history.journal as a
real = a._git_bytes
def dies(h, *args, **kw):
    if args[0] == "update-ref":
        os.kill(os.getpid(), 9)
    return real(h, *args, **kw)
a._git_bytes = dies
""",
    "refs moved": """
import os, refkit.history.journal as a
real = a._git_bytes
def dies(h, *args, **kw):
    out = real(h, *args, **kw)
    if args[0] == "update-ref":
        os.kill(os.getpid(), 9)
    return out
a._git_bytes = dies
""",
    "files renamed": """
import os, refkit.history.atomic as a
real = a.os.replace
def dies(src, dst):
    real(src, dst)
    if str(dst).endswith("/index"):
        os.kill(os.getpid(), 9)
a.os.replace = dies
""",
}
EXPECTED = {
    "objects written": "before",
    "journal written": "before",
    "new files written": "before",
    "index lock taken": "before",
    "new index written": "before",
    "refs moved": "after",
    "files renamed": "after",
}


@pytest.mark.parametrize("step", list(STEPS))
def test_a_release_killed_at_each_step_is_finished_or_undone_by_the_next_command(
    released: Path, step: str
) -> None:
    before = snapshot(released)
    proc = start(released, "release", "demo", code=STEPS[step])
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    check = refkit(released, "validate")
    assert check.returncode == 0, check.stderr
    note = (
        "finished an interrupted release"
        if EXPECTED[step] == "after"
        else "undid an interrupted release"
    )
    if step != "objects written":  # killed before the journal: there was nothing to finish
        assert note in check.stderr
    assert assert_before_or_after(released, before) == EXPECTED[step]
    # and the next release works from there
    again = refkit(released, "release", "demo")
    if EXPECTED[step] == "before":
        assert again.returncode == 0, again.stderr
    else:
        assert again.returncode == 2 and "nothing to release" in again.stderr


def test_doctor_finishes_an_interrupted_release(released: Path) -> None:
    before = snapshot(released)
    proc = start(released, "release", "demo", code=STEPS["refs moved"])
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    # git alone sees the third state: refs moved, the work tree not yet
    assert git(released, "status", "--porcelain") != ""
    run = refkit(released, "doctor")
    assert run.returncode == 0, run.stderr
    assert "finished an interrupted release demo 1.1.0" in run.stdout + run.stderr
    assert assert_before_or_after(released, before) == "after"
    run = refkit(released, "doctor")
    assert run.returncode == 0 and "nothing to repair" in run.stdout


ITERATIONS = int(os.environ.get("REFKIT_FAULT_ITERATIONS", "12"))


@pytest.mark.slow
def test_releases_killed_at_random_points(released: Path) -> None:
    """SIGKILL at a random moment of `refkit release` (seeded), ITERATIONS times
    (REFKIT_FAULT_ITERATIONS=100 for the full loop of docs/guarantees.md)."""
    rng = random.Random(19)
    before = snapshot(released)
    timings = []
    for _ in range(3):  # warm: the kills must land where a warm release spends its time
        t0 = time.monotonic()
        full = refkit(released, "release", "demo")
        timings.append(time.monotonic() - t0)
        assert full.returncode == 0
        git(released, "tag", "-d", "demo/v1.1.0")
        git(released, "reset", "-q", "--hard", str(before["head"]))
        add_competency(released)
    duration = min(timings)
    assert snapshot(released) == before
    seen = {"before": 0, "after": 0}
    for _ in range(ITERATIONS):
        proc = start(released, "release", "demo")
        if rng.random() < 0.5:
            time.sleep(rng.uniform(0.2, 1.2) * duration)  # anywhere
        else:  # within the writes, which come last and are short: once something changes
            _wait_for_a_write(released, proc)
            time.sleep(rng.uniform(0, 0.2))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        check = refkit(released, "validate")
        assert check.returncode == 0, check.stderr
        state = assert_before_or_after(released, before)
        seen[state] += 1
        if state == "after":
            git(released, "tag", "-d", "demo/v1.1.0")
            git(released, "reset", "-q", "--hard", str(before["head"]))
            add_competency(released)
            assert snapshot(released) == before
    assert sum(seen.values()) == ITERATIONS


def _wait_for_a_write(root: Path, proc: subprocess.Popen[str]) -> None:
    """Until the process changes anything in the framework folder or in git's objects, refs or
    index (whatever it writes first), or ends."""

    def marks() -> list[int]:
        out = []
        for p in (root / FOLDER, root / FOLDER / "blocks", root / ".git", root / ".git/objects"):
            out.append(p.stat().st_mtime_ns)
        for p in (root / ".git/refs/heads", root / ".git/refs/tags"):
            out.append(p.stat().st_mtime_ns)
        out.append(len(list((root / ".git/objects").iterdir())))
        return out

    first = marks()
    while proc.poll() is None and marks() == first:
        time.sleep(0.002)


# -- case 4: a full disk ---------------------------------------------------------------------------


def _tmpfs(path: Path, size: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True
    )
    return made.returncode == 0


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root")
def test_a_full_disk_during_a_release_leaves_the_state_before(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    if not _tmpfs(disk, "2m"):
        pytest.skip("mount -t tmpfs is not allowed here")
    try:
        seen, stages = set(), set()
        for free_kib in (4, 6, 12, 20, 32, 48, 64, 96, 128, 256):
            root = disk / "repo"
            shutil.rmtree(root, ignore_errors=True)
            for p in disk.glob("fill*"):
                p.unlink()
            shutil.copytree(FIXTURES / "valid" / "minimal", root)
            make_git_repo(root)
            assert refkit(root, "release", "demo").returncode == 0
            add_competency(root)
            git(root, "gc", "-q")
            before = snapshot(root)
            _fill(disk, free_kib * 1024)
            run = refkit(root, "release", "demo")
            assert "Traceback" not in run.stderr
            for p in disk.glob("fill*"):
                p.unlink()
            check = refkit(root, "validate")
            assert check.returncode == 0, check.stderr
            state = assert_before_or_after(root, before)
            assert (run.returncode == 0) == (state == "after"), (free_kib, run.stderr)
            if run.returncode != 0:
                assert run.returncode == 2, run.stderr
                assert "space" in run.stderr.lower(), run.stderr
            seen.add(state)
            stages.add(run.stderr.split(":")[3] if run.returncode else "released")
        # the disk was full enough to stop some releases, at more than one step, not all
        assert seen == {"before", "after"} and len(stages) >= 3, stages
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def _fill(disk: Path, leave: int) -> None:
    """Fill the file system until ``leave`` bytes are free."""
    chunk = disk / "fill"
    st = os.statvfs(disk)
    free = st.f_bavail * st.f_frsize
    with chunk.open("wb", buffering=0) as f, contextlib.suppress(OSError):
        f.write(b"\0" * max(0, free - leave))
    n = 0
    while os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize > leave:
        n += 1
        try:
            (disk / f"fill{n}").write_bytes(b"\0" * 1024)
        except OSError:
            break


# -- git's own refusals ----------------------------------------------------------------------------


@pytest.mark.skipif(os.geteuid() != 0, reason="giving the repository to another user needs root")
def test_a_repository_owned_by_someone_else_is_named_as_such(released: Path) -> None:
    subprocess.run(["chown", "-R", "65534:65534", str(released)], check=True)
    run = refkit(released, "release", "demo")
    assert run.returncode == 2
    assert "belongs to another user" in run.stderr and "safe.directory" in run.stderr
    assert "detached" not in run.stderr
    log = refkit(released, "log", "demo")
    assert log.returncode == 2 and "belongs to another user" in log.stderr


# -- two processes at once -------------------------------------------------------------------------

EDITOR = """
import sys, json, time
from pathlib import Path
from refkit.edit import Ref, Session
from refkit.errors import RefkitError
session = Session.open(Path(sys.argv[1]))
ref = Ref("frameworks/demo", "BC01", "C1.1")
saved = []
for i in range(int(sys.argv[2])):
    text = f"Poser et raccorder un lavabo, essai {i}"
    try:
        session.set_field(ref, "statement", text)
        saved.append(text)
        time.sleep(0.1)
    except RefkitError as e:
        print("refused:", e.message, file=sys.stderr)
print(json.dumps(saved))
"""


@pytest.mark.slow
def test_editor_saves_releases_and_publishes_at_the_same_time(released: Path) -> None:
    """One process saves an edit again and again (the editor's session), another releases
    whenever there is something to release, a third publishes: no edit is lost, every release
    is whole (its tag, its version, its record), the site is the one a quiet repository gives."""
    git(released, "add", "-A")
    git(released, "commit", "-qm", "C1.2")
    editor = subprocess.Popen(
        [sys.executable, "-c", EDITOR, str(released), "40"],
        cwd=released,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    releases = publishes = 0
    codes: list[int] = []
    while editor.poll() is None:
        run = refkit(released, "release", "demo", "-m", f"révision {releases}")
        assert "Traceback" not in run.stderr, run.stderr
        codes.append(run.returncode)
        releases += run.returncode == 0
        site = refkit(released, "publish", "--out", "site")
        assert site.returncode == 0 and "Traceback" not in site.stderr, site.stderr
        publishes += 1
    out, err = editor.communicate(timeout=60)
    assert editor.returncode == 0, err
    assert "Traceback" not in err
    saved = json.loads(out)
    assert saved, err
    assert set(codes) <= {0, 2}
    assert releases >= 2, (codes, err)  # the releases did happen while the editor saved
    # nothing lost: the last edit saved is in the file
    block = (released / FOLDER / "blocks/BC01.yaml").read_text("utf-8")
    assert f"statement: {saved[-1]}\n" in block
    # every release whole
    tags = git(released, "tag", "--list", "demo/v*").split()
    assert len(tags) == releases + 1
    for tag in tags:
        version = tag.removeprefix("demo/v")
        assert f"version: {version}\n" in git(released, "show", f"{tag}:{FOLDER}/framework.yaml")
        assert f"version: {version}\n" in git(released, "show", f"{tag}:{FOLDER}/releases.yaml")
    assert git(released, "rev-parse", f"{tags[-1]}^{{commit}}") == git(
        released, "rev-parse", "HEAD"
    )
    status = git(released, "status", "--porcelain", "--untracked-files=all").splitlines()
    assert set(status) <= {f" M {FOLDER}/blocks/BC01.yaml", "?? site/"} | {
        line for line in status if line.startswith("?? site/")
    }
    assert refkit(released, "validate").returncode == 0
    # the site published under the races is the one published again in peace
    quiet = refkit(released, "publish", "--out", "site-quiet")
    assert quiet.returncode == 0
    last = refkit(released, "publish", "--out", "site")
    assert last.returncode == 0
    assert _tree(released / "site") == _tree(released / "site-quiet")


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".refkit-publish")
    }


# -- publish, import, fmt killed at random points -----------------------------------------------


def _kill_at_random(cwd: Path, args: list[str], rng: random.Random, duration: float) -> None:
    proc = start(cwd, *args)
    if rng.random() < 0.5:
        time.sleep(rng.uniform(0.2, 1.2) * duration)
    else:  # once it starts writing
        watched = [cwd / "frameworks", cwd / FOLDER / "blocks", cwd / "site"]

        def marks() -> list[object]:
            return [(p.stat().st_mtime_ns if p.exists() else None) for p in watched] + [
                (cwd / FOLDER / "blocks/BC01.yaml").stat().st_mtime_ns
            ]

        first = marks()
        while proc.poll() is None and marks() == first:
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.15))
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)


def _timed(cwd: Path, *args: str) -> float:
    t0 = time.monotonic()
    run = refkit(cwd, *args)
    assert run.returncode == 0, run.stderr
    return time.monotonic() - t0


def _spreadsheet(path: Path, blocks: int = 12, per_block: int = 25) -> None:
    rows = ["block;block title;id;statement;kind;criteria"]
    for b in range(1, blocks + 1):
        for c in range(1, per_block + 1):
            rows.append(
                f"BC{b:02d};Bloc {b} : interventions courantes;C{b}.{c};"
                f"Contrôler le circuit {c} du bloc {b} avant sa remise en service;skill;"
                f"Le contrôle {c} est consigné sur la fiche d'intervention"
            )
    path.write_text("\n".join(rows) + "\n", "utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("command", ["publish", "import", "fmt"])
def test_publish_import_and_fmt_killed_at_random_points(released: Path, command: str) -> None:
    """SIGKILL at a random moment (seeded), ITERATIONS times: the repository is as before or as
    after (import: the framework folder absent or whole; fmt: each file as it was or formatted),
    and the next run gives what an uninterrupted run gives."""
    rng = random.Random(f"19-{command}")
    (released / ".gitignore").write_text("site/\n")
    git(released, "add", "-A")
    git(released, "commit", "-qm", "C1.2")
    sheet = released.parent / "referentiel.csv"
    _spreadsheet(sheet)
    block = released / FOLDER / "blocks/BC01.yaml"
    untidy = block.read_bytes().replace(b"\n", b"   \n")  # trailing spaces: fmt removes them
    args = {
        "publish": ["publish", "--out", "site"],
        "import": ["import", "csv", str(sheet), "--out", "frameworks/maintenance", "--eqf", "4"],
        "fmt": ["fmt"],
    }[command]

    def reset() -> None:
        shutil.rmtree(released / "frameworks/maintenance", ignore_errors=True)
        shutil.rmtree(released / "site", ignore_errors=True)
        block.write_bytes(untidy)

    # what an uninterrupted run gives
    reset()
    duration = _timed(released, *args)
    expected = snapshot(released)
    site = _tree(released / "site") if command == "publish" else None
    reset()
    before = snapshot(released)
    for _ in range(ITERATIONS):
        _kill_at_random(released, args, rng, duration)
        check = refkit(released, "validate")
        assert "Traceback" not in check.stderr
        now = snapshot(released)
        if command == "import":
            assert now in (before, expected), "a partial framework folder was left"
        elif command == "fmt":
            assert block.read_bytes() in (untidy, expected["files"][f"{FOLDER}/blocks/BC01.yaml"])
        else:
            assert now == before  # publish writes the site only
        assert check.returncode == 0, check.stderr
        # the next run finishes the job as if nothing had happened
        again = refkit(released, *args)
        if command == "import" and now == expected:
            assert again.returncode == 2 and "exists" in again.stderr
        else:
            assert again.returncode == 0, again.stderr
        assert snapshot(released) == expected
        if site is not None:
            assert _tree(released / "site") == site
        reset()


# -- case 8: diff of a framework that cannot be read whole ----------------------------------------


@pytest.mark.parametrize("how", ["syntax error", "conflict markers", "not a file"])
def test_diff_refuses_a_block_it_cannot_read_instead_of_reporting_removals(
    cli, released: Path, how: str
) -> None:
    block = released / FOLDER / "blocks/BC01.yaml"
    if how == "syntax error":
        block.write_bytes(b"schema: refkit/block/1\nid: BC01\ncompetencies:\n  - id: [C1.1\n")
    elif how == "conflict markers":
        text = block.read_text("utf-8")
        block.write_text(f"<<<<<<< HEAD\n{text}=======\n{text}>>>>>>> autre\n", "utf-8")
    else:
        block.unlink()
        block.mkdir()
    run = cli("diff", "demo", cwd=released)
    assert run.code == 1, run.out
    assert "removed" not in run.out
    assert (
        "cannot read frameworks/demo in the work tree whole: frameworks/demo/blocks/BC01.yaml:"
        in run.err
    )
    json_run = cli("diff", "demo", "--format", "json", cwd=released)
    assert json_run.code == 1 and json_run.out == ""


# -- the release record, read strictly by every command -------------------------------------------


@pytest.mark.parametrize("damage", ["emptied", "syntax error", "bad version", "deleted"])
def test_a_damaged_release_record_is_named_by_every_command(
    cli, tmp_path: Path, released: Path, damage: str
) -> None:
    """In a clone without tags, the record is what says which releases exist: damaged or deleted
    in the work tree, it must be named (exit 2), never read as "no release"."""
    git(released, "add", "-A")
    git(released, "commit", "-qm", "C1.2")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--no-tags", str(released), str(clone))
    assert git(clone, "tag") == ""
    assert cli("publish", "--out", "site", cwd=clone).code == 0
    pages = sorted(p.relative_to(clone).as_posix() for p in (clone / "site").rglob("*.html"))
    record = clone / FOLDER / "releases.yaml"
    if damage == "emptied":
        record.write_text("")
    elif damage == "syntax error":
        record.write_text("releases:\n  - version: [1.0.0\n")
    elif damage == "bad version":
        record.write_text(record.read_text().replace("version: 1.0.0", "version: ../.."))
    else:
        record.unlink()
    for args in (
        ["log", "demo"],
        ["diff", "demo"],
        ["release", "demo", "--dry-run"],
        ["publish", "--out", "site"],
    ):
        run = cli(*args, cwd=clone)
        assert f"{FOLDER}/releases.yaml" in run.err, (args, run.err)
        if args[0] == "release" and damage != "deleted":  # the framework does not validate
            assert run.code == 1 and "fix them before releasing" in run.err, run.err
        else:
            assert run.code == 2, (args, run.out, run.err)
            assert "releases cannot be read" in run.err, run.err
        assert "Traceback" not in run.err
    assert (
        sorted(p.relative_to(clone).as_posix() for p in (clone / "site").rglob("*.html")) == pages
    )


def test_an_import_replace_killed_between_its_renames_puts_the_old_folder_back(
    released: Path,
) -> None:
    """--replace sets the old folder aside, then renames the new one in: killed in between, the
    framework folder is missing; the next command puts the old one back (the state before)."""
    sheet = released.parent / "referentiel.csv"
    _spreadsheet(sheet, blocks=2, per_block=3)
    args = ["import", "csv", str(sheet), "--out", "frameworks/maintenance", "--eqf", "4"]
    assert refkit(released, *args).returncode == 0
    git(released, "add", "-A")
    git(released, "commit", "-qm", "import")
    _spreadsheet(sheet, blocks=3, per_block=3)
    before = snapshot(released)
    code = """
import os, refkit.interop as i
real = i.os.rename
def dies(src, dst):
    real(src, dst)
    if ".replaced-" in str(dst):
        os.kill(os.getpid(), 9)
i.os.rename = dies
"""
    proc = start(released, *args, "--replace", code=code)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert not (released / "frameworks/maintenance").exists()
    check = refkit(released, "validate")
    assert check.returncode == 0, check.stderr
    assert "put back" in check.stderr
    assert snapshot(released) == before
    again = refkit(released, *args, "--replace")
    assert again.returncode == 0, again.stderr
    assert (released / "frameworks/maintenance/blocks/BC03.yaml").is_file()

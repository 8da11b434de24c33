"""Provides the Excel side of the spreadsheet import and export (``refkit.interop.tabular``): a
sheet read into rows (merged cells refused), a framework written as a workbook, the same bytes
whenever one version is written."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from refkit.errors import RefkitError
from refkit.i18n import Msg
from refkit.interop.inputs import (
    MAX_UNZIPPED_BYTES,
    check_input,
    check_zip,
    check_zip_directory,
)
from refkit.interop.tabular import (
    _FORMULA,
    FIELDS,
    HEADINGS,
    MAX_ROWS,
    SHEET_ROWS,
    _too_many,
    table,
)
from refkit.model import Framework


def read_xlsx(path: Path, sheet: str | None) -> tuple[list[str], list[tuple[int, list[str]]]]:
    import zipfile

    from openpyxl import load_workbook

    def unreadable(e: BaseException) -> RefkitError:
        return RefkitError(
            Msg(
                "{path} is not an Excel workbook (.xlsx) refkit can read ({error})",
                path=path,
                error=e,
            ),
            hint=Msg(
                "save it from your spreadsheet as .xlsx, or export CSV and use refkit import csv"
            ),
        )

    check_input(path)
    try:
        check_zip_directory(path)
        with zipfile.ZipFile(path) as z:
            check_zip(z, path, total=MAX_UNZIPPED_BYTES)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        raise unreadable(e) from e
    try:
        # read-only: rows are streamed, never all held by openpyxl (a sheet of millions of rows
        # stops at the cap, in constant memory)
        wb = load_workbook(path, read_only=True, data_only=True)
    except RefkitError:
        raise
    except Exception as e:  # openpyxl raises many kinds on a damaged file
        raise unreadable(e) from e
    try:
        return _read_sheet(path, wb, sheet)
    except RefkitError:
        raise
    except Exception as e:  # openpyxl, on a damaged sheet
        raise unreadable(e) from e
    finally:
        wb.close()


def _read_sheet(path: Path, wb: Any, sheet: str | None) -> tuple[list[str], list[tuple[int, list[str]]]]:  # fmt: skip
    import zipfile

    if sheet is not None and sheet not in wb.sheetnames:
        raise RefkitError(
            Msg("{path} has no sheet {sheet}", path=path, sheet=repr(sheet)),
            hint=Msg("its sheets: {sheets}", sheets=", ".join(wb.sheetnames)),
        )
    if not wb.worksheets:
        raise RefkitError(Msg("{path} has no worksheet", path=path), hint=Msg("the first sheet holds one row per competency"))  # fmt: skip
    ws = wb[sheet] if sheet is not None else wb.worksheets[0]
    if not hasattr(ws, "iter_rows"):
        raise RefkitError(Msg("{path}: sheet {sheet} is a chart, not a worksheet", path=path, sheet=repr(ws.title)), hint=Msg("name the sheet with --sheet"))  # fmt: skip
    declared = ws.max_row  # from the sheet's <dimension>, read before any row
    if isinstance(declared, int) and declared > SHEET_ROWS:
        raise _too_many(path, Msg("{n} rows (sheet {sheet}, as its dimension says; Excel holds at most {max})", n=f"{declared:,}", sheet=repr(ws.title), max=f"{SHEET_ROWS:,}"))  # fmt: skip
    with zipfile.ZipFile(path) as z:
        merged = _merged_cells(z, ws._worksheet_path)  # read-only sheets do not parse merges
    if merged:
        cells = ", ".join(merged[:5])
        raise RefkitError(
            Msg(
                "{path}: sheet {sheet} has merged cells {cells} (and {more} more): refkit reads one row per competency",
                path=path,
                sheet=repr(ws.title),
                cells=cells,
                more=len(merged) - 5,
            )
            if len(merged) > 5
            else Msg(
                "{path}: sheet {sheet} has merged cells {cells}: refkit reads one row per competency",
                path=path,
                sheet=repr(ws.title),
                cells=cells,
            ),
            hint=Msg(
                "unmerge them and repeat the value on each row (select the cells, Unmerge, then fill down)"
            ),
        )
    ws.reset_dimensions()  # read every row there is, whatever the dimension says
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        if number > SHEET_ROWS:
            raise _too_many(path, Msg("more than {n} rows (sheet {sheet})", n=f"{SHEET_ROWS:,}", sheet=repr(ws.title)))  # fmt: skip
        if header is None:
            header = [_cell_text(v) for v in values]
        elif any(v is not None and str(v).strip() for v in values):
            if len(rows) >= MAX_ROWS:
                raise _too_many(path, Msg("more than {n} rows of competencies (sheet {sheet})", n=MAX_ROWS, sheet=repr(ws.title)))  # fmt: skip
            rows.append((number, [_cell_text(v) for v in values]))
    if header is None:
        raise RefkitError(
            Msg("{path}: sheet {sheet} is empty", path=path, sheet=repr(ws.title)),
            hint=Msg("the first row names the columns"),
        )
    return header, rows


_MERGE = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref="([^"]*)"')


def _merged_cells(z: Any, member: str) -> list[str]:
    """The merged ranges of a sheet, scanned from its XML as a stream (no tree is built)."""
    found: list[str] = []
    tail = b""
    with z.open(member.lstrip("/")) as f:
        while chunk := f.read(1 << 20):
            data = tail + chunk
            end = data.rfind(b"<")  # an element cut by the chunk's end is read with the next
            end = len(data) if end < 0 or data.find(b">", end) >= 0 else end
            found += [m.group(1).decode("utf-8", "replace") for m in _MERGE.finditer(data, 0, end)]
            tail = data[end:]
    found += [m.group(1).decode("utf-8", "replace") for m in _MERGE.finditer(tail)]
    return sorted(found)


# what XML 1.0 cannot hold (or turns into something else: CR becomes LF), and an underscore that
# would be read as the start of an escape: written as Excel writes them (ST_Xstring, _xHHHH_)
_XLSX_ESCAPE = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_XLSX_UNESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")


def _xlsx_text(text: str) -> str:
    return _XLSX_ESCAPE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return _XLSX_UNESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)
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
    alignment = Alignment(wrap_text=True, vertical="top")
    for r, row in enumerate(table(fw), start=2):
        for c, text in enumerate(row, start=1):
            if not text:
                ws.cell(row=r, column=c).alignment = alignment
                continue
            cell = ws.cell(row=r, column=c, value=_xlsx_text(text))
            cell.data_type = "s"  # a string, never a formula, whatever it starts with
            cell.alignment = alignment
            if _FORMULA.match(text):
                cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    for letter, width in zip("ABCDEFGH", (10, 40, 10, 60, 10, 60, 40, 40), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return _reproducible(out.getvalue(), _dated(fw))


def _dated(fw: Framework) -> str:
    """The date a workbook of ``fw`` says it was made: its version's release date (a draft: the
    first of January 2000), so that the same version always gives the same bytes."""
    day = next((r.date for r in fw.releases if r.version == fw.version), None)
    return day if day and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", day) else "2000-01-01"


def _reproducible(data: bytes, day: str) -> bytes:
    """The workbook openpyxl wrote, with the time it was written taken out: every part of the
    zip dated ``day``, and the document's created and modified dates too (openpyxl sets them
    to now on saving). A site published again writes the same bytes, not a new file."""
    import zipfile

    year, month, dom = (int(x) for x in day.split("-"))
    when = (year, month, dom, 0, 0, 0)
    stamp = f"{day}T00:00:00Z".encode()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "docProps/core.xml":
                body = _CORE_DATES.sub(rb"\g<1>" + stamp, body)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=when), body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*")

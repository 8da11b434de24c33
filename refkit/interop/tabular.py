"""Provides import and export of spreadsheets: CSV and Excel (xlsx, ``interop.xlsx``) files, one
row per competency.

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
with a message naming what is missing, and nothing is written. Texts are taken as the cells hold
them (only ids, kinds and ESCO URIs are trimmed).

Spreadsheets read what looks like a formula as one (CSV injection): a text starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return. In CSV such a cell is written after a single
quote (OWASP's advice), and the import takes that quote off again; a cell with a carriage return
is quoted. In xlsx every text is written as a string cell (never a formula), formula-like ones
with Excel's "quote prefix" style; the characters XML cannot hold (control characters, CR) are
written as Excel writes them, ``_x001B_``, and read back. So export -> import gives every text
back exactly, except a criterion ending with CR (a CR LF in a cell is a line break).

Caps: ``MAX_ROWS`` rows holding data, and at most Excel's 1,048,576 rows in all; an xlsx is
checked from its zip directory (``refkit.interop.inputs.check_zip``) and its sheet's dimension first.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from refkit.errors import RefkitError
from refkit.i18n import Msg, N_plural
from refkit.interop import Imported, Skipped, is_id
from refkit.interop.inputs import (
    read_input,
)
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

# rows holding data a sheet may have (the scale target: 100,000 competencies in a repository),
# and the rows a sheet may have at all, empty ones included (Excel's limit)
MAX_ROWS = 100_000
SHEET_ROWS = 1_048_576
# what a spreadsheet reads as a formula (OWASP: = + - @ tab CR), after any quotes already there
_FORMULA = re.compile(r"^'*[=+\-@\t\r]")
_QUOTED = re.compile(r"^'+[=+\-@\t\r]")


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
                Msg("--map {pair} is not FIELD=HEADING", pair=repr(pair)),
                hint=Msg("e.g. --map statement='Libellé de la compétence'"),
            )
        if field not in FIELDS:
            raise RefkitError(
                Msg("--map names an unknown field {field}", field=repr(field)),
                hint=Msg("fields: {fields}", fields=", ".join(FIELDS)),
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
        shown = ", ".join(repr(h) for h in header if h.strip())
        names = ", ".join(repr(mapping.get(f, HEADINGS[f])) for f in missing)
        raise RefkitError(
            Msg(
                N_plural(
                    "{source}: missing column {names} (the first row has: {shown})",
                    "{source}: missing columns {names} (the first row has: {shown})",
                ),
                source=source,
                names=names,
                shown=shown,
                n=len(missing),
            )
            if shown
            else Msg(
                N_plural(
                    "{source}: missing column {names} (the first row has: none)",
                    "{source}: missing columns {names} (the first row has: none)",
                ),
                source=source,
                names=names,
                n=len(missing),
            ),
            hint=Msg(
                "name the columns block, id and statement, or say which holds each: --map statement='Your heading'"
            ),
        )
    return columns


def _lines(text: str) -> list[str]:
    """A cell's lines, as they are (blank ones dropped): LF and CR LF break lines."""
    return [line for line in re.split(r"\r?\n", text) if line.strip()]


def _none_of(fields: list[str]) -> Msg:
    """Why a row lacking required cells is skipped: "no id", "no block and no statement"..."""
    said = Msg("no {field}", field=fields[0])
    for field in fields[1:]:
        said = Msg("{list} and no {field}", list=said, field=field)
    return said


def _refusal(
    bid: str, cid: str, statement: str, kind_text: str, kind: str | None, seen: dict[str, int]
) -> Msg | None:
    """Why a row cannot be placed (None: it can): a required cell empty, an id that is not
    one, a competency already on another row, an unknown kind, a statement on several lines."""
    missing = [f for f, v in (("block", bid), ("id", cid), ("statement", statement)) if not v.strip()]  # fmt: skip
    if missing:
        return _none_of(missing)
    if not is_id(bid):
        return Msg("block {id} is not a valid id (letters, digits, '.', '_', '-')", id=repr(bid))
    if not is_id(cid):
        return Msg("competency id {id} is not a valid id (letters, digits, '.', '_', '-')", id=repr(cid))  # fmt: skip
    if cid in seen:
        return Msg("competency {id} is already on row {row}", id=cid, row=seen[cid])
    if kind is None:
        return Msg("kind {kind} is not knowledge, skill or attitude", kind=repr(kind_text))
    if "\n" in statement:
        return Msg("the statement holds several lines: a statement is one line")
    return None


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

    def skip(row: int, why: Msg) -> None:
        result.skipped.append(Skipped(Msg("row {n}", n=row), why))

    def cell(cells: Sequence[str], field: str) -> str:
        i = columns.get(field)
        return cells[i] if i is not None and i < len(cells) else ""

    for number, cells in rows:
        if not any(str(c).strip() for c in cells):
            continue
        bid, cid = cell(cells, "block").strip(), cell(cells, "id").strip()
        statement, kind_text = cell(cells, "statement"), cell(cells, "kind").strip()
        kind = KINDS.get(kind_text.lower()) if kind_text else Kind.SKILL.value
        why = _refusal(bid, cid, statement, kind_text, kind, seen)
        if why is not None:
            skip(number, why)
            continue
        assert kind is not None  # (_refusal refuses an unknown kind)
        seen[cid] = number
        block = blocks.get(bid)
        if block is None:
            block_title = cell(cells, "block_title")
            block = blocks[bid] = Block(bid, block_title if block_title.strip() else bid)
        criteria = [Criterion(t) for t in _lines(cell(cells, "criteria"))]
        no_criteria += not criteria
        esco = [u for u in re.split(r"\s+", cell(cells, "esco").strip()) if u]
        notes_text = cell(cells, "notes")
        notes = notes_text if notes_text.strip() else None
        block.competencies.append(Competency(cid, statement, kind, [], criteria, esco, notes))
    fw.blocks = list(blocks.values())
    if eqf is not None:
        fw.certification = CertificationRules(required=[b.id for b in fw.blocks])
        result.notes.append(Msg("every block is required for the certification: edit certification: in framework.yaml for electives"))  # fmt: skip
        if no_criteria:
            result.notes.append(
                Msg(
                    N_plural(
                        "{n} competency has no criteria: refkit validate asks for at least one each",
                        "{n} competencies have no criteria: refkit validate asks for at least one each",
                    ),
                    n=no_criteria,
                )
            )
    return result


# -- CSV ----------------------------------------------------------------------------------------


def read_csv(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    raw = read_input(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        if raw[:4] == b"PK\x03\x04":
            raise RefkitError(
                Msg("{path} is a zip file (an xlsx workbook?), not CSV text", path=path),
                hint=Msg("use refkit import xlsx"),
            ) from e
        raise RefkitError(
            Msg("{path}: not UTF-8 text (byte {byte})", path=path, byte=e.start),
            hint=Msg(
                'save it as "CSV UTF-8" (Excel: File > Save As > CSV UTF-8), or import the .xlsx itself'
            ),
        ) from e
    if raw[:4] == b"PK\x03\x04":
        raise RefkitError(
            Msg("{path} is a zip file (an xlsx workbook?), not CSV text", path=path),
            hint=Msg("use refkit import xlsx"),
        )
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count) if first else ","
    # strict: a quote never closed is an error (not the rest of the file read as one cell)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    number = 0
    line = 0
    while True:
        line = reader.line_num
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            _csv_error(path, text, delimiter, line + 1, reader.line_num, e)
        except MemoryError:  # a field past the csv module's limit is an error; this is not
            raise RefkitError(Msg("{path}:{line}: a row too large to read", path=path, line=line + 1)) from None  # fmt: skip
        number += 1
        if number > SHEET_ROWS:
            raise _too_many(path, Msg("more than {n} rows", n=f"{SHEET_ROWS:,}"))
        cells = [_unquote(c) if c[:1] == "'" else c for c in cells]
        if header is None:
            header = cells
        elif any(c.strip() for c in cells):
            if len(rows) >= MAX_ROWS:
                raise _too_many(path, Msg("more than {n} rows of competencies", n=MAX_ROWS))
            rows.append((number, cells))
    if header is None:
        raise RefkitError(Msg("{path} is empty", path=path), hint=Msg("the first row names the columns"))  # fmt: skip
    return header, rows


def _too_many(path: Path, what: Msg) -> RefkitError:
    return RefkitError(
        Msg("{path} has {what}, past what refkit imports from one sheet", path=path, what=what),
        hint=Msg(
            "check that it is the sheet you meant, or import it in several parts (one framework each)"
        ),
    )


def _csv_error(path: Path, text: str, delimiter: str, start: int, end: int, e: csv.Error) -> None:
    """Raise the error of a row that is not valid CSV, at its line: for a quote never closed,
    the line where it opened."""
    if "end of data" in str(e):
        opened = _open_quote(text, delimiter, start) or start
        raise RefkitError(
            Msg(
                '{path}:{line}: a quote (") opened on line {line} is never closed: the rest of the file would be read as one cell',
                path=path,
                line=opened,
            ),
            hint=Msg('close the quote; a quote inside a quoted text is written twice ("")'),
        ) from None
    raise RefkitError(
        Msg("{path}:{line}: not valid CSV ({error})", path=path, line=end, error=e),
        hint=Msg(
            'a text holding quotes, separators or line breaks is written between quotes, a quote inside it twice ("")'
        ),
    ) from None


def _open_quote(text: str, delimiter: str, start: int) -> int | None:
    """The line of the quote still open at the end of ``text``, reading from line ``start``
    (lines end as the csv module counts them: LF, CR LF or CR)."""
    lines = io.StringIO(text, newline="").readlines()
    number, quoted, opened, field_start = start, False, None, True
    for line in lines[start - 1 :]:
        k = 0
        while k < len(line):
            ch = line[k]
            if quoted:
                if ch == '"':
                    if line[k + 1 : k + 2] == '"':
                        k += 1
                    else:
                        quoted = False
            elif ch == '"' and field_start:
                quoted, opened = True, number
            field_start = not quoted and ch in (delimiter, "\n", "\r")
            k += 1
        number += 1
    return opened if quoted else None


def _unquote(text: str) -> str:
    """A cell as exported: the quote that kept a formula-like text from being a formula, off."""
    return text[1:] if _QUOTED.match(text) else text


def _neutral(text: str) -> str:
    """A text no spreadsheet reads as a formula: quoted when it looks like one."""
    return "'" + text if _FORMULA.match(text) else text


def _csv_field(text: str) -> str:
    """As ``csv.QUOTE_MINIMAL`` writes a field, and quoted when it holds a CR (the csv module
    quotes only the characters of its line terminator: a bare CR split the row)."""
    text = _neutral(text)
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


_NEEDS_QUOTES = re.compile('[,"\n\r]')


def write_csv(fw: Framework) -> str:
    lines = [",".join(HEADINGS[f] for f in FIELDS)]
    lines += [",".join(_csv_field(t) for t in row) for row in table(fw)]
    return "\n".join(lines) + "\n"


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

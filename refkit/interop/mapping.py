"""Provides the correspondence table between two releases as the registers of Australia and New
Zealand publish theirs, as CSV:

* ``tga_mapping``: training.gov.au's mapping information, one row per pair of components (here
  blocks) of the current and the previous release: Code, Title, Maps to code, Maps to title,
  Is equivalent (E or N), Notes. A block newly created or deleted has its row too, with "Is
  equivalent" empty and the note "Newly created" or "Deleted" (the words the Australian
  regulator uses for such products).
* ``nzqa_replacements``: NZQA's replacement information, one row per block (a "standard") of the
  previous release, then per block new in this one: Standard, Title, Status (Registered: it
  goes on under its id; Expiring: it is replaced or removed and may be assessed until the last
  date for assessment), Replaced by, Replaced by title, Last date for assessment, Notes ("This
  standard replaced standard ...", the competencies still to cover).

Codes are the blocks' RNCP codes when the framework has an RNCP or RS number (``RNCP37999BC01``),
their ids otherwise. Fields are written as refkit's CSV export writes them (a text that a
spreadsheet would read as a formula is quoted).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from refkit.interop.rncp import block_code
from refkit.interop.tabular import _csv_field
from refkit.model import Block, Framework

TGA_HEADINGS = ["Code", "Title", "Maps to code", "Maps to title", "Is equivalent", "Notes"]
NZQA_HEADINGS = ["Standard", "Title", "Status", "Replaced by", "Replaced by title", "Last date for assessment", "Notes"]  # fmt: skip


def _code(fw: Framework, block: Block | None, bid: str) -> str:
    if block is None:
        return bid
    return block_code(fw, block) if (fw.codes.get("rncp") or fw.codes.get("rs")) else block.id


def _csv(headings: list[str], rows: Iterable[list[str]]) -> str:
    lines = [",".join(headings)] + [",".join(_csv_field(cell) for cell in row) for row in rows]
    return "\n".join(lines) + "\n"


def _notes(entry: Any, *extra: str) -> str:
    parts = [p for p in extra if p]
    if entry.missing:
        parts.append("Competencies still to cover: " + ", ".join(entry.missing))
    if entry.note:
        parts.append(" ".join(entry.note.split()))
    return ". ".join(parts)


def tga_mapping(old: Framework, new: Framework, entries: Iterable[Any]) -> str:
    """training.gov.au's mapping information for the table ``entries`` from ``old`` to ``new``."""
    olds = {b.id: b for b in old.blocks}
    news = {b.id: b for b in new.blocks}
    rows: list[list[str]] = []
    for e in entries:
        o = olds.get(e.old) if e.old else None
        old_cells = [_code(old, o, e.old), o.title if o else ""] if e.old else ["", ""]
        if e.type == "removed" or not e.new:
            rows.append(["", "", *old_cells, "", _notes(e, "Deleted")])
            continue
        for bid in e.new:
            n = news.get(bid)
            new_cells = [_code(new, n, bid), n.title if n else ""]
            if e.type == "new" or not e.old:
                rows.append([*new_cells, "", "", "", _notes(e, "Newly created")])
                continue
            equivalent = "E" if e.type == "equivalent" else "N"
            how = {"split": "Split into " + ", ".join(e.new), "merged": "Merged with " + ", ".join(e.with_blocks)}.get(e.type, "")  # fmt: skip
            rows.append([*new_cells, *old_cells, equivalent, _notes(e, how)])
    return _csv(TGA_HEADINGS, rows)


def nzqa_replacements(old: Framework, new: Framework, entries: Iterable[Any], last_date: str | None = None) -> str:  # fmt: skip
    """NZQA's replacement information for the table ``entries`` from ``old`` to ``new``."""
    entries = list(entries)
    olds = {b.id: b for b in old.blocks}
    news = {b.id: b for b in new.blocks}
    rows: list[list[str]] = []
    by_old = {e.old: e for e in entries if e.old}
    for b in old.blocks:
        e = by_old.get(b.id)
        targets = [bid for bid in (e.new if e else []) if bid != b.id]
        kept = b.id in news and e is not None and b.id in e.new
        rows.append([
            _code(old, b, b.id), b.title, "Registered" if kept else "Expiring",
            " ".join(_code(new, news.get(t), t) for t in targets),
            " / ".join(news[t].title for t in targets if t in news),
            "" if kept else (last_date or ""),
            _notes(e) if e else "",
        ])  # fmt: skip
    for b in new.blocks:
        if b.id in olds:
            continue
        replaced = [e.old for e in entries if e.old and b.id in e.new and e.old != b.id]
        note = "This standard replaced standard " + ", ".join(_code(old, olds.get(r), r) for r in replaced) if replaced else "New standard"  # fmt: skip
        rows.append([_code(new, b, b.id), b.title, "Registered", "", "", "", note])
    return _csv(NZQA_HEADINGS, rows)

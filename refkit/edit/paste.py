"""Provides reading rows pasted from a spreadsheet as new competencies (no user interface).

Working groups draft in spreadsheets: one row per competency, a column for the statement, others
for its kind, its activities, its criteria. Copying rows from LibreOffice, Excel or a web table
gives text with a tab between cells and a line break between rows (a cell holding line breaks
comes quoted). ``read_rows`` splits it; ``guess_columns`` proposes what each column is, from a
header row when there is one ("Énoncé", "Nature", "Critères"...) or else from what the cells
hold; ``plan_competencies`` turns the rows into competencies with fresh ids, and says what it
left out and why. ``Session.add_competencies`` adds them as one operation (one undo step).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field

from refkit.edit.search import BEFORE
from refkit.i18n import N_, tr
from refkit.model import Block, Competency, Criterion, Framework, Kind

STATEMENT, KIND, ACTIVITIES, CRITERIA, IGNORE = "statement", "kind", "activities", "criteria", ""
COLUMN_LABELS = {  # English message ids, shown in the editor's language
    STATEMENT: N_("statement text"),
    KIND: N_("kind"),
    ACTIVITIES: N_("activities"),
    CRITERIA: N_("criteria"),
    IGNORE: N_("(ignored)"),
}

_KIND_WORDS = {
    "skill": Kind.SKILL.value,
    "savoir-faire": Kind.SKILL.value,
    "savoir faire": Kind.SKILL.value,
    "competence": Kind.SKILL.value,
    "knowledge": Kind.KNOWLEDGE.value,
    "savoir": Kind.KNOWLEDGE.value,
    "savoirs": Kind.KNOWLEDGE.value,
    "connaissance": Kind.KNOWLEDGE.value,
    "connaissances": Kind.KNOWLEDGE.value,
    "attitude": Kind.ATTITUDE.value,
    "savoir-etre": Kind.ATTITUDE.value,
    "savoir etre": Kind.ATTITUDE.value,
}
_HEADERS = {
    STATEMENT: ("enonce", "competence", "statement", "intitule", "libelle"),
    KIND: ("nature", "type", "kind"),
    ACTIVITIES: ("activite", "activites", "activities", "activity"),
    CRITERIA: ("critere", "criteres", "criteria", "criterion", "indicateur"),
    IGNORE: ("id", "identifiant", "code", "n°", "numero"),
}
_ACTIVITY_LIST = re.compile(r"^\s*[A-Za-z][\w.-]*(\s*[,;]\s*[A-Za-z][\w.-]*)*\s*$")


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def read_rows(text: str) -> list[list[str]]:
    """The rows of pasted text: cells split at tabs (a cell with line breaks, quoted by the
    spreadsheet, stays one cell), empty rows dropped, each cell's spaces trimmed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    rows = []
    for row in csv.reader(io.StringIO(text), delimiter="\t", quotechar='"'):
        cells = [c.strip() for c in row]
        if any(cells):
            rows.append(cells)
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


def kind_of(cell: str) -> str | None:
    return _KIND_WORDS.get(_plain(cell))


def _header_column(cell: str) -> str | None:
    plain = _plain(cell).rstrip(" :*")
    for column, words in _HEADERS.items():
        if any(plain == w or plain.startswith(w + " ") for w in words):
            return column
    return None


@dataclass(slots=True)
class Columns:
    """What each column is, and whether the first row names them."""

    kinds: list[str]
    header: bool = False


def guess_columns(rows: list[list[str]], activities: set[str]) -> Columns:
    """What each column holds: from a header row if the first row is one, else from the cells
    (a column of kinds, a column of activity ids, the longest texts first as the statement, the
    other texts as criteria)."""
    if not rows:
        return Columns([])
    first = [_header_column(c) for c in rows[0]]
    if sum(1 for c in first if c is not None) >= max(1, len(first) // 2) and STATEMENT in first:
        return Columns([c if c is not None else IGNORE for c in first], header=True)
    width = len(rows[0])
    kinds: list[str] = [""] * width
    filled = [[r[i] for r in rows if r[i]] for i in range(width)]
    for i, cells in enumerate(filled):
        if cells and all(kind_of(c) for c in cells):
            kinds[i] = KIND
        elif cells and all(
            _ACTIVITY_LIST.match(c) and all(a.strip() in activities for a in re.split(r"[,;]", c))
            for c in cells
        ):
            kinds[i] = ACTIVITIES
    texts = [i for i in range(width) if not kinds[i] and filled[i]]
    if texts:
        kinds[texts[0]] = STATEMENT
        for i in texts[1:]:
            kinds[i] = CRITERIA
    return Columns([k or IGNORE for k in kinds])


@dataclass(slots=True)
class Planned:
    competencies: list[Competency] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was left out or changed, and why


def plan_competencies(
    rows: list[list[str]], columns: Columns, fw: Framework, block: Block, lang: str = BEFORE
) -> Planned:
    """The competencies the rows make, with the block's next free ids; what was left out said
    in ``lang``."""
    from refkit.edit.operations import next_competency_id

    out = Planned()
    body = rows[1:] if columns.header else rows
    taken = {c.id for _, c in fw.competencies()}
    first = re.match(r"^(.*?)(\d+)$", next_competency_id(fw, block))
    prefix, number = (first.group(1), int(first.group(2))) if first else (f"{block.id}.", 1)
    activities = {a.id for a in fw.activities}
    for n, row in enumerate(body, start=2 if columns.header else 1):
        statement = " ".join(
            row[i] for i, k in enumerate(columns.kinds) if k == STATEMENT and row[i]
        )
        statement = " ".join(statement.split())
        if not statement:
            out.notes.append(tr("row {n}: no statement, row left out", lang).format(n=n))
            continue
        kind = Kind.SKILL.value
        acts: list[str] = []
        criteria: list[Criterion] = []
        for i, k in enumerate(columns.kinds):
            cell = row[i] if i < len(row) else ""
            if not cell:
                continue
            if k == KIND:
                found = kind_of(cell)
                if found is None:
                    out.notes.append(
                        tr('row {n}: unknown kind "{kind}", skill kept', lang).format(
                            n=n, kind=cell
                        )
                    )
                else:
                    kind = found
            elif k == ACTIVITIES:
                for a in re.split(r"[,;\s]+", cell):
                    if not a:
                        continue
                    if a not in activities:
                        out.notes.append(
                            tr("row {n}: activity {id} is not in the framework", lang).format(
                                n=n, id=a
                            )
                        )
                    acts.append(a)
            elif k == CRITERIA:
                for part in re.split(r"\n|\s;\s", cell):
                    part = " ".join(part.strip(" -–•").split())
                    if part:
                        criteria.append(Criterion(part))
        while f"{prefix}{number}" in taken:
            number += 1
        new_id = f"{prefix}{number}"
        taken.add(new_id)
        out.competencies.append(Competency(new_id, statement, kind, acts, criteria))
        if not criteria:
            out.notes.append(
                tr("row {n}: {id} has no criterion (to write next)", lang).format(n=n, id=new_id)
            )
    return out

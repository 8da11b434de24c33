"""Provides finding items by id or by words, and find-and-replace plans (no user interface).

A search looks for every word typed at the start of a word of an item's text, accents, case and
the apostrophe's form aside ("reseaux d'evacuation" finds "Réseaux d’évacuation"); a word of one
letter ("à", "a") must be a whole word, so that it does not find everything. An id typed whole
("BC07", "c7.1") puts that item first. Results come in the framework's order: blocks, their
competencies, each competency's criteria.

The texts searched are those a working group writes: framework titles, block ids, titles and
descriptions, competency ids, statements and notes, criteria. Each block's entries are kept
while the block object is the same one (a save replaces only the blocks it wrote), so that a
search after an edit prepares only what changed: searching 10,000 competencies takes a few
milliseconds once prepared (bench/edit.py).

A replacement plan lists every text a literal find-and-replace would change, before anything
is written; ``Session.replace_texts`` applies it as one operation (one undo step).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any, NamedTuple

from refkit.i18n import tr
from refkit.model import Block, Framework

# -- folding: one character for one, so that positions in the folded text are those of the text


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x250):
        c = chr(code)
        base = unicodedata.normalize("NFKD", c)
        base = "".join(ch for ch in base if not unicodedata.combining(ch)).lower()
        if c.isalnum():
            if len(base) == 1 and base.isalnum():
                table[code] = base
            elif c.lower() != c and len(c.lower()) == 1:
                table[code] = c.lower()
        else:
            table[code] = " "  # punctuation, apostrophes, spaces: word boundaries
    for c in "’‘ʼ‛′´`«»“”„‹›–—‐‑\u00a0\u202f\u2009\u2007":
        table[ord(c)] = " "
    for c in "œæ":  # ligatures stay one character: "oe" is typed as "œ" or not found
        table[ord(c)] = c
        table[ord(c.upper())] = c
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """``text`` lowercased, without accents, with every non-word character as a space; one
    character for one."""
    return text.translate(_FOLD)


def terms(query: str) -> list[str]:
    """The words of a query, folded."""
    return fold(query).split()


# -- entries -----------------------------------------------------------------------------------


# the language a criterion is named in ("C7.1 critère 2") when none is given: the editor passes
# its own; French, as before the editor spoke other languages (issue 18)
BEFORE = "fr"


class Entry(NamedTuple):
    """One searchable text of an item (a named tuple: 40,000 of them are made for 10,000
    competencies; the item's ``Ref`` is made for the results only)."""

    key: tuple[str, str | None, str | None, int | None]  # the Ref's fields
    ident: str  # "BC07", "C7.1", "C7.1 criterion 2" (in the editor's language)
    field: str  # title, statement, criteria, notes, description
    text: str
    hay: str  # " " + fold(text) + " "


@dataclass(frozen=True, slots=True)
class Hit:
    ref: Any
    ident: str
    field: str
    text: str
    spans: tuple[tuple[int, int], ...]  # (start, end) in ``text`` of each word found


@dataclass(frozen=True, slots=True)
class Found:
    hits: list[Hit]
    total: int  # hits in all (``hits`` may hold only the first ``limit``)


def block_entries(folder: str, block: Block, lang: str = BEFORE) -> list[Entry]:
    out: list[Entry] = []
    add = out.append
    table = _FOLD

    def entry(key: Any, ident: str, field: str, text: Any) -> None:
        if isinstance(text, str) and text:
            add(Entry(key, ident, field, text, f" {text.translate(table)} "))

    criterion = tr("{id}, criterion {n}", lang)
    key = (folder, block.id, None, None)
    entry(key, block.id, "title", f"{block.id} {block.title}")
    entry(key, block.id, "description", block.description)
    for c in block.competencies:
        cid = c.id
        ckey = (folder, block.id, cid, None)
        entry(ckey, cid, "statement", f"{cid} {c.statement}")
        if c.notes:
            entry(ckey, cid, "notes", c.notes)
        for i, cr in enumerate(c.criteria):
            entry(
                (folder, block.id, cid, i), criterion.format(id=cid, n=i + 1), "criteria", cr.text
            )
    return out


class _Prepared(NamedTuple):
    """A block's entries, and their folded texts joined in one string (NUL between two) with
    where each starts: a word is looked for in the whole block at C speed, and only the texts
    where it occurs are looked at."""

    block: Block
    entries: list[Entry]
    corpus: str
    starts: list[int]


def _prepare(folder: str, block: Block, lang: str) -> _Prepared:
    entries = block_entries(folder, block, lang)
    starts = []
    pos = 0
    for e in entries:
        starts.append(pos)
        pos += len(e.hay) + 1
    return _Prepared(block, entries, "\0".join(e.hay for e in entries), starts)


class Index:
    """The searchable texts of a session's frameworks, prepared block by block."""

    def __init__(self, lang: str = BEFORE) -> None:
        self.lang = lang  # the language a criterion's name is given in ("C7.1 criterion 2")
        # (folder, block id) -> the block object, its entries and their texts joined
        self._blocks: dict[tuple[str, str], _Prepared] = {}

    def entries(self, folder: str, fw: Framework) -> list[Entry]:
        out: list[Entry] = []
        title = _title_entry(folder, fw)
        if title is not None:
            out.append(title)
        for block in fw.blocks:
            out.extend(self.block(folder, block))
        return out

    def block(self, folder: str, block: Block) -> list[Entry]:
        """A block's entries, prepared once for each block object."""
        return self._prepared(folder, block).entries

    def _prepared(self, folder: str, block: Block) -> _Prepared:
        key = (folder, block.id)
        kept = self._blocks.get(key)
        if kept is None or kept.block is not block:
            kept = _prepare(folder, block, self.lang)
            self._blocks[key] = kept
        return kept

    def search(self, frameworks: dict[str, Framework], query: str, *, limit: int = 500) -> Found:
        from refkit.edit import Ref

        words = terms(query)
        if not words:
            return Found([], 0)
        needles = [f" {w} " if len(w) == 1 else f" {w}" for w in words]
        first = max(needles, key=len)  # the rarest, likely: looked for in the whole block
        wanted_id = query.strip().casefold()
        exact: list[Hit] = []
        hits: list[Hit] = []
        total = 0

        def found(e: Entry) -> None:
            nonlocal total
            hay = e.hay
            if all(n in hay for n in needles):
                total += 1
                if e.ident.casefold() == wanted_id and e.field in ("title", "statement"):
                    exact.append(Hit(Ref(*e.key), e.ident, e.field, e.text, _spans(hay, needles)))
                elif len(hits) < limit:
                    hits.append(Hit(Ref(*e.key), e.ident, e.field, e.text, _spans(hay, needles)))

        for folder, fw in frameworks.items():
            title = _title_entry(folder, fw)
            if title is not None:
                found(title)
            for block in fw.blocks:
                p = self._prepared(folder, block)
                corpus, starts, entries = p.corpus, p.starts, p.entries
                pos = corpus.find(first)
                while pos >= 0:
                    i = bisect_right(starts, pos) - 1
                    found(entries[i])
                    if i + 1 >= len(starts):
                        break
                    pos = corpus.find(first, starts[i + 1])
        return Found((exact + hits)[:limit], total)


def _title_entry(folder: str, fw: Framework) -> Entry | None:
    if isinstance(fw.title, str) and fw.title:
        return Entry((folder, None, None, None), fw.id, "title", fw.title, f" {fold(fw.title)} ")
    return None


def _spans(hay: str, needles: list[str]) -> tuple[tuple[int, int], ...]:
    """Where each word was found in the text (every occurrence), as (start, end) in the text."""
    spans = []
    for n in needles:
        word = n.strip()
        start = hay.find(n)
        while start >= 0:
            spans.append((start, start + len(word)))  # hay has one leading space: text offset
            start = hay.find(n, start + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return tuple(merged)


# -- find and replace --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Replacement:
    ref: Any
    field: str  # the Session field name: title, description, statement, notes, text
    ident: str
    old: str
    new: str
    count: int  # occurrences replaced in this text


def pattern(find: str, *, case: bool = False, words: bool = False) -> re.Pattern[str]:
    """The literal ``find``, with ' and ’ (and the other apostrophes) as one, and any run of
    spaces as one space; case-insensitive unless ``case``; ``words``: not inside a longer word
    ("réparer" then leaves "préparer" alone)."""
    parts = []
    for c in find:
        if c in "'’‘ʼ":
            parts.append("['’‘ʼ]")
        elif c.isspace():
            parts.append(r"[ \u00a0\u202f]+")
        else:
            parts.append(re.escape(c))
    text = "".join(parts).replace(r"[ \u00a0\u202f]+[ \u00a0\u202f]+", r"[ \u00a0\u202f]+")
    if words:
        text = rf"(?<!\w){text}(?!\w)"
    return re.compile(text, 0 if case else re.IGNORECASE)


def plan_replace(
    folder: str,
    fw: Framework,
    find: str,
    replace: str,
    *,
    case: bool = False,
    words: bool = False,
    lang: str = BEFORE,
) -> list[Replacement]:
    """Every text of ``fw`` that replacing ``find`` by ``replace`` changes, in order."""
    from refkit.edit import Ref

    if not find.strip():
        return []
    pat = pattern(find, case=case, words=words)
    out: list[Replacement] = []

    def one(ref: Any, field: str, ident: str, text: Any) -> None:
        if not isinstance(text, str) or not pat.search(text):
            return
        new, n = pat.subn(lambda _m: replace, text)
        if new != text:
            out.append(Replacement(ref, field, ident, text, new, n))

    criterion = tr("{id}, criterion {n}", lang)
    one(Ref(folder), "title", fw.id, fw.title)
    for block in fw.blocks:
        ref = Ref(folder, block.id)
        one(ref, "title", block.id, block.title)
        one(ref, "description", block.id, block.description)
        for c in block.competencies:
            cref = Ref(folder, block.id, c.id)
            one(cref, "statement", c.id, c.statement)
            one(cref, "notes", c.id, c.notes)
            for i, cr in enumerate(c.criteria):
                one(
                    Ref(folder, block.id, c.id, i),
                    "text",
                    criterion.format(id=c.id, n=i + 1),
                    cr.text,
                )
    return out

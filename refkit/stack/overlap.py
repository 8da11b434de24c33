"""Provides the overlap between frameworks: the blocks they share and the competencies they have
in common, so that a working group sees where a block could be shared.

Two competencies are in common when they are the same competency through a shared block, or when
their statements are near-identical: the same content words whatever their order, case, accents,
punctuation or small words ("le", "de", "et"...). Grouping by that key is linear in the number of
competencies, so a national repository (100,000 competencies) is compared in seconds.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from refkit.stack import CertView

# Function words that do not change what a statement asks (French and English).
STOP_WORDS = frozenset(
    [
        "le",
        "la",
        "les",
        "l",
        "un",
        "une",
        "des",
        "du",
        "de",
        "d",
        "et",
        "ou",
        "a",
        "au",
        "aux",
        "en",
        "dans",
        "sur",
        "sous",
        "par",
        "pour",
        "avec",
        "sans",
        "son",
        "sa",
        "ses",
        "leur",
        "leurs",
        "ce",
        "cette",
        "ces",
        "qui",
        "que",
        "dont",
        "se",
        "s",
        "y",
        "the",
        "an",
        "of",
        "and",
        "or",
        "to",
        "in",
        "on",
        "for",
        "with",
        "by",
        "at",
        "from",
        "its",
    ]
)


_NON_ASCII = re.compile("[^\x00-\x7f]")
# every byte but a-z, 0-9 and the line break made a space: words are what bytes.split() finds
_SEPARATORS = bytes(
    b if (0x61 <= b <= 0x7A or 0x30 <= b <= 0x39 or b == 0x0A) else 0x20 for b in range(256)
)
_STOP_BYTES = frozenset(w.encode() for w in STOP_WORDS)


def _no_mark(m: re.Match[str]) -> str:
    ch = m.group()
    return "" if unicodedata.combining(ch) else " "  # other non-ASCII: between words


# the accents NFKD leaves after a Latin letter (the combining ones of U+0300-U+036F): removed
# at once, before each other non-ASCII character is looked at one by one (French statements
# hold a hundred thousand accents on a national repository)
_LATIN_MARKS = re.compile(
    "[" + "".join(c for c in map(chr, range(0x300, 0x370)) if unicodedata.combining(c)) + "]+"
)


def _ascii_words(text: str) -> bytes:
    """``text`` lower case, without accents, anything but a-z and 0-9 a space."""
    text = unicodedata.normalize("NFKD", text.lower())
    if not text.isascii():
        text = _LATIN_MARKS.sub("", text)
        if not text.isascii():
            text = _NON_ASCII.sub(_no_mark, text)
    return text.encode("ascii").translate(_SEPARATORS)


def _key(words: bytes) -> str:
    content = b" ".join(sorted(set(words.split()) - _STOP_BYTES))
    return hashlib.blake2b(content, digest_size=6).hexdigest()


def statement_key(statement: str) -> str:
    """A short key equal for near-identical statements: the set of its words but stop words,
    lower case, without accents."""
    return _key(_ascii_words(statement))


def statement_keys(statements: list[str]) -> list[str]:
    """``[statement_key(s) for s in statements]``, for all of them at once (run for every
    competency when a framework is checked: a block's statements joined are normalised once)."""
    if not statements or any("\n" in s for s in statements):  # lines of a broken file
        return [statement_key(s) for s in statements]
    return [_key(line) for line in _ascii_words("\n".join(statements)).split(b"\n")]


@dataclass(slots=True)
class Pair:
    a: str
    b: str
    shared_blocks: list[str] = field(default_factory=list)  # "SST (plombier-chauffagiste)"
    common: int = 0  # competencies in common (shared blocks included)
    examples: list[tuple[str, str]] = field(
        default_factory=list
    )  # (competency of a, of b), near-identical
    size_a: int = 0
    size_b: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "shared_blocks": self.shared_blocks,
            "common_competencies": self.common,
            "competencies": [self.size_a, self.size_b],
            "near_identical": [list(e) for e in self.examples],
        }


def overlap(views: list[CertView], *, examples: int = 5, with_examples: int = 100) -> list[Pair]:
    """Every pair of frameworks that shares a block or has competencies in common, most first.

    Near-identical competencies are counted per pair with ``Counter.update`` over combinations
    (in C); examples are then looked up, by intersecting key sets, for the first ``with_examples``
    pairs only."""
    size = {v.framework: sum(len(b.competencies) for b in v.blocks.values()) for v in views}
    counts: Counter[tuple[str, str]] = Counter()
    shared: dict[tuple[str, str], list[str]] = defaultdict(list)

    # shared blocks: the home and every framework borrowing the block, pairwise
    users: dict[tuple[str, str], set[str]] = defaultdict(set)
    block_size: dict[tuple[str, str], int] = {}
    for v in views:
        for b in v.blocks.values():
            home = b.home or v.framework
            users[(home, b.id)].add(v.framework)
            block_size[(home, b.id)] = len(b.competencies)
    for (home, block), who in users.items():
        if len(who) > 1:
            for ab in combinations(sorted(who), 2):
                shared[ab].append(f"{block} ({home})")
                counts[ab] += block_size[(home, block)]

    # near-identical statements: per key, the frameworks having it, grouped by the competency
    # itself (frameworks sharing one competency through a shared block are counted above)
    by_key: dict[str, dict[str, tuple[str, str]]] = defaultdict(
        dict
    )  # key -> framework -> (home, id)
    keys_of: dict[str, dict[str, str]] = defaultdict(dict)  # framework -> key -> competency id
    for v in views:
        for b in v.blocks.values():
            home = b.home or v.framework
            for cid, key in zip(b.competencies, b.keys, strict=False):
                by_key[key].setdefault(v.framework, (home, cid))
                keys_of[v.framework].setdefault(key, cid)
    for members in by_key.values():
        if len(members) < 2:
            continue
        frameworks = sorted(members)
        counts.update(combinations(frameworks, 2))
        same: dict[tuple[str, str], list[str]] = defaultdict(list)
        for fw in frameworks:
            same[members[fw]].append(fw)
        for group in same.values():
            if len(group) > 1:
                counts.subtract(combinations(group, 2))

    pairs = [
        Pair(a, b, shared.get((a, b), []), n, size_a=size.get(a, 0), size_b=size.get(b, 0))
        for (a, b), n in counts.items()
        if n > 0 or (a, b) in shared
    ]
    pairs.sort(key=lambda p: (-p.common, -len(p.shared_blocks), p.a, p.b))
    for p in pairs[:with_examples]:
        ka, kb = keys_of[p.a], keys_of[p.b]
        for key in sorted(ka.keys() & kb.keys()):
            if by_key[key][p.a] != by_key[key][p.b]:
                p.examples.append((ka[key], kb[key]))
                if len(p.examples) >= examples:
                    break
    return pairs

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
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from refkit.stack import CertView

_WORD = re.compile(r"[a-z0-9]+")
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


def statement_key(statement: str) -> str:
    """A short key equal for near-identical statements."""
    text = unicodedata.normalize("NFKD", statement.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    words = sorted({w for w in _WORD.findall(text) if w not in STOP_WORDS})
    return hashlib.blake2b(" ".join(words).encode(), digest_size=6).hexdigest()


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


def overlap(views: list[CertView], *, examples: int = 5) -> list[Pair]:
    """Every pair of frameworks that shares a block or has competencies in common, most first."""
    size = {v.framework: sum(len(b.competencies) for b in v.blocks.values()) for v in views}
    pairs: dict[tuple[str, str], Pair] = {}

    def pair(x: str, y: str) -> Pair:
        a, b = sorted((x, y))
        if (a, b) not in pairs:
            pairs[(a, b)] = Pair(a, b, size_a=size.get(a, 0), size_b=size.get(b, 0))
        return pairs[(a, b)]

    # shared blocks: the home and every framework borrowing the block, pairwise
    users: dict[tuple[str, str], set[str]] = defaultdict(set)
    counted: dict[str, set[tuple[str, str]]] = defaultdict(
        set
    )  # framework -> (home, competency) via sharing
    for v in views:
        for b in v.blocks.values():
            home = b.home or v.framework
            users[(home, b.id)].add(v.framework)
            for c in b.competencies:
                counted[v.framework].add((home, c))
    sizes_of_block = {
        (b.home or v.framework, b.id): len(b.competencies) for v in views for b in v.blocks.values()
    }
    for (home, block), who in users.items():
        if len(who) < 2:
            continue
        for x, y in combinations(sorted(who), 2):
            p = pair(x, y)
            p.shared_blocks.append(f"{block} ({home})")
            p.common += sizes_of_block[(home, block)]

    # near-identical statements, across frameworks, outside the blocks they already share
    by_key: dict[str, list[tuple[str, str, str]]] = defaultdict(
        list
    )  # key -> (framework, home, competency)
    for v in views:
        for b in v.blocks.values():
            home = b.home or v.framework
            for cid, key in zip(b.competencies, b.keys, strict=False):
                by_key[key].append((v.framework, home, cid))
    for members in by_key.values():
        if len(members) < 2:
            continue
        frameworks = {m[0] for m in members}
        if len(frameworks) < 2:
            continue
        first: dict[str, tuple[str, str]] = {}
        for fw, home, cid in members:
            first.setdefault(fw, (home, cid))
        for x, y in combinations(sorted(first), 2):
            hx, cx = first[x]
            hy, cy = first[y]
            if (hx, cx) == (hy, cy):
                continue  # the same competency through a shared block: counted above
            p = pair(x, y)
            p.common += 1
            if len(p.examples) < examples:
                p.examples.append((cx, cy))
    return sorted(pairs.values(), key=lambda p: (-p.common, -len(p.shared_blocks), p.a, p.b))

"""Provides word-level text diffs and similarity scores for the semantic diff.

Texts are compared as sequences of words (punctuation and whitespace are their own tokens), the
way a reader compares two sentences: ``Installer un réseau`` -> ``Installer une réseau`` is one
word replaced, not three characters. A change in whitespace only is recognised as such, so that a
re-wrapped or re-indented text is not reported as reworded.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from difflib import SequenceMatcher

_TOKEN = re.compile(r"\w+|[^\w\s]|\s+")
_WORD = re.compile(r"\w+", re.UNICODE)

WordOps = list[tuple[str, str]]  # ("=", text) | ("-", text) | ("+", text)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def normalize_space(text: str) -> str:
    return " ".join(text.split())


def is_whitespace_change(old: str, new: str) -> bool:
    return old != new and normalize_space(old) == normalize_space(new)


def word_diff(old: str, new: str) -> WordOps:
    """The word-level edit from ``old`` to ``new``; equal runs merged."""
    a, b = tokens(old), tokens(new)
    ops: WordOps = []

    def add(op: str, text: str) -> None:
        if not text:
            return
        if ops and ops[-1][0] == op:
            ops[-1] = (op, ops[-1][1] + text)
        else:
            ops.append((op, text))

    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            add("=", "".join(a[i1:i2]))
        else:
            add("-", "".join(a[i1:i2]))
            add("+", "".join(b[j1:j2]))
    return ops


def similarity(old: Sequence[str], new: Sequence[str]) -> float:
    """Similarity of two word sequences, 0 to 1 (difflib's ratio on words)."""
    if not old and not new:
        return 1.0
    return SequenceMatcher(None, old, new, autojunk=False).ratio()


def best_pairs(
    olds: list[tuple[str, list[str]]],
    news: list[tuple[str, list[str]]],
    threshold: float,
) -> list[tuple[str, str, float]]:
    """Pair old and new items by word similarity, best pairs first, each item at most once.

    ``olds`` and ``news`` are (key, words). Only pairs whose bag-of-words upper bound reaches
    ``threshold`` are scored (an inverted index finds them), so that thousands of unmatched items
    stay fast; the bound ``2 * shared / (len_a + len_b)`` is never below difflib's ratio.
    """
    return [(o, n, score) for o, n, score, _ in best_pairs_by({"": (olds, news)}, threshold)]


def best_pairs_by(
    features: dict[str, tuple[list[tuple[str, list[str]]], list[tuple[str, list[str]]]]],
    threshold: float,
) -> list[tuple[str, str, float, str]]:
    """Pair old and new items on several features at once (e.g. "statement" and "title": the
    same items, in the same order, under each): a pair's score is its best feature's, which is
    named as the evidence. Best pairs first, each item at most once. A feature whose words are
    empty on both sides pairs nothing, except the first one's (two empty statements are the same
    text)."""
    best: dict[tuple[int, int], tuple[float, str]] = {}
    for n_feature, (name, (olds, news)) in enumerate(features.items()):
        for score, i, j in _scores(olds, news, threshold, empty_equal=n_feature == 0):
            if (i, j) not in best or score > best[(i, j)][0]:
                best[(i, j)] = (score, name)
    if not best:
        return []
    olds, news = next(iter(features.values()))
    scored = sorted(((v[0], i, j) for (i, j), v in best.items()), key=lambda t: (-t[0], t[1], t[2]))
    used_old: set[int] = set()
    used_new: set[int] = set()
    pairs = []
    for score, i, j in scored:
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        pairs.append((olds[i][0], news[j][0], score, best[(i, j)][1]))
    return pairs


def _scores(
    olds: list[tuple[str, list[str]]],
    news: list[tuple[str, list[str]]],
    threshold: float,
    *,
    empty_equal: bool,
) -> list[tuple[float, int, int]]:
    if not olds or not news:
        return []
    index: dict[str, list[int]] = {}
    new_counts = []
    for j, (_, ws) in enumerate(news):
        counts = Counter(ws)
        new_counts.append(counts)
        for w in counts:
            index.setdefault(w, []).append(j)
    scored: list[tuple[float, int, int]] = []
    for i, (_, ws) in enumerate(olds):
        counts = Counter(ws)
        shared: Counter[int] = Counter()
        for w, n in counts.items():
            for j in index.get(w, ()):
                shared[j] += min(n, new_counts[j][w])
        for j, common in shared.items():
            total = len(ws) + len(news[j][1])
            if total == 0 or 2 * common / total < threshold:
                continue
            score = similarity(ws, news[j][1])
            if score >= threshold:
                scored.append((score, i, j))
        if not ws and empty_equal:  # two empty texts are identical
            for j, (_, other) in enumerate(news):
                if not other:
                    scored.append((1.0, i, j))
    return scored

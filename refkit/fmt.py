"""Provides ``format_files``: one canonical layout for framework files.

The canonical layout is refkit's house style, the one its writer uses: mappings indented by 2,
list items by 2 under their key (``- `` then the item's fields aligned), no folding of long lines
(a one-field edit stays a one-line diff), LF line endings, one final newline, no trailing spaces,
and a first line ``# yaml-language-server: $schema=...`` pointing at the repository's schema so
that editors complete and check fields. What people chose stays: key order (refkit puts keys it
adds in the schema's order), quoting, flow or block lists, comments and blank lines.

Formatting is idempotent: formatting a formatted file changes nothing. A file that cannot be read
(YAML syntax, encoding...) is reported and never written.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from refkit.migrate import kind_of
from refkit.problems import Problem
from refkit.store.files import atomic_write
from refkit.store.reader import read_yaml
from refkit.store.roundtrip import dump_document, load_document, make_yaml

_SCHEMA_LINE = re.compile(r"^# yaml-language-server: \$schema=\S*\n")
_TRAILING = re.compile(r"[ \t]+$", re.MULTILINE)


@dataclass(slots=True)
class FormatResult:
    changed: list[str] = field(default_factory=list)  # repository-relative
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)


def schema_line(root: Path, rel: str, kind: str) -> str | None:
    """The editor line for a file, when the repository carries refkit's schemas."""
    schema = root / "schemas" / f"{kind}.schema.json"
    if not schema.exists():
        return None
    target = os.path.relpath(schema, (root / rel).parent).replace(os.sep, "/")
    return f"# yaml-language-server: $schema={target}\n"


def _eol_comments(node: Any) -> list[Any]:
    """End-of-line comment tokens after scalar values, in document order."""
    out: list[Any] = []
    if isinstance(node, CommentedMap):
        for key, value in node.items():
            if isinstance(value, CommentedMap | CommentedSeq):
                out += _eol_comments(value)
            else:
                token = (node.ca.items.get(key) or [None, None, None])[2]
                if token is not None and token.value.startswith("#"):
                    out.append(token)
    elif isinstance(node, CommentedSeq):
        for i, value in enumerate(node):
            if isinstance(value, CommentedMap | CommentedSeq):
                out += _eol_comments(value)
            else:
                token = (node.ca.items.get(i) or [None])[0]
                if token is not None and token.value.startswith("#"):
                    out.append(token)
    return out


def canonical(text: str, line: str | None) -> str:
    """``text`` in the canonical layout (raises on YAML that ruamel cannot read)."""
    doc, _ = load_document(text)
    # End-of-line comments keep the gap their author left after the value, wherever the
    # re-indented value now ends: dump them right after the value, then restore each gap.
    source = text.replace("\r\n", "\n").split("\n")
    gaps = []
    for token in _eol_comments(doc):
        original = source[token.start_mark.line] if token.start_mark.line < len(source) else ""
        before = original[: token.column]
        gaps.append(
            (token.value.split("\n", 1)[0].rstrip(), max(1, len(before) - len(before.rstrip())))
        )
        token.column = 0
    out = dump_document(doc, make_yaml())
    out = _TRAILING.sub("", out.replace("\r\n", "\n")).rstrip("\n") + "\n"
    lines = out.split("\n")
    k = 0
    for i, text_line in enumerate(lines):
        if k < len(gaps) and text_line.endswith(" " + gaps[k][0]):
            comment, gap = gaps[k]
            lines[i] = text_line[: -len(comment) - 1].rstrip() + " " * gap + comment
            k += 1
    out = "\n".join(lines)
    if line is not None:
        out = line + _SCHEMA_LINE.sub("", out, count=1)
    return out


def format_files(root: Path, rels: list[str], *, write: bool) -> FormatResult:
    result = FormatResult()
    for rel in rels:
        kind = kind_of(rel)
        if kind is None:
            continue
        raw = (root / rel).read_bytes()
        doc = read_yaml(rel, raw)
        if doc.problems or doc.data is None:
            result.problems.extend(doc.problems)  # never rewrite what cannot be read
            continue
        text = raw.decode("utf-8")
        new = canonical(text, schema_line(root, rel, kind))
        if new == text:
            result.unchanged += 1
            continue
        if write:
            atomic_write(root / rel, new.encode("utf-8"))
        result.changed.append(rel)
    return result

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

from refkit.errors import RefkitError
from refkit.i18n import Msg
from refkit.migrate import kind_of
from refkit.problems import RULES, Problem
from refkit.store.files import NotRegularFile, atomic_write, read_regular
from refkit.store.loader import link_refusal, scan_folder
from refkit.store.reader import read_yaml
from refkit.store.repository import Repository
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


def files_to_format(repo: Repository, paths: list[Path]) -> list[str]:
    """The framework files under ``paths`` (a file, or a folder: its whole framework; every
    framework when empty), repository-relative, listed as the loader lists them: no symbolic
    link followed (``store.loader.scan_folder``). A link or a file that is not a regular one is
    listed, for ``format_files`` to report it."""
    folders = repo.framework_folders()
    if not paths:
        chosen = folders
        out: list[str] = []
    else:
        chosen, out = [], []
        for path in paths:
            if not os.path.lexists(path):
                raise RefkitError(
                    Msg("{path}: no such file or folder", path=path), hint="check the path"
                )
            if path.is_dir() and not path.is_symlink():
                folder = repo.framework_folder_of(path)
                chosen.extend(folders if folder is None else [folder])
                continue
            if path.is_symlink() and not path.name.endswith((".yaml", ".yml")):
                raise RefkitError(
                    Msg("{path}: a symbolic link; refkit follows no link", path=path),
                    hint="replace the link with the folder or file itself",
                )
            target = path.parent.resolve() / path.name  # a link at the end is not followed
            if not target.is_relative_to(repo.root):
                raise RefkitError(
                    Msg(
                        "{path}: outside the repository {root} (through a symbolic link?)",
                        path=path,
                        root=repo.root,
                    ),
                    hint="pass a file of the repository's frameworks/ folder",
                )
            out.append(target.relative_to(repo.root).as_posix())
    for folder in sorted(set(chosen)):
        out.extend(rel for rel, _, _, _ in scan_folder(repo.root, folder))
    return sorted(set(out))


def format_files(root: Path, rels: list[str], *, write: bool) -> FormatResult:
    """Format each file; one that cannot be read (not a regular file, a link, unreadable, not
    valid YAML) is reported, never written."""
    result = FormatResult()
    for rel in rels:
        kind = kind_of(rel)
        if kind is None:
            continue
        try:
            raw = read_regular(root / rel)
        except NotRegularFile as e:
            full = str(root / rel)
            rule, message = (
                link_refusal(str(root), full)
                if os.path.islink(full)
                else (
                    "file-not-regular",
                    Msg(
                        "{what}, not a regular file; refkit reads only regular files",
                        what=Msg(e.what),
                    ),
                )
            )
            result.problems.append(RULES[rule].at(rel, 1, 1, message))
            continue
        except OSError as e:
            result.problems.append(
                RULES["file-unreadable"].at(
                    rel, 1, 1, Msg("file cannot be read ({reason})", reason=e.strerror or str(e))
                )
            )
            continue
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

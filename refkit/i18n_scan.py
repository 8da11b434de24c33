"""Provides what the catalogues must hold, read from refkit's own code: every message it can
show (``source_messages``), those a catalogue lacks (``missing``, ``python -m refkit.i18n
missing fr``), and the places that say something no catalogue can translate: an f-string given
to a refusal (``unsaid``) and words a command writes as they are (``unspoken``).
``tests/test_i18n.py`` fails on any of them."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from refkit.i18n import CONTEXT, catalogue, quote


def source_messages() -> dict[Any, str]:
    """Every English message id refkit shows, with where it comes from: the templates of
    ``Msg(...)``, the texts of ``tr(...)``, the (singular, plural) pairs of ``ngettext(...)``
    and the plain messages and hints given to problems (read from the code), the rules' titles
    and hints, and the words some messages are put together from."""
    import ast

    from refkit.problems import RULES
    from refkit.rules.correspondence import _ENTRIES
    from refkit.schema import pattern_descriptions
    from refkit.schema.messages import _LENGTH, _RANGE, _SINGULAR, _TYPE_NAMES
    from refkit.store.reader import _FRIENDLY

    found: dict[Any, str] = {}
    trees = parsed_sources()
    errors = error_classes(trees)
    for where, tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in errors:  # a refusal's message and hint, when written as they are
                for arg in _said(node):
                    for text in _literals(arg):
                        found.setdefault(text, where)
            said = (name == "say" and isinstance(node.func, ast.Name)) or (  # (not a method)
                isinstance(node.func, ast.Call) and getattr(node.func.func, "id", "") == "speaker"
            )
            if (name in ("Msg", "tr", "N_") or said) and node.args:
                for text in _literals(node.args[0]):
                    found.setdefault(text, where)
            if name == "N_labels" and node.args and isinstance(node.args[0], ast.Dict):
                for key, value in zip(node.args[0].keys, node.args[0].values, strict=True):
                    contexts, texts = _literals(key), _literals(value)
                    if contexts and texts and texts[0].strip(",. "):
                        found.setdefault(f"{contexts[0]}{CONTEXT}{texts[0]}", where)
            if name in ("ngettext", "N_plural", "plural") and len(node.args) >= 2:
                one, many = _literals(node.args[0]), _literals(node.args[1])
                if one and many:
                    found.setdefault((one[0], many[0]), where)
            if name in ("at", "problem"):
                if name == "at" and len(node.args) >= 4:
                    for text in _literals(node.args[3]):
                        found.setdefault(text, where)
                for kw in node.keywords:
                    if kw.arg in ("message", "hint"):
                        for text in _literals(kw.value):
                            found.setdefault(text, where)
    for rule in RULES.values():
        found.setdefault(rule.title, "problems.py (title)")
        found.setdefault(rule.hint, "problems.py (hint)")
    for words in (_TYPE_NAMES.values(), _RANGE.values(), _LENGTH.values(), _ENTRIES.values()):
        for text in words:
            found.setdefault(text, "schema")
    for level in ("major", "minor", "patch"):  # a release's bump (refkit.release)
        found.setdefault(level, "release")
    for kind in {*_SINGULAR.values(), "item"}:
        found.setdefault(kind + " {id}", "schema")
    for _, message, hint in _FRIENDLY:
        found.setdefault(message, "reader")
        found.setdefault(hint, "reader")
    for text in (
        "a symbolic link",
        "a folder",
        "a named pipe (FIFO)",
        "a socket",
        "a device",
        "not a regular file",
    ):
        found.setdefault(text, "files")
    for text in pattern_descriptions():
        found.setdefault(text, "schemas")
    return found


@cache
def parsed_sources() -> list[tuple[str, Any]]:
    """Each module of refkit (its path in the package, "cli/stack.py", and its syntax tree), the
    generated ones left out."""
    import ast
    from importlib import resources

    import refkit

    root = resources.files(refkit)
    return [
        (str(path)[len(str(root)) + 1 :], ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted(_py_files(root), key=str)
    ]


def error_classes(trees: list[tuple[str, Any]]) -> set[str]:
    """The names of ``RefkitError`` and of every class derived from it in refkit: what they
    say is shown to people (``RefkitError.text``)."""
    import ast

    names = {"RefkitError"}
    grown = True
    while grown:
        grown = False
        for _, tree in trees:
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in names:
                    bases = {getattr(b, "id", None) or getattr(b, "attr", None) for b in node.bases}
                    if bases & names:
                        names.add(node.name)
                        grown = True
    return names


def _said(call: Any) -> list[Any]:
    """The message and hint given to a refusal: its first two arguments, message=, hint=."""
    return [*call.args[:2], *(k.value for k in call.keywords if k.arg in ("message", "hint"))]


def unsaid(trees: list[tuple[str, Any]] | None = None) -> list[str]:
    """Where a refusal is given a message or hint no catalogue can translate (an f-string:
    ``Msg`` says it with its values), as "file:line: text"."""
    import ast

    trees = parsed_sources() if trees is None else trees
    errors = error_classes(trees)
    out = []
    for where, tree in trees:
        for node in ast.walk(tree):
            name = isinstance(node, ast.Call) and (
                getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            )
            if name in errors:
                for arg in _said(node):
                    if isinstance(arg, ast.JoinedStr):
                        out.append(f"{where}:{arg.lineno}: {ast.unparse(arg)[:80]}")
    return out


def unspoken(trees: list[tuple[str, Any]] | None = None) -> list[str]:
    """Where a command writes words of its own that no catalogue can translate: a text or an
    f-string holding words, given to ``print`` or to a stream's ``write`` in ``refkit/cli``
    (``Msg``, ``tr`` and ``say`` say them in the reader's language), as "file:line: text". The
    program's name and texts without words (``f"  {line}"``, ``"\\n"``) are left alone."""
    import ast

    trees = parsed_sources() if trees is None else trees
    out = []
    for where, tree in trees:
        if not where.startswith("cli/"):
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in ("print", "write"):
                continue
            for arg in node.args:
                if any(_WORD.search(text) for text in _written(arg)):
                    out.append(f"{where}:{arg.lineno}: {ast.unparse(arg)[:80]}")
    return out


_WORD = re.compile(r"(?<![{\\])\b(?!refkit\b)[A-Za-z]{2,}")


def _written(node: Any) -> list[str]:
    """The literal texts an expression writes as they are: constants, an f-string's constant
    parts, both sides of ``+`` (a call's result is its own business)."""
    import ast

    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        ]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _written(node.left) + _written(node.right)
    if isinstance(node, ast.IfExp):
        return _written(node.body) + _written(node.orelse)
    return []


def _py_files(root: Any) -> list[Any]:
    out = []
    for entry in root.iterdir():
        if entry.is_dir() and entry.name not in ("templates", "locale", "__pycache__"):
            out.extend(_py_files(entry))
        elif entry.name.endswith(".py"):
            out.append(entry)
    return out


def _literals(node: Any) -> list[str]:
    """The string constants an expression can be (a literal, or either branch of ``a if c
    else b``)."""
    import ast

    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    return []


def missing(code: str) -> list[Any]:
    """The message ids the catalogue of ``code`` does not translate (a plural's pair when one
    of its forms is missing)."""
    entries = catalogue(code)

    def done(m: Any) -> bool:
        found = entries.get(m)
        return bool(found) and (not isinstance(found, list) or all(found))

    return sorted((m for m in source_messages() if not done(m)), key=str)


def _update(code: str) -> int:
    """Append every untranslated message id to ``refkit/locale/<code>.po`` (msgstr empty), for
    a translator to fill: ``python -m refkit.i18n update fr``."""
    from importlib import resources
    from pathlib import Path

    path = Path(str(resources.files("refkit") / "locale" / f"{code}.po"))
    sources = source_messages()
    todo = [m for m in missing(code) if m not in catalogue(code)]
    with path.open("a", encoding="utf-8") as out:
        for m in todo:
            if isinstance(m, tuple):
                out.write(
                    f"\n#: {sources[m]}\nmsgid {quote(m[0])}\nmsgid_plural {quote(m[1])}\n"
                    'msgstr[0] ""\nmsgstr[1] ""\n'
                )
            elif CONTEXT in m:
                context, _, text = m.partition(CONTEXT)
                out.write(
                    f'\n#: {sources[m]}\nmsgctxt {quote(context)}\nmsgid {quote(text)}\nmsgstr ""\n'
                )
            else:
                out.write(f'\n#: {sources[m]}\nmsgid {quote(m)}\nmsgstr ""\n')
    return len(todo)

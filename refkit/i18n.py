"""Provides the translation of what refkit says to people: gettext catalogues, one per language.

refkit's texts are written in English in the code; ``refkit/locale/<lang>.po`` (the standard
gettext format that translators' tools read and write) gives each one in another language. A
message that depends on values is a ``Msg``: its English template and its values, rendered in the
reader's language when it is shown, not when it is made, so that one problem found by
``refkit validate`` (and cached) reads in English in CI and in French in the editor.

    Msg("competency {id} has no assessment criterion", id="C2.3").render("fr")
    -> "la compétence C2.3 n'a aucun critère d'évaluation"

A value that is itself a ``Msg`` is rendered in the same language ("{item}" = "competency C2.3"
-> "la compétence C2.3"); French contractions that result ("de le bloc" -> "du bloc") are made
after rendering. Plural forms follow each catalogue's ``Plural-Forms`` header (``ngettext``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

SOURCE = "en"
LANGUAGES = ("en", "fr")


class Msg:
    """A text to show in the reader's language: an English template and its values. A count
    is a pair of templates, singular and plural, chosen by the value ``n``:
    ``Msg(N_plural("{n} error", "{n} errors"), n=3)``."""

    __slots__ = ("args", "text")

    def __init__(self, text: str | tuple[str, str], /, **args: Any) -> None:
        self.text = text
        self.args = args

    def render(self, lang: str = SOURCE) -> str:
        if isinstance(self.text, tuple):
            n = self.args.get("n", 0)
            source = self.text[0] if n == 1 else self.text[1]
            template = ngettext(*self.text, n, lang)
        else:
            source = self.text
            template = translate(self.text, lang)
        values = {k: _value(v, lang) for k, v in self.args.items()}
        try:
            out = template.format(**values)
        except (KeyError, IndexError, ValueError):  # a catalogue entry that does not fit
            out = source.format(**values)
        return _contract(out) if _is_fr(lang) else out

    def __str__(self) -> str:
        return self.render(SOURCE)

    def __repr__(self) -> str:
        return f"Msg({self.text!r}, {self.args!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Msg) and (self.text, self.args) == (other.text, other.args)

    def __hash__(self) -> int:
        return hash((self.text, tuple(sorted(self.args))))

    def to_json(self) -> dict[str, Any]:
        text = list(self.text) if isinstance(self.text, tuple) else self.text
        return {"t": text, "a": {k: _json(v) for k, v in self.args.items()}}

    @classmethod
    def from_json(cls, d: Any) -> Msg:
        """The message ``to_json`` gave; ``TypeError`` on anything else (a cache is checked)."""
        if not (isinstance(d, dict) and isinstance(d.get("a"), dict)):
            raise TypeError("not a message as refkit writes it")
        text = d.get("t")
        if isinstance(text, list) and len(text) == 2 and all(isinstance(t, str) for t in text):
            text = (text[0], text[1])
        if not isinstance(text, str | tuple):
            raise TypeError("not a message as refkit writes it")
        return cls(text, **{str(k): _unjson(v) for k, v in d["a"].items()})


def _value(v: Any, lang: str) -> Any:
    if isinstance(v, Msg):
        return v.render(lang)
    if isinstance(v, list | tuple):
        return ", ".join(str(_value(x, lang)) for x in v)
    return v


def _json(v: Any) -> Any:
    if isinstance(v, Msg):
        return {"$msg": v.to_json()}
    if isinstance(v, list | tuple):
        return [_json(x) for x in v]
    if v is None or isinstance(v, str | int | float | bool):
        return v
    return str(v)


def _unjson(v: Any) -> Any:
    if isinstance(v, dict):
        if set(v) != {"$msg"}:
            raise TypeError("not a message value")
        return Msg.from_json(v["$msg"])
    if isinstance(v, list):
        return [_unjson(x) for x in v]
    if v is None or isinstance(v, str | int | float | bool):
        return v
    raise TypeError("not a message value")


def _is_fr(lang: str | None) -> bool:
    return bool(lang) and str(lang).lower().startswith("fr")


_CONTRACTIONS = [
    (re.compile(r"\bde le\b"), "du"),
    (re.compile(r"\bde les\b"), "des"),
    (re.compile(r"\bà le\b"), "au"),
    (re.compile(r"\bà les\b"), "aux"),
    (re.compile(r"\bde ([aeéèêiouyh])"), r"d'\1"),
    (re.compile(r"\bque ([aeéèêiouy])"), r"qu'\1"),
]


def _contract(text: str) -> str:
    """French contractions left by putting words together ("de le bloc" -> "du bloc")."""
    if " de " not in text and " à " not in text and "que " not in text:
        return text
    for pattern, by in _CONTRACTIONS:
        text = pattern.sub(by, text)
    return text


def language(lang: str | None) -> str:
    """The catalogue for a language tag ("fr-FR" -> "fr"); English when there is none."""
    base = (lang or SOURCE).split("-")[0].split("_")[0].lower()
    return base if base in LANGUAGES else SOURCE


def translate(text: str, lang: str | None) -> str:
    """``text`` (an English message id) in ``lang``; itself when the catalogue lacks it."""
    code = language(lang)
    if code == SOURCE:
        return text
    found = catalogue(code).get(text)
    return found if isinstance(found, str) and found else text


def tr(text: str, lang: str | None) -> str:
    """A fixed text of refkit's own (a label, a sentence without values) in ``lang``; the
    catalogue check finds its id where it is called, as it finds ``Msg(...)``."""
    return translate(text, lang)


CONTEXT = "\x04"  # between a message's context and its id, as gettext keys them


def pgettext(context: str, text: str, lang: str | None) -> str:
    """``text`` in ``lang`` in the sense ``context`` gives it (a .po entry's ``msgctxt``): the
    same English word can need two translations ("new in {v}": "nouveau", "nouvelle")."""
    code = language(lang)
    if code == SOURCE:
        return text
    found = catalogue(code).get(f"{context}{CONTEXT}{text}")
    return found if isinstance(found, str) and found else text


def N_(text: str) -> str:
    """Marks an English message id kept as data (a field's label, a choice) and translated where
    it is shown (``tr``); the catalogue check finds it here."""
    return text


def N_labels(labels: dict[str, str]) -> dict[str, str]:
    """Marks a table of labels (key: English text) kept as data, each translated in the sense
    its key gives it (``pgettext(key, text, lang)``); the catalogue check finds them here."""
    return labels


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Marks a plural's English pair kept as data, counted where it is shown (``ngettext``)."""
    return (singular, plural)


def ngettext(singular: str, plural: str, n: float, lang: str | None) -> str:
    code = language(lang)
    if code != SOURCE:
        found = catalogue(code).get((singular, plural))
        if isinstance(found, list) and all(found):
            index = _plural_index(code, n)
            return str(found[min(index, len(found) - 1)])
    return singular if n == 1 else plural


def _plural_index(code: str, n: float) -> int:
    return int(n > 1) if code == "fr" else int(n != 1)


# -- the .po format -------------------------------------------------------------------------------

Entries = dict[Any, Any]  # msgid -> msgstr, or (msgid, msgid_plural) -> [msgstr[0], ...]


@cache
def catalogue(code: str) -> Entries:
    """The entries of ``refkit/locale/<code>.po``."""
    from importlib import resources  # (only when a message is translated: 12 ms to import)

    path = resources.files("refkit") / "locale" / f"{code}.po"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    return parse_po(text)


def parse_po(text: str) -> Entries:
    """A gettext catalogue's entries (an entry with a ``msgctxt`` keyed "context\\x04msgid", as
    gettext keys it; fuzzy entries are left out, as msgfmt leaves them)."""
    entries: Entries = {}
    current: dict[str, Any] = {}
    field: str | None = None
    fuzzy = False

    def flush() -> None:
        nonlocal current, fuzzy
        if "msgid" in current and "msgctxt" in current:
            current["msgid"] = current.pop("msgctxt") + CONTEXT + current["msgid"]
        if "msgid" in current and not fuzzy:
            if "msgid_plural" in current:
                forms = [current.get(f"msgstr[{i}]", "") for i in range(len(current) + 1)]
                forms = [f for i, f in enumerate(forms) if f"msgstr[{i}]" in current]
                entries[(current["msgid"], current["msgid_plural"])] = forms
            elif current["msgid"]:
                entries[current["msgid"]] = current.get("msgstr", "")
        current, fuzzy = {}, False

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            field = None
            continue
        if line.startswith("#"):
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            continue
        if line.startswith('"'):
            if field is not None:
                current[field] += _unquote(line)
            continue
        key, _, rest = line.partition(" ")
        if key in ("msgid", "msgid_plural", "msgstr", "msgctxt") or key.startswith("msgstr["):
            if (key == "msgid" and "msgid" in current) or (key == "msgctxt" and current):
                flush()
            field = key
            current[key] = _unquote(rest.strip())
    flush()
    return entries


def _unquote(s: str) -> str:
    import ast

    value = ast.literal_eval(s)
    return value if isinstance(value, str) else str(value)


def quote(s: str) -> str:
    """A string as the .po format writes it."""
    out = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{out}"'


# -- the messages of the code: what a catalogue must translate ----------------------------------------


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
                    context, text = _literals(key), _literals(value)
                    if context and text and text[0].strip(",. "):
                        found.setdefault(f"{context[0]}{CONTEXT}{text[0]}", where)
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
        return [v.value for v in node.values if isinstance(v, ast.Constant)]
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


if __name__ == "__main__":  # pragma: no cover - a maintainer's tool
    import sys

    if sys.argv[1:2] == ["update"]:
        print(f"{_update(sys.argv[2])} entries added")
    elif sys.argv[1:2] == ["missing"]:
        for m in missing(sys.argv[2]):
            print(m)


def text_of(value: Any, lang: str | None) -> str:
    """A value to show: a ``Msg`` rendered in ``lang``, anything else as it is."""
    return str(_value(value, lang or SOURCE))


def speaker(lang: str | None) -> Callable[..., str]:
    """``say(text, **values)``: ``Msg(text, **values)`` rendered in ``lang`` at once (a command's
    output, written as it is made); the catalogue check finds the texts given to ``say``."""

    def say(text: str, /, **values: Any) -> str:
        return Msg(text, **values).render(lang or SOURCE)

    return say


def plural(singular: str, plural: str, n: float, lang: str | None, **values: Any) -> str:
    """``ngettext``'s form for ``n`` filled with ``n`` and ``values`` ("{n} blocks to go")."""
    return ngettext(singular, plural, n, lang).format(n=number(n, lang), **values)


def number(value: float, lang: str | None) -> str:
    """``0.5`` -> "0,5" in French, "0.5" otherwise; no useless ".0"."""
    text = f"{value:g}"
    return text.replace(".", ",") if _is_fr(lang) else text


def first_of(names: list[str], limit: int) -> str | Msg:
    """The first ``limit`` of ``names``, comma-separated, with how many more there are ("a, b
    and 3 more", in the reader's language)."""
    shown = ", ".join(names[:limit])
    if len(names) > limit:
        return Msg("{files} and {n} more", files=shown, n=len(names) - limit)
    return shown


def quantity(value: float, unit: str, lang: str | None) -> str:
    """A number and its unit, never split across two lines (a no-break space between)."""
    return f"{number(value, lang)}\u00a0{unit}"


def user_language(
    explicit: str | None = None,
    *,
    setting: Callable[[], str | None] | None = None,
    fallback: Callable[[], str | None] | None = None,
) -> str:
    """The language refkit speaks to the person running it: ``explicit`` (``--lang``), else
    ``REFKIT_LANG``, else ``setting()`` (the repository's ``git config refkit.lang``, read only
    when needed), else the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``: "fr_FR.UTF-8" ->
    "fr"), else ``fallback()`` (the editor: the frameworks' language); English when none names a
    language refkit has. A C or POSIX locale names no language (CI, containers)."""
    import os

    def names(value: str | None) -> bool:
        return (
            bool(value)
            and value not in ("C", "POSIX")
            and not str(value).startswith(("C.", "POSIX."))
        )

    env = os.environ.get
    # in order, each asked only if those before it name no language (setting runs git)
    for ask in (
        lambda: explicit,
        lambda: env("REFKIT_LANG"),
        setting,
        lambda: env("LC_ALL"),
        lambda: env("LC_MESSAGES"),
        lambda: env("LANG"),
        fallback,
    ):
        value = ask() if ask is not None else None
        if names(value):
            return language(str(value))
    return SOURCE

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


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r", "a": "\a", "b": "\b",
            "f": "\f", "v": "\v"}  # fmt: skip
_ESCAPE = re.compile(r"\\(.)")


def _unquote(s: str) -> str:
    """A .po string's text: between its quotes, C escapes read (``ast.literal_eval`` did it in
    90 ms for the French catalogue, paid by every French command)."""
    text = s[1:-1] if len(s) >= 2 and s[0] == s[-1] == '"' else s
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(0)), text)


def quote(s: str) -> str:
    """A string as the .po format writes it."""
    out = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{out}"'


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
    """``ngettext``'s form for ``n`` filled with ``n`` and ``values`` ("{n} blocks to go"; a
    count written whole, never "1e+06")."""
    shown = str(int(n)) if float(n).is_integer() else number(n, lang)
    return ngettext(singular, plural, n, lang).format(n=shown, **values)


def number(value: float, lang: str | None) -> str:
    """``0.5`` -> "0,5" in French, "0.5" otherwise; no useless ".0"."""
    text = f"{value:g}"
    return text.replace(".", ",") if _is_fr(lang) else text


def first_of(names: list[str], limit: int) -> str | Msg:
    """The first ``limit`` of ``names``, comma-separated, with how many more there are ("a, b
    and 3 more", in the reader's language)."""
    shown = ", ".join(names[:limit])
    if len(names) > limit:
        more = N_plural("{files} and {n} more", "{files} and {n} more")
        return Msg(more, files=shown, n=len(names) - limit)
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


if __name__ == "__main__":  # pragma: no cover - a maintainer's tool
    import sys

    from refkit.i18n_scan import _update, missing

    if sys.argv[1:2] == ["update"]:
        print(f"{_update(sys.argv[2])} entries added")
    elif sys.argv[1:2] == ["missing"]:
        for m in missing(sys.argv[2]):
            print(m)

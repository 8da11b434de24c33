"""Provides the command line in the user's language: its help, and argparse's own words.

Every text a command gives argparse (``description=``, ``help=``, ``metavar=``) is an English
message id marked ``N_(...)``, so that the catalogue check (``refkit.i18n_scan.source_messages``,
``tests/test_i18n.py``) asks ``refkit/locale/fr.po`` for its French. The parser is built in
English; ``localize`` then puts each of those texts in the user's language, once, before the help
is shown or the arguments parsed (so that error messages name the translated metavars too).
argparse's own words ("usage:", "options", "show this help message and exit", its error messages)
come from its module-level ``gettext`` calls: ``argparse_speaks`` answers them from the same
catalogue while the command line is parsed, then gives argparse back its own.

The language is needed before argparse runs: ``lang_option`` finds ``--lang`` among the options
given before the command (``refkit import case --lang`` is the frameworks' language, not
refkit's), and ``refkit.i18n.user_language`` goes on from there (``REFKIT_LANG``, ``git config
refkit.lang``, the locale).
"""

from __future__ import annotations

import argparse
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from refkit.i18n import N_, SOURCE, N_plural, catalogue, language, ngettext, translate

# argparse's words a user sees (Python 3.11-3.12; ``tests/test_cli_lang.py`` checks they are still
# argparse's): the help's, then the parsing errors'. Its messages to programmers are left alone.
ARGPARSE_WORDS = (
    N_("usage: "),
    N_("options"),
    N_("positional arguments"),
    N_("show this help message and exit"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("not allowed with argument %s"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("unrecognized arguments: %s"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("ignored explicit argument %r"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
)
ARGPARSE_PLURALS = (N_plural("expected %s argument", "expected %s arguments"),)
_SPEAKING: list[str] = []  # the languages of the ``argparse_speaks`` blocks being run


def lang_option(argv: Sequence[str]) -> str | None:
    """The value of ``--lang`` (or ``--lang=``, or an abbreviation argparse accepts) among the
    options before the command, or None."""
    args = list(argv)
    for i, arg in enumerate(args):
        if not arg.startswith("-") or arg == "--":
            return None  # the command: what follows is its own
        name, eq, value = arg.partition("=")
        if len(name) >= 3 and "--lang".startswith(name):
            if eq:
                return value
            return args[i + 1] if i + 1 < len(args) else None
    return None


def git_setting(root: Path, key: str) -> str | None:
    """``refkit.history.config.setting`` (one ``git config --get``), without importing
    ``refkit.history``, which loads the store: ``refkit --help`` asks it before anything else."""
    try:
        proc = subprocess.run(["git", "config", "--get", key], cwd=root, capture_output=True, check=False)  # fmt: skip
    except OSError:
        return None
    value = proc.stdout.decode("utf-8", "replace").strip() if proc.returncode == 0 else ""
    return value or None


@contextmanager
def argparse_speaks(lang: str) -> Iterator[None]:
    """argparse's own words in ``lang`` meanwhile (its module's ``_`` and ``ngettext``, which it
    calls as it builds a parser, formats help and reports errors)."""
    if language(lang) == SOURCE:
        yield
        return
    _SPEAKING.append(lang)
    module = vars(argparse)
    saved = module["_"], module["ngettext"]
    module["_"] = lambda text: translate(text, lang)
    module["ngettext"] = lambda one, many, n: ngettext(one, many, n, lang)
    try:
        yield
    finally:
        module["_"], module["ngettext"] = saved
        _SPEAKING.pop()


def speaking() -> str:
    """The language argparse speaks in now (``argparse_speaks``)."""
    return _SPEAKING[-1] if _SPEAKING else SOURCE


def localize(parser: argparse.ArgumentParser, lang: str) -> list[str]:
    """Put the texts of ``parser`` and of its subcommands' parsers in ``lang``: descriptions,
    help, metavars and group titles. The texts the catalogue lacks, in English (a test wants
    none)."""
    if language(lang) == SOURCE:
        return []
    known = catalogue(language(lang))
    missed: list[str] = []

    def put(text: Any, *, metavar: bool = False) -> Any:
        if not isinstance(text, str) or not text or text == argparse.SUPPRESS:
            return text
        found = known.get(text)
        if isinstance(found, str) and found:
            # a metavar in capitals stays in capitals ("ID": "Identifiant" as a label elsewhere)
            return found.upper() if metavar and text.isupper() else found
        missed.append(text)
        return text

    seen: set[int] = set()
    todo = [parser]
    while todo:
        p = todo.pop()
        if id(p) in seen:
            continue
        seen.add(id(p))
        p.description = put(p.description)
        for group in p._action_groups:
            group.title = put(group.title)
        for action in p._actions:
            action.help = put(action.help)
            if isinstance(action.metavar, str):
                action.metavar = put(action.metavar, metavar=True)
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:
                    choice.help = put(choice.help)
                todo.extend(action.choices.values())
    return missed

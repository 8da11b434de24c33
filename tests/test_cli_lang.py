"""The command line's help in the user's language: every command's ``--help`` wholly in French with
``--lang fr`` (its texts, and argparse's own words), English by default (refkit.cli.language)."""

from __future__ import annotations

import argparse
import gettext
import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

from refkit.cli import build_parser
from refkit.cli.language import ARGPARSE_PLURALS, ARGPARSE_WORDS, lang_option, localize


def _commands() -> list[tuple[str, ...]]:
    """Every command and subcommand, as the words that name it: ("import", "case")..."""
    out: list[tuple[str, ...]] = [()]
    todo: list[tuple[tuple[str, ...], argparse.ArgumentParser]] = [((), build_parser())]
    while todo:
        path, parser = todo.pop()
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    out.append((*path, name))
                    todo.append(((*path, name), sub))
    return sorted(out)


COMMANDS = _commands()
# English words no French help has (whole words, outside option names, values and file names)
ENGLISH = re.compile(
    r"\b(the|and|of|to|for|with|from|show|help|exit|usage|positional|"
    r"default|file|files|folder|framework|frameworks|write|print|when|only|each|every|its|is)\b"
)
# what stays as written in French: option names, {choices}, paths, a spreadsheet's English
# column headings (training.gov.au's, NZQA's, refkit's own), git's and CASE's names
KEPT = re.compile(
    r"--?[\w-]+|\{[^}]*\}|\S*[/.@]\S*|\$\w+|"
    r"Maps to (code|title)|Is equivalent|Replaced by|Last date for assessment|Title|Status|"
    r"block title|\b(block|id|statement|kind|criteria|esco|notes)\b|"
    r"exactMatchOf|replacedBy|CORRESPONDANCES_BLOCS|git config refkit\.lang|"
    r"Registered/Expiring|Code|Standard|Notes"
)


def english_left(text: str) -> list[str]:
    text = re.sub(r"(?m)^ {2,}[a-z]+(?= |$)", " ", text)  # the subcommands listed: names
    text = re.sub(r"\brefkit( [a-z]+)*", " ", text)  # "refkit new framework ..."
    words = KEPT.sub(" ", " ".join(text.split()))
    return ENGLISH.findall(words)


def test_the_commands_are_found() -> None:
    assert ("validate",) in COMMANDS and ("import", "case") in COMMANDS
    assert ("export", "nzqa") in COMMANDS and ("new", "competency") in COMMANDS
    assert len(COMMANDS) > 25


def test_every_text_of_the_command_line_has_its_french() -> None:
    """Each description, help, metavar and group title of every parser: found in fr.po."""
    assert localize(build_parser(), "fr") == []


@pytest.mark.parametrize("words", COMMANDS, ids=lambda w: " ".join(w) or "refkit")
def test_help_is_wholly_in_french_with_lang_fr(cli, words: tuple[str, ...]) -> None:
    run = cli("--lang", "fr", *words, "--help")
    assert run.code == 0, run.err
    assert run.out.startswith("utilisation : refkit"), run.out[:200]
    assert "afficher cette aide et quitter" in run.out
    assert "\noptions\u00a0:\n" in run.out  # argparse's colon after a heading, French spacing
    assert english_left(run.out) == [], run.out


@pytest.mark.parametrize("words", COMMANDS, ids=lambda w: " ".join(w) or "refkit")
def test_help_is_in_english_by_default(cli, words: tuple[str, ...]) -> None:
    run = cli(*words, "--help")
    assert run.code == 0, run.err
    assert run.out.startswith("usage: refkit")
    assert "show this help message and exit" in run.out
    assert not re.search(r"utilisation|afficher|par défaut|fichier", run.out), run.out


def test_the_check_finds_a_help_text_left_in_english(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """A text the catalogue lacks is reported by ``localize`` and seen in the help."""
    from refkit import i18n

    french = dict(i18n.catalogue("fr"))
    del french["exit 1 on warnings too"]
    monkeypatch.setattr("refkit.cli.language.catalogue", lambda code: french)
    assert localize(build_parser(), "fr") == ["exit 1 on warnings too"]
    assert english_left(cli("--lang", "fr", "validate", "--help").out) == ["exit"]


def test_usage_errors_are_in_french_and_argparse_gets_its_words_back(cli) -> None:
    run = cli("--lang", "fr", "diff")
    assert run.code == 2
    assert run.err.splitlines()[-1] == (
        "refkit: erreur : les arguments suivants sont obligatoires : RÉFÉRENTIEL"
    )
    run = cli("--lang", "fr", "validate", "--jobs", "x")
    assert "refkit: erreur : argument --jobs/-j : valeur int invalide : 'x'" in run.err
    run = cli("--lang", "fr", "validate", "--format", "xml")
    assert "choix invalide : 'xml' (choisir parmi" in run.err
    assert vars(argparse)["_"] is gettext.gettext
    run = cli("diff")
    assert (
        run.err.splitlines()[-1] == "refkit: error: the following arguments are required: FRAMEWORK"
    )


def test_the_language_comes_from_the_environment_too(cli, monkeypatch) -> None:
    monkeypatch.setenv("REFKIT_LANG", "fr")
    assert cli("validate", "--help").out.startswith("utilisation : refkit validate")
    monkeypatch.delenv("REFKIT_LANG")
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert cli("log", "--help").out.startswith("utilisation : refkit log")
    assert cli("--lang", "en", "log", "--help").out.startswith("usage: refkit log")


def test_a_commands_own_lang_option_is_not_refkits_language(cli) -> None:
    """``refkit import case --lang fr`` names the package's language, not refkit's."""
    assert lang_option(["import", "case", "--lang", "fr", "x.json"]) is None
    assert lang_option(["-q", "--lang", "fr", "validate"]) == "fr"
    assert lang_option(["--lang=fr", "validate"]) == "fr"
    assert lang_option(["--la", "fr", "validate"]) == "fr"  # argparse takes abbreviations
    assert cli("import", "case", "--lang", "fr", "--help").out.startswith("usage: refkit import")


def test_argparse_words_are_still_argparses() -> None:
    """The words refkit translates are those argparse asks gettext for (a new Python may change
    them: then its help would be half English)."""
    source = inspect.getsource(argparse)
    for text in ARGPARSE_WORDS:
        assert f"_({text!r}" in source or f'_("{text}"' in source, text
    for one, many in ARGPARSE_PLURALS:
        assert repr(one) in source and repr(many) in source


def test_help_in_french_imports_no_heavy_library(tmp_path: Path) -> None:
    """As fast as in English: the catalogue is read, nothing of the store, git or the site."""
    heavy = ("jsonschema", "ruamel.yaml", "yaml", "textual", "git", "jinja2", "refkit.store", "refkit.history")  # fmt: skip
    code = (
        "import sys\nfrom refkit.cli import main\n"
        "for argv in (['--lang', 'fr', 'import', 'case', '--help'], ['validate', '--help']):\n"
        "    try:\n        main(argv)\n    except SystemExit:\n        pass\n"
        f"print(','.join(sorted(m for m in {heavy!r} if m in sys.modules)), file=sys.stderr)\n"
    )
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert out.stderr.strip() == ""

"""Provides the ``refkit`` command line: parse arguments, call a service, show the result.

Each command lives in its own module with ``register(subparsers)`` and ``run(args) -> int``, and
imports what it needs inside ``run`` so that ``refkit --help`` stays instant. Exit codes are a
contract (``refkit.errors.ExitCode``): 0 ok, 1 problems found, 2 usage or environment error.
Results go to stdout, diagnostics to stderr; no command ends in a traceback on bad input.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from refkit import __version__
from refkit.cli.language import argparse_speaks, lang_option, localize, speaking
from refkit.errors import ExitCode, RefkitError
from refkit.i18n import N_, Msg, tr, user_language

COMMANDS = [
    "validate",
    "diff",
    "log",
    "release",
    "stack",
    "migrate",
    "fmt",
    "init",
    "new",
    "publish",
    "edit",
    "import",
    "export",
    "doctor",
    "sync",
    "merge-driver",
    "setup",
    "resolve",
    "proposal",
]
# modules whose name differs from their command's (``import`` is a Python keyword; the merge's
# three commands live in one module)
MODULES = {"import": "import_", "merge-driver": "merge", "setup": "merge", "resolve": "merge"}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"refkit: {tr('error:', speaking())} {message}", file=sys.stderr)
        raise SystemExit(ExitCode.USAGE)


def build_parser(lang: str = "en", only: str | None = None) -> argparse.ArgumentParser:
    """The command line, its texts in ``lang`` (refkit.cli.language: built in English, then
    put in ``lang``; argparse's own words when parsing in ``argparse_speaks(lang)``); with
    ``only``, that command's alone (the others cost 20 ms to build: ``command_named``)."""
    parser = _Parser(
        prog="refkit",
        description=N_(
            "Write, validate, version and publish competency frameworks (référentiels) kept as YAML in git."
        ),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"refkit {__version__}",
        help=N_("show program's version number and exit"),
    )
    parser.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help=N_("no progress display on long work (it shows only on a terminal anyway)"),
    )
    parser.add_argument(
        "--lang",
        dest="ui_lang",
        choices=["en", "fr"],
        help=N_(
            "language refkit speaks in (default: $REFKIT_LANG, then git config refkit.lang, then the locale, then en)"
        ),
    )
    sub = parser.add_subparsers(dest="command", metavar=N_("COMMAND"), parser_class=_Parser)
    for name in [only] if only is not None else COMMANDS:
        importlib.import_module(f"refkit.cli.{MODULES.get(name, name)}").register(sub)
    localize(parser, lang)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # A command is a short-lived process that builds large object graphs with no cycles to free:
    # the cyclic collector only rescans them (3x the time of a load on a 10,000-competency
    # framework). Memory is returned when the process ends. The editor keeps it on.
    from refkit.parallel import collector_paused

    with collector_paused():
        return _main(argv)


def _finish_interrupted(lang: str) -> None:
    """What a killed command left is put right before anything reads the repository: a release
    or commit killed halfway (its journal: refkit.history.atomic) is finished or undone, an
    import killed halfway leaves its folder as before or as after (refkit.doctor). A few stats
    when there is nothing to do."""
    from refkit.store.repository import Repository

    try:
        repo = Repository.discover()
    except RefkitError:
        return  # not a framework repository: the command says so itself
    notes: list[Msg] = []
    from refkit.history.atomic import pending

    if pending(repo.root):
        from refkit.history import History
        from refkit.history.atomic import recover_quietly

        try:
            with History(repo) as history:
                notes += recover_quietly(history)
        except RefkitError:
            pass  # git refuses the repository: the command says so itself
    try:
        leftovers = [
            n for n in os.listdir(repo.frameworks_dir) if ".import-" in n or ".replaced-" in n
        ]
    except OSError:
        leftovers = []
    if leftovers:
        from refkit.doctor import sweep_interrupted_imports
        from refkit.store.lock import LockBusy, repository_lock

        try:  # an import that runs now holds the lock: its folder is its own
            with repository_lock(repo.root, "recovery", wait=0):
                notes += sweep_interrupted_imports(repo.frameworks_dir)
        except LockBusy:
            pass
    for note in notes:
        print(f"refkit: {note.render(lang)}", file=sys.stderr)


def command_named(argv: Sequence[str]) -> str | None:
    """The command ``argv`` runs, when it names one before anything that needs the whole
    command line (the list of commands in ``refkit --help``, an unknown command's message)."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("-h", "--help", "--version", "--"):
            return None
        if arg == "--lang":
            i += 2
            continue
        if arg.startswith("-"):
            i += 1
            continue
        return arg if arg in COMMANDS else None
    return None


def _repository_language() -> str | None:
    """``git config refkit.lang`` of the repository the command runs in (its clone's setting, else
    the user's global one)."""
    from refkit.cli.language import git_setting

    try:
        return git_setting(Path.cwd(), "refkit.lang")
    except OSError:  # the current folder has vanished
        return None


def _main(argv: Sequence[str] | None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    # the language, once for every command: --lang, REFKIT_LANG, git config refkit.lang, the
    # locale, else English (the editor's last resort differs: refkit.tui.lang); known before
    # argparse runs, so that the help and the usage errors are in it too
    setting = functools.cache(_repository_language)
    lang = user_language(lang_option(argv), setting=setting)
    parser = build_parser(lang, command_named(argv))
    with argparse_speaks(lang):
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(sys.stderr)
            return ExitCode.USAGE
    args.lang_option = args.ui_lang  # as given (the editor's last resort differs)
    args.ui_lang = user_language(args.ui_lang, setting=setting)
    if args.quiet:
        from refkit.progress import QUIET

        QUIET["on"] = True
    try:
        if args.command != "doctor":  # doctor does it itself, and says so on its output
            _finish_interrupted(args.ui_lang)
        return int(args.run(args))
    except RefkitError as e:
        lang = user_language(getattr(args, "ui_lang", None))
        print(f"refkit: {tr('error:', lang)} {e.text(lang)}", file=sys.stderr)
        hint = e.hint_text(lang)
        if hint:
            print(f"  {tr('hint:', lang)} {hint}", file=sys.stderr)
        return int(e.exit_code)
    except BrokenPipeError:  # e.g. `refkit validate | head`: the reader left, not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # no second error when Python flushes stdout at exit
        return ExitCode.OK
    except OSError as e:  # the environment: a vanished folder, a full disk, no permission
        where = f": {e.filename}" if e.filename else ""
        error = tr("error:", user_language(getattr(args, "ui_lang", None)))
        print(f"refkit: {error} {e.strerror or e}{where}", file=sys.stderr)
        return ExitCode.USAGE
    except KeyboardInterrupt:
        said = tr("interrupted", user_language(getattr(args, "ui_lang", None)))
        print(f"refkit: {said}", file=sys.stderr)
        return 130

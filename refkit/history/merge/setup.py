"""Provides ``install_driver``: a clone set up so that git merges framework files with refkit.

Two things: lines in ``.gitattributes`` (committed, so every clone names the driver for the
framework files) and the driver's command in the clone's own git configuration
(``merge.refkit.driver``; git never takes commands from a repository's content, so each clone
runs ``refkit setup`` once, or got it from ``refkit init``). Both are idempotent: what is there
already is kept.
"""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path

from refkit.history import GitError, History
from refkit.i18n import Msg
from refkit.store.files import atomic_write

ATTRIBUTES = (
    "frameworks/**/*.yaml merge=refkit",
    "frameworks/**/*.yml merge=refkit",
    "proposals/*.yaml merge=refkit",
)
NAME = "refkit: semantic merge of framework files"


def driver_command() -> str:
    """How git runs the driver: ``refkit`` when it is on the PATH, else this Python's."""
    if shutil.which("refkit"):
        return "refkit merge-driver %O %A %B %P"
    return f"{shlex.quote(sys.executable)} -m refkit merge-driver %O %A %B %P"


def add_attributes(root: Path) -> bool:
    """Add refkit's lines to ``root/.gitattributes`` (kept as it is otherwise); whether it changed."""
    path = root / ".gitattributes"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    have = {line.strip() for line in text.splitlines()}
    missing = [line for line in ATTRIBUTES if line not in have]
    if not missing:
        return False
    if text and not text.endswith("\n"):
        text += "\n"
    if not have & set(ATTRIBUTES):
        text += "# refkit merges framework files on their data (refkit setup)\n"
    text += "".join(line + "\n" for line in missing)
    atomic_write(path, text.encode("utf-8"), durable=False)
    return True


def install_driver(history: History) -> list[Msg]:
    """Set the clone up (attributes and local git configuration); what was done."""
    root = history.repository.root
    done: list[Msg] = []
    if add_attributes(root):
        done.append(Msg("added the framework files' merge driver to {file} (commit it)", file=".gitattributes"))  # fmt: skip
    command = driver_command()
    for key, value in (("merge.refkit.name", NAME), ("merge.refkit.driver", command)):
        try:
            now = history.run_git("config", "--local", "--get", key)
        except GitError:  # not set
            now = ""
        if now != value:
            history.run_git("config", "--local", key, value)
            done.append(Msg("set {key} in this clone's git configuration", key=key))
    return done

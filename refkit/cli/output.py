r"""Provides what every command shares for output: colour, paths for display, and control
characters never printed raw.

Framework texts, file names and commit messages reach terminals: an escape sequence in a
statement (ESC [1A ESC [2K) would erase the lines before it in a reviewed diff. Every text
reporter passes what it did not write itself through ``visible`` (control characters but tab and
line feed shown as ``\x1b``); JSON goes through ``exact_json``, which keeps the same JSON value
and writes DEL and the C1 controls as ``\u`` escapes (json.dumps escapes only C0).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import TextIO

from refkit.control import visible

__all__ = ["Style", "display_path", "exact_json", "use_colour", "visible"]

_RAW_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029]")


def exact_json(text: str) -> str:
    """JSON text (from ``json.dumps``) with the control characters json leaves raw (DEL, C1;
    and the two Unicode line separators, which break JavaScript readers) written as ``\\u``
    escapes: the same JSON value, no raw control character. They can only sit inside strings."""
    if not _RAW_IN_JSON.search(text):
        return text
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def use_colour(stream: TextIO = sys.stdout) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty() and os.environ.get("TERM") != "dumb"


def display_path(root: Path, rel: str) -> str:
    """A repository-relative path as the user should see it: relative to the current folder
    when it is under it, else absolute."""
    full = root / rel
    try:
        return full.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return full.as_posix()


class Style:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def _wrap(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled else text

    def red(self, text: str) -> str:
        return self._wrap("1;31", text)

    def yellow(self, text: str) -> str:
        return self._wrap("1;33", text)

    def green(self, text: str) -> str:
        return self._wrap("32", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

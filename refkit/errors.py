"""Provides the exit codes and the one base exception of refkit.

Commands return an ``ExitCode``; services raise a ``RefkitError`` (or a subclass) for anything that
stops them, with a message that names the file, the place and the fix. The CLI turns those into
exit code 2 and a one-line message on stderr, never a traceback.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from refkit.i18n import Msg


class ExitCode(IntEnum):
    OK = 0
    PROBLEMS = 1
    USAGE = 2


class RefkitError(Exception):
    """Something refkit cannot do with this input or environment (exit code 2)."""

    exit_code = ExitCode.USAGE

    def __init__(self, message: str | Msg, hint: str | Msg | None = None) -> None:
        # a message made of values is a Msg, rendered in the reader's language where it is shown
        # (the editor in French); ``message`` and ``hint`` are the English texts (the CLI's)
        self.msg = message if not isinstance(message, str) else None
        self.hint_msg = hint if hint is not None and not isinstance(hint, str) else None
        super().__init__(str(message))
        self.message = str(message)
        self.hint = None if hint is None else str(hint)

    def text(self, lang: str | None = None) -> str:
        """The message in ``lang`` (the catalogue's, as written when it has none)."""
        from refkit.i18n import translate

        return (
            self.msg.render(lang or "en") if self.msg is not None else translate(self.message, lang)
        )

    def hint_text(self, lang: str | None = None) -> str | None:
        from refkit.i18n import translate

        if self.hint_msg is not None:
            return self.hint_msg.render(lang or "en")
        return None if self.hint is None else translate(self.hint, lang)

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class RepositoryNotFound(RefkitError):
    """No frameworks/ folder where refkit was asked to look."""


class ConflictError(RefkitError):
    """A file changed on disk since refkit read it; writing would overwrite someone's work."""

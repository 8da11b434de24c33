"""Provides the exit codes and the one base exception of refkit.

Commands return an ``ExitCode``; services raise a ``RefkitError`` (or a subclass) for anything that
stops them, with a message that names the file, the place and the fix. The CLI turns those into
exit code 2 and a one-line message on stderr, never a traceback.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    PROBLEMS = 1
    USAGE = 2


class RefkitError(Exception):
    """Something refkit cannot do with this input or environment (exit code 2)."""

    exit_code = ExitCode.USAGE

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class RepositoryNotFound(RefkitError):
    """No frameworks/ folder where refkit was asked to look."""


class ConflictError(RefkitError):
    """A file changed on disk since refkit read it; writing would overwrite someone's work."""

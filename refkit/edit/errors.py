"""Provides the session's refusals as typed errors: ``EditError`` with a stable ``code`` (what the
editor decides on), and ``FieldRefused``, a value refused for one field, which carries the field
and the reason apart (the editor shows the reason under the field). Their messages are in the
session's language, for people; code never reads them."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from refkit.errors import RefkitError

if TYPE_CHECKING:
    from refkit.edit.fields import Field


class Code(StrEnum):
    """Why the session refused an operation."""

    NO_FRAMEWORK = "no-framework"  # no framework in that folder
    UNREADABLE = "unreadable"  # framework.yaml or a block file could not be read
    INVALID_VALUE = "invalid-value"  # a typed value the schema refuses
    ID_TAKEN = "id-taken"
    INVALID_ID = "invalid-id"
    EXISTS = "exists"  # a folder already there
    NOT_FOUND = "not-found"  # a block or an elective group named that does not exist
    NOT_HERE = "not-here"  # not an operation for that kind of item
    STALE = "stale"  # changed since the preview
    EMPTY_MESSAGE = "empty-message"
    HAS_ERRORS = "has-errors"  # errors to fix first
    NOTHING_TO_RECORD = "nothing-to-record"


class EditError(RefkitError):
    """An operation the session refuses, nothing changed; ``code`` says why."""

    def __init__(self, code: Code, message: str, hint: str | None = None) -> None:
        super().__init__(message, hint)
        self.code = code


class FieldRefused(EditError):
    """A value refused for ``field``: ``reason`` is what is wrong with it, the message says it
    with the field's label ("Statement: this field is required")."""

    def __init__(
        self, field: Field, reason: str, lang: str, *, code: Code = Code.INVALID_VALUE
    ) -> None:
        from refkit.edit.fields import refused

        super().__init__(code, refused(field, reason, lang))
        self.field = field
        self.reason = reason

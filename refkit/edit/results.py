"""Provides what the session's operations return (``Outcome``) and what they record for undo
(``Step``): typed results, so that the editor decides on fields, never on sentences."""

from __future__ import annotations

from dataclasses import dataclass, field

from refkit.edit.refs import Ref


@dataclass(slots=True)
class Step:
    """One operation as files: their bytes before and after (None: the file did not exist)."""

    folder: str
    label: str
    before: dict[str, bytes | None]
    after: dict[str, bytes | None]
    select_before: Ref | None
    select_after: Ref | None


@dataclass(slots=True)
class Outcome:
    """What an operation did: the item to select now, and a sentence for the status line."""

    select: Ref | None
    message: str
    files: list[str] = field(default_factory=list)

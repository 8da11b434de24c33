"""Provides the editor's language: the working groups it serves write in French, so the editor
speaks French (its own texts), and shows problems and refusals from the core in French too."""

from __future__ import annotations

from refkit.errors import RefkitError

LANG = "fr"


def said(e: RefkitError, *, hint: bool = True) -> str:
    """What a refusal says, in the editor's language (its hint on a second line)."""
    text = e.text(LANG)
    extra = e.hint_text(LANG) if hint else None
    return text + (f"\n{extra}" if extra else "")

"""Provides the editor's language: chosen when it starts (``refkit.edit.language``: ``--lang``,
``REFKIT_LANG``, ``git config refkit.lang``, the locale, else the frameworks' language), held
by the session (``Session.lang``), and read from any widget through its app (``lang_of``). The
editor's own texts are English message ids rendered with ``refkit.i18n.tr``; problems and
refusals from the core are rendered in the same language."""

from __future__ import annotations

from typing import Any

from refkit.errors import RefkitError
from refkit.i18n import SOURCE


def lang_of(node: Any) -> str:
    """The language of the editor ``node`` (a widget or a screen) belongs to."""
    try:
        session = getattr(node.app, "session", None)
    except Exception:
        return SOURCE
    return session.lang if session is not None else SOURCE


def said(e: RefkitError, lang: str, *, hint: bool = True) -> str:
    """What a refusal says, in the editor's language (its hint on a second line)."""
    text = e.text(lang)
    extra = e.hint_text(lang) if hint else None
    return text + (f"\n{extra}" if extra else "")

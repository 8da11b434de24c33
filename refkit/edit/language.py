"""Provides ``editor_language``: the language the editor speaks.

The order is the command line's (``--lang``, ``REFKIT_LANG``, the repository's ``git config
refkit.lang``, the locale), but where none names a language (a C or POSIX locale) the editor
speaks the language most of the repository's frameworks are written in, English when there are
none: the people who open it write those frameworks (docs/decisions.md, issue 18).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from refkit.i18n import user_language

if TYPE_CHECKING:
    from refkit.edit.session import Session


def editor_language(explicit: str | None, session: Session) -> str:
    """``explicit`` (``refkit --lang``), else the environment and the repository's setting, else
    the frameworks' language."""
    from refkit.history.config import setting

    return user_language(
        explicit,
        setting=lambda: setting(session.repo.root, "refkit.lang"),
        fallback=lambda: frameworks_language(session),
    )


def frameworks_language(session: Session) -> str | None:
    """The language most of the session's frameworks are written in (the first in the order of
    their folders on a tie); None when there is no framework. A framework whose framework.yaml
    cannot be read counts in the model's default language (``Framework.lang``): the editor
    opened on it to repair it speaks as it did before it was broken, most likely."""
    from refkit.model import Framework

    default = Framework.__dataclass_fields__["lang"].default
    counts = Counter(
        str(loaded.framework.lang if loaded.framework is not None else default)
        .split("-")[0]
        .lower()
        for _, loaded in sorted(session.frameworks.items())
    )
    return counts.most_common(1)[0][0] if counts else None

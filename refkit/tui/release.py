"""Provides what the release dialog (F6) says: the correspondence table as it shows it, and why
a release cannot be made, in the editor's language (``refkit release`` speaks English)."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from refkit.edit.records import CORRESPONDENCES
from refkit.errors import RefkitError
from refkit.i18n import N_, ngettext, tr
from refkit.tui.lang import said

_CORRESPONDENCE_WORDS = dict(CORRESPONDENCES)
_ORIGIN = {
    "proposed": N_("proposed"),
    "confirmed": N_("confirmed by the group"),
    "overridden": N_("written by the group"),
}


def correspondence_text(table: Any, lang: str) -> Text:
    """The correspondence table as the dialog shows it: each old block and what it counts for."""
    text = Text()
    same = [
        e.old for e in table.entries if e.type == "equivalent" and e.old == (e.new or [None])[0]
    ]
    for e in table.entries:
        if e.old in same:
            continue
        kind = (
            tr(_CORRESPONDENCE_WORDS[e.type], lang) if e.type in _CORRESPONDENCE_WORDS else e.type
        )
        if e.old is None:
            text.append(tr("(new) → {blocks}", lang).format(blocks=", ".join(e.new)), style="dim")
        else:
            text.append(f"{e.old} → {', '.join(e.new) or '—'} ", style="bold")
            text.append(kind)
            if e.missing:
                text.append(tr("; to acquire: {ids}", lang).format(ids=", ".join(e.missing)))
        origin = tr(_ORIGIN[e.origin], lang) if e.origin in _ORIGIN else e.origin
        text.append(f"  ({origin})\n", style="dim")
    if same:
        blocks = ", ".join(s for s in same if s)
        text.append(tr("{blocks}: equivalent, unchanged", lang).format(blocks=blocks), style="dim")
    text.rstrip()
    return text


_REORGANISED = ("moved", "removed", "renumbered")


def _reorganised(plan: Any) -> bool:
    """Whether competencies or blocks were moved, removed or renumbered since the last release
    (what was added only makes a block partly kept: no question to ask)."""
    return any(c.kind in ("competency", "block") and c.what in _REORGANISED for c in plan.causes)


def _needs_confirmation(table: Any) -> bool:
    """Whether the table has entries the group has neither confirmed nor written."""
    return any(e.type != "equivalent" and e.origin == "proposed" for e in table.entries)


def _release_refusal(e: RefkitError, lang: str) -> str:
    """Why a release cannot be made, in the words of the editor (refkit release speaks English)."""
    problems = getattr(e, "problems", None)
    if problems:
        n = len(problems)
        return ngettext(
            "✗ {n} error to fix before publishing a version.\n"
            "F4: the problems panel; Enter on a problem goes to its item.",
            "✗ {n} errors to fix before publishing a version.\n"
            "F4: the problems panel; Enter on a problem goes to its item.",
            n,
            lang,
        ).format(n=n)
    message = e.message
    if message.startswith("nothing to release"):
        since = message.rsplit(" ", 1)[-1]
        return tr("✗ Nothing to publish: no change since version {version}.", lang).format(
            version=since
        )
    if message.startswith("uncommitted changes outside"):
        return tr(
            "✗ Changes not yet recorded touch other frameworks.\n"
            "Record them first (F5): a version records only its own framework.",
            lang,
        )
    if message.startswith("HEAD is detached"):
        return tr("✗ The repository is on no branch: a version is published from a branch.", lang)
    return f"✗ {said(e, lang)}"

"""Provides ``ProblemsPanel``: the problems the last check found, each with its file, line and
column; Enter on one goes to its item (``EditorApp``, ``ListView.Selected``)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Label, ListItem, ListView

from refkit.edit.refs import Ref
from refkit.edit.session import Session
from refkit.i18n import ngettext, tr
from refkit.problems import Problem, Severity


class ProblemItem(ListItem):
    """One problem of the list."""

    def __init__(self, problem: Problem, lang: str) -> None:
        glyph = "✗" if problem.severity is Severity.ERROR else "⚠"
        where = f"{problem.file.rsplit('/', 1)[-1]}:{problem.line}:{problem.col}"
        super().__init__(Label(Text(f"{glyph} {problem.text(lang)} ({where})")))
        self.problem = problem


class ProblemsPanel(ListView):
    """The problems panel, under the tree and the form."""

    def show(self, problems: list[Problem], session: Session) -> dict[Ref, Severity]:
        """List ``problems``; returns the worst severity of each item they mark (an item and
        the items that hold it)."""
        lang = session.lang
        refs: dict[Ref, Severity] = {}
        self.clear()
        for p in problems:
            ref, _ = session.ref_of(p)
            r = ref
            while r is not None:  # a problem marks the item and the items that hold it
                if refs.get(r) is not Severity.ERROR:
                    refs[r] = p.severity
                r = r.parent
            self.append(ProblemItem(p, lang))
        errors = sum(1 for p in problems if p.severity is Severity.ERROR)
        warnings = len(problems) - errors
        self.border_title = (
            tr("Problems: {errors}, {warnings}", lang).format(
                errors=ngettext("{n} error", "{n} errors", errors, lang).format(n=errors),
                warnings=ngettext("{n} warning", "{n} warnings", warnings, lang).format(n=warnings),
            )
            if problems
            else tr("Problems: none", lang)
        )
        return refs

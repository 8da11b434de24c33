"""Provides the session's version actions: what changed since the last release (in plain
words, ``refkit.diff.describe``), the uncommitted changes, commit, plan and make a release, a
framework's history. Each opens git for one task only (an editor open all day would otherwise
keep a git process for each look)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from refkit.edit.errors import Code, EditError
from refkit.edit.refs import Ref
from refkit.i18n import ngettext, tr
from refkit.problems import Problem, Severity
from refkit.store.repository import Repository

if TYPE_CHECKING:
    from refkit.diff.describe import Line
    from refkit.edit.session import Session


def errors_of(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity is Severity.ERROR]


@dataclass(slots=True)
class ChangeLine:
    change: str  # added, removed, modified, moved, renamed
    badge: str  # "added", "changed"...
    text: str
    details: list[Line]  # how its fields changed: kept, removed and added words
    ref: Ref | None


@dataclass(slots=True)
class Changes:
    since: str | None  # the release compared with, None when never released
    lines: list[ChangeLine]
    summary: str


def _history(repo: Repository) -> Any:
    """A history for one task, to close when it is done (``with``): an editor open all day
    would otherwise keep a git process for each look at the changes."""
    from refkit.history import History

    return History(repo)


def changes_since_release(session: Session, folder: str, since: str | None = None) -> Changes:
    """What changed in a framework since its last release (or since ``since``, a git revision
    such as HEAD), in plain language."""
    from refkit.diff.describe import describe
    from refkit.errors import RefkitError
    from refkit.versions import NoRelease, compare

    session.framework(folder)  # refused when its framework.yaml cannot be read
    try:
        with _history(session.repo) as history:  # its git processes ended at once
            comparison = compare(history, folder, since)
    except NoRelease:
        return Changes(None, [], tr("not yet published: everything is new", session.lang))
    except RefkitError:
        if since is not None:
            return Changes(since, [], tr("new framework", session.lang))
        raise
    described = describe(comparison.diff, session.lang)
    lines = []
    for section in described.sections:
        for item in section.entries:
            ref: Ref | None = None
            if item.kind == "competency" and item.change != "removed" and item.block:
                ref = Ref(folder, item.block, item.id)
            elif item.kind == "block" and item.change != "removed":
                ref = Ref(folder, item.id)
            lines.append(ChangeLine(item.change, item.badge, item.about, list(item.lines), ref))
    return Changes(comparison.old_ref.label, lines, described.summary)


def change_summary(diff: Any, lang: str) -> str:
    """The counts of a diff in plain words, in the framework's language."""
    from refkit.diff.describe import describe

    return describe(diff, lang or "fr").summary


def uncommitted(session: Session) -> list[tuple[str, str]]:
    """Uncommitted changes to the frameworks: (git status code, path)."""
    folders = list(session.frameworks)
    with _history(session.repo) as history:
        found = history.status(folders)
    return [(code, path) for code, path in found if path.endswith(".yaml")]


def commit(session: Session, message: str) -> str:
    """Commit every framework change (refused while there are errors); returns the commit id."""
    message = message.strip()
    if not message:
        raise EditError(
            Code.EMPTY_MESSAGE,
            tr("the message is empty", session.lang),
            hint=tr("say in one sentence what changed", session.lang),
        )
    errors = errors_of(session.validate())
    if errors:
        first = errors[0]
        lang = session.lang
        raise EditError(
            Code.HAS_ERRORS,
            ngettext(
                "{n} error to fix before recording the version: {where} {problem}",
                "{n} errors to fix before recording the version: {where} {problem}",
                len(errors),
                lang,
            ).format(
                n=len(errors),
                where=f"{first.file}:{first.line}:{first.col}",
                problem=first.text(lang),
            ),
            hint=tr("the problems panel lists them; Enter on a problem goes to it", lang),
        )
    from refkit.scaffold import first_commit_extras

    paths = [path for _, path in uncommitted(session)]
    if not paths:
        raise EditError(
            Code.NOTHING_TO_RECORD,
            tr("nothing to record: no change since the last commit", session.lang),
        )
    with _history(session.repo) as history:
        # the repository's first commit takes the schemas, CI and README refkit init wrote
        paths = sorted({*paths, *first_commit_extras(history)})
        return str(history.commit_paths(paths, message + "\n"))


def release_plan(
    session: Session, folder: str, bump: str | None = None, reason: str | None = None
) -> Any:
    from refkit.release import plan_release

    with _history(session.repo) as history:
        return plan_release(history, folder, bump, reason)


def proposed_correspondence(plan: Any) -> Any:
    """The correspondence table from the last release to the version planned (None for a first
    release): what refkit proposes, with what the working group wrote applied."""
    from refkit.diff.correspondence import correspondence

    fw = plan.loaded.framework
    if plan.previous is None or plan.diff is None or fw is None:
        return None
    return correspondence(plan.previous, fw, plan.diff)


def release(session: Session, plan: Any, message: str | None) -> Any:
    from refkit.release import perform_release

    with _history(session.repo) as history:
        result = perform_release(history, plan, message or None)
    session.reload(plan.folder)
    return result


def framework_history(session: Session, folder: str, limit: int = 50) -> Any:
    from refkit.versions import framework_log

    with _history(session.repo) as history:
        return framework_log(history, folder, limit, lang=session.lang)

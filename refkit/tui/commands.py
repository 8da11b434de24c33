"""Provides the editor's commands in the command palette (Ctrl+P): its own tasks, in its language
(Textual's default commands are in English and for developers)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from textual.app import SystemCommand

from refkit.i18n import tr


def system_commands(app: Any) -> Iterator[SystemCommand]:
    """The commands of ``app`` (an ``EditorApp``), the most used first."""
    lang = app.lang
    for title, help_text, action in (
        (tr("Delete the item", lang), tr("After a confirmation (Ctrl+Z brings it back)", lang), app.action_delete),
        (tr("Duplicate the item", lang), tr("A copy right after it, with a new ID", lang), app.action_duplicate),
        (tr("Move the item up", lang), tr("Before the previous item", lang), lambda: app.action_reorder(-1)),
        (tr("Move the item down", lang), tr("After the next item", lang), lambda: app.action_reorder(1)),
        (tr("Go to the problems", lang), tr("Enter on a problem goes to its item", lang), app.action_focus_problems),
        (tr("Help", lang), tr("The keys of the area you are in", lang), app.action_help),
        (tr("Quit", lang), tr("Everything is already saved in the files", lang), app.action_quit),
        (tr("Add an item", lang), tr("Adds a block, a competency or a criterion under the selection", lang), app.action_add),
        (tr("Move the competency", lang), tr("To another block of the framework", lang), app.action_move),
        (tr("Undo", lang), tr("Undoes the last change", lang), app.action_undo),
        (tr("Redo", lang), tr("Redoes the last change undone", lang), app.action_redo),
        (tr("See the changes", lang), tr("Since the last published version", lang), app.action_changes),
        (tr("History", lang), tr("Published versions and recorded changes", lang), app.action_history),
        (tr("Record the changes (commit)", lang), tr("With a message", lang), app.action_commit),
        (tr("Publish a version", lang), tr("Proposes the version number", lang), app.action_release),
        (tr("Sync with the shared repository", lang), tr("Brings in the group's commits, sends yours (F7)", lang), app.action_sync),
        (tr("Proposals", lang), tr("Start, switch, approve, comment, update, merge (F8)", lang), app.action_proposals),
        (tr("Conflicts of the merge", lang), tr("Choose mine, theirs or the base, side by side (F9)", lang), app.action_conflicts),
        (tr("Reload from disk", lang), tr("Reads the files again", lang), app.action_reload),
        (tr("Search", lang), tr("An ID or words (/ or Ctrl+F)", lang), app.action_search),
        (tr("New framework", lang), tr("A folder ready to fill: a block, a competency, a criterion", lang), app.action_new_framework),
        (tr("Certification rules", lang), tr("Required blocks, electives, volumes (c from the tree)", lang), app.action_certification),
        (tr("Search and replace", lang), tr("Across the framework, with a preview (Ctrl+R)", lang), app.action_replace),
    ):  # fmt: skip
        yield SystemCommand(title, help_text, action)


def reload_question(app: Any, shown: str) -> str:
    """What the editor asks when files were changed outside it (``shown``: their names)."""
    lang = app.lang
    unsaved = app.unsaved
    if unsaved is not None:
        offer = tr(
            "Reload? What you typed for {what} is not saved: it will be offered again on the "
            "reloaded text. ",
            lang,
        ).format(what=app._of(unsaved))
    else:
        offer = tr("Reload? Your own changes are already saved. ", lang)
    return (
        tr("Files were changed outside the editor:\n{files}\n\n", lang).format(files=shown)
        + offer
        + tr(
            "The editor never overwrites a file changed elsewhere; Ctrl+Z still works for the "
            "changes to the other files.",
            lang,
        )
    )

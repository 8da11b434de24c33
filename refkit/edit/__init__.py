"""Provides the editing service behind ``refkit edit`` (no user interface here).

* ``refkit.edit.session``: ``Session``, the frameworks of a repository open for editing: reading,
  saving each change at once (``apply``), undo and redo on the files, reload.
* ``refkit.edit.refs``: ``Ref``, the address of an item, and what is read through one.
* ``refkit.edit.fields`` (the editable fields, typed and checked) and ``refkit.edit.values``
  (set a field, replace texts); ``refkit.edit.records``: the lists of records an item holds.
* ``refkit.edit.operations``: add, duplicate, delete, move, reorder, paste, new framework.
* ``refkit.edit.versions``: changes since the last release, commit, release, history.
* ``refkit.edit.results`` and ``refkit.edit.errors``: what operations return (``Outcome``) and
  why they refuse (``EditError`` and its ``Code``; ``FieldRefused``).

The names most used are importable from here.
"""

from __future__ import annotations

from refkit.edit.errors import Code, EditError, FieldRefused
from refkit.edit.fields import FIELDS, Field, display_value
from refkit.edit.operations import (
    NEW_BLOCK,
    NEW_CRITERION,
    NEW_STATEMENT,
    next_block_id,
    next_competency_id,
)
from refkit.edit.refs import Ref
from refkit.edit.results import Outcome, Step
from refkit.edit.session import Session
from refkit.edit.versions import (
    ChangeLine,
    Changes,
    change_summary,
    changes_since_release,
    commit,
    errors_of,
    framework_history,
    proposed_correspondence,
    release,
    release_plan,
    uncommitted,
)

__all__ = [
    "FIELDS",
    "NEW_BLOCK",
    "NEW_CRITERION",
    "NEW_STATEMENT",
    "ChangeLine",
    "Changes",
    "Code",
    "EditError",
    "Field",
    "FieldRefused",
    "Outcome",
    "Ref",
    "Session",
    "Step",
    "change_summary",
    "changes_since_release",
    "commit",
    "display_value",
    "errors_of",
    "framework_history",
    "next_block_id",
    "next_competency_id",
    "proposed_correspondence",
    "release",
    "release_plan",
    "uncommitted",
]

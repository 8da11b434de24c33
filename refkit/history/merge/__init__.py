"""Provides refkit's semantic three-way merge of framework files (issue 14).

git merges framework YAML through ``refkit merge-driver`` (installed by ``refkit init`` and
``refkit setup``): the files are merged on their data, keyed by ids (``three``, ``text``),
competencies followed across block files when they moved or were renumbered (``moves``), and the
result written onto ours' text with the round-trip writer. A field changed differently on both
sides is a ``Conflict``: ours' value stays in the file (never conflict markers), the three values
are recorded in the git directory (``conflicts``), and a person chooses (``session``:
``pending_conflicts``, ``resolve_conflict``, ``finish_merge``, ``abort_merge``; the editor and
``refkit resolve`` call them).
"""

from __future__ import annotations

from refkit.history.merge.conflicts import Conflict
from refkit.history.merge.text import Merged, merge_texts

__all__ = ["Conflict", "Merged", "merge_texts"]

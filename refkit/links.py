"""Provides the check of relations to other frameworks of the repository against git (issue 17).

A relation ``other@1.2.0:C3`` names a release of ``other`` and an item of it: the releases come
from ``refkit.history.releases`` (tags, or releases.yaml when tags did not travel), the items of
a release from its view (``refkit.stack.views.release_view``, cached by git tree). The pure rule
is ``refkit.rules.relations.check_links``; the validation service calls ``check_relation_links``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from refkit.problems import Problem
from refkit.rules import Summary

if TYPE_CHECKING:
    from refkit.history import History


def check_relation_links(
    summaries: list[Summary], opened: Callable[[], History | None]
) -> list[Problem]:
    """``opened``: the caller's history (None outside git), opened when first asked for and
    closed by the caller."""
    ids = {s.id for s in summaries}
    if not any(link["framework"] in ids for s in summaries for link in s.links):
        return []
    from refkit.history import GitError
    from refkit.history.releases import Releases
    from refkit.rules.relations import check_links
    from refkit.stack.views import release_view

    history = opened()
    known: dict[str, list[str] | None] = {}
    items: dict[tuple[str, str], set[str]] = {}

    def releases(s: Summary) -> list[str] | None:
        if s.id not in known:
            try:
                found = Releases(history, s.folder, s.id).all() if history is not None else None
                known[s.id] = [r.version for r in found] if found is not None else None
            except GitError:
                known[s.id] = None
        return known[s.id]

    def ids_at(s: Summary, version: str) -> set[str]:
        if (s.id, version) not in items:
            assert history is not None
            view = release_view(history, s.folder, s.id, version)
            found = {s.id, *view.get("activities", []), *(b[1] for b in view.get("shared", []))}
            for b in view["blocks"]:
                found.add(b["id"])
                found.update(b["competencies"])
            items[s.id, version] = found
        return items[s.id, version]

    return check_links(summaries, releases, ids_at)

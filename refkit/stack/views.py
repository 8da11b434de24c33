"""Provides the conversion of a framework model into stacking views, and the release chain steps.

``own_view`` keeps what stacking needs of one framework (its own blocks and rules, and the shared
blocks it borrows, unresolved); ``resolve`` completes it with the borrowed blocks' content taken
from their home framework. ``step`` turns two consecutive versions into the competency map and
correspondence entries that carry a learner's credit from one to the next.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from refkit.cache import cache_root, code_digest
from refkit.diff import FrameworkDiff, diff_frameworks
from refkit.diff.correspondence import Table, correspondence
from refkit.history import GitError, History
from refkit.i18n import Msg
from refkit.model import Framework
from refkit.stack import BlockView, CertView, Elective, Step
from refkit.stack.overlap import statement_keys
from refkit.store.files import atomic_write


def own_view(fw: Framework, version: str, *, draft: bool, keyed: bool = True) -> dict[str, Any]:
    """A JSON-ready view of ``fw`` with its own blocks; shared blocks listed in ``shared``.
    ``keyed``: with each competency's statement key (what ``overlap`` compares; a tenth of a
    cold validate's work, so left out of the views that only ``validate`` reads)."""
    view = CertView(
        framework=fw.id,
        version=version,
        title=fw.title,
        blocks={
            b.id: BlockView(
                b.id,
                b.title,
                tuple(c.id for c in b.competencies),
                tuple(b.prerequisites),
                b.volume.hours,
                b.volume.credits,
                keys=tuple(statement_keys([c.statement for c in b.competencies])) if keyed else (),
            )
            for b in fw.blocks
        },
        required=tuple(fw.certification.required),
        electives=tuple(
            Elective(g.id, g.choose, tuple(g.blocks), g.title) for g in fw.certification.electives
        ),
        hours=fw.certification.volume.hours,
        credits=fw.certification.volume.credits,
        status=fw.status,
        draft=draft,
    ).to_json()
    view["shared"] = [[s.framework, s.block, s.version] for s in fw.shared_blocks]
    view["reference"] = fw.is_reference  # ESCO, NICE...: aligned with, never a certification
    view["activities"] = [a.id for a in fw.activities]  # what relations may name (issue 17)
    view["keyed"] = keyed
    return view


HomeView = Callable[
    [str, str | None], CertView | None
]  # (framework, pinned version or None) -> view


def resolve(data: dict[str, Any], home_view: HomeView) -> tuple[CertView, list[Msg]]:
    """The full view: borrowed blocks taken from their home at the pinned or current version.
    Returns the view and a note for each borrowed block that could not be found."""
    view = CertView.from_json(data)
    notes = []
    blocks = dict(view.blocks)
    for framework, block, version in data.get("shared", []):
        home = home_view(framework, version)
        found = home.blocks.get(block) if home is not None else None
        if home is None or found is None or found.home:
            notes.append(
                Msg(
                    "shared block {block} of {framework} not found",
                    block=block,
                    framework=f"{framework}@{version}" if version else framework,
                )
            )
            continue
        blocks[block] = BlockView(
            found.id,
            found.title,
            found.competencies,
            found.prerequisites,
            found.hours,
            found.credits,
            home=home.framework,
            home_version=home.version,
            keys=found.keys,
        )
    # keep the framework's order: own blocks as listed, borrowed ones where they were declared
    view.blocks = blocks
    return view, notes


def step(old: Framework, new: Framework, old_label: str, new_label: str) -> Step:
    diff = diff_frameworks(old, new, old_label=old_label, new_label=new_label)
    return step_from(old, new, diff, correspondence(old, new, diff))


def step_from(old: Framework, new: Framework, diff: FrameworkDiff, table: Table) -> Step:
    """The step of two consecutive versions whose diff and correspondence table are known (the
    published site has them already)."""
    changed = {c.id for c in diff.changes if c.kind == "competency" and c.fields}
    return Step(
        old=diff.old_version,
        new=diff.new_version,
        competency_map=dict(diff.competency_map),
        unchanged=frozenset(n for n in diff.competency_map.values() if n not in changed),
        entries=[
            (e.type, e.old or "", tuple(e.new), tuple(e.missing)) for e in table.entries if e.old
        ],
        old_blocks={b.id: tuple(c.id for c in b.competencies) for b in old.blocks},
        new_blocks={b.id: tuple(c.id for c in b.competencies) for b in new.blocks},
    )


def release_view(history: History, folder: str, fid: str, version: str) -> dict[str, Any]:
    """``own_view`` of a release, read from git and cached by the git tree id of its folder."""
    from refkit.history.releases import Releases

    release = Releases(history, folder, fid).resolve(version)
    assert release.commit is not None
    tree = history.tree_id(release.commit, folder)
    path = cache_root() / "views" / code_digest()[:20] / f"{tree}-{version}.json"
    try:
        from refkit.store.files import read_regular

        data: Any = json.loads(read_regular(path).decode("utf-8"))
        if (
            isinstance(data, dict)
            and data.get("framework") == fid
            and data.get("version") == version
        ):
            return dict(data)
    except (OSError, ValueError):
        pass  # a cache entry that is missing, not a file or not what was written: a miss
    loaded = history.load_at(release.commit, folder)
    if loaded.framework is None:
        raise GitError(
            Msg("{framework} {version} cannot be read from git", framework=fid, version=version)
        )
    view: dict[str, Any] = own_view(loaded.framework, version, draft=False)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, json.dumps(view, ensure_ascii=False).encode("utf-8"))
    except OSError:
        pass
    return view

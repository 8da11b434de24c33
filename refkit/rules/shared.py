"""Rules on shared blocks, checked against the content each reference resolves to.

A framework borrows a block from its home framework either pinned to a release (``version:``) or
following the home's latest release (its work tree while it was never released). Validation
checks, on that content:

* the pinned version is a release of the home (``shared-version-mismatch``), and it has the block
  (``unknown-shared-block``);
* the block brings no competency id the borrower defines itself (``competency-one-block``);
* the block's prerequisites are blocks of the borrower too (``shared-block-prerequisite``);
* a pinned block that a later release of its home changed incompatibly (competencies removed or
  renumbered, prerequisites added) is flagged so the borrower reviews the pin
  (``shared-block-outdated``, a warning);
* an unreleased change to a shared block in its home that will break the frameworks following it
  at the next release is flagged in the home (``shared-block-changed``, a warning).

The content comes from ``content_of``, so that the rules stay pure; the validation service reads
it from git.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from refkit.i18n import Msg
from refkit.problems import RULES, Problem
from refkit.rules import Summary

# block id -> (competency ids, prerequisites)
Content = dict[str, tuple[tuple[str, ...], tuple[str, ...]]]
# (home, pinned version or None for "latest") -> (the version used, how to name it, its blocks),
# or None when the pinned version is not a release of the home. The name reads after "its":
# "release 1.0.0", "latest release 2.0.0", "work tree (never released)".
ContentOf = Callable[[Summary, str | None], tuple[str, Msg, Content] | None]


def content_of_view(view: dict[str, Any]) -> Content:
    return {b["id"]: (tuple(b["competencies"]), tuple(b["prerequisites"])) for b in view["blocks"]}


def breaking(
    old: tuple[tuple[str, ...], tuple[str, ...]], new: tuple[tuple[str, ...], tuple[str, ...]]
) -> list[Msg]:
    """What a change to a block breaks for the frameworks that borrow it."""
    gone = [c for c in old[0] if c not in new[0]]
    added = [p for p in new[1] if p not in old[1]]
    out = []
    if gone:
        out.append(
            Msg("competency {ids} removed or renumbered", ids=gone)
            if len(gone) == 1
            else Msg("competencies {ids} removed or renumbered", ids=gone)
        )
    if added:
        out.append(
            Msg("prerequisite {ids} added", ids=added)
            if len(added) == 1
            else Msg("prerequisites {ids} added", ids=added)
        )
    return out


def _joined(parts: list[Msg]) -> Msg:
    """Changes listed with "; " between them, each in the reader's language."""
    return Msg(
        "; ".join(f"{{p{i}}}" for i in range(len(parts))),
        **{f"p{i}": p for i, p in enumerate(parts)},
    )


def check_shared(
    summaries: list[Summary], content_of: ContentOf, released: Callable[[Summary], bool]
) -> list[Problem]:
    by_id = {s.id: s for s in summaries if s.id}
    out: list[Problem] = []
    followers: dict[tuple[str, str], list[str]] = {}  # (home, block) -> frameworks following latest
    for user in summaries:
        for ref in user.shared:
            home = by_id.get(ref["framework"])
            if home is None or home.id == user.id:
                continue  # unknown-framework and self-sharing: repository rules
            if _check_reference(user, ref, home, content_of, out) and ref["version"] is None:
                followers.setdefault((home.id, ref["block"]), []).append(user.id)
    # in the home: unreleased changes that will reach the frameworks following the latest release
    for (home_id, block_id), users in sorted(followers.items()):
        problem = _changed_for_followers(by_id[home_id], block_id, users, content_of, released)
        if problem is not None:
            out.append(problem)
    return out


def _check_reference(
    user: Summary, ref: dict[str, Any], home: Summary, content_of: ContentOf, out: list[Problem]
) -> bool:
    """The problems of one shared block ``ref`` of ``user`` (added to ``out``); whether the block
    was found in its home."""
    file, line, col, path = ref["file"], ref["line"], ref["col"], tuple(ref["path"])
    pinned = ref["version"]
    resolved = content_of(home, pinned)
    if resolved is None:
        message = Msg("{framework} has no release {version}", framework=home.id, version=pinned)
        rule = RULES["shared-version-mismatch"]
        out.append(rule.at(file, line, col, message, path=(*path, "version")))
        return False
    version, label, content = resolved
    block = content.get(ref["block"])
    if block is None:
        out.append(
            RULES["unknown-shared-block"].at(
                file,
                line,
                col,
                Msg(
                    '{framework} has no block "{block}" in its {label}',
                    framework=home.id,
                    block=ref["block"],
                    label=label,
                ),
                path=(*path, "block"),
                hint=Msg("blocks there: {blocks}", blocks=", ".join(content) or Msg("none")),
            )
        )
        return False
    out.extend(_clashes(user, ref, block))
    if pinned is not None:
        latest = content_of(home, None)
        if latest is not None and latest[0] != version and ref["block"] in latest[2]:
            broken = breaking(block, latest[2][ref["block"]])
            if broken:
                message = Msg(
                    "{block} is pinned at {framework} {version}; its {label} changed it: {changes}",
                    block=ref["block"],
                    framework=home.id,
                    version=version,
                    label=latest[1],
                    changes=_joined(broken),
                )
                rule = RULES["shared-block-outdated"]
                out.append(rule.at(file, line, col, message, path=(*path, "version")))
    return True


def _clashes(user: Summary, ref: dict[str, Any], block: Any) -> list[Problem]:
    """What a shared block brings that the framework using it contradicts: a competency its own
    blocks also define, a prerequisite block it does not have."""
    file, line, col, path = ref["file"], ref["line"], ref["col"], tuple(ref["path"])
    own_competencies = {c: b for b, cs in user.blocks.items() for c in cs}
    all_blocks = set(user.blocks) | {r["block"] for r in user.shared}
    out = [
        RULES["competency-one-block"].at(
            file,
            line,
            col,
            Msg(
                "shared block {block} brings competency {competency}, which block "
                "{own} of this framework also defines",
                block=ref["block"],
                competency=cid,
                own=own_competencies[cid],
            ),
            path=path,
            hint=Msg("rename the competency in this framework's block"),
        )
        for cid in block[0]
        if cid in own_competencies
    ]
    out.extend(
        RULES["shared-block-prerequisite"].at(
            file,
            line,
            col,
            Msg(
                "shared block {block} requires {prerequisite}, which {framework} does not have",
                block=ref["block"],
                prerequisite=pre,
                framework=user.id,
            ),
            path=path,
        )
        for pre in block[1]
        if pre not in all_blocks
    )
    return out


def _changed_for_followers(
    home: Summary,
    block_id: str,
    users: list[str],
    content_of: ContentOf,
    released: Callable[[Summary], bool],
) -> Problem | None:
    """A problem in the home framework when its block ``block_id``, shared with ``users`` that
    follow its latest release, changed since that release in a way that breaks them."""
    if not released(home) or home.view is None:
        return None
    latest = content_of(home, None)
    now = content_of_view(home.view).get(block_id)
    if latest is None or block_id not in latest[2]:
        return None
    before = latest[2][block_id]
    broken = [Msg("the block was removed or renamed")] if now is None else breaking(before, now)
    if not broken:
        return None
    file, line, col = home.block_pos.get(block_id, [home.file, 1, 1])
    return RULES["shared-block-changed"].at(
        file,
        line,
        col,
        Msg(
            "{block} is shared with {users}, which follows the latest release of "
            "{framework}: since its {label}, {changes}"
            if len(users) == 1
            else "{block} is shared with {users}, which follow the latest release of "
            "{framework}: since its {label}, {changes}",
            block=block_id,
            users=", ".join(sorted(users)),
            framework=home.id,
            label=latest[1],
            changes=_joined(broken),
        ),
    )

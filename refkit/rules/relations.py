"""Rules on relations (issue 17): what a relation names exists.

* a target in this framework is one of its ids: the framework, an activity, a block (own or
  shared), a competency (``relation-target``, an error at the target);
* a target in another framework names the version it means (``relation-version``): an item of a
  framework that evolves is only an item of one of its releases;
* the same relation twice on one item is reported once (``relation-duplicate``, a warning).

That the version is a release of the other framework, and the item one of that release, needs
git: ``check_links`` does it for the validation service, given the releases and their items.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator

from refkit.i18n import Msg
from refkit.model import parse_target
from refkit.problems import RULES, Problem
from refkit.rules import Context, Summary, framework_rule

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")  # a target that is no id: the schema says so


@framework_rule
def relation_targets(ctx: Context) -> Iterator[Problem]:
    fw = ctx.fw
    if not any(item.relations for _, _, item in fw.holders()):
        return
    ids = fw.target_ids()
    for kind, item_id, item in fw.holders():
        seen: set[tuple[str, str]] = set()
        for r in item.relations:
            if r.key() in seen:
                yield ctx.problem(
                    "relation-duplicate", r.source, "target",
                    message=Msg("{kind} {id} has the relation {type} {target} twice", kind=kind, id=item_id, type=r.type, target=r.target),
                )  # fmt: skip
                continue
            seen.add(r.key())
            target = parse_target(r.target)
            if target.kind == "item" and _ID.match(r.target) and r.target not in ids:
                close = difflib.get_close_matches(r.target, sorted(ids), n=1)
                yield ctx.problem(
                    "relation-target", r.source, "target",
                    message=Msg("relation {type} of {kind} {id}: {target} is not an item of this framework", type=r.type, kind=kind, id=item_id, target=r.target),
                    hint=Msg('did you mean "{word}"?', word=close[0]) if close else None,
                )  # fmt: skip
            elif target.kind == "framework" and target.version is None:
                yield ctx.problem(
                    "relation-version", r.source, "target",
                    message=Msg("relation {type} of {kind} {id}: {target} names no version of {framework}", type=r.type, kind=kind, id=item_id, target=r.target, framework=target.framework or ""),
                    hint=Msg("write {framework}@<version>:{item}", framework=target.framework or "", item=target.item),
                )  # fmt: skip


# the releases of a framework (None: git cannot tell); the ids of one of its releases
Releases = Callable[[Summary], list[str] | None]
IdsAt = Callable[[Summary, str], set[str]]


def check_links(summaries: list[Summary], releases: Releases, ids_at: IdsAt) -> list[Problem]:
    """Each link to another framework of the repository names one of its releases, and an item
    of that release; a warning when its history cannot be read. Frameworks outside the
    repository are not checked."""
    by_id = {s.id: s for s in summaries if s.id}
    out: list[Problem] = []
    for s in summaries:
        for link in s.links:
            other = by_id.get(link["framework"])
            if other is None or link["version"] is None:
                continue
            at = (link["file"], link["line"], link["col"])
            path = tuple(link["path"])
            versions = releases(other)
            if versions is None:
                out.append(RULES["relation-unchecked"].at(*at, Msg("cannot check {target}: the history of {framework} cannot be read from git", target=link["target"], framework=other.id), path=path))  # fmt: skip
            elif link["version"] not in versions:
                out.append(RULES["relation-release"].at(*at, Msg("{target}: {version} is not a release of {framework} (releases: {versions})", target=link["target"], version=link["version"], framework=other.id, versions=", ".join(versions) or "none"), path=path))  # fmt: skip
            elif link["item"] not in ids_at(other, link["version"]):
                out.append(RULES["relation-release"].at(*at, Msg("{target}: release {version} of {framework} has no item {item}", target=link["target"], version=link["version"], framework=other.id, item=link["item"]), path=path))  # fmt: skip
    return out

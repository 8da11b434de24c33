"""Provides the semantic rules: checks beyond the schema, each a small registered function.

Rules run in two phases, so that a repository of hundreds of frameworks can be checked in parallel
and from a cache:

* framework rules (``@framework_rule``) see one loaded framework and nothing else;
* repository rules (``@repository_rule``) see the ``Summary`` of every framework: the little each
  framework tells the others (its blocks, their competency ids, the shared blocks it borrows).

Each rule yields ``Problem`` objects built from the catalogue in ``refkit.problems`` (stable id,
severity, fix hint). docs/rules.md lists them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from refkit.i18n import Msg
from refkit.model import Framework, Source, parse_target
from refkit.problems import RULES, Problem
from refkit.store.loader import LoadedFramework


@dataclass(slots=True)
class Context:
    """What a framework rule sees: the loaded framework and a way to point at its items."""

    loaded: LoadedFramework
    fw: Framework

    def problem(
        self,
        rule: str,
        source: Source | None,
        *extra: str | int,
        message: str | Msg,
        key: bool = False,
        hint: str | Msg | None = None,
    ) -> Problem:
        file, line, col, path = self.loaded.locate(source, *extra, key=key)
        return RULES[rule].at(file, line, col, message, path=path, hint=hint)


FrameworkRule = Callable[[Context], Iterable[Problem]]
_FRAMEWORK_RULES: list[FrameworkRule] = []


def framework_rule(fn: FrameworkRule) -> FrameworkRule:
    _FRAMEWORK_RULES.append(fn)
    return fn


@dataclass(slots=True)
class Summary:
    """What one framework tells the repository-level rules (JSON-serialisable, cached)."""

    folder: str
    id: str
    version: str
    file: str  # framework.yaml
    blocks: dict[str, list[str]] = field(default_factory=dict)  # own block id -> competency ids
    # shared blocks used: framework, block, version, file, line, col, path
    shared: list[dict[str, Any]] = field(default_factory=list)
    # correspondence section: from, from_pos [line, col], olds [[block, line, col, path]];
    # checked against the earlier release in git
    correspondence: dict[str, Any] | None = None
    # what stacking needs of the framework (refkit.stack.views.own_view), cached with the rest
    view: dict[str, Any] | None = None
    # block id -> [file, line, col] of its id; line, col of certification.volume.hours
    block_pos: dict[str, list[Any]] = field(default_factory=dict)
    volume_pos: list[int] = field(default_factory=lambda: [1, 1])
    # relations to other frameworks: framework, version, item, target, file, line, col, path
    links: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "folder": self.folder,
            "id": self.id,
            "version": self.version,
            "file": self.file,
            "blocks": self.blocks,
            "shared": self.shared,
            "correspondence": self.correspondence,
            "view": self.view,
            "block_pos": self.block_pos,
            "volume_pos": self.volume_pos,
            "links": self.links,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Summary:
        """The summary ``to_json`` gave; raises ``TypeError`` on anything else (from a damaged
        cache: a miss, never a crash)."""
        if not _summary_shaped(d):
            raise TypeError("not a summary as refkit writes it")
        return cls(
            d["folder"],
            d["id"],
            d["version"],
            d["file"],
            d["blocks"],
            d["shared"],
            d.get("correspondence"),
            d.get("view"),
            d.get("block_pos", {}),
            d.get("volume_pos", [1, 1]),
            d.get("links", []),
        )


def _summary_shaped(d: Any) -> bool:
    def strs(x: Any) -> bool:
        return type(x) is list and set(map(type, x)) <= {str}

    def pos(x: Any, n: int) -> bool:
        return type(x) is list and len(x) == n and all(type(v) is int for v in x)

    def ref(r: Any) -> bool:
        return (
            type(r) is dict
            and type(r.get("framework")) is str
            and type(r.get("block")) is str
            and (r.get("version") is None or type(r.get("version")) is str)
            and type(r.get("file")) is str
            and pos([r.get("line"), r.get("col")], 2)
            and type(r.get("path")) is list
        )

    def old(o: Any) -> bool:
        return (
            type(o) is list
            and len(o) == 4
            and type(o[0]) is str
            and pos(o[1:3], 2)
            and type(o[3]) is list
        )

    if type(d) is not dict:
        return False
    c = d.get("correspondence")
    return (
        all(type(d.get(k)) is str for k in ("folder", "id", "version", "file"))
        and type(d.get("blocks")) is dict
        and all(type(k) is str and strs(v) for k, v in d["blocks"].items())
        and type(d.get("shared")) is list
        and all(ref(r) for r in d["shared"])
        and (
            c is None
            or (
                type(c) is dict
                and type(c.get("from")) is str
                and pos(c.get("from_pos"), 2)
                and type(c.get("olds")) is list
                and all(old(o) for o in c["olds"])
            )
        )
        and (d.get("view") is None or type(d.get("view")) is dict)
        and type(d.get("block_pos", {})) is dict
        and all(
            type(v) is list and len(v) == 3 and type(v[0]) is str and pos(v[1:], 2)
            for v in d.get("block_pos", {}).values()
        )
        and pos(d.get("volume_pos", [1, 1]), 2)
        and type(d.get("links", [])) is list
        and all(type(k) is dict and ref({**k, "block": k.get("item")}) for k in d.get("links", []))
    )


RepositoryRule = Callable[[dict[str, Summary]], Iterable[Problem]]
_REPOSITORY_RULES: list[RepositoryRule] = []


def repository_rule(fn: RepositoryRule) -> RepositoryRule:
    _REPOSITORY_RULES.append(fn)
    return fn


def summarize(loaded: LoadedFramework, *, keyed: bool = False) -> Summary | None:
    """What the repository rules and the stacking views need of one framework; ``keyed``: its
    view with the statement keys ``refkit stack --overlap`` compares."""
    fw = loaded.framework
    if fw is None:
        return None
    shared = []
    for ref in fw.shared_blocks:
        file, line, col, path = loaded.locate(ref.source)
        shared.append(
            {
                "framework": ref.framework,
                "block": ref.block,
                "version": ref.version,
                "file": file,
                "line": line,
                "col": col,
                "path": list(path),
            }
        )
    correspondence = None
    section = fw.correspondence
    if section is not None and section.from_version:
        _, line, col, _ = loaded.locate(section.source, "from")
        olds = []
        for entry in section.entries:
            if entry.old:
                _, oline, ocol, path = loaded.locate(entry.source, "old")
                olds.append([entry.old, oline, ocol, list(path)])
        correspondence = {"from": section.from_version, "from_pos": [line, col], "olds": olds}
    from refkit.stack.views import own_view

    block_pos = {}
    for b in fw.blocks:
        file, bline, bcol, _ = loaded.locate(b.source, "id")
        block_pos[b.id] = [file, bline, bcol]
    _, vline, vcol, _ = loaded.locate(fw.source, "certification", "volume", "hours")
    return Summary(
        links=_links(loaded, fw),
        volume_pos=[vline, vcol],
        block_pos=block_pos,
        view=own_view(fw, "worktree", draft=True, keyed=keyed),
        correspondence=correspondence,
        folder=loaded.folder,
        id=fw.id,
        version=fw.version,
        file=fw.source.file if fw.source else loaded.folder,
        blocks={b.id: [c.id for c in b.competencies] for b in fw.blocks},
        shared=shared,
    )


def _links(loaded: LoadedFramework, fw: Framework) -> list[dict[str, Any]]:
    """The relations of ``fw`` to an item of another framework at a version (issue 17)."""
    out = []
    for _, _, item in fw.holders():
        for r in item.relations:
            t = parse_target(r.target)
            if t.kind == "framework" and t.version is not None:
                file, line, col, path = loaded.locate(r.source, "target")
                out.append(
                    {"framework": t.framework, "version": t.version, "item": t.item, "target": r.target,
                     "file": file, "line": line, "col": col, "path": list(path)}
                )  # fmt: skip
    return out


def check_framework(loaded: LoadedFramework) -> list[Problem]:
    """Every framework-level semantic problem of one loaded framework."""
    _load_rule_modules()
    if loaded.framework is None:
        return []
    ctx = Context(loaded, loaded.framework)
    out: list[Problem] = []
    for fn in _FRAMEWORK_RULES:
        out.extend(fn(ctx))
    return out


def check_repository(summaries: Iterable[Summary]) -> list[Problem]:
    """Every problem that involves several frameworks (shared blocks)."""
    _load_rule_modules()
    by_id: dict[str, Summary] = {}
    for s in summaries:
        by_id.setdefault(s.id or s.folder.rsplit("/", 1)[-1], s)
    out: list[Problem] = []
    for fn in _REPOSITORY_RULES:
        out.extend(fn(by_id))
    return out


def _load_rule_modules() -> None:
    from refkit.rules import (  # noqa: F401
        certification,
        content,
        correspondence,
        identity,
        references,
        relations,
        repository,
    )


def duplicates(items: Iterable[tuple[str, Any]]) -> Iterator[tuple[str, Any, Any]]:
    """(id, first item, repeated item) for every id seen more than once; empty ids are skipped."""
    first: dict[str, Any] = {}
    for key, item in items:
        if not key:
            continue
        if key in first:
            yield key, first[key], item
        else:
            first[key] = item

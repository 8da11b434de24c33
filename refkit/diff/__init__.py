"""Provides the semantic diff of two versions of a framework.

The diff works on the model, keyed by ids, never on lines: blocks and competencies are added,
removed, modified (statement, kind, criteria, activities..., each text field with a word-level
diff), moved between blocks, or renamed (renumbered: the id changed, the content is the same or
very similar; detected by similarity, as git detects renamed files, with the similarity given).
Activities, certification rules and framework metadata are compared too.

``diff_frameworks(old, new)`` is a pure function; renderers (``refkit.diff.render``) turn its
result into text, Markdown, HTML or JSON, and ``refkit.diff.correspondence`` derives the
correspondence table from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from refkit.diff.extensions import extension_changes
from refkit.diff.relations import relation_change, relation_list, relation_summary
from refkit.diff.text import best_pairs_by, similarity, words
from refkit.diff.values import FieldChange as FieldChange
from refkit.diff.values import (
    _list_text_change,
    _set_change,
    _text_change,
    _value_change,
)
from refkit.model import Block, Competency, Framework

RENAME_THRESHOLD = 0.6  # like git's -M, but on words: 60% similar content is the same item


@dataclass(slots=True)
class Change:
    """One item that differs. ``change`` is the main fact (added, removed, renamed, moved,
    modified); a renamed or moved item may also carry field changes."""

    kind: str  # competency | block | activity | certification | framework | shared-block
    change: str  # added | removed | renamed | moved | modified
    id: str  # the id in the new version (the old one for a removal)
    label: str = ""  # statement or title, for display
    old_id: str | None = None
    block: str | None = None  # competencies: block in the new version
    old_block: str | None = None  # competencies: block in the old version
    similarity: float | None = None  # renamed: how similar the content is
    fields: list[FieldChange] = dc_field(default_factory=list)
    moved_flag: bool = False  # competencies: now in another block (renamed blocks followed)
    paired_by: str | None = None  # renamed competencies: "statement" or "title", the evidence

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "kind": self.kind,
            "change": self.change,
            "id": self.id,
            "label": self.label,
        }
        if self.old_id is not None and self.old_id != self.id:
            d["old_id"] = self.old_id
        if self.kind == "competency":
            d["block"] = self.block
            d["old_block"] = self.old_block
            d["moved"] = self.moved_flag
        if self.similarity is not None:
            d["similarity"] = round(self.similarity, 3)
        if self.paired_by is not None:
            d["paired_by"] = self.paired_by
        d["fields"] = [f.to_json() for f in self.fields]
        return d


@dataclass(slots=True)
class FrameworkDiff:
    framework: str
    old_version: str
    new_version: str
    changes: list[Change] = dc_field(default_factory=list)
    competency_map: dict[str, str] = dc_field(default_factory=dict)  # old id -> new id (kept items)
    block_map: dict[str, str] = dc_field(default_factory=dict)  # old block id -> new block id

    def of_kind(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]

    @property
    def empty(self) -> bool:
        return not self.changes

    def summary(self) -> dict[str, Any]:
        """Counts per kind (a competency both moved and reworded counts in moved and modified),
        and per field how many items it changed in ("fields")."""
        out: dict[str, Any] = {}
        for kind in ("competencies", "blocks", "activities"):
            singular = kind[:-3] + "y" if kind.endswith("ies") else kind[:-1]
            counts = {"added": 0, "removed": 0, "modified": 0, "moved": 0, "renamed": 0}
            for c in self.of_kind(singular):
                if c.change in ("added", "removed", "renamed"):
                    counts[c.change] += 1
                if c.moved_flag:
                    counts["moved"] += 1
                if c.fields:
                    counts["modified"] += 1
            out[kind] = counts
        out["certification"] = {
            "changed": len(self.of_kind("certification")) + len(self.of_kind("shared-block"))
        }
        out["framework"] = {"changed": sum(len(c.fields) for c in self.of_kind("framework"))}
        # per field, how many items it changed in: "x-esco.broader": 252 competencies
        fields: dict[str, dict[str, int]] = {}
        for c in self.changes:
            for f in c.fields:
                by_kind = fields.setdefault(c.kind, {})
                by_kind[f.field] = by_kind.get(f.field, 0) + 1
        out["fields"] = {k: dict(sorted(v.items())) for k, v in sorted(fields.items())}
        out["relations"] = relation_summary(self.changes)  # per type (issue 17)
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "framework": self.framework,
            "old": self.old_version,
            "new": self.new_version,
            "summary": self.summary(),
            "changes": [c.to_json() for c in self.changes],
            "relations": relation_list(self.changes),
        }


def competency_fields(old: Competency, new: Competency) -> list[FieldChange]:
    changes = [
        _text_change("statement", old.statement, new.statement),
        _value_change("kind", old.kind, new.kind),
        _list_text_change(
            "criteria", [c.text for c in old.criteria], [c.text for c in new.criteria]
        ),
        _set_change("activities", old.activities, new.activities),
        _set_change("esco", old.esco, new.esco),
        _text_change("notes", old.notes, new.notes),
        relation_change(old.relations, new.relations),
        *extension_changes(old.extensions, new.extensions),
    ]
    return [c for c in changes if c is not None]


def _volume(v: Any) -> dict[str, float] | None:
    d = {k: x for k, x in (("hours", v.hours), ("credits", v.credits)) if x is not None}
    return d or None


def block_fields(old: Block, new: Block, competency_map: dict[str, str]) -> list[FieldChange]:
    modalities_old = [f"{m.type}: {m.description or ''}".strip() for m in old.modalities]
    modalities_new = [f"{m.type}: {m.description or ''}".strip() for m in new.modalities]
    changes = [
        _text_change("title", old.title, new.title),
        _text_change("description", old.description, new.description),
        _value_change("volume", _volume(old.volume), _volume(new.volume)),
        _set_change("prerequisites", old.prerequisites, new.prerequisites),
        _list_text_change("modalities", modalities_old, modalities_new),
        relation_change(old.relations, new.relations),
        *extension_changes(old.extensions, new.extensions),
    ]
    # the order of the competencies that stayed in the block
    kept_old = [competency_map.get(c.id) for c in old.competencies]
    new_ids = [c.id for c in new.competencies]
    in_new = set(new_ids)
    kept_old_in_new = [c for c in kept_old if c in in_new]
    kept = set(kept_old_in_new)
    kept_new = [c for c in new_ids if c in kept]
    if kept_old_in_new != kept_new:
        changes.append(FieldChange("order", "reordered", kept_old_in_new, kept_new))
    return [c for c in changes if c is not None]


def _competency_words(c: Competency) -> list[str]:
    return words(c.statement) + [w for cr in c.criteria for w in words(cr.text)]


def _competency_title(c: Competency) -> list[str]:
    """The words of a competency's own title, when its source gives one apart from the
    statement (DIRECT's skills: a short title and a description), kept in an extension."""
    for value in c.extensions.values():
        if isinstance(value, dict) and isinstance(value.get("title"), str):
            return words(value["title"])
    return []


# -- the diff -----------------------------------------------------------------------------------


def diff_frameworks(
    old: Framework,
    new: Framework,
    *,
    old_label: str = "",
    new_label: str = "",
    pairing: float = RENAME_THRESHOLD,
) -> FrameworkDiff:
    """The changes from ``old`` to ``new``. A competency whose id is gone is paired with a new
    one when their statements (with criteria), or their titles when the source gives titles,
    are at least ``pairing`` similar (0 to 1): it is renamed, with the similarity and the
    evidence ("statement" or "title")."""
    result = FrameworkDiff(new.id or old.id, old_label or old.version, new_label or new.version)
    _diff_metadata(old, new, result)
    _diff_activities(old, new, result)
    # ids that are a source's own identifiers (ESCO, NICE) are never renumbered: no pairing
    detect = not (old.stable_ids or new.stable_ids)
    old_comps = {c.id: (b, c) for b, c in old.competencies()}  # read once, for both steps
    cmap, renamed = _competency_map(old_comps, new, pairing if detect else None)
    result.competency_map = cmap
    # blocks: by id, then by the competencies they share, then by title
    bmap = _match_blocks(old, new, cmap) if detect else _same_blocks(old, new)
    result.block_map = bmap
    _diff_blocks(old, new, bmap, cmap, result)
    _diff_competencies(old_comps, old, new, bmap, cmap, renamed, result)
    _diff_certification(old, new, result, bmap)
    return result


def _competency_map(
    old_comps: dict[str, tuple[Block, Competency]], new: Framework, pairing: float | None
) -> tuple[dict[str, str], dict[str, tuple[float, str]]]:
    """Old competency id -> new id: by id first, then (``pairing`` given) by similarity among
    the unmatched; and for each new id so paired, its similarity and evidence."""
    new_comps = {c.id: c for _, c in new.competencies()}
    cmap = {cid: cid for cid in old_comps if cid in new_comps}
    gone = [cid for cid in old_comps if cid not in new_comps]
    came = [cid for cid in new_comps if cid not in old_comps]
    renamed: dict[str, tuple[float, str]] = {}
    if gone and came and pairing is not None:
        pairs = best_pairs_by(
            {
                "statement": (
                    [(cid, _competency_words(old_comps[cid][1])) for cid in gone],
                    [(cid, _competency_words(new_comps[cid])) for cid in came],
                ),
                "title": (
                    [(cid, _competency_title(old_comps[cid][1])) for cid in gone],
                    [(cid, _competency_title(new_comps[cid])) for cid in came],
                ),
            },
            pairing,
        )
        for o, n, score, evidence in pairs:
            cmap[o] = n
            renamed[n] = (score, evidence)
    return cmap, renamed


def _diff_blocks(
    old: Framework,
    new: Framework,
    bmap: dict[str, str],
    cmap: dict[str, str],
    result: FrameworkDiff,
) -> None:
    inverse_bmap = {v: k for k, v in bmap.items()}
    for nb in new.blocks:
        ob_id = inverse_bmap.get(nb.id)
        ob = old.block(ob_id) if ob_id else None
        if ob is None:
            result.changes.append(Change("block", "added", nb.id, nb.title, block=nb.id))
            continue
        fields = block_fields(ob, nb, cmap)
        if ob.id != nb.id:
            score = _block_similarity(ob, nb, cmap)
            result.changes.append(
                Change(
                    "block",
                    "renamed",
                    nb.id,
                    nb.title,
                    old_id=ob.id,
                    similarity=score,
                    fields=fields,
                )
            )
        elif fields:
            result.changes.append(Change("block", "modified", nb.id, nb.title, fields=fields))
    for ob in old.blocks:
        if ob.id not in bmap:
            result.changes.append(Change("block", "removed", ob.id, ob.title, old_id=ob.id))


def _diff_competencies(
    old_comps: dict[str, tuple[Block, Competency]],
    old: Framework,
    new: Framework,
    bmap: dict[str, str],
    cmap: dict[str, str],
    renamed: dict[str, tuple[float, str]],
    result: FrameworkDiff,
) -> None:
    inverse_cmap = {v: k for k, v in cmap.items()}
    for nb, nc in new.competencies():
        oc_id = inverse_cmap.get(nc.id)
        if oc_id is None:
            result.changes.append(Change("competency", "added", nc.id, nc.statement, block=nb.id))
            continue
        ob, oc = old_comps[oc_id]
        moved = bmap.get(ob.id) != nb.id
        if oc_id == nc.id and not moved and oc == nc:
            continue  # unchanged: dataclass equality compares every field at once
        fields = competency_fields(oc, nc)
        if oc_id != nc.id:
            change = "renamed"
        elif moved:
            change = "moved"
        elif fields:
            change = "modified"
        else:
            continue
        result.changes.append(
            Change(
                "competency",
                change,
                nc.id,
                nc.statement,
                old_id=oc_id,
                block=nb.id,
                old_block=ob.id,
                similarity=renamed[nc.id][0] if nc.id in renamed else None,
                fields=fields,
                moved_flag=moved,
                paired_by=renamed[nc.id][1] if nc.id in renamed else None,
            )
        )
    for ob, oc in old.competencies():
        if oc.id not in cmap:
            result.changes.append(
                Change("competency", "removed", oc.id, oc.statement, old_id=oc.id, old_block=ob.id)
            )


def _block_similarity(ob: Block, nb: Block, cmap: dict[str, str]) -> float:
    mapped = {cmap.get(c.id) for c in ob.competencies} - {None}
    new_ids = {c.id for c in nb.competencies}
    if mapped or new_ids:
        return len(mapped & new_ids) / len(mapped | new_ids)
    return similarity(words(ob.title), words(nb.title))


def _same_blocks(old: Framework, new: Framework) -> dict[str, str]:
    return {b.id: b.id for b in old.blocks if new.block(b.id) is not None}


def _match_blocks(old: Framework, new: Framework, cmap: dict[str, str]) -> dict[str, str]:
    bmap = {b.id: b.id for b in old.blocks if new.block(b.id) is not None}
    gone = [b for b in old.blocks if b.id not in bmap]
    came = [b for b in new.blocks if old.block(b.id) is None]
    if not gone or not came:
        return bmap
    scored = []
    for ob in gone:
        for nb in came:
            score = _block_similarity(ob, nb, cmap)
            title = similarity(words(ob.title), words(nb.title))
            if score >= 0.5 or (not ob.competencies and title >= RENAME_THRESHOLD):
                scored.append((score, title, ob.id, nb.id))
    scored.sort(key=lambda t: (-t[0], -t[1], t[2], t[3]))
    used: set[str] = set()
    for _, _, o, n in scored:
        if o in bmap or n in used:
            continue
        bmap[o] = n
        used.add(n)
    return bmap


def _diff_metadata(old: Framework, new: Framework, result: FrameworkDiff) -> None:
    fields = [
        _text_change("title", old.title, new.title),
        _value_change("status", old.status, new.status),
        _value_change("type", old.type, new.type),
        _value_change("stable_ids", old.stable_ids, new.stable_ids),
        _value_change(
            "level",
            {"eqf": old.level.eqf, **old.level.national},
            {"eqf": new.level.eqf, **new.level.national},
        ),
        _text_change("sector", old.sector, new.sector),
        _value_change("lang", old.lang, new.lang),
        _value_change("codes", old.codes, new.codes),
        _text_change("summary", old.summary, new.summary),
        _value_change(
            "working_group",
            [(m.organisation, m.college, m.role) for m in old.working_group],
            [(m.organisation, m.college, m.role) for m in new.working_group],
        ),
        _value_change(
            "validity",
            (old.validity.start, old.validity.until),
            (new.validity.start, new.validity.until),
        ),
        relation_change(old.relations, new.relations),
        *extension_changes(old.extensions, new.extensions),
    ]
    changed = [f for f in fields if f is not None]
    if changed:
        result.changes.append(Change("framework", "modified", new.id, new.title, fields=changed))


def _diff_activities(old: Framework, new: Framework, result: FrameworkDiff) -> None:
    old_by_id = {a.id: a for a in old.activities}
    new_ids = {a.id for a in new.activities}
    for a in new.activities:
        o = old_by_id.get(a.id)
        if o is None:
            result.changes.append(Change("activity", "added", a.id, a.title))
            continue
        fields = [
            f
            for f in (
                _text_change("title", o.title, a.title),
                _text_change("description", o.description, a.description),
                _list_text_change("tasks", o.tasks, a.tasks),
                relation_change(o.relations, a.relations),
            )
            if f is not None
        ]
        if fields:
            result.changes.append(Change("activity", "modified", a.id, a.title, fields=fields))
    for o in old.activities:
        if o.id not in new_ids:
            result.changes.append(Change("activity", "removed", o.id, o.title, old_id=o.id))


def _diff_certification(
    old: Framework, new: Framework, result: FrameworkDiff, bmap: dict[str, str]
) -> None:
    def rename(ids: list[str]) -> list[str]:
        return [bmap.get(i, i) for i in ids]

    oc, nc = old.certification, new.certification
    fields = [
        _set_change("required", rename(oc.required), nc.required),
        _value_change("volume", _volume(oc.volume), _volume(nc.volume)),
    ]
    old_groups = {g.id: g for g in oc.electives}
    new_groups = {g.id: g for g in nc.electives}
    for gid, g in new_groups.items():
        o = old_groups.get(gid)
        new_rule = {"choose": g.choose, "from": g.blocks}
        if o is None:
            fields.append(FieldChange(f"electives.{gid}", "added", None, new_rule))
            continue
        old_rule = {"choose": o.choose, "from": rename(o.blocks)}
        if old_rule != new_rule:
            fields.append(FieldChange(f"electives.{gid}", "changed", old_rule, new_rule))
    for gid, o in old_groups.items():
        if gid not in new_groups:
            fields.append(
                FieldChange(
                    f"electives.{gid}", "removed", {"choose": o.choose, "from": o.blocks}, None
                )
            )
    changed = [f for f in fields if f is not None]
    if changed:
        result.changes.append(
            Change("certification", "modified", new.id, "certification rules", fields=changed)
        )
    old_refs = {(s.framework, s.block): s for s in old.shared_blocks}
    new_refs = {(s.framework, s.block): s for s in new.shared_blocks}
    for key, s in new_refs.items():
        was = old_refs.get(key)
        label = f"{s.block} ({s.framework})"
        if was is None:
            result.changes.append(Change("shared-block", "added", s.block, label))
        elif was.version != s.version:
            result.changes.append(
                Change(
                    "shared-block",
                    "modified",
                    s.block,
                    label,
                    fields=[FieldChange("version", "changed", was.version, s.version)],
                )
            )
    for key, gone in old_refs.items():
        if key not in new_refs:
            result.changes.append(
                Change(
                    "shared-block",
                    "removed",
                    gone.block,
                    f"{gone.block} ({gone.framework})",
                    old_id=gone.block,
                )
            )

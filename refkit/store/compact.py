"""Provides a compact, JSON-friendly form of a built ``Block``, for the cache of git blobs.

A block file read from git is cached as the block it builds (with every item's source position)
rather than as YAML data plus a positions table: reading it back is one JSON load and one pass of
constructors, without the intermediate dicts. ``tests/test_versions.py`` checks that a block read
this way equals the block read from YAML, sources included.
"""

from __future__ import annotations

import copy
from typing import Any

from refkit.model import Block, Competency, Criterion, Modality, Source, Volume
from refkit.store.relations import relations_from_compact, relations_to_compact


def _pos(source: Source | None) -> list[int]:
    return [source.line, source.col] if source is not None else [1, 1]


def _index(source: Source | None) -> int:
    """The list index an item's path ends with (items that are not mappings are skipped)."""
    return (
        source.path[-1]
        if source is not None and source.path and isinstance(source.path[-1], int)
        else -1
    )


def block_to_compact(b: Block) -> list[Any]:
    """The compact form of ``b``: a copy (no list of it is the block's own, so it can be kept to
    tell later whether the block changed: ``refkit.edit``)."""
    comps = []
    for c in b.competencies:
        crit = []
        for cr in c.criteria:
            src = cr.source
            if src is None:
                crit.append([cr.text, 1, 1, -1])
            else:
                j = src.path[-1] if isinstance(src.path[-1], int) else -1
                crit.append([cr.text, src.line, src.col, j])
        src = c.source
        comps.append(
            [
                _index(src),
                src.line if src is not None else 1,
                src.col if src is not None else 1,
                c.id,
                c.statement,
                c.kind,
                list(c.activities),
                list(c.esco),
                c.notes,
                copy.deepcopy(c.extensions) if c.extensions else {},
                crit,
                relations_to_compact(c.relations),
            ]
        )
    modalities = [
        [_index(m.source), *_pos(m.source), m.type, m.description, m.hours] for m in b.modalities
    ]
    return [
        2,  # format version (2: relations)
        *_pos(b.source),
        b.id,
        b.title,
        b.description,
        b.volume.hours,
        b.volume.credits,
        list(b.prerequisites),
        modalities,
        copy.deepcopy(b.extensions) if b.extensions else {},
        comps,
        relations_to_compact(b.relations),
    ]


def block_from_compact(data: list[Any], file: str) -> Block:
    (
        version,
        line,
        col,
        bid,
        title,
        description,
        hours,
        credits,
        prerequisites,
        modalities,
        ext,
        comps,
        rels,
    ) = data
    if version != 2:
        raise ValueError("unknown compact block version")
    competencies = []
    for i, cl, cc, cid, statement, kind, activities, esco, notes, extensions, crit, cr in comps:
        path = ("competencies", i)
        criteria = [
            Criterion(
                text,
                Source(file, ln, co, (*path, "criteria", j) if j >= 0 else (*path, "criteria")),
            )
            for text, ln, co, j in crit
        ]
        competencies.append(
            Competency(
                cid,
                statement,
                kind,
                activities,
                criteria,
                esco,
                notes,
                extensions,
                Source(file, cl, cc, path),
                relations_from_compact(cr, file, path),
            )
        )
    return Block(
        id=bid,
        title=title,
        competencies=competencies,
        description=description,
        volume=Volume(hours, credits),
        prerequisites=prerequisites,
        modalities=[
            Modality(t, d, h, Source(file, ml, mc, ("modalities", mi)))
            for mi, ml, mc, t, d, h in modalities
        ],
        extensions=ext,
        source=Source(file, line, col, ()),
        relations=relations_from_compact(rels, file, ()),
    )

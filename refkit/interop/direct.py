"""Provides import of the DIRECT digital research competencies framework (JSON).

Two layouts, both nested three levels deep, are read: v1's
``{"categories": [{title, description, subcategories: [{..., skills: [...]}]}]}`` and v2's
all-in-one ``{"competency_domains": [{..., competencies: [{..., skills: [...]}]}]}``.

DIRECT has no stable identifiers: refkit derives ids from the titles (lower-case words joined by
hyphens, as DIRECT's own v2 slugs), so a skill renamed between versions gets a new id and the
semantic diff pairs it with its old self by similarity. The middle level (v1 subcategories, v2
competencies) are the blocks, their domain kept in ``x-direct``; each skill is a competency whose
statement is its description (the sentence saying what the person can do), its title and tools
kept in ``x-direct``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from refkit.errors import RefkitError
from refkit.i18n import Msg
from refkit.interop import Imported, Skipped, slug
from refkit.interop.inputs import read_input
from refkit.interop.jsonfile import load_json
from refkit.model import Block, Competency, Framework, FrameworkType, Kind

LAYOUTS = (  # top, middle, tools key
    ("categories", "subcategories", "tools_languages_methods_behaviours"),
    ("competency_domains", "competencies", "tools_languages_methodologies"),
)


def _second(middle: str, bid: str) -> Msg:
    """Why a block is skipped when another has its id: "a second subcategory" (v1) or "a second
    competency" (v2)."""
    if middle == "subcategories":
        return Msg("a second subcategory {id}", id=bid)
    return Msg("a second competency {id}", id=bid)


def _list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    if isinstance(value, str):
        return [v.strip() for v in value.split("|") if v.strip()]
    return []


def _str(value: Any) -> str:
    """A text of the source; anything else (a number, a list) is no text."""
    return value if isinstance(value, str) else ""


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def import_direct(path: Path, *, title: str | None = None) -> Imported:
    name = str(path)
    data = load_json(path)
    layout = next((lay for lay in LAYOUTS if isinstance(data, dict) and isinstance(data.get(lay[0]), list)), None)  # fmt: skip
    if layout is None:
        raise RefkitError(
            Msg(
                "{name} is not a DIRECT framework file: it has neither categories (v1) nor competency_domains (v2)",
                name=name,
            ),
            hint=Msg(
                "give skills-competencies-framework.json (v1) or DIRECT-framework-all-in-one.json (v2)"
            ),
        )
    top, middle, tools_key = layout
    fw = Framework(
        id="",
        title=title or "DIRECT digital research competencies framework",
        lang="en",
        type=FrameworkType.REFERENCE.value,
    )
    result = Imported(fw, name)
    domains = []
    used_blocks: set[str] = set()
    used: set[str] = set()
    for d_n, domain in enumerate(data[top], start=1):
        if not isinstance(domain, dict) or not _str(domain.get("title")).strip():
            result.skipped.append(Skipped(f"{top}[{d_n}]", Msg("no title")))
            continue
        did = slug(domain["title"])
        domains.append({k: v for k, v in (("id", did), ("title", domain["title"]), ("description", domain.get("description"))) if v})  # fmt: skip
        for m_n, group in enumerate(_items(domain.get(middle)), start=1):
            where = f"{top}[{d_n}].{middle}[{m_n}]"
            gtitle = _str(group.get("title")) if isinstance(group, dict) else ""
            bid = slug(gtitle)
            if not bid or bid in used_blocks:
                result.skipped.append(Skipped(where, Msg("no title") if not bid else _second(middle, bid)))  # fmt: skip
                continue
            used_blocks.add(bid)
            block = Block(
                bid,
                gtitle,
                description=_str(group.get("description")) or None,
                extensions={"x-direct": {"domain": did}},
            )
            for s_n, skill in enumerate(_items(group.get("skills")), start=1):
                s_where = f"{where}.skills[{s_n}]"
                stitle = _str(skill.get("title")) if isinstance(skill, dict) else ""
                cid = slug(stitle)
                if not cid:
                    result.skipped.append(Skipped(s_where, Msg("no title")))
                    continue
                if cid in used:
                    result.skipped.append(Skipped(s_where, Msg("a second skill {id}", id=cid)))
                    continue
                used.add(cid)
                description = skill.get("description")
                statement = description if isinstance(description, str) and description.strip() and "\n" not in description.strip() else stitle  # fmt: skip
                x = {
                    "title": stitle,
                    "tools": _list(skill.get(tools_key)),
                    "training_resources": _list(skill.get("training_resources")),
                }
                block.competencies.append(
                    Competency(
                        cid,
                        statement,
                        Kind.SKILL.value,
                        extensions={"x-direct": {k: v for k, v in x.items() if v}},
                    )
                )
            fw.blocks.append(block)
    if not fw.blocks:
        raise RefkitError(Msg("{name}: no skills found under {top} and {middle}", name=name, top=top, middle=middle))  # fmt: skip
    fw.extensions["x-direct"] = {
        "domains": domains,
        "sha256": hashlib.sha256(read_input(path)).hexdigest()[:16],
    }
    return result

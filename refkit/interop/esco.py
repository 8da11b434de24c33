"""Provides import of ESCO's CSV releases (the official "classification" zips).

ESCO publishes each release as a zip per language (``skills_en.csv``, ``skillGroups_en.csv``, the
collections such as ``digCompSkillsCollection_en.csv``...) and a language-less zip of relations
(``broaderRelationsSkillPillar.csv``...). refkit imports a part of the skills pillar as a reference
framework:

* a collection (``--collection digComp``: the skills of ``digCompSkillsCollection_<lang>.csv``);
* a skill group and everything under it (``--group S5`` or its URI; needs the relations zip);
* the whole skills pillar (``--pillar``; needs the relations zip).

Each skill is a competency whose id is the last part of its URI (a UUID) and whose ``esco`` is its
URI: the ids of two releases match. Its block is the skill group it is filed under (the nearest
group above it, through broader skills when it is a narrower skill; the smallest group code when it
has several), whose id is the group's code (``S5.2.3``, or the ISCED-F code ``0613``): codes stayed
the same when ESCO changed the groups' URIs in v1.1.1. ``preferredLabel`` is the statement,
``description`` the notes; the other fields are kept in ``x-esco`` (labels sorted: they are sets).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from refkit.errors import RefkitError
from refkit.i18n import N_, Msg
from refkit.interop import Imported, Skipped, id_from_identifier, is_id, one_line
from refkit.interop.inputs import check_zip, check_zip_directory, read_input
from refkit.model import Block, Competency, Framework, FrameworkType, Kind, Relation
from refkit.store.loader import natural_key

RELATIONS = "broaderRelationsSkillPillar.csv"
RELATED = "skillSkillRelations.csv"  # a skill's essential and optional related skills
_LANG_FILE = re.compile(r"^skills_([a-z]{2,3}(?:-[a-z]+)?)\.csv$", re.IGNORECASE)


@dataclass(slots=True)
class _Source:
    zips: list[Path]
    files: dict[str, tuple[Path, zipfile.ZipInfo]] = field(default_factory=dict)  # lower name ->
    digest: str = ""

    def has(self, name: str) -> bool:
        return name.lower() in self.files

    def rows(self, name: str, why: str) -> list[dict[str, str]]:
        found = self.files.get(name.lower())
        if found is None:
            given = ", ".join(p.name for p in self.zips)
            raise RefkitError(
                Msg(
                    "{name} is in none of the zips given ({given}): it is needed {why}",
                    name=name,
                    given=given,
                    why=Msg(why),
                ),
                hint=_hint_for(name),
            )
        path, info = found
        try:
            with zipfile.ZipFile(path) as z:
                raw = z.read(info)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error) as e:
            raise RefkitError(
                Msg(
                    "{path}: {member} cannot be read ({error})",
                    path=path,
                    member=info.filename,
                    error=e,
                ),
                hint=Msg("download ESCO's zip again: this one is damaged"),
            ) from e
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise RefkitError(
                Msg(
                    "{file}:{member}: not UTF-8 text (byte {byte})",
                    file=path.name,
                    member=info.filename,
                    byte=e.start,
                )
            ) from e
        reader = csv.DictReader(io.StringIO(text, newline=""))
        try:
            return list(reader)
        except csv.Error as e:
            raise RefkitError(
                Msg(
                    "{file}:{member}:{line}: not valid CSV ({error})",
                    file=path.name,
                    member=info.filename,
                    line=reader.line_num,
                    error=e,
                )
            ) from e


def _hint_for(name: str) -> Msg:
    if name == RELATIONS:
        return Msg('add ESCO\'s relations zip ("ESCO dataset - vX - classification -  - csv.zip", without a language) after the language zip')  # fmt: skip
    return Msg('give ESCO\'s classification zip for one language ("ESCO dataset - vX - classification - en - csv.zip")')  # fmt: skip


def _open(zips: list[Path]) -> _Source:
    src = _Source(zips)
    h = hashlib.sha256()
    for path in zips:
        data = read_input(path, what=N_("ESCO's zip"))
        check_zip_directory(path)
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                infos = z.infolist()
                check_zip(z, path)  # each member's size, from the directory, before any is read
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
            raise RefkitError(
                Msg("{path} is not a zip file ({error})", path=path, error=e),
                hint=Msg(
                    "give ESCO's CSV download zips as they are (ESCO dataset - v1.1.1 - classification - en - csv.zip)"
                ),
            ) from e
        h.update(data)
        for info in infos:
            base = info.filename.rsplit("/", 1)[-1]
            if base.lower().endswith(".csv"):
                src.files.setdefault(base.lower(), (path, info))
    src.digest = h.hexdigest()
    return src


def _labels(text: str, sep: str) -> list[str]:
    return sorted({t.strip() for t in text.split(sep) if t.strip()})


def _uris(text: str) -> list[str]:
    return [u.strip() for u in re.split(r"\s*\|\s*|\s+", text) if u.strip()]


def collections(zips: list[Path]) -> list[str]:
    """The collections the zips hold: ``digComp``, ``green``..."""
    src = _open(zips)
    names = []
    for name in src.files:
        m = re.match(r"^(.+)skillscollection_[a-z-]+\.csv$", name)
        if m:
            names.append(
                src.files[name][1].filename.rsplit("/", 1)[-1].split("SkillsCollection")[0]
            )
    return sorted(set(names), key=str.lower)


def import_esco(
    zips: list[Path],
    *,
    collection: str | None = None,
    group: str | None = None,
    pillar: bool = False,
) -> Imported:
    if sum((collection is not None, group is not None, pillar)) != 1:
        raise RefkitError(
            Msg("say what to import: --collection NAME, --group CODE or --pillar"),
            hint=Msg(
                "e.g. --collection digComp (the DigComp skills), --group S5 (a skill group), --pillar (every skill)"
            ),
        )
    src = _open(zips)
    langs = sorted({m.group(1) for n in src.files if (m := _LANG_FILE.match(n))})
    if not langs:
        raise RefkitError(
            Msg("none of the zips holds skills_<language>.csv: is it ESCO's classification zip?"),
            hint=_hint_for("skills_en.csv"),
        )
    lang = langs[0]
    skills = {r["conceptUri"]: r for r in src.rows(f"skills_{lang}.csv", N_("for the skills"))}
    groups = {r["conceptUri"]: r for r in src.rows(f"skillGroups_{lang}.csv", N_("for the skill groups (the blocks)"))}  # fmt: skip

    broader: dict[str, list[str]] = defaultdict(list)
    root: str | None = None
    selected: list[str]
    what: str
    if collection is not None:
        selected = _collection(src, zips, collection, lang, broader)
        what = f"ESCO {collection} collection"
    else:
        _read_broader(src, broader)
        if pillar:
            selected = list(skills)
            what = "ESCO skills pillar"
        else:
            assert group is not None
            root = _find_group(groups, group)
            under = _descendants(root, broader)
            selected = [u for u in skills if u in under]
            what = f"ESCO skill group {_code(root, groups[root])} {groups[root]['preferredLabel']}"
            if not selected:
                raise RefkitError(Msg("skill group {group} has no skills under it", group=group))
    fw = Framework(
        id="", title=what, lang=lang, type=FrameworkType.REFERENCE.value, stable_ids=True
    )
    result = Imported(fw, ", ".join(str(z) for z in zips))
    _build(result, selected, skills, groups, broader, restrict=root)
    _broader_relations(fw)
    if src.has(RELATED):
        _related_relations(fw, src.rows(RELATED, N_("for the related skills")))
    version = _version(zips)
    fw.extensions["x-esco"] = {
        k: v
        for k, v in (
            ("version", version),
            ("files", sorted(p.name for p in zips)),
            ("sha256", src.digest[:16]),
        )
        if v
    }
    return result


def _collection(
    src: _Source, zips: list[Path], collection: str, lang: str, broader: dict[str, list[str]]
) -> list[str]:
    """The skills of the ESCO collection ``collection`` (their URIs), with their broader
    concepts put in ``broader``."""
    name = f"{collection}SkillsCollection_{lang}.csv"
    if not src.has(name):
        known = ", ".join(collections(zips))
        raise RefkitError(
            Msg(
                "no collection {collection}: the zips have no {file}",
                collection=repr(collection),
                file=name,
            ),
            hint=Msg("collections in these zips: {collections}", collections=known)
            if known
            else Msg("collections in these zips: none"),
        )
    rows = src.rows(name, N_("for the collection"))
    if rows and "conceptUri" not in rows[0]:
        raise RefkitError(
            Msg("{file} has no conceptUri column: is it an ESCO collection?", file=name)
        )
    selected = [r["conceptUri"] for r in rows]
    if src.has(RELATIONS):
        _read_broader(src, broader)
    else:
        for r in rows:
            broader[r["conceptUri"]] = _uris(r.get("broaderConceptUri", ""))
    return selected


def _version(zips: list[Path]) -> str | None:
    for p in zips:
        m = re.search(r"v(\d+(?:\.\d+)+)", p.name)
        if m:
            return m.group(1)
    return None


def _broader_relations(fw: Framework) -> None:
    """ESCO's broader concepts of a skill or a group (kept so far in ``x-esco.broader``) as
    ``broader`` relations (issue 17): to the competency or block of the framework that is that
    concept, else to its URI."""
    ids = {b.extensions.get("x-esco", {}).get("uri"): b.id for b in fw.blocks}
    ids.update((c.esco[0], c.id) for _, c in fw.competencies() if c.esco)
    holders: list[Block | Competency] = [*fw.blocks, *(c for _, c in fw.competencies())]
    for item in holders:
        x = item.extensions.get("x-esco", {})
        item.relations = [Relation("broader", ids.get(u, u)) for u in x.pop("broader", [])]


def _related_relations(fw: Framework, rows: list[dict[str, str]]) -> None:
    """ESCO's related skills (``skillSkillRelations.csv``) of the skills imported as ``related``
    relations, ESCO's kind of relation ("essential", "optional") as their note: to the
    competency that is the related skill, else to its URI."""
    ids = {c.esco[0]: c for _, c in fw.competencies() if c.esco}
    for r in rows:
        origin = ids.get(r.get("originalSkillUri", ""))
        target = r.get("relatedSkillUri", "")
        if origin is None or not target:
            continue
        found = ids.get(target)
        kind = r.get("relationType") or None
        origin.relations.append(Relation("related", found.id if found else target, kind))


def _read_broader(src: _Source, broader: dict[str, list[str]]) -> None:
    rows = src.rows(RELATIONS, N_("for the hierarchy of skills and groups"))
    if rows and not {"conceptUri", "broaderUri"} <= set(rows[0]):
        raise RefkitError(Msg("{file} has no conceptUri and broaderUri columns", file=RELATIONS))
    for r in rows:
        broader[r["conceptUri"]].append(r["broaderUri"])


def _code(uri: str, row: dict[str, str]) -> str:
    code = (row.get("code") or "").strip()
    if code and is_id(code):
        return code
    return id_from_identifier(uri.rstrip("/").rsplit("/", 1)[-1])


def _find_group(groups: dict[str, dict[str, str]], wanted: str) -> str:
    for uri, row in groups.items():
        if wanted in (uri, (row.get("code") or "").strip()) or uri.rsplit("/", 1)[-1] == wanted:
            return uri
    raise RefkitError(
        Msg("no skill group {group} in skillGroups", group=repr(wanted)),
        hint=Msg("give a group code (S5, S5.2, 0613...) or its URI"),
    )


def _descendants(root: str, broader: dict[str, list[str]]) -> set[str]:
    narrower: dict[str, list[str]] = defaultdict(list)
    for child, parents in broader.items():
        for p in parents:
            narrower[p].append(child)
    seen = {root}
    stack = [root]
    while stack:
        for child in narrower.get(stack.pop(), ()):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen


def _build(
    result: Imported,
    selected: list[str],
    skills: dict[str, dict[str, str]],
    groups: dict[str, dict[str, str]],
    broader: dict[str, list[str]],
    restrict: str | None,
) -> None:
    allowed = _descendants(restrict, broader) if restrict else None
    code_of = {uri: _code(uri, row) for uri, row in groups.items()}
    blocks: dict[str, Block] = {}
    used: set[str] = set()

    def group_of(uri: str) -> str | None:
        """The nearest skill group above a skill (breadth first), smallest code first."""
        level = [uri]
        seen = {uri}
        while level:
            found = sorted(
                (p for u in level for p in broader.get(u, ()) if p in groups and (allowed is None or p in allowed)),
                key=lambda p: natural_key(code_of[p]),
            )  # fmt: skip
            if found:
                return found[0]
            level = [p for u in level for p in broader.get(u, ()) if p not in seen and p in skills]
            seen.update(level)
        return None

    for uri in selected:
        row = skills.get(uri)
        if row is None:
            result.skipped.append(Skipped(uri, Msg("not in skills: the collection names a skill the pillar lacks")))  # fmt: skip
            continue
        label = row.get("preferredLabel", "")
        if not label.strip() or "\n" in label.strip():
            result.skipped.append(Skipped(uri, Msg("no preferredLabel on one line")))
            continue
        cid = id_from_identifier(uri.rstrip("/").rsplit("/", 1)[-1])
        if cid in used:
            result.skipped.append(Skipped(uri, Msg("its id {id} is already used", id=cid)))
            continue
        used.add(cid)
        g = group_of(uri)
        if g is None:
            bid, title = "ungrouped", "Skills filed under no skill group"
        else:
            bid, title = code_of[g], one_line(groups[g].get("preferredLabel", "")) or code_of[g]
        block = blocks.get(bid)
        if block is None:
            block = blocks[bid] = Block(bid, title)
            if g is not None:
                gx = {"uri": g, "broader": sorted(p for p in broader.get(g, ()) if p in groups)}
                block.description = (groups[g].get("description") or "").strip() or None
                block.extensions["x-esco"] = {k: v for k, v in gx.items() if v}
        block.competencies.append(_competency(cid, label, uri, row, sorted(p for p in broader.get(uri, ()) if p != g)))  # fmt: skip
    fw = result.framework
    fw.blocks = sorted(blocks.values(), key=lambda b: natural_key(b.id))
    for b in fw.blocks:
        b.competencies.sort(key=lambda c: c.id)


def _competency(cid: str, label: str, uri: str, row: dict[str, str], broader: list[str]) -> Competency:  # fmt: skip
    """The competency of ESCO's skill ``uri`` (its CSV ``row``), its ESCO fields in x-esco;
    ``broader``: the skills and groups above it other than its block's group."""
    kind = Kind.KNOWLEDGE.value if row.get("skillType") == "knowledge" else Kind.SKILL.value
    x: dict[str, Any] = {
        "altLabels": _labels(row.get("altLabels", ""), "\n"),
        "hiddenLabels": _labels(row.get("hiddenLabels", ""), "\n"),
        "reuseLevel": row.get("reuseLevel", ""),
        "status": row.get("status", "") if row.get("status") != "released" else "",
        "modifiedDate": row.get("modifiedDate", ""),
        "scopeNote": row.get("scopeNote", ""),
        "definition": row.get("definition", ""),
        "inScheme": _labels(row.get("inScheme", "").replace(",", "\n"), "\n"),
        "broader": broader,
    }
    if row.get("skillType") not in ("knowledge", "skill/competence"):
        x["skillType"] = row.get("skillType", "")
    description = row.get("description", "")
    return Competency(
        cid,
        label,
        kind,
        esco=[uri],
        notes=description if description.strip() else None,
        extensions={"x-esco": {k: v for k, v in x.items() if v}},
    )

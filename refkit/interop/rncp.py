"""Provides import and export of RNCP fiches in France Compétences' XML export (format v4.1).

Import picks one fiche out of the national export (``refkit.interop.rncp_xml`` reads it as a
stream) and maps it onto a framework (docs/interop-rncp.md):

* ``NUMERO_FICHE`` -> ``codes.rncp`` (``codes.rs`` for an RS fiche), ``INTITULE`` -> ``title``,
  ``NOMENCLATURE_EUROPE/NIVEAU`` (``NIV6``) -> ``level`` (EQF and French nomenclature),
  ``CODES_ROME``, ``CODES_NSF``, ``FORMACODES`` -> ``codes``; ``ACTIF`` -> ``status``
  (published / deprecated); ``DATE_EFFET`` and ``DATE_FIN_ENREGISTREMENT`` -> ``validity``;
  ``ID_FICHE`` and the links to the fiches it replaces and that replace it
  (``ANCIENNE_CERTIFICATION``, ``NOUVELLE_CERTIFICATION``) -> ``x-rncp``;
* each ``BLOC_COMPETENCES`` -> a block: its ``CODE`` (``RNCP37999BC01``) gives the id (``BC01``),
  ``LIBELLE`` the title; ``LISTE_COMPETENCES``, free text (HTML-ish), is split into competencies,
  one per list item or line, numbered per block (``C1.1``, ``C1.2``... in block 1); the lines
  that introduce a list ("Être capable de :") are the block's description;
  ``MODALITES_EVALUATION`` is split the same way: an item that says its kind of assessment
  (mise en situation, oral, écrit, dossier...) is a modality, the others are kept in ``x-rncp``.

Export writes a framework in the same shape, so that importing the export gives the framework back,
and can add the correspondence table between two releases (refkit's own element: the v4.1 export
has none).
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from refkit.errors import RefkitError
from refkit.i18n import Msg, N_plural
from refkit.interop import Imported, Skipped, is_id
from refkit.interop.rncp_xml import (
    active_of,
    children,
    level_of,
    markup,
    normalize_number,
    scan,
    text,
)
from refkit.model import (
    Block,
    CertificationRules,
    Competency,
    Framework,
    FrameworkType,
    Kind,
    Level,
    Modality,
    Status,
    Validity,
)

X = "x-rncp"
ROME = re.compile(r"^[A-N][0-9]{4}$")
NSF = re.compile(r"^[0-9]{3}[a-z]?$")
FORMACODE = re.compile(r"^[0-9]{5}$")
BLOCK_SUFFIX = re.compile(r"BC\s*0*([0-9]{1,3})$", re.IGNORECASE)

# -- free text -> items -------------------------------------------------------------------------

_LIST = re.compile(r"<\s*(ul|ol|li)\b", re.IGNORECASE)
_ITEM = re.compile(r"<\s*li\b[^<>]*>", re.IGNORECASE)
_BREAK = re.compile(r"<\s*/?\s*(br|p|ul|ol|li|div|h[1-6]|tr|table)\b[^<>]*>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(\s[^<>]*)?/?>")
_BULLET = re.compile(r"^(?:[-‐‑–—•·▪●◦○■□►▸❖✓✔*+>]+|\d{1,2}[.)]|[a-z][)])\s*")
MARK = "\x01"  # starts a line that was a list item


def split_items(source: str) -> tuple[list[str], list[str]]:
    """The introducing lines and the items of a free text: in a text with an HTML list, the list
    items are the items and the rest introduces them; otherwise each line is an item (its
    bullet removed: -, •, 1., a)...) but a line ending with ":", which introduces."""
    listed = bool(_LIST.search(source))
    if listed:  # HTML: a line end is a space, a tag breaks
        source = source.replace("\r", " ").replace("\n", " ")
    source = _ITEM.sub("\n" + MARK, source)
    source = _BREAK.sub("\n", source)
    source = html.unescape(_TAG.sub("", source)).replace("\u00a0", " ").replace("\r", "\n")
    intro: list[str] = []
    items: list[str] = []
    for raw in source.split("\n"):
        is_item = raw.lstrip().startswith(MARK)
        line = " ".join(raw.replace(MARK, " ").split())
        if not listed:
            line = _BULLET.sub("", line)
        if not line:
            continue
        if is_item if listed else not line.endswith(":"):
            items.append(line)
        else:
            intro.append(line)
    return intro, items


# the kinds of assessment, by the words that say them (accents removed, lower case); the word
# found first in an item gives its kind
KEYWORDS: list[tuple[str, str]] = [
    ("mise en situation", "practical"),
    ("situation professionnelle", "practical"),
    ("cas pratique", "practical"),
    ("epreuve pratique", "practical"),
    ("travaux pratiques", "practical"),
    ("simulation", "simulation"),
    ("jeu de role", "simulation"),
    ("jeux de role", "simulation"),
    ("portfolio", "portfolio"),
    ("dossier", "portfolio"),
    ("memoire", "portfolio"),
    ("rapport", "portfolio"),
    ("oral", "oral"),
    ("entretien", "oral"),
    ("soutenance", "oral"),
    ("ecrit", "written"),
    ("questionnaire", "written"),
    ("qcm", "written"),
    ("etude de cas", "written"),
    ("en entreprise", "workplace"),
    ("milieu professionnel", "workplace"),
    ("situation de travail", "workplace"),
    ("projet", "project"),
]
LABELS = {
    "practical": "Mise en situation professionnelle",
    "simulation": "Simulation",
    "portfolio": "Dossier professionnel",
    "oral": "Entretien oral",
    "written": "Épreuve écrite",
    "workplace": "Évaluation en situation de travail",
    "project": "Projet",
}


def modality_kind(item: str) -> str | None:
    from refkit.interop.rncp_xml import folded

    text_ = folded(item)
    found = [(text_.find(word), kind) for word, kind in KEYWORDS if word in text_]
    return min(found)[1] if found else None


# -- import ---------------------------------------------------------------------------------------


def import_rncp(path: Path, fiche: str, *, reference: bool = False) -> Imported:
    """The framework of fiche ``fiche`` of the export ``path``."""
    number = normalize_number(fiche)
    if number is None:
        raise RefkitError(Msg("{fiche} is not a fiche number", fiche=fiche), hint=Msg("give it as RNCP37999 (or 37999), or RS5000 for the specific register"))  # fmt: skip
    found = scan(path, number)
    if found.found is None:
        raise _not_found(path, number, found.fiches)
    if found.times > 1:
        raise RefkitError(Msg("{file}: fiche {fiche} appears {n} times in the export: refkit cannot tell which to import", file=str(path), fiche=number, n=found.times), hint=Msg("the export holds each fiche once: download it again"))  # fmt: skip
    return fiche_to_framework(found.found, f"{path} ({number})", reference=reference)


def _not_found(path: Path, number: str, fiches: list[Any]) -> RefkitError:
    if not fiches:
        return RefkitError(Msg("{file} holds no fiche (no <FICHE> element)", file=str(path)), hint=Msg("give France Compétences' XML export of the fiches (export-fiches-rncp-v4-1-DATE.xml)"))  # fmt: skip
    import difflib

    numbers = difflib.get_close_matches(number, [f.number for f in fiches], n=8, cutoff=0.8)
    close = [f for f in fiches if f.number in numbers]
    if close:
        shown = ", ".join(f"{f.number} ({f.title})" for f in close)
        hint = Msg("fiches of the export with a close number: {fiches}", fiches=shown)
    else:
        hint = Msg("--list TEXT lists the fiches whose number or title holds TEXT")
    return RefkitError(Msg("{file}: no fiche {fiche} among its {n} fiches; nothing written", file=str(path), fiche=number, n=len(fiches)), hint=hint)  # fmt: skip


def fiche_to_framework(fiche: ET.Element, source: str, *, reference: bool = False) -> Imported:
    number = normalize_number(text(fiche, "NUMERO_FICHE")) or ""
    fw = Framework(id="", title=text(fiche, "INTITULE") or number, lang="fr")
    result = Imported(fw, source)
    fw.codes["rs" if number.startswith("RS") else "rncp"] = number
    _codes(fiche, fw, result)
    level = level_of(fiche)
    if level is not None:
        fw.level = Level(eqf=level, national={"fr": level} if 3 <= level <= 8 else {})
    elif not reference:
        result.notes.append(Msg("the fiche gives no level (NOMENCLATURE_EUROPE): add level: to framework.yaml"))  # fmt: skip
    active = active_of(fiche)
    fw.status = Status.DEPRECATED.value if active is False else Status.PUBLISHED.value
    fw.validity = Validity(_date(text(fiche, "DATE_EFFET")), _date(text(fiche, "DATE_FIN_ENREGISTREMENT")))  # fmt: skip
    ext: dict[str, Any] = {}
    if text(fiche, "ID_FICHE"):
        ext["id_fiche"] = text(fiche, "ID_FICHE")
    for key, tag in (("anciennes_certifications", "ANCIENNE_CERTIFICATION"), ("nouvelles_certifications", "NOUVELLE_CERTIFICATION")):  # fmt: skip
        linked = _links(fiche, tag)
        if linked:
            ext[key] = linked
    if ext:
        fw.extensions[X] = ext
    for i, bloc in enumerate(children(fiche, "BLOCS_COMPETENCES", "BLOC_COMPETENCES"), 1):
        block = _block(bloc, i, number, fw, result)
        if block is not None:
            fw.blocks.append(block)
    if children(fiche, "CORRESPONDANCES_BLOCS"):
        result.notes.append(Msg("the correspondence table in the file (CORRESPONDANCES_BLOCS) is not imported: refkit derives it from releases (refkit diff --correspondence)"))  # fmt: skip
    _finish(fw, result, reference)
    return result


def _finish(fw: Framework, result: Imported, reference: bool) -> None:
    competencies = sum(len(b.competencies) for b in fw.blocks)
    if reference:
        fw.type = FrameworkType.REFERENCE.value
        return
    fw.certification = CertificationRules(required=[b.id for b in fw.blocks])
    if fw.blocks:
        result.notes.append(Msg("every block is required for the certification: edit certification: in framework.yaml for optional blocks"))  # fmt: skip
    if competencies:
        result.notes.append(
            Msg(
                N_plural(
                    "the fiche gives no assessment criteria: refkit validate asks for at least one for its only competency (or import with --reference)",
                    "the fiche gives no assessment criteria: refkit validate asks for at least one for each of the {n} competencies (or import with --reference)",
                ),
                n=competencies,
            )
        )


def _codes(fiche: ET.Element, fw: Framework, result: Imported) -> None:
    for key, path, pattern, clean in (
        ("rome", ("CODES_ROME", "ROME", "CODE"), ROME, str.upper),
        ("nsf", ("CODES_NSF", "NSF", "CODE"), NSF, str.lower),
        ("formacode", ("FORMACODES", "FORMACODE", "CODE"), FORMACODE, str.strip),
    ):
        codes: list[str] = []
        for elem in children(fiche, *path):
            code = clean("".join("".join(elem.itertext()).split()))
            if not pattern.match(code):
                result.skipped.append(Skipped(f"{path[0]}/{path[1]}", Msg("{code} is not a {kind} code", code=repr(code), kind=key.upper())))  # fmt: skip
            elif code not in codes:
                codes.append(code)
        if codes:
            fw.codes[key] = codes


def _links(fiche: ET.Element, tag: str) -> list[str]:
    """The fiche numbers of ``tag`` elements, written directly in the fiche or under a plural
    wrapper, as text or in an ``ID_FICHE_...`` child (both shapes are seen in public parsers)."""
    found = children(fiche, tag) + children(fiche, tag.replace("_CERT", "S_CERT") + "S", tag)
    out: list[str] = []
    for elem in found:
        number = normalize_number(text(elem, f"ID_FICHE_{tag}") or "".join(elem.itertext()))
        if number and number not in out:
            out.append(number)
    return out


def _date(value: str) -> str | None:
    m = re.match(r"^(\d{2})/(\d{2})/(\d{4})$", value) or None
    if m:
        return f"{m.group(3)}-{m.group(2)}-{m.group(1)}"
    return value[:10] if re.match(r"^\d{4}-\d{2}-\d{2}", value) else None


def _block(bloc: ET.Element, position: int, number: str, fw: Framework, result: Imported) -> Block | None:  # fmt: skip
    code = "".join(text(bloc, "CODE").split()) or "".join(text(bloc, "BLOC_CODE").split())
    title = text(bloc, "LIBELLE") or text(bloc, "BLOC_LIBELLE")
    where = f"BLOC_COMPETENCES {position}" + (f" ({title})" if title else "")
    if not code:
        result.skipped.append(Skipped(where, Msg("the block has no CODE: its competencies are left out")))  # fmt: skip
        return None
    bid = code[len(number) :] if number and code.upper().startswith(number) else code
    if not is_id(bid):
        result.skipped.append(Skipped(where, Msg("block code {code} cannot be an id (letters, digits, '.', '_', '-')", code=repr(code))))  # fmt: skip
        return None
    if any(b.id == bid for b in fw.blocks):
        result.skipped.append(
            Skipped(where, Msg("block {code} is already in the fiche", code=code))
        )
        return None
    m = BLOCK_SUFFIX.search(bid)
    n = int(m.group(1)) if m else position
    block = Block(bid, title or code)
    if bid != code and code != f"{number}{bid}":
        block.extensions[X] = {"code": code}
    intro, items = split_items(markup(_find(bloc, "LISTE_COMPETENCES")))
    block.description = "\n".join(intro) or None
    block.competencies = [Competency(f"C{n}.{i}", s, Kind.SKILL.value) for i, s in enumerate(items, 1)]  # fmt: skip
    taken = {c.id for b in fw.blocks for c in b.competencies}
    if taken & {c.id for c in block.competencies}:  # two blocks numbered alike (BC01, BC1)
        block.competencies = [Competency(f"C{bid}.{i}", c.statement, c.kind) for i, c in enumerate(block.competencies, 1)]  # fmt: skip
    intro, items = split_items(markup(_find(bloc, "MODALITES_EVALUATION")))
    unplaced = []
    for item in intro + items:
        kind = modality_kind(item)
        if kind is None:
            unplaced.append(item)
        else:
            block.modalities.append(Modality(kind, item))
    if unplaced:
        block.extensions.setdefault(X, {})["modalites"] = unplaced
    return block


def _find(elem: ET.Element, tag: str) -> ET.Element | None:
    found = children(elem, tag)
    return found[0] if found else None


# -- export ---------------------------------------------------------------------------------------

# characters XML 1.0 cannot hold at all (C0 controls but tab, line feed and carriage return)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def fiche_number(fw: Framework) -> str:
    number = fw.codes.get("rncp") or fw.codes.get("rs")
    if not number:
        raise RefkitError(
            Msg(
                "{framework} has no RNCP code (codes: rncp:): an RNCP fiche is named by it",
                framework=fw.id,
            ),
            hint=Msg("add it to framework.yaml (codes: rncp: RNCP37999), then export again"),
        )
    return str(number)


def block_code(fw: Framework, block: Block) -> str:
    own = block.extensions.get(X)
    if isinstance(own, dict) and isinstance(own.get("code"), str):
        return str(own["code"])
    return f"{fw.codes.get('rncp') or fw.codes.get('rs') or ''}{block.id}"


def _list_html(intro: list[str], items: list[str]) -> str:
    paragraphs = "".join(f"<p>{html.escape(line, quote=False)}</p>" for line in intro)
    listed = "".join(f"<li>{html.escape(item, quote=False)}</li>" for item in items)
    return f"{paragraphs}<ul>{listed}</ul>"


def _add(parent: ET.Element, tag: str, value: str | None = None) -> ET.Element:
    elem = ET.SubElement(parent, tag)
    if value is not None:
        elem.text = value
    return elem


def _ext(extensions: dict[str, Any]) -> dict[str, Any]:
    found = extensions.get(X)
    return found if isinstance(found, dict) else {}


def _fiche(fw: Framework) -> ET.Element:
    number = fiche_number(fw)
    ext = _ext(fw.extensions)
    fiche = ET.Element("FICHE")
    if ext.get("id_fiche"):
        _add(fiche, "ID_FICHE", str(ext["id_fiche"]))
    _add(fiche, "NUMERO_FICHE", number)
    _add(fiche, "INTITULE", fw.title)
    _add(fiche, "ACTIF", "Non" if fw.status == Status.DEPRECATED.value else "Oui")
    level = fw.level.national.get("fr") or fw.level.eqf
    if level:
        europe = _add(fiche, "NOMENCLATURE_EUROPE")
        _add(europe, "NIVEAU", f"NIV{level}")
        _add(europe, "INTITULE", f"Niveau {level}")
    for key, wrapper, tag in (("rome", "CODES_ROME", "ROME"), ("nsf", "CODES_NSF", "NSF"), ("formacode", "FORMACODES", "FORMACODE")):  # fmt: skip
        if fw.codes.get(key):
            outer = _add(fiche, wrapper)
            for code in fw.codes[key]:
                _add(_add(outer, tag), "CODE", str(code))
    blocs = _add(fiche, "BLOCS_COMPETENCES")
    for block in fw.blocks:
        bloc = _add(blocs, "BLOC_COMPETENCES")
        _add(bloc, "CODE", block_code(fw, block))
        _add(bloc, "LIBELLE", block.title)
        intro = block.description.split("\n") if block.description else []
        _add(bloc, "LISTE_COMPETENCES", _list_html([line for line in intro if line.strip()], [c.statement for c in block.competencies]))  # fmt: skip
        own = _ext(block.extensions)
        said = [_modality_text(m) for m in block.modalities]
        said += [" ".join(str(m).split()) for m in own.get("modalites", [])]
        if said:
            _add(bloc, "MODALITES_EVALUATION", _list_html([], said))
    if fw.validity.start:
        _add(fiche, "DATE_EFFET", _french_date(fw.validity.start))
    if fw.validity.until:
        _add(fiche, "DATE_FIN_ENREGISTREMENT", _french_date(fw.validity.until))
    for key, tag in (("anciennes_certifications", "ANCIENNE_CERTIFICATION"), ("nouvelles_certifications", "NOUVELLE_CERTIFICATION")):  # fmt: skip
        for linked in ext.get(key, []):
            _add(fiche, tag, str(linked))
    return fiche


def _modality_text(m: Modality) -> str:
    """A modality as one line that says its kind: its description, after the label of its kind
    when the description does not say it (so that an import reads the same kind back)."""
    label = LABELS.get(m.type, m.type)
    said = " ".join((m.description or "").split())
    if not said:
        return label
    return said if modality_kind(said) == m.type else f"{label} : {said}"


def _french_date(iso: str) -> str:
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})$", str(iso))
    return f"{m.group(3)}/{m.group(2)}/{m.group(1)}" if m else str(iso)


def _correspondence(fiche: ET.Element, fw: Framework, corr: Any) -> None:
    """refkit's own element (the v4.1 export has no correspondence between blocks): the table
    from release ``corr.old_version`` to this one, block codes in full; and the old fiche among
    the ones this fiche replaces when its number changed."""
    old_number = corr.old.codes.get("rncp") or corr.old.codes.get("rs")
    if old_number and old_number != fiche_number(fw):
        present = {e.text for e in children(fiche, "ANCIENNE_CERTIFICATION")}
        if old_number not in present:
            _add(fiche, "ANCIENNE_CERTIFICATION", str(old_number))
    table = _add(fiche, "CORRESPONDANCES_BLOCS")
    table.set("de", corr.old_version)
    table.set("vers", corr.new_version)
    old_blocks = {b.id: b for b in corr.old.blocks}
    new_blocks = {b.id: b for b in fw.blocks}
    for entry in corr.entries:
        row = _add(table, "CORRESPONDANCE")
        _add(row, "TYPE", entry.type)
        if entry.old:
            old = old_blocks.get(entry.old)
            _add(row, "ANCIEN_BLOC", block_code(corr.old, old) if old else entry.old)
        for bid in entry.new:
            new = new_blocks.get(bid)
            _add(row, "NOUVEAU_BLOC", block_code(fw, new) if new else bid)
        for cid in entry.missing:
            _add(row, "COMPETENCE_MANQUANTE", cid)
        if entry.note:
            _add(row, "NOTE", entry.note)


def export_rncp(fw: Framework, *, correspondence: Any = None) -> bytes:
    """The framework as an RNCP export holding its one fiche (UTF-8 XML, indented, byte-identical
    for the same framework), with the correspondence table of ``correspondence`` if given."""
    root = ET.Element("FICHES")
    _add(root, "VERSION_FLUX", "4.1")
    fiche = _fiche(fw)
    if correspondence is not None:
        _correspondence(fiche, fw, correspondence)
    root.append(fiche)
    for elem in root.iter():
        for value in (elem.text or "", *elem.attrib.values()):
            bad = _NOT_XML.search(value)
            if bad:
                raise RefkitError(
                    Msg(
                        "{framework}: <{tag}> would hold the control character U+{code}, which XML cannot hold: nothing written",
                        framework=fw.id,
                        tag=elem.tag,
                        code=f"{ord(bad.group()):04X}",
                    ),
                    hint=Msg(
                        "remove it from the framework (refkit validate shows where: control-character), then export again"
                    ),
                )
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"

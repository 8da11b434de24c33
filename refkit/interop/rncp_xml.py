"""Provides the reading of France Compétences' open-data export of the RNCP and RS registers (XML,
format v4.1): one fiche picked out of a national export of some 30,000, and the list of its fiches.

The export is read as a stream (``xml.etree.ElementTree.iterparse``): each ``FICHE`` is built,
looked at and cleared before the next one is read, so that memory holds one fiche, whatever the
size of the export. The export is plain XML without a document type declaration: a ``DOCTYPE``
is refused before anything else is parsed, because it alone can declare entities, and entities
are how a few hundred bytes of XML expand to gigabytes ("billion laughs"). Python's XML parsers
would expand them (expat 2.4+ caps the amplification, but refkit does not depend on its version),
and defusedxml is not a dependency of refkit: refusing the declaration is simpler and complete,
since without one, an entity other than the five predefined ones is a well-formedness error.

The export may be given as it is downloaded (a zip holding one XML file): its member is read as a
stream too, within the same cap.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

from refkit.errors import RefkitError
from refkit.i18n import N_, Msg
from refkit.interop.inputs import MB, check_input, check_zip_directory

# The national export is read as a stream, so its size costs time, not memory: the cap is far
# above the export of both registers (about 600 MB uncompressed) and guards only against a file
# that is not it.
MAX_EXPORT_BYTES = 2048 * MB
CHUNK = 1024 * 1024
WHAT = N_("the RNCP export")
NUMBER = re.compile(r"^(RNCP|RS)\s*0*([0-9]{1,6})$", re.IGNORECASE)


@dataclass(slots=True)
class FicheSummary:
    """What the list of an export shows of one fiche."""

    number: str
    title: str
    level: int | None
    active: bool | None

    def to_json(self) -> dict[str, Any]:
        return {"fiche": self.number, "title": self.title, "level": self.level, "active": self.active}  # fmt: skip


@dataclass(slots=True)
class Scan:
    """A pass over an export: the fiche asked for (its element, kept whole), how many times its
    number appears, and every fiche's summary."""

    found: ET.Element | None = None
    times: int = 0
    fiches: list[FicheSummary] = field(default_factory=list)


def normalize_number(text: str) -> str | None:
    """``RNCP37999``, ``rncp 37999`` and ``37999`` -> ``RNCP37999``; ``RS5000`` -> ``RS5000``;
    None when the text is no fiche number."""
    text = text.strip()
    if text.isdigit():
        text = "RNCP" + text
    m = NUMBER.match(text)
    return f"{m.group(1).upper()}{m.group(2)}" if m else None


# -- the stream ---------------------------------------------------------------------------------


@contextlib.contextmanager
def open_export(path: Path) -> Iterator[tuple[IO[bytes], str]]:
    """The export's bytes as a stream, and its name for messages: the file itself, or the one
    XML file of a zip (as France Compétences publishes it), each within ``MAX_EXPORT_BYTES``."""
    check_input(path, what=WHAT, cap=MAX_EXPORT_BYTES)
    with open(path, "rb") as f:
        zipped = f.read(4) == b"PK\x03\x04"
    if not zipped:
        with open(path, "rb") as f:
            yield f, str(path)
        return
    check_zip_directory(path)
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise RefkitError(Msg("{file} is not a readable zip ({error})", file=str(path), error=str(e)), hint=Msg("give the export as downloaded (export-fiches-rncp-v4-1-DATE.zip), or the XML file it holds")) from None  # fmt: skip
    with z:
        members = [i for i in z.infolist() if i.filename.lower().endswith(".xml")]
        if len(members) != 1:
            names = ", ".join(i.filename for i in members) or "-"
            raise RefkitError(Msg("{file} holds {n} XML files ({names}): refkit reads a zip holding one", file=str(path), n=len(members), names=names), hint=Msg("unzip it and give the XML file of the fiches to read"))  # fmt: skip
        info = members[0]
        if info.file_size > MAX_EXPORT_BYTES:
            raise RefkitError(Msg("{file}: {member} is {size} MB uncompressed, over the {cap} MB limit for the RNCP export", file=str(path), member=info.filename, size=info.file_size // MB, cap=MAX_EXPORT_BYTES // MB), hint=Msg("check that it is the file you meant"))  # fmt: skip
        with z.open(info) as member:
            yield member, f"{path}:{info.filename}"


class _Stop(Exception):
    pass


def refuse_doctype(stream: IO[bytes], name: str) -> None:
    """Read the prolog (what comes before the first element) with expat alone and refuse a
    document type declaration, with its line and column; the stream is rewound after."""
    parser = expat.ParserCreate()
    found: list[tuple[int, int]] = []
    read = bytearray()

    def doctype(*_: Any) -> None:
        # expat reports the place after the name; the declaration starts at "<!DOCTYPE"
        at = read.rfind(b"<!DOCTYPE", 0, parser.CurrentByteIndex + 1)
        if at < 0:  # another encoding than UTF-8 or ASCII: where expat is
            found.append((parser.CurrentLineNumber, parser.CurrentColumnNumber + 1))
        else:
            found.append((read.count(b"\n", 0, at) + 1, at - read.rfind(b"\n", 0, at)))
        raise _Stop

    def start(*_: Any) -> None:
        raise _Stop

    parser.StartDoctypeDeclHandler = doctype
    parser.StartElementHandler = start
    try:
        while True:
            chunk = stream.read(64 * 1024)
            if len(read) < MB:  # the place of a DOCTYPE in the first MB (a prolog is short)
                read += chunk
            parser.Parse(chunk, not chunk)
            if not chunk:
                break
    except _Stop:
        pass
    except expat.ExpatError as e:
        raise _malformed(name, e.lineno, e.offset + 1, expat.errors.messages[e.code]) from None
    finally:
        stream.seek(0)
    if found:
        line, col = found[0]
        raise RefkitError(
            Msg(
                "{file}:{line}:{col}: a DOCTYPE (document type declaration) is refused: the RNCP export has none, and one can declare entities that expand to gigabytes",
                file=name,
                line=line,
                col=col,
            ),
            hint=Msg(
                "give France Compétences' export as downloaded; if it is one, remove the DOCTYPE and its [...] part"
            ),
        )


def _malformed(name: str, line: int, col: int, what: str) -> RefkitError:
    return RefkitError(
        Msg(
            "{file}:{line}:{col}: not well-formed XML ({error}); nothing written",
            file=name,
            line=line,
            col=col,
            error=what,
        ),
        hint=Msg("download the export again: this one is damaged or cut short"),
    )


def _local(tag: Any) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def fiches(stream: IO[bytes], name: str) -> Iterator[ET.Element]:
    """Each ``FICHE`` of the export, whole; cleared once the caller is done with it (a caller
    that keeps one must keep a copy, or stop iterating)."""
    refuse_doctype(stream, name)
    events = ET.iterparse(stream, events=("start", "end"))
    root: ET.Element | None = None
    try:
        for event, elem in events:
            if root is None:
                root = elem
                if _local(elem.tag) not in ("FICHES", "FICHE"):
                    raise RefkitError(Msg("{file} is not an RNCP export: its root element is <{tag}>, not <FICHES>", file=name, tag=_local(elem.tag)), hint=Msg("give France Compétences' XML export of the fiches (export-fiches-rncp-v4-1-DATE.xml)"))  # fmt: skip
                continue
            if event == "end" and _local(elem.tag) == "FICHE":
                yield elem
                elem.clear()
                root.clear()  # the cleared fiches too: memory holds one fiche at a time
    except ET.ParseError as e:
        line, col = e.position
        raise _malformed(name, line, col + 1, expat.errors.messages[e.code]) from None


def text(elem: ET.Element | None, *path: str) -> str:
    """The text of the child at ``path`` (its text and its children's), stripped; empty when
    there is none."""
    for step in path:
        if elem is None:
            return ""
        elem = _child(elem, step)
    return "".join(elem.itertext()).strip() if elem is not None else ""


def _child(elem: ET.Element, tag: str) -> ET.Element | None:
    for child in elem:
        if _local(child.tag) == tag:
            return child
    return None


def children(elem: ET.Element | None, *tags: str) -> list[ET.Element]:
    """The children of ``elem`` named ``tags[0]``, then theirs named ``tags[1]``..."""
    found = [elem] if elem is not None else []
    for tag in tags:
        found = [c for e in found for c in e if _local(c.tag) == tag]
    return found


def markup(elem: ET.Element | None) -> str:
    """The content of a text element as the HTML-ish text it holds: escaped HTML in its text
    (``&lt;p&gt;``), or HTML elements written as XML children, alike."""
    if elem is None:
        return ""
    inner = [elem.text or ""]
    for child in elem:
        inner.append(ET.tostring(child, encoding="unicode"))
    return "".join(inner)


def level_of(fiche: ET.Element) -> int | None:
    """The level of the French nomenclature: ``NIVEAU`` (``NIV6``), else the label
    (``INTITULE`` or ``LIBELLE``: "Niveau 6")."""
    for part in ("NIVEAU", "INTITULE", "LIBELLE"):
        m = re.search(r"(\d)\s*$", text(fiche, "NOMENCLATURE_EUROPE", part))
        if m:
            return int(m.group(1))
    return None


def active_of(fiche: ET.Element) -> bool | None:
    value = text(fiche, "ACTIF").lower()
    return {"oui": True, "non": False, "true": True, "false": False}.get(value)


def summary(fiche: ET.Element) -> FicheSummary:
    number = text(fiche, "NUMERO_FICHE")
    return FicheSummary(normalize_number(number) or number, text(fiche, "INTITULE"), level_of(fiche), active_of(fiche))  # fmt: skip


def scan(path: Path, wanted: str | None) -> Scan:
    """One pass over the export: the fiche numbered ``wanted`` (kept whole), how many times that
    number appears, and the summary of every fiche."""
    result = Scan()
    with open_export(path) as (stream, name):
        for fiche in fiches(stream, name):
            s = summary(fiche)
            result.fiches.append(s)
            if wanted is not None and s.number == wanted:
                result.times += 1
                if result.found is None:
                    result.found = _copy(fiche)
    return result


def _copy(elem: ET.Element) -> ET.Element:
    """A copy of one fiche (a few KB): the stream clears the original."""
    import copy

    return copy.deepcopy(elem)


def folded(text: str) -> str:
    """Lower case without accents, for matching what a person types against titles."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def matching(fiches: list[FicheSummary], pattern: str) -> list[FicheSummary]:
    """The fiches whose number holds ``pattern`` (digits, with or without RNCP / RS), or whose
    title holds each of its words (case and accents aside)."""
    m = re.fullmatch(r"(RNCP|RS)?(\d+)", re.sub(r"\s", "", pattern).upper())
    if m:
        prefix, digits = m.group(1) or "", m.group(2)
        return [f for f in fiches if f.number.startswith(prefix) and digits in f.number]
    words = folded(pattern).split()
    return [f for f in fiches if all(w in folded(f.title) for w in words)]

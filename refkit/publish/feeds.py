"""Provides the machine-readable faces of the published site: Atom feeds of releases (one per
framework, one for the site) and the JSON-LD description embedded in each version page.

Feeds are written with ElementTree (escaping is its job); characters XML 1.0 cannot hold are
left out. A feed's ids are stable URNs (uuid5 of the framework and version), so that a feed
reader never sees a release twice; links are absolute with ``--base-url``, relative to the feed
otherwise (Atom allows it).
"""

from __future__ import annotations

import json
import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

ATOM = "http://www.w3.org/2005/Atom"
_NS = uuid.uuid5(uuid.NAMESPACE_URL, "https://refkit.dev/ns/feeds")
# what XML 1.0 refuses: C0 controls but tab, line feed and carriage return, surrogates, FFFE/FFFF
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class FeedEntry:
    framework: str
    version: str
    title: str
    date: str  # ISO date of the release
    href: str  # the version's page, relative to the feed (or absolute)
    summary: str


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


def _when(date: str) -> str:
    day = str(date)[:10]
    return f"{day}T00:00:00Z" if re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) else "1970-01-01T00:00:00Z"


def atom(title: str, feed_id: str, self_href: str, entries: list[FeedEntry], lang: str) -> bytes:
    """An Atom 1.0 feed of ``entries`` (newest first)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    feed.set("{http://www.w3.org/XML/1998/namespace}lang", lang or "fr")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = _text(title)
    ET.SubElement(feed, f"{{{ATOM}}}id").text = f"urn:uuid:{uuid.uuid5(_NS, feed_id)}"
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_href)
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = max(
        (_when(e.date) for e in entries), default="1970-01-01T00:00:00Z"
    )
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "refkit"
    ET.SubElement(feed, f"{{{ATOM}}}generator").text = "refkit"
    for e in sorted(entries, key=lambda e: (_when(e.date), e.framework, e.version), reverse=True):
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = _text(e.title)
        ET.SubElement(
            entry, f"{{{ATOM}}}id"
        ).text = f"urn:uuid:{uuid.uuid5(_NS, f'{e.framework}/{e.version}')}"
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=e.href)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _when(e.date)
        ET.SubElement(entry, f"{{{ATOM}}}published").text = _when(e.date)
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = _text(e.summary)
    body = ET.tostring(feed, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")


def json_ld(data: dict[str, Any]) -> str:
    """JSON for a <script type="application/ld+json"> element: nothing in it can end the element
    or start markup ("<", ">" and "&" escaped as JSON allows)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )

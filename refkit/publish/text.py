"""Provides safe rendering of the text fields of frameworks: Markdown to HTML, and to Markdown.

Text fields are Markdown (CommonMark, rendered by markdown-it-py). Raw HTML in them is never
passed through: it comes out as text (``html=False``). Links are allow-listed by scheme, as a
browser reads the address (entities and escapes decoded, tabs and line breaks dropped): http,
https, mailto, or none (a relative address); anything else (``javascript:``, ``vbscript:``,
``data:``, ``file:``...) stays text. One-line fields (statements, criteria, titles) are rendered
inline; when they hold no Markdown syntax at all they are only escaped, which is much faster for
the 100,000 statements of a national repository.

In the Markdown pages a text field keeps its Markdown, because wikis and git hosts render it;
they render it variously (Python-Markdown leaves ``&#106;`` for the browser to decode,
CommonMark decodes ``&colon;`` and ``\\:``, reference definitions work across fields), so a
field in which any link could lead to a scheme outside the list has its brackets written as
character references: no renderer reads a link in it, and it reads the same.
"""

from __future__ import annotations

import html
import re
from functools import cache

from markupsafe import Markup, escape

_MARKDOWN_SYNTAX = re.compile(r"[*_`\[\]<>&\\!#|~]|https?:|\n")


@cache
def _md():  # type: ignore[no-untyped-def]
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = safe_link  # type: ignore[method-assign]
    return md


SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
_BROWSER_DROPS = re.compile(r"[\t\n\r]")  # removed anywhere in an address (WHATWG URL)


def safe_link(url: str) -> bool:
    """Whether a link's address is allowed: no scheme (relative), or http, https, mailto. The
    address is read as a browser reads it: tabs and line breaks dropped, leading and trailing
    controls and spaces stripped."""
    address = _BROWSER_DROPS.sub("", url).strip("".join(map(chr, range(33))))
    m = _SCHEME.match(address)
    return m is None or m.group(1).lower() in SCHEMES


def block_html(text: str | None) -> Markup:
    """A Markdown text field as HTML blocks (paragraphs, lists...)."""
    if not text:
        return Markup("")
    return Markup(_md().render(text))


def inline_html(text: str | None) -> Markup:
    """A one-line Markdown field as inline HTML."""
    if not text:
        return Markup("")
    if not _MARKDOWN_SYNTAX.search(text):
        return escape(text)
    return Markup(_md().renderInline(text))


_ATTR_MARKDOWN = str.maketrans({"[": "&#91;", "]": "&#93;", "(": "&#40;", ")": "&#41;"})


def md_attr(text: str | None) -> str:
    """A value for an HTML attribute in a Markdown page (an anchor's id): HTML-escaped, and its
    brackets and parentheses written as character references, so that no Markdown dialect reads
    link syntax in it; browsers decode them, so the anchor is the same."""
    return str(escape(text or "")).translate(_ATTR_MARKDOWN)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|])")


def md_escape(text: str | None) -> str:
    """Text shown as is in a Markdown page (special characters escaped)."""
    return _MD_SPECIAL.sub(r"\\\1", text or "")


# Where a Markdown dialect reads the address of a link: after "(", "<", "[" or "]:" (inline
# links, autolinks, wiki links, reference definitions), once the text is decoded.
_ADDRESS = re.compile(r"(?:\(|<|\[|\]:)<?([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
_INVISIBLE = re.compile(r"[\x00-\x20\\]+")


def _decoded(text: str) -> str:
    """The text as the most lenient renderer would read an address in it: character references
    decoded (again, until none is left), backslash escapes, spaces and controls dropped."""
    for _ in range(4):
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    return _INVISIBLE.sub("", text)


def unsafe_links(text: str) -> bool:
    """Whether some Markdown renderer could read in ``text`` a link to a scheme outside
    ``SCHEMES`` (conservative: a "(note: ...)" counts too)."""
    return any(m.group(1).lower() not in SCHEMES for m in _ADDRESS.finditer(_decoded(text)))


def md_text(text: str | None) -> str:
    """A Markdown text field for a Markdown page: its Markdown kept, raw HTML turned into text,
    and, when any link in it could lead outside http, https, mailto or a relative address, its
    brackets written as character references, so that no renderer reads a link in it."""
    out = (text or "").replace("<", "&lt;").replace(">", "&gt;")
    if unsafe_links(out):
        out = out.replace("[", "&#91;").replace("]", "&#93;")
    return out

"""Provides safe rendering of the text fields of frameworks: Markdown to HTML, and to Markdown.

Text fields are Markdown (CommonMark, rendered by markdown-it-py). Raw HTML in them is never
passed through: it comes out as text (``html=False``), and links whose scheme could run code
(``javascript:``, ``vbscript:``, ``file:``, ``data:`` other than images) are refused by
markdown-it's link validation, so they stay text too. One-line fields (statements, criteria,
titles) are rendered inline; when they hold no Markdown syntax at all they are only escaped,
which is much faster for the 100,000 statements of a national repository.
"""

from __future__ import annotations

import re
from functools import cache

from markupsafe import Markup, escape

_MARKDOWN_SYNTAX = re.compile(r"[*_`\[\]<>&\\!#|~]|https?:|\n")


@cache
def _md():  # type: ignore[no-untyped-def]
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


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


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|])")


def md_escape(text: str | None) -> str:
    """Text shown as is in a Markdown page (special characters escaped)."""
    return _MD_SPECIAL.sub(r"\\\1", text or "")


_UNSAFE_LINK = re.compile(r"\]\(\s*<?\s*(?:javascript|vbscript|data|file)\s*:", re.IGNORECASE)


def md_text(text: str | None) -> str:
    """A Markdown text field for a Markdown page: its Markdown kept, raw HTML turned into text,
    links to javascript:, vbscript:, data: or file: neutralised (wikis render Markdown variously)."""
    out = (text or "").replace("<", "&lt;").replace(">", "&gt;")
    return _UNSAFE_LINK.sub("](#", out)

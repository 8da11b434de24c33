"""Provides ``md_paths``: a page's context for its Markdown copy under ``md/``, every link
pointing at the Markdown pages and every address safe in Markdown."""

from __future__ import annotations

import re
from typing import Any


def md_paths(ctx: dict[str, Any]) -> dict[str, Any]:
    """Links of a Markdown page point at the Markdown pages: dir/ -> dir/index.md, x.html -> x.md."""

    def fix(value: Any) -> Any:
        if isinstance(value, dict):
            return {
                k: (
                    fix_href(v)
                    if (k.endswith("href") or k == "permalink") and isinstance(v, str)
                    else fix(v)
                )
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [fix(v) for v in value]
        return value

    def fix_href(href: str) -> str:
        path, _, anchor = href.partition("#")
        if path.endswith(".html"):
            path = path[: -len(".html")] + ".md"
        elif path.endswith("/") or path in ("", "./"):
            path = (path if path.endswith("/") else "./") + "index.md" if path else ""
        # an id from a file is never Markdown syntax in an address ("](", "<", spaces)
        return _md_address(path + (f"#{anchor}" if anchor else ""))

    return fix(ctx)  # type: ignore[no-any-return]


_MD_ADDRESS_UNSAFE = re.compile(r"[^A-Za-z0-9._~/#:%-]")


def _md_address(href: str) -> str:
    """A link address for a Markdown page, every character outside letters, digits and
    ``._~/#:%-`` percent-encoded (the addresses refkit makes hold none)."""
    if not _MD_ADDRESS_UNSAFE.search(href):
        return href
    from urllib.parse import quote

    return quote(href, safe="/#:%-._~")

"""Provides the one Jinja2 environment of the site (``refkit/templates/site``: autoescaped,
undefined names as errors, compiled templates cached) and ``render``: a template and its context
to the bytes of a page, its folder links naming their ``index.html`` and French typography set."""

from __future__ import annotations

import contextlib
import re
from functools import cache
from importlib import resources
from typing import Any

from markupsafe import Markup

from refkit.publish.items import competency_html, relations_html
from refkit.publish.text import block_html, inline_html, md_attr, md_escape, md_text
from refkit.publish.typo import french_html, is_french


def lang_key(lang: str) -> str:
    """The language of a change's wording (``refkit.diff.describe``) for a framework's: fr or en."""
    return "fr" if (lang or "").lower().startswith("fr") else "en"


@cache
def environment() -> Any:
    from jinja2 import Environment, FunctionLoader, StrictUndefined

    base = resources.files("refkit") / "templates" / "site"

    def load(name: str) -> str:
        return (base / name).read_text(encoding="utf-8")

    env = Environment(
        loader=FunctionLoader(load),
        bytecode_cache=_bytecode_cache(),
        autoescape=lambda name: bool(name) and not str(name).endswith(".md.j2"),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = md_escape
    env.filters["mdtext"] = md_text
    env.filters["mdattr"] = md_attr
    env.filters["inline"] = inline_html
    env.filters["blocks"] = block_html
    env.filters["css"] = css_string
    env.globals["competency"], env.globals["relations"] = competency_html, relations_html
    return env


def css_string(text: Any) -> Markup:
    """A quoted CSS string (for the running header of printed pages): backslashes, quotes,
    line breaks and anything that could close the style element escaped."""
    out = []
    for ch in str(text):
        if ch.isalnum() or ch in " -_.,:;/()'«»’…·—–":
            out.append(ch)
        else:
            out.append(f"\\{ord(ch):x} ")
    return Markup('"' + "".join(out) + '"')


def _bytecode_cache() -> Any:
    """Compiled templates kept in the user's cache folder (as Python keeps .pyc files): compiling
    the site's templates costs about 0.3 s, a fifth of publishing again after one change. Jinja
    checks each entry against its template's source; a cache that cannot be written is skipped."""
    from jinja2 import FileSystemBytecodeCache

    from refkit.cache import cache_root

    class Cache(FileSystemBytecodeCache):
        def dump_bytecode(self, bucket: Any) -> None:
            # a read-only cache folder: templates are compiled every time
            with contextlib.suppress(OSError):
                super().dump_bytecode(bucket)

    folder = cache_root() / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # pragma: no cover
        return None
    return Cache(str(folder), "%s.jinja")


# A link to a folder ("2.0.0/", "../latest/#C6.2") names its index.html: the site then works
# straight from disk (a USB stick, a shared drive), where browsers do not resolve folders.
_FOLDER_LINK = re.compile(r'href="((?![a-z][a-z0-9+.-]*:|#|/)[^"#]*/)(#[^"]*)?"')


def render(template: str, **context: Any) -> bytes:
    text = str(environment().get_template(template).render(**context))
    if template.endswith(".html"):
        text = _FOLDER_LINK.sub(r'href="\1index.html\2"', text)
        if is_french(context.get("lang")):
            text = french_html(text)
    return text.encode("utf-8")


def asset(name: str) -> bytes:
    return (resources.files("refkit") / "templates" / "site" / "assets" / name).read_bytes()


def version_body(
    bodies: dict[tuple[str, str], Any], label: str, template: str, ctx: dict[str, Any]
) -> Any:
    """The heavy part of a version's page (activities, blocks, competencies), rendered once for
    its numbered page and its latest/ copy, which differ only around it."""
    key = (label, template)
    if key not in bodies:
        text = environment().get_template(template).render(**ctx)
        bodies[key] = Markup(text) if template.endswith(".html") else text
    return bodies[key]

"""Provides the items of a version page rendered in Python rather than by a template (they are
its innermost loops): a competency, and an item's relations, each one's type in words and its
target as a link where the site or the web has it (an item of the page, an item of a published
version of another framework, an http(s) URI), as written otherwise."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from refkit.diff.relations import type_words
from refkit.model import Relation, parse_target
from refkit.publish.text import block_html, inline_html

_KINDS = ("competency", "block", "activity")


def relation_links(
    relations: list[Relation], anchors: dict[tuple[str, str], str], site: Any, root: str, lang: str
) -> list[dict[str, Any]]:
    """The context of ``relations``: type in words, target, its address (None: not a link)."""
    out = []
    for r in relations:
        t = parse_target(r.target)
        href: str | None = None
        if t.kind == "item":
            anchor = next((anchors[(k, t.item)] for k in _KINDS if (k, t.item) in anchors), None)
            href = f"#{anchor}" if anchor else None
        elif t.kind == "framework":
            pf = site.framework(t.framework) if t.framework else None
            if pf is not None and any(v.label == t.version for v in pf.versions):
                href = f"{root}{t.framework}/{t.version}/#{t.item}"
        elif r.target.startswith(("http://", "https://")):
            href = r.target
        out.append(
            {
                "type": type_words(r.type, lang),
                "target": r.target,
                "href": href,
                "external": t.kind == "uri",
                "note": r.note or "",
            }
        )
    return out


def relations_html(links: list[dict[str, Any]], label: str) -> Markup:
    """The list of an item's relations, under ``label``."""
    e = escape
    items = []
    for r in links:
        target = e(r["target"])
        if r["href"]:
            rel = ' rel="external noopener"' if r["external"] else ""
            target = Markup(f'<a href="{e(r["href"])}"{rel}>{target}</a>')
        note = f" — {inline_html(r['note'])}" if r["note"] else ""
        items.append(f"<li>{e(r['type'])} {target}{note}</li>")
    return Markup(f'<p class="label">{e(label)}</p><ul class="relations">{"".join(items)}</ul>')


def competency_html(c: dict[str, Any], lab: dict[str, str]) -> Markup:
    """A competency of a version page, as the template wrote it (the same bytes), in Python:
    it is the page's innermost loop (200 a framework), and Jinja spent most of a publish in it."""
    e = escape
    a = e(c["anchor"])
    out = [
        f'<article class="competency" id="{a}" aria-labelledby="h-{a}">\n'
        f'<h4 id="h-{a}"><a class="permalink" href="#{a}" title="{e(lab["permalink"])}">'
        f"{e(c['id'])}</a> {inline_html(c['statement'])}"
    ]
    if c["mark"]:
        out.append(f' <span class="mark">{e(c["mark"])}</span>')
    out.append(f'</h4>\n<p class="meta">{e(lab["kind"])}{e(lab["colon"])} {e(c["kind"])}')
    if c["activities"]:
        out.append(
            " · " + ", ".join(f'<a href="{e(x["href"])}">{e(x["id"])}</a>' for x in c["activities"])
        )
    out.append("</p>\n")
    if c["criteria"]:
        items = "".join(f"<li>{inline_html(cr)}</li>" for cr in c["criteria"])
        out.append(f'<p class="label">{e(lab["criteria"])}</p><ul class="criteria">{items}</ul>')
    if c["notes"]:
        out.append(
            f'<div class="notes"><p class="label">{e(lab["notes"])}</p>{block_html(c["notes"])}</div>'
        )
    if c["esco"]:
        links = ", ".join(f'<a href="{e(u)}" rel="external noopener">{e(u)}</a>' for u in c["esco"])
        out.append(f'<p class="meta">{e(lab["esco"])}{e(lab["colon"])} {links}</p>')
    out += [relations_html(c["relations"], lab["relations"])] if c["relations"] else []
    out.append("</article>\n")
    return Markup("".join(out))

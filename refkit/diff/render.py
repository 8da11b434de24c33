"""Provides the renderings of a semantic diff and a correspondence table: text, md, html, json.

The words are those of ``refkit.diff.describe``, which the published site and the editor render
too: the counts, then blocks, competencies, activities, certification rules and framework
details, each change with what happened to it and the item it is about, reworded text as a word
diff. Text uses colour on a terminal and git's word-diff markers ``[-old-]{+new+}`` otherwise;
Markdown and HTML use ``<del>`` and ``<ins>`` (HTML through Jinja2, autoescaped).
"""

from __future__ import annotations

import json

from refkit.control import visible
from refkit.diff import FrameworkDiff
from refkit.diff.correspondence import Entry, Table
from refkit.diff.describe import (
    Piece,
    describe,
    field_name,
    lang_key,
    line_html,
    line_markdown,
    line_text,
    words,
)
from refkit.i18n import N_plural, ngettext, tr

# how many items of a kind were added or removed, renumbered, moved, modified ("+3
# compétences", "1 bloc modifié"): each a plural, agreed with its noun in French
_COUNTED = {
    "block": (
        N_plural("{n} block", "{n} blocks"),
        N_plural("{n} block renumbered", "{n} blocks renumbered"),
        N_plural("{n} block moved", "{n} blocks moved"),
        N_plural("{n} block modified", "{n} blocks modified"),
    ),
    "competency": (
        N_plural("{n} competency", "{n} competencies"),
        N_plural("{n} competency renumbered", "{n} competencies renumbered"),
        N_plural("{n} competency moved", "{n} competencies moved"),
        N_plural("{n} competency modified", "{n} competencies modified"),
    ),
    "activity": (
        N_plural("{n} activity", "{n} activities"),
        N_plural("{n} activity renumbered", "{n} activities renumbered"),
        N_plural("{n} activity moved", "{n} activities moved"),
        N_plural("{n} activity modified", "{n} activities modified"),
    ),
}


def summary_line(diff: FrameworkDiff, lang: str = "en") -> str:
    """One line for logs: '+3 competencies, 1 block modified' (in French when ``lang`` is
    French: '+3 compétences, 1 bloc modifié')."""
    code = lang_key(lang)
    s = diff.summary()
    parts = []
    for kind, one in (
        ("blocks", "block"),
        ("competencies", "competency"),
        ("activities", "activity"),
    ):
        counted, renumbered, moved, modified = _COUNTED[one]
        for key, sign, said in (
            ("added", "+", counted),
            ("removed", "-", counted),
            ("renamed", "", renumbered),
            ("moved", "", moved),
            ("modified", "", modified),
        ):
            n = s[kind][key]
            if n:
                parts.append(sign + ngettext(*said, n, code).format(n=n))
    if s["certification"]["changed"]:
        parts.append(tr("certification rules changed", code))
    details = [f.field for c in diff.of_kind("framework") for f in c.fields]
    if details:
        # in English as the data names them (what logs and scripts read), else in plain words
        names = details if code == "en" else [field_name(d, code) for d in details]
        changed = ngettext("{fields} changed", "{fields} changed", len(details), code)
        parts.append(changed.format(fields=", ".join(names)))
    if not parts:
        return tr("no change", code)
    return ", ".join(parts)


_MARK = {"added": "+", "removed": "-", "modified": "~", "moved": "→", "renamed": "≈"}
_COLOURS = {"added": "32", "removed": "31", "modified": "33", "moved": "36", "renamed": "36"}


# -- text ---------------------------------------------------------------------------------------


def text(
    diff: FrameworkDiff, *, colour: bool = False, table: Table | None = None, lang: str = "en"
) -> str:
    def paint(code: str, s: str) -> str:
        return f"\x1b[{code}m{s}\x1b[0m" if colour else s

    described = describe(diff, lang)
    # the framework's texts are shown through ``visible``: a control character in a statement
    # is printed as \x1b, never sent to the terminal (an escape sequence could erase lines)
    out = [paint("1", visible(f"{diff.framework} {diff.old_version} → {diff.new_version}"))]
    out.append(f"  {visible(described.summary)}")
    for section in described.sections:
        out += ["", paint("1", section.title)]
        for e in section.entries:
            mark = _MARK.get(e.change, "~")
            out.append(paint(_COLOURS.get(e.change, "0"), f"  {mark} {e.badge} {visible(e.about)}"))
            for line in e.lines:
                shown = line_text(tuple(Piece(p.op, visible(p.text)) for p in line), colour=colour)
                # a multi-line text (summary, description) keeps the indentation of its field
                out.append("      " + shown.rstrip("\n").replace("\n", "\n        "))
    if table is not None:
        out += ["", *table_text(table, colour=colour)]
    return "\n".join(out) + "\n"


def table_text(table: Table, *, colour: bool = False) -> list[str]:
    def paint(code: str, s: str) -> str:
        return f"\x1b[{code}m{s}\x1b[0m" if colour else s

    out = [paint("1", visible(f"Correspondence {table.old_version} → {table.new_version}"))]
    for e in table.entries:
        origin = "" if e.origin == "proposed" else f" [{e.origin}]"
        out.append("  " + visible(entry_sentence(e) + origin))
        if e.note:
            out.append(f"      note: {visible(e.note)}")
    return out


def entry_sentence(e: Entry, shown: int = 6) -> str:
    """One entry of the table in a sentence; of the competencies still to cover, the first
    ``shown`` (a regrouping of ESCO lists hundreds: --format json gives them all)."""
    new = ", ".join(e.new)
    cover = ", ".join(e.missing[:shown])
    if len(e.missing) > shown:
        cover += f" and {len(e.missing) - shown} more"
    missing = f"; still to cover: {cover}" if e.missing else ""
    if e.type == "equivalent":
        return f"{e.old} → {new}: equivalent"
    if e.type == "partial":
        return f"{e.old} → {new}: partial{missing}"
    if e.type == "merged":
        others = f" with {', '.join(e.with_blocks)}" if e.with_blocks else ""
        return f"{e.old} → {new}: merged{others}{missing}"
    if e.type == "split":
        return f"{e.old} → {new}: split{missing}"
    if e.type == "removed":
        return f"{e.old}: removed, counts for no block"
    return f"{new}: new block, no earlier counterpart"


# -- markdown -----------------------------------------------------------------------------------


def _md_escape(s: str) -> str:
    return "".join("\\" + ch if ch in "\\`*_[]<>|#~" else ch for ch in s)


def markdown(diff: FrameworkDiff, *, table: Table | None = None, lang: str = "en") -> str:
    described = describe(diff, lang)
    out = [
        f"# {_md_escape(diff.framework)}: {diff.old_version} → {diff.new_version}",
        "",
        _md_escape(described.summary),
    ]
    for section in described.sections:
        out += ["", f"## {section.title}", ""]
        for e in section.entries:
            out.append(f"- **{e.badge}** {_md_escape(e.about)}")
            for line in e.lines:
                out.append(f"  - {line_markdown(line, _md_escape)}")
    if table is not None:
        out += ["", *table_markdown(table)]
    return "\n".join(out) + "\n"


def table_markdown(table: Table) -> list[str]:
    out = [
        f"## Correspondence {table.old_version} → {table.new_version}",
        "",
        "| old block | new block(s) | type | still to cover | |",
        "|---|---|---|---|---|",
    ]
    for e in table.entries:
        origin = "" if e.origin == "proposed" else e.origin
        out.append(
            f"| {e.old or '—'} | {', '.join(e.new) or '—'} | {e.type} | {', '.join(e.missing) or '—'} | {origin} |"
        )
    return out


# -- html ---------------------------------------------------------------------------------------

# a described diff's sections and entries as HTML, headings at ``level``: one macro for every
# standalone page that shows changes (refkit diff --format html, a proposal's page)
CHANGES_MACRO = """{% macro changes(described, level, line_html, said) -%}
{% for section in described.sections %}
<h{{ level }}>{{ section.title }}</h{{ level }}>
{% for e in section.entries %}
<div class="change {{ e.change }}"><span class="kind">{{ e.badge }}</span> {{ e.about }}
{% if e.lines %}<ul class="fields">
{% for line in e.lines %}<li>{{ line_html(line, said) }}</li>
{% endfor %}</ul>{% endif %}
</div>
{% endfor %}
{% endfor %}
{%- endmacro %}"""

_HTML = (
    CHANGES_MACRO
    + """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ diff.framework }} {{ diff.old_version }} → {{ diff.new_version }}</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 1rem auto; padding: 0 1rem; color: #1a1a1a; }
del { background: #fde2e1; color: #8a1c14; } ins { background: #dcf5e3; color: #0f5223; text-decoration: none; }
.change { margin: .4rem 0; } .kind { font-weight: 600; display: inline-block; min-width: 6.5rem; }
.added .kind { color: #0f5223; } .removed .kind { color: #8a1c14; } .renamed .kind, .moved .kind { color: #0b4f79; }
ul.fields { margin: .2rem 0 .6rem 1.2rem; } table { border-collapse: collapse; } td, th { border: 1px solid #bbb; padding: .2rem .5rem; text-align: left; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media print { del, ins { background: none; } del { text-decoration: line-through; } ins { text-decoration: underline; } }
</style>
</head>
<body>
<h1>{{ diff.framework }}: {{ diff.old_version }} → {{ diff.new_version }}</h1>
<p>{{ described.summary }}</p>
{{ changes(described, 2, line_html, said) }}
{% if table %}
<h2>Correspondence {{ table.old_version }} → {{ table.new_version }}</h2>
<table>
<thead><tr><th>old block</th><th>new block(s)</th><th>type</th><th>still to cover</th><th></th></tr></thead>
<tbody>
{% for e in table.entries %}<tr><td>{{ e.old or "—" }}</td><td>{{ e.new|join(", ") or "—" }}</td><td>{{ e.type }}</td><td>{{ e.missing|join(", ") or "—" }}</td><td>{{ "" if e.origin == "proposed" else e.origin }}</td></tr>
{% endfor %}</tbody>
</table>
{% endif %}
</body>
</html>
"""
)


def html(diff: FrameworkDiff, *, table: Table | None = None, lang: str = "en") -> str:
    from jinja2 import Environment, StrictUndefined

    env = Environment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
    template = env.from_string(_HTML)
    return template.render(
        diff=diff,
        described=describe(diff, lang),
        line_html=line_html,
        # removed and added words are announced to screen readers, as on the published site
        said=words(lang)["said"],
        table=table,
        lang=lang,
    )


# -- json ---------------------------------------------------------------------------------------


def to_json(diff: FrameworkDiff, *, table: Table | None = None) -> str:
    data = diff.to_json()
    if table is not None:
        data["correspondence"] = table.to_json()
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

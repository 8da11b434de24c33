"""Provides the renderings of a semantic diff and a correspondence table: text, md, html, json.

All four say the same thing in the same order: a summary, then blocks, competencies, activities,
certification rules and framework details; each change in plain language, reworded text as a
word diff. Text uses colour on a terminal and git's word-diff markers ``[-old-]{+new+}``
otherwise; Markdown uses ``~~old~~ **new**``; HTML ``<del>`` and ``<ins>`` (Jinja2, autoescaped).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from refkit.diff import Change, FieldChange, FrameworkDiff
from refkit.diff.correspondence import Entry, Table
from refkit.problems import visible

SECTIONS = [
    ("block", "Blocks"),
    ("competency", "Competencies"),
    ("activity", "Activities"),
    ("certification", "Certification rules"),
    ("shared-block", "Shared blocks"),
    ("framework", "Framework"),
]
TYPE_WORDS = {
    "equivalent": "equivalent",
    "partial": "partial",
    "split": "split",
    "merged": "merged",
    "removed": "removed",
    "new": "new",
}


# (singular, plural, feminine) of the items a summary counts, in French
_FR_NOUNS = {
    "block": ("bloc", "blocs", False),
    "competency": ("compétence", "compétences", True),
    "activity": ("activité", "activités", True),
}
_FR_WORDS = {" renumbered": " renuméroté", " moved": " déplacé", " modified": " modifié"}


# Field names in plain words, for trainers (the changelog, the editor, the history's summaries).
FIELD_LABELS = {
    "fr": {
        "statement": "énoncé", "kind": "nature", "criteria": "critères d'évaluation", "activities": "activités",
        "esco": "correspondance ESCO", "notes": "remarques", "title": "titre", "description": "description",
        "volume": "volume", "prerequisites": "prérequis", "modalities": "modalités d'évaluation", "order": "ordre",
        "required": "blocs obligatoires", "summary": "présentation", "sector": "secteur", "level": "niveau",
        "codes": "codes", "working_group": "groupe de travail", "validity": "validité", "tasks": "tâches",
        "status": "statut", "lang": "langue", "extensions": "données complémentaires", "version": "version",
    },
    "en": {},
}  # fmt: skip


def summary_line(diff: FrameworkDiff, lang: str = "en") -> str:
    """One line for logs: '+3 competencies, 1 block modified' (in French when ``lang`` is
    French: '+3 compétences, 1 bloc modifié')."""
    fr = (lang or "").lower().startswith("fr")
    s = diff.summary()
    parts = []
    for kind, one in (
        ("blocks", "block"),
        ("competencies", "competency"),
        ("activities", "activity"),
    ):
        counts = s[kind]
        for key, sign, word in (
            ("added", "+", ""),
            ("removed", "-", ""),
            ("renamed", "", " renumbered"),
            ("moved", "", " moved"),
            ("modified", "", " modified"),
        ):
            n = counts[key]
            if not n:
                continue
            if fr:
                single, plural, feminine = _FR_NOUNS[one]
                agreed = _FR_WORDS.get(word, "")
                if agreed:
                    agreed += ("e" if feminine else "") + ("s" if n > 1 else "")
                parts.append(f"{sign}{n} {single if n == 1 else plural}{agreed}")
            else:
                parts.append(f"{sign}{n} {one if n == 1 else kind}{word}")
    if s["certification"]["changed"]:
        parts.append("règles de certification modifiées" if fr else "certification rules changed")
    details = [f.field for c in diff.of_kind("framework") for f in c.fields]
    if details and fr:
        names = ", ".join(FIELD_LABELS["fr"].get(d, d) for d in details)
        parts.append(
            f"champ{'s' if len(details) > 1 else ''} modifié{'s' if len(details) > 1 else ''} : {names}"
        )
    elif details:
        parts.append(f"{', '.join(details)} changed")
    if not parts:
        return "aucun changement" if fr else "no change"
    return ", ".join(parts)


def _words_text(words: list[tuple[str, str]] | list[list[str]], colour: bool) -> str:
    out = []
    for op, raw in words:
        text = visible(raw)  # before the colours: a text's own escape sequences are shown
        if op == "=":
            out.append(text)
        elif op == "-":
            out.append(f"\x1b[31;9m{text}\x1b[0m" if colour else f"[-{text}-]")
        else:
            out.append(f"\x1b[32m{text}\x1b[0m" if colour else f"{{+{text}+}}")
    return "".join(out)


def _value(v: Any) -> str:
    if isinstance(v, list):
        return ", ".join(map(str, v)) if v else "(none)"
    if isinstance(v, dict):
        return ", ".join(f"{k} {_value(x)}" for k, x in v.items() if x is not None) or "(none)"
    if v is None or v == "":
        return "(none)"
    return str(v)


def _field_lines(
    f: FieldChange, words: Callable[[Any], str], show: Callable[[str], str] = str
) -> list[str]:
    """The lines saying how a field changed; ``show``: applied to the framework's texts (not to
    the word diffs, which ``words`` renders)."""
    field = show(f.field)
    if f.nature == "reworded" and f.words is not None:
        return [f"{field}: {words(f.words)}"]
    if f.nature == "whitespace":
        return [f"{field}: spacing only"]
    if f.nature == "reordered":
        return [f"{field}: reordered"]
    if f.nature == "added":
        return [f"{field}: added: {show(_value(f.new))}"]
    if f.nature == "removed":
        return [f"{field}: removed: {show(_value(f.old))}"]
    if f.nature == "changed":
        return [f"{field}: {show(_value(f.old))} → {show(_value(f.new))}"]
    lines = [f"{field}:"]
    for item in f.items:
        if item["change"] == "added":
            lines.append(f"  + {show(item['text'])}")
        elif item["change"] == "removed":
            lines.append(f"  - {show(item['text'])}")
        elif item["change"] == "whitespace":
            lines.append(f"  ~ {show(item['new'])} (spacing only)")
        else:
            lines.append(f"  ~ {words(item['words'])}")
    return lines


def describe(c: Change) -> str:
    """The change in plain words, without the field details."""
    if c.kind == "competency":
        if c.change == "added":
            return f"{c.id} added to {c.block}: {c.label}"
        if c.change == "removed":
            return f"{c.id} removed from {c.old_block}: {c.label}"
        if c.change == "renamed":
            pct = f"{round((c.similarity or 0) * 100)}% similar"
            where = f", moved from {c.old_block} to {c.block}" if c.moved_flag else f" in {c.block}"
            return f"{c.old_id} renumbered {c.id} ({pct}){where}: {c.label}"
        if c.change == "moved":
            return f"{c.id} moved from {c.old_block} to {c.block}: {c.label}"
        return f"{c.id} modified in {c.block}: {c.label}"
    if c.kind == "block":
        if c.change == "renamed":
            return f"{c.old_id} renumbered {c.id} ({round((c.similarity or 0) * 100)}% of its competencies kept): {c.label}"
        return f"{c.id} {c.change}: {c.label}"
    if c.kind in ("activity", "shared-block"):
        return f"{c.id} {c.change}: {c.label}"
    return c.label


_MARK = {"added": "+", "removed": "-", "modified": "~", "moved": "→", "renamed": "≈"}


# -- text ---------------------------------------------------------------------------------------


def text(diff: FrameworkDiff, *, colour: bool = False, table: Table | None = None) -> str:
    def paint(code: str, s: str) -> str:
        return f"\x1b[{code}m{s}\x1b[0m" if colour else s

    colours = {"added": "32", "removed": "31", "modified": "33", "moved": "36", "renamed": "36"}
    # the framework's texts are shown through ``visible``: a control character in a statement
    # is printed as \x1b, never sent to the terminal (an escape sequence could erase lines)
    out = [paint("1", visible(f"{diff.framework} {diff.old_version} → {diff.new_version}"))]
    out.append(f"  {visible(summary_line(diff))}")
    for kind, title in SECTIONS:
        changes = diff.of_kind(kind)
        if not changes:
            continue
        out += ["", paint("1", title)]
        for c in changes:
            mark = _MARK.get(c.change, "~")
            out.append(paint(colours.get(c.change, "0"), f"  {mark} {visible(describe(c))}"))
            for f in c.fields:
                for line in _field_lines(f, lambda w: _words_text(w, colour), visible):
                    # a multi-line text (summary, description) keeps the indentation of its field
                    out.append("      " + line.rstrip("\n").replace("\n", "\n        "))
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


def entry_sentence(e: Entry) -> str:
    new = ", ".join(e.new)
    missing = f"; still to cover: {', '.join(e.missing)}" if e.missing else ""
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


def _words_md(words: list[tuple[str, str]] | list[list[str]]) -> str:
    out = []
    for op, t in words:
        if op == "=":
            out.append(_md_escape(t))
        elif t.strip():
            core = _md_escape(t.strip())
            lead = " " if t[:1].isspace() else ""
            trail = " " if t[-1:].isspace() else ""
            out.append(f"{lead}~~{core}~~{trail}" if op == "-" else f"{lead}**{core}**{trail}")
        else:
            out.append(t)
    return "".join(out)


def markdown(diff: FrameworkDiff, *, table: Table | None = None) -> str:
    out = [
        f"# {_md_escape(diff.framework)}: {diff.old_version} → {diff.new_version}",
        "",
        summary_line(diff),
    ]
    for kind, title in SECTIONS:
        changes = diff.of_kind(kind)
        if not changes:
            continue
        out += ["", f"## {title}", ""]
        for c in changes:
            out.append(f"- **{c.change}** {_md_escape(describe(c))}")
            for f in c.fields:
                for line in _field_lines(f, _words_md):
                    indent = "    " if line.startswith("  ") else "  "
                    out.append(f"{indent}- {line.strip() if indent == '    ' else line}")
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

_HTML = """<!DOCTYPE html>
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
@media print { del, ins { background: none; } del { text-decoration: line-through; } ins { text-decoration: underline; } }
</style>
</head>
<body>
<h1>{{ diff.framework }}: {{ diff.old_version }} → {{ diff.new_version }}</h1>
<p>{{ summary }}</p>
{% for title, changes in sections %}
<h2>{{ title }}</h2>
{% for c in changes %}
<div class="change {{ c.change }}"><span class="kind">{{ c.change }}</span> {{ describe(c) }}
{% if c.fields %}<ul class="fields">
{% for f in c.fields %}<li>{{ field_html(f) }}</li>
{% endfor %}</ul>{% endif %}
</div>
{% endfor %}
{% endfor %}
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


def _words_html(words: list[tuple[str, str]] | list[list[str]]) -> Any:
    from markupsafe import Markup, escape

    parts = []
    for op, t in words:
        if op == "=":
            parts.append(str(escape(t)))
        elif op == "-":
            parts.append(f"<del>{escape(t)}</del>")
        else:
            parts.append(f"<ins>{escape(t)}</ins>")
    return Markup("".join(parts))


def _field_html(f: FieldChange) -> Any:
    from markupsafe import Markup, escape

    lines = _field_lines(f, lambda w: "\0W" + json.dumps(w) + "\0")
    html = []
    for line in lines:
        chunks = line.split("\0")
        out = []
        for chunk in chunks:
            if chunk.startswith("W["):
                out.append(str(_words_html(json.loads(chunk[1:]))))
            else:
                out.append(str(escape(chunk)))
        html.append("".join(out))
    return Markup("<br>".join(html))


def html(diff: FrameworkDiff, *, table: Table | None = None, lang: str = "en") -> str:
    from jinja2 import Environment, StrictUndefined

    env = Environment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
    template = env.from_string(_HTML)
    sections = [(title, diff.of_kind(kind)) for kind, title in SECTIONS if diff.of_kind(kind)]
    return template.render(
        diff=diff,
        sections=sections,
        summary=summary_line(diff),
        describe=describe,
        field_html=_field_html,
        table=table,
        lang=lang,
    )


# -- json ---------------------------------------------------------------------------------------


def to_json(diff: FrameworkDiff, *, table: Table | None = None) -> str:
    data = diff.to_json()
    if table is not None:
        data["correspondence"] = table.to_json()
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

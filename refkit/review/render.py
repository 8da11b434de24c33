"""Provides the renderings of a proposal: its sign-off status, its record with the comments, and
its semantic diff in text, Markdown and HTML (a page a commission prints and reads on paper).

The diff's words are those of ``refkit.diff.describe`` and ``refkit.diff.render``, as everywhere
a change is shown; this module adds the proposal around them (title, author, rationale, who
approved, what is missing, the comments).
"""

from __future__ import annotations

from refkit.control import visible
from refkit.diff import FrameworkDiff
from refkit.diff import render as diff_render
from refkit.diff.describe import describe, line_html, words
from refkit.diff.render import CHANGES_MACRO
from refkit.i18n import N_, Msg, N_plural, language, tr
from refkit.review.approval import COLLEGE_NAMES as COLLEGES
from refkit.review.approval import RULE_NAMES, Status
from refkit.review.record import Comment, Proposal
from refkit.review.refs import ProposalRef

# a proposal's status; in English the word of the file
STATUS_WORDS = {
    "open": N_("proposal open"),
    "withdrawn": N_("proposal withdrawn"),
    "merged": N_("proposal merged"),
}


def status_word(status: str, lang: str) -> str:
    if language(lang) == "en" or status not in STATUS_WORDS:
        return status
    return tr(STATUS_WORDS[status], lang)


def rule_name(rule: str, lang: str) -> str:
    return rule if language(lang) == "en" else tr(RULE_NAMES.get(rule, rule), lang)


def colleges_text(colleges: list[str], lang: str) -> str:
    """("employer", "employee") -> "employers, employees" in ``lang``."""
    return ", ".join(tr(COLLEGES.get(c, c), lang) for c in colleges)


def status_lines(st: Status, lang: str) -> list[str]:
    out = []
    if not st.signoffs:
        return [Msg("changes no framework yet: nothing to approve").render(lang)]
    for s in st.signoffs:
        verdict = tr("approved", lang) if s.holds else tr("not approved", lang)
        rule = rule_name(s.rule, lang)
        out.append(
            Msg(
                "{framework}: {verdict} ({rule})", framework=s.framework, verdict=verdict, rule=rule
            ).render(lang)
        )
        for a in s.approvals:
            college = f" ({tr(COLLEGES.get(a.college or '', a.college or '-'), lang)})"
            out.append("  + " + Msg("{member}{college}, {date}, by {by}", member=a.member,
                                    college=college, date=a.date, by=str(a.by)).render(lang))  # fmt: skip
        for a in s.outdated:
            out.append("  ! " + Msg("{member}: approved an earlier state ({commit}); to approve "
                                    "again", member=a.member, commit=a.commit[:7]).render(lang))  # fmt: skip
        if s.holds:
            continue
        if not s.members:
            out.append("  - " + tr("no working group in framework.yaml: no one can approve", lang))
        elif s.more:
            out.append("  - " + Msg(N_plural("{n} more member approval needed, among: {missing}",
                                             "{n} more member approvals needed, among: {missing}"),
                                    n=s.more, missing="; ".join(s.missing)).render(lang))  # fmt: skip
        elif s.rule == "every-college" and any(m.college for m in s.members):
            out.append("  - " + Msg("awaiting the colleges: {missing}",
                                    missing=colleges_text(s.missing, lang)).render(lang))  # fmt: skip
        else:
            out.append("  - " + Msg("awaiting: {missing}", missing="; ".join(s.missing)).render(lang))  # fmt: skip
    return out


def _thread(proposal: Proposal) -> list[tuple[int, Comment]]:
    """Comments in reading order: each followed by its replies, indented."""
    children: dict[str | None, list[Comment]] = {}
    known = {c.id for c in proposal.comments}
    for c in proposal.comments:
        children.setdefault(c.reply_to if c.reply_to in known else None, []).append(c)
    out: list[tuple[int, Comment]] = []

    def walk(parent: str | None, depth: int) -> None:
        for c in children.get(parent, []):
            out.append((depth, c))
            walk(c.id, depth + 1)

    walk(None, 0)
    return out


def comment_lines(proposal: Proposal, stale: set[str], lang: str) -> list[str]:
    out = []
    for depth, c in _thread(proposal):
        flags = []
        if c.resolved:
            flags.append(tr("resolved", lang))
        if c.id in stale:
            flags.append(tr("item deleted since", lang))
        flag = f" [{', '.join(flags)}]" if flags else ""
        pad = "  " * (depth + 1)
        out.append(f"{pad}{c.id} {c.item} — {c.author.name}, {c.date}{flag}")
        out += [f"{pad}  {visible(line)}" for line in c.text.splitlines()]
    return out


def show_lines(ref: ProposalRef, st: Status, stale: set[str], lang: str) -> list[str]:
    p = ref.record
    assert p is not None
    out = [Msg("{slug}: {title}", slug=p.slug, title=visible(p.title)).render(lang)]
    out.append("  " + Msg("branch {branch}, from {base}; {status}", branch=ref.branch,
                          base=p.base, status=status_word(p.status, lang)).render(lang))  # fmt: skip
    out.append("  " + Msg("proposed by {author} on {date}", author=str(p.author),
                          date=p.created).render(lang))  # fmt: skip
    if ref.upstream_gone:
        out.append("  ! " + Msg("its branch was deleted on the shared repository ({upstream})",
                                upstream=ref.upstream or "?").render(lang))  # fmt: skip
    if p.rationale:
        out += ["", *[f"  {visible(line)}" for line in p.rationale.splitlines()]]
    if p.withdrawn:
        out += ["", "  " + Msg("withdrawn by {by} on {date}", by=p.withdrawn.by.name,
                               date=p.withdrawn.date).render(lang)]  # fmt: skip
    if p.merge:
        out += ["", "  " + Msg("merged by {by} on {date}", by=p.merge.by.name,
                               date=p.merge.date).render(lang)]  # fmt: skip
        if p.merge.forced:
            out.append("  " + Msg("without the approvals the rule asks, because: {reason}",
                                  reason=p.merge.forced).render(lang))  # fmt: skip
    out += ["", tr("Sign-off", lang), *["  " + line for line in status_lines(st, lang)]]
    if p.comments:
        out += ["", tr("Comments", lang), *comment_lines(p, stale, lang)]
    return out


# -- the diff -------------------------------------------------------------------------------------


def diff_text(ref: ProposalRef, diffs: list[FrameworkDiff], lang: str, colour: bool) -> str:
    p = ref.record
    assert p is not None
    head = f"{tr('Proposal', lang)} {p.slug}: {visible(p.title)}\n"
    if not diffs:
        return head + "  " + tr("no change to any framework yet", lang) + "\n"
    return head + "\n".join(diff_render.text(d, colour=colour, lang=lang) for d in diffs)


def diff_markdown(ref: ProposalRef, diffs: list[FrameworkDiff], lang: str) -> str:
    p = ref.record
    assert p is not None
    out = [f"# {tr('Proposal', lang)} {p.slug}: {p.title}", ""]
    out.append(Msg("Proposed by {author} on {date}.", author=p.author.name, date=p.created).render(lang))  # fmt: skip
    if p.rationale:
        out += ["", p.rationale.strip()]
    if not diffs:
        out += ["", tr("no change to any framework yet", lang)]
    for d in diffs:
        body = diff_render.markdown(d, lang=lang)
        out += ["", body.replace("\n# ", "\n## ", 1) if body.startswith("#") else body]
    return "\n".join(out).rstrip("\n") + "\n"


_HTML = (
    CHANGES_MACRO
    + """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{% if banner %}<meta name="robots" content="noindex">{% endif %}
<title>{{ label }} {{ p.slug }}: {{ p.title }}</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 1rem auto; padding: 0 1rem; color: #1a1a1a; }
del { background: #fde2e1; color: #8a1c14; } ins { background: #dcf5e3; color: #0f5223; text-decoration: none; }
.change { margin: .4rem 0; break-inside: avoid; } .kind { font-weight: 600; display: inline-block; min-width: 6.5rem; }
.meta { color: #444; } .signoff li.missing { color: #8a1c14; }
ul.fields { margin: .2rem 0 .6rem 1.2rem; }
@media print { del, ins { background: none; } del { text-decoration: line-through; } ins { text-decoration: underline; } h2 { break-before: auto; break-after: avoid; } }
</style>
</head>
<body>
{% if banner %}<p class="banner" role="note" style="border: 3px solid #b45309; background: #fef3c7; padding: .6rem 1rem; font-weight: 600;">{{ banner }}</p>{% endif %}
<h1>{{ label }} « {{ p.title }} »</h1>
<p class="meta">{{ proposed }}</p>
{% if p.rationale %}<div class="rationale">{% for para in p.rationale.split("\\n\\n") %}<p>{{ para }}</p>{% endfor %}</div>{% endif %}
{% if signoff %}<h2>{{ signoff_label }}</h2>
<ul class="signoff">{% for line in signoff %}<li>{{ line }}</li>{% endfor %}</ul>{% endif %}
{% for d, described in diffs %}
<h2>{{ d.framework }}: {{ d.old_version }} → {{ d.new_version }}</h2>
<p>{{ described.summary }}</p>
{{ changes(described, 3, line_html, said) }}
{% else %}<p>{{ nothing }}</p>
{% endfor %}
</body>
</html>
"""
)


def diff_html(
    ref: ProposalRef, diffs: list[FrameworkDiff], st: Status, lang: str, banner: str | None = None
) -> str:
    """A standalone page: the proposal, its sign-off, then each framework's changes. ``banner``:
    a draft for consultation (the published site), said at the top and not indexed."""
    from jinja2 import Environment, StrictUndefined

    p = ref.record
    assert p is not None
    env = Environment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
    return env.from_string(_HTML).render(
        p=p,
        lang=lang,
        label=tr("Proposal", lang),
        proposed=Msg(
            "Proposed by {author} on {date}.", author=p.author.name, date=p.created
        ).render(lang),
        signoff=[line.strip() for line in status_lines(st, lang)],
        signoff_label=tr("Sign-off", lang),
        diffs=[(d, describe(d, lang)) for d in diffs],
        line_html=line_html,
        said=words(lang)["said"],
        nothing=tr("no change to any framework yet", lang),
        banner=banner,
    )

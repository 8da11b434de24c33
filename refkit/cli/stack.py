"""``refkit stack``: what a learner's blocks count for, what remains, and where frameworks overlap."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from refkit.i18n import N_, Msg, N_plural, number, plural, speaker, tr, user_language

HELP = N_("what blocks a learner holds count for, and what remains for a certification")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "stack",
        help=HELP,
        description=N_(
            "Given the blocks a learner holds (--have framework@version:BLOCK, repeatable, or "
            "--have-file with a YAML or JSON list), report for a target certification what is "
            "credited (directly, through a shared block, or through the correspondence tables of "
            "later versions), what remains in an order that respects prerequisites, and the "
            "remaining volume. Without a target, rank every certification of the repository by what "
            "remains. --overlap shows the blocks and competencies frameworks have in common. "
            "A certification is a framework's latest release, or its work tree if never released "
            "(--worktree uses every work tree)."
        ),
    )
    p.add_argument(
        "target",
        nargs="?",
        metavar=N_("TARGET"),
        help=N_("framework or framework@version (default: rank every certification)"),
    )
    p.add_argument(
        "--have",
        action="append",
        default=[],
        metavar=N_("FW@VERSION:BLOCK"),
        help=N_("a block held (repeatable; commas allowed)"),
    )
    p.add_argument(
        "--have-file", type=Path, metavar=N_("FILE"), help=N_("YAML or JSON list of blocks held")
    )
    p.add_argument(
        "--overlap",
        action="store_true",
        help=N_("show shared blocks and common competencies between frameworks"),
    )
    p.add_argument(
        "--worktree",
        action="store_true",
        help=N_("use the work tree of every framework instead of its latest release"),
    )
    p.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help=N_("output format (default: text)"),
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from refkit.stack.catalog import Catalog, StackError, read_holdings_file
    from refkit.store.repository import Repository

    lang = user_language(getattr(args, "ui_lang", None))
    repo = Repository.discover()
    with Catalog(repo, prefer_worktree=args.worktree, overlap=args.overlap) as catalog:
        if args.overlap:
            if args.target or args.have or args.have_file:
                raise StackError(
                    "--overlap compares frameworks: it takes no target and no blocks held"
                )
            return _overlap(catalog, args.format, lang)
        items = [part.strip() for h in args.have for part in h.split(",") if part.strip()]
        if args.have_file is not None:
            items += read_holdings_file(args.have_file)
        holdings = [catalog.parse_holding(item) for item in items]
        if args.target:
            fid, _, version = args.target.partition("@")
            targets = [catalog.view(fid, catalog.version_of(fid, version or None))]
            _refuse_broken(catalog, [fid])
            if catalog.is_reference(fid):
                raise StackError(
                    Msg(
                        "{framework} is a reference framework (type: reference): it certifies "
                        "nothing",
                        framework=fid,
                    ),
                    hint=Msg(
                        "name a certification: {frameworks}",
                        frameworks=", ".join(_certifications(catalog)),
                    ),
                )
        else:
            usable = [f for f in _certifications(catalog) if not catalog.errors.get(f)]
            targets = [catalog.view(f, catalog.current(f)) for f in usable]
        return _stack(
            catalog, holdings, targets, ranked=not args.target, fmt=args.format, lang=lang
        )


def _certifications(catalog: Any) -> list[str]:
    """The frameworks that certify: reference frameworks (ESCO, NICE...) are left out."""
    return [f for f in catalog.ids() if not catalog.is_reference(f)]


def _refuse_broken(catalog: Any, fids: list[str]) -> None:
    from refkit.stack.catalog import StackError

    for fid in fids:
        if catalog.errors.get(fid):
            raise StackError(
                Msg(
                    N_plural(
                        "{framework} has {n} validation error: its rules cannot be trusted",
                        "{framework} has {n} validation errors: its rules cannot be trusted",
                    ),
                    framework=fid,
                    n=catalog.errors[fid],
                ),
                hint="run refkit validate and fix them first",
            )


def _stack(
    catalog: Any, holdings: list[Any], targets: list[Any], *, ranked: bool, fmt: str, lang: str
) -> int:
    from refkit.stack import rank, stack

    coverage = catalog.coverage(holdings, targets)
    results = [stack(t, coverage, holdings) for t in targets]
    if ranked:
        results = rank(results)
    skipped = sorted(f for f, n in catalog.errors.items() if n) if ranked else []
    if fmt == "json":
        data: dict[str, Any] = {"holdings": [str(h) for h in holdings]}
        if ranked:
            data["ranking"] = [r.to_json() for r in results]
            data["skipped"] = skipped
        else:
            data.update(results[0].to_json())
        data["notes"] = [str(n) for n in catalog.notes]
        indent = (
            2 if len(results) < 20 else None
        )  # the indenting encoder is the slow pure-Python one
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=indent) + "\n")
        return 0
    out, say = sys.stdout, speaker(lang)
    held = ", ".join(str(h) for h in holdings) or tr("none", lang)
    if ranked:
        title = say("Certifications ranked by what remains, for the blocks held: {held}", held=held)
        out.write(title + "\n\n")
        for i, r in enumerate(results, 1):
            line = say(
                "{title} ({label}): {remaining}; credited: {credited}",
                title=r.cert.title,
                label=_label(r.cert, lang),
                remaining=_remaining(r, lang),
                credited=", ".join(b.block for b in r.credited) or tr("nothing yet", lang),
            )
            out.write(f"{i:3}. {line}\n")
        for f in skipped:
            said = say("skipped: {framework} has validation errors (refkit validate)", framework=f)
            out.write(f"\n{said}\n")
    else:
        _explain(results[0], held, out, lang)
    for note in catalog.notes:
        out.write(say("note: {note}", note=note) + "\n")
    return 0


def _label(cert: Any, lang: str) -> str:
    if cert.draft:
        say = speaker(lang)
        return say("{framework}, work tree", framework=cert.framework)
    return f"{cert.framework} {cert.version}"


def _volume(hours: float | None, credits: float | None, lang: str) -> str:
    parts = []
    if hours is not None:
        say = speaker(lang)
        parts.append(say("{n} h", n=number(hours, lang)))
    if credits is not None:
        parts.append(plural("{n} credit", "{n} credits", credits, lang))
    return " + ".join(parts)


def _remaining(r: Any, lang: str) -> str:
    if r.complete:
        return tr("complete", lang)
    to_go = plural("{n} block to go", "{n} blocks to go", len(r.pathway), lang)
    volume = _volume(r.remaining_hours, r.remaining_credits, lang)
    if not volume:
        return to_go
    say = speaker(lang)
    return say("{to_go}, about {volume}", to_go=to_go, volume=volume)


def _how(b: Any, lang: str) -> str:
    say = speaker(lang)
    came = tr(" and ", lang).join(b.held)
    if b.via == "direct":
        return say("held ({held})", held=came)
    path = " → ".join(b.path) if len(b.path) > 1 else ""
    if b.via == "shared":
        if path:
            return say(
                "through the shared block ({held}), carried {path} by the correspondence tables",
                held=came,
                path=path,
            )
        return say("through the shared block ({held})", held=came)
    if path:
        return say("through the correspondence tables {path} (from {held})", path=path, held=came)
    return say("through the correspondence tables (from {held})", held=came)


def _explain(r: Any, held: str, out: Any, lang: str) -> None:
    say = speaker(lang)
    cert = r.cert
    out.write(f"{cert.title} ({_label(cert, lang)})\n")
    out.write(say("Blocks held: {held}", held=held) + "\n")
    credited = [b for b in r.blocks if b.status == "credited"]
    partial = [b for b in r.blocks if b.status == "partial"]
    if credited:
        out.write("\n" + tr("Credited", lang) + "\n")
        for b in credited:
            out.write(f"  ✓ {b.block} {b.title}\n      {_how(b, lang)}\n")
    if partial:
        out.write("\n" + tr("Partly credited", lang) + "\n")
        for b in partial:
            part = say(
                "{have} of {total} competencies {how}; still to cover: {missing}",
                have=b.total - len(b.missing),
                total=b.total,
                how=_how(b, lang),
                missing=", ".join(b.missing),
            )
            out.write(f"  ◐ {b.block} {b.title}\n      {part}\n")
    for group in r.electives:
        line = say(
            "Elective group {group}: choose {choose}; {held}; counted: {chosen}",
            group=f"{group['group']} ({group['title']})" if group["title"] else group["group"],
            choose=group["choose"],
            held=", ".join(group["credited"]) or tr("none held", lang),
            chosen=", ".join(group["chosen"]),
        )
        if group["alternatives"]:
            line += say("; alternatives: {blocks}", blocks=", ".join(group["alternatives"]))
        out.write(f"\n{line}\n")
    if r.complete:
        out.write("\n" + tr("Nothing remains: the blocks held complete this certification.", lang))
        out.write("\n")
        return
    out.write("\n" + tr("Remaining, in an order that respects prerequisites", lang) + "\n")
    for i, s in enumerate(r.pathway, 1):
        what = s.why().render(lang)
        volume = _volume(s.hours, s.credits, lang)
        if volume:
            what += f", {volume}"
        if s.partial:
            what += say("; to cover: {blocks}", blocks=", ".join(s.missing))
        out.write(f"  {i}. {s.block} {s.title} ({what})\n")
    out.write("\n" + say("Remaining: {remaining}", remaining=_remaining(r, lang)) + "\n")


def _overlap(catalog: Any, fmt: str, lang: str) -> int:
    from refkit.stack.overlap import overlap

    usable = [f for f in _certifications(catalog) if not catalog.errors.get(f)]
    views = [catalog.view(f, catalog.current(f)) for f in usable]
    pairs = overlap(views)
    if fmt == "json":
        # one line: a national repository has over a hundred thousand pairs, and the indenting
        # encoder is the slow pure-Python one
        data = {"frameworks": [v.label for v in views], "pairs": [p.to_json() for p in pairs]}
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
        return 0
    out, say = sys.stdout, speaker(lang)
    out.write(
        say(
            "Overlap between {n} frameworks: blocks shared and competencies in common",
            n=len(views),
        )
        + "\n"
    )
    if not pairs:
        out.write("\n" + tr("No two frameworks share a block or a competency.", lang) + "\n")
        return 0
    if len(views) <= 8:
        names = [v.framework for v in views]
        width = max(len(n) for n in names)
        by_pair = {(p.a, p.b): p for p in pairs}
        out.write(
            "\n" + " " * (width + 2) + "  ".join(f"{i + 1:>4}" for i in range(len(names))) + "\n"
        )
        for i, x in enumerate(names):
            cells = []
            for y in names:
                if x == y:
                    cells.append("   -")
                else:
                    p = by_pair.get((min(x, y), max(x, y)))
                    cells.append(f"{p.common if p else 0:>4}")
            out.write(f"{i + 1}. {x:<{width}}" + "  ".join(cells) + "\n")
        out.write(tr("(competencies in common, shared blocks included)", lang) + "\n")
    out.write("\n")
    for p in pairs[:50]:
        shared = (
            say("shared blocks: {blocks}; ", blocks=", ".join(p.shared_blocks))
            if p.shared_blocks
            else ""
        )
        line = say(
            "{a} ~ {b}: {shared}{n} competencies in common ({size_a} and {size_b} in all)",
            a=p.a,
            b=p.b,
            shared=shared,
            n=p.common,
            size_a=p.size_a,
            size_b=p.size_b,
        )
        out.write(line + "\n")
        for ca, cb in p.examples:
            out.write(
                "    " + say("near-identical: {a} ~ {b}", a=f"{p.a} {ca}", b=f"{p.b} {cb}") + "\n"
            )
    if len(pairs) > 50:
        out.write(
            say("... and {n} more pairs (--format json lists them all)", n=len(pairs) - 50) + "\n"
        )
    return 0

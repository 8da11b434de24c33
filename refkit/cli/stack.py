"""``refkit stack``: what a learner's blocks count for, what remains, and where frameworks overlap."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from refkit.i18n import N_, Msg

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

    repo = Repository.discover()
    with Catalog(repo, prefer_worktree=args.worktree) as catalog:
        if args.overlap:
            if args.target or args.have or args.have_file:
                raise StackError(
                    "--overlap compares frameworks: it takes no target and no blocks held"
                )
            return _overlap(catalog, args.format)
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
        return _stack(catalog, holdings, targets, ranked=not args.target, fmt=args.format)


def _certifications(catalog: Any) -> list[str]:
    """The frameworks that certify: reference frameworks (ESCO, NICE...) are left out."""
    return [f for f in catalog.ids() if not catalog.is_reference(f)]


def _refuse_broken(catalog: Any, fids: list[str]) -> None:
    from refkit.stack.catalog import StackError

    for fid in fids:
        if catalog.errors.get(fid):
            raise StackError(
                Msg(
                    "{framework} has {n} validation errors: its rules cannot be trusted",
                    framework=fid,
                    n=catalog.errors[fid],
                ),
                hint="run refkit validate and fix them first",
            )


def _stack(catalog: Any, holdings: list[Any], targets: list[Any], *, ranked: bool, fmt: str) -> int:
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
        data["notes"] = catalog.notes
        indent = (
            2 if len(results) < 20 else None
        )  # the indenting encoder is the slow pure-Python one
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=indent) + "\n")
        return 0
    out = sys.stdout
    held = ", ".join(str(h) for h in holdings) or "none"
    if ranked:
        out.write(f"Certifications ranked by what remains, for the blocks held: {held}\n\n")
        for i, r in enumerate(results, 1):
            credited = ", ".join(b.block for b in r.credited) or "nothing yet"
            out.write(
                f"{i:3}. {r.cert.title} ({_label(r.cert)}): {_remaining(r)}; credited: {credited}\n"
            )
        for f in skipped:
            out.write(f"\nskipped: {f} has validation errors (refkit validate)\n")
    else:
        _explain(results[0], held, out)
    for note in catalog.notes:
        out.write(f"note: {note}\n")
    return 0


def _label(cert: Any) -> str:
    return f"{cert.framework}, work tree" if cert.draft else f"{cert.framework} {cert.version}"


def _volume(hours: float | None, credits: float | None) -> str:
    parts = []
    if hours is not None:
        parts.append(f"{hours:g} h")
    if credits is not None:
        parts.append(f"{credits:g} credits")
    return " + ".join(parts)


def _remaining(r: Any) -> str:
    if r.complete:
        return "complete"
    n = len(r.pathway)
    volume = _volume(r.remaining_hours, r.remaining_credits)
    return f"{n} block{'s' if n != 1 else ''} to go" + (f", about {volume}" if volume else "")


def _how(b: Any) -> str:
    came = " and ".join(b.held)
    if b.via == "direct":
        return f"held ({came})"
    path = f" {' → '.join(b.path)}" if len(b.path) > 1 else ""
    if b.via == "shared":
        carried = f", carried{path} by the correspondence tables" if path else ""
        return f"through the shared block ({came}){carried}"
    return f"through the correspondence tables{path} (from {came})"


def _explain(r: Any, held: str, out: Any) -> None:
    cert = r.cert
    out.write(f"{cert.title} ({_label(cert)})\n")
    out.write(f"Blocks held: {held}\n")
    credited = [b for b in r.blocks if b.status == "credited"]
    partial = [b for b in r.blocks if b.status == "partial"]
    if credited:
        out.write("\nCredited\n")
        for b in credited:
            out.write(f"  ✓ {b.block} {b.title}\n      {_how(b)}\n")
    if partial:
        out.write("\nPartly credited\n")
        for b in partial:
            have = b.total - len(b.missing)
            out.write(
                f"  ◐ {b.block} {b.title}\n      {have} of {b.total} competencies {_how(b)}; "
                f"still to cover: {', '.join(b.missing)}\n"
            )
    for group in r.electives:
        title = f" ({group['title']})" if group["title"] else ""
        held_g = ", ".join(group["credited"]) or "none held"
        alternatives = (
            f"; alternatives: {', '.join(group['alternatives'])}" if group["alternatives"] else ""
        )
        out.write(
            f"\nElective group {group['group']}{title}: choose {group['choose']}; {held_g}; "
            f"counted: {', '.join(group['chosen'])}{alternatives}\n"
        )
    if r.complete:
        out.write("\nNothing remains: the blocks held complete this certification.\n")
        return
    out.write("\nRemaining, in an order that respects prerequisites\n")
    for i, s in enumerate(r.pathway, 1):
        volume = _volume(s.hours, s.credits)
        what = f"{s.reason}" + (f", {volume}" if volume else "")
        if s.partial:
            what += f"; to cover: {', '.join(s.missing)}"
        out.write(f"  {i}. {s.block} {s.title} ({what})\n")
    out.write(f"\nRemaining: {_remaining(r)}\n")


def _overlap(catalog: Any, fmt: str) -> int:
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
    out = sys.stdout
    out.write(
        f"Overlap between {len(views)} frameworks: blocks shared and competencies in common\n"
    )
    if not pairs:
        out.write("\nNo two frameworks share a block or a competency.\n")
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
        out.write("(competencies in common, shared blocks included)\n")
    out.write("\n")
    for p in pairs[:50]:
        shared = f"shared blocks: {', '.join(p.shared_blocks)}; " if p.shared_blocks else ""
        out.write(
            f"{p.a} ~ {p.b}: {shared}{p.common} competencies in common ({p.size_a} and {p.size_b} in all)\n"
        )
        for ca, cb in p.examples:
            out.write(f"    near-identical: {p.a} {ca} ~ {p.b} {cb}\n")
    if len(pairs) > 50:
        out.write(f"... and {len(pairs) - 50} more pairs (--format json lists them all)\n")
    return 0

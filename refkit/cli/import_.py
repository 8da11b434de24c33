"""``refkit import FORMAT FILE --out DIR``: a framework from a CASE package, a spreadsheet, ESCO,
NICE or DIRECT, written whole or not at all. (``import`` is a Python keyword: hence ``import_``.)"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from refkit.i18n import N_, Msg, N_plural, plural, speaker, text_of, user_language

HELP = N_(
    "import a framework from CASE, a spreadsheet (CSV, xlsx), ESCO, NICE, DIRECT or an RNCP fiche"
)


def register(sub: Any) -> None:
    p = sub.add_parser(
        "import",
        help=HELP,
        description=N_(
            "Write a framework folder (its name is the framework id) from another format: a 1EdTech "
            "CASE package, a working group's spreadsheet (one row per competency), an ESCO CSV "
            "release, the NIST NICE framework JSON, the DIRECT framework JSON or a fiche of France "
            "Compétences' RNCP export. The folder is "
            "written whole or not at all. Parts of the source that cannot be placed are listed "
            "as warnings and the framework is written (exit code 0); with --strict nothing is "
            "written when there are any (exit code 1); unusable input is refused with what is "
            "missing (exit code 2)."
        ),
    )
    formats = p.add_subparsers(dest="source_format", metavar=N_("FORMAT"), required=True)
    _register_case(formats)
    _register_tabular(formats)
    _register_esco(formats)
    _register_json(formats)
    _register_rncp(formats)


def _register_case(formats: Any) -> None:
    c = formats.add_parser("case", help=N_("a 1EdTech CASE package (CFPackage JSON, CASE 1.0/1.1)"))
    c.add_argument("file", type=Path, metavar=N_("FILE"))
    c.add_argument(
        "--lang",
        metavar=N_("LANG"),
        help=N_("language of the text when the package names none (default: en)"),
    )
    c.add_argument(
        "--schema", type=Path, metavar=N_("FILE"),
        help=N_("check the package against this JSON Schema (default: refkit's own CASE 1.0/1.1 schema)"),
    )  # fmt: skip
    _common(c)


def _register_tabular(formats: Any) -> None:
    tabular = (
        ("csv", N_("a CSV file: one row per competency (block, id, statement, kind, criteria...)"),
         N_("Import a CSV file with one row per competency. Columns: block, block title, id, statement, kind, criteria (one per line in the cell), esco, notes; block, id and statement are required. Rows that cannot be placed are reported and left out.")),
        ("xlsx", N_("an Excel workbook (.xlsx): one row per competency (block, id, statement, kind, criteria...)"),
         N_("Import an Excel workbook (.xlsx) with one row per competency. Columns: block, block title, id, statement, kind, criteria (one per line in the cell), esco, notes; block, id and statement are required. Rows that cannot be placed are reported and left out.")),
    )  # fmt: skip
    for kind, about, description in tabular:
        t = formats.add_parser(kind, help=about, description=description)
        t.add_argument("file", type=Path, metavar=N_("FILE"))
        t.add_argument(
            "--map", action="append", default=[], metavar=N_("FIELD=HEADING"),
            help=N_("the column holding a field, when the sheet has its own headings (repeatable)"),
        )  # fmt: skip
        if kind == "xlsx":
            t.add_argument(
                "--sheet", metavar=N_("SHEET"), help=N_("the sheet to read (default: the first)")
            )
        t.add_argument(
            "--title",
            metavar=N_("TITLE"),
            help=N_("the framework's title (default: the file name)"),
        )
        t.add_argument(
            "--lang",
            default="fr",
            metavar=N_("LANG"),
            help=N_("language of the text (default: fr)"),
        )
        level = t.add_mutually_exclusive_group(required=True)
        level.add_argument(
            "--eqf", type=int, choices=range(1, 9), metavar=N_("N"),
            help=N_("a certification at EQF level N (1-8): every block required"),
        )  # fmt: skip
        level.add_argument(
            "--reference", action="store_true",
            help=N_("a reference framework: no level, no certification rules, criteria optional"),
        )  # fmt: skip
        _common(t)


def _register_esco(formats: Any) -> None:
    e = formats.add_parser(
        "esco", help=N_("ESCO's CSV release zips: a collection, a skill group, or the pillar")
    )
    e.add_argument(
        "zips", type=Path, nargs="+", metavar=N_("ZIP"),
        help=N_("the language zip (…classification - en - csv.zip), and the relations zip for --group and --pillar"),
    )  # fmt: skip
    what = e.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--collection", metavar=N_("NAME"), help=N_("a collection: digComp, green, transversal...")
    )
    what.add_argument(
        "--group",
        metavar=N_("CODE"),
        help=N_("a skill group and everything under it: S5, 0613... or its URI"),
    )
    what.add_argument("--pillar", action="store_true", help=N_("every skill of the skills pillar"))
    _common(e)


def _register_json(formats: Any) -> None:
    n = formats.add_parser(
        "nice", help=N_("the NIST NICE framework components JSON (both CPRT layouts)")
    )
    n.add_argument("file", type=Path, metavar=N_("FILE"))
    _common(n)

    d = formats.add_parser(
        "direct", help=N_("the DIRECT digital research competencies framework JSON (v1 or v2)")
    )
    d.add_argument("file", type=Path, metavar=N_("FILE"))
    d.add_argument("--title", metavar=N_("TITLE"), help=N_("the framework's title"))
    _common(d)


def _common(q: argparse.ArgumentParser, *, out_required: bool = True) -> None:
    q.add_argument(
        "--out", "-o", type=Path, required=out_required, metavar=N_("DIR"),
        help=N_("the framework folder to write, e.g. frameworks/esco-digcomp (its name is the id)"),
    )  # fmt: skip
    q.add_argument(
        "--replace", action="store_true",
        help=N_("update a framework imported before: its content is replaced, its version, status and releases kept (refused while the folder holds uncommitted work)"),
    )  # fmt: skip
    q.add_argument(
        "--strict", action="store_true",
        help=N_("write nothing (exit 1) when a part of the source cannot be placed; by default the rest is written and those parts listed (exit 0)"),
    )  # fmt: skip
    q.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help=N_("report format (default: text)"),
    )
    q.set_defaults(run=run)


def _register_rncp(formats: Any) -> None:
    r = formats.add_parser(
        "rncp",
        help=N_("one fiche of France Compétences' RNCP / RS export (XML v4.1, or its zip)"),
        description=N_(
            "Import one fiche of France Compétences' open-data export of the RNCP and RS (XML "
            "format v4.1, or the zip it is published in), read as a stream: the national export "
            "of some 30,000 fiches is never held in memory. Each block's list of competencies "
            "(free text) is split into competencies C1.1, C1.2... A document type declaration "
            "(DOCTYPE) is refused: it is how entities expand to gigabytes."
        ),
    )
    r.add_argument("file", type=Path, metavar=N_("EXPORT"), help=N_("the export: export-fiches-rncp-v4-1-DATE.xml or .zip"))  # fmt: skip
    pick = r.add_mutually_exclusive_group(required=True)
    pick.add_argument("--fiche", metavar=N_("NUMBER"), help=N_("the fiche to import: RNCP37999 (or 37999), RS5000"))  # fmt: skip
    pick.add_argument(
        "--list", nargs="?", const="", metavar=N_("TEXT"),
        help=N_("list the fiches of the export (those whose number or title holds TEXT), import nothing"),
    )  # fmt: skip
    r.add_argument(
        "--reference", action="store_true",
        help=N_("import it as a reference framework (kept for comparison: no certification rules, criteria optional)"),
    )  # fmt: skip
    _common(r, out_required=False)


def _existing(path: Path) -> None:
    """A regular file within the input cap (a FIFO or a device is refused, never opened)."""
    from refkit.interop.inputs import check_input

    check_input(path)


def run(args: argparse.Namespace) -> int:
    from refkit.interop import Imported

    fmt = args.source_format
    imported: Imported
    if fmt == "rncp":
        return _list_fiches(args) if args.list is not None else _write(args, _import_rncp(args))
    if fmt == "esco":
        from refkit.interop.esco import import_esco

        for z in args.zips:
            _existing(z)
        imported = import_esco(
            args.zips, collection=args.collection, group=args.group, pillar=args.pillar
        )
    else:
        _existing(args.file)
        if fmt == "case":
            from refkit.interop.case import import_case
            from refkit.interop.case_schema import load_schema

            schema = load_schema(args.schema) if args.schema is not None else None
            imported = import_case(
                args.file,
                lang=args.lang,
                schema=schema,
                schema_name=str(args.schema) if args.schema is not None else None,
            )
        elif fmt in ("csv", "xlsx"):
            from refkit.interop import tabular, xlsx

            mapping = tabular.parse_mapping(args.map)
            if fmt == "csv":
                header, rows = tabular.read_csv(args.file)
            else:
                header, rows = xlsx.read_xlsx(args.file, args.sheet)
            imported = tabular.rows_to_framework(
                rows, header, source=str(args.file), mapping=mapping,
                title=args.title or args.file.stem, lang=args.lang, eqf=args.eqf,
            )  # fmt: skip
        elif fmt == "nice":
            from refkit.interop.nice import import_nice

            imported = import_nice(args.file)
        else:
            from refkit.interop.direct import import_direct

            imported = import_direct(args.file, title=args.title)
    return _write(args, imported)


def _write(args: argparse.Namespace, imported: Any) -> int:
    """Write what was imported (or nothing, with --strict, when a part could not be placed)
    and report it."""
    from refkit.interop import write_imported

    lang = user_language(getattr(args, "ui_lang", None))
    say = speaker(lang)
    if args.strict and (imported.skipped or imported.problems):
        _list_problems(imported, say("nothing written (--strict):"), lang)
        _list_skipped(imported, say("nothing written (--strict):"), lang)
        return 1
    from refkit.progress import shown

    with shown(say("writing {folder}", folder=args.out.name)) as step:
        written = write_imported(args.out, imported, replace=args.replace, progress=step)
    blocks, competencies = imported.counts()
    if args.format == "json":
        json.dump(
            {"framework": imported.framework.id, "folder": str(written.folder), "replaced": written.replaced,
             "blocks": blocks, "competencies": competencies, "activities": len(imported.framework.activities),
             "files": written.files, "skipped": [s.to_json() for s in imported.skipped], "notes": [str(n) for n in imported.notes],
             "problems": imported.problems},
            sys.stdout, ensure_ascii=False, indent=2,
        )  # fmt: skip
        print()
    else:
        counts = [
            plural("{n} block", "{n} blocks", blocks, lang),
            plural("{n} competency", "{n} competencies", competencies, lang),
        ]
        if imported.framework.activities:
            n = len(imported.framework.activities)
            counts.append(plural("{n} activity", "{n} activities", n, lang))
        said = say(
            "updated {framework} in {folder}: {counts}"
            if written.replaced
            else "imported {framework} in {folder}: {counts}",
            framework=imported.framework.id,
            folder=written.folder,
            counts=", ".join(counts),
        )
        print(said)
        for note in imported.notes:
            print("  " + say("note: {note}", note=note))
    # written all the same: warnings, not a failure (--strict refuses)
    _list_problems(imported, say("warning:"), lang)
    _list_skipped(imported, say("warning:"), lang)
    return 0


def _import_rncp(args: argparse.Namespace) -> Any:
    from refkit.errors import RefkitError
    from refkit.i18n import Msg
    from refkit.interop.rncp import import_rncp

    if args.out is None:
        raise RefkitError(Msg("say where to write the framework: --out DIR"), hint=Msg("e.g. --out frameworks/technicien-maintenance (the folder name is the framework id)"))  # fmt: skip
    return import_rncp(args.file, args.fiche, reference=args.reference)


def _list_fiches(args: argparse.Namespace) -> int:
    """``--list [TEXT]``: the fiches of the export (number, level, active, title)."""
    from refkit.i18n import Msg, tr, user_language
    from refkit.interop.rncp_xml import matching, scan

    lang = user_language(getattr(args, "ui_lang", None))
    found = scan(args.file, None).fiches
    shown = matching(found, args.list) if args.list else found
    if args.format == "json":
        json.dump([f.to_json() for f in shown], sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        for f in shown:
            level = f"{tr('level', lang)} {f.level}" if f.level else "-"
            state = {True: tr("active", lang), False: tr("inactive", lang), None: "-"}[f.active]
            print(f"{f.number}\t{level}\t{state}\t{f.title}")
    print(f"refkit: {Msg('{n} of the {total} fiches of {file}', n=len(shown), total=len(found), file=str(args.file)).render(lang)}", file=sys.stderr)  # fmt: skip
    return 0


def _list_problems(imported: Any, what: str, lang: str) -> None:
    """The source's problems against its schema, each with its JSON path."""
    head = N_plural(
        "{what} {source} breaks its schema in {n} place:",
        "{what} {source} breaks its schema in {n} places:",
    )
    _listed(imported, what, head, [text_of(p, lang) for p in imported.problems[:50]], len(imported.problems), lang)  # fmt: skip


def _list_skipped(imported: Any, what: str, lang: str) -> None:
    head = N_plural(
        "{what} {n} part of {source} could not be placed:",
        "{what} {n} parts of {source} could not be placed:",
    )
    lines = [
        Msg("{where}: {detail}", where=s.where, detail=s.reason).render(lang)
        for s in imported.skipped[:50]
    ]
    _listed(imported, what, head, lines, len(imported.skipped), lang)


def _listed(
    imported: Any, what: str, head: tuple[str, str], lines: list[str], n: int, lang: str
) -> None:
    """``head`` (counted), the first 50 ``lines`` under it, and how many more, on stderr."""
    if not n:
        return
    said = Msg(head, what=what, source=imported.source, n=n)
    print(f"refkit: {said.render(lang)}", file=sys.stderr)
    for line in lines:
        print(f"  {line}", file=sys.stderr)
    if n > 50:
        more = Msg("... and {n} more (--format json lists them all)", n=n - 50)
        print(f"  {more.render(lang)}", file=sys.stderr)

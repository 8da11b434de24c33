"""Provides the output formats of ``refkit validate`` as reporters in a registry.

A reporter gets the whole ``Report`` once (problems already sorted and deduplicated) and writes
it to a stream: ``text`` for people, ``json`` for programs, ``github`` for GitHub Actions
(workflow commands that annotate the changed lines), ``sarif`` (SARIF 2.1.0) for code-scanning
tools.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from refkit.cli.output import Style, display_path, exact_json, use_colour, visible
from refkit.i18n import Msg, ngettext, tr
from refkit.problems import Problem, Severity
from refkit.validate import ValidationResult


@dataclass(frozen=True, slots=True)
class Shown:
    """A problem with its file as the user should see it."""

    path: str
    problem: Problem


class Report:
    def __init__(self, results: list[ValidationResult]) -> None:
        self.results = results
        shown = [
            Shown(display_path(r.repository.root, p.file), p) for r in results for p in r.problems
        ]
        self.items = sorted(
            {(s.path, s.problem.sort_key()): s for s in shown}.values(),
            key=lambda s: (s.path, *s.problem.sort_key()[1:]),
        )
        self.errors = sum(1 for s in self.items if s.problem.severity is Severity.ERROR)
        self.warnings = len(self.items) - self.errors
        self.frameworks = sum(r.frameworks for r in results)
        self.files = sum(r.files for r in results)
        self.note: Msg | None = None  # replaces the summary when there was nothing to check

    def summary(self, lang: str = "en") -> str:
        if self.note is not None and not self.items:
            return self.note.render(lang)
        files = ngettext("{n} file", "{n} files", self.files, lang).format(n=self.files)
        frameworks = ngettext("{n} framework", "{n} frameworks", self.frameworks, lang)
        where = Msg(
            "{files} of {frameworks}", files=files, frameworks=frameworks.format(n=self.frameworks)
        )
        if not self.items:
            return Msg("no problems in {where}", where=where).render(lang)
        parts = []
        if self.errors:
            parts.append(
                ngettext("{n} error", "{n} errors", self.errors, lang).format(n=self.errors)
            )
        if self.warnings:
            parts.append(
                ngettext("{n} warning", "{n} warnings", self.warnings, lang).format(n=self.warnings)
            )
        return Msg("{problems} in {where}", problems=", ".join(parts), where=where).render(lang)


def text(report: Report, out: TextIO, lang: str = "en") -> None:
    """For people, in ``lang``: each problem as ``file:line:col: severity rule message`` and its
    hint, then the summary."""
    style = Style(use_colour(out))
    error, warning, hint = tr("error", lang), tr("warning", lang), tr("hint:", lang)
    for s in report.items:
        p = s.problem
        sev = style.red(error) if p.severity is Severity.ERROR else style.yellow(warning)
        where = visible(f"{s.path}:{p.line}:{p.col}:")
        out.write(f"{style.bold(where)} {sev} {style.dim(p.rule)} {visible(p.text(lang))}\n")
        if p.hint:
            out.write(f"    {style.dim(hint)} {visible(p.hint_text(lang))}\n")
    summary = visible(report.summary(lang))
    if report.errors:
        summary = style.red(summary)
    elif report.warnings:
        summary = style.yellow(summary)
    else:
        summary = style.green(summary)
    out.write(summary + "\n")


def json_(report: Report, out: TextIO) -> None:
    items = []
    for s in report.items:
        d = s.problem.to_json(messages=False)
        d["file"] = s.path
        items.append(d)
    out.write(exact_json(json.dumps(items, ensure_ascii=False, indent=2)) + "\n")


def _escape_data(text: str) -> str:
    text = visible(text)  # GitHub's log viewer reads ANSI escape sequences
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github(report: Report, out: TextIO) -> None:
    """GitHub Actions workflow commands: one annotation per problem, then the summary."""
    for s in report.items:
        p = s.problem
        command = "error" if p.severity is Severity.ERROR else "warning"
        props = f"file={_escape_property(s.path)},line={p.line},col={p.col},title={_escape_property(p.rule)}"
        message = p.message + (f"\nhint: {p.hint}" if p.hint else "")
        out.write(f"::{command} {props}::{_escape_data(message)}\n")
    out.write(visible(report.summary()) + "\n")


def sarif(report: Report, out: TextIO) -> None:
    """A SARIF 2.1.0 log: one run of refkit, its rules, one result per problem."""
    from refkit import __version__
    from refkit.problems import RULES

    used = sorted({s.problem.rule for s in report.items})
    index = {rule: i for i, rule in enumerate(used)}
    rules = []
    for rule_id in used:
        rule = RULES.get(rule_id)
        title = rule.title if rule else rule_id
        rules.append(
            {
                "id": rule_id,
                "name": "".join(w.capitalize() for w in rule_id.split("-")),
                "shortDescription": {"text": title},
                "help": {"text": rule.hint if rule else title},
                "defaultConfiguration": {
                    "level": "error"
                    if rule is None or rule.severity is Severity.ERROR
                    else "warning"
                },
            }
        )
    results = []
    for s in report.items:
        p = s.problem
        result: dict[str, object] = {
            "ruleId": p.rule,
            "ruleIndex": index[p.rule],
            "level": "error" if p.severity is Severity.ERROR else "warning",
            "message": {"text": p.message + (f" (hint: {p.hint})" if p.hint else "")},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": s.path, "uriBaseId": "SRCROOT"},
                        "region": {"startLine": p.line, "startColumn": p.col},
                    }
                }
            ],
        }
        if p.path:
            result["properties"] = {"documentPath": [str(x) for x in p.path]}
        results.append(result)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "refkit",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {"SRCROOT": {"uri": "./"}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    out.write(exact_json(json.dumps(log, ensure_ascii=False, indent=2)) + "\n")


REPORTERS: dict[str, Callable[[Report, TextIO], None]] = {
    "text": text,
    "json": json_,
    "github": github,
    "sarif": sarif,
}


def print_problems(repo: object, problems: list[Problem], out: TextIO) -> None:
    """Problems in the text format, for commands other than validate (e.g. a refused release)."""
    from refkit.store.repository import Repository

    assert isinstance(repo, Repository)
    for p in problems:
        out.write(
            visible(
                f"{display_path(repo.root, p.file)}:{p.line}:{p.col}: {p.severity} {p.rule} {p.message}"
            )
            + "\n"
        )

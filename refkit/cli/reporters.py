"""Provides the output formats of ``refkit validate`` as reporters in a registry.

A reporter gets the whole ``Report`` once (problems already sorted and deduplicated) and writes
it to a stream: ``text`` for people, ``json`` for programs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from refkit.cli.output import Style, display_path, use_colour
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

    def summary(self) -> str:
        where = f"{self.files} file{'s' if self.files != 1 else ''} of {self.frameworks} framework{'s' if self.frameworks != 1 else ''}"
        if not self.items:
            return f"no problems in {where}"
        parts = []
        if self.errors:
            parts.append(f"{self.errors} error{'s' if self.errors != 1 else ''}")
        if self.warnings:
            parts.append(f"{self.warnings} warning{'s' if self.warnings != 1 else ''}")
        return f"{', '.join(parts)} in {where}"


def text(report: Report, out: TextIO) -> None:
    style = Style(use_colour(out))
    for s in report.items:
        p = s.problem
        sev = style.red("error") if p.severity is Severity.ERROR else style.yellow("warning")
        out.write(
            f"{style.bold(f'{s.path}:{p.line}:{p.col}:')} {sev} {style.dim(p.rule)} {p.message}\n"
        )
        if p.hint:
            out.write(f"    {style.dim('hint:')} {p.hint}\n")
    summary = report.summary()
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
        d = s.problem.to_json()
        d["file"] = s.path
        items.append(d)
    json.dump(items, out, ensure_ascii=False, indent=2)
    out.write("\n")


REPORTERS: dict[str, Callable[[Report, TextIO], None]] = {
    "text": text,
    "json": json_,
}


def print_problems(repo: object, problems: list[Problem], out: TextIO) -> None:
    """Problems in the text format, for commands other than validate (e.g. a refused release)."""
    from refkit.store.repository import Repository

    assert isinstance(repo, Repository)
    for p in problems:
        out.write(
            f"{display_path(repo.root, p.file)}:{p.line}:{p.col}: {p.severity} {p.rule} {p.message}\n"
        )

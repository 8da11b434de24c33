"""Provides ``Problem`` and the catalogue of every rule that can raise one.

A problem is what every check produces, whatever found it (the YAML reader, the schema, a semantic
rule): a stable rule id, a severity, a message, a one-line fix hint, the file, the line and column
(1-based) and the path inside the document. The catalogue is the single place where rule ids, titles
and hints live, so that the docs (docs/rules.md), the CLI and the TUI say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from refkit.i18n import Msg, translate

DocPath = tuple[str | int, ...]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def rank(self) -> int:
        return 0 if self is Severity.ERROR else 1


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: Severity
    title: str
    hint: str
    group: str

    def at(
        self,
        file: str,
        line: int,
        col: int,
        message: str | Msg,
        *,
        path: DocPath = (),
        hint: str | Msg | None = None,
    ) -> Problem:
        """A problem of this rule. ``message`` (and ``hint``) as a ``Msg`` read in the reader's
        language (``Problem.text``); as a plain text, in English only."""
        return Problem(
            file=file,
            line=line,
            col=col,
            severity=self.severity,
            rule=self.id,
            message=str(message),
            hint=str(hint) if hint else self.hint,
            path=path,
            msg=message if isinstance(message, Msg) else None,
            hint_msg=hint if isinstance(hint, Msg) else None,
        )


@dataclass(frozen=True, slots=True)
class Problem:
    file: str  # repository-relative, forward slashes
    line: int  # 1-based
    col: int  # 1-based
    severity: Severity
    rule: str
    message: str  # in English (refkit's own language, that of CI logs and --format json)
    hint: str = ""
    path: DocPath = field(default=())
    # the message and the hint to translate (refkit.i18n), when they are made of values
    msg: Msg | None = field(default=None, compare=False)
    hint_msg: Msg | None = field(default=None, compare=False)

    def sort_key(self) -> tuple[Any, ...]:
        return (self.file, self.line, self.col, self.severity.rank, self.rule, self.message)

    def text(self, lang: str | None = None) -> str:
        """The message in ``lang`` (the catalogue's, English when it has none)."""
        if self.msg is not None:
            return self.msg.render(lang or "en")
        return translate(self.message, lang)

    def hint_text(self, lang: str | None = None) -> str:
        if self.hint_msg is not None:
            return self.hint_msg.render(lang or "en")
        return translate(self.hint, lang)

    def title(self, lang: str | None = None) -> str:
        rule = RULES.get(self.rule)
        return translate(rule.title, lang) if rule is not None else self.rule

    def to_json(self, *, messages: bool = True) -> dict[str, Any]:
        """As JSON; ``messages``: with the message and hint to translate (refkit's own caches
        and the editor's check keep them; ``--format json`` gives the English texts only)."""
        d: dict[str, Any] = {
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "severity": str(self.severity),
            "rule": self.rule,
            "message": self.message,
            "hint": self.hint,
            "path": list(self.path),
        }
        if messages and self.msg is not None:
            d["msg"] = self.msg.to_json()
        if messages and self.hint_msg is not None:
            d["hint_msg"] = self.hint_msg.to_json()
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Problem:
        """The problem ``to_json`` gave; raises ``TypeError`` or ``ValueError`` on anything else
        (a damaged cache is a miss, never a wrong or a crashing answer)."""
        file, line, col, rule, message = d["file"], d["line"], d["col"], d["rule"], d["message"]
        hint, path = d.get("hint", ""), d.get("path", [])
        if not (
            type(file) is str
            and type(line) is int
            and type(col) is int
            and type(rule) is str
            and type(message) is str
            and type(hint) is str
            and type(path) is list
            and all(type(step) is str or type(step) is int for step in path)
        ):
            raise TypeError("not a problem as refkit writes it")
        msg = Msg.from_json(d["msg"]) if "msg" in d else None
        hint_msg = Msg.from_json(d["hint_msg"]) if "hint_msg" in d else None
        severity = Severity(d["severity"])
        return cls(file, line, col, severity, rule, message, hint, tuple(path), msg, hint_msg)


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Sorted by file, line, column, severity and rule, with exact duplicates removed."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for p in sorted(problems, key=Problem.sort_key):
        key = p.sort_key()
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


E, W = Severity.ERROR, Severity.WARNING
_RELATION_RULES = [  # relations between items (issue 17): id, severity, title, hint
    ("relation-target", E, "Relation to an item that does not exist", "name an id of this framework, framework@version:id or a URI"),
    ("relation-version", E, "Relation to another framework without a version", "write framework@version:id"),
    ("relation-release", E, "Relation to a release or an item that does not exist", "name a release of that framework, and an item it has"),
    ("relation-unchecked", W, "Relation that cannot be checked", "make that framework's history readable (git fetch --tags)"),
    ("relation-duplicate", W, "Duplicate relation", "remove one of the two"),
]  # fmt: skip

_CATALOGUE = [
    # -- reading the file ----------------------------------------------------------------------
    Rule("file-too-large", E, "File too large", "split the block into several block files", "file"),
    Rule("file-unreadable", E, "File cannot be read", "check the file's permissions", "file"),
    Rule(
        "file-not-regular",
        E,
        "Not a regular file",
        "replace it with a regular YAML file, or remove it",
        "file",
    ),
    Rule(
        "file-link",
        E,
        "Symbolic link",
        "replace the link with the file itself (a block used by several frameworks: shared_blocks in framework.yaml)",
        "file",
    ),
    Rule("encoding", E, "Not UTF-8", "save the file as UTF-8 (without BOM)", "file"),
    Rule("encoding-bom", E, "UTF-8 byte order mark", "save the file as UTF-8 without BOM", "file"),
    Rule(
        "merge-conflict",
        E,
        "Merge conflict marker",
        "resolve the conflict: keep the right lines and delete the <<<<<<<, ======= and >>>>>>> lines",
        "file",
    ),
    Rule("yaml-syntax", E, "YAML syntax error", "fix the YAML syntax at this place", "yaml"),
    Rule("yaml-tab", E, "Tab in indentation", "indent with spaces, never tabs", "yaml"),
    Rule("yaml-duplicate-key", E, "Duplicate key", "keep only one of the two keys", "yaml"),
    Rule(
        "yaml-alias",
        E,
        "Anchor or alias",
        "write the value out in full: refkit does not expand YAML anchors and aliases",
        "yaml",
    ),
    Rule("yaml-tag", E, "Explicit YAML tag", "remove the tag (the text starting with '!')", "yaml"),
    Rule(
        "yaml-nesting",
        E,
        "Nesting too deep",
        "flatten the structure: no field nests this deep",
        "yaml",
    ),
    Rule("yaml-empty", E, "Empty file", "write the file's content, or delete the file", "yaml"),
    Rule("yaml-key-type", E, "Key is not text", "write the key as text", "yaml"),
    # -- schema --------------------------------------------------------------------------------
    Rule(
        "schema-version",
        E,
        "Unknown schema version",
        "set the schema line the file kind expects",
        "schema",
    ),
    Rule(
        "schema-migrate",
        E,
        "Older file format",
        "run refkit migrate: it upgrades the file and keeps its comments",
        "schema",
    ),
    Rule("schema-required", E, "Missing field", "add the field", "schema"),
    Rule(
        "schema-unknown-field", E, "Unknown field", "remove the field or fix its spelling", "schema"
    ),
    Rule("schema-type", E, "Wrong type", "write a value of the expected type", "schema"),
    Rule("schema-enum", E, "Value not allowed", "use one of the allowed values", "schema"),
    Rule("schema-pattern", E, "Wrong format", "write the value in the expected format", "schema"),
    Rule("schema-range", E, "Out of range", "use a value within the allowed range", "schema"),
    Rule("schema-length", E, "Wrong length", "fix the number of items or characters", "schema"),
    Rule("schema-unique", E, "Repeated item", "remove the repeated item", "schema"),
    Rule("schema", E, "Schema violation", "fix the value so that it follows the schema", "schema"),
    # -- repository layout ---------------------------------------------------------------------
    Rule(
        "framework-file-missing",
        E,
        "Framework folder without framework.yaml",
        "add framework.yaml (refkit new framework) or remove the folder",
        "layout",
    ),
    Rule(
        "folder-name",
        E,
        "Folder name differs from framework id",
        "rename the folder or fix the id",
        "layout",
    ),
    Rule(
        "block-file-name",
        E,
        "Block file name differs from block id",
        "rename the file to <id>.yaml",
        "layout",
    ),
    Rule(
        "unexpected-file",
        W,
        "File refkit does not read",
        "move it to blocks/ as <id>.yaml, or remove it",
        "layout",
    ),
    # -- identity ------------------------------------------------------------------------------
    Rule("duplicate-id", E, "Duplicate id", "give each item its own id", "ids"),
    Rule(
        "competency-one-block",
        E,
        "Competency in several blocks",
        "keep the competency in one block only, or give the copy a new id",
        "ids",
    ),
    # -- references ----------------------------------------------------------------------------
    Rule(
        "unknown-activity",
        E,
        "Unknown activity",
        "use the id of an activity of this framework",
        "references",
    ),
    Rule(
        "unknown-block",
        E,
        "Unknown block",
        "use the id of a block of this framework or of a shared block",
        "references",
    ),
    Rule(
        "unknown-framework",
        E,
        "Unknown framework",
        "use the id (folder name) of a framework of the repository",
        "references",
    ),
    Rule(
        "unknown-shared-block",
        E,
        "Unknown shared block",
        "use the id of a block defined in the home framework",
        "references",
    ),
    Rule(
        "shared-version-mismatch",
        E,
        "Shared block version not found",
        "pin a version the home framework has, or remove version to follow its latest release",
        "references",
    ),
    Rule(
        "shared-block-prerequisite",
        E,
        "Shared block requires a block the framework lacks",
        "add the prerequisite block to this framework, or ask the home's working group to drop it",
        "references",
    ),
    Rule(
        "shared-block-outdated",
        W,
        "Pinned shared block changed since",
        "review the change and pin the newer version, or keep the pin on purpose",
        "references",
    ),
    Rule(
        "shared-block-changed",
        W,
        "Change to a shared block breaks its users",
        "keep the competency ids and prerequisites, or tell the working groups of the frameworks using the block",
        "references",
    ),
    Rule(
        "history-unavailable",
        W,
        "Release not readable from git",
        "run refkit in a clone with history (git fetch --unshallow --tags)",
        "references",
    ),
    Rule(
        "unknown-competency",
        E,
        "Unknown competency",
        "use the id of a competency of the named block(s)",
        "references",
    ),
    Rule(
        "unknown-release",
        E,
        "Unknown release",
        "name a released version (refkit log FRAMEWORK lists them)",
        "references",
    ),
    Rule(
        "correspondence-entry",
        E,
        "Malformed correspondence entry",
        "give old (except for a new block), type, and new (except for a removed block)",
        "references",
    ),
    Rule(
        "prerequisite-cycle",
        E,
        "Prerequisite cycle",
        "remove one prerequisite so that no block requires itself",
        "references",
    ),
    Rule(
        "prerequisite-self",
        E,
        "Block requires itself",
        "remove the block from its own prerequisites",
        "references",
    ),
    # -- content -------------------------------------------------------------------------------
    Rule(
        "competency-criteria",
        E,
        "Competency without criteria",
        "add at least one observable assessment criterion",
        "content",
    ),
    Rule(
        "empty-block",
        W,
        "Block without competencies",
        "add competencies to the block or remove it",
        "content",
    ),
    Rule(
        "placeholder-text",
        W,
        "Text left as the editor wrote it",
        "write the real text in its place",
        "content",
    ),
    Rule(
        "duplicate-statement",
        W,
        "Two competencies with the same statement",
        "reword one of them to say what sets it apart, or remove the copy",
        "content",
    ),
    Rule(
        "control-character",
        E,
        "Control character in a text",
        "delete the character: it is invisible, and a terminal acts on it (an escape sequence can erase lines)",
        "content",
    ),
    Rule(
        "text-tab",
        W,
        "Tab in a one-line text",
        "replace the tab with a space",
        "content",
    ),
    Rule(
        "unused-activity",
        W,
        "Activity no competency serves",
        "link a competency to it, or remove it",
        "content",
    ),
    Rule(
        "volume-total",
        W,
        "Total volume differs from the blocks",
        "correct the total, or the volumes of the blocks",
        "certification",
    ),
    Rule(
        "level-mismatch",
        W,
        "EQF and French levels differ",
        "since 2019 the French level equals the EQF level",
        "content",
    ),
    # -- certification rules -------------------------------------------------------------------
    Rule(
        "elective-unsatisfiable",
        E,
        "Elective group cannot be satisfied",
        "lower choose, or add blocks to the group",
        "certification",
    ),
    Rule(
        "block-required-and-elective",
        E,
        "Block both required and elective",
        "list the block in one place only",
        "certification",
    ),
    Rule(
        "block-in-several-electives",
        W,
        "Block in several elective groups",
        "list the block in one group only",
        "certification",
    ),
    Rule(
        "block-not-certified",
        W,
        "Block outside the certification rules",
        "add the block to certification.required or to an elective group",
        "certification",
    ),
    *(Rule(*r, "relations") for r in _RELATION_RULES),
    Rule(
        "no-certification-rules",
        W,
        "No certification rules",
        "add certification.required and/or electives",
        "certification",
    ),
]

RULES: dict[str, Rule] = {r.id: r for r in _CATALOGUE}

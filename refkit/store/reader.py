"""Provides the fast, defensive YAML reader: bytes -> plain data, positions, problems.

refkit reads with libyaml's C parser (through PyYAML's ``CParser``) and builds plain Python data
from the composed node tree itself, recording the line and column of every key and value on the way
(``Positions``). That is 1.5x faster than ``yaml.load`` and ten times faster than ruamel's round-trip
loader (docs/performance.md); writing goes through ruamel.yaml (``store.writer``).

Scalars resolve with the YAML 1.2 core schema, as ruamel.yaml does when it writes: ``no`` stays
text, ``2025-09-01`` stays text, ``1.0`` is a number.

Every hostile input ends as a ``Problem`` with a line and column, never as an exception: files
over ``MAX_FILE_BYTES``, a BOM, bytes that are not UTF-8, merge-conflict markers, tabs, duplicate
keys, explicit tags, anchors and aliases (refused, never expanded), nesting deeper than
``MAX_DEPTH`` (checked on the event stream before composing: libyaml's composer is recursive and
would crash on deep flow nesting).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

from refkit.i18n import Msg
from refkit.problems import RULES, DocPath, Problem

MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
# libyaml's composer recurses in C and crashes between 20,000 and 100,000 levels of flow nesting;
# a file with fewer brackets than this cannot nest that deep, so it is composed without a pre-scan.
SCAN_BRACKETS = 5000

try:  # libyaml's C parser; PyYAML wheels bundle it on every common platform
    from yaml.cyaml import CParser as _Parser

    HAS_LIBYAML = True
except ImportError:  # pragma: no cover - then the pure-Python parser, about 10x slower
    _Parser = yaml.parser.Parser
    HAS_LIBYAML = False


class _Resolver(BaseResolver):
    """YAML 1.2 core schema (what ruamel.yaml writes), not PyYAML's YAML 1.1 defaults.

    Without path resolvers (refkit has none): libyaml's composer calls these three methods for
    every node, and PyYAML's own versions, which track paths, are 12 % of reading a file."""

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            if implicit[0]:
                for tag, regexp in _IMPLICIT.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return _STR
        return _SEQ if kind is SequenceNode else _MAP

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+.0123456789"),
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)


_IMPLICIT: dict[str, list[tuple[str, re.Pattern[str]]]] = _Resolver.yaml_implicit_resolvers
_T = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = _T + "str", _T + "int", _T + "float", _T + "bool", _T + "null"
_MAP, _SEQ = _T + "map", _T + "seq"
if HAS_LIBYAML:

    class _Loader(_Parser, yaml.constructor.BaseConstructor, _Resolver):
        def __init__(self, stream: str | bytes) -> None:
            _Parser.__init__(self, stream)
            yaml.constructor.BaseConstructor.__init__(self)
            _Resolver.__init__(self)

else:  # pragma: no cover - platforms without libyaml

    class _Loader(  # type: ignore[no-redef]
        yaml.reader.Reader,
        yaml.scanner.Scanner,
        yaml.parser.Parser,
        yaml.composer.Composer,
        yaml.constructor.BaseConstructor,
        _Resolver,
    ):
        def __init__(self, stream: str | bytes) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.BaseConstructor.__init__(self)
            _Resolver.__init__(self)


_INFINITIES = (float("inf"), float("-inf"))
_CONFLICT = re.compile(r"^(<{7}|={7}|>{7})(?: |$)", re.MULTILINE)

# key -> (key line, key col, value line, value col); 1-based
KeyPositions = dict[str, tuple[int, int, int, int]]


class Positions:
    """Line and column of every key and value of one file's data, looked up by document path.

    Containers are keyed by ``id()``, so a ``Positions`` is only valid with the very data objects
    the reader built (which it is always returned with).
    """

    __slots__ = ("table",)

    def __init__(self) -> None:
        self.table: dict[int, tuple[int, int, Any]] = {}

    def of(self, data: Any, path: DocPath, *, key: bool = False) -> tuple[int, int]:
        """Where the value at ``path`` starts (or its key, with ``key=True``).

        When the path does not exist (a missing field), this is the deepest existing ancestor.
        """
        entry = self.table.get(id(data))
        if entry is None:
            return 1, 1
        line, col = entry[0], entry[1]
        node = data
        for i, step in enumerate(path):
            entry = self.table.get(id(node))
            if entry is None:
                break
            if isinstance(node, dict) and isinstance(step, str) and step in node:
                kl, kc, vl, vc = entry[2][step]
                last = i == len(path) - 1
                line, col = (kl, kc) if (key and last) else (vl, vc)
                node = node[step]
            elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
                line, col = entry[2][step]
                node = node[step]
            else:
                break
        return line, col


@dataclass(slots=True)
class ReadResult:
    file: str
    data: Any = None
    problems: list[Problem] = field(default_factory=list)
    positions: Positions = field(default_factory=Positions)
    nonfinite: bool = False  # a value is .nan or .inf: the schema check says where (JSON has none)
    # whether a value may hold a control character or a tab: libyaml refuses them raw, so only a
    # double-quoted escape ("\e"), a tab or a NEL can put one there (unknown: True)
    escapes: bool = True

    @property
    def ok(self) -> bool:
        return self.data is not None


class _Stop(Exception):
    """Stops the build at the first structural problem (already recorded)."""


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def read_yaml(file: str, raw: bytes, *, size: int | None = None) -> ReadResult:
    """Parse one YAML file's bytes. ``file`` is the repository-relative name used in problems."""
    result = ReadResult(file)
    problems = result.problems
    text = _text(file, raw, len(raw) if size is None else size, problems)
    if text is None:
        return result
    try:
        if ("&" in text and "*" in text) or text.count("[") + text.count("{") > SCAN_BRACKETS:
            before = len(problems)
            _scan_events(file, text, problems)
            if len(problems) > before:
                return result
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as e:
        problems.append(_syntax_problem(file, text, e))
        return result
    except yaml.YAMLError as e:  # pragma: no cover - unmarked errors are rare in libyaml
        problems.append(RULES["yaml-syntax"].at(file, 1, 1, str(e).splitlines()[0]))
        return result
    if root is None:
        problems.append(RULES["yaml-empty"].at(file, 1, 1, "file has no content"))
        return result
    result.escapes = "\\" in text or "\t" in text or "\x85" in text
    builder = _Builder(file, problems, result.positions)
    try:
        result.data = builder.build(root, 0)
    except _Stop:
        result.data = None
    result.nonfinite = builder.nonfinite
    return result


def _text(file: str, raw: bytes, size: int, problems: list[Problem]) -> str | None:
    """The text of a file's bytes, or None (with the problem added) when it cannot be parsed as
    YAML at all: too large, not UTF-8, binary, holding merge conflict markers. A BOM is dropped
    (and reported)."""
    if size > MAX_FILE_BYTES:
        message = Msg(
            "file is {size} MB, over the {limit} MB limit for one file",
            size=f"{size / 1048576:.1f}",
            limit=MAX_FILE_BYTES // 1048576,
        )
        problems.append(RULES["file-too-large"].at(file, 1, 1, message))
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        problems.append(
            RULES["encoding-bom"].at(file, 1, 1, "file starts with a UTF-8 byte order mark (BOM)")
        )
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        good = raw[: e.start].decode("utf-8", errors="replace")
        line, col = _line_col(good, len(good))
        message = Msg(
            "byte {byte} is not valid UTF-8 (file is not UTF-8 text)",
            byte=f"0x{raw[e.start]:02x}",
        )
        problems.append(RULES["encoding"].at(file, line, col, message))
        return None
    if "<<<<<<<" in text or ">>>>>>>" in text:
        markers = list(_CONFLICT.finditer(text))
        for m in markers:
            line, col = _line_col(text, m.start())
            message = Msg("merge conflict marker {marker}", marker=m.group(1)[:1] * 7)
            problems.append(RULES["merge-conflict"].at(file, line, col, message))
        if markers:
            return None
    if "\x00" in text:
        line, col = _line_col(text, text.index("\x00"))
        problems.append(
            RULES["encoding"].at(
                file, line, col, "file contains a NUL byte: it is binary, not text"
            )
        )
        return None
    return text


def _scan_events(file: str, text: str, problems: list[Problem]) -> None:
    """Refuse anchors/aliases and excessive nesting on the (iterative) event stream."""
    depth = 0
    loader = _Loader(text)
    try:
        while loader.check_event():
            ev = loader.get_event()
            cls = ev.__class__
            if cls in (yaml.MappingStartEvent, yaml.SequenceStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    m = ev.start_mark
                    problems.append(
                        RULES["yaml-nesting"].at(
                            file,
                            m.line + 1,
                            m.column + 1,
                            Msg("nesting deeper than {n} levels", n=MAX_DEPTH),
                        )
                    )
                    return
            elif cls in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
                depth -= 1
            if getattr(ev, "anchor", None) is not None:
                m = ev.start_mark
                message = (
                    Msg("YAML alias '{name}' is not allowed", name=ev.anchor)
                    if cls is yaml.AliasEvent
                    else Msg("YAML anchor '{name}' is not allowed", name=ev.anchor)
                )
                problems.append(RULES["yaml-alias"].at(file, m.line + 1, m.column + 1, message))
                return
    finally:
        loader.dispose()


def _syntax_problem(file: str, text: str, e: yaml.MarkedYAMLError) -> Problem:
    mark = e.problem_mark or e.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = (e.problem or "invalid YAML").strip()
    at_tab = mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t"
    if at_tab or "'\\t'" in problem:
        return RULES["yaml-tab"].at(
            file, line, col, "tab character where YAML expects indentation or a value"
        )
    if problem.startswith("exceeded maximum nesting depth"):
        # libyaml 0.2.5 and later stop at 1,000 levels themselves, before refkit's scan
        return RULES["yaml-nesting"].at(
            file, line, col, Msg("nesting deeper than {n} levels", n=MAX_DEPTH)
        )
    for start, message, hint in _FRIENDLY:
        if problem.startswith(start):
            return RULES["yaml-syntax"].at(file, line, col, message, hint=hint)
    # libyaml's own words, kept as they are (no catalogue has them all)
    if e.context and e.context_mark is not None:
        return RULES["yaml-syntax"].at(
            file,
            line,
            col,
            Msg(
                "{problem} ({context} at line {line})",
                problem=problem,
                context=e.context,
                line=e.context_mark.line + 1,
            ),
        )
    if e.context:
        said = Msg("{problem} ({context})", problem=problem, context=e.context)
        return RULES["yaml-syntax"].at(file, line, col, said)
    return RULES["yaml-syntax"].at(file, line, col, problem)


# libyaml's wording -> what a working group member can act on.
_FRIENDLY = [
    (
        "mapping values are not allowed",
        "unexpected ':' after a value",
        'if the text itself contains ": ", put the whole text in double quotes',
    ),
    (
        "could not find expected ':'",
        "this line is neither 'key: value' nor a list item",
        "check the indentation and the ':' after the key",
    ),
    (
        "did not find expected key",
        "indentation does not match the lines above",
        "align this line with the other fields of the same item",
    ),
    (
        "did not find expected '-' indicator",
        "a list item was expected here",
        "align the '-' with the other items of the list",
    ),
    (
        "found unexpected end of stream",
        "the file ends inside a quoted text",
        "close the quote that opens the text",
    ),
    (
        "but found another document",
        "a second YAML document starts here",
        "a refkit file holds one document: remove the '---' line or split the file",
    ),
    (
        "found character",
        "a value cannot start with this character",
        "put the whole value in double quotes",
    ),
]


class _Builder:
    """Builds plain data (dict/list/str/int/float/bool/None) and its ``Positions``."""

    __slots__ = ("file", "nonfinite", "problems", "table")

    def __init__(self, file: str, problems: list[Problem], positions: Positions) -> None:
        self.file = file
        self.problems = problems
        self.table = positions.table
        self.nonfinite = False

    def fail(self, rule: str, node: Any, message: str | Msg) -> None:
        m = node.start_mark
        self.problems.append(RULES[rule].at(self.file, m.line + 1, m.column + 1, message))

    def build(self, node: Any, depth: int) -> Any:
        cls = node.__class__
        if cls is ScalarNode:
            tag = node.tag
            if tag == _STR:
                return node.value
            return self.scalar(node, tag)
        if depth >= MAX_DEPTH:
            self.fail("yaml-nesting", node, Msg("nesting deeper than {n} levels", n=MAX_DEPTH))
            raise _Stop
        m = node.start_mark
        if cls is MappingNode:
            if node.tag != _MAP:
                self.fail("yaml-tag", node, Msg("explicit tag {tag} is not allowed", tag=node.tag))
            data: dict[str, Any] = {}
            keys: KeyPositions = {}
            for knode, vnode in node.value:
                if knode.__class__ is not ScalarNode:
                    self.fail("yaml-key-type", knode, "a key must be text, not a list or mapping")
                    raise _Stop
                key = knode.value
                if knode.tag != _STR:
                    self.fail(
                        "yaml-key-type",
                        knode,
                        Msg('key {key} is not text; write it as "{text}"', key=repr(key), text=key),
                    )
                km = knode.start_mark
                if key in keys:
                    first = keys[key][0]
                    self.fail(
                        "yaml-duplicate-key",
                        knode,
                        Msg('duplicate key "{key}" (first at line {line})', key=key, line=first),
                    )
                    continue
                vm = vnode.start_mark
                keys[key] = (km.line + 1, km.column + 1, vm.line + 1, vm.column + 1)
                data[key] = self.build(vnode, depth + 1)
            self.table[id(data)] = (m.line + 1, m.column + 1, keys)
            return data
        if cls is SequenceNode:
            if node.tag != _SEQ:
                self.fail("yaml-tag", node, Msg("explicit tag {tag} is not allowed", tag=node.tag))
            items = node.value
            seq = [self.build(n, depth + 1) for n in items]
            self.table[id(seq)] = (
                m.line + 1,
                m.column + 1,
                [(n.start_mark.line + 1, n.start_mark.column + 1) for n in items],
            )
            return seq
        raise AssertionError(f"unknown node {cls}")  # pragma: no cover

    def scalar(self, node: Any, tag: str) -> Any:
        value: str = node.value
        if tag == _INT:
            if value.startswith("0o"):
                return int(value[2:], 8)
            if value.startswith("0x"):
                return int(value[2:], 16)
            return int(value)
        if tag == _FLOAT:
            low = value.lower()
            if low.endswith("inf"):
                self.nonfinite = True
                return float("-inf") if low.startswith("-") else float("inf")
            if low == ".nan":
                self.nonfinite = True
                return float("nan")
            number = float(value)
            if number in _INFINITIES:  # 1e999
                self.nonfinite = True
            return number
        if tag == _BOOL:
            return value.lower() == "true"
        if tag == _NULL:
            return None
        self.fail("yaml-tag", node, Msg("explicit tag {tag} is not allowed", tag=tag))
        return value

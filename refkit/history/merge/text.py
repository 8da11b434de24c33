"""Provides ``merge_texts``: three versions of one of refkit's YAML files -> the merged text and
its conflicts, written onto ours' text by refkit's round-trip writer.

The three texts are read as plain data (``store.reader``), merged on the data keyed by ids
(``merge.three``), and the result is written onto OURS' document (``store.writer.render``: a
changed text is spliced in place, anything else goes through ``store.roundtrip.Merger``), so
comments and layout stay and a field taken from theirs is a one-line diff against ours. A field
changed differently on both sides keeps ours' value in the text (never conflict markers) and
becomes a ``Conflict``.

Proposal records (``proposals/*.yaml``) merge the same way (``merge.records``). A file that is
not one of refkit's (framework.yaml, releases.yaml, blocks/*.yaml, a record), or that one
version of cannot be read as YAML, is merged as git merges text (``git merge-file``, markers
where lines clash), and ``Merged.fallback`` says why.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from refkit.history.merge.conflicts import Carry, Conflict
from refkit.history.merge.three import Clash, DocPath, Merge3, Plan, same
from refkit.i18n import Msg
from refkit.review.record import PROPOSALS_DIR
from refkit.store.loader import BLOCKS_DIR, FRAMEWORK_FILE, FRAMEWORKS_DIR, RELEASES_FILE
from refkit.store.reader import ReadResult, read_yaml

if TYPE_CHECKING:
    from refkit.history.merge.moves import Sides

SCHEMA_PATHS = {
    "framework": "../../schemas/framework.schema.json",
    "releases": "../../schemas/releases.schema.json",
    "block": "../../../schemas/block.schema.json",
}


@dataclass(slots=True)
class Merged:
    """The merged text; its conflicts (ours' values in the text); ``fallback``: why the file was
    merged as plain text (then ``markers`` says whether conflict markers were left in it)."""

    text: str
    conflicts: list[Conflict] = field(default_factory=list)
    fallback: Msg | None = None
    markers: bool = False
    carries: list[Carry] = field(default_factory=list)  # for files git writes without the driver
    followed: bool = True  # False: a moved item could not be followed (no commits to read)

    @property
    def clean(self) -> bool:
        return not self.conflicts and not self.markers


@dataclass(frozen=True, slots=True)
class Place:
    """Where a path sits in a framework repository: its kind and framework id (None: not one
    of refkit's files)."""

    kind: str | None
    framework: str = ""


def place_of(path: str) -> Place:
    """``frameworks/<id>/framework.yaml``, ``.../releases.yaml``, ``.../blocks/<x>.yaml``, under
    any folder of the git work tree."""
    parts = PurePosixPath(path).parts
    for i in range(len(parts) - 2, -1, -1):
        if parts[i] != FRAMEWORKS_DIR:
            continue
        rest = parts[i + 1 :]
        if len(rest) == 2 and rest[1] == FRAMEWORK_FILE:
            return Place("framework", rest[0])
        if len(rest) == 2 and rest[1] == RELEASES_FILE:
            return Place("releases", rest[0])
        if len(rest) == 3 and rest[1] == BLOCKS_DIR and rest[2].endswith((".yaml", ".yml")):
            return Place("block", rest[0])
    if len(parts) >= 2 and parts[-2] == PROPOSALS_DIR and parts[-1].endswith(".yaml"):
        return Place("proposal")
    return Place(None)


def read(path: str, text: str) -> ReadResult:
    return read_yaml(path, text.encode("utf-8"))


def merge_texts(
    base: str,
    ours: str,
    theirs: str,
    path: str,
    *,
    sides: Callable[[], Sides | None] | None = None,
) -> Merged:
    """Merge one file. ``path``: its posix path in the work tree (which file it is); ``sides``:
    the framework at the merge base, ours and theirs, to follow a competency moved to or from
    another block (``merge.moves``; without it, one deleted here on one side and changed on the
    other is a conflict)."""
    place = place_of(path)
    if place.kind is None:
        return text_merge(base, ours, theirs, Msg("{file} is not one of refkit's files", file=path))
    docs = [read(path, t) for t in (base, ours, theirs)]
    for name, doc in zip(("base", "ours", "theirs"), docs, strict=True):
        if not isinstance(doc.data, dict):
            why = doc.problems[0].message if doc.problems else "not a mapping"
            return text_merge(
                base,
                ours,
                theirs,
                Msg("{file} ({side}) cannot be read as YAML: {why}", file=path, side=name, why=why),
            )
    plans: dict[DocPath, Plan] = {}
    carries: list[Carry] = []
    followed = True
    if place.kind == "block":
        from refkit.history.merge.moves import KEY, plan_moves

        moves = plan_moves(path, (docs[0].data, docs[1].data, docs[2].data), sides or _no_sides)
        if moves.plan is not None:
            plans[(KEY,)] = moves.plan
        carries, followed = moves.carries, not moves.needs_sides
    if place.kind == "proposal":
        from refkit.history.merge.records import renumber_theirs

        docs[2].data = renumber_theirs(docs[0].data, docs[1].data, docs[2].data)
    merge = Merge3(plans)
    data = merge.value(docs[0].data, docs[1].data, docs[2].data)
    text = write(place.kind, data, ours, docs[1])
    conflicts = [to_conflict(c, path, place, data) for c in merge.clashes]
    return Merged(text, locate(conflicts, text, path), carries=carries, followed=followed)


def _no_sides() -> None:
    return None


def write(kind: str, data: dict[str, Any], ours: str, parsed: ReadResult | None = None) -> str:
    """``data`` written onto the text ``ours`` with refkit's round-trip writer."""
    from refkit.store.writer import render

    if kind == "proposal":
        return _write_record(data, ours)
    own = parsed.data if parsed is not None else read(kind, ours).data
    if isinstance(own, dict) and same(own.get("schema"), data.get("schema")):
        # the file keeps its schema line: what the writer's data never holds (then a merge of
        # texts only is spliced in place, without a round trip through ruamel)
        data = {k: v for k, v in data.items() if k != "schema"}
    text = render(kind, data, ours, SCHEMA_PATHS[kind], parsed=parsed)
    return ours if text is None else text


def _write_record(data: dict[str, Any], ours: str) -> str:
    """A proposal record's merged data onto ours' text (the record's own keys; its schema line
    and any key a person added stay)."""
    from refkit.review.record import MANAGED
    from refkit.store.roundtrip import Merger, dump_document, load_document, uses_crlf

    doc, y = load_document(ours)
    merger = Merger(MANAGED)
    merger.merge_map(doc, {k: v for k, v in data.items() if k != "schema"})
    return dump_document(doc, y, crlf=uses_crlf(ours)) if merger.changed else ours


def to_conflict(clash: Clash, path: str, place: Place, data: Any) -> Conflict:
    item, rest = split_path(clash.path)
    if not item and place.kind == "block" and isinstance(data, dict):
        item = str(data.get("id", ""))
    return Conflict(
        file=path,
        framework=place.framework,
        item=item,
        field=".".join(rest),
        base=clash.base,
        ours=clash.ours,
        theirs=clash.theirs,
        path=clash.path,
    )


def split_path(path: DocPath) -> tuple[str, list[str]]:
    """(the innermost item's id, the path inside it)."""
    for n in range(len(path) - 1, -1, -1):
        name, eq, value = path[n].partition("=")
        if eq and name:
            return value, list(path[n + 1 :])
    return "", list(path)


def indexed(data: Any, path: DocPath) -> tuple[str | int, ...] | None:
    """``path`` with each item step as its index in ``data``; None when a step is not there."""
    out: list[str | int] = []
    node = data
    for step in path:
        name, eq, value = step.partition("=")
        if isinstance(node, list) and eq:
            pos = next(
                (
                    i
                    for i, x in enumerate(node)
                    if isinstance(x, dict) and str(x.get(name)) == value
                ),
                None,
            )
            if pos is None:
                return None
            out.append(pos)
            node = node[pos]
        elif isinstance(node, dict) and step in node:
            out.append(step)
            node = node[step]
        else:
            return None
    return tuple(out)


def locate(conflicts: list[Conflict], text: str, path: str) -> list[Conflict]:
    """The conflicts with the line where each one's kept value (or its nearest parent) is."""
    if not conflicts:
        return conflicts
    doc = read(path, text)
    out = []
    for c in conflicts:
        steps: DocPath = c.path
        where = indexed(doc.data, steps)
        while where is None and steps:
            steps = steps[:-1]
            where = indexed(doc.data, steps)
        line = doc.positions.of(doc.data, where or ())[0] if doc.data is not None else 1
        out.append(c.at_line(line))
    return out


def text_merge(base: str, ours: str, theirs: str, why: Msg) -> Merged:
    """What ``git merge-file`` makes of three texts: conflict markers where lines clash."""
    with tempfile.TemporaryDirectory(prefix="refkit-merge-") as tmp:
        names = []
        for name, text in (("ours", ours), ("base", base), ("theirs", theirs)):
            p = Path(tmp) / name
            p.write_text(text, encoding="utf-8")
            names.append(str(p))
        try:
            proc = subprocess.run(
                ["git", "merge-file", "-p", "-L", "ours", "-L", "base", "-L", "theirs", *names],
                capture_output=True,
                check=False,
            )
        except OSError:
            return Merged(ours, fallback=why, markers=True)
    if proc.returncode < 0 or proc.returncode > 127:
        return Merged(ours, fallback=why, markers=True)
    return Merged(
        proc.stdout.decode("utf-8", "replace"), fallback=why, markers=proc.returncode != 0
    )

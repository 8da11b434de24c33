"""Provides the check of the proposal records of the work tree (``proposals/*.yaml``), run by
``refkit validate`` over a whole repository: the same reading and schema problems, located at
``file:line:col``, as the frameworks' files."""

from __future__ import annotations

from pathlib import Path

from refkit.problems import Problem
from refkit.review.record import PROPOSALS_DIR


def check_records(root: Path) -> list[Problem]:
    """Every problem of the records in ``root/proposals`` (links and other files are not read)."""
    from refkit.schema import check
    from refkit.store.files import read_regular
    from refkit.store.reader import read_yaml

    folder = root / PROPOSALS_DIR
    if not folder.is_dir() or folder.is_symlink():
        return []
    problems: list[Problem] = []
    for path in sorted(folder.iterdir()):
        if path.suffix not in (".yaml", ".yml") or path.is_symlink() or not path.is_file():
            continue
        rel = f"{PROPOSALS_DIR}/{path.name}"
        read = read_yaml(rel, read_regular(path))
        problems += read.problems
        if read.ok:
            problems += check("proposal", rel, read.data, read.positions)
    return problems

"""Provides the editor's background check, run in a separate process so that it never competes
with typing for the interpreter: ``python -m refkit.edit.check ROOT`` prints, as JSON, the problems
``refkit validate`` finds and the items changed since each framework's last release.
"""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Any


def check(root: Path) -> dict[str, Any]:
    from refkit.edit import Session, changes_since_release
    from refkit.errors import RefkitError

    session = Session.open(root)
    problems = [p.to_json() for p in session.validate()]
    changed = []
    for folder in session.frameworks:
        try:
            changes = changes_since_release(session, folder)
        except RefkitError:
            continue
        for line in changes.lines:
            if line.ref is not None:
                changed.append([line.ref.folder, line.ref.block, line.ref.competency, line.change])
    return {"problems": problems, "changed": changed}


def main() -> int:
    import os

    from refkit.parallel import collector_off

    collector_off()
    # below the editor in the scheduler's eyes (and its worker processes with it): on a machine
    # with few cores, keys the editor handles come first (the first check after a clone reads
    # and caches every file)
    with contextlib.suppress(AttributeError, OSError):  # no nice() on Windows
        os.nice(10)
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()
    try:
        result = check(root)
    except Exception as e:  # reported by the editor, which keeps working
        print(json.dumps({"error": f"{type(e).__name__}: {e}"}))
        return 2
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

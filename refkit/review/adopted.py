"""Provides what a release records of the proposals it adopts: the proposals merged into the
branch released (their records in ``proposals/``, status merged) that changed the framework and
that no earlier release of it named, oldest merge first (``refkit release``)."""

from __future__ import annotations

from pathlib import Path

from refkit.model import AdoptedProposal, ReleaseRecord
from refkit.review.record import MERGED, PROPOSALS_DIR, record_from_data


def adopted_since(root: Path, framework_id: str, releases: list[ReleaseRecord]) -> list[AdoptedProposal]:  # fmt: skip
    """The proposals merged since the releases ``releases`` that changed ``framework_id``."""
    from refkit.store.files import read_regular
    from refkit.store.reader import read_yaml

    named = {p.slug for r in releases for p in r.proposals}
    folder = root / PROPOSALS_DIR
    found = []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        if path.is_symlink() or not path.is_file():
            continue
        data = read_yaml(f"{PROPOSALS_DIR}/{path.name}", read_regular(path)).data
        p = record_from_data(data) if isinstance(data, dict) else None
        if p is None or p.status != MERGED or p.merge is None or p.slug in named:
            continue
        if framework_id in p.merge.frameworks:
            m = p.merge
            found.append((m.date, AdoptedProposal(p.slug, p.title, m.approved, m.colleges, m.forced)))  # fmt: skip
    return [a for _, a in sorted(found, key=lambda x: (x[0], x[1].slug))]

"""Provides the sentence a release's changelog says of the proposals it adopts: « “Pompes à
chaleur” : approuvé par la commission le 12 mars 2027 (employeurs, salariés, formateurs) », in the
framework's language, from the release's record in releases.yaml (written by ``refkit release``
from the merged proposals' records, ``refkit.review``)."""

from __future__ import annotations

from refkit.model import ReleaseRecord


def adoption(records: list[ReleaseRecord], version: str, lab: dict[str, str]) -> list[str]:
    """One sentence per proposal the release ``version`` adopts (none when its record names
    none)."""
    from refkit.publish.pages.common import date_text

    record = next((r for r in records if r.version == version), None)
    out = []
    for p in record.proposals if record else []:
        if p.forced:
            out.append(lab["adopted_forced"].format(title=p.title, reason=p.forced))
            continue
        colleges = ", ".join(lab.get(f"approver_{c}", c) for c in p.colleges)
        text = lab["adopted"].format(title=p.title, date=date_text(p.approved, lab))
        out.append(text + (f" ({colleges})" if colleges else ""))
    return out

"""Provides the data of the site's credit calculator: what `refkit stack` needs to say, in the
browser, what a learner's blocks are worth toward a framework's latest release.

The calculator (assets/credit.js) runs the same engine as `refkit stack` (refkit.stack: coverage
carried along each release chain, correspondence entries applied, credit, pathway), ported line
for line; this module gives it the certification (the latest release, as stacking views it),
the views of every version whose blocks a learner may hold (the framework's releases, and those
of the home frameworks of its shared blocks) and the release chains. A test runs both engines
on every set of blocks of the sample's first release and compares their output.
"""

from __future__ import annotations

from typing import Any

from refkit.publish.site import PublishedFramework, Site
from refkit.stack import CertView, Step


def step_json(s: Step) -> dict[str, Any]:
    return {
        "old": s.old,
        "new": s.new,
        "map": s.competency_map,
        "unchanged": sorted(s.unchanged),
        "entries": [[e[0], e[1], list(e[2]), list(e[3])] for e in s.entries],
        "old_blocks": {b: list(c) for b, c in s.old_blocks.items()},
        "new_blocks": {b: list(c) for b, c in s.new_blocks.items()},
    }


def view_json(v: CertView) -> dict[str, Any]:
    data = v.to_json()
    for b in data["blocks"]:
        b.pop("keys", None)  # (overlap detection only)
    return data


def credit_data(site: Site, pf: PublishedFramework, views: Any) -> dict[str, Any] | None:
    """The calculator's data for ``pf`` (None when it has no release). ``views``: a function of
    a published version -> its CertView (pages.common.cert_view)."""
    from refkit.publish.since import chain

    latest = pf.latest
    if latest is None:
        return None
    target = views(latest)
    frameworks = [pf]
    for block in target.blocks.values():
        home = site.framework(block.home) if block.home else None
        if home is not None and home not in frameworks and home.latest is not None:
            frameworks.append(home)
    holdable = []
    chains = {}
    for f in frameworks:
        chains[f.id] = [step_json(s) for s in chain(site, f) if not _is_draft(f, s)]
        for v in f.versions:
            if not v.draft:
                holdable.append(view_json(views(v)))
    return {"target": view_json(target), "views": holdable, "chains": chains}


def _is_draft(pf: PublishedFramework, s: Step) -> bool:
    return any(v.draft and v.label in (s.old, s.new) for v in pf.versions)

"""Provides what a trainer asks of two versions of a framework: what each block of the older one
is worth in the newer, through every correspondence table in between.

The answer is the stacking engine's (``refkit stack``): a learner holding one block of the old
version is credited, partly credited or not, block by block, in the new version. The site's
"since my version" and comparison pages show it for each block of the old version; the release
chain is made of the diffs and tables the site has already computed for consecutive versions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from refkit.publish.site import PublishedFramework, Site, Version
from refkit.stack import (
    BlockCredit,
    BlockView,
    CertView,
    Coverage,
    Held,
    Origin,
    Step,
    credit,
    propagate,
)
from refkit.stack.views import step_from


@dataclass(slots=True)
class Worth:
    """One block of the old version and what it is worth in the new one."""

    block: BlockView
    credits: list[BlockCredit] = field(default_factory=list)  # credited or partly, in order

    @property
    def whole(self) -> list[BlockCredit]:
        return [c for c in self.credits if c.status == "credited"]

    @property
    def partial(self) -> list[BlockCredit]:
        return [c for c in self.credits if c.status == "partial"]


def chain(site: Site, pf: PublishedFramework) -> list[Step]:
    """The steps between consecutive versions of ``pf`` (as published: releases, then the draft
    when it is published), made once per site; its versions are loaded here if they were not."""
    steps = site.chains.get(pf.id)
    if steps is None:
        site.load([pf.id])
        steps = site.chains[pf.id] = [
            step_from(v.previous.framework, v.framework, v.diff, v.table)
            for v in pf.versions
            if v.previous is not None and v.diff is not None and v.table is not None
        ]
    return steps


def worth(
    site: Site,
    pf: PublishedFramework,
    old: Version,
    new: Version,
    old_view: CertView,
    new_view: CertView,
) -> list[Worth]:
    """For each block of ``old`` (own and shared), what a learner holding it is credited in
    ``new``: the engine of ``refkit stack``, one holding at a time."""
    out = []
    for block in old_view.blocks.values():
        held = Held(pf.id, old.label, block.id)
        home, home_version = old_view.home_of(block.id)
        coverage = Coverage()
        coverage.add_block(home, home_version, block.id, block.competencies, Origin(held, "direct"))
        needed = {new_view.home_of(b) for b in new_view.blocks}
        for target_home, target_version in sorted(needed):
            if target_home != home or target_version == home_version:
                continue  # (a shared block of the same version counts as it is)
            target = site.framework(home)
            if target is not None:
                propagate(coverage, home, chain(site, target), target_version)
        found = [
            c for c in credit(new_view, coverage, [held]) if c.status in ("credited", "partial")
        ]
        out.append(Worth(block, found))
    return out


def unreached(worths: list[Worth], new_view: CertView) -> list[BlockView]:
    """The blocks of the new version that no block of the old one counts toward, even partly."""
    reached = {c.block for w in worths for c in w.credits}
    return [b for b in new_view.blocks.values() if b.id not in reached]

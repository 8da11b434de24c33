"""Provides the releases of a framework to publish, as its work tree's record lists them and
git holds them."""

from __future__ import annotations

from typing import Any

from refkit.history import History
from refkit.history.releases import VERSION, Release, Releases, read_records
from refkit.i18n import Msg


def found_releases(
    site: Any, history: History, folder: str, fid: str, records: list[Any]
) -> list[Release]:
    """The releases of a framework found in git; those its record lists but whose content the
    history does not hold (copied files) are left out with a note."""
    found = Releases(history, folder, fid, [tuple(r) for r in records])
    releases = found.all()
    site.notes += [Msg("{why}: not published", why=why) for why in found.unavailable.values()]
    return releases


def records_of(file: str, raw: bytes | None) -> list[list[Any]]:
    """The entries of a work tree's releases.yaml: [version, date, message]. A record that cannot
    be read whole stops publishing (refkit.history.releases.read_records, naming the place):
    taken as empty, it would remove the pages of every release in a clone without tags."""
    return [list(r) for r in read_records(file, raw, consequence=", nothing was published")]


def good_records(records: Any) -> bool:
    return isinstance(records, list) and all(
        isinstance(r, list) and len(r) == 3 and isinstance(r[0], str) and VERSION.match(r[0])
        and isinstance(r[1], str) and (r[2] is None or isinstance(r[2], str))
        for r in records
    )  # fmt: skip

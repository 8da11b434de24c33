"""Provides what lets a publish reuse the last run's pages: a framework's ``fingerprint``
(everything its pages are made from), the digest of refkit's own code and templates, the
frameworks whose pages are still as that run wrote them (``reusable``), and the framework a
path of the site belongs to (``owner``)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from refkit.publish.output import StatCache, as_dict


def reusable(
    previous: dict[str, Any], prints: dict[str, str], site_lang: str, stats: StatCache
) -> set[str]:
    """The frameworks whose pages the last run made from the same inputs, still as written."""
    reuse = set()
    for fid, fp in prints.items():
        before = as_dict(previous.get(fid))
        if (
            before.get("fingerprint") == fp
            and before.get("lang") == site_lang
            and isinstance(before.get("rows"), dict)
            and stats.intact(as_dict(before.get("files")))
        ):
            reuse.add(fid)
    return reuse


def owner(path: str) -> str:
    """The framework whose pages hold ``path`` ("" for the site-wide files)."""
    if path.startswith("assets/search/") and path != "assets/search/files.js":
        return path[len("assets/search/") : -len(".js")]
    parts = path.split("/")
    if parts[0] == "md":
        parts = parts[1:]
    return parts[0] if len(parts) > 1 and parts[0] != "assets" else ""


def fingerprint(site: Any, pf: Any, formats: tuple[str, ...], lang: str | None) -> str:
    """Everything a framework's pages are made from: its versions (content keys, releases, the
    shared blocks they borrow), who uses its blocks, the site's options, and refkit's own code
    and templates. Equal fingerprints give equal pages."""
    h = hashlib.blake2b(digest_size=16)
    h.update(code_digest().encode())
    keys = {(f.id, v.label): v.key for f in site.frameworks for v in f.versions}
    data: list[Any] = [formats, lang, site.base_url]
    for version in pf.versions:
        release = version.release
        borrowed = sorted(
            (b, home, hv, keys.get((home, hv), "?")) for b, (home, hv) in version.refs.items()
        )
        data.append(
            [
                version.label,
                version.key,
                borrowed,
                [release.version, release.date, release.message] if release else None,
                version.errors,
            ]
        )
    users = {
        b: [
            (u, site.framework(u).current.outline.title, site.page_label(u))
            for u in site.users_of(pf.id, b)
        ]
        for b in pf.current.outline.blocks
    }
    data.append(users)
    # the credit calculator carries the release chain of each shared block's home
    homes = sorted({home for v in pf.versions for _, (home, _) in v.refs.items() if home != pf.id})
    data.append(
        [[home, sorted((k[1], v) for k, v in keys.items() if k[0] == home)] for home in homes]
    )
    h.update(json.dumps(data, ensure_ascii=False, sort_keys=True, default=str).encode())
    return h.hexdigest()


_CODE: list[str] = []


def code_digest() -> str:
    """Digest of refkit's code and site templates: a new refkit renders every page again."""
    if not _CODE:
        import refkit

        base = Path(refkit.__file__).parent
        h = hashlib.blake2b(digest_size=16)
        for path in sorted([*base.rglob("*.py"), *(base / "templates" / "site").rglob("*")]):
            if path.is_file():
                h.update(path.relative_to(base).as_posix().encode())
                h.update(path.read_bytes())
        _CODE.append(h.hexdigest())
    return _CODE[0]

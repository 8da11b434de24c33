"""Provides ``publish``: the static site (HTML, Markdown, JSON) of every released framework version.

Publishing runs in stages, each a plain function of the previous one:

1. **collect**: every release of every framework, read from git (through the cache of parsed
   blobs), and the work tree as a draft when asked; for each version the semantic diff and the
   correspondence table against the version before it; the stacking views, for shared blocks;
2. **pages**: one context per output file, with every path relative (the site works from any
   server, any sub-folder, or straight from disk);
3. **render**: one Jinja2 environment, autoescaped, with undefined names as errors; Markdown text
   fields through ``refkit.publish.text``;
4. **write**: a file is written only if its bytes differ (re-publishing after one framework changed
   rewrites only that framework's pages), and files an earlier run wrote but this one did not are
   removed, using the manifest ``.refkit-publish.json``. Publish owns only the files the manifest
   records with the digest of their present content: a file in the way that it did not write, or
   that changed since, stops it before anything is written (``--force`` overwrites it, and leaves
   in place one it would remove); nothing is written or removed through a symbolic link, and
   nothing outside the output folder is touched.

Before that, what would publish something wrong stops it, with the place: a releases.yaml that
cannot be read (read as "no release", it would remove every page of the framework in a clone
without tags), a version or framework id that is not one (they name folders), a framework that
cannot be read whole, a number JSON cannot hold. A draft with errors is published, marked so.

Rendering is deterministic: the same repository gives byte-identical files.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from refkit.errors import ExitCode, RefkitError
from refkit.problems import RULES, Problem, Severity
from refkit.publish.output import (
    MANIFEST,
    StatCache,
    digest,
    empty,
    read_manifest,
    unwritable,
    write,
    write_manifest,
    write_new,
)
from refkit.publish.output import (
    PublishConflict as PublishConflict,
)
from refkit.store.repository import Repository

FORMATS = ("html", "md", "json", "csv", "xlsx", "case")


@dataclass(slots=True)
class PublishResult:
    out: Path
    written: list[str] = field(default_factory=list)  # relative to out
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    versions: int = 0
    frameworks: int = 0
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # a draft with errors, published so


def check_output(repo: Repository, out: Path) -> Path:
    """The output folder, refusing places where publishing could do harm."""
    out = out.resolve()
    if out.exists() and not out.is_dir():
        raise RefkitError(
            f"{out} is a file, not a folder", hint="give --out a folder (it is created if missing)"
        )
    if out == repo.root or out == repo.frameworks_dir or repo.frameworks_dir.is_relative_to(out):
        raise RefkitError(
            f"{out} holds the frameworks themselves: the site needs a folder of its own",
            hint="publish into a sub-folder, e.g. --out site",
        )
    if out.is_relative_to(repo.frameworks_dir):
        raise RefkitError(
            f"{out} is inside frameworks/", hint="publish outside frameworks/, e.g. --out site"
        )
    probe = out if out.exists() else next((p for p in out.parents if p.exists()), None)
    if probe is None or not os.access(probe, os.W_OK):
        raise RefkitError(
            f"{out} cannot be written (permission denied)", hint="choose a folder you can write to"
        )
    return out


class PublishRefused(RefkitError):
    """A framework cannot be published as it is (exit 1, with its problems)."""

    exit_code = ExitCode.PROBLEMS

    def __init__(
        self, message: str, hint: str | None = None, *, problems: list[Problem] | None = None
    ) -> None:
        super().__init__(message, hint)
        self.problems = problems or []


# Problems that mean a file was not read whole: what is published of it would lack a part.
def unread(problem: Problem) -> bool:
    rule = RULES.get(problem.rule)
    return problem.severity is Severity.ERROR and (
        problem.rule in ("framework-file-missing", "schema-version")
        or (rule is not None and rule.group in ("file", "yaml"))
    )


def check_drafts(repo: Repository) -> dict[str, int]:
    """The number of errors of each framework's work tree (folder -> errors), as refkit validate
    counts them; a work tree that cannot be read whole (a file with a syntax error, conflict
    markers, that cannot be opened...) is refused: published, it would lack what the file
    holds, and a framework.yaml that cannot be read would drop the framework's releases too."""
    from refkit.validate import validate

    problems = validate(repo).problems
    unreadable = [p for p in problems if unread(p)]
    if unreadable:
        folders = sorted({_folder_of(p.file) for p in unreadable})
        n = len(unreadable)
        raise PublishRefused(
            f"{', '.join(folders)}: the work tree cannot be read whole ({n} "
            f"problem{'s' if n > 1 else ''} above); nothing was published",
            hint="fix the files named above (refkit validate shows every problem), or publish "
            "the releases only, without --include-draft",
            problems=unreadable,
        )
    counts: dict[str, int] = {}
    for p in problems:
        if p.severity is Severity.ERROR:
            folder = _folder_of(p.file)
            counts[folder] = counts.get(folder, 0) + 1
    return counts


def _check_numbers(site: Any, render: set[str]) -> None:
    """Refuse a version holding a number JSON cannot hold (NaN, an infinity): its export would
    not be JSON, its pages would read "nan h"."""
    from refkit.publish.pages import non_finite

    found = [
        f"{line} ({pf.id} {version.label})"
        for pf in site.frameworks
        if pf.id in render
        for version in pf.versions
        for line in non_finite(version)
    ]
    if found:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise PublishRefused(
            f"{found[0]}, not a number{more}; nothing was published",
            hint="write a number (hours: 120), or remove the field",
        )


def check_base_url(url: str | None) -> str:
    """``--base-url``: an http(s) address with a host, ending with "/" (refused otherwise)."""
    if not url:
        return ""
    from urllib.parse import urlsplit

    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise RefkitError(
            f"--base-url {url!r} is not the address of a site",
            hint="give the address the site is served from, e.g. https://referentiels.example.org/",
        )
    return url.strip().rstrip("/") + "/"


def _folder_of(file: str) -> str:
    return "/".join(file.split("/")[:2])


def publish(
    repo: Repository,
    out: Path,
    *,
    formats: Iterable[str] = ("html", "md"),
    include_draft: bool = False,
    lang: str | None = None,
    force: bool = False,
    base_url: str | None = None,
) -> PublishResult:
    from refkit.publish.collect import collect
    from refkit.publish.pages import framework_rows, site_language
    from refkit.publish.site import Outline

    base = check_base_url(base_url)
    formats = tuple(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise RefkitError(
            f"unknown format {', '.join(unknown) or '(none)'}",
            hint="formats: html, md, json, csv, xlsx, case",
        )
    out = check_output(repo, out)
    errors = check_drafts(repo) if include_draft else {}
    manifest = read_manifest(out)
    state = manifest.get("state")
    if not isinstance(state, dict) or state.get("code") != _code_digest():
        state = {}  # another refkit made it: nothing of it is reused
    outlines = ((k, Outline.from_json(d)) for k, d in _dict(state.get("outlines")).items())
    known = {key: outline for key, outline in outlines if outline is not None}
    site = collect(
        repo,
        include_draft=include_draft,
        known=known,
        worktree=_dict(state.get("worktree")),
        errors=errors,
    )
    site.base_url = base
    try:
        result = PublishResult(
            out,
            versions=sum(len(f.versions) for f in site.frameworks),
            frameworks=len(site.frameworks),
        )
        result.notes = site.notes
        result.warnings += _draft_warnings(site)
        site_lang = site_language(site, lang)
        # A framework whose inputs are those of the last run keeps its pages as they are: only
        # the frameworks that changed (and the site-wide pages) are read and rendered again.
        previous = _dict(manifest.get("frameworks"))
        prints = {pf.id: _fingerprint(site, pf, formats, lang) for pf in site.frameworks}
        stats = StatCache(out)
        reuse = _reusable(previous, prints, site_lang, stats)
        render = set(prints) - reuse
        site.load(render)
        _check_numbers(site, render)
        rows = {fid: previous[fid]["rows"] for fid in reuse}
        rows.update(
            {
                pf.id: framework_rows(site, pf, site_lang)
                for pf in site.frameworks
                if pf.id in render
            }
        )
        # into a folder that is empty (or not there yet), as on a fresh clone or in CI, each
        # process writes the pages it renders: nothing can be in the way, and the bytes of the
        # site (hundreds of MB on a national repository) are neither sent back nor written by
        # one process at the end
        fresh = empty(out)
        written = _fill(out, site, formats, lang, render, rows) if fresh else {}
        files = {} if fresh else _build(site, formats, lang, render, rows)
        kept = {f: d for fid in reuse for f, d in previous[fid]["files"].items()}
        made: dict[str, dict[str, str]] = {fid: {} for fid in render}
        digests = written or {rel: digest(data) for rel, data in files.items()}
        for rel, sum_ in digests.items():
            owner = _owner(rel)
            if owner in made:
                made[owner][rel] = sum_
        frameworks = {
            fid: {
                "fingerprint": prints[fid],
                "lang": site_lang,
                "rows": rows[fid],
                "files": previous[fid]["files"] if fid in reuse else made[fid],
            }
            for fid in prints
        }
        new_state = {
            "code": _code_digest(),
            "outlines": {
                v.key: v.outline.to_json() for f in site.frameworks for v in f.versions if v.key
            },
            "worktree": site.worktree,
        }
        try:
            if fresh:
                result.written = sorted(written)
                write_manifest(out / MANIFEST, written, frameworks, new_state)
            else:
                write(
                    out,
                    files,
                    result,
                    kept=kept,
                    frameworks=frameworks,
                    state=new_state,
                    force=force,
                )
        except OSError as e:
            raise unwritable(e, out) from e
        for fid, entry in frameworks.items():
            if fid not in reuse:
                stats.record(entry["files"])
        stats.save()
    finally:
        site.close()
    return result


def _fill(
    out: Path,
    site: Any,
    formats: tuple[str, ...],
    lang: str | None,
    render: set[str],
    rows: dict[str, Any],
) -> dict[str, str]:
    """Publish into the empty folder ``out``: its manifest first says it is being filled, then
    the pages are written as they are rendered; their digests by path."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        write_manifest(out / MANIFEST, {}, {}, {}, filling=True)
        written: dict[str, str] = _build(site, formats, lang, render, rows, into=out)
    except OSError as e:
        raise unwritable(e, out) from e
    return written


def _draft_warnings(site: Any) -> list[str]:
    said = []
    for pf in site.frameworks:
        n = sum(v.errors for v in pf.versions)
        if n:
            said.append(
                f"{pf.id}: its work tree has {n} error{'s' if n > 1 else ''}; its draft is "
                "published marked so (refkit validate lists them)"
            )
    return said


def _reusable(
    previous: dict[str, Any], prints: dict[str, str], site_lang: str, stats: StatCache
) -> set[str]:
    """The frameworks whose pages the last run made from the same inputs, still as written."""
    reuse = set()
    for fid, fp in prints.items():
        before = _dict(previous.get(fid))
        if (
            before.get("fingerprint") == fp
            and before.get("lang") == site_lang
            and isinstance(before.get("rows"), dict)
            and stats.intact(_dict(before.get("files")))
        ):
            reuse.add(fid)
    return reuse


RENDER_IN_WORKERS = 16  # frameworks to render below which workers cost more than they save


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _owner(path: str) -> str:
    """The framework whose pages hold ``path`` ("" for the site-wide files)."""
    if path.startswith("assets/search/") and path != "assets/search/files.js":
        return path[len("assets/search/") : -len(".js")]
    parts = path.split("/")
    if parts[0] == "md":
        parts = parts[1:]
    return parts[0] if len(parts) > 1 and parts[0] != "assets" else ""


def _fingerprint(site: Any, pf: Any, formats: tuple[str, ...], lang: str | None) -> str:
    """Everything a framework's pages are made from: its versions (content keys, releases, the
    shared blocks they borrow), who uses its blocks, the site's options, and refkit's own code
    and templates. Equal fingerprints give equal pages."""
    h = hashlib.blake2b(digest_size=16)
    h.update(_code_digest().encode())
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


def _code_digest() -> str:
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


def _build(
    site: Any,
    formats: tuple[str, ...],
    lang: str | None,
    render: set[str] | None = None,
    rows: dict[str, Any] | None = None,
    *,
    into: Path | None = None,
) -> Any:
    """Render the site-wide pages and the pages of the frameworks in ``render`` (all by
    default); with many frameworks, in several processes (rendering is pure Python and
    CPU-bound: ``refkit.parallel``). The processes render the frameworks' pages from the same
    collected site, inherited by fork, a small share at a time, each taking the next share when
    it is done (with one share a process, one rendered alone for 2.4-3.7 s of a 500-framework
    publish: the frameworks with most versions had all gone to it); the site-wide pages are
    rendered here meanwhile, then the shares no worker has started. ``into``: an empty folder
    that whoever renders a page writes it into; then the digests of the files written, by path,
    instead of their bytes."""
    from refkit.parallel import Forked, workers
    from refkit.publish.pages import build_pages

    ids = [f.id for f in site.frameworks if render is None or f.id in render]
    jobs = workers(len(ids), at_least=RENDER_IN_WORKERS, items=len(ids))
    if jobs == 0:
        every = build_pages(site, formats=formats, lang=lang, only=set(ids), rows=rows)
        return every if into is None else write_new(into, every)

    def share(part: list[str]) -> Any:
        files = build_pages(site, formats=formats, lang=lang, only=set(part), site_wide=False)
        return files if into is None else write_new(into, files)

    n = min(len(ids), 8 * jobs)
    with Forked(share, [ids[i::n] for i in range(n)], jobs) as forked:
        pages = build_pages(site, formats=formats, lang=lang, only=set(), rows=rows)
        files: dict[str, Any] = pages if into is None else write_new(into, pages)
        for i in range(n):
            files.update(forked.result(i))
    return files


def json_bytes(data: Any) -> bytes:
    """Strict JSON (no NaN, no Infinity: ``_check_numbers`` refuses them first, with their
    place)."""
    try:
        # one line: json's C encoder (indent makes it fall back to Python, 4x slower on a
        # national repository); readers format it as they like
        text = json.dumps(
            data, ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False
        )
    except ValueError as e:  # pragma: no cover - refused with its place before rendering
        raise RefkitError(f"cannot write strict JSON: {e}") from e
    return (text + "\n").encode("utf-8")

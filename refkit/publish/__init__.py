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

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from refkit.errors import ExitCode, RefkitError
from refkit.i18n import Msg, N_plural
from refkit.problems import RULES, Problem, Severity
from refkit.publish.output import (
    MANIFEST,
    StatCache,
    as_dict,
    digest,
    empty,
    read_manifest,
    unwritable,
    write,
    write_manifest,
)
from refkit.publish.refusals import PublishConflict as PublishConflict
from refkit.publish.reuse import code_digest, fingerprint, owner, reusable
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
    notes: list[Msg] = field(default_factory=list)
    warnings: list[Msg] = field(default_factory=list)  # a draft with errors, published so


def check_output(repo: Repository, out: Path) -> Path:
    """The output folder, refusing places where publishing could do harm."""
    out = out.resolve()
    if out.exists() and not out.is_dir():
        raise RefkitError(
            Msg("{path} is a file, not a folder", path=out),
            hint="give --out a folder (it is created if missing)",
        )
    if out == repo.root or out == repo.frameworks_dir or repo.frameworks_dir.is_relative_to(out):
        raise RefkitError(
            Msg(
                "{path} holds the frameworks themselves: the site needs a folder of its own",
                path=out,
            ),
            hint="publish into a sub-folder, e.g. --out site",
        )
    if out.is_relative_to(repo.frameworks_dir):
        raise RefkitError(
            Msg("{path} is inside frameworks/", path=out),
            hint="publish outside frameworks/, e.g. --out site",
        )
    probe = out if out.exists() else next((p for p in out.parents if p.exists()), None)
    if probe is None or not os.access(probe, os.W_OK):
        raise RefkitError(
            Msg("{path} cannot be written (permission denied)", path=out),
            hint="choose a folder you can write to",
        )
    return out


class PublishRefused(RefkitError):
    """A framework cannot be published as it is (exit 1, with its problems)."""

    exit_code = ExitCode.PROBLEMS

    def __init__(
        self,
        message: str | Msg,
        hint: str | Msg | None = None,
        *,
        problems: list[Problem] | None = None,
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
            Msg(
                "{folders}: the work tree cannot be read whole ({n} problems above); nothing "
                "was published",
                folders=", ".join(folders),
                n=n,
            )
            if n > 1
            else Msg(
                "{folders}: the work tree cannot be read whole (1 problem above); nothing was "
                "published",
                folders=", ".join(folders),
            ),
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
        raise PublishRefused(
            Msg(
                "{value}, not a number (and {n} more); nothing was published",
                value=found[0],
                n=len(found) - 1,
            )
            if len(found) > 1
            else Msg("{value}, not a number; nothing was published", value=found[0]),
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
            Msg("--base-url {url} is not the address of a site", url=repr(url)),
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
    progress: Callable[[int, int], None] | None = None,
) -> PublishResult:
    """Publish the site into ``out``; ``progress(done, total)`` is told as the frameworks' pages
    are rendered (with many frameworks: a few are rendered in one process at once)."""
    from refkit.publish.pages import site_language

    base = check_base_url(base_url)
    formats = _formats(formats)
    out = check_output(repo, out)
    errors = check_drafts(repo) if include_draft else {}
    manifest = read_manifest(out)
    site = _collect(repo, include_draft, manifest, errors)
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
        previous = as_dict(manifest.get("frameworks"))
        prints = {pf.id: fingerprint(site, pf, formats, lang) for pf in site.frameworks}
        stats = StatCache(out)
        reuse = reusable(previous, prints, site_lang, stats)
        render = set(prints) - reuse
        rows = _rows(site, render, {fid: previous[fid]["rows"] for fid in reuse}, site_lang)
        fresh = empty(out)
        digests, files = _make(out, fresh, site, formats, lang, render, rows, progress)
        made: dict[str, dict[str, str]] = {fid: {} for fid in render}
        for rel, sum_ in digests.items():
            fid = owner(rel)
            if fid in made:
                made[fid][rel] = sum_
        frameworks = {
            fid: {
                "fingerprint": prints[fid],
                "lang": site_lang,
                "rows": rows[fid],
                "files": previous[fid]["files"] if fid in reuse else made[fid],
            }
            for fid in prints
        }
        kept = {f: d for fid in reuse for f, d in previous[fid]["files"].items()}
        _write(out, fresh, files, digests, result, kept, frameworks, _state(site), force)
        for fid, entry in frameworks.items():
            if fid not in reuse:
                stats.record(entry["files"])
        stats.save()
    finally:
        site.close()
    return result


def _formats(formats: Iterable[str]) -> tuple[str, ...]:
    """The formats asked, each once, in order (refused when one is not known)."""
    chosen = tuple(dict.fromkeys(formats))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise RefkitError(
            Msg("unknown format {formats}", formats=", ".join(unknown) or Msg("(none)")),
            hint="formats: html, md, json, csv, xlsx, case",
        )
    return chosen


def _collect(
    repo: Repository, include_draft: bool, manifest: dict[str, Any], errors: dict[str, int]
) -> Any:
    """The site to publish (``refkit.publish.collect``), with what the last run recorded in
    the manifest when the same refkit made it (the outlines of the versions it read, the values
    it parsed from work tree files)."""
    from refkit.publish.collect import collect
    from refkit.publish.site import Outline

    state = manifest.get("state")
    if not isinstance(state, dict) or state.get("code") != code_digest():
        state = {}  # another refkit made it: nothing of it is reused
    outlines = ((k, Outline.from_json(d)) for k, d in as_dict(state.get("outlines")).items())
    known = {key: outline for key, outline in outlines if outline is not None}
    return collect(
        repo,
        include_draft=include_draft,
        known=known,
        worktree=as_dict(state.get("worktree")),
        errors=errors,
    )


def _rows(site: Any, render: set[str], kept: dict[str, Any], site_lang: str) -> dict[str, Any]:
    """What the site-wide pages show of each framework: ``kept`` for those not rendered again;
    the frameworks to render are read in full first (and refused with a number JSON cannot
    hold)."""
    from refkit.publish.pages import framework_rows

    site.load(render)
    _check_numbers(site, render)
    rows = dict(kept)
    rows.update(
        {pf.id: framework_rows(site, pf, site_lang) for pf in site.frameworks if pf.id in render}
    )
    return rows


def _make(
    out: Path,
    fresh: bool,
    site: Any,
    formats: tuple[str, ...],
    lang: str | None,
    render: set[str],
    rows: dict[str, Any],
    progress: Callable[[int, int], None] | None = None,
) -> tuple[dict[str, str], dict[str, bytes]]:
    """The pages rendered: their digests by path, and their bytes to write (none when they
    were written into the ``fresh`` folder as they were rendered)."""
    # into a folder that is empty (or not there yet), as on a fresh clone or in CI, each
    # process writes the pages it renders: nothing can be in the way, and the bytes of the
    # site (hundreds of MB on a national repository) are neither sent back nor written by
    # one process at the end
    from refkit.publish.rendering import build, fill

    if fresh:
        return fill(out, site, formats, lang, render, rows, progress), {}
    files = build(site, formats, lang, render, rows, progress=progress)
    return {rel: digest(data) for rel, data in files.items()}, files


def _state(site: Any) -> dict[str, Any]:
    """What the next run may reuse, recorded in the manifest: the outline of every version
    read, the values parsed from work tree files."""
    return {
        "code": code_digest(),
        "outlines": {
            v.key: v.outline.to_json() for f in site.frameworks for v in f.versions if v.key
        },
        "worktree": site.worktree,
    }


def _write(
    out: Path,
    fresh: bool,
    files: dict[str, bytes],
    digests: dict[str, str],
    result: PublishResult,
    kept: dict[str, str],
    frameworks: dict[str, Any],
    state: dict[str, Any],
    force: bool,
) -> None:
    """The manifest of the ``fresh`` folder the pages were written into as they were rendered,
    or the pages written where they changed (``output.write``)."""
    try:
        if fresh:
            result.written = sorted(digests)
            write_manifest(out / MANIFEST, digests, frameworks, state)
        else:
            write(out, files, result, kept=kept, frameworks=frameworks, state=state, force=force)
    except OSError as e:
        raise unwritable(e, out) from e


def _draft_warnings(site: Any) -> list[Msg]:
    said = []
    for pf in site.frameworks:
        n = sum(v.errors for v in pf.versions)
        if n:
            said.append(
                Msg(
                    N_plural(
                        "{framework}: its work tree has {n} error; its draft is published "
                        "marked so (refkit validate lists them)",
                        "{framework}: its work tree has {n} errors; its draft is published "
                        "marked so (refkit validate lists them)",
                    ),
                    framework=pf.id,
                    n=n,
                )
            )
    return said


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
        raise RefkitError(Msg("cannot write strict JSON: {error}", error=str(e))) from e
    return (text + "\n").encode("utf-8")

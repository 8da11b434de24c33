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

import contextlib
import hashlib
import json
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from refkit.errors import ExitCode, RefkitError
from refkit.problems import RULES, Problem, Severity
from refkit.store.repository import Repository

MANIFEST = ".refkit-publish.json"
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
    from refkit.publish.collect import Outline, collect
    from refkit.publish.pages import framework_rows, site_language

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
    manifest = _read_manifest(out)
    state = manifest.get("state")
    if not isinstance(state, dict) or state.get("code") != _code_digest():
        state = {}  # another refkit made it: nothing of it is reused
    known = {}
    for key, data in _dict(state.get("outlines")).items():
        outline = Outline.from_json(data)
        if outline is not None:
            known[key] = outline
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
        for pf in site.frameworks:
            n = sum(v.errors for v in pf.versions)
            if n:
                result.warnings.append(
                    f"{pf.id}: its work tree has {n} error{'s' if n > 1 else ''}; its draft is "
                    "published marked so (refkit validate lists them)"
                )
        site_lang = site_language(site, lang)
        # A framework whose inputs are those of the last run keeps its pages as they are: only
        # the frameworks that changed (and the site-wide pages) are read and rendered again.
        previous = _dict(manifest.get("frameworks"))
        prints = {pf.id: _fingerprint(site, pf, formats, lang) for pf in site.frameworks}
        stats = _StatCache(out)
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
        files = _build(site, formats, lang, render, rows)
        kept = {f: d for fid in reuse for f, d in previous[fid]["files"].items()}
        made: dict[str, dict[str, str]] = {fid: {} for fid in render}
        for rel, data in files.items():
            owner = _owner(rel)
            if owner in made:
                made[owner][rel] = digest(data)
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
            write(
                out, files, result, kept=kept, frameworks=frameworks, state=new_state, force=force
            )
        except OSError as e:
            where = e.filename or out
            raise RefkitError(
                f"{where} cannot be written ({e.strerror or e})",
                hint="choose an output folder you can write to with --out; files already written are complete",
            ) from e
        for fid, entry in frameworks.items():
            if fid not in reuse:
                stats.record(entry["files"])
        stats.save()
    finally:
        site.close()
    return result


_SITE: Any = None  # the collected site, shared with the rendering processes by fork


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


def _read_manifest(out: Path) -> dict[str, Any]:
    path = out / MANIFEST
    try:
        if not stat.S_ISREG(path.lstat().st_mode):
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


class _StatCache:
    """Whether the files a framework kept are still those this refkit wrote: the manifest holds
    the digest of each; the size and modification time seen when a digest was last checked are
    kept in the user's cache folder (never in the site: they differ from machine to machine), so
    that an untouched file is checked with one ``stat``, and only a changed one is read."""

    def __init__(self, out: Path) -> None:
        from refkit.cache import cache_root

        self.out = out
        self.path = cache_root() / "publish" / (digest(str(out).encode()) + ".json")
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        self.seen: dict[str, Any] = data if isinstance(data, dict) else {}
        self.now: dict[str, list[Any]] = {}

    def intact(self, files: dict[str, Any]) -> bool:
        if not files:
            return False
        for rel, expected in files.items():
            if not _publishable(rel) or not isinstance(expected, str):
                return False
            try:
                st = (self.out / rel).lstat()
            except OSError:
                return False
            if not stat.S_ISREG(st.st_mode):
                return False
            mark = [st.st_size, st.st_mtime_ns, expected]
            if self.seen.get(rel) != mark:
                try:
                    if digest((self.out / rel).read_bytes()) != expected:
                        return False
                except OSError:
                    return False
            self.now[rel] = mark
        return True

    def record(self, files: dict[str, str]) -> None:
        for rel, expected in files.items():
            try:
                st = (self.out / rel).stat()
            except OSError:
                continue
            self.now[rel] = [st.st_size, st.st_mtime_ns, expected]

    def save(self) -> None:
        from refkit.store.files import atomic_write

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            data = json.dumps(self.now, separators=(",", ":"), sort_keys=True).encode()
            atomic_write(self.path, data, durable=False)
        except OSError:  # pragma: no cover - a cache that cannot be written is only slower
            pass


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
) -> dict[str, bytes]:
    """Render the site-wide pages and the pages of the frameworks in ``render`` (all by
    default); with many frameworks, in several processes (rendering is pure Python and
    CPU-bound). The processes render the frameworks' pages from the same collected site,
    inherited by fork, a small share at a time, each taking the next share when it is done
    (with one share a process, one rendered alone for 2.4-3.7 s of a 500-framework publish:
    the frameworks with most versions had all gone to it); the site-wide pages are rendered
    here meanwhile."""
    import multiprocessing

    from refkit.publish.pages import build_pages

    ids = [f.id for f in site.frameworks if render is None or f.id in render]
    jobs = min(os.cpu_count() or 1, 8)
    if jobs < 2 or len(ids) < 16 or "fork" not in multiprocessing.get_all_start_methods():
        return build_pages(site, formats=formats, lang=lang, only=set(ids), rows=rows)
    global _SITE
    _SITE = site
    n = min(len(ids), 8 * jobs)
    shares = [(ids[i::n], formats, lang) for i in range(n)]
    try:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(jobs) as pool:
            rendering = pool.starmap_async(_build_share, shares, chunksize=1)
            files = build_pages(site, formats=formats, lang=lang, only=set(), rows=rows)
            parts = rendering.get()
    finally:
        _SITE = None
    for part in parts:
        files.update(part)
    return files


def _build_share(share: list[str], formats: tuple[str, ...], lang: str | None) -> dict[str, bytes]:
    from refkit.publish.pages import build_pages

    return build_pages(_SITE, formats=formats, lang=lang, only=set(share), site_wide=False)


def write(
    out: Path,
    files: dict[str, bytes],
    result: PublishResult,
    *,
    kept: dict[str, str] | None = None,
    frameworks: dict[str, Any] | None = None,
    state: dict[str, Any] | None = None,
    force: bool = False,
) -> None:
    """Write ``files`` (path relative to ``out`` -> bytes) where their bytes changed; ``kept``:
    files left as they are (frameworks that did not change), with their digests; remove the
    files the previous run wrote and this one neither wrote nor kept.

    Publish owns only the files its manifest records with the digest of their content: a file
    in the way that it did not write, or that changed since, stops it before anything is
    written (``PublishConflict``); ``force``: such files are overwritten, and those it would
    remove are left in place (said in the notes). A path reached through a symbolic link, or a
    folder where a file goes, is never written or removed, even with ``force``."""
    from refkit.store.files import atomic_write

    kept = kept or {}
    manifest_path = out / MANIFEST
    old = _read_manifest(out)
    owned, strange = _owned(out, old)
    if strange and not force:
        raise PublishConflict(
            f"{manifest_path} lists {strange[0]!r}"
            + (f" and {len(strange) - 1} more" if len(strange) > 1 else "")
            + ", which refkit publish never writes: the manifest was changed by someone or "
            "something else; nothing was published",
            hint=f"delete {manifest_path} (publish then owns only the files whose content it "
            "makes again), or run refkit publish --force to ignore these entries",
        )
    made = {rel: digest(data) for rel, data in files.items()}
    conflicts: list[tuple[str, str, bool]] = []  # (path, why, --force may go ahead)
    folders: dict[Path, bool] = {}  # folder -> reached without a link

    def plain(folder: Path) -> bool:
        if folder not in folders:
            folders[folder] = folder.resolve() == folder
        return folders[folder]

    writes: list[str] = []
    for rel in sorted(files):
        if not _publishable(rel):
            raise RefkitError(  # pragma: no cover - ids and versions are checked when collected
                f"refusing to write {rel!r}: not a path inside {out}"
            )
        target = out / rel
        if not plain(target.parent):
            conflicts.append((rel, "reached through a symbolic link", False))
            continue
        try:
            st = target.lstat()
        except FileNotFoundError:
            writes.append(rel)
            continue
        except NotADirectoryError:
            conflicts.append((rel, "a file stands where its folder goes", False))
            continue
        if stat.S_ISDIR(st.st_mode):
            conflicts.append((rel, "a folder stands where publish writes a file", False))
        elif not stat.S_ISREG(st.st_mode):
            if not force:
                conflicts.append((rel, "not a regular file; publishing would replace it", True))
            else:
                writes.append(rel)
        else:
            current = target.read_bytes()
            if current == files[rel]:
                result.unchanged += 1
            elif force or digest(current) in owned.get(rel, ()):
                writes.append(rel)
            else:
                why = _not_owned(rel, owned)
                conflicts.append((rel, why + "; publishing would overwrite it", True))
    result.unchanged += len(set(kept) - set(files))
    every = set(files) | set(kept)
    removals: list[str] = []
    left: list[str] = []
    for rel in sorted(set(owned) - every):
        target = out / rel
        if not plain(target.parent):
            conflicts.append(
                (rel, "reached through a symbolic link; publishing would remove it", True)
            )
            left.append(rel)
            continue
        try:
            st = target.lstat()
        except (FileNotFoundError, NotADirectoryError):
            continue
        if stat.S_ISREG(st.st_mode) and digest(target.read_bytes()) in owned[rel]:
            removals.append(rel)
            continue
        why = _not_owned(rel, owned) if stat.S_ISREG(st.st_mode) else "not a regular file"
        conflicts.append((rel, why + "; publishing would remove it", True))
        left.append(rel)
    stop = [c for c in conflicts if not (force and c[2])]
    if stop:
        raise _conflict(out, stop)
    for rel in left:
        result.notes.append(
            f"{out / rel}: left in place (no longer published, but not as refkit publish "
            "wrote it); remove it yourself if it should go"
        )
    out.mkdir(parents=True, exist_ok=True)
    listed = old.get("files")
    if isinstance(listed, dict) and any(isinstance(v, list) for v in listed.values()):
        _sweep(out, owned, plain)  # the last run was killed while it wrote
    if writes or removals:
        # until the files are written, the manifest owns both their old and new contents: a
        # publish killed midway leaves files the next one recognises
        during: dict[str, Any] = {rel: sorted(d) for rel, d in owned.items()}
        for rel in writes:
            during[rel] = sorted({*owned.get(rel, ()), made[rel]})
        _write_manifest(manifest_path, during, {}, _dict(old.get("state")))
    for rel in writes:
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, files[rel], durable=False)  # the site can be published again
        result.written.append(rel)
    for rel in removals:
        target = out / rel
        target.unlink()
        result.removed.append(rel)
        parent = target.parent
        while parent != out and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
    _write_manifest(manifest_path, {**kept, **made}, frameworks or {}, state or {})


_TEMPORARY = re.compile(r"^\.(.+)\.[A-Za-z0-9_]+\.tmp$")  # store.files.atomic_write's


def _sweep(out: Path, owned: dict[str, set[str]], plain: Any) -> None:
    """Remove the temporary files a killed run left next to the files it owns (a web server
    would serve them): only ``.NAME.XXXX.tmp`` where NAME is one of its files, in folders
    reached without a link."""
    names: dict[Path, set[str]] = {out: {MANIFEST}}
    for rel in owned:
        target = out / rel
        names.setdefault(target.parent, set()).add(target.name)
    for folder, known in names.items():
        if not plain(folder):
            continue
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            m = _TEMPORARY.match(entry.name)
            if m and m.group(1) in known and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _not_owned(rel: str, owned: dict[str, set[str]]) -> str:
    if rel not in owned:
        return "not written by refkit publish"
    if not owned[rel]:
        return "recorded without its digest by an earlier refkit, so not known as its own"
    return "changed since refkit publish wrote it"


class PublishConflict(RefkitError):
    """A file in the output folder is not publish's to overwrite or remove (exit 2)."""


def _conflict(out: Path, conflicts: list[tuple[str, str, bool]]) -> PublishConflict:
    shown = "\n".join(f"  {out / rel}: {why}" for rel, why, _ in conflicts[:10])
    more = f"\n  ... and {len(conflicts) - 10} more" if len(conflicts) > 10 else ""
    first = conflicts[0]
    if all(forceable for _, _, forceable in conflicts):
        them = "them" if len(conflicts) > 1 else "it"
        hint = (
            f"move {them} out of {out}, or publish into another folder (--out); refkit publish "
            "--force overwrites the files in the way and leaves in place those it would remove"
        )
    else:
        hard = next(rel for rel, _, forceable in conflicts if not forceable)
        hint = (
            "publish writes real files and folders only, and --force does not change that: "
            f"remove the link or the folder in the way ({out / hard}), or publish into another "
            "folder (--out)"
        )
    return PublishConflict(
        f"{out / first[0]}: {first[1]}; nothing was published"
        + (
            f"\n{len(conflicts)} files of {out} are not refkit publish's:\n{shown}{more}"
            if len(conflicts) > 1
            else ""
        ),
        hint=hint,
    )


def _owned(out: Path, manifest: dict[str, Any]) -> tuple[dict[str, set[str]], list[str]]:
    """The files an earlier run wrote, each with the digests it may have (one; two while a run
    writes), and the paths a manifest lists that publish could not have written. A manifest
    from before digests were recorded for every file owns only the files it has a digest of."""
    listed = manifest.get("files")
    owned: dict[str, set[str]] = {}
    strange: list[str] = []
    if isinstance(listed, dict):
        entries = list(listed.items())
    else:
        entries = [
            item
            for entry in _dict(manifest.get("frameworks")).values()
            for item in _dict(_dict(entry).get("files")).items()
        ]
        if isinstance(listed, list):
            entries += [(rel, None) for rel in listed]
    for rel, value in entries:
        if not _publishable(rel):
            strange.append(str(rel))
            continue
        digests = value if isinstance(value, list) else [value]
        owned.setdefault(rel, set()).update(d for d in digests if isinstance(d, str))
    return owned, sorted(set(strange))


def _write_manifest(
    path: Path, files: dict[str, Any], frameworks: dict[str, Any], state: dict[str, Any]
) -> None:
    from refkit.store.files import atomic_write

    manifest = (
        json.dumps(
            {
                "generator": "refkit",
                "files": files,
                "frameworks": frameworks,
                "state": state,
            },
            ensure_ascii=False,
            separators=(",", ":"),
            sort_keys=True,
        )
        + "\n"
    ).encode("utf-8")
    try:
        if path.read_bytes() == manifest:
            return
    except OSError:
        pass
    atomic_write(path, manifest, durable=False)


# What publish writes: ids, versions and the site's own names, and these extensions.
_SUFFIXES = (".html", ".md", ".json", ".js", ".css", ".csv", ".xlsx", ".xml")


def _publishable(rel: Any) -> bool:
    """Whether ``rel`` is a path publish could write: relative, in forward slashes, no empty,
    ``.``, ``..`` or hidden part, one of the site's extensions."""
    if not isinstance(rel, str) or not rel.endswith(_SUFFIXES) or "\\" in rel or "\0" in rel:
        return False
    return all(part and not part.startswith(".") for part in rel.split("/"))


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=12).hexdigest()


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

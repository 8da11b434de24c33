"""Provides a version's downloads: the JSON export (``export``), the CSV, xlsx and CASE files
(``data_files``) and the links to them (``downloads``); and ``non_finite``, the numbers no export
can hold, refused before anything is rendered."""

from __future__ import annotations

from typing import Any

from refkit.publish import json_bytes
from refkit.publish.site import PublishedFramework, Site, Version
from refkit.store.writer import block_data, framework_data

DOWNLOADS = (
    ("json", ".json", "download_json", "application/json"),
    ("csv", ".csv", "download_csv", "text/csv"),
    ("xlsx", ".xlsx", "download_xlsx",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("case", ".case.json", "download_case", "application/json"),
)  # fmt: skip


def downloads(
    fid: str, label: str, formats: tuple[str, ...], lab: dict[str, str]
) -> list[dict[str, str]]:
    """The version's data files, as its page links them (from the page and from <head>)."""
    return [
        {
            "href": f"../../{fid}/{label}/{fid}-{label}{suffix}",
            "label": lab[key],
            "type": media,
            "format": fmt,
        }
        for fmt, suffix, key, media in DOWNLOADS
        if fmt in formats
    ]


def data_files(
    site: Site, pf: PublishedFramework, version: Version, folder: str, formats: tuple[str, ...]
) -> dict[str, bytes]:
    """A version's CSV, xlsx and CASE files (the exports of refkit export, as of that version;
    a draft's dated today)."""
    fw = version.framework
    name = f"{folder}/{pf.id}-{version.label}"
    out: dict[str, bytes] = {}
    if "csv" in formats:
        from refkit.interop.tabular import write_csv

        out[f"{name}.csv"] = write_csv(fw).encode("utf-8")
    if "xlsx" in formats:
        from refkit.interop.xlsx import write_xlsx

        out[f"{name}.xlsx"] = write_xlsx(fw)
    if "case" in formats:
        from refkit.interop.case import export_case

        date = version.release.date if version.release else None
        when = f"{str(date)[:10]}T00:00:00+00:00" if date else "1970-01-01T00:00:00+00:00"
        base = f"{site.base_url}{pf.id}/{version.label}/case/" if site.base_url else None
        package = export_case(fw, when=when, base_uri=base)
        out[f"{name}.case.json"] = json_bytes(package)
    return out


def non_finite(version: Version) -> list[str]:
    """Numbers of a version that JSON cannot hold and no page can show (NaN, infinities, as YAML
    writes ``.nan`` and ``.inf``), each as "file:line:col: what is NaN"."""
    import math

    fw = version.framework
    found: list[str] = []

    def check(value: Any, what: str, source: Any) -> None:
        if isinstance(value, float) and not math.isfinite(value):
            where = str(source) if source is not None else version.folder
            spelled = "NaN" if math.isnan(value) else ("infinity" if value > 0 else "-infinity")
            found.append(f"{where}: {what} is {spelled}")
        elif isinstance(value, dict):
            for k, v in value.items():
                check(v, f"{k}" if what == "" else f"{what}.{k}", source)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                check(v, f"{what}[{i}]", source)

    def named(what: str, of: str) -> str:
        return f"{what} of {of}"

    for key, value in framework_data(fw).items():
        check(value, key, fw.source)
    blocks = [*fw.blocks, *(blk for blk, _, _ in version.borrowed.values())]
    for b in blocks:
        check(b.volume.hours, named("volume.hours", f"block {b.id}"), b.source)
        check(b.volume.credits, named("volume.credits", f"block {b.id}"), b.source)
        for m in b.modalities:
            check(m.hours, named("hours", f"a modality of block {b.id}"), m.source or b.source)
        for key, value in b.extensions.items():
            check(value, named(key, f"block {b.id}"), b.source)
        for c in b.competencies:
            for key, value in c.extensions.items():
                check(value, named(key, f"competency {c.id}"), c.source)
    return found


def json_export(version: Version) -> dict[str, Any]:
    fw = version.framework
    data = framework_data(fw)
    data["blocks"] = [block_data(b) for b in fw.blocks]
    data["shared_blocks_content"] = [
        {"framework": home, "version": hv, **block_data(block)}
        for block, home, hv in version.borrowed.values()
    ]
    data["release"] = (
        {
            "version": version.release.version,
            "date": version.release.date,
            "message": version.release.message,
        }
        if version.release
        else None
    )
    data["draft"] = version.draft
    return data

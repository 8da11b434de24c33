"""Provides ``calculator``: the credit calculator of a released framework, its page and its data
(``refkit.publish.credit``; credit.js runs the engine of refkit stack on it)."""

from __future__ import annotations

import json

from refkit.publish.labels import labels
from refkit.publish.pages.common import cert_view, title_of
from refkit.publish.pages.render import render
from refkit.publish.site import PublishedFramework, Site


def calculator(site: Site, pf: PublishedFramework) -> dict[str, bytes]:
    """The credit calculator of a released framework: its page and its data (credit.js runs the
    engine of refkit stack on it)."""
    from refkit.publish.credit import credit_data

    data = credit_data(site, pf, cert_view)
    if data is None or pf.latest is None:
        return {}
    fw = pf.latest.framework
    lab = labels(fw.lang)
    groups = []
    for view in data["views"]:
        title = (
            fw.title if view["framework"] == pf.id else title_of(site, view["framework"])
        ) + f" {view['version']}"
        groups.append(
            {
                "title": title,
                "blocks": [
                    {
                        "id": b["id"],
                        "title": b["title"],
                        "value": f"{view['framework']}@{view['version']}:{b['id']}",
                    }
                    for b in view["blocks"]
                    if not b["home"] or view["framework"] == b["home"]  # held where it is defined
                ],
            }
        )
    since = [
        {"label": v.label, "href": f"{v.label}/since.html"}
        for v in pf.versions
        if not v.draft and v is not pf.latest
    ]
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    payload = (
        payload.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )
    return {
        f"{pf.id}/credit-data.js": f"window.REFKIT_CREDIT = {payload};\n".encode(),
        f"{pf.id}/credit.html": render(
            "credit.html",
            root="../",
            l=lab,
            lang=fw.lang or "fr",
            fw={"id": pf.id, "title": fw.title},
            latest=pf.latest.label,
            groups=groups,
            since=since,
        ),
    }

"""Relations between items (issue 17): file format, round trip, rules, diff and bump."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from refkit.diff import diff_frameworks
from refkit.diff.bump import bump_causes, required_bump
from refkit.diff.describe import describe, line_plain
from refkit.model import Framework, Relation, parse_target
from refkit.store.loader import load_framework, read_folder
from refkit.store.writer import save_framework
from tests.conftest import git

FW = "frameworks/plombier-chauffagiste"
BC01 = f"{FW}/blocks/BC01.yaml"


def _load(root: Path):  # type: ignore[no-untyped-def]
    return load_framework(FW, read_folder(root, root / FW))


def _git_diff(root: Path) -> list[str]:
    out = subprocess.run(["git", "diff", "-U0"], cwd=root, capture_output=True, text=True).stdout
    return [
        line
        for line in out.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_targets_are_read_as_items_other_frameworks_or_uris() -> None:
    assert parse_target("C2.3") == ("item", "C2.3", None, None)
    assert parse_target("electricien-batiment@1.2.0:C3") == (
        "framework",
        "C3",
        "electricien-batiment",
        "1.2.0",
    )
    assert parse_target("other:C3") == ("framework", "C3", "other", None)
    assert parse_target("http://data.europa.eu/esco/skill/S5").kind == "uri"
    assert parse_target("urn:nice:K0018").kind == "uri"


def test_relations_round_trip_one_line_per_relation_comments_kept(sample_repo: Path) -> None:
    text = (sample_repo / BC01).read_text(encoding="utf-8")
    marker = "      - Les incohérences entre les plans sont signalées\n"
    assert marker in text
    (sample_repo / BC01).write_text(
        text.replace(
            marker,
            marker + "    relations:  # links\n      - {type: isRelatedTo, target: C1.4}  # kept\n",
        ),
        encoding="utf-8",
    )
    git(sample_repo, "commit", "-qam", "a relation")
    loaded = _load(sample_repo)
    assert loaded.problems == []
    fw = loaded.framework
    assert fw is not None
    c = fw.blocks[0].competencies[0]
    assert c.relations == [Relation("isRelatedTo", "C1.4")]
    assert c.relations[0].source is not None and c.relations[0].source.line > 1
    # one relation added: one line
    c.relations.append(Relation("exactMatch", "http://data.europa.eu/esco/skill/abc", "ESCO"))
    save_framework(sample_repo, loaded)
    assert _git_diff(sample_repo) == [
        "+      - {type: exactMatch, target: http://data.europa.eu/esco/skill/abc, note: ESCO}"
    ]
    git(sample_repo, "commit", "-qam", "another")
    # one target changed: one line, the comments kept
    loaded = _load(sample_repo)
    assert loaded.framework is not None
    loaded.framework.blocks[0].competencies[0].relations[0].target = "C1.3"
    save_framework(sample_repo, loaded)
    assert _git_diff(sample_repo) == [
        "-      - {type: isRelatedTo, target: C1.4}  # kept",
        "+      - {type: isRelatedTo, target: C1.3}  # kept",
    ]
    assert "relations:  # links" in (sample_repo / BC01).read_text(encoding="utf-8")
    # every relation removed: the key goes
    loaded = _load(sample_repo)
    assert loaded.framework is not None
    loaded.framework.blocks[0].competencies[0].relations = []
    save_framework(sample_repo, loaded)
    assert "relations" not in (sample_repo / BC01).read_text(encoding="utf-8")


def test_relation_rules(cli, sample_repo: Path) -> None:
    text = (sample_repo / BC01).read_text(encoding="utf-8")
    marker = "      - Les incohérences entre les plans sont signalées\n"
    relations = (
        "    relations:\n"
        "      - {type: isRelatedTo, target: C1.44}\n"
        "      - {type: isRelatedTo, target: C1.4}\n"
        "      - {type: isRelatedTo, target: C1.4}\n"
        "      - {type: exactMatch, target: electricien-batiment:C1.1}\n"
        "      - {type: exactMatch, target: electricien-batiment@9.9.9:C1.1}\n"
        "      - {type: exactMatch, target: electricien-batiment@1.0.0:NOPE}\n"
        "      - {type: exactMatch, target: electricien-batiment@1.0.0:E1.1}\n"
        "      - {type: exactMatch, target: elsewhere@1.0.0:X1}\n"
        "      - {type: closeMatch, target: 'https://example.org/concept/1'}\n"
    )
    (sample_repo / BC01).write_text(text.replace(marker, marker + relations), encoding="utf-8")
    run = cli("validate", "--no-cache", "--format", "json", cwd=sample_repo)
    found = sorted(
        (p["rule"], p["line"], p["col"]) for p in json.loads(run.out) if p["rule"].startswith("relation")
    )  # fmt: skip
    line = text[: text.index(marker)].count("\n") + 3  # the first relation's line
    assert found == [
        ("relation-duplicate", line + 2, 37),
        ("relation-release", line + 4, 36),
        ("relation-release", line + 5, 36),
        ("relation-target", line, 37),
        ("relation-version", line + 3, 36),
    ]
    assert run.code == 1


def _with(fw: Framework, **relations: list[Relation]) -> Framework:
    import copy

    out = copy.deepcopy(fw)
    for cid, rels in relations.items():
        found = out.find_competency(cid)
        assert found is not None
        found[1].relations = rels
    return out


def test_diff_counts_relations_per_type_and_bumps_minor(sample_repo: Path) -> None:
    fw = _load(sample_repo).framework
    assert fw is not None
    old = _with(
        fw,
        **{
            "C1.1": [Relation("isRelatedTo", "C1.4"), Relation("exactMatch", "http://a.org/x")],
        },
    )
    new = _with(
        fw,
        **{
            "C1.1": [Relation("requires", "C1.2"), Relation("exactMatch", "https://a.org/x/")],
        },
    )
    diff = diff_frameworks(old, new)
    data = diff.to_json()
    assert data["summary"]["relations"] == {
        "added": {"requires": 1},
        "removed": {"isRelatedTo": 1},
        "respelled": {"exactMatch": 1},
    }
    assert {(r["id"], r["change"], r["type"]) for r in data["relations"]} == {
        ("C1.1", "added", "requires"),
        ("C1.1", "removed", "isRelatedTo"),
        ("C1.1", "respelled", "exactMatch"),
    }
    lines = [line_plain(x) for s in describe(diff, "en").sections for e in s.entries for x in e.lines]  # fmt: skip
    assert "Relation added: requires C1.2" in lines
    assert "Relation removed: is related to C1.4" in lines
    assert "Relation URI respelled: matches exactly http://a.org/x → https://a.org/x/" in lines
    fr = [line_plain(x) for s in describe(diff, "fr").sections for e in s.entries for x in e.lines]  # fmt: skip
    assert "Relation ajoutée\u00a0: requiert C1.2" in fr
    assert required_bump(diff)[0] == "minor"
    # a URI written another way only: a patch
    only = diff_frameworks(
        _with(fw, **{"C1.1": [Relation("exactMatch", "http://a.org/x")]}),
        _with(fw, **{"C1.1": [Relation("exactMatch", "https://a.org/x")]}),
    )
    assert [c.level for c in bump_causes(only)] == ["patch"]


def test_the_relations_summary_agrees_in_number_in_english_and_french() -> None:
    from refkit.diff.relations import relation_counts

    one = {"added": {"requires": 1}, "removed": {"isRelatedTo": 1},
           "respelled": {"exactMatch": 1}, "noted": {"requires": 1}}  # fmt: skip
    many = {"added": {"requires": 2, "isPartOf": 1}, "removed": {"isRelatedTo": 2},
            "respelled": {"exactMatch": 3}, "noted": {"requires": 1, "isPartOf": 1}}  # fmt: skip
    assert relation_counts(one, "en") == (
        "Relations: 1 added (requires 1), 1 removed (isRelatedTo 1), "
        "1 URI respelled (exactMatch 1), 1 note changed (requires 1)"
    )
    assert relation_counts(many, "en") == (
        "Relations: 3 added (requires 2, isPartOf 1), 2 removed (isRelatedTo 2), "
        "3 URIs respelled (exactMatch 3), 2 notes changed (requires 1, isPartOf 1)"
    )
    assert relation_counts(one, "fr") == (
        "Relations\u00a0: 1 ajoutée (requires 1), 1 retirée (isRelatedTo 1), "
        "1 URI réécrite (exactMatch 1), 1 remarque modifiée (requires 1)"
    )
    assert relation_counts(many, "fr") == (
        "Relations\u00a0: 3 ajoutées (requires 2, isPartOf 1), 2 retirées (isRelatedTo 2), "
        "3 URI réécrites (exactMatch 3), 2 remarques modifiées (requires 1, isPartOf 1)"
    )
    assert relation_counts({"added": {}}, "en") is None


async def test_the_editor_opens_a_framework_with_relations(sample_repo: Path) -> None:
    """The editor knows nothing of relations yet (issue 17 leaves it to its owner): it opens a
    framework that has some, without a problem, and leaves them as written."""
    from refkit.edit import Ref
    from tests.test_tui import app_for, settle

    block = sample_repo / "frameworks/electricien-batiment/blocks/BC02.yaml"
    text = block.read_text(encoding="utf-8")
    text = text.replace(
        "    activities: [A2]\n",
        "    activities: [A2]\n    relations:\n      - {type: isRelatedTo, target: E2.2}\n",
        1,
    )
    block.write_text(text, encoding="utf-8")
    git(sample_repo, "commit", "-qam", "relations")
    app = app_for(sample_repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "down", "enter", "down")
        await settle(app, pilot)
        assert app.selected == Ref("frameworks/electricien-batiment", "BC02", "E2.1")
        assert "Problèmes : aucun" in str(app.query_one("#problems").border_title)
    assert "      - {type: isRelatedTo, target: E2.2}\n" in block.read_text(encoding="utf-8")

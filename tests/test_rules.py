"""Semantic rules as units: built models in memory, hand-checked expectations."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from refkit.model import (
    Block,
    CertificationRules,
    Competency,
    Criterion,
    ElectiveGroup,
    Framework,
    SharedBlockRef,
)
from refkit.problems import RULES
from refkit.rules import Summary, check_framework, summarize
from refkit.rules.references import find_cycles
from refkit.store.loader import LoadedFramework


def comp(cid: str, *, criteria: int = 1) -> Competency:
    return Competency(
        cid, f"Énoncé {cid}", "skill", [], [Criterion(f"Critère {i}") for i in range(criteria)]
    )


def framework(blocks: list[Block], **kw: object) -> LoadedFramework:
    fw = Framework(id="demo", title="Démo", blocks=blocks, folder="frameworks/demo", **kw)  # type: ignore[arg-type]
    return LoadedFramework("frameworks/demo", fw)


def rules_of(loaded: LoadedFramework) -> list[tuple[str, str]]:
    return [(p.rule, p.message) for p in check_framework(loaded)]


def test_find_cycles_reports_one_cycle_per_component() -> None:
    graph = {"A": ["B"], "B": ["C"], "C": ["A"], "D": ["D2"], "D2": ["D"], "E": ["A"]}
    assert find_cycles(graph) == [["A", "B", "C"], ["D", "D2"]]
    assert find_cycles({"A": ["B"], "B": [], "C": ["A", "B"]}) == []


def test_find_cycles_survives_long_chains() -> None:
    n = 50_000
    graph = {f"B{i}": [f"B{i + 1}"] for i in range(n)}
    graph[f"B{n}"] = ["B0"]
    (cycle,) = find_cycles(graph)
    assert len(cycle) == n + 1 and cycle[0] == "B0"


@given(
    st.dictionaries(
        st.sampled_from("ABCDEFG"), st.lists(st.sampled_from("ABCDEFG"), max_size=3), max_size=7
    )
)
def test_find_cycles_finds_a_cycle_exactly_when_there_is_one(graph: dict[str, list[str]]) -> None:
    graph = {k: [v for v in vs if v in graph and v != k] for k, vs in graph.items()}
    # Kahn's algorithm: the graph is acyclic iff every node can be removed
    indegree = dict.fromkeys(graph, 0)
    for vs in graph.values():
        for v in vs:
            indegree[v] += 1
    ready = [k for k, d in indegree.items() if d == 0]
    removed = 0
    while ready:
        k = ready.pop()
        removed += 1
        for v in graph[k]:
            indegree[v] -= 1
            if indegree[v] == 0:
                ready.append(v)
    cycles = find_cycles(graph)
    assert bool(cycles) == (removed < len(graph))
    for cycle in cycles:  # each reported cycle is a real cycle
        for a, b in zip(cycle, [*cycle[1:], cycle[0]], strict=True):
            assert b in graph[a]


def test_elective_groups_compete_for_blocks() -> None:
    blocks = [Block(b, b, [comp(f"C{b}")]) for b in ("B1", "B2", "B3")]
    ok = CertificationRules(
        electives=[ElectiveGroup("E1", 1, ["B1", "B2"]), ElectiveGroup("E2", 1, ["B2", "B3"])]
    )
    assert [r for r, _ in rules_of(framework(blocks, certification=ok))] == [
        "block-in-several-electives"
    ]
    too_many = CertificationRules(
        electives=[ElectiveGroup("E1", 2, ["B1", "B2"]), ElectiveGroup("E2", 1, ["B2", "B1"])]
    )
    found = rules_of(framework(blocks, certification=too_many))
    assert (
        "elective-unsatisfiable",
        "elective groups together ask for more distinct blocks than they offer (group E2 cannot get its 1)",
    ) in found
    required_counts_for_nothing = CertificationRules(
        required=["B1"], electives=[ElectiveGroup("E1", 2, ["B1", "B2"])]
    )
    assert (
        "elective-unsatisfiable",
        "elective group E1 asks to choose 2 blocks but offers 1 usable block",
    ) in rules_of(framework(blocks, certification=required_counts_for_nothing))


def test_shared_blocks_count_as_blocks_of_the_framework() -> None:
    loaded = framework(
        [Block("BC01", "Un", [comp("C1")])],
        shared_blocks=[SharedBlockRef("socle", "SST")],
        certification=CertificationRules(required=["BC01", "SST"]),
    )
    assert rules_of(loaded) == []


def test_competency_without_criteria_and_empty_block() -> None:
    loaded = framework(
        [Block("BC01", "Un", [comp("C1", criteria=0)]), Block("BC02", "Deux", [])],
        certification=CertificationRules(required=["BC01", "BC02"]),
    )
    assert rules_of(loaded) == [
        ("competency-criteria", "competency C1 has no assessment criterion"),
        ("empty-block", "block BC02 has no competencies"),
    ]


def _ref(block: str, version: str | None, line: int) -> dict[str, object]:
    return {
        "framework": "socle",
        "block": block,
        "version": version,
        "file": "u.yaml",
        "line": line,
        "col": 5,
        "path": ["shared_blocks", line],
    }


def test_shared_blocks_are_checked_against_the_version_they_resolve_to() -> None:
    from refkit.rules.shared import check_shared

    v1 = {"SST": (("SST.1", "SST.2"), ()), "OLD": (("O.1",), ())}
    v2 = {"SST": (("SST.1",), ("BC00",)), "NEW": (("N.1",), ())}
    releases = {"1.0.0": v1, "2.0.0": v2}

    def content_of(home: Summary, pinned: str | None) -> tuple[str, str, dict[str, object]] | None:
        if pinned is None:
            return "2.0.0", "latest release 2.0.0", v2
        if pinned not in releases:
            return None
        return pinned, f"release {pinned}", releases[pinned]

    home = Summary("frameworks/socle", "socle", "2.0.0", "s.yaml", {"SST": ["SST.1"]})
    user = Summary(
        "frameworks/demo",
        "demo",
        "1.0.0",
        "u.yaml",
        {"BC01": ["C1", "SST.2"]},
        [
            _ref(
                "SST", "1.0.0", 3
            ),  # pinned: SST.2 clashes, and 2.0.0 removed SST.2 and added BC00
            _ref("SST", "9.9.9", 5),  # no such release
            _ref("OLD", None, 7),  # latest release has no OLD
            _ref("SST", None, 9),  # latest: requires BC00, which demo lacks
        ],
    )
    problems = check_shared([home, user], content_of, lambda s: True)
    assert [(p.rule, p.line, p.message) for p in problems] == [
        (
            "competency-one-block",
            3,
            "shared block SST brings competency SST.2, which block BC01 of this framework also defines",
        ),
        (
            "shared-block-outdated",
            3,
            "SST is pinned at socle 1.0.0; its latest release 2.0.0 changed it: competency SST.2 removed or renumbered; prerequisite BC00 added",
        ),
        ("shared-version-mismatch", 5, "socle has no release 9.9.9"),
        ("unknown-shared-block", 7, 'socle has no block "OLD" in its latest release 2.0.0'),
        (
            "shared-block-prerequisite",
            9,
            "shared block SST requires BC00, which demo does not have",
        ),
    ]


def test_unreleased_change_to_a_shared_block_warns_in_its_home() -> None:
    from refkit.rules.shared import check_shared

    latest = {"SST": (("SST.1", "SST.2"), ())}
    home = Summary(
        "frameworks/socle",
        "socle",
        "1.0.0",
        "s.yaml",
        {"SST": ["SST.1"]},
        view={"blocks": [{"id": "SST", "competencies": ["SST.1"], "prerequisites": []}]},
        block_pos={"SST": ["frameworks/socle/blocks/SST.yaml", 2, 5]},
    )
    user = Summary(
        "frameworks/demo", "demo", "1.0.0", "u.yaml", {"BC01": ["C1"]}, [_ref("SST", None, 3)]
    )
    problems = check_shared(
        [home, user], lambda h, p: ("1.0.0", "latest release 1.0.0", latest), lambda s: True
    )
    assert [(p.rule, p.file, p.line, p.message) for p in problems] == [
        (
            "shared-block-changed",
            "frameworks/socle/blocks/SST.yaml",
            2,
            "SST is shared with demo, which follows the latest release of socle: since its latest release 1.0.0, "
            "competency SST.2 removed or renumbered",
        )
    ]


def test_summary_round_trips_through_json() -> None:
    loaded = framework(
        [Block("BC01", "Un", [comp("C1"), comp("C2")])],
        shared_blocks=[SharedBlockRef("socle", "SST", "1.0.0")],
    )
    summary = summarize(loaded)
    assert summary is not None
    assert Summary.from_json(summary.to_json()) == summary
    assert summary.blocks == {"BC01": ["C1", "C2"]}


def test_every_rule_has_a_title_a_hint_and_documentation() -> None:
    from tests.conftest import REPO

    doc = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in RULES.values():
        assert rule.title and rule.hint, rule.id
        assert f"`{rule.id}`" in doc, f"docs/rules.md does not describe {rule.id}"

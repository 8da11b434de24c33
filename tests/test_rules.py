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
from refkit.rules import Summary, check_framework, check_repository, summarize
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


def test_repository_rules_resolve_shared_blocks() -> None:
    home = Summary(
        "frameworks/socle", "socle", "1.0.0", "frameworks/socle/framework.yaml", {"SST": ["SST.1"]}
    )
    user = Summary(
        "frameworks/demo",
        "demo",
        "1.0.0",
        "frameworks/demo/framework.yaml",
        {"BC01": ["C1"]},
        [
            {
                "framework": "socle",
                "block": "SST",
                "version": None,
                "file": "f",
                "line": 3,
                "col": 5,
                "path": ["shared_blocks", 0],
            },
            {
                "framework": "socle",
                "block": "XX",
                "version": None,
                "file": "f",
                "line": 5,
                "col": 5,
                "path": ["shared_blocks", 1],
            },
        ],
    )
    problems = check_repository([home, user])
    assert [(p.rule, p.line) for p in problems] == [("unknown-shared-block", 5)]


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

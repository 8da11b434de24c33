"""Stacking: credit, pathways and ranking as pure functions, properties, and the CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refkit.stack import (
    BlockView,
    CertView,
    Coverage,
    Elective,
    Held,
    Origin,
    Step,
    credit,
    propagate,
    rank,
    stack,
)
from refkit.stack.overlap import statement_key, statement_keys
from tests.conftest import FIXTURES, REPO, git, make_git_repo


def block(
    bid: str, comps: str, *, pre: str = "", hours: float | None = None, home: str = "", hv: str = ""
) -> BlockView:
    return BlockView(
        bid, f"Bloc {bid}", tuple(comps.split()), tuple(pre.split()), hours, None, home, hv
    )


def cert(
    blocks: list[BlockView],
    required: str,
    electives: tuple[Elective, ...] = (),
    fid: str = "plomberie",
    version: str = "2.0.0",
) -> CertView:
    return CertView(
        fid, version, fid.title(), {b.id: b for b in blocks}, tuple(required.split()), electives
    )


def held_coverage(view: CertView, *held: str) -> tuple[Coverage, list[Held]]:
    coverage = Coverage()
    holdings = []
    for b in held:
        h = Held(view.framework, view.version, b)
        holdings.append(h)
        home, version = view.home_of(b)
        coverage.add_block(home, version, b, view.blocks[b].competencies, Origin(h, "direct"))
    return coverage, holdings


PLOMBERIE = cert(
    [
        block("BC01", "C1 C2", hours=100),
        block("BC02", "C3 C4", pre="BC01", hours=200),
        block("BC03", "C5", pre="BC02", hours=50),
        block("BC04", "C6 C7", hours=80),
        block("BC05", "C8 C9 C10 C11", pre="BC01", hours=40),
    ],
    "BC01 BC02 BC03",
    (Elective("E1", 1, ("BC04", "BC05"), "Spécialité"),),
)


# -- pure engine: hand-checked values ---------------------------------------------------------------


def test_nothing_held_gives_the_whole_pathway_in_prerequisite_order() -> None:
    r = stack(PLOMBERIE, Coverage(), [])
    assert [(s.block, s.reason) for s in r.pathway] == [
        ("BC01", "required"),
        ("BC02", "required"),
        ("BC03", "required"),
        ("BC05", "elective E1"),  # 40 h, cheaper than BC04 (80 h)
    ]
    assert r.remaining_hours == 390
    assert r.electives == [
        {
            "group": "E1",
            "title": "Spécialité",
            "choose": 1,
            "credited": [],
            "chosen": ["BC05"],
            "alternatives": ["BC04"],
        }
    ]


def test_held_blocks_are_credited_and_a_partial_block_counts_its_share() -> None:
    coverage, holdings = held_coverage(PLOMBERIE, "BC01", "BC04")
    coverage.add_block(
        "plomberie", "2.0.0", "x", ("C8",), Origin(Held("plomberie", "2.0.0", "x"), "direct")
    )
    r = stack(PLOMBERIE, coverage, holdings)
    statuses = {b.block: (b.status, b.missing) for b in r.blocks}
    assert statuses["BC01"] == ("credited", [])
    assert statuses["BC04"] == ("credited", [])
    assert statuses["BC05"] == ("partial", ["C9", "C10", "C11"])
    assert [s.block for s in r.pathway] == ["BC02", "BC03"]  # the elective is held: BC04
    assert r.remaining_hours == 250
    assert r.electives[0]["credited"] == ["BC04"]


def test_partial_elective_is_preferred_when_it_is_cheaper_to_finish() -> None:
    view = cert(
        [block("A", "a1 a2 a3 a4", hours=100), block("B", "b1", hours=50)],
        "",
        (Elective("E", 1, ("A", "B")),),
    )
    coverage = Coverage()
    coverage.add_block(
        "plomberie",
        "2.0.0",
        "z",
        ("a1", "a2", "a3"),
        Origin(Held("plomberie", "2.0.0", "z"), "direct"),
    )
    r = stack(view, coverage, [])
    assert [(s.block, s.hours, s.partial) for s in r.pathway] == [
        ("A", 25.0, True)
    ]  # 1/4 of 100 h < 50 h


def test_prerequisites_of_a_remaining_block_join_the_pathway() -> None:
    view = cert([block("A", "a"), block("B", "b", pre="A"), block("C", "c", pre="B")], "C")
    r = stack(view, Coverage(), [])
    assert [(s.block, s.reason) for s in r.pathway] == [
        ("A", "prerequisite of B"),
        ("B", "prerequisite of C"),
        ("C", "required"),
    ]


def test_complete_when_everything_is_held() -> None:
    coverage, holdings = held_coverage(PLOMBERIE, "BC01", "BC02", "BC03", "BC05")
    r = stack(PLOMBERIE, coverage, holdings)
    assert r.complete and r.pathway == [] and r.remaining_hours is None


def test_shared_block_credited_in_every_framework_that_uses_it() -> None:
    home = cert(
        [block("SST", "S1 S2", hours=35), block("BC01", "C1")],
        "SST BC01",
        fid="socle",
        version="1.0.0",
    )
    user = cert(
        [block("SST", "S1 S2", hours=35, home="socle", hv="1.0.0"), block("E1", "e1")],
        "SST E1",
        fid="elec",
        version="3.0.0",
    )
    coverage, holdings = held_coverage(home, "SST")
    results = {
        r.cert.framework: r
        for r in (stack(home, coverage, holdings), stack(user, coverage, holdings))
    }
    assert [(b.block, b.status, b.via) for b in results["socle"].blocks if b.block == "SST"] == [
        ("SST", "credited", "direct")
    ]
    assert [(b.block, b.status, b.via) for b in results["elec"].blocks if b.block == "SST"] == [
        ("SST", "credited", "shared")
    ]
    # and held through the borrowing framework, it counts in the home too
    coverage2, holdings2 = held_coverage(user, "SST")
    (sst,) = [b for b in credit(home, coverage2, holdings2) if b.block == "SST"]
    assert (sst.status, sst.via, sst.held) == ("credited", "shared", ["elec@3.0.0:SST"])


def test_coverage_follows_renumbered_competencies_and_confirmed_equivalences() -> None:
    # 1.0.0 -> 2.0.0: C2 renumbered C9; BC02 gains C4; the working group says BC02 is equivalent
    steps = [
        Step(
            "1.0.0",
            "2.0.0",
            {"C1": "C1", "C2": "C9", "C3": "C3"},
            frozenset({"C1", "C9"}),
            [("equivalent", "BC02", ("BC02",), ())],
            {"BC01": ("C1", "C2"), "BC02": ("C3",)},
            {"BC01": ("C1", "C9"), "BC02": ("C3", "C4")},
        )
    ]
    v2 = cert(
        [block("BC01", "C1 C9"), block("BC02", "C3 C4")], "BC01 BC02", fid="f", version="2.0.0"
    )
    coverage = Coverage()
    for b, comps in (("BC01", ("C1", "C2")), ("BC02", ("C3",))):
        coverage.add_block("f", "1.0.0", b, comps, Origin(Held("f", "1.0.0", b), "direct"))
    propagate(coverage, "f", steps, "2.0.0")
    r = stack(v2, coverage, [])
    assert [(b.block, b.status, b.via, b.path) for b in r.blocks] == [
        ("BC01", "credited", "correspondence", ["1.0.0", "2.0.0"]),
        ("BC02", "credited", "correspondence", ["1.0.0", "2.0.0"]),
    ]
    assert r.complete


def test_coverage_backwards_counts_only_unchanged_competencies() -> None:
    steps = [
        Step(
            "1.0.0",
            "2.0.0",
            {"C1": "C1", "C2": "C2"},
            frozenset({"C1"}),
            [],
            {"B": ("C1", "C2")},
            {"B": ("C1", "C2")},
        )
    ]
    v1 = cert([block("B", "C1 C2")], "B", fid="f", version="1.0.0")
    coverage = Coverage()
    coverage.add_block("f", "2.0.0", "B", ("C1", "C2"), Origin(Held("f", "2.0.0", "B"), "direct"))
    propagate(coverage, "f", steps, "1.0.0")
    (b,) = stack(v1, coverage, []).blocks
    assert (b.status, b.missing) == ("partial", ["C2"])  # C2 was reworded in 2.0.0


def test_rank_orders_by_remaining_volume() -> None:
    small = cert([block("A", "a", hours=10)], "A", fid="petit")
    big = cert([block("A", "a", hours=300)], "A", fid="grand")
    ranked = rank([stack(big, Coverage(), []), stack(small, Coverage(), [])])
    assert [r.cert.framework for r in ranked] == ["petit", "grand"]


@given(
    st.lists(
        st.lists(
            st.sampled_from(
                [
                    *"abcXYZ09 -'’.,:;éèêàçÉœŒßıİΣσςﬁ²ﬀKµ\u0301\u0327\u034f\u05b0\u093c\t\n\r",
                    *(" de ", " le ", " the ", "Ångström"),
                ]
            ),
            max_size=30,
        ).map("".join),
        max_size=8,
    )
)
def test_statement_keys_of_a_block_are_each_statements_key(statements: list[str]) -> None:
    """The keys of a block's statements computed at once (one normalisation, words split as
    bytes) are those of statement_key one at a time: accents, ligatures, final sigma, marks that
    are not combining (U+034F), other scripts' marks, line breaks in a broken file."""
    assert statement_keys(statements) == [statement_key(x) for x in statements]


def test_statement_key_ignores_case_accents_order_and_small_words() -> None:
    a = statement_key("Installer un chauffe-eau électrique")
    assert a == statement_key("installer le Chauffe-Eau  electrique.")
    assert a == statement_key("Chauffe-eau électrique : installer")
    assert a != statement_key("Installer un chauffe-eau thermodynamique")


# -- properties ----------------------------------------------------------------------------------------


@st.composite
def certifications(draw: st.DrawFn) -> tuple[CertView, set[str]]:
    n = draw(st.integers(1, 8))
    ids = [f"B{i}" for i in range(n)]
    blocks = []
    for i, bid in enumerate(ids):
        pre = draw(st.lists(st.sampled_from(ids[:i]), unique=True, max_size=2)) if i else []
        blocks.append(
            BlockView(
                bid, bid, (f"{bid}c1", f"{bid}c2"), tuple(pre), float(draw(st.integers(1, 100)))
            )
        )
    pool = list(ids)
    required = draw(st.lists(st.sampled_from(pool), unique=True, max_size=n))
    rest = [b for b in pool if b not in required]
    electives = []
    while rest and draw(st.booleans()):
        members = draw(st.lists(st.sampled_from(rest), unique=True, min_size=1, max_size=len(rest)))
        rest = [b for b in rest if b not in members]
        electives.append(
            Elective(f"E{len(electives)}", draw(st.integers(1, len(members))), tuple(members))
        )
    view = CertView("f", "1.0.0", "F", {b.id: b for b in blocks}, tuple(required), tuple(electives))
    held = set(draw(st.lists(st.sampled_from(ids), unique=True)))
    return view, held


@settings(max_examples=300, deadline=None)
@given(certifications())
def test_pathway_respects_prerequisites_and_completes_the_rules(
    case: tuple[CertView, set[str]],
) -> None:
    view, held = case
    coverage, holdings = held_coverage(view, *sorted(held))
    result = stack(view, coverage, holdings)
    credited = {b.block for b in result.blocks if b.status == "credited"}
    assert credited == held
    seen = set(credited)
    for s in result.pathway:  # a pathway never violates a prerequisite
        assert all(p in seen for p in view.blocks[s.block].prerequisites), (s.block, seen)
        seen.add(s.block)
    # what is credited plus what remains satisfies the rules
    assert set(view.required) <= seen
    for group in view.electives:
        assert len(seen & set(group.blocks)) >= group.choose
    assert result.complete == (not result.pathway)


# -- the command line on the sample repository -----------------------------------------------------


def test_holder_of_v1_blocks_sees_what_counts_in_v2_and_that_heat_pumps_remain(cli) -> None:
    have = "plombier-chauffagiste@1.0.0:BC01,plombier-chauffagiste@1.0.0:BC02,plombier-chauffagiste@1.0.0:BC04"
    run = cli("stack", "plombier-chauffagiste", "--have", have, "--format", "json", cwd=REPO)
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert data["certification"]["version"] == "2.0.0"
    credited = {b["block"]: (b["via"], b["held"]) for b in data["credited"]}
    assert credited == {
        "BC01": ("correspondence", ["plombier-chauffagiste@1.0.0:BC01"]),
        "BC02": ("correspondence", ["plombier-chauffagiste@1.0.0:BC02"]),
        "BC04": ("correspondence", ["plombier-chauffagiste@1.0.0:BC04"]),
    }
    (bc07,) = data["partial"]
    assert (bc07["block"], bc07["missing"]) == ("BC07", ["C7.1", "C7.2", "C7.3", "C7.4"])
    # required blocks in the order the rules list them, then the elective; BC05 needs BC03 first
    assert [s["block"] for s in data["pathway"]] == ["SST", "BC03", "BC07", "BC05"]
    text = cli("stack", "plombier-chauffagiste", "--have", have, cwd=REPO).out
    assert (
        "✓ BC04 Installer, mettre en service et entretenir une installation de chauffage à eau chaude"
        in text
    )
    assert "through the correspondence tables 1.0.0 → 2.0.0" in text
    assert "◐ BC07 Installer, mettre en service et entretenir une pompe à chaleur air/eau" in text
    assert "still to cover: C7.1, C7.2, C7.3, C7.4" in text


def test_holder_of_the_shared_safety_block_is_credited_in_both_frameworks(cli) -> None:
    data = json.loads(
        cli("stack", "--have", "plombier-chauffagiste@2.0.0:SST", "--format", "json", cwd=REPO).out
    )
    by_framework = {r["certification"]["framework"]: r for r in data["ranking"]}
    assert set(by_framework) == {"plombier-chauffagiste", "electricien-batiment"}
    for framework, via in (("plombier-chauffagiste", "direct"), ("electricien-batiment", "shared")):
        credited = {b["block"]: b["via"] for b in by_framework[framework]["credited"]}
        assert credited == {"SST": via}
    assert [r["certification"]["framework"] for r in data["ranking"]] == [
        "electricien-batiment",
        "plombier-chauffagiste",
    ]
    text = cli(
        "stack", "electricien-batiment", "--have", "plombier-chauffagiste@1.0.0:SST", cwd=REPO
    ).out
    assert (
        "through the shared block (plombier-chauffagiste@1.0.0:SST), carried 1.0.0 → 2.0.0" in text
    )


def test_overlap_of_the_samples(cli) -> None:
    data = json.loads(cli("stack", "--overlap", "--format", "json", cwd=REPO).out)
    (pair,) = data["pairs"]
    assert (pair["a"], pair["b"], pair["shared_blocks"], pair["common_competencies"]) == (
        "electricien-batiment",
        "plombier-chauffagiste",
        ["SST (plombier-chauffagiste)"],
        5,
    )
    assert "shared blocks: SST (plombier-chauffagiste)" in cli("stack", "--overlap", cwd=REPO).out


def test_overlap_after_a_validate_checks_again_what_validate_left_without_keys(
    cli, sample_repo: Path
) -> None:
    """`refkit validate` caches views without statement keys (nothing it does reads them);
    `--overlap` after it finds them missing and checks those frameworks again, with keys."""
    from refkit.store.repository import Repository
    from refkit.validate_cache import ResultCache

    def views() -> dict[str, bool]:
        entries = ResultCache(Repository(sample_repo), enabled=True).entries
        return {rel: entry["summary"]["view"]["keyed"] for rel, entry in entries.items()}

    assert cli("validate", cwd=sample_repo).code == 0
    assert views() == {
        "frameworks/electricien-batiment": False,
        "frameworks/plombier-chauffagiste": False,
    }
    data = json.loads(cli("stack", "--overlap", "--format", "json", cwd=sample_repo).out)
    assert [p["common_competencies"] for p in data["pairs"]] == [5]
    assert set(views().values()) == {True}
    assert cli("validate", cwd=sample_repo).code == 0  # keys kept: a hit is a hit
    assert set(views().values()) == {True}


def test_holdings_from_a_file(cli, tmp_path: Path) -> None:
    learner = tmp_path / "camille.yaml"
    learner.write_text(
        "holds:\n  - plombier-chauffagiste@1.0.0:BC01\n  - framework: electricien-batiment\n    version: 1.0.0\n    block: SST\n",
        encoding="utf-8",
    )
    data = json.loads(
        cli(
            "stack",
            "plombier-chauffagiste",
            "--have-file",
            str(learner),
            "--format",
            "json",
            cwd=REPO,
        ).out
    )
    assert data["holdings"] == [
        "plombier-chauffagiste@1.0.0:BC01",
        "electricien-batiment@1.0.0:SST",
    ]
    assert {b["block"]: b["via"] for b in data["credited"]} == {
        "BC01": "correspondence",
        "SST": "shared",
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--have", "nope@1.0.0:BC01"], "no framework 'nope'"),
        (
            ["--have", "plombier-chauffagiste@3.0.0:BC01"],
            "plombier-chauffagiste has no version 3.0.0 (releases: 1.0.0, 2.0.0)",
        ),
        (
            ["--have", "plombier-chauffagiste@1.0.0:BC07"],
            "plombier-chauffagiste@1.0.0 has no block 'BC07'",
        ),
        (["--have", "plombier-chauffagiste"], "is not a block held: write framework@version:BLOCK"),
        (["nope"], "no framework 'nope'"),
        (
            ["--overlap", "--have", "plombier-chauffagiste@1.0.0:BC01"],
            "--overlap compares frameworks",
        ),
    ],
)
def test_bad_holdings_exit_2_with_what_exists(cli, args: list[str], message: str) -> None:
    run = cli("stack", *args, cwd=REPO)
    assert run.code == 2
    assert message in run.err
    assert "Traceback" not in run.err


def test_a_target_with_validation_errors_is_refused_and_skipped_in_rankings(
    cli, tmp_path: Path
) -> None:
    for case in ("prerequisite-cycle", "electives-unsatisfiable"):
        root = tmp_path / case
        shutil.copytree(FIXTURES / "invalid" / case, root)
        make_git_repo(root)
        run = cli("stack", "demo", cwd=root)
        assert run.code == 2 and "demo has" in run.err and "validation errors" in run.err
        ranking = cli("stack", "--format", "json", cwd=root)
        assert ranking.code == 0 and json.loads(ranking.out)["skipped"] == ["demo"]


def test_unreleased_frameworks_are_drafts_named_by_their_declared_version(
    cli, tmp_path: Path
) -> None:
    root = tmp_path / "full"
    shutil.copytree(FIXTURES / "valid" / "full", root)
    make_git_repo(root)
    run = cli("stack", "demo", "--have", "socle@1.0.0:SST", "--format", "json", cwd=root)
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert data["certification"]["draft"] is True
    assert {b["block"]: b["via"] for b in data["credited"]} == {"SST": "shared"}
    assert "demo, work tree" in cli("stack", "demo", "--have", "socle@1.0.0:SST", cwd=root).out
    assert git(root, "status", "--porcelain") == ""


def test_pinned_and_followed_shared_blocks_in_real_git(cli, tmp_path: Path) -> None:
    root = tmp_path / "full"
    shutil.copytree(FIXTURES / "valid" / "full", root)
    make_git_repo(root)
    sst = root / "frameworks/socle/blocks/SST.yaml"
    demo = root / "frameworks/demo/framework.yaml"
    assert cli("release", "socle", cwd=root).code == 0  # 1.0.0: SST has SST.1
    extra = "  - id: SST.2\n    statement: Porter les EPI\n    kind: skill\n    activities: [A1]\n    criteria:\n      - Les EPI sont portés\n"
    sst.write_text(sst.read_text(encoding="utf-8") + extra, encoding="utf-8")
    assert cli("release", "socle", cwd=root).code == 0  # 1.1.0: SST.2 added
    text = sst.read_text(encoding="utf-8")
    sst.write_text(
        text[: text.index("  - id: SST.1")] + extra, encoding="utf-8"
    )  # SST.1 dropped...
    assert cli("release", "socle", cwd=root).code == 0  # ...in 2.0.0

    def problems() -> list[tuple[str, str, str]]:
        run = cli("validate", "--format", "json", cwd=root)
        return [
            (p["rule"], p["file"].rsplit("/", 1)[-1], p["message"]) for p in json.loads(run.out)
        ]

    demo_text = demo.read_text(encoding="utf-8")
    demo.write_text(
        demo_text.replace("    block: SST\n", "    block: SST\n    version: 1.0.0\n"),
        encoding="utf-8",
    )
    assert problems() == [
        (
            "shared-block-outdated",
            "framework.yaml",
            "SST is pinned at socle 1.0.0; its latest release 2.0.0 changed it: competency SST.1 removed or renumbered",
        )
    ]
    demo.write_text(
        demo_text.replace("    block: SST\n", "    block: SST\n    version: 3.0.0\n"),
        encoding="utf-8",
    )
    assert problems() == [
        ("shared-version-mismatch", "framework.yaml", "socle has no release 3.0.0")
    ]
    # following the latest release: an unreleased edit that removes SST.2 is flagged in the home
    demo.write_text(demo_text, encoding="utf-8")
    assert problems() == []
    sst.write_text(
        sst.read_text(encoding="utf-8").replace("id: SST.2", "id: SST.3"), encoding="utf-8"
    )
    assert problems() == [
        (
            "shared-block-changed",
            "SST.yaml",
            "SST is shared with demo, which follows the latest release of socle: since its latest release 2.0.0, "
            "competency SST.2 removed or renumbered",
        )
    ]
    # a learner holding SST from 1.0.0 showed SST.1, which 2.0.0 dropped: demo (following 2.0.0)
    # credits nothing of SST, and SST.2 remains
    data = json.loads(
        cli("stack", "demo", "--have", "socle@1.0.0:SST", "--format", "json", cwd=root).out
    )
    assert data["credited"] == [] and data["partial"] == []
    assert [(s["block"], s["missing"]) for s in data["pathway"] if s["block"] == "SST"] == [
        ("SST", ["SST.2"])
    ]


def test_reference_frameworks_are_never_ranked_or_targeted(cli, sample_repo: Path) -> None:
    """An imported reference framework (ESCO, NICE...: `type: reference`) certifies nothing."""
    fw = sample_repo / "frameworks/electricien-batiment/framework.yaml"
    fw.write_text(
        fw.read_text(encoding="utf-8").replace("status: ", "type: reference\nstatus: ", 1),
        encoding="utf-8",
    )
    assert cli("validate", cwd=sample_repo).code == 0
    ranked = cli(
        "stack", "--worktree", "--have", "plombier-chauffagiste@2.0.0:SST", cwd=sample_repo
    )
    assert ranked.code == 0, ranked.err
    assert "plombier-chauffagiste" in ranked.out and "electricien-batiment" not in ranked.out
    target = cli("stack", "--worktree", "electricien-batiment", cwd=sample_repo)
    assert target.code == 2
    assert "electricien-batiment is a reference framework" in target.err
    assert "name a certification: plombier-chauffagiste" in target.err
    overlap = cli("stack", "--worktree", "--overlap", "--format", "json", cwd=sample_repo)
    assert '"frameworks": ["plombier-chauffagiste' in overlap.out

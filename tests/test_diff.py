"""The semantic diff, the correspondence table and the version bump, on models built in memory."""

from __future__ import annotations

import copy
import json

from hypothesis import given
from hypothesis import strategies as st

from refkit.diff import diff_frameworks
from refkit.diff.bump import bumped, required_bump
from refkit.diff.correspondence import correspondence
from refkit.diff.render import html, markdown, summary_line, text, to_json
from refkit.diff.text import best_pairs, word_diff, words
from refkit.model import (
    Block,
    CertificationRules,
    Competency,
    Correspondence,
    CorrespondenceEntry,
    Criterion,
    ElectiveGroup,
    Framework,
)


def comp(cid: str, statement: str, *criteria: str) -> Competency:
    return Competency(
        cid,
        statement,
        "skill",
        ["A1"],
        [Criterion(c) for c in criteria or ("Le travail est conforme",)],
    )


def base() -> Framework:
    return Framework(
        "plomberie",
        "Plomberie",
        "1.0.0",
        blocks=[
            Block(
                "BC01",
                "Installer les réseaux",
                [
                    comp(
                        "C1.1",
                        "Braser des tubes en cuivre sur un réseau sanitaire",
                        "La brasure est étanche",
                    ),
                    comp("C1.2", "Sertir des raccords multicouche", "Le sertissage est conforme"),
                    comp(
                        "C1.3",
                        "Réaliser l'épreuve d'étanchéité du réseau",
                        "La pression est tenue deux heures",
                    ),
                ],
            ),
            Block(
                "BC02",
                "Entretenir les installations",
                [
                    comp(
                        "C2.1", "Entretenir une chaudière murale à gaz", "L'entretien est consigné"
                    ),
                    comp(
                        "C2.2",
                        "Détartrer un ballon d'eau chaude sanitaire",
                        "Le ballon est remis en service",
                    ),
                ],
            ),
        ],
        certification=CertificationRules(required=["BC01", "BC02"]),
    )


def changes(old: Framework, new: Framework) -> list[tuple[str, str, str | None, str]]:
    return [(c.kind, c.change, c.old_id, c.id) for c in diff_frameworks(old, new).changes]


def test_identical_versions_have_no_change() -> None:
    assert diff_frameworks(base(), base()).empty


def test_renumbered_competency_with_the_same_text_is_renamed_not_removed_and_added() -> None:
    old, new = base(), base()
    new.blocks[0].competencies[1].id = "C1.9"
    d = diff_frameworks(old, new)
    assert [(c.change, c.old_id, c.id, c.similarity) for c in d.changes] == [
        ("renamed", "C1.2", "C1.9", 1.0)
    ]
    assert d.summary()["competencies"] == {
        "added": 0,
        "removed": 0,
        "modified": 0,
        "moved": 0,
        "renamed": 1,
    }


def test_renumbered_and_reworded_is_renamed_with_its_similarity() -> None:
    old, new = base(), base()
    c = new.blocks[0].competencies[0]
    c.id, c.statement = "C1.7", "Braser des tubes en cuivre sur un réseau d'eau sanitaire"
    (change,) = diff_frameworks(old, new).changes
    assert (change.change, change.old_id, change.id) == ("renamed", "C1.1", "C1.7")
    assert 0.6 <= change.similarity < 1.0
    assert [(f.field, f.nature) for f in change.fields] == [("statement", "reworded")]


def test_different_content_under_a_new_id_is_added_and_removed() -> None:
    old, new = base(), base()
    new.blocks[1].competencies[1] = comp(
        "C2.3", "Mettre en service une pompe à chaleur air/eau", "Le COP est mesuré"
    )
    assert changes(old, new) == [
        ("competency", "added", None, "C2.3"),
        ("competency", "removed", "C2.2", "C2.2"),
    ]


def test_moved_and_reworded_competency() -> None:
    old, new = base(), base()
    moved = new.blocks[1].competencies.pop(0)
    moved.statement = "Entretenir une chaudière murale à gaz à condensation"
    new.blocks[0].competencies.append(moved)
    d = diff_frameworks(old, new)
    (c,) = d.of_kind("competency")
    assert (c.change, c.old_block, c.block, c.moved_flag) == ("moved", "BC02", "BC01", True)
    assert c.fields[0].words == [
        ("=", "Entretenir une chaudière murale à gaz"),
        ("+", " à condensation"),
    ]
    assert d.summary()["competencies"] == {
        "added": 0,
        "removed": 0,
        "modified": 1,
        "moved": 1,
        "renamed": 0,
    }


def test_renamed_block_is_not_a_move_of_its_competencies() -> None:
    old, new = base(), base()
    new.blocks[1].id = "BC05"
    new.certification.required = ["BC01", "BC05"]
    d = diff_frameworks(old, new)
    assert [(c.kind, c.change, c.old_id, c.id) for c in d.changes] == [
        ("block", "renamed", "BC02", "BC05")
    ]
    assert d.block_map == {"BC01": "BC01", "BC02": "BC05"}


def test_whitespace_only_change_is_not_rewording() -> None:
    old, new = base(), base()
    new.blocks[0].competencies[0].statement = "Braser des tubes  en cuivre sur un réseau sanitaire "
    (c,) = diff_frameworks(old, new).changes
    assert [(f.field, f.nature) for f in c.fields] == [("statement", "whitespace")]
    assert required_bump(diff_frameworks(old, new))[0] == "patch"


def test_criteria_added_removed_and_reworded() -> None:
    old, new = base(), base()
    c = new.blocks[0].competencies[0]
    c.criteria = [
        Criterion("La brasure est parfaitement étanche"),
        Criterion("Le décapant est retiré"),
    ]
    (change,) = diff_frameworks(old, new).changes
    (f,) = change.fields
    assert f.field == "criteria"
    assert [i["change"] for i in f.items] == ["reworded", "added"]
    assert f.items[0]["words"] == [
        ["=", "La brasure est "],
        ["+", "parfaitement "],
        ["=", "étanche"],
    ]


def test_certification_and_elective_changes() -> None:
    old, new = base(), base()
    new.certification = CertificationRules(
        required=["BC01"], electives=[ElectiveGroup("E1", 1, ["BC02"])]
    )
    d = diff_frameworks(old, new)
    (c,) = d.of_kind("certification")
    assert [(f.field, f.nature) for f in c.fields] == [
        ("required", "items"),
        ("electives.E1", "added"),
    ]
    assert required_bump(d)[0] == "major"


def test_word_diff_is_by_words() -> None:
    assert word_diff("Installer un réseau d'eau", "Installer une réseau d'eau froide") == [
        ("=", "Installer "),
        ("-", "un"),
        ("+", "une"),
        ("=", " réseau d'eau"),
        ("+", " froide"),
    ]


@given(
    st.lists(
        st.sampled_from(["pose", "réseau", "eau", "chaude", "cuivre", "tube"]),
        min_size=0,
        max_size=6,
    ),
    st.lists(
        st.sampled_from(["pose", "réseau", "eau", "froide", "cuivre", "raccord"]),
        min_size=0,
        max_size=6,
    ),
)
def test_word_diff_rebuilds_both_texts(a: list[str], b: list[str]) -> None:
    old, new = " ".join(a), " ".join(b)
    ops = word_diff(old, new)
    assert "".join(t for op, t in ops if op != "+") == old
    assert "".join(t for op, t in ops if op != "-") == new


@given(
    st.lists(st.text("abcde ", max_size=12), max_size=8),
    st.lists(st.text("abcde ", max_size=12), max_size=8),
)
def test_best_pairs_use_each_item_once(olds: list[str], news: list[str]) -> None:
    pairs = best_pairs(
        [(str(i), words(t)) for i, t in enumerate(olds)],
        [(str(j), words(t)) for j, t in enumerate(news)],
        0.5,
    )
    assert len({o for o, _, _ in pairs}) == len(pairs) == len({n for _, n, _ in pairs})
    assert all(0.5 <= score <= 1.0 for _, _, score in pairs)


def test_best_pairs_prefers_the_closest_match() -> None:
    pairs = best_pairs(
        [("a", words("poser un lavabo sur un mur porteur"))],
        [
            ("x", words("poser un lavabo")),
            ("y", words("poser un lavabo sur un mur porteur en brique")),
        ],
        0.5,
    )
    assert [(o, n) for o, n, _ in pairs] == [("a", "y")]


# -- correspondence ------------------------------------------------------------------------------


def table_of(old: Framework, new: Framework) -> list[tuple[str | None, str, list[str], list[str]]]:
    t = correspondence(old, new, diff_frameworks(old, new))
    return [(e.old, e.type, e.new, e.missing) for e in t.entries]


def test_correspondence_equivalent_partial_and_new() -> None:
    old, new = base(), base()
    new.blocks[1].competencies.append(
        comp("C2.3", "Mettre en service une pompe à chaleur", "Le COP est mesuré")
    )
    new.blocks.append(
        Block(
            "BC03",
            "Fluides frigorigènes",
            [comp("C3.1", "Manipuler des fluides frigorigènes", "L'attestation est détenue")],
        )
    )
    assert table_of(old, new) == [
        ("BC01", "equivalent", ["BC01"], []),
        ("BC02", "partial", ["BC02"], ["C2.3"]),
        (None, "new", ["BC03"], ["C3.1"]),
    ]


def test_correspondence_split_merged_and_removed() -> None:
    old = base()
    old.blocks.append(
        Block(
            "BC03",
            "Dépanner",
            [
                comp(
                    "C3.1",
                    "Diagnostiquer une fuite sur un réseau enterré",
                    "La fuite est localisée",
                )
            ],
        )
    )
    new = copy.deepcopy(old)
    # BC01 split into BC01 and BC04; BC02 and BC03 merged into BC02; nothing removed yet
    c13 = new.blocks[0].competencies.pop(2)
    new.blocks.append(Block("BC04", "Contrôler", [c13]))
    new.blocks[1].competencies += new.blocks[2].competencies
    del new.blocks[2]
    assert table_of(old, new) == [
        ("BC01", "split", ["BC01", "BC04"], []),
        ("BC02", "merged", ["BC02"], ["C3.1"]),
        ("BC03", "merged", ["BC02"], ["C2.1", "C2.2"]),
    ]
    gone = copy.deepcopy(old)
    del gone.blocks[2]
    assert table_of(old, gone)[-1] == ("BC03", "removed", [], [])


def test_written_entries_confirm_or_override_the_proposal() -> None:
    old, new = base(), base()
    new.version = "2.0.0"
    new.blocks[1].competencies.append(
        comp("C2.3", "Mettre en service une pompe à chaleur", "Le COP est mesuré")
    )
    new.correspondence = Correspondence(
        "1.0.0",
        [
            CorrespondenceEntry("equivalent", "BC01", ["BC01"], note="Confirmé en commission"),
            CorrespondenceEntry(
                "equivalent", "BC02", ["BC02"], note="C2.3 acquise par l'expérience"
            ),
        ],
    )
    t = correspondence(old, new, diff_frameworks(old, new))
    assert [(e.old, e.type, e.origin) for e in t.entries] == [
        ("BC01", "equivalent", "confirmed"),
        ("BC02", "equivalent", "overridden"),
    ]
    assert t.entries[1].proposed is not None and t.entries[1].proposed.type == "partial"
    assert t.to_json()["blocks"][1]["proposed"] == {
        "type": "partial",
        "new": ["BC02"],
        "missing": ["C2.3"],
    }


def test_section_from_another_version_is_not_applied() -> None:
    old, new = base(), base()
    new.correspondence = Correspondence("0.9.0", [CorrespondenceEntry("removed", "BC01")])
    assert [e.origin for e in correspondence(old, new, diff_frameworks(old, new)).entries] == [
        "proposed",
        "proposed",
    ]


# -- bump ---------------------------------------------------------------------------------------


def test_bump_rules() -> None:
    old = base()
    reworded, added, removed = base(), base(), base()
    reworded.blocks[0].title = "Installer les réseaux sanitaires"
    added.blocks[0].competencies.append(comp("C1.4", "Poser un adoucisseur", "Le by-pass est posé"))
    del removed.blocks[0].competencies[2]
    assert required_bump(diff_frameworks(old, reworded))[0] == "patch"
    assert required_bump(diff_frameworks(old, added)) == ("minor", ["competency C1.4 added"])
    assert required_bump(diff_frameworks(old, removed)) == ("major", ["competency C1.3 removed"])
    assert required_bump(diff_frameworks(old, old)) == (None, [])
    assert [bumped("1.4.2", b) for b in ("major", "minor", "patch")] == ["2.0.0", "1.5.0", "1.4.3"]


# -- renderings -----------------------------------------------------------------------------------


def revised() -> tuple[Framework, Framework]:
    old, new = base(), base()
    new.version = "2.0.0"
    new.blocks[0].competencies[
        0
    ].statement = "Braser des tubes en cuivre sur un réseau d'eau chaude sanitaire"
    new.blocks[1].competencies.append(
        comp("C2.3", "Mettre en service une <script>alert(1)</script> pompe", "OK")
    )
    return old, new


def test_text_json_and_markdown_say_the_same_thing() -> None:
    old, new = revised()
    d = diff_frameworks(old, new)
    t = correspondence(old, new, d)
    plain = text(d, table=t)
    data = json.loads(to_json(d, table=t))
    md = markdown(d, table=t)
    assert data["summary"]["competencies"] == {
        "added": 1,
        "removed": 0,
        "modified": 1,
        "moved": 0,
        "renamed": 0,
    }
    # the counts of refkit.diff.describe, as on the site and in the editor
    assert "\n  Competencies: 1 added, 1 modified\n" in plain
    assert "\nCompetencies: 1 added, 1 modified\n" in md
    for change in data["changes"]:
        assert change["id"] in plain and change["id"] in md
    assert "Statement: Braser des tubes en cuivre sur un réseau {+d'eau chaude+} sanitaire" in plain
    assert (
        "Statement: Braser des tubes en cuivre sur un réseau <ins>d'eau chaude</ins> sanitaire"
        in md
    )
    assert "\x1b[" not in plain
    assert "\x1b[" in text(d, colour=True)
    assert [e["type"] for e in data["correspondence"]["blocks"]] == ["equivalent", "partial"]


def test_html_escapes_text_and_marks_words() -> None:
    old, new = revised()
    page = html(diff_frameworks(old, new), lang="fr")
    assert '<html lang="fr">' in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert (
        '<ins><span class="visually-hidden">ajouté : </span>d&#39;eau chaude</ins> sanitaire'
        in page
    )


def test_the_summary_names_framework_fields_in_plain_words() -> None:
    old, new = base(), base()
    new.summary = "Le titulaire installe et entretient les pompes à chaleur."
    new.sector = "Bâtiment"
    d = diff_frameworks(old, new)
    assert summary_line(d, "fr") == "champs modifiés : secteur, présentation"
    assert summary_line(d, "en") == "sector, summary changed"
    new.sector = old.sector
    assert summary_line(diff_frameworks(old, new), "fr") == "champ modifié : présentation"

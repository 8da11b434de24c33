"""Finding items by id or words, and find-and-replace (refkit.edit.search, Session.replace_texts),
on the samples in a real git repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from refkit.edit import Ref, Session
from refkit.edit.search import Index, fold, plan_replace, terms
from refkit.errors import RefkitError
from tests.conftest import git

PLUMBER = "frameworks/plombier-chauffagiste"


def search(session: Session, query: str, index: Index | None = None):
    frameworks = {f: lf.framework for f, lf in session.frameworks.items()}
    return (index or Index()).search(frameworks, query)


def test_folding_keeps_positions_and_drops_accents_case_and_apostrophes() -> None:
    text = "Réseaux d’évacuation : «ÉTÉ» Œuvre"
    assert fold(text) == "reseaux d evacuation    ete  œuvre"
    assert len(fold(text)) == len(text)
    assert terms("  réseaux d'ÉVACUATION ") == ["reseaux", "d", "evacuation"]


def test_words_are_found_whatever_the_accents_and_apostrophes(sample_repo: Path) -> None:
    session = Session.open(sample_repo)
    typographic = search(session, "réseaux d’évacuation")
    straight = search(session, "reseaux d'evacuation")
    assert [h.ident for h in typographic.hits] == [h.ident for h in straight.hits]
    assert [h.ident for h in straight.hits] == ["BC03"]
    found = search(session, "reseau d'evac")  # the start of words is enough
    assert [(h.ident, h.field) for h in found.hits] == [
        ("BC03", "title"),
        ("C3.1", "statement"),
        ("C3.2", "statement"),
        (
            "C4.1 critère 3",
            "criteria",
        ),  # every word, not the phrase: "L'évacuation [...] réseau d'eaux"
    ]
    hit = found.hits[1]
    assert [hit.text[s:e] for s, e in hit.spans] == ["réseau", "d", "évac"]


def test_a_word_of_one_letter_must_be_a_whole_word(sample_repo: Path) -> None:
    session = Session.open(sample_repo)
    found = search(session, "à")
    assert found.total > 0
    assert all(" à " in f" {h.text} " for h in found.hits)
    everything = sum(1 for _ in search(session, "e").hits)
    assert everything < 10  # "e" alone is a whole word almost nowhere


def test_an_id_typed_whole_comes_first(sample_repo: Path) -> None:
    session = Session.open(sample_repo)
    hits = search(session, "bc07").hits
    assert hits[0].ref == Ref(PLUMBER, "BC07")
    assert search(session, "C7.1").hits[0].ref == Ref(PLUMBER, "BC07", "C7.1")
    assert search(session, "c4.5").hits[0].ref == Ref(PLUMBER, "BC07", "C4.5")


def test_results_follow_the_framework_and_criteria_are_found(sample_repo: Path) -> None:
    session = Session.open(sample_repo)
    found = search(session, "chaudière")
    assert [h.ref for h in found.hits if h.ref.folder == PLUMBER] == [
        Ref(PLUMBER, "BC04"),  # its description
        Ref(PLUMBER, "BC04", "C4.1", 0),
        Ref(PLUMBER, "BC04", "C4.6"),
    ]
    assert found.total == len(found.hits)


def test_the_index_prepares_again_only_the_blocks_a_save_replaced(sample_repo: Path) -> None:
    session = Session.open(sample_repo)
    index = Index()
    search(session, "chaudière", index)
    before = {b.id: index.block(PLUMBER, b) for b in session.framework(PLUMBER).blocks}
    session.set_field(Ref(PLUMBER, "BC04", "C4.4"), "statement", "Entretenir une chaudière murale")
    found = search(session, "chaudière murale", index)
    assert [h.ref for h in found.hits] == [Ref(PLUMBER, "BC04", "C4.4")]
    blocks = session.framework(PLUMBER).blocks  # each prepared again only if it was replaced
    again = {b.id for b in blocks if index.block(PLUMBER, b) is not before[b.id]}
    assert again == {"BC04"}


def test_replace_plans_every_text_then_applies_as_one_undo_step(sample_repo: Path) -> None:
    session = Session.open(sample_repo)
    fw = session.framework(PLUMBER)
    plan = plan_replace(PLUMBER, fw, "réseau d'évacuation", "réseau d’évacuation gravitaire")
    assert [(r.ident, r.count) for r in plan] == [("C3.1", 1), ("C3.2", 1)]
    assert plan[0].new.endswith(
        "réseau d’évacuation gravitaire en PVC en respectant les pentes et les diamètres"
    )
    # case-insensitive by default, literal (no pattern), apostrophes as one
    assert [r.ident for r in plan_replace(PLUMBER, fw, "CHAUDIÈRE", "générateur")] == [
        "BC04", "C4.1 critère 1", "C4.6",
    ]  # fmt: skip
    assert plan_replace(PLUMBER, fw, "CHAUDIÈRE", "générateur", case=True) == []
    assert plan_replace(PLUMBER, fw, "(.*)", "x") == []
    # whole words: "pose" leaves "posée" and "déposer" alone
    inside = {r.ident for r in plan_replace(PLUMBER, fw, "pose", "mise en place")}
    whole = {r.ident for r in plan_replace(PLUMBER, fw, "pose", "mise en place", words=True)}
    assert whole and whole < inside
    big = plan_replace(PLUMBER, fw, "chaudière", "générateur")
    outcome = session.replace_texts(PLUMBER, big, "remplacement de « chaudière »")
    assert sorted(outcome.files) == [f"{PLUMBER}/blocks/BC04.yaml"]
    changed = [
        line
        for line in git(sample_repo, "diff", "-U0").splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert len(changed) == 6 and all("générateur" in line for line in changed if line[0] == "+")
    assert len(session.undo_stack) == 1
    session.undo()
    assert git(sample_repo, "status", "--porcelain") == ""


def test_a_replace_plan_made_stale_or_invalid_is_refused_whole(sample_repo: Path) -> None:
    session = Session.open(sample_repo)
    fw = session.framework(PLUMBER)
    plan = plan_replace(PLUMBER, fw, "chaudière", "générateur")
    session.set_field(Ref(PLUMBER, "BC04", "C4.6"), "statement", "Autre énoncé")
    status = git(sample_repo, "status", "--porcelain")
    with pytest.raises(RefkitError, match="a changé depuis l'aperçu"):
        session.replace_texts(PLUMBER, plan, "remplacement")
    assert git(sample_repo, "status", "--porcelain") == status
    whole = session.framework(PLUMBER).block("BC04").competency("C4.1").criteria[0].text
    empty = plan_replace(PLUMBER, session.framework(PLUMBER), whole, "")
    with pytest.raises(RefkitError, match="obligatoire"):
        session.replace_texts(PLUMBER, empty, "remplacement")
    assert git(sample_repo, "status", "--porcelain") == status


# -- rows pasted from a spreadsheet (refkit.edit.paste) ------------------------------------------


def test_rows_from_a_sheet_with_a_header_become_competencies_with_fresh_ids(
    sample_repo: Path,
) -> None:
    from refkit.edit.paste import guess_columns, plan_competencies, read_rows

    text = (
        "Énoncé\tNature\tActivités\tCritères\r\n"
        "Poser les capteurs de la régulation\tsavoir-faire\tA4\t"
        '"Les sondes sont posées selon la notice\nLe câblage est repéré"\r\n'
        "Connaître le fonctionnement d'un circulateur\tsavoir\tA4, A9\t\r\n"
        "\t\t\t\r\n"
        "\tskill\tA4\tUn critère sans énoncé\r\n"
    )
    rows = read_rows(text)
    assert (
        len(rows) == 4
        and rows[1][3] == "Les sondes sont posées selon la notice\nLe câblage est repéré"
    )
    session = Session.open(sample_repo)
    fw = session.framework(PLUMBER)
    columns = guess_columns(rows, {a.id for a in fw.activities})
    assert columns.header and columns.kinds == ["statement", "kind", "activities", "criteria"]
    planned = plan_competencies(rows, columns, fw, fw.block("BC07"))
    assert [(c.id, c.kind, c.activities, [cr.text for cr in c.criteria]) for c in planned.competencies] == [
        ("C7.5", "skill", ["A4"], ["Les sondes sont posées selon la notice", "Le câblage est repéré"]),
        ("C7.6", "knowledge", ["A4", "A9"], []),
    ]  # fmt: skip
    assert planned.notes == [
        "ligne 3 : activité A9 inconnue du référentiel",
        "ligne 3 : C7.6 n'a pas de critère (à écrire ensuite)",
        "ligne 4 : pas d'énoncé, ligne laissée de côté",
    ]
    outcome = session.add_competencies(Ref(PLUMBER, "BC07"), planned.competencies)
    assert outcome.select == Ref(PLUMBER, "BC07", "C7.5")
    block = session.framework(PLUMBER).block("BC07")
    assert [c.id for c in block.competencies][-2:] == ["C7.5", "C7.6"]
    assert len(session.undo_stack) == 1
    session.undo()
    assert git(sample_repo, "status", "--porcelain") == ""


def test_columns_without_a_header_are_guessed_from_their_cells(sample_repo: Path) -> None:
    from refkit.edit.paste import guess_columns, read_rows

    rows = read_rows("A4\tPoser les capteurs\tskill\tLes sondes sont posées\n"
                     "A3\tRaccorder le ballon\tsavoir-faire\tLe ballon est raccordé\n")  # fmt: skip
    columns = guess_columns(rows, {"A3", "A4"})
    assert not columns.header
    assert columns.kinds == ["activities", "statement", "kind", "criteria"]
    one = guess_columns(read_rows("Poser les capteurs\nRaccorder le ballon\n"), set())
    assert one.kinds == ["statement"]

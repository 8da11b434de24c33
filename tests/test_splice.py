"""The fast path of saving (refkit.store.splice): texts reworded in place, everything else by the
round trip; either way the file says exactly what the model says."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refkit.store import writer
from refkit.store.loader import load_framework, read_folder
from refkit.store.reader import read_yaml
from refkit.store.splice import splice
from refkit.store.writer import save_framework
from tests.conftest import git

KEPT = frozenset({"schema"})
BLOCK = """\
# yaml-language-server: $schema=../../../schemas/block.schema.json
schema: refkit/block/1
id: BC01
title: Installer un réseau   # titre provisoire
competencies:
  # les compétences du bloc
  - id: C1.1
    statement: Poser un réseau d'eau froide
    kind: skill
    activities: [A1, A2]
    criteria:
      - 'Le réseau est étanche'
      - "L'essai sous pression est consigné"
    notes: |
      Une note
      sur deux lignes.
"""


def data_of(text: str) -> dict:
    result = read_yaml("f", text.encode("utf-8"))
    assert result.ok and not result.problems
    return {k: v for k, v in result.data.items() if k != "schema"}


def changed(text: str, path: tuple, value: object) -> dict:
    data = data_of(text)
    node = data
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return data


def line_diff(old: str, new: str) -> list[tuple[str, str]]:
    a, b = old.split("\n"), new.split("\n")
    assert len(a) == len(b)
    return [(x, y) for x, y in zip(a, b, strict=True) if x != y]


def test_a_parse_given_is_used_but_never_believed() -> None:
    """The writer hands splice the file as loaded; the model may share that parse's lists and
    have edited them in place: a parse that already says the new data must not make the change
    look like nothing. Whatever the parse given, the new text is verified by a parse of its own."""
    data = changed(BLOCK, ("competencies", 0, "criteria", 0), "Le réseau tient la pression")
    stale = read_yaml("f", BLOCK.encode("utf-8"))
    stale.data["competencies"][0]["criteria"][0] = "Le réseau tient la pression"  # edited in place
    verified: list = []
    new = splice(BLOCK, data, kept=KEPT, parsed=stale, verified=verified)
    assert new is not None and data_of(new) == data
    assert line_diff(BLOCK, new) == [
        ("      - 'Le réseau est étanche'", "      - 'Le réseau tient la pression'")
    ]
    assert (
        len(verified) == 1 and {k: v for k, v in verified[0].data.items() if k != "schema"} == data
    )
    # a parse given that is right is used as it is
    fresh = read_yaml("f", BLOCK.encode("utf-8"))
    assert splice(BLOCK, data, kept=KEPT, parsed=fresh) == new


@pytest.mark.parametrize(
    ("path", "value", "old_line", "new_line"),
    [
        (("title",), "Installer un réseau sanitaire", "title: Installer un réseau   # titre provisoire", "title: Installer un réseau sanitaire   # titre provisoire"),
        (("competencies", 0, "statement"), "Poser : un réseau", "    statement: Poser un réseau d'eau froide", "    statement: 'Poser : un réseau'"),
        (("competencies", 0, "statement"), "true", "    statement: Poser un réseau d'eau froide", "    statement: 'true'"),
        (("competencies", 0, "statement"), "- liste", "    statement: Poser un réseau d'eau froide", "    statement: '- liste'"),
        (("competencies", 0, "criteria", 0), "L'eau ne fuit pas", "      - 'Le réseau est étanche'", "      - 'L''eau ne fuit pas'"),
        (("competencies", 0, "criteria", 1), 'Le "PV" est signé', "      - \"L'essai sous pression est consigné\"", '      - "Le \\"PV\\" est signé"'),
        (("competencies", 0, "activities", 1), "A3", "    activities: [A1, A2]", "    activities: [A1, A3]"),
        (("competencies", 0, "activities", 0), "A, B", "    activities: [A1, A2]", "    activities: ['A, B', A2]"),
        (("competencies", 0, "statement"), "Bip\x07", "    statement: Poser un réseau d'eau froide", '    statement: "Bip\\u0007"'),
    ],
)  # fmt: skip
def test_a_text_changed_is_written_in_place(path, value, old_line, new_line) -> None:
    new = splice(BLOCK, changed(BLOCK, path, value), kept=KEPT)
    assert new is not None
    assert line_diff(BLOCK, new) == [(old_line, new_line)]
    assert data_of(new) == changed(BLOCK, path, value)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("competencies", 0, "notes"), "Une autre note"),  # a block scalar made one line
        (("competencies", 0, "notes"), "Une note\nsur\ntrois lignes.\n"),  # a line more
        (("competencies", 0, "notes"), " Une note\nsur deux lignes.\n"),  # the indentation
        (("competencies", 0, "statement"), "Sur deux\nlignes"),  # many lines: the round trip
        (("competencies", 0, "criteria"), ["Un seul critère"]),  # a list shorter
        (("competencies", 0, "esco"), ["http://data.europa.eu/esco/skill/1"]),  # a key added
        (("competencies", 0, "kind"), 3),  # a type changed
    ],
)
def test_anything_but_texts_on_one_line_is_left_to_the_round_trip(path, value) -> None:
    assert splice(BLOCK, changed(BLOCK, path, value), kept=KEPT) is None


def test_a_line_of_a_literal_text_is_written_over_in_place() -> None:
    value = "Une note\nsur deux lignes, relue.\n"
    new = splice(BLOCK, changed(BLOCK, ("competencies", 0, "notes"), value), kept=KEPT)
    assert new is not None
    assert line_diff(BLOCK, new) == [("      sur deux lignes.", "      sur deux lignes, relue.")]
    assert data_of(new)["competencies"][0]["notes"] == value
    crlf = BLOCK.replace("\n", "\r\n")
    new = splice(crlf, changed(crlf, ("competencies", 0, "notes"), "Une note\n\n"), kept=KEPT)
    assert new is None or data_of(new)["competencies"][0]["notes"] == "Une note\n\n"
    new = splice(crlf, changed(crlf, ("competencies", 0, "notes"), value), kept=KEPT)
    assert new == crlf.replace("sur deux lignes.", "sur deux lignes, relue.")


def test_nothing_changed_gives_the_text_back() -> None:
    assert splice(BLOCK, data_of(BLOCK), kept=KEPT) == BLOCK


def test_crlf_and_a_plain_text_on_two_lines() -> None:
    crlf = BLOCK.replace("\n", "\r\n")
    new = splice(crlf, changed(crlf, ("title",), "Autre titre"), kept=KEPT)
    assert new == crlf.replace("title: Installer un réseau ", "title: Autre titre ")
    folded = BLOCK.replace("    statement: Poser un réseau d'eau froide\n",
                           "    statement: Poser un réseau\n      d'eau froide\n")  # fmt: skip
    assert data_of(folded)["competencies"][0]["statement"] == "Poser un réseau d'eau froide"
    assert (
        splice(folded, changed(folded, ("competencies", 0, "statement"), "Poser"), kept=KEPT)
        is None
    )


TEXTS = st.lists(
    st.sampled_from(
        [*"ab :#-'\"’,[]{}!&*|>?%@`\\é\t\u00a0\u202f\x07\x7f\x85", "true", "1.0", "null", "~"]
    ),
    min_size=1,
    max_size=12,
).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=TEXTS, where=st.sampled_from([("title",), ("competencies", 0, "statement"), ("competencies", 0, "criteria", 0), ("competencies", 0, "criteria", 1), ("competencies", 0, "activities", 1)]))  # fmt: skip
def test_any_text_reads_back_exactly_or_is_left_to_the_round_trip(value: str, where) -> None:
    new_data = changed(BLOCK, where, value)
    new = splice(BLOCK, new_data, kept=KEPT)
    if new is None:
        return  # the writer's round trip does it (checked by the save tests)
    assert data_of(new) == new_data
    assert len(line_diff(BLOCK, new)) <= 1
    assert "# titre provisoire" in new and "# les compétences du bloc" in new


def test_a_save_of_reworded_texts_never_goes_through_the_round_trip(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A statement and a criterion reworded in two blocks: written in place (the round trip's
    loader is not called), one line of diff each."""

    def no_round_trip(*args, **kwargs):
        raise AssertionError("the round trip was used")

    loaded = load_framework(
        "frameworks/plombier-chauffagiste",
        read_folder(sample_repo, sample_repo / "frameworks/plombier-chauffagiste"),
    )
    fw = loaded.framework
    c21 = fw.find_competency("C2.1")[1]
    c71 = fw.find_competency("C7.1")[1]
    old_statement, old_criterion = c21.statement, c71.criteria[0].text
    c21.statement += " en autonomie"
    c71.criteria[0].text = "L'installation : conforme"
    monkeypatch.setattr(writer, "load_document", no_round_trip)
    result = save_framework(sample_repo, loaded, blocks={"BC02", "BC07"})
    assert sorted(result.written) == [
        "frameworks/plombier-chauffagiste/blocks/BC02.yaml",
        "frameworks/plombier-chauffagiste/blocks/BC07.yaml",
    ]
    out = git(sample_repo, "diff", "-U0", "--no-color")
    lines = [x for x in out.splitlines() if x[:1] in "+-" and not x.startswith(("+++", "---"))]
    assert lines == [
        f"-    statement: {old_statement}",
        f"+    statement: {old_statement} en autonomie",
        f"-      - {old_criterion}",
        "+      - 'L''installation : conforme'",
    ]
    again = load_framework(
        "frameworks/plombier-chauffagiste",
        read_folder(sample_repo, sample_repo / "frameworks/plombier-chauffagiste"),
    ).framework
    assert again.find_competency("C7.1")[1].criteria[0].text == "L'installation : conforme"

"""Lists of records edited through the session (refkit.edit.records): real files, one change at
a time, checked like every field, undone byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from refkit.edit import Ref, Session
from refkit.edit import records as rec
from refkit.errors import RefkitError
from tests.conftest import git

ELEC = "frameworks/electricien-batiment"
PLUMBER = "frameworks/plombier-chauffagiste"


def diff(root: Path) -> list[str]:
    out = git(root, "diff", "-U0")
    return [
        line
        for line in out.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_every_list_of_the_schema_has_its_records() -> None:
    """Every list of records the schemas define for a framework or a block is editable."""
    names = {(r.kind, r.name) for kinds in rec.RECORDS.values() for r in kinds}
    assert names == {
        ("framework", "activities"),
        ("framework", "working_group"),
        ("framework", "certification.electives"),
        ("framework", "shared_blocks"),
        ("framework", "codes.other"),
        ("framework", "correspondence.entries"),
        ("block", "modalities"),
    }


def test_a_code_in_another_register_is_added_then_removed_leaving_no_trace(
    sample_repo: Path,
) -> None:
    session = Session.open(sample_repo)
    spec = rec.records_of("framework", "codes.other")
    ref = Ref(ELEC)
    before = (sample_repo / ELEC / "framework.yaml").read_bytes()
    _, index = rec.add(session, ref, spec)
    rec.set_field(session, ref, spec, index, "scheme", "NZQA")
    rec.set_field(session, ref, spec, index, "code", "4229")
    assert diff(sample_repo)[-2:] == ["+    - scheme: NZQA", "+      code: '4229'"] or any(
        "4229" in line for line in diff(sample_repo)
    )
    assert rec.items(session, ref, spec) == [{"scheme": "NZQA", "code": "4229"}]
    rec.delete(session, ref, spec, 0)
    assert (sample_repo / ELEC / "framework.yaml").read_bytes() == before


def test_a_correspondence_entry_starts_a_table_from_the_last_release(sample_repo: Path) -> None:
    session = Session.open(sample_repo)
    spec = rec.records_of("framework", "correspondence.entries")
    ref = Ref(ELEC)
    assert rec.items(session, ref, spec) == []
    rec.add(session, ref, spec)
    rec.set_field(session, ref, spec, 0, "type", "partial")
    rec.set_field(session, ref, spec, 0, "missing", "C2.4, C2.5")
    text = (sample_repo / ELEC / "framework.yaml").read_text(encoding="utf-8")
    assert "correspondence:\n  from: 1.0.0\n  blocks:\n" in text
    assert "missing: [C2.4, C2.5]" in text or "- C2.4" in text
    with pytest.raises(RefkitError, match="choisir une valeur"):
        rec.set_field(session, ref, spec, 0, "type", "à peu près")
    session.undo()
    session.undo()
    session.undo()
    assert git(sample_repo, "status", "--porcelain") == ""


def test_an_elective_group_is_checked_like_refkit_validate(sample_repo: Path) -> None:
    session = Session.open(sample_repo)
    spec = rec.records_of("framework", "certification.electives")
    ref = Ref(PLUMBER)
    with pytest.raises(RefkitError, match="un nombre est attendu"):
        rec.set_field(session, ref, spec, 0, "choose", "deux")
    with pytest.raises(RefkitError, match="hors limites"):
        rec.set_field(session, ref, spec, 0, "choose", "0")
    rec.set_field(session, ref, spec, 0, "title", "Spécialisation (au choix)")
    assert diff(sample_repo) == [
        "-      title: Spécialisation",
        "+      title: Spécialisation (au choix)",
    ]


def test_a_shared_block_reference_is_added(sample_repo: Path) -> None:
    session = Session.open(sample_repo)
    spec = rec.records_of("framework", "shared_blocks")
    ref = Ref(ELEC)
    _, index = rec.add(session, ref, spec)
    rec.set_field(session, ref, spec, index, "framework", "plombier-chauffagiste")
    rec.set_field(session, ref, spec, index, "block", "BC01")
    rec.set_field(session, ref, spec, index, "version", "2.0.0")
    shared = session.framework(ELEC).shared_blocks
    assert [(s.framework, s.block, s.version) for s in shared][-1] == (
        "plombier-chauffagiste",
        "BC01",
        "2.0.0",
    )
    with pytest.raises(RefkitError):
        rec.set_field(session, ref, spec, index, "version", "la dernière")


def test_codes_and_levels_set_and_cleared_from_the_form(sample_repo: Path) -> None:
    session = Session.open(sample_repo)
    ref = Ref(ELEC)
    session.set_field(ref, "codes.rome", "F1602, F1603")
    assert diff(sample_repo) == ["-  rome: [F1602]", "+  rome: [F1602, F1603]"]
    session.set_field(ref, "codes.rome", "")
    session.set_field(ref, "level.national.fr", "")
    session.set_field(ref, "certification.volume.hours", "640")
    lines = diff(sample_repo)
    assert "-  rome: [F1602]" in lines and not any(line.startswith("+  rome") for line in lines)
    assert "-    fr: 3" in lines
    assert "+    hours: 640" in lines
    with pytest.raises(RefkitError, match=r"« 12345 » n.a pas la forme attendue \(ex. RNCP12345\)"):
        session.set_field(ref, "codes.rncp", "12345")


def test_a_block_is_placed_in_the_certification_rules_in_one_line(sample_repo: Path) -> None:
    """Session.set_block_place: required, in an elective group, or outside; one line of
    framework.yaml each time, the blocks listed in the framework's order; one undo step."""
    session = Session.open(sample_repo)
    folder = PLUMBER
    session.set_block_place(folder, "BC06", "required")
    rules = session.framework(folder).certification
    assert rules.required == ["BC01", "BC02", "BC03", "BC04", "BC06", "BC07", "SST"]
    assert rules.electives[0].blocks == ["BC05"]
    session.set_block_place(folder, "BC06", None)
    assert "BC06" not in session.framework(folder).certification.block_ids()
    with pytest.raises(RefkitError, match="pas de groupe au choix E9"):
        session.set_block_place(folder, "BC06", "E9")
    session.undo()
    session.undo()
    assert git(sample_repo, "status", "--porcelain") == ""

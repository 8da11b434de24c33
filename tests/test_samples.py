"""The sample repository's own history: plombier-chauffagiste 1.0.0 -> 2.0.0 (heat pumps).

These tests read this repository's git history (no checkout): the releases are found through their
tags or, in a tagless clone, through frameworks/*/releases.yaml.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import REPO


@pytest.fixture(scope="module", autouse=True)
def _needs_history() -> None:
    shallow = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--is-shallow-repository"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if shallow != "false":
        pytest.fail(
            "these tests read the sample releases from git: run them in a full clone (git fetch --unshallow)"
        )


def test_samples_have_their_releases(cli) -> None:
    data = json.loads(cli("log", "plombier-chauffagiste", "--format", "json", cwd=REPO).out)
    assert [r["version"] for r in data["releases"]] == ["2.0.0", "1.0.0"]
    assert data["releases"][0]["message"].startswith("Révision 2026")


def test_heat_pump_revision_diff(cli) -> None:
    run = cli("diff", "plombier-chauffagiste", "v1.0.0", "v2.0.0", "--format", "json", cwd=REPO)
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert data["summary"]["competencies"] == {
        "added": 4,
        "removed": 0,
        "modified": 4,
        "moved": 1,
        "renamed": 0,
    }
    assert data["summary"]["blocks"] == {
        "added": 1,
        "removed": 0,
        "modified": 0,
        "moved": 0,
        "renamed": 0,
    }
    added = {
        c["id"]: c["label"]
        for c in data["changes"]
        if c["kind"] == "competency" and c["change"] == "added"
    }
    assert sorted(added) == ["C7.1", "C7.2", "C7.3", "C7.4"]
    assert "pompe à chaleur" in added["C7.1"] and "fluides frigorigènes" in added["C7.3"]
    (moved,) = [c for c in data["changes"] if c["change"] == "moved"]
    assert (moved["id"], moved["old_block"], moved["block"]) == ("C4.5", "BC04", "BC07")

    text = cli("diff", "plombier-chauffagiste", "v1.0.0", "v2.0.0", cwd=REPO).out
    assert (
        "+ added BC07: Installer, mettre en service et entretenir une pompe à chaleur air/eau"
        in text
    )
    assert "+ added C7.3 (block BC07): Manipuler les fluides frigorigènes" in text
    assert (
        "Statement: Poser et raccorder [-une-] {+un+} [-chaudière murale-] {+générateur+} à "
        "condensation" in text
    )
    assert "→ moved C4.5, from block BC04 to block BC07" in text
    for change in data["changes"]:  # the JSON and the text describe the same changes
        assert change["id"] in text


def test_heat_pump_revision_correspondence(cli) -> None:
    data = json.loads(
        cli(
            "diff",
            "plombier-chauffagiste",
            "1.0.0",
            "2.0.0",
            "--correspondence",
            "--format",
            "json",
            cwd=REPO,
        ).out
    )
    by_old = {e["old"]: e for e in data["blocks"]}
    assert by_old["BC04"]["type"] == "split" and by_old["BC04"]["new"] == ["BC04", "BC07"]
    assert by_old["BC04"]["missing"] == ["C7.1", "C7.2", "C7.3", "C7.4"]
    assert by_old["BC04"]["origin"] == "confirmed"
    assert (by_old["BC02"]["type"], by_old["BC02"]["origin"]) == ("equivalent", "confirmed")
    assert all(by_old[b]["type"] == "equivalent" for b in ("BC01", "BC03", "BC05", "BC06", "SST"))
    text = cli("diff", "plombier-chauffagiste", "1.0.0", "2.0.0", "--correspondence", cwd=REPO).out
    assert "BC04 → BC04, BC07: split; still to cover: C7.1, C7.2, C7.3, C7.4 [confirmed]" in text


def test_the_electrician_follows_the_shared_block(cli) -> None:
    run = cli("validate", cwd=REPO)
    assert run.code == 0 and run.lines[-1].startswith("no problems in ")

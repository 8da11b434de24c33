"""Schema migrations: files upgraded in place with comments kept, old releases read in memory."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import copy_fixture, git, make_git_repo

MIGRATED = """\
# A framework written for refkit's first format: level.fr, not level.national.fr.
schema: refkit/framework/2
id: demo
title: Démo
version: 1.0.0
status: draft
level:
  eqf: 3
  national:
    fr: 3  # nomenclature de 2019
  # le niveau EQF fait foi
lang: fr
activities:
  - id: A1
    title: Installer
certification:
  required: [BC01]
"""


def test_migrate_upgrades_in_place_and_keeps_comments(cli, tmp_path: Path) -> None:
    case = copy_fixture("invalid", "needs-migration", tmp_path)
    framework = case / "frameworks/demo/framework.yaml"
    block_before = (case / "frameworks/demo/blocks/BC01.yaml").read_bytes()
    check = cli("migrate", "--check", cwd=case)
    assert check.code == 1
    assert check.lines == [
        "frameworks/demo/framework.yaml: needs migrating, refkit/framework/1 → refkit/framework/2 "
        "(level.fr becomes level.national.fr (levels of any national framework))"
    ]
    assert "schema: refkit/framework/1" in framework.read_text(
        encoding="utf-8"
    )  # --check wrote nothing
    run = cli("migrate", cwd=case)
    assert run.code == 0
    assert framework.read_text(encoding="utf-8") == MIGRATED
    assert (case / "frameworks/demo/blocks/BC01.yaml").read_bytes() == block_before
    assert cli("validate", cwd=case).code == 0
    again = cli("migrate", cwd=case)
    assert again.lines == ["every file of 2 is in the current format"]
    assert framework.read_text(encoding="utf-8") == MIGRATED


def test_files_that_cannot_be_migrated_are_reported_and_left_alone(cli, tmp_path: Path) -> None:
    case = copy_fixture("invalid", "schema-versions", tmp_path)
    before = {p: p.read_bytes() for p in case.rglob("*.yaml")}
    run = cli("migrate", cwd=case)
    assert run.code == 1
    assert (
        "frameworks/demo/framework.yaml:1:9: error schema-version no migration from refkit/framework/0"
        in run.err
    )
    broken = copy_fixture("invalid", "yaml-syntax", tmp_path)
    assert cli("migrate", cwd=broken).code == 1
    assert {p: p.read_bytes() for p in case.rglob("*.yaml")} == before


def test_old_releases_are_read_through_the_migration(cli, tmp_path: Path) -> None:
    case = make_git_repo(copy_fixture("invalid", "needs-migration", tmp_path))
    git(case, "tag", "demo/v1.0.0")  # a release made in the first format
    assert cli("migrate", cwd=case).code == 0
    block = case / "frameworks/demo/blocks/BC01.yaml"
    block.write_text(
        block.read_text(encoding="utf-8").replace("d'eau froide", "d'eau froide et chaude"),
        encoding="utf-8",
    )
    data = json.loads(cli("diff", "demo", "--format", "json", cwd=case).out)
    assert data["summary"]["competencies"]["modified"] == 1
    assert [c["kind"] for c in data["changes"]] == ["competency"]  # the level did not "change"

"""The semantic merge (issue 14): git merges framework files through ``refkit merge-driver``,
keyed by ids, with comments kept; the same field changed both ways is a recorded conflict (never
markers); moves and renumberings on one side combine with edits on the other. Real git
repositories in tmp_path, the driver installed by ``refkit setup`` / ``refkit init``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refkit.history.merge import merge_texts
from refkit.history.merge.three import Merge3
from refkit.store.reader import read_yaml
from tests.conftest import SAMPLES, git

BC01 = "frameworks/plombier-chauffagiste/blocks/BC01.yaml"
BC02 = "frameworks/plombier-chauffagiste/blocks/BC02.yaml"


@pytest.fixture
def repo(tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample frameworks in a git repository set up by ``refkit setup`` (the driver runs as
    ``python -m refkit``, this interpreter's)."""
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copytree(SAMPLES, root / "frameworks")
    git(root, "init", "-q", "-b", "main")
    run = cli("setup", cwd=root)
    assert run.code == 0, run.err
    git(root, "add", "-A")
    git(root, "commit", "-qm", "référentiels")
    return root


def edit(root: Path, rel: str, *pairs: tuple[str, str]) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")


def branch(root: Path, name: str, changes: list[tuple[str, tuple[str, str]]]) -> None:
    """Commit ``changes`` (file, (old, new)) on a new branch ``name`` from main, then go back."""
    git(root, "switch", "-q", "-c", name, "main")
    for rel, pair in changes:
        edit(root, rel, pair)
    git(root, "commit", "-qam", name)
    git(root, "switch", "-q", "main")


def merge(root: Path, name: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "merge", "--no-edit", name], cwd=root, capture_output=True, text=True, check=False
    )


def changed_lines(root: Path, rev: str, rel: str) -> list[str]:
    out = git(root, "diff", "--unified=0", rev, "HEAD", "--", rel)
    return [ln for ln in out.splitlines() if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]


def test_two_people_changing_different_competencies_and_fields_merge_cleanly(repo: Path) -> None:
    branch(repo, "theirs", [
        (BC01, ("Relever sur site les cotes", "Relever sur le site les cotes")),
        (BC01, ("kind: attitude", "kind: skill")),
    ])  # fmt: skip
    edit(repo, BC01, ("Lire un plan d'architecte", "Lire le plan d'architecte"))
    edit(repo, BC01, ("Le quantitatif couvre tous", "Le quantitatif couvre bien tous"))
    git(repo, "commit", "-qam", "ours")
    run = merge(repo, "theirs")
    assert run.returncode == 0, run.stdout + run.stderr
    text = (repo / BC01).read_text(encoding="utf-8")
    assert "<<<<<<<" not in text and "Relu par la commission paritaire" in text  # comment kept
    # a one-line diff per field against each side
    assert len(changed_lines(repo, "HEAD^1", BC01)) == 4  # theirs' two fields
    assert len(changed_lines(repo, "HEAD^2", BC01)) == 4  # ours' two fields
    assert "Relever sur le site" in text and "Lire le plan" in text and "couvre bien" in text


def test_the_same_field_changed_both_ways_is_one_conflict_and_resolve_finishes_it(
    repo: Path, cli
) -> None:
    branch(repo, "theirs", [
        (BC01, ("Lire un plan d'architecte", "Interpréter un plan d'architecte")),
        (BC01, ("hours: 105", "hours: 110")),
    ])  # fmt: skip
    edit(repo, BC01, ("Lire un plan d'architecte", "Déchiffrer un plan d'architecte"))
    git(repo, "commit", "-qam", "ours")
    run = merge(repo, "theirs")
    assert run.returncode != 0
    assert "1 field changed differently on both sides" in run.stderr
    text = (repo / BC01).read_text(encoding="utf-8")
    assert "<<<<<<<" not in text and "Déchiffrer un plan" in text and "hours: 110" in text
    assert read_yaml(BC01, text.encode()).problems == []
    assert git(repo, "status", "--porcelain").startswith(f"UU {BC01}")
    listed = cli("resolve", "--format", "json", cwd=repo)
    assert listed.code == 1
    import json

    (conflict,) = json.loads(listed.out)
    assert (conflict["item"], conflict["field"]) == ("C1.1", "statement")
    assert conflict["ours"].startswith("Déchiffrer") and conflict["theirs"].startswith(
        "Interpréter"
    )
    assert conflict["base"].startswith("Lire") and conflict["line"] == 20
    assert cli("resolve", "--continue", cwd=repo).code == 1  # one left: no commit
    assert cli("resolve", "C1.1", "statement", "--theirs", cwd=repo).code == 0
    assert git(repo, "status", "--porcelain").startswith(f"M  {BC01}")
    assert cli("resolve", "--continue", cwd=repo).code == 0
    assert git(repo, "rev-parse", "HEAD^2") == git(repo, "rev-parse", "theirs")
    assert "Interpréter un plan" in (repo / BC01).read_text(encoding="utf-8")
    assert cli("validate", cwd=repo).code == 0


def test_the_conflicts_left_are_counted_agreeing_in_number(repo: Path, cli) -> None:
    """Two fields changed differently on both sides: the merge, resolve and --continue say how
    many are left, agreeing in number, in English and in French (where 0 is singular)."""
    branch(repo, "theirs", [
        (BC01, ("Lire un plan d'architecte", "Interpréter un plan d'architecte")),
        (BC01, ("hours: 105", "hours: 110")),
    ])  # fmt: skip
    edit(repo, BC01, ("Lire un plan d'architecte", "Déchiffrer un plan d'architecte"),
         ("hours: 105", "hours: 100"))  # fmt: skip
    git(repo, "commit", "-qam", "ours")
    assert "2 fields changed differently on both sides" in merge(repo, "theirs").stderr
    two = cli("resolve", "--continue", cwd=repo)
    assert two.code == 1 and "2 conflicts left to choose" in two.err
    assert "2 conflits à trancher" in cli("--lang", "fr", "resolve", "--continue", cwd=repo).err
    first = cli("resolve", "C1.1", "statement", "--theirs", cwd=repo)
    assert first.out.endswith(" written; 1 conflict left\n"), first.out
    one = cli("resolve", "--continue", cwd=repo)
    assert one.code == 1 and "1 conflict left to choose" in one.err
    assert "1 conflit à trancher" in cli("--lang", "fr", "resolve", "--continue", cwd=repo).err
    (left,) = json.loads(cli("resolve", "--format", "json", cwd=repo).out)
    last = cli("--lang", "fr", "resolve", left["item"], left["field"], "--ours", cwd=repo)
    assert last.out.endswith(" écrit ; 0 conflit restant\n"), last.out


def test_abort_puts_the_repository_back_as_it_was(repo: Path, cli) -> None:
    branch(repo, "theirs", [(BC01, ("Lire un plan", "Interpréter un plan"))])
    edit(repo, BC01, ("Lire un plan", "Déchiffrer un plan"))
    git(repo, "commit", "-qam", "ours")
    head = git(repo, "rev-parse", "HEAD")
    assert merge(repo, "theirs").returncode != 0
    assert cli("resolve", "--abort", cwd=repo).code == 0
    assert git(repo, "rev-parse", "HEAD") == head and git(repo, "status", "--porcelain") == ""
    assert not (repo / ".git" / "refkit" / "conflicts.json").exists()
    assert cli("resolve", "--abort", cwd=repo).code == 2  # no merge in progress


def _move(root: Path, ident: str, src: str, dst: str) -> None:
    """Move competency ``ident`` from block file ``src`` to the end of ``dst``, as text."""
    lines = (root / src).read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, ln in enumerate(lines) if ln.strip() == f"- id: {ident}")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("  - id:")), len(lines))  # fmt: skip
    chunk = lines[start:end]
    (root / src).write_text("".join(lines[:start] + lines[end:]), encoding="utf-8")
    with (root / dst).open("a", encoding="utf-8") as out:
        out.write("".join(chunk))


def test_a_competency_moved_on_one_side_and_edited_on_the_other_is_moved_and_edited(
    repo: Path, cli
) -> None:
    git(repo, "switch", "-q", "-c", "theirs")
    edit(repo, BC01, ("Relever sur site les cotes", "Relever sur le site les cotes"))
    git(repo, "commit", "-qam", "theirs: C1.2 reworded")
    git(repo, "switch", "-q", "main")
    _move(repo, "C1.2", BC01, BC02)
    git(repo, "commit", "-qam", "ours: C1.2 moved to BC02")
    run = merge(repo, "theirs")
    assert run.returncode != 0 and "competency C1.2 moved to" in run.stderr
    assert cli("resolve", cwd=repo).code == 0  # refkit's merge step: nothing left to choose
    assert cli("resolve", "--continue", cwd=repo).code == 0
    bc01 = (repo / BC01).read_text(encoding="utf-8")
    bc02 = (repo / BC02).read_text(encoding="utf-8")
    assert "C1.2" not in bc01 and "Relever sur le site les cotes" in bc02
    assert git(repo, "status", "--porcelain") == ""
    assert cli("validate", cwd=repo).code == 0


def test_an_edit_on_our_side_follows_a_competency_they_moved(repo: Path) -> None:
    """Both block files changed on both sides: each driver call places C1.2 itself."""
    git(repo, "switch", "-q", "-c", "theirs")
    _move(repo, "C1.2", BC01, BC02)
    git(repo, "commit", "-qam", "theirs: C1.2 moved")
    git(repo, "switch", "-q", "main")
    edit(repo, BC01, ("Relever sur site les cotes", "Relever sur le site les cotes"))
    edit(repo, BC02, ("statement: ", "statement: Savoir "))
    git(repo, "commit", "-qam", "ours: C1.2 reworded, BC02 too")
    run = merge(repo, "theirs")
    assert run.returncode == 0, run.stderr
    bc02 = (repo / BC02).read_text(encoding="utf-8")
    assert "- id: C1.2" not in (repo / BC01).read_text(encoding="utf-8")
    assert "Relever sur le site les cotes" in bc02 and bc02.count("- id: C1.2") == 1


def test_a_renumbering_on_one_side_combines_with_an_edit_on_the_other(repo: Path) -> None:
    branch(repo, "theirs", [(BC01, ("Les cotes relevées sont exactes", "Les cotes mesurées sont exactes"))])  # fmt: skip
    edit(repo, BC01, ("- id: C1.2", "- id: C1.9"))
    git(repo, "commit", "-qam", "ours: C1.2 renumbered C1.9")
    run = merge(repo, "theirs")
    assert run.returncode == 0, run.stderr
    text = (repo / BC01).read_text(encoding="utf-8")
    assert "- id: C1.9" in text and "- id: C1.2" not in text
    assert "Les cotes mesurées sont exactes" in text


def test_a_competency_deleted_on_one_side_and_changed_on_the_other_is_a_conflict(
    repo: Path, cli
) -> None:
    branch(repo, "theirs", [(BC01, ("Relever sur site les cotes", "Relever sur le site les cotes"))])  # fmt: skip
    lines = (repo / BC01).read_text(encoding="utf-8")
    start = lines.index("  - id: C1.2")
    end = lines.index("  - id: C1.3")
    (repo / BC01).write_text(lines[:start] + lines[end:], encoding="utf-8")
    git(repo, "commit", "-qam", "ours: C1.2 deleted")
    assert merge(repo, "theirs").returncode != 0
    pending = list(_pending(repo))
    assert [(c.item, c.field, c.ours is None) for c in pending] == [("C1.2", "", True)]
    assert pending[0].theirs["statement"].startswith("Relever sur le site")
    assert cli("resolve", "C1.2", "--theirs", cwd=repo).code == 0  # taken back
    assert "Relever sur le site" in (repo / BC01).read_text(encoding="utf-8")


def _pending(root: Path) -> list[Any]:
    from refkit.history.merge.session import pending_conflicts

    return pending_conflicts(root)


def test_init_installs_the_driver(cli, tmp_path: Path) -> None:
    run = cli("init", str(tmp_path / "new"), cwd=tmp_path)
    assert run.code == 0, run.err
    assert "frameworks/**/*.yaml merge=refkit" in (tmp_path / "new/.gitattributes").read_text()
    assert "merge-driver %O %A %B %P" in git(tmp_path / "new", "config", "--get", "merge.refkit.driver")  # fmt: skip


def test_setup_keeps_what_is_there_and_refuses_outside_a_repository(cli, tmp_path: Path) -> None:
    root = tmp_path / "r"
    shutil.copytree(SAMPLES, root / "frameworks")
    assert cli("setup", cwd=root).code == 2  # not under git
    git(root, "init", "-q")
    (root / ".gitattributes").write_text("*.png binary", encoding="utf-8")
    assert cli("setup", cwd=root).code == 0
    again = cli("setup", cwd=root)
    assert again.code == 0 and "already set up" in again.out
    text = (root / ".gitattributes").read_text(encoding="utf-8")
    assert text.startswith("*.png binary\n") and text.count("merge=refkit") == 3


def test_the_driver_on_bad_input_falls_back_to_a_text_merge_and_says_why(
    tmp_path: Path, cli
) -> None:
    files = {}
    for name, text in (("o", "a: [1\n"), ("a", "a: [2\n"), ("b", "a: [3\n")):
        files[name] = tmp_path / name
        files[name].write_text(text, encoding="utf-8")
    run = cli("merge-driver", str(files["o"]), str(files["a"]), str(files["b"]), BC01, cwd=tmp_path)
    assert run.code == 1
    assert "cannot be read as YAML" in run.err and "Traceback" not in run.err
    assert "<<<<<<< ours" in files["a"].read_text(encoding="utf-8")
    # a file that is not refkit's: git's text merge, said
    merged = merge_texts("x\n", "x\ny\n", "x\n", "notes.txt")
    assert merged.text == "x\ny\n" and merged.clean and "not one of refkit's files" in str(merged.fallback)  # fmt: skip
    missing = cli("merge-driver", str(tmp_path / "none"), str(files["a"]), str(files["b"]), BC01, cwd=tmp_path)  # fmt: skip
    assert missing.code == 2 and "Traceback" not in missing.err


# -- the property: merge == applying both edit sets -------------------------------------------------

FIELDS = ("statement", "kind", "notes")


def _block(n: int) -> dict[str, Any]:
    return {
        "schema": "refkit/block/1",
        "id": "BC01",
        "title": "Bloc",
        "competencies": [
            {
                "id": f"C1.{i}",
                "statement": f"Énoncé {i}",
                "kind": "skill",
                "criteria": [f"Critère {i}.{k}" for k in range(3)],
            }
            for i in range(1, n + 1)
        ],
    }


def _apply(data: dict[str, Any], edits: dict[tuple[str, str], str]) -> dict[str, Any]:
    import copy

    out = copy.deepcopy(data)
    for (ident, where), value in edits.items():
        item = next(c for c in out["competencies"] if c["id"] == ident)
        if where.startswith("criteria."):
            item["criteria"][int(where.split(".")[1])] = value
        else:
            item[where] = value
    return out


def _dump(data: dict[str, Any]) -> str:
    from refkit.store.roundtrip import Merger, dump_document, make_yaml

    return dump_document(Merger({}).fresh(data), make_yaml())


PLACES = st.tuples(
    st.sampled_from([f"C1.{i}" for i in range(1, 6)]),
    st.sampled_from([*FIELDS, "criteria.0", "criteria.1", "criteria.2"]),
)
EDITS = st.dictionaries(PLACES, st.sampled_from(["un", "deux", "trois"]), max_size=6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ours=EDITS, theirs=EDITS)
def test_merging_two_edit_sets_is_applying_both_and_conflicts_are_the_overlaps(
    ours: dict[tuple[str, str], str], theirs: dict[tuple[str, str], str]
) -> None:
    base = _block(5)
    o, t = _apply(base, ours), _apply(base, theirs)
    merged = merge_texts(_dump(base), _dump(o), _dump(t), BC01)
    got = read_yaml(BC01, merged.text.encode()).data
    clash = {k for k in ours.keys() & theirs.keys() if ours[k] != theirs[k]}
    expected = _apply(base, {**theirs, **ours})  # ours' value kept where both differ
    for ident, where in clash:
        if where.startswith("criteria"):  # a list in conflict keeps ours' whole list
            n = int(ident.split(".")[1]) - 1
            expected["competencies"][n]["criteria"] = o["competencies"][n]["criteria"]
    assert got == expected
    reported = {(c.item, c.field) for c in merged.conflicts}
    assert reported == {(i, "criteria" if w.startswith("criteria") else w) for i, w in clash}


def test_lists_merge_by_id_by_set_and_as_sequences() -> None:
    m = Merge3()
    base = {"activities": ["A1"], "criteria": ["a", "b", "c"], "releases": [{"version": "1.0.0"}]}
    ours = {"activities": ["A1", "A2"], "criteria": ["a2", "b", "c"], "releases": [{"version": "1.0.0"}, {"version": "1.1.0"}]}  # fmt: skip
    theirs = {"activities": ["A1", "A3"], "criteria": ["a", "b", "c2"], "releases": [{"version": "1.0.0"}]}  # fmt: skip
    out = m.value(base, ours, theirs)
    assert out["activities"] == ["A1", "A2", "A3"]
    assert out["criteria"] == ["a2", "b", "c2"]
    assert [r["version"] for r in out["releases"]] == ["1.0.0", "1.1.0"]
    assert m.clashes == []

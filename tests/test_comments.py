"""Comments written above a list item travel with that item when the editor rewrites the list.

ruamel.yaml stores the comment lines above item N as the trailing comment of item N-1 (or of the
key holding the list, for the first item). These tests run the editor's operations (reorder, move,
duplicate, delete) on real copies of the sample frameworks and check the exact bytes written: the
comment above an item stays directly above it, the comment of a neighbour stays with the
neighbour, and undo gives the files back byte for byte.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest

from refkit.edit import Ref, Session
from tests.conftest import git, make_git_repo

PLUMBER = "frameworks/plombier-chauffagiste"
FLUIDS = "  # Fluides frigorigènes : uniquement sous couvert de l'attestation d'aptitude.\n"


def read(root: Path, block: str, folder: str = PLUMBER) -> str:
    return (root / folder / "blocks" / f"{block}.yaml").read_text(encoding="utf-8")


def split_items(text: str, dash: str = "  - ") -> tuple[str, list[str], str]:
    """(text before the list, each item with the comment lines directly above it, text after).

    Plain string work, independent of the writer: an item starts at its comment lines (those
    directly above its ``- id:`` line) and ends where the next item's starts.
    """
    lines = text.splitlines(keepends=True)
    starts = []
    for i, line in enumerate(lines):
        if line.startswith(dash + "id:"):
            start = i
            while start > 0 and lines[start - 1].lstrip().startswith("#"):
                start -= 1
            starts.append(start)
    end = starts[-1] + 1
    item_indent = len(dash) - 2 + 1
    while end < len(lines) and (
        lines[end].startswith(" " * item_indent) or lines[end].startswith(dash)
    ):
        end += 1
    bounds = [*starts, end]
    items = ["".join(lines[a:b]) for a, b in itertools.pairwise(bounds)]
    return "".join(lines[: starts[0]]), items, "".join(lines[end:])


def item(items: list[str], ident: str) -> str:
    (found,) = [x for x in items if f"- id: {ident}\n" in x]
    return found


def without_comments(chunk: str) -> str:
    return "".join(line for line in chunk.splitlines(keepends=True) if not line.startswith("  #"))


def changed_lines(root: Path) -> list[str]:
    out = git(root, "diff", "--no-color", "-U0")
    return [
        line
        for line in out.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


# -- competencies in a block ----------------------------------------------------------------------


def test_the_sample_block_has_the_comment_above_c7_3(sample_repo: Path) -> None:
    head, items, tail = split_items(read(sample_repo, "BC07"))
    assert [x.count("- id:") for x in items] == [1] * 5
    assert item(items, "C7.3").startswith(FLUIDS + "  - id: C7.3\n")
    assert head + "".join(items) + tail == read(sample_repo, "BC07")


@pytest.mark.parametrize(
    ("ref", "delta"),
    [(Ref(PLUMBER, "BC07", "C7.2"), 1), (Ref(PLUMBER, "BC07", "C7.3"), -1)],
    ids=["C7.2-down", "C7.3-up"],
)
def test_reorder_keeps_the_comment_above_its_competency(
    sample_repo: Path, ref: Ref, delta: int
) -> None:
    original = read(sample_repo, "BC07")
    head, items, tail = split_items(original)
    session = Session.open(sample_repo)
    session.reorder(ref, delta)
    text = read(sample_repo, "BC07")
    assert FLUIDS + "  - id: C7.3\n" in text
    c72 = item(items, "C7.2")
    assert text == head + items[0] + item(items, "C7.3") + c72 + "".join(items[3:]) + tail
    # a pure move of lines: nothing rewritten, the comment line itself untouched
    changed = changed_lines(sample_repo)
    assert sorted(x[1:] for x in changed if x[0] == "-") == sorted(
        x[1:] for x in changed if x[0] == "+"
    )
    assert not any("Fluides" in x for x in changed)
    session.undo()
    assert read(sample_repo, "BC07") == original


def test_reorder_down_then_up_gives_the_file_back(sample_repo: Path) -> None:
    original = read(sample_repo, "BC07")
    session = Session.open(sample_repo)
    session.reorder(Ref(PLUMBER, "BC07", "C7.3"), 1)
    _, items, _ = split_items(read(sample_repo, "BC07"))
    assert [x.split("- id: ")[1].split("\n")[0] for x in items] == [
        "C7.1", "C7.2", "C7.4", "C7.3", "C4.5",
    ]  # fmt: skip
    assert items[3].startswith(FLUIDS + "  - id: C7.3\n")
    assert "#" not in items[2]
    session.reorder(Ref(PLUMBER, "BC07", "C7.3"), -1)
    assert read(sample_repo, "BC07") == original


def test_reorder_first_item_takes_its_heading_along(sample_repo: Path) -> None:
    """The comment above the first item is stored on the key holding the list."""
    original = read(sample_repo, "BC02")
    head, items, tail = split_items(original)
    assert items[0].startswith("  # Réseaux\n  - id: C2.1\n")
    session = Session.open(sample_repo)
    session.reorder(Ref(PLUMBER, "BC02", "C2.1"), 1)
    text = read(sample_repo, "BC02")
    assert text == head + items[1] + items[0] + "".join(items[2:]) + tail
    assert text.count("competencies:\n  - id: C2.2\n") == 1
    session.reorder(Ref(PLUMBER, "BC02", "C2.1"), -1)
    assert read(sample_repo, "BC02") == original


def test_reorder_last_item_of_a_section_up(sample_repo: Path) -> None:
    original = read(sample_repo, "BC02")
    head, items, tail = split_items(original)
    session = Session.open(sample_repo)
    session.reorder(Ref(PLUMBER, "BC02", "C2.3"), -1)  # "# Appareils..." heads C2.3
    text = read(sample_repo, "BC02")
    assert text == head + items[0] + items[2] + items[1] + "".join(items[3:]) + tail
    assert "  # Appareils et production d'eau chaude\n  - id: C2.3\n" in text
    session.undo()
    assert read(sample_repo, "BC02") == original


def test_move_takes_the_comment_to_the_other_block(sample_repo: Path) -> None:
    bc07, bc04 = read(sample_repo, "BC07"), read(sample_repo, "BC04")
    head, items, tail = split_items(bc07)
    session = Session.open(sample_repo)
    session.move(Ref(PLUMBER, "BC07", "C7.3"), "BC04")
    assert read(sample_repo, "BC07") == head + "".join(x for x in items if "C7.3" not in x) + tail
    # the competency arrives at the end of BC04 as it was written, comment included
    assert read(sample_repo, "BC04") == bc04 + item(items, "C7.3")
    session.undo()
    assert (read(sample_repo, "BC07"), read(sample_repo, "BC04")) == (bc07, bc04)


def test_move_leaves_the_next_items_comment_in_place(sample_repo: Path) -> None:
    bc07, bc04 = read(sample_repo, "BC07"), read(sample_repo, "BC04")
    head, items, tail = split_items(bc07)
    session = Session.open(sample_repo)
    session.move(Ref(PLUMBER, "BC07", "C7.2"), "BC04")
    text = read(sample_repo, "BC07")
    assert text == head + "".join(x for x in items if "C7.2" not in x) + tail
    assert text.count(FLUIDS + "  - id: C7.3\n") == 1
    # C7.2 keeps its layout (notes before criteria) in its new block
    assert read(sample_repo, "BC04") == bc04 + item(items, "C7.2")
    session.undo()
    assert (read(sample_repo, "BC07"), read(sample_repo, "BC04")) == (bc07, bc04)


def test_move_first_item_takes_its_heading_and_leaves_the_next(sample_repo: Path) -> None:
    bc02, bc04 = read(sample_repo, "BC02"), read(sample_repo, "BC04")
    head, items, tail = split_items(bc02)
    session = Session.open(sample_repo)
    session.move(Ref(PLUMBER, "BC02", "C2.2"), "BC04")  # C2.3's heading is below C2.2
    assert read(sample_repo, "BC02") == head + items[0] + "".join(items[2:]) + tail
    assert read(sample_repo, "BC04") == bc04 + items[1]
    session.move(Ref(PLUMBER, "BC02", "C2.1"), "BC04")  # "# Réseaux" is stored on the key
    assert read(sample_repo, "BC02") == head + "".join(items[2:]) + tail
    assert read(sample_repo, "BC04") == bc04 + items[1] + items[0]
    session.undo()
    session.undo()
    assert (read(sample_repo, "BC02"), read(sample_repo, "BC04")) == (bc02, bc04)


def test_duplicate_does_not_take_the_next_items_comment(sample_repo: Path) -> None:
    original = read(sample_repo, "BC07")
    session = Session.open(sample_repo)
    session.duplicate(Ref(PLUMBER, "BC07", "C7.2"))
    text = read(sample_repo, "BC07")
    _, items, _ = split_items(text)
    ids = [x.split("- id: ")[1].split("\n")[0] for x in items]
    assert ids == ["C7.1", "C7.2", "C7.5", "C7.3", "C7.4", "C4.5"]
    assert "#" not in items[2]  # the copy sits between C7.2 and the comment heading C7.3
    assert items[3].startswith(FLUIDS + "  - id: C7.3\n")
    assert all(x.startswith("+") for x in changed_lines(sample_repo))
    session.undo()
    assert read(sample_repo, "BC07") == original


def test_duplicate_of_a_commented_item_leaves_the_comment_on_the_original(
    sample_repo: Path,
) -> None:
    original = read(sample_repo, "BC07")
    _, items, _ = split_items(original)
    session = Session.open(sample_repo)
    session.duplicate(Ref(PLUMBER, "BC07", "C7.3"))
    text = read(sample_repo, "BC07")
    _, after, _ = split_items(text)
    assert after[2] == item(items, "C7.3")
    assert after[3] == without_comments(item(items, "C7.3")).replace("C7.3", "C7.5")
    assert after[4] == item(items, "C7.4")
    assert text.count("Fluides") == 1
    session.undo()
    assert read(sample_repo, "BC07") == original


def test_delete_keeps_the_comment_of_the_next_item(sample_repo: Path) -> None:
    original = read(sample_repo, "BC07")
    head, items, tail = split_items(original)
    session = Session.open(sample_repo)
    session.delete(Ref(PLUMBER, "BC07", "C7.2"))
    assert read(sample_repo, "BC07") == head + "".join(x for x in items if "C7.2" not in x) + tail
    assert all(x.startswith("-") for x in changed_lines(sample_repo))
    session.undo()
    assert read(sample_repo, "BC07") == original


def test_delete_takes_the_comment_above_the_deleted_item_along(sample_repo: Path) -> None:
    """A comment belongs to the item it is written above: it goes when that item goes."""
    original = read(sample_repo, "BC07")
    head, items, tail = split_items(original)
    session = Session.open(sample_repo)
    session.delete(Ref(PLUMBER, "BC07", "C7.3"))
    assert read(sample_repo, "BC07") == head + "".join(x for x in items if "C7.3" not in x) + tail
    session.undo()
    assert read(sample_repo, "BC07") == original


def test_delete_first_item_keeps_the_seconds_comment(sample_repo: Path) -> None:
    original = read(sample_repo, "BC02")
    head, items, tail = split_items(original)
    session = Session.open(sample_repo)
    session.delete(Ref(PLUMBER, "BC02", "C2.2"))
    session.delete(Ref(PLUMBER, "BC02", "C2.1"))
    # "# Appareils..." now heads the first item: it is written under the list's key
    assert read(sample_repo, "BC02") == head + "".join(items[2:]) + tail
    session.undo()
    session.undo()
    assert read(sample_repo, "BC02") == original


def test_adding_a_field_at_the_end_of_an_item_stays_above_the_next_comment(
    sample_repo: Path,
) -> None:
    original = read(sample_repo, "BC02")
    session = Session.open(sample_repo)
    session.set_field(Ref(PLUMBER, "BC02", "C2.2"), "notes", "Fourreaux fournis.")
    assert changed_lines(sample_repo) == ["+    notes: Fourreaux fournis."]
    text = read(sample_repo, "BC02")
    assert (
        "fourreautées\n    notes: Fourreaux fournis.\n  # Appareils et production d'eau chaude\n"
        "  - id: C2.3\n"
    ) in text
    session.undo()
    assert read(sample_repo, "BC02") == original


# -- criteria in a competency ---------------------------------------------------------------------

CRITERIA = (
    "    criteria:\n"
    "      - Le tirage au vide est réalisé et tenu selon la procédure du fabricant\n"
    "      # Contrôle réglementaire\n"
    "      - Le contrôle d'étanchéité est effectué et consigné sur la fiche d'intervention\n"
    "      - Aucun fluide n'est rejeté à l'atmosphère\n"
)
VACUUM = "      - Le tirage au vide est réalisé et tenu selon la procédure du fabricant\n"
LEAK = (
    "      # Contrôle réglementaire\n"
    "      - Le contrôle d'étanchéité est effectué et consigné sur la fiche d'intervention\n"
)
RELEASE = "      - Aucun fluide n'est rejeté à l'atmosphère\n"


@pytest.fixture
def commented_criteria(sample_repo: Path) -> Path:
    path = sample_repo / PLUMBER / "blocks/BC07.yaml"
    text = path.read_text(encoding="utf-8")
    plain = CRITERIA.replace("      # Contrôle réglementaire\n", "")
    assert text.count(plain) == 1
    path.write_text(text.replace(plain, CRITERIA), encoding="utf-8")
    git(sample_repo, "commit", "-q", "-am", "comment a criterion")
    return sample_repo


@pytest.mark.parametrize(
    ("op", "criteria"),
    [
        (lambda s: s.reorder(Ref(PLUMBER, "BC07", "C7.3", 1), -1), LEAK + VACUUM + RELEASE),
        (lambda s: s.reorder(Ref(PLUMBER, "BC07", "C7.3", 0), 1), LEAK + VACUUM + RELEASE),
        (lambda s: s.reorder(Ref(PLUMBER, "BC07", "C7.3", 1), 1), VACUUM + RELEASE + LEAK),
        (lambda s: s.delete(Ref(PLUMBER, "BC07", "C7.3", 0)), LEAK + RELEASE),
        (lambda s: s.delete(Ref(PLUMBER, "BC07", "C7.3", 1)), VACUUM + RELEASE),
        (lambda s: s.duplicate(Ref(PLUMBER, "BC07", "C7.3", 0)), VACUUM + VACUUM + LEAK + RELEASE),
        (
            lambda s: s.duplicate(Ref(PLUMBER, "BC07", "C7.3", 1)),
            VACUUM + LEAK + LEAK.split("\n", 1)[1] + RELEASE,
        ),
    ],
    ids=[
        "up",
        "down-into",
        "down-out",
        "del-before",
        "del-commented",
        "dup-before",
        "dup-commented",
    ],
)
def test_criteria_keep_the_comment_above_them(
    commented_criteria: Path, op: Callable[[Session], object], criteria: str
) -> None:
    original = read(commented_criteria, "BC07")
    session = Session.open(commented_criteria)
    op(session)
    text = read(commented_criteria, "BC07")
    assert text == original.replace(CRITERIA, "    criteria:\n" + criteria)
    session.undo()
    assert read(commented_criteria, "BC07") == original


# -- other layouts ---------------------------------------------------------------------------------

FRAMEWORK = """\
schema: refkit/framework/2
id: demo
title: Démo
version: 1.0.0
status: draft
level:
  eqf: 3
lang: fr
activities:
  - id: A1
    title: Installer
"""


def layout_repo(tmp_path: Path, block: str) -> Path:
    root = tmp_path / "repo"
    (root / "frameworks/demo/blocks").mkdir(parents=True)
    (root / "frameworks/demo/framework.yaml").write_text(FRAMEWORK, encoding="utf-8")
    (root / "frameworks/demo/blocks/BC01.yaml").write_text(block, encoding="utf-8")
    return make_git_repo(root)


def competency(ident: str, *, comment: str = "", notes: str = "", blank: bool = False) -> str:
    return (
        ("\n" if blank else "")
        + (f"  # {comment}\n" if comment else "")
        + f"  - id: {ident}\n    statement: Faire {ident}\n    kind: skill\n"
        + "    activities: [A1]\n    criteria:\n      - Fait\n"
        + (f"    notes: |\n      {notes}\n" if notes else "")
    )


BLOCK_HEAD = "schema: refkit/block/1\nid: BC01\ntitle: Bloc\ncompetencies:"
BLANK_LINES = (
    BLOCK_HEAD
    + "\n"
    + competency("C1.1")
    + competency("C1.2", comment="Multicouche", blank=True)
    + competency("C1.3", blank=True)
    + competency("C1.4", blank=True)
)


def ops_on(
    root: Path, *steps: tuple[str, str, int]
) -> tuple[Session, Callable[[], str]]:  # (operation, competency, argument)
    session = Session.open(root)
    for name, ident, arg in steps:
        ref = Ref("frameworks/demo", "BC01", ident)
        if name == "reorder":
            session.reorder(ref, arg)
        elif name == "delete":
            session.delete(ref)
        else:
            session.duplicate(ref)
    return session, lambda: (root / "frameworks/demo/blocks/BC01.yaml").read_text(encoding="utf-8")


def test_blank_lines_between_items_stay_between_items(tmp_path: Path) -> None:
    root = layout_repo(tmp_path, BLANK_LINES)
    session, text = ops_on(root, ("reorder", "C1.4", -1), ("reorder", "C1.1", 1))
    assert text() == BLOCK_HEAD + "\n" + competency("C1.2", comment="Multicouche") + competency(
        "C1.1", blank=True
    ) + competency("C1.4", blank=True) + competency("C1.3", blank=True)
    session.undo()
    session.undo()
    assert text() == BLANK_LINES


def test_a_blank_line_before_a_heading_goes_with_it(tmp_path: Path) -> None:
    block = (
        BLOCK_HEAD
        + "\n"
        + competency("C1.1", comment="Cuivre")
        + competency("C1.2")
        + competency("C1.3", comment="Multicouche", blank=True)
        + competency("C1.4")
    )
    root = layout_repo(tmp_path, block)
    _, text = ops_on(root, ("reorder", "C1.3", -1))
    assert text() == BLOCK_HEAD + "\n" + competency("C1.1", comment="Cuivre") + competency(
        "C1.3", comment="Multicouche", blank=True
    ) + competency("C1.2") + competency("C1.4")


def test_literal_notes_and_a_comment_at_the_end_of_the_list(tmp_path: Path) -> None:
    """After a ``|`` block the comment is stored without the line break other values have."""
    block = (
        BLOCK_HEAD
        + "  # toutes\n"
        + competency("C1.1", comment="Premier", notes="Note un.")
        + competency("C1.2", comment="Deuxième", notes="Note deux.")
        + competency("C1.3")
        + "# fin de la liste\n"
        + "x-revue: 2025\n"
    )
    root = layout_repo(tmp_path, block)
    session, text = ops_on(root, ("reorder", "C1.1", 1), ("reorder", "C1.3", -1))
    assert text() == (
        BLOCK_HEAD
        + "  # toutes\n"
        + competency("C1.2", comment="Deuxième", notes="Note deux.")
        + competency("C1.3")
        + competency("C1.1", comment="Premier", notes="Note un.")
        + "# fin de la liste\n"
        + "x-revue: 2025\n"
    )
    session.undo()
    session.undo()
    assert text() == block
    _, text = ops_on(root, ("delete", "C1.1", 0), ("duplicate", "C1.3", 0))
    assert text() == (
        BLOCK_HEAD
        + "  # toutes\n"
        + competency("C1.2", comment="Deuxième", notes="Note deux.")
        + competency("C1.3")
        + competency("C1.3").replace("id: C1.3", "id: C1.4")
        + "# fin de la liste\n"
        + "x-revue: 2025\n"
    )


def test_an_edit_in_a_file_with_every_layout_is_a_one_line_diff(tmp_path: Path) -> None:
    block = BLANK_LINES + "# fin\n"
    root = layout_repo(tmp_path, block)
    session = Session.open(root)
    session.set_field(Ref("frameworks/demo", "BC01", "C1.3"), "statement", "Faire mieux")
    assert changed_lines(root) == ["-    statement: Faire C1.3", "+    statement: Faire mieux"]


# -- lists of the framework file, through the store -----------------------------------------------


def test_framework_lists_keep_comments_above_their_items(sample_repo: Path) -> None:
    """Activities are matched by id, working-group members by value: both keep their comments,
    and the comment above the next top-level key stays above it."""
    from refkit.store.loader import load_framework, read_folder
    from refkit.store.writer import save_framework

    path = sample_repo / PLUMBER / "framework.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("  - id: A3\n", "  # Évacuations : voir le DTU 60.11\n  - id: A3\n")
    text = text.replace(
        "  - organisation: Fédération des salariés",
        "  # Collège salarié\n  - organisation: Fédération des salariés",
    )
    path.write_text(text, encoding="utf-8")
    git(sample_repo, "commit", "-q", "-am", "comments")
    loaded = load_framework(PLUMBER, read_folder(sample_repo, sample_repo / PLUMBER))
    fw = loaded.framework
    assert fw is not None
    fw.activities.reverse()
    fw.working_group.insert(0, fw.working_group.pop(2))
    save_framework(sample_repo, loaded)
    after = path.read_text(encoding="utf-8")
    assert "  # Évacuations : voir le DTU 60.11\n  - id: A3\n" in after
    assert "working_group:\n  # Collège salarié\n  - organisation: Fédération des salariés" in after
    assert "    hours: 910\n# Tableau de correspondance" in after
    assert sorted(after.splitlines()) == sorted(text.splitlines())  # lines moved, none changed
    again = load_framework(PLUMBER, read_folder(sample_repo, sample_repo / PLUMBER))
    assert [a.id for a in again.framework.activities] == ["A6", "A5", "A4", "A3", "A2", "A1"]  # type: ignore[union-attr]


def test_move_to_a_block_written_with_another_indentation(sample_repo: Path) -> None:
    """The comment arrives indented like the target file's list ("- " at column 0 there)."""
    from refkit.store.roundtrip import dump_document, load_document, make_yaml

    path = sample_repo / PLUMBER / "blocks/BC03.yaml"
    doc, _ = load_document(path.read_text(encoding="utf-8"))
    other = dump_document(doc, make_yaml(2, 2, 0))
    assert "\n- id: C3.1\n  statement:" in other
    path.write_text(other, encoding="utf-8")
    git(sample_repo, "commit", "-q", "-am", "other style")
    bc07, _ = load_document(read(sample_repo, "BC07"))
    _, bc07_items, _ = split_items(dump_document(bc07, make_yaml(2, 2, 0)), dash="- ")
    session = Session.open(sample_repo)
    session.move(Ref(PLUMBER, "BC07", "C7.3"), "BC03")
    after = path.read_text(encoding="utf-8")
    assert after.startswith(other)
    # (ruamel writes comments as they were: the dump above leaves this one at column 2)
    assert after[len(other) :] == item(bc07_items, "C7.3").replace(FLUIDS, FLUIDS[2:])
    assert after[len(other) :].startswith(FLUIDS[2:] + "- id: C7.3\n")

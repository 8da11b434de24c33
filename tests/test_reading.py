"""Pure helpers of the editor's reading: tree labels siblings can be told apart by, texts as
paragraphs (no Textual app needed)."""

from __future__ import annotations

import pytest

pytest.importorskip("textual")

from refkit.tui.labels import distinct
from refkit.tui.reading import reflow

BC04 = "BC04 Installer, mettre en service et entretenir une installation de chauffage à eau chaude"
BC07 = "BC07 Installer, mettre en service et entretenir une pompe à chaleur air/eau"
BC05 = "BC05 Installer une salle d'eau adaptée aux personnes à mobilité réduite"
ALL = [BC04, BC07, BC05]


@pytest.mark.parametrize("width", [24, 28, 36, 44, 60])
def test_siblings_cut_at_any_width_read_differently(width: int) -> None:
    shown = [distinct(t, ALL, width)[:width] for t in ALL]
    titles = [s.partition(" ")[2] for s in shown]
    assert len(set(titles)) == 3, shown
    assert all(s.startswith(t.partition(" ")[0] + " ") for s, t in zip(shown, ALL, strict=True))


def test_what_fits_or_does_not_clash_is_left_as_it_is() -> None:
    assert distinct(BC05, ALL, 28) == BC05  # cut by the tree, but like no sibling
    assert distinct(BC07, ALL, 100) == BC07
    assert distinct(BC07, ALL, 40) == "BC07 Installer… pompe à chaleur air/eau"
    assert distinct(BC04, ALL, 28) == "BC04 …installation de chauffage à eau chaude"


def test_texts_read_as_paragraphs_with_their_lists() -> None:
    written = "Poser et raccorder la chaudière,\nles émetteurs.\n\nDeux épreuves :\n- un oral\n- un écrit\n"
    assert reflow(written) == (
        "Poser et raccorder la chaudière, les émetteurs.\n\nDeux épreuves :\n- un oral\n- un écrit"
    )


def test_the_reading_pane_shows_relations_in_the_editors_language(sample_repo) -> None:
    """A competency's and a block's relations, one a line, the type in words."""
    import io

    from rich.console import Console

    from refkit.store.loader import load_framework, read_folder
    from refkit.tui.reading import block_text, competency_text

    block = sample_repo / "frameworks/plombier-chauffagiste/blocks/BC07.yaml"
    text = block.read_text(encoding="utf-8")
    more = "    activities: [A1, A4]\n    relations:\n      - {type: isPartOf, target: C4.5, note: Voir aussi le bloc 4}\n"  # fmt: skip
    text = text.replace("    activities: [A1, A4]\n", more, 1)
    text = text.replace("prerequisites: [BC04]\n", "prerequisites: [BC04]\nrelations: [{type: precedes, target: BC05}]\n", 1)  # fmt: skip
    block.write_text(text, encoding="utf-8")
    folder = "frameworks/plombier-chauffagiste"
    fw = load_framework(folder, read_folder(sample_repo, sample_repo / folder)).framework
    assert fw is not None
    bc07 = fw.block("BC07")
    assert bc07 is not None

    def shown(renderable: object) -> str:
        console = Console(file=io.StringIO(), width=200, color_system=None)
        console.print(renderable)
        return console.file.getvalue()  # type: ignore[attr-defined, no-any-return]

    c71 = bc07.competencies[0]
    assert "fait partie de C4.5 — Voir aussi le bloc 4" in shown(
        competency_text(fw, bc07, c71, "fr")
    )
    assert "is part of C4.5 — Voir aussi le bloc 4" in shown(competency_text(fw, bc07, c71, "en"))
    assert "précède BC05" in shown(block_text(fw, bc07, "fr"))

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

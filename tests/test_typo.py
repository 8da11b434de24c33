"""French typography of the published pages (refkit.publish.typo): one helper, on every French
page's text, never inside tags, attributes or scripts."""

from __future__ import annotations

import re
from pathlib import Path

from refkit.publish.typo import NBSP, NNBSP, french_html, number, quantity
from tests.test_site_since import site  # noqa: F401 (the sample's site, published once)


def test_numbers_take_a_decimal_comma_in_french_and_stay_with_their_unit() -> None:
    assert number(0.5, "fr") == "0,5" and number(0.5, "en") == "0.5"
    assert number(35.0, "fr") == "35" and number(12.25, "fr-FR") == "12,25"
    assert quantity(0.5, "h", "fr") == f"0,5{NBSP}h"
    assert quantity(3, "credits", "en") == f"3{NBSP}credits"


def test_spacing_before_punctuation_in_text_only() -> None:
    page = (
        '<p title="a : b">Statut : en vigueur ; voir ! Vraiment ? « oui »</p>'
        "<p>Volume&nbsp;: 35 h, 12 crédits, 20 %</p>"
        '<script>var a = "x : y";</script><a href="search.html?q=a">lien</a>'
    )
    out = french_html(page)
    assert (
        f"Statut{NBSP}: en vigueur{NNBSP}; voir{NNBSP}! Vraiment{NNBSP}? «{NBSP}oui{NBSP}»" in out
    )
    assert f"Volume{NBSP}: 35{NBSP}h, 12{NBSP}crédits, 20{NBSP}%" in out
    assert 'title="a : b"' in out  # attributes are not text
    assert 'var a = "x : y";' in out  # nor are scripts
    assert 'href="search.html?q=a"' in out
    # a word that starts like a unit is not a unit
    assert french_html("<p>12 habitants, 3 heures</p>") == f"<p>12 habitants, 3{NBSP}heures</p>"


_TEXT = re.compile(r">([^<]+)<")


def test_every_french_page_of_the_site_keeps_punctuation_and_units_with_their_words(
    site: Path,  # noqa: F811
) -> None:
    checked = 0
    for page in sorted(site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        if '<html lang="fr"' not in html:
            continue
        html = re.sub(r"<script\b.*?</script>", "", html, flags=re.S)
        for text in _TEXT.findall(html):
            assert not re.search(r"(?: |&nbsp;)[:;!?»]", text), (page, text)
            assert not re.search(r"\d (?:h|crédits?)\b", text), (page, text)
            assert not re.search(r"\d\.\d+\xa0h\b", text), (page, text)  # a decimal point
        checked += 1
    assert checked >= 10

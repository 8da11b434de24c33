"""Provides the typography of the published pages: numbers, quantities and French spacing.

French sets a non-breaking space before ":" and a narrow one before ";", "!" and "?", inside
« guillemets », and between a number and its unit ("0,5 h", never "0.5 h" nor "0,5" at the end
of one line and "h" at the start of the next); it writes decimals with a comma. One helper does
it for every French page, on the text of the rendered page (labels, sentences refkit makes, and
the framework's own texts alike), never inside tags, attributes or scripts.
"""

from __future__ import annotations

import re

from refkit.i18n import number, quantity

__all__ = ["NBSP", "NNBSP", "french_html", "is_french", "number", "quantity"]

NBSP = "\u00a0"
NNBSP = "\u202f"  # narrow no-break space


def is_french(lang: str | None) -> bool:
    return (lang or "").lower().startswith("fr")


# In text only: the next angle bracket after the match is the "<" of a tag, not the ">" that
# ends one (an attribute's value); text holds no raw "<" or ">" (escaped when rendered). One pass
# of each pattern over the page: testing each text node apart cost a third of a publish.
_IN_TEXT = r"(?=[^<>]*<)"
# a space (breakable, or one written as &nbsp;) before : ; ! ? », or after «
_BEFORE = re.compile(r"(?: |&nbsp;|\u00a0)+([:;!?»])" + _IN_TEXT)
_AFTER = re.compile(r"«(?: |&nbsp;|\u00a0)+" + _IN_TEXT)
# a number followed by a unit: 35 h, 0,5 h, 12 crédits, 20 %
_UNIT = re.compile(r"(\d) (h|heures?|crédits?|ECTS|%)(?![\w-])" + _IN_TEXT)
_SCRIPT = re.compile(r"(<script\b.*?</script>|<style\b.*?</style>|<pre\b.*?</pre>)", re.S | re.I)


def _before(m: re.Match[str]) -> str:
    return (NBSP if m.group(1) in ":»" else NNBSP) + m.group(1)


def french_html(html: str) -> str:
    """The page with French spacing in its text (tags, attributes and scripts untouched)."""
    parts = _SCRIPT.split(html)
    for i in range(0, len(parts), 2):  # the odd parts are scripts, styles, preformatted text
        text = _BEFORE.sub(_before, parts[i])
        text = _AFTER.sub("«" + NBSP, text)
        parts[i] = _UNIT.sub(r"\1" + NBSP + r"\2", text)
    return "".join(parts)

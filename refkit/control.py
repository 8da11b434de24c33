"""Provides what refkit knows of control characters: finding them in a text (``CONTROL``),
naming one (``control_name``), and showing a text with them escaped (``visible``)."""

from __future__ import annotations

import re

# Control characters: C0 but tab and line feed, DEL and C1. A terminal acts on them (ESC [2K
# erases a line, CR returns to its start, BEL rings), no reader of a framework needs one. Texts
# holding one are reported (``control-character``), and every text output shows them escaped
# (``visible``).
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_C0 = [
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR", "SO", "SI",
    "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US",
]  # fmt: skip
_C1 = [
    "PAD", "HOP", "BPH", "NBH", "IND", "NEL", "SSA", "ESA", "HTS", "HTJ", "VTS", "PLD", "PLU", "RI", "SS2", "SS3",
    "DCS", "PU1", "PU2", "STS", "CCH", "MW", "SPA", "EPA", "SOS", "SGC", "SCI", "CSI", "ST", "OSC", "PM", "APC",
]  # fmt: skip


def control_name(ch: str) -> str:
    """``ESC (U+001B)``: the usual abbreviation of a control character and its code point."""
    n = ord(ch)
    name = _C0[n] if n < 0x20 else "DEL" if n == 0x7F else _C1[n - 0x80] if n < 0xA0 else "?"
    return f"{name} (U+{n:04X})"


def visible(text: str) -> str:
    """``text`` with every control character but tab and line feed written as an escape
    (``\x1b``), for text output: a framework's texts and commit messages reach terminals, and an
    escape sequence in a statement could erase the lines around it in a reviewed diff."""
    if not CONTROL.search(text):
        return text
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)

"""Provides the help the editor shows (F1, ?): the keys of the area the person is in, then the keys
that work everywhere; English message ids, shown in the editor's language (Rich markup: [b])."""

from __future__ import annotations

from refkit.i18n import N_, tr

HELP = {
    "tree": N_("""[b]The tree of frameworks[/b]
↑ ↓: move · → or Enter: open · ←: close · Tab: go to the form
a: add (a block under the framework, a competency under a block, a criterion under a competency)
d: duplicate · x or Delete: delete (after a confirmation) · m: move a competency to another block
\\[ and ]: move the item up or down
/: search (an ID or words) · n / N: next / previous result
c: certification rules (required blocks, electives)
Ctrl+Z: undo · Ctrl+Y: redo

Markers: ✗ error · ⚠ warning · + added · ~ changed · → moved or renumbered
(since the last published version)."""),
    "form": N_("""[b]The form[/b]
Each field is checked as you type; the message shows under it.
Enter, Tab or a click elsewhere: saves the value in the file.
Esc: gives up what was typed (the saved value comes back) and goes back to the tree.
A long statement or criterion is shown on several lines; it stays one line (Enter
saves). Home and End (Ctrl+A, Ctrl+E): start and end of the text.
A value that is not valid is not saved: it stays in the field, the reason under it;
Esc or Ctrl+Z gives it up.
Rows copied from a spreadsheet, pasted on a block: they become competencies
(a preview first, a column for each field).
Short lists (a competency's activities, prerequisites) are typed separated by commas.
A line of a list (the framework's activities, working group, modalities...): Enter opens it.
Ctrl+Z: undo the last change."""),
    "records": N_("""[b]A list[/b]
↑ ↓: choose an item; its form is below (Tab), checked as you type.
a: add · x or Delete: delete · \\[ and ]: move up or down
Ctrl+Z: undo · Esc: back to the item's form."""),
    "problems": N_("""[b]The problems[/b]
The same checks as refkit validate, run again after each change.
F4 (or Shift+Tab from the tree): go there · ↑ ↓: choose · Enter: go to the item and the field concerned."""),
}
COMMON = N_("""

[b]Everywhere[/b]
F2: changes since the last version · F3: history
F5: record the changes (with a message) · F6: publish a version
F4: go to the problems · Ctrl+F: search · Ctrl+R: search and replace
Ctrl+P: every command · ? or F1: this help
Ctrl+Q: quit (nothing is lost: each change is saved in the files as soon as it is made).""")

WORKING = N_(
    "F7: sync with the shared repository · F8: proposals (start, switch, approve, merge) · "
    "F9: the conflicts of a merge (the proposal you are in: under the tree)"
)


def help_text(area: str, lang: str) -> str:
    """The help for ``area`` (tree, form, records, problems) and the keys that work everywhere."""
    return tr(HELP.get(area, HELP["tree"]), lang) + tr(COMMON, lang) + "\n" + tr(WORKING, lang)

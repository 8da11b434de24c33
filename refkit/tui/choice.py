"""Provides ``Choice``: a field with a fixed list of values that still shows a value outside the
list (a typo in the file, "knowlege") rather than failing on it."""

from __future__ import annotations

from typing import Any

from textual.widgets import Select

from refkit.i18n import tr


class Choice(Select[str]):
    """A ``Select`` of ``choices`` (value, label). A value that is none of them is added to the
    list as it is, marked, so that the person sees what the file says and picks a right one;
    ``show`` returns the reason to show under the field. No value is shown as "(to choose)" for
    a required field (a file may lack it: the problems panel says so), "(optional)" otherwise."""

    def __init__(
        self, choices: list[tuple[str, str]], *, required: bool, lang: str, **kwargs: Any
    ) -> None:
        self.choices = choices  # (value, label in the editor's language)
        self.lang = lang
        self._unknown: str | None = None  # the value outside the list now offered, if any
        super().__init__(
            [(label, value) for value, label in choices],
            prompt=tr("(to choose)", lang) if required else tr("(optional)", lang),
            allow_blank=True,
            **kwargs,
        )

    @property
    def offered(self) -> list[str]:
        """The values offered: the choices, and a value outside them shown now."""
        return [v for v, _ in self.choices] + ([self._unknown] if self._unknown else [])

    def show(self, value: str) -> str | None:
        """Show ``value`` ("" for none); the reason when it is not one of the choices."""
        odd = value if value and value not in {v for v, _ in self.choices} else None
        if odd != self._unknown:
            options = [(label, v) for v, label in self.choices]
            if odd is not None:
                options.append((tr("{value} (unknown value)", self.lang).format(value=odd), odd))
            self.set_options(options)
            self._unknown = odd
        wanted = value if value else Select.NULL
        if self.value != wanted:
            self.value = wanted
        if odd is None:
            return None
        return tr(
            '"{value}" is not one of the possible values: choose one from the list', self.lang
        ).format(value=odd)

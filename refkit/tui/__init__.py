"""Provides the terminal editor (``refkit edit``): the only package that imports Textual."""

from __future__ import annotations

from refkit.tui.app import EditorApp, make_app

__all__ = ["EditorApp", "make_app"]

"""Provides the terminal editor (``refkit edit``): the only package that imports Textual."""

from __future__ import annotations

from refkit.tui.app import EditorApp

__all__ = ["EditorApp"]

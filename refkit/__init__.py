"""refkit: write, validate, version and publish competency frameworks (référentiels).

The package is layered (see docs/architecture.md): ``model`` (plain dataclasses), ``store`` and
``schema`` (YAML <-> model with source positions), ``rules`` (checks), then the services the CLI and
the TUI call. Only ``refkit.tui`` imports Textual, and only ``refkit.cli`` parses arguments.
"""

__version__ = "0.1.0"

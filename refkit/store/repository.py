"""Provides ``Repository``: where a framework repository's root and its frameworks are.

A framework repository is any folder holding a ``frameworks/`` folder; refkit finds it from the
current directory or from a path given on the command line by walking up, as git finds ``.git``.
"""

from __future__ import annotations

from pathlib import Path

from refkit.errors import RefkitError, RepositoryNotFound
from refkit.store.loader import FRAMEWORKS_DIR


class Repository:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.frameworks_dir = self.root / FRAMEWORKS_DIR

    def __repr__(self) -> str:
        return f"Repository({self.root})"

    @classmethod
    def discover(cls, start: Path | None = None) -> Repository:
        start = (start or Path.cwd()).resolve()
        if not start.exists():
            raise RefkitError(f"{start}: no such file or folder")
        here = start if start.is_dir() else start.parent
        for folder in (here, *here.parents):
            if (folder / FRAMEWORKS_DIR).is_dir():
                return cls(folder)
        raise RepositoryNotFound(
            f"no {FRAMEWORKS_DIR}/ folder in {here} or any folder above it",
            hint="run refkit inside a framework repository, pass its path, or create one with refkit init",
        )

    def rel(self, path: Path) -> str:
        return path.resolve().relative_to(self.root).as_posix()

    def framework_folders(self) -> list[Path]:
        """Every framework folder (sub-folders of frameworks/ not starting with '.' or '_')."""
        if not self.frameworks_dir.is_dir():
            return []
        return sorted(
            p
            for p in self.frameworks_dir.iterdir()
            if p.is_dir() and not p.name.startswith((".", "_"))
        )

    def stray_files(self) -> list[Path]:
        """YAML files lying directly in frameworks/, where refkit reads nothing."""
        if not self.frameworks_dir.is_dir():
            return []
        return sorted(
            p
            for p in self.frameworks_dir.iterdir()
            if p.is_file() and p.suffix in (".yaml", ".yml")
        )

    def framework_folder_of(self, path: Path) -> Path | None:
        """The framework folder containing ``path``, or None for the repository or frameworks/ itself."""
        path = path.resolve()
        try:
            rel = path.relative_to(self.frameworks_dir)
        except ValueError:
            if path == self.root or self.root in path.parents:
                if path == self.root:
                    return None
                raise RefkitError(
                    f"{path}: not inside {FRAMEWORKS_DIR}/, refkit validates framework folders",
                    hint=f"pass a path under {self.frameworks_dir}",
                ) from None
            raise
        if not rel.parts:
            return None
        return self.frameworks_dir / rel.parts[0]

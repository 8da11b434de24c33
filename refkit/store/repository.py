"""Provides ``Repository``: where a framework repository's root and its frameworks are.

A framework repository is any folder holding a ``frameworks/`` folder; refkit finds it from the
current directory or from a path given on the command line by walking up, as git finds ``.git``.
"""

from __future__ import annotations

import os
from pathlib import Path

from refkit.errors import RefkitError, RepositoryNotFound
from refkit.i18n import Msg
from refkit.store.loader import FRAMEWORKS_DIR


class Repository:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.frameworks_dir = self.root / FRAMEWORKS_DIR
        self._folders: set[Path] = set()  # framework folders seen, none a link

    def __repr__(self) -> str:
        return f"Repository({self.root})"

    @classmethod
    def discover(cls, start: Path | None = None) -> Repository:
        start = start or Path.cwd()
        if not os.path.lexists(start):
            raise RefkitError(Msg("{path}: no such file or folder", path=str(start.resolve())))
        # a link given is not followed: its repository is the one it lies in
        linked = start.is_symlink()
        start = start.parent.resolve() / start.name if linked else start.resolve()
        here = start if start.is_dir() and not linked else start.parent
        for folder in (here, *here.parents):
            if (folder / FRAMEWORKS_DIR).is_dir():
                return cls(folder)
        raise RepositoryNotFound(
            Msg(
                "no {folder}/ folder in {path} or any folder above it",
                folder=FRAMEWORKS_DIR,
                path=str(here),
            ),
            hint="run refkit inside a framework repository, pass its path, or create one with refkit init",
        )

    def rel(self, path: Path) -> str:
        if path in self._folders:  # a framework folder found by framework_folders: no link
            return f"{FRAMEWORKS_DIR}/{path.name}"
        return path.resolve().relative_to(self.root).as_posix()

    def framework_folders(self) -> list[Path]:
        """Every framework folder (sub-folders of frameworks/ not starting with '.' or '_').
        A symbolic link is not one (refkit follows no link: ``links``)."""
        if not self._frameworks_dir_is_dir():
            return []
        with os.scandir(self.frameworks_dir) as entries:
            folders = sorted(
                self.frameworks_dir / e.name
                for e in entries
                if e.is_dir(follow_symlinks=False) and not e.name.startswith((".", "_"))
            )
        self._folders = set(folders)
        return folders

    def stray_files(self) -> list[Path]:
        """YAML files lying directly in frameworks/, where refkit reads nothing."""
        if not self._frameworks_dir_is_dir():
            return []
        return sorted(
            p
            for p in self.frameworks_dir.iterdir()
            if not p.is_symlink() and p.is_file() and p.suffix in (".yaml", ".yml")
        )

    def links(self) -> list[Path]:
        """Symbolic links lying directly in frameworks/ to a folder or named like a YAML file:
        refkit reads none of them (``ln -s / frameworks/root`` is not a framework)."""
        if not self._frameworks_dir_is_dir():
            return []
        return sorted(
            p
            for p in self.frameworks_dir.iterdir()
            if p.is_symlink()
            and not p.name.startswith(".")
            and (p.suffix in (".yaml", ".yml") or p.is_dir())
        )

    def _frameworks_dir_is_dir(self) -> bool:
        if self.frameworks_dir.is_symlink():
            raise RefkitError(
                Msg(
                    "{path} is a symbolic link (to {target}); refkit reads only the "
                    "repository's own files and follows no link",
                    path=str(self.frameworks_dir),
                    target=os.readlink(self.frameworks_dir),
                ),
                hint=Msg(
                    "replace the link with the folder itself: {folder}/ holds the frameworks",
                    folder=FRAMEWORKS_DIR,
                ),
            )
        return self.frameworks_dir.is_dir()

    def framework_folder_of(self, path: Path) -> Path | None:
        """The framework folder containing ``path``, or None for the repository or frameworks/ itself."""
        given = path
        # the last component is not followed: a link given on the command line is refused as
        # the link it is, where it is (``links``, ``store.loader.scan_folder``)
        path = (
            path.parent.resolve() / path.name
            if path.name not in ("", ".", "..")
            else path.resolve()
        )
        try:
            rel = path.relative_to(self.frameworks_dir)
        except ValueError:
            if path == self.root or self.root in path.parents:
                if path == self.root:
                    return None
                raise RefkitError(
                    Msg(
                        "{path}: not inside {folder}/, refkit validates framework folders",
                        path=str(path),
                        folder=FRAMEWORKS_DIR,
                    ),
                    hint=Msg("pass a path under {folder}", folder=str(self.frameworks_dir)),
                ) from None
            raise RefkitError(
                Msg(
                    "{path}: leads outside the repository {root} (through a symbolic link?); "
                    "refkit follows no link",
                    path=str(given),
                    root=str(self.root),
                ),
                hint=Msg("pass a path under {folder}", folder=str(self.frameworks_dir)),
            ) from None
        if not rel.parts:
            return None
        return self.frameworks_dir / rel.parts[0]

"""The watched folders, kept in the encrypted store (their paths are private)."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path

from secondme.errors import UserError
from secondme.store import Store
from secondme.store.repos.folders import Folder, Folders

__all__ = ["Folder", "FolderRegistry", "normalize"]


def normalize(path: str | os.PathLike[str]) -> Path:
    """``path`` absolute, with ``~`` expanded (symlinks are kept as given)."""
    return Path(os.path.abspath(os.path.expanduser(os.fspath(path))))


class FolderRegistry:
    """Adds, removes and lists watched folders."""

    def __init__(self, store: Store) -> None:
        """The folders kept in ``store``."""
        self._store = store
        self._folders = Folders(store)

    def _hash(self, path: Path) -> str:
        return self._store.keyed_hash(os.fsencode(path), "folder")

    def list(self) -> list[Folder]:
        """Every watched folder."""
        return self._folders.all()

    def add(self, path: str | os.PathLike[str]) -> Folder:
        """Watch folder ``path`` (returning the existing entry when it is one already). Raises UserError if it
        is not a folder, or lies inside or contains a watched one."""
        p = normalize(path)
        if not p.is_dir():
            raise UserError(f"{p} is not a folder")
        for f in self.list():
            if p == f.path:
                return f
            if p.is_relative_to(f.path):
                raise UserError(f"{p} is already inside the watched folder {f.path}")
            if f.path.is_relative_to(p):
                raise UserError(f"{p} contains the watched folder {f.path}; remove that one first")
        return self._folders.add(p, self._hash(p), time.time())

    def find(self, path: str | os.PathLike[str]) -> Folder | None:
        """The watched folder at ``path`` exactly, or None."""
        p = normalize(path)
        for f in self.list():
            if f.path == p:
                return f
        return None

    def owner_of(self, path: Path, folders: Sequence[Folder] | None = None) -> Folder | None:
        """The watched folder that contains ``path`` (the deepest one)."""
        best: Folder | None = None
        for f in folders if folders is not None else self.list():
            if path.is_relative_to(f.path) and (best is None or len(f.path.parts) > len(best.path.parts)):
                best = f
        return best

"""The watched folders (their paths are private)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from secondme.store.repos.base import Repository


@dataclass(frozen=True, slots=True)
class Folder:
    """One watched folder."""

    id: int
    path: Path
    enabled: bool


class Folders(Repository):
    """The ``folders`` table."""

    table = "folders"

    def all(self) -> list[Folder]:
        """Every watched folder, its path opened."""
        return [Folder(r.id, Path(os.fsdecode(r["path"])), bool(r["enabled"])) for r in self._store.select("folders")]

    def add(self, path: Path, path_hash: str, added_at: float) -> Folder:
        """Add a watched folder (enabled), its path sealed; returns it."""
        with self._store.write() as w:
            fid = w.insert("folders", {"path_hash": path_hash, "added_at": added_at}, {"path": os.fsencode(path)})
        return Folder(fid, path, True)

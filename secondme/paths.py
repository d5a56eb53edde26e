"""Where Second Me keeps its files: one place decides every path.

Everything lives under one data directory (``--data-dir`` or the platform default), so tests,
benchmarks and bundles run isolated. Only the RAM-backed runtime folder lives elsewhere.
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "SecondMe"
APP_ID = "io.github.secondme.SecondMe"


def default_data_dir() -> Path:
    """The platform's per-user data folder for Second Me."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def _ram_base() -> Path | None:
    """A RAM-backed folder private to this user, or None where the platform has none."""
    if not sys.platform.startswith("linux"):
        return None
    for cand in (os.environ.get("XDG_RUNTIME_DIR"), "/dev/shm"):
        if cand and os.path.isdir(cand) and os.access(cand, os.W_OK):
            return Path(cand)
    return None


@dataclass(frozen=True)
class Paths:
    """All the paths of one data directory."""

    root: Path

    @classmethod
    def at(cls, data_dir: str | os.PathLike[str] | None) -> Paths:
        """The paths of ``data_dir`` (``~`` expanded, resolved), or of the default data folder when None."""
        root = Path(data_dir).expanduser().resolve() if data_dir else default_data_dir()
        return cls(root)

    @property
    def config_file(self) -> Path:
        """The plain settings file (nothing private)."""
        return self.root / "settings.json"

    @property
    def vault_file(self) -> Path:
        """The vault file: the wrapped data key and how it unlocks."""
        return self.root / "vault.json"

    @property
    def store_file(self) -> Path:
        """The encrypted store."""
        return self.root / "store.db"

    @property
    def backups_dir(self) -> Path:
        """Copies of the store taken before a migration."""
        return self.root / "backups"

    @property
    def models_dir(self) -> Path:
        """Downloaded and chosen model files."""
        return self.root / "models"

    @property
    def logs_dir(self) -> Path:
        """Log files."""
        return self.root / "logs"

    @property
    def index_dir(self) -> Path:
        """Encrypted index snapshots (never plaintext)."""
        return self.root / "index"

    @property
    def lock_file(self) -> Path:
        """The lock that keeps a second app instance off the same data."""
        return self.root / "app.lock"

    def ensure(self) -> None:
        """Create the data folder and its subfolders, private to the user (0700 where the system allows)."""
        for p in (self.root, self.models_dir, self.logs_dir, self.index_dir, self.backups_dir):
            p.mkdir(parents=True, exist_ok=True)
            try:
                os.chmod(p, 0o700)
            except OSError:
                pass

    def runtime_dir(self) -> Path | None:
        """A fresh private (0700) RAM-backed folder for plaintext indexes while unlocked.

        Returns None where no RAM-backed folder exists; callers then keep indexes in memory.
        """
        base = _ram_base()
        if base is None:
            return None
        d = Path(tempfile.mkdtemp(prefix="secondme-", dir=base))
        os.chmod(d, 0o700)
        return d

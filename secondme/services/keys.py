"""``ctx.keys``: how the data key is protected, passphrase change, key rotation and backups."""

from __future__ import annotations

import os
import time
from dataclasses import asdict, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from secondme.errors import AlreadyInitialized
from secondme.events import EventKind
from secondme.settings import Settings
from secondme.store.repos.base import count_rows
from secondme.vault import (
    MIN_PASSPHRASE_CHARS,
    describe_backend,
    passphrase_strength,
    trusted_keyring_backend,
)

if TYPE_CHECKING:
    from secondme.app import SecondMe

# Re-exported for the UI and the CLI, which reach the vault only through this service.
__all__ = ["MIN_PASSPHRASE_CHARS", "KeysService", "describe_backend", "keyring_available",
           "passphrase_strength", "trusted_keyring_backend"]


def keyring_available() -> bool:
    """True when a trusted system keyring can hold the data key."""
    return trusted_keyring_backend() is not None


class KeysService:
    """The data key's protection (passphrase or keyring), changing the passphrase, rotating the
    data key, and encrypted backups (export, import or replace).

    Rotation and import close the unlocked subsystems and reopen them around their work (no
    "locked" event for the UI); see :mod:`secondme.rotation` and :mod:`secondme.backup`."""

    def __init__(self, core: SecondMe) -> None:
        """Over ``core``, whose vault it changes."""
        self._core = core

    def protection(self) -> str | None:
        """``"keyring"``, ``"passphrase"``, or None before the first run."""
        core = self._core
        return core.vault.info().method if core.initialized else None

    def key_generation(self) -> int:
        """How many data keys this vault has had (1 until the first rotation)."""
        return int(self._core.vault.info().key_generation)

    def change_passphrase(self, old: str | None, new: str | None) -> None:
        """Protect the data key with ``new`` (None: the keyring); ``old`` opens it now."""
        self._core.vault.change_protection(old, new)

    def rotate(self, passphrase: str | None = None) -> dict[str, Any]:
        """Re-encrypt everything under a new random data key; the old one opens nothing after.

        ``passphrase`` is needed when the vault uses one. Subsystems close and reopen around
        the work (no "locked" event); watching resumes if it was on. Crash-safe (see rotation).
        """
        from secondme import rotation

        core = self._core
        with core.state_lock:
            core.store  # noqa: B018 -- raises VaultLocked when locked
            old_key = core.vault.unlock(passphrase)  # wrong passphrase: nothing has changed yet
            watching = core.notes.watching
            core.close_session(announce=False)
            try:
                stats = rotation.rotate(core.paths, core.vault, passphrase, old_key)
            finally:
                # Whichever key the vault holds now (new, or old if rotating failed) opens the
                # data once recovery has finished or undone what the failure interrupted.
                rotation.recover(core.paths, core.vault)
                core.open_session(core.vault.unlock(passphrase), announce=False)
                if watching:
                    core.notes.start_watching()
        generation = core.vault.info().key_generation
        core.emit(EventKind.KEY_ROTATED, generation=generation)
        return {"key_generation": generation, **stats.to_dict()}

    def export_backup(self, dest: str | os.PathLike[str], backup_passphrase: str) -> dict[str, Any]:
        """Write an encrypted backup file (store copy and settings) readable with
        ``backup_passphrase`` alone. The copy is re-keyed to a key of its own first, so nothing
        in the backup opens this data directory's store; see :mod:`secondme.backup`."""
        from secondme import backup

        core = self._core
        with core.state_lock:
            store, keys = core.store, core.key_set
        return backup.export_backup(store, asdict(core.settings), keys, Path(dest),
                                    backup_passphrase, core.paths.root)

    def import_backup(self, src: str | os.PathLike[str], backup_passphrase: str,
                      passphrase: str | None = None, *, replace: bool = False) -> dict[str, Any]:
        """Restore an encrypted backup here and unlock it; indexes are rebuilt from the store.

        Into a fresh data directory the restored data is protected like ``SecondMe.init``
        (``passphrase``, or the keyring when None). An initialised one is refused unless
        ``replace``: this context must then be unlocked, ``passphrase`` is its current one (when
        it uses one) and the restored data keeps the same protection; the current data is set
        aside, still encrypted with its own vault, in ``backups/replaced-<time>/``.
        The whole backup is verified first: a wrong passphrase (:class:`BackupWrongPassphrase`)
        or a damaged file (:class:`BackupCorrupt`) leaves the data directory untouched.
        """
        from secondme import backup

        core = self._core
        with core.state_lock:
            if core.initialized:
                if not replace:
                    raise AlreadyInitialized(
                        f"{core.paths.root} already holds Second Me data: import into a new data "
                        "folder, or replace the current data")
                core.store  # noqa: B018 -- replacing needs the current data unlocked
                uses_pass = core.vault.info().method == "passphrase"
                protect = passphrase if uses_pass else None
                core.vault.unlock(protect)  # a wrong passphrase stops here, before any work
            else:
                protect = passphrase
            staged = backup.stage_import(Path(src), backup_passphrase, core.paths.root)
            try:
                watching = core.notes.watching
                core.close_session(announce=not replace)
                aside = self._set_aside()
                core.paths.ensure()
                os.replace(staged.store_file, core.paths.store_file)
                try:
                    core.vault.create(protect, data_key=staged.data_key)
                except BaseException:
                    core.paths.store_file.unlink(missing_ok=True)  # back to a fresh folder
                    raise
                self._restore_settings(staged.settings)
                core.open_session(staged.data_key, announce=not replace)
                if watching:
                    core.notes.start_watching()
            finally:
                staged.discard()
        counts = {t: count_rows(core.store, t)
                  for t in ("folders", "documents", "chunks", "memories")}
        core.emit(EventKind.BACKUP_IMPORTED, replaced=str(aside) if aside else None)
        return {**counts, "replaced": str(aside) if aside else None}

    def _set_aside(self) -> Path | None:
        """Move the current vault, store and snapshot into a dated folder under backups/."""
        from secondme.index.sealed import SNAPSHOT_NAME

        paths = self._core.paths
        store = paths.store_file
        # The vault first: a crash part-way leaves no vault beside a store it does not open.
        moving = [paths.vault_file, store, store.with_name(store.name + "-wal"),
                  store.with_name(store.name + "-shm"), paths.index_dir / SNAPSHOT_NAME]
        present = [p for p in moving if p.exists()]
        if not present:
            return None
        aside = paths.backups_dir / time.strftime("replaced-%Y%m%d-%H%M%S")
        aside.mkdir(mode=0o700, parents=True, exist_ok=True)
        for p in present:
            os.replace(p, aside / p.name)
        return aside

    def _restore_settings(self, saved: dict[str, Any]) -> None:
        core = self._core
        restored = Settings.from_dict(saved)
        if restored.model_path and not Path(restored.model_path).exists():
            restored.model_path = core.settings.model_path  # a model file of another computer
        for f in fields(Settings):
            setattr(core.settings, f.name, getattr(restored, f.name))  # shared with the UI
        core.save_settings()

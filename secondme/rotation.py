"""Key rotation: a new data key, all data re-encrypted, the old key useless.

Crash safety comes from building everything new beside the old files and switching with one
atomic write of the vault (the commit point), whose ``rotation`` field says how far it got:

1. vault ``rotation = prepared`` (old key still the wrapped one);
2. ``store.db`` copied to ``store.db.rotating``, re-keyed (:mod:`secondme.rekey`), synced and
   renamed to ``store.db.new`` (so ``.new`` always means "complete");
3. the index snapshot re-encrypted frame by frame to ``indexes.snap.new`` (or, when it does not
   open, deleted: it is rebuilt from the store);
4. **commit**: the vault wraps the new key, ``rotation = committed``;
5. the ``.new`` files are renamed over the old ones; migration backups of the store (sealed
   under the old key, so unreadable from now on) are deleted; ``rotation`` is removed.

:func:`recover` runs before every unlock: ``prepared`` → the ``.new`` files are discarded and the
old key and data stay; ``committed`` → step 5 is (re)done. Either way the data opens with the
key the vault holds. The store must be closed (the app locks its session) while this runs,
and no other process may have the data directory open (recovery at another process's unlock
would undo a rotation in progress; it then fails cleanly and keeps the old key).

Migration backups of the store (``backups/store-*.db``) are deleted rather than re-encrypted:
they are copies of an older schema sealed under the old key, useless once that key is gone.
Data sets an import set aside (``backups/replaced-*``) carry their own vault and are kept.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from secondme import crypto
from secondme.crypto import KeySet
from secondme.index.sealed import DEFAULT_AD, SNAPSHOT_NAME
from secondme.paths import Paths
from secondme.rekey import RekeyStats, copy_database, rekey_store, remove_database
from secondme.vault import Vault

log = logging.getLogger("secondme.rotation")

PREPARED, COMMITTED = "prepared", "committed"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class _Files:
    """The file names one rotation uses."""

    def __init__(self, paths: Paths) -> None:
        self.paths = paths
        self.store = paths.store_file
        self.building = paths.store_file.with_name(paths.store_file.name + ".rotating")
        self.store_new = paths.store_file.with_name(paths.store_file.name + ".new")
        self.snap = paths.index_dir / SNAPSHOT_NAME
        self.snap_building = self.snap.with_name(SNAPSHOT_NAME + ".rotating")
        self.snap_new = self.snap.with_name(SNAPSHOT_NAME + ".new")

    def discard(self) -> None:
        remove_database(self.building)
        remove_database(self.store_new)
        for p in (self.snap_building, self.snap_new):
            p.unlink(missing_ok=True)

    def switch(self) -> None:
        """Put the new files in place (idempotent: redone after a crash)."""
        if self.store_new.exists():
            # The old store's WAL and journal belong to the old file; left beside the new one
            # SQLite would replay them into it. The old store was closed cleanly (or is
            # superseded by the committed new key), so nothing is lost.
            for suffix in ("-journal", "-wal", "-shm"):
                self.store.with_name(self.store.name + suffix).unlink(missing_ok=True)
            os.replace(self.store_new, self.store)
        if self.snap_new.exists():
            os.replace(self.snap_new, self.snap)
        for old in self.paths.backups_dir.glob("store-*.db"):
            old.unlink(missing_ok=True)
        # Staging folders an interrupted backup export or import left behind hold old-key copies.
        for stage in (*self.paths.root.glob(".backup-*"), *self.paths.root.glob(".import-*")):
            shutil.rmtree(stage, ignore_errors=True)
        _fsync_dir(self.paths.root)
        if self.paths.index_dir.exists():
            _fsync_dir(self.paths.index_dir)


def recover(paths: Paths, vault: Vault) -> str | None:
    """Finish or undo a rotation a crash interrupted; returns what was done (or None)."""
    if not vault.exists():
        return None
    files = _Files(paths)
    state = vault.rotation_state()
    if state == COMMITTED:
        files.switch()
        vault.end_rotation()
        log.warning("finished a key rotation interrupted after its commit")
        return "finished"
    files.discard()
    if state is not None:
        vault.end_rotation()
        log.warning("undid a key rotation interrupted before its commit; the old key stays")
        return "undone"
    return None


def _reseal_snapshot(files: _Files, old: KeySet, new: KeySet) -> bool:
    """Re-encrypt the index snapshot under the new key; False (and no snapshot) if it is unusable."""
    if not files.snap.exists():
        return False
    try:
        with open(files.snap, "rb") as src, open(files.snap_building, "wb") as dst:
            crypto.restream(src, dst, old.snapshot, new.snapshot, DEFAULT_AD)
            dst.flush()
            os.fsync(dst.fileno())
    except crypto.AuthenticationFailed:
        log.warning("the index snapshot does not open; it is rebuilt from the store instead")
        files.snap_building.unlink(missing_ok=True)
        files.snap.unlink()  # an old-key file must not outlive the rotation
        return False
    os.replace(files.snap_building, files.snap_new)
    return True


def rotate(paths: Paths, vault: Vault, passphrase: str | None, old_key: bytes) -> RekeyStats:
    """Rotate the data key of the (closed) store in ``paths``; see the module docstring."""
    recover(paths, vault)
    files = _Files(paths)
    new_key = crypto.random_key()
    old, new = KeySet.from_data_key(old_key), KeySet.from_data_key(new_key)
    vault.begin_rotation()
    try:
        copy_database(files.store, files.building)
        kept_snapshot = files.snap.exists()  # its facets are refreshed by replay if carried over
        stats = rekey_store(files.building, old, new, refresh_index=kept_snapshot)
        os.replace(files.building, files.store_new)
        _reseal_snapshot(files, old, new)
        _fsync_dir(paths.root)
        vault.commit_rotation(passphrase, new_key)
    except BaseException:
        recover(paths, vault)  # undoes, or finishes if the commit reached the disk after all
        raise
    files.switch()
    vault.end_rotation()
    log.info("data key rotated")
    return stats

"""Encrypted backups: one file with a consistent copy of the store and the settings.

File layout::

    preamble  = b"SECONDME-BACKUP\\n" + u32 length + JSON {format, kdf: scrypt salt/n/r/p, check}
    stream    = AES-256-GCM frames (crypto.StreamWriter): each frame's nonce carries its index
                and a "final frame" flag, and every frame's associated data is BACKUP_AD plus
                the whole preamble, so reordering, truncation, appended bytes or an edited
                preamble all fail authentication
    inside    = a tar (index.snapshot.seal_dir): a header with the manifest, then data/store.db

The key is scrypt(backup passphrase, salt). ``check`` (an HMAC of a constant under that key)
tells a wrong passphrase apart from a damaged file before any frame is read. The scrypt
parameters are checked against the vault's bounds (:func:`secondme.vault.check_scrypt_params`)
before scrypt runs, so a forged header cannot ask for gigabytes of memory or minutes of work.

Design: exporting takes a consistent copy of the store into a private staging folder and
re-keys that copy to a fresh random key of its own (:mod:`secondme.rekey`, the rotation code)
before it is encrypted; the manifest (inside the encryption) carries only those fresh keys for
sealing and hashing. So whoever learns the backup passphrase can open the backup, but nothing
in it opens the live ``store.db`` (manifest format 2; format 1 backups carried the live keys and
still import). Importing verifies the whole file first, writing nothing; then it re-keys the
copy to yet another fresh data key, so a restored data directory never shares a key with the
backup or the original. The index snapshot is left out: indexes are rebuilt from the store,
which holds every embedding (nothing is embedded again).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
import shutil
import struct
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from secondme import __version__, crypto
from secondme.crypto import KeySet
from secondme.errors import BackupCorrupt, BackupWrongPassphrase, SnapshotCorrupt, UserError
from secondme.index.snapshot import seal_dir, unseal, verify
from secondme.rekey import RekeyStats, rekey_store
from secondme.store import Store
from secondme.store.schema import SCHEMA_VERSION
from secondme.vault import MIN_PASSPHRASE_CHARS, check_scrypt_params

log = logging.getLogger("secondme.backup")

MAGIC = b"SECONDME-BACKUP\n"
BACKUP_FORMAT = 1  # the file: preamble and encrypted stream
# The manifest: 2 = its keys are the backup's own (the staged copy was re-keyed at export);
# 1 = its keys were the live store's (still imported: import re-keys anyway).
MANIFEST_FORMAT = 2
_READABLE_MANIFESTS = (1, 2)
BACKUP_AD = b"secondme/backup/v1\0"
KIND = "secondme-backup"
STORE_NAME = "store.db"
SUFFIX = ".smbackup"
_MAX_PREAMBLE = 1 << 16
_CHECK = b"secondme-backup/check"


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def _unb64(s: Any) -> bytes:
    try:
        return base64.b64decode(str(s).encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError) as exc:
        raise BackupCorrupt("this backup's header is damaged") from exc


def _check(key: bytes) -> bytes:
    return hmac.new(key, _CHECK, hashlib.sha256).digest()


def _preamble(salt: bytes, key: bytes) -> bytes:
    head = {"format": BACKUP_FORMAT,
            "kdf": {"name": "scrypt", "salt": _b64(salt), "n": crypto.SCRYPT_N,
                    "r": crypto.SCRYPT_R, "p": crypto.SCRYPT_P},
            "check": _b64(_check(key))}
    body = json.dumps(head, sort_keys=True).encode("utf-8")
    return MAGIC + struct.pack(">I", len(body)) + body


@dataclass(frozen=True)
class _Opened:
    """A backup whose preamble parsed and whose passphrase is right."""

    key: bytes
    ad: bytes
    offset: int


def _open(src: Path, passphrase: str) -> _Opened:
    try:
        with open(src, "rb") as fh:
            magic = fh.read(len(MAGIC))
            raw_len = fh.read(4)
            if magic != MAGIC or len(raw_len) != 4:
                raise BackupCorrupt(f"{src} is not a Second Me backup")
            (n,) = struct.unpack(">I", raw_len)
            if n > _MAX_PREAMBLE:
                raise BackupCorrupt("this backup's header is damaged")
            body = fh.read(n)
    except FileNotFoundError as exc:
        raise UserError(f"{src} does not exist") from exc
    except IsADirectoryError as exc:
        raise UserError(f"{src} is a folder, not a backup file") from exc
    try:
        head = json.loads(body.decode("utf-8"))
        kdf = head["kdf"]
        n_, r_, p_ = kdf["n"], kdf["r"], kdf["p"]
        ok = head.get("format") == BACKUP_FORMAT and kdf.get("name") == "scrypt"
        salt = _unb64(kdf["salt"])
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BackupCorrupt("this backup's header is damaged") from exc
    if not ok:
        raise BackupCorrupt("this backup was made by another version or its header is damaged")
    try:
        # Before scrypt runs: a forged header must not ask for gigabytes or minutes of work.
        check_scrypt_params(n_, r_, p_, salt)
    except ValueError as exc:
        raise BackupCorrupt(f"this backup's header is damaged or was tampered with: {exc}") from exc
    key = crypto.derive_passphrase_key(passphrase, salt, n_, r_, p_)
    if not hmac.compare_digest(_check(key), _unb64(head.get("check", ""))):
        raise BackupWrongPassphrase("wrong backup passphrase")
    preamble = MAGIC + raw_len + body
    return _Opened(key, BACKUP_AD + preamble, len(preamble))


def export_backup(store: Store, settings: dict[str, Any], keys: KeySet, dest: Path,
                  passphrase: str, stage_parent: Path) -> dict[str, Any]:
    """Write the encrypted backup ``dest`` (temp file + rename); returns a short summary.

    ``keys`` are the live store's; they never leave this function. ``stage_parent`` (inside the
    data directory) holds the consistent store copy while it is re-keyed to a fresh random key
    and encrypted: that copy is sealed column by column like the store itself.
    """
    if len(passphrase) < MIN_PASSPHRASE_CHARS:
        raise UserError(f"the backup passphrase must have at least {MIN_PASSPHRASE_CHARS} characters")
    dest = Path(dest).expanduser().absolute()
    if dest.is_dir():
        raise UserError(f"{dest} is a folder: choose a file name for the backup")
    if not dest.parent.is_dir():
        raise UserError(f"the folder {dest.parent} does not exist")
    salt = os.urandom(16)
    key = crypto.derive_passphrase_key(passphrase, salt)
    preamble = _preamble(salt, key)
    stage = stage_parent / f".backup-{secrets.token_hex(6)}"
    stage.mkdir(mode=0o700, parents=True)
    try:
        store.backup_to(stage / STORE_NAME)
        # The copy gets a key of its own, so the backup passphrase opens the backup only, never
        # the live store.db. A fresh data key, used for this file and then forgotten.
        own = KeySet.from_data_key(crypto.random_key())
        rekey_store(stage / STORE_NAME, keys, own, refresh_index=False)
        manifest = {"kind": KIND, "backup_format": MANIFEST_FORMAT, "app": __version__,
                    "schema_version": store.schema_version, "created_at": time.time(),
                    "keys": {"seal": _b64(own.seal), "hash": _b64(own.hash),
                             "snapshot": _b64(own.snapshot)},
                    "settings": settings}
        seal_dir(stage, dest, key, BACKUP_AD + preamble, manifest, preamble=preamble)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    log.info("backup written (%d bytes)", dest.stat().st_size)
    return {"path": str(dest), "bytes": dest.stat().st_size}


def _check_manifest(meta: dict[str, Any], files: list[str]) -> KeySet:
    if meta.get("kind") != KIND or meta.get("backup_format") not in _READABLE_MANIFESTS:
        raise BackupCorrupt("this file is not a Second Me backup this version can read")
    version = meta.get("schema_version")
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise BackupCorrupt("this backup comes from a newer Second Me: update the app first")
    if files != [STORE_NAME]:
        raise BackupCorrupt("this backup does not hold what a Second Me backup holds")
    raw = meta.get("keys")
    if not isinstance(raw, dict):
        raise BackupCorrupt("this backup's keys are damaged")
    keys = {name: _unb64(raw.get(name, "")) for name in ("seal", "hash", "snapshot")}
    if any(len(k) != crypto.KEY_BYTES for k in keys.values()):
        raise BackupCorrupt("this backup's keys are damaged")
    return KeySet(**keys)


def check_backup(src: Path, passphrase: str) -> dict[str, Any]:
    """Verify all of ``src`` (passphrase, every frame, the manifest) writing nothing; its manifest
    without the key. Raises :class:`BackupWrongPassphrase` or :class:`BackupCorrupt`."""
    opened = _open(Path(src), passphrase)
    meta = _verify(Path(src), opened)
    return {k: v for k, v in meta.items() if k != "keys"}


def _verify(src: Path, opened: _Opened) -> dict[str, Any]:
    try:
        meta, files = verify(src, opened.key, opened.ad, opened.offset)
    except SnapshotCorrupt as exc:
        raise BackupCorrupt("this backup is damaged, truncated or was tampered with") from exc
    _check_manifest(meta, files)
    return meta


@dataclass
class StagedImport:
    """A verified, decrypted and re-keyed backup, waiting in ``stage`` to be put in place."""

    stage: Path
    store_file: Path
    data_key: bytes
    settings: dict[str, Any]
    stats: RekeyStats

    def discard(self) -> None:
        """Delete the staging folder (the import is abandoned)."""
        shutil.rmtree(self.stage, ignore_errors=True)


def stage_import(src: Path, passphrase: str, stage_parent: Path) -> StagedImport:
    """Verify ``src`` completely (nothing is written when it fails), then decrypt it into a new
    folder under ``stage_parent`` and re-key its store to a fresh data key."""
    src = Path(src)
    opened = _open(src, passphrase)  # one scrypt run serves both passes
    _verify(src, opened)  # the whole file, before anything touches the disk
    stage = stage_parent / f".import-{secrets.token_hex(6)}"
    stage_parent.mkdir(parents=True, exist_ok=True)
    try:
        # Authenticated again while extracting: the file could have changed since the check.
        meta = unseal(src, stage, opened.key, opened.ad, opened.offset)
        old_keys = _check_manifest(meta, sorted(p.name for p in stage.iterdir()))
        new_key = crypto.random_key()
        store_file = stage / STORE_NAME
        stats = rekey_store(store_file, old_keys, KeySet.from_data_key(new_key), refresh_index=False)
    except SnapshotCorrupt as exc:
        shutil.rmtree(stage, ignore_errors=True)
        raise BackupCorrupt("this backup is damaged, truncated or was tampered with") from exc
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    settings = meta.get("settings")
    return StagedImport(stage, store_file, new_key, settings if isinstance(settings, dict) else {}, stats)

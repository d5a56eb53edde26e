"""Encrypted backups: a round trip into a fresh data folder finds the same things; a damaged,
truncated or wrongly unlocked backup is refused before anything is written; the keys inside a
backup open the backup only, never the live store; forged KDF parameters are refused at once."""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import struct
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from secondme import backup, crypto
from secondme.app import SecondMe
from secondme.crypto import KeySet, Sealer
from secondme.errors import AlreadyInitialized, BackupCorrupt, BackupError, BackupWrongPassphrase
from secondme.index.snapshot import seal_dir, unseal
from secondme.paths import Paths
from secondme.settings import Settings
from secondme.store.rows import _ad
from secondme.store.schema import PRIVATE
from secondme.vault import Vault
from tests.canary import needles, scan
from tests.core.conftest import PASS
from tests.core.test_cli_core import run
from tests.core.test_rotation import (
    CANARY_MEMORY,
    CANARY_NOTE,
    assert_none_opens,
    make_notes,
    populate,
    results,
)

pytestmark = pytest.mark.timeout(300)

BACKUP_PASS = "a separate backup passphrase"


def context(root: Path, embedder: Any = None) -> SecondMe:
    paths = Paths.at(root)
    return SecondMe(paths, Settings(debounce_seconds=0.2), Vault(paths.vault_file, None), embedder)


def test_round_trip_into_fresh_data_dir(notes_ctx: SecondMe, tmp_path: Path, embedder: Any) -> None:
    src = notes_ctx
    populate(src, make_notes(tmp_path / "notes"))
    src.profile.set_field("email", "ada@example.org", lock=True)
    src.settings.forgetting_tau_days = 12.5
    before = results(src)
    memories = sorted(str(r["text"]) for r in src.store.select("memories", columns=("text",)))
    dest = tmp_path / "out" / "me.smbackup"
    dest.parent.mkdir()
    res = src.keys.export_backup(dest, BACKUP_PASS)
    assert res["path"] == str(dest) and dest.stat().st_size == res["bytes"]
    assert [p.name for p in dest.parent.iterdir()] == ["me.smbackup"]  # no temp file left
    assert not [p for p in src.paths.root.iterdir() if p.name.startswith(".backup-")]
    assert scan(dest.parent, needles([CANARY_NOTE, CANARY_MEMORY, "Lisbon", "ada@example.org"])) == []

    restored = context(tmp_path / "restored", embedder)
    try:
        out = restored.keys.import_backup(dest, BACKUP_PASS, "the restored data's passphrase")
        assert out["memories"] == len(memories) and out["documents"] == 3 and out["replaced"] is None
        assert restored.unlocked and restored.vault.info().method == "passphrase"
        assert restored.key_set != src.key_set  # re-keyed: the copy shares no key with the original
        assert restored.notes.wait_indexed(120)
        assert results(restored) == before
        assert sorted(str(r["text"]) for r in restored.store.select("memories", columns=("text",))) == memories
        assert restored.profile.fill("E-mail").value == "ada@example.org"
        assert restored.get_private("self-test") == {"value": "kept"}
        assert restored.settings.forgetting_tau_days == 12.5
        # The notes folder keeps working: known files are unchanged, a new one is indexed.
        assert [f.path for f in restored.notes.folders()] == [f.path for f in src.notes.folders()]
        assert restored.notes.reindex() == 0
        (tmp_path / "notes" / "new.md").write_text("# Kayak\n\nThe kayak club meets on Sundays.\n")
        assert restored.notes.reindex() == 1 and restored.notes.wait_indexed(60)
        assert any(h.path and h.path.endswith("new.md") for h in restored.notes.search("kayak club"))
        restored.lock()
        restored.unlock("the restored data's passphrase")
        assert results(restored)["pastel de nata"][0] == before["pastel de nata"][0]
    finally:
        restored.close()


def _variants(data: bytes) -> dict[str, bytes]:
    mid = len(data) // 2
    return {
        "flipped in the stream": data[:mid] + bytes([data[mid] ^ 0x01]) + data[mid + 1:],
        "flipped in the last frame": data[:-5] + bytes([data[-5] ^ 0x80]) + data[-4:],
        "truncated": data[:-17],
        "cut in half": data[:mid],
        "bytes appended": data + b"\0" * 16,
        "not a backup": b"PK\x03\x04" + data[4:],
        "empty": b"",
    }


def test_damaged_or_wrong_passphrase_is_refused_and_writes_nothing(ctx: SecondMe, tmp_path: Path) -> None:
    ctx.set_private("self-test", "the real thing")
    good = tmp_path / "good.smbackup"
    ctx.keys.export_backup(good, BACKUP_PASS)
    data = good.read_bytes()
    target_root = tmp_path / "target"
    target = context(target_root)
    bad = tmp_path / "bad.smbackup"
    for name, variant in _variants(data).items():
        bad.write_bytes(variant)
        with pytest.raises(BackupCorrupt):
            target.keys.import_backup(bad, BACKUP_PASS, PASS)
        assert not target_root.exists(), f"{name}: something was written"
    with pytest.raises(BackupWrongPassphrase, match="wrong backup passphrase"):
        target.keys.import_backup(good, "not the backup passphrase", PASS)
    assert not target_root.exists()
    # A changed header (its salt or KDF cost) cannot pass either.
    head_end = 20 + int.from_bytes(data[16:20], "big")  # magic, length, JSON
    header = json.loads(data[20:head_end])
    header["kdf"]["n"] = 2**14
    forged = json.dumps(header, sort_keys=True).encode()
    bad.write_bytes(data[:16] + len(forged).to_bytes(4, "big") + forged + data[head_end:])
    with pytest.raises(BackupError):
        target.keys.import_backup(bad, BACKUP_PASS, PASS)
    assert not target_root.exists()
    # And the untouched file still restores.
    target.keys.import_backup(good, BACKUP_PASS, PASS)
    try:
        assert target.get_private("self-test") == "the real thing"
    finally:
        target.close()


def test_import_into_initialised_dir_is_refused_unless_replacing(ctx: SecondMe, tmp_path: Path) -> None:
    ctx.set_private("self-test", "from the backup")
    backup = tmp_path / "b.smbackup"
    ctx.keys.export_backup(backup, BACKUP_PASS)
    other = context(tmp_path / "other")
    other.init("other data passphrase")
    try:
        other.set_private("self-test", "replaced later")
        before = {p.name for p in other.paths.root.rglob("*")}
        with pytest.raises(AlreadyInitialized):
            other.keys.import_backup(backup, BACKUP_PASS, "other data passphrase")
        assert {p.name for p in other.paths.root.rglob("*")} == before
        out = other.keys.import_backup(backup, BACKUP_PASS, "other data passphrase", replace=True)
        assert other.get_private("self-test") == "from the backup"
        aside = Path(out["replaced"])
        assert {"vault.json", "store.db"} <= {p.name for p in aside.iterdir()}
        other.lock()
        other.unlock("other data passphrase")  # same protection as before the replace
        assert other.get_private("self-test") == "from the backup"
    finally:
        other.close()


def test_cli_rotate_export_import(tmp_path: Path) -> None:
    src, dst = str(tmp_path / "src"), str(tmp_path / "dst")
    env = {"SECONDME_PASSPHRASE": PASS, "BACKUP_PW": BACKUP_PASS}
    assert run("--data-dir", src, "init", env=env).returncode == 0
    r = run("--data-dir", src, "keys", "rotate", "--json", env=env)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["key_generation"] == 2
    out = str(tmp_path / "cli.smbackup")
    r = run("--data-dir", src, "backup", "export", out, "--backup-passphrase-env", "BACKUP_PW", "--json", env=env)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["path"] == out
    r = run("--data-dir", dst, "backup", "import", out, "--backup-passphrase-env", "BACKUP_PW", env={
        **env, "BACKUP_PW": "wrong backup passphrase"})
    assert r.returncode == 1 and "wrong backup passphrase" in r.stderr
    assert not Path(dst).exists()
    r = run("--data-dir", dst, "backup", "import", out, "--backup-passphrase-env", "BACKUP_PW", "--json", env=env)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["replaced"] is None
    assert run("--data-dir", dst, "unlock", env=env).returncode == 0


# --- the backup carries keys of its own, never the live store's ---------------------------------
def backup_keys(src: Path, passphrase: str, into: Path) -> KeySet:
    """The keys inside a backup, read with the backup module's own code: what anyone who learns
    the backup passphrase can take out of the file."""
    opened = backup._open(src, passphrase)
    meta = unseal(src, into, opened.key, opened.ad, opened.offset)
    return backup._check_manifest(meta, sorted(p.name for p in into.iterdir()))


def file_sealed_values(db: Path) -> list[tuple[str, int, str, bytes]]:
    """Every sealed value of a store file, read straight from the file."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [(table, int(r["id"]), c, bytes(r[c]))
                for table, cols in PRIVATE.items()
                for r in conn.execute(f"SELECT * FROM {table}") for c in cols if r[c] is not None]
    finally:
        conn.close()


def test_backup_keys_do_not_open_the_live_store(notes_ctx: SecondMe, tmp_path: Path) -> None:
    ctx = notes_ctx
    ctx.set_private("self-test", "a live secret")
    ctx.memory.remember("The spare key is under the blue flowerpot")
    ctx.profile.set_field("email", "ada@example.org", lock=True)
    dest = tmp_path / "b.smbackup"
    ctx.keys.export_backup(dest, BACKUP_PASS)
    ctx.lock()  # everything on disk, in store.db itself
    live = file_sealed_values(ctx.paths.store_file)
    assert len({t for t, *_ in live}) >= 3  # memories, profile fields, private settings

    keys = backup_keys(dest, BACKUP_PASS, tmp_path / "opened")
    # Not one sealed value of the live store opens under the backup's keys...
    assert_none_opens(live, keys)
    live_keys = KeySet.from_data_key(ctx.vault.unlock(PASS))
    assert {keys.seal, keys.hash, keys.snapshot}.isdisjoint(
        {live_keys.seal, live_keys.hash, live_keys.snapshot})
    # ...while every value of the backup's own copy does: they are real keys, just not these.
    copy = file_sealed_values(tmp_path / "opened" / backup.STORE_NAME)
    assert len(copy) == len(live)
    sealer = Sealer(keys)
    for table, rid, col, blob in copy:
        sealer.open(blob, _ad(table, rid, col))
    # The staging folder (the copy under the live key while it was re-keyed) is gone.
    assert not [p for p in ctx.paths.root.iterdir() if p.name.startswith(".backup-")]


def _export_format_1(ctx: SecondMe, dest: Path, passphrase: str, stage: Path) -> None:
    """A backup as the previous format wrote it: the live store's copy and keys in the manifest,
    scrypt at the cost of the time (2**15)."""
    salt = os.urandom(16)
    key = crypto.derive_passphrase_key(passphrase, salt, 2**15, 8, 1)
    head = {"format": 1, "kdf": {"name": "scrypt", "salt": backup._b64(salt), "n": 2**15, "r": 8, "p": 1},
            "check": backup._b64(backup._check(key))}
    body = json.dumps(head, sort_keys=True).encode("utf-8")
    preamble = backup.MAGIC + struct.pack(">I", len(body)) + body
    stage.mkdir()
    ctx.store.backup_to(stage / backup.STORE_NAME)
    keys = ctx.key_set
    manifest = {"kind": backup.KIND, "backup_format": 1, "app": "0.1", "created_at": time.time(),
                "schema_version": ctx.store.schema_version, "settings": asdict(ctx.settings),
                "keys": {"seal": backup._b64(keys.seal), "hash": backup._b64(keys.hash),
                         "snapshot": backup._b64(keys.snapshot)}}
    seal_dir(stage, dest, key, backup.BACKUP_AD + preamble, manifest, preamble=preamble)


def test_previous_format_backup_still_imports(notes_ctx: SecondMe, tmp_path: Path) -> None:
    ctx = notes_ctx
    ctx.set_private("self-test", "from a format 1 backup")
    ctx.memory.remember("The spare key is under the blue flowerpot")
    ctx.profile.set_field("email", "ada@example.org", lock=True)
    ctx.settings.forgetting_tau_days = 9.0
    old = tmp_path / "old.smbackup"
    _export_format_1(ctx, old, BACKUP_PASS, tmp_path / "stage")
    assert backup.check_backup(old, BACKUP_PASS)["backup_format"] == 1
    target = context(tmp_path / "target")
    try:
        out = target.keys.import_backup(old, BACKUP_PASS, PASS)
        assert out["memories"] == 1
        assert target.key_set != ctx.key_set  # import still re-keys to a fresh key
        assert target.get_private("self-test") == "from a format 1 backup"
        assert target.profile.fill("E-mail").value == "ada@example.org"
        assert target.settings.forgetting_tau_days == 9.0
    finally:
        target.close()


# --- bounds on the KDF parameters a backup's header asks for ------------------------------------
FORGED_KDF: dict[str, dict[str, object]] = {
    "n = 2**40": {"n": 2**40},
    "n not a power of two": {"n": 3 * 2**15},
    "n below 2**14": {"n": 2**13},
    "n above 2**22": {"n": 2**23},
    "n a string": {"n": "131072"},
    "r = 0": {"r": 0},
    "r = 33": {"r": 33},
    "p = 0": {"p": 0},
    "p = 17": {"p": 17},
    "2 GiB of memory": {"n": 2**22, "r": 4},
    "15-byte salt": {"salt": base64.b64encode(b"s" * 15).decode()},
    "65-byte salt": {"salt": base64.b64encode(b"s" * 65).decode()},
}


def test_out_of_bounds_kdf_in_a_backup_is_refused_at_once(ctx: SecondMe, tmp_path: Path) -> None:
    good = tmp_path / "good.smbackup"
    ctx.keys.export_backup(good, BACKUP_PASS)
    data = good.read_bytes()
    head_end = 20 + int.from_bytes(data[16:20], "big")
    header = json.loads(data[20:head_end])
    assert header["kdf"]["n"] == crypto.SCRYPT_N >= 2**17  # new backups: today's cost
    target_root = tmp_path / "target"
    target = context(target_root)
    bad = tmp_path / "bad.smbackup"
    for name, change in FORGED_KDF.items():
        forged_head = json.loads(data[20:head_end])
        forged_head["kdf"].update(change)
        forged = json.dumps(forged_head, sort_keys=True).encode()
        bad.write_bytes(data[:16] + len(forged).to_bytes(4, "big") + forged + data[head_end:])
        started = time.perf_counter()
        with pytest.raises(BackupCorrupt, match="damaged or was tampered with"):
            backup.check_backup(bad, BACKUP_PASS)
        with pytest.raises(BackupCorrupt):
            target.keys.import_backup(bad, BACKUP_PASS, PASS)
        assert time.perf_counter() - started < 0.5, f"{name}: scrypt ran"
        assert not target_root.exists(), f"{name}: something was written"

"""Key rotation: every value re-encrypted, every keyed hash recomputed, the old key useless,
search unchanged, and a SIGKILL at any moment leaves data that opens with the vault's key. The
key-encryption key is renewed too (a fresh salt, or a new keyring secret under a new entry, the
old one deleted only after the commit)."""

from __future__ import annotations

import base64
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from secondme import crypto, rotation
from secondme.app import SecondMe
from secondme.crypto import AuthenticationFailed, KeySet, Sealer
from secondme.errors import SnapshotCorrupt, WrongPassphrase
from secondme.index.sealed import DEFAULT_AD, SNAPSHOT_NAME
from secondme.index.snapshot import unseal
from secondme.paths import Paths
from secondme.settings import Settings
from secondme.store.rows import _ad
from secondme.store.schema import PRIVATE
from secondme.vault import KEYRING_SERVICE, Vault
from tests.canary import needles, scan
from tests.core.conftest import PASS, write

pytestmark = pytest.mark.timeout(300)

CANARY_NOTE = "zebracanary-note-7781"
CANARY_MEMORY = "zebracanary-memory-4410"
NOTES = {
    "lisbon.md": f"# Trip to Lisbon\n\nWe ate pastel de nata at Belem. {CANARY_NOTE}\n",
    "garden.md": "# Garden\n\n## Tomatoes\n\nThe cherry tomatoes need water every evening.\n",
    "work/standup.txt": "Standup notes\n\nThe quarterly report is due on Friday; Marta reviews it.\n",
}
QUERIES = ("pastel de nata", "tomatoes water", "quarterly report", "bicycle repair")


def make_notes(root: Path) -> Path:
    for rel, text in NOTES.items():
        write(root / rel, text)
    return root


def populate(ctx: SecondMe, notes: Path) -> None:
    ctx.notes.add_folder(str(notes))
    assert ctx.notes.wait_indexed(120)
    ctx.memory.remember(f"My bicycle repair shop is on Rua Augusta {CANARY_MEMORY}")
    ctx.memory.remember("I water the tomatoes with rain water", source="import:garden-log")
    ctx.set_private("self-test", {"value": "kept"})
    with ctx.store.write() as w:
        w.insert("job_runs", {"job": "nightly", "status": "ok", "started_at": time.time()},
                 {"summary": {"steps": []}, "error": None})
    ctx.session.sync.catch_up()


def results(ctx: SecondMe) -> dict[str, list[tuple[Any, ...]]]:
    ctx.session.sync.catch_up()
    return {q: [(h.kind, h.title, h.snippet, h.path, h.heading) for h in ctx.notes.search(q, k=5)] for q in QUERIES}


def sealed_values(ctx: SecondMe) -> list[tuple[str, int, str, bytes]]:
    out = []
    for table, cols in PRIVATE.items():
        for r in ctx.store.query(f"SELECT * FROM {table}"):
            for c in cols:
                if r[c] is not None:
                    out.append((table, int(r["id"]), c, bytes(r[c])))
    return out


def assert_none_opens(values: list[tuple[str, int, str, bytes]], keys: KeySet) -> None:
    sealer = Sealer(keys)
    for table, rid, col, blob in values:
        with pytest.raises(AuthenticationFailed):
            sealer.open(blob, _ad(table, rid, col))


def test_rotation_reencrypts_everything_and_search_is_identical(notes_ctx: SecondMe, tmp_path: Path) -> None:
    ctx = notes_ctx
    populate(ctx, make_notes(tmp_path / "notes"))
    # Rows from before the schema kept a source / setting name sealed beside its hash.
    with ctx.store.write() as w:
        w.execute("UPDATE memories SET source = NULL WHERE source_key = ?",
                  (ctx.store.keyed_hash("remembered", "source"),))
        w.execute("UPDATE private_settings SET key = NULL")
    before = results(ctx)
    chunk_ids = sorted(int(r[0]) for r in ctx.store.query("SELECT id FROM chunks"))
    old_keys = ctx.key_set
    old_values = sealed_values(ctx)
    assert len({t for t, *_ in old_values}) >= 6  # folders, documents, chunks, memories, settings, jobs
    ctx.session.indexes.seal()  # a snapshot to carry over

    report = ctx.keys.rotate(PASS)

    assert report["key_generation"] == 2 and report["values"] >= len(old_values)
    assert ctx.key_set != old_keys and ctx.vault.rotation_state() is None
    new_values = sealed_values(ctx)
    assert len(new_values) == len(old_values) + 2  # the legacy source and setting name, recovered
    assert_none_opens(new_values, old_keys)  # no value opens under the old key...
    for table, rid, col, blob in new_values:  # ...and every one opens under the new one
        ctx.store.open_value(table, rid, col, blob)
    # Keyed hashes: none is the old key's any more, each is the new key's.
    old_sealer = Sealer(old_keys)
    for r in ctx.store.select("documents"):
        assert r["path_hash"] != old_sealer.keyed_hash(r["path"], "path")  # the path's bytes
        assert r["path_hash"] == ctx.store.keyed_hash(r["path"], "path")
        assert r["content_hash"] == ctx.store.keyed_hash(Path(os.fsdecode(r["path"])).read_bytes(), "content")
    assert results(ctx) == before
    # Unchanged files are not re-read as changed: same chunks, nothing embedded again.
    assert ctx.notes.reindex() == 0
    ctx.notes.wait_indexed(60)
    assert sorted(int(r[0]) for r in ctx.store.query("SELECT id FROM chunks")) == chunk_ids
    # Legacy rows: their source and setting name were recovered and sealed beside them.
    assert ctx.get_private("self-test") == {"value": "kept"}
    assert ctx.memory.forget("import:garden-log") == 1
    assert {r["source"] for r in ctx.store.select("memories")} == {"remembered"}

    ctx.lock()
    snap = ctx.paths.index_dir / SNAPSHOT_NAME
    with pytest.raises(SnapshotCorrupt):
        unseal(snap, tmp_path / "with-old-key", old_keys.snapshot, DEFAULT_AD)
    unseal(snap, tmp_path / "with-new-key", ctx_keys(ctx).snapshot, DEFAULT_AD)
    assert not list(ctx.paths.backups_dir.glob("store-*.db"))
    assert not [p for p in ctx.paths.root.rglob("*") if ".rotating" in p.name or p.name.endswith(".new")]
    assert scan(ctx.paths.root, needles([CANARY_NOTE, CANARY_MEMORY, "Rua Augusta", "Lisbon"])) == []


def ctx_keys(ctx: SecondMe) -> KeySet:
    return KeySet.from_data_key(ctx.vault.unlock(PASS))


def test_wrong_passphrase_changes_nothing(notes_ctx: SecondMe) -> None:
    keys = notes_ctx.key_set
    with pytest.raises(WrongPassphrase):
        notes_ctx.keys.rotate("not the passphrase")
    assert notes_ctx.key_set == keys and notes_ctx.unlocked
    assert notes_ctx.vault.info().key_generation == 1


def test_rotation_with_keyring_vault(data_dir: Path) -> None:
    from tests.core.test_vault import _secret_service

    backend = _secret_service()
    if backend is None:
        pytest.skip("no Secret Service in this session (scripts/run-tests.sh provides one)")
    paths = Paths.at(data_dir)
    ctx = SecondMe(paths, Settings(), Vault(paths.vault_file, backend))
    ctx.init(None)
    try:
        ctx.set_private("self-test", "ok")
        old = ctx.key_set
        ctx.keys.rotate()
        assert ctx.key_set != old and ctx.get_private("self-test") == "ok"
        ctx.lock()
        ctx.unlock()
        assert ctx.get_private("self-test") == "ok"
        assert_none_opens(sealed_values(ctx), old)
    finally:
        ctx.close()


class Crash(BaseException):
    """Stands for the process dying at this point."""


def test_crash_after_commit_is_finished_at_next_unlock(ctx: SecondMe, monkeypatch: pytest.MonkeyPatch) -> None:
    from secondme import rotation

    ctx.set_private("self-test", "before the crash")
    old = ctx.key_set

    def crash(self: object) -> None:
        raise Crash()

    monkeypatch.setattr(rotation._Files, "switch", crash)
    with pytest.raises(Crash):
        ctx.keys.rotate(PASS)
    assert ctx.vault.rotation_state() == "committed"
    assert ctx.paths.store_file.with_name("store.db.new").exists()
    ctx.close()
    monkeypatch.undo()
    again = SecondMe(ctx.paths, Settings(), Vault(ctx.paths.vault_file, None))
    again.unlock(PASS)
    try:
        assert again.vault.rotation_state() is None and again.vault.info().key_generation == 2
        assert again.get_private("self-test") == "before the crash"
        assert_none_opens(sealed_values(again), old)
    finally:
        again.close()


ROTATOR = r"""
import sys
from secondme.app import SecondMe
from secondme.paths import Paths
from secondme.settings import Settings
from secondme.vault import Vault
paths = Paths.at(sys.argv[1])
ctx = SecondMe(paths, Settings(), Vault(paths.vault_file, None))
ctx.unlock(sys.argv[2])
print("ready", flush=True)
while True:
    ctx.keys.rotate(sys.argv[2])
    print(ctx.vault.info().key_generation, flush=True)
"""


def test_sigkill_during_rotation_keeps_data(notes_ctx: SecondMe, tmp_path: Path, embedder: Any) -> None:
    ctx = notes_ctx
    populate(ctx, make_notes(tmp_path / "notes"))
    before = results(ctx)
    memories = sorted(str(r["text"]) for r in ctx.store.select("memories", columns=("text",)))
    ctx.close()
    script = tmp_path / "rotator.py"
    script.write_text(ROTATOR)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    rng = random.Random(20240611)
    paths = Paths.at(ctx.paths.root)
    generations = set()
    cycle = 0.0  # how long one rotation takes here, measured on the first run
    for attempt in range(5):
        # The rotator has no embedder (no indexes of its own) but re-seals the snapshot file.
        proc = subprocess.Popen([sys.executable, str(script), str(paths.root), PASS],
                                stdout=subprocess.PIPE, text=True, env=env)
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        started = time.monotonic()
        if attempt == 0:
            # One rotation completes first; its length (a few scrypt runs at the vault's cost,
            # which differs between machines, plus the re-key) scales where the kills land.
            assert int(proc.stdout.readline()) > 1
            cycle = time.monotonic() - started
            time.sleep(rng.uniform(0.0, cycle))
        else:
            time.sleep(rng.uniform(0.05, 1.5 * cycle))
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        state = Vault(paths.vault_file, None).rotation_state()
        # Reopen: recovery finishes or undoes the rotation; everything opens with the vault's key.
        c = SecondMe(paths, Settings(), Vault(paths.vault_file, None))
        c.unlock(PASS)
        try:
            assert c.vault.rotation_state() is None, state
            generations.add(c.vault.info().key_generation)
            for table, rid, col, blob in sealed_values(c):
                c.store.open_value(table, rid, col, blob)
            assert sorted(str(r["text"]) for r in c.store.select("memories", columns=("text",))) == memories
        finally:
            c.close()
        snap = paths.index_dir / SNAPSHOT_NAME
        if snap.exists():
            unseal(snap, tmp_path / f"snap-{len(generations)}-{rng.random()}", ctx_keys(c).snapshot, DEFAULT_AD)
    assert max(generations) > 1, "no rotation completed: the kills came too early"
    # The full app (indexes from the carried-over snapshot) still finds the same things.
    c = SecondMe(paths, Settings(), Vault(paths.vault_file, None), embedder)
    c.unlock(PASS)
    try:
        assert results(c) == before
    finally:
        c.close()


# --- rotation also renews the key-encryption key ------------------------------------------------
def _vault_json(paths: Paths) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(paths.vault_file.read_text())
    return data


def _context_of(d: dict[str, Any]) -> bytes:
    return f"secondme-vault|{d['vault_id']}|{d['method']}".encode()


def test_rotation_renews_the_passphrase_salt(ctx: SecondMe) -> None:
    before = _vault_json(ctx.paths)
    old_kek = crypto.derive_passphrase_key(PASS, base64.b64decode(before["kdf"]["salt"]),
                                           before["kdf"]["n"], before["kdf"]["r"], before["kdf"]["p"])
    ctx.keys.rotate(PASS)
    after = _vault_json(ctx.paths)
    assert after["kdf"]["salt"] != before["kdf"]["salt"] and after["kdf"]["n"] == crypto.SCRYPT_N
    # The old key-encryption key (the passphrase with the old salt) unwraps nothing any more.
    with pytest.raises(AuthenticationFailed):
        crypto.unwrap_key(old_kek, base64.b64decode(after["wrapped_key"]), _context_of(after))
    ctx.lock()
    ctx.unlock(PASS)  # the same passphrase opens it


def _keyring_context(data_dir: Path) -> tuple[SecondMe, Any]:
    from tests.core.test_vault import _secret_service

    backend = _secret_service()
    if backend is None:
        if os.environ.get("CI"):
            pytest.fail("CI must provide a real Secret Service (gnome-keyring under dbus-run-session)")
        pytest.skip("no Secret Service in this session (scripts/run-tests.sh provides one)")
    paths = Paths.at(data_dir)
    ctx = SecondMe(paths, Settings(), Vault(paths.vault_file, backend))
    ctx.init(None)
    return ctx, backend


def test_rotation_renews_the_keyring_secret(data_dir: Path) -> None:
    ctx, backend = _keyring_context(data_dir)
    try:
        ctx.set_private("self-test", "ok")
        before = _vault_json(ctx.paths)
        old_entry = before["keyring"]
        old_secret = backend.get_password(old_entry["service"], old_entry["username"])
        assert old_secret
        ctx.keys.rotate()
        after = _vault_json(ctx.paths)
        new_entry = after["keyring"]
        new_secret = backend.get_password(new_entry["service"], new_entry["username"])
        assert new_entry["username"] != old_entry["username"] and new_secret and new_secret != old_secret
        # The old entry is gone, and its secret unwraps nothing any more.
        assert backend.get_password(old_entry["service"], old_entry["username"]) is None
        with pytest.raises(AuthenticationFailed):
            crypto.unwrap_key(base64.b64decode(old_secret), base64.b64decode(after["wrapped_key"]),
                              _context_of(after))
        assert not {"rotation", "pending_keyring", "retired_keyring"} & set(after)
        ctx.lock()
        ctx.unlock()
        assert ctx.get_private("self-test") == "ok"
    finally:
        ctx.close()


def test_keyring_crash_before_commit_keeps_the_old_secret(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ctx, backend = _keyring_context(data_dir)
    ctx.set_private("self-test", "before the crash")
    old_entry = _vault_json(ctx.paths)["keyring"]
    real_write = Vault._write

    def write(self: Vault, data: dict[str, Any]) -> None:
        if data.get("rotation") == "committed":
            raise Crash()  # the new secret is in the keyring; the vault file still names the old
        real_write(self, data)

    monkeypatch.setattr(Vault, "_write", write)
    monkeypatch.setattr(rotation, "recover", lambda *a: None)  # the process dies: no clean-up
    with pytest.raises(Crash):
        ctx.keys.rotate()
    monkeypatch.undo()
    d = _vault_json(ctx.paths)
    pending = d["pending_keyring"]
    assert d["rotation"] == "prepared" and d["keyring"] == old_entry
    assert backend.get_password(KEYRING_SERVICE, pending)  # written ahead of the vault file
    ctx.close()
    again = SecondMe(ctx.paths, Settings(), Vault(ctx.paths.vault_file, backend))
    again.unlock()
    try:
        assert again.get_private("self-test") == "before the crash"
        after = _vault_json(ctx.paths)
        assert after["keyring"] == old_entry and after["key_generation"] == 1
        assert not {"rotation", "pending_keyring", "retired_keyring"} & set(after)
        assert backend.get_password(KEYRING_SERVICE, pending) is None  # the unused secret is removed
    finally:
        again.close()


def test_keyring_crash_after_commit_retires_the_old_secret(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ctx, backend = _keyring_context(data_dir)
    ctx.set_private("self-test", "before the crash")
    old_entry = _vault_json(ctx.paths)["keyring"]

    def crash(self: object) -> None:
        raise Crash()

    monkeypatch.setattr(rotation._Files, "switch", crash)
    with pytest.raises(Crash):
        ctx.keys.rotate()
    monkeypatch.undo()
    d = _vault_json(ctx.paths)
    assert d["rotation"] == "committed" and d["retired_keyring"] == [old_entry]
    assert backend.get_password(old_entry["service"], old_entry["username"])  # not yet deleted
    ctx.close()
    again = SecondMe(ctx.paths, Settings(), Vault(ctx.paths.vault_file, backend))
    again.unlock()
    try:
        assert again.get_private("self-test") == "before the crash"
        after = _vault_json(ctx.paths)
        assert after["key_generation"] == 2 and after["keyring"] != old_entry
        assert not {"rotation", "pending_keyring", "retired_keyring"} & set(after)
        assert backend.get_password(old_entry["service"], old_entry["username"]) is None
    finally:
        again.close()

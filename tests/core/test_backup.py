"""Encrypted backups: a round trip into a fresh data folder finds the same things; a damaged,
truncated or wrongly unlocked backup is refused before anything is written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from secondme.app import SecondMe
from secondme.errors import AlreadyInitialized, BackupCorrupt, BackupError, BackupWrongPassphrase
from secondme.paths import Paths
from secondme.settings import Settings
from secondme.vault import Vault
from tests.canary import needles, scan
from tests.core.conftest import PASS
from tests.core.test_cli_core import run
from tests.core.test_rotation import CANARY_MEMORY, CANARY_NOTE, make_notes, populate, results

pytestmark = pytest.mark.timeout(300)

BACKUP_PASS = "a separate backup passphrase"


def context(root: Path, embedder: Any = None) -> SecondMe:
    paths = Paths.at(root)
    return SecondMe(paths, Settings(debounce_seconds=0.2), Vault(paths.vault_file, None), embedder)


def test_round_trip_into_fresh_data_dir(notes_ctx: SecondMe, tmp_path: Path, embedder: Any) -> None:
    src = notes_ctx
    populate(src, make_notes(tmp_path / "notes"))
    src.set_profile_field("email", "ada@example.org", lock=True)
    src.settings.forgetting_tau_days = 12.5
    before = results(src)
    memories = sorted(str(r["text"]) for r in src.store.select("memories", columns=("text",)))
    dest = tmp_path / "out" / "me.smbackup"
    dest.parent.mkdir()
    res = src.export_backup(dest, BACKUP_PASS)
    assert res["path"] == str(dest) and dest.stat().st_size == res["bytes"]
    assert [p.name for p in dest.parent.iterdir()] == ["me.smbackup"]  # no temp file left
    assert not [p for p in src.paths.root.iterdir() if p.name.startswith(".backup-")]
    assert scan(dest.parent, needles([CANARY_NOTE, CANARY_MEMORY, "Lisbon", "ada@example.org"])) == []

    restored = context(tmp_path / "restored", embedder)
    try:
        out = restored.import_backup(dest, BACKUP_PASS, "the restored data's passphrase")
        assert out["memories"] == len(memories) and out["documents"] == 3 and out["replaced"] is None
        assert restored.unlocked and restored.vault.info().method == "passphrase"
        assert restored.keys != src.keys  # re-keyed: the copy shares no key with the original
        assert restored.wait_indexed(120)
        assert results(restored) == before
        assert sorted(str(r["text"]) for r in restored.store.select("memories", columns=("text",))) == memories
        assert restored.fill("E-mail").value == "ada@example.org"
        assert restored.get_private("self-test") == {"value": "kept"}
        assert restored.settings.forgetting_tau_days == 12.5
        # The notes folder keeps working: known files are unchanged, a new one is indexed.
        assert [f.path for f in restored.folders()] == [f.path for f in src.folders()]
        assert restored.reindex() == 0
        (tmp_path / "notes" / "new.md").write_text("# Kayak\n\nThe kayak club meets on Sundays.\n")
        assert restored.reindex() == 1 and restored.wait_indexed(60)
        assert any(h.path and h.path.endswith("new.md") for h in restored.search("kayak club"))
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
    ctx.export_backup(good, BACKUP_PASS)
    data = good.read_bytes()
    target_root = tmp_path / "target"
    target = context(target_root)
    bad = tmp_path / "bad.smbackup"
    for name, variant in _variants(data).items():
        bad.write_bytes(variant)
        with pytest.raises(BackupCorrupt):
            target.import_backup(bad, BACKUP_PASS, PASS)
        assert not target_root.exists(), f"{name}: something was written"
    with pytest.raises(BackupWrongPassphrase, match="wrong backup passphrase"):
        target.import_backup(good, "not the backup passphrase", PASS)
    assert not target_root.exists()
    # A changed header (its salt or KDF cost) cannot pass either.
    head_end = 20 + int.from_bytes(data[16:20], "big")  # magic, length, JSON
    header = json.loads(data[20:head_end])
    header["kdf"]["n"] = 2**14
    forged = json.dumps(header, sort_keys=True).encode()
    bad.write_bytes(data[:16] + len(forged).to_bytes(4, "big") + forged + data[head_end:])
    with pytest.raises(BackupError):
        target.import_backup(bad, BACKUP_PASS, PASS)
    assert not target_root.exists()
    # And the untouched file still restores.
    target.import_backup(good, BACKUP_PASS, PASS)
    try:
        assert target.get_private("self-test") == "the real thing"
    finally:
        target.close()


def test_import_into_initialised_dir_is_refused_unless_replacing(ctx: SecondMe, tmp_path: Path) -> None:
    ctx.set_private("self-test", "from the backup")
    backup = tmp_path / "b.smbackup"
    ctx.export_backup(backup, BACKUP_PASS)
    other = context(tmp_path / "other")
    other.init("other data passphrase")
    try:
        other.set_private("self-test", "replaced later")
        before = {p.name for p in other.paths.root.rglob("*")}
        with pytest.raises(AlreadyInitialized):
            other.import_backup(backup, BACKUP_PASS, "other data passphrase")
        assert {p.name for p in other.paths.root.rglob("*")} == before
        out = other.import_backup(backup, BACKUP_PASS, "other data passphrase", replace=True)
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

"""Metadata at rest (issue 18, item 9): what store.db shows someone who copies it.

Exact times, sizes and recall counts are sealed; plain columns keep at most the UTC day; sealed
values are padded to size buckets. Behaviour that needs the exact values (order, forgetting,
skipping unchanged notes at start, time filters) still sees them.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from secondme.app import SecondMe
from secondme.crypto import AuthenticationFailed, KeySet, Sealer, padded_length
from secondme.jobs.history import JobHistory
from secondme.memory.items import NewMemory
from secondme.store import Store
from secondme.store.schema import DAY_SECONDS, PRIVATE, SCHEMA_VERSION
from tests.core.conftest import PASS, write
from tests.core.raw_store import old_store

DAY = float(DAY_SECONDS)
BASE_DAY = math.floor((time.time() - 30 * DAY) / DAY) * DAY  # a UTC midnight a month ago


def _at(days: float, seconds: float) -> float:
    # Noon-ish plus a fraction: far from midnight, so the day and the exact value never match.
    return BASE_DAY + days * DAY + 40000.0 + seconds + 0.123


# --- padding ---------------------------------------------------------------------------------
def _sealer() -> tuple[Sealer, KeySet]:
    keys = KeySet.from_data_key(os.urandom(32))
    return Sealer(keys), keys


def test_sealed_lengths_are_bucketed() -> None:
    s, _ = _sealer()
    assert len(s.seal(b"abc", b"ad")) == len(s.seal(b"x" * 17, b"ad")) == len(s.seal(b"", b"ad"))
    assert len(s.seal(b"x" * 1000, b"ad")) == len(s.seal(b"x" * 1010, b"ad"))
    for n in (0, 1, 30, 31, 32, 33, 100, 1536, 4097, 70000):
        v = os.urandom(n)
        sealed = s.seal(v, b"ad")
        assert s.open(sealed, b"ad") == v
        body = len(sealed) - 1 - 12 - 16
        assert body == padded_length(body) and body >= n + 1
        assert body <= max(32, (n + 1) * 1.12)  # Padmé: at most 12% over


def test_version_1_values_still_open_and_cannot_be_relabelled() -> None:
    s, keys = _sealer()
    nonce = os.urandom(12)
    v1 = bytes([1]) + nonce + AESGCM(keys.seal).encrypt(nonce, b"sealed by 1\x80", b"ad")
    assert s.open(v1, b"ad") == b"sealed by 1\x80"  # no padding stripped from a version 1 value
    with pytest.raises(AuthenticationFailed):
        s.open(bytes([2]) + v1[1:], b"ad")


@pytest.mark.parametrize("padded", [b"no marker", b"\x00" * 32, b"abc\x80\x00x"])
def test_a_malformed_pad_does_not_open(padded: bytes) -> None:
    s, keys = _sealer()
    nonce = os.urandom(12)
    sealed = bytes([2]) + nonce + AESGCM(keys.seal).encrypt(nonce, padded, b"\x02ad")
    with pytest.raises(AuthenticationFailed):
        s.open(sealed, b"ad")


# --- what a copied store.db shows -------------------------------------------------------------
def _plain_cells(db: Path) -> list[tuple[str, str, Any]]:
    """(table, column, value) of every non-BLOB cell in the file."""
    conn = sqlite3.connect(db)
    try:
        out = []
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            for row in conn.execute(f"SELECT * FROM {table}"):
                out += [(table, c, v) for c, v in zip(cols, row, strict=True)
                        if v is not None and not isinstance(v, bytes)]
        return out
    finally:
        conn.close()


def _sealed_cells(db: Path) -> list[tuple[str, str, bytes]]:
    conn = sqlite3.connect(db)
    try:
        return [(t, c, bytes(v)) for t, cols in PRIVATE.items() for c in cols
                for (v,) in conn.execute(f"SELECT {c} FROM {t} WHERE {c} IS NOT NULL")]
    finally:
        conn.close()


def _near(value: Any, secret: float) -> bool:
    # Within a second (the exact value, or one rounded/truncated); a day is 86,400 s away.
    return isinstance(value, (int, float)) and abs(float(value) - secret) < 1.0


def test_store_file_keeps_no_exact_times_or_sizes(notes_ctx: SecondMe, tmp_path: Path) -> None:
    root = tmp_path / "notes"
    notes = {
        "garden": write(root / "garden.md", "# Garden plan\n\nSan Marzano tomatoes by the fence.\n" * 7),
        "trip": write(root / "trip.md", "# Lisbon\n\nTrams, custard tarts and the river at dusk.\n" * 13),
    }
    for i, p in enumerate(notes.values()):
        os.utime(p, (_at(i, 11.0), _at(i, 11.0)))
    stats = {k: os.stat(p) for k, p in notes.items()}
    notes_ctx.notes.add_folder(str(root))
    assert notes_ctx.notes.wait_indexed(60)

    said = _at(3, 500.0)
    notes_ctx.memory.remember("My sister Ana moved to Porto", at=said)
    asked = _at(5, 777.0)
    hits = notes_ctx.memory.engine().recall("Where does Ana live?", now=asked)  # reinforces at ``asked``
    assert hits
    notes_ctx.jobs.run_now(wait=True)
    store_file = notes_ctx.paths.store_file
    notes_ctx.lock()  # checkpoints the WAL into store.db

    secrets = [said, asked, *(s.st_mtime for s in stats.values())]
    sizes = {s.st_size for s in stats.values()}
    for table, col, v in _plain_cells(store_file):
        assert not any(_near(v, t) for t in secrets), (table, col, v)
        if col in ("size", "mtime", "last_recalled", "indexed_at", "updated_at", "finished_at"):
            raise AssertionError(f"{table}.{col} still holds {v!r} in plain")
        if col in ("event_time", "created_at", "started_at", "added_at"):
            assert float(v) % DAY == 0, (table, col, v)  # a UTC midnight: the day only
        if col == "strength":
            assert v == 1.0, "recall counts are sealed"
        assert not (table == "documents" and v in sizes), (table, col, v)
    # The days episodes must rebuild are sealed too (they said which days had notes and chats).
    conn = sqlite3.connect(store_file)
    assert not conn.execute("SELECT key, value FROM meta WHERE key LIKE '%dirty%'").fetchall()
    conn.close()
    sealed = _sealed_cells(store_file)
    assert sealed
    for table, col, blob in sealed:
        body = len(blob) - 1 - 12 - 16
        assert blob[0] == 2 and body == padded_length(body), (table, col, len(blob))

    # Behaviour that needs the exact values still has them.
    notes_ctx.unlock(PASS)
    mine = [m for m in notes_ctx.memory.memories(kind="message") if m.text.startswith("My sister")]
    assert mine and mine[0].event_time == said
    assert mine[0].last_recalled == asked and mine[0].strength == 2.0


def test_order_dedupe_and_forgetting_use_the_sealed_exact_times(notes_ctx: SecondMe) -> None:
    ctx = notes_ctx
    engine = ctx.memory.engine()
    # Same day, inserted out of order: plain SQL cannot tell them apart.
    times = [_at(1, 30.0), _at(1, 10.0), _at(1, 20.0), _at(0, 5.0)]
    assert engine.add([NewMemory(text=f"turn at {t}", at=t, source="conversation:x") for t in times]) == 4
    # Same words twice in one conversation on one day are two messages; a re-import is none.
    assert engine.add([NewMemory(text="ok", at=_at(1, 40.0), source="conversation:x"),
                       NewMemory(text="ok", at=_at(1, 50.0), source="conversation:x")]) == 2
    assert engine.add([NewMemory(text="ok", at=_at(1, 40.0), source="conversation:x")]) == 0
    listed = [m.event_time for m in ctx.memory.memories(kind="message", limit=3)]
    assert listed == [_at(1, 50.0), _at(1, 40.0), _at(1, 30.0)]
    everything = [m.event_time for m in ctx.memory.memories(kind="message", limit=100)]
    assert everything == sorted(everything, reverse=True) and len(everything) == 6

    # Forgetting: R = exp(-t / (tau * S)) from the exact last recall.
    mid = ctx.memory.remember("The boiler code is 4471", at=_at(0, 0.0))
    now = _at(2, 0.0)
    engine.reinforce([mid], now)
    view = next(m for m in ctx.memory.memories(limit=100) if m.id == mid)
    assert view.last_recalled == now and view.strength == 2.0
    tau = ctx.settings.forgetting_tau_days
    assert view.retention == pytest.approx(math.exp(-(time.time() - now) / DAY / (tau * 2.0)), rel=1e-3)
    res = ctx.memory.decay(now=now + 100 * tau * DAY)
    assert res["faded"] >= 1
    assert next(m for m in ctx.memory.memories(limit=100) if m.id == mid).state == "faded"


def test_job_history_is_ordered_by_the_sealed_start_times(ctx: SecondMe) -> None:
    hist = JobHistory(ctx.store)
    # Started the same day, recorded out of order.
    a = hist.begin("nightly", "manual", _at(2, 300.0), ["x"])
    b = hist.begin("nightly", "manual", _at(2, 100.0), ["x"])
    for run in (a, b):
        run.status, run.finished_at = "ok", run.started_at + 60
        hist.save(run)
    assert [r.started_at for r in hist.recent("nightly", 2)] == [_at(2, 300.0), _at(2, 100.0)]
    last = hist.last_handled_start("nightly")
    assert last is not None and last.timestamp() == _at(2, 300.0)
    got = hist.get(b.id)
    assert got is not None and got.finished_at == _at(2, 160.0)


def test_unchanged_notes_are_skipped_at_start_and_changed_ones_reindexed(notes_ctx: SecondMe, tmp_path: Path) -> None:
    root = tmp_path / "notes"
    a = write(root / "a.md", "# Alpha\n\nThe quince jam recipe uses lemon peel.\n")
    write(root / "b.md", "# Beta\n\nThe bike lock code is in the blue drawer.\n")
    notes_ctx.notes.add_folder(str(root))
    assert notes_ctx.notes.wait_indexed(60)
    notes_ctx.lock()
    notes_ctx.unlock(PASS)
    assert notes_ctx.notes.reindex() == 0, "nothing changed while closed"
    notes_ctx.keys.rotate(PASS)  # the stat keys are keyed hashes: rotation recomputes them
    notes_ctx.lock()
    notes_ctx.unlock(PASS)
    assert notes_ctx.notes.reindex() == 0, "nothing changed across a key rotation"
    notes_ctx.lock()
    write(a, "# Alpha\n\nThe quince jam recipe uses orange peel and star anise.\n")
    os.utime(a, (time.time() + 5, time.time() + 5))
    notes_ctx.unlock(PASS)
    assert notes_ctx.notes.reindex() == 1
    assert notes_ctx.notes.wait_indexed(60)
    assert "anise" in notes_ctx.notes.search("star anise", k=1)[0].snippet.replace("\x02", "").replace("\x03", "")
    st = os.stat(a)
    hit = notes_ctx.notes.search("star anise", k=1)[0]
    assert hit.date == st.st_mtime  # the exact mtime, from the sealed copy


# --- migration of an existing store ------------------------------------------------------------
def test_v4_migration_seals_exact_values_and_keeps_the_days(tmp_path: Path) -> None:
    sealer, _ = _sealer()
    db = tmp_path / "store.db"
    conn = old_store(db, sealer, 3)
    ev, made, recalled = _at(0, 1.0), _at(1, 2.0), _at(2, 3.0)
    conn.execute("INSERT INTO memories (id, kind, event_time, created_at, last_recalled, strength) "
                 "VALUES (1, 'message', ?, ?, ?, 3)", (ev, made, recalled))
    conn.execute("INSERT INTO folders (id, path_hash, added_at) VALUES (1, 'f', ?)", (made,))
    conn.execute("INSERT INTO documents (id, folder_id, path_hash, size, mtime, indexed_at, state) "
                 "VALUES (1, 1, 'p', 1234, ?, ?, 'ok')", (ev, made))
    conn.execute("INSERT INTO chunks (id, document_id, ordinal, mtime) VALUES (1, 1, 0, ?)", (ev - 50,))
    conn.execute("INSERT INTO job_runs (id, job, status, started_at, finished_at) VALUES (1, 'n', 'ok', ?, ?)",
                 (made, recalled))
    conn.execute("INSERT INTO profile_fields (id, field, updated_at) VALUES (1, 'email', ?)", (recalled,))
    conn.execute("INSERT INTO meta (key, value) VALUES ('memory.consolidate.dirty_days', ?)",
                 (json.dumps([datetime.fromtimestamp(ev).strftime("%Y-%m-%d")]),))
    conn.close()

    store = Store(db, sealer, backups_dir=tmp_path / "backups")
    try:
        assert store.schema_version == SCHEMA_VERSION
        m = store.get("memories", 1)
        assert m is not None
        assert (m["event_time"], m["created_at"], m["last_recalled"], m["strength"]) == (ev, made, recalled, 3)
        d = store.get("documents", 1)
        assert d is not None and (d["size"], d["mtime"], d["content_mtime"]) == (1234, ev, ev - 50)
        j = store.get("job_runs", 1)
        assert j is not None and (j["started_at"], j["finished_at"]) == (made, recalled)
        p = store.get("profile_fields", 1)
        assert p is not None and p["updated_at"] == recalled
        from secondme.store.repos.marks import DirtyDays

        assert DirtyDays(store).get() == {datetime.fromtimestamp(ev).strftime("%Y-%m-%d")}
        stat_key = store.scalar("SELECT stat_key FROM documents WHERE id = 1")
        assert stat_key == store.keyed_hash(f"p\0{1234}\0{ev!r}".encode(), "stat")
    finally:
        store.close()
    secrets = [ev, made, recalled, ev - 50]
    for table, col, v in _plain_cells(db):
        assert not any(_near(v, t) for t in secrets), (table, col, v)
        assert not (table == "documents" and v == 1234), (table, col, v)
        assert not (table == "meta" and "dirty" in str(v)), (table, col, v)

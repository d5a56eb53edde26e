"""The encrypted store: round trips, tamper and swap detection, migrations, concurrency."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import numpy as np
import pytest

from secondme.app import SecondMe
from secondme.errors import StoreCorruption
from secondme.store.schema import PRIVATE, SCHEMA_VERSION, coarse, has_exact

SAMPLES = {
    "folders": ({"path_hash": "h1", "added_at": 1.0}, {"path": b"/home/ann/Notes"}),
    "documents": (
        {"path_hash": "h2", "format": "markdown", "state": "ok", "size": 10, "mtime": 2.0},
        {"path": b"/home/ann/Notes/a.md", "title": "Garden plan", "meta": {"tags": ["x"]}, "error": None},
    ),
    "memories": (
        {"kind": "fact", "created_at": 3.0, "event_time": 3.0},
        {"text": "Ann lives at 12 Rue Cler", "meta": {"keywords": ["rue"]},
         "embedding": np.arange(4, dtype=np.float32).tobytes()},
    ),
    "conversations": ({"created_at": 4.0}, {"title": "Trip to Lyon"}),
    "profile_fields": ({"field": "email", "confidence": 0.9}, {"value": {"v": "ann@example.org"}, "meta": {}}),
    "job_runs": ({"job": "nightly", "status": "ok", "started_at": 5.0}, {"summary": {"added": 3}, "error": "x"}),
    "private_settings": ({"key_hash": "k"}, {"value": ["a", 1]}),
    "mcp_calls": ({"tool": "search", "outcome": "ok", "called_at": 7.0},
                  {"client": "Claude Desktop", "query": "where is the spare key", "detail": "3 results"}),
}


def _insert_all(ctx: SecondMe) -> dict[str, int]:
    ids: dict[str, int] = {}
    with ctx.store.write() as w:
        for table, (plain, private) in SAMPLES.items():
            ids[table] = w.insert(table, plain, private)
        ids["chunks"] = w.insert(
            "chunks", {"document_id": ids["documents"], "ordinal": 0},
            {"text": "chunk text", "meta": {"lines": [1, 4]}, "embedding": b"\x00\x01"},
        )
        ids["messages"] = w.insert(
            "messages", {"conversation_id": ids["conversations"], "role": "user", "created_at": 6.0},
            {"text": "hello there", "meta": {"speaker": "Ann"}},
        )
    return ids


def test_every_table_round_trips(ctx: SecondMe) -> None:
    ids = _insert_all(ctx)
    assert set(ids) == set(PRIVATE), "every table with private columns is exercised"
    for table, (plain, private) in SAMPLES.items():
        row = ctx.store.get(table, ids[table])
        assert row is not None
        for k, v in {**plain, **private}.items():
            # Times a table does not keep exactly read back as their day (schema.COARSE).
            want = v if has_exact(table) else coarse(table, k, v)
            assert row[k] == want, (table, k)
    assert ctx.store.get("chunks", ids["chunks"])["text"] == "chunk text"  # type: ignore[index]
    assert ctx.store.get("messages", ids["messages"])["meta"] == {"speaker": "Ann"}  # type: ignore[index]


def test_values_survive_reopen(ctx: SecondMe) -> None:
    ids = _insert_all(ctx)
    ctx.lock()
    ctx.unlock("correct horse battery staple")
    assert ctx.store.get("memories", ids["memories"])["text"] == "Ann lives at 12 Rue Cler"  # type: ignore[index]


def _raw(ctx: SecondMe) -> sqlite3.Connection:
    return sqlite3.connect(ctx.paths.store_file, isolation_level=None)


def test_tampered_value_is_reported_for_that_row(ctx: SecondMe) -> None:
    ids = _insert_all(ctx)
    with ctx.store.write() as w:
        other = w.insert("memories", {"kind": "fact", "created_at": 1.0}, {"text": "untouched"})
    raw = _raw(ctx)
    blob = bytearray(raw.execute("SELECT text FROM memories WHERE id=?", (ids["memories"],)).fetchone()[0])
    blob[-5] ^= 0x01
    raw.execute("UPDATE memories SET text=? WHERE id=?", (bytes(blob), ids["memories"]))
    raw.close()
    with pytest.raises(StoreCorruption) as err:
        ctx.store.get("memories", ids["memories"])
    assert (err.value.table, err.value.row_id, err.value.column) == ("memories", ids["memories"], "text")
    # The rest of the store is fine.
    assert ctx.store.get("memories", other)["text"] == "untouched"  # type: ignore[index]


def test_swapped_values_between_rows_and_columns_are_detected(ctx: SecondMe) -> None:
    with ctx.store.write() as w:
        a = w.insert("memories", {"kind": "fact", "created_at": 1.0}, {"text": "alpha", "meta": {"k": 1}})
        b = w.insert("memories", {"kind": "fact", "created_at": 1.0}, {"text": "beta"})
    raw = _raw(ctx)
    ta = raw.execute("SELECT text FROM memories WHERE id=?", (a,)).fetchone()[0]
    tb = raw.execute("SELECT text FROM memories WHERE id=?", (b,)).fetchone()[0]
    meta_a = raw.execute("SELECT meta FROM memories WHERE id=?", (a,)).fetchone()[0]
    raw.execute("UPDATE memories SET text=? WHERE id=?", (tb, a))
    raw.execute("UPDATE memories SET text=? WHERE id=?", (ta, b))
    raw.close()
    with pytest.raises(StoreCorruption):
        ctx.store.get("memories", a)
    with pytest.raises(StoreCorruption):
        ctx.store.get("memories", b)
    raw = _raw(ctx)  # a value moved to another column of the same row
    raw.execute("UPDATE memories SET text=? WHERE id=?", (meta_a, a))
    raw.close()
    with pytest.raises(StoreCorruption):
        ctx.store.get("memories", a, columns=["text"])


def test_migration_takes_a_backup(ctx: SecondMe) -> None:
    assert ctx.store.schema_version == SCHEMA_VERSION
    ctx.lock()
    # Pretend the store is one version older (v0 -> v1 re-creates nothing since v1 is the first).
    raw = sqlite3.connect(ctx.paths.store_file)
    raw.execute("PRAGMA user_version=0")
    raw.close()
    from secondme.store import schema

    calls: list[int] = []
    schema.MIGRATIONS.append(lambda conn: calls.append(1))
    try:
        raw = sqlite3.connect(ctx.paths.store_file)
        raw.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        raw.close()
        import secondme.store.db as db

        old = db.SCHEMA_VERSION
        db.SCHEMA_VERSION = SCHEMA_VERSION + 1
        try:
            ctx.unlock("correct horse battery staple")
            assert calls == [1]
            assert ctx.store.schema_version == SCHEMA_VERSION + 1
            backups = list(ctx.paths.backups_dir.glob("store-before-*.db"))
            assert len(backups) == 1
            assert sqlite3.connect(backups[0]).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        finally:
            db.SCHEMA_VERSION = old
    finally:
        schema.MIGRATIONS.pop()


def test_concurrent_readers_while_writing(ctx: SecondMe) -> None:
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader() -> None:
        try:
            while not stop.is_set():
                for r in ctx.store.select("memories", "kind = ?", ("note",)):
                    assert r["text"].startswith("note ")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    for i in range(200):
        with ctx.store.write() as w:
            w.insert("memories", {"kind": "note", "created_at": float(i)}, {"text": f"note {i}"})
    stop.set()
    for t in threads:
        t.join()
    assert not errors
    assert ctx.store.scalar("SELECT COUNT(*) FROM memories WHERE kind='note'") == 200


def test_failed_transaction_rolls_back(ctx: SecondMe) -> None:
    with pytest.raises(RuntimeError):
        with ctx.store.write() as w:
            w.insert("memories", {"kind": "fact", "created_at": 1.0}, {"text": "half"})
            raise RuntimeError("boom")
    assert ctx.store.scalar("SELECT COUNT(*) FROM memories") == 0


def test_private_settings(ctx: SecondMe, data_dir: Path) -> None:
    ctx.set_private("folders", ["/home/ann/Notes"])
    ctx.set_private("folders", ["/home/ann/Notes", "/srv/x"])
    assert ctx.get_private("folders") == ["/home/ann/Notes", "/srv/x"]
    assert ctx.get_private("missing", 7) == 7

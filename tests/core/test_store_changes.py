"""The change log is written by the store itself (schema v7 triggers) and the index sync hears
of it: no writer records changes by hand, and none can forget to."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from secondme.app import SecondMe
from secondme.crypto import KeySet, Sealer
from secondme.errors import StoreCorruption
from secondme.notes.documents import DocumentStore
from secondme.results import SearchFilters
from secondme.store import Store
from secondme.store.repos.memories import MemoryRepository
from secondme.store.schema import CHANGE_WATCHED, SCHEMA_VERSION
from tests.core.conftest import write
from tests.core.raw_store import old_store


def _store(tmp_path: Path) -> Store:
    return Store(tmp_path / "store.db", Sealer(KeySet.from_data_key(bytes(range(32)))),
                 backups_dir=tmp_path / "backups")


def _log(store: Store, after: int = 0) -> list[tuple[str, int, str]]:
    return [(e, i, op) for _, e, i, op in store.changes_since(after)]


def _until(check: Callable[[], bool], timeout: float = 60.0) -> bool:
    """Poll ``check`` (the background sync applies the log on its own thread)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.1)
    return check()


def _add_memory(store: Store, text: str, kind: str = "note") -> int:
    with store.write() as w:
        return MemoryRepository(store).insert(w, kind=kind, text=text, meta={}, at=None, now=time.time())


def test_each_written_row_logs_one_change_and_nothing_else_does(tmp_path: Path) -> None:
    store = _store(tmp_path)
    try:
        with store.write() as w:
            fid = w.insert("folders", {"path_hash": "f", "added_at": 1.0}, {"path": b"/notes"})
            did = w.insert("documents", {"folder_id": fid, "path_hash": "d", "format": "markdown", "state": "ok",
                                         "mtime": 5.0}, {"path": b"/notes/a.md", "title": "A"})
            # Writer.insert seals the private columns in a second statement: still one row each.
            cid = w.insert("chunks", {"document_id": did, "ordinal": 0},
                           {"text": "hello", "meta": {"heading": []}, "embedding": None})
        assert _log(store) == [("document", did, "upsert"), ("chunk", cid, "upsert")]
        mid = _add_memory(store, "my bike is blue")
        assert _log(store)[-1] == ("memory", mid, "upsert") and store.last_change() == 3

        # Phase 2 fills the embedding alone: a vector-only change, so the keyword row stays.
        seen = store.last_change()
        with store.write() as w:
            w.update("chunks", cid, private={"embedding": np.ones(4, np.float32).tobytes()})
        assert _log(store, seen) == [("chunk", cid, "vector")]

        # Bookkeeping the indexes do not read logs nothing: a recall, a pin, a touched file,
        # a job run, a setting.
        seen = store.last_change()
        repo = MemoryRepository(store)
        with store.write() as w:
            repo.set_clock(w, mid, 3.0, time.time())
            repo.set_pinned(w, mid, True)
            w.update("documents", did, {"size": 10, "mtime": 6.0, "stat_key": "k"})
            w.update("chunks", cid, {"content_hash": "h"})
            w.insert("job_runs", {"job": "nightly", "status": "ok", "started_at": 1.0})
        assert store.last_change() == seen

        # What an index reads logs, once per row and transaction step.
        with store.write() as w:
            repo.set_state(w, mid, "faded", {"why": "old"})
            w.update("documents", did, {"folder_id": fid}, {"title": "B"})
        assert _log(store, seen) == [("memory", mid, "upsert"), ("document", did, "upsert")]

        # Deleting the folder cascades (foreign keys) to its notes and chunks: each is logged.
        seen = store.last_change()
        with store.write() as w:
            w.delete("folders", fid)
        assert sorted(_log(store, seen)) == [("chunk", cid, "delete"), ("document", did, "delete")]
    finally:
        store.close()


def test_a_rolled_back_write_leaves_no_change_and_tells_no_one(tmp_path: Path) -> None:
    store = _store(tmp_path)
    heard: list[int] = []
    unsubscribe = store.subscribe(heard.append)
    try:
        mid = _add_memory(store, "first")
        assert heard == [store.last_change()] == [1]
        with pytest.raises(RuntimeError), store.write() as w:
            MemoryRepository(store).insert(w, kind="note", text="never", meta={}, at=None, now=1.0)
            MemoryRepository(store).delete(w, mid)
            raise RuntimeError("crash inside the transaction")
        assert store.last_change() == 1 and heard == [1]
        assert store.scalar("SELECT COUNT(*) FROM memories") == 1
        with store.write() as w:  # a commit that logged nothing tells no one
            w.insert("job_runs", {"job": "nightly", "status": "ok", "started_at": 1.0})
        assert heard == [1]
        unsubscribe()
        _add_memory(store, "second")
        assert heard == [1] and store.last_change() == 2
    finally:
        store.close()


def test_a_store_made_before_the_triggers_gains_them_on_open(tmp_path: Path) -> None:
    sealer = Sealer(KeySet.from_data_key(bytes(range(32))))
    db = tmp_path / "store.db"
    conn = old_store(db, sealer, 6)
    conn.execute("INSERT INTO changes (entity, entity_id, op) VALUES ('memory', 1, 'upsert')")  # an old hand-made row
    assert not conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%change%'").fetchall()
    conn.close()

    store = Store(db, sealer, backups_dir=tmp_path / "backups")
    try:
        assert store.schema_version == SCHEMA_VERSION
        names = {r[0] for r in store.query("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        for table in CHANGE_WATCHED:
            assert {f"{table}_change_insert", f"{table}_change_update", f"{table}_change_delete"} <= names
        mid = _add_memory(store, "written after the upgrade")
        assert _log(store) == [("memory", 1, "upsert"), ("memory", mid, "upsert")]  # the sequence goes on
    finally:
        store.close()
    # A change trigger dropped from the file is refused like any altered schema: a store that
    # silently stopped logging would leave the indexes stale.
    raw = sqlite3.connect(db)
    raw.execute("DROP TRIGGER memories_change_update")
    raw.commit()
    raw.close()
    with pytest.raises(StoreCorruption):
        _store(tmp_path)


def test_repository_writes_reach_search_with_no_call_to_the_sync(notes_ctx: SecondMe, tmp_path: Path) -> None:
    ctx = notes_ctx
    store, sync = ctx.store, ctx.session.sync

    def found(query: str) -> bool:
        return bool(ctx.notes.search(query, k=5))

    def caught_up() -> bool:
        return sync.lag() == 0

    # A memory written through its repository, nothing else: the store logs it, tells the
    # running sync, and search finds it.
    mid = _add_memory(store, "The quetzal feather sits in the blue cabinet")
    assert _log(store)[-1] == ("memory", mid, "upsert")
    assert _until(lambda: caught_up() and found("quetzal feather"))
    with store.write() as w:
        MemoryRepository(store).rewrite(w, mid, kind="note", text="The xylophone lives in the attic",
                                        meta={}, vector=None)
    assert _until(lambda: caught_up() and found("xylophone attic"))
    assert not found("quetzal feather"), "the old text is gone from the index"
    with store.write() as w:
        MemoryRepository(store).delete(w, mid)
    assert _until(lambda: caught_up() and not found("xylophone attic"))

    # A note: indexed, moved to another folder by the document store alone (one change row,
    # the sync re-files its chunks under the new folder), then deleted.
    note = write(tmp_path / "a" / "garden.md", "# Garden\n\nThe zucchini bed needs compost in April.\n")
    ctx.notes.add_folder(str(tmp_path / "a"))
    assert ctx.session.indexer.wait_idle(60) and ctx.session.semantic.wait_idle(60)
    assert _until(lambda: caught_up() and found("zucchini compost"))
    docs = DocumentStore(store)
    state = docs.by_path(note)
    assert state is not None
    other = tmp_path / "b"
    other.mkdir()
    fid = ctx.session.folders.add(other).id  # registered only: nothing indexes it
    seen = store.last_change()
    moved = other / "garden.md"
    note.rename(moved)
    with store.write() as w:
        docs.move(w, state, fid, moved)
    assert _log(store, seen) == [("document", state.id, "upsert")]

    def in_folder(folder: Path) -> bool:
        hits = ctx.notes.search("zucchini compost", k=5, filters=SearchFilters(folder=str(folder)))
        return bool(hits) and hits[0].path == str(moved)

    assert _until(lambda: caught_up() and in_folder(other))
    assert not in_folder(tmp_path / "a")
    with store.write() as w:
        docs.delete(w, state.id)
    assert _until(lambda: caught_up() and not found("zucchini compost"))


def test_a_commit_wakes_the_running_sync(notes_ctx: SecondMe) -> None:
    """The sync hears each commit: with its fallback poll an hour apart, a repository write is
    still applied at once, so only the store's notification can have woken it."""
    ctx = notes_ctx
    sync = ctx.session.sync
    sync.stop()
    sync.start(poll_every=3600.0)
    assert _until(lambda: sync.lag() == 0, 30)
    _add_memory(ctx.store, "The okapi postcard is pinned above the desk")
    assert _until(lambda: sync.lag() == 0, 30), "no commit notification reached the sync"
    assert ctx.notes.search("okapi postcard", k=5)

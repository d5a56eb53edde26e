"""The memory side's typed repositories, on a real encrypted store in a temp dir: values come
back opened, reads by id batch past SQLite's parameter limit, tampered rows are refused, and the
private values are sealed on disk."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from secondme.crypto import KeySet, Sealer
from secondme.errors import StoreCorruption
from secondme.store import Store
from secondme.store.hashes import memory_hash
from secondme.store.repos.base import BATCH
from secondme.store.repos.facts import FactRepository
from secondme.store.repos.links import LinkRepository
from secondme.store.repos.marks import DirtyDays, MarkRepository
from secondme.store.repos.memories import EMBEDDING, META, TEXT, MemoryRepository, ProvenanceRepository
from secondme.store.repos.profile import ProfileFieldRepository
from tests.core.raw_store import tamper

T0 = 1_700_000_000.5  # an event time that is not on a day boundary


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "store.db", Sealer(KeySet.from_data_key(os.urandom(32))), backups_dir=tmp_path / "b")
    yield s
    s.close()


def _add(repo: MemoryRepository, n: int, *, kind: str = "message") -> list[int]:
    with repo.store.write() as w:
        return [repo.insert(w, kind=kind, text=f"memory number {i}", meta={"speaker": "user", "i": i},
                            at=T0 + i, now=T0 + 10_000, source="conversation:a",
                            vector=np.full(4, i, dtype=np.float32)) for i in range(n)]


def test_memory_round_trips_with_private_values_opened_once(store: Store) -> None:
    repo = MemoryRepository(store)
    [mid] = _add(repo, 1)
    m = repo.get(mid, (TEXT, META, EMBEDDING))
    assert m is not None
    assert (m.kind, m.state, m.pinned, m.text, m.meta) == ("message", "active", False, "memory number 0",
                                                            {"speaker": "user", "i": 0})
    assert m.vector is not None and m.vector.tolist() == [0.0] * 4
    # The exact (sealed) times stand in for the coarse plain columns.
    assert (m.event_time, m.last_recalled, m.created_at, m.strength) == (T0, T0, T0 + 10_000, 1.0)
    plain = store.query("SELECT event_time, text, meta FROM memories WHERE id = ?", (mid,))[0]
    assert plain["event_time"] != T0 and plain["event_time"] % 86400 == 0
    assert b"memory number" not in bytes(plain["text"]) and b"speaker" not in bytes(plain["meta"])
    # Columns not asked for stay sealed: nothing is opened that the caller does not read.
    bare = repo.get(mid)
    assert bare is not None and (bare.text, bare.meta, bare.embedding) == (None, {}, None)
    assert bare.event_time == T0
    # The keyed hashes are the one formula each.
    assert m.content_hash == memory_hash(store, "message", "memory number 0") == repo.content_hash(
        "message", "memory number 0")
    assert m.source_key == repo.source_key("conversation:a") == store.keyed_hash("conversation:a", "source")


def test_reads_by_id_batch_past_the_parameter_limit(store: Store) -> None:
    repo = MemoryRepository(store)
    ids = _add(repo, BATCH * 2 + 7)
    found = repo.by_ids(reversed(ids), (TEXT,))
    assert sorted(found) == sorted(ids)
    assert {m.text for m in found.values()} == {f"memory number {i}" for i in range(len(ids))}
    # Inside a write transaction too (what it wrote so far included).
    with store.write() as w:
        repo.set_state(w, ids[-1], "faded")
        inside = repo.by_ids(ids, where="state = ?", params=("faded",), writer=w)
        assert list(inside) == [ids[-1]]
    # Content hashes batch the same way (text keys, not ids).
    stored = repo.stored([repo.content_hash("message", f"memory number {i}") for i in range(len(ids))],
                         [T0 // 86400 * 86400, (T0 + BATCH * 3) // 86400 * 86400])
    assert sorted(m.id for m in stored) == sorted(ids)


def test_tampered_memory_row_raises_store_corruption(store: Store) -> None:
    repo = MemoryRepository(store)
    ids = _add(repo, 3)
    tamper(store.path, ("UPDATE memories SET state = 'superseded' WHERE id = ?", (ids[1],)))
    with pytest.raises(StoreCorruption):
        repo.by_ids(ids)
    with pytest.raises(StoreCorruption):
        with store.write() as w:
            repo.get(ids[1], writer=w)
    assert repo.get(ids[0]) is not None  # the untouched rows still read


def test_tampered_link_and_fact_rows_raise(store: Store) -> None:
    repo, links, facts = MemoryRepository(store), LinkRepository(store), FactRepository(store)
    a, b = _add(repo, 2)
    [f] = _add(repo, 1, kind="fact")
    with store.write() as w:
        assert links.add(w, a, b, "related", 0.7)
        assert not links.add(w, a, b, "related", 0.7)  # each edge once
        links.add(w, f, a, "derived", 1.0)
    got = links.touching([a])
    assert sorted((lk.src_id, lk.dst_id, lk.kind) for lk in got) == sorted([(a, b, "related"), (f, a, "derived")])
    assert [m.id for m in facts.all()] == [f]
    tamper(store.path, ("UPDATE links SET dst_id = ? WHERE src_id = ? AND kind = 'related'", (f, a)))
    with pytest.raises(StoreCorruption):
        links.touching([a])
    tamper(store.path, ("UPDATE memories SET kind = 'message' WHERE id = ?", (f,)))
    with pytest.raises(StoreCorruption):
        facts.get(f)


def test_provenance_finds_what_was_derived(store: Store) -> None:
    repo, prov = MemoryRepository(store), ProvenanceRepository(store)
    a, b = _add(repo, 2)
    [f] = _add(repo, 1, kind="fact")
    with store.write() as w:
        prov.add(w, f, source_memory_id=a)
        prov.add(w, f, source_memory_id=b)
        assert prov.derived_of(w, [a]) == [(f, "fact")]
        assert prov.has_other_source(w, f, [a])
        assert not prov.has_other_source(w, f, [a, b])
        prov.clear(w, f)
        assert prov.derived_of(w, [a, b]) == []


def test_marks_and_dirty_days(store: Store) -> None:
    marks, dirty = MarkRepository(store), DirtyDays(store)
    assert marks.get_int("hwm") == 0 and dirty.get() == set()
    with store.write() as w:
        marks.set(w, "hwm", 42)
        dirty.add(w, {"2024-01-02"})
        dirty.add(w, {"2024-01-03"})
        assert marks.get_int("hwm", writer=w) == 42
    assert marks.get("hwm") == "42"
    assert dirty.get() == {"2024-01-02", "2024-01-03"}
    raw = store.query("SELECT value FROM private_settings")[0]["value"]
    assert b"2024" not in bytes(raw)  # the days say when the person wrote: sealed


def test_profile_fields_round_trip_sealed(store: Store) -> None:
    fields = ProfileFieldRepository(store)
    with store.write() as w:
        fields.put(w, "email", "ana@example.org", confidence=0.9, locked=False, updated_at=T0,
                   meta={"sources": [3], "as_of": T0})
        fields.put(w, "email", "ana@example.com", confidence=1.0, locked=True, updated_at=T0 + 1,
                   meta={"sources": [4], "as_of": T0 + 1})
    [row] = fields.all()
    assert (row.field, row.value, row.confidence, row.locked, row.updated_at) == (
        "email", "ana@example.com", 1.0, True, T0 + 1)
    assert row.meta["sources"] == [4]
    assert b"ana@" not in bytes(store.query("SELECT value FROM profile_fields")[0]["value"])
    tamper(store.path, ("UPDATE profile_fields SET locked = 0 WHERE field = 'email'", ()))
    with pytest.raises(StoreCorruption):
        fields.all()
    with store.write() as w:
        assert fields.delete(w, "email")
        assert not fields.delete(w, "email")

"""The typed repositories (secondme/store/repos) on a real encrypted store in a temporary folder.

What they promise: reads by id in batches (any number of ids), private values opened (and only
those asked for), a row changed in the file refused, one damaged value reported without losing
the rest where the caller asks for that, and writes that read back as written.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from secondme.crypto import KeySet, Sealer
from secondme.errors import StoreCorruption
from secondme.store import Store
from secondme.store.db import Writer
from secondme.store.repos import BATCH, Repositories, chunked
from tests.core.raw_store import tamper

DAY = 86400.0


@pytest.fixture
def sealer() -> Sealer:
    return Sealer(KeySet.from_data_key(os.urandom(32)))


@pytest.fixture
def store(tmp_path: Path, sealer: Sealer) -> Iterator[Store]:
    s = Store(tmp_path / "store.db", sealer, backups_dir=tmp_path / "backups")
    yield s
    s.close()


def _note(w: Writer, folder: int | None, name: str, n_chunks: int, state: str = "ok",
          mtime: float = 1_700_000_000.5) -> tuple[int, list[int]]:
    doc = w.insert("documents", {"folder_id": folder, "path_hash": f"ph-{name}", "content_hash": f"c-{name}",
                                 "format": "markdown", "state": state, "size": 10, "mtime": mtime},
                   {"path": os.fsencode(f"/home/ann/Notes/{name}.md"), "title": f"Title {name}",
                    "error": None if state == "ok" else "cannot read"})
    ids = [w.insert("chunks", {"document_id": doc, "ordinal": i, "content_hash": f"{name}-{i}"},
                    {"text": f"{name} chunk {i} text", "meta": {"heading": [f"H{i}"], "lines": [i, i + 1]},
                     "embedding": np.full(4, i, dtype=np.float32).tobytes()}) for i in range(n_chunks)]
    return doc, ids


def test_chunked_keeps_order_drops_repeats_and_bounds_every_batch() -> None:
    ids = [3, 1, 3, *range(10, 10 + 2 * BATCH), 1]
    parts = list(chunked(ids))
    assert [i for p in parts for i in p] == [3, 1, *range(10, 10 + 2 * BATCH)]
    assert max(len(p) for p in parts) == BATCH and len(parts) == 3


def test_chunks_by_ids_reads_more_ids_than_one_batch_with_their_text_opened(store: Store) -> None:
    with store.write() as w:
        doc, ids = _note(w, None, "big", 2 * BATCH + 7)
    repos = Repositories(store)
    missing = max(ids) + 100
    got = repos.chunks.by_ids([*ids, *ids[:5], missing])  # repeats and an id that is not there
    assert sorted(got) == ids
    c = got[ids[BATCH + 3]]
    assert (c.document_id, c.ordinal, c.text) == (doc, BATCH + 3, f"big chunk {BATCH + 3} text")
    assert c.heading == [f"H{BATCH + 3}"] and c.meta["lines"] == [BATCH + 3, BATCH + 4]
    assert np.frombuffer(c.embedding or b"", dtype=np.float32).tolist() == [BATCH + 3] * 4
    # Only what is asked for is opened: a vector-only read leaves the text sealed.
    vec_only = repos.chunks.by_ids(ids[:3], fields=("embedding",))
    assert all(v.text is None and v.meta == {} and v.embedding is not None for v in vec_only.values())
    assert repos.chunks.texts(ids)[ids[-1]] == f"big chunk {len(ids) - 1} text"
    members = repos.chunks.members([doc])
    assert sorted(members[doc]) == [(i, cid) for i, cid in enumerate(ids)]
    assert repos.chunks.documents_of(ids) == dict.fromkeys(ids, doc)
    assert repos.chunks.first_of([doc]) == {ids[0]: doc}
    assert repos.chunks.neighbour_texts(doc, 1) == ("big chunk 0 text", "big chunk 2 text")


def test_private_values_are_sealed_in_the_file_and_opened_by_the_repository(store: Store, sealer: Sealer,
                                                                           tmp_path: Path) -> None:
    with store.write() as w:
        folder = w.insert("folders", {"path_hash": "f", "added_at": 1.0}, {"path": b"/home/ann/Notes"})
        doc, _ = _note(w, folder, "secret-garden", 1)
    Repositories(store).settings.set("mcp.grants", {"Claude": ["search"]})
    store.close()
    raw = (tmp_path / "store.db").read_bytes()
    # (the test's stand-in keyed hashes, ph-… and c-…, are plain by design)
    for plain in (b"Notes/secret", b"Title secret", b"chunk 0 text", b"mcp.grants", b"Claude"):
        assert plain not in raw
    reopened = Store(tmp_path / "store.db", sealer, backups_dir=tmp_path / "backups")
    try:
        repos = Repositories(reopened)
        d = repos.documents.by_ids([doc])[doc]
        assert (d.title, d.path, d.mtime, d.state, d.folder_id) == (
            "Title secret-garden", Path("/home/ann/Notes/secret-garden.md"), 1_700_000_000.5, "ok", folder)
        assert repos.settings.get("mcp.grants") == {"Claude": ["search"]}
        assert repos.settings.get("absent", "default") == "default"
    finally:
        reopened.close()


def test_a_row_changed_in_the_file_is_refused(store: Store) -> None:
    with store.write() as w:
        doc, ids = _note(w, None, "a", 3)
    repos = Repositories(store)
    tamper(store.path, ("UPDATE chunks SET ordinal = 9 WHERE id = ?", (ids[1],)))
    with pytest.raises(StoreCorruption) as exc:
        repos.chunks.by_ids(ids)
    assert (exc.value.table, exc.value.row_id) == ("chunks", ids[1])
    # Even when a caller tolerates damaged values: a row whose plain columns lie is never used.
    with pytest.raises(StoreCorruption):
        repos.chunks.by_ids(ids, on_corrupt=lambda e: None)
    tamper(store.path, ("UPDATE documents SET state = 'failed' WHERE id = ?", (doc,)))
    with pytest.raises(StoreCorruption):
        repos.documents.by_ids([doc])
    with pytest.raises(StoreCorruption):
        repos.documents.states()


def test_a_damaged_value_is_reported_and_read_as_none_only_when_the_caller_asks(store: Store) -> None:
    with store.write() as w:
        _doc, ids = _note(w, None, "a", 2)
    repos = Repositories(store)
    # Another row's sealed text pasted over this one: it does not open here (bound to its row).
    tamper(store.path, ("UPDATE chunks SET text = (SELECT text FROM chunks WHERE id = ?) WHERE id = ?",
                        (ids[0], ids[1])))
    with pytest.raises(StoreCorruption):
        repos.chunks.by_ids(ids)
    reported: list[StoreCorruption] = []
    got = repos.chunks.by_ids(ids, on_corrupt=reported.append)
    assert got[ids[0]].text == "a chunk 0 text"
    assert got[ids[1]].text is None and got[ids[1]].meta["lines"] == [1, 2]
    assert [(e.table, e.row_id, e.column) for e in reported] == [("chunks", ids[1], "text")]


def test_documents_for_the_indexer_and_the_folders_page(store: Store) -> None:
    with store.write() as w:
        f1 = w.insert("folders", {"path_hash": "f1", "added_at": 1.0}, {"path": b"/n1"})
        f2 = w.insert("folders", {"path_hash": "f2", "added_at": 1.0}, {"path": b"/n2"})
        a, _ = _note(w, f1, "a", 3)
        _note(w, f1, "bad", 0, state="failed")
        c, _ = _note(w, f2, "c", 1)
    docs = Repositories(store).documents
    assert docs.by_path_hash("ph-a") is not None and docs.by_path_hash("ph-a").id == a  # type: ignore[union-attr]
    assert docs.by_path_hash("nope") is None
    assert {d.id for d in docs.states(f2)} == {c} and len(docs.states()) == 3
    assert [d.id for d in docs.ok_with_content("c-a")] == [a]
    assert docs.ok_with_content("c-bad") == []
    [failed] = docs.failed()
    assert (failed.path, failed.error, failed.folder_id) == (Path("/home/ann/Notes/bad.md"), "cannot read", f1)
    n = docs.folder_counts(f1)
    assert (n.documents, n.failed, n.chunks) == (2, 1, 3)
    assert docs.count_ok() == 2


def test_chunks_waiting_for_their_embedding(store: Store) -> None:
    with store.write() as w:
        doc, ids = _note(w, None, "a", 3)
        w.update("chunks", ids[2], private={"embedding": None})
    chunks = Repositories(store).chunks
    assert chunks.waiting_counts() == (1, 1)
    [waiting] = chunks.waiting(10)
    assert (waiting.id, waiting.text, waiting.embedding) == (ids[2], "a chunk 2 text", None)
    with store.write() as w:
        assert chunks.still_waiting(w, ids[2], "a-2")
        assert not chunks.still_waiting(w, ids[2], "changed")
        assert not chunks.still_waiting(w, ids[0], "a-0")  # has its vector
        assert chunks.ids_of(w, doc) == ids
        chunks.delete_of(w, doc)
    assert chunks.by_ids(ids) == {}


def test_job_runs_newest_first_by_their_sealed_exact_times(store: Store) -> None:
    runs = Repositories(store).jobs
    day = 20000 * DAY
    with store.write() as w:
        early = runs.insert(w, "nightly", "ok", day + 10, {"trigger": "schedule"})
        late = runs.insert(w, "nightly", "failed", day + 500, {})
        mid = runs.insert(w, "nightly", "ok", day + 100, {})
        other = runs.insert(w, "other", "running", day - DAY, {})
        runs.update(w, late, {"finished_at": day + 600.25, "step": "decay"}, {"steps": []}, "boom")
        assert runs.ids_with_status(w, "other", "running") == [other]
    assert [r.id for r in runs.newest()] == [late, mid, early, other]
    assert [r.id for r in runs.newest("nightly", 2)] == [late, mid]
    assert [r.id for r in runs.newest("nightly", 5, ("ok",))] == [mid, early]
    got = runs.get(late)
    assert got is not None and (got.started_at, got.finished_at, got.step, got.error) == (
        day + 500, day + 600.25, "decay", "boom")
    assert runs.get(early).summary == {"trigger": "schedule"}  # type: ignore[union-attr]
    assert runs.get(9999) is None


def test_the_audit_log_reads_back_as_written(store: Store) -> None:
    repos = Repositories(store)
    first = repos.audit.add("Claude", "search", "ok", "spare key", "3 results", 1_700_000_000.0, keep=20_000)
    repos.audit.add("Other", "recall", "refused", None, None, 1_700_000_050.0, keep=20_000)
    newest = repos.audit.newest(10)
    assert [(e.client, e.tool, e.outcome) for e in newest] == [("Other", "recall", "refused"),
                                                                ("Claude", "search", "ok")]
    assert (newest[1].id, newest[1].query, newest[1].at) == (first, "spare key", 1_700_000_000.0)


def test_folders_keep_a_path_that_is_not_utf8(store: Store) -> None:
    folders = Repositories(store).folders
    odd = Path(os.fsdecode(b"/home/ann/caf\xe9"))
    added = folders.add(odd, "h-odd", 1.0)
    assert folders.all() == [added] and os.fsencode(folders.all()[0].path) == b"/home/ann/caf\xe9"


def test_memories_read_tolerantly_report_a_value_that_does_not_open(store: Store) -> None:
    from secondme.store.repos.memories import META, TEXT

    with store.write() as w:
        a = w.insert("memories", {"kind": "fact", "created_at": 1_700_000_000.25}, {"text": "Ann likes tea", "meta": {}})
        b = w.insert("memories", {"kind": "fact", "created_at": 1_700_000_001.0}, {"text": "Ann has a cat", "meta": {}})
    tamper(store.path, ("UPDATE memories SET text = (SELECT text FROM memories WHERE id = ?) WHERE id = ?", (a, b)))
    memories = Repositories(store).memories
    with pytest.raises(StoreCorruption):
        memories.by_ids([a, b], (TEXT, META))
    reported: list[StoreCorruption] = []
    got = memories.by_ids([a, b], (TEXT, META), on_corrupt=reported.append)
    assert (got[a].text, got[a].created_at) == ("Ann likes tea", 1_700_000_000.25)
    assert got[b].text is None and [(e.row_id, e.column) for e in reported] == [(b, "text")]
    tamper(store.path, ("UPDATE memories SET kind = 'bio' WHERE id = ?", (a,)))
    with pytest.raises(StoreCorruption):  # a forged plain column is never tolerated
        memories.by_ids([a], (TEXT,), on_corrupt=reported.append)
    with pytest.raises(StoreCorruption):
        memories.facets([a])
    assert memories.facets([b]) == {b: "fact"}

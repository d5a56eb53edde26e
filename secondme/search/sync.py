"""Applies the store's change log to the keyword and vector indexes.

The store writes the log itself (schema v7 triggers) and tells its subscribers after each commit
that added to it; the sync subscribes while it runs. The same code serves live updates and
replay at unlock (everything newer than the snapshot's watermark), so the indexes can always be
rebuilt from the store alone.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np

from secondme.errors import StoreCorruption
from secondme.index import DocRow, KeywordRow, SealedIndexes
from secondme.index.vector_process import VectorProcessDied
from secondme.search.ids import CHUNK, DOCUMENT, MEMORY, VECTOR_OP, to_index
from secondme.store import Store
from secondme.store.repos.base import chunked
from secondme.store.repos.documents import Chunks, Document, Documents, StoredChunk
from secondme.store.repos.memories import EMBEDDING, META, TEXT, Memory, MemoryRepository
from secondme.threads import lower_thread_priority

log = logging.getLogger("secondme.search.sync")

BATCH = 2000
UPSERT_SLICE = 128


def memory_keyword_text(text: str, meta: dict[str, Any], event_time: float | None) -> str:
    """What BM25 sees of a memory: its date, speaker, text and fact keys."""
    parts = []
    if event_time:
        parts.append(datetime.fromtimestamp(event_time, UTC).strftime("%d %B %Y"))
    if meta.get("speaker"):
        parts.append(f"{meta['speaker']}:")
    parts.append(text)
    keys = meta.get("keys") or []
    if keys:
        parts.append(" ".join(str(k) for k in keys))
    return " ".join(parts)


def chunk_keyword_text(title: str, heading: Sequence[str], text: str) -> str:
    """A chunk as the keyword index holds it: its title and heading path on a first line, then the text."""
    head = " > ".join(h for h in heading if h)
    if title and (not heading or heading[0] != title):
        head = f"{title} > {head}" if head else title
    return f"{head}\n{text}" if head else text


class IndexSync:
    """Keeps :class:`SealedIndexes` in step with the store; thread-safe, one applier at a time.

    While started it subscribes to the store's change log (:meth:`Store.subscribe`): every
    commit that logged a change wakes the background applier, whatever wrote it. That wake-up is
    asynchronous on purpose (a note save or an embedding batch must not wait for the indexes).
    Where a caller needs read-your-writes (the memory engine: the next search must find what
    was just remembered, edited or forgotten; ``Session.wait_indexed``), it calls
    :meth:`catch_up` itself after its write, which applies everything committed so far on the
    calling thread.
    """

    def __init__(self, store: Store, indexes: SealedIndexes,
                 on_changed: Callable[[], None] | None = None) -> None:
        """Keep ``indexes`` in step with ``store``'s change log; ``on_changed`` is called after changes are
        applied."""
        self._store = store
        self._documents = Documents(store)
        self._chunks = Chunks(store)
        self._memories = MemoryRepository(store)
        self._idx = indexes
        self._lock = threading.Lock()
        self._on_changed = on_changed
        self._kick = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self.corrupt_rows: list[str] = []

    # --- background ----------------------------------------------------------------------------
    def start(self, seal_every: float = 300.0, poll_every: float = 5.0) -> None:
        """Start the background thread and subscribe it to the store's change log: it catches up after
        every commit that logged a change (or every ``poll_every`` seconds, or when kicked) and
        seals every ``seal_every`` seconds while dirty."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, args=(seal_every, poll_every),
                                        name="secondme-index-sync", daemon=True)
        self._thread.start()
        if self._unsubscribe is None:
            self._unsubscribe = self._store.subscribe(self._committed)

    def _committed(self, _seq: int) -> None:
        self._kick.set()

    def kick(self) -> None:
        """Wake the background thread to catch up now."""
        self._kick.set()

    def stop(self) -> None:
        """Stop the background thread (waiting up to 30 s) and stop hearing of commits."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._stop.set()
        self._kick.set()
        if self._thread is not None:
            self._thread.join(30)
            self._thread = None

    def _run(self, seal_every: float, poll_every: float) -> None:
        lower_thread_priority(5)  # background work yields the CPU to the window's thread first
        last_seal = time.monotonic()
        while not self._stop.is_set():
            self._kick.wait(timeout=min(seal_every, poll_every))
            self._kick.clear()
            if self._stop.is_set():
                break
            try:
                self.catch_up()
                if self._idx.dirty and time.monotonic() - last_seal >= seal_every:
                    self._idx.seal()
                    last_seal = time.monotonic()
            except Exception:
                log.exception("updating the search indexes failed")

    # --- applying ------------------------------------------------------------------------------
    def lag(self) -> int:
        """How many store changes the indexes have not applied yet."""
        return self._store.last_change() - self._idx.watermark

    def catch_up(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Apply every change newer than the indexes' watermark; returns how many were applied."""
        applied = 0
        with self._lock:
            total = self.lag()
            while True:
                changes = self._store.changes_since(self._idx.watermark)[:BATCH]
                if not changes:
                    break
                vec = self._idx.vector
                try:
                    self._apply(changes)
                except VectorProcessDied:
                    self._idx.replace_dead_vector(vec)
                    continue  # from the new watermark (0): the whole store into both indexes
                self._idx.advance(changes[-1][0])
                applied += len(changes)
                if progress is not None:
                    progress(applied, total)
        if applied and self._on_changed is not None:
            self._on_changed()
        return applied

    def _apply(self, changes: list[tuple[int, str, int, str]]) -> None:
        latest: dict[tuple[str, int], str] = {}
        for _, entity, eid, op in changes:
            prev = latest.get((entity, eid))
            # A chunk re-embedded after an upsert in the same batch still needs its keyword row.
            latest[(entity, eid)] = "upsert" if op == VECTOR_OP and prev == "upsert" else op
        self._refile_chunks(latest)
        chunk_ids = [eid for (ent, eid), op in latest.items() if ent == CHUNK and op == "upsert"]
        vector_only = [eid for (ent, eid), op in latest.items() if ent == CHUNK and op == VECTOR_OP]
        mem_ids = [eid for (ent, eid), op in latest.items() if ent == MEMORY and op == "upsert"]
        deleted = [to_index(ent, eid) for (ent, eid), op in latest.items()
                   if op == "delete" and ent in (CHUNK, MEMORY)]
        doc_ids = {eid for (ent, eid), op in latest.items() if ent == DOCUMENT and op != "delete"}
        docs_gone = [eid for (ent, eid), op in latest.items() if ent == DOCUMENT and op == "delete"]
        rows: list[KeywordRow] = []
        vec_ids: list[int] = []
        vecs: list[np.ndarray] = []
        metas: list[dict[str, Any]] = []
        found_chunks: set[int] = set()
        found_mems: set[int] = set()
        opened: dict[int, tuple[str, list[str]]] = {}  # chunk id -> (text, heading), for notes
        for part in chunked(chunk_ids):
            for c, doc in self._chunk_rows(part, ("text", "meta", "embedding")):
                found_chunks.add(c.id)
                if doc is not None:
                    doc_ids.add(doc.id)
                self._add_chunk(c, doc, rows, vec_ids, vecs, metas, opened)
        for part in chunked(vector_only):
            for c, doc in self._chunk_rows(part, ("embedding",)):
                self._add_chunk(c, doc, None, vec_ids, vecs, metas, None)
        for part in chunked(mem_ids):
            # Authenticated: the index files a memory under its kind, state and source.
            for m in self._memories.by_ids(part, (TEXT, META, EMBEDDING), on_corrupt=self._corrupt).values():
                found_mems.add(m.id)
                self._add_memory(m, rows, vec_ids, vecs, metas)
        # Upserted entities that no longer exist were deleted in a later transaction.
        gone = [to_index(CHUNK, i) for i in chunk_ids if i not in found_chunks]
        gone += [to_index(MEMORY, i) for i in mem_ids if i not in found_mems]
        self._write(deleted + gone, rows, (vec_ids, vecs, metas), sorted(doc_ids), docs_gone, opened)

    def _write(self, removed: list[int], rows: list[KeywordRow],
               vectors: tuple[list[int], list[np.ndarray], list[dict[str, Any]]], doc_ids: list[int],
               docs_gone: list[int], opened: dict[int, tuple[str, list[str]]]) -> None:
        """Apply one batch to the indexes: ``removed`` index ids out of both, the keyword rows
        and vectors in (replacing their old rows), whole-note rows redone for ``doc_ids``."""
        vec_ids, vecs, metas = vectors
        replaced = [row.id for row in rows]
        kw, vx = self._idx.keyword, self._idx.vector
        if removed or replaced:
            kw.delete(removed + replaced)
        if removed:
            vx.delete(removed)
        if rows:
            kw.add_many(rows)
        doc_rows, empty = self._doc_rows(doc_ids, opened)
        if docs_gone or empty:
            kw.delete_docs(docs_gone + empty)
        if doc_rows:
            kw.add_docs(doc_rows)
        # Bounded memory for the stacked vectors; VectorIndex itself yields the GIL every few.
        for i in range(0, len(vec_ids), UPSERT_SLICE):
            vx.upsert(vec_ids[i:i + UPSERT_SLICE], np.stack(vecs[i:i + UPSERT_SLICE]), metas[i:i + UPSERT_SLICE])

    def _refile_chunks(self, latest: dict[tuple[str, int], str]) -> None:
        """A changed note (its title, folder, format or state: the store logs one ``document``
        row) re-files every chunk it has now: their index rows carry those fields."""
        docs = [eid for (ent, eid), op in latest.items() if ent == DOCUMENT and op != "delete"]
        for members in self._chunks.members(docs).values():
            for _, cid in members:
                latest[(CHUNK, cid)] = "upsert"

    def _doc_rows(self, doc_ids: list[int], opened: dict[int, tuple[str, list[str]]]
                  ) -> tuple[list[DocRow], list[int]]:
        """Whole-note rows for the document-level index, and the ids of documents that have
        none (gone, failed, or no text). Chunk texts opened for the chunk rows are reused."""
        rows: list[DocRow] = []
        empty: list[int] = []
        for part in chunked(doc_ids):
            docs = self._documents.by_ids(part, on_corrupt=self._corrupt)
            members = self._chunks.members(part)
            missing = [cid for d in members.values() for _, cid in d if cid not in opened]
            for c in self._chunks.by_ids(missing, fields=("text", "meta"), on_corrupt=self._corrupt).values():
                if c.text is not None:
                    opened[c.id] = (c.text, c.heading)
            for did in part:
                doc = docs.get(did)
                parts = [opened[cid] for _, cid in sorted(members.get(did, [])) if cid in opened]
                if doc is None or doc.state != "ok" or not parts:
                    empty.append(did)
                    continue
                title = doc.title or ""
                heads = list(dict.fromkeys(h for _, path in parts for h in path if h and h != title))
                body = _join_without_overlap([text for text, _ in parts])
                rows.append(DocRow(did, title, "\n".join(heads), body, str(doc.folder_id or ""),
                                   str(doc.format or ""), int(doc.mtime or 0)))
        return rows, empty

    def _chunk_rows(self, ids: list[int], fields: Sequence[str]) -> list[tuple[StoredChunk, Document | None]]:
        # Authenticated: the index files a chunk under its document, folder and format.
        chunks = self._chunks.by_ids(ids, fields=fields, on_corrupt=self._corrupt)
        docs = self._documents.by_ids(sorted({c.document_id for c in chunks.values()}), on_corrupt=self._corrupt)
        return [(c, docs.get(c.document_id)) for c in chunks.values()]

    def _corrupt(self, exc: StoreCorruption) -> None:
        """A sealed value that did not open: reported, and its row is indexed without it."""
        self.corrupt_rows.append(str(exc))
        log.error("%s", exc)

    def _add_chunk(self, c: StoredChunk, doc: Document | None, rows: list[KeywordRow] | None, vec_ids: list[int],
                   vecs: list[np.ndarray], metas: list[dict[str, Any]],
                   opened: dict[int, tuple[str, list[str]]] | None) -> None:
        """The chunk's keyword row (unless ``rows`` is None: only its vector changed) and vector."""
        if doc is None:
            return
        iid = to_index(CHUNK, c.id)
        date = int(doc.mtime or 0)
        folder = str(doc.folder_id or "")
        ftype = str(doc.format or "")
        if rows is not None:
            if c.text is None:
                return
            rows.append(KeywordRow(iid, chunk_keyword_text(doc.title or "", c.heading, c.text),
                                   "chunk", folder, ftype, date))
            if opened is not None:
                opened[c.id] = (c.text, c.heading)
        if c.embedding is not None:
            vec_ids.append(iid)
            vecs.append(np.frombuffer(c.embedding, dtype=np.float32))
            metas.append({"kind": "chunk", "folder": folder, "ftype": ftype, "date": date})

    def _add_memory(self, m: Memory, rows: list[KeywordRow], vec_ids: list[int],
                    vecs: list[np.ndarray], metas: list[dict[str, Any]]) -> None:
        if m.text is None:
            return
        iid = to_index(MEMORY, m.id)
        date = int(m.event_time or m.created_at or 0)
        # Only active memories are found under their kind; faded and superseded ones are filed
        # under their state, so default searches leave them out with a plain kind filter.
        kind = m.kind if m.state == "active" else m.state
        source = str(m.source_key or "")
        rows.append(KeywordRow(iid, memory_keyword_text(m.text, m.meta, m.event_time), kind, source, "memory", date))
        if m.embedding is not None:
            vec_ids.append(iid)
            vecs.append(np.frombuffer(m.embedding, dtype=np.float32))
            metas.append({"kind": kind, "folder": source, "ftype": "memory", "date": date})


def _join_without_overlap(texts: list[str], most: int = 80) -> str:
    """Consecutive chunks' texts as one, each chunk's repeat of the previous one's last words
    (the chunker's overlap) left out, so whole-note BM25 counts every word once."""
    out: list[str] = []
    prev: list[str] = []
    for text in texts:
        words = text.split()
        cut = 0
        for n in range(min(most, len(prev), len(words)), 2, -1):  # 3+ words: not a chance match
            if prev[-n:] == words[:n]:
                cut = n
                break
        out.append(" ".join(words[cut:]) if cut else text)
        prev = words
    return "\n".join(out)

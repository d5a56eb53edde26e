"""Notes in the store: documents (one per file) and their chunks.

Reads return frozen dataclasses with the private values they carry opened once; the rows that
steer what the indexer, the indexes and search do (folder, state, content hash, document,
ordinal) are authenticated by their MAC first. Writes take the caller's transaction.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from secondme.errors import StoreCorruption
from secondme.store.db import Writer
from secondme.store.repos.base import OnCorrupt, Repository, chunked, open_row, placeholders


def _path(raw: bytes | None) -> Path:
    return Path(os.fsdecode(raw or b""))


@dataclass(frozen=True, slots=True)
class DocState:
    """What the store knows of one note file (paths opened, nothing else)."""

    id: int
    folder_id: int | None
    path: Path
    stat_key: str | None  # keyed hash of the size and mtime last seen (DocumentStore.stat_key)
    content_hash: str | None
    state: str


@dataclass(frozen=True, slots=True)
class Document:
    """A note as search and the indexes show it: title, path and its file's exact mtime."""

    id: int
    folder_id: int | None
    format: str | None
    state: str
    title: str | None
    path: Path
    mtime: float | None


@dataclass(frozen=True, slots=True)
class FailedDocument:
    """A file that could not be read, and why."""

    id: int
    folder_id: int | None
    path: Path
    error: str | None


@dataclass(frozen=True, slots=True)
class FolderCounts:
    """How many notes, failed files and chunks one watched folder holds."""

    documents: int
    failed: int
    chunks: int


@dataclass(frozen=True, slots=True)
class StoredChunk:
    """One chunk of a note, opened once. ``embedding`` is None while it waits for phase 2 (or
    when it was not asked for); ``text``/``meta`` are None when they did not open (tolerant reads)."""

    id: int
    document_id: int
    ordinal: int
    content_hash: str | None
    text: str | None
    meta: dict[str, Any]
    embedding: bytes | None

    @property
    def heading(self) -> list[str]:
        """The chunk's heading path (outermost first); empty when it has none."""
        return list(self.meta.get("heading") or [])


@dataclass(frozen=True, slots=True)
class ChunkText:
    """One chunk of a note, its text opened (what consolidation reads of the notes)."""

    id: int
    document_id: int
    text: str


class Documents(Repository):
    """The ``documents`` table."""

    table = "documents"
    _STATE_COLS = "id, folder_id, path, stat_key, content_hash, state, row_mac"

    def _states(self, where: str, params: Sequence[Any] = ()) -> list[DocState]:
        # The reconcile trusts folder, state and content hash to skip or move files: the MAC is
        # checked in SQL; only the path is opened (not the sealed times), so a start over many
        # notes costs one decryption per note.
        rows = self._store.query(f"SELECT {self._STATE_COLS} FROM documents WHERE ({where}) "
                                 f"AND {self._store.verified('documents')}", params)
        return [DocState(int(r["id"]), r["folder_id"],
                         _path(self._store.open_value("documents", int(r["id"]), "path", r["path"])),
                         r["stat_key"], r["content_hash"], r["state"]) for r in rows]

    def by_path_hash(self, path_hash: str) -> DocState | None:
        """The document whose path has this keyed hash, or None."""
        found = self._states("path_hash = ?", (path_hash,))
        return found[0] if found else None

    def states(self, folder_id: int | None = None) -> list[DocState]:
        """Every document (of one folder when given)."""
        return self._states("1") if folder_id is None else self._states("folder_id = ?", (folder_id,))

    def ok_with_content(self, content_hash: str) -> list[DocState]:
        """Indexed documents with this content (where a moved file may have come from)."""
        return self._states("content_hash = ? AND state = 'ok'", (content_hash,))

    def by_ids(self, ids: Iterable[int], on_corrupt: OnCorrupt | None = None) -> dict[int, Document]:
        """Documents by id (authenticated); with ``on_corrupt`` a sealed value that does not open
        reads as None and is reported, instead of raising."""
        out: dict[int, Document] = {}
        for part in chunked(ids):
            for r in self._store.query(f"SELECT * FROM documents WHERE id IN ({placeholders(len(part))})", part):
                v = open_row(self._store, "documents", r, ("title", "path"), on_corrupt)
                did = int(r["id"])
                out[did] = Document(did, r["folder_id"], r["format"], str(r["state"]), v["title"], _path(v["path"]),
                                    self._exact(r, on_corrupt).get("mtime"))
        return out

    def _exact(self, r: Any, on_corrupt: OnCorrupt | None) -> dict[str, Any]:
        try:
            return self._store.exact("documents", r)
        except StoreCorruption as exc:
            if on_corrupt is None:
                raise
            on_corrupt(exc)
            return {}

    def failed(self) -> list[FailedDocument]:
        """Documents whose ingest failed, with their path and error opened."""
        return [FailedDocument(r.id, r["folder_id"], _path(r["path"]), r.private.get("error"))
                for r in self._store.select("documents", "state = 'failed'", columns=("path", "error"))]

    def count_ok(self) -> int:
        """How many documents are indexed (state ``ok``)."""
        return int(self._store.scalar("SELECT COUNT(*) FROM documents WHERE state = 'ok'") or 0)

    def folder_counts(self, folder_id: int) -> FolderCounts:
        """Documents, failed documents and chunks of one folder."""
        docs, failed = self._store.query(
            "SELECT COUNT(*), COALESCE(SUM(state = 'failed'), 0) FROM documents WHERE folder_id = ?", (folder_id,)
        )[0]
        chunks = self._store.scalar(
            "SELECT COUNT(*) FROM chunks JOIN documents d ON d.id = chunks.document_id WHERE d.folder_id = ?",
            (folder_id,),
        )
        return FolderCounts(int(docs), int(failed), int(chunks or 0))


    def content_times(self, doc_ids: Iterable[int]) -> dict[int, float]:
        """When each document's current content was saved (plain SQL keeps no mtime: it would
        say which files changed when); documents without one are left out."""
        out: dict[int, float] = {}
        for doc, row in self.rows_by_id(doc_ids, columns=()).items():
            at = row.plain.get("content_mtime", row.plain.get("mtime"))
            if at is not None:
                out[doc] = float(at)
        return out

    def with_chunks(self) -> list[tuple[float, int]]:
        """(content saved at, document id) of every note that has chunks, by id."""
        rows = self.rows("SELECT * FROM documents d WHERE EXISTS (SELECT 1 FROM chunks c WHERE c.document_id = d.id) "
                         "ORDER BY id", columns=())
        out: list[tuple[float, int]] = []
        for row in rows:
            at = row.plain.get("content_mtime", row.plain.get("mtime"))
            if at is not None:
                out.append((float(at), row.id))
        return out

    def titles(self, doc_ids: Iterable[int]) -> dict[int, str]:
        """The titles of these documents (opened once each; empty where none)."""
        return {doc: str(row.get("title") or "") for doc, row in self.rows_by_id(doc_ids, columns=("title",)).items()}


class Chunks(Repository):
    """The ``chunks`` table."""

    table = "chunks"

    def by_ids(self, ids: Iterable[int], *, fields: Sequence[str] = ("text", "meta", "embedding"),
               on_corrupt: OnCorrupt | None = None) -> dict[int, StoredChunk]:
        """Chunks by id (authenticated: the index files a chunk under its document), with the
        sealed ``fields`` opened (the others read as None): a chunk whose vector alone changed
        need not have its text decrypted."""
        cols = tuple(fields)
        out: dict[int, StoredChunk] = {}
        for part in chunked(ids):
            for r in self._store.query(f"SELECT * FROM chunks WHERE id IN ({placeholders(len(part))})", part):
                out[int(r["id"])] = self._chunk(r, cols, on_corrupt)
        return out

    def _chunk(self, r: Any, cols: Sequence[str], on_corrupt: OnCorrupt | None) -> StoredChunk:
        v = open_row(self._store, "chunks", r, cols, on_corrupt)
        return StoredChunk(int(r["id"]), int(r["document_id"]), int(r["ordinal"]), r["content_hash"], v.get("text"),
                           v.get("meta") or {}, v.get("embedding"))

    def texts(self, ids: Iterable[int]) -> dict[int, str]:
        """Just the text of these chunks (authenticated), each opened once."""
        out: dict[int, str] = {}
        for part in chunked(ids):
            for r in self._store.query(f"SELECT * FROM chunks WHERE id IN ({placeholders(len(part))})", part):
                text = open_row(self._store, "chunks", r, ("text",))["text"]
                if text is not None:
                    out[int(r["id"])] = text
        return out

    def neighbour_texts(self, document_id: int, ordinal: int) -> tuple[str, ...]:
        """The texts of the chunks just before and after ``ordinal`` in its note."""
        rows = self._store.query("SELECT * FROM chunks WHERE document_id = ? AND ordinal IN (?, ?) ORDER BY ordinal",
                                 (document_id, ordinal - 1, ordinal + 1))
        return tuple(open_row(self._store, "chunks", r, ("text",))["text"] for r in rows)

    def after(self, after: int, limit: int) -> list[ChunkText]:
        """Up to ``limit`` chunks with an id above ``after``, in id order, their text opened."""
        rows = self.rows("SELECT * FROM chunks WHERE id > ? ORDER BY id LIMIT ?", (int(after), int(limit)),
                         columns=("text",))
        return [ChunkText(r.id, int(r["document_id"]), str(r.get("text") or "")) for r in rows]

    def of_document(self, doc_id: int, limit: int) -> list[str]:
        """The text of a document's first ``limit`` chunks, in order."""
        rows = self.rows("SELECT * FROM chunks WHERE document_id = ? ORDER BY id LIMIT ?", (int(doc_id), int(limit)),
                         columns=("text",))
        return [str(r.get("text") or "") for r in rows]

    def members(self, document_ids: Iterable[int]) -> dict[int, list[tuple[int, int]]]:
        """Document id -> its chunks as (ordinal, chunk id), unordered."""
        out: dict[int, list[tuple[int, int]]] = {}
        for part in chunked(document_ids):
            for r in self._store.query(f"SELECT id, document_id, ordinal FROM chunks "
                                       f"WHERE document_id IN ({placeholders(len(part))})", part):
                out.setdefault(int(r["document_id"]), []).append((int(r["ordinal"]), int(r["id"])))
        return out

    def documents_of(self, chunk_ids: Iterable[int]) -> dict[int, int]:
        """Chunk id -> document id (plain columns: they only steer a ranking)."""
        out: dict[int, int] = {}
        for part in chunked(chunk_ids):
            # The narrow index (schema v8): 1,000 chunks cost 2 ms there, 7 ms through the rows.
            for r in self._store.query("SELECT id, document_id FROM chunks INDEXED BY chunks_doc_of "
                                       f"WHERE id IN ({placeholders(len(part))})", part):
                out[int(r["id"])] = int(r["document_id"])
        return out

    def first_of(self, document_ids: Iterable[int]) -> dict[int, int]:
        """The first chunk (lowest ordinal) of each of these notes: chunk id -> document id."""
        out: dict[int, int] = {}
        for part in chunked(document_ids):
            for r in self._store.query(
                    f"SELECT MIN(id) AS id, document_id FROM chunks WHERE document_id IN ({placeholders(len(part))}) "
                    "AND ordinal = (SELECT MIN(ordinal) FROM chunks c2 WHERE c2.document_id = chunks.document_id) "
                    "GROUP BY document_id", part):
                out[int(r["id"])] = int(r["document_id"])
        return out

    def embeddings_by_content(self, document_id: int) -> dict[str, bytes]:
        """A note's chunk vectors by chunk content hash: what a re-save can keep."""
        out: dict[str, bytes] = {}
        for r in self._store.query("SELECT id, content_hash, embedding FROM chunks WHERE document_id = ?",
                                   (document_id,)):
            if r["content_hash"] and r["embedding"] is not None:
                out[r["content_hash"]] = self._store.open_value("chunks", int(r["id"]), "embedding", r["embedding"])
        return out

    # --- phase 2: chunks waiting for their embedding -------------------------------------------
    def waiting_counts(self) -> tuple[int, int]:
        """(chunks without an embedding, notes they belong to), from the partial index."""
        waiting, notes = self._store.query(
            "SELECT COUNT(*), COUNT(DISTINCT document_id) FROM chunks INDEXED BY chunks_unembedded "
            "WHERE embedding IS NULL")[0]
        return int(waiting), int(notes)

    def waiting(self, limit: int) -> list[StoredChunk]:
        """Up to ``limit`` chunks without an embedding (authenticated), in note order."""
        rows = self._store.query("SELECT * FROM chunks INDEXED BY chunks_unembedded "
                                 "WHERE embedding IS NULL ORDER BY document_id, id LIMIT ?", (int(limit),))
        return [self._chunk(r, ("text", "meta"), None) for r in rows]

    @staticmethod
    def still_waiting(w: Writer, chunk_id: int, content_hash: str | None) -> bool:
        """Inside ``w``: the chunk still has this content and no embedding (the note may have
        changed while it was being embedded)."""
        cur = w.execute("SELECT content_hash, embedding IS NULL FROM chunks WHERE id = ?", (chunk_id,)).fetchone()
        return cur is not None and cur[0] == content_hash and bool(cur[1])

    # --- writes ----------------------------------------------------------------------------------
    @staticmethod
    def ids_of(w: Writer, document_id: int) -> list[int]:
        """Inside ``w``: the ids of a note's chunks."""
        return [int(cid) for (cid,) in w.execute("SELECT id FROM chunks WHERE document_id = ?",
                                                 (document_id,)).fetchall()]

    @staticmethod
    def delete_of(w: Writer, document_id: int) -> None:
        """Inside ``w``: delete every chunk of a note."""
        w.execute("DELETE FROM chunks WHERE document_id = ?", (document_id,))

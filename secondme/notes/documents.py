"""Documents and chunks in the encrypted store, and the change records the indexes replay."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from secondme.ingest import Chunk, ExtractedDoc
from secondme.results import readable_path
from secondme.search.ids import DOCUMENT
from secondme.store import Store
from secondme.store.db import Writer
from secondme.store.schema import stat_key_input


@dataclass(frozen=True)
class DocState:
    """What the store knows of one note file (paths opened, nothing else)."""

    id: int
    folder_id: int | None
    path: Path
    stat_key: str | None  # keyed hash of the size and mtime last seen (DocumentStore.stat_key)
    content_hash: str | None
    state: str


class DocumentStore:
    """Reads and writes documents and their chunks; every write records index changes."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def path_hash(self, path: Path) -> str:
        # The file name's bytes (the same as its UTF-8 text when it is valid UTF-8).
        return self._store.keyed_hash(os.fsencode(path), "path")

    def content_hash(self, data: bytes) -> str:
        return self._store.keyed_hash(data, "content")

    def chunk_hash(self, embed_text: str) -> str:
        return self._store.keyed_hash(embed_text, "chunk")

    def stat_key(self, path: Path, size: int, mtime: float) -> str:
        """What tells an unchanged file at start without keeping its size and mtime in plain
        (they say which notes changed when): only equality is needed. The exact values are
        sealed in the document's ``exact`` column for dates."""
        return self._store.keyed_hash(stat_key_input(self.path_hash(path), size, mtime), "stat")

    def _state(self, r: Any) -> DocState:
        return DocState(int(r["id"]), r["folder_id"], Path(os.fsdecode(self._store.open_value("documents", r["id"], "path", r["path"]))),
                        r["stat_key"], r["content_hash"], r["state"])

    _COLS = "id, folder_id, path, stat_key, content_hash, state"

    @property
    def _ok(self) -> str:
        # The reconcile trusts folder, state and content hash to skip or move files: authenticated.
        return self._store.verified("documents")

    def by_path(self, path: Path) -> DocState | None:
        rows = self._store.query(f"SELECT {self._COLS} FROM documents WHERE path_hash = ? AND {self._ok}",
                                 (self.path_hash(path),))
        return self._state(rows[0]) if rows else None

    def for_folder(self, folder_id: int | None = None) -> list[DocState]:
        if folder_id is None:
            rows = self._store.query(f"SELECT {self._COLS} FROM documents WHERE {self._ok}")
        else:
            rows = self._store.query(f"SELECT {self._COLS} FROM documents WHERE folder_id = ? AND {self._ok}",
                                     (folder_id,))
        return [self._state(r) for r in rows]

    def moved_candidates(self, content_hash: str) -> list[DocState]:
        """Documents with this content whose file no longer exists (the source of a move)."""
        rows = self._store.query(
            f"SELECT {self._COLS} FROM documents WHERE content_hash = ? AND state = 'ok' AND {self._ok}",
            (content_hash,)
        )
        return [d for d in (self._state(r) for r in rows) if not os.path.lexists(d.path)]

    def old_embeddings(self, doc_id: int) -> dict[str, bytes]:
        rows = self._store.query("SELECT id, content_hash, embedding FROM chunks WHERE document_id = ?", (doc_id,))
        out: dict[str, bytes] = {}
        for r in rows:
            if r["content_hash"] and r["embedding"] is not None:
                out[r["content_hash"]] = self._store.open_value("chunks", r["id"], "embedding", r["embedding"])
        return out

    # --- writes (inside one transaction) -------------------------------------------------------
    def _upsert_doc(self, w: Writer, existing: DocState | None, folder_id: int, path: Path,
                    plain: dict[str, Any], private: dict[str, Any]) -> int:
        # Size, mtime and indexed_at go sealed into ``exact`` (Writer), NULL in plain.
        plain = {"folder_id": folder_id, "path_hash": self.path_hash(path), "indexed_at": time.time(), **plain}
        private = {"path": os.fsencode(path), **private}
        if existing is not None:
            w.update("documents", existing.id, plain, private)
            return existing.id
        return w.insert("documents", plain, private)

    def _drop_chunks(self, w: Writer, doc_id: int) -> None:
        for (cid,) in w.execute("SELECT id FROM chunks WHERE document_id = ?", (doc_id,)).fetchall():
            w.record_change("chunk", int(cid), "delete")
        w.execute("DELETE FROM chunks WHERE document_id = ?", (doc_id,))

    def save(self, w: Writer, existing: DocState | None, folder_id: int, path: Path, size: int,
             mtime: float, content_hash: str, doc: ExtractedDoc, chunks: list[Chunk],
             chunk_hashes: list[str], vectors: Sequence[np.ndarray | None], embedder: str) -> int:
        """Store the note and its chunks; a chunk whose vector is None waits for phase 2
        (:mod:`secondme.notes.semantic`) with a NULL embedding."""
        meta = {"front_matter": doc.front_matter, "unit": doc.source_unit}
        doc_id = self._upsert_doc(
            w, existing, folder_id, path,
            {"content_hash": content_hash, "format": doc.format, "size": size, "mtime": mtime, "state": "ok",
             "stat_key": self.stat_key(path, size, mtime)},
            # The chunks' time (when this content was saved): a later touch() keeps it.
            {"title": doc.title, "meta": meta, "error": None, "exact": {"content_mtime": mtime}},
        )
        self._drop_chunks(w, doc_id)
        for c, h, v in zip(chunks, chunk_hashes, vectors, strict=True):
            cid = w.insert(
                "chunks", {"document_id": doc_id, "ordinal": c.ordinal, "content_hash": h},
                {"text": c.text, "embedding": None if v is None else np.asarray(v, dtype=np.float32).tobytes(),
                 "meta": {"heading": list(c.heading_path), "lines": [c.line_start, c.line_end],
                          "context": c.context, "embedder": embedder}},
            )
            w.record_change("chunk", cid, "upsert")
        w.record_change(DOCUMENT, doc_id, "upsert")  # the whole-note keyword row
        return doc_id

    def save_failed(self, w: Writer, existing: DocState | None, folder_id: int, path: Path,
                    size: int | None, mtime: float | None, reason: str) -> int:
        doc_id = self._upsert_doc(
            w, existing, folder_id, path,
            {"content_hash": None, "size": size, "mtime": mtime, "state": "failed", "format": None,
             "stat_key": None if size is None or mtime is None else self.stat_key(path, size, mtime)},
            {"title": readable_path(path.name), "error": reason},
        )
        self._drop_chunks(w, doc_id)
        w.record_change(DOCUMENT, doc_id, "upsert")  # no text now: its whole-note row goes
        return doc_id

    def touch(self, w: Writer, doc_id: int, path: Path, size: int, mtime: float) -> None:
        w.update("documents", doc_id, {"size": size, "mtime": mtime, "stat_key": self.stat_key(path, size, mtime)})

    def move(self, w: Writer, doc: DocState, folder_id: int, new_path: Path) -> None:
        """Point a document at its new path; its chunks, and what derives from them, stay."""
        w.update("documents", doc.id, {"folder_id": folder_id, "path_hash": self.path_hash(new_path)},
                 {"path": os.fsencode(new_path)})
        for (cid,) in w.execute("SELECT id FROM chunks WHERE document_id = ?", (doc.id,)).fetchall():
            w.record_change("chunk", int(cid), "upsert")  # the index carries folder and path
        w.record_change(DOCUMENT, doc.id, "upsert")

    def delete(self, w: Writer, doc_id: int) -> None:
        self._drop_chunks(w, doc_id)
        w.delete("documents", doc_id)
        w.record_change(DOCUMENT, doc_id, "delete")

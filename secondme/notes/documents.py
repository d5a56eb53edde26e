"""Documents and chunks in the encrypted store (the store logs the changes the indexes replay)."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from secondme.ingest import Chunk, ExtractedDoc
from secondme.results import readable_path
from secondme.store import Store
from secondme.store.db import Writer
from secondme.store.repos.documents import Chunks, DocState, Documents
from secondme.store.schema import stat_key_input


class DocumentStore:
    """Reads and writes documents and their chunks; the store logs every index-visible write."""

    def __init__(self, store: Store) -> None:
        """Read and write documents and chunks in ``store``."""
        self._store = store
        self._docs = Documents(store)
        self._chunks = Chunks(store)

    def path_hash(self, path: Path) -> str:
        """The keyed hash a document is found by, from its path's bytes (the path itself stays sealed)."""
        # The file name's bytes (the same as its UTF-8 text when it is valid UTF-8).
        return self._store.keyed_hash(os.fsencode(path), "path")

    def content_hash(self, data: bytes) -> str:
        """The keyed hash of a file's bytes: tells an unchanged or moved note without reading its text."""
        return self._store.keyed_hash(data, "content")

    def chunk_hash(self, embed_text: str) -> str:
        """The keyed hash of a chunk's embedding text: tells which chunks of a re-saved note keep their
        vector."""
        return self._store.keyed_hash(embed_text, "chunk")

    def stat_key(self, path: Path, size: int, mtime: float) -> str:
        """What tells an unchanged file at start without keeping its size and mtime in plain
        (they say which notes changed when): only equality is needed. The exact values are
        sealed in the document's ``exact`` column for dates."""
        return self._store.keyed_hash(stat_key_input(self.path_hash(path), size, mtime), "stat")

    def by_path(self, path: Path) -> DocState | None:
        """The document stored for ``path``, or None."""
        return self._docs.by_path_hash(self.path_hash(path))

    def for_folder(self, folder_id: int | None = None) -> list[DocState]:
        """Every document (of one folder when given)."""
        return self._docs.states(folder_id)

    def moved_candidates(self, content_hash: str) -> list[DocState]:
        """Documents with this content whose file no longer exists (the source of a move)."""
        return [d for d in self._docs.ok_with_content(content_hash) if not os.path.lexists(d.path)]

    def old_embeddings(self, doc_id: int) -> dict[str, bytes]:
        """A document's chunk vectors by chunk hash, for a re-read to keep those of unchanged chunks."""
        return self._chunks.embeddings_by_content(doc_id)

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
        Chunks.delete_of(w, doc_id)  # the store logs each chunk's delete (schema v7 triggers)

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
            w.insert(
                "chunks", {"document_id": doc_id, "ordinal": c.ordinal, "content_hash": h},
                {"text": c.text, "embedding": None if v is None else np.asarray(v, dtype=np.float32).tobytes(),
                 "meta": {"heading": list(c.heading_path), "lines": [c.line_start, c.line_end],
                          "context": c.context, "embedder": embedder}},
            )
        return doc_id

    def save_failed(self, w: Writer, existing: DocState | None, folder_id: int, path: Path,
                    size: int | None, mtime: float | None, reason: str) -> int:
        """Record inside ``w`` that ``path`` could not be indexed (``reason`` sealed): its chunks go, the
        document stays to show why. Returns its id."""
        doc_id = self._upsert_doc(
            w, existing, folder_id, path,
            {"content_hash": None, "size": size, "mtime": mtime, "state": "failed", "format": None,
             "stat_key": None if size is None or mtime is None else self.stat_key(path, size, mtime)},
            {"title": readable_path(path.name), "error": reason},
        )
        self._drop_chunks(w, doc_id)
        return doc_id

    def touch(self, w: Writer, doc_id: int, path: Path, size: int, mtime: float) -> None:
        """Record a file's new size and mtime inside ``w`` when its content did not change."""
        w.update("documents", doc_id, {"size": size, "mtime": mtime, "stat_key": self.stat_key(path, size, mtime)})

    def move(self, w: Writer, doc: DocState, folder_id: int, new_path: Path) -> None:
        """Point a document at its new path; its chunks, and what derives from them, stay. The
        folder change logs the document, whose chunks the index sync re-files with it."""
        w.update("documents", doc.id, {"folder_id": folder_id, "path_hash": self.path_hash(new_path)},
                 {"path": os.fsencode(new_path)})

    def delete(self, w: Writer, doc_id: int) -> None:
        """Delete a document and its chunks inside ``w`` (the store logs both for the indexes)."""
        self._drop_chunks(w, doc_id)
        w.delete("documents", doc_id)

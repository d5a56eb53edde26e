"""Vector search: one Chroma collection (cosine HNSW) holding ids, vectors and filter metadata.

Chroma is only an index here: vectors are always computed by our embedder and passed in, never
embedded by Chroma (its default embedding function downloads a model). Chroma is used through its
public client (``chroma_engine``), which the vector index's own process imports ahead of need.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from secondme.errors import Closed
from secondme.index.chroma_engine import ChromaEngine

if TYPE_CHECKING:
    from chromadb.api.models.Collection import Collection

log = logging.getLogger("secondme.index.vector")

MetadataValue = str | int | float | bool
DEFAULT_COLLECTION = "secondme-vectors"
# Chroma's native writes hold the GIL for their whole call: ~1 ms a new vector and ~6 ms an
# updated one at 30k vectors (HNSW relinks the neighbours). Writes into a non-empty collection
# go in slices this small, yielding between them, so no other thread (the window's) waits
# more than a few tens of milliseconds.
WRITE_SLICE = 8


def checked_batch(
    ids: Sequence[int],
    vectors: npt.NDArray[np.floating[Any]],
    metadatas: Sequence[Mapping[str, MetadataValue | None]] | None,
) -> npt.NDArray[np.float32]:
    """The vectors as float32, after checking that ids, vectors and metadatas line up."""
    vecs = np.asarray(vectors, dtype=np.float32)
    if vecs.ndim != 2 or vecs.shape[0] != len(ids):
        raise ValueError("vectors must have shape (len(ids), dim)")
    if metadatas is not None and len(metadatas) != len(ids):
        raise ValueError("metadatas must match ids")
    return vecs


class _SharedLock:
    """Many holders in shared mode or one in exclusive mode (writers are not starved)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._shared = 0
        self._exclusive = False
        self._waiting_exclusive = 0

    @contextmanager
    def shared(self) -> Iterator[None]:
        with self._cond:
            while self._exclusive or self._waiting_exclusive:
                self._cond.wait()
            self._shared += 1
        try:
            yield
        finally:
            with self._cond:
                self._shared -= 1
                if not self._shared:
                    self._cond.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._cond:
            self._waiting_exclusive += 1
            while self._exclusive or self._shared:
                self._cond.wait()
            self._waiting_exclusive -= 1
            self._exclusive = True
        try:
            yield
        finally:
            with self._cond:
                self._exclusive = False
                self._cond.notify_all()


class VectorIndex:
    """A Chroma collection keyed by the store's integer ids.

    ``path`` is a folder in the private RAM folder, or None for an in-memory collection (it
    must then be rebuilt at every unlock). ``embedding_function`` (an ``Embedder``, an
    ``EmbedderIdentity`` or any chromadb EmbeddingFunction) is recorded with the collection and
    checked on every reopen; with None, Chroma stores a "legacy" marker. Chroma never embeds
    anything either way: we always pass the vectors.
    """

    def __init__(
        self,
        path: Path | None,
        *,
        collection: str = DEFAULT_COLLECTION,
        embedding_function: Any = None,
        hnsw: Mapping[str, Any] | None = None,
        write_slice: int = WRITE_SLICE,
    ) -> None:
        """Open (or create) the collection in the folder ``path``, in memory when None; ``hnsw`` sets its
        graph, ``write_slice`` how many vectors one write call sends. Raises ValueError for a name Chroma
        refuses."""
        if not 3 <= len(collection) <= 512:
            raise ValueError("Chroma collection names need 3 to 512 characters")
        self._path = path
        # An in-memory collection gets a name of its own, so its files can never be mistaken
        # for another's (Chroma's own client shares one system between in-memory clients).
        self._name = collection if path is not None else f"{collection}-{uuid.uuid4().hex}"
        self._ef = embedding_function
        self._hnsw: dict[str, Any] = {"space": "cosine", **(hnsw or {})}
        self._lock = _SharedLock()
        self._engine: ChromaEngine | None = None
        self._coll: Collection | None = None
        self._max_batch = 1000
        self._write_slice = max(1, int(write_slice))
        self.generation = 0  # bumped on every write; lets the owner know the index is dirty
        self._count_cache: tuple[int, int] | None = None  # (generation, count)
        self._open()

    # --- lifecycle --------------------------------------------------------------------------
    def _open(self) -> None:
        if self._path is not None:
            self._path.mkdir(mode=0o700, parents=True, exist_ok=True)
        engine = ChromaEngine(self._path)
        try:
            self._coll = engine.get_or_create(self._name, self._hnsw, self._ef)
            self._max_batch = max(1, engine.max_batch_size())
        except BaseException:
            engine.close()
            raise
        self._engine = engine

    def _release(self, drop: bool) -> None:
        engine, self._engine, self._coll = self._engine, None, None
        if engine is None:
            return
        try:
            if drop:
                engine.delete_collection(self._name)
        finally:
            engine.close()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Close Chroma (flushing its files) for the duration of the block, then reopen.

        Queries and writes wait meanwhile. Used to copy a consistent folder for sealing.
        """
        if self._path is None:
            raise RuntimeError("an in-memory vector index has no files to pause")
        with self._lock.exclusive():
            self._release(drop=False)
            try:
                yield
            finally:
                self._open()

    def close(self) -> None:
        """Close Chroma (an in-memory collection is dropped first)."""
        with self._lock.exclusive():
            self._release(drop=self._path is None)

    @property
    def in_memory(self) -> bool:
        """Whether the collection lives only in memory (rebuilt at every unlock)."""
        return self._path is None

    def _collection(self) -> tuple[ChromaEngine, Collection]:
        if self._engine is None or self._coll is None:
            raise Closed("vector index is closed")
        return self._engine, self._coll

    # --- writes -----------------------------------------------------------------------------
    def upsert(
        self,
        ids: Sequence[int],
        vectors: npt.NDArray[np.floating[Any]],
        metadatas: Sequence[Mapping[str, MetadataValue | None]] | None = None,
    ) -> None:
        """Insert or replace vectors by id, in batches of Chroma's maximum size."""
        vecs = checked_batch(ids, vectors, metadatas)
        if not ids:
            return
        str_ids = [str(int(i)) for i in ids]
        metas = None
        if metadatas is not None:
            # Chroma rejects None values and empty dicts.
            metas = [{k: v for k, v in m.items() if v is not None} or None for m in metadatas]
        with self._lock.shared():
            engine, coll = self._collection()
            # Chroma's add skips the per-id lookup of upsert (measured ~1.3-1.6x faster); it is
            # only safe into an empty collection with ids unique across all batches.
            write = engine.upsert
            step = min(self._max_batch, self._write_slice)
            if len(set(str_ids)) == len(str_ids) and self._cached_count(engine, coll) == 0:
                # A bulk load (rebuild at unlock): nothing else is waiting for it to yield.
                write, step = engine.add, self._max_batch
            for start in range(0, len(str_ids), step):
                if start:
                    time.sleep(0)  # let a waiting thread take the GIL between native calls
                write(coll, str_ids[start : start + step], vecs[start : start + step],
                      None if metas is None else metas[start : start + step])
                self.generation += 1

    def delete(self, ids: Sequence[int]) -> None:
        """Remove the vectors of ``ids`` (missing ones are ignored), in slices so queries can interleave."""
        if not ids:
            return
        str_ids = [str(int(i)) for i in ids]
        with self._lock.shared():
            engine, coll = self._collection()
            step = min(self._max_batch, self._write_slice * 4)  # deletes cost ~1/4 of an update
            for start in range(0, len(str_ids), step):
                if start:
                    time.sleep(0)
                engine.delete(coll, str_ids[start : start + step])
                self.generation += 1

    # --- reads ------------------------------------------------------------------------------
    def _cached_count(self, engine: ChromaEngine, coll: Collection) -> int:
        # count() costs ~15 ms at 100k vectors; it only changes when we write (generation).
        cached = self._count_cache
        if cached is not None and cached[0] == self.generation:
            return cached[1]
        n = engine.count(coll)
        self._count_cache = (self.generation, n)
        return n

    def count(self) -> int:
        """How many vectors the collection holds."""
        with self._lock.shared():
            engine, coll = self._collection()
            return engine.count(coll)

    def query(
        self,
        vector: npt.NDArray[np.floating[Any]],
        k: int = 10,
        where: Mapping[str, Any] | None = None,
    ) -> list[tuple[int, float]]:
        """The ``k`` nearest ids to ``vector`` with their cosine distances (smaller is closer)."""
        vec = np.asarray(vector, dtype=np.float32).reshape(1, -1)
        with self._lock.shared():
            engine, coll = self._collection()
            n = min(int(k), self._cached_count(engine, coll))
            if n <= 0:
                return []
            ids, dists = engine.query(coll, vec, n, where)
        return [(int(i), float(d)) for i, d in zip(ids, dists, strict=True)]

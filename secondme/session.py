"""Everything that exists only while Second Me is unlocked, opened and closed in order."""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from typing import Any

from secondme.crypto import KeySet
from secondme.embed.base import Embedder
from secondme.events import Emit, EventKind
from secondme.index import SealedIndexes, cleanup_stale_runtime_dirs
from secondme.index.vector_process import VectorHost
from secondme.memory.items import MemoryItems
from secondme.notes.folders import FolderRegistry
from secondme.notes.indexer import Indexer
from secondme.notes.semantic import EmbeddingFiller, semantic_progress
from secondme.notes.watcher import FolderWatcher
from secondme.paths import Paths
from secondme.results import IndexProgress
from secondme.search.hybrid import HybridSearcher
from secondme.search.sync import IndexSync
from secondme.settings import Settings
from secondme.store import Store
from secondme.threads import Foreground

log = logging.getLogger("secondme.session")


class Session:
    """Store-backed subsystems: indexes, search, folders, indexing queue, watcher, memories.

    Open order: indexes (unseal snapshot) → replay newer store changes → indexer → watcher.
    Close order is the reverse, ending with sealing the indexes.
    """

    def __init__(self, paths: Paths, settings: Settings, store: Store, keys: KeySet,
                 embedder: Embedder, emit: Emit,
                 vector_host: VectorHost | None = None) -> None:
        """Open the indexes of ``store`` (unsealed with ``keys``), build search, indexing and memory over them
        and start replaying the store changes the indexes miss; ``emit`` reports events."""
        self.paths = paths
        self.store = store
        self.embedder = embedder
        self._emit = emit
        cleanup_stale_runtime_dirs()
        # The embedder itself, not a ChromaEmbedding: the collection records only its name and
        # dimension, and this process never imports Chroma's client (~1.5 s).
        self.indexes = SealedIndexes(
            paths, keys.snapshot, embedding_function=embedder,
            expect={"embedder": embedder.name, "dim": embedder.dim}, vector_host=vector_host,
        )
        self.indexes.open()
        self.sync = IndexSync(store, self.indexes, on_changed=lambda: emit(EventKind.INDEX_CHANGED))
        self.indexes.on_vector_replaced = self.sync.kick
        self.folders = FolderRegistry(store)
        # Searches a person waits on go first: indexing steps aside between notes while one runs.
        self.foreground = Foreground()
        self.searcher = HybridSearcher(store, self.indexes, embedder, folder_lookup=self._folder_id,
                                       foreground=self.foreground)
        self.memories = MemoryItems(store, embedder)
        self.indexer = Indexer(
            store, self.folders, embedder, max_file_bytes=settings.max_file_bytes,
            debounce=settings.debounce_seconds, on_progress=self._progress,
            on_committed=self._phase1_committed, step_aside=self.foreground.step_aside,
        )
        # Phase 2: embeddings for what phase 1 stored, in the background, after phase 1's queue.
        # The index sync hears of both phases' commits from the store's change log itself.
        self.semantic = EmbeddingFiller(store, embedder, phase1_busy=self.indexer.active,
                                        on_progress=lambda: self._progress(self.indexer.progress()),
                                        step_aside=self.foreground.step_aside)
        self.watcher = FolderWatcher(self.indexer)
        self.sync.start()
        self.sync.kick()  # replay what the store holds beyond the snapshot
        self.indexer.start()
        self.semantic.start()
        self._closed = False
        self._close_lock = threading.Lock()

    def _folder_id(self, path: str) -> int | None:
        f = self.folders.find(path)
        return f.id if f else None

    def _phase1_committed(self) -> None:
        self.semantic.kick()

    def progress(self) -> IndexProgress:
        """Phase 1's queue and counts, with phase 2's notes done of all notes."""
        sp = semantic_progress(self.store)
        return dataclasses.replace(self.indexer.progress(), semantic_done=sp.done, semantic_total=sp.total,
                                   semantic_complete=sp.complete)

    def _progress(self, p: IndexProgress) -> None:
        try:
            self._emit(EventKind.INDEX_PROGRESS, progress=self.progress())
        except Exception:  # the store closing under a late report: the plain counts will do
            log.debug("semantic progress unavailable", exc_info=True)
            self._emit(EventKind.INDEX_PROGRESS, progress=p)

    def wait_indexed(self, timeout: float | None = None) -> bool:
        """Block until queued files are committed, embedded, and the indexes have caught up."""
        end = None if timeout is None else time.monotonic() + timeout
        ok = self.indexer.wait_idle(timeout)
        if ok:
            ok = self.semantic.wait_idle(None if end is None else max(0.0, end - time.monotonic()))
        self.sync.catch_up()
        return ok

    def wait_keyword_indexed(self, timeout: float | None = None) -> bool:
        """Block until queued files are committed and keyword-searchable (phase 1 only)."""
        ok = self.indexer.wait_idle(timeout)
        self.sync.catch_up()
        return ok

    def pause(self) -> None:
        """Pause indexing, both phases."""
        self.indexer.pause()
        self.semantic.pause()

    def resume(self) -> None:
        """Resume indexing, both phases."""
        self.indexer.resume()
        self.semantic.resume()

    def start_watching(self) -> None:
        """Watch the folders and queue what changed while they were not watched."""
        folders = self.folders.list()
        self.watcher.start(folders)
        self.indexer.reconcile(folders)

    def close(self) -> None:
        """Stop the watcher, indexing and sync, bring the indexes up to date and seal them; closing twice is a
        no-op."""
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
        self.watcher.stop()
        self.semantic.stop()
        self.indexer.stop()
        self.sync.stop()
        try:
            self.sync.catch_up()
        except Exception:
            log.exception("could not bring the indexes up to date before sealing")
        self.searcher.close()
        self.indexes.close(seal=True)

    def stats(self) -> dict[str, Any]:
        """The index sync's lag (store changes not yet applied) and watermark."""
        return {"lag": self.sync.lag(), "watermark": self.indexes.watermark}

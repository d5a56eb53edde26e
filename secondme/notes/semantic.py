"""Phase 2 of indexing: embeddings for the chunks that phase 1 stored without one.

Phase 1 (:class:`~secondme.notes.indexer.Indexer`) extracts, chunks and commits every note with
its keyword index entry first, because embedding is the slow step (MiniLM on two laptop cores:
minutes for a few thousand notes, while the text of the whole folder is stored in seconds).
This worker then fills in the vectors in the background, a batch at a time, each batch its own
transaction: a kill loses at most the batch in flight, and the next start goes on with the
chunks still waiting (the store knows them: ``embedding IS NULL``). It yields to phase 1:
while notes are queued for reading, it waits.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from secondme.embed.base import Embedder
from secondme.errors import DiskFull
from secondme.store import Store
from secondme.store.repos.documents import Chunks, Documents
from secondme.threads import lower_thread_priority

log = logging.getLogger("secondme.notes.semantic")

BATCH = 64
# How long to wait before trying again after the disk filled up or a batch failed.
RETRY_S = 5.0


@dataclass(frozen=True)
class SemanticProgress:
    """How far phase 2 is: notes whose every chunk has its embedding, out of all notes."""

    done: int
    total: int
    chunks_waiting: int

    @property
    def complete(self) -> bool:
        """Whether no chunk waits for its embedding."""
        return self.chunks_waiting == 0


def semantic_progress(store: Store) -> SemanticProgress:
    """Counted from the store (the partial index ``chunks_unembedded`` keeps it cheap)."""
    waiting, notes_waiting = Chunks(store).waiting_counts()
    total = Documents(store).count_ok()
    return SemanticProgress(max(total - notes_waiting, 0), total, waiting)


class EmbeddingFiller:
    """Embeds waiting chunks in the background; ``phase1_busy`` says when to hold back."""

    def __init__(self, store: Store, embedder: Embedder, *,
                 phase1_busy: Callable[[], bool] = lambda: False,
                 on_committed: Callable[[], None] | None = None,
                 on_progress: Callable[[], None] | None = None,
                 batch: int = BATCH, step_aside: Callable[[], object] = lambda: None) -> None:
        """Embed the waiting chunks of ``store`` with ``embedder``, ``batch`` at a time, holding back while
        ``phase1_busy()``; the callbacks hear of each commit and of progress, ``step_aside`` is called
        before each batch (searches in flight go first)."""
        self._step_aside = step_aside
        self._store = store
        self._chunks = Chunks(store)
        self._embedder = embedder
        self._phase1_busy = phase1_busy
        self._on_committed = on_committed
        self._on_progress = on_progress
        self.batch = batch
        self._cv = threading.Condition()
        self._kicked = True  # look once at start: a previous run may have left chunks waiting
        self._stopping = False
        self._paused = False
        self._busy = False
        self._idle = False  # true once a look found nothing waiting (until the next kick)
        self._thread: threading.Thread | None = None
        self.embedded = 0  # chunks embedded by this run (diagnostics, tests)

    # --- lifecycle -------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the worker thread (no-op if it runs)."""
        if self._thread is None:
            self._stopping = False
            self._thread = threading.Thread(target=self._run, name="secondme-embedder", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the worker thread, waiting up to ``timeout`` seconds."""
        with self._cv:
            self._stopping = True
            self._cv.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def kick(self) -> None:
        """New chunks may be waiting (phase 1 committed, or phase 1 went idle)."""
        with self._cv:
            self._kicked = True
            self._idle = False
            self._cv.notify_all()

    def pause(self, wait: float = 30.0) -> bool:
        """Hold the work; returns once the batch in flight (if any) is committed, so nothing is
        written after it, or False when that took longer than ``wait`` seconds."""
        end = time.monotonic() + wait
        with self._cv:
            self._paused = True
            while self._busy:
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self._cv.wait(min(0.05, left))
        return True

    def resume(self) -> None:
        """Take up the work again after :meth:`pause`."""
        with self._cv:
            self._paused = False
            self._cv.notify_all()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until nothing is waiting to be embedded (True) or ``timeout`` passed."""
        end = None if timeout is None else time.monotonic() + timeout
        with self._cv:
            while not self._idle or self._kicked or self._busy:
                if self._thread is None or self._stopping:
                    return False
                left = None if end is None else end - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._cv.wait(0.05 if left is None else min(0.05, left))
        return True

    # --- worker ----------------------------------------------------------------------------------
    def _run(self) -> None:
        lower_thread_priority(5)  # background work yields the CPU to the window's thread first
        while True:
            with self._cv:
                while not self._stopping and (self._paused or not self._kicked or self._phase1_busy()):
                    self._cv.wait(0.2)
                if self._stopping:
                    return
                self._kicked = False
                self._busy = True
            more = False
            try:
                self._step_aside()
                more = self._one_batch()
            except DiskFull as exc:
                log.warning("embedding waits for disk space: %s", exc)
                self._retry_later()
            except Exception:
                log.exception("embedding a batch of chunks failed")
                self._retry_later()
            finally:
                with self._cv:
                    self._busy = False
                    if more:
                        self._kicked = True
                    elif not self._kicked:
                        self._idle = True
                    self._cv.notify_all()
            if self._on_progress is not None:
                try:
                    self._on_progress()
                except Exception:
                    log.exception("progress callback failed")

    def _retry_later(self) -> None:
        with self._cv:
            self._cv.wait(RETRY_S)
            self._kicked = True

    def _one_batch(self) -> bool:
        """Embed up to ``batch`` waiting chunks and commit them; True if more may be waiting."""
        s = self._store
        rows = self._chunks.waiting(self.batch)
        if not rows:
            return False
        texts: dict[int, tuple[str | None, str]] = {}
        for r in rows:
            text = r.text or ""
            context = r.meta.get("context") or ""
            # What phase 1 would have embedded (Chunk.embed_text): the context line, then the body.
            texts[r.id] = (r.content_hash, f"{context}\n{text}" if context else text)
        # Identical texts (a template, a repeated section) are embedded once.
        distinct = list(dict.fromkeys(t for _, t in texts.values()))
        vectors = dict(zip(distinct, self._embedder.embed(distinct), strict=True))
        with s.write() as w:
            for cid, (chash, text) in texts.items():
                # The note may have changed while we embedded: only the chunk as read gets it.
                if not Chunks.still_waiting(w, cid, chash):
                    continue
                vec = np.asarray(vectors[text], dtype=np.float32)
                # Only the embedding is written: the store logs a vector-only change (ids.VECTOR_OP).
                w.update("chunks", cid, private={"embedding": vec.tobytes()})
                self.embedded += 1
        if self._on_committed is not None:
            try:
                self._on_committed()
            except Exception:
                log.exception("index update after embedding failed")
        return len(rows) == self.batch

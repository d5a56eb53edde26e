"""The indexing queue (phase 1): debounced file events in, encrypted chunks out.

One worker thread drains the queue in batches, commits each batch in one transaction, then
tells its owner so the keyword index catches up: a note is searchable by keyword moments after
it is read. Embedding is phase 2 (:mod:`secondme.notes.semantic`), in the background: chunks are
stored without a vector unless an unchanged chunk's earlier vector can be kept.
A file that cannot be read is recorded with its reason; the queue always goes on.
"""

from __future__ import annotations

import dataclasses
import heapq
import itertools
import logging
import os
import stat as stat_mod
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from secondme.embed.base import Embedder
from secondme.errors import DiskFull, ExtractionError, UnsupportedFile
from secondme.ingest import Chunk, ExtractedDoc, chunk_document, extract, should_skip, walk_notes
from secondme.notes.documents import DocState, DocumentStore
from secondme.notes.folders import Folder, FolderRegistry
from secondme.results import IndexProgress, readable_path
from secondme.store import Store
from secondme.threads import lower_thread_priority

log = logging.getLogger("secondme.notes.indexer")

# While the disk is full, queued files are tried again this often.
DISK_FULL_RETRY_S = 5.0
MAX_FILES_PER_BATCH = 64


@dataclass
class _Prepared:
    path: Path
    folder: Folder
    existing: DocState | None
    size: int
    mtime: float
    content_hash: str
    doc: ExtractedDoc | None = None
    chunks: list[Chunk] = field(default_factory=list)
    chunk_hashes: list[str] = field(default_factory=list)
    vectors: list[np.ndarray | None] = field(default_factory=list)
    error: str | None = None
    moved_from: DocState | None = None
    drop: bool = False  # the file is now ignored: forget its document


class Indexer:
    """Watches nothing itself: the watcher and reconcile feed it paths through :meth:`enqueue`."""

    def __init__(
        self,
        store: Store,
        folders: FolderRegistry,
        embedder: Embedder,
        *,
        max_file_bytes: int = 20 * 1024 * 1024,
        debounce: float = 0.5,
        on_progress: Callable[[IndexProgress], None] | None = None,
        on_committed: Callable[[], None] | None = None,
    ) -> None:
        self._store = store
        self._folders = folders
        self._docs = DocumentStore(store)
        self._embedder = embedder
        self.max_file_bytes = max_file_bytes
        self.debounce = debounce
        self._on_progress = on_progress
        self._on_committed = on_committed
        self._cv = threading.Condition()
        self._heap: list[tuple[float, int, str]] = []   # (due, tiebreak, path)
        self._due: dict[str, float] = {}
        self._seq = itertools.count()
        self._paused = False
        self._stopping = False
        self._busy = False
        self._thread: threading.Thread | None = None
        self._done = self._failed = self._skipped = 0
        self._started_at: float | None = None
        self._error: str | None = None  # why indexing waits (the disk is full), shown in progress
        self._rate = 0.0
        self.processed_counts: dict[str, int] = {}  # path -> times (re)indexed, for diagnostics

    # --- lifecycle -----------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is None:
            self._stopping = False
            self._thread = threading.Thread(target=self._run, name="secondme-indexer", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        with self._cv:
            self._stopping = True
            self._cv.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def pause(self) -> None:
        with self._cv:
            self._paused = True
        self._report()

    def resume(self) -> None:
        with self._cv:
            self._paused = False
            self._cv.notify_all()
        self._report()

    @property
    def paused(self) -> bool:
        return self._paused

    # --- queue -----------------------------------------------------------------------------------
    def enqueue(self, path: str | os.PathLike[str], delay: float | None = None) -> None:
        """Index ``path`` (or notice it is gone) after the debounce delay; repeats coalesce."""
        p = os.path.abspath(os.fspath(path))
        due = time.monotonic() + (self.debounce if delay is None else delay)
        with self._cv:
            self._due[p] = due  # a later event pushes the same file back: one read per burst
            heapq.heappush(self._heap, (due, next(self._seq), p))
            if self._started_at is None:
                self._started_at = time.monotonic()
            self._cv.notify_all()

    def active(self) -> bool:
        """True while files are queued or being read (phase 2 holds back meanwhile)."""
        with self._cv:
            return bool(self._due) or self._busy

    def pending(self) -> int:
        with self._cv:
            return len(self._due)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until the queue is empty and nothing is being processed."""
        end = None if timeout is None else time.monotonic() + timeout
        with self._cv:
            while self._due or self._busy:
                left = None if end is None else end - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._cv.wait(0.05 if left is None else min(0.05, left))
        return True

    def reconcile(self, folders: list[Folder] | None = None) -> int:
        """Queue every file that changed, appeared or disappeared while nobody watched."""
        n = 0
        for folder in folders if folders is not None else self._folders.list():
            known = {d.path: d for d in self._docs.for_folder(folder.id)}
            seen: set[Path] = set()
            if folder.path.is_dir():
                # No size cut here: an oversized note is queued so it is reported, not ignored.
                for path in walk_notes(folder.path, sys.maxsize):
                    seen.add(path)
                    d = known.get(path)
                    try:
                        st = path.stat()
                    except OSError:
                        continue
                    if (d is None or d.state == "pending"
                            or d.stat_key != self._docs.stat_key(path, st.st_size, st.st_mtime)):
                        self.enqueue(path, delay=0)
                        n += 1
            # Gone files are checked after new ones so that a move is recognised as a move.
            for path in known.keys() - seen:
                self.enqueue(path, delay=0.05)
                n += 1
        return n

    def forget_folder(self, folder: Folder) -> None:
        with self._store.write() as w:
            for d in self._docs.for_folder(folder.id):
                self._docs.delete(w, d.id)
            w.delete("folders", folder.id)
        self._committed()

    # --- progress --------------------------------------------------------------------------------
    def progress(self) -> IndexProgress:
        with self._cv:
            queued = len(self._due)
            running = bool(self._due) or self._busy
        eta = queued / self._rate if self._rate > 0 and queued else None
        return IndexProgress(queued, self._done, self._failed, self._skipped, round(self._rate, 2),
                             eta, running, self._paused, self._error)

    def _report(self) -> None:
        if self._on_progress is not None:
            try:
                self._on_progress(self.progress())
            except Exception:
                log.exception("progress callback failed")

    def _committed(self) -> None:
        if self._on_committed is not None:
            try:
                self._on_committed()
            except Exception:
                log.exception("index update after commit failed")

    # --- worker ----------------------------------------------------------------------------------
    def _take_batch(self) -> list[Path] | None:
        with self._cv:
            while True:
                if self._stopping:
                    return None
                now = time.monotonic()
                if not self._paused and self._heap:
                    due, _, p = self._heap[0]
                    if self._due.get(p) != due:
                        heapq.heappop(self._heap)  # superseded by a later event for the same file
                        continue
                    if due <= now:
                        batch: list[Path] = []
                        while self._heap and len(batch) < MAX_FILES_PER_BATCH:
                            due, _, p = self._heap[0]
                            if self._due.get(p) != due:
                                heapq.heappop(self._heap)
                                continue
                            if due > now:
                                break
                            heapq.heappop(self._heap)
                            del self._due[p]
                            batch.append(Path(p))
                        self._busy = True
                        return batch
                    self._cv.wait(due - now)
                else:
                    self._cv.wait(1.0)

    def _run(self) -> None:
        # Background work yields the CPU (and so the GIL) to the window's thread first.
        lower_thread_priority(5)
        while True:
            batch = self._take_batch()
            if batch is None:
                return
            t0 = time.monotonic()
            try:
                self._process_batch(batch)
                self._error = None
            except DiskFull as exc:
                self._wait_for_space(batch, exc)
            except Exception:
                # Our bug, not the files': log it, then retry the files one by one, so that one
                # file cannot take down the rest of its batch and the culprit gets a reason.
                log.exception("indexing batch failed")
                if len(batch) == 1:
                    self._record_unexpected(batch[0])
                else:
                    for path in batch:
                        try:
                            self._process_batch([path])
                        except DiskFull as exc:
                            self._wait_for_space([path], exc)
                        except Exception:
                            log.exception("indexing a note failed")
                            self._record_unexpected(path)
            finally:
                with self._cv:
                    self._busy = False
                    self._cv.notify_all()
            dt = max(time.monotonic() - t0, 1e-6)
            inst = len(batch) / dt
            self._rate = inst if self._rate == 0 else 0.7 * self._rate + 0.3 * inst
            self._report()

    def _wait_for_space(self, paths: list[Path], exc: DiskFull) -> None:
        """Not the files' fault: keep them queued, try again later, and say why indexing waits."""
        if self._error is None:
            log.warning("indexing waits for disk space: %s", exc)
        self._error = str(exc)
        for p in paths:
            self.enqueue(p, delay=DISK_FULL_RETRY_S)

    def _record_unexpected(self, path: Path) -> None:
        """Report a file whose indexing hit one of our bugs (the queue goes on)."""
        self._failed += 1
        try:
            folder = self._folders.owner_of(path, self._folders.list())
            if folder is None:
                return
            with self._store.write() as w:
                self._docs.save_failed(w, self._docs.by_path(path), folder.id, path, None, None,
                                       "could not be indexed (an internal error; see the log)")
        except Exception:
            log.exception("could not record a failed note")

    def _process_batch(self, paths: list[Path]) -> None:
        folders = self._folders.list()
        prepared: list[_Prepared] = []
        gone: list[DocState] = []
        for path in paths:
            if self._stopping:
                for p in paths[paths.index(path):]:
                    self.enqueue(p, delay=0)  # finish next time
                break
            try:
                item = self._prepare(path, folders)
            except Exception as exc:  # an unexpected library failure on one file
                log.exception("unexpected failure reading a note")
                folder = self._folders.owner_of(path, folders)
                if folder is None:
                    continue
                item = _Prepared(path, folder, self._docs.by_path(path), 0, 0.0, "",
                                 error=f"could not be read ({type(exc).__name__})")
            if item is None:
                d = self._docs.by_path(path)
                if d is not None and not os.path.lexists(path):
                    gone.append(d)
                continue
            prepared.append(item)
        moved_ids = {it.moved_from.id for it in prepared if it.moved_from is not None}
        self._commit(prepared, gone, moved_ids)

    def _commit(self, prepared: list[_Prepared], gone: list[DocState], moved_ids: set[int]) -> None:
        """One transaction: the prepared files' outcomes, then the documents whose files went."""
        with self._store.write() as w:
            for it in prepared:
                self.processed_counts[str(it.path)] = self.processed_counts.get(str(it.path), 0) + 1
                if it.drop:
                    assert it.existing is not None
                    self._docs.delete(w, it.existing.id)
                    self._done += 1
                elif it.error is not None:
                    self._docs.save_failed(w, it.existing, it.folder.id, it.path, it.size or None,
                                           it.mtime or None, it.error)
                    self._failed += 1
                elif it.moved_from is not None:
                    self._docs.move(w, it.moved_from, it.folder.id, it.path)
                    self._docs.touch(w, it.moved_from.id, it.path, it.size, it.mtime)
                    self._done += 1
                elif it.doc is None:
                    assert it.existing is not None
                    self._docs.touch(w, it.existing.id, it.path, it.size, it.mtime)
                    self._skipped += 1
                else:
                    # Chunks without a kept vector are stored without one: phase 2 embeds them.
                    self._docs.save(w, it.existing, it.folder.id, it.path, it.size, it.mtime,
                                    it.content_hash, it.doc, it.chunks, it.chunk_hashes, it.vectors,
                                    self._embedder.name)
                    self._done += 1
            for d in gone:
                if d.id in moved_ids:
                    continue  # its file moved within this batch: the move above kept it
                self._docs.delete(w, d.id)
                self._done += 1
        self._committed()

    def _prepare(self, path: Path, folders: list[Folder]) -> _Prepared | None:
        """Read one file; None when there is nothing to index (gone, ignored, outside folders)."""
        folder = self._folders.owner_of(path, folders)
        if folder is None:
            return None
        existing = self._docs.by_path(path)
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            return None
        except OSError as exc:
            return _Prepared(path, folder, existing, 0, 0.0, "", error=f"cannot be read: {exc.strerror}")
        if stat_mod.S_ISDIR(st.st_mode):
            for child in walk_notes(path, self.max_file_bytes):  # a folder moved or created in
                self.enqueue(child, delay=0)
            return None
        if stat_mod.S_ISREG(st.st_mode) and st.st_size > self.max_file_bytes:
            mb = self.max_file_bytes / (1024 * 1024)
            return _Prepared(path, folder, existing, st.st_size, st.st_mtime, "",
                             error=f"larger than the {mb:g} MB limit")
        if should_skip(path, folder.path, self.max_file_bytes) is not None:
            # Ignored on purpose (hidden, .git, unsupported type, symlink loop): not a failure.
            if existing is None:
                self._skipped += 1
                return None
            return _Prepared(path, folder, existing, st.st_size, st.st_mtime, "", drop=True)
        if readable_path(path) != str(path):
            return _Prepared(path, folder, existing, st.st_size, st.st_mtime, "",
                             error="the file name is not valid UTF-8 (rename the file to index it)")
        try:
            with open(path, "rb") as fh:
                data = fh.read(self.max_file_bytes + 1)
        except FileNotFoundError:
            return None
        except OSError as exc:
            return _Prepared(path, folder, existing, st.st_size, st.st_mtime, "",
                             error=f"cannot be read: {exc.strerror or exc}")
        chash = self._docs.content_hash(data)
        item = _Prepared(path, folder, existing, st.st_size, st.st_mtime, chash)
        if existing is not None and existing.content_hash == chash and existing.state == "ok":
            return item  # same content: only size/mtime are refreshed
        if existing is None:
            moved = self._docs.moved_candidates(chash)
            if moved:
                item.moved_from = moved[0]
                return item
        try:
            item.doc = _valid_text(extract(path, self.max_file_bytes))
        except (ExtractionError, UnsupportedFile) as exc:
            item.error = str(exc)
            return item
        item.chunks = chunk_document(item.doc)
        item.chunk_hashes = [self._docs.chunk_hash(c.embed_text) for c in item.chunks]
        reuse = self._docs.old_embeddings(existing.id) if existing is not None else {}
        item.vectors = [
            np.frombuffer(reuse[h], dtype=np.float32) if h in reuse else None for h in item.chunk_hashes
        ]
        return item


def _valid_text(doc: ExtractedDoc) -> ExtractedDoc:
    """``doc`` with lone surrogates (a PDF's broken UTF-16 text, say) replaced: the store and
    the tokenizer take valid Unicode only, and one such character used to fail a whole batch."""
    def ok(text: str) -> bool:
        if text.isascii():
            return True
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True

    def fix(text: str) -> str:
        return text if ok(text) else text.encode("utf-8", "replace").decode("utf-8")

    if ok(doc.title) and ok(doc.text) and all(ok(h.title) for h in doc.headings):
        return doc
    return dataclasses.replace(doc, title=fix(doc.title), text=fix(doc.text),
                               headings=tuple(dataclasses.replace(h, title=fix(h.title)) for h in doc.headings))

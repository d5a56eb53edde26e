"""The indexing queue (phase 1): debounced file events in, encrypted chunks out.

One worker thread drains the queue in batches, commits each batch in one transaction, then
tells its owner so the keyword index catches up: a note is searchable by keyword moments after
it is read. Embedding is phase 2 (:mod:`secondme.notes.semantic`), in the background: chunks are
stored without a vector unless an unchanged chunk's earlier vector can be kept.
Each file examined comes to one :class:`~secondme.ingest.Outcome` (indexed, unchanged, moved,
removed, skipped, failed); a file that cannot be read is recorded with its reason, and the queue
always goes on.
"""

from __future__ import annotations

import dataclasses
import heapq
import itertools
import logging
import os
import stat as stat_mod
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from secondme.embed.base import Embedder
from secondme.errors import DiskFull, ExtractionError, FileTooLarge, FileUnreadable
from secondme.ingest import (
    Chunk,
    ExtractedDoc,
    FailReason,
    IgnorePolicy,
    Outcome,
    format_for,
    parse,
    read_note,
)
from secondme.ingest.formats.common import valid_text
from secondme.notes.documents import DocState, DocumentStore
from secondme.notes.folders import Folder, FolderRegistry
from secondme.results import IndexProgress, readable_path
from secondme.store import Store
from secondme.store.db import Writer
from secondme.threads import lower_thread_priority

log = logging.getLogger("secondme.notes.indexer")

# While the disk is full, queued files are tried again this often.
DISK_FULL_RETRY_S = 5.0
MAX_FILES_PER_BATCH = 64


@dataclass
class _FileResult:
    """One examined file: its outcome and what committing that outcome needs."""

    outcome: Outcome
    path: Path
    folder: Folder | None  # None only for a document whose file went outside every folder
    existing: DocState | None
    size: int | None = None
    mtime: float | None = None
    content_hash: str = ""
    reason: FailReason | None = None  # FAILED and SKIPPED_TOO_LARGE: why, as a kind
    detail: str = ""                  # ... and in words, as stored and shown on the Sources page
    doc: ExtractedDoc | None = None
    chunks: list[Chunk] = field(default_factory=list)
    chunk_hashes: list[str] = field(default_factory=list)
    vectors: list[np.ndarray | None] = field(default_factory=list)
    moved_from: DocState | None = None

    @property
    def folder_id(self) -> int:
        assert self.folder is not None, "only REMOVED may lack a folder"
        return self.folder.id


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
        step_aside: Callable[[], object] = lambda: None,
    ) -> None:
        """Index the files of ``folders`` into ``store`` (kept vectors are tagged with ``embedder``'s name);
        files over ``max_file_bytes`` are skipped, events wait ``debounce`` seconds, the callbacks
        hear of progress and of each commit, and ``step_aside`` is called before each file."""
        self._step_aside = step_aside  # lets searches in flight go first (``Foreground``)
        self._store = store
        self._folders = folders
        self._docs = DocumentStore(store)
        self._embedder = embedder
        # The one ignore policy: the watcher asks it too (``FolderWatcher``).
        self.policy = IgnorePolicy(max_bytes=max_file_bytes)
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
        self._tally: Counter[Outcome] = Counter()
        self._failures: Counter[FailReason] = Counter()
        self._started_at: float | None = None
        self._error: str | None = None  # why indexing waits (the disk is full), shown in progress
        self._rate = 0.0
        self.processed_counts: dict[str, int] = {}  # path -> times (re)indexed, for diagnostics

    @property
    def max_file_bytes(self) -> int:
        """Files larger than this are recorded as too large, not read."""
        return self.policy.max_bytes

    @max_file_bytes.setter
    def max_file_bytes(self, value: int) -> None:
        self.policy = dataclasses.replace(self.policy, max_bytes=value)

    @property
    def tally(self) -> dict[Outcome, int]:
        """How many files came to each outcome since this indexer started."""
        return dict(self._tally)

    @property
    def failures(self) -> dict[FailReason, int]:
        """Of the files recorded as failed or too large, how many for each kind of reason."""
        return dict(self._failures)

    # --- lifecycle -----------------------------------------------------------------------------
    def start(self) -> None:
        """Start the worker thread (no-op if it runs)."""
        if self._thread is None:
            self._stopping = False
            self._thread = threading.Thread(target=self._run, name="secondme-indexer", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the worker thread, waiting up to ``timeout`` seconds for the file in hand."""
        with self._cv:
            self._stopping = True
            self._cv.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def pause(self) -> None:
        """Hold the queue: paths keep queueing but none is read until :meth:`resume`."""
        with self._cv:
            self._paused = True
        self._report()

    def resume(self) -> None:
        """Read the queue again after :meth:`pause`."""
        with self._cv:
            self._paused = False
            self._cv.notify_all()
        self._report()

    @property
    def paused(self) -> bool:
        """Whether the queue is held."""
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
        """How many paths wait in the queue."""
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
                # An oversized note is walked and queued too, so that it is reported.
                for path in self.policy.walk(folder.path):
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
        """Delete a folder and every document and chunk from it (the indexes follow the change log)."""
        with self._store.write() as w:
            for d in self._docs.for_folder(folder.id):
                self._docs.delete(w, d.id)
            w.delete("folders", folder.id)
        self._committed()

    # --- progress --------------------------------------------------------------------------------
    def progress(self) -> IndexProgress:
        """Phase 1 now: queued, done, failed and skipped files, rate and estimated time left, and why it
        waits."""
        with self._cv:
            queued = len(self._due)
            running = bool(self._due) or self._busy
        eta = queued / self._rate if self._rate > 0 and queued else None
        counts = Counter({"done": 0, "failed": 0, "skipped": 0})
        for kind, n in list(self._tally.items()):
            counts[kind.counted_as] += n
        return IndexProgress(queued, counts["done"], counts["failed"], counts["skipped"], round(self._rate, 2),
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
        self._tally[Outcome.FAILED] += 1
        self._failures[FailReason.INTERNAL] += 1
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
        results: list[_FileResult] = []
        for path in paths:
            if self._stopping:
                for p in paths[paths.index(path):]:
                    self.enqueue(p, delay=0)  # finish next time
                break
            self._step_aside()
            try:
                item = self._prepare(path, folders)
            except Exception as exc:  # an unexpected library failure on one file
                log.exception("unexpected failure reading a note")
                folder = self._folders.owner_of(path, folders)
                if folder is None:
                    continue
                item = _FileResult(Outcome.FAILED, path, folder, self._docs.by_path(path),
                                   reason=FailReason.INTERNAL, detail=f"could not be read ({type(exc).__name__})")
            if item is not None:
                results.append(item)
        self._commit(results)

    def _commit(self, results: list[_FileResult]) -> None:
        """One transaction: every file's outcome; documents whose files went come last, so that
        one whose content moved within this batch is kept by the move."""
        moved_ids = {it.moved_from.id for it in results if it.moved_from is not None}
        with self._store.write() as w:
            for it in sorted(results, key=lambda it: it.outcome is Outcome.REMOVED):
                if it.outcome is Outcome.REMOVED:
                    assert it.existing is not None
                    if it.existing.id in moved_ids:
                        continue
                    self._docs.delete(w, it.existing.id)
                else:
                    self.processed_counts[str(it.path)] = self.processed_counts.get(str(it.path), 0) + 1
                    self._write(w, it)
                self._tally[it.outcome] += 1
                if it.reason is not None:
                    self._failures[it.reason] += 1
        self._committed()

    def _write(self, w: Writer, it: _FileResult) -> None:
        """Store one file's outcome (all but REMOVED)."""
        if it.outcome in (Outcome.FAILED, Outcome.SKIPPED_TOO_LARGE):
            self._docs.save_failed(w, it.existing, it.folder_id, it.path, it.size or None,
                                   it.mtime or None, it.detail)
        elif it.outcome is Outcome.MOVED:
            assert it.moved_from is not None and it.size is not None and it.mtime is not None
            self._docs.move(w, it.moved_from, it.folder_id, it.path)
            self._docs.touch(w, it.moved_from.id, it.path, it.size, it.mtime)
        elif it.outcome is Outcome.UNCHANGED:
            assert it.existing is not None and it.size is not None and it.mtime is not None
            self._docs.touch(w, it.existing.id, it.path, it.size, it.mtime)
        elif it.outcome is Outcome.INDEXED:
            assert it.doc is not None and it.size is not None and it.mtime is not None
            # Chunks without a kept vector are stored without one: phase 2 embeds them.
            self._docs.save(w, it.existing, it.folder_id, it.path, it.size, it.mtime,
                            it.content_hash, it.doc, it.chunks, it.chunk_hashes, it.vectors,
                            self._embedder.name)
        # SKIPPED_UNSUPPORTED: a file that is not a note has nothing to store.

    def _gone(self, path: Path, folder: Folder | None, existing: DocState | None) -> _FileResult | None:
        """The file is not there: its document goes (None when there was none)."""
        if existing is None or os.path.lexists(path):
            return None
        return _FileResult(Outcome.REMOVED, path, folder, existing, detail="file vanished")

    def _prepare(self, path: Path, folders: list[Folder]) -> _FileResult | None:
        """Examine one file and decide its outcome, reading it at most once; None when there is
        nothing to do (a folder, whose files are queued instead; a path the store never knew)."""
        folder = self._folders.owner_of(path, folders)
        if folder is None:
            return self._gone(path, None, self._docs.by_path(path))
        existing = self._docs.by_path(path)
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            return self._gone(path, folder, existing)
        except OSError as exc:
            return _FileResult(Outcome.FAILED, path, folder, existing, reason=FailReason.UNREADABLE,
                               detail=f"cannot be read: {exc.strerror}")
        if stat_mod.S_ISDIR(st.st_mode):
            for child in self.policy.walk(path):  # a folder moved or created in
                self.enqueue(child, delay=0)
            return None
        ignored = self.policy.file_reason(path, folder.path)
        if ignored is not None:
            # Ignored on purpose (hidden, .git, unsupported type, symlink loop): not a failure.
            kind = Outcome.SKIPPED_UNSUPPORTED if existing is None else Outcome.REMOVED
            return _FileResult(kind, path, folder, existing, detail=ignored)
        if readable_path(path) != str(path):
            return _FileResult(Outcome.FAILED, path, folder, existing, st.st_size, st.st_mtime,
                               reason=FailReason.BAD_NAME,
                               detail="the file name is not valid UTF-8 (rename the file to index it)")
        return self._read(path, folder, existing, st)

    def _read(self, path: Path, folder: Folder, existing: DocState | None, st: os.stat_result) -> _FileResult | None:
        """Read a note once and decide: unchanged, moved, too large, unreadable, or on to parsing."""
        try:
            note = read_note(path, self.max_file_bytes)  # the one read: hash and text share it
        except FileTooLarge as exc:
            return _FileResult(Outcome.SKIPPED_TOO_LARGE, path, folder, existing, st.st_size, st.st_mtime,
                               reason=FailReason.TOO_LARGE, detail=str(exc))
        except FileUnreadable as exc:
            if not os.path.lexists(path):
                return self._gone(path, folder, existing)
            return _FileResult(Outcome.FAILED, path, folder, existing, st.st_size, st.st_mtime,
                               reason=FailReason.UNREADABLE, detail=str(exc))
        item = _FileResult(Outcome.UNCHANGED, path, folder, existing, note.size, note.mtime,
                           self._docs.content_hash(note.data))
        if existing is not None and existing.content_hash == item.content_hash and existing.state == "ok":
            return item  # same content: only size/mtime are refreshed
        if existing is None:
            moved = self._docs.moved_candidates(item.content_hash)
            if moved:
                item.outcome, item.moved_from = Outcome.MOVED, moved[0]
                return item
        return self._index(item, note.data)

    def _index(self, item: _FileResult, data: bytes) -> _FileResult:
        """Parse and chunk a note whose content is new: INDEXED, or FAILED with the parser's reason."""
        fmt = format_for(item.path)
        assert fmt is not None, "the policy admits registered suffixes only"
        try:
            item.doc = valid_text(parse(fmt, data, item.path.stem))
        except ExtractionError as exc:
            item.outcome, item.reason, item.detail = Outcome.FAILED, FailReason.of(exc), str(exc)
            return item
        item.outcome = Outcome.INDEXED
        item.chunks = fmt.chunk(item.doc)
        item.chunk_hashes = [self._docs.chunk_hash(c.embed_text) for c in item.chunks]
        reuse = self._docs.old_embeddings(item.existing.id) if item.existing is not None else {}
        item.vectors = [
            np.frombuffer(reuse[h], dtype=np.float32) if h in reuse else None for h in item.chunk_hashes
        ]
        return item

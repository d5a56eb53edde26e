"""Both search indexes in a private RAM folder while unlocked, one encrypted snapshot at rest.

Unlock: decrypt the snapshot into a fresh RAM folder, open the indexes there and tell the
caller the snapshot's watermark (the store's change sequence number it includes) so that the
caller replays only newer changes. Seal: copy consistent index files into a staging folder in
RAM (a short pause), then encrypt that copy to ``index_dir`` while searches go on. Where no RAM
folder exists the indexes live in memory and are rebuilt from the store at every unlock.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from secondme.errors import Closed, SnapshotCorrupt
from secondme.index.keyword import KeywordIndex
from secondme.index.snapshot import seal_dir, unseal
from secondme.index.vector import VectorIndex
from secondme.index.vector_process import VectorHost, VectorIndexProcess, VectorProcessDied

if TYPE_CHECKING:
    from secondme.paths import Paths

log = logging.getLogger("secondme.index.sealed")

INDEX_FORMAT = 2  # 2: the document-level keyword table (kwdoc)
SNAPSHOT_NAME = "indexes.snap"
DEFAULT_AD = b"secondme/index-snapshot/v1"
RUNTIME_PREFIX = "secondme-"
PID_FILE = "owner.pid"
_INDEX_SUBDIR = "index"
_KEYWORD_FILE = "keyword.sqlite3"
_CHROMA_DIR = "chroma"
# A runtime folder without a pid file may belong to a process that is still starting up.
_PIDLESS_GRACE_S = 60.0
# A vector index process that keeps dying (a crash on some data, memory pressure) is replaced
# at most this often; after that search goes on with keywords only until the next unlock.
VECTOR_RESTARTS = 3
VECTOR_RESTART_WINDOW_S = 600.0


def _process_start(pid: int) -> str | None:
    """The kernel's start time of ``pid`` (tells a live owner from a reused pid), if known."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Field 22, counted after the parenthesised command name (which may contain spaces).
    fields = stat.rsplit(")", 1)[-1].split()
    return fields[19] if len(fields) > 19 else None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _write_pid_file(folder: Path) -> None:
    pid = os.getpid()
    # Written whole under another name, then renamed into place: another instance cleaning up
    # at its own unlock must never read it half-written (an empty file read as a dead owner,
    # and that instance removed this live folder from under us).
    tmp = folder / f".{PID_FILE}.{pid}.tmp"
    tmp.write_text(f"{pid} {_process_start(pid) or '-'}\n")
    os.replace(tmp, folder / PID_FILE)


def _owner_alive(folder: Path) -> bool:
    try:
        raw = (folder / PID_FILE).read_text().split()
    except FileNotFoundError:
        raw = []
    if not raw:
        # No owner written yet (a process still starting up) or, from an older version, one
        # being written: a young folder is left alone.
        return time.time() - folder.stat().st_mtime < _PIDLESS_GRACE_S
    try:
        pid = int(raw[0])
    except ValueError:
        return False
    if not _pid_alive(pid):
        return False
    recorded = raw[1] if len(raw) > 1 and raw[1] != "-" else None
    current = _process_start(pid)
    return recorded is None or current is None or recorded == current


def _default_bases() -> list[Path]:
    if not sys.platform.startswith("linux"):
        return []
    cands = [os.environ.get("XDG_RUNTIME_DIR"), "/dev/shm"]
    return [Path(c) for c in cands if c and os.path.isdir(c)]


def cleanup_stale_runtime_dirs(bases: Iterable[Path] | None = None) -> list[Path]:
    """Remove ``secondme-*`` RAM folders left by processes that died; returns what went."""
    removed: list[Path] = []
    uid = os.getuid() if hasattr(os, "getuid") else None
    for base in _default_bases() if bases is None else bases:
        try:
            entries = list(base.glob(RUNTIME_PREFIX + "*"))
        except OSError:
            continue
        for folder in entries:
            try:
                st = folder.lstat()
                if folder.is_symlink() or not folder.is_dir():
                    continue
                if uid is not None and st.st_uid != uid:
                    continue
                if _owner_alive(folder):
                    continue
            except OSError:
                continue
            shutil.rmtree(folder, ignore_errors=True)
            if not folder.exists():
                log.info("removed stale index folder %s", folder)
                removed.append(folder)
    return removed


class SealedIndexes:
    """The keyword and vector indexes, opened from and sealed to one encrypted snapshot.

    Use: ``watermark = sealed.open()``, replay store changes newer than ``watermark`` (all of
    them when ``needs_rebuild``), call ``advance(seq)`` as changes are applied, ``seal()``
    periodically while ``dirty`` and ``close()`` on lock or quit.
    """

    def __init__(
        self,
        paths: Paths,
        key: bytes,
        ad: bytes = DEFAULT_AD,
        *,
        embedding_function: Any = None,
        expect: Mapping[str, Any] | None = None,
        vector_process: bool = True,
        vector_host: VectorHost | None = None,
    ) -> None:
        """Indexes for ``paths``, sealed under ``key`` (``ad`` bound in); ``expect`` holds the facts a
        snapshot must match, and Chroma runs in a child of ``vector_host`` unless ``vector_process`` is
        False."""
        self._paths = paths
        # Chroma in a child process by default: its native calls hold the GIL (see
        # vector_process); in-process is for tools that own no window.
        self._vector_process = vector_process
        self._vector_host = vector_host
        self._key = key
        self._ad = ad
        # A ``ChromaEmbedding`` or a plain ``Embedder``: the collection records its identity.
        self._ef = embedding_function
        # Facts the snapshot must agree with (e.g. the embedder's name and dimension); a
        # snapshot made under other facts is discarded and rebuilt.
        self._expect = dict(expect or {})
        self._lock = threading.RLock()
        self._runtime: Path | None = None
        self._keyword: KeywordIndex | None = None
        self._vector: VectorIndex | VectorIndexProcess | None = None
        self._watermark = 0
        self._sealed_state: tuple[int, int, int] | None = None
        self.needs_rebuild = False
        self._vector_restarts: list[float] = []
        # Called (from the thread that noticed) once a dead vector index was replaced, so the
        # caller replays the store into the new one at once.
        self.on_vector_replaced: Callable[[], None] | None = None

    # --- properties -------------------------------------------------------------------------
    @property
    def snapshot_path(self) -> Path:
        """Where the sealed snapshot lives on disk."""
        return self._paths.index_dir / SNAPSHOT_NAME

    @property
    def runtime_dir(self) -> Path | None:
        """The private RAM folder the open indexes live in; None while closed or in memory."""
        return self._runtime

    @property
    def in_memory(self) -> bool:
        """Whether the indexes live only in memory (no runtime folder, nothing to seal)."""
        return self._runtime is None

    @property
    def keyword(self) -> KeywordIndex:
        """The open keyword index; raises Closed when the indexes are not open."""
        if self._keyword is None:
            raise Closed("indexes are not open")
        return self._keyword

    @property
    def vector(self) -> VectorIndex | VectorIndexProcess:
        """The open vector index (in-process or in its child); raises Closed when the indexes are not open."""
        if self._vector is None:
            raise Closed("indexes are not open")
        return self._vector

    @property
    def watermark(self) -> int:
        """The last store change the indexes hold (replay what comes after it)."""
        return self._watermark

    def _state(self) -> tuple[int, int, int]:
        return (self.keyword.generation, self.vector.generation, self._watermark)

    @property
    def dirty(self) -> bool:
        """True when the indexes changed since they were opened or last sealed."""
        if self._keyword is None or self._vector is None:
            return False
        return self._state() != self._sealed_state

    def advance(self, watermark: int) -> None:
        """Record that store changes up to ``watermark`` are applied to both indexes."""
        with self._lock:
            self._watermark = max(self._watermark, int(watermark))

    # --- open -------------------------------------------------------------------------------
    def open(self) -> int:
        """Open the indexes and return the watermark to replay from (0: replay everything)."""
        with self._lock:
            if self._keyword is not None:
                raise RuntimeError("indexes are already open")
            self._remove_leftover_temp_files()
            try:
                return self._open_locked()
            except BaseException:
                self.close(seal=False)
                raise

    def _remove_leftover_temp_files(self) -> None:
        # A seal interrupted by a crash leaves its (encrypted, useless) temporary file behind.
        for tmp in self._paths.index_dir.glob(f".{SNAPSHOT_NAME}.*.tmp"):
            tmp.unlink(missing_ok=True)

    def _open_locked(self) -> int:
        self._runtime = self._paths.runtime_dir()
        if self._runtime is None:
            log.info("no RAM folder: indexes live in memory and are rebuilt at unlock")
            self._keyword = KeywordIndex(None)
            self._vector = self._new_vector(None)
            self._start_fresh_state()
            return 0
        _write_pid_file(self._runtime)
        folder = self._runtime / _INDEX_SUBDIR
        meta = self._unseal_into(folder)
        if meta is not None:
            try:
                self._open_in(folder)
            except Exception:
                # e.g. a Chroma upgrade that cannot read the old files: rebuild instead.
                log.warning("index snapshot could not be opened; rebuilding", exc_info=True)
                self._close_indexes()
                meta = None
        if meta is None:
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(mode=0o700)
            self._open_in(folder)
            self._start_fresh_state()
            return 0
        self._watermark = int(meta["watermark"])
        self.needs_rebuild = False
        self._sealed_state = self._state()
        return self._watermark

    def _start_fresh_state(self) -> None:
        self._watermark = 0
        self.needs_rebuild = True
        self._sealed_state = self._state()

    def _unseal_into(self, folder: Path) -> dict[str, Any] | None:
        snap = self.snapshot_path
        if not snap.exists():
            return None
        try:
            meta = unseal(snap, folder, self._key, self._ad)
        except SnapshotCorrupt as exc:
            log.warning("index snapshot is unusable (%s); rebuilding from the store", exc)
            return None
        ok = (
            meta.get("index_format") == INDEX_FORMAT
            and isinstance(meta.get("watermark"), int)
            and meta.get("expect", {}) == self._expect
        )
        if not ok:
            log.warning("index snapshot was made under other settings; rebuilding")
            shutil.rmtree(folder, ignore_errors=True)
            return None
        return meta

    def _new_vector(self, path: Path | None) -> VectorIndex | VectorIndexProcess:
        if not self._vector_process:
            return VectorIndex(path, embedding_function=self._ef)
        return VectorIndexProcess(path, embedding_function=self._ef, host=self._vector_host)

    def replace_dead_vector(self, dead: object) -> bool:
        """Start a new vector index in place of ``dead``, whose process exited (killed, out of
        memory, a crash in Chroma). Its files may be half written, so the new one starts empty
        and the watermark goes back to 0: the next catch-up replays the whole store, by id, into
        both indexes (the keyword side just gets the same rows again). Returns False when
        ``dead`` was already replaced by another thread; raises :class:`VectorProcessDied` when
        it died too often to try again."""
        with self._lock:
            old = self._vector
            if old is None or old is not dead:
                return False
            now = time.monotonic()
            self._vector_restarts = [t for t in self._vector_restarts if now - t < VECTOR_RESTART_WINDOW_S]
            if len(self._vector_restarts) >= VECTOR_RESTARTS:
                raise VectorProcessDied(
                    f"the vector index process exited {len(self._vector_restarts) + 1} times in "
                    f"{VECTOR_RESTART_WINDOW_S / 60:.0f} minutes; search uses keywords only until the next unlock")
            self._vector_restarts.append(now)
            log.warning("the vector index process exited; starting a new one and rebuilding it from the store")
            try:
                old.close()
            except Exception:
                log.debug("closing the dead vector index failed", exc_info=True)
            path = None if self._runtime is None else self._runtime / _INDEX_SUBDIR / _CHROMA_DIR
            if path is not None:
                shutil.rmtree(path, ignore_errors=True)
            # Searches meanwhile still see the dead one, fail over to keywords and carry on.
            self._vector = self._new_vector(path)
            self._watermark = 0
        if self.on_vector_replaced is not None:
            self.on_vector_replaced()
        return True

    def _open_in(self, folder: Path) -> None:
        self._keyword = KeywordIndex(folder / _KEYWORD_FILE)
        self._vector = self._new_vector(folder / _CHROMA_DIR)

    # --- seal / close -----------------------------------------------------------------------
    def seal(self, watermark: int | None = None) -> bool:
        """Write the encrypted snapshot; returns False where there is nothing to seal from, or
        when the disk is full (the previous snapshot then stays, and replay covers the rest).

        ``watermark``: the highest store change already applied to both indexes (defaults to
        what :meth:`advance` recorded). Changes applied while sealing are simply replayed again
        at the next unlock, which is harmless because replay upserts and deletes by id.
        """
        with self._lock:
            if watermark is not None:
                self.advance(watermark)
            if self._runtime is None:
                return False
            state = self._state()
            stage = self._runtime / f"stage-{uuid.uuid4().hex}"
            stage.mkdir(mode=0o700)
            try:
                t0 = time.perf_counter()
                self.keyword.backup_to(stage / _KEYWORD_FILE)
                vec = self.vector
                try:
                    with vec.paused():
                        # Chroma is closed here, so its SQLite and HNSW files are complete.
                        shutil.copytree(self._runtime / _INDEX_SUBDIR / _CHROMA_DIR,
                                        stage / _CHROMA_DIR)
                except VectorProcessDied:
                    # The previous snapshot stays; the store is replayed into a new index.
                    self.replace_dead_vector(vec)
                    return False
                pause = time.perf_counter() - t0
                meta = {
                    "index_format": INDEX_FORMAT,
                    "watermark": state[2],
                    "sealed_at": int(time.time()),
                    "expect": self._expect,
                }
                try:
                    seal_dir(stage, self.snapshot_path, self._key, self._ad, meta)
                except OSError as exc:
                    if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
                        raise
                    # The disk's fault, not ours: the previous snapshot stays (seal_dir is
                    # atomic) and the next unlock replays the store past it; still dirty, so
                    # the next seal tries again.
                    log.warning("index snapshot not saved: the disk is full")
                    return False
                log.info("index snapshot sealed (pause %.2fs, total %.2fs)",
                         pause, time.perf_counter() - t0)
            finally:
                shutil.rmtree(stage, ignore_errors=True)
            self._sealed_state = state
            return True

    def _close_indexes(self) -> None:
        kw, vec, self._keyword, self._vector = self._keyword, self._vector, None, None
        try:
            if kw is not None:
                kw.close()
        finally:
            if vec is not None:
                vec.close()

    def close(self, seal: bool = True) -> None:
        """Seal (if asked and dirty), close both indexes and remove the RAM folder."""
        with self._lock:
            try:
                if seal and self.dirty:
                    self.seal()
            finally:
                try:
                    self._close_indexes()
                finally:
                    if self._runtime is not None:
                        shutil.rmtree(self._runtime, ignore_errors=True)
                        self._runtime = None

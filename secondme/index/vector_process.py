"""The vector index hosted in a child process, so Chroma's native calls never hold our GIL.

Chroma's Rust bindings keep the GIL for the whole of every call: an upsert of a few vectors
takes 20-100 ms, during which no other thread of the process (the window's included) runs.
Hosting the collection in a child process makes those calls plain waits on a socket here.

The child is a fresh interpreter (never a fork of this multi-threaded process) running
``child_main``; it imports Chroma's client (~0.8 CPU-s), and ``VectorHost`` starts one ahead
of need, e.g. while the unlock dialog is shown. The child serves requests in order and exits
when its socket closes, which also happens when this process is killed. ``VectorIndexProcess``
offers the same methods as ``VectorIndex``.
"""

from __future__ import annotations

import logging
import pickle
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from secondme.errors import Closed, SecondMeError
from secondme.hardening import TERMINATION_SIGNALS, harden_process
from secondme.index.vector import DEFAULT_COLLECTION, MetadataValue, checked_batch

log = logging.getLogger("secondme.index.vector_process")

# Writes cross the socket in slices so a search waits behind at most one slice (~30 ms).
SEND_SLICE = 32
# The frozen bundle's executables recognise this first argument (packaging/entry_*.py).
CHILD_FLAG = "--secondme-vector-child"


class VectorProcessDied(SecondMeError, RuntimeError):
    """The child hosting the vector index exited; the indexes must be reopened."""


def _portable(exc: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # whatever pickling raises, the parent still gets the type and message
        log.debug("%s cannot be pickled; sent as a RuntimeError", type(exc).__name__, exc_info=True)
        return RuntimeError(f"{type(exc).__name__}: {exc}")


def child_main(fd: int) -> int:
    """The child's whole life: wait for "open", then serve one ``VectorIndex`` until closed."""
    # Its own interpreter: no core dumps of the vectors, no telemetry from what it loads.
    harden_process()
    # The terminal's Ctrl+C, the closed terminal's SIGHUP and the logout's SIGTERM reach the
    # whole process group or session; the parent decides when we stop: it still needs us to
    # write Chroma's files out completely for the seal. We exit when its socket closes, which
    # also happens when the parent is killed outright.
    for sig in (signal.SIGINT, *TERMINATION_SIGNALS):
        signal.signal(sig, signal.SIG_IGN)
    conn = Connection(fd)
    try:
        return _child_life(conn)
    except (EOFError, OSError):
        return 0  # the parent went away (e.g. a command that failed before unlocking)


def _child_life(conn: Connection) -> int:
    # Chroma's client, imported before "ready" (the parent waits for this; a pre-started
    # child pays it while the unlock dialog shows).
    from secondme.index.chroma_engine import EmbedderIdentity, preload

    preload()
    from secondme.index.vector import VectorIndex

    conn.send(("ok", "ready"))
    try:
        op, args = conn.recv()
    except (EOFError, OSError):
        return 0
    if op != "open":
        return 0
    path, collection, ef_spec, hnsw = args
    # Only the embedder's name and dimension matter here: vectors always arrive computed.
    ef = None if ef_spec is None else EmbedderIdentity(*ef_spec)
    try:
        index = VectorIndex(None if path is None else Path(path), collection=collection,
                            embedding_function=ef, hnsw=hnsw, write_slice=SEND_SLICE)
    except BaseException as exc:  # noqa: BLE001 - sent to the parent, which raises it
        conn.send(("err", _portable(exc)))
        return 1
    conn.send(("ok", None))
    _serve(conn, index)
    return 0


def _serve(conn: Connection, index: Any) -> None:
    """Answer the parent's calls on the open ``index`` until it says close or goes away."""
    paused: Any = None
    try:
        while True:
            try:
                op, args = conn.recv()
            except (EOFError, OSError):
                break  # the parent is gone
            try:
                if op == "close":
                    break
                if op == "pause":
                    paused = index.paused()
                    paused.__enter__()
                    result: Any = None
                elif op == "resume":
                    cm, paused = paused, None
                    if cm is not None:
                        cm.__exit__(None, None, None)
                    result = None
                else:
                    result = getattr(index, op)(*args)
                conn.send(("ok", (result, index.generation)))
            except BaseException as exc:  # noqa: BLE001 - sent to the parent, which raises it
                conn.send(("err", _portable(exc)))
    finally:
        if paused is not None:
            paused.__exit__(None, None, None)
        index.close()
        try:
            conn.send(("ok", "closed"))
        except OSError:
            pass
        conn.close()


def _child_command(fd: int) -> list[str]:
    if getattr(sys, "frozen", False):
        return [sys.executable, CHILD_FLAG, str(fd)]
    return [sys.executable, "-m", "secondme.index.vector_child", str(fd)]


def _ef_spec(ef: Any) -> tuple[str, int]:
    """(embedder name, dimension) of a ``ChromaEmbedding`` or of a plain ``Embedder``: all the
    child needs, and taking a plain embedder spares this process importing Chroma's client."""
    if hasattr(ef, "_embedder_name"):
        return str(ef._embedder_name), int(ef._dim)
    return str(ef.name), int(ef.dim)


class _Child:
    """One started child process and our end of its socket."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        try:
            self.proc = subprocess.Popen(
                _child_command(theirs.fileno()), pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL, close_fds=True)
        finally:
            theirs.close()
        self.conn = Connection(ours.detach())
        self._ready = False

    def wait_ready(self) -> None:
        if self._ready:
            return
        try:
            self.conn.recv()
        except (EOFError, OSError) as exc:
            self.kill()
            raise VectorProcessDied(
                f"the vector index process failed to start (code {self.proc.poll()})") from exc
        self._ready = True

    def kill(self) -> None:
        self.conn.close()
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)


class VectorHost:
    """Starts vector index processes, keeping one started ahead so an open need not wait."""

    def __init__(self, prestart: bool = True) -> None:
        """Start a spare process now when ``prestart`` (Chroma's import then overlaps the unlock)."""
        self._lock = threading.Lock()
        self._spare: _Child | None = _Child() if prestart else None

    def take(self) -> _Child:
        """The spare process, or a fresh one if there is none or it died; the caller owns it."""
        with self._lock:
            child, self._spare = self._spare, None
        if child is None or child.proc.poll() is not None:
            if child is not None:
                child.kill()
            child = _Child()
        return child

    def refill(self) -> None:
        """Start a spare now if there is none (after a lock, ahead of the next unlock)."""
        with self._lock:
            if self._spare is None:
                self._spare = _Child()

    def wait_spare(self) -> bool:
        """Block until the spare process has imported Chroma and is ready; False if there is
        no spare or it failed to start (the next open then starts a fresh one)."""
        with self._lock:
            child = self._spare
        if child is None:
            return False
        try:
            child.wait_ready()
        except VectorProcessDied:
            return False
        return True

    def close(self) -> None:
        """Kill the spare process, if any."""
        with self._lock:
            child, self._spare = self._spare, None
        if child is not None:
            child.kill()


class VectorIndexProcess:
    """A ``VectorIndex`` living in a child process; same methods, thread-safe."""

    def __init__(
        self,
        path: Path | None,
        *,
        collection: str = DEFAULT_COLLECTION,
        embedding_function: Any = None,
        hnsw: Mapping[str, Any] | None = None,
        host: VectorHost | None = None,
    ) -> None:
        """Open the collection (as :class:`VectorIndex` would) in a child taken from ``host``, or a fresh
        child without one."""
        self._path = path
        ef_spec = None
        if embedding_function is not None:
            ef_spec = _ef_spec(embedding_function)
        self._lock = threading.Lock()
        self.generation = 0
        self._maybe_empty = True  # until a count says otherwise: bulk loads go in one request
        self._child = (host or VectorHost(prestart=False)).take()
        self._conn = self._child.conn
        try:
            self._child.wait_ready()
            self._conn.send(("open", (None if path is None else str(path), collection, ef_spec,
                                      None if hnsw is None else dict(hnsw))))
            status, payload = self._recv()
        except BaseException:
            self._child.kill()
            raise
        if status == "err":
            self._child.kill()
            raise payload
        log.debug("vector index process %s serving", self._child.proc.pid)

    # --- plumbing ---------------------------------------------------------------------------
    def _recv(self) -> tuple[str, Any]:
        try:
            msg: tuple[str, Any] = self._conn.recv()
        except (EOFError, OSError) as exc:
            raise VectorProcessDied(
                f"the vector index process exited (code {self._child.proc.poll()})") from exc
        return msg

    def _call(self, op: str, *args: Any) -> Any:
        with self._lock:
            if self._conn.closed:
                raise Closed("vector index is closed")
            try:
                self._conn.send((op, args))
            except OSError as exc:
                raise VectorProcessDied("the vector index process exited") from exc
            status, payload = self._recv()
        if status == "err":
            raise payload
        result, self.generation = payload
        return result

    @property
    def pid(self) -> int:
        """The child process's id."""
        return self._child.proc.pid

    # --- the VectorIndex interface ----------------------------------------------------------
    @property
    def in_memory(self) -> bool:
        """Whether the collection lives only in memory (rebuilt at every unlock)."""
        return self._path is None

    def upsert(
        self,
        ids: Sequence[int],
        vectors: npt.NDArray[np.floating[Any]],
        metadatas: Sequence[Mapping[str, MetadataValue | None]] | None = None,
    ) -> None:
        """Add or replace vectors by id, in slices (one request for a bulk load into an empty index)."""
        vecs = checked_batch(ids, vectors, metadatas)
        ids = [int(i) for i in ids]
        metas = None if metadatas is None else [dict(m) for m in metadatas]
        if len(ids) > SEND_SLICE and self._maybe_empty:
            if self.count() == 0:
                # A bulk load: one request, so the child can use Chroma's faster add.
                self._call("upsert", ids, vecs, metas)
                return
            self._maybe_empty = False
        for start in range(0, len(ids), SEND_SLICE):
            end = start + SEND_SLICE
            self._call("upsert", ids[start:end], vecs[start:end], None if metas is None else metas[start:end])

    def delete(self, ids: Sequence[int]) -> None:
        """Remove the vectors of ``ids``, in slices."""
        ids = [int(i) for i in ids]
        for start in range(0, len(ids), SEND_SLICE * 4):
            self._call("delete", ids[start:start + SEND_SLICE * 4])

    def count(self) -> int:
        """How many vectors the collection holds."""
        return int(self._call("count"))

    def query(
        self,
        vector: npt.NDArray[np.floating[Any]],
        k: int = 10,
        where: Mapping[str, Any] | None = None,
    ) -> list[tuple[int, float]]:
        """The ``k`` nearest ids to ``vector`` (matching ``where``) with their distances, nearest first."""
        vec = np.asarray(vector, dtype=np.float32)
        result: list[tuple[int, float]] = self._call("query", vec, int(k), None if where is None else dict(where))
        return result

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Chroma closed in the child (its files complete) for the duration of the block."""
        if self._path is None:
            raise RuntimeError("an in-memory vector index has no files to pause")
        with self._lock:
            # Held for the whole block: no request may reach a closed collection.
            self._conn.send(("pause", ()))
            status, payload = self._recv()
            if status == "err":
                raise payload
            try:
                yield
            finally:
                self._conn.send(("resume", ()))
                status, payload = self._recv()
                if status == "err":
                    raise payload

    def close(self) -> None:
        """Have the child close Chroma (its files complete) and exit; killed if it does not stop in 30 s."""
        with self._lock:
            if self._conn.closed:
                return
            try:
                self._conn.send(("close", ()))
                self._conn.recv()  # sent once the child closed Chroma (its files complete)
            except (EOFError, OSError):
                pass
            self._conn.close()
            try:
                self._child.proc.wait(30)
            except subprocess.TimeoutExpired:
                log.warning("vector index process did not stop; killing it")
                self._child.kill()


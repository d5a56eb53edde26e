"""The local side of a model download: progress reports, free space, hashing and the
durable rename's directory sync. Nothing here touches the network (that is only
:mod:`secondme.llm.download`)."""

from __future__ import annotations

import hashlib
import os
import queue
import shutil
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from secondme.errors import Cancelled
from secondme.llm.catalog import human_bytes

if TYPE_CHECKING:
    from secondme.paths import Paths
    from secondme.settings import Settings

CHUNK = 4 << 20  # bigger reads cost less CPU per byte (measured: 7 % less than 1 MiB)
REPORT_INTERVAL = 0.2
SPEED_WINDOW = 5.0


@dataclass(frozen=True)
class Progress:
    """One progress report. ``phase``: "checking" (hashing a part kept from earlier),
    "downloading", "verifying" or "done"."""

    phase: str
    done: int
    total: int
    speed: float  # bytes per second over the last few seconds
    eta: float | None  # seconds left at that speed; None while unknown
    resumed_from: int = 0

    @property
    def fraction(self) -> float:
        """How much is done, 0 to 1 (0 while the total is unknown)."""
        return self.done / self.total if self.total else 0.0

    def describe(self) -> str:
        """ "1.2 GB of 2.0 GB · 35.2 MB/s · about 23 s left" """
        if self.phase == "checking":
            return f"Checking the {human_bytes(self.done)} downloaded earlier…"
        if self.phase == "verifying":
            return "Verifying the file…"
        if self.phase == "done":
            return f"Downloaded and verified {human_bytes(self.total)}."
        text = f"{human_bytes(self.done)} of {human_bytes(self.total)}"
        if self.speed > 0:
            text += f" · {human_bytes(int(self.speed))}/s"
        if self.eta is not None:
            text += f" · about {human_duration(self.eta)} left"
        return text


@dataclass(frozen=True)
class DownloadResult:
    """What a finished download did."""

    path: Path
    size: int
    fetched: int  # bytes that came over the network in this attempt
    resumed_from: int  # bytes already there from an earlier attempt
    seconds: float


ProgressFn = Callable[[Progress], None]
FreeSpaceFn = Callable[[Path], int]


def human_duration(seconds: float) -> str:
    """``seconds`` for a person: ``42 s``, ``3 min 05 s``, ``1 h 07 min``."""
    s = max(0, round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {(s % 3600) // 60:02d} min"


def free_space(path: Path) -> int:
    """Free bytes on the file system holding ``path``."""
    return shutil.disk_usage(path).free


class _Reporter:
    """Rate-limits progress reports and measures speed over a sliding window."""

    def __init__(self, fn: ProgressFn | None, total: int, resumed_from: int) -> None:
        self._fn = fn
        self._total = total
        self._resumed = resumed_from
        self._samples: deque[tuple[float, int]] = deque()
        self._last = 0.0

    def __call__(self, phase: str, done: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if phase == "downloading":
            self._samples.append((now, done))
            while len(self._samples) > 2 and now - self._samples[0][0] > SPEED_WINDOW:
                self._samples.popleft()
        if self._fn is None or (not force and now - self._last < REPORT_INTERVAL):
            return
        self._last = now
        speed = 0.0
        if len(self._samples) >= 2:
            (t0, d0), (t1, d1) = self._samples[0], self._samples[-1]
            if t1 > t0:
                speed = (d1 - d0) / (t1 - t0)
        eta = (self._total - done) / speed if speed > 0 else None
        self._fn(Progress(phase, done, self._total, speed, eta, self._resumed))


def _hash_prefix(part: Path, length: int, hasher: hashlib._Hash, cancel: threading.Event,
                 report: _Reporter) -> None:
    """Feed the first ``length`` bytes of a kept ``.part`` to ``hasher``."""
    done = 0
    with open(part, "rb") as fh:
        while done < length:
            if cancel.is_set():
                raise Cancelled("download cancelled")
            block = fh.read(min(CHUNK * 2, length - done))
            if not block:
                break
            hasher.update(block)
            done += len(block)
            report("checking", done)


def sha256_file(path: Path, cancel: threading.Event | None = None) -> str:
    """Hex SHA-256 of the file. Raises :class:`Cancelled` as soon as ``cancel`` is set."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK * 2), b""):
            if cancel is not None and cancel.is_set():
                raise Cancelled("download cancelled")
            h.update(block)
    return h.hexdigest()


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return  # not possible on every platform; the rename itself is still atomic
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class _HashPipe:
    """Hashes received chunks on a second thread while the next chunk arrives.

    hashlib releases the GIL on large buffers, so verifying overlaps with receiving instead of
    adding to it (inline, hashing took a third of a fast download's time). A few buffers go
    round: the receiver fills a free one, the hasher hands it back once hashed, so a slow
    hasher holds the receiver back instead of filling memory.
    """

    def __init__(self, hasher: hashlib._Hash, chunk: int, depth: int = 4) -> None:
        self._hasher = hasher
        self._free: queue.SimpleQueue[bytearray] = queue.SimpleQueue()
        for _ in range(depth):
            self._free.put(bytearray(chunk))
        self._work: queue.SimpleQueue[tuple[bytearray, int] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="secondme-download-hash", daemon=True)
        self._thread.start()

    def take(self) -> bytearray:
        return self._free.get()

    def hash(self, buf: bytearray, n: int) -> None:
        self._work.put((buf, n))

    def give_back(self, buf: bytearray) -> None:
        self._free.put(buf)

    def _run(self) -> None:
        while (item := self._work.get()) is not None:
            buf, n = item
            with memoryview(buf) as view:
                self._hasher.update(view[:n])
            self._free.put(buf)

    def close(self) -> None:
        """Wait until everything handed over is hashed."""
        self._work.put(None)
        self._thread.join()


def _write_all(fd: int, data: memoryview) -> None:
    while data:
        data = data[os.write(fd, data):]


def select_model(path: Path, settings: Settings, paths: Paths) -> None:
    """Use ``path`` as the chat model, as ``secondme models use`` does."""
    settings.model_path = str(path)
    settings.save(paths.config_file)

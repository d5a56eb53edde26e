"""Single flight for the pipeline: one run per data directory, across threads and processes."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import IO


class RunLock:
    """A non-blocking lock held for the whole of a pipeline run.

    Two layers: a ``threading.Lock`` (two triggers in one process) and an OS lock on a file in
    the data directory (the app and a ``secondme jobs run`` in a terminal). The OS lock is
    ``flock`` on POSIX and ``msvcrt.locking`` on Windows; both vanish when the holder dies, so a
    SIGKILLed run never leaves a stale lock behind. It may be released from another thread than
    the one that took it (the run is started by a trigger and finished by the worker).
    """

    def __init__(self, path: Path) -> None:
        """The OS lock lives on the file at ``path``; nothing is taken yet."""
        self.path = path
        self._thread_lock = threading.Lock()
        self._fh: IO[bytes] | None = None

    def try_acquire(self) -> bool:
        """Take the lock if nobody holds it; never waits."""
        if not self._thread_lock.acquire(blocking=False):
            return False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fh = open(self.path, "a+b")
        except BaseException:
            self._thread_lock.release()
            raise
        try:
            ok = _os_try_lock(fh)
        except BaseException:
            fh.close()
            self._thread_lock.release()
            raise
        if not ok:
            fh.close()
            self._thread_lock.release()
            return False
        self._fh = fh
        try:  # who holds it, for a person looking at the file; not used for locking
            fh.truncate(0)
            fh.write(f"{os.getpid()}\n".encode())
            fh.flush()
        except OSError:
            pass
        return True

    def release(self) -> None:
        """Drop both layers of the lock; does nothing when it is not held (from any thread)."""
        fh, self._fh = self._fh, None
        if fh is None:
            return
        try:
            _os_unlock(fh)
        finally:
            fh.close()
            self._thread_lock.release()

    @property
    def held(self) -> bool:
        """True while this object holds the lock."""
        return self._fh is not None

    def held_elsewhere(self) -> bool:
        """True when another process (or another thread here) holds the lock right now."""
        if self.held:
            return False
        if self.try_acquire():
            self.release()
            return False
        return True


if sys.platform == "win32":
    import msvcrt

    def _os_try_lock(fh: IO[bytes]) -> bool:
        fh.seek(0)
        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _os_unlock(fh: IO[bytes]) -> None:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _os_try_lock(fh: IO[bytes]) -> bool:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _os_unlock(fh: IO[bytes]) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

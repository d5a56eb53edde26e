"""Helpers for the core's background threads."""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger("secondme.threads")


def lower_thread_priority(increment: int = 10) -> int | None:
    """Lower the calling thread's CPU priority; return its new nice value, or None.

    ``os.nice`` would lower the whole process (the UI too). On Linux, ``setpriority`` with a
    thread id (``PRIO_PROCESS`` + native id) affects that thread alone, so a background thread is
    niced and the UI thread is not (measured in tests/core/test_jobs_runner.py). Elsewhere
    (macOS, Windows) there is no portable per-thread call; the run keeps normal priority there
    and relies on pausing while the person is active.
    """
    if not sys.platform.startswith("linux"):
        return None
    tid = threading.get_native_id()
    try:
        new = min(19, os.getpriority(os.PRIO_PROCESS, tid) + increment)
        os.setpriority(os.PRIO_PROCESS, tid, new)
        return new
    except OSError as exc:  # e.g. a sandbox forbidding it: run at normal priority
        log.info("could not lower a background thread's priority: %s", exc)
        return None


# How long a background thread waits, at most, at each of its yield points while searches run.
# Under searches that never stop, indexing still moves (one note per wait), only slower.
DEFAULT_MAX_WAIT_S = 0.05


class Foreground:
    """Counts the searches in flight; background loops call :meth:`step_aside` between items.

    Background threads are niced, but the GIL does not honour thread priorities: an indexer
    running Python takes its turns with the searches as an equal. Waiting at its yield points
    while a search runs gives the searches those turns. ``step_aside`` returns at once when no
    search is in flight, so indexing alone runs at full speed.
    """

    def __init__(self, max_wait_s: float = DEFAULT_MAX_WAIT_S) -> None:
        """Background threads wait at most ``max_wait_s`` seconds at each yield point."""
        self.max_wait_s = max_wait_s
        self._cv = threading.Condition()
        self._active = 0
        self.waited_s = 0.0  # total time background threads stepped aside (diagnostics, tests)

    @contextmanager
    def searching(self) -> Iterator[None]:
        """Mark a search (or recall) in flight for the duration of the block."""
        with self._cv:
            self._active += 1
        try:
            yield
        finally:
            with self._cv:
                self._active -= 1
                if not self._active:
                    self._cv.notify_all()

    @property
    def active(self) -> int:
        """How many searches are in flight now."""
        return self._active

    def step_aside(self) -> float:
        """Wait while searches are in flight, up to ``max_wait_s``; the seconds waited."""
        if not self._active:  # a plain read: a search that starts a moment later is not waited for
            return 0.0
        start = time.monotonic()
        end = start + self.max_wait_s
        with self._cv:
            while self._active:
                left = end - time.monotonic()
                if left <= 0:
                    break
                self._cv.wait(left)
            waited = time.monotonic() - start
            self.waited_s += waited  # under the lock: the indexer and the embedder both add
        return waited

"""Helpers for the core's background threads."""

from __future__ import annotations

import logging
import os
import sys
import threading

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

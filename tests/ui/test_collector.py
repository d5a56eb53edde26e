"""Garbage holding Qt objects is collected on the UI thread, never by a worker thread."""

from __future__ import annotations

import gc
import threading
from typing import Any

from ui.collector import UiThreadCollector
from ui.qt import QObject

freed_in: list[str] = []


class Cyclic(QObject):
    """A Qt object kept alive only by a reference cycle, as a closed dialog's often is."""

    def __init__(self) -> None:
        """Point at itself."""
        super().__init__()
        self.me = self

    def __del__(self) -> None:
        """Record the thread that frees it."""
        freed_in.append(threading.current_thread().name)


class Node:
    """Plain cyclic garbage, to push the collector past its thresholds."""

    def __init__(self) -> None:
        """Point at itself."""
        self.me = self


def _churn() -> None:
    for _ in range(200_000):
        Node()


def _drop_cycle_then_churn_in_a_worker() -> None:
    freed_in.clear()
    Cyclic()
    worker = threading.Thread(target=_churn, name="worker")
    worker.start()
    worker.join()


def test_a_worker_thread_never_frees_a_qt_object(qtbot: Any) -> None:
    # The suite's own collector (tests/conftest.py) runs for this test; the app runs the same.
    assert not gc.isenabled()
    _drop_cycle_then_churn_in_a_worker()
    assert freed_in == []  # the worker allocated far past the thresholds and collected nothing
    qtbot.waitUntil(lambda: freed_in == ["MainThread"], timeout=5000)


def test_without_it_the_worker_would_free_it(qtbot: Any) -> None:
    # What the collector prevents: with Python's own collection the worker frees the object.
    collector = UiThreadCollector()
    collector.stop()
    gc.enable()
    try:
        gc.collect()
        _drop_cycle_then_churn_in_a_worker()
        assert freed_in == ["worker"]
    finally:
        gc.disable()


def test_stop_gives_collection_back_to_python(qapp: Any) -> None:
    gc.enable()
    try:
        collector = UiThreadCollector(interval_ms=10_000)
        assert not gc.isenabled()
        collector.stop()
        assert gc.isenabled()
    finally:
        gc.disable()

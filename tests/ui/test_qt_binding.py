"""The Qt binding keeps Python's reference counts straight on what the app does all day.

PySide6 6.12.0 dropped one reference to ``True`` on every signal emitted from Python and one to
``False`` on every failed ``disconnect``. A desktop app emits signals for every search result,
token and progress step, so after a few thousand of them Python freed ``True`` itself and the
process died at a random place (a segfault in CI inside ``Operation._emit``). The binding is
pinned to a release without it; this test fails on one that has it.
"""

from __future__ import annotations

import sys
import warnings
from typing import Any

from ui.qt import QObject, Signal, Slot


class _Emitter(QObject):
    value = Signal(object)
    bare = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.seen = 0

    @Slot(object)
    def take(self, _value: object) -> None:
        self.seen += 1


def _counts() -> tuple[int, int]:
    return sys.getrefcount(True), sys.getrefcount(False)


def test_emitting_signals_leaves_the_bools_alone(qtbot: Any) -> None:
    e = _Emitter()
    e.value.connect(e.take)
    before = _counts()
    for i in range(2000):
        e.value.emit(i)
        e.bare.emit()
    after = _counts()
    assert e.seen == 2000
    # A few references may come and go with caches; a leak per emit would be thousands.
    assert abs(after[0] - before[0]) < 50, f"True's references went {before[0]} -> {after[0]}"
    assert abs(after[1] - before[1]) < 50, f"False's references went {before[1]} -> {after[1]}"


def test_disconnecting_leaves_the_bools_alone(qtbot: Any) -> None:
    e = _Emitter()

    def slot(_value: object) -> None:
        pass

    before = _counts()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # "Failed to disconnect" is expected
        for _ in range(1000):
            e.value.connect(slot)
            e.value.disconnect(slot)
            try:
                e.value.disconnect(slot)  # no longer connected
            except (RuntimeError, TypeError):
                pass
    after = _counts()
    assert abs(after[0] - before[0]) < 50, f"True's references went {before[0]} -> {after[0]}"
    assert abs(after[1] - before[1]) < 50, f"False's references went {before[1]} -> {after[1]}"

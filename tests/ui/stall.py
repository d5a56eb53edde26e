"""Measures how long the UI thread goes without running a 10 ms timer (its longest stall)."""

from __future__ import annotations

import time
from types import TracebackType

from ui.qt import QTimer

TICK_MS = 10


class StallMeter:
    """Use as a context manager around work; ``longest_ms`` is the worst gap between ticks."""

    def __init__(self) -> None:
        self.longest_ms = 0.0
        self.ticks = 0
        self.long_gaps: list[tuple[float, float]] = []  # (seconds since start, gap ms) over 50 ms
        self._start = 0.0
        self._last = 0.0
        self._timer = QTimer()
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        self._gap_to(time.perf_counter())
        self.ticks += 1

    def _gap_to(self, now: float) -> None:
        gap = (now - self._last) * 1000.0
        self.longest_ms = max(self.longest_ms, gap)
        if gap > 50.0:
            self.long_gaps.append((round(now - self._start, 2), round(gap, 1)))
        self._last = now

    def __enter__(self) -> StallMeter:
        self._start = self._last = time.perf_counter()
        self._timer.start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._timer.stop()
        # The time since the last tick counts too: a UI thread that never got back to its
        # event loop would otherwise report no stall at all.
        self._gap_to(time.perf_counter())

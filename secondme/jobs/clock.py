"""Time as the jobs see it: wall clock, monotonic clock and an interruptible sleep.

Everything in ``secondme.jobs`` reads time through a :class:`Clock` so tests can run a night, a
DST change or a laptop suspend in milliseconds with :class:`FakeClock`.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """The three things the jobs need from time."""

    def now(self) -> datetime:
        """The current wall-clock time, timezone-aware (UTC)."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never jumps (and, on Linux, stops while suspended)."""
        ...

    def sleep(self, seconds: float, wake: threading.Event | None = None) -> bool:
        """Wait ``seconds``; return True early (and at once) when ``wake`` is set."""
        ...


class SystemClock:
    """The real clocks."""

    def now(self) -> datetime:
        """The current time, UTC."""
        return datetime.now(UTC)

    def monotonic(self) -> float:
        """:func:`time.monotonic`."""
        return time.monotonic()

    def sleep(self, seconds: float, wake: threading.Event | None = None) -> bool:
        """Sleep, or wait on ``wake`` and return True when it is set before ``seconds`` pass."""
        if wake is None:
            time.sleep(max(0.0, seconds))
            return False
        return wake.wait(max(0.0, seconds))


class FakeClock:
    """A clock for tests: time moves only when told to (or when something sleeps).

    ``sleep`` advances both clocks by the requested amount and then yields for ``real_sleep``
    real seconds, so background threads (the wake ticker, a paused pipeline) make progress in
    fake time without spinning the CPU. With ``advance_on_sleep=False`` time moves only when
    the test says so (sleeps just yield), which keeps background threads from racing the clock.
    """

    def __init__(self, start: datetime, *, real_sleep: float = 0.002, advance_on_sleep: bool = True) -> None:
        """Both clocks stopped at ``start`` (an aware datetime; a naive one raises ``ValueError``)."""
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._wall = start.astimezone(UTC)
        self._mono = 1000.0
        self._real_sleep = real_sleep
        self._advance_on_sleep = advance_on_sleep
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """The fake wall time, UTC."""
        with self._lock:
            return self._wall

    def monotonic(self) -> float:
        """The fake monotonic time (starts at 1000)."""
        with self._lock:
            return self._mono

    def advance(self, seconds: float) -> None:
        """Time passes normally (both clocks move)."""
        with self._lock:
            self._wall += timedelta(seconds=seconds)
            self._mono += seconds

    def suspend(self, seconds: float) -> None:
        """The machine sleeps: the wall clock moves on, the monotonic clock does not."""
        with self._lock:
            self._wall += timedelta(seconds=seconds)

    def set_wall(self, when: datetime) -> None:
        """Set the wall clock (a clock change or NTP jump); the monotonic clock does not move."""
        with self._lock:
            self._wall = when.astimezone(UTC)

    def sleep(self, seconds: float, wake: threading.Event | None = None) -> bool:
        """Advance both clocks by ``seconds`` (unless ``advance_on_sleep`` is off), then yield for
        ``real_sleep`` real seconds or until ``wake`` is set."""
        if wake is not None and wake.is_set():
            return True
        if self._advance_on_sleep:
            self.advance(max(0.0, seconds))
        if wake is None:
            time.sleep(self._real_sleep)
            return False
        return wake.wait(self._real_sleep)

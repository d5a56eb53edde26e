"""Lock after idle: no keyboard or mouse input in any of our windows for N minutes."""

from __future__ import annotations

import time
from collections.abc import Callable

from ui.qt import QEvent, QObject, QTimer, Signal

CHECK_INTERVAL_MS = 15_000
_INPUT = {
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class IdleWatcher(QObject):
    """Emits :attr:`idle` once the limit passes; the limit is read at every check so a change
    in Settings applies without a restart (0 = never)."""

    idle = Signal()

    def __init__(self, minutes: Callable[[], int], parent: QObject | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        """``minutes`` gives the current limit; ``clock`` is replaceable for tests.
        Not running until :meth:`start`."""
        super().__init__(parent)
        self._minutes = minutes
        self._clock = clock
        self.last_input = clock()
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_INTERVAL_MS)
        self._timer.timeout.connect(self.check)

    def start(self) -> None:
        """Count from now and check every ``CHECK_INTERVAL_MS``."""
        self.last_input = self._clock()
        self._timer.start()

    def stop(self) -> None:
        """Stop checking (while locked)."""
        self._timer.stop()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        """Note the time of any key, mouse or touch input; never consumes the event."""
        if event.type() in _INPUT:
            self.last_input = self._clock()
        return False

    def check(self) -> None:
        """Emit :attr:`idle` (once, then stop) when no input came for the limit."""
        limit = self._minutes()
        if limit > 0 and self._clock() - self.last_input >= limit * 60:
            self.stop()
            self.idle.emit()

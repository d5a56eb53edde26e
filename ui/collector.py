"""Python's cyclic garbage collector, run on the UI thread only.

Left to itself, the collector runs in whichever thread happens to allocate past its threshold:
often one of the core's worker threads (the index sync, the indexer). If the garbage it finds
holds a Qt object (a closed dialog in a reference cycle), that object's C++ destructor then runs
in the worker thread, takes Qt's connection lock and waits for the GIL, while the UI thread,
holding the GIL, waits for that same lock inside a Qt call: both stop for good. Seen in the test
suite as a Settings page that never finished building. So while the app runs, automatic
collection is off and this timer collects on the UI thread, by the same thresholds.
"""

from __future__ import annotations

import gc

from ui.qt import QObject, QTimer


class UiThreadCollector(QObject):
    """Turns automatic garbage collection off and collects from a UI-thread timer instead;
    :meth:`stop` gives collection back to Python."""

    def __init__(self, interval_ms: int = 500, parent: QObject | None = None) -> None:
        """Start collecting every ``interval_ms`` on the thread that builds this object (the UI's)."""
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect)
        self._timer.start(interval_ms)

    def collect(self) -> int:
        """Collect the oldest generation whose count is past its threshold, as Python would;
        returns the generation collected, or -1 when none was due."""
        counts, limits = gc.get_count(), gc.get_threshold()
        gen = -1
        if counts[0] > limits[0]:
            gen = 0
            if counts[1] > limits[1]:
                gen = 1
                if counts[2] > limits[2]:
                    gen = 2
        if gen >= 0:
            gc.collect(gen)
        return gen

    def stop(self) -> None:
        """Stop the timer, collect once more here, and let Python collect on its own again."""
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()

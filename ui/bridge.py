"""The one place where core events (arriving on any thread) become Qt signals on the UI thread."""

from __future__ import annotations

import logging
from collections.abc import Callable

from secondme.app import SecondMe
from secondme.events import Event, EventKind
from secondme.results import IndexProgress
from ui.qt import QObject, QTimer, Signal, Slot, is_alive

log = logging.getLogger("secondme.ui.bridge")

# Progress can arrive hundreds of times a second while indexing small files; labels only need a
# few updates a second, and every update costs the UI thread a repaint.
PROGRESS_INTERVAL_MS = 150


class CoreBridge(QObject):
    """Subscribes to a :class:`SecondMe` and re-emits its events as typed signals.

    Emitting ``_incoming`` from a worker thread queues the call to :meth:`_dispatch`, which runs
    on the thread this object lives on (the UI thread), so every public signal fires there.
    """

    locked = Signal()
    unlocked = Signal()
    index_progress = Signal(object)  # IndexProgress
    index_changed = Signal()
    core_event = Signal(object, object)  # every event (EventKind, data), for pages that watch other kinds
    _incoming = Signal(object)

    def __init__(self, ctx: SecondMe, parent: QObject | None = None) -> None:
        """Subscribe to ``ctx``'s events; index progress is passed on at most every ``PROGRESS_INTERVAL_MS``."""
        super().__init__(parent)
        self.last_progress: IndexProgress | None = None
        self._pending: IndexProgress | None = None
        self._throttle = QTimer(self)
        self._throttle.setSingleShot(True)
        self._throttle.setInterval(PROGRESS_INTERVAL_MS)
        self._throttle.timeout.connect(self._flush_progress)
        self._incoming.connect(self._dispatch)
        self._unsubscribe: Callable[[], None] | None = ctx.subscribe(self._listen)

    def detach(self) -> None:
        """Stop listening to the core (call before the bridge goes away)."""
        if self._unsubscribe is not None:
            try:
                self._unsubscribe()
            except ValueError:  # already removed
                pass
            self._unsubscribe = None

    # Runs on whatever thread the core emits from.
    def _listen(self, ev: Event) -> None:
        if is_alive(self):
            self._incoming.emit(ev)

    @Slot(object)
    def _dispatch(self, ev: Event) -> None:
        kind = ev.kind
        if kind == EventKind.INDEX_PROGRESS:
            progress = ev.data.get("progress")
            if isinstance(progress, IndexProgress):
                self._on_progress(progress)
        elif kind == EventKind.INDEX_CHANGED:
            self.index_changed.emit()
        elif kind == EventKind.LOCKED:
            self.locked.emit()
        elif kind == EventKind.UNLOCKED:
            self.unlocked.emit()
        self.core_event.emit(kind, ev.data)

    def _on_progress(self, progress: IndexProgress) -> None:
        before = self.last_progress
        self._pending = progress
        # Starting, stopping and pausing are shown at once; counts are throttled.
        if before is None or (before.running, before.paused) != (progress.running, progress.paused):
            self._flush_progress()
        elif not self._throttle.isActive():
            self._throttle.start()

    @Slot()
    def _flush_progress(self) -> None:
        if self._pending is not None:
            self.last_progress, self._pending = self._pending, None
            self.index_progress.emit(self.last_progress)

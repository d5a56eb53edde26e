"""Background work declared at the call site as small operation objects.

A widget never blocks the UI thread on the core: it asks the :class:`Runner` to run a core call
on a worker thread and names what happens on success and on failure. Both callbacks run on the
UI thread, and only while the receiving widget still exists (a page closed before its search
finished simply drops the result). The idea comes from Anki's ``QueryOp``.

    ui.ops.run(lambda: ctx.notes.search(q), receiver=self, success=self._show_hits)
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from ui.qt import QObject, QRunnable, QThreadPool, Signal, Slot, is_alive

log = logging.getLogger("secondme.ui.operations")

T = TypeVar("T")

ErrorHandler = Callable[[BaseException], None]

# Thread pools by purpose: searches must never queue behind an unlock or a re-index, and the
# model has one inference worker in the core anyway, so one thread is enough to feed it.
POOL_SIZES = {"default": 3, "search": 2, "model": 1}

# A worker running Python keeps the GIL for Python's switch interval (5 ms) before the UI
# thread may take it, and the UI thread then competes with every waiting worker; a drawn frame
# needs several turns. 2 ms lets it through more than twice as often: with three busy workers
# on two loaded cores, 10 ms timer ticks in 0.6 s went from 12-18 to 22-30 and the longest gap
# from 76-127 to 56-76 ms (1 ms did better still, 31-44 ticks, but costs the workers more
# switching).
UI_SWITCH_INTERVAL_S = 0.002


class _Relay(QObject):
    """Lives on the UI thread; signals emitted from a worker are queued to it by Qt.

    One relay serves every operation of a :class:`Runner` and lives as long as the runner: an
    operation owns no Qt object. A relay per operation, deleted once its result arrived, raced
    the worker that was still returning from ``emit`` (a segfault seen in CI), and its Python
    wrapper could be freed on the worker thread while Qt still held a deletion event for it.
    """

    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.succeeded.connect(self._on_success)
        self.failed.connect(self._on_failure)
        self.progressed.connect(self._on_progress)

    @Slot(object)
    def _on_success(self, payload: object) -> None:
        op, value = _unpack(payload)
        op._deliver(value, None)

    @Slot(object)
    def _on_failure(self, payload: object) -> None:
        op, exc = _unpack(payload)
        assert isinstance(exc, BaseException)
        op._deliver(None, exc)

    @Slot(object)
    def _on_progress(self, payload: object) -> None:
        op, item = _unpack(payload)
        op._deliver_progress(item)


def _unpack(payload: object) -> tuple[Operation[Any], object]:
    assert isinstance(payload, tuple) and isinstance(payload[0], Operation)
    return payload[0], payload[1]


class _Job(QRunnable):
    def __init__(self, op: Operation[Any]) -> None:
        super().__init__()
        self._op = op

    def run(self) -> None:
        self._op._execute()


class Operation(Generic[T]):
    """One core call on a worker thread with UI-thread callbacks.

    ``fn`` takes no argument, or, when ``progress`` is given, one: a thread-safe ``report(item)``
    callable whose items reach ``progress`` on the UI thread in order (tokens of an answer).
    ``cancel`` is set when the receiver is destroyed or the runner shuts down; pass it on to
    core calls that accept one.
    """

    def __init__(
        self,
        runner: Runner,
        fn: Callable[..., T],
        *,
        receiver: QObject | None,
        success: Callable[[T], None] | None,
        failure: ErrorHandler | None,
        progress: Callable[[Any], None] | None,
        cancel: threading.Event | None,
    ) -> None:
        """Hold the call and its callbacks; :meth:`Runner.run` builds and queues it.
        ``cancel`` defaults to a new event."""
        self._runner = runner
        self._fn: Callable[..., T] | None = fn
        self._receiver = receiver
        self._success = success
        self._failure = failure
        self._progress = progress
        self.cancel = cancel if cancel is not None else threading.Event()
        self.finished = False
        self._relay = runner._relay
        self._job = _Job(self)
        if receiver is not None:
            # The receiver going away means nobody wants the result: let the core stop early.
            receiver.destroyed.connect(self._relay_cancel)

    def _relay_cancel(self, *_args: object) -> None:
        self.cancel.set()

    # --- worker thread -------------------------------------------------------------------------
    def _execute(self) -> None:
        fn = self._fn
        assert fn is not None, "an operation runs once"
        try:
            if self._progress is not None:
                value = fn(self._report)
            else:
                value = fn()
            fn = None  # dropped before the result is handed over (see _deliver)
        except BaseException as exc:  # noqa: BLE001 - handed to the failure callback on the UI thread
            fn = None
            self._emit(self._relay.failed, exc)
        else:
            self._emit(self._relay.succeeded, value)

    def _report(self, item: Any) -> None:
        self._emit(self._relay.progressed, item)

    def _emit(self, signal: Any, value: object) -> None:
        try:
            signal.emit((self, value))
        except RuntimeError:  # the relay was deleted at shutdown: nobody is left to tell
            log.debug("operation result dropped: its relay is gone")

    # --- UI thread -----------------------------------------------------------------------------
    def _receiver_alive(self) -> bool:
        return self._receiver is None or is_alive(self._receiver)

    def _deliver_progress(self, item: object) -> None:
        if self._progress is not None and not self.finished and self._receiver_alive():
            self._progress(item)

    def _deliver(self, value: Any, exc: BaseException | None) -> None:
        self.finished = True
        self._runner._forget(self)
        alive = self._receiver_alive()
        try:
            if exc is None:
                if alive and self._success is not None:
                    self._success(value)
            elif alive and self._failure is not None:
                self._failure(exc)
            else:
                # Nobody asked for the failure (or the receiver is gone): never swallow it.
                self._runner.unhandled(exc)
        finally:
            # Disconnected here, on the UI thread: left to the garbage collector, the connection
            # to the receiver would be undone on whichever thread collects this operation, and
            # a worker taking the receiver's connection lock while the UI thread holds the GIL
            # and waits for that lock deadlocks (seen: the unlock dialog closing).
            if self._receiver is not None and alive:
                try:
                    self._receiver.destroyed.disconnect(self._relay_cancel)
                except (RuntimeError, TypeError):
                    pass  # already gone with the receiver
            # The worker may hold this operation a moment longer (its runnable is freed on the
            # pool's thread): it must not be the one to drop the last reference to a widget
            # (the receiver, or one behind a bound callback), so they are let go of here.
            self._receiver = None
            self._fn = self._success = self._failure = self._progress = None


class Runner:
    """Owns the worker pools and every operation still running.

    ``on_error`` receives failures nobody handled (the app shows a message box for a
    ``UserError`` and the crash dialog for a bug). Create it on the UI thread.
    """

    def __init__(self, on_error: ErrorHandler | None = None) -> None:
        """One thread pool per kind of work (``POOL_SIZES``); ``on_error`` gets failures nobody handled."""
        if sys.getswitchinterval() > UI_SWITCH_INTERVAL_S:
            sys.setswitchinterval(UI_SWITCH_INTERVAL_S)
        self._pools: dict[str, QThreadPool] = {}
        for name, size in POOL_SIZES.items():
            pool = QThreadPool()
            pool.setMaxThreadCount(size)
            self._pools[name] = pool
        self._live: set[Operation[Any]] = set()
        self._relay = _Relay()
        self.on_error = on_error

    def run(
        self,
        fn: Callable[..., T],
        *,
        receiver: QObject | None = None,
        success: Callable[[T], None] | None = None,
        failure: ErrorHandler | None = None,
        progress: Callable[[Any], None] | None = None,
        cancel: threading.Event | None = None,
        pool: str = "default",
    ) -> Operation[T]:
        """Start ``fn`` on a worker of ``pool``; see :class:`Operation`."""
        op: Operation[T] = Operation(self, fn, receiver=receiver, success=success, failure=failure,
                                     progress=progress, cancel=cancel)
        self._live.add(op)
        self._pools[pool].start(op._job)
        return op

    def active(self) -> int:
        """How many operations have not delivered their result yet."""
        return len(self._live)

    def _forget(self, op: Operation[Any]) -> None:
        self._live.discard(op)

    def unhandled(self, exc: BaseException) -> None:
        """Pass a failure nobody handled to ``on_error``, or log it."""
        if self.on_error is not None:
            self.on_error(exc)
        else:
            log.error("background operation failed", exc_info=exc)

    def cancel_all(self) -> None:
        """Set every running operation's cancel event (core calls that take one stop early)."""
        for op in list(self._live):
            op.cancel.set()

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel what can be cancelled and wait for the workers; True when all finished."""
        self.cancel_all()
        ok = True
        for pool in self._pools.values():
            pool.clear()  # queued jobs that never started are dropped
            ok = pool.waitForDone(timeout_ms) and ok
        return ok

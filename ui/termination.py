"""SIGTERM / SIGHUP in the desktop app: a clean quit (seal, remove the RAM folder, exit 0).

Python runs signal handlers only when the main thread executes Python code, and in the app it
mostly sits in Qt's event loop (C++), so a handler alone could wait forever. The C-level
handler writes the signal's number to a socket (``signal.set_wakeup_fd``); a QSocketNotifier
on the other end wakes the event loop, whose slot asks the app to quit as its Quit menu does.
"""

from __future__ import annotations

import logging
import signal
import socket
from collections.abc import Callable
from types import FrameType

from secondme.hardening import TERMINATION_SIGNALS
from ui.qt import QObject, QSocketNotifier, Slot

log = logging.getLogger("secondme.ui.termination")


class TerminationWatcher(QObject):
    """Turns SIGTERM/SIGHUP into one call of ``on_terminate`` on the Qt main thread.

    Install it right after the QApplication exists: a signal that arrives before the event
    loop runs is kept in the socket and handled as soon as the loop starts.
    """

    def __init__(self, on_terminate: Callable[[], None] | None = None) -> None:
        """Catch SIGTERM and SIGHUP through a wake-up socket read on the Qt main thread."""
        super().__init__()
        self._on_terminate = on_terminate
        self.received: int | None = None
        self._read, self._write = socket.socketpair()
        for s in (self._read, self._write):
            s.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._write.fileno(), warn_on_full_buffer=False)
        self._previous = {sig: signal.signal(sig, self._on_signal) for sig in TERMINATION_SIGNALS}
        self._notifier = QSocketNotifier(self._read.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)

    def set_handler(self, on_terminate: Callable[[], None]) -> None:
        """What to call on termination (the controller's quit, once it exists)."""
        self._on_terminate = on_terminate
        if self.received is not None:
            on_terminate()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        # Runs in the main thread between two Python bytecodes (the notifier's slot at the
        # latest): only records; the slot below does the work from the event loop.
        if self.received is None:
            self.received = signum
            log.info("received signal %s: quitting", signum)

    @Slot()
    def _drain(self) -> None:
        try:
            data = self._read.recv(64)
        except BlockingIOError:
            return
        signums = set(data) & set(TERMINATION_SIGNALS)
        if not signums:
            return  # another signal (SIGINT, SIGCHLD…) also wakes us: not ours to act on
        if self.received is None:
            self.received = min(signums)
        if self._on_terminate is not None:
            self._on_terminate()

    def close(self) -> None:
        """Give the signals back to what handled them before."""
        self._notifier.setEnabled(False)
        signal.set_wakeup_fd(self._previous_fd)
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._read.close()
        self._write.close()

"""Errors shown to the person: a message box for their own, a local crash dialog for our bugs.

Nothing here sends anything anywhere: the dialog shows the traceback and the log excerpt so
the person can copy them into a bug report if they choose to.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

from secondme.errors import UserError
from ui.logs import excerpt
from ui.qt import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QObject,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
    Signal,
)

log = logging.getLogger("secondme.ui.crash")


class CrashDialog(QDialog):
    """An unexpected error, its traceback and the recent log, shown locally."""

    def __init__(self, details: str, parent: QWidget | None = None) -> None:
        """Show ``details`` (traceback and recent log) read-only, with Copy details, Close and Quit Second Me."""
        super().__init__(parent)
        self.setWindowTitle("Second Me — something went wrong")
        self.setModal(True)
        self.resize(720, 480)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Second Me hit an unexpected error. Your data is safe: nothing committed was lost.\n"
            "The details below stay on this computer; copy them into a bug report if you like.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.details = QPlainTextEdit(details)
        self.details.setReadOnly(True)
        layout.addWidget(self.details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton("Copy details", QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(self._copy)
        self.quit_button = buttons.addButton("Quit Second Me", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.quit_button.clicked.connect(self._quit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _copy(self) -> None:
        QApplication.clipboard().setText(self.details.toPlainText())

    def _quit(self) -> None:
        self.done(2)


class _Relay(QObject):
    """Carries an exception from any thread to the UI thread (queued signal)."""

    raised = Signal(object)


class ErrorReporter:
    """Routes failures: ``UserError`` → message box; anything else → log + crash dialog."""

    def __init__(self, log_file: Path | None) -> None:
        """``log_file`` is excerpted in the dialog; nothing is hooked until :meth:`install`."""
        self.log_file = log_file
        self._showing = False
        self.quit_requested = False
        self._relay: _Relay | None = None

    def show(self, exc: BaseException, parent: QWidget | None = None) -> None:
        """A ``UserError`` as a warning box; anything else logged and shown in the crash dialog (one at a
        time). Quit there quits the app."""
        if isinstance(exc, UserError):
            log.info("user error: %s", type(exc).__name__)
            QMessageBox.warning(parent, "Second Me", str(exc))
            return
        log.error("unexpected error", exc_info=exc)
        if self._showing or QApplication.instance() is None:
            return  # one dialog at a time; the log has the rest
        tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        details = f"{tb}\n--- recent log ({self.log_file}) ---\n{excerpt(self.log_file)}"
        self._showing = True
        try:
            if CrashDialog(details, parent).exec() == 2:
                self.quit_requested = True
                app = QApplication.instance()
                if app is not None:
                    app.quit()
        finally:
            self._showing = False

    def excepthook(self, kind: type[BaseException], exc: BaseException,
                   tb: TracebackType | None) -> None:
        """``sys.excepthook``: show an uncaught error of the UI thread; Ctrl+C
        keeps Python's default handling."""
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        self.show(exc.with_traceback(tb))

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        """An uncaught error in a background thread (the core's or a library's): same dialog,
        shown on the UI thread."""
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        exc = args.exc_value.with_traceback(args.exc_traceback)
        if self._relay is None:
            log.error("uncaught error in thread %s", getattr(args.thread, "name", "?"), exc_info=exc)
            return
        self._relay.raised.emit(exc)  # show() logs it, on the UI thread

    def install(self) -> None:
        """Become ``sys.excepthook`` and ``threading.excepthook``; call on the UI thread."""
        sys.excepthook = self.excepthook
        # Created here, on the UI thread: emits from other threads are queued to it.
        self._relay = _Relay()
        self._relay.raised.connect(self.show)
        threading.excepthook = self.thread_excepthook

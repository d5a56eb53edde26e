"""A bug in any thread shows the local crash dialog with the traceback and the log excerpt."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from secondme.errors import UserError
from ui.crash import CrashDialog, ErrorReporter
from ui.qt import QApplication, QMessageBox, QTimer


class _ShownDialogs:
    """Closes each crash dialog as it opens, keeping the details it showed."""

    def __init__(self) -> None:
        self.details: list[str] = []
        self._timer = QTimer()
        self._timer.setInterval(20)
        self._timer.timeout.connect(self._close_open_dialog)
        self._timer.start()

    def _close_open_dialog(self) -> None:
        w = QApplication.activeModalWidget()
        if isinstance(w, CrashDialog):
            self.details.append(w.details.toPlainText())
            w.reject()


@pytest.fixture
def reporter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ErrorReporter:
    # Both hooks are restored after the test.
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    log_file = tmp_path / "secondme-app.log"
    log_file.write_text("2026-11-25 10:00:00,000 INFO secondme.ui.main: tray ready\n")
    r = ErrorReporter(log_file)
    r.install()
    return r


def test_error_in_a_background_thread_shows_the_dialog(qtbot: Any, reporter: ErrorReporter) -> None:
    shown = _ShownDialogs()

    def worker() -> None:
        raise RuntimeError("index writer broke")

    t = threading.Thread(target=worker, name="secondme-test-worker")
    t.start()
    t.join()
    qtbot.waitUntil(lambda: bool(shown.details), timeout=5000)
    text = shown.details[0]
    assert "RuntimeError: index writer broke" in text and "def worker" not in text
    assert "in worker" in text  # the traceback of the thread, not of the UI
    assert "tray ready" in text  # the recent log
    assert not reporter.quit_requested


def test_a_persons_error_is_a_message_not_a_crash(qtbot: Any, reporter: ErrorReporter,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warned.append(text))
    reporter.show(UserError("That folder does not exist"))
    assert warned == ["That folder does not exist"]

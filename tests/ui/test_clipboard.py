"""What quick recall copies is marked secret for clipboard managers and does not stay.

Real widgets and the real (offscreen) clipboard: a fill value, an answer or a result copied with
Ctrl+C carries ``x-kde-passwordManagerHint: secret`` and is cleared after the guard's delay, on
lock and on quit, unless the person copied something else since.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.ui.test_controller import controller_factory, prepared  # noqa: F401  (fixtures)
from ui.clipboard import PASSWORD_HINT_MIME, ClipboardGuard
from ui.qt import QApplication, QMessageBox, Qt
from ui.recall import QuickRecall

pytestmark = pytest.mark.timeout(300)

DELAY_MS = 1500  # long enough to look at the copy before it goes, short enough for a test


def _text() -> str:
    return QApplication.clipboard().text()


def _hint() -> bytes:
    mime = QApplication.clipboard().mimeData()
    return bytes(mime.data(PASSWORD_HINT_MIME).data()) if mime is not None else b""


@pytest.fixture
def guard(qtbot: Any) -> ClipboardGuard:
    QApplication.clipboard().clear()
    return ClipboardGuard(clear_after_ms=DELAY_MS)


@pytest.fixture
def box(qtbot: Any, indexed_services: Any, guard: ClipboardGuard) -> QuickRecall:
    w = QuickRecall(indexed_services, guard)
    qtbot.addWidget(w)
    w.open()
    qtbot.waitExposed(w)
    return w


def _fill(qtbot: Any, box: QuickRecall, label: str, shown: str) -> None:
    qtbot.keyClicks(box.query, f"fill: {label}")
    qtbot.waitUntil(lambda: shown in box.answer.toPlainText(), timeout=10_000)


def _ctrl_c(qtbot: Any, box: QuickRecall) -> None:
    qtbot.keyClick(box.query, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)


def test_default_delay_is_thirty_seconds(qtbot: Any) -> None:
    assert ClipboardGuard().clear_after_ms == 30_000


def test_fill_value_is_marked_secret_and_cleared_after_the_delay(qtbot: Any, box: QuickRecall) -> None:
    box._services.ctx.profile.set_field("street-address", "12 Rue Cler", lock=True)
    _fill(qtbot, box, "shipping address", "12 Rue Cler")
    _ctrl_c(qtbot, box)
    assert _text() == "12 Rue Cler"
    assert _hint() == b"secret"
    assert box.status.text() == "Copied."
    qtbot.waitUntil(lambda: _text() == "", timeout=DELAY_MS + 5000)
    assert QApplication.clipboard().mimeData() is None or not _hint()


def test_what_the_person_copied_since_stays(qtbot: Any, box: QuickRecall) -> None:
    box._services.ctx.profile.set_field("street-address", "12 Rue Cler", lock=True)
    _fill(qtbot, box, "shipping address", "12 Rue Cler")
    _ctrl_c(qtbot, box)
    assert _text() == "12 Rue Cler"
    QApplication.clipboard().setText("a recipe link")  # the person copies something else
    qtbot.wait(DELAY_MS + 700)
    assert _text() == "a recipe link"
    # The same text copied again from elsewhere is theirs too, not our copy.
    _ctrl_c(qtbot, box)
    QApplication.clipboard().setText("12 Rue Cler")
    qtbot.wait(DELAY_MS + 700)
    assert _text() == "12 Rue Cler"


def test_sensitive_value_needs_confirmation_then_is_marked_and_cleared(
        qtbot: Any, box: QuickRecall, monkeypatch: pytest.MonkeyPatch) -> None:
    box._services.ctx.profile.set_field("passport-number", "X1234567", lock=True)
    _fill(qtbot, box, "passport number", "sensitive")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    _ctrl_c(qtbot, box)
    assert _text() == ""
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    _ctrl_c(qtbot, box)
    qtbot.waitUntil(lambda: _text() == "X1234567", timeout=5000)
    assert _hint() == b"secret"
    assert "X1234567" not in box.answer.toPlainText()
    qtbot.waitUntil(lambda: _text() == "", timeout=DELAY_MS + 5000)


def test_a_copied_result_is_marked_and_cleared(qtbot: Any, box: QuickRecall) -> None:
    qtbot.keyClicks(box.query, "sourdough starter")
    qtbot.waitUntil(lambda: bool(box.model.hits()), timeout=20_000)
    _ctrl_c(qtbot, box)
    assert "starter" in _text().lower()
    assert _hint() == b"secret"
    qtbot.waitUntil(lambda: _text() == "", timeout=DELAY_MS + 5000)


def test_a_newer_copy_restarts_the_delay(qtbot: Any, guard: ClipboardGuard) -> None:
    guard.copy("first")
    qtbot.wait(DELAY_MS // 2)
    guard.copy("second")
    qtbot.wait(DELAY_MS // 2 + 300)
    assert _text() == "second"  # the first copy's delay must not clear the second
    qtbot.waitUntil(lambda: _text() == "", timeout=DELAY_MS + 5000)


def test_withdraw_clears_our_copy_now_and_leaves_the_persons(qtbot: Any, guard: ClipboardGuard) -> None:
    guard.copy("a private value")
    guard.withdraw()
    assert _text() == ""
    guard.copy("a private value")
    QApplication.clipboard().setText("theirs")
    guard.withdraw()
    assert _text() == "theirs"


# --- the app: lock and quit clear what quick recall copied ---------------------------------------

def _copy_fill_in_app(qtbot: Any, c: Any) -> None:
    QApplication.clipboard().clear()
    c.start()
    qtbot.waitUntil(lambda: c.state == "ready", timeout=60_000)
    c.ctx.profile.set_field("street-address", "12 Rue Cler", lock=True)
    c.open_recall()
    _fill(qtbot, c.recall, "shipping address", "12 Rue Cler")
    _ctrl_c(qtbot, c.recall)
    assert _text() == "12 Rue Cler" and _hint() == b"secret"


def test_lock_clears_the_clipboard(qtbot: Any, controller_factory: Any, prepared: Path) -> None:  # noqa: F811
    c = controller_factory(prepared)
    _copy_fill_in_app(qtbot, c)
    assert c.clipboard.clear_after_ms == 30_000  # the app uses the default delay
    c.lock()
    assert _text() == ""
    qtbot.waitUntil(lambda: c.state == "locked", timeout=30_000)


def test_quit_and_finish_clear_the_clipboard(qtbot: Any, controller_factory: Any, prepared: Path) -> None:  # noqa: F811
    c = controller_factory(prepared)
    _copy_fill_in_app(qtbot, c)
    c.quit()
    assert _text() == ""
    qtbot.waitUntil(lambda: c.app.quit_calls == 1, timeout=60_000)
    # Anything copied while the app shut down is cleared after the event loop, before Qt could
    # hand it to a clipboard manager.
    c.clipboard.copy("late copy")
    c.finish()
    assert _text() == ""

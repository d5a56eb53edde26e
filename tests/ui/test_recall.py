"""Quick recall: results as you type, keyboard only, answers streamed from the real model."""

from __future__ import annotations

from typing import Any

import pytest

from secondme.results import Answer, SearchHit
from ui.qt import QApplication, QMessageBox, Qt
from ui.recall import QuickRecall

pytestmark = pytest.mark.timeout(300)


@pytest.fixture
def box(qtbot: Any, indexed_services: Any) -> QuickRecall:
    w = QuickRecall(indexed_services)
    qtbot.addWidget(w)
    w.open()
    qtbot.waitExposed(w)
    return w


def _titles(box: QuickRecall) -> list[str]:
    return [h.title for h in box.model.hits()]


def test_is_a_frameless_on_top_box(box: QuickRecall) -> None:
    flags = box.windowFlags()
    assert flags & Qt.WindowType.FramelessWindowHint
    assert flags & Qt.WindowType.WindowStaysOnTopHint
    assert box.isVisible()


def test_typing_shows_matching_hits(qtbot: Any, box: QuickRecall) -> None:
    qtbot.keyClicks(box.query, "pastel de nata")
    qtbot.waitUntil(lambda: bool(box.model.hits()), timeout=20_000)
    assert _titles(box)[0] == "Trip to Lisbon"
    hit = box.selected_hit()
    assert isinstance(hit, SearchHit) and hit.path and hit.path.endswith("lisbon.md")

    # A new query replaces the results (older generations are dropped).
    box.query.clear()
    qtbot.keyClicks(box.query, "cherry tomatoes water")
    qtbot.waitUntil(lambda: bool(box.model.hits()) and _titles(box)[0] != "Trip to Lisbon", timeout=20_000)
    assert "Garden" in _titles(box)[0]


def test_stale_results_are_discarded(qtbot: Any, box: QuickRecall) -> None:
    box._show_hits(box._generation + 5, [SearchHit(1, "chunk", "stale", "x", 1.0)])
    assert "stale" not in _titles(box)


def test_arrows_move_and_ctrl_enter_opens(qtbot: Any, box: QuickRecall, recorder: Any) -> None:
    qtbot.keyClicks(box.query, "notes")  # matches several files
    qtbot.waitUntil(lambda: len(box.model.hits()) >= 2, timeout=20_000)
    first = box.selected_hit()
    qtbot.keyClick(box.query, Qt.Key.Key_Down)
    second = box.selected_hit()
    assert second is not None and second != first
    qtbot.keyClick(box.query, Qt.Key.Key_Up)
    assert box.selected_hit() == first
    qtbot.keyClick(box.query, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert recorder.opened and recorder.opened[0][0] == first.path  # type: ignore[union-attr]
    assert not box.isVisible()  # opening a source dismisses the box


def test_ctrl_c_copies_selected_result(qtbot: Any, box: QuickRecall) -> None:
    qtbot.keyClicks(box.query, "sourdough starter")
    qtbot.waitUntil(lambda: bool(box.model.hits()), timeout=20_000)
    QApplication.clipboard().clear()
    qtbot.keyClick(box.query, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    text = QApplication.clipboard().text()
    assert "starter" in text.lower() and "bread.org" in text


def test_escape_hides(qtbot: Any, box: QuickRecall) -> None:
    qtbot.keyClick(box.query, Qt.Key.Key_Escape)
    assert not box.isVisible()


def test_fill_mode_shows_the_profile_value_or_says_it_has_none(qtbot: Any, box: QuickRecall) -> None:
    qtbot.keyClicks(box.query, "fill: shipping address")
    qtbot.waitUntil(lambda: box.answer.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: "no value" in box.answer.toPlainText(), timeout=5000)
    assert box.model.rowCount() == 0
    box._services.ctx.profile.set_field("street-address", "12 Rue Cler", lock=True)
    box.query.clear()
    qtbot.keyClicks(box.query, "fill: Lieferadresse")
    qtbot.waitUntil(lambda: "12 Rue Cler" in box.answer.toPlainText(), timeout=5000)


def test_sensitive_fill_is_hidden_until_confirmed_then_copied(qtbot: Any, box: QuickRecall,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    box._services.ctx.profile.set_field("passport-number", "X1234567", lock=True)
    qtbot.keyClicks(box.query, "fill: passport number")
    qtbot.waitUntil(lambda: "sensitive" in box.answer.toPlainText(), timeout=5000)
    assert "X1234567" not in box.answer.toPlainText()
    QApplication.clipboard().clear()
    # The person answers "No" to the confirmation: nothing is copied.
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    qtbot.keyClick(box.query, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == ""
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.keyClick(box.query, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QApplication.clipboard().text() == "X1234567", timeout=5000)
    assert box.status.text() == "Copied."
    assert "X1234567" not in box.answer.toPlainText()


@pytest.mark.slow
def test_enter_streams_an_answer_with_citations(qtbot: Any, box: QuickRecall) -> None:
    tokens: list[str] = []
    box.asker.token.connect(tokens.append)
    qtbot.keyClicks(box.query, "What did we eat in Lisbon?")
    qtbot.waitUntil(lambda: bool(box.model.hits()), timeout=20_000)
    outcome: list[object] = []
    box.asker.finished.connect(outcome.append)
    box.asker.failed.connect(outcome.append)
    qtbot.keyClick(box.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(outcome), timeout=240_000)
    answer = outcome[0]
    assert isinstance(answer, Answer), f"asking failed: {answer!r}"
    assert tokens, "no token was streamed before the answer"
    assert answer.text.strip()
    assert box.answer.isVisible() and box.answer.toPlainText().strip()
    if answer.citations:
        assert "Sources" in box.answer.toPlainText()
    QApplication.clipboard().clear()
    qtbot.keyClick(box.query, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert answer.text.strip()[:20] in QApplication.clipboard().text()

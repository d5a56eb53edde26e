"""The UI thread keeps ticking while the core indexes or the model generates.

Functional bounds only (generous, the machine may be busy); tests/bench/bench_ui.py reports the
real figures against the 100 ms target.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from secondme.results import Answer
from tests.ui.responsiveness_notes import write_notes
from tests.ui.stall import StallMeter
from ui.pages.chat import ChatPage
from ui.pages.sources import SourcesPage
from ui.qt import QSettings
from ui.window import MainWindow

pytestmark = [pytest.mark.timeout(600), pytest.mark.slow]

GENEROUS_MS = 500


@pytest.fixture
def window(qtbot: Any, services: Any, tmp_path: Path) -> MainWindow:
    w = MainWindow(services, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat),
                   on_close=lambda: True)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_ui_responsive_while_indexing(qtbot: Any, window: MainWindow, core: Any, tmp_path: Path) -> None:
    notes = tmp_path / "many"
    write_notes(notes, 300)
    page = window.page(SourcesPage)
    assert isinstance(page, SourcesPage)
    window.show_page(4)
    with StallMeter() as meter:
        page.add_folder(str(notes))
        qtbot.waitUntil(lambda: page.folders.rowCount() == 1, timeout=300_000)
        qtbot.waitUntil(lambda: not core.notes.progress().running, timeout=300_000)
    assert core.notes.folders()[0].documents == 300
    assert meter.ticks > 10
    assert meter.longest_ms < GENEROUS_MS, f"UI stalled {meter.longest_ms:.0f} ms while indexing"


def test_ui_responsive_while_generating(qtbot: Any, window: MainWindow) -> None:
    chat = window.page(ChatPage)
    assert isinstance(chat, ChatPage)
    outcome: list[object] = []
    chat.asker.finished.connect(outcome.append)
    chat.asker.failed.connect(outcome.append)
    window.show_page(1)
    chat.input.setText("Tell me about my garden.")
    with StallMeter() as meter:
        chat.send()
        qtbot.waitUntil(lambda: bool(outcome), timeout=300_000)
    assert isinstance(outcome[0], Answer), f"asking failed: {outcome[0]!r}"
    assert meter.longest_ms < GENEROUS_MS, f"UI stalled {meter.longest_ms:.0f} ms while generating"

"""The Memories page's "Import…" action, driving the real core: the person picks a kind and
a file (the file dialog answers are scripted), the import runs in the background with
progress, and its report is shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.bench import imports_gen
from tests.core.test_importers_whatsapp import ANDROID_US
from ui import filedialog
from ui.pages.memories import MemoriesPage

pytestmark = pytest.mark.timeout(300)


class Chooser:
    """The person's answers to the file dialogs, and what the dialogs were asked."""

    def __init__(self) -> None:
        self.answers: list[str] = []
        self.asked: list[tuple[str, str]] = []

    def file(self, _parent: Any, caption: str, _start: str, filters: str = "") -> str:
        self.asked.append((caption, filters))
        return self.answers.pop(0)


@pytest.fixture
def chooser(monkeypatch: pytest.MonkeyPatch) -> Chooser:
    c = Chooser()
    monkeypatch.setattr(filedialog, "open_file", c.file)
    monkeypatch.setattr(filedialog, "existing_directory", c.file)
    return c


@pytest.fixture
def page(qtbot: Any, services: Any) -> MemoriesPage:
    p = MemoriesPage(services)
    qtbot.addWidget(p)
    p.show()
    p.refresh()
    return p


def choose_kind(page: MemoriesPage, kind: str) -> None:
    page.import_kind.setCurrentIndex(page.import_kind.findData(kind))


def rows(page: MemoriesPage) -> list[str]:
    return [page.table.item(i, 2).text() for i in range(page.table.rowCount())]


def test_import_shows_progress_and_the_report_then_lists_the_messages(
        qtbot: Any, page: MemoriesPage, chooser: Chooser, tmp_path: Path) -> None:
    chat = tmp_path / "WhatsApp Chat with Party.txt"
    chat.write_text(ANDROID_US, encoding="utf-8")
    choose_kind(page, "whatsapp")
    chooser.answers.append(str(chat))
    qtbot.mouseClick(page.import_button, qtbot_button())
    assert chooser.asked[0][0] == "Import WhatsApp chat" and "*.zip" in chooser.asked[0][1]
    qtbot.waitUntil(lambda: page.import_result.text().startswith("Imported 3 messages"), timeout=60_000)
    report = page.import_result.text()
    assert "Skipped 2: system line (no sender)." in report and "Party (3 new of 3)" in report
    assert page.import_progress.value() == page.import_progress.maximum() == 8
    assert page.import_button.isEnabled() and not page.stop_import_button.isVisibleTo(page)
    qtbot.waitUntil(lambda: "see you next year\nand bring the cake\n\nthe lemon one" in rows(page), timeout=20_000)
    # The same file again adds nothing.
    chooser.answers.append(str(chat))
    page.import_button.click()
    qtbot.waitUntil(lambda: page.import_result.text().startswith("Imported 0 messages"), timeout=60_000)
    assert "3 already in memory" in page.import_result.text()


def test_a_damaged_export_says_so_and_eml_asks_for_a_folder(
        qtbot: Any, page: MemoriesPage, chooser: Chooser, tmp_path: Path) -> None:
    good = imports_gen.claude(tmp_path / "conversations.json", 200)
    cut = tmp_path / "cut.json"
    cut.write_bytes(good.read_bytes()[:5000])
    choose_kind(page, "claude")
    chooser.answers.append(str(cut))
    page.import_button.click()
    qtbot.waitUntil(lambda: "damaged" in page.import_result.text(), timeout=60_000)
    assert page.import_button.isEnabled() and page.import_kind.isEnabled()
    assert page.services.ctx.memory.memories() == []
    folder = imports_gen.eml_folder(tmp_path / "mail", 12)
    choose_kind(page, "eml")
    chooser.answers.append(str(folder))
    page.import_button.click()
    assert chooser.asked[-1][1] == ""  # a folder dialog: no file filter
    qtbot.waitUntil(lambda: page.import_result.text().startswith("Imported 12 messages"), timeout=60_000)


def test_stop_import_stops_after_a_batch(qtbot: Any, page: MemoriesPage, chooser: Chooser, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import secondme.importers.pipeline as pipeline

    monkeypatch.setattr(pipeline, "BATCH", 10)
    chat = imports_gen.whatsapp(tmp_path / "chat.txt", 400)
    choose_kind(page, "whatsapp")
    chooser.answers.append(str(chat))
    page.import_button.click()
    assert page.stop_import_button.isVisibleTo(page)
    page.stop_import_button.click()
    qtbot.waitUntil(lambda: page.import_result.text().startswith("Imported"), timeout=60_000)
    text = page.import_result.text()
    assert "stopped before the end" in text
    added = len(page.services.ctx.memory.memories(limit=1000))
    assert 0 < added < 400


def qtbot_button() -> Any:
    from ui.qt import Qt

    return Qt.MouseButton.LeftButton

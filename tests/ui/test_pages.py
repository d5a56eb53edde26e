"""Every page of the main window renders the core's real state."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ui import core_api
from ui.pages.chat import ChatPage
from ui.pages.jobs import JobsPage
from ui.pages.memories import PINNED_COLUMN, MemoriesPage
from ui.pages.profile import ProfilePage
from ui.pages.search import SearchPage
from ui.pages.settings import SettingsPage
from ui.pages.sources import SourcesPage
from ui.qt import QSettings, Qt
from ui.window import PAGE_TYPES, MainWindow

pytestmark = pytest.mark.timeout(300)


@pytest.fixture
def window(qtbot: Any, indexed_services: Any, tmp_path: Path) -> MainWindow:
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    w = MainWindow(indexed_services, settings, on_close=lambda: True)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_seven_pages_with_shortcuts(qtbot: Any, window: MainWindow) -> None:
    assert [type(p) for p in window.pages] == list(PAGE_TYPES)
    assert window.sidebar.count() == 7
    for i in range(7):
        qtbot.keyClick(window, Qt.Key(Qt.Key.Key_1 + i), Qt.KeyboardModifier.ControlModifier)
        assert window.stack.currentIndex() == i


def test_search_page_filters_and_opens(qtbot: Any, window: MainWindow, recorder: Any,
                                       notes_dir: Path) -> None:
    page = window.page(SearchPage)
    assert isinstance(page, SearchPage)
    window.show_page(0, focus=True)
    qtbot.waitUntil(lambda: page.folder.count() == 2, timeout=10_000)  # "All folders" + ours
    page.folder.setCurrentIndex(1)
    assert page.folder.itemText(1) == notes_dir.name and page.filters().folder == str(notes_dir)
    page.folder.setCurrentIndex(0)
    qtbot.keyClicks(page.query, "quarterly report")
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=20_000)
    assert page.model.hit(0).path.endswith("standup.txt")  # type: ignore[union-attr]
    # The type filter narrows to Markdown: the text file disappears.
    page.file_type.setCurrentIndex(page.file_type.findData("markdown"))
    qtbot.waitUntil(lambda: all(h.path.endswith(".md") for h in page.model.hits() if h.path), timeout=20_000)
    page.file_type.setCurrentIndex(0)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0
                    and page.model.hit(0).path.endswith("standup.txt"), timeout=20_000)  # type: ignore[union-attr]
    page.results.setFocus()
    page.results.setCurrentIndex(page.model.index(0, 0))
    page.open_hit(page.model.hit(0))
    path, line = recorder.opened[-1]
    assert path.endswith("standup.txt") and line is not None


def test_sources_page_shows_folders_and_failures(qtbot: Any, window: MainWindow, notes_dir: Path,
                                                 indexed_core: Any) -> None:
    page = window.page(SourcesPage)
    assert isinstance(page, SourcesPage)
    window.show_page(4)
    qtbot.waitUntil(lambda: page.folders.rowCount() == 1, timeout=10_000)
    assert page.folders.item(0, 0).text() == str(notes_dir)
    assert int(page.folders.item(0, 1).text()) == 4  # documents
    assert page.no_failures.isVisibleTo(page) and not page.failed.isVisibleTo(page)
    # A broken PDF becomes a failed file with a reason.
    (notes_dir / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    page.reindex_button.click()
    qtbot.waitUntil(lambda: len(indexed_core.notes.failed_files()) == 1, timeout=60_000)
    page.refresh()
    qtbot.waitUntil(lambda: page.failed.rowCount() == 1, timeout=20_000)
    assert page.failed.item(0, 0).text().endswith("broken.pdf")
    assert page.failed.item(0, 1).text().strip()
    assert not page.no_failures.isVisibleTo(page) and page.failed.isVisibleTo(page)


def test_sources_pause_and_resume(qtbot: Any, window: MainWindow, indexed_core: Any) -> None:
    page = window.page(SourcesPage)
    assert isinstance(page, SourcesPage)
    window.show_page(4)
    page.pause_button.click()
    assert "Resume" in page.pause_button.text()
    qtbot.waitUntil(lambda: indexed_core.notes.progress().paused, timeout=10_000)
    page.pause_button.click()
    qtbot.waitUntil(lambda: not indexed_core.notes.progress().paused, timeout=10_000)


def test_sources_add_and_remove_folder(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    page = window.page(SourcesPage)
    assert isinstance(page, SourcesPage)
    window.show_page(4)
    extra = tmp_path / "more-notes"
    extra.mkdir()
    (extra / "a.md").write_text("# A\n\nAnother note about kayaks.\n")
    page.add_folder(str(extra))
    qtbot.waitUntil(lambda: page.folders.rowCount() == 2, timeout=20_000)
    page.folders.selectRow([page.folders.item(r, 0).text() for r in range(2)].index(str(extra)))
    page.remove_selected()
    qtbot.waitUntil(lambda: page.folders.rowCount() == 1, timeout=20_000)


def test_empty_pages_say_what_will_appear(qtbot: Any, window: MainWindow) -> None:
    memories = window.page(MemoriesPage)
    assert isinstance(memories, MemoriesPage)
    window.show_page(2)
    qtbot.waitUntil(lambda: "0 shown" in memories.status.text(), timeout=10_000)
    assert memories.empty.isVisibleTo(memories)
    assert "appears here" in memories.empty.text()
    profile = window.page(ProfilePage)
    assert isinstance(profile, ProfilePage)
    window.show_page(window.pages.index(profile))
    qtbot.wait(300)  # its refresh (off-thread) lands: still nothing to show
    assert profile.empty.isVisibleTo(profile) and not profile.sheet.isVisibleTo(profile)
    assert core_api.PROFILE_NOT_BUILT in profile.empty.text()
    jobs = window.page(JobsPage)
    assert isinstance(jobs, JobsPage)
    assert "03:00" in jobs.schedule.text()
    assert "No job has run yet" in jobs.history.text()


def test_memories_page_lists_pins_and_forgets(qtbot: Any, window: MainWindow) -> None:
    page = window.page(MemoriesPage)
    assert isinstance(page, MemoriesPage)
    ctx = page.services.ctx
    ctx.memory.remember("The spare key is under the blue flowerpot")
    ctx.memory.remember("Dentist appointment moved to Thursday")
    window.show_page(2)
    page.refresh()
    qtbot.waitUntil(lambda: page.table.rowCount() == 2, timeout=10_000)
    assert not page.empty.isVisibleTo(page)
    texts = {page.table.item(r, 2).text() for r in range(2)}
    assert "The spare key is under the blue flowerpot" in texts
    row = [page.table.item(r, 2).text() for r in range(2)].index("The spare key is under the blue flowerpot")
    page.table.selectRow(row)
    page.pin_button.click()
    qtbot.waitUntil(lambda: any(m.pinned for m in ctx.memory.memories()), timeout=10_000)
    # The table reloads from the core and shows the pin.
    pinned = PINNED_COLUMN
    qtbot.waitUntil(lambda: [page.table.item(r, pinned).text() for r in range(2)].count("yes") == 1,
                    timeout=10_000)
    row = [page.table.item(r, pinned).text() for r in range(2)].index("yes")
    assert page.table.item(row, 2).text() == "The spare key is under the blue flowerpot"
    # In words, not numbers: a pinned memory never fades, a fresh one is strong; the day is "Today".
    assert page.table.item(row, 3).text() == "pinned: never fades"
    assert page.table.item(1 - row, 3).text() == "strong"
    assert page.table.item(row, 0).text().startswith("Today ")
    # Correct what a memory says.
    page.table.selectRow(row)
    page.edit_selected("The spare key is under the green doormat")
    qtbot.waitUntil(lambda: "The spare key is under the green doormat" in [m.text for m in ctx.memory.memories()],
                    timeout=10_000)
    qtbot.waitUntil(lambda: "The spare key is under the green doormat"
                    in [page.table.item(r, 2).text() for r in range(page.table.rowCount())], timeout=10_000)
    row = [page.table.item(r, 2).text() for r in range(2)].index("The spare key is under the green doormat")
    page.table.selectRow(row)
    page.forget_selected(confirm=False)
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=10_000)
    assert [m.text for m in ctx.memory.memories()] == ["Dentist appointment moved to Thursday"]
    # The kind filter narrows to facts: none yet, so the honest empty state shows.
    page.kind.setCurrentIndex(page.kind.findData("fact"))
    qtbot.waitUntil(lambda: page.table.rowCount() == 0 and page.empty.isVisibleTo(page), timeout=10_000)


def test_jobs_page_runs_the_nightly_job_and_lists_it(qtbot: Any, window: MainWindow) -> None:
    page = window.page(JobsPage)
    assert isinstance(page, JobsPage)
    window.show_page(5)
    qtbot.waitUntil(lambda: page.job_state.text().startswith("Next run"), timeout=10_000)
    assert page.run_now.isEnabled()
    page.run_now.click()
    # The list can reload between the run's start and its end (status and history are read one
    # after the other): wait for the finished run, not only for a row.
    qtbot.waitUntil(lambda: page.runs.count() == 1 and page.run_now.isEnabled()
                    and "running" not in page.runs.item(0).text(), timeout=240_000)
    line = page.runs.item(0).text()
    assert " — ok in " in line and "(manual)" in line
    assert not page.history.isVisibleTo(page)


def test_settings_page_lists_default_model_and_saves(qtbot: Any, window: MainWindow) -> None:
    page = window.page(SettingsPage)
    assert isinstance(page, SettingsPage)
    window.show_page(6)
    qtbot.waitUntil(lambda: page.rescan.isEnabled(), timeout=30_000)  # discovery finished
    assert page.model.count() >= 1
    assert "default" in page.model.itemText(0)
    assert page.protection.text() == "a passphrase"
    assert page.change_button.isVisibleTo(page)
    assert page.export_button.isEnabled() and page.rotate_button.isVisibleTo(page)
    page.idle.setValue(15)
    page.gpu.setCurrentText("off")
    page.save_button.click()
    qtbot.waitUntil(lambda: page.saved.text() == "Saved.", timeout=10_000)
    ctx = page.services.ctx
    from secondme.settings import Settings

    saved = Settings.load(ctx.paths.config_file)
    assert saved.lock_after_idle_minutes == 15 and saved.gpu_layers == "off"


def test_settings_autostart_toggle_writes_and_removes_the_login_entry(
        qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    page = window.page(SettingsPage)
    assert isinstance(page, SettingsPage)
    window.show_page(6)
    entry = tmp_path / "config" / "autostart" / "io.github.secondme.SecondMe.desktop"
    page.autostart.setChecked(True)
    page.save_button.click()
    qtbot.waitUntil(entry.is_file, timeout=10_000)
    text = entry.read_text()
    assert "secondme-app" in text and str(page.services.ctx.paths.root) in text
    page.saved.clear()
    page.autostart.setChecked(False)
    page.save_button.click()
    qtbot.waitUntil(lambda: page.saved.text() == "Saved.", timeout=10_000)
    assert not entry.exists()


def test_settings_change_passphrase_wrong_old(qtbot: Any, window: MainWindow) -> None:
    page = window.page(SettingsPage)
    assert isinstance(page, SettingsPage)
    window.show_page(6)
    page.old_pass.setText("not the passphrase")
    page.new_pass.first.setText("a brand new passphrase 2024")
    page.new_pass.confirm.setText("a brand new passphrase 2024")
    assert page.change_button.isEnabled()
    page.change_button.click()
    qtbot.waitUntil(lambda: "wrong passphrase" in page.pass_result.text().lower(), timeout=20_000)


def test_settings_change_passphrase(qtbot: Any, window: MainWindow) -> None:
    from tests.ui.conftest import PASS

    page = window.page(SettingsPage)
    assert isinstance(page, SettingsPage)
    window.show_page(6)
    page.old_pass.setText(PASS)
    page.new_pass.first.setText("a brand new passphrase 2024")
    page.new_pass.confirm.setText("a brand new passphrase 2024")
    page.change_button.click()
    qtbot.waitUntil(lambda: page.pass_result.text().startswith("Passphrase changed"), timeout=20_000)
    ctx = page.services.ctx
    ctx.vault.unlock("a brand new passphrase 2024")  # the new one now opens the vault


def test_chat_page_has_stop_and_welcome(window: MainWindow) -> None:
    chat = window.page(ChatPage)
    assert isinstance(chat, ChatPage)
    assert "Ask anything" in chat.transcript.toPlainText()
    assert not chat.stop_button.isEnabled()


@pytest.mark.slow
def test_chat_streams_and_stop_cancels(qtbot: Any, window: MainWindow) -> None:
    chat = window.page(ChatPage)
    assert isinstance(chat, ChatPage)
    window.show_page(1, focus=True)
    outcome: list[object] = []
    chat.asker.finished.connect(outcome.append)
    chat.asker.failed.connect(outcome.append)
    tokens: list[str] = []
    chat.asker.token.connect(tokens.append)
    qtbot.keyClicks(chat.input, "Write a long story about the tram to Alfama.")
    qtbot.keyClick(chat.input, Qt.Key.Key_Return)
    assert chat.stop_button.isEnabled()
    qtbot.waitUntil(lambda: len(tokens) >= 3 or bool(outcome), timeout=240_000)
    chat.stop_button.click()
    qtbot.waitUntil(lambda: bool(outcome), timeout=60_000)
    from secondme.results import Answer

    answer = outcome[0]
    assert isinstance(answer, Answer), f"asking failed: {answer!r}"
    assert not chat.stop_button.isEnabled() and chat.send_button.isEnabled()
    assert "Write a long story about the tram to Alfama." in chat.transcript.toPlainText()


def test_geometry_is_remembered(qtbot: Any, indexed_services: Any, tmp_path: Path) -> None:
    path = str(tmp_path / "geom.ini")
    w = MainWindow(indexed_services, QSettings(path, QSettings.Format.IniFormat), on_close=lambda: True)
    qtbot.addWidget(w)
    w.resize(760, 600)  # the offscreen screen is 800x600: stay inside it
    w.show()
    qtbot.waitExposed(w)
    size = (w.width(), w.height())
    assert size != (980, 680)  # not the default size
    w.close()
    w2 = MainWindow(indexed_services, QSettings(path, QSettings.Format.IniFormat), on_close=lambda: True)
    qtbot.addWidget(w2)
    assert (w2.width(), w2.height()) == size


def test_close_hides_to_tray(qtbot: Any, indexed_services: Any, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    w = MainWindow(indexed_services, settings, on_close=lambda: False)  # "a tray exists"
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.close()
    assert not w.isVisible()

"""The quick-recall shortcut: what a person may type, and what they are told when it cannot work.

The key grab itself is exercised end to end under Xvfb (tests/e2e/test_tray_e2e.py); here the
app runs on the offscreen platform, where there is no desktop to grab a key from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ui.global_shortcut import RecallShortcut, ShortcutError, parse
from ui.qt import QSettings


def test_parse_takes_modifiers_and_one_key() -> None:
    assert parse("Ctrl+Alt+Space") == (["Ctrl", "Alt"], "Space")
    assert parse("Meta+Shift+K") == (["Meta", "Shift"], "K")
    with pytest.raises(ShortcutError, match="needs Ctrl, Alt"):
        parse("K")  # a bare key would be taken from every app
    with pytest.raises(ShortcutError, match="not a key combination"):
        parse("")


def test_the_setting_is_kept_and_the_status_says_why_not(qapp: Any, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    sc = RecallShortcut(settings)
    assert sc.sequence == "Ctrl+Alt+Space"  # on by default
    status = sc.start()
    assert status.startswith("Not available:") and "offscreen" in status
    told: list[str] = []
    sc.changed.connect(told.append)
    assert sc.set_sequence("") == "Off."
    assert told == ["Off."]
    again = RecallShortcut(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    assert again.sequence == ""  # the choice survives a restart
    assert again.set_sequence("Alt+K").startswith("Not available:")
    assert sc.set_sequence("K").startswith("Not available: a global shortcut needs")


def test_settings_page_sets_and_turns_off_the_key(qtbot: Any, services: Any, tmp_path: Path) -> None:
    from ui.pages.settings import SettingsPage
    from ui.qt import QKeySequence

    services.shortcut = RecallShortcut(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    services.shortcut.start()
    page = SettingsPage(services)
    qtbot.addWidget(page)
    assert page.shortcut_edit.keySequence().toString() == "Ctrl+Alt+Space"
    assert page.shortcut_status.text().startswith("Not available:")  # offscreen: said, not hidden
    page.shortcut_edit.setKeySequence(QKeySequence("Ctrl+Shift+M"))
    page.shortcut_set.click()
    assert services.shortcut.sequence == "Ctrl+Shift+M"
    page.shortcut_off.click()
    assert services.shortcut.sequence == "" and page.shortcut_status.text() == "Off."

"""First-run wizard driven programmatically; the unlock dialog with a wrong passphrase."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from secondme.app import SecondMe
from tests.ui.conftest import PASS
from ui.qt import QDialog, QWizard
from ui.unlock import UnlockDialog
from ui.wizard import SetupWizard

pytestmark = pytest.mark.timeout(300)


def _drive_to_key_page(qtbot: Any, wizard: SetupWizard, folders: list[Path]) -> None:
    wizard.show()
    qtbot.waitExposed(wizard)
    for f in folders:
        wizard.folders_page.add_folder(str(f))
    wizard.next()
    assert wizard.currentPage() is wizard.model_page
    qtbot.waitUntil(lambda: "Looking" not in wizard.model_page.status.text(), timeout=30_000)
    assert wizard.model_page.list.count() >= 1
    assert wizard.model_page.model_path() == ""  # the default is preselected
    wizard.next()
    assert wizard.currentPage() is wizard.key_page


def test_wizard_with_passphrase_creates_the_vault(qtbot: Any, make_services: Any,
                                                   fresh_core: SecondMe, notes_dir: Path) -> None:
    services = make_services(fresh_core)
    wizard = SetupWizard(services, keyring_available=False)
    qtbot.addWidget(wizard)
    _drive_to_key_page(qtbot, wizard, [notes_dir])
    key = wizard.key_page
    assert not key.use_keyring.isEnabled() and key.use_passphrase.isChecked()
    assert not key.isComplete()
    key.new_pass.first.setText("short")
    assert "at least" in key.new_pass.hint.text() or not key.isComplete()
    key.new_pass.first.setText(PASS)
    key.new_pass.confirm.setText(PASS + "x")
    assert not key.isComplete()
    key.new_pass.confirm.setText(PASS)
    assert key.isComplete()
    assert "Strength" in key.new_pass.hint.text()
    with qtbot.waitSignal(wizard.accepted, timeout=60_000):
        wizard.button(QWizard.WizardButton.FinishButton).click()
    assert fresh_core.initialized and fresh_core.unlocked
    assert fresh_core.vault.info().method == "passphrase"
    assert [f.path for f in fresh_core.notes.folders()] == [str(notes_dir)]


def test_wizard_offers_keyring_when_trusted(qtbot: Any, make_services: Any, fresh_core: SecondMe) -> None:
    services = make_services(fresh_core)
    wizard = SetupWizard(services, keyring_available=True)
    qtbot.addWidget(wizard)
    _drive_to_key_page(qtbot, wizard, [])
    key = wizard.key_page
    assert key.use_keyring.isChecked() and key.isComplete()
    assert wizard.choices().passphrase is None
    key.use_passphrase.setChecked(True)
    assert not key.isComplete()


def test_wizard_error_keeps_it_open(qtbot: Any, make_services: Any, fresh_core: SecondMe) -> None:
    # The context was built without a keyring: choosing the keyring must fail with a message.
    services = make_services(fresh_core)
    wizard = SetupWizard(services, keyring_available=True)
    qtbot.addWidget(wizard)
    _drive_to_key_page(qtbot, wizard, [])
    wizard.button(QWizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: "could not finish" in wizard.error.text(), timeout=30_000)
    assert wizard.isVisible() and not fresh_core.initialized
    assert "keyring" in wizard.error.text()


def test_wizard_folder_list_add_remove(qtbot: Any, make_services: Any, fresh_core: SecondMe,
                                       tmp_path: Path) -> None:
    wizard = SetupWizard(make_services(fresh_core), keyring_available=False)
    qtbot.addWidget(wizard)
    page = wizard.folders_page
    page.add_folder(str(tmp_path / "a"))
    page.add_folder(str(tmp_path / "b"))
    page.add_folder(str(tmp_path / "a"))  # no duplicates
    page.list.setCurrentRow(0)
    page.remove_selected()
    assert page.folders() == [str(tmp_path / "b")]


@pytest.fixture
def locked_core(core: SecondMe) -> SecondMe:
    core.lock()
    return core


def test_unlock_wrong_passphrase_shows_error_then_retry(qtbot: Any, make_services: Any,
                                                        locked_core: SecondMe) -> None:
    dialog = UnlockDialog(make_services(locked_core))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.passphrase, "not my passphrase")
    dialog.unlock_button.click()
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=30_000)
    assert "wrong passphrase" in dialog.error.text().lower()
    assert dialog.isVisible() and dialog.unlock_button.isEnabled()
    assert dialog.passphrase.selectedText() == "not my passphrase"  # ready to retype
    dialog.passphrase.setText(PASS)
    with qtbot.waitSignal(dialog.finished, timeout=60_000) as blocker:
        dialog.unlock_button.click()
    assert blocker.args[0] == QDialog.DialogCode.Accepted
    assert locked_core.unlocked


def test_unlock_empty_passphrase(qtbot: Any, make_services: Any, locked_core: SecondMe) -> None:
    dialog = UnlockDialog(make_services(locked_core))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.unlock_button.click()
    assert dialog.error.isVisible() and "Enter your passphrase" in dialog.error.text()

"""The Settings page's backup export / import and key rotation, driving the real core.

Only the person's input is scripted: the file dialogs, passphrase prompts and confirmations
return fixed answers. Encryption, the store and the indexes are the real ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import ui.pages.settings as settings_page
from secondme.app import SecondMe
from tests.ui.conftest import PASS
from ui import filedialog
from ui.pages.settings import SettingsPage
from ui.qt import QMessageBox

pytestmark = pytest.mark.timeout(300)

BACKUP_PASS = "backup passphrase for the test"


class Person:
    """What the person answers, in order: file paths, passphrases, and yes/no."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.secrets: list[str | None] = []
        self.confirm = True
        self.asked: list[str] = []

    def file(self, _parent: Any, title: str, *_args: Any) -> str:
        self.asked.append(title)
        return self.paths.pop(0)

    def text(self, _parent: Any, title: str, label: str, *_args: Any) -> tuple[str, bool]:
        self.asked.append(label)
        value = self.secrets.pop(0)
        return (value or "", value is not None)

    def question(self, *_args: Any) -> QMessageBox.StandardButton:
        yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
        return yes if self.confirm else no


@pytest.fixture
def person(monkeypatch: pytest.MonkeyPatch) -> Iterator[Person]:
    p = Person()

    class InputDialog:
        getText = staticmethod(p.text)

    class MessageBox:
        StandardButton = QMessageBox.StandardButton
        question = staticmethod(p.question)

    monkeypatch.setattr(filedialog, "save_file", p.file)
    monkeypatch.setattr(filedialog, "open_file", p.file)
    monkeypatch.setattr(settings_page, "QInputDialog", InputDialog)
    monkeypatch.setattr(settings_page, "QMessageBox", MessageBox)
    yield p


@pytest.fixture
def page(qtbot: Any, indexed_services: Any) -> SettingsPage:
    p = SettingsPage(indexed_services)
    qtbot.addWidget(p)
    return p


def hits(ctx: SecondMe, query: str) -> list[tuple[str, str, str | None]]:
    ctx.notes.wait_indexed(60)
    return [(h.kind, h.snippet, h.path) for h in ctx.notes.search(query, k=5)]


def test_export_then_import_replaces_data(qtbot: Any, page: SettingsPage, person: Person, tmp_path: Path) -> None:
    ctx = page.services.ctx
    ctx.memory.remember("The spare key is under the blue flowerpot")
    before = {q: hits(ctx, q) for q in ("pastel de nata", "spare key")}
    backup = tmp_path / "mine.smbackup"
    assert page.export_button.isEnabled() and page.import_button.isEnabled()

    # Two different passphrases: nothing is written.
    person.paths, person.secrets = [str(backup)], [BACKUP_PASS, "something else entirely"]
    page.export_button.click()
    assert "differ" in page.backup_result.text() and not backup.exists()

    person.paths, person.secrets = [str(backup)], [BACKUP_PASS, BACKUP_PASS]
    page.export_button.click()
    qtbot.waitUntil(lambda: page.backup_result.text().startswith("Encrypted backup saved"), timeout=60_000)
    assert backup.exists() and page.export_button.isEnabled()

    ctx.memory.remember("Added after the backup: the wifi password is on the fridge")
    # A wrong backup passphrase is refused with a clear message and changes nothing.
    person.paths, person.secrets = [str(backup)], ["not the backup passphrase", PASS]
    page.import_button.click()
    qtbot.waitUntil(lambda: "wrong backup passphrase" in page.backup_result.text(), timeout=60_000)
    assert any("wifi" in s for _, s, _ in hits(ctx, "wifi password"))

    # Declining the confirmation does nothing at all.
    person.confirm, person.paths = False, [str(backup)]
    page.import_button.click()
    assert person.secrets == [] and "wrong backup" in page.backup_result.text()

    person.confirm, person.paths, person.secrets = True, [str(backup)], [BACKUP_PASS, PASS]
    page.import_button.click()
    qtbot.waitUntil(lambda: page.backup_result.text().startswith("Backup imported"), timeout=120_000)
    assert "previous data is kept in" in page.backup_result.text()
    assert {q: hits(ctx, q) for q in before} == before
    assert not any("wifi" in s for _, s, _ in hits(ctx, "wifi password"))
    ctx.lock()
    ctx.unlock(PASS)  # still protected by the same passphrase


def test_rotate_key_button(qtbot: Any, page: SettingsPage, person: Person) -> None:
    ctx = page.services.ctx
    before = hits(ctx, "tomatoes water")
    old = ctx.key_set
    person.confirm = False
    page.rotate_button.click()
    assert ctx.key_set == old and page.rotate_result.text() == ""

    person.confirm, person.secrets = True, ["wrong passphrase here"]
    page.rotate_button.click()
    qtbot.waitUntil(lambda: "wrong passphrase" in page.rotate_result.text(), timeout=30_000)
    assert page.rotate_button.isEnabled() and ctx.key_set == old

    person.secrets = [PASS]
    page.rotate_button.click()
    qtbot.waitUntil(lambda: page.rotate_result.text().startswith("Key rotated"), timeout=60_000)
    assert ctx.key_set != old and ctx.vault.info().key_generation == 2
    assert hits(ctx, "tomatoes water") == before

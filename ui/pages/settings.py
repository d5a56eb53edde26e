"""Settings: the model (discovered list, catalog downloads, GPU layers), privacy (idle lock, passphrase, key
rotation), encrypted backup export and import."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from secondme.errors import UserError
from secondme.services.keys import MIN_PASSPHRASE_CHARS
from ui import core_api, desktop_entry, filedialog
from ui.connected_tools import ConnectedTools
from ui.model_catalog import ModelCatalog
from ui.pages.base import Page
from ui.passphrase import NewPassphrase
from ui.qt import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QKeySequence,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from ui.services import Services

GPU_CHOICES = ("auto", "off")
BACKUP_FILTER = "Second Me backups (*.smbackup);;All files (*)"


def valid_gpu_layers(text: str) -> bool:
    """Whether ``text`` is a valid GPU-layers setting: ``auto``, ``off`` or a layer count up to 1000."""
    return text in GPU_CHOICES or (text.isdigit() and int(text) <= 1000)


class SettingsPage(Page):
    """Edits the non-private settings file through the core; nothing here decides behaviour."""

    title = "Settings"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        """Build the Model, Privacy and Backup boxes, the connected tools and Save settings, filled
        from ``services.ctx.settings``."""
        super().__init__(services, parent)
        s = services.ctx.settings
        # --- model
        model_box = QGroupBox("Model", self)
        form = QFormLayout(model_box)
        self.model = QComboBox(model_box)
        self.model.setAccessibleName("Chat model")
        self._add_model(core_api.default_model_choice(services.ctx))
        self.rescan = QPushButton("Look for &models again", model_box)
        self.pick_file = QPushButton("Choose a GGUF &file…", model_box)
        row = QHBoxLayout()
        row.addWidget(self.rescan)
        row.addWidget(self.pick_file)
        row.addStretch(1)
        self.model_detail = QLabel(model_box)
        self.model_detail.setWordWrap(True)
        self.gpu = QComboBox(model_box)
        self.gpu.setEditable(True)
        self.gpu.addItems(list(GPU_CHOICES))
        self.gpu.setCurrentText(s.gpu_layers)
        self.gpu.setToolTip("auto: offload every layer when a GPU build is installed; off; or a number of layers")
        form.addRow("&Chat model:", self.model)
        form.addRow("", self.model_detail)
        form.addRow("", row)
        form.addRow("&GPU layers:", self.gpu)
        # Download a better model (the only network access, on a click); see ui/model_catalog.py.
        self.catalog = ModelCatalog(services, self._downloaded, model_box)
        form.addRow(self.catalog)
        # --- privacy
        privacy = QGroupBox("Privacy", self)
        pform = QFormLayout(privacy)
        self.idle = QSpinBox(privacy)
        self.idle.setRange(0, 24 * 60)
        self.idle.setSuffix(" min")
        self.idle.setSpecialValueText("Never")
        self.idle.setValue(s.lock_after_idle_minutes)
        pform.addRow("&Lock after idle:", self.idle)
        self.autostart = QCheckBox("Start Second Me in the tray when I log in", privacy)
        if desktop_entry.supported():
            self.autostart.setChecked(desktop_entry.autostart_enabled())
        else:
            self.autostart.setEnabled(False)
            self.autostart.setToolTip("Use your system's login items (see packaging/README.md)")
        pform.addRow("", self.autostart)
        self._add_shortcut_row(privacy, pform)
        self.protection = QLabel(privacy)
        pform.addRow("Key protection:", self.protection)
        self.old_pass = QLineEdit(privacy)
        self.old_pass.setEchoMode(QLineEdit.EchoMode.Password)
        self.old_pass.setAccessibleName("Current passphrase")
        self.new_pass = NewPassphrase(privacy)
        self.change_button = QPushButton("C&hange passphrase", privacy)
        self.pass_result = QLabel(privacy)
        self.pass_result.setObjectName("passphraseResult")
        self.pass_result.setWordWrap(True)
        pform.addRow("Current passphrase:", self.old_pass)
        pform.addRow(self.new_pass)
        pform.addRow("", self.change_button)
        pform.addRow("", self.pass_result)
        self.rotate_button = QPushButton("&Rotate encryption key…", privacy)
        self.rotate_button.setToolTip("Re-encrypt everything under a new key; the old key opens nothing after")
        self.rotate_result = QLabel(privacy)
        self.rotate_result.setObjectName("rotateResult")
        self.rotate_result.setWordWrap(True)
        pform.addRow("Encryption key:", self.rotate_button)
        pform.addRow("", self.rotate_result)
        # --- backup
        backup = QGroupBox("Backup", self)
        bcol = QVBoxLayout(backup)
        brow = QHBoxLayout()
        self.export_button = QPushButton("E&xport encrypted backup…", backup)
        self.export_button.setToolTip("One file, encrypted with a backup passphrase you choose")
        self.import_button = QPushButton("I&mport backup…", backup)
        self.import_button.setToolTip("Replace the current data with a backup (the current data is kept aside)")
        for b in (self.export_button, self.import_button):
            brow.addWidget(b)
        brow.addStretch(1)
        self.backup_result = QLabel(backup)
        self.backup_result.setObjectName("backupResult")
        self.backup_result.setWordWrap(True)
        bcol.addLayout(brow)
        bcol.addWidget(self.backup_result)

        self.save_button = QPushButton("&Save settings", self)
        self.saved = QLabel(self)
        self.saved.setObjectName("settingsSaved")
        bottom = QHBoxLayout()
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.saved, 1)
        column = QVBoxLayout()
        for box in (model_box, privacy, backup):
            column.addWidget(box)
        self.tools_box = ConnectedTools(services, self)
        column.addWidget(self.tools_box)
        self.layout_.addLayout(column)
        self.layout_.addLayout(bottom)
        self.layout_.addStretch(1)
        self.focus_target = self.model

        self.model.currentIndexChanged.connect(self._show_model_detail)
        if self.services.shortcut is not None:
            self.shortcut_set.clicked.connect(
                lambda: self._apply_shortcut(self.shortcut_edit.keySequence().toString()))
            self.shortcut_off.clicked.connect(lambda: self._apply_shortcut(""))
            self.services.shortcut.changed.connect(self.shortcut_status.setText)
        self.rescan.clicked.connect(self.discover)
        self.pick_file.clicked.connect(self._pick_file)
        self.save_button.clicked.connect(self.save)
        self.change_button.clicked.connect(self.change_passphrase)
        self.rotate_button.clicked.connect(self.rotate_key)
        self.export_button.clicked.connect(self.export_backup)
        self.import_button.clicked.connect(self.import_backup)
        self.new_pass.changed.connect(self._update_change_button)
        self._discovered = False

    # --- loading -------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Show how the data is protected, refresh the tools and the model
        catalogue, and look for models once."""
        method = core_api.vault_method(self.services.ctx)
        uses_pass = method == "passphrase"
        self.protection.setText("a passphrase" if uses_pass else "the system keyring")
        for w in (self.old_pass, self.new_pass, self.change_button):
            w.setVisible(uses_pass)
        self.tools_box.refresh()
        self._update_change_button()
        self.catalog.update_rows()
        if not self._discovered:
            self.discover()

    def _add_shortcut_row(self, box: QWidget, form: QFormLayout) -> None:
        """The system-wide quick-recall shortcut: record a key, set it or turn it off."""
        sc = self.services.shortcut
        row = QHBoxLayout()
        self.shortcut_edit = QKeySequenceEdit(box)
        self.shortcut_edit.setMaximumSequenceLength(1)
        self.shortcut_edit.setAccessibleName("Quick recall shortcut")
        self.shortcut_set = QPushButton("Use this &key", box)
        self.shortcut_off = QPushButton("Turn o&ff", box)
        for w in (self.shortcut_edit, self.shortcut_set, self.shortcut_off):
            row.addWidget(w)
        self.shortcut_status = QLabel(box)
        self.shortcut_status.setWordWrap(True)
        self.shortcut_status.setObjectName("muted")
        if sc is None:
            for w in (self.shortcut_edit, self.shortcut_set, self.shortcut_off):
                w.setEnabled(False)
            self.shortcut_status.setText("Available in the running app.")
        else:
            self.shortcut_edit.setKeySequence(QKeySequence(sc.sequence))
            self.shortcut_status.setText(sc.status)
        form.addRow("Quick recall key:", row)
        form.addRow("", self.shortcut_status)

    def _apply_shortcut(self, sequence: str) -> None:
        if self.services.shortcut is not None:
            self.shortcut_status.setText(self.services.shortcut.set_sequence(sequence))

    def discover(self) -> None:
        """Look for GGUF models already on this computer, off-thread."""
        self._discovered = True
        self.rescan.setEnabled(False)
        self.model_detail.setText("Looking for models you already have…")
        ctx = self.services.ctx
        self.services.ops.run(lambda: core_api.discover_models(ctx), receiver=self,
                              success=self._set_models, failure=self._discovery_failed)

    def _add_model(self, choice: core_api.ModelChoice) -> None:
        self.model.addItem(choice.label, choice)

    def _set_models(self, choices: list[core_api.ModelChoice]) -> None:
        current = self.services.ctx.settings.model_path
        self.model.blockSignals(True)
        self.model.clear()
        for c in choices:
            self._add_model(c)
        if current and not any(c.path == current for c in choices):
            self._add_model(core_api.ModelChoice(current, current, "chosen earlier"))
        idx = next((i for i in range(self.model.count()) if self.model.itemData(i).path == current), 0)
        self.model.setCurrentIndex(idx)
        self.model.blockSignals(False)
        self.rescan.setEnabled(True)
        self._show_model_detail()

    def _discovery_failed(self, exc: BaseException) -> None:
        self.rescan.setEnabled(True)
        self.model_detail.setText("Model discovery failed (see the log).")
        self.services.ops.unhandled(exc)

    def _show_model_detail(self) -> None:
        choice = self.model.currentData()
        detail = choice.detail if isinstance(choice, core_api.ModelChoice) else ""
        # A zero-width space after each slash lets a long path wrap instead of widening the page.
        self.model_detail.setText(detail.replace("/", "/\u200b"))

    def _pick_file(self) -> None:
        path = filedialog.open_file(self, "Choose a model", "", "GGUF models (*.gguf)")
        if path:
            self._add_model(core_api.ModelChoice(path, path, "chosen file"))
            self.model.setCurrentIndex(self.model.count() - 1)

    def _downloaded(self, path: str, title: str) -> None:
        """A model downloaded from the catalog is in use now: show it as the chosen one."""
        idx = next((i for i in range(self.model.count()) if self.model.itemData(i).path == path), -1)
        if idx < 0:
            self._add_model(core_api.ModelChoice(path, title, f"downloaded from the catalog, {path}"))
            idx = self.model.count() - 1
        self.model.setCurrentIndex(idx)

    # --- saving --------------------------------------------------------------------------------
    def save(self) -> None:
        """Save the settings off-thread, and turn autostart on or off to match; a
        bad GPU-layers value is refused."""
        gpu = self.gpu.currentText().strip().lower()
        if not valid_gpu_layers(gpu):
            self.saved.setText("GPU layers must be auto, off or a number.")
            return
        choice = self.model.currentData()
        ctx = self.services.ctx
        ctx.settings.gpu_layers = gpu
        ctx.settings.lock_after_idle_minutes = self.idle.value()
        if isinstance(choice, core_api.ModelChoice):
            ctx.settings.model_path = choice.path
        autostart = self.autostart.isChecked() if self.autostart.isEnabled() else None
        data_dir = str(ctx.paths.root)

        def save() -> None:
            ctx.save_settings()
            if autostart is not None and autostart != desktop_entry.autostart_enabled():
                desktop_entry.set_autostart(autostart, desktop_entry.app_command(data_dir))

        self.services.ops.run(save, receiver=self,
                              success=lambda _r: self.saved.setText("Saved."),
                              failure=self._save_failed)

    def _save_failed(self, exc: BaseException) -> None:
        self.saved.setText(str(exc) if isinstance(exc, UserError) else "Saving failed (see the log).")
        if not isinstance(exc, UserError):
            self.services.ops.unhandled(exc)

    def _update_change_button(self) -> None:
        self.change_button.setEnabled(self.new_pass.problem() is None)

    def change_passphrase(self) -> None:
        """Change the passphrase off-thread when the new one is acceptable."""
        if self.new_pass.problem() is not None:
            return
        old, new = self.old_pass.text(), self.new_pass.passphrase()
        ctx = self.services.ctx
        self.change_button.setEnabled(False)
        self.pass_result.setText("Changing…")
        self.services.ops.run(lambda: ctx.keys.change_passphrase(old, new), receiver=self,
                              success=self._changed, failure=self._change_failed)

    def _changed(self, _result: object) -> None:
        self.old_pass.clear()
        self.new_pass.clear()
        self.pass_result.setText("Passphrase changed. Use the new one next time you unlock.")

    def _change_failed(self, exc: BaseException) -> None:
        self._update_change_button()
        if isinstance(exc, UserError):
            self.pass_result.setText(str(exc).capitalize() + ".")
        else:
            self.pass_result.setText("Changing the passphrase failed (see the log).")
            self.services.ops.unhandled(exc)

    # --- key rotation and backups ----------------------------------------------------------------
    def _secret(self, title: str, label: str) -> str | None:
        """A passphrase typed into a masked prompt; None when cancelled or left empty."""
        text, ok = QInputDialog.getText(self, title, label, QLineEdit.EchoMode.Password)
        return text if ok and text else None

    def _confirmed(self, title: str, question: str) -> bool:
        return QMessageBox.question(self, title, question) == QMessageBox.StandardButton.Yes

    def _vault_passphrase(self, title: str) -> tuple[bool, str | None]:
        """(go on?, the current passphrase or None when the keyring protects the key)."""
        if core_api.vault_method(self.services.ctx) != "passphrase":
            return True, None
        pw = self._secret(title, "Your current Second Me passphrase:")
        return pw is not None, pw

    def _run_key_work(self, fn: Callable[[], Any], buttons: tuple[QPushButton, ...], result: QLabel,
                      busy: str, done: Callable[[Any], str], what: str) -> None:
        """Run ``fn`` off the UI thread with ``buttons`` disabled; report in ``result``."""
        for b in buttons:
            b.setEnabled(False)
        result.setText(busy)

        def finished(value: Any) -> None:
            for b in buttons:
                b.setEnabled(True)
            result.setText(done(value))

        def failed(exc: BaseException) -> None:
            for b in buttons:
                b.setEnabled(True)
            if isinstance(exc, UserError):
                result.setText(f"{what} failed: {exc}.")
            else:
                result.setText(f"{what} failed (see the log).")
                self.services.ops.unhandled(exc)

        self.services.ops.run(fn, receiver=self, success=finished, failure=failed)

    def rotate_key(self) -> None:
        """After confirmation (and the passphrase, when one protects the data), re-encrypt
        everything under a new key off-thread."""
        if not self._confirmed("Rotate encryption key",
                               "Re-encrypt all your data under a new key? The old key will open nothing "
                               "afterwards. Searching pauses for a moment while it runs."):
            return
        go, pw = self._vault_passphrase("Rotate encryption key")
        if not go:
            return
        ctx = self.services.ctx
        self._run_key_work(
            lambda: ctx.keys.rotate(pw), (self.rotate_button,), self.rotate_result,
            "Re-encrypting everything under a new key…",
            lambda r: f"Key rotated: {r['values']} values re-encrypted (key generation {r['key_generation']}).",
            "Rotating the key")

    def export_backup(self) -> None:
        """Ask for a file and a backup passphrase (twice), then write the encrypted backup off-thread."""
        suggested = time.strftime("secondme-%Y-%m-%d.smbackup")
        path = filedialog.save_file(self, "Export encrypted backup", suggested, BACKUP_FILTER)
        if not path:
            return
        pw = self._secret("Backup passphrase",
                          f"A passphrase for this backup (at least {MIN_PASSPHRASE_CHARS} characters). "
                          "Without it the backup cannot be opened:")
        if pw is None:
            return
        if self._secret("Backup passphrase", "The same passphrase again:") != pw:
            self.backup_result.setText("The two backup passphrases differ; nothing was written.")
            return
        ctx = self.services.ctx
        self._run_key_work(
            lambda: ctx.keys.export_backup(path, pw), (self.export_button, self.import_button),
            self.backup_result, "Writing the encrypted backup…",
            lambda r: f"Encrypted backup saved to {r['path']}.", "Exporting the backup")

    def import_backup(self) -> None:
        """Replace all data with a backup after confirmation; the current data is kept,
        encrypted, in the backups folder."""
        path = filedialog.open_file(self, "Import backup", "", BACKUP_FILTER)
        if not path:
            return
        if not self._confirmed("Import backup",
                               "Replace all of your current data with this backup? Your current data is "
                               "kept, still encrypted, in the backups folder of your data folder."):
            return
        backup_pw = self._secret("Backup passphrase", "The passphrase of this backup:")
        if backup_pw is None:
            return
        go, pw = self._vault_passphrase("Import backup")
        if not go:
            return
        ctx = self.services.ctx
        self._run_key_work(
            lambda: ctx.keys.import_backup(path, backup_pw, pw, replace=True),
            (self.export_button, self.import_button), self.backup_result,
            "Checking and restoring the backup…",
            lambda r: (f"Backup imported: {r['documents']} notes and {r['memories']} memories. "
                       f"Your previous data is kept in {r['replaced']}."),
            "Importing the backup")

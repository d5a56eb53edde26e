"""Settings: the model (discovered list, GPU layers), privacy (idle lock, passphrase), backup."""

from __future__ import annotations

from secondme.errors import UserError
from ui import core_api
from ui.pages.base import Page
from ui.passphrase import NewPassphrase
from ui.qt import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from ui.services import Services

GPU_CHOICES = ("auto", "off")
BACKUP_LATER = "Coming with the reliability issue"


def valid_gpu_layers(text: str) -> bool:
    return text in GPU_CHOICES or (text.isdigit() and int(text) <= 1000)


class SettingsPage(Page):
    """Edits the non-private settings file through the core; nothing here decides behaviour."""

    title = "Settings"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
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
        # --- privacy
        privacy = QGroupBox("Privacy", self)
        pform = QFormLayout(privacy)
        self.idle = QSpinBox(privacy)
        self.idle.setRange(0, 24 * 60)
        self.idle.setSuffix(" min")
        self.idle.setSpecialValueText("Never")
        self.idle.setValue(s.lock_after_idle_minutes)
        pform.addRow("&Lock after idle:", self.idle)
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
        # --- backup
        backup = QGroupBox("Backup", self)
        brow = QHBoxLayout(backup)
        self.export_button = QPushButton("E&xport encrypted backup…", backup)
        self.import_button = QPushButton("I&mport backup…", backup)
        for b in (self.export_button, self.import_button):
            b.setEnabled(False)
            b.setToolTip(BACKUP_LATER)
            brow.addWidget(b)
        brow.addWidget(QLabel(BACKUP_LATER + ".", backup), 1)

        self.save_button = QPushButton("&Save settings", self)
        self.saved = QLabel(self)
        self.saved.setObjectName("settingsSaved")
        bottom = QHBoxLayout()
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.saved, 1)
        column = QVBoxLayout()
        for box in (model_box, privacy, backup):
            column.addWidget(box)
        self.layout_.addLayout(column)
        self.layout_.addLayout(bottom)
        self.layout_.addStretch(1)
        self.focus_target = self.model

        self.model.currentIndexChanged.connect(self._show_model_detail)
        self.rescan.clicked.connect(self.discover)
        self.pick_file.clicked.connect(self._pick_file)
        self.save_button.clicked.connect(self.save)
        self.change_button.clicked.connect(self.change_passphrase)
        self.new_pass.changed.connect(self._update_change_button)
        self._discovered = False

    # --- loading -------------------------------------------------------------------------------
    def refresh(self) -> None:
        method = core_api.vault_method(self.services.ctx)
        uses_pass = method == "passphrase"
        self.protection.setText("a passphrase" if uses_pass else "the system keyring")
        for w in (self.old_pass, self.new_pass, self.change_button):
            w.setVisible(uses_pass)
        self._update_change_button()
        if not self._discovered:
            self.discover()

    def discover(self) -> None:
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
        self.model_detail.setText(choice.detail if isinstance(choice, core_api.ModelChoice) else "")

    def _pick_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a model", "", "GGUF models (*.gguf)")
        if path:
            self._add_model(core_api.ModelChoice(path, path, "chosen file"))
            self.model.setCurrentIndex(self.model.count() - 1)

    # --- saving --------------------------------------------------------------------------------
    def save(self) -> None:
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
        self.services.ops.run(ctx.save_settings, receiver=self,
                              success=lambda _r: self.saved.setText("Saved."),
                              failure=self._save_failed)

    def _save_failed(self, exc: BaseException) -> None:
        self.saved.setText(str(exc) if isinstance(exc, UserError) else "Saving failed (see the log).")
        if not isinstance(exc, UserError):
            self.services.ops.unhandled(exc)

    def _update_change_button(self) -> None:
        self.change_button.setEnabled(self.new_pass.problem() is None)

    def change_passphrase(self) -> None:
        if self.new_pass.problem() is not None:
            return
        old, new = self.old_pass.text(), self.new_pass.passphrase()
        ctx = self.services.ctx
        self.change_button.setEnabled(False)
        self.pass_result.setText("Changing…")
        self.services.ops.run(lambda: ctx.change_passphrase(old, new), receiver=self,
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

"""First-run wizard: note folders, the model (default ready), and how the key is protected."""

from __future__ import annotations

from pathlib import Path

from secondme.errors import UserError
from ui import core_api, filedialog
from ui.passphrase import NewPassphrase
from ui.qt import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    Qt,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)
from ui.services import Services


def _label(text: str, parent: QWidget) -> QLabel:
    lab = QLabel(text, parent)
    lab.setWordWrap(True)
    return lab


class FoldersPage(QWizardPage):
    """The folders where the person keeps notes (they can add more later)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        """Build the folder list with Add and Remove."""
        super().__init__(parent)
        self.setTitle("Your notes")
        self.setSubTitle("Choose the folders Second Me should read. Your files stay where they are "
                         "and are never changed; only an encrypted index is kept.")
        self.list = QListWidget(self)
        self.list.setAccessibleName("Chosen folders")
        self.add_button = QPushButton("&Add folder…", self)
        self.remove_button = QPushButton("&Remove", self)
        self.add_button.clicked.connect(self._choose)
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QVBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        row = QHBoxLayout(self)
        row.addWidget(self.list, 1)
        row.addLayout(buttons)

    def _choose(self) -> None:
        path = filedialog.existing_directory(self, "Add a notes folder", str(Path.home()))
        if path:
            self.add_folder(path)

    def add_folder(self, path: str) -> None:
        """Add ``path`` to the list unless it is there already."""
        if path not in self.folders():
            self.list.addItem(path)

    def remove_selected(self) -> None:
        """Remove the selected folder from the list."""
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)

    def folders(self) -> list[str]:
        """The chosen folders, in order."""
        return [self.list.item(i).text() for i in range(self.list.count())]


class ModelPage(QWizardPage):
    """The default model is ready; models found on this computer are offered too."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        """Build the model list; the search for models starts when the page is first shown."""
        super().__init__(parent)
        self._services = services
        self.setTitle("The model")
        self.setSubTitle("Answers come from a language model running on this computer. The small "
                         "default model is ready now; a bigger one you already have answers better.")
        self.list = QListWidget(self)
        self.list.setAccessibleName("Models")
        self.status = _label("Looking for models you already have…", self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.status)
        self._add(core_api.default_model_choice(services.ctx))
        self.list.setCurrentRow(0)
        self._started = False

    def initializePage(self) -> None:
        """Look for models off-thread the first time the page is shown."""
        if not self._started:
            self._started = True
            ctx = self._services.ctx
            self._services.ops.run(lambda: core_api.discover_models(ctx), receiver=self,
                                   success=self._found, failure=self._failed)

    def _add(self, choice: core_api.ModelChoice) -> None:
        item = QListWidgetItem(f"{choice.label}\n    {choice.detail}" if choice.detail else choice.label)
        item.setData(Qt.ItemDataRole.UserRole, choice)
        self.list.addItem(item)

    def _found(self, choices: list[core_api.ModelChoice]) -> None:
        others = [c for c in choices if c.path]
        for c in others:
            self._add(c)
        self.status.setText(f"Found {len(others)} other model{'s' if len(others) != 1 else ''} "
                            "on this computer." if others else "No other models found; the default is fine to start.")

    def _failed(self, exc: BaseException) -> None:
        self.status.setText("Could not look for other models; the default is ready.")
        self._services.ops.unhandled(exc)

    def model_path(self) -> str:
        """The chosen model's path; "" for the default model."""
        item = self.list.currentItem()
        choice = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return choice.path if isinstance(choice, core_api.ModelChoice) else ""


class KeyPage(QWizardPage):
    """Keyring when a trustworthy one exists, else (or by choice) a passphrase."""

    def __init__(self, keyring_available: bool, parent: QWidget | None = None) -> None:
        """Build the keyring / passphrase choice; the keyring is the default when
        ``keyring_available``, else disabled."""
        super().__init__(parent)
        self.setTitle("Protect your data")
        self.setSubTitle("Everything Second Me writes is encrypted with a key that is itself "
                         "protected by your system keyring or by a passphrase.")
        self.use_keyring = QRadioButton("Use the system &keyring (unlocks with your login)", self)
        self.use_passphrase = QRadioButton("Use a &passphrase (asked when Second Me starts)", self)
        group = QButtonGroup(self)
        group.addButton(self.use_keyring)
        group.addButton(self.use_passphrase)
        self.new_pass = NewPassphrase(self)
        self.note = _label("", self)
        layout = QVBoxLayout(self)
        for w in (self.use_keyring, self.use_passphrase, self.new_pass, self.note):
            layout.addWidget(w)
        layout.addStretch(1)
        self.use_keyring.setEnabled(keyring_available)
        if keyring_available:
            self.use_keyring.setChecked(True)
        else:
            self.use_passphrase.setChecked(True)
            self.note.setText("No secure system keyring is available here, so a passphrase "
                              "protects the key.")
        self.use_keyring.toggled.connect(self._toggled)
        self.new_pass.changed.connect(self.completeChanged.emit)
        self._toggled()

    def _toggled(self) -> None:
        self.new_pass.setEnabled(self.use_passphrase.isChecked())
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        """Next is enabled with the keyring, or with an acceptable passphrase."""
        return self.use_keyring.isChecked() or self.new_pass.problem() is None

    def passphrase(self) -> str | None:
        """The new passphrase, or None when the keyring protects the key."""
        return None if self.use_keyring.isChecked() else self.new_pass.passphrase()


class SetupWizard(QWizard):
    """Collects :class:`core_api.SetupChoices` and applies them before closing.

    Finishing runs the setup off the UI thread; an error (say, the keyring refusing) keeps the
    wizard open with the message, so the person can change their choice and try again.
    """

    def __init__(self, services: Services, keyring_available: bool, parent: QWidget | None = None) -> None:
        """Build the folders, model and key pages and the error line."""
        super().__init__(parent)
        self._services = services
        self.setWindowTitle("Set up Second Me")
        self.setWindowIcon(services.icons.get())
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.folders_page = FoldersPage(self)
        self.model_page = ModelPage(services, self)
        self.key_page = KeyPage(keyring_available, self)
        for p in (self.folders_page, self.model_page, self.key_page):
            self.addPage(p)
        self.error = _label("", self.key_page)
        self.error.setObjectName("setupError")
        layout = self.key_page.layout()
        assert layout is not None  # the page made its layout in its constructor
        layout.addWidget(self.error)
        self._applying = False

    def choices(self) -> core_api.SetupChoices:
        """What the person chose on the three pages."""
        return core_api.SetupChoices(
            folders=self.folders_page.folders(),
            model_path=self.model_page.model_path(),
            passphrase=self.key_page.passphrase(),
        )

    def accept(self) -> None:
        """Apply the choices off-thread instead of closing at once; the wizard closes on success and stays
        open with the error on failure."""
        if self._applying:
            return
        self._applying = True
        self.button(QWizard.WizardButton.FinishButton).setEnabled(False)
        self.error.setText("Setting up…")
        ctx, choices = self._services.ctx, self.choices()
        self._services.ops.run(lambda: core_api.apply_setup(ctx, choices), receiver=self,
                               success=self._done, failure=self._failed)

    def _done(self, _result: object) -> None:
        self._applying = False
        super().accept()

    def _failed(self, exc: BaseException) -> None:
        self._applying = False
        self.button(QWizard.WizardButton.FinishButton).setEnabled(True)
        if isinstance(exc, UserError):
            self.error.setText(f"Setup could not finish: {exc}.")
        else:
            self.error.setText("Setup failed because of an unexpected error (see the log).")
            self._services.ops.unhandled(exc)

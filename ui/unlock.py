"""The unlock dialog: a passphrase, an inline error on a wrong one, and another try."""

from __future__ import annotations

from secondme.errors import UserError
from ui.qt import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from ui.services import Services


class UnlockDialog(QDialog):
    """Unlocks the vault off the UI thread (scrypt takes a noticeable moment by design)."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        """Build the passphrase field, the error line and Unlock; ``services`` runs the unlock."""
        super().__init__(parent)
        self._services = services
        self.setWindowTitle("Unlock Second Me")
        self.setWindowIcon(services.icons.get())
        layout = QVBoxLayout(self)
        intro = QLabel("Your notes' index, memories and profile are encrypted.\n"
                       "Enter your passphrase to unlock them.", self)
        intro.setWordWrap(True)
        self.passphrase = QLineEdit(self)
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Passphrase")
        self.passphrase.setPlaceholderText("Passphrase")
        self.error = QLabel(self)
        self.error.setObjectName("unlockError")
        self.error.setStyleSheet("QLabel#unlockError { color: #c0392b; }")
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(self)
        self.unlock_button = self.buttons.addButton("&Unlock", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("&Quit", QDialogButtonBox.ButtonRole.RejectRole)
        self.unlock_button.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        for w in (intro, self.passphrase, self.error, self.buttons):
            layout.addWidget(w)
        self.passphrase.setFocus()

    def submit(self) -> None:
        """Unlock with the typed passphrase off-thread; the dialog closes on success and shows why on failure."""
        secret = self.passphrase.text()
        if not secret:
            self._show_error("Enter your passphrase.")
            return
        self._busy(True)
        ctx = self._services.ctx
        self._services.ops.run(lambda: ctx.unlock(secret), receiver=self,
                               success=lambda _r: self.accept(), failure=self._failed)

    def _busy(self, busy: bool) -> None:
        self.unlock_button.setEnabled(not busy)
        self.passphrase.setEnabled(not busy)
        self.unlock_button.setText("Unlocking…" if busy else "&Unlock")

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        if not isinstance(exc, UserError):
            self._services.ops.unhandled(exc)
            self._show_error("Unlocking failed because of an unexpected error (see the log).")
            return
        msg = str(exc)
        self._show_error(f"{msg[:1].upper()}{msg[1:]}. Try again." if msg else "Try again.")

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        self.passphrase.setFocus()
        self.passphrase.selectAll()

"""A new-passphrase entry with confirmation and strength feedback (wizard and Settings)."""

from __future__ import annotations

from secondme.services.keys import MIN_PASSPHRASE_CHARS, passphrase_strength
from ui.qt import QFormLayout, QLabel, QLineEdit, QProgressBar, QWidget, Signal

_COLOURS = ("#c0392b", "#d35400", "#b7950b", "#27ae60", "#1e8449")


class NewPassphrase(QWidget):
    """Two password fields and a strength meter; :meth:`problem` says what is still wrong."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        """Build the two password fields, the strength meter and the hint line."""
        super().__init__(parent)
        self.first = QLineEdit(self)
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.first.setAccessibleName("New passphrase")
        self.confirm = QLineEdit(self)
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm.setAccessibleName("Confirm passphrase")
        self.meter = QProgressBar(self)
        self.meter.setRange(0, 4)
        self.meter.setTextVisible(False)
        self.meter.setMaximumHeight(8)
        self.hint = QLabel(self)
        self.hint.setObjectName("passphraseHint")
        self.hint.setWordWrap(True)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("&Passphrase:", self.first)
        form.addRow("&Confirm:", self.confirm)
        form.addRow("Strength:", self.meter)
        form.addRow("", self.hint)
        self.first.textChanged.connect(self._update)
        self.confirm.textChanged.connect(self._update)
        self._update()

    def passphrase(self) -> str:
        """The passphrase typed in the first field (check :meth:`problem` before using it)."""
        return self.first.text()

    def problem(self) -> str | None:
        """None when the passphrase can be used, else what to fix (shown in the hint)."""
        p = self.first.text()
        if len(p) < MIN_PASSPHRASE_CHARS:
            return f"Use at least {MIN_PASSPHRASE_CHARS} characters."
        if self.confirm.text() != p:
            return "The two passphrases differ."
        return None

    def _update(self) -> None:
        score, hint = passphrase_strength(self.first.text())
        self.meter.setValue(score)
        self.meter.setStyleSheet(f"QProgressBar::chunk {{ background: {_COLOURS[score]}; }}")
        problem = self.problem() if self.first.text() else None
        text = f"Strength: {hint}."
        if problem and self.confirm.text():
            text += f" {problem}"
        self.hint.setText(text + "\nThere is no way to recover your notes' index without it.")
        self.changed.emit()

    def clear(self) -> None:
        """Empty both fields, so the passphrase does not stay in the widget."""
        self.first.clear()
        self.confirm.clear()

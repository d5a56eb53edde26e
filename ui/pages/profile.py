"""Profile: bios, shades and autofill fields with provenance and locks."""

from __future__ import annotations

from html import escape

from secondme.errors import UserError
from ui import core_api
from ui.pages.base import Page
from ui.qt import QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget
from ui.services import Services

EXPLAIN = (
    "It is built every night from your memories: who you are (a short bio), what you have been "
    "doing lately, your interest areas, and the fields forms ask for (address, e-mail, work…), "
    "each with its sources. You will be able to edit and lock any field."
)


class ProfilePage(Page):
    """Shows the profile, or that it has not been built yet (before the profile issue lands)."""

    title = "Profile"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.has_fill = core_api.has_fill(services.ctx)
        if not self.has_fill:
            self.empty = self.empty_label(f"{core_api.PROFILE_NOT_BUILT}.\n\n{EXPLAIN}")
            self.layout_.addWidget(self.empty)
            self.layout_.addStretch(1)
            self.focus_target = self.empty
            return
        row = QHBoxLayout()
        self.label_edit = QLineEdit(self)
        self.label_edit.setPlaceholderText("A form label, e.g. Shipping address")
        self.try_button = QPushButton("&Fill", self)
        row.addWidget(self.label_edit, 1)
        row.addWidget(self.try_button)
        self.layout_.addLayout(row)
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        self.layout_.addWidget(self.result)
        self.layout_.addStretch(1)
        self.try_button.clicked.connect(self._fill)
        self.label_edit.returnPressed.connect(self._fill)
        self.focus_target = self.label_edit

    def _fill(self) -> None:
        label = self.label_edit.text().strip()
        if not label:
            return
        ctx = self.services.ctx
        self.services.ops.run(lambda: core_api.fill(ctx, label), receiver=self,
                              success=self._show, failure=self._failed)

    def _show(self, result: object) -> None:
        if result is None:
            self.result.setText("No value for this label yet.")
            return
        v = core_api.describe_fill(result)
        src = "<br>".join(f"<small>from {escape(s)}</small>" for s in v.sources)
        self.result.setText(f"<b>{escape(v.value)}</b><br>{src}")

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, UserError):
            self.services.ops.unhandled(exc)
            return
        self.result.setText(str(exc))

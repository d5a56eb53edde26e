"""Profile: bios, shades and autofill fields with provenance; edit, lock and delete fields."""

from __future__ import annotations

from html import escape
from typing import Any

from ui import core_api
from ui.pages.base import Page
from ui.qt import QHBoxLayout, QLabel, QLineEdit, QPushButton, QTableWidget, QTableWidgetItem, QWidget
from ui.services import Services

EXPLAIN = (
    "It is built every night from your memories: who you are (a short bio), what you have been "
    "doing lately, your interest areas, and the fields forms ask for (address, e-mail, work…), "
    "each with its sources. You will be able to edit and lock any field."
)
COLUMNS = ("Field", "Value", "Confidence", "Locked", "Sources")


class ProfilePage(Page):
    """Bios, shades and fields (value, confidence, lock, sources); a label box to try ``fill``."""

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
        self.bios = QLabel(self)
        self.bios.setWordWrap(True)
        self.layout_.addWidget(self.bios)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.layout_.addWidget(self.table, 1)
        edit = QHBoxLayout()
        self.value_edit = QLineEdit(self)
        self.value_edit.setPlaceholderText("New value for the selected field")
        self.save_button = QPushButton("&Save", self)
        self.lock_button = QPushButton("&Lock / unlock", self)
        self.delete_button = QPushButton("&Delete", self)
        for w in (self.value_edit, self.save_button, self.lock_button, self.delete_button):
            edit.addWidget(w)
        self.layout_.addLayout(edit)
        self.try_button.clicked.connect(self._fill)
        self.label_edit.returnPressed.connect(self._fill)
        self.save_button.clicked.connect(self._save)
        self.lock_button.clicked.connect(self._toggle_lock)
        self.delete_button.clicked.connect(self._delete)
        self.focus_target = self.label_edit
        self._fields: dict[str, Any] = {}

    # --- loading -------------------------------------------------------------------------------
    def refresh(self) -> None:
        if not self.has_fill:
            return
        ctx: Any = self.services.ctx
        self.services.ops.run(lambda: ctx.profile(), receiver=self, success=self._show_profile,
                              failure=self._failed)

    def _show_profile(self, prof: object) -> None:
        data: dict[str, Any] = prof if isinstance(prof, dict) else {}
        bios = data.get("bios", {})
        shades = data.get("shades", [])
        parts = []
        for kind, title in (("global", "Who you are"), ("status", "Lately")):
            if bios.get(kind):
                parts.append(f"<b>{title}</b>: {escape(str(bios[kind]['text']))}")
        if shades:
            parts.append("<b>Shades</b>: " + "; ".join(
                f"{escape(s['name'])} ({s['size']})" for s in shades))
        self.bios.setText("<br>".join(parts) or escape(EXPLAIN))
        self._fields = dict(data.get("fields", {}))
        self.table.setRowCount(len(self._fields))
        for i, (name, f) in enumerate(sorted(self._fields.items())):
            value = "•••• (sensitive)" if f.sensitive else f.value
            cells = (f"{f.label} ({name})", value, f"{f.confidence:.2f}", "yes" if f.locked else "",
                     ", ".join(str(s) for s in f.sources))
            for j, text in enumerate(cells):
                self.table.setItem(i, j, QTableWidgetItem(text))

    def _selected(self) -> str | None:
        row = self.table.currentRow()
        names = sorted(self._fields)
        return names[row] if 0 <= row < len(names) else None

    # --- editing -------------------------------------------------------------------------------
    def _edit(self, value: str | None, lock: bool | None) -> None:
        name = self._selected()
        if name is None:
            return
        ctx: Any = self.services.ctx
        self.services.ops.run(lambda: ctx.set_profile_field(name, value, lock), receiver=self,
                              success=lambda _r: self.refresh(), failure=self._failed)

    def _save(self) -> None:
        value = self.value_edit.text().strip()
        if value:
            self._edit(value, None)

    def _toggle_lock(self) -> None:
        name = self._selected()
        if name is not None:
            self._edit(None, not self._fields[name].locked)

    def _delete(self) -> None:
        name = self._selected()
        if name is None:
            return
        ctx: Any = self.services.ctx
        self.services.ops.run(lambda: ctx.delete_profile_field(name), receiver=self,
                              success=lambda _r: self.refresh(), failure=self._failed)

    # --- trying a label ------------------------------------------------------------------------
    def _fill(self) -> None:
        label = self.label_edit.text().strip()
        if not label:
            return
        ctx = self.services.ctx
        self.services.ops.run(lambda: core_api.fill(ctx, label), receiver=self,
                              success=self._show, failure=self._failed)

    def _show(self, result: object) -> None:
        if result is None:
            self.result.setText("Unknown: no profile value for this label.")
            return
        if getattr(result, "status", "ok") == "needs_confirmation":
            self.result.setText("This field is sensitive: use the command line with --confirm to copy it.")
            return
        v = core_api.describe_fill(result)
        src = "<br>".join(f"<small>from {escape(s)}</small>" for s in v.sources)
        self.result.setText(f"<b>{escape(v.value)}</b><br>{src}")

    def _failed(self, exc: BaseException) -> None:
        self.show_failure(exc, self.result)

"""Settings, "Connected tools": which MCP clients may read the memory, what else each may do,
and the audit log of their calls. Reads and writes go through the core on a worker."""

from __future__ import annotations

import time
from typing import Any

from secondme.mcp import audit
from secondme.mcp.permissions import ClientPermission, Permissions
from ui.qt import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from ui.services import Services

# Table columns: the name, then the three permissions as check boxes, then the last call.
NAME, ALLOWED, REMEMBER, SENSITIVE, LAST = range(5)
FLAGS = {ALLOWED: "allowed", REMEMBER: "remember", SENSITIVE: "sensitive"}
LOG_LIMIT = 200


def _when(t: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(t)) if t else "never"


class ConnectedTools(QGroupBox):
    """The "Connected tools" section of the Settings page."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        """Build the table of tools (permissions as check boxes), the Revoke button and the hidden call log."""
        super().__init__("Connected tools", parent)
        self.services = services
        col = QVBoxLayout(self)
        intro = QLabel("Tools such as Claude Desktop or your editor can read your memory through "
                       "'secondme mcp'. A tool is asked about the first time it connects; change or "
                       "revoke its access here. Every call is kept in the encrypted call log.", self)
        intro.setWordWrap(True)
        col.addWidget(intro)
        self.table = QTableWidget(0, 5, self)
        self.table.setAccessibleName("Connected tools")
        self.table.setHorizontalHeaderLabels(["Tool", "Allowed", "May remember", "Sensitive fields", "Last call"])
        self.table.horizontalHeader().setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setMaximumHeight(160)
        col.addWidget(self.table)
        row = QHBoxLayout()
        self.revoke_button = QPushButton("Re&voke", self)
        self.revoke_button.setToolTip("Forget the selected tool: it is refused, and asked about again")
        self.log_button = QPushButton("Show call &log", self)
        row.addWidget(self.revoke_button)
        row.addWidget(self.log_button)
        row.addStretch(1)
        col.addLayout(row)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        col.addWidget(self.status)
        self.log = QTableWidget(0, 5, self)
        self.log.setAccessibleName("Call log")
        self.log.setHorizontalHeaderLabels(["When", "Tool", "Call", "Query", "Outcome"])
        self.log.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.log.verticalHeader().setVisible(False)
        self.log.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.log.setVisible(False)
        col.addWidget(self.log)
        self.clients: dict[str, ClientPermission] = {}

        self.table.itemChanged.connect(self._item_changed)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.revoke_button.clicked.connect(self.revoke_selected)
        self.log_button.clicked.connect(self.toggle_log)
        self._update_buttons()

    def _perms(self) -> Permissions:
        ctx = self.services.ctx
        return Permissions(ctx.get_private, ctx.set_private)

    # --- loading -------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload the tools and their permissions off-thread, and the call log when it is shown."""
        perms = self._perms()
        self.services.ops.run(perms.all, receiver=self, success=self._show_clients)
        if self.log.isVisible():
            self.load_log()

    def _show_clients(self, clients: dict[str, ClientPermission]) -> None:
        self.clients = clients
        self.table.blockSignals(True)
        self.table.setRowCount(len(clients))
        for r, c in enumerate(sorted(clients.values(), key=lambda c: c.name.lower())):
            name = QTableWidgetItem(c.name + ("" if c.decided else " (waiting for you)"))
            name.setData(Qt.ItemDataRole.UserRole, c.name)
            self.table.setItem(r, NAME, name)
            for column, attr in FLAGS.items():
                item = QTableWidgetItem()
                item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled |
                              Qt.ItemFlag.ItemIsSelectable)
                item.setCheckState(Qt.CheckState.Checked if getattr(c, attr) else Qt.CheckState.Unchecked)
                self.table.setItem(r, column, item)
            self.table.setItem(r, LAST, QTableWidgetItem(_when(c.last_seen)))
        self.table.blockSignals(False)
        if not clients:
            self.status.setText("No tool has connected yet. See the README for how to connect one.")
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.revoke_button.setEnabled(bool(self.table.selectedItems()))

    def client_at(self, row: int) -> str:
        """The tool's name on table row ``row`` ("" for no such row)."""
        item = self.table.item(row, NAME)
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else ""

    # --- editing -------------------------------------------------------------------------------
    def _item_changed(self, item: QTableWidgetItem) -> None:
        attr = FLAGS.get(item.column())
        if attr is None:
            return
        name = self.client_at(item.row())
        on = item.checkState() == Qt.CheckState.Checked
        perms = self._perms()
        self.services.ops.run(lambda: perms.set(name, **{attr: on}), receiver=self,
                              success=lambda c: self._saved(c, attr, on), failure=self._failed)

    def _saved(self, c: ClientPermission, attr: str, on: bool) -> None:
        self.clients[c.name] = c
        words = {"allowed": "may read your memory", "remember": "may add memories",
                 "sensitive": "may read sensitive fields"}
        self.status.setText(f"{c.name} {'now' if on else 'no longer'} {words[attr]}.")

    def revoke_selected(self) -> None:
        """Revoke the first selected tool, so it is asked about again when it next connects."""
        rows = {i.row() for i in self.table.selectedItems()}
        if not rows:
            return
        name = self.client_at(min(rows))
        perms = self._perms()
        self.services.ops.run(lambda: perms.revoke(name), receiver=self,
                              success=lambda _ok: self._revoked(name), failure=self._failed)

    def _revoked(self, name: str) -> None:
        self.status.setText(f"Revoked {name}: it is refused, and asked about again if it connects.")
        self.refresh()

    def _failed(self, exc: BaseException) -> None:
        self.status.setText("Saving the change failed (see the log).")
        self.services.ops.unhandled(exc)
        self.refresh()

    # --- the call log --------------------------------------------------------------------------
    def toggle_log(self) -> None:
        """Show or hide the call log; it is loaded when shown."""
        show = not self.log.isVisible()
        self.log.setVisible(show)
        self.log_button.setText("Hide call &log" if show else "Show call &log")
        if show:
            self.load_log()

    def load_log(self) -> None:
        """Load the latest ``LOG_LIMIT`` audit entries off-thread and show them."""
        ctx = self.services.ctx
        self.services.ops.run(lambda: audit.entries(ctx.store, LOG_LIMIT), receiver=self, success=self._show_log)

    def _show_log(self, rows: list[Any]) -> None:
        self.log.setRowCount(len(rows))
        for r, e in enumerate(rows):
            for c, text in enumerate((_when(e.at), e.client, e.tool, e.query or "", e.outcome)):
                item = QTableWidgetItem(text)
                if c == 4 and e.detail:
                    item.setToolTip(e.detail)
                self.log.setItem(r, c, item)

"""Memories: what Second Me remembers (messages, facts, episodes…), to browse, pin and forget."""

from __future__ import annotations

import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from secondme.events import EventKind
from secondme.importers import IMPORTERS
from secondme.jobs.pipeline import JobEvent
from ui import filedialog
from ui.pages.base import Page
from ui.qt import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)
from ui.services import Services

EMPTY = (
    "No memories yet.\n\n"
    "What you tell Second Me (chats, imported messages, \"remember…\") appears here, and after "
    "the nightly consolidation so do the facts (\"lives in Paris since 2021\"), daily episodes "
    "and interest areas it derives. Each says how well it is kept (strong, fading…); you can "
    "pin it (never fades), correct it or forget it.\n\n"
    "Have chats elsewhere? Import them below (WhatsApp, Telegram, ChatGPT, Claude, e-mail, calendar)."
)
COLUMNS = ("When", "Kind", "Memory", "Retention", "Pinned")
PINNED_COLUMN = 4
KINDS = (("All kinds", None), ("Messages", "message"), ("Facts", "fact"), ("Episodes", "episode"),
         ("Summaries", "summary"), ("Notes", "note"), ("Shades", "shade"), ("Bios", "bio"))
STATES = (("Active", "active"), ("Faded", "faded"), ("Superseded", "superseded"), ("Any state", None))
LIMIT = 500


def when(view: Any, now: float | None = None) -> str:
    """The memory's day as a person says it ("Today 14:02", "Yesterday 09:10", "Tue 3 Dec",
    "3 Dec 2024"): the list reads as a timeline, newest first."""
    t = float(view.event_time if view.event_time is not None else view.created_at)
    day = datetime.fromtimestamp(t)
    today = datetime.fromtimestamp(time.time() if now is None else now).date()
    ago = (today - day.date()).days
    if ago == 0:
        return f"Today {day:%H:%M}"
    if ago == 1:
        return f"Yesterday {day:%H:%M}"
    if 0 < ago < 7:
        return f"{day:%a} {day.day} {day:%b}"
    return f"{day.day} {day:%b}" + ("" if day.year == today.year else f" {day.year}")


def retention_words(view: Any) -> str:
    """How well a memory is kept, in words (the numbers are in the tooltip)."""
    if view.pinned:
        return "pinned: never fades"
    if view.state == "faded":
        return "faded (recall brings it back)"
    r = float(view.retention)
    if r >= 0.8:
        return "strong"
    if r >= 0.5:
        return "steady"
    if r >= 0.25:
        return "fading"
    return "about to fade"


class MemoriesPage(Page):
    """A filterable table of memories (newest first) with pin and forget."""

    title = "Memories"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        """Build the kind and state filters, the memory table, Pin / Edit / Forget and the import row."""
        super().__init__(services, parent)
        filters = QHBoxLayout()
        self.kind = QComboBox(self)
        self.state = QComboBox(self)
        for label, value in KINDS:
            self.kind.addItem(label, value)
        for label, value in STATES:
            self.state.addItem(label, value)
        show = QLabel("&Show:", self)
        show.setBuddy(self.kind)
        filters.addWidget(show)
        filters.addWidget(self.kind)
        filters.addWidget(self.state)
        filters.addStretch(1)
        self.layout_.addLayout(filters)
        self.empty = self.empty_label(EMPTY)
        self.layout_.addWidget(self.empty)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.layout_.addWidget(self.table, 1)
        actions = QHBoxLayout()
        self.pin_button = QPushButton("&Pin / unpin", self)
        self.edit_button = QPushButton("&Edit…", self)
        self.forget_button = QPushButton("&Forget…", self)
        self.status = QLabel(self)
        actions.addWidget(self.pin_button)
        actions.addWidget(self.edit_button)
        actions.addWidget(self.forget_button)
        actions.addWidget(self.status, 1)
        self.layout_.addLayout(actions)
        self._build_import_row()
        self.kind.currentIndexChanged.connect(lambda _i: self.refresh())
        self.state.currentIndexChanged.connect(lambda _i: self.refresh())
        self.pin_button.clicked.connect(self.toggle_pin)
        self.forget_button.clicked.connect(self.forget_selected)
        self.edit_button.clicked.connect(lambda: self.edit_selected())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        services.bridge.core_event.connect(self._on_event)
        self.focus_target = self.table
        self._views: list[Any] = []
        self._show([])

    # --- loading -------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Load up to ``LIMIT`` memories for the chosen kind and state off-thread (when unlocked)."""
        ctx = self.services.ctx
        if not ctx.unlocked:
            return
        kind, state = self.kind.currentData(), self.state.currentData()
        self.services.ops.run(lambda: ctx.memory.memories(kind, state, LIMIT), receiver=self,
                              success=self._show, failure=self._failed)

    def _on_event(self, kind: EventKind, data: object) -> None:
        # A nightly run changes memories; refresh when it ends (not on every step).
        if kind == EventKind.JOB_PROGRESS and isinstance(data, dict) and data.get("event") == JobEvent.FINISHED:
            self.refresh()

    def _show(self, views: list[Any]) -> None:
        self._views = list(views)
        self.empty.setVisible(not self._views)
        self.table.setVisible(bool(self._views))
        self.table.setRowCount(len(self._views))
        for i, v in enumerate(self._views):
            text = v.text if len(v.text) <= 300 else v.text[:299] + "…"
            cells = (when(v), v.kind + ("" if v.state == "active" else f" ({v.state})"), text,
                     retention_words(v), "yes" if v.pinned else "")
            for j, cell in enumerate(cells):
                item = QTableWidgetItem(cell)
                if j == 2:
                    item.setToolTip(v.text[:2000])
                elif j == 3:
                    item.setToolTip(f"strength {v.strength:.2f}, retained {v.retention:.0%}")
                self.table.setItem(i, j, item)
        self.status.setText(f"{len(self._views)} shown" + (f" (newest {LIMIT})" if len(self._views) >= LIMIT else ""))
        self._update_buttons()

    def selected(self) -> Any | None:
        """The memory on the selected row, or None when no row is selected."""
        row = self.table.currentRow()
        return self._views[row] if 0 <= row < len(self._views) and self.table.selectedItems() else None

    def _update_buttons(self) -> None:
        has = self.selected() is not None
        self.pin_button.setEnabled(has)
        self.edit_button.setEnabled(has)
        self.forget_button.setEnabled(has)

    # --- actions -------------------------------------------------------------------------------
    def toggle_pin(self) -> None:
        """Pin the selected memory, or unpin it when pinned, then refresh."""
        v = self.selected()
        if v is None:
            return
        ctx = self.services.ctx
        self.services.ops.run(lambda: ctx.memory.pin(v.id, not v.pinned), receiver=self,
                              success=lambda _r: self.refresh(), failure=self._failed)

    def edit_selected(self, text: str | None = None) -> None:
        """Correct the selected memory's text (asked for in a dialog unless ``text`` is given)."""
        v = self.selected()
        if v is None:
            return
        if text is None:
            new, ok = QInputDialog.getMultiLineText(self, "Edit memory", "What Second Me should remember:", v.text)
            if not ok or new.strip() == v.text.strip():
                return
            text = new
        ctx = self.services.ctx
        new_text = text
        self.services.ops.run(lambda: ctx.memory.edit(v.id, new_text), receiver=self,
                              success=lambda _r: self._edited(), failure=self._failed)

    def _edited(self) -> None:
        self.refresh()
        self.status.setText("Memory corrected.")

    def forget_selected(self, confirm: bool = True) -> None:
        """Forget the selected memory (and what was derived only from it), after
        asking unless ``confirm`` is False."""
        v = self.selected()
        if v is None:
            return
        if confirm:
            answer = QMessageBox.question(
                self, "Forget this memory?",
                "Second Me will delete this memory and what was derived only from it. This cannot "
                "be undone.")
            if answer != QMessageBox.StandardButton.Yes:
                return
        ctx = self.services.ctx
        self.services.ops.run(lambda: ctx.memory.forget(v.id), receiver=self,
                              success=self._forgotten, failure=self._failed)

    def _forgotten(self, n: int) -> None:
        self.refresh()
        self.status.setText(f"Forgot {n} memor{'y' if n == 1 else 'ies'}.")

    def _failed(self, exc: BaseException) -> None:
        self.show_failure(exc, self.status)

    # --- importing -----------------------------------------------------------------------------
    def _build_import_row(self) -> None:
        row = QHBoxLayout()
        self.import_kind = QComboBox(self)
        for spec in IMPORTERS.values():
            self.import_kind.addItem(spec.label, spec.kind)
        self.import_kind.setToolTip("What kind of export to import")
        label = QLabel("Import &from:", self)
        label.setBuddy(self.import_kind)
        self.import_button = QPushButton("&Import…", self)
        self.import_button.setToolTip("Import a chat, e-mail or calendar export; importing the same file "
                                      "again adds only what is new")
        self.stop_import_button = QPushButton("Stop import", self)
        self.stop_import_button.setVisible(False)
        self.import_progress = QProgressBar(self)
        self.import_progress.setVisible(False)
        row.addWidget(label)
        row.addWidget(self.import_kind)
        row.addWidget(self.import_button)
        row.addWidget(self.stop_import_button)
        row.addWidget(self.import_progress, 1)
        self.layout_.addLayout(row)
        self.import_result = QLabel(self)
        self.import_result.setWordWrap(True)
        self.import_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.layout_.addWidget(self.import_result)
        self.import_button.clicked.connect(lambda: self.choose_and_import())
        self.stop_import_button.clicked.connect(self.stop_import)
        self._import_cancel: threading.Event | None = None

    def choose_and_import(self) -> None:
        """Ask for the export (a file, or a folder for .eml) and import it in the background."""
        spec = IMPORTERS[str(self.import_kind.currentData())]
        if spec.folder:
            path = filedialog.existing_directory(self, f"Import {spec.label}: choose the folder", str(Path.home()))
        else:
            filters = f"{spec.label} ({' '.join(spec.patterns)});;All files (*)"
            path = filedialog.open_file(self, f"Import {spec.label}", str(Path.home()), filters)
        if path:
            self.start_import(spec.kind, path)

    def start_import(self, kind: str, path: str) -> None:
        """Import the export at ``path`` with importer ``kind`` off-thread, showing progress; Stop cancels it."""
        ctx = self.services.ctx
        cancel = threading.Event()
        self._import_cancel = cancel
        self._importing(True)
        self.import_result.setText(f"Importing {Path(path).name}…")

        def work(report: Any) -> Any:
            return ctx.memory.import_file(kind, path, progress=lambda done, total: report((done, total)), cancel=cancel)

        self.services.ops.run(work, receiver=self, success=self._imported, failure=self._import_failed,
                              progress=self._import_progress, cancel=cancel)

    def stop_import(self) -> None:
        """Ask the running import to stop after its current batch."""
        if self._import_cancel is not None:
            self._import_cancel.set()
            self.import_result.setText("Stopping after the current batch…")

    def _importing(self, busy: bool) -> None:
        self.import_button.setEnabled(not busy)
        self.import_kind.setEnabled(not busy)
        self.stop_import_button.setVisible(busy)
        self.import_progress.setVisible(busy)
        if busy:
            self.import_progress.setRange(0, 0)  # busy until the first count arrives

    def _import_progress(self, item: Any) -> None:
        done, total = item
        self.import_progress.setRange(0, max(int(total), 1))
        self.import_progress.setValue(min(int(done), max(int(total), 1)))
        self.import_progress.setFormat(f"{done:,} of {total:,}" if total else f"{done:,}")

    def _imported(self, report: Any) -> None:
        self._importing(False)
        self._import_cancel = None
        lines = [report.summary()[:1].upper() + report.summary()[1:] + "."]
        lines += [f"Skipped {n}: {reason}." for reason, n in list(report.skipped.items())[:8]]
        if report.conversations:
            shown = ", ".join(f"{c.title or c.conversation} ({c.added} new of {c.read})"
                              for c in report.conversations[:5])
            more = len(report.conversations) - 5
            lines.append(f"{len(report.conversations)} conversation{'s' if len(report.conversations) != 1 else ''}: "
                         + shown + (f", and {more} more" if more > 0 else "") + ".")
        self.import_result.setText("\n".join(lines))
        self.refresh()

    def _import_failed(self, exc: BaseException) -> None:
        self._importing(False)
        self._import_cancel = None
        if not self.show_failure(exc, self.import_result):
            self.import_result.setText("The import stopped because of an error; nothing it stored is lost.")

"""Sources: watched folders with their status, failed files with reasons, re-index and pause."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from secondme.results import FailedFile, FolderStatus, IndexProgress, readable_path
from ui import filedialog
from ui.pages.base import Page
from ui.pages.jobs import describe_progress
from ui.qt import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)
from ui.services import Services

NO_FOLDERS = "No folders yet. Add the folders where you keep notes (Markdown, text, Org, HTML, PDF, DOCX)."
NO_FAILURES = "No file failed to index: every note in these folders can be searched."


def _table(parent: QWidget, headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers), parent)
    t.setHorizontalHeaderLabels(headers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.verticalHeader().setVisible(False)
    t.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    t.setTabKeyNavigation(False)  # Tab leaves the table: keyboard users move between controls
    return t


class SourcesPage(Page):
    """Everything about the note folders; every action is a core call run off the UI thread."""

    title = "Sources"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        """Build the folder table and its buttons (add, remove, re-index, pause) and the failed-files table."""
        super().__init__(services, parent)
        self._folder_paths: list[str] = []
        self.status = QLabel(describe_progress(services.bridge.last_progress), self)
        self.status.setObjectName("sourcesStatus")
        self.folders = _table(self, ["Folder", "Documents", "Chunks", "Failed"])
        self.folders.setAccessibleName("Watched folders")
        self.no_folders = self.empty_label(NO_FOLDERS)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("&Add folder…", self)
        self.remove_button = QPushButton("&Remove folder", self)
        self.reindex_button = QPushButton("Re-&index", self)
        self.pause_button = QPushButton("&Pause indexing", self)
        for b in (self.add_button, self.remove_button, self.reindex_button, self.pause_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.failed_label = QLabel("Files that could not be read", self)
        self.failed_label.setObjectName("sectionTitle")
        self.failed = _table(self, ["File", "Reason"])
        self.failed.setAccessibleName("Failed files")
        self.failed.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.no_failures = self.empty_label(NO_FAILURES)
        for w in (self.status, self.folders, self.no_folders):
            self.layout_.addWidget(w)
        self.layout_.addLayout(buttons)
        for w in (self.failed_label, self.failed, self.no_failures):
            self.layout_.addWidget(w)
        self.focus_target = self.folders
        self._paused = bool(services.bridge.last_progress and services.bridge.last_progress.paused)

        self.add_button.clicked.connect(self.choose_folder)
        self.remove_button.clicked.connect(self.remove_selected)
        self.reindex_button.clicked.connect(lambda: self._call(lambda: services.ctx.notes.reindex()))
        self.pause_button.clicked.connect(self.toggle_pause)
        services.bridge.index_progress.connect(self._on_progress)
        services.bridge.index_changed.connect(self.refresh)
        self._update_pause_text()

    # --- state ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Load the folders and the files that failed off-thread."""
        ctx = self.services.ctx

        def load() -> tuple[list[FolderStatus], list[FailedFile]]:
            return ctx.notes.folders(), ctx.notes.failed_files()

        self.services.ops.run(load, receiver=self, success=self._show, failure=self._failed)

    def _show(self, state: tuple[list[FolderStatus], list[FailedFile]]) -> None:
        folders, failed = state
        # The real paths stay on the Python side: a name that is not valid UTF-8 is shown with
        # U+FFFD but must be removed by its exact bytes.
        self._folder_paths = [f.path for f in folders]
        self.folders.setRowCount(len(folders))
        for row, f in enumerate(folders):
            cells = [readable_path(f.path), str(f.documents), str(f.chunks), str(f.failed)]
            for col, text in enumerate(cells):
                self.folders.setItem(row, col, QTableWidgetItem(text))
        self.no_folders.setVisible(not folders)
        self.remove_button.setEnabled(bool(folders))
        self.failed.setRowCount(len(failed))
        for row, ff in enumerate(failed):
            self.failed.setItem(row, 0, QTableWidgetItem(ff.path))  # already readable text (failed_files)
            self.failed.setItem(row, 1, QTableWidgetItem(ff.reason))
        self.no_failures.setVisible(not failed)
        self.failed.setVisible(bool(failed))  # an empty table says less than the line that says so
        self.folders.setVisible(bool(folders))

    def _failed(self, exc: BaseException) -> None:
        self.show_failure(exc, self.status)

    def _on_progress(self, p: IndexProgress) -> None:
        self.status.setText(describe_progress(p))
        self._paused = p.paused
        self._update_pause_text()

    def _update_pause_text(self) -> None:
        self.pause_button.setText("Resume &indexing" if self._paused else "&Pause indexing")

    # --- actions -------------------------------------------------------------------------------
    def _call(self, fn: Callable[[], object]) -> None:
        """Run a core action off the UI thread, then show the new state."""
        self.services.ops.run(fn, receiver=self, success=lambda _r: self.refresh(), failure=self._failed)

    def add_folder(self, path: str) -> None:
        """Watch ``path``, off-thread."""
        ctx = self.services.ctx
        self._call(lambda: ctx.notes.add_folder(path))

    def choose_folder(self) -> None:
        """Ask for a folder and watch it."""
        path = filedialog.existing_directory(self, "Add a notes folder", str(Path.home()))
        if path:
            self.add_folder(path)

    def selected_folder(self) -> str | None:
        """The path on the selected folder row, or None."""
        row = self.folders.currentRow()
        return self._folder_paths[row] if 0 <= row < len(self._folder_paths) else None

    def remove_selected(self) -> None:
        """Stop watching the selected folder and forget its notes (the files stay)."""
        path = self.selected_folder()
        if path:
            ctx = self.services.ctx
            self._call(lambda: ctx.notes.remove_folder(path))

    def toggle_pause(self) -> None:
        """Pause or resume watching and indexing."""
        ctx = self.services.ctx
        self._paused = not self._paused
        self._update_pause_text()
        paused = self._paused
        self._call(lambda: ctx.notes.pause() if paused else ctx.notes.resume())

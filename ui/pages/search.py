"""Search: a query box with folder / type / date filters, and highlighted results."""

from __future__ import annotations

from pathlib import Path

from secondme.errors import UserError
from secondme.results import FolderStatus, IndexProgress, SearchFilters, SearchHit, readable_path
from ui import core_api
from ui.hits import HitModel, make_hit_view
from ui.pages.base import Page
from ui.qt import QComboBox, QHBoxLayout, QLabel, QLineEdit, QTimer, QWidget
from ui.services import Services

DEBOUNCE_MS = 200
MAX_HITS = 50


def semantic_note(p: IndexProgress | None) -> str:
    """While notes are still being embedded, results come from their words alone: say so."""
    if p is None or p.semantic_complete or not p.semantic_total:
        return ""
    return (f" · matching by words only for now: {p.semantic_done} of {p.semantic_total} notes "
            "are ready for search by meaning")


class SearchPage(Page):
    """Results follow the query and filters as you type; Enter or double-click opens a result."""

    title = "Search"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        """Build the query line, the folder, file-type and date filters and the result list;
        typing searches after a short pause."""
        super().__init__(services, parent)
        self._generation = 0
        self.query = QLineEdit(self)
        self.query.setPlaceholderText("Search your notes and memories")
        self.query.setClearButtonEnabled(True)
        self._folder_paths: list[str] = []
        self.folder = QComboBox(self)
        self.folder.setAccessibleName("Folder filter")
        self.folder.addItem("All folders", None)
        self.file_type = QComboBox(self)
        self.file_type.setAccessibleName("Type filter")
        self.file_type.addItem("All types", None)
        for key, label in core_api.FILE_TYPES:
            self.file_type.addItem(label, key)
        self.date = QComboBox(self)
        self.date.setAccessibleName("Date filter")
        for label, days in core_api.DATE_RANGES:
            self.date.addItem(label, days)
        filters = QHBoxLayout()
        for text, combo in (("&Folder:", self.folder), ("&Type:", self.file_type), ("&Date:", self.date)):
            lab = QLabel(text, self)
            lab.setBuddy(combo)
            filters.addWidget(lab)
            filters.addWidget(combo, 1)
        self.model = HitModel(self)
        self.results = make_hit_view(self, self.model)
        self.results.activated.connect(lambda idx: self.open_hit(self.model.hit(idx.row())))
        self.count = QLabel("Type to search.", self)
        self.layout_.addWidget(self.query)
        self.layout_.addLayout(filters)
        self.layout_.addWidget(self.count)
        self.layout_.addWidget(self.results, 1)
        self.setTabOrder(self.query, self.folder)
        self.setTabOrder(self.folder, self.file_type)
        self.setTabOrder(self.file_type, self.date)
        self.setTabOrder(self.date, self.results)
        self.focus_target = self.query

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.run_search)
        self.query.textChanged.connect(lambda _t: self._debounce.start())
        self.query.returnPressed.connect(self._enter)
        for combo in (self.folder, self.file_type, self.date):
            combo.currentIndexChanged.connect(lambda _i: self.run_search())
        services.bridge.index_changed.connect(self._on_index_changed)

    def refresh(self) -> None:
        """Reload the folder filter's choices off-thread."""
        ctx = self.services.ctx
        self.services.ops.run(ctx.notes.folders, receiver=self, success=self._set_folders,
                              failure=self._ignore_locked)

    def _ignore_locked(self, exc: BaseException) -> None:
        if not isinstance(exc, UserError):
            self.services.ops.unhandled(exc)

    def _set_folders(self, folders: list[FolderStatus]) -> None:
        current = self._selected_folder()
        self.folder.blockSignals(True)  # rebuilding the list is not a filter change
        self.folder.clear()
        self.folder.addItem("All folders", None)
        # Qt would cut a path that is not valid UTF-8 at its first bad byte: the items carry
        # an index into this list of real paths instead.
        self._folder_paths = [f.path for f in folders]
        for i, f in enumerate(folders):
            self.folder.addItem(readable_path(Path(f.path).name or f.path), i)
        idx = self._folder_paths.index(current) + 1 if current in self._folder_paths else 0
        self.folder.setCurrentIndex(idx)
        self.folder.blockSignals(False)

    def _selected_folder(self) -> str | None:
        i = self.folder.currentData()
        return self._folder_paths[i] if isinstance(i, int) and 0 <= i < len(self._folder_paths) else None

    def filters(self) -> SearchFilters:
        """The filters chosen: folder, file type and how far back."""
        kind = self.file_type.currentData()
        return SearchFilters(
            folder=self._selected_folder(),
            file_types=(kind,) if kind else (),
            since=core_api.date_filter_since(self.date.currentData()),
        )

    def run_search(self) -> None:
        """Search now for the typed query (on the search pool); an older search's late results are dropped."""
        self._debounce.stop()
        text = self.query.text().strip()
        self._generation += 1
        gen = self._generation
        if not text:
            self.model.set_hits([])
            self.count.setText("Type to search.")
            return
        ctx, filters = self.services.ctx, self.filters()
        self.services.ops.run(
            lambda: ctx.notes.search(text, k=MAX_HITS, filters=filters), receiver=self, pool="search",
            success=lambda hits: self._show(gen, hits), failure=lambda e: self._failed(gen, e))

    def _show(self, gen: int, hits: list[SearchHit]) -> None:
        if gen != self._generation:
            return
        self.model.set_hits(hits)
        text = f"{len(hits)} result{'s' if len(hits) != 1 else ''}" if hits else "Nothing found."
        self.count.setText(text + semantic_note(self.services.bridge.last_progress))
        if hits:
            self.results.setCurrentIndex(self.model.index(0, 0))

    def _failed(self, gen: int, exc: BaseException) -> None:
        if gen != self._generation:
            return
        self._ignore_locked(exc)
        self.count.setText(str(exc) if isinstance(exc, UserError) else "Search failed (see the log).")

    def _enter(self) -> None:
        if self._debounce.isActive():
            self.run_search()
        elif self.model.rowCount():
            self.results.setFocus()

    def _on_index_changed(self) -> None:
        if self.isVisible() and self.query.text().strip():
            self._debounce.start()

    def open_hit(self, hit: SearchHit | None) -> None:
        """Open a note result in the person's editor, at its line (memories have no file)."""
        if hit is not None and hit.path:
            self.services.opener(hit.path, hit.line_start)

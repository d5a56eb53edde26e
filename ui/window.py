"""The main window: a sidebar of seven pages with icons (Ctrl+1..7), geometry remembered per
data dir, styled from the system palette (``ui/theme.py``)."""

from __future__ import annotations

from collections.abc import Callable

from ui.pages.base import Page
from ui.pages.chat import ChatPage
from ui.pages.jobs import JobsPage
from ui.pages.memories import MemoriesPage
from ui.pages.profile import ProfilePage
from ui.pages.search import SearchPage
from ui.pages.settings import SettingsPage
from ui.pages.sources import SourcesPage
from ui.qt import (
    QCloseEvent,
    QEvent,
    QFrame,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPalette,
    QScrollArea,
    QSettings,
    QShortcut,
    QShowEvent,
    QSize,
    QStackedWidget,
    Qt,
    QWidget,
)
from ui.services import Services
from ui.theme import line_icon

PAGE_TYPES: tuple[type[Page], ...] = (
    SearchPage, ChatPage, MemoriesPage, ProfilePage, SourcesPage, JobsPage, SettingsPage,
)


class MainWindow(QMainWindow):
    """Pages are built once; each reloads its real state from the core when shown.

    ``on_close`` decides what closing means: with a tray the window only hides, without one the
    window is the app and closing quits.
    """

    def __init__(self, services: Services, ui_settings: QSettings,
                 on_close: Callable[[], bool] | None = None) -> None:
        """Build the sidebar and the pages, the Ctrl+1..7 and Ctrl+F shortcuts,
        and restore the saved geometry."""
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("Second Me")
        self.setWindowIcon(services.icons.get())
        self._ui_settings = ui_settings
        self._on_close = on_close
        self.sidebar = QListWidget(self)
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setAccessibleName("Pages")
        self.sidebar.setIconSize(QSize(20, 20))
        # Wide enough for the longest page name in the sidebar's font at any scaling.
        self.sidebar.setFixedWidth(self.fontMetrics().horizontalAdvance("Memories") + 96)
        self.stack = QStackedWidget(self)
        self.pages: list[Page] = []
        for i, cls in enumerate(PAGE_TYPES, start=1):
            # Each page in a scroll area: it fills the window when there is room and scrolls
            # when the window is smaller than the page (a small screen, 200 % scaling).
            holder = QScrollArea(self.stack)
            holder.setWidgetResizable(True)
            holder.setFrameShape(QFrame.Shape.NoFrame)
            page = cls(services, holder)
            holder.setWidget(page)
            self.pages.append(page)
            self.stack.addWidget(holder)
            item = QListWidgetItem(page.title, self.sidebar)
            item.setToolTip(f"{page.title} (Ctrl+{i})")
            item.setData(Qt.ItemDataRole.UserRole, page.title.lower())
            QShortcut(QKeySequence(f"Ctrl+{i}"), self, lambda n=i - 1: self.show_page(n, focus=True))
        self.sidebar.currentRowChanged.connect(self._on_row)
        self.status = QLabel(self)
        self.statusBar().addPermanentWidget(self.status, 1)
        central = QWidget(self)
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.sidebar)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.setTabOrder(self.sidebar, self.stack)
        QShortcut(QKeySequence("Ctrl+F"), self, lambda: self.show_page(0, focus=True))
        services.bridge.index_progress.connect(self._on_progress)
        self._restore_geometry()
        self._paint_icons()
        self.sidebar.setCurrentRow(0)

    def _paint_icons(self) -> None:
        color = self.palette().color(QPalette.ColorRole.WindowText)
        for row in range(self.sidebar.count()):
            item = self.sidebar.item(row)
            item.setIcon(line_icon(str(item.data(Qt.ItemDataRole.UserRole)), color))

    def changeEvent(self, event: QEvent) -> None:
        """Repaint the sidebar icons when the system switches between light and dark."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # the system switched light/dark
            self._paint_icons()

    def page(self, cls: type[Page]) -> Page:
        """The page of class ``cls``."""
        return next(p for p in self.pages if isinstance(p, cls))

    def show_page(self, index: int, focus: bool = False) -> None:
        """Show page ``index``; with ``focus``, move the focus to its focus target."""
        self.sidebar.setCurrentRow(index)
        if focus:
            target = self.pages[index].focus_target
            (target or self.pages[index]).setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _on_row(self, row: int) -> None:
        if 0 <= row < len(self.pages):
            self.stack.setCurrentIndex(row)
            if self.isVisible():
                self.pages[row].refresh()

    def refresh_current(self) -> None:
        """Reload the page shown."""
        row = self.stack.currentIndex()
        if 0 <= row < len(self.pages):
            self.pages[row].refresh()

    def _on_progress(self, p: object) -> None:
        from ui.pages.jobs import describe_progress

        self.status.setText(describe_progress(p))  # type: ignore[arg-type]

    # --- geometry: not private, but kept in the data dir so test runs never share it ----------
    def _restore_geometry(self) -> None:
        geom = self._ui_settings.value("main/geometry")
        if geom is None or not self.restoreGeometry(geom):
            self.resize(980, 680)

    def save_geometry(self) -> None:
        """Save the window geometry in the UI settings."""
        self._ui_settings.setValue("main/geometry", self.saveGeometry())
        self._ui_settings.sync()

    def showEvent(self, event: QShowEvent) -> None:
        """Reload the page shown each time the window appears."""
        super().showEvent(event)
        self.refresh_current()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Save the geometry, then ask ``on_close``: closing only hides the window when it
        says no (the tray keeps the app)."""
        self.save_geometry()
        if self._on_close is not None and not self._on_close():
            event.ignore()
            self.hide()
            return
        super().closeEvent(event)

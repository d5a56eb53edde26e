"""The tray icon: state at a glance (normal, indexing, locked) and a menu built when opened."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ui.icons import Icons, IconState
from ui.qt import QMenu, QObject, QSystemTrayIcon, Signal


@dataclass(frozen=True)
class TrayState:
    """What the menu needs to know at the moment it opens."""

    locked: bool
    paused: bool
    indexing: bool


class Tray(QObject):
    """Emits what the person chose; the controller decides what that means."""

    recall_requested = Signal()
    open_requested = Signal()
    pause_toggled = Signal()
    lock_requested = Signal()
    unlock_requested = Signal()
    quit_requested = Signal()

    def __init__(self, icons: Icons, state: Callable[[], TrayState], parent: QObject | None = None) -> None:
        """Build the tray icon and its menu; ``state`` says what the icon and the menu labels show."""
        super().__init__(parent)
        self._icons = icons
        self._state = state
        self.icon = QSystemTrayIcon(icons.get(), self)
        self.icon.setToolTip("Second Me")
        self.menu = QMenu()
        # Built when about to show, so labels (Pause/Resume, Lock/Unlock) are never stale.
        self.menu.aboutToShow.connect(self.rebuild_menu)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.rebuild_menu()

    def set_state_source(self, state: Callable[[], TrayState]) -> None:
        """Take the tray's state from ``state`` from now on (the controller's, once
        it exists) and update the icon."""
        self._state = state
        self.update_icon()

    @staticmethod
    def available() -> bool:
        """Whether the desktop has a system tray."""
        return QSystemTrayIcon.isSystemTrayAvailable()

    def show(self) -> None:
        """Show the tray icon."""
        self.icon.show()

    def hide(self) -> None:
        """Hide the tray icon."""
        self.icon.hide()

    def is_visible(self) -> bool:
        """Whether the tray icon is shown."""
        return self.icon.isVisible()

    def update_icon(self) -> None:
        """Set the icon and tooltip for the current state: locked, indexing or normal (paused noted)."""
        s = self._state()
        if s.locked:
            state, tip = IconState.LOCKED, "Second Me — locked"
        elif s.indexing and not s.paused:
            state, tip = IconState.INDEXING, "Second Me — indexing your notes"
        else:
            state, tip = IconState.NORMAL, "Second Me" + (" — indexing paused" if s.paused else "")
        self.icon.setIcon(self._icons.get(state))
        self.icon.setToolTip(tip)

    def rebuild_menu(self) -> None:
        """Rebuild the menu for the current state (Pause/Resume, Lock/Unlock), so labels are never stale."""
        s = self._state()
        m = self.menu
        m.clear()
        m.addAction("Quick recall", self.recall_requested.emit)
        m.addAction("Open Second Me", self.open_requested.emit)
        m.addSeparator()
        pause = m.addAction("Resume indexing" if s.paused else "Pause indexing", self.pause_toggled.emit)
        pause.setEnabled(not s.locked)
        if s.locked:
            m.addAction("Unlock…", self.unlock_requested.emit)
        else:
            m.addAction("Lock", self.lock_requested.emit)
        m.addSeparator()
        m.addAction("Quit", self.quit_requested.emit)

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.recall_requested.emit()
        elif reason == QSystemTrayIcon.ActivationReason.DoubleClick:
            self.open_requested.emit()

    def delete(self) -> None:
        """Hide the icon and delete the menu (it has no Qt parent)."""
        self.icon.hide()
        self.menu.deleteLater()

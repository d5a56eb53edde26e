"""The app's lifecycle: setup or unlock, tray or window, idle lock, and an orderly quit.

Startup is staged: the tray (or the window when no tray exists) appears as soon as the vault is
open; the main window and the quick recall box are built the first time they are needed, and
thrown away on lock so no private text stays in widgets while locked.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

from secondme.app import SecondMe
from secondme.errors import UserError
from ui import core_api
from ui.bridge import CoreBridge
from ui.clipboard import ClipboardGuard
from ui.crash import ErrorReporter
from ui.global_shortcut import RecallShortcut
from ui.idle import IdleWatcher
from ui.instance import InstanceServer
from ui.mcp_access import McpAccess
from ui.operations import Runner
from ui.qt import QApplication, QDialog, QObject, QSettings, Signal
from ui.recall import QuickRecall
from ui.services import Services
from ui.tray import Tray, TrayState
from ui.unlock import UnlockDialog
from ui.window import MainWindow
from ui.wizard import SetupWizard

log = logging.getLogger("secondme.ui.controller")

UI_SETTINGS_FILE = "ui.ini"


class Controller(QObject):
    """Owns the windows, the tray and the order things start and stop in.

    ``state`` is one of "starting", "setup", "locked", "ready", "quitting" (reported by the
    instance socket's ping so scripts and tests can wait for readiness).
    """

    ready = Signal()
    state_changed = Signal(str)

    def __init__(self, app: QApplication, ctx: SecondMe, *, server: InstanceServer | None = None,
                 reporter: ErrorReporter | None = None, passphrase: str | None = None,
                 keyring_available: Callable[[], bool] | None = None,
                 use_tray: bool = True, early_tray: Tray | None = None) -> None:
        """Wire the runner, bridge, services, clipboard guard, recall shortcut, idle lock, instance
        commands and MCP access; nothing is shown until :meth:`start`."""
        super().__init__()
        self.app = app
        self.ctx = ctx
        self.reporter = reporter
        self.ops = Runner(on_error=self.report_error)
        self.bridge = CoreBridge(ctx, self)
        self.services = Services(ctx, self.bridge, self.ops)
        # Outlives the recall box (dropped on lock) so its copies are still cleared on time.
        self.clipboard = ClipboardGuard(parent=self)
        self.server = server
        self._passphrase = passphrase
        self._keyring_available = keyring_available or _default_keyring_available
        self._use_tray = use_tray and Tray.available()
        self.state = "starting"
        self.first_run = False
        self.window: MainWindow | None = None
        self.recall: QuickRecall | None = None
        self.tray: Tray | None = None
        self._pending: list[Callable[[], None]] = []  # what to do once unlocked
        self._paused = False
        # Our own flag, set when unlock() has returned: ctx.unlocked turns true while the core
        # is still opening its indexes, and searching then fails.
        self.unlocked = False
        self._ui_settings = QSettings(str(ctx.paths.root / UI_SETTINGS_FILE), QSettings.Format.IniFormat)
        self.shortcut = RecallShortcut(self._ui_settings, self)
        self.shortcut.activated.connect(self.open_recall)
        self.services.shortcut = self.shortcut
        self.idle = IdleWatcher(lambda: int(ctx.settings.lock_after_idle_minutes), self)
        self.idle.idle.connect(self._on_idle)
        app.installEventFilter(self.idle)
        self.bridge.locked.connect(self._on_locked)
        self.bridge.index_progress.connect(lambda _p: self._update_tray())
        if server is not None:
            server.handle("ping", self._cmd_ping)
            server.handle("activate", lambda _a: self._cmd(self.open_window))
            server.handle("recall", lambda _a: self._cmd(self.open_recall))
            server.handle("quit", lambda _a: self._cmd(self.quit))
            server.handle_async("browser.fill", self._cmd_browser_fill)
        # MCP clients ('secondme mcp') reach the core through the app: asked about, then answered.
        self.mcp = McpAccess(ctx, self.ops, lambda: self.unlocked, notify=self._notify, parent=self)
        self.bridge.locked.connect(self.mcp.close_dialogs)
        if server is not None:
            self.mcp.install(server)
        if early_tray is not None:
            self._adopt_tray(early_tray)

    # --- startup -------------------------------------------------------------------------------
    def start(self, recall: bool = False) -> None:
        """Grab the recall shortcut, then run the setup wizard on a first run or unlock; ``recall``
        opens quick recall once unlocked."""
        log.info("quick recall shortcut: %s", self.shortcut.start())
        if recall:
            self._pending.append(self.open_recall)
        if not self.ctx.initialized:
            self.first_run = True
            self._set_state("setup")
            self._run_wizard()
        else:
            # The tray appears at once (locked icon) so the app is visibly there while the
            # vault opens, which takes a few seconds.
            if self._use_tray:
                self._ensure_tray()
            self._unlock_then(lambda: None)

    def _set_state(self, state: str) -> None:
        self.state = state
        self.state_changed.emit(state)

    def _run_wizard(self) -> None:
        wizard = SetupWizard(self.services, self._keyring_available())
        wizard.finished.connect(lambda result: self._wizard_done(wizard, result))
        self._wizard = wizard
        wizard.show()

    def _wizard_done(self, wizard: SetupWizard, result: int) -> None:
        wizard.deleteLater()
        if result == QDialog.DialogCode.Accepted and self.ctx.unlocked:
            self._pending.append(self.open_window)  # first run: show what there is
            self._on_unlocked()
        else:
            self.quit()

    def _unlock_then(self, then: Callable[[], None]) -> None:
        """Unlock (keyring or given passphrase silently, else the dialog), then run ``then``."""
        if self.unlocked:
            then()
            return
        self._pending.append(then)
        if self.state == "unlocking":
            return
        self._set_state("unlocking")
        method = core_api.vault_method(self.ctx)
        secret, self._passphrase = self._passphrase, None  # used once, never kept
        if method != "passphrase" or secret:
            ctx = self.ctx
            self.ops.run(lambda: ctx.unlock(secret), receiver=self,
                         success=lambda _r: self._on_unlocked(), failure=self._silent_unlock_failed)
        else:
            self._show_unlock_dialog()

    def _silent_unlock_failed(self, exc: BaseException) -> None:
        log.warning("automatic unlock failed: %s", type(exc).__name__)
        if isinstance(exc, UserError) and core_api.vault_method(self.ctx) == "passphrase":
            self._show_unlock_dialog()
        else:
            self.report_error(exc)
            self._set_state("locked")

    def _show_unlock_dialog(self) -> None:
        dialog = UnlockDialog(self.services)
        self._unlock_dialog = dialog
        dialog.finished.connect(lambda result: self._unlock_dialog_done(dialog, result))
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    def _unlock_dialog_done(self, dialog: UnlockDialog, result: int) -> None:
        dialog.deleteLater()
        if result == QDialog.DialogCode.Accepted:
            self._on_unlocked()
        elif self.tray is None:
            self.quit()  # nothing to come back to: quitting is what "Quit" in the dialog meant
        else:
            self._pending.clear()
            self._set_state("locked")
            self._update_tray()

    def _on_unlocked(self) -> None:
        self.unlocked = True
        ctx = self.ctx
        self.ops.run(lambda: core_api.start_background(ctx), receiver=self)
        self._set_state("ready")
        self._ensure_shell()
        self.idle.start()
        pending, self._pending = self._pending, []
        for fn in pending:
            fn()
        self.ready.emit()

    def _ensure_shell(self) -> None:
        """The tray if there is one, else the main window (then the window is the app)."""
        if self._use_tray:
            self._ensure_tray()
            self._update_tray()
        else:
            self.open_window()
            log.info("window ready (no system tray)")

    def _ensure_tray(self) -> None:
        if self.tray is None:
            self._adopt_tray(Tray(self.services.icons, self._tray_state, self))
            log.info("tray ready")

    def _adopt_tray(self, tray: Tray) -> None:
        """Take over a tray icon (main() may show one before the core is even imported)."""
        self.tray = tray
        tray.set_state_source(self._tray_state)
        tray.recall_requested.connect(self.open_recall)
        tray.open_requested.connect(self.open_window)
        tray.pause_toggled.connect(self.toggle_pause)
        tray.lock_requested.connect(self.lock)
        tray.unlock_requested.connect(lambda: self._unlock_then(self.open_window))
        tray.quit_requested.connect(self.quit)
        tray.update_icon()
        tray.show()

    # --- windows -------------------------------------------------------------------------------
    def open_window(self) -> None:
        """Show and raise the main window, unlocking first when locked."""
        if not self.unlocked:
            self._unlock_then(self.open_window)
            return
        if self.window is None:
            self.window = MainWindow(self.services, self._ui_settings, on_close=self._window_closing)
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()

    def _window_closing(self) -> bool:
        """True lets the window close (and the app quit); False only hides it to the tray."""
        if self.tray is not None and self.state != "quitting":
            return False
        if self.state != "quitting":
            self.quit()
        return True

    def open_recall(self) -> None:
        """Open quick recall, unlocking first when locked."""
        if not self.unlocked:
            self._unlock_then(self.open_recall)
            return
        if self.recall is None:
            self.recall = QuickRecall(self.services, self.clipboard)
        self.recall.open()

    def _tray_state(self) -> TrayState:
        p = self.bridge.last_progress
        return TrayState(locked=not self.unlocked, paused=self._paused,
                         indexing=bool(p and p.running))

    def _update_tray(self) -> None:
        if self.tray is not None:
            self.tray.update_icon()

    def toggle_pause(self) -> None:
        """Pause or resume watching the folders (off-thread) and update the tray."""
        self._paused = not self._paused
        ctx, paused = self.ctx, self._paused
        self.ops.run(lambda: ctx.notes.pause() if paused else ctx.notes.resume(), receiver=self)
        self._update_tray()

    # --- locking -------------------------------------------------------------------------------
    def lock(self) -> None:
        """Lock now: withdraw our clipboard copy, drop the windows that show private data,
        then lock the core off-thread."""
        if not self.unlocked or self.state == "quitting":
            return
        self.unlocked = False
        self.clipboard.withdraw()
        self._drop_private_widgets()
        self.idle.stop()
        ctx = self.ctx
        self.ops.run(lambda: core_api.lock(ctx), receiver=self)

    def _on_idle(self) -> None:
        log.info("locking after %s idle minutes", self.ctx.settings.lock_after_idle_minutes)
        self.lock()

    def _on_locked(self) -> None:
        self.unlocked = False
        self.clipboard.withdraw()  # the core locked itself (e.g. a failed key check)
        if self.state != "quitting":
            self._set_state("locked")
            self._drop_private_widgets()
        self._update_tray()

    def _drop_private_widgets(self) -> None:
        # Results, answers and page contents are private: they go with the key.
        for w in (self.recall, self.window):
            if w is not None:
                if isinstance(w, MainWindow):
                    w.save_geometry()
                w.hide()
                w.deleteLater()
        self.recall = self.window = None

    # --- quitting ------------------------------------------------------------------------------
    def quit(self) -> None:
        """Stop the watcher, close the context (seals indexes, closes the store), then exit."""
        if self.state == "quitting":
            return
        self._set_state("quitting")
        log.info("quitting")
        self.idle.stop()
        self.shortcut.stop()
        self.clipboard.withdraw()
        if self.window is not None:
            self.window.save_geometry()
        for w in (self.recall, self.window):
            if w is not None:
                w.hide()
        if self.tray is not None:
            self.tray.hide()
        if self.server is not None:
            self.server.close()
        self.ops.cancel_all()  # a running answer stops instead of delaying the quit
        ctx = self.ctx
        self.ops.run(lambda: core_api.shutdown(ctx), success=lambda _r: self.app.quit(),
                     failure=self._shutdown_failed)

    def _shutdown_failed(self, exc: BaseException) -> None:
        log.error("shutdown did not complete cleanly", exc_info=exc)
        self.app.exit(1)

    def finish(self) -> None:
        """After the event loop: clear our clipboard copies, wait for workers, stop listening to
        the core."""
        # Before QApplication goes: on X11 it hands the clipboard to the clipboard manager.
        self.clipboard.withdraw()
        self.ops.shutdown()
        self.bridge.detach()
        if self.tray is not None:
            self.tray.delete()

    # --- errors and commands ---------------------------------------------------------------------
    def report_error(self, exc: BaseException) -> None:
        """Show an unhandled failure (message box or crash dialog), or log it when there is no reporter."""
        if self.reporter is not None:
            self.reporter.show(exc)
        else:
            log.error("unhandled error", exc_info=exc)

    def _cmd(self, fn: Callable[[], None]) -> dict[str, Any]:
        fn()
        return {"ok": True}

    def _cmd_browser_fill(self, args: dict[str, Any], reply: Callable[[dict[str, Any]], None]) -> None:
        """Form values for the browser extension's host (``secondme browser-host``): refused
        while locked, looked up on a worker."""
        from secondme.browser.answer import BadRequest, answer_fill
        from secondme.errors import VaultLocked

        if not self.unlocked:
            reply({"ok": False, "locked": True, "error": "Second Me is locked"})
            return

        def work() -> dict[str, Any]:
            try:
                return answer_fill(ctx.profile, args)
            except BadRequest as exc:
                return {"ok": False, "bad_request": True, "error": str(exc)}

        def failed(exc: BaseException) -> None:
            if isinstance(exc, VaultLocked):  # locked while the values were looked up
                reply({"ok": False, "locked": True, "error": "Second Me is locked"})
            else:
                log.error("browser fill failed", exc_info=exc)
                reply({"ok": False, "error": f"the app could not fill the form ({type(exc).__name__})"})

        ctx = self.ctx
        self.ops.run(work, receiver=self, success=reply, failure=failed)

    def _notify(self, title: str, text: str) -> None:
        if self.tray is not None:
            self.tray.icon.showMessage(title, text)

    def _cmd_ping(self, _args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "state": self.state, "pid": os.getpid(),
                "tray": bool(self.tray is not None and self.tray.is_visible()),
                "window": bool(self.window is not None and self.window.isVisible()),
                "shortcut": self.shortcut.status}


def _default_keyring_available() -> bool:
    from secondme.services.keys import keyring_available

    return keyring_available()

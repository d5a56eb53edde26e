"""The running app's side of ``secondme mcp``: it answers forwarded MCP calls and asks the
person about a tool the first time it connects.

A ``secondme mcp`` process (started by Claude Desktop, an editor…) sends each call over the
app's private socket (``mcp.call``, ``mcp.read``). The call runs on a worker (the core's
:class:`secondme.mcp.service.McpService`: permission check, answer, audit log); the UI thread
only dispatches and, for a tool the person has not decided about, shows a question. Until the
person allows the tool, its calls are refused with a message that says so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from secondme.app import SecondMe
from secondme.errors import UserError
from secondme.mcp.permissions import Permissions, clean_name
from secondme.mcp.service import McpService
from ui.instance import InstanceServer, Reply
from ui.operations import Runner
from ui.qt import QMessageBox, QObject, QPushButton, QWidget, Signal, Slot

log = logging.getLogger("secondme.ui.mcp")

ASK_HINT = ("Second Me is asking you whether to allow it: answer there (or in Settings, Connected "
            "tools), then try again.")
LOCKED = {"ok": False, "refused": False, "error": "Second Me is locked: unlock it, then try again."}


class ConsentDialog(QMessageBox):
    """Allow a tool to read your memory? Not modal: the app stays usable while it waits."""

    decided = Signal(str, bool)

    def __init__(self, client: str, parent: QWidget | None = None) -> None:
        """Ask about ``client``; Don't allow is the default button."""
        super().__init__(parent)
        self.client = client
        self.setWindowTitle("Second Me: a tool wants your memory")
        self.setIcon(QMessageBox.Icon.Question)
        self.setText(f"“{client}” wants to use your Second Me memory.")
        self.setInformativeText(
            "If you allow it, it can search your notes and memories, recall memories and fill in "
            "profile fields (not sensitive ones, and it cannot add memories unless you allow that "
            "in Settings). Every call is kept in the audit log; you can revoke this in Settings, "
            "Connected tools.")
        self.allow_button: QPushButton = self.addButton("&Allow", QMessageBox.ButtonRole.AcceptRole)
        self.deny_button: QPushButton = self.addButton("&Don't allow", QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.deny_button)
        self.buttonClicked.connect(self._clicked)

    def _clicked(self, button: Any) -> None:
        self.decided.emit(self.client, button is self.allow_button)


class McpAccess(QObject):
    """Registers the MCP commands on the instance server and owns the consent questions."""

    # A worker found a tool the person has not decided about: asked on the UI thread.
    _undecided = Signal(str)
    decision_saved = Signal(str, bool)

    def __init__(self, ctx: SecondMe, ops: Runner, is_unlocked: Callable[[], bool], *,
                 notify: Callable[[str, str], None] | None = None, parent: QObject | None = None) -> None:
        """Calls run through an :class:`McpService` on ``ctx`` with ``ops``; a locked app answers every call
        with :data:`LOCKED`. ``notify`` shows a tray message when a tool asks."""
        super().__init__(parent)
        self.ctx = ctx
        self.ops = ops
        self._is_unlocked = is_unlocked
        self._notify = notify
        self.service = McpService(ctx, on_undecided=self._undecided.emit, ask_hint=ASK_HINT)
        self.dialogs: dict[str, ConsentDialog] = {}
        self._asked: set[str] = set()  # asked once per run: a busy tool must not nag
        self._undecided.connect(self._ask)

    def install(self, server: InstanceServer) -> None:
        """Register the ``mcp.call``, ``mcp.read`` and ``mcp.hello`` commands on ``server``."""
        server.handle_async("mcp.call", self._call)
        server.handle_async("mcp.read", self._read)
        server.handle_async("mcp.hello", self._hello)

    # --- forwarded calls (UI thread: dispatch only) -------------------------------------------
    def _call(self, args: dict[str, Any], reply: Reply) -> None:
        tool, arguments = args.get("tool"), args.get("arguments") or {}
        if not isinstance(tool, str) or not isinstance(arguments, dict):
            reply({"ok": False, "refused": False, "error": "bad mcp.call arguments"})
            return
        self._run(lambda: self.service.call(str(args.get("client") or ""), tool, arguments), reply)

    def _read(self, args: dict[str, Any], reply: Reply) -> None:
        uri = args.get("uri")
        if not isinstance(uri, str):
            reply({"ok": False, "refused": False, "error": "bad mcp.read arguments"})
            return
        self._run(lambda: self.service.read(str(args.get("client") or ""), uri), reply)

    def _hello(self, args: dict[str, Any], reply: Reply) -> None:
        self._run(lambda: self.service.hello(str(args.get("client") or "")), reply)

    def _run(self, fn: Callable[[], dict[str, Any]], reply: Reply) -> None:
        if not self._is_unlocked():
            reply(LOCKED)
            return

        def failed(exc: BaseException) -> None:
            if isinstance(exc, UserError):
                reply({"ok": False, "refused": False, "error": str(exc)})
            else:
                log.error("MCP call failed", exc_info=exc)
                reply({"ok": False, "refused": False, "error": f"Second Me failed to answer ({type(exc).__name__})."})

        # The reply goes straight back from the worker (it may be called from any thread).
        self.ops.run(fn, success=reply, failure=failed)

    # --- consent --------------------------------------------------------------------------------
    @Slot(str)
    def _ask(self, client: str) -> None:
        client = clean_name(client)
        if client in self._asked or not self._is_unlocked():
            return
        self._asked.add(client)
        dialog = ConsentDialog(client)
        dialog.decided.connect(self.decide)
        dialog.finished.connect(lambda _r, c=client: self._dialog_closed(c))
        self.dialogs[client] = dialog
        dialog.show()
        dialog.raise_()
        if self._notify is not None:
            self._notify("Second Me", f"“{client}” wants to use your memory: allow it?")

    def _dialog_closed(self, client: str) -> None:
        dialog = self.dialogs.pop(client, None)
        if dialog is not None:
            dialog.deleteLater()

    @Slot(str, bool)
    def decide(self, client: str, allow: bool) -> None:
        """Keep the person's answer (off the UI thread: it writes the encrypted store)."""
        perms = Permissions(self.ctx.get_private, self.ctx.set_private)
        self.ops.run(lambda: perms.set(client, allowed=allow), receiver=self,
                     success=lambda _p: self.decision_saved.emit(client, allow))

    def close_dialogs(self) -> None:
        """On lock: the questions go; they are asked again after the next unlock."""
        for dialog in list(self.dialogs.values()):
            dialog.close()
        self.dialogs.clear()
        self._asked.clear()

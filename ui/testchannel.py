"""Commands for end-to-end tests over the instance socket (only with SECONDME_TEST_COMMANDS=1).

They drive the real widgets the way keys would, and save screenshots with ``QWidget.grab()``.
Off by default: they can read what the quick recall box shows.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ui.controller import Controller
from ui.qt import QApplication, QFileDialog, QTimer, QWidget

ENV = "SECONDME_TEST_COMMANDS"


def enabled() -> bool:
    """Whether the test command channel is turned on (``SECONDME_TEST_COMMANDS=1``)."""
    return os.environ.get(ENV) == "1"


class _Commands:
    """The test commands, each answering one request over the instance socket."""

    def __init__(self, controller: Controller) -> None:
        self.controller = controller

    def _widget(self, target: str) -> QWidget | None:
        return self.controller.recall if target == "recall" else self.controller.window

    def screenshot(self, args: dict[str, Any]) -> dict[str, Any]:
        w = self._widget(str(args.get("target", "window")))
        if w is None or not w.isVisible():
            return {"ok": False, "error": "not visible"}
        path = Path(str(args["path"]))
        path.parent.mkdir(parents=True, exist_ok=True)
        pix = w.grab()
        return {"ok": bool(pix.save(str(path))), "size": [pix.width(), pix.height()]}

    def recall_type(self, args: dict[str, Any]) -> dict[str, Any]:
        self.controller.open_recall()
        if self.controller.recall is None:
            return {"ok": False, "error": "locked"}
        self.controller.recall.query.setText(str(args.get("text", "")))
        return {"ok": True}

    def recall_key(self, args: dict[str, Any]) -> dict[str, Any]:
        box = self.controller.recall
        if box is None:
            return {"ok": False, "error": "no recall box"}
        key = str(args.get("key"))
        if key == "enter":
            box.ask()
        elif key == "esc":
            box.dismiss()
        elif key == "down":
            box._move(1)
        else:
            return {"ok": False, "error": f"unknown key {key!r}"}
        return {"ok": True}

    def recall_state(self, _args: dict[str, Any]) -> dict[str, Any]:
        box = self.controller.recall
        return {"ok": True, **(box.state() if box is not None else {"visible": False})}

    def show_page(self, args: dict[str, Any]) -> dict[str, Any]:
        self.controller.open_window()
        if self.controller.window is not None:
            self.controller.window.show_page(int(args.get("index", 0)), focus=True)
        return {"ok": self.controller.window is not None}

    def folder_dialog(self, args: dict[str, Any]) -> dict[str, Any]:
        """The Sources page's "Add folder…" dialog, through its own code path: once it shows, it
        goes to ``dir`` (as a person browsing there would) and is cancelled."""
        from ui.pages.sources import SourcesPage

        self.controller.open_window()
        if self.controller.window is None:
            return {"ok": False, "error": "locked"}
        page = self.controller.window.page(SourcesPage)
        assert isinstance(page, SourcesPage)
        seen: dict[str, Any] = {}

        def drive(tries: int = 200) -> None:
            dialog = QApplication.activeModalWidget()
            if isinstance(dialog, QFileDialog):
                seen["native"] = not dialog.testOption(QFileDialog.Option.DontUseNativeDialog)
                dialog.setDirectory(str(args.get("dir", "")))
                seen["dir"] = dialog.directory().absolutePath()
                dialog.reject()
            elif tries:
                QTimer.singleShot(25, lambda: drive(tries - 1))

        QTimer.singleShot(0, drive)
        page.choose_folder()  # returns when the dialog has closed
        return {"ok": "dir" in seen, **seen}

    def lock(self, _args: dict[str, Any]) -> dict[str, Any]:
        self.controller.lock()
        return {"ok": True}


def install(controller: Controller) -> None:
    """Answer the test commands on the controller's instance socket (when it has one)."""
    server = controller.server
    if server is None:
        return
    cmds = _Commands(controller)
    server.handle("folder-dialog", cmds.folder_dialog)
    server.handle("screenshot", cmds.screenshot)
    server.handle("recall-type", cmds.recall_type)
    server.handle("recall-key", cmds.recall_key)
    server.handle("recall-state", cmds.recall_state)
    server.handle("show-page", cmds.show_page)
    # Lock as the tray's "Lock" does (the browser test checks a locked app gives no values).
    server.handle("lock", cmds.lock)

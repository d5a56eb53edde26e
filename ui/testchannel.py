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
    return os.environ.get(ENV) == "1"


def install(controller: Controller) -> None:
    server = controller.server
    if server is None:
        return

    def widget(target: str) -> QWidget | None:
        return controller.recall if target == "recall" else controller.window

    def screenshot(args: dict[str, Any]) -> dict[str, Any]:
        w = widget(str(args.get("target", "window")))
        if w is None or not w.isVisible():
            return {"ok": False, "error": "not visible"}
        path = Path(str(args["path"]))
        path.parent.mkdir(parents=True, exist_ok=True)
        pix = w.grab()
        return {"ok": bool(pix.save(str(path))), "size": [pix.width(), pix.height()]}

    def recall_type(args: dict[str, Any]) -> dict[str, Any]:
        controller.open_recall()
        if controller.recall is None:
            return {"ok": False, "error": "locked"}
        controller.recall.query.setText(str(args.get("text", "")))
        return {"ok": True}

    def recall_key(args: dict[str, Any]) -> dict[str, Any]:
        box = controller.recall
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

    def recall_state(_args: dict[str, Any]) -> dict[str, Any]:
        box = controller.recall
        return {"ok": True, **(box.state() if box is not None else {"visible": False})}

    def show_page(args: dict[str, Any]) -> dict[str, Any]:
        controller.open_window()
        if controller.window is not None:
            controller.window.show_page(int(args.get("index", 0)), focus=True)
        return {"ok": controller.window is not None}

    def folder_dialog(args: dict[str, Any]) -> dict[str, Any]:
        """The Sources page's "Add folder…" dialog, through its own code path: once it shows, it
        goes to ``dir`` (as a person browsing there would) and is cancelled."""
        from ui.pages.sources import SourcesPage

        controller.open_window()
        if controller.window is None:
            return {"ok": False, "error": "locked"}
        page = controller.window.page(SourcesPage)
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

    server.handle("folder-dialog", folder_dialog)
    server.handle("screenshot", screenshot)
    server.handle("recall-type", recall_type)
    server.handle("recall-key", recall_key)
    server.handle("recall-state", recall_state)
    server.handle("show-page", show_page)
    # Lock as the tray's "Lock" does (the browser test checks a locked app gives no values).
    def lock(_args: dict[str, Any]) -> dict[str, Any]:
        controller.lock()
        return {"ok": True}

    server.handle("lock", lock)

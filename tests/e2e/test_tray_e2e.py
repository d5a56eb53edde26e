"""The real ``secondme-app`` under Xvfb with a tray: launch, recall, screenshots, clean quit."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import APP, launched_app, wait_for
from tests.ui.conftest import PASS
from tests.ui.sockclient import call
from ui.instance import socket_name

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]


def _distinct_colours(path: Path) -> int:
    from ui.qt import QPixmap  # QImage/QPixmap loading needs no display

    img = QPixmap(str(path)).toImage()
    assert not img.isNull(), f"{path} is not an image"
    step = max(1, min(img.width(), img.height()) // 60)
    return len({img.pixel(x, y) for x in range(0, img.width(), step) for y in range(0, img.height(), step)})


def _press_keys(display: str, *keysyms: str) -> None:
    """Press and release keys as a person would, through the X server (XTest)."""
    from Xlib import XK, X
    from Xlib import display as xdisplay
    from Xlib.ext import xtest

    d = xdisplay.Display(display)
    try:
        codes = [d.keysym_to_keycode(XK.string_to_keysym(k)) for k in keysyms]
        for c in codes:
            xtest.fake_input(d, X.KeyPress, c)
        for c in reversed(codes):
            xtest.fake_input(d, X.KeyRelease, c)
        d.sync()
    finally:
        d.close()


def test_tray_recall_screenshots_and_quit(qapp: Any, xdisplay: str, prepared: Path, runtime_dir: str,
                                          artifacts: Path, tmp_path: Path) -> None:
    env = {**os.environ, "DISPLAY": xdisplay, "QT_QPA_PLATFORM": "xcb", "XDG_RUNTIME_DIR": runtime_dir,
           "SECONDME_PASSPHRASE": PASS, "SECONDME_TEST_COMMANDS": "1"}
    name = socket_name(prepared)
    with launched_app([str(APP), "--data-dir", str(prepared)], env, tmp_path) as app:
        ping = wait_for("the app to be ready", lambda: (r := call(name, {"cmd": "ping"})) and
                     r.get("state") == "ready" and r)
        assert ping["tray"], "the tray icon is not shown although trayer provides a tray"
        assert not ping["window"], "with a tray the app starts in the tray, not as a window"

        # A second launch with --recall hands over to this one and exits 0.
        second = subprocess.run([str(APP), "--recall", "--data-dir", str(prepared)], env=env,
                                capture_output=True, timeout=60)
        assert second.returncode == 0, second.stderr.decode()
        wait_for("quick recall to open", lambda: call(name, {"cmd": "recall-state"})["visible"])

        assert call(name, {"cmd": "recall-type", "args": {"text": "pastel de nata"}})["ok"]
        state = wait_for("recall results", lambda: (s := call(name, {"cmd": "recall-state"}))["hits"] and s)
        assert state["hits"][0] == "Trip to Lisbon"

        shots = {
            "recall": artifacts / "e2e-quick-recall.png",
            "window": artifacts / "e2e-main-window.png",
        }
        assert call(name, {"cmd": "screenshot", "args": {"target": "recall", "path": str(shots["recall"])}})["ok"]
        assert call(name, {"cmd": "show-page", "args": {"index": 0}})["ok"]
        wait_for("the window", lambda: call(name, {"cmd": "ping"})["window"])
        time.sleep(0.3)  # let the window paint once before grabbing it
        assert call(name, {"cmd": "screenshot", "args": {"target": "window", "path": str(shots["window"])}})["ok"]
        shots["screen"] = artifacts / "e2e-screen.png"
        subprocess.run(["import", "-window", "root", str(shots["screen"])], env=env, check=True, timeout=60)
        for label, path in shots.items():
            assert path.is_file(), f"no {label} screenshot"
            assert _distinct_colours(path) > 1, f"the {label} screenshot is blank"

        assert call(name, {"cmd": "recall-key", "args": {"key": "esc"}})["ok"]
        assert not call(name, {"cmd": "recall-state"})["visible"]
        # The system-wide shortcut (X11 key grab) opens quick recall from anywhere.
        assert "opens quick recall" in ping["shortcut"], ping["shortcut"]
        _press_keys(xdisplay, "Control_L", "Alt_L", "space")
        wait_for("the global shortcut to open quick recall", lambda: call(name, {"cmd": "recall-state"})["visible"])
        assert call(name, {"cmd": "recall-key", "args": {"key": "esc"}})["ok"]
        assert call(name, {"cmd": "quit"})["ok"]
        rc = app.proc.wait(60)
    stderr = app.stderr()
    assert rc == 0, stderr
    for bad in ("Traceback", "WARNING", "ERROR", "QWidget", "qt.qpa"):
        assert bad not in stderr, f"unexpected {bad!r} on stderr:\n{stderr}"
    assert call(name, {"cmd": "ping"}) is None  # the socket is gone

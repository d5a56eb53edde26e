"""The Wayland shortcut's request against a real desktop portal.

A real ``xdg-desktop-portal`` with KDE Plasma's backend (``xdg-desktop-portal-kde``, which
offers GlobalShortcuts) runs on a private session bus, its Qt parts on the offscreen platform.
The app asks it for the quick-recall shortcut through the same code as on a Wayland desktop.
Plasma 5's backend accepts the binding and leaves the choice of keys to the person in System
Settings, so a key press cannot be made to reach it here; the press itself is covered by
tests/ui/test_portal_shortcut.py.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.private_bus import private_session_bus
from ui.global_shortcut import PENDING, GlobalShortcut, RecallShortcut
from ui.qt import QSettings

PORTAL = "/usr/libexec/xdg-desktop-portal"
KDE_BACKEND = "/usr/lib/x86_64-linux-gnu/libexec/xdg-desktop-portal-kde"
PORTALS_DIR = "/usr/share/xdg-desktop-portal/portals"


def _wait_for_name(env: dict[str, str], name: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        out = subprocess.run(["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
                              "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner", f"string:{name}"],
                             env=env, capture_output=True, text=True, timeout=10)
        if "boolean true" in out.stdout:
            return
        time.sleep(0.2)
    raise AssertionError(f"{name} did not come up on the test bus")


@pytest.fixture
def real_portal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for path in (PORTAL, KDE_BACKEND):
        assert os.path.exists(path), f"{path} is missing: scripts/system-deps.sh installs it"
    runtime = tmp_path / "xdg-runtime"
    runtime.mkdir(mode=0o700)
    with private_session_bus(tmp_path) as address:
        env = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": address, "XDG_CURRENT_DESKTOP": "KDE",
               "XDG_RUNTIME_DIR": str(runtime), "QT_QPA_PLATFORM": "offscreen",
               "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"),
               # scripts/run-tests.sh hides the installed backends from browsers; this test wants them.
               "XDG_DESKTOP_PORTAL_DIR": PORTALS_DIR}
        procs = [subprocess.Popen([KDE_BACKEND], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)]
        try:
            _wait_for_name(env, "org.freedesktop.impl.portal.desktop.kde")
            procs.append(subprocess.Popen([PORTAL], env=env, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL))
            _wait_for_name(env, "org.freedesktop.portal.Desktop")
            monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
            monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-test")  # the app takes the Wayland path
            yield None
        finally:
            for p in reversed(procs):
                p.terminate()
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()


def test_a_real_portal_accepts_the_quick_recall_shortcut(qtbot: Any, real_portal: None, tmp_path: Path) -> None:
    grab = GlobalShortcut()
    with qtbot.waitSignal(grab.settled, timeout=20000) as settled:
        assert grab.start("Ctrl+Alt+Space") == PENDING
    assert settled.args == [""], settled.args
    grab.stop()

    # The status line a person reads in Settings, with this desktop's way of doing it.
    sc = RecallShortcut(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    with qtbot.waitSignal(sc.changed, timeout=20000, check_params_cb=lambda s: not s.startswith("Asking")):
        assert sc.start().startswith("Asking your desktop for")
    assert sc.status.startswith("Your desktop has the quick-recall shortcut"), sc.status
    sc.stop()

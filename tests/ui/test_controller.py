"""Lifecycle without a tray (offscreen): unlock, window as the app, single instance, idle lock."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from secondme.app import SecondMe, build
from tests.ui.conftest import PASS
from tests.ui.sockclient import call
from ui.controller import Controller
from ui.instance import InstanceServer, send, socket_name
from ui.qt import QApplication
from ui.tray import Tray, TrayState

pytestmark = pytest.mark.timeout(300)


class AppStub:
    """Stands in for QApplication's quit/exit so a test never ends pytest-qt's event loop."""

    def __init__(self) -> None:
        self.quit_calls = 0
        self.exit_codes: list[int] = []

    def installEventFilter(self, obj: Any) -> None:
        QApplication.instance().installEventFilter(obj)  # type: ignore[union-attr]

    def quit(self) -> None:
        self.quit_calls += 1

    def exit(self, code: int) -> None:
        self.exit_codes.append(code)


@pytest.fixture
def prepared(data_dir: Path, notes_dir: Path) -> Path:
    c = build(str(data_dir), use_keyring=False)
    c.init(PASS)
    c.notes.add_folder(str(notes_dir))
    c.notes.wait_indexed(120)
    c.close()
    return data_dir


@pytest.fixture
def controller_factory(qtbot: Any) -> Any:
    made: list[tuple[Controller, SecondMe]] = []

    def make(data_dir: Path, passphrase: str | None = PASS, server: bool = False) -> Controller:
        ctx = build(str(data_dir), use_keyring=False)
        srv = InstanceServer(socket_name(data_dir)) if server else None
        if srv is not None:
            assert srv.listen()
        c = Controller(AppStub(), ctx, server=srv, passphrase=passphrase,  # type: ignore[arg-type]
                       keyring_available=lambda: False, use_tray=False)
        made.append((c, ctx))
        return c

    yield make
    for c, ctx in made:
        if c.state != "quitting":
            c.quit()
        qtbot.waitUntil(lambda c=c: c.app.quit_calls + len(c.app.exit_codes) > 0, timeout=60_000)  # type: ignore[attr-defined]
        c.finish()
        for w in (c.window, c.recall):
            if w is not None:
                w.deleteLater()
        if c.server is not None:
            c.server.close()
        assert not ctx.unlocked


def test_starts_unlocked_with_window_when_no_tray(qtbot: Any, controller_factory: Any,
                                                  prepared: Path) -> None:
    c = controller_factory(prepared)
    c.start()
    qtbot.waitUntil(lambda: c.state == "ready", timeout=60_000)
    assert c.window is not None and c.window.isVisible()
    assert c.tray is None


def test_quit_closes_the_core_in_order(qtbot: Any, controller_factory: Any, prepared: Path) -> None:
    c = controller_factory(prepared)
    c.start()
    qtbot.waitUntil(lambda: c.state == "ready", timeout=60_000)
    c.quit()
    qtbot.waitUntil(lambda: c.app.quit_calls == 1, timeout=60_000)
    assert not c.ctx.unlocked
    assert c.window is None or not c.window.isVisible()


def test_unlock_dialog_on_start(qtbot: Any, controller_factory: Any, prepared: Path) -> None:
    c = controller_factory(prepared, passphrase=None)
    c.start()
    qtbot.waitUntil(lambda: getattr(c, "_unlock_dialog", None) is not None, timeout=10_000)
    dialog = c._unlock_dialog
    dialog.passphrase.setText("wrong wrong wrong")
    dialog.unlock_button.click()
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=30_000)
    dialog.passphrase.setText(PASS)
    dialog.unlock_button.click()
    qtbot.waitUntil(lambda: c.state == "ready", timeout=60_000)


def test_first_run_shows_the_wizard(qtbot: Any, controller_factory: Any, data_dir: Path) -> None:
    c = controller_factory(data_dir, passphrase=None)
    c.start()
    assert c.state == "setup" and c._wizard.isVisible()
    c._wizard.reject()
    qtbot.waitUntil(lambda: c.app.quit_calls == 1, timeout=30_000)


def test_second_launch_talks_to_the_first(qtbot: Any, controller_factory: Any, prepared: Path) -> None:
    c = controller_factory(prepared, server=True)
    c.start()
    qtbot.waitUntil(lambda: c.state == "ready", timeout=60_000)
    replies: list[Any] = []
    name = socket_name(prepared)

    assert name.startswith("/"), "the socket lives in the private runtime dir"

    def second_launch() -> None:  # blocking client calls, as from a second process
        replies.append(call(name, {"cmd": "ping"}))
        replies.append(call(name, {"cmd": "recall"}))

    t = threading.Thread(target=second_launch)
    t.start()
    qtbot.waitUntil(lambda: len(replies) == 2, timeout=20_000)
    t.join()
    assert replies[0] and replies[0]["ok"], replies
    assert replies[0]["ok"] and replies[0]["state"] == "ready" and replies[0]["window"]
    assert replies[1] == {"ok": True}
    assert c.recall is not None and c.recall.isVisible()


def test_send_without_instance_returns_none(tmp_path: Path) -> None:
    assert send(socket_name(tmp_path / "nobody"), {"cmd": "ping"}, timeout_ms=200) is None


def test_socket_names_differ_per_data_dir(tmp_path: Path) -> None:
    assert socket_name(tmp_path / "a") != socket_name(tmp_path / "b")
    assert socket_name(tmp_path / "a") == socket_name(tmp_path / "a")


def test_idle_lock_drops_private_widgets(qtbot: Any, controller_factory: Any, prepared: Path) -> None:
    c = controller_factory(prepared)
    c.start()
    qtbot.waitUntil(lambda: c.state == "ready", timeout=60_000)
    c.open_recall()
    c.ctx.settings.lock_after_idle_minutes = 1
    c.idle.last_input -= 61  # a minute without input
    c.idle.check()
    qtbot.waitUntil(lambda: c.state == "locked", timeout=30_000)
    assert not c.ctx.unlocked and c.recall is None and c.window is None


def test_idle_never_when_zero(qtbot: Any, controller_factory: Any, prepared: Path) -> None:
    c = controller_factory(prepared)
    c.start()
    qtbot.waitUntil(lambda: c.state == "ready", timeout=60_000)
    c.ctx.settings.lock_after_idle_minutes = 0
    c.idle.last_input -= 10_000
    c.idle.check()
    qtbot.wait(100)
    assert c.state == "ready"


def test_tray_menu_is_built_from_state(qtbot: Any) -> None:
    from ui.icons import Icons

    state = TrayState(locked=False, paused=False, indexing=True)
    tray = Tray(Icons(), lambda: state)
    labels = [a.text() for a in tray.menu.actions() if a.text()]
    assert labels == ["Quick recall", "Open Second Me", "Pause indexing", "Lock", "Quit"]
    state = TrayState(locked=True, paused=True, indexing=False)
    tray.rebuild_menu()
    labels = [a.text() for a in tray.menu.actions() if a.text()]
    assert labels == ["Quick recall", "Open Second Me", "Resume indexing", "Unlock…", "Quit"]
    tray.update_icon()
    assert "locked" in tray.icon.toolTip()
    tray.delete()


def test_icons_render(qtbot: Any) -> None:
    from ui.icons import Icons, IconState

    icons = Icons()
    for s in IconState:
        pix = icons.get(s).pixmap(64, 64)
        img = pix.toImage()
        colours = {img.pixel(x, y) for x in range(0, 64, 4) for y in range(0, 64, 4)}
        assert len(colours) > 2, f"{s} icon is blank"

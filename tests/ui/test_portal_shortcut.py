"""The Wayland path of the quick-recall shortcut, through the desktop portal's GlobalShortcuts.

A real ``dbus-daemon`` runs a private session bus (starting no installed services) for each test. What cannot run here is a
Wayland compositor with a portal backend that offers GlobalShortcuts (GNOME, KDE, Hyprland), so
a small service in this file stands in for ``org.freedesktop.portal.Desktop``: it speaks the
portal's documented protocol (CreateSession and BindShortcuts answered by Response signals on
request objects, then Activated) and records what the app asked for. Everything on the app's
side is the real code over the real bus.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.private_bus import private_session_bus
from ui.global_shortcut import PENDING, GlobalShortcut, RecallShortcut
from ui.portal_shortcut import PORTAL_NAME, PORTAL_PATH, SHORTCUT_ID, SHORTCUTS_IFACE, request_path
from ui.qt import QSettings

jeepney = pytest.importorskip("jeepney")
from jeepney import DBusAddress, HeaderFields, MessageType, new_error, new_method_return, new_signal  # noqa: E402
from jeepney.bus_messages import message_bus  # noqa: E402
from jeepney.io.blocking import open_dbus_connection  # noqa: E402


@pytest.fixture
def session_bus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with private_session_bus(tmp_path) as address:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
        monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-test")  # the app takes the Wayland path
        yield address


class StandInPortal:
    """Answers the GlobalShortcuts calls on the bus as a desktop portal would."""

    def __init__(self, address: str, *, has_shortcuts: bool = True, accept: bool = True) -> None:
        self.conn = open_dbus_connection(address)
        reply = self.conn.send_and_get_reply(message_bus.RequestName(PORTAL_NAME))
        assert reply.body[0] == 1, "could not own the portal's name on the test bus"
        self.has_shortcuts = has_shortcuts
        self.accept = accept
        self.bound: list[tuple[str, dict[str, Any]]] = []
        self.session = ""
        self.bind_session = ""
        self.closed = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _respond(self, sender: str, token: str, code: int, results: dict[str, Any]) -> None:
        req = DBusAddress(request_path(sender, token), interface="org.freedesktop.portal.Request")
        self.conn.send(new_signal(req, "Response", "ua{sv}", (code, results)))

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                msg = self.conn.receive(timeout=0.1)
            except TimeoutError:
                continue
            except OSError:
                return
            if msg.header.message_type != MessageType.method_call:
                continue
            f = msg.header.fields
            member, sender = f.get(HeaderFields.member), f.get(HeaderFields.sender, "")
            if member == "Get":
                if self.has_shortcuts and tuple(msg.body) == (SHORTCUTS_IFACE, "version"):
                    self.conn.send(new_method_return(msg, "v", (("u", 1),)))
                else:
                    self.conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownInterface"))
            elif member == "CreateSession":
                opts = msg.body[0]
                token, stoken = opts["handle_token"][1], opts["session_handle_token"][1]
                self.session = f"{PORTAL_PATH}/session/{sender.lstrip(':').replace('.', '_')}/{stoken}"
                self.conn.send(new_method_return(msg, "o", (request_path(sender, token),)))
                self._respond(sender, token, 0, {"session_handle": ("s", self.session)})
            elif member == "BindShortcuts":
                session, shortcuts, _parent, opts = msg.body
                self.bind_session = session
                token = opts["handle_token"][1]
                self.conn.send(new_method_return(msg, "o", (request_path(sender, token),)))
                if not self.accept:
                    self._respond(sender, token, 1, {})
                    continue
                self.bound = [(sid, {k: v[1] for k, v in props.items()}) for sid, props in shortcuts]
                given = [(sid, {"description": props["description"],
                                "trigger_description": ("s", "Ctrl + Alt + Space")})
                         for sid, props in shortcuts]
                self._respond(sender, token, 0, {"shortcuts": ("a(sa{sv})", given)})
            elif member == "Close":
                self.closed.set()
                self.conn.send(new_method_return(msg))

    def press(self) -> None:
        """What the desktop sends when the person presses the bound keys."""
        portal = DBusAddress(PORTAL_PATH, interface=SHORTCUTS_IFACE)
        self.conn.send(new_signal(portal, "Activated", "osta{sv}", (self.session, SHORTCUT_ID, 1234, {})))

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.conn.close()


def test_portal_binds_the_shortcut_and_a_press_opens_recall(qtbot: Any, session_bus: str) -> None:
    portal = StandInPortal(session_bus)
    try:
        grab = GlobalShortcut()
        with qtbot.waitSignal(grab.settled, timeout=5000) as settled:
            assert grab.start("Ctrl+Alt+Space") == PENDING  # the desktop answers later
        assert settled.args == [""]
        # What the desktop was asked for: our id, a description, the trigger in the portal's syntax.
        assert portal.bound == [(SHORTCUT_ID, {"description": "Open Second Me quick recall",
                                               "preferred_trigger": "CTRL+ALT+space"})]
        assert portal.bind_session == portal.session  # bound in the session the portal gave
        assert grab.trigger_description == "Ctrl + Alt + Space"
        with qtbot.waitSignal(grab.activated, timeout=5000):
            portal.press()
        grab.stop()
        assert portal.closed.wait(5), "the portal session was not closed when the key was given back"
    finally:
        portal.close()


def test_status_line_follows_the_desktops_answer(qtbot: Any, session_bus: str, tmp_path: Path) -> None:
    portal = StandInPortal(session_bus)
    try:
        sc = RecallShortcut(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
        with qtbot.waitSignal(sc.changed, timeout=5000,
                              check_params_cb=lambda s: "opens quick recall" in s):
            assert sc.start().startswith("Asking your desktop for")
        assert sc.status == "Ctrl + Alt + Space opens quick recall from any app."
        sc.stop()
    finally:
        portal.close()


@pytest.mark.parametrize(("has_shortcuts", "accept", "why"), [
    (False, True, "this desktop's portal offers no global shortcuts"),
    (True, False, "the shortcut was declined on the desktop"),
])
def test_a_portal_that_cannot_or_will_not_is_said_in_words(
    qtbot: Any, session_bus: str, has_shortcuts: bool, accept: bool, why: str,
) -> None:
    portal = StandInPortal(session_bus, has_shortcuts=has_shortcuts, accept=accept)
    try:
        grab = GlobalShortcut()
        with qtbot.waitSignal(grab.settled, timeout=5000) as settled:
            assert grab.start("Ctrl+Alt+Space") == PENDING
        assert settled.args[0].startswith(why)
        assert "secondme-app --recall" in settled.args[0]  # and what to do instead
    finally:
        portal.close()


def test_no_portal_on_the_bus_is_said_in_words(qtbot: Any, session_bus: str) -> None:
    grab = GlobalShortcut()
    with qtbot.waitSignal(grab.settled, timeout=5000) as settled:
        assert grab.start("Ctrl+Alt+Space") == PENDING
    assert settled.args[0].startswith("no desktop portal is running")


def test_no_session_bus_is_said_at_once(qapp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-test")
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path=/nonexistent/{os.getpid()}/bus")
    problem = GlobalShortcut().start("Ctrl+Alt+Space")
    assert problem is not None and problem.startswith("cannot reach the session bus")

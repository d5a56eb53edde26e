"""The quick-recall shortcut on Wayland, through the desktop portal's GlobalShortcuts interface.

Wayland gives no app a global key grab; the compositor owns the keyboard. The desktop portal
(``org.freedesktop.portal.GlobalShortcuts``) lets an app *ask* for one: it opens a session,
binds a shortcut with a preferred trigger, the desktop may show the person a dialog to accept
or change it, and then sends ``Activated`` whenever it is pressed.

Every step is an asynchronous request answered by a ``Response`` signal, and the answer to
``BindShortcuts`` waits for the person, so nothing here blocks: the D-Bus socket is watched by a
``QSocketNotifier`` and the exchange is a small state machine driven by the messages that
arrive. ``jeepney`` speaks D-Bus in pure Python over the session bus's Unix socket.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any

from ui.qt import QObject, QSocketNotifier, Signal, Slot

log = logging.getLogger("secondme.ui.portal_shortcut")

PORTAL_NAME = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
SHORTCUTS_IFACE = "org.freedesktop.portal.GlobalShortcuts"
REQUEST_IFACE = "org.freedesktop.portal.Request"
SHORTCUT_ID = "quick-recall"
DESCRIPTION = "Open Second Me quick recall"

# The XDG shortcuts spec names modifiers in capitals and the key by its xkb keysym name.
_MODIFIERS = {"Ctrl": "CTRL", "Alt": "ALT", "Shift": "SHIFT", "Meta": "LOGO"}


def portal_trigger(mods: list[str], keysym: str) -> str:
    """``(["Ctrl", "Alt"], "space")`` → ``"CTRL+ALT+space"``, the portal's trigger syntax."""
    return "+".join([*(_MODIFIERS[m] for m in mods), keysym])


def request_path(unique_name: str, token: str) -> str:
    """Where the portal will answer a request made with ``handle_token=token``.

    The portal builds it from the caller's unique bus name (":1.42" → "1_42"); we subscribe to
    it before making the call so that a fast answer cannot be missed.
    """
    sender = unique_name.lstrip(":").replace(".", "_")
    return f"{PORTAL_PATH}/request/{sender}/{token}"


def _why(error_name: str) -> str:
    if error_name.endswith("ServiceUnknown") or error_name.endswith("NameHasNoOwner"):
        return "no desktop portal is running"
    if error_name.endswith(("UnknownInterface", "UnknownMethod", "InvalidArgs", "UnknownProperty")):
        return "this desktop's portal offers no global shortcuts"
    return f"the desktop portal refused ({error_name})"


class PortalShortcut(QObject):
    """Asks the desktop portal for the quick-recall shortcut; emits :attr:`activated` on press.

    :attr:`settled` carries the outcome once the desktop has answered: ``""`` when the shortcut
    is bound, otherwise why not, in words.
    """

    activated = Signal()
    settled = Signal(str)

    def __init__(self, parent: QObject | None = None,
                 connect: Callable[[], Any] | None = None) -> None:
        """Nothing asked yet; ``connect`` opens the D-Bus session connection (tests pass their own)."""
        super().__init__(parent)
        self._connect = connect
        self._conn: Any = None
        self._notifier: QSocketNotifier | None = None
        self._pending_calls: dict[int, str] = {}
        self._pending_requests: dict[str, str] = {}
        self._session: str | None = None
        self._trigger = ""
        self.trigger_description = ""
        self.bound = False

    # --- starting and stopping -------------------------------------------------------------
    def start(self, mods: list[str], keysym: str) -> str | None:
        """Begin asking; None when the request is under way, else why it cannot start."""
        self.stop()
        try:
            from jeepney.bus_messages import MatchRule, message_bus
            from jeepney.io.blocking import open_dbus_connection
        except ImportError:
            return "global shortcuts on Wayland need the jeepney package"
        try:
            self._conn = (self._connect or open_dbus_connection)()
        except (OSError, KeyError, ValueError, TimeoutError) as exc:
            # KeyError: no DBUS_SESSION_BUS_ADDRESS; OSError/TimeoutError: no bus there.
            return f"cannot reach the session bus for a global shortcut ({type(exc).__name__})"
        self._trigger = portal_trigger(mods, keysym)
        for rule in (MatchRule(type="signal", sender=PORTAL_NAME, interface=REQUEST_IFACE, member="Response"),
                     MatchRule(type="signal", sender=PORTAL_NAME, interface=SHORTCUTS_IFACE)):
            self._conn.send(message_bus.AddMatch(rule))
        self._notifier = QSocketNotifier(self._conn.sock.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._read)
        from jeepney import DBusAddress, new_method_call

        props = DBusAddress(PORTAL_PATH, bus_name=PORTAL_NAME, interface="org.freedesktop.DBus.Properties")
        self._call(new_method_call(props, "Get", "ss", (SHORTCUTS_IFACE, "version")), "version")
        return None

    def stop(self) -> None:
        """Close the session (the desktop then drops the binding) and the bus connection."""
        if self._conn is not None and self._session is not None:
            from jeepney import DBusAddress, new_method_call

            session = DBusAddress(self._session, bus_name=PORTAL_NAME,
                                  interface="org.freedesktop.portal.Session")
            try:
                self._conn.send(new_method_call(session, "Close"))
            except OSError:
                pass
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self._pending_calls.clear()
        self._pending_requests.clear()
        self._session = None
        self.bound = False

    # --- the exchange ---------------------------------------------------------------------------
    def _call(self, msg: Any, step: str) -> None:
        serial = next(self._conn.outgoing_serial)  # ours, so the reply can be matched to the step
        self._conn.send(msg, serial=serial)
        self._pending_calls[serial] = step

    def _request(self, method: str, signature: str, body: tuple[Any, ...], step: str) -> None:
        """Call a portal method that answers later with a Response on a request object."""
        from jeepney import DBusAddress, new_method_call

        token = "secondme_" + secrets.token_hex(6)
        self._pending_requests[request_path(self._conn.unique_name, token)] = step
        options = dict(body[-1])
        options["handle_token"] = ("s", token)
        portal = DBusAddress(PORTAL_PATH, bus_name=PORTAL_NAME, interface=SHORTCUTS_IFACE)
        self._call(new_method_call(portal, method, signature, (*body[:-1], options)), step + "-call")

    @Slot()
    def _read(self) -> None:
        if self._conn is None:
            return
        while self._conn is not None:
            try:
                msg = self._conn.receive(timeout=0)
            except TimeoutError:
                return
            except (OSError, ValueError) as exc:  # the bus went away
                log.info("desktop portal connection closed (%s)", type(exc).__name__)
                self._finish(f"the desktop portal connection closed ({type(exc).__name__})")
                return
            self._handle(msg)

    def _handle(self, msg: Any) -> None:
        from jeepney import HeaderFields, MessageType

        kind = msg.header.message_type
        fields = msg.header.fields
        if kind in (MessageType.method_return, MessageType.error):
            step = self._pending_calls.pop(fields.get(HeaderFields.reply_serial, -1), None)
            if step is None:
                return
            if kind == MessageType.error:
                self._finish(_why(str(fields.get(HeaderFields.error_name, ""))))
            elif step == "version":
                self._request("CreateSession", "a{sv}",
                              ({"session_handle_token": ("s", "secondme_" + secrets.token_hex(6))},),
                              "create")
            return
        if kind != MessageType.signal:
            return
        member = fields.get(HeaderFields.member)
        path = fields.get(HeaderFields.path)
        if member == "Response" and path in self._pending_requests:
            self._on_response(self._pending_requests.pop(path), *msg.body)
        elif member == "Activated" and msg.body and msg.body[0] == self._session:
            if len(msg.body) > 1 and msg.body[1] == SHORTCUT_ID:
                self.activated.emit()

    def _on_response(self, step: str, code: int, results: dict[str, tuple[str, Any]]) -> None:
        if code != 0:
            self._finish("the shortcut was declined on the desktop" if code == 1
                         else "the desktop portal could not set the shortcut")
            return
        if step == "create":
            handle = results.get("session_handle", ("o", ""))[1]
            if not handle:
                self._finish("the desktop portal gave no session")
                return
            self._session = str(handle)
            shortcut = (SHORTCUT_ID, {"description": ("s", DESCRIPTION),
                                      "preferred_trigger": ("s", self._trigger)})
            self._request("BindShortcuts", "oa(sa{sv})sa{sv}", (self._session, [shortcut], "", {}), "bind")
        elif step == "bind":
            for sid, props in results.get("shortcuts", ("a(sa{sv})", []))[1]:
                if sid == SHORTCUT_ID:
                    self.trigger_description = str(props.get("trigger_description", ("s", ""))[1])
            self.bound = True
            log.info("global shortcut bound through the desktop portal")
            self.settled.emit("")

    def _finish(self, problem: str) -> None:
        log.info("no global shortcut from the desktop portal: %s", problem)
        self.stop()
        self.settled.emit(problem)

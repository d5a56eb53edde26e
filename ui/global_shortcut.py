"""A system-wide shortcut for quick recall, where the desktop lets an app have one.

On X11 the key is grabbed on the root window (``XGrabKey``), once for each combination of the
lock modifiers (Num Lock, Caps Lock) so it works whichever is on; the X connection's socket is
watched by a ``QSocketNotifier``, so presses arrive on the UI thread without a thread of ours.
Wayland gives global keys only through the desktop portal's GlobalShortcuts interface
(``ui/portal_shortcut.py``): the app asks, the desktop may ask the person, and the answer comes
later, so there :meth:`GlobalShortcut.start` returns :data:`PENDING` and :attr:`settled` says how
it ended. Where the portal offers no global shortcuts, the status says so and how to bind
``secondme-app --recall`` in the desktop's own keyboard settings instead.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from secondme.errors import SecondMeError
from ui.qt import QGuiApplication, QKeySequence, QObject, QSocketNotifier, Signal, Slot

log = logging.getLogger("secondme.ui.global_shortcut")

DEFAULT_SEQUENCE = "Ctrl+Alt+Space"
PENDING = "asking the desktop"
WAYLAND_FALLBACK = "set one in your desktop's keyboard settings that runs: secondme-app --recall"

# Qt key names that differ from X keysym names.
_KEYSYMS = {
    "Space": "space", "Return": "Return", "Enter": "KP_Enter", "Esc": "Escape", "Tab": "Tab",
    "Backspace": "BackSpace", "Ins": "Insert", "Del": "Delete", "Home": "Home", "End": "End",
    "PgUp": "Prior", "PgDown": "Next", "Left": "Left", "Right": "Right", "Up": "Up", "Down": "Down",
    ".": "period", ",": "comma", "/": "slash", ";": "semicolon", "'": "apostrophe", "`": "grave",
    "-": "minus", "=": "equal", "[": "bracketleft", "]": "bracketright", "\\": "backslash",
}


def keysym_name(key: str) -> str:
    """A Qt key name as the X keysym name that X11 and the portal's trigger syntax both use."""
    return _KEYSYMS.get(key, key if len(key) > 1 else key.lower())


class ShortcutError(SecondMeError, ValueError):
    """The shortcut text is not a key combination this desktop can grab."""


def parse(sequence: str) -> tuple[list[str], str]:
    """``"Ctrl+Alt+Space"`` → (["Ctrl", "Alt"], "Space"): modifiers and one key, or ShortcutError."""
    text = QKeySequence(sequence).toString(QKeySequence.SequenceFormat.PortableText)
    if not text or "," in text.replace("+,", "+comma"):
        raise ShortcutError(f"not a key combination: {sequence!r}")
    parts = text.split("+")
    if text.endswith("++"):  # "Ctrl++" is Ctrl and the plus key
        parts = [*text[:-2].split("+"), "+"]
    *mods, key = parts
    unknown = [m for m in mods if m not in ("Ctrl", "Alt", "Shift", "Meta")]
    if unknown or not key:
        raise ShortcutError(f"not a key combination: {sequence!r}")
    if not mods:
        raise ShortcutError("a global shortcut needs Ctrl, Alt, Shift or Meta with the key, or it "
                            "would take that key from every other app")
    return mods, key


class GlobalShortcut(QObject):
    """Emits :attr:`activated` when the system-wide shortcut is pressed (X11 or the Wayland portal).

    :attr:`settled` carries the outcome of an asynchronous (portal) grab: ``""`` when it is
    bound, otherwise why not, in words.
    """

    activated = Signal()
    settled = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        """Nothing grabbed yet (see :meth:`start`)."""
        super().__init__(parent)
        self._display: Any = None
        self._notifier: QSocketNotifier | None = None
        self._grabbed: list[tuple[int, int]] = []
        self._portal: Any = None
        self.sequence: str | None = None

    def start(self, sequence: str) -> str | None:
        """Grab ``sequence``; None when it works, else why it is not available, in words."""
        self.stop()
        try:
            mods, key = parse(sequence)
        except ShortcutError as exc:
            return str(exc)
        platform = QGuiApplication.platformName()
        if platform == "wayland" or (os.environ.get("WAYLAND_DISPLAY") and platform != "xcb"):
            return self._start_portal(mods, key, sequence)
        if platform != "xcb":
            return f"global shortcuts need an X11 or Wayland desktop (this one is {platform!r})"
        return self._start_x11(mods, key, sequence)

    def _start_x11(self, mods: list[str], key: str, sequence: str) -> str | None:
        try:
            from Xlib import XK, X, display
        except ImportError:
            return "global shortcuts need the python-xlib package"
        try:
            d = display.Display()
        except Exception as exc:  # no X server or no access: say so, run without
            log.debug("X display unavailable", exc_info=True)
            return f"cannot reach the X server for a global shortcut ({type(exc).__name__})"
        keysym = XK.string_to_keysym(keysym_name(key))
        keycode = d.keysym_to_keycode(keysym) if keysym else 0
        if not keycode:
            d.close()
            return f"this keyboard has no key {key!r}"
        mask = 0
        for m in mods:
            mask |= {"Ctrl": X.ControlMask, "Alt": X.Mod1Mask, "Shift": X.ShiftMask, "Meta": X.Mod4Mask}[m]
        root = d.screen().root
        # Errors are ours to report (below), not to print on stderr.
        d.set_error_handler(lambda *_a: None)
        failed: list[int] = []

        def on_error(err: Any, *_: Any) -> None:
            failed.append(getattr(err, "code", 0))

        # Num Lock (Mod2) and Caps Lock (Lock) change the modifier state: grab every mix of them.
        for extra in (0, X.LockMask, X.Mod2Mask, X.LockMask | X.Mod2Mask):
            root.grab_key(keycode, mask | extra, True, X.GrabModeAsync, X.GrabModeAsync, onerror=on_error)
            self._grabbed.append((keycode, mask | extra))
        d.sync()
        if failed:
            for grabbed_code, grabbed_mask in self._grabbed:
                root.ungrab_key(grabbed_code, grabbed_mask)
            self._grabbed = []
            d.close()
            return f"{sequence} is already taken by another application"
        self._display = d
        self._notifier = QSocketNotifier(d.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._read_x11)
        self.sequence = sequence
        log.info("global shortcut %s for quick recall", sequence)
        return None

    @property
    def trigger_description(self) -> str:
        """How the desktop describes the key it bound (portal only; "" when it said nothing)."""
        return str(getattr(self._portal, "trigger_description", "") or "")

    def _start_portal(self, mods: list[str], key: str, sequence: str) -> str | None:
        from ui.portal_shortcut import PortalShortcut

        portal = PortalShortcut(self)
        portal.activated.connect(self.activated)
        portal.settled.connect(self._portal_settled)
        problem = portal.start(mods, keysym_name(key))
        if problem is not None:
            portal.deleteLater()
            return f"{problem}; {WAYLAND_FALLBACK}"
        self._portal = portal
        self.sequence = sequence
        return PENDING

    @Slot(str)
    def _portal_settled(self, problem: str) -> None:
        if problem:
            self.sequence = None
            self.settled.emit(f"{problem}; {WAYLAND_FALLBACK}")
        else:
            log.info("global shortcut %s for quick recall (desktop portal)", self.sequence)
            self.settled.emit("")

    @Slot()
    def _read_x11(self) -> None:
        from Xlib import X

        d = self._display
        if d is None:
            return
        fire = False
        while d.pending_events():
            ev = d.next_event()
            if ev.type == X.KeyPress:
                fire = True
        if fire:
            self.activated.emit()

    def stop(self) -> None:
        """Give the key back (at quit, or before grabbing another)."""
        if self._portal is not None:
            self._portal.stop()
            self._portal.deleteLater()
            self._portal = None
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None
        if self._display is not None:
            root = self._display.screen().root
            for code, m in self._grabbed:
                root.ungrab_key(code, m)
            self._display.sync()
            self._display.close()
            self._display = None
        self._grabbed = []
        self.sequence = None


def key_label(sequence: str) -> str:
    """The shortcut as the platform writes it (e.g. "Ctrl+Alt+Space")."""
    return QKeySequence(sequence).toString(QKeySequence.SequenceFormat.NativeText)


class RecallShortcut(QObject):
    """The quick-recall shortcut the person chose (kept in the UI settings) and its state."""

    KEY = "recall/global_shortcut"
    changed = Signal(str)  # the status line, in words

    def __init__(self, settings: Any, parent: QObject | None = None) -> None:
        """``settings`` holds the person's choice; nothing is grabbed until :meth:`start`."""
        super().__init__(parent)
        self._settings = settings
        self.grab = GlobalShortcut(self)
        self.activated = self.grab.activated
        self.grab.settled.connect(self._settled)
        self.status = ""

    @property
    def sequence(self) -> str:
        """The saved shortcut (the default until the person chooses), "" when turned off."""
        value = self._settings.value(self.KEY, DEFAULT_SEQUENCE)
        return "" if value is None else str(value)

    def start(self) -> str:
        """Grab the saved shortcut (none when the person turned it off); the status in words."""
        seq = self.sequence
        if not seq:
            self.grab.stop()
            self.status = "Off."
        else:
            problem = self.grab.start(seq)
            if problem == PENDING:
                self.status = f"Asking your desktop for {key_label(seq)}…"
            else:
                self.status = (f"{key_label(seq)} opens quick recall from any app." if problem is None
                               else f"Not available: {problem}.")
        self.changed.emit(self.status)
        return self.status

    @Slot(str)
    def _settled(self, problem: str) -> None:
        seq = self.sequence
        if not problem and self.grab.trigger_description:
            self.status = f"{self.grab.trigger_description} opens quick recall from any app."
        elif not problem:
            # Some desktops (KDE Plasma 5) accept the shortcut but leave choosing its keys to the
            # person, in their own settings, and say nothing about which keys it has.
            self.status = (f"Your desktop has the quick-recall shortcut; if {key_label(seq)} does "
                           "not open it, choose its keys in your desktop's shortcut settings.")
        else:
            self.status = f"Not available: {problem}."
        self.changed.emit(self.status)

    def set_sequence(self, sequence: str) -> str:
        """Save and grab ``sequence`` ("" turns the shortcut off); the new status."""
        self._settings.setValue(self.KEY, sequence.strip())
        self._settings.sync()
        return self.start()

    def stop(self) -> None:
        """Release the shortcut."""
        self.grab.stop()

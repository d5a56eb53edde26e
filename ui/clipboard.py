"""Private text on the clipboard: marked secret for clipboard managers, and taken back off.

A value copied from quick recall (a profile value for ``fill:``, an answer, a result) would
otherwise stay on the clipboard, and in a clipboard manager's history, for as long as the session
lasts. :class:`ClipboardGuard` puts it there with the ``x-kde-passwordManagerHint: secret`` mark
(the convention KDE's Klipper and other clipboard managers follow: a marked entry is not kept in
their history), and clears it after a delay, on lock and on quit, but only while the clipboard
still holds what we put there: something the person copied since is theirs and stays.
"""

from __future__ import annotations

import atexit
import logging
import secrets

from ui.qt import QApplication, QByteArray, QClipboard, QMimeData, QObject, QTimer

log = logging.getLogger("secondme.ui.clipboard")

CLEAR_AFTER_MS = 30_000
PASSWORD_HINT_MIME = "x-kde-passwordManagerHint"
# Our own format, holding a random token per copy: it tells our copy from the same text copied
# elsewhere since (reading the text alone could not).
TOKEN_MIME = "application/x-secondme-copy"


def _clear_at_exit() -> None:
    """At interpreter exit: clear any copy of ours still on the clipboard.

    A copy must not outlive the app. It also keeps PySide (6.12) from crashing while Python
    shuts down: a QMimeData made in Python and still held by the clipboard when the
    QApplication goes is a segfault on exit.
    """
    if QApplication.instance() is None:
        return
    clipboard = QApplication.clipboard()
    mime = clipboard.mimeData(QClipboard.Mode.Clipboard)
    if mime is not None and mime.hasFormat(TOKEN_MIME):
        clipboard.clear(QClipboard.Mode.Clipboard)


atexit.register(_clear_at_exit)


class ClipboardGuard(QObject):
    """Copies private text to the clipboard and clears it again (see the module docstring).

    ``clear_after_ms`` is how long a copy stays (30 s by default; tests use a short delay).
    One guard serves the whole app: a newer copy replaces the older one and restarts the delay.
    """

    def __init__(self, clear_after_ms: int = CLEAR_AFTER_MS, parent: QObject | None = None) -> None:
        """Nothing copied yet; a copy is cleared ``clear_after_ms`` after it was made."""
        super().__init__(parent)
        self.clear_after_ms = clear_after_ms
        self._token: bytes | None = None  # the token of our copy still on the clipboard, if any
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.expire)

    @staticmethod
    def _clipboard() -> QClipboard | None:
        app = QApplication.instance()
        return QApplication.clipboard() if app is not None else None

    def copy(self, text: str, *, secret: bool = True) -> None:
        """Put ``text`` on the clipboard, marked secret unless ``secret`` is False, and start the
        delay after which it is cleared (if still there)."""
        clipboard = self._clipboard()
        if clipboard is None or not text:
            return
        token = secrets.token_hex(16).encode()
        mime = QMimeData()
        mime.setText(text)
        mime.setData(TOKEN_MIME, QByteArray(token))
        if secret:
            mime.setData(PASSWORD_HINT_MIME, QByteArray(b"secret"))
        clipboard.setMimeData(mime, QClipboard.Mode.Clipboard)  # the clipboard owns it from now
        self._token = token
        self._timer.start(self.clear_after_ms)

    def holds_our_copy(self) -> bool:
        """True while the clipboard still holds the last text this guard put there."""
        clipboard = self._clipboard()
        if clipboard is None or self._token is None:
            return False
        mime = clipboard.mimeData(QClipboard.Mode.Clipboard)
        return mime is not None and bytes(mime.data(TOKEN_MIME).data()) == self._token

    def expire(self) -> None:
        """The delay is over: clear our copy, leaving anything copied since alone."""
        self._timer.stop()
        if self.holds_our_copy():
            clipboard = self._clipboard()
            if clipboard is not None:
                clipboard.clear(QClipboard.Mode.Clipboard)
                log.debug("cleared a copied value from the clipboard")
        self._token = None

    def withdraw(self) -> None:
        """On lock and quit: clear our copy now, and whatever else this app still owns.

        Where the platform tells ownership (X11, Wayland), text the person copied or selected in
        our own windows (an answer, a page) is private too: it goes with the key. Qt would
        otherwise hand the clipboard to the session's clipboard manager when the app exits.
        """
        self.expire()
        clipboard = self._clipboard()
        if clipboard is None:
            return
        if clipboard.ownsClipboard():
            clipboard.clear(QClipboard.Mode.Clipboard)
        # The X11 primary selection: we never set it ourselves, but selecting text in our
        # widgets does.
        if clipboard.supportsSelection() and clipboard.ownsSelection():
            clipboard.clear(QClipboard.Mode.Selection)

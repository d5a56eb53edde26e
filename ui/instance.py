"""One running app per data directory, reached through a local socket.

A second launch sends a command ("activate", "recall") to the running instance and exits. The
same channel answers "ping" (is the app ready, is the tray there) so scripts and the end-to-end
tests can wait for readiness instead of sleeping. Messages are one JSON object per line.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ui.qt import QByteArray, QLocalServer, QLocalSocket, QObject, Slot

log = logging.getLogger("secondme.ui.instance")

Handler = Callable[[dict[str, Any]], dict[str, Any]]
MAX_MESSAGE = 64 * 1024


def socket_name(data_dir: Path) -> str:
    """A socket name unique to this user and data directory (tests use many data dirs)."""
    digest = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16]
    name = f"secondme-{os.getuid() if hasattr(os, 'getuid') else 0}-{digest}"
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    # The runtime dir is private to the user; the default (the temp dir) is shared.
    if runtime and os.path.isdir(runtime) and len(runtime) + len(name) < 90:
        return str(Path(runtime) / f"{name}.sock")
    return name


def send(name: str, message: dict[str, Any], timeout_ms: int = 3000) -> dict[str, Any] | None:
    """Send one command to the running instance; its reply, or None when none is running."""
    sock = QLocalSocket()
    sock.connectToServer(name)
    if not sock.waitForConnected(timeout_ms):
        return None
    sock.write(QByteArray(json.dumps(message).encode() + b"\n"))
    sock.flush()
    buf = b""
    while b"\n" not in buf:
        if not sock.waitForReadyRead(timeout_ms):
            break
        buf += bytes(sock.readAll().data())
    sock.disconnectFromServer()
    if b"\n" not in buf:
        return {"ok": False, "error": "no reply"}
    try:
        reply: dict[str, Any] = json.loads(buf.split(b"\n", 1)[0])
    except ValueError:
        return {"ok": False, "error": "bad reply"}
    return reply


class InstanceServer(QObject):
    """Listens for commands from later launches (and test drivers) of the same data dir."""

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._handlers: dict[str, Handler] = {}
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        self._buffers: dict[QLocalSocket, bytes] = {}

    def handle(self, command: str, handler: Handler) -> None:
        self._handlers[command] = handler

    def listen(self) -> bool:
        """Start listening; False when another live instance owns the name."""
        if self._server.listen(self.name):
            return True
        if send(self.name, {"cmd": "ping"}, timeout_ms=500) is not None:
            return False
        # Nobody answers: a crashed instance left its socket file behind.
        QLocalServer.removeServer(self.name)
        ok = self._server.listen(self.name)
        if not ok:
            log.error("cannot listen on %s: %s", self.name, self._server.errorString())
        return ok

    def close(self) -> None:
        self._server.close()

    @Slot()
    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            sock = self._server.nextPendingConnection()
            self._buffers[sock] = b""
            sock.readyRead.connect(lambda s=sock: self._read(s))
            sock.disconnected.connect(lambda s=sock: self._drop(s))
            if sock.bytesAvailable():  # the command may have arrived with the connection
                self._read(sock)

    def _drop(self, sock: QLocalSocket) -> None:
        self._buffers.pop(sock, None)
        sock.deleteLater()

    def _read(self, sock: QLocalSocket) -> None:
        buf = self._buffers.get(sock, b"") + bytes(sock.readAll().data())
        if len(buf) > MAX_MESSAGE:
            sock.abort()
            return
        self._buffers[sock] = buf
        if b"\n" not in buf:
            return
        line = buf.split(b"\n", 1)[0]
        reply = self._dispatch(line)
        sock.write(QByteArray(json.dumps(reply).encode() + b"\n"))
        sock.flush()

    def _dispatch(self, line: bytes) -> dict[str, Any]:
        try:
            msg = json.loads(line)
            cmd = str(msg.get("cmd", ""))
        except (ValueError, AttributeError):
            return {"ok": False, "error": "bad message"}
        handler = self._handlers.get(cmd)
        if handler is None:
            return {"ok": False, "error": f"unknown command {cmd!r}"}
        log.debug("instance command %s", cmd)
        args = msg.get("args") or {}
        try:
            return handler(args if isinstance(args, dict) else {})
        except Exception as exc:  # our bug: logged with its traceback, and the caller is told
            log.exception("instance command %s failed", cmd)
            return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}

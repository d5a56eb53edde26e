"""One running app per data directory, reached through a local socket.

A second launch sends a command ("activate", "recall") to the running instance and exits. The
same channel answers "ping" (is the app ready, is the tray there) so scripts and the end-to-end
tests can wait for readiness instead of sleeping. Messages are one JSON object per line.

Only the same user may talk to it: the socket lives in a folder only that user can enter (the
session's runtime dir, else a 0700 folder of our own under /tmp that we refuse to use when
someone else made it), the server checks each peer's uid (``SO_PEERCRED``) and the client checks
that the socket file and the process answering are its own user's before it sends anything.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import stat
import struct
import sys
from collections.abc import Callable
from typing import Any

from secondme.app_channel import (  # noqa: F401  (re-exported: the UI and its tests use them here)
    InstanceSocketError,
    private_folder_problem,
    socket_name,
)
from ui.qt import QByteArray, QLocalServer, QLocalSocket, QObject, Signal, Slot, is_alive

log = logging.getLogger("secondme.ui.instance")

Handler = Callable[[dict[str, Any]], dict[str, Any]]
# A handler for work that must not run on the UI thread: it gets the arguments and a ``reply``
# it may call once, from any thread, when the answer is ready.
Reply = Callable[[dict[str, Any]], None]
AsyncHandler = Callable[[dict[str, Any], Reply], None]
MAX_MESSAGE = 64 * 1024


def peer_uid(sock: QLocalSocket) -> int | None:
    """The uid of the process at the other end of a connected local socket; None if unknown."""
    fd = int(sock.socketDescriptor())
    if fd < 0:
        return None
    if not hasattr(socket, "SO_PEERCRED"):
        # No SO_PEERCRED (macOS, the BSDs): the 0700 folder is the only wall there.
        return os.getuid() if sys.platform != "linux" else None
    try:
        # fromfd duplicates the descriptor: closing the copy leaves Qt's socket open.
        with socket.fromfd(fd, socket.AF_UNIX, socket.SOCK_STREAM) as s:
            creds = s.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    except OSError:
        return None
    _pid, uid, _gid = struct.unpack("3i", creds)
    return int(uid)


def _owned_socket_file(name: str) -> bool:
    """True when ``name`` is not a path (nothing to check) or a socket file of our own user."""
    if not os.path.isabs(name) or not hasattr(os, "getuid"):
        return True
    try:
        st = os.lstat(name)
    except FileNotFoundError:
        return True  # nothing listens: connecting fails on its own
    except OSError:
        return False
    return stat.S_ISSOCK(st.st_mode) and st.st_uid == os.getuid()


def send(name: str, message: dict[str, Any], timeout_ms: int = 3000) -> dict[str, Any] | None:
    """Send one command to the running instance; its reply, or None when none is running.

    A socket file or a listening process of another user is treated as no instance at all:
    nothing is sent to it (the command may carry what the person asked to recall).
    """
    if not _owned_socket_file(name):
        log.warning("not talking to %s: the socket is not this user's", name)
        return None
    sock = QLocalSocket()
    sock.connectToServer(name)
    if not sock.waitForConnected(timeout_ms):
        return None
    if hasattr(os, "getuid") and peer_uid(sock) != os.getuid():
        log.warning("not talking to %s: it is served by another user", name)
        sock.abort()
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

    # (socket, reply line) from any thread; queued to the UI thread, which owns the sockets.
    _deferred = Signal(object, bytes)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        """A server for socket ``name``; not listening until :meth:`listen`."""
        super().__init__(parent)
        self.name = name
        self._handlers: dict[str, Handler] = {}
        self._async_handlers: dict[str, AsyncHandler] = {}
        self._deferred.connect(self._write_deferred)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        self._buffers: dict[QLocalSocket, bytes] = {}

    def handle(self, command: str, handler: Handler) -> None:
        """Register ``handler`` for ``command``; it answers at once, on the UI thread."""
        self._handlers[command] = handler

    def handle_async(self, command: str, handler: AsyncHandler) -> None:
        """Register ``handler`` for work that answers later (from a worker thread)."""
        self._async_handlers[command] = handler

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
        """Stop listening."""
        self._server.close()

    @Slot()
    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            sock = self._server.nextPendingConnection()
            if hasattr(os, "getuid") and (uid := peer_uid(sock)) != os.getuid():
                # Another user reached the socket (the folder's mode is the first wall, this
                # the second): it gets no answer at all, not even to "ping".
                log.warning("refused an instance connection from uid %s", uid)
                sock.abort()
                sock.deleteLater()
                continue
            self._buffers[sock] = b""
            sock.readyRead.connect(lambda s=sock: self._read(s))
            sock.disconnected.connect(lambda s=sock: self._drop(s))
            if sock.bytesAvailable():  # the command may have arrived with the connection
                self._read(sock)

    def _drop(self, sock: QLocalSocket) -> None:
        self._buffers.pop(sock, None)
        try:
            sock.deleteLater()
        except RuntimeError:
            pass  # destroyed with the server (at quit), which announced the disconnection

    def _read(self, sock: QLocalSocket) -> None:
        buf = self._buffers.get(sock, b"") + bytes(sock.readAll().data())
        if len(buf) > MAX_MESSAGE:
            sock.abort()
            return
        # Each complete line is handled once and leaves the buffer: what arrives after it (on
        # the same connection) must not make the server handle it again.
        while b"\n" in buf:
            line, _, buf = buf.partition(b"\n")
            reply = self._dispatch(line, sock)
            if reply is not None:
                sock.write(QByteArray(json.dumps(reply).encode() + b"\n"))
                sock.flush()
        if sock in self._buffers:
            self._buffers[sock] = buf

    @Slot(object, bytes)
    def _write_deferred(self, sock: QLocalSocket, data: bytes) -> None:
        if sock in self._buffers and is_alive(sock):  # the client may have gone meanwhile
            sock.write(QByteArray(data))
            sock.flush()

    def _start_async(self, cmd: str, handler: AsyncHandler, args: dict[str, Any], sock: QLocalSocket) -> None:
        done = [False]

        def reply(result: dict[str, Any]) -> None:
            if done[0]:
                return
            done[0] = True
            self._deferred.emit(sock, json.dumps(result).encode() + b"\n")

        try:
            handler(args, reply)
        except Exception as exc:  # our bug: logged with its traceback, and the caller is told
            log.exception("instance command %s failed", cmd)
            reply({"ok": False, "error": f"{type(exc).__name__}: {exc}"})

    def _dispatch(self, line: bytes, sock: QLocalSocket | None = None) -> dict[str, Any] | None:
        try:
            msg = json.loads(line)
            cmd = str(msg.get("cmd", ""))
        except (ValueError, AttributeError):
            return {"ok": False, "error": "bad message"}
        async_handler = self._async_handlers.get(cmd)
        if async_handler is not None and sock is not None:
            args0 = msg.get("args") or {}
            self._start_async(cmd, async_handler, args0 if isinstance(args0, dict) else {}, sock)
            return None
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

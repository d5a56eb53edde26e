"""The channel to the running app: its socket's name and a Qt-free client.

The desktop app listens on a local socket per data directory (``ui/instance.py`` serves it).
Later launches, the browser's native-messaging host and the MCP server are separate processes
without Qt: they reach the running, unlocked app through :func:`request`, so they never need the
passphrase themselves and the person stays in control (lock the app and they get nothing).

Only the same user may talk to it: the socket lives in a folder only that user can enter (the
session's runtime dir, else a 0700 folder of our own under /tmp), and the client checks the socket
file's owner and the answering process's uid (``SO_PEERCRED``) before sending anything.
Messages are one JSON object per line: ``{"cmd": NAME, "args": {...}}`` → ``{"ok": bool, ...}``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import stat
import struct
import sys
from pathlib import Path
from typing import Any

from secondme.errors import UserError

log = logging.getLogger("secondme.app_channel")

# sun_path holds 108 bytes on Linux (104 on the BSDs) with its NUL; Qt refuses longer paths.
MAX_SOCKET_PATH = 100
# Where the socket goes when the session has no private runtime dir. Not the temp dir from
# TMPDIR: a long one would not fit in sun_path, and a second launch must find the same name.
FALLBACK_BASE = Path("/tmp")
MAX_REPLY = 4 * 1024 * 1024


class InstanceSocketError(UserError):
    """No folder private to this user could be found or made for the instance socket."""


def private_folder_problem(folder: Path) -> str | None:
    """Why ``folder`` is not a folder only this user can use, or None when it is.

    lstat, not stat: a symlink is refused (it could point anywhere, and be changed later).
    """
    try:
        st = os.lstat(folder)
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if not stat.S_ISDIR(st.st_mode):
        return "is not a folder"
    if st.st_uid != os.getuid():
        return f"belongs to another user (uid {st.st_uid})"
    if st.st_mode & 0o077:
        return f"can be used by other users (mode {stat.S_IMODE(st.st_mode):o})"
    return None


def socket_name(data_dir: Path, *, fallback_base: Path | None = None) -> str:
    """The socket path for this user and data directory (tests use many data dirs).

    In ``$XDG_RUNTIME_DIR`` when it is private to us, else in ``/tmp/secondme-<uid>/``, made
    0700 here; raises :class:`InstanceSocketError` when that folder exists but is not ours
    alone (another user made it first, to squat the name or listen in).
    """
    digest = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16]
    if not hasattr(os, "getuid"):  # Windows: Qt uses a named pipe, which has its own ACL
        return f"secondme-{digest}"
    uid = os.getuid()
    file = f"secondme-{uid}-{digest}.sock"
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isdir(runtime):
        problem = private_folder_problem(Path(runtime))
        if problem is None and len(runtime) + 1 + len(file) <= MAX_SOCKET_PATH:
            return str(Path(runtime) / file)
        log.warning("not using XDG_RUNTIME_DIR for the instance socket: %s",
                    problem or "the path is too long for a socket")
    folder = (fallback_base or FALLBACK_BASE) / f"secondme-{uid}"
    try:
        folder.mkdir(mode=0o700)  # the umask can only take bits away
    except FileExistsError:
        pass  # ours from an earlier launch, or someone else's: checked below
    except OSError as exc:
        raise InstanceSocketError(f"Cannot create {folder} for the single-instance socket: "
                                  f"{exc.strerror}.") from exc
    problem = private_folder_problem(folder)
    if problem is not None:
        raise InstanceSocketError(
            f"{folder} {problem}, so Second Me will not put its socket there. Someone may have "
            f"created it to intercept the app: remove it, or set XDG_RUNTIME_DIR to a folder "
            f"only you can use, and start again.")
    path = str(folder / file)
    if len(path) > MAX_SOCKET_PATH:
        raise InstanceSocketError(f"{folder} is too long a path for a socket; set "
                                  f"XDG_RUNTIME_DIR to a short private folder.")
    return path


class AppNotRunning(UserError):
    """No running Second Me app answers for this data directory."""


def _owned_socket_file(name: str) -> bool:
    """True when ``name`` is a socket file of our own user (or not a path: nothing to check)."""
    if not os.path.isabs(name) or not hasattr(os, "getuid"):
        return True
    try:
        st = os.lstat(name)
    except OSError:
        return False
    return stat.S_ISSOCK(st.st_mode) and st.st_uid == os.getuid()


def _peer_uid(sock: socket.socket) -> int | None:
    if not hasattr(socket, "SO_PEERCRED"):
        return os.getuid() if sys.platform != "linux" else None
    try:
        creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    except OSError:
        return None
    return int(struct.unpack("3i", creds)[1])


def request(data_dir: Path, cmd: str, args: dict[str, Any] | None = None, *,
            timeout: float = 10.0, name: str | None = None) -> dict[str, Any]:
    """Send one command to the running app for ``data_dir`` and return its reply.

    Raises :class:`AppNotRunning` when no app of this user listens (or the socket is someone
    else's: then nothing is sent, since a command may carry what the person looks for).
    """
    path = name or socket_name(data_dir)
    if not hasattr(socket, "AF_UNIX") or not _owned_socket_file(path):
        raise AppNotRunning("Second Me is not running: start it and unlock it, then try again.")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        try:
            sock.connect(path)
        except OSError as exc:
            raise AppNotRunning("Second Me is not running: start it and unlock it, then try again.") from exc
        if hasattr(os, "getuid") and _peer_uid(sock) != os.getuid():
            log.warning("not talking to %s: it is served by another user", path)
            raise AppNotRunning("the Second Me socket is served by another user; not using it")
        sock.sendall(json.dumps({"cmd": cmd, "args": args or {}}).encode() + b"\n")
        buf = b""
        while b"\n" not in buf:
            try:
                part = sock.recv(65536)
            except TimeoutError:
                return {"ok": False, "error": "the app did not answer in time"}
            if not part:
                break
            buf += part
            if len(buf) > MAX_REPLY:
                return {"ok": False, "error": "the app's reply was too large"}
    finally:
        sock.close()
    if b"\n" not in buf:
        return {"ok": False, "error": "no reply"}
    try:
        reply = json.loads(buf.split(b"\n", 1)[0])
    except ValueError:
        return {"ok": False, "error": "bad reply"}
    return reply if isinstance(reply, dict) else {"ok": False, "error": "bad reply"}

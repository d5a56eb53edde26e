"""A plain-socket client for the instance socket (tests talk to the app like a foreign process).

Python's socket calls release the GIL while they wait, so a test can send a command from a thread
while the app's server answers on the UI thread of the same process.
"""

from __future__ import annotations

import json
import socket
from typing import Any


def call(path: str, message: dict[str, Any], timeout: float = 10.0) -> dict[str, Any] | None:
    """One command, one reply; None when nothing listens at ``path``."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(path)
    except (FileNotFoundError, ConnectionRefusedError):
        s.close()
        return None
    with s:
        s.sendall(json.dumps(message).encode() + b"\n")
        buf = b""
        while b"\n" not in buf:
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
    reply: dict[str, Any] = json.loads(buf.split(b"\n", 1)[0])
    return reply

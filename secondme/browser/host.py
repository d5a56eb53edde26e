"""``secondme browser-host``: the native-messaging host the browser starts for the extension.

It reads requests from the extension on stdin and answers on stdout (see
:mod:`secondme.browser.protocol`), forwarding each to the running app through
:func:`secondme.app_channel.request`. It never opens the vault: a locked or closed app means no
values, and the extension says so. Requests:

- ``{"type": "status"}`` → ``{"ok": true, "state": "ready"|"locked"|…, "unlocked": bool}``
- ``{"type": "fill", "fields": [...], "confirm": [keys]}`` → the app's
  :func:`secondme.browser.answer.answer_fill` reply.

Every reply carries the request's ``id`` when it had one, and failures are
``{"ok": false, "error": "<a sentence for the person>", "reason": "not_running"|"locked"|"bad_request"|"app"}``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from secondme.app_channel import AppNotRunning, request
from secondme.browser.protocol import ProtocolError, read_message, write_message
from secondme.errors import UserError

log = logging.getLogger("secondme.browser.host")

# The native messaging host's name: the browsers look up "<NAME>.json" in their host folders.
HOST_NAME = "io.github.secondme.browser_host"
# Filling a long form is a few hundred profile look-ups: well under this.
APP_TIMEOUT = 20.0
NOT_RUNNING = "Second Me is not running: start it and unlock it, then click again."
LOCKED = "Second Me is locked: unlock it, then click again."

Sender = Callable[[str, dict[str, Any]], dict[str, Any]]


def app_sender(data_dir: Path, *, socket: str | None = None, timeout: float = APP_TIMEOUT) -> Sender:
    """Send one command to the running app for ``data_dir`` (raises ``AppNotRunning``)."""
    def send(cmd: str, args: dict[str, Any]) -> dict[str, Any]:
        return request(data_dir, cmd, args, timeout=timeout, name=socket)
    return send


def _fail(reason: str, error: str) -> dict[str, Any]:
    return {"ok": False, "reason": reason, "error": error}


def handle(message: dict[str, Any], send: Sender) -> dict[str, Any]:
    """The reply to one request from the extension (never raises for a bad request)."""
    kind = message.get("type")
    try:
        if kind == "status":
            ping = send("ping", {})
            if not ping.get("ok"):
                return _fail("app", str(ping.get("error") or "the app did not answer"))
            state = str(ping.get("state", ""))
            return {"ok": True, "state": state, "unlocked": state == "ready"}
        if kind == "fill":
            fields = message.get("fields")
            if not isinstance(fields, list) or not fields:
                return _fail("bad_request", "the request holds no form fields")
            confirm = message.get("confirm") or []
            if not isinstance(confirm, list):
                return _fail("bad_request", "confirm must be a list")
            reply = send("browser.fill", {"fields": fields, "confirm": confirm})
            if reply.get("ok"):
                return {"ok": True, "results": reply.get("results", [])}
            if reply.get("locked"):
                return _fail("locked", LOCKED)
            error = str(reply.get("error") or "the app could not answer")
            if error.startswith("unknown command"):
                return _fail("app", "the running Second Me app is too old to fill forms: update and restart it")
            return _fail("bad_request" if reply.get("bad_request") else "app", error)
        return _fail("bad_request", f"unknown request type {kind!r} (use 'status' or 'fill')")
    except AppNotRunning:
        return _fail("not_running", NOT_RUNNING)
    except UserError as exc:  # e.g. the socket folder belongs to someone else
        return _fail("app", str(exc))


def serve(stdin: BinaryIO, stdout: BinaryIO, send: Sender) -> int:
    """Answer requests until the browser closes stdin; 0 then, 1 after a framing error.

    A message that is not JSON gets an error reply and the host reads on; a broken frame (a
    length over the limit, input cut short) gets an error reply and ends the host, since the
    stream can no longer be read in step."""
    while True:
        try:
            message = read_message(stdin)
        except ProtocolError as exc:
            log.warning("bad message from the browser: %s", exc)
            write_message(stdout, _fail("bad_request", f"bad message: {exc}"))
            if exc.fatal:
                return 1
            continue
        if message is None:
            return 0
        reply = handle(message, send)
        if "id" in message and isinstance(message["id"], (int, str)):
            reply["id"] = message["id"]
        try:
            write_message(stdout, reply)
        except ValueError as exc:  # a reply over the browser's 1 MiB limit
            log.warning("reply not sent: %s", exc)
            failed = _fail("app", "the answer was too large to send to the browser")
            if "id" in reply:
                failed["id"] = reply["id"]
            write_message(stdout, failed)

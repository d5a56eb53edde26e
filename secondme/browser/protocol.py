"""The native messaging wire format: each message is a 4-byte length (native byte order, which is
little-endian on every platform the browsers ship native messaging on) and that many bytes of
UTF-8 JSON. Chromium and Firefox use the same format.
"""

from __future__ import annotations

import json
import struct
from typing import Any, BinaryIO

from secondme.errors import SecondMeError

# What a browser may send us: one form's field descriptions are a few KiB. Chromium allows up
# to 64 MiB towards the host; we refuse long before, so a broken or hostile sender cannot make
# the host hold large buffers.
MAX_INCOMING = 1024 * 1024
# Chromium refuses messages over 1 MiB from a host (it closes the port).
MAX_OUTGOING = 1024 * 1024
_HEADER = struct.Struct("<I")


class ProtocolError(SecondMeError):
    """A message that breaks the framing or is not one JSON object.

    ``fatal`` is true when the stream can no longer be read in step (a bad length header or a
    message cut short): the host answers once and stops; otherwise it answers and reads on.
    """

    def __init__(self, message: str, *, fatal: bool) -> None:
        """``fatal``: the stream is out of step and the host must stop after answering."""
        super().__init__(message)
        self.fatal = fatal


def _read_exactly(stream: BinaryIO, n: int) -> bytes:
    parts: list[bytes] = []
    got = 0
    while got < n:
        chunk = stream.read(n - got)
        if not chunk:
            break
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)


def read_message(stream: BinaryIO, limit: int = MAX_INCOMING) -> dict[str, Any] | None:
    """The next message from ``stream``; None at a clean end of input (the browser closed it).

    Raises :class:`ProtocolError` for a short header or body, a length over ``limit``, bytes
    that are not UTF-8, JSON that does not parse, or JSON that is not an object.
    """
    header = _read_exactly(stream, _HEADER.size)
    if not header:
        return None
    if len(header) < _HEADER.size:
        raise ProtocolError("the message header was cut short", fatal=True)
    (length,) = _HEADER.unpack(header)
    if length > limit:
        raise ProtocolError(f"message of {length} bytes is over the limit of {limit} bytes", fatal=True)
    body = _read_exactly(stream, length)
    if len(body) < length:
        raise ProtocolError(f"the message was cut short ({len(body)} of {length} bytes)", fatal=True)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError("the message is not UTF-8 text", fatal=False) from None
    try:
        value = json.loads(text)
    except ValueError:
        raise ProtocolError("the message is not JSON", fatal=False) from None
    if not isinstance(value, dict):
        raise ProtocolError("the message must be one JSON object", fatal=False)
    return value


def encode_message(message: dict[str, Any]) -> bytes:
    """``message`` framed for the wire; raises ValueError when it is over what browsers accept."""
    body = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if len(body) > MAX_OUTGOING:
        raise ValueError(f"reply of {len(body)} bytes is over the browser's limit of {MAX_OUTGOING}")
    return _HEADER.pack(len(body)) + body


def write_message(stream: BinaryIO, message: dict[str, Any]) -> None:
    """Frame ``message`` onto ``stream`` and flush it (the browser waits for each reply)."""
    stream.write(encode_message(message))
    stream.flush()

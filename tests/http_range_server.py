"""A real HTTP server on 127.0.0.1 that serves one file with Range support, for the model
downloader's tests and benchmark.

Faults are switched on per test: an HTTP status instead of the file, a connection dropped after
N bytes (once), a byte-rate limit, a server that ignores Range, a redirect. Every request is
recorded (its Range header, the status sent and the body bytes sent), so a test can check that
a resumed download really asked for the rest and fetched less than the whole file.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

_RANGE = re.compile(r"bytes=(\d+)-(\d*)$")


@dataclass
class Served:
    """One request as the server saw it."""

    path: str
    range: str | None
    status: int
    sent: int = 0


class RangeServer:
    """Serves ``file`` at ``/<file name>`` (and a redirect to it at ``/redirect``)."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.status: int | None = None  # answer this status instead of the file
        self.drop_after: int | None = None  # close the next body after this many bytes
        self.rate: int | None = None  # bytes per second
        self.ignore_range = False
        self.requests: list[Served] = []
        self.stopping = threading.Event()
        self.first_byte = threading.Event()  # set once a body byte has been sent
        self._lock = threading.Lock()
        handler = _make_handler(self)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._httpd.handle_error = _quiet_errors  # type: ignore[method-assign]
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="range-server", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/{self.file.name}"

    @property
    def redirect_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/redirect"

    def bytes_sent(self) -> int:
        with self._lock:
            return sum(r.sent for r in self.requests)

    def _record(self, served: Served) -> None:
        with self._lock:
            self.requests.append(served)

    def take_drop(self) -> int | None:
        with self._lock:
            n, self.drop_after = self.drop_after, None
            return n

    def __enter__(self) -> RangeServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()


def _quiet_errors(request: Any, client_address: Any) -> None:
    # A client that cancels mid-body breaks the pipe: expected here, not worth a traceback.
    pass


def _make_handler(server: RangeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            self.close_connection = True
            rng = self.headers.get("Range")
            if self.path == "/redirect":
                server._record(Served(self.path, rng, 302))
                self.send_response(302)
                self.send_header("Location", f"/{server.file.name}")
                self.send_header("Content-Length", "0")
                self.send_header("Connection", "close")
                self.end_headers()
                return
            if self.path != f"/{server.file.name}":
                self._plain(404, b"not found")
                return
            if server.status is not None:
                self._plain(server.status, b"server error for the test")
                return
            size = server.file.stat().st_size
            start, end = 0, size - 1
            status = 200
            m = _RANGE.match(rng or "")
            if m and not server.ignore_range:
                start = int(m.group(1))
                if m.group(2):
                    end = min(int(m.group(2)), size - 1)
                if start >= size:
                    self._plain(416, b"")
                    return
                status = 206
            count = end - start + 1
            served = Served(self.path, rng, status)
            server._record(served)
            self.send_response(status)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(count))
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Connection", "close")
            if status == 206:
                self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
            self.end_headers()
            drop = server.take_drop()
            with open(server.file, "rb") as fh:
                try:
                    if drop is None and server.rate is None:
                        served.sent = self._sendfile(fh, start, count)
                    else:
                        served.sent = self._trickle(fh, start, count if drop is None else min(drop, count))
                except (ConnectionError, OSError):
                    return
            if drop is not None:
                # Cut the body short: the client sees the connection close before Content-Length.
                self.connection.shutdown(socket.SHUT_RDWR)

        def _sendfile(self, fh: Any, start: int, count: int) -> int:
            sent = 0
            while sent < count:
                n = os.sendfile(self.connection.fileno(), fh.fileno(), start + sent, count - sent)
                if n == 0:
                    break
                sent += n
                server.first_byte.set()
            return sent

        def _trickle(self, fh: Any, start: int, count: int) -> int:
            fh.seek(start)
            sent = 0
            block = 64 * 1024 if server.rate is None else max(1024, server.rate // 20)
            t0 = time.monotonic()
            while sent < count and not server.stopping.is_set():
                data = fh.read(min(block, count - sent))
                if not data:
                    break
                self.wfile.write(data)
                sent += len(data)
                server.first_byte.set()
                if server.rate:
                    ahead = sent / server.rate - (time.monotonic() - t0)
                    if ahead > 0:
                        server.stopping.wait(ahead)
            return sent

        def _plain(self, status: int, body: bytes) -> None:
            server._record(Served(self.path, self.headers.get("Range"), status, len(body)))
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)

    return Handler


def make_file(path: Path, size: int, seed: int = 1) -> Path:
    """A file of ``size`` pseudo-random bytes (incompressible, different per seed)."""
    import random

    rnd = random.Random(seed)
    block = 1 << 20
    with open(path, "wb") as fh:
        left = size
        while left:
            n = min(block, left)
            fh.write(rnd.randbytes(n))
            left -= n
    return path

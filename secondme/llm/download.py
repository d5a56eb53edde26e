"""Download a catalog model: the only network access Second Me ever makes.

It runs only when the person asks for it (the Download button in Settings → Model, or
``secondme models download NAME``); nothing imports this module at startup and no code path
starts a download on its own. Only ``https`` URLs are fetched (plain ``http`` only from a
loopback address, which is what the tests serve from).

How a download goes:

1. Free space in the models folder is checked first (what is still missing plus a margin).
2. Bytes arrive into ``<file>.part``. A ``.part`` left by an interrupted or cancelled attempt
   is resumed with an HTTP ``Range`` request; a server that ignores the range starts over.
3. Progress (bytes, speed over the last seconds, ETA) goes to a callback a few times a second.
4. A ``threading.Event`` cancels: the socket is shut down from a watcher thread, so even a
   stalled transfer stops at once, and the ``.part`` is kept for resuming.
5. The SHA-256 is computed while the bytes arrive. Only a file with the pinned hash is renamed
   (atomically) to its real name; a wrong hash deletes the ``.part``.

Every failure is a typed ``secondme.errors`` error with a message a person can act on.
"""

from __future__ import annotations

import errno
import hashlib
import http.client
import ipaddress
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from secondme.errors import (
    Cancelled,
    DiskFull,
    DownloadChecksumMismatch,
    DownloadError,
    DownloadInterrupted,
    DownloadServerError,
    NotEnoughDiskSpace,
)
from secondme.llm.catalog import human_bytes
from secondme.llm.download_local import (
    CHUNK,
    DownloadResult,
    FreeSpaceFn,
    ProgressFn,
    _fsync_dir,
    _hash_prefix,
    _HashPipe,
    _Reporter,
    _write_all,
    free_space,
    select_model,
    sha256_file,
)

if TYPE_CHECKING:
    from secondme.llm.catalog import CatalogEntry
    from secondme.paths import Paths
    from secondme.settings import Settings

log = logging.getLogger("secondme.llm.download")

# Kept free beyond the file itself, so a download never leaves the disk completely full.
MARGIN = 64 * 1024 * 1024
CONNECT_TIMEOUT = 30.0
# A server that sends nothing for this long is treated as a dropped connection.
STALL_TIMEOUT = 60.0
MAX_REDIRECTS = 5
USER_AGENT = "SecondMe-model-download/1"
_REDIRECTS = (301, 302, 303, 307, 308)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str) -> None:
    """Refuse anything but https (plain http only to a loopback address)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme == "https" and host:
        return
    if parts.scheme == "http" and _is_loopback(host):
        return
    raise DownloadError(f"refusing to download from {url!r}: only https addresses are used")


class _Stopper:
    """Shuts the connection's socket down when ``cancel`` is set, waking a blocked read.

    Polls because an Event cannot be waited on together with "the download has finished".
    """

    def __init__(self, cancel: threading.Event, conn: http.client.HTTPConnection) -> None:
        self._cancel = cancel
        self._conn = conn
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="secondme-download-cancel", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._done.is_set():
            if self._cancel.wait(0.05):
                sock = self._conn.sock
                if sock is not None:
                    try:
                        sock.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass  # already closed
                return

    def stop(self) -> None:
        self._done.set()
        self._thread.join()


def _connection(url: str) -> http.client.HTTPConnection:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme == "https":
        return http.client.HTTPSConnection(host, parts.port, timeout=CONNECT_TIMEOUT)
    return http.client.HTTPConnection(host, parts.port, timeout=CONNECT_TIMEOUT)


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _open(url: str, start: int, label: str) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
    """GET ``url`` from byte ``start``, following redirects; the caller closes the connection."""
    for _ in range(MAX_REDIRECTS + 1):
        check_url(url)
        conn = _connection(url)
        headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
        if start:
            headers["Range"] = f"bytes={start}-"
        try:
            conn.request("GET", _request_target(url), headers=headers)
            resp = conn.getresponse()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            host = urlsplit(url).hostname
            raise DownloadInterrupted(
                f"downloading {label} failed: could not reach {host} ({_reason(exc)}); "
                "check the connection and try again") from exc
        if resp.status in _REDIRECTS:
            location = resp.getheader("Location")
            resp.close()
            conn.close()
            if not location:
                raise DownloadServerError(
                    f"downloading {label} failed: the server sent a redirect without an address",
                    resp.status)
            new = urljoin(url, location)
            if urlsplit(url).scheme == "https" and urlsplit(new).scheme != "https":
                raise DownloadServerError(
                    f"downloading {label} failed: the server redirected to an insecure address",
                    resp.status)
            url = new
            continue
        # Bytes of the model can be large enough for a slow disk to make the server wait, but a
        # server that sends nothing at all for a minute has gone.
        if conn.sock is not None:
            conn.sock.settimeout(STALL_TIMEOUT)
        return conn, resp
    raise DownloadServerError(f"downloading {label} failed: too many redirects", 0)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, http.client.IncompleteRead):
        return "the connection closed early"
    if isinstance(exc, TimeoutError | socket.timeout):
        return "no data for too long"
    text = str(exc) or type(exc).__name__
    return text


def _parse_content_range(value: str | None) -> tuple[int, int | None]:
    """ "bytes 100-199/1000" -> (100, 1000); a total of "*" -> None."""
    if not value or not value.startswith("bytes "):
        raise ValueError(f"bad Content-Range {value!r}")
    span, _, total = value[6:].partition("/")
    first = int(span.split("-", 1)[0])
    return first, (None if total.strip() == "*" else int(total))


def download_file(
    url: str,
    dest: Path,
    *,
    size: int,
    sha256: str,
    label: str | None = None,
    on_progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    margin: int = MARGIN,
    free: FreeSpaceFn = free_space,
    chunk: int = CHUNK,
) -> DownloadResult:
    """Fetch ``url`` into ``dest``, resumable, verified against ``size`` and ``sha256``.

    Raises ``NotEnoughDiskSpace`` (before any request), ``DownloadServerError`` (HTTP errors,
    a different file), ``DownloadInterrupted`` (connection lost, short read: the ``.part`` is
    kept), ``DiskFull`` (the disk filled up meanwhile: kept too), ``DownloadChecksumMismatch``
    (the ``.part`` is deleted) and ``Cancelled`` (kept).
    """
    label = label or dest.name
    cancel = cancel if cancel is not None else threading.Event()
    check_url(url)
    started = time.monotonic()
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    if dest.is_file() and dest.stat().st_size == size:
        if sha256_file(dest, cancel) == sha256:
            return DownloadResult(dest, size, 0, size, time.monotonic() - started)
        # Our own file name with other bytes in it: replaced by the pinned file.
        log.warning("%s is damaged; downloading it again", dest.name)
    have = part.stat().st_size if part.is_file() else 0
    if have > size:
        part.unlink()
        have = 0
    needed = size - have + margin
    available = free(dest.parent)
    if available < needed:
        raise NotEnoughDiskSpace(
            f"not enough free disk space for {label}: it needs {human_bytes(needed)} free in "
            f"{dest.parent} ({human_bytes(size - have)} still to download and "
            f"{human_bytes(margin)} to spare) but only {human_bytes(available)} is free; "
            "free some space and try again")
    hasher = hashlib.sha256()
    report = _Reporter(on_progress, size, have)
    if have:
        _hash_prefix(part, have, hasher, cancel, report)
    resumed_from = have
    fetched = 0
    restarts = 0
    while have < size:
        if cancel.is_set():
            raise Cancelled(f"the download of {label} was paused")
        conn, resp = _open(url, have, label)
        stopper = _Stopper(cancel, conn)
        try:
            start = _check_response(resp, have, size, label)
            if start != have:
                # The server sends the whole file (it ignored our range, or the part no longer
                # matches it): start over rather than fail.
                restarts += 1
                if restarts > 2:
                    raise DownloadServerError(f"downloading {label} failed: the server keeps "
                                              "restarting the file", resp.status)
                have, resumed_from = 0, 0
                hasher = hashlib.sha256()
                if start < 0:  # 416: ask again from byte 0
                    part.unlink(missing_ok=True)
                    continue
            n = _receive(resp, part, have, size, hasher, cancel, report, label, chunk)
            fetched += n
            have += n
        finally:
            stopper.stop()
            resp.close()
            conn.close()
    report("verifying", size, force=True)
    digest = hasher.hexdigest()
    if digest != sha256:
        part.unlink(missing_ok=True)
        raise DownloadChecksumMismatch(
            f"the downloaded {label} is not the expected file (SHA-256 {digest[:12]}…, "
            f"expected {sha256[:12]}…); it was deleted and nothing was installed. "
            "Try again later; if it happens again the file on the server has changed")
    os.replace(part, dest)
    _fsync_dir(dest.parent)
    report("done", size, force=True)
    log.info("downloaded %s (%d bytes, %d fetched now)", dest.name, size, fetched)
    return DownloadResult(dest, size, fetched, resumed_from, time.monotonic() - started)


def _check_response(resp: http.client.HTTPResponse, have: int, size: int, label: str) -> int:
    """Where the body starts (``have`` on a good resume, 0 for a whole file, -1 for "ask
    again from 0"); raises on HTTP errors and on a file that is not the pinned one."""
    status = resp.status
    if status == 206:
        try:
            first, total = _parse_content_range(resp.getheader("Content-Range"))
        except ValueError as exc:
            raise DownloadServerError(f"downloading {label} failed: the server's answer to a "
                                      f"resumed download is malformed ({exc})", status) from exc
        if total is not None and total != size:
            raise _different_file(label, total, size, status)
        if first not in (have, 0):
            raise DownloadServerError(f"downloading {label} failed: the server resumed at the wrong "
                                      "place", status)
        return first
    if status == 200:
        length = resp.getheader("Content-Length")
        if length is not None and length.isdigit() and int(length) != size:
            raise _different_file(label, int(length), size, status)
        return 0
    if status == 416 and have:
        return -1
    reason = resp.reason or http.client.responses.get(status, "")
    if status == 404:
        hint = "the file is no longer at its pinned address; a newer Second Me may list it elsewhere"
    elif status in (401, 403):
        hint = "the server refused access to the file"
    elif status >= 500:
        hint = "the server has a problem; try again later (what arrived so far is kept)"
    else:
        hint = "try again later"
    raise DownloadServerError(f"downloading {label} failed: the server answered {status} {reason}; "
                              f"{hint}", status)


def _different_file(label: str, offered: int, size: int, status: int) -> DownloadServerError:
    return DownloadServerError(
        f"downloading {label} failed: the server offers a file of {offered} bytes, not the "
        f"expected {size}; it was not downloaded", status)


def _reader(resp: http.client.HTTPResponse) -> Callable[[memoryview], int]:
    """A ``readinto`` that returns whatever has arrived (one socket read), not a full buffer.

    A full-buffer read would hold progress and cancel checks back on a slow line, and
    ``read1`` allocates a new bytes object per read. The body's length is checked by the
    caller, so the buffered socket file can be read directly unless the body is chunked.
    """
    fp = resp.fp
    if not resp.chunked and fp is not None and hasattr(fp, "readinto1"):
        readinto1: Callable[[memoryview], int] = fp.readinto1
        return readinto1

    def fallback(view: memoryview) -> int:
        data = resp.read1(len(view))
        view[: len(data)] = data
        return len(data)

    return fallback


FILL_SECONDS = 0.05


def _fill(read: Callable[[memoryview], int], view: memoryview) -> int:
    """Read into ``view`` until it is full, the body ends, or a moment has passed.

    Fast transfers get whole chunks (few hand-overs to the hasher); slow ones still hand over
    what arrived a few times a second.
    """
    got = 0
    deadline = time.monotonic() + FILL_SECONDS
    while got < len(view):
        n = read(view[got:])
        if not n:
            break
        got += n
        if time.monotonic() >= deadline:
            break
    return got


def _receive(resp: http.client.HTTPResponse, part: Path, start: int, size: int,
             hasher: hashlib._Hash, cancel: threading.Event, report: _Reporter, label: str,
             chunk: int) -> int:
    """Append the body to ``part`` from ``start``, hashing it; returns the bytes received."""
    done = start
    pipe = _HashPipe(hasher, chunk)
    read = _reader(resp)
    # Unbuffered: a write that fails (disk full) fails here, not again in close().
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | (0 if start else os.O_TRUNC), 0o644)
    try:
        os.ftruncate(fd, start)
        os.lseek(fd, start, os.SEEK_SET)
        while done < size:
            if cancel.is_set():
                raise Cancelled(f"the download of {label} was paused")
            buf = pipe.take()
            with memoryview(buf) as view:
                try:
                    n = _fill(read, view[: min(chunk, size - done)])
                except (OSError, http.client.HTTPException) as exc:
                    pipe.give_back(buf)
                    if cancel.is_set():
                        raise Cancelled(f"the download of {label} was paused") from exc
                    raise DownloadInterrupted(
                        f"downloading {label} stopped at {human_bytes(done)} of {human_bytes(size)}: "
                        f"{_reason(exc)}; download again to resume") from exc
                if not n:
                    pipe.give_back(buf)
                    if cancel.is_set():
                        raise Cancelled(f"the download of {label} was paused")
                    raise DownloadInterrupted(
                        f"downloading {label} stopped at {human_bytes(done)} of {human_bytes(size)}: "
                        "the server closed the connection early; download again to resume")
                try:
                    _write_all(fd, view[:n])
                except OSError as exc:
                    pipe.give_back(buf)
                    if exc.errno == errno.ENOSPC:
                        raise DiskFull(
                            f"the disk filled up while downloading {label} ({human_bytes(done)} of "
                            f"{human_bytes(size)} saved); free some space and download again to "
                            "resume") from exc
                    raise
            pipe.hash(buf, n)
            done += n
            report("downloading", done)
        os.fsync(fd)
    finally:
        os.close(fd)
        pipe.close()
        report("downloading", done, force=True)
    return done - start


def download_model(
    entry: CatalogEntry,
    paths: Paths,
    settings: Settings,
    *,
    on_progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    free: FreeSpaceFn = free_space,
) -> DownloadResult:
    """Download a catalog entry into the models folder, verify it, then select it for use."""
    result = download_file(entry.url, entry.installed_path(paths.models_dir), size=entry.size,
                           sha256=entry.sha256, label=entry.title, on_progress=on_progress,
                           cancel=cancel, free=free)
    select_model(result.path, settings, paths)
    return result

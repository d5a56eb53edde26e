"""What a failing SQLite call or database file means to a person: a damaged store, a full disk."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from secondme.errors import DiskFull, StoreCorruption


def _is_damaged(exc: sqlite3.Error) -> bool:
    # SQLITE_CORRUPT (11) and SQLITE_NOTADB (26), with any extended code.
    return (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF in (11, 26)


def _damaged_file(detail: str) -> StoreCorruption:
    return StoreCorruption("store", 0, "file", message=f"the store database is damaged ({detail})")


def _is_full(exc: sqlite3.Error) -> bool:
    # SQLITE_FULL (13); an I/O error whose cause is ENOSPC reads as SQLITE_IOERR with the
    # write's errno lost, so the message is the one sign left for that case.
    code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
    return code == 13 or (code == 10 and "disk is full" in str(exc).lower())


def _translate_os_error(exc: sqlite3.Error) -> Exception:
    if _is_full(exc):
        return DiskFull("the disk is full: free some space; nothing already saved was lost")
    if _is_damaged(exc):
        return _damaged_file(str(exc))
    return exc


def check_file(path: Path) -> None:
    """Refuse a database file that is visibly cut short before SQLite reads it: a truncated
    file may open and fail only later, on the first read of a missing page, mid-command.

    The header records the page size and, when valid, the page count; at rest (no WAL frames
    pending, as ``Store.close`` leaves it) the file holds at least that many pages.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    if size == 0:
        return  # a file SQLite has not written yet: a fresh store
    with open(path, "rb") as fh:
        head = fh.read(100)
    if len(head) < 100 or not head.startswith(b"SQLite format 3\0"):
        raise _damaged_file(f"{path.name} is {size} bytes and has no valid SQLite header: truncated or overwritten")
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    count_valid = head[24:28] == head[92:96]
    wal = path.with_name(path.name + "-wal")
    wal_pending = wal.exists() and wal.stat().st_size > 0
    if count_valid and not wal_pending and size < pages * page_size:
        raise _damaged_file(f"{path.name} is {size} bytes but its header says {pages * page_size}: truncated")


def is_disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` means the disk is full (our DiskFull, or an OSError with ENOSPC)."""
    return isinstance(exc, DiskFull) or (isinstance(exc, OSError) and exc.errno == errno.ENOSPC)

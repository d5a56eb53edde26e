"""Changing a store file as someone holding it would, for the tamper tests."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from secondme.crypto import Sealer
from secondme.store.rows import register_row_mac
from secondme.store.schema import MIGRATIONS


def tamper(db: Path, *statements: tuple[str, tuple[Any, ...]]) -> None:
    """Run ``statements`` on the file with plain sqlite3, the MAC triggers out of the way, then
    restore the triggers."""
    raw = sqlite3.connect(db, isolation_level=None)
    try:
        triggers = raw.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
        raw.execute("BEGIN")
        for name, _sql in triggers:
            raw.execute(f"DROP TRIGGER {name}")
        for sql, params in statements:
            raw.execute(sql, params)
        for _name, sql in triggers:
            raw.execute(sql)
        raw.execute("COMMIT")
    finally:
        raw.close()


def old_store(db: Path, sealer: Sealer, version: int) -> sqlite3.Connection:
    """A store file at schema ``version``, as an older release left it (the migrations up to it
    only), and an open connection to it for the test to fill."""
    conn = sqlite3.connect(db, isolation_level=None)
    register_row_mac(conn, sealer)
    for migrate in MIGRATIONS[:version]:
        migrate(conn)
    conn.execute(f"PRAGMA user_version={version}")
    return conn

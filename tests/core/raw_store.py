"""Changing a store file as someone holding it would, for the tamper tests."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any


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

"""Consolidation's bookkeeping: high-water marks (plain ``meta`` rows holding ids) and the days
whose episodes must be rebuilt (a sealed private setting: the days say when the person wrote)."""

from __future__ import annotations

from collections.abc import Iterable

from secondme.store.db import Store, Writer
from secondme.store.hashes import setting_hash
from secondme.store.repos.base import Repository
from secondme.store.rows import Value
from secondme.store.schema import DIRTY_DAYS_SETTING


class MarkRepository(Repository):
    """Plain marks by key (ids and counters only: nothing private goes in ``meta``)."""

    table = "meta"

    def get(self, key: str, default: str | None = None, *, writer: Writer | None = None) -> str | None:
        """The mark stored under ``key`` (read inside ``writer`` when given), or ``default``."""
        if writer is not None:
            row = writer.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            v = None if row is None else row[0]
        else:
            v = self.store.scalar("SELECT value FROM meta WHERE key = ?", (key,))
        return default if v is None else str(v)

    def get_int(self, key: str, *, writer: Writer | None = None) -> int:
        """The mark under ``key`` as an int (0 when unset)."""
        return int(self.get(key, "0", writer=writer) or 0)

    def set(self, w: Writer, key: str, value: str | int) -> None:
        """Set (or replace) the mark under ``key`` inside ``w``."""
        w.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                  (key, str(value)))


class DirtyDays(Repository):
    """The set of days (``YYYY-MM-DD``) whose episode needs rebuilding, sealed."""

    table = "private_settings"

    def __init__(self, store: Store) -> None:
        """Over ``store``; the setting's keyed hash is computed once here."""
        super().__init__(store)
        self._key = setting_hash(store, DIRTY_DAYS_SETTING)

    def get(self, *, writer: Writer | None = None) -> set[str]:
        """The days awaiting a rebuild (read inside ``writer`` when given); empty when none."""
        rows = self.rows("SELECT * FROM private_settings WHERE key_hash = ?", (self._key,), writer=writer)
        return {str(d) for d in (rows[0].get("value") if rows else None) or []}

    def set(self, w: Writer, days: Iterable[str]) -> None:
        """Replace the set of days with ``days`` inside ``w`` (sealed, sorted)."""
        row = w.execute("SELECT id FROM private_settings WHERE key_hash = ?", (self._key,)).fetchone()
        value: dict[str, Value] = {"value": sorted(days), "key": DIRTY_DAYS_SETTING}
        if row is not None:
            w.update("private_settings", int(row[0]), private=value)
        else:
            w.insert("private_settings", {"key_hash": self._key}, value)

    def add(self, w: Writer, days: Iterable[str]) -> None:
        """Add ``days`` to the set inside ``w``; no write when ``days`` is empty."""
        days = set(days)
        if days:
            self.set(w, self.get(writer=w) | days)

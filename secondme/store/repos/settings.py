"""Private settings: sealed values under the keyed hash of their name."""

from __future__ import annotations

from typing import Any

from secondme.store.hashes import setting_hash
from secondme.store.repos.base import Repository


class PrivateSettings(Repository):
    """The ``private_settings`` table; the name is kept sealed too (key rotation rehashes it)."""

    table = "private_settings"

    def get(self, key: str, default: Any = None) -> Any:
        """The private setting ``key`` (found by keyed hash, opened), or ``default``."""
        rows = self._store.select("private_settings", "key_hash = ?", (setting_hash(self._store, key),))
        return rows[0]["value"] if rows else default

    def set(self, key: str, value: Any) -> None:
        """Store the private setting ``key`` sealed, replacing any earlier value."""
        h = setting_hash(self._store, key)
        with self._store.write() as w:
            row = w.execute("SELECT id FROM private_settings WHERE key_hash = ?", (h,)).fetchone()
            if row:
                w.update("private_settings", int(row[0]), private={"value": value, "key": key})
            else:
                w.insert("private_settings", {"key_hash": h}, {"value": value, "key": key})

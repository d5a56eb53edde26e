"""Consolidation's own bookkeeping in the store: how far each pass has read (plain ``meta``
rows holding ids) and which days' episodes must be rebuilt (a sealed private setting: the days
say when the person wrote). Used by consolidation, episodes, links and forgetting."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from secondme.store import Store
from secondme.store.db import Value, Writer
from secondme.store.hashes import setting_hash
from secondme.store.schema import DIRTY_DAYS_SETTING

DIRTY_DAYS = DIRTY_DAYS_SETTING


def get_meta(w_or_store: Any, key: str, default: str | None = None) -> str | None:
    if isinstance(w_or_store, Writer):
        row = w_or_store.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return default if row is None else str(row[0])
    v = w_or_store.scalar("SELECT value FROM meta WHERE key = ?", (key,))
    return default if v is None else str(v)


def set_meta(w: Writer, key: str, value: str) -> None:
    w.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
              (key, value))


def get_dirty_days(src: Writer | Store) -> set[str]:
    """The days whose episode needs rebuilding (sealed, like ``SecondMe.set_private``)."""
    store = src.store if isinstance(src, Writer) else src
    h = setting_hash(store, DIRTY_DAYS)
    if isinstance(src, Writer):
        row = src.execute("SELECT id, value FROM private_settings WHERE key_hash = ?", (h,)).fetchone()
    else:
        found = store.query("SELECT id, value FROM private_settings WHERE key_hash = ?", (h,))
        row = (found[0]["id"], found[0]["value"]) if found else None
    if row is None:
        return set()
    return {str(d) for d in store.open_value("private_settings", int(row[0]), "value", row[1]) or []}


def set_dirty_days(w: Writer, days: Iterable[str]) -> None:
    h = setting_hash(w.store, DIRTY_DAYS)
    row = w.execute("SELECT id FROM private_settings WHERE key_hash = ?", (h,)).fetchone()
    value: dict[str, Value] = {"value": sorted(days), "key": DIRTY_DAYS}
    if row is not None:
        w.update("private_settings", int(row[0]), private=value)
    else:
        w.insert("private_settings", {"key_hash": h}, value)


def mark_days_dirty(w: Writer, days: Iterable[str]) -> None:
    days = set(days)
    if days:
        set_dirty_days(w, get_dirty_days(w) | days)

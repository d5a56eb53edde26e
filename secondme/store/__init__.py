"""The encrypted canonical store (SQLite, every private column sealed)."""

from secondme.store.db import Row, Store

__all__ = ["Row", "Store"]

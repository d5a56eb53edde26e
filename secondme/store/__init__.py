"""The encrypted canonical store (SQLite, every private column sealed)."""

from secondme.store.db import Store
from secondme.store.rows import Row

__all__ = ["Row", "Store"]

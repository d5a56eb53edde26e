"""Typed repositories over the encrypted store.

Each repository owns the SQL of its tables: it returns dataclasses whose private values are
opened once, reads by id in batches, and writes through the store's sealed writer. Nothing
outside ``secondme/store/`` writes SQL or opens a sealed value by hand.
"""

from secondme.store.repos.base import BATCH, Repository, chunked, placeholders

__all__ = ["BATCH", "Repository", "chunked", "placeholders"]

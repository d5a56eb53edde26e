"""Typed repositories over the encrypted store.

Each repository owns the SQL of its tables: it returns dataclasses whose private values are
opened once, reads by id in batches, and writes through the store's sealed writer. Nothing
outside ``secondme/store/`` writes SQL or opens a sealed value by hand.
"""

from __future__ import annotations

from secondme.store.db import Store
from secondme.store.repos.audit import AuditLog
from secondme.store.repos.base import BATCH, Repository, chunked, placeholders
from secondme.store.repos.documents import Chunks, Documents
from secondme.store.repos.facts import FactRepository
from secondme.store.repos.folders import Folders
from secondme.store.repos.jobs import JobRuns
from secondme.store.repos.links import LinkRepository
from secondme.store.repos.memories import MemoryRepository
from secondme.store.repos.profile import ProfileFieldRepository
from secondme.store.repos.settings import PrivateSettings

__all__ = ["BATCH", "Repositories", "Repository", "chunked", "placeholders"]


class Repositories:
    """Every repository of one open store, one attribute each (``repos.documents``, ...).

    They hold nothing but the store, so building them is free; one instance per unlock.
    """

    def __init__(self, store: Store) -> None:
        """One repository per table family, all over ``store``."""
        self.store = store
        self.documents = Documents(store)
        self.chunks = Chunks(store)
        self.folders = Folders(store)
        self.jobs = JobRuns(store)
        self.settings = PrivateSettings(store)
        self.audit = AuditLog(store)
        self.memories = MemoryRepository(store)
        self.facts = FactRepository(store)
        self.links = LinkRepository(store)
        self.profile = ProfileFieldRepository(store)

"""Facts: the memories of kind ``fact`` that consolidation derives (slot, value, sources)."""

from __future__ import annotations

from collections.abc import Iterable

from secondme.store.db import Writer
from secondme.store.repos.memories import EMBEDDING, META, Memory, MemoryRepository

FACT = "fact"


class FactRepository(MemoryRepository):
    """Reads facts with their meta (and embedding) opened; writes as :class:`MemoryRepository`."""

    def all(self, *, vectors: bool = True) -> list[Memory]:
        """Every fact, superseded ones included, by id."""
        return self.of_kind(FACT, (META, EMBEDDING) if vectors else (META,))

    def among(self, w: Writer, ids: Iterable[int]) -> list[Memory]:
        """The facts among ``ids``, inside ``w``'s transaction, by id."""
        found = self.by_ids(ids, (META,), where="kind = ?", params=(FACT,), writer=w)
        return [found[i] for i in sorted(found)]

"""Adding and reading memory items in the encrypted store."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from secondme.embed.base import Embedder
from secondme.store import Store
from secondme.store.db import Writer
from secondme.store.repos.memories import MemoryRepository


@dataclass(frozen=True)
class NewMemory:
    """A memory to add. ``source`` groups items (a conversation, an import) for forgetting."""

    text: str
    kind: str = "message"
    at: float | None = None           # event time, epoch seconds
    speaker: str | None = None
    source: str | None = None         # e.g. "conversation:<id>", "import:<file>", "note:<path>"
    source_id: str | None = None      # the item's own external id (imported message ids)
    meta: dict[str, Any] = field(default_factory=dict)


def embed_text(m: NewMemory) -> str:
    """The text a memory is embedded from (its vector's input, not what is stored)."""
    # The dense side sees "speaker: text" without the date (measured better on LoCoMo).
    return f"{m.speaker}: {m.text}" if m.speaker else m.text


class MemoryItems:
    """Writes memory items with their embeddings (the store logs them for the indexes)."""

    def __init__(self, store: Store, embedder: Embedder) -> None:
        """Write memories into ``store``, embedding them with ``embedder``."""
        self._store = store
        self._embedder = embedder
        self.memories = MemoryRepository(store)

    def source_key(self, source: str) -> str:
        """The keyed hash stored for ``source`` (a file or conversation), which finds its memories again."""
        return self.memories.source_key(source)

    def embed_one(self, text: str) -> np.ndarray:
        """The embedding of one memory's text (as ``embed_text`` shapes it)."""
        return np.asarray(self._embedder.embed([text]), dtype=np.float32)[0]

    def add_many(self, items: Sequence[NewMemory], *, batch: int = 256) -> list[int]:
        """Embed and store ``items``, ``batch`` per transaction; returns their ids in order (no duplicate
        check)."""
        ids: list[int] = []
        for start in range(0, len(items), batch):
            part = list(items[start:start + batch])
            vecs = self._embedder.embed([embed_text(m) for m in part]) if part else np.zeros((0, 1))
            with self._store.write() as w:
                for m, v in zip(part, vecs, strict=True):
                    ids.append(self.insert(w, m, v))
        return ids

    def insert(self, w: Writer, m: NewMemory, vector: np.ndarray | None) -> int:
        """Store one memory inside ``w`` with its vector; returns its id."""
        now = time.time()
        meta = dict(m.meta)
        if m.speaker:
            meta["speaker"] = m.speaker
        if m.source_id:
            meta["source_id"] = m.source_id
        mid = self.memories.insert(w, kind=m.kind, text=m.text, meta=meta, at=m.at, now=now, source=m.source,
                                   vector=vector)
        return mid

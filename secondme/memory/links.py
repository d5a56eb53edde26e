"""Links between related memories (A-MEM style), addressed by id in the ``links`` table.

A new message or fact is linked to the few most similar memories from *other* conversations
that also share a keyword with it: the second hop of a multi-hop question ("what did she
research after the support group?") usually lives in another conversation. Recall follows these
links from its best hits. A-MEM's own code addresses neighbours by result rank, which breaks as
soon as the store changes; ids do not.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from secondme.errors import Cancelled
from secondme.index.keyword import STOP_WORDS
from secondme.store import Store
from secondme.store.repos.links import LinkRepository
from secondme.store.repos.marks import MarkRepository
from secondme.store.repos.memories import EMBEDDING, META, TEXT, MemoryRepository

log = logging.getLogger("secondme.memory.links")

HWM_LINK = "memory.consolidate.link_hwm"
LINK_MIN_COSINE = 0.6
LINKS_PER_ITEM = 3
POOL = 20000   # compare with the most recent memories only: bounded time on large stores
BATCH = 500
_WORD = re.compile(r"[a-z][a-z'-]{3,}")


def keywords(text: str) -> set[str]:
    """The words of ``text`` worth linking on: lowercased, four letters or more, stop words dropped."""
    return {w for w in _WORD.findall(text.lower()) if w not in STOP_WORDS}


def _tags(meta: Any) -> set[str]:
    """The model's topic tags and fact keywords (A-MEM's keywords/tags): two memories that
    share one are related even when their own words differ ("tent" / "camping")."""
    if not isinstance(meta, dict):
        return set()
    return {w for t in [*(meta.get("tags") or []), *(meta.get("keywords") or [])]
            for w in keywords(str(t))}


class Linker:
    """Adds "related" links for memories newer than the link high-water mark."""

    def __init__(self, store: Store) -> None:
        """Link memories in ``store``."""
        self.store = store
        self.memories = MemoryRepository(store)
        self.links = LinkRepository(store)
        self.marks = MarkRepository(store)

    def run(self, progress: Callable[[str, int, int], None] | None = None, cancel: Any = None) -> int:
        """Link each memory newer than the high-water mark to its closest recent ones (by cosine and shared
        keywords), then raise the mark; returns how many links were added."""
        hwm = self.marks.get_int(HWM_LINK)
        top = self.memories.max_id()
        if top <= hwm:
            return 0
        pool = self.memories.select("kind IN ('message', 'fact') AND state = 'active' AND embedding IS NOT NULL",
                                    columns=(TEXT, META, EMBEDDING), order="id DESC", limit=POOL)
        if not pool:
            with self.store.write() as w:
                self.marks.set(w, HWM_LINK, top)
            return 0
        ids = np.array([m.id for m in pool])
        srcs = [m.source_key for m in pool]
        kws = [keywords(m.text or "") | _tags(m.meta) for m in pool]
        mat = np.stack([np.frombuffer(m.embedding or b"", dtype=np.float32) for m in pool])
        # Oldest first, so the mark can advance batch by batch (ids <= mark are linked).
        new = sorted((i for i, mid in enumerate(ids) if mid > hwm), key=lambda i: int(ids[i]))
        added = 0
        for start in range(0, len(new), BATCH):
            if cancel is not None and cancel.is_set():
                raise Cancelled("consolidation was cancelled; it resumes where it stopped")
            part = new[start:start + BATCH]
            sims = mat[part] @ mat.T
            pairs: list[tuple[int, int, float]] = []
            for row, i in enumerate(part):
                n = 0
                for j in np.argsort(-sims[row])[:50]:
                    s = float(sims[row, j])
                    if s < LINK_MIN_COSINE or n >= LINKS_PER_ITEM:
                        break
                    if j == i or (srcs[i] is not None and srcs[j] == srcs[i]) or not (kws[i] & kws[j]):
                        continue
                    a, b = sorted((int(ids[i]), int(ids[j])))
                    pairs.append((a, b, round(s, 4)))
                    n += 1
            last = start + BATCH >= len(new)
            with self.store.write() as w:
                for a, b, s in pairs:
                    added += self.links.add(w, a, b, "related", s)
                self.marks.set(w, HWM_LINK, top if last else int(ids[part[-1]]))
            if progress is not None:
                progress("links", min(start + BATCH, len(new)), len(new))
        if not new:
            with self.store.write() as w:
                self.marks.set(w, HWM_LINK, top)
        return added

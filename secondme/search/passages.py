"""How close a note's best passage is to a question, for the relevance floor of an answer.

A note chunk holds many lines on many things ("## Flat" with the address, the rent, the
landlord and the boiler). Its one vector is their average, so a question about one line scores
low against the whole (MiniLM: "How much rent do I pay?" 0.24 against the chunk, 0.57 against
its rent line) and fell under the floor below which ``ask`` finds nothing. Measured on the
passage that answers, the floor keeps its meaning: how close the nearest thing said is.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

import numpy as np

from secondme.embed.base import Embedder
from secondme.search.hybrid import Evidence

# Lines and sentences; a heading line ("# Home") says too little to stand alone.
_BREAK = re.compile(r"\n+|(?<=[.!?])\s+")
_MIN_WORDS = 2
# Passages embedded per chunk at most: a chunk is about a page, so this is every line of it.
MAX_PASSAGES = 48


def passages(text: str) -> list[str]:
    """The lines and sentences of a chunk's text worth measuring alone, in order, each once."""
    out: dict[str, None] = {}
    for p in _BREAK.split(text):
        p = p.strip().lstrip("#").strip()
        if len(p.split()) >= _MIN_WORDS:
            out.setdefault(p, None)
    return list(out)[:MAX_PASSAGES]


def by_best_passage(query: str, found: Sequence[Evidence], embedder: Embedder,
                    below: float = 0.5) -> list[Evidence]:
    """``found`` with each note chunk's relevance raised to its best passage's cosine with
    ``query`` where that is higher. Only chunks under ``below`` are measured again: their
    relevance decides whether they may be cited at all, a higher one already lets them."""
    todo = [(i, passages(e.text)) for i, e in enumerate(found)
            if e.hit.kind == "chunk" and (e.hit.relevance or 0.0) < below]
    todo = [(i, ps) for i, ps in todo if len(ps) > 1]
    if not todo:
        return list(found)
    flat = [p for _, ps in todo for p in ps]
    vectors = embedder.embed(flat)
    qv = np.asarray(embedder.embed_query(query), dtype=np.float32)
    sims = vectors @ qv
    out = list(found)
    at = 0
    for i, ps in todo:
        best = float(sims[at:at + len(ps)].max())
        at += len(ps)
        e = out[i]
        if best > (e.hit.relevance or 0.0):
            out[i] = dataclasses.replace(e, hit=dataclasses.replace(e.hit, relevance=best))
    return out

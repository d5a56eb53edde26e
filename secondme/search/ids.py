"""Chunks and memories share the indexes: their ids are folded into one integer space."""

from __future__ import annotations

CHUNK = "chunk"
MEMORY = "memory"


def to_index(entity: str, entity_id: int) -> int:
    return entity_id * 2 + (1 if entity == MEMORY else 0)


def from_index(index_id: int) -> tuple[str, int]:
    return (MEMORY if index_id & 1 else CHUNK), index_id >> 1

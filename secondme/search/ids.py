"""Chunks and memories share the indexes: their ids are folded into one integer space."""

from __future__ import annotations

CHUNK = "chunk"
MEMORY = "memory"
# Change-log entity of a whole note (the document-level keyword index); never an index id.
DOCUMENT = "document"
# Change-log op of a chunk whose embedding was filled in later: only the vector index changes.
VECTOR_OP = "vector"


def to_index(entity: str, entity_id: int) -> int:
    """The shared index id of a chunk or memory (memories odd, chunks even)."""
    return entity_id * 2 + (1 if entity == MEMORY else 0)


def from_index(index_id: int) -> tuple[str, int]:
    """The entity and store id behind an index id (the inverse of :func:`to_index`)."""
    return (MEMORY if index_id & 1 else CHUNK), index_id >> 1

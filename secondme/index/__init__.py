"""Search indexes (FTS5 keyword, Chroma vector) kept in plaintext only in RAM.

At rest they exist only as one encrypted snapshot (see :mod:`secondme.index.sealed`).
"""

from __future__ import annotations

from secondme.index.keyword import DocRow, KeywordHit, KeywordIndex, KeywordRow
from secondme.index.keyword_filters import KeywordFilters
from secondme.index.sealed import SealedIndexes, cleanup_stale_runtime_dirs
from secondme.index.snapshot import seal_dir, unseal
from secondme.index.vector import VectorIndex

__all__ = [
    "DocRow",
    "KeywordFilters",
    "KeywordHit",
    "KeywordIndex",
    "KeywordRow",
    "SealedIndexes",
    "VectorIndex",
    "cleanup_stale_runtime_dirs",
    "seal_dir",
    "unseal",
]

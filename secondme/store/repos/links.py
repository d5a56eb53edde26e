"""Links between memories (``links``): derived-from, supersedes and related edges, by id."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from secondme.store.db import Writer
from secondme.store.repos.base import Repository
from secondme.store.schema import coarse


@dataclass(frozen=True, slots=True)
class Link:
    """One edge: ``src_id`` → ``dst_id`` of ``kind`` with ``weight``."""

    src_id: int
    dst_id: int
    kind: str
    weight: float


class LinkRepository(Repository):
    """Adds links (each edge once) and reads the links touching a set of memories."""

    table = "links"

    def add(self, w: Writer, src_id: int, dst_id: int, kind: str, weight: float) -> bool:
        """Add the edge unless it exists; whether it was new. Plain keeps only the day."""
        cur = w.execute("INSERT OR IGNORE INTO links (src_id, dst_id, kind, weight, created_at) "
                        "VALUES (?, ?, ?, ?, ?)",
                        (int(src_id), int(dst_id), kind, float(weight), coarse("links", "created_at", time.time())))
        return cur.rowcount > 0

    def touching(self, ids: Iterable[int]) -> list[Link]:
        """Every link from or to one of ``ids`` (rows read whole: their MACs are checked)."""
        ids = list(ids)
        by_id = {row.id: row for col in ("src_id", "dst_id") for row in self.rows_in(col, ids)}
        return [Link(int(r["src_id"]), int(r["dst_id"]), str(r["kind"]), float(r["weight"]))
                for _, r in sorted(by_id.items())]

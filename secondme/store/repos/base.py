"""What every repository shares: the store it reads, batching by id, opening rows once."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from secondme.store.db import Row, Store

# SQLite's default limit on host parameters is 32766 since 3.32, but older builds allow 999;
# 500 keeps every `IN (...)` well inside either and costs nothing measurable.
BATCH = 500


def chunked(ids: Iterable[int], size: int = BATCH) -> Iterator[list[int]]:
    """``ids`` (deduplicated, order kept) in lists of at most ``size``."""
    seen: set[int] = set()
    part: list[int] = []
    for i in ids:
        i = int(i)
        if i in seen:
            continue
        seen.add(i)
        part.append(i)
        if len(part) >= size:
            yield part
            part = []
    if part:
        yield part


def placeholders(n: int) -> str:
    """``?,?,…`` for an ``IN (…)`` of ``n`` values."""
    return ",".join("?" * n)


class Repository:
    """Base of the typed repositories: holds the store and reads rows of one table by id.

    Subclasses name their ``table`` and turn :class:`Row` objects into their own dataclasses.
    """

    table: str = ""

    def __init__(self, store: Store) -> None:
        self._store = store

    @property
    def store(self) -> Store:
        return self._store

    def rows_by_id(self, ids: Iterable[int], *, where: str = "1", params: Sequence[Any] = (),
                   columns: Sequence[str] | None = None) -> dict[int, Row]:
        """The rows of ``table`` with these ids (and matching ``where``), opened once, by id.

        Rows are read whole (``SELECT *``), so a bound table's MAC is checked as each is opened
        (StoreCorruption on a row that was tampered with). ``columns`` limits what is opened.
        """
        out: dict[int, Row] = {}
        for part in chunked(ids):
            sql = f"SELECT * FROM {self.table} WHERE id IN ({placeholders(len(part))}) AND ({where})"
            for r in self._store.query(sql, [*part, *params]):
                out[int(r["id"])] = self._store.row_from(self.table, r, columns)
        return out

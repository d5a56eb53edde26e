"""What every repository shares: the store it reads, batching by id, opening rows once."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from secondme.store.db import Row, Store, Writer

# SQLite's default limit on host parameters is 32766 since 3.32, but older builds allow 999;
# 500 keeps every `IN (...)` well inside either and costs nothing measurable.
BATCH = 500

K = TypeVar("K", int, str)


def chunked(ids: Iterable[K], size: int = BATCH) -> Iterator[list[K]]:
    """``ids`` (deduplicated, order kept) in lists of at most ``size``. Ids are made plain
    ``int`` (numpy's integers do not bind as SQL parameters); keys (keyed hashes) stay text."""
    seen: set[K] = set()
    part: list[K] = []
    for i in ids:
        i = i if isinstance(i, str) else int(i)
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
                   columns: Sequence[str] | None = None, writer: Writer | None = None) -> dict[int, Row]:
        """The rows of ``table`` with these ids (and matching ``where``), opened once, by id.

        Rows are read whole (``SELECT *``), so a bound table's MAC is checked as each is opened
        (StoreCorruption on a row that was tampered with). ``columns`` limits what is opened.
        With ``writer``, inside its transaction (what it wrote so far included).
        """
        return {row.id: row for row in self.rows_in("id", ids, where=where, params=params,
                                                     columns=columns, writer=writer)}

    def rows_in(self, column: str, values: Iterable[K], *, where: str = "1", params: Sequence[Any] = (),
                columns: Sequence[str] | None = None, writer: Writer | None = None) -> list[Row]:
        """The rows whose ``column`` is one of ``values`` (and matching ``where``), in batches of
        :data:`BATCH`, read whole and opened once (see :meth:`rows_by_id`)."""
        out: list[Row] = []
        for part in chunked(values):
            part_: list[Any] = list(part)
            sql = (f"SELECT * FROM {self.table} WHERE {column} IN ({placeholders(len(part_))}) "
                   f"AND ({where})")
            out.extend(self.rows(sql, [*part_, *params], columns=columns, writer=writer))
        return out

    def rows(self, sql: str, params: Sequence[Any] = (), *, columns: Sequence[str] | None = None,
             writer: Writer | None = None) -> list[Row]:
        """Rows of ``table`` selected whole by ``sql`` (``SELECT * …``), opened once: through the
        store's readers, or inside ``writer``'s transaction."""
        if writer is None:
            found = self._store.query(sql, params)
        else:
            cur = writer.conn.cursor()
            cur.row_factory = sqlite3.Row  # this cursor only: the writer's other reads keep tuples
            found = cur.execute(sql, params).fetchall()
        return [self._store.row_from(self.table, r, columns) for r in found]

"""What every repository shares: the store it reads, batching by id, opening rows once."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from secondme.errors import StoreCorruption
from secondme.store.db import Store, Writer
from secondme.store.rows import Row
from secondme.store.schema import BOUND, PRIVATE, ROW_MAC

OnCorrupt = Callable[[StoreCorruption], None]

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
        """Read and write through ``store``."""
        self._store = store

    @property
    def store(self) -> Store:
        """The store this repository reads and writes."""
        return self._store

    def rows_by_id(self, ids: Iterable[int], *, where: str = "1", params: Sequence[Any] = (),
                   columns: Sequence[str] | None = None, writer: Writer | None = None,
                   on_corrupt: OnCorrupt | None = None) -> dict[int, Row]:
        """The rows of ``table`` with these ids (and matching ``where``), opened once, by id.

        Rows are read whole (``SELECT *``), so a bound table's MAC is checked as each is opened
        (StoreCorruption on a row that was tampered with). ``columns`` limits what is opened.
        With ``writer``, inside its transaction (what it wrote so far included). With
        ``on_corrupt``, a sealed value that does not open is reported there and read as None.
        """
        return {row.id: row for row in self.rows_in("id", ids, where=where, params=params,
                                                     columns=columns, writer=writer, on_corrupt=on_corrupt)}

    def rows_in(self, column: str, values: Iterable[K], *, where: str = "1", params: Sequence[Any] = (),
                columns: Sequence[str] | None = None, writer: Writer | None = None,
                on_corrupt: OnCorrupt | None = None) -> list[Row]:
        """The rows whose ``column`` is one of ``values`` (and matching ``where``), in batches of
        :data:`BATCH`, read whole and opened once (see :meth:`rows_by_id`)."""
        out: list[Row] = []
        for part in chunked(values):
            part_: list[Any] = list(part)
            sql = (f"SELECT * FROM {self.table} WHERE {column} IN ({placeholders(len(part_))}) "
                   f"AND ({where})")
            out.extend(self.rows(sql, [*part_, *params], columns=columns, writer=writer, on_corrupt=on_corrupt))
        return out

    def rows(self, sql: str, params: Sequence[Any] = (), *, columns: Sequence[str] | None = None,
             writer: Writer | None = None, on_corrupt: OnCorrupt | None = None) -> list[Row]:
        """Rows of ``table`` selected whole by ``sql`` (``SELECT * …``), opened once: through the
        store's readers, or inside ``writer``'s transaction."""
        if writer is None:
            found = self._store.query(sql, params)
        else:
            cur = writer.conn.cursor()
            cur.row_factory = sqlite3.Row  # this cursor only: the writer's other reads keep tuples
            found = cur.execute(sql, params).fetchall()
        if on_corrupt is None:
            return [self._store.row_from(self.table, r, columns) for r in found]
        return [tolerant_row(self._store, self.table, r, columns, on_corrupt) for r in found]


def open_row(store: Store, table: str, r: Any, columns: Sequence[str],
             on_corrupt: Callable[[StoreCorruption], None] | None = None) -> dict[str, Any]:
    """``columns`` of a fetched row (private ones opened, a missing one None), each opened once.

    The row's MAC is checked when it was fetched with one (StoreCorruption, always raised).
    With ``on_corrupt``, a private value that does not open is reported there and read as None,
    so one damaged chunk does not stop an index update or a search; without, it raises.
    """
    keys = r.keys()
    if table in BOUND and ROW_MAC in keys:
        store.verify_row(table, int(r["id"]), [r[c] for c in BOUND[table]], r[ROW_MAC])
    private = PRIVATE.get(table, {})
    out: dict[str, Any] = {}
    for c in columns:
        if c not in keys:
            out[c] = None
        elif c in private:
            try:
                out[c] = store.open_value(table, int(r["id"]), c, r[c])
            except StoreCorruption as exc:
                if on_corrupt is None:
                    raise
                on_corrupt(exc)
                out[c] = None
        else:
            out[c] = r[c]
    return out


def tolerant_row(store: Store, table: str, r: Any, columns: Sequence[str] | None,
                 on_corrupt: OnCorrupt) -> Row:
    """:meth:`Store.row_from`, except that a sealed value that does not open is reported to
    ``on_corrupt`` and reads as None (the MAC is still checked: a forged row always raises)."""
    private_cols = PRIVATE.get(table, {})
    keys = r.keys()
    wanted = [k for k in keys if k in private_cols and (columns is None or k in columns or k == "exact")]
    opened = open_row(store, table, r, wanted, on_corrupt)
    plain = {k: r[k] for k in keys if k not in private_cols}
    if opened.get("exact"):
        plain.update(opened["exact"])  # the exact times stand in for their coarse columns
    return Row(table, int(r["id"]), plain, opened)


def count_rows(store: Store, table: str) -> int:
    """How many rows ``table`` holds (a summary, e.g. after importing a backup)."""
    return int(store.scalar(f"SELECT COUNT(*) FROM {table}") or 0)


def newest_first(store: Store, table: str, where: str, params: Sequence[Any], limit: int, day: str,
                 key: Callable[[Row], Any], columns: Sequence[str] | None = None) -> list[Row]:
    """At most ``limit`` rows of ``table`` matching ``where``, largest ``key`` first.

    ``key`` reads the exact (sealed) time of an opened row; SQL only sees the coarse ``day``
    expression. So SQL takes the first ``limit`` rows by day, then every row of the oldest day
    among them (the exact order inside that day is unknown to it), and the rows are sorted on
    their exact values: the cost is the rows of one extra day at most.
    """
    sql = f"SELECT *, {day} AS sm_day FROM {table} WHERE {where} ORDER BY sm_day DESC, id DESC"
    rows = store.query(f"{sql} LIMIT ?", [*params, int(limit)])
    if rows and len(rows) == limit:
        oldest = rows[-1]["sm_day"]
        rows = (store.query(f"SELECT *, {day} AS sm_day FROM {table} WHERE ({where}) AND {day} >= ?",
                            [*params, oldest]) if oldest is not None else store.query(sql, list(params)))
    opened = [store.row_from(table, r, columns) for r in rows]
    for row in opened:
        row.plain.pop("sm_day", None)
    opened.sort(key=key, reverse=True)
    return opened[:limit]

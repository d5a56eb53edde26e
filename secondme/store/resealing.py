"""The SQL of re-keying a copy of the store (``secondme/rekey.py`` holds what each table's keyed
hashes are recomputed from; this module reads, opens and rewrites the rows).

It works on a private copy of the database file with plain ``sqlite3`` in ONE transaction, so a
failure leaves the copy unusable but the original intact.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from secondme.crypto import AuthenticationFailed, KeySet, Sealer
from secondme.errors import StoreCorruption
from secondme.store.rows import _ad, _decode, _encode, register_row_mac, row_mac
from secondme.store.schema import (
    PRIVATE,
    ROW_MAC,
    bound_at,
    drop_changes_after,
    expected_schema,
    newest_change,
    schema_objects,
)

_BATCH = 500


class ResealedFile:
    """A database copy opened for re-keying: its rows read in id order with their sealed
    values opened under the old key, and written back sealed under the new one."""

    def __init__(self, conn: sqlite3.Connection, old: KeySet, new: KeySet) -> None:
        """Over ``conn``, an open transaction on the copy (see :func:`resealing`)."""
        self.conn = conn
        self.old, self.new = Sealer(old), Sealer(new)
        # What this file's own triggers bind: a backup may be from an older schema (before v3:
        # nothing; its migration adds the MACs when it is opened).
        self.bound = bound_at(self.schema_version())

    def schema_version(self) -> int:
        """The file's schema version (``PRAGMA user_version``)."""
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def columns(self, table: str) -> list[str]:
        """The sealed columns ``table`` has in this file."""
        present = {r[1] for r in self.conn.execute(f"PRAGMA table_info({table})")}
        # A backup from an older schema lacks the columns later migrations add.
        return [c for c in PRIVATE[table] if c in present]

    def rows(self, table: str, extra: tuple[str, ...]) -> Iterator[sqlite3.Row]:
        """Every row of ``table`` in id order: its id, sealed columns and ``extra`` plain ones."""
        cols = ", ".join(("id", *self.columns(table), *extra))
        last = 0
        while True:
            batch = self.conn.execute(
                f"SELECT {cols} FROM {table} WHERE id > ? ORDER BY id LIMIT ?", (last, _BATCH)
            ).fetchall()
            if not batch:
                return
            yield from batch
            last = int(batch[-1]["id"])

    def open(self, table: str, r: sqlite3.Row) -> dict[str, Any]:
        """The sealed values of row ``r``, opened under the old key."""
        out: dict[str, Any] = {}
        for c in self.columns(table):
            raw = r[c]
            if raw is None:
                out[c] = None
                continue
            try:
                out[c] = _decode(PRIVATE[table][c], self.old.open(bytes(raw), _ad(table, int(r["id"]), c)))
            except (AuthenticationFailed, UnicodeDecodeError, ValueError) as exc:
                # A damaged value cannot be carried over; stop before anything is switched.
                raise StoreCorruption(table, int(r["id"]), c, str(exc)) from None
        return out

    def write(self, table: str, row_id: int, private: dict[str, Any], plain: dict[str, Any]) -> None:
        """Row ``row_id`` with ``private`` sealed under the new key and ``plain`` as given."""
        sets: dict[str, Any] = {}
        for c, v in private.items():
            sets[c] = None if v is None else self.new.seal(_encode(PRIVATE[table][c], v), _ad(table, row_id, c))
        sets.update(plain)
        if sets:
            self.conn.execute(f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in sets)} WHERE id = ?",
                              [*sets.values(), row_id])

    def delete(self, table: str, row_id: int) -> None:
        """Drop one row (a value nothing can look up any more)."""
        self.conn.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))

    def replay_sourced_memories(self) -> None:
        """Log an upsert of every memory with a source key: an index snapshot carried over files
        memories under that key (a facet), and replaying them refreshes it under the new one."""
        self.conn.execute("INSERT INTO changes (entity, entity_id, op) "
                          "SELECT 'memory', id, 'upsert' FROM memories WHERE source_key IS NOT NULL")

    def newest_change(self) -> int:
        """The change log's newest sequence number (0 when empty)."""
        return newest_change(self.conn)

    def drop_changes_after(self, seq: int) -> None:
        """Remove the change rows newer than ``seq``: re-sealing rewrites every private column,
        so the change-log triggers (schema v7) logged every row, though no value an index reads
        changed."""
        drop_changes_after(self.conn, seq)

    def check_schema(self) -> None:
        """The MAC triggers run our new key inside the file's schema: refuse a schema that is not
        what our migrations made (see ``Store._check_schema``)."""
        version = self.schema_version()
        if version and schema_objects(self.conn) != expected_schema(version):
            raise StoreCorruption("store", 0, "schema", message="the store's schema was altered")

    def verify_row_macs(self) -> None:
        """Every row's MAC under the old key, before anything is carried over: a re-key must not
        launder a tampered row into one that authenticates under the new key."""
        for table, cols in self.bound.items():
            sel = ", ".join(("rowid", *cols, ROW_MAC))
            for r in self.conn.execute(f"SELECT {sel} FROM {table}"):
                values = [r[c] for c in cols]
                if r[ROW_MAC] is None or r[ROW_MAC] != row_mac(self.old, table, int(r[0]), values):
                    raise StoreCorruption(table, int(r[0]), ROW_MAC, "row MAC does not match")


@contextmanager
def resealing(db: Path, new: KeySet) -> Iterator[sqlite3.Connection]:
    """One durable transaction on the database file ``db`` (a private copy nobody else has
    open), committed when the block ends without error and followed by a VACUUM."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.row_factory = sqlite3.Row
    try:
        # A rollback journal, not WAL: the file must be complete on its own once closed,
        # since it is renamed into place later.
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=OFF")  # ids do not change; no cascade should fire
        conn.execute("PRAGMA secure_delete=ON")  # old ciphertexts do not linger in free pages
        # The MAC triggers fire on the keyed hashes rewritten below: they compute under the new key.
        register_row_mac(conn, Sealer(new))
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("VACUUM")  # drop the old pages (and their old-key ciphertexts) for good
    finally:
        conn.close()


def remove_database(path: Path) -> None:
    """Delete a database file with its journal files: a stale journal beside a new file of the
    same name would be replayed into it by SQLite."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def copy_database(src: Path, dest: Path) -> None:
    """A consistent copy of the SQLite file ``src`` (WAL included) as a standalone file."""
    remove_database(dest)
    source = sqlite3.connect(src)
    target = sqlite3.connect(dest)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()
        source.close()
    fd = os.open(dest, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

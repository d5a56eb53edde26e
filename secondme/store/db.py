"""SQLite access with sealed private columns, one writer and concurrent readers."""

from __future__ import annotations

import errno
import json
import logging
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from secondme.crypto import AuthenticationFailed, Sealer
from secondme.errors import DiskFull, StoreCorruption
from secondme.store.schema import MIGRATIONS, PRIVATE, SCHEMA_VERSION

log = logging.getLogger("secondme.store")

Value = str | bytes | dict[str, Any] | list[Any] | None


@dataclass
class Row:
    """One row: plain columns as stored, private columns opened (or None where absent)."""

    table: str
    id: int
    plain: dict[str, Any]
    private: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        if key in self.private:
            return self.private[key]
        return self.plain[key]

    def get(self, key: str, default: Any = None) -> Any:
        try:
            v = self[key]
        except KeyError:
            return default
        return default if v is None else v


def _ad(table: str, row_id: int, column: str) -> bytes:
    return f"{table}\0{row_id}\0{column}".encode()


def _encode(kind: str, value: Value) -> bytes:
    if kind == "bytes":
        assert isinstance(value, (bytes, bytearray, memoryview))
        return bytes(value)
    if kind == "text":
        assert isinstance(value, str)
        return value.encode("utf-8")
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _decode(kind: str, raw: bytes) -> Any:
    if kind == "bytes":
        return raw
    if kind == "text":
        return raw.decode("utf-8")
    return json.loads(raw.decode("utf-8"))


def _translate_os_error(exc: sqlite3.Error) -> Exception:
    msg = str(exc).lower()
    if isinstance(exc, sqlite3.OperationalError) and ("disk is full" in msg or "database or disk is full" in msg):
        return DiskFull("the disk is full: free some space; nothing already saved was lost")
    return exc


class Store:
    """The canonical encrypted store.

    Writes go through :meth:`write` (one writer: a lock around one connection, ``BEGIN
    IMMEDIATE``); reads use a connection per thread so searches never wait for the writer (WAL).
    """

    def __init__(self, path: Path, sealer: Sealer, *, backups_dir: Path | None = None) -> None:
        self.path = path
        self._sealer = sealer
        self._backups_dir = backups_dir
        self._write_lock = threading.RLock()
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._closed = False
        path.parent.mkdir(parents=True, exist_ok=True)
        self._wconn = self._connect()
        self._migrate()

    # --- connections -------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit acknowledged to the person survives power loss, not only a crash.
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("PRAGMA secure_delete=ON")
        return conn

    def _reader(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
            with self._readers_lock:
                self._readers.append(conn)
        return conn

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        with self._write_lock:
            try:
                self._wconn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error as exc:
                log.info("checkpoint on close failed: %s", exc)
            self._wconn.close()
        with self._readers_lock:
            for c in self._readers:
                try:
                    c.close()
                except sqlite3.Error:
                    pass
            self._readers.clear()

    # --- migrations ----------------------------------------------------------------------------
    def _migrate(self) -> None:
        with self._write_lock:
            version = self._wconn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreCorruption("meta", 0, "user_version",
                                      f"store is from a newer Second Me (schema {version})")
            if version == SCHEMA_VERSION:
                return
            if version > 0:
                self._backup(f"before-v{SCHEMA_VERSION}")
            self._wconn.execute("BEGIN IMMEDIATE")
            try:
                for i in range(version, SCHEMA_VERSION):
                    MIGRATIONS[i](self._wconn)
                self._wconn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
                self._wconn.execute("COMMIT")
            except BaseException:
                self._wconn.execute("ROLLBACK")
                raise
            log.info("store schema at version %d", SCHEMA_VERSION)

    def _backup(self, label: str) -> Path:
        assert self._backups_dir is not None, "migrating needs a backups dir"
        self._backups_dir.mkdir(parents=True, exist_ok=True)
        dest = self._backups_dir / f"store-{label}-{int(time.time())}.db"
        target = sqlite3.connect(dest)
        try:
            self._wconn.backup(target)
        finally:
            target.close()
        return dest

    @property
    def schema_version(self) -> int:
        return int(self._reader().execute("PRAGMA user_version").fetchone()[0])

    # --- sealing -------------------------------------------------------------------------------
    def seal(self, table: str, row_id: int, column: str, value: Value) -> bytes | None:
        if value is None:
            return None
        kind = PRIVATE[table][column]
        return self._sealer.seal(_encode(kind, value), _ad(table, row_id, column))

    def open_value(self, table: str, row_id: int, column: str, sealed: bytes | None) -> Any:
        if sealed is None:
            return None
        kind = PRIVATE[table][column]
        try:
            return _decode(kind, self._sealer.open(bytes(sealed), _ad(table, row_id, column)))
        except (AuthenticationFailed, UnicodeDecodeError, ValueError) as exc:
            raise StoreCorruption(table, row_id, column, str(exc)) from None

    def keyed_hash(self, value: str | bytes, purpose: str) -> str:
        b = value.encode("utf-8") if isinstance(value, str) else value
        return self._sealer.keyed_hash(b, purpose)

    # --- writing -------------------------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[Writer]:
        """One write transaction; commits on success, rolls back on error."""
        if self._closed:
            raise RuntimeError("store is closed")
        with self._write_lock:
            conn = self._wconn
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise _translate_os_error(exc) from exc
            try:
                yield Writer(self, conn)
                conn.execute("COMMIT")
            except BaseException as exc:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
                if isinstance(exc, sqlite3.Error):
                    raise _translate_os_error(exc) from exc
                raise

    # --- reading -------------------------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[sqlite3.Row]:
        conn = self._reader()
        conn.row_factory = sqlite3.Row
        return list(conn.execute(sql, params))

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self._reader().execute(sql, params).fetchone()
        return None if row is None else row[0]

    def row_from(self, table: str, r: sqlite3.Row, columns: Sequence[str] | None = None) -> Row:
        """Open the private columns of a fetched row (``columns`` limits which are opened)."""
        priv_cols = PRIVATE.get(table, {})
        row_id = int(r["id"])
        plain: dict[str, Any] = {}
        private: dict[str, Any] = {}
        for k in r.keys():
            if k in priv_cols:
                if columns is None or k in columns:
                    private[k] = self.open_value(table, row_id, k, r[k])
            else:
                plain[k] = r[k]
        return Row(table, row_id, plain, private)

    def get(self, table: str, row_id: int, columns: Sequence[str] | None = None) -> Row | None:
        rows = self.query(f"SELECT * FROM {table} WHERE id = ?", (row_id,))
        return self.row_from(table, rows[0], columns) if rows else None

    def select(
        self, table: str, where: str = "1", params: Sequence[Any] = (),
        columns: Sequence[str] | None = None, order: str = "id",
    ) -> list[Row]:
        rows = self.query(f"SELECT * FROM {table} WHERE {where} ORDER BY {order}", params)
        return [self.row_from(table, r, columns) for r in rows]

    def last_change(self) -> int:
        return int(self.scalar("SELECT COALESCE(MAX(seq), 0) FROM changes") or 0)

    def changes_since(self, seq: int) -> list[tuple[int, str, int, str]]:
        rows = self._reader().execute(
            "SELECT seq, entity, entity_id, op FROM changes WHERE seq > ? ORDER BY seq", (seq,)
        ).fetchall()
        return [(int(a), str(b), int(c), str(d)) for a, b, c, d in rows]

    def integrity_check(self) -> list[str]:
        return [r[0] for r in self._reader().execute("PRAGMA integrity_check").fetchall()]

    def backup_to(self, dest: Path) -> None:
        """A consistent copy of the (already encrypted) database file."""
        with self._write_lock:
            target = sqlite3.connect(dest)
            try:
                self._wconn.backup(target)
            finally:
                target.close()

    def disk_free(self) -> int:
        return shutil.disk_usage(self.path.parent).free


class Writer:
    """Operations inside one write transaction (see :meth:`Store.write`)."""

    def __init__(self, store: Store, conn: sqlite3.Connection) -> None:
        self._s = store
        self.conn = conn

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def insert(self, table: str, plain: Mapping[str, Any], private: Mapping[str, Value] | None = None) -> int:
        """Insert a row; private values are sealed with the new row's id bound in."""
        cols = list(plain)
        sql = f"INSERT INTO {table} ({', '.join(cols) or 'id'}) VALUES ({', '.join('?' for _ in cols) or 'NULL'})"
        cur = self.conn.execute(sql, [plain[c] for c in cols])
        row_id = int(cur.lastrowid or 0)
        if private:
            self._set_private(table, row_id, private)
        return row_id

    def update(self, table: str, row_id: int, plain: Mapping[str, Any] | None = None,
               private: Mapping[str, Value] | None = None) -> None:
        if plain:
            sets = ", ".join(f"{c} = ?" for c in plain)
            self.conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*plain.values(), row_id])
        if private:
            self._set_private(table, row_id, private)

    def _set_private(self, table: str, row_id: int, private: Mapping[str, Value]) -> None:
        cols = list(private)
        sealed = [self._s.seal(table, row_id, c, private[c]) for c in cols]
        sets = ", ".join(f"{c} = ?" for c in cols)
        self.conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*sealed, row_id])

    def delete(self, table: str, row_id: int) -> None:
        self.conn.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))

    def record_change(self, entity: str, entity_id: int, op: str) -> int:
        cur = self.conn.execute(
            "INSERT INTO changes (entity, entity_id, op) VALUES (?, ?, ?)", (entity, entity_id, op)
        )
        return int(cur.lastrowid or 0)


def is_disk_full(exc: BaseException) -> bool:
    return isinstance(exc, DiskFull) or (isinstance(exc, OSError) and exc.errno == errno.ENOSPC)

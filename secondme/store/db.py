"""SQLite access with sealed private columns, one writer and concurrent readers."""

from __future__ import annotations

import hmac
import logging
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from secondme.crypto import AuthenticationFailed, Sealer
from secondme.errors import Closed, StoreCorruption
from secondme.store.failures import _translate_os_error, check_file
from secondme.store.rows import Row, Value, _ad, _decode, _encode, register_row_mac, row_mac
from secondme.store.schema import (
    BOUND,
    COARSE,
    HASH_FUNCTION,
    MIGRATIONS,
    PRIVATE,
    ROW_MAC,
    SCHEMA_VERSION,
    SEAL_FUNCTION,
    VERIFY_FUNCTION,
    coarse,
    expected_schema,
    has_exact,
    newest_change,
    schema_objects,
)

log = logging.getLogger("secondme.store")


class Store:
    """The canonical encrypted store.

    Writes go through :meth:`write` (one writer: a lock around one connection, ``BEGIN
    IMMEDIATE``); reads use a connection per thread so searches never wait for the writer (WAL).
    """

    def __init__(self, path: Path, sealer: Sealer, *, backups_dir: Path | None = None) -> None:
        """Open (or create) the database at ``path``, check its schema and migrate it; ``sealer`` seals
        private columns, and a migration first copies the file into ``backups_dir``."""
        self.path = path
        self._sealer = sealer
        self._backups_dir = backups_dir
        self._write_lock = threading.RLock()
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._closed = False
        self._failure = threading.local()  # what sm_verify last rejected, per thread
        self._subscribers: list[Callable[[int], None]] = []
        self._subscribers_lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        check_file(path)
        try:
            self._wconn = self._connect()
        except sqlite3.DatabaseError as exc:
            raise _translate_os_error(exc) from None
        try:
            self._check_schema()
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._wconn.close()
            raise _translate_os_error(exc) from None
        except BaseException:
            self._wconn.close()
            raise

    # --- connections -------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit acknowledged to the person survives power loss, not only a crash.
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("PRAGMA secure_delete=ON")
        register_row_mac(conn, self._sealer)
        conn.create_function(VERIFY_FUNCTION, -1, self._sql_verify)
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
        """Checkpoint the WAL into the file and close every connection; closing twice is a no-op."""
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
    def _check_schema(self) -> None:
        """Refuse a schema that is not exactly what our migrations made. The MAC triggers call
        our key from inside the file's schema: a trigger, view or index someone added to the
        file could otherwise have our next write compute a valid MAC for a row of their choice
        (or alter the MAC triggers so they bind nothing)."""
        version = int(self._wconn.execute("PRAGMA user_version").fetchone()[0])
        if version == 0 or version > len(MIGRATIONS):
            return  # a new file, or one _migrate refuses as too new
        found, wanted = schema_objects(self._wconn), expected_schema(version)
        if found != wanted:
            odd = sorted(n for _t, n, _tb, _s in found ^ wanted)
            raise StoreCorruption("store", 0, "schema", message=(
                f"the store's schema was altered (unexpected or changed: {', '.join(odd[:5])})"))

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
            self._register_migration_functions(True)
            try:
                for i in range(version, SCHEMA_VERSION):
                    MIGRATIONS[i](self._wconn)
                self._wconn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
                self._wconn.execute("COMMIT")
            except BaseException:
                self._wconn.execute("ROLLBACK")
                raise
            finally:
                self._register_migration_functions(False)
            log.info("store schema at version %d", SCHEMA_VERSION)

    def _register_migration_functions(self, on: bool) -> None:
        """Sealing and keyed hashing as SQL functions, for migrations that seal what older
        schemas kept plain (v4). Only while migrating: nothing in the file can call them later."""
        def seal(table: str, rowid: int, column: str, plaintext: bytes) -> bytes:
            return self._sealer.seal(bytes(plaintext), _ad(table, int(rowid), column))

        def keyed_hash(value: bytes, purpose: str) -> str:
            return self._sealer.keyed_hash(bytes(value), purpose)

        self._wconn.create_function(SEAL_FUNCTION, 4, seal if on else None)
        self._wconn.create_function(HASH_FUNCTION, 2, keyed_hash if on else None)

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
        """The schema version the file is at (``PRAGMA user_version``)."""
        return int(self._reader().execute("PRAGMA user_version").fetchone()[0])

    # --- sealing -------------------------------------------------------------------------------
    def seal(self, table: str, row_id: int, column: str, value: Value) -> bytes | None:
        """``value`` sealed for ``table``/``row_id``/``column`` (bound in, so it opens nowhere else); None
        stays None."""
        if value is None:
            return None
        kind = PRIVATE[table][column]
        return self._sealer.seal(_encode(kind, value), _ad(table, row_id, column))

    def open_value(self, table: str, row_id: int, column: str, sealed: bytes | None) -> Any:
        """Open a sealed value of ``table``/``row_id``/``column``; None stays None. Raises StoreCorruption if
        it does not authenticate or decode."""
        if sealed is None:
            return None
        kind = PRIVATE[table][column]
        try:
            return _decode(kind, self._sealer.open(bytes(sealed), _ad(table, row_id, column)))
        except (AuthenticationFailed, UnicodeDecodeError, ValueError) as exc:
            raise StoreCorruption(table, row_id, column, str(exc)) from None

    # --- row MACs ------------------------------------------------------------------------------
    def row_mac(self, table: str, rowid: int, values: Sequence[Any]) -> bytes:
        """The MAC binding ``values`` (the row's ``BOUND[table]`` columns) to ``table`` and ``rowid``."""
        return row_mac(self._sealer, table, rowid, values)

    def verify_row(self, table: str, rowid: int, values: Sequence[Any], mac: Any) -> None:
        """Raise StoreCorruption unless ``mac`` is the MAC of ``values`` (``BOUND[table]``)."""
        if mac is None or not hmac.compare_digest(bytes(mac), self.row_mac(table, rowid, values)):
            raise StoreCorruption(table, int(rowid), ROW_MAC, message=(
                f"row {rowid} of {table} failed authentication (one of {', '.join(BOUND[table])} "
                "was changed, or the row was copied from another)"))

    def _sql_verify(self, table: str, rowid: int, *values_and_mac: Any) -> int:
        try:
            self.verify_row(table, rowid, values_and_mac[:-1], values_and_mac[-1])
        except StoreCorruption as exc:
            self._failure.exc = exc  # sqlite3 only says "user-defined function raised exception"
            raise
        return 1

    def verified(self, table: str, alias: str | None = None) -> str:
        """A SQL condition that is true for rows whose MAC checks and raises StoreCorruption
        (through :meth:`query`) for one that does not. For raw queries that read bound columns
        without ``SELECT *``: ``f"... WHERE id IN (...) AND {store.verified('memories')}"``."""
        ref = alias or table
        cols = ", ".join(f"{ref}.{c}" for c in BOUND[table])
        return f"{VERIFY_FUNCTION}('{table}', {ref}.rowid, {cols}, {ref}.{ROW_MAC})"

    def _raise_failure(self, exc: sqlite3.Error) -> None:
        failed: StoreCorruption | None = getattr(self._failure, "exc", None)
        if failed is not None:
            self._failure.exc = None
            raise failed from None
        raise _translate_os_error(exc) from exc

    def _run(self, conn: sqlite3.Connection, sql: str, params: Sequence[Any] | Mapping[str, Any]) -> list[Any]:
        self._failure.exc = None
        try:
            return conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            self._raise_failure(exc)
            raise  # unreachable: _raise_failure always raises

    def keyed_hash(self, value: str | bytes, purpose: str) -> str:
        """The keyed hash of ``value`` for ``purpose``: an equality key SQL may see that says nothing without
        the key."""
        b = value.encode("utf-8") if isinstance(value, str) else value
        return self._sealer.keyed_hash(b, purpose)

    # --- writing -------------------------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[Writer]:
        """One write transaction; commits on success, rolls back on error.

        The schema's triggers (``schema.change_triggers``) log what the indexes must replay in
        the same transaction; after a commit that logged anything, the subscribers
        (:meth:`subscribe`) are told, outside the write lock.
        """
        if self._closed:
            raise Closed("store is closed")
        with self._write_lock:
            conn = self._wconn
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise _translate_os_error(exc) from exc
            try:
                before = newest_change(conn)
                yield Writer(self, conn)
                logged = newest_change(conn)
                conn.execute("COMMIT")
            except BaseException as exc:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
                if isinstance(exc, sqlite3.Error):
                    self._raise_failure(exc)
                raise
        if logged > before:
            self._notify(logged)

    # --- the change log's subscribers ----------------------------------------------------------
    def subscribe(self, callback: Callable[[int], None]) -> Callable[[], None]:
        """Call ``callback(newest seq)`` after every commit that added change rows; returns the
        function that unsubscribes it. Callbacks run on the committing thread, after the write
        lock is released: they should only wake someone (``IndexSync.kick``)."""
        with self._subscribers_lock:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self._subscribers_lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def _notify(self, seq: int) -> None:
        with self._subscribers_lock:
            callbacks = list(self._subscribers)
        for cb in callbacks:
            try:
                cb(seq)
            except Exception:  # the commit stands; a subscriber's failure is its own
                log.exception("a change-log subscriber failed")

    # --- reading -------------------------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[sqlite3.Row]:
        """Run a read on this thread's connection and return its rows (by name); a row failing a
        :meth:`verified` check raises StoreCorruption."""
        conn = self._reader()
        conn.row_factory = sqlite3.Row
        return self._run(conn, sql, params)

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """The first column of the first row of a read, or None when there is no row."""
        conn = self._reader()
        conn.row_factory = None
        rows = self._run(conn, sql, params)
        return rows[0][0] if rows else None

    def row_from(self, table: str, r: sqlite3.Row, columns: Sequence[str] | None = None) -> Row:
        """Open the private columns of a fetched row (``columns`` limits which are opened).

        A row fetched with its MAC (``SELECT *``) is authenticated first: its bound plain
        columns must be what was written, in this row (StoreCorruption otherwise).
        """
        priv_cols = PRIVATE.get(table, {})
        row_id = int(r["id"])
        keys = r.keys()
        if table in BOUND and ROW_MAC in keys:
            self.verify_row(table, row_id, [r[c] for c in BOUND[table]], r[ROW_MAC])
        plain: dict[str, Any] = {}
        private: dict[str, Any] = {}
        for k in keys:
            if k in priv_cols:
                if columns is None or k in columns or k == "exact":
                    private[k] = self.open_value(table, row_id, k, r[k])
            else:
                plain[k] = r[k]
        # The exact times and sizes stand in for their coarse plain columns (schema.COARSE).
        if private.get("exact"):
            plain.update(private["exact"])
        return Row(table, row_id, plain, private)

    def exact(self, table: str, r: Mapping[str, Any] | sqlite3.Row) -> dict[str, Any]:
        """The exact values of a raw row's coarse columns (``schema.COARSE``), from its sealed
        ``exact`` column; a row without one (written before v4 by raw SQL) keeps them plain."""
        keys = r.keys()
        sealed = r["exact"] if "exact" in keys else None
        if sealed is not None:
            return dict(self.open_value(table, int(r["id"]), "exact", sealed) or {})
        return {c: r[c] for c in COARSE.get(table, {}) if c in keys and r[c] is not None}

    def get(self, table: str, row_id: int, columns: Sequence[str] | None = None) -> Row | None:
        """Row ``row_id`` of ``table``, authenticated, its private columns (or only ``columns``) opened; None
        if absent."""
        rows = self.query(f"SELECT * FROM {table} WHERE id = ?", (row_id,))
        return self.row_from(table, rows[0], columns) if rows else None

    def select(
        self, table: str, where: str = "1", params: Sequence[Any] = (),
        columns: Sequence[str] | None = None, order: str = "id",
    ) -> list[Row]:
        """Rows of ``table`` matching ``where`` in ``order``, authenticated, their private columns (or only
        ``columns``) opened."""
        rows = self.query(f"SELECT * FROM {table} WHERE {where} ORDER BY {order}", params)
        return [self.row_from(table, r, columns) for r in rows]

    def last_change(self) -> int:
        """The newest change-log sequence number (0 when the log is empty)."""
        return int(self.scalar("SELECT COALESCE(MAX(seq), 0) FROM changes") or 0)

    def changes_since(self, seq: int) -> list[tuple[int, str, int, str]]:
        """The change-log entries after ``seq``, oldest first, as ``(seq, entity, entity_id, op)``."""
        conn = self._reader()
        conn.row_factory = None
        rows = self._run(conn, "SELECT seq, entity, entity_id, op FROM changes WHERE seq > ? ORDER BY seq", (seq,))
        return [(int(a), str(b), int(c), str(d)) for a, b, c, d in rows]

    def integrity_check(self) -> list[str]:
        """SQLite's ``PRAGMA integrity_check`` lines (``["ok"]`` for a sound file)."""
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
        """Free bytes on the disk that holds the database."""
        return shutil.disk_usage(self.path.parent).free


class Writer:
    """Operations inside one write transaction (see :meth:`Store.write`)."""

    def __init__(self, store: Store, conn: sqlite3.Connection) -> None:
        """Wrap ``conn``, inside a transaction that ``store`` opened and holds the write lock for."""
        self._s = store
        self.conn = conn

    @property
    def store(self) -> Store:
        """The store this transaction writes to."""
        return self._s

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> sqlite3.Cursor:
        """Run raw SQL inside the transaction; nothing is sealed, so it is for plain columns only."""
        # Errors (a failed sm_verify included) surface through Store.write as StoreCorruption.
        return self.conn.execute(sql, params)

    def insert(self, table: str, plain: Mapping[str, Any], private: Mapping[str, Value] | None = None) -> int:
        """Insert a row; private values are sealed with the new row's id bound in. Times and
        sizes (``schema.COARSE``) go to the sealed ``exact`` column, their day or NULL to plain.

        The id is chosen first (what SQLite would pick: the largest + 1; this transaction holds
        the only writer), so the row is written whole in one INSERT and the schema's triggers
        (row MAC, change log) fire once for it."""
        plain, private = self._split_exact(table, None, plain, private)
        values = dict(plain)
        if private:
            if values.get("id") is None:
                values["id"] = int(self.conn.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}").fetchone()[0])
            row_id = int(values["id"])
            values.update({c: self._s.seal(table, row_id, c, v) for c, v in private.items()})
        cols = list(values)
        sql = f"INSERT INTO {table} ({', '.join(cols) or 'id'}) VALUES ({', '.join('?' for _ in cols) or 'NULL'})"
        cur = self.conn.execute(sql, [values[c] for c in cols])
        return int(values["id"]) if values.get("id") is not None else int(cur.lastrowid or 0)

    def update(self, table: str, row_id: int, plain: Mapping[str, Any] | None = None,
               private: Mapping[str, Value] | None = None) -> None:
        """Change plain columns and reseal private ones of one row, in one statement (the schema's
        triggers fire once); coarse columns go to ``exact`` as on :meth:`insert`."""
        plain, private = self._split_exact(table, row_id, plain or {}, private)
        sets = dict(plain)
        if private:
            sets.update({c: self._s.seal(table, row_id, c, v) for c, v in private.items()})
        if sets:
            cols = ", ".join(f"{c} = ?" for c in sets)
            self.conn.execute(f"UPDATE {table} SET {cols} WHERE id = ?", [*sets.values(), row_id])

    def _split_exact(self, table: str, row_id: int | None, plain: Mapping[str, Any],
                     private: Mapping[str, Value] | None) -> tuple[dict[str, Any], dict[str, Value] | None]:
        """Coarsen ``plain``'s time and size columns; where the table keeps exact values, merge
        them (and any ``exact`` entries the caller passes) into the row's sealed ``exact``."""
        rules = COARSE.get(table, {})
        given = {c: v for c, v in plain.items() if c in rules}
        extra = private.get("exact") if private else None
        if not given and extra is None:
            return dict(plain), None if private is None else dict(private)
        out_plain = {c: coarse(table, c, v) if c in rules else v for c, v in plain.items()}
        out_private: dict[str, Value] = dict(private or {})
        if has_exact(table):
            current = self.exact(table, row_id) if row_id is not None else {}
            assert extra is None or isinstance(extra, dict)
            merged = {**current, **given, **(extra or {})}
            out_private["exact"] = {k: v for k, v in merged.items() if v is not None}
        return out_plain, out_private or None

    def exact(self, table: str, row_id: int) -> dict[str, Any]:
        """The row's exact values as last written (inside this transaction)."""
        cur = self.conn.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,))
        row = cur.fetchone()
        if row is None:
            return {}
        return self._s.exact(table, dict(zip([d[0] for d in cur.description], row, strict=True)))

    def verified(self, table: str, alias: str | None = None) -> str:
        """:meth:`Store.verified`, for raw queries inside this transaction."""
        return self._s.verified(table, alias)

    def delete(self, table: str, row_id: int) -> None:
        """Delete row ``row_id`` of ``table``."""
        self.conn.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))

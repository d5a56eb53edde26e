"""A store row as read, and how a value becomes sealed bytes: the associated data that binds a
sealed value to its table, row and column, the value encodings, and the row MAC."""

from __future__ import annotations

import json
import sqlite3
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from secondme.crypto import Sealer
from secondme.store.schema import ROW_MAC_FUNCTION

Value = str | bytes | dict[str, Any] | list[Any] | None


@dataclass
class Row:
    """One row: plain columns as stored, private columns opened (or None where absent)."""

    table: str
    id: int
    plain: dict[str, Any]
    private: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        """A column's value, private (opened) first, then plain; KeyError if the row has neither."""
        if key in self.private:
            return self.private[key]
        return self.plain[key]

    def get(self, key: str, default: Any = None) -> Any:
        """A column's value, or ``default`` when it is absent or None."""
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


def _canonical(value: Any) -> bytes:
    """One column value as typed, length-prefixed bytes: no two different values (or types:
    1 and '1') encode alike, and no value can run into the next."""
    if value is None:
        tag, raw = b"n", b""
    elif isinstance(value, int):
        tag, raw = b"i", str(int(value)).encode()
    elif isinstance(value, float):
        tag, raw = b"f", value.hex().encode()
    elif isinstance(value, str):
        tag, raw = b"s", value.encode("utf-8", "surrogatepass")
    else:
        tag, raw = b"b", bytes(value)
    return tag + struct.pack(">I", len(raw)) + raw


def row_mac(sealer: Sealer, table: str, rowid: int, values: Sequence[Any]) -> bytes:
    """The MAC binding a row's bound plain columns (``schema.BOUND``) to its table and rowid:
    HMAC-SHA256 under the hash key with its own purpose, truncated to 128 bits."""
    payload = b"".join([_canonical(table), _canonical(int(rowid)), *map(_canonical, values)])
    return bytes.fromhex(sealer.keyed_hash(payload, "row-mac")[:32])


def register_row_mac(conn: sqlite3.Connection, sealer: Sealer) -> None:
    """Give ``conn`` the ``sm_row_mac`` function the MAC triggers call.

    Not flagged deterministic on purpose: SQLite then refuses it in index expressions, CHECK
    constraints and generated columns, places where a planted schema could make our key compute
    MACs into the file. Planted triggers and views are refused by ``Store`` (schema check).
    """
    def fn(table: str, rowid: int, *values: Any) -> bytes:
        return row_mac(sealer, table, rowid, values)

    conn.create_function(ROW_MAC_FUNCTION, -1, fn)

"""Schema and migrations of the canonical store.

Private columns are BLOBs sealed with AES-256-GCM (see ``PRIVATE``); plain columns hold only
numbers, states and keyed hashes. ``changes`` is a global sequence the search indexes replay.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from sqlite3 import Connection
from typing import Any

# table -> {column: "text" | "json" | "bytes"}
PRIVATE: dict[str, dict[str, str]] = {
    # Folder and document paths are kept as their bytes: a name that is not valid UTF-8 must
    # round-trip exactly (it is watched, walked and matched at start). Valid UTF-8 names seal
    # the same bytes as text did, so older stores read unchanged.
    "folders": {"path": "bytes"},
    "documents": {"path": "bytes", "title": "text", "meta": "json", "error": "text"},
    "chunks": {"text": "text", "meta": "json", "embedding": "bytes"},
    "memories": {"text": "text", "meta": "json", "embedding": "bytes", "source": "text"},
    "conversations": {"title": "text"},
    "messages": {"text": "text", "meta": "json"},
    "profile_fields": {"value": "json", "meta": "json"},
    "job_runs": {"summary": "json", "error": "text"},
    "private_settings": {"value": "json", "key": "text"},
    # Schema v5: the MCP audit log. Who asked (the client's name) and what (the query) are
    # sealed; only the tool's name, the outcome and the day stay plain.
    "mcp_calls": {"client": "text", "query": "text", "detail": "text"},
}
# Since schema v4 the exact times, sizes and recall counts of these tables are sealed in their
# ``exact`` column (see COARSE); PRIVATE lists it so key rotation re-seals it like any value.
for _table in ("documents", "memories", "job_runs", "profile_fields", "mcp_calls"):
    PRIVATE[_table]["exact"] = "json"

_V1 = """
CREATE TABLE folders (
    id INTEGER PRIMARY KEY,
    path_hash TEXT NOT NULL UNIQUE,
    path BLOB,
    added_at REAL NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    folder_id INTEGER REFERENCES folders(id) ON DELETE CASCADE,
    path_hash TEXT NOT NULL UNIQUE,
    content_hash TEXT,
    path BLOB, title BLOB, meta BLOB, error BLOB,
    format TEXT,
    size INTEGER, mtime REAL,
    state TEXT NOT NULL DEFAULT 'pending',  -- pending | ok | failed
    indexed_at REAL
);
CREATE INDEX documents_folder ON documents(folder_id);
CREATE INDEX documents_content ON documents(content_hash);
CREATE TABLE chunks (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    content_hash TEXT,
    text BLOB, meta BLOB, embedding BLOB,
    mtime REAL,
    UNIQUE(document_id, ordinal)
);
CREATE TABLE memories (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,            -- message | fact | episode | shade | bio | note
    state TEXT NOT NULL DEFAULT 'active',  -- active | faded | superseded
    event_time REAL, created_at REAL NOT NULL,
    strength REAL NOT NULL DEFAULT 1, last_recalled REAL,
    pinned INTEGER NOT NULL DEFAULT 0,
    source_key TEXT,               -- keyed hash of the source (file, conversation, import id)
    content_hash TEXT,
    text BLOB, meta BLOB, embedding BLOB
);
CREATE INDEX memories_kind ON memories(kind, state);
CREATE INDEX memories_source ON memories(source_key);
CREATE INDEX memories_content ON memories(content_hash);
CREATE TABLE links (
    id INTEGER PRIMARY KEY,
    src_id INTEGER NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
    dst_id INTEGER NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    weight REAL NOT NULL DEFAULT 1,
    created_at REAL NOT NULL,
    UNIQUE(src_id, dst_id, kind)
);
CREATE TABLE provenance (
    memory_id INTEGER NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
    chunk_id INTEGER REFERENCES chunks(id) ON DELETE SET NULL,
    source_memory_id INTEGER REFERENCES memories(id) ON DELETE SET NULL
);
CREATE INDEX provenance_memory ON provenance(memory_id);
CREATE TABLE conversations (
    id INTEGER PRIMARY KEY,
    title BLOB,
    created_at REAL NOT NULL
);
CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    created_at REAL NOT NULL,
    memory_id INTEGER REFERENCES memories(id) ON DELETE SET NULL,
    text BLOB, meta BLOB
);
CREATE TABLE profile_fields (
    id INTEGER PRIMARY KEY,
    field TEXT NOT NULL UNIQUE,    -- a field name such as "email": not a private value
    confidence REAL,
    locked INTEGER NOT NULL DEFAULT 0,
    updated_at REAL,
    value BLOB, meta BLOB
);
CREATE TABLE job_runs (
    id INTEGER PRIMARY KEY,
    job TEXT NOT NULL,
    status TEXT NOT NULL,          -- running | ok | failed | cancelled
    started_at REAL NOT NULL, finished_at REAL,
    step TEXT,
    summary BLOB, error BLOB
);
CREATE TABLE private_settings (
    id INTEGER PRIMARY KEY,
    key_hash TEXT NOT NULL UNIQUE,
    value BLOB
);
CREATE TABLE changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    entity TEXT NOT NULL,          -- chunk | memory | document
    entity_id INTEGER NOT NULL,
    op TEXT NOT NULL               -- upsert | delete | vector
);
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT
);
"""


def _statements(script: str) -> list[str]:
    body = "\n".join(line.split("--")[0] for line in script.splitlines())
    return [s.strip() for s in body.split(";") if s.strip()]


def _v1(conn: Connection) -> None:
    for stmt in _statements(_V1):
        conn.execute(stmt)


def _v2(conn: Connection) -> None:
    # Sealed copies of the strings behind two keyed hashes (a memory's source, a private
    # setting's name): key rotation recomputes every keyed hash, so it needs what was hashed.
    conn.execute("ALTER TABLE memories ADD COLUMN source BLOB")
    conn.execute("ALTER TABLE private_settings ADD COLUMN key BLOB")




# --- Row authentication (schema v3) -----------------------------------------------------------
# Plain columns that carry meaning (field names, kinds, states, flags, keyed hashes, the ids
# that link rows) are bound to their row by a MAC in ``row_mac``: HMAC-SHA256 under the hash
# key (purpose "row-mac") of the table, the rowid and these columns' values in this order (see
# ``Store.row_mac``). Editing one of them in the file, or copying a row's values and MAC into
# another row, no longer authenticates. Left out on purpose: times, strength, confidence and
# weight (ranking inputs that change on every recall; schema v4 may bind more), ``changes``
# (a replay log for the indexes, rebuilt from the store) and ``meta`` (watermarks). Deleting
# whole rows is not detected: a per-row MAC cannot see a row that is gone.
ROW_MAC = "row_mac"
ROW_MAC_FUNCTION = "sm_row_mac"  # registered on every connection by Store (and by rekey)
VERIFY_FUNCTION = "sm_verify"    # the SQL-side check, see Store.verified

BOUND_V3: dict[str, tuple[str, ...]] = {
    "folders": ("path_hash", "enabled"),
    "documents": ("folder_id", "path_hash", "content_hash", "format", "state"),
    "chunks": ("document_id", "ordinal", "content_hash"),
    "memories": ("kind", "state", "pinned", "source_key", "content_hash"),
    "links": ("src_id", "dst_id", "kind"),
    "provenance": ("memory_id", "chunk_id", "source_memory_id"),
    "messages": ("conversation_id", "role", "memory_id"),
    "profile_fields": ("field", "locked"),
    "job_runs": ("job", "status"),
    "private_settings": ("key_hash",),
}

# (schema version, what it binds), oldest first. A later migration that binds more columns
# appends its own dict here and calls ``install_row_macs`` for the tables it changes; the v3
# migration keeps using BOUND_V3, so it still runs on stores without the later columns.
BOUND_HISTORY: list[tuple[int, dict[str, tuple[str, ...]]]] = [(3, BOUND_V3)]
# The columns bound by the current schema (what reads verify).
BOUND: dict[str, tuple[str, ...]] = BOUND_HISTORY[-1][1]


def bound_at(version: int) -> dict[str, tuple[str, ...]]:
    """What a store at schema ``version`` binds (empty before v3): re-keying an older backup
    must verify and recompute the MACs its own triggers made."""
    found: dict[str, tuple[str, ...]] = {}
    for v, bound in BOUND_HISTORY:
        if v <= version:
            found = bound
    return found


def _mac_call(table: str, columns: tuple[str, ...], ref: str) -> str:
    args = ", ".join(f"{ref}.{c}" for c in columns)
    return f"{ROW_MAC_FUNCTION}('{table}', {ref}.rowid{', ' if args else ''}{args})"


def row_mac_triggers(table: str, columns: tuple[str, ...]) -> list[str]:
    """The triggers that keep ``table.row_mac`` current on every write path, raw SQL included.

    AFTER INSERT and AFTER UPDATE OF the bound columns (and the id): the trigger's own UPDATE
    sets only ``row_mac``, which no trigger watches, and ``recursive_triggers`` is off, so it
    does not fire again. Foreign-key actions (ON DELETE SET NULL) are updates too and fire it.
    """
    watched = ", ".join(("id", *columns) if table != "provenance" else columns)
    body = f"UPDATE {table} SET {ROW_MAC} = {_mac_call(table, columns, 'NEW')} WHERE rowid = NEW.rowid;"
    return [
        f"CREATE TRIGGER {table}_mac_insert AFTER INSERT ON {table} BEGIN {body} END",
        f"CREATE TRIGGER {table}_mac_update AFTER UPDATE OF {watched} ON {table} BEGIN {body} END",
    ]


def install_row_macs(conn: Connection, table: str, columns: tuple[str, ...]) -> None:
    """(Re)create ``table``'s MAC triggers for ``columns`` and recompute every row's MAC.

    Adds the ``row_mac`` column when missing. Needs ``sm_row_mac`` registered on ``conn``.
    """
    present = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
    if ROW_MAC not in present:
        conn.execute(f"ALTER TABLE {table} ADD COLUMN {ROW_MAC} BLOB")
    for kind in ("insert", "update"):
        conn.execute(f"DROP TRIGGER IF EXISTS {table}_mac_{kind}")
    for stmt in row_mac_triggers(table, columns):
        conn.execute(stmt)
    rebuild_row_macs(conn, table, columns)


def rebuild_row_macs(conn: Connection, table: str, columns: tuple[str, ...] | None = None) -> None:
    """Recompute the MAC of every row of ``table`` with the key ``sm_row_mac`` has on ``conn``
    (after a migration, and after key rotation, which changes that key)."""
    cols = BOUND[table] if columns is None else columns
    conn.execute(f"UPDATE {table} SET {ROW_MAC} = {_mac_call(table, cols, table)}")


def _v3(conn: Connection) -> None:
    for table, columns in BOUND_V3.items():
        install_row_macs(conn, table, columns)


# --- Metadata (schema v4) ----------------------------------------------------------------------
# Times, sizes and recall counts say when the person asked, wrote or changed what. Plain
# columns keep only what SQL must order or pre-filter on, at day resolution; the exact values
# are sealed in the row's ``exact`` column (tables with one in PRIVATE), where the store layer
# writes and reads them: ``Writer.insert/update`` move these columns there, ``Store.row_from``
# puts them back, ``Store.exact`` opens them for raw queries.
#   "day":    the UTC day, as the epoch seconds of its midnight (always <= the exact value);
#   "hidden": NULL in plain (``strength``: 1), only the sealed copy holds it.
DAY_SECONDS = 86400
COARSE: dict[str, dict[str, str]] = {
    "memories": {"event_time": "day", "created_at": "day", "last_recalled": "hidden", "strength": "hidden"},
    # Size and mtime only need equality at start (``stat_key``, a keyed hash), the dates come
    # from the sealed copy; the document's sealed ``content_mtime`` stands for its chunks'.
    "documents": {"size": "hidden", "mtime": "hidden", "indexed_at": "hidden"},
    "chunks": {"mtime": "hidden"},
    "job_runs": {"started_at": "day", "finished_at": "hidden"},
    "profile_fields": {"updated_at": "hidden"},
    # Never read back exactly: only the day is kept at all.
    "folders": {"added_at": "day"},
    "links": {"created_at": "day"},
    "conversations": {"created_at": "day"},
    "messages": {"created_at": "day"},
    "mcp_calls": {"called_at": "day"},
}
_HIDDEN_PLAIN: dict[tuple[str, str], float] = {("memories", "strength"): 1.0}  # NOT NULL columns

# Registered on the write connection while migrating (see Store._migrate): v4 seals what was
# plain, which needs the store's keys.
SEAL_FUNCTION = "sm_seal"          # sm_seal(table, rowid, column, plaintext bytes) -> sealed
HASH_FUNCTION = "sm_keyed_hash"    # sm_keyed_hash(value, purpose) -> hex
DIRTY_DAYS_SETTING = "memory.consolidate.dirty_days"  # was a plain ``meta`` row before v4


def coarse(table: str, column: str, value: Any) -> Any:
    """What the plain column keeps of ``value`` (see COARSE)."""
    rule = COARSE.get(table, {}).get(column)
    if rule is None:
        return value
    if rule == "hidden":
        return _HIDDEN_PLAIN.get((table, column))
    return None if value is None else float(math.floor(float(value) / DAY_SECONDS) * DAY_SECONDS)


def has_exact(table: str) -> bool:
    """Whether ``table`` keeps its exact times and sizes in a sealed ``exact`` column."""
    return "exact" in PRIVATE.get(table, {})


def stat_key_input(path_hash: str, size: int, mtime: float) -> bytes:
    """What ``documents.stat_key`` hashes: the path's keyed hash binds it to its row (a copied
    stat_key never matches), ``repr`` keeps the float mtime exact."""
    return f"{path_hash}\0{int(size)}\0{float(mtime)!r}".encode()


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _v4(conn: Connection) -> None:
    # Tables of later schemas (v5's mcp_calls) are made with their ``exact`` column already.
    present = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for table in PRIVATE:
        if has_exact(table) and table in present:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN exact BLOB")
    conn.execute("ALTER TABLE documents ADD COLUMN stat_key TEXT")

    def seal(table: str, rowid: int, value: Any) -> bytes:
        return bytes(conn.execute(f"SELECT {SEAL_FUNCTION}(?, ?, 'exact', ?)",
                                  (table, rowid, _json(value))).fetchone()[0])

    for table, rules in COARSE.items():  # documents before chunks: it reads the chunks' mtimes
        if table not in present:
            continue
        cols = list(rules)
        rows = conn.execute(f"SELECT id, {', '.join(cols)} FROM {table}").fetchall()
        for row in rows:
            rowid, values = int(row[0]), dict(zip(cols, row[1:], strict=True))
            sets = {c: coarse(table, c, v) for c, v in values.items()}
            if has_exact(table):
                exact = {c: v for c, v in values.items() if v is not None}
                if table == "documents":
                    # The mtime the chunks were cut at (a later same-content save only touched
                    # the document's own mtime).
                    first = conn.execute("SELECT mtime FROM chunks WHERE document_id = ? AND mtime IS NOT NULL "
                                         "LIMIT 1", (rowid,)).fetchone()
                    exact["content_mtime"] = first[0] if first else values["mtime"]
                    ph = conn.execute("SELECT path_hash FROM documents WHERE id = ?", (rowid,)).fetchone()[0]
                    if values["size"] is not None and values["mtime"] is not None:
                        sets["stat_key"] = conn.execute(
                            f"SELECT {HASH_FUNCTION}(?, 'stat')",
                            (stat_key_input(ph, values["size"], values["mtime"]),)).fetchone()[0]
                sets["exact"] = seal(table, rowid, exact)
            conn.execute(f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in sets)} WHERE id = ?",
                         [*sets.values(), rowid])

    # The days that still need their episode rebuilt: a sealed setting now, not a plain row.
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (DIRTY_DAYS_SETTING,)).fetchone()
    if row is not None:
        days = json.loads(row[0] or "[]")
        if days:
            key_hash = conn.execute(f"SELECT {HASH_FUNCTION}(?, 'setting')",
                                    (DIRTY_DAYS_SETTING.encode(),)).fetchone()[0]
            sid = conn.execute("INSERT INTO private_settings (key_hash) VALUES (?)", (key_hash,)).lastrowid
            conn.execute(
                f"UPDATE private_settings SET key = {SEAL_FUNCTION}('private_settings', id, 'key', ?), "
                f"value = {SEAL_FUNCTION}('private_settings', id, 'value', ?) WHERE id = ?",
                (DIRTY_DAYS_SETTING.encode(), _json(days), sid))
        conn.execute("DELETE FROM meta WHERE key = ?", (DIRTY_DAYS_SETTING,))


# --- The MCP audit log (schema v5) -------------------------------------------------------------
# One row per call another tool made through ``secondme mcp`` (see ``secondme.mcp.audit``).
_V5 = """
CREATE TABLE mcp_calls (
    id INTEGER PRIMARY KEY,
    called_at REAL NOT NULL,       -- the day; the exact time is sealed in ``exact``
    tool TEXT NOT NULL,            -- search | recall | profile_fill | remember | resource:…
    outcome TEXT NOT NULL,         -- ok | refused | error
    client BLOB, query BLOB, detail BLOB, exact BLOB
)
"""
# A refusal edited into "ok" in the file (or the tool's name changed) must not authenticate.
BOUND_V5: dict[str, tuple[str, ...]] = {**BOUND_V3, "mcp_calls": ("tool", "outcome")}
BOUND_HISTORY.append((5, BOUND_V5))
BOUND = BOUND_HISTORY[-1][1]


def _v5(conn: Connection) -> None:
    for stmt in _statements(_V5):
        conn.execute(stmt)
    install_row_macs(conn, "mcp_calls", BOUND_V5["mcp_calls"])


# Index i migrates from user_version i to i + 1.
MIGRATIONS: list[Callable[[Connection], None]] = [_v1, _v2, _v3]
MIGRATIONS.append(_v4)  # metadata, after row authentication (v3)
MIGRATIONS.append(_v5)  # the MCP audit log


def _v6(conn: Connection) -> None:
    # Two-phase indexing embeds chunks after storing them: this finds those still waiting.
    conn.execute("CREATE INDEX chunks_unembedded ON chunks(document_id) WHERE embedding IS NULL")


MIGRATIONS.append(_v6)  # chunks waiting for their embedding (two-phase indexing)


# --- The change log, written by the store itself (schema v7) -----------------------------------
# The search indexes replay ``changes``. Before v7 each writer added its rows by hand and one
# forgotten call left an index stale without an error; since v7 triggers on the tables the
# indexes read add them, on every write path (raw SQL and foreign-key cascades included), inside
# the writing transaction: a rollback takes its change rows with it.
# Only the columns an index reads are watched, so bookkeeping does not flood the log: a recall
# (memories.strength, last_recalled: the sealed ``exact``), pinning, a document's size/mtime
# touch (its stat key) or the row MACs add nothing. A chunk whose embedding alone is written
# (phase 2) logs ``vector`` (search.ids.VECTOR_OP): only the vector index re-reads it.
# ``Writer.insert`` and ``Writer.update`` write a row in one statement, so one written row
# costs one change row (a row written twice in one transaction logs twice; the sync applies the
# latest). A chunk update that writes its text or meta with the embedding logs one ``upsert``.
# A ``document`` upsert means "the note's index-visible fields changed" (title, folder, format,
# state): the sync re-reads its whole-note row and re-files its chunks, which carry the folder,
# format and title (``IndexSync``), so a move logs one row, not one per chunk.
# ``changes`` itself is not MAC-bound (see above): it is a replay log rebuilt from the store.
CHANGE_WATCHED: dict[str, tuple[str, ...]] = {
    "documents": ("folder_id", "format", "state", "title"),
    "chunks": ("document_id", "ordinal", "text", "meta"),
    "memories": ("kind", "state", "source_key", "event_time", "created_at", "text", "meta", "embedding"),
}
CHANGE_ENTITY = {"documents": "document", "chunks": "chunk", "memories": "memory"}


def _log_change(entity: str, ref: str, op: str) -> str:
    return f"INSERT INTO changes (entity, entity_id, op) VALUES ('{entity}', {ref}.id, '{op}');"


def change_triggers(table: str) -> list[str]:
    """The triggers that log ``table``'s index-visible writes to ``changes`` (see above)."""
    entity = CHANGE_ENTITY[table]
    watched = ", ".join(CHANGE_WATCHED[table])
    out = [
        f"CREATE TRIGGER {table}_change_insert AFTER INSERT ON {table} BEGIN "
        f"{_log_change(entity, 'NEW', 'upsert')} END",
        f"CREATE TRIGGER {table}_change_update AFTER UPDATE OF {watched} ON {table} BEGIN "
        f"{_log_change(entity, 'NEW', 'upsert')} END",
        f"CREATE TRIGGER {table}_change_delete AFTER DELETE ON {table} BEGIN "
        f"{_log_change(entity, 'OLD', 'delete')} END",
    ]
    if table == "chunks":
        # Only the vector changed. A statement that also wrote a watched column logged an
        # upsert, which covers it: a re-sealed value never equals the old ciphertext (fresh
        # nonce), so "IS OLD" means "not written".
        same = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in CHANGE_WATCHED[table])
        out.append(f"CREATE TRIGGER chunks_change_vector AFTER UPDATE OF embedding ON chunks "
                   f"WHEN {same} BEGIN {_log_change(entity, 'NEW', 'vector')} END")
    return out


def _v7(conn: Connection) -> None:
    for table in CHANGE_WATCHED:
        for stmt in change_triggers(table):
            conn.execute(stmt)


def newest_change(conn: Connection) -> int:
    """The change log's newest sequence number on ``conn`` (0 when empty): one b-tree step."""
    return int(conn.execute("SELECT COALESCE(MAX(seq), 0) FROM changes").fetchone()[0])


def drop_changes_after(conn: Connection, seq: int) -> None:
    """Remove the change rows newer than ``seq`` (inside the caller's transaction): for a bulk
    rewrite that changed no value an index reads, such as key rotation's re-sealing."""
    conn.execute("DELETE FROM changes WHERE seq > ?", (int(seq),))


def _v8(conn: Connection) -> None:
    # A search maps ~1,000 candidate chunks to their notes: a page of wide rows read each, or a
    # few pages of this narrow index (read INDEXED BY it: the planner picks the rowid).
    conn.execute("CREATE INDEX chunks_doc_of ON chunks(id, document_id)")


MIGRATIONS.append(_v7)  # the change log written by triggers
MIGRATIONS.append(_v8)  # chunk -> note without reading the chunk rows
SCHEMA_VERSION = len(MIGRATIONS)

_expected: dict[int, set[tuple[str, str, str, str]]] = {}


def schema_objects(conn: Connection) -> set[tuple[str, str, str, str]]:
    """The schema as stored: (type, name, table, SQL) of every table, index, trigger and view."""
    return {(str(t), str(n), str(tb), str(s or "")) for t, n, tb, s in conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%'")}


def expected_schema(version: int) -> set[tuple[str, str, str, str]]:
    """The schema migrations 1..``version`` produce, built once in memory for comparison."""
    if version not in _expected:
        import sqlite3

        mem = sqlite3.connect(":memory:")
        try:
            mem.create_function(ROW_MAC_FUNCTION, -1, lambda *a: None)
            for migrate in MIGRATIONS[:version]:
                migrate(mem)
            _expected[version] = schema_objects(mem)
        finally:
            mem.close()
    return _expected[version]

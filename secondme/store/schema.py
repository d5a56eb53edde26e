"""Schema and migrations of the canonical store.

Private columns are BLOBs sealed with AES-256-GCM (see ``PRIVATE``); plain columns hold only
numbers, states and keyed hashes. ``changes`` is a global sequence the search indexes replay.
"""

from __future__ import annotations

from collections.abc import Callable
from sqlite3 import Connection

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
}

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
    entity TEXT NOT NULL,          -- chunk | memory
    entity_id INTEGER NOT NULL,
    op TEXT NOT NULL               -- upsert | delete
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


# Index i migrates from user_version i to i + 1.
MIGRATIONS: list[Callable[[Connection], None]] = [_v1, _v2]
SCHEMA_VERSION = len(MIGRATIONS)

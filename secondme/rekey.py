"""Re-key a copy of the store: every sealed value and every keyed hash moves to a new KeySet.

Used by key rotation (the data directory's own store) and by backup import (the backup's store
gets a fresh key of its own). It works on a private copy of the database file with plain
``sqlite3`` in ONE transaction, so a failure leaves the copy unusable but the original intact.

Keyed hashes are recomputed from what they hash:

- folders and documents: the sealed path; documents' stat keys: that path with the size and
  mtime sealed in ``exact`` (schema v4);
- chunks: the chunk's context line and text (see ``Chunk.embed_text``);
- memories: kind and text; the source key from the sealed ``source`` column (older rows
  without it: the usual sources are tried against the old hash, else the group is kept under
  a new opaque key — recall still groups them, only ``forget(<source name>)`` cannot name it);
- private settings: the sealed setting name (older unnamed rows are dropped: nothing can look
  them up any more);
- documents' content hashes hash the file's bytes, which the store does not keep: recomputed
  from the file when its size and mtime are unchanged, else cleared. A cleared hash only means
  the next reconcile re-reads the changed file; chunk hashes still match, so the indexer reuses
  the stored embeddings (``DocumentStore.old_embeddings``) instead of embedding again.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from secondme.crypto import KeySet, Sealer
from secondme.memory.importers import conversation_source
from secondme.memory.items import MemoryItems
from secondme.notes.documents import DocumentStore
from secondme.notes.folders import FolderRegistry
from secondme.profile.service import BIOS_KEY, SHADES_KEY
from secondme.store import Store
from secondme.store.hashes import memory_hash, setting_hash
from secondme.store.resealing import ResealedFile, copy_database, remove_database, resealing
from secondme.store.schema import (
    PRIVATE,
    rebuild_row_macs,
)

__all__ = ["RekeyStats", "copy_database", "rekey_store", "remove_database"]

log = logging.getLogger("secondme.rekey")

# Private settings written before their names were sealed alongside (schema v1).
_KNOWN_SETTINGS = (SHADES_KEY, BIOS_KEY, "self-test")


class _Hasher:
    """Just enough of :class:`Store` for the modules that define each keyed hash, so the
    formulas live in one place (``DocumentStore.path_hash``, ``FolderRegistry._hash``…)."""

    def __init__(self, sealer: Sealer) -> None:
        self._sealer = sealer

    def keyed_hash(self, value: str | bytes, purpose: str) -> str:
        b = value.encode("utf-8") if isinstance(value, str) else value
        return self._sealer.keyed_hash(b, purpose)


@dataclass
class RekeyStats:
    """What a re-key changed (shown by the CLI and the Settings page)."""

    values: int = 0
    hashes: int = 0
    content_hashes_cleared: int = 0
    dropped_settings: int = 0
    by_table: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The counts by name (for JSON output)."""
        return {"values": self.values, "hashes": self.hashes,
                "content_hashes_cleared": self.content_hashes_cleared,
                "dropped_settings": self.dropped_settings, "rows": dict(self.by_table)}


class _Rekeyer(ResealedFile):
    def __init__(self, conn: sqlite3.Connection, old: KeySet, new: KeySet) -> None:
        super().__init__(conn, old, new)
        self.old_hash = _Hasher(self.old)
        self.new_hash = _Hasher(self.new)
        as_store = cast(Store, self.new_hash)  # only keyed_hash is used by these helpers
        self.docs = DocumentStore(as_store)
        self.folders = FolderRegistry(as_store)
        self.items = MemoryItems(as_store, cast(Any, None))
        self.old_items = MemoryItems(cast(Store, self.old_hash), cast(Any, None))
        self.stats = RekeyStats()

    def write(self, table: str, row_id: int, private: dict[str, Any], plain: dict[str, Any]) -> None:
        """Re-seal one row (see :meth:`ResealedFile.write`), counting what changed."""
        super().write(table, row_id, private, plain)
        self.stats.values += sum(v is not None for v in private.values())
        self.stats.hashes += sum(v is not None for v in plain.values())
        self.stats.by_table[table] = self.stats.by_table.get(table, 0) + 1

    # --- per table -------------------------------------------------------------------------------
    def run(self, refresh_index: bool) -> RekeyStats:
        self.check_schema()
        self.verify_row_macs()
        logged_before = self.newest_change()
        for table in PRIVATE:
            extra = _EXTRA.get(table, ())
            fix = getattr(self, f"_fix_{table}", None)
            for r in self.rows(table, extra):
                priv = self.open(table, r)
                plain: dict[str, Any] = fix(r, priv) if fix is not None else {}
                if plain.get("_drop"):
                    self.delete(table, int(r["id"]))
                    self.stats.dropped_settings += 1
                    continue
                self.write(table, int(r["id"]), priv, plain)
        # Re-sealing rewrites every private column, so the change-log triggers (schema v7) saw
        # every row change; nothing an index reads did (beyond the source keys below).
        self.drop_changes_after(logged_before)
        if refresh_index:
            # The index files memories under their source key (a facet): replaying an upsert
            # of each after the snapshot's watermark refreshes it under the new key.
            self.replay_sourced_memories()
        # The triggers already re-MACed rows whose keyed hashes changed; the others (links,
        # profile fields…) still carry old-key MACs.
        for table, cols in self.bound.items():
            rebuild_row_macs(self.conn, table, cols)
        return self.stats

    def _fix_folders(self, r: sqlite3.Row, p: dict[str, Any]) -> dict[str, Any]:
        return {"path_hash": self.folders._hash(Path(os.fsdecode(p["path"])))}

    def _fix_documents(self, r: sqlite3.Row, p: dict[str, Any]) -> dict[str, Any]:
        path = Path(os.fsdecode(p["path"]))
        out: dict[str, Any] = {"path_hash": self.docs.path_hash(path)}
        # Since schema v4 size and mtime are sealed in ``exact`` (plain before, in older backups).
        exact = p.get("exact") or {}
        size, mtime = exact.get("size", r["size"]), exact.get("mtime", r["mtime"])
        if "exact" in p:  # the stat_key column came with it
            out["stat_key"] = None if size is None or mtime is None else self.docs.stat_key(path, size, mtime)
        if r["content_hash"] is not None:
            data = _unchanged_file(path, size, mtime)
            out["content_hash"] = None if data is None else self.docs.content_hash(data)
            self.stats.content_hashes_cleared += data is None
        return out

    def _fix_chunks(self, r: sqlite3.Row, p: dict[str, Any]) -> dict[str, Any]:
        if r["content_hash"] is None or p["text"] is None:
            return {}
        context = (p.get("meta") or {}).get("context") or ""
        embed_text = f"{context}\n{p['text']}" if context else p["text"]  # Chunk.embed_text
        return {"content_hash": self.docs.chunk_hash(embed_text)}

    def _fix_memories(self, r: sqlite3.Row, p: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if r["content_hash"] is not None and p["text"] is not None:
            # The formula of MemoryItems.insert.
            out["content_hash"] = memory_hash(self.new_hash, r["kind"], p["text"])
        old_key = r["source_key"]
        if old_key is not None:
            source = p.get("source") or self._legacy_source(old_key, p.get("meta") or {})
            if source is not None:
                out["source_key"] = self.items.source_key(source)
                if "source" in p:
                    p["source"] = source
            else:
                out["source_key"] = self.items.source_key(f"unnamed-source\0{old_key}")
        return out

    def _legacy_source(self, old_key: str, meta: dict[str, Any]) -> str | None:
        cands = ["remembered", "summary:history"]
        if meta.get("conversation"):
            cands.append(conversation_source(str(meta["conversation"])))
        if meta.get("day"):
            cands.append(f"episode:{meta['day']}")
        return next((c for c in cands if self.old_items.source_key(c) == old_key), None)

    def _fix_private_settings(self, r: sqlite3.Row, p: dict[str, Any]) -> dict[str, Any]:
        name = p.get("key") or next(
            (k for k in _KNOWN_SETTINGS if setting_hash(self.old_hash, k) == r["key_hash"]), None)
        if name is None:
            return {"_drop": True}
        if "key" in p:
            p["key"] = name
        return {"key_hash": setting_hash(self.new_hash, name)}  # SecondMe.set_private


# Plain columns each table's fix reads besides the private ones.
_EXTRA: dict[str, tuple[str, ...]] = {
    "documents": ("content_hash", "size", "mtime"),
    "chunks": ("content_hash",),
    "memories": ("content_hash", "source_key", "kind"),
    "private_settings": ("key_hash",),
}


def _unchanged_file(path: Path, size: int | None, mtime: float | None) -> bytes | None:
    """The file's bytes if it still has the size and mtime the store recorded, else None."""
    try:
        st = os.stat(path)
        if size is None or mtime is None or st.st_size != size or st.st_mtime != mtime:
            return None
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return None


def rekey_store(db: Path, old: KeySet, new: KeySet, *, refresh_index: bool) -> RekeyStats:
    """Re-seal every private value and recompute every keyed hash of the database file ``db``
    (a private copy nobody else has open), durably, in one transaction.

    ``refresh_index``: also queue an index update for memories whose source key changed (when
    an existing index snapshot is carried over rather than rebuilt).
    """
    with resealing(db, new) as conn:
        stats = _Rekeyer(conn, old, new).run(refresh_index)
    log.info("store re-keyed: %s", stats.to_dict())
    return stats

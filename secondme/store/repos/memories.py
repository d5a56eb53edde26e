"""Memories (messages, facts, episodes, summaries, notes) and their provenance, typed.

The plain columns SQL may see are the kind, state, pin, keyed hashes of the source and content,
and the coarse days; the text, meta, embedding, source and exact times are sealed and opened
here, once per row, only for the columns a caller asks for.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from secondme.store.db import Writer
from secondme.store.hashes import memory_hash, source_hash
from secondme.store.repos.base import OnCorrupt, Repository, chunked, newest_first, placeholders
from secondme.store.rows import Row, Value
from secondme.store.schema import coarse

# What a caller may ask to open (the sealed ``exact`` times are always opened).
TEXT, META, EMBEDDING, SOURCE = "text", "meta", "embedding", "source"


@dataclass(frozen=True, slots=True)
class Memory:
    """One memory row, its sealed columns opened once.

    A sealed column that was not asked for reads as None (``meta`` as an empty dict); ``meta``
    is a fresh dict per read, so a caller may change its copy and write it back.
    """

    id: int
    kind: str
    state: str
    pinned: bool
    source_key: str | None
    content_hash: str | None
    created_at: float
    event_time: float | None
    last_recalled: float | None
    strength: float
    text: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    embedding: bytes | None = None
    source: str | None = None

    @property
    def when(self) -> float:
        """When it happened, or else when it was stored (exact, from the sealed times)."""
        return float(self.event_time or self.created_at)

    @property
    def vector(self) -> np.ndarray | None:
        """The embedding as float32, or None (not stored or not opened)."""
        return None if self.embedding is None else np.frombuffer(self.embedding, dtype=np.float32)

    @property
    def clock(self) -> tuple[float | None, float]:
        """(last recall or creation, strength): the forgetting curve's inputs."""
        last = self.last_recalled if self.last_recalled is not None else self.created_at
        return last, float(self.strength)


def _memory(row: Row) -> Memory:
    p = row.plain  # the exact times and strength already stand in for their coarse columns
    meta = row.private.get(META)
    embedding = row.private.get(EMBEDDING)
    strength = p.get("strength")
    return Memory(
        id=row.id, kind=str(p["kind"]), state=str(p["state"]), pinned=bool(p["pinned"]),
        source_key=p.get("source_key"), content_hash=p.get("content_hash"),
        created_at=float(p["created_at"]), event_time=p.get("event_time"),
        last_recalled=p.get("last_recalled"), strength=float(1.0 if strength is None else strength),
        text=row.private.get(TEXT), meta=dict(meta) if isinstance(meta, dict) else {},
        embedding=None if embedding is None else bytes(embedding), source=row.private.get(SOURCE))


def _vector_bytes(vector: np.ndarray | None) -> bytes | None:
    return None if vector is None else np.asarray(vector, dtype=np.float32).tobytes()


class MemoryRepository(Repository):
    """The ``memories`` table: typed reads (by id in batches), sealed writes, keyed hashes."""

    table = "memories"

    # --- keyed hashes: one formula each --------------------------------------------------------
    def source_key(self, source: str) -> str:
        """The lookup key of a source (a conversation, an import, an episode's day)."""
        return source_hash(self.store, source)

    def content_hash(self, kind: str, text: str) -> str:
        """The de-duplication key of a memory's kind and text."""
        return memory_hash(self.store, kind, text)

    # --- reading ---------------------------------------------------------------------------------
    def by_ids(self, ids: Iterable[int], columns: Sequence[str] = (), *, where: str = "1",
               params: Sequence[Any] = (), writer: Writer | None = None,
               on_corrupt: OnCorrupt | None = None) -> dict[int, Memory]:
        """The memories with these ids (matching ``where``), by id; ``columns`` are opened (with
        ``on_corrupt``, one that does not open is reported there and reads as None)."""
        rows = self.rows_by_id(ids, where=where, params=params, columns=columns, writer=writer,
                               on_corrupt=on_corrupt)
        return {mid: _memory(row) for mid, row in rows.items()}

    def facets(self, ids: Iterable[int]) -> dict[int, str]:
        """What search files each memory under: its kind when active, else its state
        (authenticated, nothing opened)."""
        out: dict[int, str] = {}
        for part in chunked(ids):
            for r in self.store.query(f"SELECT id, kind, state FROM memories WHERE id IN ({placeholders(len(part))}) "
                                      f"AND {self.store.verified('memories')}", part):
                out[int(r["id"])] = str(r["kind"]) if r["state"] == "active" else str(r["state"])
        return out

    def get(self, memory_id: int, columns: Sequence[str] = (), *, writer: Writer | None = None) -> Memory | None:
        """Memory ``memory_id`` with ``columns`` opened (read inside ``writer`` when given), or None."""
        return self.by_ids([memory_id], columns, writer=writer).get(int(memory_id))

    def select(self, where: str = "1", params: Sequence[Any] = (), columns: Sequence[str] = (), *,
               order: str = "id", limit: int | None = None) -> list[Memory]:
        """Memories matching ``where`` (plain columns only) in ``order``."""
        sql = f"SELECT * FROM memories WHERE {where} ORDER BY {order}"
        args = list(params)
        if limit is not None:
            sql += " LIMIT ?"
            args.append(int(limit))
        return [_memory(r) for r in self.rows(sql, args, columns=columns)]

    def of_kind(self, kind: str, columns: Sequence[str] = (), *, where: str = "1",
                params: Sequence[Any] = ()) -> list[Memory]:
        """Every memory of ``kind`` (and matching ``where``), by id."""
        return self.select(f"kind = ? AND ({where})", [kind, *params], columns)

    def active_except(self, kinds: Iterable[str], columns: Sequence[str] = ()) -> list[Memory]:
        """Active memories of any kind but ``kinds``, by id (the decay pass reads their clocks)."""
        skip = sorted(set(kinds))
        return self.select(f"state = 'active' AND kind NOT IN ({placeholders(len(skip))})", skip, columns)

    def exists(self, memory_id: int) -> bool:
        """Whether memory ``memory_id`` exists."""
        return bool(self.store.scalar("SELECT 1 FROM memories WHERE id = ?", (int(memory_id),)))

    def any_of_kind(self, kind: str) -> bool:
        """Whether any memory of ``kind`` exists."""
        return bool(self.store.scalar("SELECT 1 FROM memories WHERE kind = ? LIMIT 1", (kind,)))

    def max_id(self) -> int:
        """The highest memory id (0 when there is none)."""
        return int(self.store.scalar("SELECT COALESCE(MAX(id), 0) FROM memories") or 0)

    def count_after(self, kind: str, after: int) -> int:
        """How many memories of ``kind`` have an id above ``after``."""
        return int(self.store.scalar("SELECT COUNT(*) FROM memories WHERE kind = ? AND id > ?",
                                     (kind, int(after))) or 0)

    def after(self, kind: str, after: int, limit: int, columns: Sequence[str] = ()) -> list[Memory]:
        """The next ``limit`` memories of ``kind`` with ids above ``after`` (a high-water mark)."""
        return self.select("kind = ? AND id > ?", (kind, int(after)), columns, limit=limit)

    def ids_of_source(self, source: str) -> list[int]:
        """Ids of the memories taken from ``source`` (matched by its keyed hash)."""
        key = self.source_key(source)
        return [int(r[0]) for r in self.store.query("SELECT id FROM memories WHERE source_key = ?", (key,))]

    def id_of_source(self, w: Writer, kind: str, source: str) -> int | None:
        """The memory of ``kind`` written for ``source`` (an episode's day), inside ``w``."""
        row = w.execute("SELECT id FROM memories WHERE kind = ? AND source_key = ?",
                        (kind, self.source_key(source))).fetchone()
        return None if row is None else int(row[0])

    def conversation_tops(self, kind: str = "message") -> list[tuple[str, int]]:
        """(source key or '', highest id) of each conversation, oldest activity first."""
        rows = self.store.query(
            "SELECT COALESCE(source_key, '') AS k, MAX(id) AS top FROM memories WHERE kind = ? "
            "GROUP BY COALESCE(source_key, '') ORDER BY MIN(id)", (kind,))
        return [(str(r["k"]), int(r["top"])) for r in rows]

    def of_conversation(self, key: str, after: int, columns: Sequence[str] = (), *,
                        kind: str = "message") -> list[Memory]:
        """The memories of ``kind`` in one conversation (source key, '' for none) above ``after``."""
        return self.select("kind = ? AND COALESCE(source_key, '') = ? AND id > ?", (kind, key, int(after)), columns)

    def between(self, kind: str, since: float, until: float, columns: Sequence[str] = (), *,
                where: str = "1") -> list[Memory]:
        """Memories of ``kind`` whose exact event time is in [since, until), by (time, id).

        Plain SQL sees each memory's day only: it narrows, the sealed times decide."""
        found = self.select(f"kind = ? AND ({where}) AND event_time >= ? AND event_time < ?",
                            (kind, coarse("memories", "event_time", since), until), columns)
        inside = [m for m in found if m.event_time is not None and since <= m.event_time < until]
        return sorted(inside, key=lambda m: (m.event_time, m.id))

    def newest(self, kind: str | None, state: str | None, limit: int, columns: Sequence[str] = ()) -> list[Memory]:
        """At most ``limit`` memories, newest first by their exact event (or creation) time."""
        where, params = ["1"], []
        if kind:
            where.append("kind = ?")
            params.append(kind)
        if state:
            where.append("state = ?")
            params.append(state)
        rows = newest_first(self.store, "memories", " AND ".join(where), params, int(limit),
                            "COALESCE(event_time, created_at)",
                            lambda row: (row.get("event_time") or row["created_at"], row.id), columns=columns)
        return [_memory(r) for r in rows]

    def stored(self, hashes: Iterable[str], days: Sequence[float | None]) -> list[Memory]:
        """Memories with one of these content hashes on one of these (coarse) event days (None:
        no event time); the exact times come opened. One query per batch of hashes."""
        known = sorted({d for d in days if d is not None})
        day_sql = f"event_time IN ({placeholders(len(known))})" if known else "0"
        if any(d is None for d in days):
            day_sql = f"({day_sql} OR event_time IS NULL)"
        return [_memory(r) for r in self.rows_in("content_hash", sorted(set(hashes)), where=day_sql, params=known)]

    # --- writing ---------------------------------------------------------------------------------
    def insert(self, w: Writer, *, kind: str, text: str, meta: Mapping[str, Any], at: float | None,
               now: float, source: str | None = None, vector: np.ndarray | None = None) -> int:
        """Add a memory; its times and strength go sealed into ``exact`` (plain keeps the days)."""
        return w.insert(
            "memories",
            {"kind": kind, "created_at": now, "event_time": at if at is not None else now,
             "last_recalled": at if at is not None else now, "strength": 1.0,
             "source_key": self.source_key(source) if source else None,
             "content_hash": self.content_hash(kind, text)},
            {"text": text, "meta": dict(meta), "source": source, "embedding": _vector_bytes(vector)})

    def rewrite(self, w: Writer, memory_id: int, *, kind: str, text: str, meta: Mapping[str, Any],
                vector: np.ndarray | None, event_time: float | None = None) -> None:
        """New text, meta and embedding (and content hash) for a memory; ``event_time`` if given."""
        plain: dict[str, Any] = {"content_hash": self.content_hash(kind, text)}
        if event_time is not None:
            plain["event_time"] = event_time
        w.update("memories", int(memory_id), plain,
                 {"text": text, "meta": dict(meta), "embedding": _vector_bytes(vector)})

    def set_meta(self, w: Writer, memory_id: int, meta: Mapping[str, Any]) -> None:
        """Replace a memory's meta (sealed) inside ``w``."""
        w.update("memories", int(memory_id), private={"meta": dict(meta)})

    def set_state(self, w: Writer, memory_id: int, state: str, meta: Mapping[str, Any] | None = None) -> None:
        """Set a memory's state inside ``w``, and its meta (sealed) when given."""
        private: dict[str, Value] | None = None if meta is None else {"meta": dict(meta)}
        w.update("memories", int(memory_id), {"state": state}, private)

    def set_pinned(self, w: Writer, memory_id: int, pinned: bool, state: str | None = None) -> None:
        """Pin or unpin a memory inside ``w``, setting its state too when given."""
        plain: dict[str, Any] = {"pinned": 1 if pinned else 0}
        if state is not None:
            plain["state"] = state
        w.update("memories", int(memory_id), plain)

    def set_clock(self, w: Writer, memory_id: int, strength: float, last_recalled: float) -> None:
        """A recall: strength and time, both sealed (they tell when the person asked what)."""
        w.update("memories", int(memory_id), {"strength": strength, "last_recalled": last_recalled})

    def delete(self, w: Writer, memory_id: int) -> None:
        """Delete a memory inside ``w``."""
        w.delete("memories", int(memory_id))


class ProvenanceRepository(Repository):
    """The ``provenance`` table: which memories and note chunks a derived memory came from."""

    table = "provenance"

    def add(self, w: Writer, memory_id: int, *, source_memory_id: int | None = None,
            chunk_id: int | None = None) -> None:
        """Record inside ``w`` that a memory came from a chunk or from another memory."""
        w.execute("INSERT INTO provenance (memory_id, chunk_id, source_memory_id) VALUES (?, ?, ?)",
                  (int(memory_id), chunk_id, source_memory_id))

    def clear(self, w: Writer, memory_id: int) -> None:
        """Drop a memory's provenance inside ``w``."""
        w.execute("DELETE FROM provenance WHERE memory_id = ?", (int(memory_id),))

    def derived_of(self, w: Writer, sources: Iterable[int]) -> list[tuple[int, str]]:
        """(memory id, kind) of the memories derived from any of ``sources`` (rows verified)."""
        out: list[tuple[int, str]] = []
        for part in chunked(sources):
            rows = w.execute(
                "SELECT DISTINCT p.memory_id, m.kind FROM provenance p JOIN memories m ON m.id = p.memory_id "
                f"WHERE p.source_memory_id IN ({placeholders(len(part))}) AND {w.verified('provenance', 'p')} "
                f"AND {w.verified('memories', 'm')}", part).fetchall()
            out.extend((int(mid), str(kind)) for mid, kind in rows)
        return out

    def has_other_source(self, w: Writer, memory_id: int, besides: Iterable[int]) -> bool:
        """Whether ``memory_id`` also came from a note chunk or a memory not in ``besides``."""
        gone = sorted({int(x) for x in besides})
        # NOT IN over every id at once: split, this would be true for ids in another part.
        found = w.execute(
            "SELECT 1 FROM provenance WHERE memory_id = ? AND (chunk_id IS NOT NULL OR "
            "(source_memory_id IS NOT NULL AND source_memory_id NOT IN "
            "(SELECT value FROM json_each(?)))) LIMIT 1", (int(memory_id), _json_ids(gone))).fetchone()
        return found is not None


def _json_ids(ids: Sequence[int]) -> str:
    return "[" + ",".join(str(int(i)) for i in ids) + "]"

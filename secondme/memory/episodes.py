"""Daily episodes (what happened on a day: conversations and note activity) and the overall
history they roll up into (MemoryBank's daily event summaries → global history).

Summaries are extractive: the day's most central messages (closest to the day's mean
embedding), in time order. The default 135M model cannot summarise faithfully, and an extract
never invents anything.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from secondme.errors import Cancelled
from secondme.memory.items import MemoryItems, NewMemory
from secondme.store import Store
from secondme.store.db import Writer
from secondme.store.hashes import memory_hash
from secondme.store.schema import coarse

log = logging.getLogger("secondme.memory.episodes")

PICKS = 5           # messages quoted per episode
PICK_CHARS = 160    # each quote is cut to this length
HISTORY_LINES = 60  # the overall history keeps the most recent months


def day_of(ts: float) -> str:
    return datetime.fromtimestamp(ts).strftime("%Y-%m-%d")


def _cut(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n - 1].rstrip() + "…"


class EpisodeWriter:
    """Rebuilds the episodes of days marked dirty, then the overall history."""

    def __init__(self, store: Store, items: MemoryItems, embedder: Any) -> None:
        self.store = store
        self.items = items
        self.embedder = embedder

    def run(self, progress: Callable[[str, int, int], None] | None = None, cancel: Any = None) -> tuple[int, int]:
        from secondme.memory.bookkeeping import get_dirty_days, set_dirty_days

        days = sorted(get_dirty_days(self.store))
        self._note_times = None
        written = 0
        for i in range(0, len(days), 20):
            if cancel is not None and cancel.is_set():
                raise Cancelled("consolidation was cancelled; it resumes where it stopped")
            part = days[i:i + 20]
            built = [(d, self._build(d)) for d in part]
            texts = [b[0] for _, b in built if b is not None]
            vecs = iter(self.embedder.embed(texts) if texts else [])
            with self.store.write() as w:
                for d, b in built:
                    self._write(w, d, b, next(vecs) if b is not None else None)
                    written += 1
                set_dirty_days(w, get_dirty_days(w) - set(part))
            if progress is not None:
                progress("episodes", min(i + 20, len(days)), len(days))
        has_summary = self.store.scalar("SELECT 1 FROM memories WHERE kind = 'summary' LIMIT 1")
        has_episodes = self.store.scalar("SELECT 1 FROM memories WHERE kind = 'episode' LIMIT 1")
        summaries = 0
        if written or (has_episodes and not has_summary):
            summaries = self._history()
        return written, summaries

    # --- one day ---------------------------------------------------------------------------------
    def _build(self, day: str) -> tuple[str, dict[str, Any], list[int]] | None:
        start = datetime.strptime(day, "%Y-%m-%d")
        a, b = start.timestamp(), (start + timedelta(days=1)).timestamp()
        # Plain SQL sees each message's UTC day only: it narrows, the sealed times decide.
        found = self.store.query(
            "SELECT id, text, meta, embedding, event_time, exact FROM memories WHERE kind = 'message' "
            "AND state != 'superseded' AND event_time >= ? AND event_time < ?",
            (coarse("memories", "event_time", a), b))
        timed = [(self.store.exact("memories", r).get("event_time"), r) for r in found]
        msgs = [r for t, r in sorted((x for x in timed if x[0] is not None and a <= x[0] < b),
                                     key=lambda x: (x[0], int(x[1]["id"])))]
        notes = [n for t, n in self._notes() if a <= t < b]
        if not msgs and not notes:
            return None
        ids: list[int] = []
        texts: list[str] = []
        speakers: list[str] = []
        vecs: list[np.ndarray | None] = []
        for r in msgs:
            mid = int(r["id"])
            meta = self.store.open_value("memories", mid, "meta", r["meta"]) or {}
            ids.append(mid)
            texts.append(self.store.open_value("memories", mid, "text", r["text"]) or "")
            speakers.append(str(meta.get("speaker") or ""))
            emb = r["embedding"]
            vecs.append(np.frombuffer(self.store.open_value("memories", mid, "embedding", emb), dtype=np.float32)
                        if emb is not None else None)
        picks = self._central(texts, vecs)
        who = sorted({s for s in speakers if s})
        parts = [start.strftime("%d %B %Y") + ":"]
        if msgs:
            parts.append(f"conversation{' between ' + ', '.join(who) if who else ''} ({len(msgs)} messages).")
            parts += [f"{speakers[i] + ': ' if speakers[i] else ''}{_cut(texts[i], PICK_CHARS)}" for i in picks]
        titles = [self.store.open_value("documents", int(n["id"]), "title", n["title"]) for n in notes]
        titles = [t for t in titles if t]
        if titles:
            parts.append("Notes edited: " + ", ".join(sorted(titles)[:10]) + ".")
        meta = {"day": day, "sources": ids, "picks": [ids[i] for i in picks],
                "keywords": [], "tags": ["episode"], "speakers": who}
        return "\n".join(parts), meta, ids

    _note_times: list[tuple[float, Any]] | None = None

    def _notes(self) -> list[tuple[float, Any]]:
        """(time the content was saved, row with id and title) of every note with chunks.

        Chunks no longer keep their mtime in plain (it says which files changed when): the
        document's sealed ``content_mtime`` stands for it, opened once a run."""
        if self._note_times is None:
            rows = self.store.query("SELECT d.id, d.title, d.exact, d.mtime FROM documents d "
                                    "WHERE EXISTS (SELECT 1 FROM chunks c WHERE c.document_id = d.id)")
            self._note_times = []
            for r in rows:
                ex = self.store.exact("documents", r)
                t = ex.get("content_mtime", ex.get("mtime"))
                if t is not None:
                    self._note_times.append((float(t), r))
        return self._note_times

    @staticmethod
    def _central(texts: list[str], vecs: list[np.ndarray | None]) -> list[int]:
        have = [i for i, v in enumerate(vecs) if v is not None]
        if len(texts) <= PICKS or not have:
            return list(range(min(len(texts), PICKS)))
        m = np.stack([vecs[i] for i in have])  # type: ignore[misc]
        centre = m.mean(axis=0)
        # Central and informative: similarity to the day's centre, nudged towards longer turns.
        score = m @ centre + 0.02 * np.log1p([len(texts[i]) for i in have])
        best = sorted(np.argsort(-score)[:PICKS].tolist())
        return [have[i] for i in best]

    def _write(self, w: Writer, day: str, built: tuple[str, dict[str, Any], list[int]] | None,
               vec: np.ndarray | None) -> None:
        key = self.items.source_key(f"episode:{day}")
        row = w.execute("SELECT id FROM memories WHERE kind = 'episode' AND source_key = ?", (key,)).fetchone()
        if built is None:
            if row is not None:
                w.delete("memories", int(row[0]))
                w.record_change("memory", int(row[0]), "delete")
            return
        text, meta, sources = built
        at = datetime.strptime(day, "%Y-%m-%d").timestamp() + 12 * 3600
        if row is None:
            eid = self.items.insert(w, NewMemory(text=text, kind="episode", at=at, source=f"episode:{day}",
                                                 meta=meta), vec)
        else:
            eid = int(row[0])
            w.update("memories", eid, {"content_hash": memory_hash(self.store, "episode", text)},
                     {"text": text, "meta": meta,
                      "embedding": None if vec is None else np.asarray(vec, dtype=np.float32).tobytes()})
            w.execute("DELETE FROM provenance WHERE memory_id = ?", (eid,))
            w.record_change("memory", eid, "upsert")
        for s in sources:
            w.execute("INSERT INTO provenance (memory_id, source_memory_id) VALUES (?, ?)", (eid, s))

    # --- the overall history ---------------------------------------------------------------------
    def _history(self) -> int:
        eps = self.store.select("memories", "kind = 'episode'", columns=("meta", "text"), order="event_time")
        eps.sort(key=lambda e: (e.get("event_time") or 0.0, e.id))  # by the exact (sealed) times
        key = self.items.source_key("summary:history")
        months: dict[str, list[str]] = defaultdict(list)
        for e in eps:
            meta = e.get("meta", {}) or {}
            lines = str(e.get("text", "")).split("\n")
            month = datetime.strptime(meta.get("day", "1970-01-01"), "%Y-%m-%d").strftime("%B %Y")
            # The day's first quoted message stands for the day in the history.
            first = lines[2] if len(lines) > 2 else (lines[1] if len(lines) > 1 else "")
            months[month].append(f"{meta.get('day', '')[8:]}: {_cut(first, 100)}")
        lines = [f"{m}: " + "; ".join(v) for m, v in months.items()][-HISTORY_LINES:]
        text = "History\n" + "\n".join(lines)
        vec = self.embedder.embed([text])[0] if eps else None
        with self.store.write() as w:
            row = w.execute("SELECT id FROM memories WHERE kind = 'summary' AND source_key = ?", (key,)).fetchone()
            if not eps:
                if row is not None:
                    w.delete("memories", int(row[0]))
                    w.record_change("memory", int(row[0]), "delete")
                return 0
            meta = {"episodes": [e.id for e in eps], "tags": ["history"]}
            if row is None:
                sid = self.items.insert(w, NewMemory(text=text, kind="summary", at=eps[-1]["event_time"],
                                                     source="summary:history", meta=meta), vec)
            else:
                sid = int(row[0])
                w.update("memories", sid, {"event_time": eps[-1]["event_time"]},
                         {"text": text, "meta": meta, "embedding": np.asarray(vec, dtype=np.float32).tobytes()})
                w.execute("DELETE FROM provenance WHERE memory_id = ?", (sid,))
                w.record_change("memory", sid, "upsert")
            for e in eps:
                w.execute("INSERT INTO provenance (memory_id, source_memory_id) VALUES (?, ?)", (sid, e.id))
        return 1

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
from secondme.store.repos.documents import Documents
from secondme.store.repos.marks import DirtyDays
from secondme.store.repos.memories import EMBEDDING, META, TEXT, MemoryRepository, ProvenanceRepository

log = logging.getLogger("secondme.memory.episodes")

PICKS = 5           # messages quoted per episode
PICK_CHARS = 160    # each quote is cut to this length
HISTORY_LINES = 60  # the overall history keeps the most recent months


def day_of(ts: float) -> str:
    """The local calendar day of ``ts`` as ``YYYY-MM-DD``."""
    return datetime.fromtimestamp(ts).strftime("%Y-%m-%d")


def _cut(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n - 1].rstrip() + "…"


class EpisodeWriter:
    """Rebuilds the episodes of days marked dirty, then the overall history."""

    def __init__(self, store: Store, items: MemoryItems, embedder: Any) -> None:
        """Writes episodes into ``store``, embedding their text with ``embedder``."""
        self.store = store
        self.items = items
        self.embedder = embedder
        self.memories = MemoryRepository(store)
        self.provenance = ProvenanceRepository(store)
        self.notes = Documents(store)
        self.dirty = DirtyDays(store)

    def run(self, progress: Callable[[str, int, int], None] | None = None, cancel: Any = None) -> tuple[int, int]:
        """Rebuild each dirty day's episode, then the summaries; returns (episodes written, summaries
        written). Raises Cancelled when ``cancel`` is set."""
        days = sorted(self.dirty.get())
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
                self.dirty.set(w, self.dirty.get(writer=w) - set(part))
            if progress is not None:
                progress("episodes", min(i + 20, len(days)), len(days))
        has_summary = self.memories.any_of_kind("summary")
        has_episodes = self.memories.any_of_kind("episode")
        summaries = 0
        if written or (has_episodes and not has_summary):
            summaries = self._history()
        return written, summaries

    # --- one day ---------------------------------------------------------------------------------
    def _build(self, day: str) -> tuple[str, dict[str, Any], list[int]] | None:
        start = datetime.strptime(day, "%Y-%m-%d")
        a, b = start.timestamp(), (start + timedelta(days=1)).timestamp()
        msgs = self.memories.between("message", a, b, (TEXT, META, EMBEDDING), where="state != 'superseded'")
        notes = [doc for t, doc in self._notes() if a <= t < b]
        if not msgs and not notes:
            return None
        ids = [m.id for m in msgs]
        texts = [m.text or "" for m in msgs]
        speakers = [str(m.meta.get("speaker") or "") for m in msgs]
        vecs = [m.vector for m in msgs]
        picks = self._central(texts, vecs)
        who = sorted({s for s in speakers if s})
        parts = [start.strftime("%d %B %Y") + ":"]
        if msgs:
            parts.append(f"conversation{' between ' + ', '.join(who) if who else ''} ({len(msgs)} messages).")
            parts += [f"{speakers[i] + ': ' if speakers[i] else ''}{_cut(texts[i], PICK_CHARS)}" for i in picks]
        titles = [t for t in self.notes.titles(notes).values() if t]
        if titles:
            parts.append("Notes edited: " + ", ".join(sorted(titles)[:10]) + ".")
        meta = {"day": day, "sources": ids, "picks": [ids[i] for i in picks],
                "keywords": [], "tags": ["episode"], "speakers": who}
        return "\n".join(parts), meta, ids

    _note_times: list[tuple[float, int]] | None = None

    def _notes(self) -> list[tuple[float, int]]:
        """(time the content was saved, document id) of every note with chunks, read once a run.

        Chunks no longer keep their mtime in plain (it says which files changed when): the
        document's sealed ``content_mtime`` stands for it."""
        if self._note_times is None:
            self._note_times = self.notes.with_chunks()
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
        found = self.memories.id_of_source(w, "episode", f"episode:{day}")
        if built is None:
            if found is not None:
                self.memories.delete(w, found)
            return
        text, meta, sources = built
        at = datetime.strptime(day, "%Y-%m-%d").timestamp() + 12 * 3600
        if found is None:
            eid = self.items.insert(w, NewMemory(text=text, kind="episode", at=at, source=f"episode:{day}",
                                                 meta=meta), vec)
        else:
            eid = found
            self.memories.rewrite(w, eid, kind="episode", text=text, meta=meta, vector=vec)
            self.provenance.clear(w, eid)
        for s in sources:
            self.provenance.add(w, eid, source_memory_id=s)

    # --- the overall history ---------------------------------------------------------------------
    def _history(self) -> int:
        eps = self.memories.select("kind = 'episode'", columns=(META, TEXT), order="event_time")
        eps.sort(key=lambda e: (e.event_time or 0.0, e.id))  # by the exact (sealed) times
        months: dict[str, list[str]] = defaultdict(list)
        for e in eps:
            meta = e.meta
            lines = str(e.text or "").split("\n")
            month = datetime.strptime(meta.get("day", "1970-01-01"), "%Y-%m-%d").strftime("%B %Y")
            # The day's first quoted message stands for the day in the history.
            first = lines[2] if len(lines) > 2 else (lines[1] if len(lines) > 1 else "")
            months[month].append(f"{meta.get('day', '')[8:]}: {_cut(first, 100)}")
        lines = [f"{m}: " + "; ".join(v) for m, v in months.items()][-HISTORY_LINES:]
        text = "History\n" + "\n".join(lines)
        vec = self.embedder.embed([text])[0] if eps else None
        with self.store.write() as w:
            found = self.memories.id_of_source(w, "summary", "summary:history")
            if not eps:
                if found is not None:
                    self.memories.delete(w, found)
                return 0
            meta = {"episodes": [e.id for e in eps], "tags": ["history"]}
            if found is None:
                sid = self.items.insert(w, NewMemory(text=text, kind="summary", at=eps[-1].event_time,
                                                     source="summary:history", meta=meta), vec)
            else:
                sid = found
                self.memories.rewrite(w, sid, kind="summary", text=text, meta=meta, vector=vec,
                                      event_time=eps[-1].event_time)
                self.provenance.clear(w, sid)
            for e in eps:
                self.provenance.add(w, sid, source_memory_id=e.id)
        return 1

"""Consolidation: facts from new messages and notes, knowledge updates, episodes, links.

Resumable and idempotent: each batch of sources is committed in ONE transaction together with
its high-water mark (the last memory / chunk id consolidated, kept in the store's ``meta``
table). A run killed mid-batch leaves nothing of that batch; the next run redoes it. A second
run over unchanged data finds nothing above the marks and changes nothing.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from secondme.errors import Cancelled
from secondme.memory import facts as F
from secondme.memory import windows as W
from secondme.memory.episodes import EpisodeWriter, day_of
from secondme.memory.items import MemoryItems, NewMemory
from secondme.memory.links import Linker
from secondme.store import Store
from secondme.store.db import Writer
from secondme.store.repos.documents import Chunks, Documents
from secondme.store.repos.facts import FactRepository
from secondme.store.repos.links import LinkRepository
from secondme.store.repos.marks import DirtyDays, MarkRepository
from secondme.store.repos.memories import META, TEXT, MemoryRepository, ProvenanceRepository

log = logging.getLogger("secondme.memory.consolidate")

HWM_MESSAGE = "memory.consolidate.message_hwm"
HWM_CHUNK = "memory.consolidate.chunk_hwm"
BATCH = 200
# Near-duplicate facts: same slot and either equal normalised values, or one value containing
# the other with embeddings this close ("12 Rue Cler" / "12 Rue Cler, Paris").
MERGE_COSINE = 0.85
_CANON_REL = {"mom": "mother", "mum": "mother", "dad": "father", "grandma": "grandmother",
              "grandpa": "grandfather", "neighbour": "neighbor", "fiance": "fiancé", "fiancee": "fiancé",
              "fiancée": "fiancé", "coworker": "colleague", "puppy": "dog", "kitten": "cat", "bunny": "rabbit",
              "kid": "child", "best friend": "friend"}

Progress = Callable[[str, int, int], None]


def derived_from(w: Writer, ids: Iterable[int]) -> tuple[set[int], set[str]]:
    """Memories to delete with ``ids``: facts whose every source is among them, and episodes or
    summaries quoting any of them (rebuilt later: returned as dirty days)."""
    provenance = ProvenanceRepository(w.store)
    ids = set(ids)
    doomed: set[int] = set()
    days: set[str] = set()
    frontier = set(ids)
    while frontier:
        rows = provenance.derived_of(w, sorted(frontier))
        frontier = set()
        for mid, kind in rows:
            if mid in ids or mid in doomed:
                continue
            if kind in ("episode", "summary"):
                doomed.add(mid)
                frontier.add(mid)
                continue
            if not provenance.has_other_source(w, mid, ids | doomed):
                doomed.add(mid)
                frontier.add(mid)
    for m in MemoryRepository(w.store).by_ids(ids, writer=w).values():
        if m.event_time and m.kind == "message":
            days.add(day_of(float(m.event_time)))
    return doomed, days


def restore_predecessors(w: Writer, store: Store, gone: set[int]) -> None:
    """When a fact that superseded another is forgotten, the older value is current again."""
    if not gone:
        return
    facts = FactRepository(store)
    for fact in facts.among(w, gone):
        for old in fact.meta.get("supersedes", []):
            if old in gone:
                continue
            prev = facts.get(old, (META,), writer=w)
            if prev is None or prev.state != "superseded":
                continue
            ometa = prev.meta
            ometa.pop("superseded_by", None)
            facts.set_state(w, prev.id, "active", ometa)
            srcs = facts.by_ids(ometa.get("sources", []), (META,), writer=w)
            for src in ometa.get("sources", []):
                smeta = srcs[int(src)].meta if int(src) in srcs else None
                if smeta and smeta.pop("stale", None):
                    facts.set_meta(w, int(src), smeta)


class Consolidator:
    """One consolidation run over what is new since the last run."""

    def __init__(self, store: Store, items: MemoryItems, embedder: Any, model: Any = None,
                 llm_budget: int = 400, llm_seconds: float = 3600.0, window: int = W.WINDOW) -> None:
        """A run over ``store`` and ``items``; ``model`` (None: rules only) reads message windows for facts,
        bounded by ``llm_budget`` windows and ``llm_seconds``, ``window`` messages each."""
        self.store = store
        self.items = items
        self.embedder = embedder
        self.model = model
        # Bounded in windows and in time, so a night's work fits: what is left waits for the
        # next run (progress is kept per conversation, see secondme.memory.windows).
        self.llm_budget = llm_budget
        self.llm_seconds = llm_seconds
        self.window = window
        self._llm_time = 0.0
        self.stats = {"sources": 0, "facts_added": 0, "facts_merged": 0, "facts_superseded": 0,
                      "keys_added": 0, "episodes": 0, "summaries": 0, "links": 0, "llm_calls": 0,
                      "windows": 0, "windows_left": 0, "model_facts": 0, "model_dropped": 0}
        self._facts: dict[str, list[dict[str, Any]]] = {}
        self.memories = MemoryRepository(store)
        self.fact_rows = FactRepository(store)
        self.provenance = ProvenanceRepository(store)
        self.links = LinkRepository(store)
        self.marks = MarkRepository(store)
        self.dirty = DirtyDays(store)

    def run(self, progress: Progress | None = None, cancel: Any = None) -> dict[str, int]:
        """Extract facts from new messages (and windows, with a model) and chunks, rebuild dirty episodes,
        then link; returns the run's counts. ``cancel`` (an Event) stops it between steps, where the next
        run resumes."""
        t0 = time.monotonic()
        self._load_facts()
        self._messages(progress, cancel)
        if self.model is not None:
            self._windows(progress, cancel)
        self._chunks(progress, cancel)
        ep = EpisodeWriter(self.store, self.items, self.embedder)
        self.stats["episodes"], self.stats["summaries"] = ep.run(progress, cancel)
        self.stats["links"] = Linker(self.store).run(progress, cancel)
        log.info("consolidation finished in %.1f s: %s", time.monotonic() - t0, self.stats)
        return dict(self.stats)

    # --- sources ---------------------------------------------------------------------------------
    def _check(self, cancel: Any) -> None:
        if cancel is not None and cancel.is_set():
            raise Cancelled("consolidation was cancelled; it resumes where it stopped")

    def _messages(self, progress: Progress | None, cancel: Any) -> None:
        total = self.memories.count_after("message", self.marks.get_int(HWM_MESSAGE))
        done = 0
        while True:
            self._check(cancel)
            hwm = self.marks.get_int(HWM_MESSAGE)
            rows = self.memories.after("message", hwm, BATCH, (TEXT, META))
            if not rows:
                return
            found: list[tuple[F.Fact, Any, dict[str, Any]]] = []
            for m in rows:
                meta = m.meta
                speaker = meta.get("speaker")
                if speaker == "assistant":
                    continue  # what the assistant said is not a fact about the person
                subject = "user" if speaker in (None, "user", "me") else str(speaker)
                for f in self._extract(str(m.text or ""), subject, cancel):
                    found.append((f, m, meta))
            vecs = self._embed([f.text() for f, _, _ in found])
            with self.store.write() as w:
                days: set[str] = set()
                for (f, m, meta), v in zip(found, vecs, strict=True):
                    self._add_fact(w, f, v, m.event_time, source_mem=(m.id, meta))
                for m in rows:
                    if m.event_time:
                        days.add(day_of(float(m.event_time)))
                self.dirty.add(w, days)
                self.marks.set(w, HWM_MESSAGE, rows[-1].id)
            done += len(rows)
            self.stats["sources"] += len(rows)
            if progress is not None:
                progress("facts", done, total)

    def _chunks(self, progress: Progress | None, cancel: Any) -> None:
        chunks, notes = Chunks(self.store), Documents(self.store)
        while True:
            self._check(cancel)
            rows = chunks.after(self.marks.get_int(HWM_CHUNK), BATCH)
            if not rows:
                return
            found: list[tuple[F.Fact, Any]] = []
            for c in rows:
                for f in self._extract(c.text, "user", cancel):
                    found.append((f, c))
            vecs = self._embed([f.text() for f, _ in found])
            # When each document's current content was saved: its chunks' time.
            saved = notes.content_times({c.document_id for c in rows})
            with self.store.write() as w:
                days: set[str] = set()
                for (f, c), v in zip(found, vecs, strict=True):
                    self._add_fact(w, f, v, saved.get(c.document_id), chunk_id=c.id)
                for c in rows:
                    at = saved.get(c.document_id)
                    if at:
                        days.add(day_of(float(at)))
                self.dirty.add(w, days)
                self.marks.set(w, HWM_CHUNK, rows[-1].id)
            self.stats["sources"] += len(rows)
            if progress is not None:
                progress("facts from notes", len(rows), 0)

    def _extract(self, text: str, subject: str, cancel: Any) -> list[F.Fact]:
        # Exact patterns per message; the model reads whole windows later (_windows).
        return [_canonical(f) for f in F.extract(text, subject)]

    # --- the model, on windows of a conversation ---------------------------------------------------
    def _windows(self, progress: Progress | None, cancel: Any) -> None:
        """Model facts for every window not done yet, oldest conversation activity first, until
        the budget is spent; each window's facts and its progress mark commit together."""
        todo: list[tuple[str, list[W.Message]]] = []
        for conv, top in self.memories.conversation_tops():
            key = W.WINDOW_HWM_PREFIX + (conv or "-")
            hwm = self.marks.get_int(key)
            if top <= hwm:
                continue
            msgs = []
            for m in self.memories.of_conversation(conv, hwm, (TEXT, META)):
                if m.meta.get("ask"):
                    continue  # questions to the assistant and its answers state no facts
                msgs.append(W.Message(m.id, m.event_time, m.meta.get("speaker"), str(m.text or "")))
            for win in W.windows(msgs, self.window):
                todo.append((key, win))
            if not msgs:
                with self.store.write() as w:
                    self.marks.set(w, key, top)
        for n, (key, win) in enumerate(todo):
            self._check(cancel)
            if self.stats["llm_calls"] >= self.llm_budget or self._llm_time >= self.llm_seconds:
                self.stats["windows_left"] = len(todo) - n
                log.info("model extraction budget spent: %d windows wait for the next run", len(todo) - n)
                return
            self.stats["llm_calls"] += 1
            t0 = time.monotonic()
            try:
                res = W.extract_window(self.model, win, cancel)
            except Cancelled:
                raise
            except Exception as exc:  # a weak model's bad output costs this window only
                log.info("model fact extraction skipped a window: %s", exc.__class__.__name__)
                log.debug("window extraction error", exc_info=True)
                res = W.WindowResult()
            finally:
                self._llm_time += time.monotonic() - t0
            self._check(cancel)  # a cancel during the call leaves the window undone
            self._save_window(key, win, res)
            if progress is not None:
                progress("facts from the model", n + 1, len(todo))

    def _save_window(self, key: str, win: list[W.Message], res: W.WindowResult) -> None:
        facts = [(_canonical(f), sid) for f, sid in res.facts]
        vecs = self._embed([f.text() for f, _ in facts])
        metas: dict[int, dict[str, Any]] = {}
        with self.store.write() as w:
            found = self.memories.by_ids([m.id for m in win], (META,), writer=w)
            for m in win:
                if m.id in found:
                    metas[m.id] = found[m.id].meta
            for (f, sid), v in zip(facts, vecs, strict=True):
                if sid not in metas:
                    continue  # forgotten meanwhile
                at = next((m.at for m in win if m.id == sid), None)
                self._add_fact(w, f, v, at, source_mem=(sid, metas[sid]))
            if res.topics:
                self._tag(w, metas, res.topics)
            self.marks.set(w, key, win[-1].id)
        self.stats["windows"] += 1
        self.stats["model_facts"] += len(facts)
        self.stats["model_dropped"] += res.dropped

    def _tag(self, w: Writer, metas: dict[int, dict[str, Any]], topics: list[str]) -> None:
        """A-MEM style tags: the window's topic words on each of its messages, sealed in the
        meta and added to the recall keys (the keyword index reads ``keys``)."""
        for mid, meta in metas.items():
            if meta.get("speaker") == "assistant":
                continue
            tags = list(meta.get("tags") or [])
            new = [t for t in topics if t not in tags]
            if not new:
                continue
            meta["tags"] = tags + new
            keys = list(meta.get("keys") or [])
            meta["keys"] = keys + [t for t in new if t not in keys]
            self.memories.set_meta(w, mid, meta)
            self.stats["keys_added"] += len(new)

    def _embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, int(self.embedder.dim)), dtype=np.float32)
        return np.asarray(self.embedder.embed(texts), dtype=np.float32)

    # --- facts -----------------------------------------------------------------------------------
    def _load_facts(self) -> None:
        for fact in self.fact_rows.all():
            meta = fact.meta
            self._facts.setdefault(str(meta.get("slot", "")), []).append({
                "id": fact.id, "state": fact.state, "value": str(meta.get("value", "")),
                "at": fact.event_time or 0.0, "meta": meta,
                "vec": fact.vector if fact.embedding else None})

    def _add_fact(self, w: Writer, f: F.Fact, vec: np.ndarray, at: float | None,
                  source_mem: tuple[int, dict[str, Any]] | None = None, chunk_id: int | None = None) -> None:
        at = float(at or time.time())
        slot = f.slot
        current = [x for x in self._facts.get(slot, []) if x["state"] != "superseded"]
        if f.origin == "model" and source_mem is not None and any(
                source_mem[0] in x["meta"].get("sources", []) for x in current):
            # The exact pattern already read this slot in this message: its value stands.
            self.stats["facts_merged"] += 1
            return
        for x in current:
            if _same_value(f.value, x["value"], vec, x["vec"]):
                self._cite(w, x["id"], x["meta"], source_mem, chunk_id)
                self.stats["facts_merged"] += 1
                self._key_source(w, f, x["id"], source_mem)
                return
        meta: dict[str, Any] = {"subject": f.subject, "attribute": f.attribute, "value": f.value, "slot": slot,
                                "sources": [], "chunks": [], "keys": [F.SYNONYMS.get(f.attribute.split(":")[0], "")],
                                "tags": [f.attribute.split(":")[0]], "origin": f.origin,
                                "keywords": list(f.keywords) or [t for t in F.norm(f.value).split() if len(t) > 2][:6]}
        if f.time:
            meta["time"] = f.time
        if source_mem and source_mem[1].get("source_id"):
            meta["source_id"] = source_mem[1]["source_id"]
        new = NewMemory(text=f.text(), kind="fact", at=at, meta=meta)
        # A fact older than the value already known (an out-of-order import) is history at once.
        newer = [x for x in current if x["at"] > at] if f.single_valued else []
        fid = self.items.insert(w, new, vec)
        entry = {"id": fid, "state": "active", "value": f.value, "at": at, "meta": meta, "vec": vec}
        self._facts.setdefault(slot, []).append(entry)
        self._cite(w, fid, meta, source_mem, chunk_id)
        self._key_source(w, f, fid, source_mem)
        self.stats["facts_added"] += 1
        if f.single_valued:
            if newer:
                self._supersede(w, entry, min(newer, key=lambda x: x["at"]))
            else:
                for old in current:
                    self._supersede(w, old, entry)

    def _cite(self, w: Writer, fid: int, meta: dict[str, Any], source_mem: tuple[int, dict[str, Any]] | None,
              chunk_id: int | None) -> None:
        if source_mem is not None and source_mem[0] not in meta["sources"]:
            meta["sources"].append(source_mem[0])
            self.provenance.add(w, fid, source_memory_id=source_mem[0])
            self.links.add(w, fid, source_mem[0], "derived", 1.0)
        elif chunk_id is not None and chunk_id not in meta["chunks"]:
            meta["chunks"].append(chunk_id)
            self.provenance.add(w, fid, chunk_id=chunk_id)
        else:
            return
        self.memories.set_meta(w, fid, meta)

    def _key_source(self, w: Writer, f: F.Fact, fid: int, source_mem: tuple[int, dict[str, Any]] | None) -> None:
        """Fact-augmented keys: the source message is also indexed under the fact it states."""
        if source_mem is None:
            return
        mid, meta = source_mem
        keys = list(meta.get("keys") or [])
        new = [k for k in f.keys() if k and k not in keys]
        if not new:
            return
        meta["keys"] = keys + new
        meta.setdefault("facts", []).append(fid)
        self.memories.set_meta(w, mid, meta)
        self.stats["keys_added"] += len(new)

    def _supersede(self, w: Writer, old: dict[str, Any], new: dict[str, Any]) -> None:
        if old["state"] == "superseded" or old["id"] == new["id"]:
            return
        old["state"] = "superseded"
        old["meta"]["superseded_by"] = new["id"]
        new["meta"].setdefault("supersedes", []).append(old["id"])
        self.memories.set_state(w, old["id"], "superseded", old["meta"])
        self.memories.set_meta(w, new["id"], new["meta"])
        self.links.add(w, new["id"], old["id"], "supersedes", 0.0)
        # The messages that stated the old value rank lower from now on (they are history).
        sources = old["meta"].get("sources", [])
        found = self.memories.by_ids(sources, (META,), writer=w)
        for mid in sources:
            if int(mid) not in found:
                continue
            m = found[int(mid)].meta
            if not m.get("stale"):
                m["stale"] = True
                self.memories.set_meta(w, int(mid), m)
        self.stats["facts_superseded"] += 1


def _canonical(f: F.Fact) -> F.Fact:
    base, _, detail = f.attribute.partition(":")
    if detail:
        return dataclasses.replace(f, attribute=f"{base}:{_CANON_REL.get(detail, detail)}")
    return f


def _same_value(a: str, b: str, va: np.ndarray | None, vb: np.ndarray | None) -> bool:
    na, nb = F.norm(a), F.norm(b)
    if na == nb:
        return True
    if not (na in nb or nb in na) or va is None or vb is None:
        return False
    return float(np.dot(va, vb)) >= MERGE_COSINE


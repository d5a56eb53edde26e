"""The memory engine: remember, recall, forget, pin, import, decay and consolidate.

``SecondMe`` exposes these through thin facade methods; the engine itself only needs the
store, the memory writer, the searcher, the index sync and the embedder.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from secondme.errors import DiskFull
from secondme.index.keyword import STOP_WORDS
from secondme.memory import importers
from secondme.memory.forgetting import NEVER_FADE_KINDS, decay, reinforce, retention
from secondme.memory.items import MemoryItems, NewMemory
from secondme.memory.question_form import slips_of
from secondme.memory.recall import Recaller, RecallWeights
from secondme.memory.turn_form import REMEMBERED, questions_answered
from secondme.results import SearchHit
from secondme.search.hybrid import Evidence, HybridSearcher
from secondme.search.ids import CHUNK, from_index
from secondme.search.passages import by_best_passage
from secondme.search.sync import IndexSync
from secondme.settings import Settings
from secondme.store import Store
from secondme.store.repos.marks import DirtyDays
from secondme.store.repos.memories import META, TEXT, MemoryRepository
from secondme.store.schema import coarse

log = logging.getLogger("secondme.memory")


@dataclass(frozen=True)
class MemoryView:
    """One memory as the Memories page shows it."""

    id: int
    kind: str
    state: str
    text: str
    strength: float
    retention: float
    pinned: bool
    event_time: float | None
    created_at: float
    last_recalled: float | None
    speaker: str | None = None
    source_id: str | None = None


class MemoryEngine:
    """Operations on memories. The store logs every write for the search indexes; methods whose
    results the next search must show call ``sync.catch_up`` after their write (read-your-writes)."""

    def __init__(self, store: Store, items: MemoryItems, searcher: HybridSearcher, sync: IndexSync,
                 embedder: Any, settings: Settings,
                 chat_model: Callable[[], Any] | None = None) -> None:
        """Memory over one unlocked session's ``store``, ``items``, ``searcher`` and ``sync``; ``chat_model``
        gives the model for extraction when the settings allow it."""
        self.store = store
        self.items = items
        self.searcher = searcher
        self.sync = sync
        self.embedder = embedder
        self.settings = settings
        self._chat_model = chat_model
        self._memories = MemoryRepository(store)
        self.recaller = Recaller(store, searcher, embedder, settings.forgetting_tau_days, RecallWeights())

    # --- remembering -----------------------------------------------------------------------------
    def remember(self, text: str, at: float | None = None, source: str | None = None, *,
                 speaker: str | None = "user", kind: str = "message",
                 conversation: str | None = None) -> int:
        """Store one memory (something the person said or wrote) and index it at once."""
        if not text.strip():
            from secondme.errors import UserError

            raise UserError("nothing to remember: the text is empty")
        # Told to memory on purpose, to the point however short (recall's length prior skips it).
        meta: dict[str, Any] = {"told": True}
        if conversation is not None:
            meta["conversation"] = conversation
            source = source or importers.conversation_source(conversation)
        mid = self.items.add_many([NewMemory(text=text, kind=kind, at=at, speaker=speaker,
                                             source=source or REMEMBERED, meta=meta)])[0]
        self.sync.catch_up()
        return mid

    def remember_exchange(self, question: str, answer: Any, conversation: str) -> None:
        """Remember one chat turn of ``ask``: the question and the answer, in ``conversation``.

        Marked ``ask`` in their metadata, so later answers never cite the assistant's own words
        (or the questions) as evidence about the person."""
        if getattr(answer, "cancelled", False):
            return
        now = time.time()
        meta = {"conversation": conversation, "ask": True}
        src = importers.conversation_source(conversation)
        turns = [NewMemory(text=question, kind="message", at=now, speaker="user", source=src, meta=meta)]
        if not getattr(answer, "abstained", False) and str(answer.text).strip():
            turns.append(NewMemory(text=str(answer.text), kind="message", at=now + 0.001, speaker="assistant",
                                   source=src, meta=meta))
        self.items.add_many(turns)
        self.sync.catch_up()

    def add(self, memories: Sequence[NewMemory]) -> int:
        """Add memories, skipping ones already stored (same source, text and time): re-running
        an import adds nothing twice."""
        return sum(self.add_new(memories))

    def add_new(self, memories: Sequence[NewMemory], *, batch: int = 256) -> list[bool]:
        """Add the memories not stored yet; for each, whether it was new. Committed (and
        indexed) ``batch`` at a time, so an interrupted import keeps what it stored."""
        out: list[bool] = []
        for start in range(0, len(memories), batch):
            part = memories[start:start + batch]
            fresh = self._fresh(part)
            new = [m for m, f in zip(part, fresh, strict=True) if f]
            if new:
                self.items.add_many(new)
                self.sync.catch_up()
            out.extend(fresh)
        return out

    def _fresh(self, memories: Sequence[NewMemory]) -> list[bool]:
        """Which memories are neither stored nor repeated earlier in ``memories``. One query per
        batch: plain SQL sees the content hash, the source and only the event's day (the exact
        time is sealed); the sealed time of the few rows it finds decides."""
        keys = []
        for m in memories:
            src = self._memories.source_key(m.source) if m.source else None
            keys.append((src, self._memories.content_hash(m.kind, m.text), m.at))
        stored: set[tuple[str | None, str, float | None]] = set()
        wanted = {(src, h, coarse("memories", "event_time", at)) for src, h, at in keys}
        # The days narrow it in SQL: a chat says "ok" thousands of times, on other days.
        for row in self._memories.stored({h for _, h, _ in keys}, [d for _, _, d in wanted]):
            if (row.source_key, row.content_hash, coarse("memories", "event_time", row.event_time)) in wanted:
                stored.add((row.source_key, str(row.content_hash), row.event_time))
        out: list[bool] = []
        seen: set[tuple[str | None, str, float | None]] = set()
        for key in keys:
            out.append(key not in stored and key not in seen)
            seen.add(key)
        return out

    def import_messages(self, path: str | Path) -> int:
        """Import a messages file (JSON lines: id, conversation, time, speaker, text); returns how many were
        new."""
        return self.add(list(importers.read_messages(Path(path))))

    def import_chatgpt(self, path: str | Path) -> int:
        """Import a ChatGPT export; returns how many messages were new."""
        return self.add(list(importers.read_chatgpt(Path(path))))

    def import_file(self, kind: str, path: str | Path, progress: Callable[[int, int], None] | None = None,
                    cancel: Any = None) -> Any:
        """Import an export of ``kind`` (see :data:`secondme.importers.IMPORTERS`) in batches;
        returns its :class:`~secondme.importers.ImportReport`."""
        from secondme.importers import importer, run_import

        return run_import(importer(kind), Path(path), self.add_new, progress=progress, cancel=cancel)

    # --- recalling -------------------------------------------------------------------------------
    def recall(self, query: str, k: int = 10, when: float | None = None, include_faded: bool = False,
               *, now: float | None = None, reinforce_hits: bool = True,
               kinds: Sequence[str] | None = None, expansion: str | None = None) -> list[SearchHit]:
        """The best ``k`` memories and notes for ``query``; returned memories are reinforced.
        ``expansion``: as for :meth:`evidence`."""
        now = time.time() if now is None else now
        hits = [e.hit for e in self.evidence(query, k, when, include_faded, now=now, kinds=kinds,
                                             expansion=expansion)]
        log.debug("recall %r: %d hits", query, len(hits))
        if reinforce_hits:
            try:
                self.reinforce([h.id for h in hits if h.kind != "chunk"], now)
            except DiskFull as exc:
                # Reinforcing is bookkeeping: a full disk must not stop the person finding things.
                log.warning("recalled memories not reinforced: %s", exc)
        return hits

    def evidence(self, query: str, k: int = 10, when: float | None = None, include_faded: bool = False,
                 *, now: float | None = None, kinds: Sequence[str] | None = None,
                 expansion: str | None = None, answering: bool = False) -> list[Evidence]:
        """The best ``k`` memories and notes for ``query``, each with the text and meta its
        hydration opened (what ``ask`` quotes); nothing is reinforced. ``expansion``: a
        model's guesses at the answer's words (see :mod:`secondme.guesses`). ``answering``:
        ranked as the sources of an answer (see :meth:`RecallWeights.for_answering`), a note
        chunk's relevance that of its passage nearest the question."""
        self.recaller.tau_days = self.settings.forgetting_tau_days
        weights = self.recaller.w.for_answering() if answering else None
        found = self.recaller.evidence(query, k, when=when, include_faded=include_faded, now=now, kinds=kinds,
                                       expansion=expansion, weights=weights)
        if not answering:
            return found
        # An answer's sources must be close to the question (ask's floor): a note chunk is as
        # close as the passage in it that is (see secondme.search.passages).
        found = by_best_passage(query, found, self.embedder)
        asked = questions_answered(self._memories, [e.hit.id for e in found if e.hit.kind == "message"],
                                   self._memories.source_key(REMEMBERED))
        return [dataclasses.replace(e, asked=asked[e.hit.id]) if e.hit.kind == "message" and e.hit.id in asked
                else e for e in found]

    def knows(self, word: str) -> bool:
        """Whether a note or a memory holds ``word`` (or a word sharing its first four letters),
        not counting the questions and answers of ``ask`` itself: a question's own words would
        otherwise be known as soon as it was asked once.

        A word typed with two neighbouring letters swapped ("wtih", "preform") is known when
        the word it slipped from is held whole (its first four letters would match too much):
        the slip is the asker's, not a premise memory lacks. The price: a word never held that
        is one swap from one held ("trail" where memory says "trial") passes this check too,
        and only the answer's other checks remain (LoCoMo, 400 questions: no refusal of a
        question about something never said was lost)."""
        return self._holds(word, prefix=True) or any(self._holds(w, prefix=False) for w in slips_of(word))

    def _holds(self, word: str, *, prefix: bool) -> bool:
        ids = self.searcher.holders(word, _KNOWS_LOOKUP, prefix=prefix)
        kinds = [from_index(i) for i in ids]
        if any(kind == CHUNK for kind, _ in kinds):
            return True
        rows = self._memories.by_ids([mid for _, mid in kinds], (META,))
        return any(not r.meta.get("ask") for r in rows.values())

    def reinforce(self, ids: Iterable[int], now: float | None = None) -> int:
        """Strengthen recalled memories (faded ones come back) and update the index; returns how many changed."""
        n = reinforce(self.store, ids, now)
        if n:
            self.sync.catch_up()  # revived (formerly faded) items change their index facet
        return n

    # --- forgetting ------------------------------------------------------------------------------
    def forget(self, id_or_source: int | str) -> int:
        """Delete a memory (by id) or every memory of a source, with what was derived only from
        them; episodes that quoted them are dropped and rebuilt by the next consolidation.
        Returns how many memories were deleted."""
        if isinstance(id_or_source, int):
            ids = [id_or_source] if self._memories.exists(id_or_source) else []
        else:
            ids = self._memories.ids_of_source(id_or_source)
        if not ids:
            return 0
        from secondme.memory.consolidate import derived_from, restore_predecessors

        with self.store.write() as w:
            doomed, dirty_days = derived_from(w, ids)
            gone = set(ids) | doomed
            restore_predecessors(w, self.store, gone)
            for mid in sorted(gone):
                self._memories.delete(w, mid)
            DirtyDays(self.store).add(w, dirty_days)
        self.sync.catch_up()
        return len(set(ids) | doomed)

    def pin(self, memory_id: int, pinned: bool = True) -> None:
        """Pinned memories never fade; pinning a faded memory brings it back."""
        with self.store.write() as w:
            m = self._memories.get(memory_id, writer=w)
            if m is None:
                from secondme.errors import UserError

                raise UserError(f"no memory with id {memory_id}")
            self._memories.set_pinned(w, memory_id, pinned, "active" if pinned and m.state == "faded" else None)
        self.sync.catch_up()

    def edit(self, memory_id: int, text: str) -> None:
        """Correct what a memory says: its text and embedding change, its time, source, strength
        and pin stay. What consolidation derived from the old text is redone at the next run."""
        from secondme.errors import UserError

        text = text.strip()
        if not text:
            raise UserError("a memory cannot be empty: use Forget to remove it")
        m = self._memories.get(memory_id, (META,))
        if m is None:
            raise UserError(f"no memory with id {memory_id}")
        speaker = m.meta.get("speaker")
        vec = self.items.embed_one(f"{speaker}: {text}" if speaker else text)
        with self.store.write() as w:
            self._memories.rewrite(w, memory_id, kind=m.kind, text=text, meta={**m.meta, "edited": True}, vector=vec)
        self.sync.catch_up()

    def decay(self, now: float | None = None) -> dict[str, int]:
        """Fade memories whose retention fell below the threshold (deleting nothing); returns the counts."""
        res = decay(self.store, self.settings.forgetting_tau_days, self.settings.fade_threshold, now)
        self.sync.catch_up()
        return res.as_dict()

    # --- browsing --------------------------------------------------------------------------------
    def memories(self, kind: str | None = None, state: str | None = None, limit: int = 200,
                 now: float | None = None) -> list[MemoryView]:
        """Newest first, for the Memories page."""
        now = time.time() if now is None else now
        out = []
        for m in self._memories.newest(kind, state, limit, (TEXT, META)):
            last, strength = m.clock
            never = m.pinned or m.kind in NEVER_FADE_KINDS
            out.append(MemoryView(
                id=m.id, kind=m.kind, state=m.state, text=str(m.text or ""), strength=strength,
                retention=1.0 if never else retention(last, strength, now, self.settings.forgetting_tau_days),
                pinned=m.pinned, event_time=m.event_time, created_at=m.created_at,
                last_recalled=m.last_recalled, speaker=m.meta.get("speaker"), source_id=m.meta.get("source_id")))
        return out

    # --- consolidation ---------------------------------------------------------------------------
    def consolidate(self, progress: Callable[[str, int, int], None] | None = None,
                    cancel: Any = None, *, use_llm: bool | None = None) -> dict[str, int]:
        """Run consolidation (with the chat model unless ``use_llm`` or the settings say not) and update the
        index; returns its counts."""
        from secondme.memory.consolidate import Consolidator

        model = self._llm_for_extraction(use_llm)
        res = Consolidator(self.store, self.items, self.embedder, model=model).run(progress, cancel)
        self.sync.catch_up()
        return res

    def _llm_for_extraction(self, use_llm: bool | None) -> Any:
        from secondme.memory.facts import llm_enabled

        if use_llm is False or self._chat_model is None:
            return None
        setting = str(self.settings.extra.get("llm_fact_extraction", "auto"))
        if use_llm is None and setting == "off":
            return None
        try:
            model = self._chat_model()
        except Exception as exc:  # no model configured: exact extractors still run
            log.info("fact extraction without a model: %s", exc)
            log.debug("chat model unavailable", exc_info=True)
            return None
        if use_llm or llm_enabled(setting, getattr(model.info, "parameter_count", None)):
            return model
        return None


# A hit this close to the question is evidence on meaning alone; below it (MiniLM gives short
# "My X: Y" facts ~0.35 with any "what is my ...?" question) it must also share a content word.
SEMANTIC_ONLY = 0.5
# Rows looked at to tell whether memory holds a word (when all of them are asks, it does not).
_KNOWS_LOOKUP = 8
_CONTENT = re.compile(r"[a-z0-9][a-z0-9'-]{2,}")


def _stems(text: str) -> set[str]:
    # A 5-letter prefix is a crude, language-blind stem: "lives"/"living", "stored"/"storage";
    # the suffix strip's too where English changes the letters ("studied"/"study").
    ws = [w for w in _CONTENT.findall(text.lower()) if w not in STOP_WORDS]
    return {w[:5] for w in ws} | {(w[:-3] + "y")[:5] for w in ws if len(w) > 5 and w.endswith("ied")}


def usable_for_answer(found: Sequence[Evidence], question: str = "") -> list[Evidence]:
    """Hits an answer may cite: not the earlier questions and answers of ``ask`` itself, and
    (unless very close in meaning) sharing a content word with the question, counting the
    memory's fact keys ("where do I live?" ~ "home address ... lives"). Reads the text and meta
    hydration opened: nothing is decrypted again."""
    q = _stems(question)
    out: list[Evidence] = []
    for e in found:
        if e.meta.get("ask"):
            continue
        if q and (e.hit.relevance or 0.0) < SEMANTIC_ONLY:
            words = _stems(" ".join([e.text, e.hit.title, *map(str, e.meta.get("keys") or [])]))
            if not q & words:
                continue
        out.append(e)
    return out


def close_enough(e: Evidence, question: str, floor: float,
                 written: Callable[[str, str], bool] | None = None) -> bool:
    """Whether a hit is close enough to ``question`` to answer it: its relevance reaches
    ``floor``, or it is a note chunk holding every content word of the question.
    A note's lines are terse ("Project Heron: migrating billing to Dagster") and MiniLM puts
    "What is project Heron?" at 0.24 even to that line, while the words it names are there.
    ``written(word, text)`` says whether a text holds a word in short ("Reg:" for
    "registration"), as notes often do."""
    if (e.hit.relevance or 0.0) >= floor:
        return True
    if e.hit.kind != "chunk":
        return False
    # A note's title names what each of its lines is about ("Car": "- Reg: LR19 KXP").
    said = f"{e.hit.title}\n{e.text}"
    held = _stems(said)
    missing = [w for w in _CONTENT.findall(question.lower()) if w not in STOP_WORDS and not _stems(w) <= held]
    return bool(_stems(question)) and all(written is not None and written(w, said) for w in missing)

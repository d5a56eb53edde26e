"""Recall: hybrid retrieval re-ranked with time, conversation context, links and retention.

Relevance stays dominant (the fused z-score of BM25 and dense similarity); on top of it:
- a time phrase in the question ("last March") favours memories from that range;
- a message next to other good candidates of the same conversation gains a little (answers
  often sit one turn away from the question that names the topic);
- a conversation whose turns match well as a whole lifts its turns (session-level retrieval);
- derived memories (facts, episodes) are folded onto the messages they came from, so one slot
  is not spent twice on the same evidence;
- linked memories of the best hits are added as candidates (multi-hop questions);
- retention R adds a small bonus, so among equally relevant memories the living ones win;
- a message by someone the question names ("What has Melanie painted?") gains a bonus: what a
  person did is mostly told in their own messages, which share few words with the question;
- a message that ends by asking ("How was your weekend?") loses a little: it resembles the
  question (both ask) but seldom holds the answer, which is usually in the reply;
- a long turn of a chat gains a little and a short one loses as much: small talk is short;
- the turn after one that asks gains part of the asking turn's score: in a chat the reply
  answers the question in words of its own ("So what's your favorite game?" - "Definitely
  Hollow Knight");
- the turn that opens a chat, or opens it again after hours apart, gains a little: it tells
  the news.
With a model's guesses at the answer's words, a candidate that scores better for them is
lifted towards that score: half way, or all the way for a question that asks for several things.
The last five of the terms listed serve search; the sources of an answer are ranked without them (see
:meth:`RecallWeights.for_answering`).
Weights were tuned on LoCoMo conversations 1–3 only (see tests/bench/locomo_recall.py); on
those, recall@10 went 0.77 → 0.81 from the first guess, mostly from the neighbour and session
terms and a deeper candidate list (the neighbours must be among the candidates to count).
"""

from __future__ import annotations

import copy
import dataclasses
import heapq
import math
import re
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from secondme.index.keyword import STOP_WORDS
from secondme.memory.forgetting import retention
from secondme.memory.question_form import asks_list
from secondme.memory.timeparse import asks_for_date, parse_time
from secondme.memory.turn_form import TurnForm
from secondme.results import SearchFilters, SearchHit
from secondme.search.hybrid import MEMORY_KINDS, Candidate, Evidence, HybridSearcher
from secondme.search.ids import CHUNK, MEMORY, from_index, to_index
from secondme.store import Store
from secondme.store.repos.links import LinkRepository
from secondme.store.repos.memories import EMBEDDING, META, TEXT, Memory, MemoryRepository


@dataclasses.dataclass
class RecallWeights:
    """Blend weights of :class:`Recaller` (fused z-scores are roughly in [-1, 5])."""

    depth: int = 250           # candidates fetched from the hybrid searcher (150 for an answer's sources)
    retention: float = 0.2     # bonus for R = 1
    neighbour: float = 0.45    # times the best neighbouring turn's (positive) score
    window: int = 2            # neighbours are turns within this many ids in one conversation
    session: float = 0.3       # times the conversation's mean of its top-3 (positive) scores
    time_boost: float = 1.0    # bonus for being inside the question's time range
    link: float = 0.3          # a linked memory's score: this times its best linked hit's score
    link_from: int = 5         # how many top hits have their links followed
    derived: float = 0.3       # bonus a message receives from a derived memory pointing at it
    stale: float = 0.5         # penalty of a message whose stated fact was superseded
    entity: float = 0.6        # bonus for sharing rare entities with the best hits (at most)
    entity_seeds: int = 5      # how many top hits seed the entity expansion
    entity_pool: int = 80      # how many candidates it re-scores
    expansion: float = 0.5     # how far a candidate is lifted towards its score for the guesses
    list_expansion: float = 1.0  # the same for a question that asks for several things
    speaker: float = 0.8       # bonus of a message by a speaker the question names
    anchored: int = 2          # how many of the best hits without that bonus keep the lead
    asking: float = 0.5        # penalty of a message ending in a question (among the entity pool)
    length: float = 0.4        # most a conversation turn gains when long, or loses when short (same pool)
    opener: float = 0.3        # bonus of a chat's first turn, or its first after a gap (same pool)
    reply: float = 0.3         # times a turn's score when it asks, given to the next turn of its chat (same pool)

    def for_answering(self) -> RecallWeights:
        """These weights without the speaker bonus and the terms of a memory's form, for the sources of a
        written answer. Its check for a question about someone else's story ("What are
        Deborah's favorite books?" where the books were the other speaker's) must see the other
        speaker's message; ranked for the named person, it fell out of the six sources given,
        and the 1.5B answered more such questions (LoCoMo, calibration slice: 0.80 of 40
        refused without these terms, 0.725 with the speaker and asking terms, 0.725 with the
        reply term alone). The candidates are as deep as when that was measured: the fused
        scores are normalised over them, and a list question's guesses weigh as any question's."""
        return dataclasses.replace(self, speaker=0.0, asking=0.0, length=0.0, reply=0.0, opener=0.0,
                                   depth=min(self.depth, ANSWER_DEPTH), list_expansion=self.expansion)


DEFAULT_KINDS = ("chunk", *MEMORY_KINDS)
ANSWER_DEPTH = 150  # candidates of an answer's sources (search fetches ``RecallWeights.depth``)
DERIVED = ("fact", "episode")


class Recaller:
    """Ranks recall candidates; see the module docstring for the blend."""

    def __init__(self, store: Store, searcher: HybridSearcher, embedder: Any, tau_days: float,
                 weights: RecallWeights | None = None) -> None:
        """Rank candidates from ``searcher`` by the blend in ``weights``, forgetting with time constant
        ``tau_days``."""
        self._store = store
        self._memories = MemoryRepository(store)
        self._links = LinkRepository(store)
        self._form = TurnForm(self._memories)
        self._searcher = searcher
        self._embedder = embedder
        self.tau_days = tau_days
        self.w = weights or RecallWeights()

    def recall(self, query: str, k: int = 10, *, when: float | None = None, include_faded: bool = False,
               now: float | None = None, kinds: Sequence[str] | None = None,
               expansion: str | None = None) -> list[SearchHit]:
        """The ``k`` memories and chunks best matching ``query`` (a time phrase in it narrows to that period),
        ranked by the blend; faded ones only with ``include_faded``."""
        return [e.hit for e in self.evidence(query, k, when=when, include_faded=include_faded, now=now,
                                             kinds=kinds, expansion=expansion)]

    def evidence(self, query: str, k: int = 10, *, when: float | None = None, include_faded: bool = False,
                 now: float | None = None, kinds: Sequence[str] | None = None,
                 expansion: str | None = None, weights: RecallWeights | None = None) -> list[Evidence]:
        """:meth:`recall`, each hit with the text and meta its hydration opened; ranked by
        ``weights`` for this call instead of :attr:`w` when given.

        ``expansion``: words a language model guessed an answer would hold ("swimming, pottery,
        camping" for "what activities does she do?"). The question's words rarely appear in
        the turns that answer a list question; the guesses often do, or sit near them in the
        embedding. They make a second query (the question plus the guesses); a candidate that
        scores better for it is lifted part of the way, so a wrong guess lowers nothing."""
        if weights is not None and weights != self.w:
            # A copy, so that a search on another thread keeps its own weights meanwhile.
            other = copy.copy(self)
            other.w = weights
            return other.evidence(query, k, when=when, include_faded=include_faded, now=now, kinds=kinds,
                                  expansion=expansion)
        now = time.time() if now is None else now
        if not query.strip() or k <= 0:
            return []
        w = self.w
        tr = parse_time(query, when if when is not None else now)
        q = tr.strip(query) if tr else query
        qv = self._embedder.embed_query(q)
        kinds = list(kinds or DEFAULT_KINDS)
        if include_faded:
            kinds.append("faded")
        depth = max(w.depth, 3 * k)
        scores: dict[int, float] = {}
        sims: dict[int, float | None] = {}
        for c in self._searcher.retrieve(q, depth, kinds=kinds, query_vector=qv):
            scores[c.index_id] = c.score
            sims[c.index_id] = c.dense_similarity
        guesses = (expansion or "").strip()
        lift = w.list_expansion if asks_list(query) else w.expansion
        if guesses and lift > 0:
            # A list question's answers share fewest words with it, and the guesses name the
            # kinds of thing it asks for: its candidates are lifted all the way (LoCoMo,
            # conversations 1-3 with the 1.5B's guesses, multi-hop recall@10: 0.539 at 0.5,
            # 0.548 at 0.8, 0.555 at 1.0, 0.550 at 1.5; other categories unchanged).
            scores = self._expanded(scores, f"{q} {guesses}", depth, kinds, lift)
        if tr is not None:
            # The phrase dates the event, the memory is dated when it was said: allow a margin.
            slack = max(2 * 86400.0, 0.25 * (tr.until - tr.since))
            f = SearchFilters(since=tr.since - 86400.0, until=tr.until + slack)
            for c in self._searcher.retrieve(q, depth, kinds=kinds, filters=f, query_vector=qv):
                base = max(scores.get(c.index_id, c.score), c.score)
                scores[c.index_id] = base + w.time_boost
                sims.setdefault(c.index_id, c.dense_similarity)
        mem_ids = [eid for iid in scores for ent, eid in [from_index(iid)] if ent == MEMORY]
        rows = self._rows(mem_ids)
        named = named_speakers(q, rows.values())
        final = self._blend(scores, rows, now, named)
        final = self._fold_derived(final, rows, qv, sims)
        final = self._expand_links(final, rows, now)
        texts: dict[int, str] = {}
        final = self._expand_entities(final, q, texts)
        # A "when" question names its event in its own words, which the telling turn holds;
        # the turn after a matching question seldom dates it (LoCoMo temporal recall@10 without
        # a model: 0.796 with the reply term, 0.810 without it for these questions).
        form_w = dataclasses.replace(w, reply=0.0) if asks_for_date(query) else w
        final = self._form.rescore(form_w, final, texts, rows)
        ranked = self._ranked(final, rows, named)[:k]
        cands = [Candidate(iid, s, None, sims.get(iid)) for iid, s in ranked]
        return self._searcher.hydrate_evidence(q, cands, query_vector=qv)

    # --- pieces ----------------------------------------------------------------------------------
    def _ranked(self, final: dict[int, float], rows: dict[int, Memory], named: set[str]) -> list[tuple[int, float]]:
        """``final`` best first. The best few without the named speaker's bonus stay in the lead:
        in "What are Deborah's favorite books?" the books may be another speaker's, and the
        person should see that message first, not under Deborah's small talk. (On LoCoMo this
        changed the top ten of 15 of 1,982 questions and no recall figure.)"""
        ranked = sorted(final.items(), key=lambda kv: (-kv[1], kv[0]))
        n = self.w.anchored
        if not named or n <= 0 or self.w.speaker <= 0:
            return ranked  # no bonus was given: the plain order is this one (an answer's sources)

        def plain(kv: tuple[int, float]) -> float:
            ent, eid = from_index(kv[0])
            r = rows.get(eid) if ent == MEMORY else None
            lifted = r is not None and _spoken_by(r, named)
            return kv[1] - (self.w.speaker if lifted else 0.0)

        lead = heapq.nsmallest(n, ranked, key=lambda kv: (-plain(kv), kv[0]))
        ids = {iid for iid, _ in lead}
        return lead + [kv for kv in ranked if kv[0] not in ids]

    def _expanded(self, scores: dict[int, float], query: str, depth: int, kinds: Sequence[str],
                  a: float) -> dict[int, float]:
        extra = {c.index_id: c.score for c in self._searcher.retrieve(
            query, depth, kinds=kinds, query_vector=self._embedder.embed_query(query))}
        if not extra:
            return scores
        # Beyond either list's depth a candidate scores that list's floor, not nothing.
        lo_q = min(scores.values(), default=0.0)
        lo_x = min(extra.values())
        out = {}
        for iid in {*scores, *extra}:
            own = scores.get(iid, lo_q)
            # Lifted towards the guesses' score, never lowered by it: a wrong guess leaves the
            # question's own matches where they were (a blend measured 0.005 lower on LoCoMo).
            out[iid] = own + a * max(0.0, extra.get(iid, lo_x) - own)
        return out

    def _rows(self, ids: Sequence[int]) -> dict[int, Memory]:
        # The exact times and strength (sealed) stand in for their coarse plain columns.
        return self._memories.by_ids(ids, (META,))

    def _blend(self, scores: dict[int, float], rows: dict[int, Memory], now: float,
               named: set[str]) -> dict[int, float]:
        w = self.w
        by_source: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for iid, s in scores.items():
            ent, eid = from_index(iid)
            r = rows.get(eid) if ent == MEMORY else None
            if r is not None and r.kind == "message" and r.source_key:
                by_source[str(r.source_key)].append((eid, s))
        session_score: dict[str, float] = {}
        for src, items in by_source.items():
            top = sorted((max(0.0, s) for _, s in items), reverse=True)[:3]
            session_score[src] = sum(top) / 3.0
        out: dict[int, float] = {}
        for iid, s in scores.items():
            ent, eid = from_index(iid)
            r = rows.get(eid) if ent == MEMORY else None
            if ent == CHUNK or r is None:
                out[iid] = s + w.retention  # notes never fade
                continue
            last, strength = r.clock
            score = s + w.retention * retention(last, strength, now, self.tau_days)
            if r.kind == "message" and r.source_key:
                src = str(r.source_key)
                near = [x for e, x in by_source[src] if e != eid and abs(e - eid) <= w.window]
                if near:
                    score += w.neighbour * max(0.0, max(near))
                score += w.session * session_score.get(src, 0.0)
            if named and _spoken_by(r, named):
                score += w.speaker
            out[iid] = score
        return out

    def _fold_derived(self, final: dict[int, float], rows: dict[int, Memory], qv: np.ndarray,
                      sims: dict[int, float | None]) -> dict[int, float]:
        """A fact or episode hit points at the message it came from (the best-matching one)."""
        w = self.w
        out = dict(final)
        stale: list[int] = []
        for iid, s in sorted(final.items(), key=lambda kv: -kv[1]):
            ent, eid = from_index(iid)
            r = rows.get(eid) if ent == MEMORY else None
            if r is None:
                continue
            meta = r.meta
            if r.kind == "message" and meta.get("stale"):
                stale.append(iid)
            if r.kind not in DERIVED:
                continue
            sources = [int(x) for x in meta.get("sources", [])]
            if not sources:
                continue
            best = self._best_source(sources, qv)
            if best is None:
                continue
            tgt = to_index(MEMORY, best)
            if r.kind == "episode":
                out.pop(iid, None)  # an episode routes to its best turn
                out[tgt] = max(out.get(tgt, -math.inf), s) + w.derived
                sims.setdefault(tgt, None)
            elif tgt in out:
                # The fact and its message are one piece of evidence: keep the better ranked.
                keep, drop = (iid, tgt) if s >= out[tgt] else (tgt, iid)
                out[keep] = max(s, out[tgt]) + w.derived
                out.pop(drop, None)
        for iid in stale:
            if iid in out:
                out[iid] -= w.stale
        return out

    def _best_source(self, sources: list[int], qv: np.ndarray) -> int | None:
        if len(sources) == 1:
            return sources[0]
        best, best_sim = None, -2.0
        for m in self._memories.by_ids(sources, (EMBEDDING,), where="state = 'active'").values():
            v = m.vector
            if v is None:
                continue
            sim = float(np.dot(v, qv))
            if sim > best_sim:
                best, best_sim = m.id, sim
        return best

    def _expand_links(self, final: dict[int, float], rows: dict[int, Memory], now: float) -> dict[int, float]:
        w = self.w
        if w.link <= 0 or w.link_from <= 0:
            return final
        top = [(iid, s) for iid, s in sorted(final.items(), key=lambda kv: -kv[1])
               if from_index(iid)[0] == MEMORY][:w.link_from]
        if not top:
            return final
        out = dict(final)
        src_score = {from_index(iid)[1]: s for iid, s in top}
        gained: dict[int, float] = {}
        for lk in self._links.touching(src_score):
            a, b = lk.src_id, lk.dst_id
            origin, other = (a, b) if a in src_score else (b, a)
            score = w.link * src_score[origin] * lk.weight
            gained[other] = max(gained.get(other, -math.inf), score)
        if not gained:
            return out
        alive = set(self._memories.by_ids(gained, where="state = 'active' AND kind = 'message'"))
        for mid, s in gained.items():
            iid = to_index(MEMORY, mid)
            if mid in alive and iid not in out:
                out[iid] = s
        return out

    def _expand_entities(self, final: dict[int, float], query: str, texts: dict[int, str]) -> dict[int, float]:
        """A one-step personalized PageRank over memory <-> entity edges of the candidates.

        The best hits (the seeds) hand their score to the entities they mention (names and rare
        words, weighted by how rare they are among the candidates), and each entity hands it on
        to the other candidates that mention it. A multi-hop question ("what events has Caro
        joined?") has evidence in several conversations: the seeds find one, the entities they
        share with the others (the support group, the parade's city) lift the rest. Entities
        the query already names add nothing: the keyword ranker counted them. The texts read
        are kept in ``texts`` (memory id -> text) for the next step.
        """
        w = self.w
        if w.entity <= 0 or w.entity_seeds <= 0:
            return final
        ranked = [(iid, s) for iid, s in sorted(final.items(), key=lambda kv: -kv[1])
                  if from_index(iid)[0] == MEMORY][:w.entity_pool]
        if len(ranked) <= w.entity_seeds:
            return final
        texts.update(self._texts([from_index(iid)[1] for iid, _ in ranked]))
        q_ents = entities(query)
        ents = {iid: entities(texts.get(from_index(iid)[1], "")) - q_ents for iid, _ in ranked}
        df: dict[str, int] = defaultdict(int)
        for es in ents.values():
            for e in es:
                df[e] += 1
        n = len(ranked)
        idf = {e: math.log(n / c) for e, c in df.items() if c < n / 4}  # common words carry nothing
        seeds = ranked[:w.entity_seeds]
        floor = ranked[-1][1]
        mass: dict[str, float] = defaultdict(float)
        for iid, s in seeds:
            known = [e for e in ents[iid] if e in idf]
            if not known:
                continue
            share = max(0.0, s - floor) / math.sqrt(len(known))
            for e in known:
                mass[e] += share * idf[e]
        if not mass:
            return final
        seed_ids = {iid for iid, _ in seeds}
        gain = {iid: sum(mass.get(e, 0.0) for e in ents[iid]) for iid, _ in ranked if iid not in seed_ids}
        top = max(gain.values(), default=0.0)
        if top <= 0:
            return final
        out = dict(final)
        for iid, g in gain.items():
            out[iid] += w.entity * g / top
        return out

    def _texts(self, ids: Sequence[int]) -> dict[int, str]:
        return {mid: str(m.text or "") for mid, m in self._memories.by_ids(ids, (TEXT,)).items()}


def named_speakers(query: str, rows: Iterable[Memory]) -> set[str]:
    """The speakers of the messages in ``rows`` the query names (casefolded), named by their
    first name as a word ("Melanie's" names "Melanie", "Dana" names "Dana Whitfield", "Mel"
    does not name "Melanie")."""
    words = set(_words(query))
    out: set[str] = set()
    for r in rows:
        who = str(r.meta.get("speaker") or "") if r.kind == "message" else ""
        first = _words(who)[:1]
        if first and first[0] in words:
            out.add(who.casefold())
    return out


def _spoken_by(r: Memory, named: set[str]) -> bool:
    return str(r.meta.get("speaker", "")).casefold() in named


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.casefold())


_PROPER = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z'’-]{2,}\b")
_KEYWORD = re.compile(r"[a-z][a-z'-]{4,}")


def entities(text: str) -> set[str]:
    """The names (capitalized words inside a sentence) and rarer words (five letters or more,
    no stop words) a memory mentions, lowercased and cut to a 6-letter stem."""
    out = {m.group(0).lower()[:6] for m in _PROPER.finditer(text)}
    out.update(w[:6] for w in _KEYWORD.findall(text.lower()) if w not in STOP_WORDS)
    return out

"""Hybrid retrieval: BM25 (FTS5) and vector kNN (Chroma), fused by z-score weighting.

On LoCoMo a plain reciprocal rank fusion with MiniLM scored *below* BM25 alone (see
shared/data/locomo/README.md): a weak dense ranker drags RRF down, while score-normalised
weighting keeps BM25's strong matches on top and lets the dense side break ties and add recall.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from secondme.embed.base import Embedder
from secondme.errors import StoreCorruption
from secondme.index import KeywordFilters, SealedIndexes
from secondme.index.proximity import Proximity
from secondme.index.vector_process import VectorProcessDied
from secondme.results import SearchFilters, SearchHit
from secondme.search.ids import CHUNK, MEMORY, from_index, to_index
from secondme.search.snippets import make_snippet
from secondme.store import Store
from secondme.store.repos.documents import Chunks, Document, Documents, StoredChunk
from secondme.store.repos.memories import EMBEDDING, META, TEXT, Memory, MemoryRepository
from secondme.threads import Foreground

log = logging.getLogger("secondme.search")

# What a default search looks at: note chunks and active memories of every kind.
MEMORY_KINDS = ("message", "fact", "episode", "summary", "note", "shade", "bio")
DEFAULT_KINDS = ("chunk", *MEMORY_KINDS)
INACTIVE_STATES = ("faded", "superseded")

KEYWORD_WEIGHT = 0.6
DENSE_WEIGHT = 0.4
# Notes are ranked as whole notes from three signals: BM25 over the whole note (title, headings
# and body fields), BM25 of its best chunk and the dense similarity of its best chunk, each as a
# z-score over its candidate list. Calibrated on generated known-item queries (7,000 notes, seed
# 1, tests/bench/calibrate_fusion.py): whole-note BM25 alone found the note first for 0.738 of
# the queries, chunk BM25 0.71, dense 0.632; fused, every triple with whole-note 0.35-0.6 and
# dense 0.15-0.3 gave 0.768-0.772, and this one sits in the middle of that plateau (0.770).
# Min-max and max normalisation did no better, rank fusion (RRF) worse (0.744). Reported on
# another seed by tests/bench/bench_known_item.py.
NOTE_WEIGHTS = (0.4, 0.3, 0.3)  # (whole-note BM25, best-chunk BM25, best-chunk dense)
# The best few notes of that fusion then gain a boost for holding the query's words close
# together (KeywordIndex.doc_proximity: the share of them within one window, the share of the
# query's word pairs in order), weighted by PROXIMITY_WEIGHTS: BM25 scores words strewn over a
# note like words in one sentence. Calibrated on known-item queries of seed 5 (7,000 notes,
# tests/bench/calibrate_fusion.py): recall@1 0.784 without the boost; with it, window 8-12 and
# depth 20-30 alike, recall@1 rose steadily with both weights, (2, 1) 0.876, (2, 2) 0.89,
# (5, 3) 0.916. The generator takes every query from one sentence, so it rewards proximity
# without limit; real queries are not all like that, so the weights stay at the modest end
# that meets the target: a note holding the whole query together, in order, gains 3, about
# the spread of a candidate list's z-scores. Reported on seeds 2 and 3 by bench_known_item.
PROXIMITY_WEIGHTS = (2.0, 1.0)  # (together, in order); the window is index.proximity's
PROXIMITY_DEPTH = 20  # fused candidates whose text is read for it


@dataclass(frozen=True)
class Evidence:
    """A hit with the full text and meta its hydration opened, so that a caller who needs them
    (``ask`` filters on the meta and quotes the text) does not decrypt the row again."""

    hit: SearchHit
    text: str
    meta: dict[str, Any]
    # The question a chat turn replies to ("How long have you been doing yoga?" before "Been
    # doing it for 3 years"): filled in for an answer's sources, "" otherwise.
    asked: str = ""


@dataclass(frozen=True)
class Candidate:
    """One index row found by keywords and/or vectors, before fusion ranks it."""

    index_id: int
    score: float
    keyword_snippet: str | None
    dense_similarity: float | None = None


def _zscores(scores: dict[int, float]) -> dict[int, float]:
    if not scores:
        return {}
    vals = list(scores.values())
    mean = math.fsum(vals) / len(vals)
    # statistics.pstdev is exact (fractions) and cost 2 ms of every fusion at 750 candidates.
    sd = math.sqrt(math.fsum((v - mean) ** 2 for v in vals) / len(vals))
    if sd < 1e-9:
        # All equal, e.g. a rare word found in one chunk only. That was z = 0, level with the
        # candidates missing from the list, so the dense side alone decided and a unique word
        # lost to unrelated chunks. A lone match is the clearest signal there is: score it as a
        # 2-sigma outlier above the absent ones (floored at 0 in ``fuse``).
        return {k: 2.0 for k in scores}
    return {k: (v - mean) / sd for k, v in scores.items()}


def fuse(keyword: dict[int, float], dense: dict[int, float],
         w_kw: float = KEYWORD_WEIGHT, w_dense: float = DENSE_WEIGHT) -> list[tuple[int, float]]:
    """Weighted sum of z-scores; a candidate missing from one list gets that list's minimum."""
    zk, zd = _zscores(keyword), _zscores(dense)
    # A lone keyword match (z = 2, see _zscores) is an exact hit on a rare word: whatever the
    # keyword side did not find sits 2σ below zero, so dense similarity alone cannot outrank it.
    floor_k = -2.0 if len(zk) == 1 else min([0.0, *zk.values()])
    floor_d = min([0.0, *zd.values()])
    ids = set(zk) | set(zd)
    fused = {i: w_kw * zk.get(i, floor_k) + w_dense * zd.get(i, floor_d) for i in ids}
    return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))


def fuse_notes(keyword: dict[int, float], dense: dict[int, float], docs: dict[int, float],
               chunk_doc: dict[int, int], weights: tuple[float, float, float] = NOTE_WEIGHTS,
               w_kw: float = KEYWORD_WEIGHT, w_dense: float = DENSE_WEIGHT) -> list[tuple[int, float]]:
    """Fused (index id, score), best first, with one chunk per note.

    ``keyword`` and ``dense`` score chunks and memories by index id, ``docs`` scores whole notes
    by document id, ``chunk_doc`` maps the chunk ids (store ids) among the candidates to their
    document. A note scores ``weights`` · (whole-note z, best chunk's keyword z, best chunk's
    dense z), each missing one at its list's floor, and is shown by its best chunk. A note
    found only by whole-note BM25 gets the index id of the chunk given for it in
    ``chunk_doc`` (its first chunk, chosen by the caller). Memories score as in :func:`fuse`.
    """
    zk, zd, zD = _zscores(keyword), _zscores(dense), _zscores(docs)
    floor_k = -2.0 if len(zk) == 1 else min([0.0, *zk.values()])
    floor_d = min([0.0, *zd.values()])
    floor_D = -2.0 if len(zD) == 1 else min([0.0, *zD.values()])
    a, b, c = weights
    out: dict[int, float] = {}
    best: dict[int, tuple[float, int]] = {}  # doc -> (chunk-level score, index id)
    top_k: dict[int, float] = {}  # doc -> its chunks' best keyword z
    top_d: dict[int, float] = {}  # doc -> its chunks' best dense z
    # One pass over the candidates (hundreds per search): this runs on every query.
    for i in zk.keys() | zd.keys():
        kz, dz = zk.get(i), zd.get(i)
        own = w_kw * (floor_k if kz is None else kz) + w_dense * (floor_d if dz is None else dz)
        ent, eid = from_index(i)
        doc = chunk_doc.get(eid) if ent == CHUNK else None
        if doc is None:
            out[i] = own
            continue
        held = best.get(doc)
        if held is None or (own, -i) > (held[0], -held[1]):
            best[doc] = (own, i)
        if kz is not None and kz > top_k.get(doc, -math.inf):
            top_k[doc] = kz
        if dz is not None and dz > top_d.get(doc, -math.inf):
            top_d[doc] = dz
    # A note found only as a whole is shown by its first chunk that ``chunk_doc`` names.
    whole_only = zD.keys() - best.keys()
    first: dict[int, int] = {}
    if whole_only:
        for eid, doc in chunk_doc.items():
            if doc in whole_only:
                iid = to_index(CHUNK, eid)
                if doc not in first or iid < first[doc]:
                    first[doc] = iid
    for doc in best.keys() | zD.keys():
        shown = best[doc][1] if doc in best else first.get(doc)
        if shown is None:
            continue
        out[shown] = a * zD.get(doc, floor_D) + b * top_k.get(doc, floor_k) + c * top_d.get(doc, floor_d)
    return sorted(out.items(), key=lambda kv: (-kv[1], kv[0]))


def proximity_boosts(near: dict[int, Proximity], weights: tuple[float, float] = PROXIMITY_WEIGHTS
                     ) -> dict[int, float]:
    """Document id -> what its proximity adds to its fused score."""
    a, b = weights
    return {doc: a * p.together + b * p.in_order for doc, p in near.items()}


def boost_by_proximity(fused: list[tuple[int, float]], chunk_doc: dict[int, int],
                       boosts: dict[int, float]) -> list[tuple[int, float]]:
    """``fused`` (index id, score) re-sorted after each note's chunk gains its note's boost
    (document id -> a non-negative number); memories and notes without one keep their score.
    No boost is negative, so boosting only the head of a list keeps the whole list sorted."""
    out = []
    for i, score in fused:
        ent, eid = from_index(i)
        doc = chunk_doc.get(eid) if ent == CHUNK else None
        out.append((i, score + boosts.get(doc, 0.0) if doc is not None else score))
    return sorted(out, key=lambda kv: (-kv[1], kv[0]))


def head_docs(fused: list[tuple[int, float]], chunk_doc: dict[int, int], depth: int = PROXIMITY_DEPTH) -> list[int]:
    """The notes of the first ``depth`` fused chunks."""
    return [chunk_doc[eid] for i, _ in fused[:depth] for ent, eid in [from_index(i)]
            if ent == CHUNK and eid in chunk_doc]


class HybridSearcher:
    """Searches notes and memories; hydrates hits with their sources from the store."""

    def __init__(self, store: Store, indexes: SealedIndexes, embedder: Embedder,
                 folder_lookup: Any = None, candidates: int = 50, foreground: Foreground | None = None) -> None:
        """Search ``indexes`` (hydrating hits from ``store``), embedding queries with ``embedder``;
        ``folder_lookup`` maps a path to its folder id, ``candidates`` is how many each side fetches,
        ``foreground`` hears of each retrieval in flight (background work steps aside for it)."""
        self.foreground = foreground or Foreground()
        self._store = store
        self._documents = Documents(store)
        self._chunks = Chunks(store)
        self._memories = MemoryRepository(store)
        self._idx = indexes
        self._embedder = embedder
        self._folder_lookup = folder_lookup  # callable path -> folder id, for folder filters
        self.candidates = candidates
        # What a note's proximity scores add to its fused score ((0, 0) turns the boost off).
        self.proximity_weights = PROXIMITY_WEIGHTS
        # The keyword side runs here while the calling thread embeds the query and waits on the
        # vector index's process: SQLite, ONNX Runtime and the pipe all release the GIL, so a
        # search costs the slower side, not the sum.
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="secondme-search")

    def close(self) -> None:
        """Stop the keyword worker thread, cancelling what it has not started."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    # --- retrieval -----------------------------------------------------------------------------
    def holders(self, word: str, k: int = 8, *, prefix: bool = True) -> list[int]:
        """Index ids of up to ``k`` chunks or memories holding ``word`` (see :meth:`KeywordIndex.holders`)."""
        return self._idx.keyword.holders(word, k, prefix=prefix)

    def retrieve(self, query: str, k: int, kinds: Sequence[str] | None = None,
                 filters: SearchFilters | None = None, query_vector: np.ndarray | None = None,
                 sources: Sequence[str] | None = None) -> list[Candidate]:
        """Fused candidates; ``kinds`` defaults to notes and active memories."""
        with self.foreground.searching():
            return self._retrieve(query, k, kinds, filters, query_vector, sources)

    def _retrieve(self, query: str, k: int, kinds: Sequence[str] | None, filters: SearchFilters | None,
                  query_vector: np.ndarray | None, sources: Sequence[str] | None) -> list[Candidate]:
        f = filters or SearchFilters()
        n = max(self.candidates, 3 * k)
        folders: list[str] | None = None
        if f.folder is not None and self._folder_lookup is not None:
            fid = self._folder_lookup(f.folder)
            folders = [str(fid)] if fid is not None else []
        if sources is not None:
            folders = list(sources)  # memories carry their source key in the folder facet
        wanted = list(kinds) if kinds is not None else (list(f.kinds) or list(DEFAULT_KINDS))
        # Filtering inside the indexes is slow at scale (Chroma pre-filters its metadata, FTS5
        # reads an unindexed column per match: ~1.4 s per query at 100k chunks). When the kinds
        # asked for cover every active kind, only a few inactive memories need excluding, so
        # that is done afterwards on the fused candidates instead.
        post_filter = set(DEFAULT_KINDS) <= set(wanted)
        kw_filters = KeywordFilters(
            kinds=None if post_filter else wanted,
            folders=folders,
            file_types=list(f.file_types) or None,
            date_from=int(f.since) if f.since is not None else None,
            date_to=int(f.until) if f.until is not None else None,
        )
        # Without snippets: only the few hits hydrated get one (hydrate_evidence).
        kw_future = self._pool.submit(self._idx.keyword.search, query, n, kw_filters, snippets=False)
        # Whole notes too, unless no note can be wanted (memories only, or memory sources).
        want_notes = "chunk" in wanted and sources is None
        doc_future = self._pool.submit(self._idx.keyword.search_docs, query, n, kw_filters) if want_notes else None
        try:
            where = _chroma_where(kw_filters)
            qv = query_vector if query_vector is not None else self._embedder.embed_query(query)
            vec = self._idx.vector
            try:
                dense = vec.query(qv, n, where=where)
            except VectorProcessDied:
                # Answered from keywords alone while a new vector index is filled from the store.
                dense = []
                self._pool.submit(self._replace_vector, vec)
        finally:
            kw_hits = kw_future.result()
            doc_hits = doc_future.result() if doc_future is not None else []
        sims = {i: 1.0 - d for i, d in dense}
        kw_scores = {h.id: h.score for h in kw_hits}
        if want_notes:
            docs = {h.id: h.score for h in doc_hits}
            chunk_doc = self._chunk_docs([*kw_scores, *sims], list(docs))
            fused = fuse_notes(kw_scores, sims, docs, chunk_doc)
            head = head_docs(fused, chunk_doc)
            if head and any(self.proximity_weights):
                near = self._idx.keyword.doc_proximity(query, head)
                boosts = proximity_boosts(near, self.proximity_weights)
                fused = boost_by_proximity(fused[:PROXIMITY_DEPTH], chunk_doc, boosts) + fused[PROXIMITY_DEPTH:]
        else:
            fused = fuse(kw_scores, sims)
        if post_filter:
            fused = self._keep_kinds(fused, set(wanted))
        return [Candidate(i, s, None, sims.get(i)) for i, s in fused[:k]]

    def _chunk_docs(self, index_ids: Sequence[int], doc_ids: Sequence[int]) -> dict[int, int]:
        """Chunk id -> document id for the chunk candidates, plus the first chunk of each note
        in ``doc_ids`` that has no chunk among them (what shows a note found as a whole)."""
        chunk_ids = sorted({eid for i in index_ids for ent, eid in [from_index(i)] if ent == CHUNK})
        out: dict[int, int] = {}
        # Plain columns only steer the ranking; the hits are read back authenticated (hydrate).
        out = self._chunks.documents_of(chunk_ids)
        out.update(self._chunks.first_of(sorted(set(doc_ids) - set(out.values()))))
        return out

    def _replace_vector(self, dead: object) -> None:
        try:
            self._idx.replace_dead_vector(dead)
        except Exception:
            log.exception("the vector index could not be restarted")

    def _keep_kinds(self, fused: list[tuple[int, float]], wanted: set[str]) -> list[tuple[int, float]]:
        """Drop memories whose index facet (kind, or state when not active) is not wanted."""
        mem_ids = [eid for i, _ in fused for ent, eid in [from_index(i)] if ent == MEMORY]
        facet = self._memories.facets(mem_ids)
        out = []
        for i, score in fused:
            ent, eid = from_index(i)
            if ent == CHUNK and "chunk" not in wanted:
                continue
            if ent == MEMORY and facet.get(eid) not in wanted:
                continue
            out.append((i, score))
        return out

    # --- hydration -----------------------------------------------------------------------------
    def hydrate(self, query: str, cands: Sequence[Candidate], neighbours: bool = True,
                query_vector: np.ndarray | None = None) -> list[SearchHit]:
        """Hits with sources; ``relevance`` is the cosine of the query and each hit when
        ``query_vector`` is given (keyword-only candidates get it from their stored vector)."""
        return [e.hit for e in self.hydrate_evidence(query, cands, neighbours, query_vector)]

    def hydrate_evidence(self, query: str, cands: Sequence[Candidate], neighbours: bool = True,
                         query_vector: np.ndarray | None = None) -> list[Evidence]:
        """:meth:`hydrate`, each hit with the text and meta it opened."""
        chunk_ids = [eid for c in cands for ent, eid in [from_index(c.index_id)] if ent == CHUNK]
        mem_ids = [eid for c in cands for ent, eid in [from_index(c.index_id)] if ent == MEMORY]
        # Each hit's sealed values are opened once, here; one that does not open costs that hit
        # alone (reported below), not the whole search.
        bad: dict[tuple[str, int, str], StoreCorruption] = {}

        def corrupt(exc: StoreCorruption) -> None:
            bad[(exc.table, exc.row_id, exc.column)] = exc

        chunks = self._chunks.by_ids(chunk_ids, fields=("text", "meta"), on_corrupt=corrupt)
        unshown = [c.index_id for c in cands if c.keyword_snippet is None and from_index(c.index_id)[0] == CHUNK]
        snippets = self._idx.keyword.snippets(query, unshown) if unshown else {}
        cands = [dataclasses.replace(c, keyword_snippet=snippets[c.index_id]) if c.index_id in snippets else c
                 for c in cands]
        mems = self._memories.by_ids(mem_ids, (TEXT, META), on_corrupt=corrupt)
        # Vectors only for the keyword-only hits, whose relevance is computed here.
        keyword_only = [from_index(c.index_id) for c in cands if c.dense_similarity is None]
        vectors = {} if query_vector is None else self._chunks.by_ids(
            [eid for ent, eid in keyword_only if ent == CHUNK and eid in chunks],
            fields=("embedding",), on_corrupt=corrupt)
        mem_vectors = {} if query_vector is None else self._memories.by_ids(
            [eid for ent, eid in keyword_only if ent == MEMORY and eid in mems], (EMBEDDING,), on_corrupt=corrupt)
        docs = self._documents.by_ids(sorted({c.document_id for c in chunks.values()}), on_corrupt=corrupt)
        hits: list[Evidence] = []
        for c in cands:
            ent, eid = from_index(c.index_id)
            try:
                if ent == CHUNK and eid in chunks:
                    chunk = chunks[eid]
                    did = chunk.document_id
                    needed = [("chunks", eid, "text"), ("chunks", eid, "meta"), ("documents", did, "path"),
                              ("documents", did, "title"), ("documents", did, "exact")]
                    if c.dense_similarity is None:
                        needed.append(("chunks", eid, "embedding"))
                    damage = next((bad[k] for k in needed if k in bad), None)
                    if damage is not None:
                        raise damage
                    hit = self._chunk_hit(query, c, chunk, docs[did], neighbours)
                    text, meta = chunk.text or "", chunk.meta
                    emb = vectors[eid].embedding if eid in vectors else None
                elif ent == MEMORY and eid in mems:
                    needed = [("memories", eid, col) for col in ("text", "meta", "exact")]
                    if c.dense_similarity is None:
                        needed.append(("memories", eid, "embedding"))
                    damage = next((bad[k] for k in needed if k in bad), None)
                    if damage is not None:
                        raise damage
                    hit = self._memory_hit(query, c, mems[eid])
                    text, meta = mems[eid].text or "", mems[eid].meta
                    emb = mem_vectors[eid].embedding if eid in mem_vectors else None
                else:
                    continue
                rel = c.dense_similarity
                if rel is None and query_vector is not None and emb is not None:
                    rel = float(np.dot(np.frombuffer(emb, dtype=np.float32), query_vector))
                hits.append(Evidence(dataclasses.replace(hit, relevance=rel), text, meta))
            except Exception as exc:  # a damaged row is reported, the rest of the results stand
                log.error("a search hit could not be read: %s", exc, exc_info=True)
        return hits

    def _chunk_hit(self, query: str, c: Candidate, chunk: StoredChunk, doc: Document, neighbours: bool) -> SearchHit:
        text = chunk.text or ""
        lines = chunk.meta.get("lines") or [None, None]
        ctx = self._chunks.neighbour_texts(doc.id, chunk.ordinal) if neighbours else ()
        snippet = c.keyword_snippet if c.keyword_snippet and "\x02" in c.keyword_snippet else make_snippet(text, query)
        return SearchHit(
            id=chunk.id, kind="chunk", title=doc.title or doc.path.stem, snippet=snippet, score=c.score,
            path=str(doc.path), heading=" > ".join(chunk.heading), line_start=lines[0], line_end=lines[1],
            date=doc.mtime, context=ctx,
        )

    def _memory_hit(self, query: str, c: Candidate, m: Memory) -> SearchHit:
        if m.text is None:
            raise ValueError(f"memory {m.id} has no text")
        speaker = m.meta.get("speaker")
        title = f"{speaker}" if speaker else m.kind.capitalize()
        return SearchHit(
            id=m.id, kind=m.kind, title=title, snippet=make_snippet(m.text, query, 48),
            score=c.score, date=m.event_time or m.created_at, source_id=m.meta.get("source_id"),
            path=m.meta.get("path"),
        )

    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None) -> list[SearchHit]:
        """The ``k`` best chunks and memories for ``query`` (keyword and vector, fused) with their text
        opened; empty for a blank query."""
        if not query.strip():
            return []
        kinds = list(filters.kinds) if filters and filters.kinds else None
        qv = self._embedder.embed_query(query)
        return self.hydrate(query, self.retrieve(query, k, kinds=kinds, filters=filters, query_vector=qv),
                            query_vector=qv)


def _chroma_where(f: KeywordFilters) -> dict[str, Any] | None:
    conds: list[dict[str, Any]] = []
    if f.kinds is not None:
        conds.append({"kind": {"$in": list(f.kinds)}})
    if f.folders is not None:
        conds.append({"folder": {"$in": list(f.folders)}})
    if f.file_types is not None:
        conds.append({"ftype": {"$in": list(f.file_types)}})
    if f.date_from is not None:
        conds.append({"date": {"$gte": int(f.date_from)}})
    if f.date_to is not None:
        conds.append({"date": {"$lt": int(f.date_to)}})
    if not conds:
        return None
    return conds[0] if len(conds) == 1 else {"$and": conds}

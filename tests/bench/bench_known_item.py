"""Known-item search: does a 3-6 word query from one note's description find that note?

    python -m tests.bench.bench_known_item [--notes 7000] [--seed 2] [--queries 500] [--no-recoll]
                                            [--dump candidates.json]

Generates a corpus (tests/bench/knownitem_gen.py), indexes it through the app (keyword and
semantic phases both finished), then ranks every query six ways side by side: whole-note BM25,
chunk BM25, dense (MiniLM kNN over chunks), our fusion (what ``search`` returns), that fusion
without its proximity boost (the searcher's ``proximity_weights`` at 0) and Recoll
(``recollq``, any-term and all-terms modes) on the same folder. Prints one JSON object:
recall@1, recall@10 and MRR per method, overall and per query kind. Ranks count distinct notes.
``--dump`` writes each query's raw candidate lists (and each candidate note's proximity score
under a few windows) for tests/bench/calibrate_fusion.py.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a file by scripts/run-bench.sh

from secondme.app import SecondMe
from secondme.embed.minilm import MiniLMEmbedder
from secondme.index.vector_process import VectorHost
from secondme.paths import Paths
from secondme.search.ids import CHUNK, from_index
from secondme.settings import Settings
from secondme.vault import Vault
from tests.bench.knownitem_gen import KnownItem, generate
from tests.bench.recoll import Recoll, ensure_installed

PASS = "known-item benchmark passphrase"
DEPTH = 50  # candidates per list, as the searcher asks for
PROXIMITY_WINDOWS = (8, 12, 16)  # tokens, dumped for tests/bench/calibrate_fusion.py
FIELD_GRID = [(1.0, 1.0, 1.0), (2.0, 1.0, 1.0), (2.0, 2.0, 1.0), (4.0, 2.0, 1.0), (4.0, 1.0, 1.0),
              (8.0, 2.0, 1.0), (8.0, 4.0, 1.0), (1.0, 2.0, 1.0), (1.0, 0.5, 1.0)]


class CachedEmbedder:
    """MiniLM with a file of vectors already computed for identical texts (``--embed-cache``).

    MiniLM is deterministic, so a rerun on the same corpus (another ranking, same seed) need
    not spend most of its time embedding again. The ranks are the same; ``index_all_s`` is
    then not a measure of indexing.
    """

    def __init__(self, inner: MiniLMEmbedder, path: Path) -> None:
        self._inner = inner
        self._path = path
        self._cache: dict[str, np.ndarray] = {}
        if path.exists():
            with np.load(path, allow_pickle=False) as z:
                self._cache = dict(zip(z["texts"].tolist(), z["vectors"], strict=True))
        self.hits = 0

    def embed(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            self._cache.update(zip(missing, self._inner.embed(missing), strict=True))
        self.hits += len(texts) - len(missing)
        return np.stack([self._cache[t] for t in texts]).astype(np.float32)

    def save(self) -> None:
        texts = list(self._cache)
        np.savez(self._path, texts=np.array(texts, dtype=str), vectors=np.stack([self._cache[t] for t in texts]))

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._inner, attr)


def new_ctx(d: Path, embedder: Any) -> SecondMe:
    paths = Paths.at(d)
    ctx = SecondMe(paths, Settings(debounce_seconds=0.1), Vault(paths.vault_file, None), embedder,
                   vector_host=VectorHost())
    ctx.init(PASS)
    return ctx


def wait_all(ctx: SecondMe, timeout: float = 7200) -> None:
    """Both phases: every note stored and keyword-indexed, then every chunk embedded."""
    ctx.notes.wait_indexed(timeout)
    waiter: Callable[[float], bool] | None = getattr(ctx, "wait_semantic", None)
    if waiter is not None:
        waiter(timeout)
    ctx.session.sync.catch_up()


def metrics(ranks: list[int | None]) -> dict[str, float]:
    n = max(len(ranks), 1)
    return {"recall@1": round(sum(r == 1 for r in ranks) / n, 3),
            "recall@10": round(sum(r is not None and r <= 10 for r in ranks) / n, 3),
            "mrr": round(sum(1 / r for r in ranks if r is not None) / n, 3)}


def rank_of(target: str, ranked: list[str]) -> int | None:
    seen: list[str] = []
    for p in ranked:
        if p not in seen:
            seen.append(p)
        if len(seen) > 10:
            break
    return seen.index(target) + 1 if target in seen[:10] else None


class Lookup:
    """Store ids to corpus-relative paths (read once, after indexing)."""

    def __init__(self, ctx: SecondMe, root: Path) -> None:
        store = ctx.store
        self.doc_path: dict[int, str] = {}
        for r in store.select("documents", "state = 'ok'", columns=("path",)):
            self.doc_path[int(r["id"])] = os.path.relpath(os.fsdecode(r["path"]), root)
        self.chunk_doc = {int(r[0]): int(r[1]) for r in store.query("SELECT id, document_id FROM chunks")}

    def chunk_paths(self, index_ids: list[int]) -> list[str]:
        out = []
        for i in index_ids:
            ent, eid = from_index(i)
            if ent == CHUNK and eid in self.chunk_doc:
                out.append(self.doc_path.get(self.chunk_doc[eid], "?"))
        return out


def run(notes: int, seed: int, queries: int, use_recoll: bool, dump: Path | None,
        field_grid: bool = False, embed_cache: Path | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"notes": notes, "seed": seed, "machine_cores": psutil.cpu_count()}
    embedder: Any = MiniLMEmbedder()
    if embed_cache is not None:
        embedder = CachedEmbedder(embedder, embed_cache)
    with tempfile.TemporaryDirectory(prefix="secondme-known-item-") as tmp:
        t = Path(tmp)
        root = t / "notes"
        items: list[KnownItem] = generate(root, notes, seed, queries)
        out["queries"] = len(items)
        ctx = new_ctx(t / "data", embedder)
        try:
            t0 = time.perf_counter()
            ctx.notes.add_folder(str(root))
            wait_all(ctx)
            out["index_all_s"] = round(time.perf_counter() - t0, 1)
            if isinstance(embedder, CachedEmbedder):
                out["embed_cache_hits"] = embedder.hits
                embedder.save()
            look = Lookup(ctx, root)
            idx = ctx.session.indexes
            ranks: dict[str, list[int | None]] = {m: [] for m in ("bm25_doc", "bm25_chunk", "dense", "fusion",
                                                                    "fusion_no_proximity")}
            dumped: list[dict[str, Any]] = []
            lat: list[float] = []
            for it in items:
                docs = idx.keyword.search_docs(it.query, DEPTH)
                chunks = idx.keyword.search(it.query, DEPTH)
                qv = embedder.embed_query(it.query)
                dense = idx.vector.query(qv, DEPTH)
                ranks["bm25_doc"].append(rank_of(it.target, [look.doc_path.get(h.id, "?") for h in docs]))
                ranks["bm25_chunk"].append(rank_of(it.target, look.chunk_paths([h.id for h in chunks])))
                ranks["dense"].append(rank_of(it.target, look.chunk_paths([i for i, _ in dense])))
                t1 = time.perf_counter()
                hits = ctx.notes.search(it.query, k=10)
                lat.append(time.perf_counter() - t1)
                ranks["fusion"].append(rank_of(it.target, [os.path.relpath(h.path, root) for h in hits if h.path]))
                # The same fusion without the proximity boost, side by side.
                searcher = ctx.session.searcher
                saved_weights, searcher.proximity_weights = searcher.proximity_weights, (0.0, 0.0)
                plain = ctx.notes.search(it.query, k=10)
                searcher.proximity_weights = saved_weights
                ranks["fusion_no_proximity"].append(
                    rank_of(it.target, [os.path.relpath(h.path, root) for h in plain if h.path]))
                if dump is not None:
                    ids = [h.id for h in chunks] + [i for i, _ in dense]
                    cand_docs = sorted({h.id for h in docs} | {look.chunk_doc[from_index(i)[1]] for i in ids
                                                               if from_index(i)[1] in look.chunk_doc})
                    dumped.append({
                        "query": it.query, "kind": it.kind,
                        "target": next((d for d, p in look.doc_path.items() if p == it.target), None),
                        "keyword": {str(h.id): h.score for h in chunks},
                        "dense": {str(i): 1.0 - d for i, d in dense},
                        "docs": {str(h.id): h.score for h in docs},
                        "chunk_doc": {str(from_index(i)[1]): look.chunk_doc.get(from_index(i)[1]) for i in ids},
                        "doc_first_chunk": {str(h.id): min((c for c, d in look.chunk_doc.items() if d == h.id),
                                                           default=None) for h in docs},
                        # Each candidate note's proximity score, for the windows calibrated.
                        "proximity": {str(w): {str(d): list(v) for d, v in
                                               idx.keyword.doc_proximity(it.query, cand_docs, w).items()}
                                      for w in PROXIMITY_WINDOWS},
                    })
            if field_grid:
                # Whole-note BM25 under other field weights (title, headings, body), same index.
                saved = idx.keyword.field_weights
                grid: dict[str, dict[str, float]] = {}
                for fw in FIELD_GRID:
                    idx.keyword.field_weights = fw
                    grid[",".join(map(str, fw))] = metrics([
                        rank_of(it.target, [look.doc_path.get(h.id, "?") for h in idx.keyword.search_docs(it.query, 10)])
                        for it in items])
                idx.keyword.field_weights = saved
                out["bm25_doc_field_weights"] = grid
            lat.sort()
            out["fusion_search_ms"] = {"p50": round(lat[len(lat) // 2] * 1000, 1),
                                       "p95": round(lat[int(len(lat) * 0.95)] * 1000, 1)}
        finally:
            ctx.close()
        if use_recoll:
            why = ensure_installed()
            if why is None:
                rc = Recoll(root, t / "recoll")
                out["recoll_index_s"] = round(rc.index(), 2)
                for mode, name in (("-o", "recoll_any"), ("-a", "recoll_all")):
                    ranks[name] = [rank_of(it.target, [os.path.relpath(p, root) for p in rc.query(it.query, 10, mode)])
                                   for it in items]
            else:
                out["recoll"] = why
        out["methods"] = {m: metrics(r) for m, r in ranks.items()}
        kinds = sorted({it.kind for it in items})
        out["by_kind"] = {k: {m: metrics([r for r, it in zip(rs, items, strict=True) if it.kind == k])["recall@1"]
                              for m, rs in ranks.items()} | {"n": sum(it.kind == k for it in items)}
                          for k in kinds}
        best_part = max(out["methods"][m]["recall@1"] for m in ("bm25_doc", "bm25_chunk", "dense"))
        out["fusion_minus_best_part_recall@1"] = round(out["methods"]["fusion"]["recall@1"] - best_part, 3)
        if dump is not None:
            dump.write_text(json.dumps(dumped))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--notes", type=int, default=7000)
    ap.add_argument("--seed", type=int, default=2, help="corpus seed (fusion weights calibrated on seed 1, proximity on 5)")
    ap.add_argument("--queries", type=int, default=500)
    ap.add_argument("--no-recoll", action="store_true")
    ap.add_argument("--dump", type=Path)
    ap.add_argument("--embed-cache", type=Path, help="an .npz of vectors reused for identical texts (and saved)")
    ap.add_argument("--field-grid", action="store_true", help="whole-note BM25 under other field weights")
    ap.add_argument("--quick", action="store_true", help="1,000 notes (scripts/run-bench.sh --quick)")
    args = ap.parse_args()
    if args.quick:
        args.notes, args.queries = 1000, 200
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    print(json.dumps(run(args.notes, args.seed, args.queries, not args.no_recoll, args.dump, args.field_grid,
                         args.embed_cache),
                     indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

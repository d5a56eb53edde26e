"""Calibrate the note fusion (secondme.search.hybrid: NOTE_WEIGHTS and the proximity boost) on
dumped candidates.

    python -m tests.bench.bench_known_item --seed 5 --no-recoll --dump /tmp/cal5.json
    python -m tests.bench.calibrate_fusion /tmp/cal5.json [--step 0.1]

Replays each query's three candidate lists (whole-note BM25, chunk BM25, dense) through the
real ``fuse_notes`` for every weight triple on a grid (summing to 1), then boosts the head of
each fused list by the dumped proximity scores through the real ``proximity_boosts`` and
``boost_by_proximity`` for every (window, depth, proximity weights) on a grid, and prints, as JSON, the best settings by recall@1
(then MRR) next to each part alone and the fusion without the boost. Calibrate on one seed and
report with bench_known_item on others: the weights must not be fitted to the figures reported.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from secondme.index.proximity import Proximity
from secondme.search.hybrid import boost_by_proximity, fuse_notes, head_docs, proximity_boosts
from secondme.search.ids import from_index

TOGETHER = (0.0, 0.5, 1.0, 2.0, 3.0, 5.0)  # PROXIMITY_WEIGHTS candidates
IN_ORDER = (0.0, 0.5, 1.0, 2.0, 3.0)
DEPTHS = (10, 20, 30)


def _inputs(q: dict[str, Any]) -> tuple[dict[int, float], dict[int, float], dict[int, float], dict[int, int]]:
    kw = {int(k): float(v) for k, v in q["keyword"].items()}
    dense = {int(k): float(v) for k, v in q["dense"].items()}
    docs = {int(k): float(v) for k, v in q["docs"].items()}
    chunk_doc = {int(k): int(v) for k, v in q["chunk_doc"].items() if v is not None}
    covered = set(chunk_doc.values())
    for d, c in q["doc_first_chunk"].items():  # as HybridSearcher._chunk_docs adds them
        if c is not None and int(d) not in covered:
            chunk_doc[int(c)] = int(d)
    return kw, dense, docs, chunk_doc


def _docs_of(fused: list[tuple[int, float]], chunk_doc: dict[int, int]) -> list[int]:
    out: list[int] = []
    for i, _ in fused:
        doc = chunk_doc.get(from_index(i)[1])
        if doc is not None and doc not in out:
            out.append(doc)
        if len(out) >= 10:
            break
    return out


def _metrics(ranked: list[tuple[int | None, list[int]]]) -> dict[str, float]:
    r1 = r10 = mrr = 0.0
    for target, docs in ranked:
        if target in docs:
            rank = docs.index(target) + 1
            r1 += rank == 1
            r10 += 1
            mrr += 1 / rank
    n = max(len(ranked), 1)
    return {"recall@1": round(r1 / n, 4), "recall@10": round(r10 / n, 4), "mrr": round(mrr / n, 4)}


def evaluate(queries: list[dict[str, Any]], weights: tuple[float, float, float],
             boosts: list[tuple[str, int, tuple[float, float]]]) -> dict[tuple[str, int, tuple[float, float]],
                                                                    dict[str, float]]:
    """Metrics for ``weights`` under each (window, depth, proximity weights) in ``boosts``."""
    ranked: dict[tuple[str, int, tuple[float, float]], list[tuple[int | None, list[int]]]] = {b: [] for b in boosts}
    for q in queries:
        kw, dense, docs, chunk_doc = _inputs(q)
        fused = fuse_notes(kw, dense, docs, chunk_doc, weights)
        for window, depth, pw in boosts:
            near = q.get("proximity", {}).get(window, {})
            head = set(head_docs(fused, chunk_doc, depth))
            prox = {int(d): Proximity(*v) for d, v in near.items() if int(d) in head}
            out = (boost_by_proximity(fused[:depth], chunk_doc, proximity_boosts(prox, pw)) + fused[depth:]
                   if any(pw) else fused)
            ranked[(window, depth, pw)].append((q["target"], _docs_of(out, chunk_doc)))
    return {b: _metrics(r) for b, r in ranked.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("dump", type=Path)
    ap.add_argument("--step", type=float, default=0.1)
    args = ap.parse_args()
    queries = json.loads(args.dump.read_text())
    windows = sorted(queries[0].get("proximity", {"-": {}}), key=lambda w: (len(w), w)) if queries else ["-"]
    boosts = [(w, d, (a, b)) for w in windows for d in DEPTHS for a in TOGETHER for b in IN_ORDER if a or b]
    boosts.append((windows[0], 0, (0.0, 0.0)))
    steps = round(1 / args.step)
    grid = [(a / steps, b / steps, (steps - a - b) / steps)
            for a in range(steps + 1) for b in range(steps + 1 - a)]
    results: list[tuple[dict[str, Any], dict[str, float]]] = []
    for weights in grid:
        for (window, depth, w), m in evaluate(queries, weights, boosts).items():
            results.append(({"weights": [round(x, 3) for x in weights], "window": window, "depth": depth,
                             "proximity_weights": list(w)}, m))
    results.sort(key=lambda r: (-r[1]["recall@1"], -r[1]["mrr"], -r[1]["recall@10"]))
    no_boost = [r for r in results if not any(r[0]["proximity_weights"])]
    none: list[tuple[str, int, tuple[float, float]]] = [(windows[0], 0, (0.0, 0.0))]
    parts = {name: evaluate(queries, w, none)[none[0]] for name, w in
             (("bm25_doc", (1.0, 0.0, 0.0)), ("bm25_chunk", (0.0, 1.0, 0.0)), ("dense", (0.0, 0.0, 1.0)))}
    print(json.dumps({"queries": len(queries), "parts": parts,
                      "best_without_proximity": [{**s, **m} for s, m in no_boost[:3]],
                      "best": [{**s, **m} for s, m in results[:15]]}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

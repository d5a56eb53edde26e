"""Calibrate the note fusion weights (secondme.search.hybrid.NOTE_WEIGHTS) on dumped candidates.

    python -m tests.bench.bench_known_item --seed 1 --no-recoll --dump /tmp/cal1.json
    python -m tests.bench.calibrate_fusion /tmp/cal1.json [--step 0.05]

Replays each query's three candidate lists (whole-note BM25, chunk BM25, dense) through the
real ``fuse_notes`` for every weight triple on a grid (summing to 1) and prints, as JSON, the
best triples by recall@1 (then MRR) next to each part alone. Calibrate on one seed and report
with bench_known_item on another: the weights must not be fitted to the figures reported.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from secondme.search.hybrid import fuse_notes
from secondme.search.ids import from_index


def _ranked_docs(q: dict[str, Any], weights: tuple[float, float, float]) -> list[int]:
    kw = {int(k): float(v) for k, v in q["keyword"].items()}
    dense = {int(k): float(v) for k, v in q["dense"].items()}
    docs = {int(k): float(v) for k, v in q["docs"].items()}
    chunk_doc = {int(k): int(v) for k, v in q["chunk_doc"].items() if v is not None}
    covered = set(chunk_doc.values())
    for d, c in q["doc_first_chunk"].items():  # as HybridSearcher._chunk_docs adds them
        if c is not None and int(d) not in covered:
            chunk_doc[int(c)] = int(d)
    out: list[int] = []
    for i, _ in fuse_notes(kw, dense, docs, chunk_doc, weights):
        doc = chunk_doc.get(from_index(i)[1])
        if doc is not None and doc not in out:
            out.append(doc)
    return out


def score(queries: list[dict[str, Any]], weights: tuple[float, float, float]) -> dict[str, float]:
    r1 = r10 = mrr = 0.0
    for q in queries:
        ranked = _ranked_docs(q, weights)[:10]
        if q["target"] in ranked:
            rank = ranked.index(q["target"]) + 1
            r1 += rank == 1
            r10 += 1
            mrr += 1 / rank
    n = max(len(queries), 1)
    return {"recall@1": round(r1 / n, 4), "recall@10": round(r10 / n, 4), "mrr": round(mrr / n, 4)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("dump", type=Path)
    ap.add_argument("--step", type=float, default=0.05)
    args = ap.parse_args()
    queries = json.loads(args.dump.read_text())
    steps = round(1 / args.step)
    grid = [(a / steps, b / steps, (steps - a - b) / steps)
            for a in range(steps + 1) for b in range(steps + 1 - a)]
    results = sorted(((score(queries, w), w) for w in grid),
                     key=lambda r: (-r[0]["recall@1"], -r[0]["mrr"], -r[0]["recall@10"]))
    parts = {name: score(queries, w) for name, w in
             (("bm25_doc", (1.0, 0.0, 0.0)), ("bm25_chunk", (0.0, 1.0, 0.0)), ("dense", (0.0, 0.0, 1.0)))}
    print(json.dumps({"queries": len(queries), "parts": parts,
                      "best": [{"weights": [round(x, 3) for x in w], **m} for m, w in results[:10]]}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

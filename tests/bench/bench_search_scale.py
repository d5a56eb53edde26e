"""Hybrid search at scale (default 100k chunks): latency, RSS, seal, unlock → first search.

    python tests/bench/bench_search_scale.py [--chunks 100000] [--real-vectors 2000]

Embedding 100k realistic chunks with MiniLM takes hours on 2 cores, so this benchmark embeds
``--real-vectors`` real chunk texts and gives every other chunk the vector of a random real
one plus small Gaussian noise (re-normalised). Texts are real generated note text; the store,
sealing, change-log replay, FTS5, Chroma and the query path are exactly the app's.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import psutil

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from secondme.app import SecondMe  # noqa: E402
from secondme.embed.minilm import MiniLMEmbedder  # noqa: E402
from secondme.index.vector_process import VectorHost  # noqa: E402
from secondme.ingest import chunk_document, extract  # noqa: E402
from secondme.paths import Paths  # noqa: E402
from secondme.settings import Settings  # noqa: E402
from secondme.vault import Vault  # noqa: E402
from tests.bench.notes_gen import generate_notes, sample_queries  # noqa: E402

PASS = "scale benchmark passphrase"


def pct(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return round(s[min(len(s) - 1, int(len(s) * p))], 2)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--chunks", type=int, default=100_000)
    ap.add_argument("--real-vectors", type=int, default=2000)
    args = ap.parse_args()
    rng = random.Random(5)
    nrng = np.random.default_rng(5)
    embedder = MiniLMEmbedder()
    out: dict[str, Any] = {"chunks": args.chunks, "real_vectors": args.real_vectors}
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        files = generate_notes(t / "notes", max(200, args.chunks // 25), seed=9)
        pool: list[tuple[str, str, tuple[str, ...]]] = []
        for p in files:
            doc = extract(p, 1 << 26)
            pool += [(doc.title, c.text, c.heading_path) for c in chunk_document(doc)]
        t0 = time.perf_counter()
        real_idx = rng.sample(range(len(pool)), min(args.real_vectors, len(pool)))
        real = embedder.embed([pool[i][1] for i in real_idx])
        out["embed_real_s"] = round(time.perf_counter() - t0, 1)
        paths = Paths.at(t / "data")
        # VectorHost: as build() does, the vector index's process is started ahead of unlock.
        ctx = SecondMe(paths, Settings(), Vault(paths.vault_file, None), embedder, vector_host=VectorHost())
        ctx.init(PASS)
        t0 = time.perf_counter()
        per_doc = 20
        with ctx.store.write() as w:
            fid = w.insert("folders", {"path_hash": "bench", "added_at": time.time()}, {"path": os.fsencode(t / "notes")})
        for start in range(0, args.chunks, 5000):
            with ctx.store.write() as w:
                for d in range(start, min(start + 5000, args.chunks), per_doc):
                    title = pool[d % len(pool)][0]
                    did = w.insert("documents", {"folder_id": fid, "path_hash": f"doc{d}", "format": "markdown",
                                                 "state": "ok", "mtime": time.time() - rng.uniform(0, 3e7)},
                                   {"path": os.fsencode(t / "notes" / f"doc{d}.md"), "title": title})
                    for o in range(per_doc):
                        i = d + o
                        if i >= args.chunks:
                            break
                        _, text, heading = pool[i % len(pool)]
                        v = real[rng.randrange(len(real))] + nrng.normal(0, 0.03, 384).astype(np.float32)
                        v /= np.linalg.norm(v)
                        # The store logs the change itself (schema v7 triggers).
                        w.insert("chunks", {"document_id": did, "ordinal": o},
                                 {"text": text, "meta": {"heading": list(heading), "lines": [1, 2]},
                                  "embedding": v.astype(np.float32).tobytes()})
        out["store_write_s"] = round(time.perf_counter() - t0, 1)
        t0 = time.perf_counter()
        ctx.session.sync.catch_up()
        out["index_build_s"] = round(time.perf_counter() - t0, 1)
        out["index_count"] = ctx.session.indexes.vector.count()
        queries = sample_queries(0)
        lat = []
        for _ in range(3):
            for q in queries:
                q0 = time.perf_counter()
                ctx.notes.search(q, k=10)
                lat.append((time.perf_counter() - q0) * 1000)
        out["search_hybrid_ms"] = {"n": len(lat), "p50": pct(lat, 0.5), "p95": pct(lat, 0.95)}
        emb_lat = []
        for q in queries:
            q0 = time.perf_counter()
            embedder.embed_query(q)
            emb_lat.append((time.perf_counter() - q0) * 1000)
        out["query_embedding_ms"] = {"p50": pct(emb_lat, 0.5), "p95": pct(emb_lat, 0.95)}
        me = psutil.Process()
        out["rss_mb"] = round(sum(p.memory_info().rss for p in [me, *me.children(recursive=True)]) / 2**20, 1)
        t0 = time.perf_counter()
        ctx.lock()
        out["seal_s"] = round(time.perf_counter() - t0, 2)
        snap = paths.index_dir
        out["snapshot_mb"] = round(sum(f.stat().st_size for f in snap.iterdir()) / 2**20, 1)
        t0 = time.perf_counter()
        ctx.unlock(PASS)
        hits = ctx.notes.search(queries[3], k=10)
        out["unlock_to_first_search_s"] = round(time.perf_counter() - t0, 2)
        out["first_search_hits"] = len(hits)
        ctx.close()
    out["load_average"] = [round(x, 2) for x in psutil.getloadavg()]
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

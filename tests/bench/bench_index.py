"""Benchmark of the sealed indexes: prints one JSON object.

    .venv/bin/python tests/bench/bench_index.py [--quick] [--n 100000]

Measures the FTS5 rebuild and queries, Chroma inserts and queries, keyword reads while a write
runs, and the seal / unseal / reopen-to-first-query cycle with its snapshot size and RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from secondme.index.keyword import KeywordIndex, KeywordRow
from secondme.index.sealed import SNAPSHOT_NAME, SealedIndexes
from secondme.index.snapshot import unseal
from secondme.paths import Paths

DIM = 384
WORDS_PER_ROW = 60


def vocabulary(rng: np.random.Generator, size: int = 20_000) -> list[str]:
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    return ["".join(rng.choice(letters, rng.integers(3, 10))) for _ in range(size)]


def make_rows(n: int, vocab: list[str], rng: np.random.Generator) -> list[KeywordRow]:
    # Zipf-like word frequencies, as in prose.
    ranks = np.minimum(rng.zipf(1.2, size=n * WORDS_PER_ROW), len(vocab)) - 1
    words = np.array(vocab)[ranks].reshape(n, WORDS_PER_ROW)
    kinds = ("note", "memory", "chat")
    return [KeywordRow(i, " ".join(words[i]), kinds[i % 3], f"f{i % 20}", "md", 1_700_000_000 + i)
            for i in range(n)]


def pct(samples: list[float]) -> dict[str, float]:
    s = sorted(samples)
    return {
        "p50_ms": round(statistics.median(s) * 1000, 3),
        "p95_ms": round(s[min(len(s) - 1, int(len(s) * 0.95))] * 1000, 3),
    }


def unit_vectors(rng: np.random.Generator, n: int) -> np.ndarray:
    v = rng.standard_normal((n, DIM)).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    return v


def reads_during_write(folder: Path | None, rows: list[KeywordRow], vocab: list[str]) -> dict[str, float]:
    ix = KeywordIndex(folder / "concurrency.sqlite3" if folder else None, batch_rows=2000)
    ix.add_many(rows[:1000])
    lat: list[float] = []
    done = threading.Event()

    def writer() -> None:
        ix.add_many(KeywordRow(r.id + 10_000_000, r.text) for r in rows[:20_000])
        done.set()

    t = threading.Thread(target=writer)
    t.start()
    i = 0
    while not done.is_set():
        t0 = time.perf_counter()
        ix.search(f"{vocab[100 + i % 500]} {vocab[100 + (i * 7) % 2000]}", k=10)
        lat.append(time.perf_counter() - t0)
        i += 1
    t.join()
    ix.close()
    return {**pct(lat), "max_ms": round(max(lat) * 1000, 3), "reads": len(lat)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="5,000 rows instead of 100,000")
    ap.add_argument("--n", type=int, default=None)
    ap.add_argument("--queries", type=int, default=200)
    args = ap.parse_args()
    n = args.n or (5_000 if args.quick else 100_000)
    rng = np.random.default_rng(42)
    vocab = vocabulary(rng)
    rows = make_rows(n, vocab, rng)
    vecs = unit_vectors(rng, n)
    # The top Zipf ranks play the part of stop words (the sanitizer drops real ones), so
    # queries draw content words from ranks 100-20000.
    queries = [f"{vocab[int(rng.integers(100, 2000))]} {vocab[int(rng.integers(100, 20000))]} "
               f"{vocab[int(rng.integers(100, 20000))]}" for _ in range(args.queries)]
    qvecs = unit_vectors(rng, args.queries)
    out: dict[str, object] = {"n": n, "dim": DIM, "words_per_row": WORDS_PER_ROW}

    data_dir = Path(tempfile.mkdtemp(prefix="secondme-bench-data-"))
    try:
        paths = Paths(data_dir)
        paths.ensure()
        key = os.urandom(32)
        s = SealedIndexes(paths, key)
        s.open()
        out["in_memory"] = s.in_memory

        t0 = time.perf_counter()
        s.keyword.rebuild(rows)
        out["fts_rebuild_s"] = round(time.perf_counter() - t0, 3)
        lat = []
        for q in queries:
            t1 = time.perf_counter()
            s.keyword.search(q, k=10)
            lat.append(time.perf_counter() - t1)
        out["fts_query"] = pct(lat)

        t0 = time.perf_counter()
        metas = [{"kind": r.kind} for r in rows]
        s.vector.upsert(list(range(n)), vecs, metas)
        dt = time.perf_counter() - t0
        out["chroma_insert_s"] = round(dt, 3)
        out["chroma_insert_per_s"] = round(n / dt)
        lat = []
        for qv in qvecs:
            t1 = time.perf_counter()
            s.vector.query(qv, k=10)
            lat.append(time.perf_counter() - t1)
        out["chroma_query"] = pct(lat)

        rt = s.runtime_dir
        out["runtime_bytes"] = sum(p.stat().st_size for p in rt.rglob("*") if p.is_file()) if rt else 0
        expect_top = s.vector.query(qvecs[0], k=10)
        t0 = time.perf_counter()
        s.seal(watermark=n)
        out["seal_s"] = round(time.perf_counter() - t0, 3)
        s.close(seal=False)
        snap = paths.index_dir / SNAPSHOT_NAME
        out["snapshot_bytes"] = snap.stat().st_size

        scratch = Path(tempfile.mkdtemp(prefix="secondme-bench-", dir="/dev/shm"))
        try:
            t0 = time.perf_counter()
            unseal(snap, scratch / "x", key, b"secondme/index-snapshot/v1")
            out["unseal_s"] = round(time.perf_counter() - t0, 3)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

        t0 = time.perf_counter()
        s2 = SealedIndexes(paths, key)
        wm = s2.open()
        t_open = time.perf_counter() - t0
        got = s2.vector.query(qvecs[0], k=10)
        s2.keyword.search(queries[0], k=10)
        out["reopen_open_s"] = round(t_open, 3)
        out["reopen_to_first_query_s"] = round(time.perf_counter() - t0, 3)
        out["reopen_watermark_ok"] = wm == n
        out["reopen_results_identical"] = got == expect_top
        out["reopen_count"] = s2.vector.count()
        s2.close(seal=False)

        ram = Path(tempfile.mkdtemp(prefix="secondme-bench-", dir="/dev/shm"))
        try:
            out["keyword_reads_during_write_file_wal"] = reads_during_write(ram, rows, vocab)
        finally:
            shutil.rmtree(ram, ignore_errors=True)
        out["keyword_reads_during_write_memory"] = reads_during_write(None, rows, vocab)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    out["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()

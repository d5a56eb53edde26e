"""Notes search benchmarks: ingest throughput, search latency, unlock, save→searchable, RSS.

    python tests/bench/bench_notes.py [--quick] [--notes N] [--folder REAL_FOLDER] [--big-chunks 100000]

Prints one JSON object. Ratios are measured side by side in the same run (the machines are
shared and noisy): our end-to-end ingest vs the bare embedder on the very same chunks.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from secondme.app import SecondMe  # noqa: E402
from secondme.embed.minilm import MiniLMEmbedder  # noqa: E402
from secondme.index.vector_process import VectorHost  # noqa: E402
from secondme.ingest import IgnorePolicy, chunk_document, extract  # noqa: E402
from secondme.paths import Paths  # noqa: E402
from secondme.settings import Settings  # noqa: E402
from secondme.vault import Vault  # noqa: E402
from tests.bench.notes_gen import generate_notes, sample_queries  # noqa: E402

PASS = "benchmark passphrase"


def pct(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return round(s[min(len(s) - 1, int(len(s) * p))], 2)


def rss_mb(proc: psutil.Process) -> float:
    """This process plus its children (the vector index lives in one)."""
    return round(sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)]) / 2**20, 1)


def new_ctx(d: Path, embedder: Any, debounce: float = 0.3) -> SecondMe:
    paths = Paths.at(d)
    # VectorHost: as build() does, the vector index's process is started ahead of unlock.
    ctx = SecondMe(paths, Settings(debounce_seconds=debounce), Vault(paths.vault_file, None), embedder,
                   vector_host=VectorHost())
    if ctx.initialized:
        ctx.unlock(PASS)
    else:
        ctx.init(PASS)
    return ctx


def ingest(ctx: SecondMe, folder: Path) -> dict[str, Any]:
    t0 = time.perf_counter()
    ctx.notes.add_folder(str(folder))
    ctx.notes.wait_indexed()
    dt = time.perf_counter() - t0
    chunks = int(ctx.store.scalar("SELECT COUNT(*) FROM chunks"))
    docs = int(ctx.store.scalar("SELECT COUNT(*) FROM documents"))
    return {"notes": docs, "chunks": chunks, "seconds": round(dt, 2), "chunks_per_s": round(chunks / dt, 1),
            "notes_per_s": round(docs / dt, 1)}


def bare_embed(embedder: Any, folder: Path, sample: int = 0) -> dict[str, Any]:
    """The bare embedder over the same chunks (or a seeded random ``sample`` of them)."""
    texts = []
    for p in IgnorePolicy().walk(folder):
        try:
            texts += [c.embed_text for c in chunk_document(extract(p, 20 * 1024 * 1024))]
        except Exception:
            pass
    if 0 < sample < len(texts):
        texts = random.Random(7).sample(texts, sample)
    t0 = time.perf_counter()
    for i in range(0, len(texts), 256):
        embedder.embed(texts[i:i + 256])
    dt = time.perf_counter() - t0
    return {"chunks": len(texts), "seconds": round(dt, 2), "chunks_per_s": round(len(texts) / dt, 1)}


def search_latency(ctx: SecondMe, queries: list[str], reps: int = 3) -> dict[str, Any]:
    lat = []
    for _ in range(reps):
        for q in queries:
            t0 = time.perf_counter()
            ctx.notes.search(q, k=10)
            lat.append((time.perf_counter() - t0) * 1000)
    return {"queries": len(lat), "p50_ms": pct(lat, 0.5), "p95_ms": pct(lat, 0.95)}


def rg_latency(folder: Path, queries: list[str]) -> dict[str, Any] | None:
    rg = shutil.which("rg")
    if rg is None:
        return None
    lat = []
    for q in queries:
        word = max(q.split(), key=len)
        t0 = time.perf_counter()
        subprocess.run([rg, "-i", "-l", word, str(folder)], capture_output=True)
        lat.append((time.perf_counter() - t0) * 1000)
    return {"queries": len(lat), "p50_ms": pct(lat, 0.5), "p95_ms": pct(lat, 0.95)}


def unlock_to_first_search(ctx: SecondMe, query: str) -> dict[str, Any]:
    t0 = time.perf_counter()
    ctx.lock()  # seals the snapshot
    seal = time.perf_counter() - t0
    t1 = time.perf_counter()
    ctx.unlock(PASS)
    hits = ctx.notes.search(query, k=10)
    dt = time.perf_counter() - t1
    return {"seal_s": round(seal, 2), "unlock_to_first_search_s": round(dt, 3), "hits": len(hits)}


def save_to_searchable(ctx: SecondMe, folder: Path, n: int = 20) -> dict[str, Any]:
    ctx.notes.start_watching()
    ctx.notes.wait_indexed()
    lat = []
    for i in range(n):
        token = f"zqxbench{i}token"
        t0 = time.perf_counter()
        (folder / f"saved-{i}.md").write_text(f"# Saved {i}\nA fresh note mentioning {token}.\n")
        while not any(h.path and h.path.endswith(f"saved-{i}.md") for h in ctx.notes.search(token, k=3)):
            if time.perf_counter() - t0 > 30:
                break
            time.sleep(0.02)
        lat.append(time.perf_counter() - t0)
    ctx.notes.stop_watching()
    return {"saves": n, "p50_s": pct(lat, 0.5), "p95_s": pct(lat, 0.95), "debounce_s": ctx.settings.debounce_seconds}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="1k notes, no 100k run")
    ap.add_argument("--notes", type=int, default=10_000)
    ap.add_argument("--folder", type=Path, help="benchmark a real notes folder instead")
    ap.add_argument("--big-chunks", type=int, default=100_000, help="0 to skip the large run")
    ap.add_argument("--bare-sample", type=int, default=0,
                    help="time the bare embedder on this many random chunks before and after ingest")
    args = ap.parse_args()
    if args.quick:
        args.notes, args.big_chunks = 1000, 0
    proc = psutil.Process()
    embedder = MiniLMEmbedder()
    out: dict[str, Any] = {"machine": {"cores": psutil.cpu_count(), "logical": psutil.cpu_count(logical=True)}}
    queries = sample_queries(0)
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        folder = args.folder or t / "notes"
        if args.folder is None:
            generate_notes(folder, args.notes, seed=1)
        ctx = new_ctx(t / "data", embedder)
        if args.bare_sample:
            # A long ingest on a shared machine: the bare rate is sampled just before and just
            # after it, and the ratio taken against their mean.
            before = bare_embed(embedder, folder, args.bare_sample)
            ours = ingest(ctx, folder)
            after = bare_embed(embedder, folder, args.bare_sample)
            rate = (before["chunks_per_s"] + after["chunks_per_s"]) / 2
            bare: dict[str, Any] = {"before": before, "after": after, "chunks_per_s": round(rate, 1)}
        else:
            ours = ingest(ctx, folder)
            bare = bare_embed(embedder, folder)
        out["ingest"] = {"ours": ours, "bare_embedder": bare,
                         "ratio": round(ours["chunks_per_s"] / bare["chunks_per_s"], 3)}
        out["load_average_after_ingest"] = [round(x, 2) for x in psutil.getloadavg()]
        out[f"search_{ours['chunks']}_chunks"] = search_latency(ctx, queries)
        out["rg_same_queries"] = rg_latency(folder, queries)
        out["unlock_small"] = unlock_to_first_search(ctx, queries[0])
        out["save_to_searchable"] = save_to_searchable(ctx, folder)
        out["rss_mb_small"] = rss_mb(proc)
        ctx.close()
        if args.big_chunks:
            per_note = max(ours["chunks"] / max(ours["notes"], 1), 0.5)
            big = t / "big"
            generate_notes(big, int(args.big_chunks / per_note * 1.05), seed=2)
            ctx = new_ctx(t / "bigdata", embedder)
            out["ingest_big"] = ingest(ctx, big)
            n = out["ingest_big"]["chunks"]
            out[f"search_{n}_chunks"] = search_latency(ctx, queries)
            out["rss_mb_big"] = rss_mb(proc)
            out["unlock_big"] = unlock_to_first_search(ctx, queries[1])
            ctx.close()
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

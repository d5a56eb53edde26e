"""Time until a fresh notes folder is searchable by keyword, ours vs Recoll's ``recollindex``.

    python -m tests.bench.bench_searchable [--notes 7000 10000] [--semantic] [--no-recoll]

For each size: a generated folder (tests/bench/knownitem_gen.py), a fresh data directory, then
the clock runs from ``add_folder`` until (a) every probe query (a few words of a note's
description, notes picked across the folder) finds its note in the top 10 of ``search`` and
(b) phase 1 is over (every note stored and in the keyword index). Recoll on the same folder:
``recollindex -z`` from nothing, then ``recollq`` for the same probes. With ``--semantic`` it
also waits for phase 2 (every chunk embedded) and reports that time. Prints one JSON object;
``ratio_keyword_vs_recoll`` is the figure to keep at or under 3.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a file by scripts/run-bench.sh

from secondme.app import SecondMe
from secondme.embed.minilm import MiniLMEmbedder
from secondme.index.vector_process import VectorHost
from secondme.paths import Paths
from secondme.settings import Settings
from secondme.vault import Vault
from tests.bench.knownitem_gen import generate
from tests.bench.recoll import Recoll, ensure_installed

PASS = "searchable benchmark passphrase"
PROBES = 8


def ours(root: Path, data: Path, probes: list[tuple[str, str]], embedder: Any, semantic: bool) -> dict[str, Any]:
    paths = Paths.at(data)
    ctx = SecondMe(paths, Settings(debounce_seconds=0.1), Vault(paths.vault_file, None), embedder,
                   vector_host=VectorHost())
    ctx.init(PASS)
    ctx.warm_up()  # the vector index's process, started ahead as the app does at launch
    embedder.embed_query("warm up")  # the model loads once per app start, not per folder
    found: dict[str, float] = {}
    done = threading.Event()
    t0 = time.perf_counter()

    def poll() -> None:
        # Until every probe is found, or one whole pass made after phase 1 ended (a probe that
        # misses then is a ranking miss, not a wait).
        while len(found) < len(probes):
            last = done.is_set()
            for q, target in probes:
                if target in found:
                    continue
                if any(h.path == target for h in ctx.notes.search(q, k=10)):
                    found[target] = time.perf_counter() - t0
            if last:
                return
            time.sleep(0.2)

    try:
        ctx.notes.add_folder(str(root))
        poller = threading.Thread(target=poll)
        poller.start()
        ctx.notes.wait_keyword_indexed()
        phase1 = time.perf_counter() - t0
        done.set()
        poller.join(120)
        out: dict[str, Any] = {
            "keyword_phase_s": round(phase1, 2),
            "probes_found": len(found),
            "probe_found_s_max": round(max(found.values()), 2) if found else None,
            "probe_found_s_min": round(min(found.values()), 2) if found else None,
            "searchable_s": round(max(phase1, *found.values()) if found else phase1, 2),
        }
        p = ctx.notes.progress()
        out["at_keyword_done"] = {"notes": p.semantic_total, "embedded_notes": p.semantic_done}
        if semantic:
            ctx.notes.wait_indexed()
            out["semantic_complete_s"] = round(time.perf_counter() - t0, 1)
        return out
    finally:
        done.set()
        ctx.close()


def recoll(root: Path, conf: Path, probes: list[tuple[str, str]]) -> dict[str, Any]:
    rc = Recoll(root, conf)
    t0 = time.perf_counter()
    index_s = rc.index()
    found = 0
    q_times = []
    for q, target in probes:
        t1 = time.perf_counter()
        found += target in rc.query(q, 10)
        q_times.append(time.perf_counter() - t1)
    return {"index_s": round(index_s, 2), "probes_found": found,
            "query_ms_mean": round(1000 * sum(q_times) / len(q_times), 1),
            "searchable_s": round(time.perf_counter() - t0, 2)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--notes", type=int, nargs="+", default=[7000, 10000])
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--semantic", action="store_true", help="also wait for every embedding")
    ap.add_argument("--no-recoll", action="store_true")
    ap.add_argument("--quick", action="store_true", help="1,000 notes (scripts/run-bench.sh --quick)")
    args = ap.parse_args()
    if args.quick:
        args.notes = [1000]
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    out: dict[str, Any] = {"machine_cores": psutil.cpu_count()}
    why = None if args.no_recoll else ensure_installed()
    if why:
        out["recoll"] = why
    embedder = MiniLMEmbedder()
    for n in args.notes:
        with tempfile.TemporaryDirectory(prefix="secondme-searchable-") as tmp:
            t = Path(tmp)
            root = t / "notes"
            items = generate(root, n, args.seed, queries=PROBES)
            probes = [(it.query, str(root / it.target)) for it in items]
            row: dict[str, Any] = {"ours": ours(root, t / "data", probes, embedder, args.semantic)}
            if not args.no_recoll and why is None:
                row["recoll"] = recoll(root, t / "recoll", probes)
                row["ratio_keyword_vs_recoll"] = round(row["ours"]["searchable_s"] / row["recoll"]["searchable_s"], 2)
            row["load_average"] = [round(x, 2) for x in psutil.getloadavg()]
            out[f"notes_{n}"] = row
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Child process of test_hostile_suite: index a hostile folder through the real app core.

Usage: python -m tests.reliability.hostile_child DATA_DIR ROOT MANIFEST.json MUTATE_SECONDS TIMEOUT [PAUSE]

While the indexer and the watcher work, a thread rewrites, truncates, deletes, recreates and
renames the manifest's volatile files. Prints one JSON object: timings, what the store holds for
every file (by hex path), and the search results for each good note's unique word.
"""

from __future__ import annotations

import faulthandler
import json
import os
import random
import resource
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

from secondme.app import build
from tests.reliability.common import PASS, log_to


def mutate(paths: list[bytes], seconds: float, pause: float, stop: threading.Event, stats: dict[str, int]) -> None:
    rnd = random.Random(99)
    end = time.monotonic() + seconds
    while time.monotonic() < end and not stop.is_set():
        p = rnd.choice(paths)
        op = rnd.choice(("rewrite", "truncate", "append", "delete", "recreate", "rename", "grow"))
        try:
            if op == "rewrite":
                with open(p, "wb") as fh:
                    fh.write(b"# Rewritten\n" + os.urandom(8).hex().encode() * rnd.randrange(1, 40))
            elif op == "truncate":
                os.truncate(p, rnd.randrange(0, 50))
            elif op == "append":
                with open(p, "ab") as fh:
                    fh.write(b"\nappended line " * rnd.randrange(1, 100))
            elif op == "delete":
                os.unlink(p)
            elif op == "recreate":
                with open(p, "wb") as fh:
                    fh.write(b"# Back again\nrecreated note\n")
            elif op == "rename":
                tmp = p + b".tmp-rename.md"
                os.rename(p, tmp)
                os.rename(tmp, p)
            elif op == "grow":
                # Write slowly so a read may land in the middle of the write.
                with open(p, "wb") as fh:
                    for _ in range(20):
                        fh.write(b"growing line with some words in it\n" * 5)
                        fh.flush()
            stats[op] = stats.get(op, 0) + 1
        except FileNotFoundError:
            stats["missing"] = stats.get("missing", 0) + 1
        time.sleep(rnd.uniform(0.0, pause))


def peak_rss_kb() -> int:
    """This process's own peak RSS since it started (VmHWM). Not ru_maxrss: a child's starts at
    its parent's RSS (the pages the fork copied), so a 1.9 GB test process would show through."""
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))


def main() -> int:
    data_dir, root, manifest_file = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    mutate_s, timeout = float(sys.argv[4]), float(sys.argv[5])
    pause = float(sys.argv[6]) if len(sys.argv) > 6 else 0.05  # longest pause between two changes
    # `kill -USR1 <pid>` dumps every thread's stack to stderr: how to see where a stall is.
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    manifest = json.loads(manifest_file.read_text())
    log_to(Path(data_dir) / "logs" / "hostile.log")
    out: dict[str, Any] = {}
    t0 = time.monotonic()
    ctx = build(data_dir, use_keyring=False)
    ctx.init(PASS)
    ctx.notes.start_watching()
    volatile = [bytes.fromhex(h) for h in manifest["volatile"]]
    stop = threading.Event()
    stats: dict[str, int] = {}
    mutator = threading.Thread(target=mutate, args=(volatile, mutate_s, pause, stop, stats), daemon=True)
    mutator.start()

    def progress_log() -> None:  # one line every 10 s on stderr: where the time goes
        while not stop.wait(10):
            p = ctx.notes.progress()
            print(f"progress t={time.monotonic() - t0:.0f}s done={p.done} failed={p.failed} "
                  f"skipped={p.skipped} queued={p.queued} rate={p.rate}", file=sys.stderr, flush=True)

    threading.Thread(target=progress_log, daemon=True).start()
    ctx.notes.add_folder(str(root))
    out["first_pass_done"] = ctx.notes.wait_indexed(timeout)
    out["first_pass_s"] = round(time.monotonic() - t0, 1)
    mutator.join()
    # Let the watcher's debounce deliver the last events, then drain the queue again.
    time.sleep(ctx.settings.debounce_seconds * 4 + 1.0)
    t1 = time.monotonic()
    out["drained"] = ctx.notes.wait_indexed(timeout)
    out["drain_s"] = round(time.monotonic() - t1, 1)
    out["index_total_s"] = round(time.monotonic() - t0, 1)
    out["mutations"] = stats
    progress = ctx.notes.progress()
    out["progress"] = {"done": progress.done, "failed": progress.failed, "skipped": progress.skipped,
                       "queued": progress.queued}
    docs: dict[str, Any] = {}
    for r in ctx.store.select("documents", columns=("path", "error")):
        docs[os.fsencode(r["path"]).hex()] = {"state": r["state"], "error": r.get("error")}
    out["documents"] = docs
    out["failed"] = {os.fsencode(f.path).hex(): f.reason for f in ctx.notes.failed_files()}
    searches: dict[str, list[str]] = {}
    ts = time.monotonic()
    for hexpath, word in manifest["good"].items():
        searches[hexpath] = [os.fsencode(h.path or "").hex() for h in ctx.notes.search(word, k=3)]
    out["search_s"] = round(time.monotonic() - ts, 2)
    out["searches"] = searches
    out["chunks"] = ctx.store.scalar("SELECT COUNT(*) FROM chunks")
    stop.set()
    ctx.close()
    out["total_s"] = round(time.monotonic() - t0, 1)
    out["maxrss_self_mb"] = round(peak_rss_kb() / 1024, 1)
    out["maxrss_children_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What driving Chroma through its public client costs the vector index process: prints JSON.

    .venv/bin/python tests/bench/bench_chroma_client.py [--rounds 3] [--n 5000] [--dim 384]
        [--baseline REV] [--suite tests/core/test_index_vector.py ...] [--suite-rounds 1]
        [--pytest-args '-k index']

Two variants side by side, in alternating order each round:

- ``client``: this working tree (Chroma's ``PersistentClient``);
- ``bindings``: a copy of this working tree in which the vector index's three modules
  (``secondme/index/{chroma_engine,vector,vector_process}.py``) and their test
  (``tests/core/test_index_vector.py``) come from ``--baseline``, the last commit that drove
  ``chromadb_rust_bindings`` directly. Everything else is the same code.

Each round of a variant runs in a fresh interpreter (``--driver``) that starts a vector index
process as the app does (``VectorHost``) and measures: start-to-ready (wall) and the child's
CPU seconds and RSS at ready; opening a collection; a bulk load of ``n`` vectors (one request,
Chroma's add); updates and deletes of 512 ids (n/4 if fewer) (in the app's slices); ``queries`` k=10 queries
with and without a metadata filter (each: items per second, and the child's CPU ms per 1,000
items, steadier on a busy machine); a pause/resume (what every seal does); and the child's CPU
and peak RSS at the end. ``--suite`` also times the given test files in both trees (wall and
CPU of pytest and everything it started), ``--suite-rounds`` times each.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
# The last commit whose vector index drove chromadb_rust_bindings without Chroma's client.
BINDINGS_REV = "35b8c6c"
OVERLAY = (
    "secondme/index/chroma_engine.py",
    "secondme/index/vector.py",
    "secondme/index/vector_process.py",
    "tests/core/test_index_vector.py",
)
DEFAULT_SUITE = ["tests/core/test_index_vector.py", "tests/core/test_index_vector_process.py"]


# --- one variant, one round (runs inside the variant's tree) ---------------------------------
class _Ident:
    """An embedder's identity (all the vector index process is told of it)."""

    def __init__(self, name: str, dim: int) -> None:
        self.name = name
        self.dim = dim


def _child_cpu(pid: int) -> tuple[float, int, int]:
    import psutil

    p = psutil.Process(pid)
    t = p.cpu_times()
    hwm = 0
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                hwm = int(line.split()[1]) * 1024
    return t.user + t.system, p.memory_info().rss, hwm


class _Phase:
    """Wall time and the child's CPU time (less sensitive to a busy machine) of one phase."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.cpu = _child_cpu(pid)[0]
        self.t0 = time.perf_counter()

    def rate(self, items: int) -> tuple[float, float]:
        """Items per wall second, and the child's CPU milliseconds per 1,000 items."""
        wall = time.perf_counter() - self.t0
        cpu = _child_cpu(self.pid)[0] - self.cpu
        return items / wall, 1e6 * cpu / items


def driver(n: int, dim: int, queries: int) -> dict[str, Any]:
    import numpy as np

    sys.path.insert(0, str(Path.cwd()))
    from secondme.index.vector_process import VectorHost, VectorIndexProcess

    rng = np.random.default_rng(11)
    vecs = rng.standard_normal((n, dim)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    metas = [{"kind": ("chunk", "memory", "fact")[i % 3], "folder": str(i % 7)} for i in range(n)]
    qs = vecs[rng.integers(0, n, queries)] + 0.05 * rng.standard_normal((queries, dim)).astype(np.float32)
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        host = VectorHost()
        assert host.wait_spare()
        out["ready_s"] = time.perf_counter() - t0
        spare = host._spare
        assert spare is not None
        pid = spare.proc.pid
        out["ready_cpu_s"], out["ready_rss_mb"], _ = _child_cpu(pid)
        t0 = time.perf_counter()
        ix = VectorIndexProcess(Path(tmp) / "v", embedding_function=_Ident("bench-embedder", dim), host=host)
        out["open_s"] = time.perf_counter() - t0
        phase = _Phase(pid)
        ix.upsert(list(range(1, n + 1)), vecs, metas)
        out["add_per_s"], out["add_cpu_ms_per_1k"] = phase.rate(n)
        assert ix.count() == n
        m = min(512, n // 4)  # updated, then deleted
        phase = _Phase(pid)
        ix.upsert(list(range(1, m + 1)), vecs[-m:], metas[:m])
        out["update_per_s"], out["update_cpu_ms_per_1k"] = phase.rate(m)
        phase = _Phase(pid)
        hits = [ix.query(q, 10) for q in qs]
        out["query_per_s"], out["query_cpu_ms_per_1k"] = phase.rate(queries)
        assert all(len(h) == 10 for h in hits)
        phase = _Phase(pid)
        for q in qs:
            ix.query(q, 10, where={"kind": "memory"})
        out["query_where_per_s"], out["query_where_cpu_ms_per_1k"] = phase.rate(queries)
        t0 = time.perf_counter()
        with ix.paused():
            pass
        out["pause_resume_s"] = time.perf_counter() - t0
        phase = _Phase(pid)
        ix.delete(list(range(n - m + 1, n + 1)))
        out["delete_per_s"], out["delete_cpu_ms_per_1k"] = phase.rate(m)
        assert ix.count() == n - m
        out["end_cpu_s"], out["end_rss_mb"], out["peak_rss_mb"] = _child_cpu(pid)
        ix.close()
        host.close()
    for key in ("ready_rss_mb", "end_rss_mb", "peak_rss_mb"):
        out[key] = out[key] / 2**20
    return {k: round(v, 3) for k, v in out.items()}


# --- the trees and the runs ------------------------------------------------------------------
def bindings_tree(dest: Path, rev: str) -> Path:
    """A copy of this working tree with the vector index of ``rev``."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for part in ("secondme", "tests", "ui", "resources"):
        if (REPO / part).exists():
            shutil.copytree(REPO / part, dest / part, ignore=ignore, symlinks=True)
    for name in ("pyproject.toml", "conftest.py"):
        if (REPO / name).exists():
            shutil.copy2(REPO / name, dest / name)
    (dest / ".venv").symlink_to(REPO / ".venv")
    for rel in OVERLAY:
        text = subprocess.run(["git", "show", f"{rev}:{rel}"], cwd=REPO, check=True,
                              capture_output=True).stdout
        (dest / rel).write_bytes(text)
    compile_tree(dest)
    return dest


def compile_tree(tree: Path) -> None:
    """Byte-compile our modules once (as scripts/run-tests.sh does): the runs below start many
    interpreters with PYTHONDONTWRITEBYTECODE, which would otherwise compile them every time."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", "-j", "0", "secondme", "ui", "tests"],
                   cwd=tree, env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
                   check=False, capture_output=True)  # a file being edited elsewhere may not compile


def _env(tree: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1"}


def run_driver(tree: Path, args: argparse.Namespace) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, str(tree / "tests/bench/bench_chroma_client.py"), "--driver",
         "--n", str(args.n), "--dim", str(args.dim), "--queries", str(args.queries)],
        cwd=tree, env=_env(tree), capture_output=True, text=True, timeout=900)
    if out.returncode:
        raise RuntimeError(f"driver failed in {tree}:\n{out.stderr}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def run_suite(tree: Path, files: list[str], artifacts: Path) -> dict[str, Any]:
    """Wall and CPU time of pytest on ``files`` in ``tree``, and the JSON figures the tests
    wrote to their artifacts folder (e.g. the crash suite's)."""
    artifacts.mkdir(parents=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *files],
                         cwd=tree, env={**_env(tree), "QT_QPA_PLATFORM": "offscreen",
                                        "SECONDME_TEST_ARTIFACTS": str(artifacts)},
                         capture_output=True, text=True, timeout=3600)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    tail = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else out.stderr[-300:]
    figures = {p.name: json.loads(p.read_text()) for p in sorted(artifacts.glob("*.json"))}
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "result": tail, **figures}


def summarise(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    keys = rounds[0].keys()
    return {k: {"median": round(statistics.median(r[k] for r in rounds), 3),
                "all": [r[k] for r in rounds]} for k in keys}


def compare(variants: dict[str, Any]) -> dict[str, float]:
    """The client's medians against the driver's: extra start cost, and throughput ratios."""
    med = {name: {k: v["median"] for k, v in figs.items()} for name, figs in variants.items()}
    return {
        "ready_extra_s": round(med["client"]["ready_s"] - med["bindings"]["ready_s"], 3),
        "ready_extra_cpu_s": round(med["client"]["ready_cpu_s"] - med["bindings"]["ready_cpu_s"], 3),
        "ready_extra_rss_mb": round(med["client"]["ready_rss_mb"] - med["bindings"]["ready_rss_mb"], 1),
        **{f"{k}_ratio": round(med["client"][k] / med["bindings"][k], 3)
           for k in ("add_per_s", "update_per_s", "query_per_s", "query_where_per_s",
                     "delete_per_s")},
        # CPU per item: above 1 means the client costs more.
        **{f"{k}_ratio": round(med["client"][k] / max(med["bindings"][k], 1e-9), 3)
           for k in med["client"] if k.endswith("_cpu_ms_per_1k")},
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--dim", type=int, default=384)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--baseline", default=BINDINGS_REV)
    ap.add_argument("--suite", nargs="*", default=None,
                    help=f"test files to time in both trees (default with no files: {DEFAULT_SUITE})")
    ap.add_argument("--suite-rounds", type=int, default=1)
    ap.add_argument("--pytest-args", default="", help="more pytest arguments for --suite, e.g. '-k index'")
    ap.add_argument("--driver", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.driver:
        print(json.dumps(driver(args.n, args.dim, args.queries)))
        return 0

    with tempfile.TemporaryDirectory(prefix="bench-chroma-") as tmp:
        compile_tree(REPO)
        trees = {"client": REPO, "bindings": bindings_tree(Path(tmp), args.baseline)}
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in trees}
        for r in range(args.rounds):
            order = list(trees) if r % 2 == 0 else list(reversed(trees))
            for name in order:
                runs[name].append(run_driver(trees[name], args))
        report: dict[str, Any] = {
            "n": args.n, "dim": args.dim, "queries": args.queries, "rounds": args.rounds,
            "baseline": args.baseline, "cpus": os.cpu_count(),
            "loadavg_1m": round(os.getloadavg()[0], 2),
        }
        if args.rounds > 0:  # --rounds 0: only the suite
            report["variants"] = {name: summarise(rs) for name, rs in runs.items()}
            report["client_vs_bindings"] = compare(report["variants"])

        if args.suite is not None:
            files = (args.suite or DEFAULT_SUITE) + shlex.split(args.pytest_args)
            suite: dict[str, list[dict[str, Any]]] = {name: [] for name in trees}
            for r in range(args.suite_rounds):
                order = list(trees) if r % 2 == 0 else list(reversed(trees))
                for name in order:
                    suite[name].append(run_suite(trees[name], files, Path(tmp) / f"artifacts-{name}-{r}"))
            report["suite"] = {"files": files, **suite}
    # One line per metric: the rounds' figures side by side.
    print(re.sub(r"\[\s+([^\[\]{}]*?)\s+\]", lambda m: "[" + " ".join(m.group(1).split()) + "]",
                 json.dumps(report, indent=1)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

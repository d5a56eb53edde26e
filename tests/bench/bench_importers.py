"""Import benchmarks (issue 23): throughput per format, peak memory, de-dup on re-import, and
recall@10 over an imported WhatsApp-style chat.

    python -m tests.bench.bench_importers [--quick] [--messages 50000] [--store-messages 2000]
                                          [--full-kind whatsapp] [--recall-messages 5000]

Prints one JSON object:
- ``parse``: per format, reading a generated ``--messages`` file (no store): messages/s and
  the reading process's peak RSS (each format in its own child process, so the figures are
  its own), next to the file's size — memory stays bounded when RSS does not grow with it;
- ``store``: per format, the whole import of a ``--store-messages`` file into a real encrypted
  store (parse, de-dup, MiniLM embeddings, sealed rows, indexes): messages/s; then the same
  file again (everything already stored: the de-dup alone);
- ``full``: the whole import of the ``--messages`` file of ``--full-kind``, and its re-import;
- ``recall``: recall@10 of 40 questions, each answered by one planted message in a generated
  chat of ``--recall-messages`` messages, imported as a WhatsApp export.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from secondme.app import SecondMe  # noqa: E402
from secondme.importers import IMPORTERS, Tally  # noqa: E402
from secondme.paths import Paths  # noqa: E402
from secondme.settings import Settings  # noqa: E402
from secondme.vault import Vault  # noqa: E402
from tests.bench import imports_gen  # noqa: E402

PASS = "benchmark passphrase"
KINDS = ("whatsapp", "claude", "telegram", "gemini", "mbox", "eml", "ics", "messages")


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def size_mb(path: Path) -> float:
    if path.is_dir():
        return round(sum(p.stat().st_size for p in path.iterdir()) / 2**20, 1)
    return round(path.stat().st_size / 2**20, 1)


def child_parse(kind: str, path: Path) -> dict[str, Any]:
    """Run in a child process: read the file through the importer, nothing stored."""
    spec = IMPORTERS[kind]
    before = peak_rss_mb()
    t0 = time.perf_counter()
    tally = Tally()
    if spec.check is not None:
        spec.check(path, tally)
    n = sum(1 for _ in spec.read(path, tally))
    secs = time.perf_counter() - t0
    return {"messages": n, "seconds": round(secs, 2), "messages_per_s": round(n / secs),
            "rss_before_mb": before, "peak_rss_mb": peak_rss_mb(), "file_mb": size_mb(path)}


def parse_all(folder: Path, n: int, kinds: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind in kinds:
        path = imports_gen.write(kind, folder, n)
        r = subprocess.run([sys.executable, "-m", "tests.bench.bench_importers", "--child-parse", kind, str(path)],
                           cwd=REPO, capture_output=True, text=True, check=True)
        out[kind] = json.loads(r.stdout)
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    return out


def context(data_dir: Path, embedder: Any) -> SecondMe:
    paths = Paths.at(data_dir)
    ctx = SecondMe(paths, Settings(), Vault(paths.vault_file, None), embedder)
    ctx.init(PASS)
    return ctx


def store_one(kind: str, path: Path, data_dir: Path, embedder: Any) -> dict[str, Any]:
    ctx = context(data_dir, embedder)
    try:
        t0 = time.perf_counter()
        first = ctx.memory.import_file(kind, str(path))
        t1 = time.perf_counter()
        again = ctx.memory.import_file(kind, str(path))
        t2 = time.perf_counter()
    finally:
        ctx.close()
    return {"messages": first.read, "added": first.added, "seconds": round(t1 - t0, 2),
            "messages_per_s": round(first.read / (t1 - t0), 1),
            "reimport_added": again.added, "reimport_seconds": round(t2 - t1, 2),
            "reimport_messages_per_s": round(again.read / (t2 - t1)), "peak_rss_mb": peak_rss_mb()}


def recall_at_10(folder: Path, n: int, embedder: Any) -> dict[str, Any]:
    chat = imports_gen.whatsapp(folder / "WhatsApp Chat with Friends.txt", n, facts=True)
    planted = {text for text, _q in imports_gen.FACTS}
    ctx = context(folder / "recall-data", embedder)
    try:
        ctx.memory.import_file("whatsapp", str(chat))
        by_text = {m.text: m.id for m in ctx.memory.memories(limit=n + 10) if m.text in planted}
        assert len(by_text) == len(imports_gen.FACTS), "every planted message was imported"
        found, ranks = 0, []
        for text, question in imports_gen.FACTS:
            hits = ctx.memory.recall(question, k=10)
            ids = [h.id for h in hits]
            if by_text[text] in ids:
                found += 1
                ranks.append(ids.index(by_text[text]) + 1)
    finally:
        ctx.close()
    return {"questions": len(imports_gen.FACTS), "chat_messages": n, "recall_at_10": round(found / len(imports_gen.FACTS), 3),
            "mrr": round(sum(1 / r for r in ranks) / len(imports_gen.FACTS), 3)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="2,000-message files, 300 into the store, no full run")
    ap.add_argument("--messages", type=int, default=50_000, help="messages per generated file (parse, full)")
    ap.add_argument("--store-messages", type=int, default=2000, help="messages per file imported into a store")
    ap.add_argument("--full-kind", default="whatsapp", help="the format of the full --messages import ('' to skip)")
    ap.add_argument("--recall-messages", type=int, default=5000)
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--child-parse", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child_parse:
        print(json.dumps(child_parse(args.child_parse[0], Path(args.child_parse[1]))))
        return
    if args.quick:
        args.messages, args.store_messages, args.full_kind, args.recall_messages = 2000, 300, "", 1000
    kinds = [k for k in args.kinds.split(",") if k]
    from secondme.embed.minilm import MiniLMEmbedder

    embedder = MiniLMEmbedder()
    result: dict[str, Any] = {"messages": args.messages}
    with tempfile.TemporaryDirectory(prefix="bench-imports-") as tmp:
        root = Path(tmp)
        result["parse"] = parse_all(root, args.messages, kinds)
        result["store"] = {}
        for kind in kinds:
            folder = root / f"store-{kind}"
            folder.mkdir()
            path = imports_gen.write(kind, folder, args.store_messages)
            result["store"][kind] = store_one(kind, path, folder / "data", embedder)
            shutil.rmtree(folder)
        if args.full_kind:
            folder = root / "full"
            folder.mkdir()
            path = imports_gen.write(args.full_kind, folder, args.messages)
            result["full"] = {"kind": args.full_kind, **store_one(args.full_kind, path, folder / "data", embedder)}
            shutil.rmtree(folder)
        folder = root / "recall"
        folder.mkdir()
        result["recall"] = recall_at_10(folder, args.recall_messages, embedder)
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()

"""A workload run in a child process that the reliability tests kill, stop and copy.

Run as ``python -m tests.reliability.crash_driver WORKLOAD --data DIR --acks FILE --run N`` with
the passphrase in ``SECONDME_PASSPHRASE``; the rest of the arguments come as a JSON list on
stdin when the test lets the run start. It opens the data directory exactly as the app does
(``secondme.app.build``) and writes one JSON line to the ack file, fsynced, for every item the
core acknowledged (``remember()`` returned an id, a file was reported indexed, an import
returned its count, a nightly step was recorded done). A line is written only *after* the core
call returned, so every line in the file names something that must survive a crash.

With ``--verify SPEC`` a run first checks what the runs before it left (see ``verify``): the
crash suite reopens and checks after every kill this way, in the next run's own process.
``--feed FILE`` imports a conversation before the workload (the nightly run's new input).

Workloads:
- ``index``: add the notes folder (or reconcile it) and index it; one ``doc`` ack per file
  revision committed (notes carry ``rev N`` in every section, see ``crash_harness``).
- ``chat``: alternately ``remember()`` a fact and ``ask()`` the real local model about it.
- ``import``: import every file of ``--inputs`` (JSON Lines messages / ChatGPT exports).
- ``nightly``: ``run_jobs_now(wait=True)``; one ack per step recorded ok.
- ``mixed``: index the notes folder while remembering items (two writers at once).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REV = re.compile(r"\brev (\d+)\b")


class Acks:
    """Appends JSON lines to the ack file, each one fsynced before the call returns."""

    def __init__(self, path: Path, run: int) -> None:
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        self._run = run
        self._lock = threading.Lock()

    def __call__(self, kind: str, **data: Any) -> None:
        line = json.dumps({"t": kind, "run": self._run, "at": time.time(), **data}) + "\n"
        with self._lock:
            os.write(self._fd, line.encode())
            os.fsync(self._fd)

    def close(self) -> None:
        os.close(self._fd)


def remember_text(i: int) -> str:
    return f"My locker code at gym number {i} is {1000 + 7 * i}."


def question(i: int) -> str:
    return f"What is my locker code at gym number {i}?"


# --- workloads ---------------------------------------------------------------------------------
def _doc_acker(ctx: Any, ack: Acks, acked: Path) -> Callable[[], int]:
    """Acks each note revision the store holds as indexed (state ok), once: one a run before
    already acked is not acked again, so a run's acks count the notes it indexed itself."""
    from tests.reliability.crash_harness import read_acks

    seen: dict[str, str] = {a["path"]: a["h"] for a in read_acks(acked) if a["t"] == "doc" and "h" in a}
    lock = threading.Lock()

    def scan() -> int:
        with lock:
            for r in ctx.store.select("documents", "state = 'ok'", columns=("path",)):
                path, h = os.fsdecode(r["path"]), str(r["content_hash"])
                if seen.get(path) == h:
                    continue
                first = ctx.store.select("chunks", "document_id = ? AND ordinal = 0", (r.id,),
                                         columns=("text",))
                m = REV.search(str(first[0]["text"])) if first else None
                seen[path] = h
                ack("doc", path=path, rev=int(m.group(1)) if m else None, h=h)
            return len(seen)

    return scan


def _start_indexing(ctx: Any, notes: str, ack: Acks, acked: Path) -> Callable[[], int]:
    import secondme.notes.indexer as indexer

    # Smaller commits than the default 64 files, so a kill lands between and inside many of them.
    indexer.MAX_FILES_PER_BATCH = 8
    scan = _doc_acker(ctx, ack, acked)
    ctx.subscribe(lambda ev: scan() if ev.kind == "index.progress" else None)
    if ctx.notes.folders():
        ctx.notes.reindex()
    else:
        ctx.notes.add_folder(notes)
    return scan


def run_index(ctx: Any, args: argparse.Namespace, ack: Acks) -> None:
    scan = _start_indexing(ctx, args.notes, ack, args.acks)
    ctx.notes.wait_indexed()
    ack("indexed", docs=scan())


def run_chat(ctx: Any, args: argparse.Namespace, ack: Acks) -> None:
    for i in range(args.start, args.start + args.count):
        mid = ctx.memory.remember(remember_text(i))
        ack("mem", i=i, id=mid, text=remember_text(i))
        a = ctx.models.ask(question(i), conversation="crash-chat")
        ack("ask", i=i, q=question(i), answer=a.text, abstained=a.abstained,
            cited=[h.id for h in a.citations])


def run_import(ctx: Any, args: argparse.Namespace, ack: Acks) -> None:
    for f in sorted(Path(args.inputs).iterdir()):
        n = ctx.memory.import_messages(str(f)) if f.suffix == ".jsonl" else ctx.memory.import_chatgpt(str(f))
        ack("import", file=f.name, added=n)


def run_nightly(ctx: Any, args: argparse.Namespace, ack: Acks) -> None:
    def on_event(ev: Any) -> None:
        d = ev.data
        if ev.kind == "job.progress" and d.get("event") == "step" and d.get("state") in ("ok", "skipped"):
            ack("step", run_id=d["run_id"], step=d["step"], state=d["state"], changed=d.get("changed") or {})

    ctx.subscribe(on_event)
    res = ctx.jobs.run_now(wait=True)
    ack("run", run_id=res["run_id"], status=res["status"])


def run_mixed(ctx: Any, args: argparse.Namespace, ack: Acks) -> None:
    scan = _start_indexing(ctx, args.notes, ack, args.acks)
    for i in range(args.start, args.start + args.count):
        mid = ctx.memory.remember(remember_text(i))
        ack("mem", i=i, id=mid, text=remember_text(i))
    ctx.notes.wait_indexed()
    ack("indexed", docs=scan())


def verify(ctx: Any, args: argparse.Namespace, ack: Acks, t0: float) -> bool:
    """Before any work: the indexes caught up (recovery), then what a person would check after
    the runs before were killed (``crash_checks``). Acks ``ready``, then ``verify`` with the
    outcome; False if a check failed (the run then stops without touching anything)."""
    from tests.reliability import crash_checks as checks
    from tests.reliability.crash_harness import read_acks

    ctx.session.sync.catch_up()
    recovery_s = time.perf_counter() - t0
    ack("ready")
    try:
        checks.check_open(ctx)
        for pid in args.killed:
            assert not checks.runtime_dirs_of(pid), f"the plaintext RAM folder of killed run {pid} was removed"
        checked = checks.verify_acks(ctx, json.loads(args.verify.read_text()), read_acks(args.acks))
    except AssertionError as exc:
        ack("verify", ok=False, error=str(exc) or repr(exc))
        return False
    ack("verify", ok=True, checked=checked, recovery_s=round(recovery_s, 3))
    return True


WORKLOADS: dict[str, Callable[[Any, argparse.Namespace, Acks], None]] = {
    "index": run_index, "chat": run_chat, "import": run_import, "nightly": run_nightly, "mixed": run_mixed,
}


def main(argv: list[str] | None = None) -> int:
    """Build the context (which starts the vector index process ahead, as the app does while
    its unlock dialog shows), wait for the go line on stdin (a JSON list of the remaining
    arguments), then unlock and run the workload."""
    p = argparse.ArgumentParser()
    p.add_argument("workload", choices=sorted(WORKLOADS))
    p.add_argument("--data", required=True)
    p.add_argument("--acks", required=True, type=Path)
    p.add_argument("--run", type=int, default=0)
    p.add_argument("--notes")
    p.add_argument("--inputs")
    p.add_argument("--start", type=int, default=0)
    p.add_argument("--count", type=int, default=0)
    p.add_argument("--verify", type=Path, help="JSON spec: check what the runs before left, first")
    p.add_argument("--killed", type=int, action="append", default=[], help="pid of a run killed since")
    p.add_argument("--feed", action="append", default=[], help="JSON Lines messages to import first")
    argv = sys.argv[1:] if argv is None else argv
    args = p.parse_args(argv)
    from secondme.app import build

    ack = Acks(args.acks, args.run)
    ctx = build(args.data, use_keyring=False)
    ack("launched", pid=os.getpid())
    # As in the app, where the vector index process starts while the unlock dialog shows: the
    # reopen (recovery) time below is unsealing and replay, not a process start.
    ctx.warm_up()
    line = sys.stdin.readline()
    if not line.strip():
        ctx.close()  # the test ended without using this run
        return 0
    args = p.parse_args([*argv, *json.loads(line)])
    ack("start")
    t0 = time.perf_counter()
    ctx.unlock(os.environ["SECONDME_PASSPHRASE"])
    if args.verify is None:
        ack("ready")
    elif not verify(ctx, args, ack, t0):
        ctx.close()
        return 3
    for f in args.feed:
        ids = [json.loads(x)["id"] for x in Path(f).read_text("utf-8").splitlines() if x.strip()]
        ack("fed", file=Path(f).name, ids=ids, added=ctx.memory.import_messages(f))
    WORKLOADS[args.workload](ctx, args, ack)
    ctx.close()
    ack("done")
    ack.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

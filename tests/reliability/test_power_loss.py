"""Power loss: the data directory copied (as a disk snapshot would) while the app is frozen
mid-write, at random moments, opens with the passphrase and holds everything acknowledged.

The workload (``crash_driver mixed``) indexes a notes folder while remembering items: two
writers at once. At each moment the process is stopped (SIGSTOP), the acknowledgements so far
are read, the whole data directory is copied, and the process continues (SIGCONT). Every copy
must then unlock, pass ``PRAGMA integrity_check``, hold every acknowledged note revision and
memory, and its search indexes (the sealed snapshot plus replay) must agree with its store.
``SECONDME_SOAK=1`` takes four times as many copies. Figures: one JSON line, also written to
``$SECONDME_TEST_ARTIFACTS/power_loss.json``.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from secondme.app import SecondMe
from secondme.embed.lazy import LazyEmbedder
from secondme.embed.minilm import MiniLMEmbedder
from secondme.index.vector_process import VectorHost
from secondme.paths import Paths
from secondme.settings import Settings
from secondme.vault import Vault
from tests.reliability import crash_checks as checks
from tests.reliability.crash_harness import (
    PASS,
    SOAK,
    Driver,
    publish,
    quantiles,
    read_acks,
    seed_from_env,
    write_notes,
)

SEED = seed_from_env()
COPIES = 5 * (4 if SOAK else 1)
NOTES = 150
MEMORIES = 60

pytestmark = [pytest.mark.slow, pytest.mark.timeout(3600 if SOAK else 600)]


def _context(data: Path, embedder: LazyEmbedder, host: VectorHost) -> SecondMe:
    paths = Paths.at(data)
    return SecondMe(paths, Settings.load(paths.config_file), Vault(paths.vault_file, None), embedder,
                    vector_host=host)


def test_copies_taken_mid_write_open_with_everything_acknowledged(
        tmp_path: Path, request: pytest.FixtureRequest) -> None:
    rng = random.Random(SEED)
    notes = tmp_path / "notes"
    write_notes(notes, range(NOTES), rev=0)
    data = tmp_path / "data"
    embedder = LazyEmbedder(MiniLMEmbedder, "all-MiniLM-L6-v2-int8", 384)
    host = VectorHost()
    first = _context(data, embedder, host)
    first.init(PASS)
    first.lock()

    acks_file = tmp_path / "acks.jsonl"
    recovery: list[float] = []
    checked = 0

    def check_copy(dest: Path, acked: list[dict[str, Any]]) -> None:
        nonlocal checked
        ctx = _context(dest, embedder, host)
        recovery.append(checks.reopen(ctx))
        try:
            checks.check_open(ctx)
            checked += checks.check_index_acks(ctx, acked)
            checked += checks.check_chat_acks(ctx, acked)
        except BaseException:
            ctx.lock()
            raise
        checks.lock_and_check_snapshot(ctx, tmp_path)

    d = Driver("mixed", data, acks_file, 0, tmp_path / "logs")
    d.go("--notes", str(notes), "--start", "0", "--count", str(MEMORIES))
    # Moments spread over the work: after a random number of acknowledgements, plus a little.
    targets = sorted(rng.randint(0, NOTES + MEMORIES) for _ in range(COPIES))
    copies: list[tuple[Path, list[dict[str, Any]], int]] = []
    stop_ms: list[float] = []
    # Each copy is opened and checked while the run goes on (one at a time, in taking order).
    checker = ThreadPoolExecutor(1, thread_name_prefix="copy-check")
    checking: list[Future[None]] = []
    try:
        assert d.wait_for("ready"), d.tail()
        for k, target in enumerate(targets):
            while sum(e["t"] in ("doc", "mem") for e in d.events()) < target and d.proc.poll() is None:
                time.sleep(0.01)
            time.sleep(rng.uniform(0.0, 0.15))
            if d.proc.poll() is not None:
                break  # finished early; the remaining moments are taken below, at rest
            t0 = time.perf_counter()
            os.kill(d.proc.pid, signal.SIGSTOP)
            try:
                acked = read_acks(acks_file)
                dest = tmp_path / "copies" / f"copy-{k}"
                shutil.copytree(data, dest)
            finally:
                os.kill(d.proc.pid, signal.SIGCONT)
            stop_ms.append((time.perf_counter() - t0) * 1000)
            copies.append((dest, acked, sum(e["t"] in ("doc", "mem") for e in acked)))
            checking.append(checker.submit(check_copy, dest, acked))
        assert d.wait() == 0 and d.finished_ok(), d.tail()
    finally:
        if d.proc.poll() is None:
            d.kill()
            d.wait()
        checker.shutdown(wait=True)
    assert not d.leftovers()
    assert len(copies) >= min(COPIES, 5), f"only {len(copies)} copies were taken mid-run"
    mid_run = sum(1 for _, _, n in copies if n < NOTES + MEMORIES)
    try:
        for f in checking:
            f.result()
        check_copy(data, read_acks(acks_file))  # and the directory the finished run left
    finally:
        host.close()
    # The finished run holds every note and every memory.
    final = _context(data, embedder, VectorHost(prestart=False))
    final.unlock(PASS)
    try:
        docs = checks.documents(final)
        assert sum(1 for x in docs.values() if x["state"] == "ok") == NOTES
        assert len({m["text"] for m in checks.messages(final)}) == MEMORIES
    finally:
        final.close()

    publish("power_loss.json", {
        "suite": "power_loss", "seed": SEED, "soak": SOAK, "copies": len(copies), "copies_mid_run": mid_run,
        "acks_checked": checked, "stopped_ms": quantiles(stop_ms), "recovery_s": quantiles(recovery),
        "lost": 0, "unlock_failures": 0,
    }, request.config.pluginmanager.get_plugin("terminalreporter"))

"""Consolidation killed with SIGKILL mid-run resumes without duplicates."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from secondme.app import SecondMe
from secondme.memory.consolidate import HWM_MESSAGE
from secondme.memory.items import NewMemory
from secondme.paths import Paths
from secondme.settings import Settings
from secondme.vault import Vault
from tests.core.conftest import PASS

REPO = Path(__file__).resolve().parents[2]
NAMES = [a + b for a in ("Al", "Bo", "Ca", "Da", "El", "Fa", "Gi", "Ha", "Il", "Jo")
         for b in ("ma", "ne", "ri", "so", "tu", "vi", "xa", "yo", "ze", "lu")]
RELATIONS = ("friend", "cousin", "neighbor")

CHILD = """
import sys
sys.path.insert(0, {repo!r})
import secondme.memory.consolidate as c
from secondme.app import SecondMe
from secondme.embed.minilm import MiniLMEmbedder
from secondme.paths import Paths
from secondme.settings import Settings
from secondme.vault import Vault
c.BATCH = 10  # many small transactions, so the kill lands between and inside them
paths = Paths.at({data!r})
ctx = SecondMe(paths, Settings(), Vault(paths.vault_file, None), MiniLMEmbedder())
ctx.unlock({pw!r})
print("ready", flush=True)
ctx.memory.consolidate()
print("finished", flush=True)
"""


def _ctx(data_dir: Path, embedder) -> SecondMe:  # type: ignore[no-untyped-def]
    paths = Paths.at(data_dir)
    return SecondMe(paths, Settings(), Vault(paths.vault_file, None), embedder)


def _hwm(store_file: Path) -> int:
    conn = sqlite3.connect(f"file:{store_file}?mode=ro", uri=True, timeout=5)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (HWM_MESSAGE,)).fetchone()
        return int(row[0]) if row else 0
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


@pytest.mark.slow
def test_sigkill_mid_consolidation_then_rerun_has_no_duplicates(data_dir: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    ctx = _ctx(data_dir, embedder)
    ctx.init(PASS)
    msgs = [NewMemory(text=f"My {rel} {name} came over for dinner, day {i}.", at=1.7e9 + i * 3600,
                      speaker="user", source="conversation:dinners", source_id=f"m{i}")
            for i, (rel, name) in enumerate((r, n) for r in RELATIONS for n in NAMES)]
    ids = ctx.session.memories.add_many(msgs)
    ctx.close()

    proc = subprocess.Popen([sys.executable, "-c", CHILD.format(repo=str(REPO), data=str(data_dir), pw=PASS)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "HF_HUB_OFFLINE": "1"})
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 300
        while _hwm(Paths.at(data_dir).store_file) == 0 and time.monotonic() < deadline:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            time.sleep(0.005)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()
    mark = _hwm(Paths.at(data_dir).store_file)
    assert 0 < mark < max(ids), "the kill should land mid-run"

    ctx = _ctx(data_dir, embedder)
    ctx.unlock(PASS)
    try:
        committed = int(ctx.store.scalar("SELECT COUNT(*) FROM memories WHERE kind = 'fact'"))
        assert 0 < committed < len(msgs)
        ctx.memory.consolidate()
        facts = ctx.memory.memories(kind="fact", limit=10_000)
        assert len(facts) == len(msgs)
        assert len({f.text for f in facts}) == len(msgs)  # no duplicates
        prov = ctx.store.query("SELECT memory_id, COUNT(*) AS n FROM provenance p JOIN memories m "
                               "ON m.id = p.memory_id WHERE m.kind = 'fact' GROUP BY memory_id")
        assert all(r["n"] == 1 for r in prov) and len(prov) == len(msgs)
        again = ctx.memory.consolidate()
        assert again["facts_added"] == again["facts_merged"] == 0
    finally:
        ctx.close()

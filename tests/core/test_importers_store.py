"""Imports into the real encrypted store: idempotent for every kind, a damaged file loses
nothing, an import killed halfway resumes, cancel stops between batches, progress, the CLI."""

from __future__ import annotations

import itertools
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from secondme.app import SecondMe
from secondme.errors import UserError
from secondme.importers import IMPORTERS
from secondme.paths import Paths
from tests.bench import imports_gen
from tests.core.conftest import PASS
from tests.core.test_cli_core import run

REPO = Path(__file__).resolve().parents[2]


def memory_count(ctx: SecondMe) -> int:
    return int(ctx.store.scalar("SELECT COUNT(*) FROM memories"))


# The ChatGPT reader has its own idempotence test (test_memory_engine); the generator writes the rest.
@pytest.mark.parametrize("kind", sorted(k for k in IMPORTERS if k != "chatgpt"))
def test_every_kind_imports_then_adds_nothing_the_second_time(notes_ctx: SecondMe, tmp_path: Path,
                                                              kind: str) -> None:
    path = imports_gen.write(kind, tmp_path, 60)
    seen: list[tuple[int, int]] = []
    r1 = notes_ctx.memory.import_file(kind, str(path), progress=lambda d, t: seen.append((d, t)))
    assert r1.read == r1.added > 0 and r1.already == 0
    assert memory_count(notes_ctx) == r1.added
    assert seen[0][0] == 0 and seen[-1][0] == seen[-1][1] > 0
    assert all(a[0] <= b[0] for a, b in itertools.pairwise(seen))
    r2 = notes_ctx.memory.import_file(kind, str(path))
    assert (r2.read, r2.added, r2.already) == (r1.read, 0, r1.read)
    assert memory_count(notes_ctx) == r1.added
    assert sum(c.read for c in r1.conversations) == r1.read


def test_damaged_export_is_a_user_error_and_nothing_is_lost(notes_ctx: SecondMe, tmp_path: Path) -> None:
    chat = imports_gen.whatsapp(tmp_path / "chat.txt", 30)
    before = notes_ctx.memory.import_file("whatsapp", str(chat)).added
    good = imports_gen.claude(tmp_path / "conversations.json", 400)
    cut = tmp_path / "cut.json"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size * 3 // 4])  # an interrupted download
    with pytest.raises(UserError, match="damaged") as err:
        notes_ctx.memory.import_file("claude", str(cut))
    assert "Nothing was imported" in str(err.value)
    assert memory_count(notes_ctx) == before
    with pytest.raises(UserError, match="no importer for 'skype'"):
        notes_ctx.memory.import_file("skype", str(chat))
    with pytest.raises(UserError, match="cannot read"):
        notes_ctx.memory.import_file("telegram", str(tmp_path / "missing.json"))
    hits = notes_ctx.memory.recall("ping me later", k=3)
    assert hits, "what was stored before is still found"


def test_cancel_stops_between_batches_and_a_rerun_finishes(notes_ctx: SecondMe, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import secondme.importers.pipeline as pipeline

    monkeypatch.setattr(pipeline, "BATCH", 20)
    path = imports_gen.telegram(tmp_path / "result.json", 100)
    cancel = threading.Event()

    def progress(done: int, total: int) -> None:
        if done >= 20:
            cancel.set()

    r1 = notes_ctx.memory.import_file("telegram", str(path), progress=progress, cancel=cancel)
    assert r1.cancelled and r1.added == 20 and memory_count(notes_ctx) == 20
    assert "run it again" in r1.summary()
    r2 = notes_ctx.memory.import_file("telegram", str(path))
    assert not r2.cancelled and (r2.read, r2.added, r2.already) == (100, 80, 20)
    assert memory_count(notes_ctx) == 100


CHILD = """
import sys
sys.path.insert(0, {repo!r})
import secondme.importers.pipeline as pipeline
from secondme.app import SecondMe
from secondme.embed.minilm import MiniLMEmbedder
from secondme.paths import Paths
from secondme.settings import Settings
from secondme.vault import Vault
pipeline.BATCH = 16  # many small commits, so the kill lands between and inside them
paths = Paths.at({data!r})
ctx = SecondMe(paths, Settings(), Vault(paths.vault_file, None), MiniLMEmbedder())
ctx.unlock({pw!r})
print("ready", flush=True)
ctx.memory.import_file("whatsapp", {file!r})
print("finished", flush=True)
"""


def _stored(store_file: Path) -> int:
    conn = sqlite3.connect(f"file:{store_file}?mode=ro", uri=True, timeout=5)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM memories").fetchone()[0])
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


@pytest.mark.slow
def test_import_killed_halfway_resumes_without_duplicates(data_dir: Path, tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    from secondme.settings import Settings
    from secondme.vault import Vault

    paths = Paths.at(data_dir)
    ctx = SecondMe(paths, Settings(), Vault(paths.vault_file, None), embedder)
    ctx.init(PASS)
    ctx.close()
    n = 600
    chat = imports_gen.whatsapp(tmp_path / "WhatsApp Chat with Team.txt", n)
    proc = subprocess.Popen([sys.executable, "-c", CHILD.format(repo=str(REPO), data=str(data_dir), pw=PASS,
                                                                file=str(chat))],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "HF_HUB_OFFLINE": "1"})
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 300
        while _stored(paths.store_file) < 100 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        proc.stderr.close()
    kept = _stored(paths.store_file)
    assert 0 < kept < n, f"the kill should land mid-import (stored {kept} of {n})"

    ctx = SecondMe(paths, Settings(), Vault(paths.vault_file, None), embedder)
    ctx.unlock(PASS)
    try:
        report = ctx.memory.import_file("whatsapp", str(chat))
        assert report.read == n and report.added == n - kept and report.already == kept
        assert memory_count(ctx) == n
        assert ctx.memory.import_file("whatsapp", str(chat)).added == 0
    finally:
        ctx.close()


@pytest.mark.slow
def test_cli_import_prints_the_report_and_json(data_dir: Path, tmp_path: Path) -> None:
    from tests.core.test_importers_whatsapp import ANDROID_US

    env = {"SECONDME_PASSPHRASE": PASS}
    d = ["--data-dir", str(data_dir)]
    assert run(*d, "init", env=env).returncode == 0
    chat = tmp_path / "WhatsApp Chat with Party.txt"
    chat.write_text(ANDROID_US, encoding="utf-8")
    r = run(*d, "import", "whatsapp", str(chat), env=env)
    assert r.returncode == 0, r.stderr
    assert "imported 3 messages (3 read, 6 skipped)" in r.stdout
    assert "skipped 2: system line (no sender)" in r.stdout and "Party: 3 new of 3" in r.stdout
    r = run(*d, "import", "whatsapp", str(chat), "--json", env=env)
    out = json.loads(r.stdout)
    assert r.returncode == 0 and (out["added"], out["already"]) == (0, 3)
    assert out["skipped"]["deleted message"] == 1 and out["conversations"][0]["title"] == "Party"
    r = run(*d, "import", "ics", str(chat), env=env)
    assert r.returncode == 1 and "not an iCalendar" in r.stderr

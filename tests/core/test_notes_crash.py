"""SIGKILL during indexing, then restart: resumes, no duplicates, same results as a clean run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from secondme.app import SecondMe
from secondme.paths import Paths
from secondme.settings import Settings
from secondme.vault import Vault
from tests.canary import needles, scan
from tests.core.conftest import PASS

REPO = Path(__file__).resolve().parents[2]

INDEXER = r"""
import sys, time
from secondme.app import build
ctx = build(sys.argv[1], use_keyring=False)
ctx.unlock(sys.argv[2])
if not ctx.notes.folders():
    ctx.notes.add_folder(sys.argv[3])
else:
    ctx.notes.reindex()
print("started", flush=True)
ctx.notes.wait_indexed()
print("finished", flush=True)
ctx.close()
"""

QUERIES = ["meeting with the design team", "garden tomatoes", "trip itinerary", "budget review",
           "recipe with lentils"]

TOPICS = ["meeting with the design team about the {w} launch", "planted {w} tomatoes in the garden",
          "trip itinerary for {w} in spring", "budget review of the {w} project",
          "a recipe with lentils and {w}", "notes on the {w} book club"]


def small_notes(root: Path, n: int) -> list[Path]:
    """Short notes (a few lines each) so a crash lands mid-run without minutes of embedding."""
    out = []
    for i in range(n):
        w = f"kw{i:04d}"
        body = "\n".join(t.format(w=w) for t in TOPICS[i % 3:i % 3 + 3])
        p = root / f"d{i % 7}" / f"note-{i:04d}.md"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(f"# Note {i}\n{body}\n")
        out.append(p)
    return out


def _results(ctx: SecondMe) -> list[list[tuple[str | None, int | None]]]:
    return [[(h.path, h.line_start) for h in ctx.notes.search(q, k=5)] for q in QUERIES]


def _open(data_dir: Path, embedder) -> SecondMe:  # type: ignore[no-untyped-def]
    paths = Paths.at(data_dir)
    ctx = SecondMe(paths, Settings(), Vault(paths.vault_file, None), embedder)
    ctx.unlock(PASS)
    return ctx


def test_sigkill_then_resume(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    notes = tmp_path / "notes"
    files = small_notes(notes, 400)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    dirs = {}
    for name in ("killed", "clean"):
        d = tmp_path / name
        c = SecondMe(Paths.at(d), Settings(), Vault(Paths.at(d).vault_file, None))
        c.init(PASS)
        c.close()
        dirs[name] = d
    script = tmp_path / "indexer.py"
    script.write_text(INDEXER)
    kills = 0
    for delay in (1.0, 0.5, 1.5):
        proc = subprocess.Popen([sys.executable, str(script), str(dirs["killed"]), PASS, str(notes)],
                                stdout=subprocess.PIPE, text=True, env=env)
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "started"
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        proc.stdout.close()
    assert kills >= 1, "the run was interrupted at least once"
    ctx = _open(dirs["killed"], embedder)
    partial = ctx.store.scalar("SELECT COUNT(*) FROM documents WHERE state='ok'")
    embedded_before = ctx.store.scalar("SELECT COUNT(*) FROM chunks")
    ctx.notes.reindex()
    assert ctx.notes.wait_indexed(600)
    assert ctx.store.scalar("SELECT COUNT(*) FROM documents WHERE state='ok'") == len(files)
    # No duplicate chunks: one set of ordinals per document, every chunk indexed exactly once.
    assert ctx.store.scalar(
        "SELECT COUNT(*) FROM (SELECT document_id, ordinal, COUNT(*) c FROM chunks GROUP BY 1, 2 HAVING c > 1)"
    ) == 0
    assert ctx.session.indexes.keyword.count() == ctx.store.scalar("SELECT COUNT(*) FROM chunks")
    assert ctx.session.indexes.vector.count() == ctx.store.scalar("SELECT COUNT(*) FROM chunks")
    killed_results = _results(ctx)
    total_chunks = ctx.store.scalar("SELECT COUNT(*) FROM chunks")
    ctx.close()
    assert partial < len(files) or embedded_before == total_chunks

    clean = _open(dirs["clean"], embedder)
    clean.notes.add_folder(str(notes))
    assert clean.notes.wait_indexed(600)
    assert clean.store.scalar("SELECT COUNT(*) FROM chunks") == total_chunks
    assert _results(clean) == killed_results
    clean.close()


def test_canary_after_lock_and_after_sigkill(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    canaries = ["Xylophagous-canary-5521", "Qwertzuiop Boulevard"]
    notes = tmp_path / "n"
    notes.mkdir()
    (notes / f"{canaries[0]}.md").write_text(f"# {canaries[1]}\nThe {canaries[0]} lives on {canaries[1]}.\n")
    d = tmp_path / "data"
    ctx = SecondMe(Paths.at(d), Settings(), Vault(Paths.at(d).vault_file, None), embedder)
    ctx.init(PASS)
    ctx.notes.add_folder(str(notes))
    assert ctx.notes.wait_indexed(60)
    vec = embedder.embed([f"{canaries[1]}\n# {canaries[1]}\nThe {canaries[0]} lives on {canaries[1]}."])[0]
    stored = ctx.store.select("chunks", columns=("embedding",))[0]["embedding"]
    import numpy as np

    stored_vec = np.frombuffer(stored, dtype=np.float32)
    runtime = ctx.session.indexes.runtime_dir
    ctx.close()
    assert runtime is None or not runtime.exists(), "the plaintext RAM folder is removed on lock"
    n = needles([*canaries, str(notes)], [stored_vec, vec])
    assert scan(d, n) == []
    # And after a SIGKILL mid-session.
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    script = tmp_path / "s.py"
    script.write_text(INDEXER.replace('ctx.close()', 'import time; time.sleep(60)'))
    (notes / "more.md").write_text(f"Another note about {canaries[1]}.")
    proc = subprocess.Popen([sys.executable, str(script), str(d), PASS, str(notes)],
                            stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "started"
    assert proc.stdout.readline().strip() == "finished"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    assert scan(d, n) == []

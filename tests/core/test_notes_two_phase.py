"""Two-phase indexing: every note keyword-searchable first, embeddings after, in the background;
a kill in phase 2 resumes without redoing work; whole-note BM25 in the ranking."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from secondme.app import SecondMe
from secondme.cli.notes import semantic_notice
from secondme.paths import Paths
from secondme.settings import Settings
from secondme.vault import Vault
from tests.core.conftest import PASS, write
from tests.core.test_notes_crash import small_notes
from tests.core.test_notes_search import make_notes

REPO = Path(__file__).resolve().parents[2]


class _Gated:
    """The real embedder behind a gate: ``embed`` (phase 2's call) waits until the test opens
    it; ``texts`` records what was embedded. Queries (``embed_query``) pass straight through."""

    def __init__(self, embedder: Any, open_: bool = False) -> None:
        self._embedder = embedder
        self.name = embedder.name
        self.dim = embedder.dim
        self.gate = threading.Event()
        if open_:
            self.gate.set()
        self.texts: list[str] = []

    def embed(self, texts: list[str]) -> Any:
        assert self.gate.wait(120), "the test never opened the gate"
        self.texts.extend(texts)
        return self._embedder.embed(texts)

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._embedder, attr)


def _ctx(data_dir: Path, embedder: Any, init: bool = True) -> SecondMe:
    paths = Paths.at(data_dir)
    c = SecondMe(paths, Settings(debounce_seconds=0.1), Vault(paths.vault_file, None), embedder)
    if init:
        c.init(PASS)
    else:
        c.unlock(PASS)
    return c


def test_keyword_search_works_before_embeddings_and_says_semantic_is_incomplete(
        data_dir: Path, embedder: Any, tmp_path: Path) -> None:
    notes = make_notes(tmp_path / "notes")
    gated = _Gated(embedder)
    c = _ctx(data_dir, gated)
    try:
        c.notes.add_folder(str(tmp_path / "notes"))
        assert c.notes.wait_keyword_indexed(60)
        # Phase 2 is held at the gate: nothing embedded, yet every note is found by its words.
        assert c.store.scalar("SELECT COUNT(*) FROM chunks WHERE embedding IS NOT NULL") == 0
        hits = c.notes.search("San Marzano tomatoes", k=3)
        assert hits and hits[0].path == str(notes["garden"])
        assert c.notes.search("Falcon migration", k=3)[0].path == str(notes["org"])
        p = c.notes.progress()
        assert not p.semantic_complete and (p.semantic_done, p.semantic_total) == (0, 4)
        assert semantic_notice(c) == "semantic results still incomplete: 0 of 4 notes"
        assert c.session.indexes.keyword.count_docs() == 4
        assert c.session.indexes.vector.count() == 0

        gated.gate.set()
        assert c.notes.wait_indexed(120)
        p = c.notes.progress()
        assert p.semantic_complete and (p.semantic_done, p.semantic_total) == (4, 4)
        assert semantic_notice(c) is None
        chunks = c.store.scalar("SELECT COUNT(*) FROM chunks")
        assert c.session.indexes.vector.count() == chunks
        # Meaning alone (no shared word) now finds the note.
        assert c.notes.search("vacation in Portugal", k=3)[0].path == str(notes["trip"])

        # A deleted note leaves the whole-note index too.
        notes["org"].unlink()
        c.notes.reindex()
        assert c.notes.wait_indexed(60)
        assert c.session.indexes.keyword.count_docs() == 3
        assert all(h.path != str(notes["org"]) for h in c.notes.search("Falcon migration", k=5))
    finally:
        gated.gate.set()
        c.close()


def test_words_spread_over_a_note_rank_it_first(notes_ctx: SecondMe, tmp_path: Path) -> None:
    """Whole-note BM25: a note holding both query words in different sections (so in different
    chunks) beats notes of the same size that hold one of them, whose best chunk matches as
    well as any of its chunks does."""
    filler = " ".join(f"ordinary{i % 37} words about the week" for i in range(40))

    def note(name: str, first: str, last: str) -> Path:
        return write(tmp_path / "notes" / f"{name}.md",
                     f"# Trip {name}\n\n## Start\n\nWe left early{first}. {filler}\n\n"
                     f"## Middle\n\n{filler}\n\n## End\n\nOn the last day{last}. {filler}\n")

    both = note("both", " for Zanzibar", " a quokka came by")
    for i in range(3):
        note(f"z{i}", " for Zanzibar", "")
        note(f"q{i}", "", " a quokka came by")
    for i in range(20):  # the rest of a folder: neither word
        note(f"other{i}", "", "")
    notes_ctx.notes.add_folder(str(tmp_path / "notes"))
    assert notes_ctx.notes.wait_indexed(300)
    assert notes_ctx.store.scalar("SELECT MIN(n) FROM (SELECT COUNT(*) n FROM chunks GROUP BY document_id)") >= 2, \
        "every note spans several chunks"
    hits = notes_ctx.notes.search("zanzibar quokka", k=5)
    assert hits[0].path == str(both)
    # One result per note: a note is not repeated by its other chunks.
    paths = [h.path for h in hits]
    assert len(paths) == len(set(paths))


INDEXER = r"""
import sys
from secondme.app import build
ctx = build(sys.argv[1], use_keyring=False)
ctx.unlock(sys.argv[2])
ctx.notes.add_folder(sys.argv[3])
print("started", flush=True)
ctx.notes.wait_indexed()
print("finished", flush=True)
ctx.close()
"""


def _raw_counts(store_file: Path) -> tuple[int, int, int]:
    """(notes stored, chunks, chunks with a vector) read from the plain columns."""
    conn = sqlite3.connect(f"file:{store_file}?mode=ro", uri=True, timeout=5)
    try:
        docs = conn.execute("SELECT COUNT(*) FROM documents WHERE state = 'ok'").fetchone()[0]
        chunks, embedded = conn.execute("SELECT COUNT(*), COUNT(embedding) FROM chunks").fetchone()
        return int(docs), int(chunks), int(embedded)
    finally:
        conn.close()


def test_kill_during_embedding_resumes_without_redoing(tmp_path: Path, embedder: Any) -> None:
    files = small_notes(tmp_path / "notes", 400)
    d = tmp_path / "data"
    c = _ctx(d, None)
    c.close()
    script = tmp_path / "indexer.py"
    script.write_text(INDEXER)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, str(script), str(d), PASS, str(tmp_path / "notes")],
                            stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    killed = None
    try:
        assert proc.stdout.readline().strip() == "started"
        end = time.monotonic() + 300
        while proc.poll() is None and time.monotonic() < end:
            try:
                docs, chunks, embedded = _raw_counts(Paths.at(d).store_file)
            except sqlite3.OperationalError:
                time.sleep(0.02)
                continue
            if docs == len(files) and 0 < embedded < chunks:
                proc.send_signal(signal.SIGKILL)  # phase 1 done, phase 2 partway
                killed = (docs, chunks, embedded)
                break
            time.sleep(0.02)
    finally:
        if proc.poll() is None and killed is None:
            proc.kill()
        proc.wait()
        proc.stdout.close()
    assert killed is not None, "the run was killed while embedding"
    conn = sqlite3.connect(Paths.at(d).store_file)
    kept = dict(conn.execute("SELECT id, embedding FROM chunks WHERE embedding IS NOT NULL").fetchall())
    waiting = conn.execute("SELECT COUNT(*) FROM chunks WHERE embedding IS NULL").fetchone()[0]
    conn.close()
    assert kept and waiting

    counting = _Gated(embedder, open_=True)
    c = _ctx(d, counting, init=False)
    try:
        # Phase 1 finished before the kill: nothing to read again.
        assert c.notes.reindex() == 0
        p = c.notes.progress()
        assert not p.semantic_complete and p.semantic_total == len(files)
        assert c.notes.wait_indexed(300)
        # Only the chunks left waiting were embedded; the vectors made before the kill stayed.
        assert 0 < len(counting.texts) <= waiting
        ids = ",".join(map(str, kept))
        rows = dict(c.store.query(f"SELECT id, embedding FROM chunks WHERE id IN ({ids})"))
        assert all(rows[i] == blob for i, blob in kept.items()), "an embedding made before the kill was redone"
        total = c.store.scalar("SELECT COUNT(*) FROM chunks")
        assert c.store.scalar("SELECT COUNT(*) FROM chunks WHERE embedding IS NULL") == 0
        assert c.session.indexes.vector.count() == total
        assert c.session.indexes.keyword.count() == total
        assert c.notes.progress().semantic_complete
        assert c.notes.search("kw0123 tomatoes", k=3)[0].path == str(tmp_path / "notes" / "d4" / "note-0123.md")
    finally:
        c.close()

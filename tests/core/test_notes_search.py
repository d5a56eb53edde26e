"""Indexing a notes folder and searching it: formats, sources, snippets, filters, CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from secondme.app import SecondMe
from secondme.results import HL_END, HL_START, SearchFilters
from tests.core.conftest import PASS, write

REPO = Path(__file__).resolve().parents[2]

GARDEN = """---
title: Garden plan
tags: garden, spring
---
# Garden plan

## Tomatoes
Plant the San Marzano tomatoes in the raised bed by the shed in early May.
Water them every second evening.

## Compost
Turn the compost heap every fortnight; add coffee grounds from the office.
"""


def make_notes(root: Path) -> dict[str, Path]:
    return {
        "garden": write(root / "home" / "garden.md", GARDEN),
        "trip": write(root / "travel" / "lisbon.txt",
                      "Trip to Lisbon in October.\nStay near Alfama; visit the tile museum (Azulejo).\n"),
        "org": write(root / "work.org", "#+TITLE: Work log\n* Quarterly review\nPrepared slides about the Falcon migration.\n"),
        "html": write(root / "recipe.html",
                      "<html><head><title>Pancakes</title><script>var secret=1</script></head>"
                      "<body><h1>Pancakes</h1><p>Mix buckwheat flour with buttermilk.</p></body></html>"),
    }


def test_index_and_search_with_sources(notes_ctx: SecondMe, tmp_path: Path) -> None:
    notes = make_notes(tmp_path / "notes")
    notes_ctx.notes.add_folder(str(tmp_path / "notes"))
    assert notes_ctx.notes.wait_indexed(60)
    hits = notes_ctx.notes.search("San Marzano tomatoes", k=5)
    assert hits, "the note with the words is found"
    top = hits[0]
    assert top.path == str(notes["garden"]) and top.kind == "chunk"
    assert top.title == "Garden plan"
    assert top.heading.startswith("Garden plan")  # tiny sections merge under their parent
    assert top.line_start is not None and top.line_start <= 8 <= (top.line_end or 0)
    assert f"{HL_START}Marzano{HL_END}" in top.snippet or f"{HL_START}tomatoes{HL_END}" in top.snippet
    # Semantic: no shared keyword, still the right note.
    assert notes_ctx.notes.search("vacation in Portugal", k=3)[0].path == str(notes["trip"])
    assert notes_ctx.notes.search("Falcon migration", k=3)[0].path == str(notes["org"])
    html = notes_ctx.notes.search("buckwheat pancakes", k=3)[0]
    assert html.path == str(notes["html"]) and "secret" not in html.snippet
    # Filters: by type and folder.
    only_txt = notes_ctx.notes.search("tomatoes Lisbon", k=5, filters=SearchFilters(file_types=("text",)))
    assert only_txt and all(h.path == str(notes["trip"]) for h in only_txt)
    st = notes_ctx.notes.folders()[0]
    assert st.documents == 4 and st.chunks >= 4 and st.failed == 0


def test_date_filter(notes_ctx: SecondMe, tmp_path: Path) -> None:
    notes = make_notes(tmp_path / "notes")
    old = time.time() - 400 * 86400
    os.utime(notes["trip"], (old, old))
    notes_ctx.notes.add_folder(str(tmp_path / "notes"))
    assert notes_ctx.notes.wait_indexed(60)
    recent = notes_ctx.notes.search("Lisbon tomatoes", k=5, filters=SearchFilters(since=time.time() - 30 * 86400))
    assert recent and all(h.path != str(notes["trip"]) for h in recent)
    older = notes_ctx.notes.search("Lisbon", k=5, filters=SearchFilters(until=time.time() - 300 * 86400))
    assert [h.path for h in older] == [str(notes["trip"])]


def test_unchanged_files_are_not_reembedded_and_reopen_keeps_index(notes_ctx: SecondMe, tmp_path: Path) -> None:
    make_notes(tmp_path / "notes")
    notes_ctx.notes.add_folder(str(tmp_path / "notes"))
    assert notes_ctx.notes.wait_indexed(60)
    chunks_before = notes_ctx.store.scalar("SELECT COUNT(*) FROM chunks")
    changes_before = notes_ctx.store.last_change()
    notes_ctx.lock()
    notes_ctx.unlock(PASS)
    assert notes_ctx.notes.reindex() == 0, "nothing changed while closed"
    assert notes_ctx.notes.wait_indexed(60)
    assert notes_ctx.store.last_change() == changes_before
    assert notes_ctx.store.scalar("SELECT COUNT(*) FROM chunks") == chunks_before
    assert notes_ctx.notes.search("San Marzano", k=1)[0].title == "Garden plan"


class _Watched:
    """The real embedder; ``before_embed`` sees each list of texts before it reaches the model."""

    def __init__(self, embedder: Any, before_embed: Callable[[list[str]], None]) -> None:
        self._embedder = embedder
        self._before = before_embed
        self.name = embedder.name
        self.dim = embedder.dim

    def embed(self, texts: list[str]) -> Any:
        self._before(texts)
        return self._embedder.embed(texts)

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._embedder, attr)


def _context_with(data_dir: Path, embedder: Any) -> SecondMe:
    """A new data directory, unlocked, indexing with ``embedder``."""
    from secondme.paths import Paths
    from secondme.settings import Settings
    from secondme.vault import Vault

    paths = Paths.at(data_dir)
    c = SecondMe(paths, Settings(), Vault(paths.vault_file, None), embedder)
    c.init(PASS)
    return c


def test_repeated_chunks_are_embedded_once(data_dir: Path, embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A file of one endless word (or a template repeated) costs one embedding per distinct
    chunk text, and each chunk still gets its vector, findable by search."""
    seen: list[str] = []
    write(tmp_path / "notes" / "endless.txt", "x" * 400_000)
    write(tmp_path / "notes" / "plain.md", "# Plain\n\nA single ordinary note about kayaks.\n")
    c = _context_with(data_dir, _Watched(embedder, seen.extend))
    try:
        c.notes.add_folder(str(tmp_path / "notes"))
        assert c.notes.wait_indexed(120)
        rows = c.store.query("SELECT embedding FROM chunks")
        assert len(rows) > 20, "the endless word is cut into many chunks"
        assert all(r[0] for r in rows), "every chunk has its vector"
        assert len(seen) == len(set(seen)), "no text was embedded twice"
        assert len(seen) < len(rows) // 5
        assert c.notes.search("kayaks", k=1)[0].path == str(tmp_path / "notes" / "plain.md")
    finally:
        c.close()


def test_every_note_is_stored_before_embedding_and_vectors_commit_in_parts(data_dir: Path, embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Two-phase indexing: long notes are minutes of embedding on a laptop, so every note is
    stored (and keyword-searchable) before the first embedding call, and the vectors are then
    committed a batch at a time (a crash keeps what was embedded), not all at the end."""
    from secondme.notes import semantic

    stored_when_embedding: list[int] = []
    embedded_when_embedding: list[int] = []
    ctx: list[SecondMe] = []

    def count(texts: list[str]) -> None:  # what the store holds at each embedding call
        stored_when_embedding.append(ctx[0].store.scalar("SELECT COUNT(*) FROM documents WHERE state = 'ok'"))
        embedded_when_embedding.append(ctx[0].store.scalar("SELECT COUNT(*) FROM chunks WHERE embedding IS NOT NULL"))

    words = "harbor lantern orchard meadow copper violin glacier saddle ember quarry".split()
    n_notes = 6
    for i in range(n_notes):
        paragraphs = [" ".join(f"{words[(i + p + k) % len(words)]}{i}x{p}" for k in range(230))
                      for p in range(12)]
        write(tmp_path / "notes" / f"long-{i}.md", f"# Long note {i}\n\n" + "\n\n".join(paragraphs) + "\n")
    c = _context_with(data_dir, _Watched(embedder, count))
    ctx.append(c)
    try:
        c.notes.pause()  # every note queued first, so they make one batch
        c.notes.add_folder(str(tmp_path / "notes"))
        c.notes.resume()
        assert c.notes.wait_indexed(300)
        chunks = c.store.scalar("SELECT COUNT(*) FROM chunks")
        assert chunks > semantic.BATCH, "more chunks than one embedding batch holds"
        assert c.store.scalar("SELECT COUNT(*) FROM documents WHERE state = 'ok'") == n_notes
        assert stored_when_embedding[0] == n_notes, "every note was stored before any embedding"
        assert any(0 < n < chunks for n in embedded_when_embedding), \
            f"vectors were committed only once all were embedded: {embedded_when_embedding}"
        assert c.store.scalar("SELECT COUNT(*) FROM chunks WHERE embedding IS NULL") == 0
        assert c.session.indexes.vector.count() == chunks
        assert c.notes.progress().semantic_complete
    finally:
        c.close()


def test_cli_folders_index_search(data_dir: Path, tmp_path: Path) -> None:
    make_notes(tmp_path / "notes")
    env = {**os.environ, "PYTHONPATH": str(REPO), "SECONDME_PASSPHRASE": PASS}

    def run(*a: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "secondme", "--data-dir", str(data_dir), *a],
                              capture_output=True, text=True, env=env, timeout=300)

    assert run("init").returncode == 0
    r = run("folders", "add", str(tmp_path / "notes"))
    assert r.returncode == 0, r.stderr
    assert "run 'secondme index'" in r.stdout
    # As it says: the folder is recorded, not half-indexed by a command that exits at once.
    r = run("index", "status", "--json")
    assert json.loads(r.stdout)["folders"][0]["documents"] == 0
    r = run("index", "--wait", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["folders"][0]["documents"] == 4 and data["progress"]["failed"] == 0 and not data["failed"]
    r = run("search", "San Marzano", "-k", "2", "--json")
    assert r.returncode == 0, r.stderr
    hits = json.loads(r.stdout)
    assert hits[0]["path"].endswith("garden.md")
    r = run("index", "status", "--json")
    assert json.loads(r.stdout)["folders"][0]["documents"] == 4
    r = run("folders", "list")
    assert str(tmp_path / "notes") in r.stdout
    r = run("search", "x", "--since", "yesterday")
    assert r.returncode == 1 and "YYYY-MM-DD" in r.stderr


def test_folder_whose_name_is_not_utf8(notes_ctx: SecondMe, data_dir: Path, tmp_path: Path) -> None:
    """A folder named with Latin-1 bytes is added, listed, reopened and removed by its exact
    name (the CLI lists it without failing); its files are each reported with the reason
    (file names that are not valid UTF-8 are not indexed), and a good folder beside it is."""
    root = Path(os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9-notes"))
    make_notes(root)
    make_notes(tmp_path / "good")
    status = notes_ctx.notes.add_folder(str(root))
    assert status.path == str(root)
    notes_ctx.notes.add_folder(str(tmp_path / "good"))
    assert notes_ctx.notes.wait_indexed(60)
    by_path = {f.path: f for f in notes_ctx.notes.folders()}
    assert by_path[str(root)].documents == 4 and by_path[str(root)].failed == 4
    assert by_path[str(tmp_path / "good")].failed == 0
    reasons = {f.reason for f in notes_ctx.notes.failed_files()}
    assert reasons == {"the file name is not valid UTF-8 (rename the file to index it)"}
    assert notes_ctx.notes.search("San Marzano", k=1)[0].path == str(tmp_path / "good" / "home" / "garden.md")
    notes_ctx.lock()
    notes_ctx.unlock(PASS)
    assert sorted(f.path for f in notes_ctx.notes.folders()) == sorted([str(root), str(tmp_path / "good")])
    assert notes_ctx.notes.reindex() == 0, "the folder is found again by its exact bytes: nothing changed"
    assert notes_ctx.notes.wait_indexed(60)
    notes_ctx.close()

    env = {**os.environ, "PYTHONPATH": str(REPO), "SECONDME_PASSPHRASE": PASS, "LC_ALL": "C.UTF-8"}
    for args in (["folders", "list"], ["folders", "list", "--json"], ["index", "status"]):
        r = subprocess.run([sys.executable, "-m", "secondme", "--data-dir", str(data_dir), *args],
                           capture_output=True, env=env, timeout=120)
        assert r.returncode == 0, r.stderr.decode(errors="replace")
        assert b"Traceback" not in r.stderr
        if "--json" in args:
            listed = json.loads(r.stdout)
            rows = listed if isinstance(listed, list) else listed["folders"]
            assert os.fsencode(root) in {os.fsencode(f["path"]) for f in rows}
        else:
            assert os.fsencode(root) in r.stdout
    r = subprocess.run([sys.executable, "-m", "secondme", "--data-dir", str(data_dir), "folders", "remove",
                        os.fsencode(root)], capture_output=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr.decode(errors="replace")
    r = subprocess.run([sys.executable, "-m", "secondme", "--data-dir", str(data_dir), "folders", "list", "--json"],
                       capture_output=True, env=env, timeout=120)
    assert [f["path"] for f in json.loads(r.stdout)] == [str(tmp_path / "good")]


def test_a_store_from_before_the_chunk_index_upgrades_and_still_finds_its_notes(
        notes_ctx: SecondMe, tmp_path: Path) -> None:
    import sqlite3

    notes = make_notes(tmp_path / "notes")
    notes_ctx.notes.add_folder(str(tmp_path / "notes"))
    assert notes_ctx.notes.wait_indexed(60)
    notes_ctx.lock()
    raw = sqlite3.connect(notes_ctx.paths.store_file, isolation_level=None)
    raw.execute("DROP INDEX chunks_doc_of")  # the store as schema v7 left it
    raw.execute("PRAGMA user_version=7")
    raw.close()
    notes_ctx.unlock(PASS)
    assert notes_ctx.store.schema_version >= 8
    assert notes_ctx.store.scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'chunks_doc_of'") == 1
    hits = notes_ctx.notes.search("San Marzano tomatoes", k=5)
    assert hits and hits[0].path == str(notes["garden"])

"""Ingest end to end on real folders: the watcher and the walker ignore exactly the same paths
(one policy), each note file is opened once per ingest, and every outcome kind is reached by a
real file."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from secondme.app import SecondMe
from secondme.ingest import FORMATS, FailReason, Outcome
from secondme.paths import Paths
from secondme.settings import Settings
from secondme.vault import Vault
from tests.core.conftest import PASS, write
from tests.reliability.hostile_files import docx_paragraphs, minimal_pdf

SMALL_LIMIT = 4096  # bytes: what the oversized file is over

# (path under the watched folder, whether it is a note). One list for both sides.
CASES: list[tuple[str, bool]] = [
    ("plain.md", True),
    ("journal/2024/jan.org", True),
    ("Deep/Er/page.HTML", True),
    ("oversized.md", True),                       # passed on by both sides; the reader reports it
    (".hidden.md", False),
    (".obsidian/workspace.md", False),
    (".trash/old-note.md", False),
    ("project/.git/info/notes.md", False),         # a nested .git
    ("node_modules/pkg/readme.md", False),
    ("site/node_modules/lib/index.html", False),   # a nested node_modules
    ("x/__pycache__/y.txt", False),
    ("__MACOSX/archive.md", False),
    (".plain.md.swp", False),                      # vim's swap file
    ("plain.md~", False),                          # an editor's backup copy
    ("#plain.md#", False),                         # emacs' autosave
    ("~$report.docx", False),                      # Word's lock file
    ("photo.jpg", False),
]


@dataclass
class Sides:
    root: Path
    walked: set[Path]
    watched: set[Path]
    ctx: SecondMe


def _context(data: Path, embedder: Any) -> SecondMe:
    paths = Paths.at(data)
    c = SecondMe(paths, Settings(debounce_seconds=0.2), Vault(paths.vault_file, None), embedder)
    c.init(PASS)
    return c


@pytest.fixture(scope="module")
def sides(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[Sides]:
    """Every case written into a watched folder: what the real watcher passed to the indexer,
    and what the walker (reconcile's) finds in the same folder."""
    tmp = tmp_path_factory.mktemp("policy")
    ctx = _context(tmp / "data", embedder)
    root = tmp / "notes"
    for rel, _ in CASES:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)  # folders first: watched from the start
    ctx.notes.add_folder(str(root))
    indexer = ctx.session.indexer
    indexer.max_file_bytes = SMALL_LIMIT
    watched: set[Path] = set()
    enqueue = indexer.enqueue

    def recording_enqueue(path: str | os.PathLike[str], delay: float | None = None) -> None:
        # Only what the watcher's thread passes on (the indexer's own thread queues the files
        # of a folder that appears; there is none here).
        if threading.current_thread().name != "secondme-indexer":
            watched.add(Path(path))
        enqueue(path, delay)

    indexer.enqueue = recording_enqueue  # type: ignore[method-assign]
    ctx.notes.start_watching()
    for rel, _ in CASES:
        data = b"x" * (SMALL_LIMIT + 1) if rel == "oversized.md" else f"# {rel}\nA note called {rel}.\n".encode()
        (root / rel).write_bytes(data)
    marker = write(root / "zz-marker.md", "written last: once the watcher passed it on, it passed on the rest")
    end = time.monotonic() + 30
    while marker not in watched and time.monotonic() < end:
        time.sleep(0.05)
    assert marker in watched, "the watcher delivered nothing"
    assert ctx.notes.wait_indexed(60)
    walked = set(indexer.policy.walk(root))
    watched.discard(marker)
    walked.discard(marker)
    yield Sides(root, walked, watched, ctx)
    ctx.close()


@pytest.mark.parametrize(("rel", "is_note"), CASES, ids=[rel for rel, _ in CASES])
def test_watcher_and_walker_ignore_the_same_paths(sides: Sides, rel: str, is_note: bool) -> None:
    path = sides.root / rel
    assert (path in sides.walked) is is_note, "walker"
    assert (path in sides.watched) is is_note, "watcher"


def test_both_sides_saw_nothing_else_and_the_oversized_note_is_reported(sides: Sides) -> None:
    notes = {sides.root / rel for rel, is_note in CASES if is_note}
    assert sides.walked == notes
    assert sides.watched == notes
    failed = {f.path: f.reason for f in sides.ctx.notes.failed_files()}
    assert failed == {str(sides.root / "oversized.md"): "larger than the 4096 bytes limit"}
    assert sides.ctx.session.indexer.tally[Outcome.SKIPPED_TOO_LARGE] == 1


# --- a file is opened once per ingest ------------------------------------------------------------

_opened: list[str] | None = None  # while a test records: every path opened in this process


def _audit(event: str, args: tuple[Any, ...]) -> None:
    # Every open() of a file, by any thread and any API (builtins.open, io, os.open, pathlib),
    # raises the "open" audit event; os.scandir and stat do not.
    if event == "open" and _opened is not None and isinstance(args[0], (str, bytes, os.PathLike)):
        _opened.append(os.fsdecode(args[0]))


sys.addaudithook(_audit)  # a hook cannot be removed: it records only while _opened is a list


@pytest.fixture
def opens() -> Iterator[list[str]]:
    global _opened
    _opened = []
    try:
        yield _opened
    finally:
        _opened = None


def test_each_note_is_opened_once_per_ingest(notes_ctx: SecondMe, tmp_path: Path, opens: list[str]) -> None:
    root = tmp_path / "notes"
    files = {f"note{s}": f"# Note {s}\nThe {s.strip('.')} note about lighthouses.\n".encode()
             for f in FORMATS if f.name not in ("pdf", "docx") for s in f.suffixes}
    files["report.pdf"] = minimal_pdf("A report about lighthouses")
    files["letter.docx"] = docx_paragraphs(["A letter about lighthouses", "Second paragraph."])
    files["huge.md"] = b"y" * (SMALL_LIMIT + 1)
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    assert {Path(name).suffix.lower() for name in files} >= {s for f in FORMATS for s in f.suffixes}
    notes_ctx.session.indexer.max_file_bytes = SMALL_LIMIT
    opens.clear()
    notes_ctx.notes.add_folder(str(root))
    assert notes_ctx.notes.wait_indexed(60)
    counts = Counter(p for p in opens if Path(p).parent == root)
    assert counts == {str(root / name): 1 for name in files}
    tally = notes_ctx.session.indexer.tally
    assert tally[Outcome.INDEXED] == len(files) - 1 and tally[Outcome.SKIPPED_TOO_LARGE] == 1

    # An edit is read once more; the files that did not change are not opened at all.
    (root / "note.md").write_bytes(b"# Note\nNow about harbours.\n")
    opens.clear()  # (the write above is an open too)
    assert notes_ctx.notes.reindex() == 1
    assert notes_ctx.notes.wait_indexed(60)
    assert Counter(p for p in opens if Path(p).parent == root) == {str(root / "note.md"): 1}
    assert notes_ctx.notes.search("harbours", k=1)[0].path == str(root / "note.md")


# --- every outcome kind, each reached by a real file -----------------------------------------------


def _settle(ctx: SecondMe) -> dict[Outcome, int]:
    assert ctx.notes.wait_indexed(60)
    return ctx.session.indexer.tally


def test_every_outcome_kind_is_reached_by_a_real_file(notes_ctx: SecondMe, tmp_path: Path) -> None:
    ctx = notes_ctx
    indexer = ctx.session.indexer
    indexer.max_file_bytes = SMALL_LIMIT
    root = tmp_path / "notes"
    note = write(root / "note.md", "# Tides\nThe tide tables for Saint-Malo.\n")
    big = root / "big.md"
    big.write_bytes(b"z" * (SMALL_LIMIT + 1))
    binary = root / "binary.md"
    binary.write_bytes(b"\x00\x01\x02 not text" * 40)
    bad_name = Path(os.fsdecode(os.fsencode(root) + b"/caf\xe9.md"))
    bad_name.write_bytes(b"# Cafe\nA note whose name is Latin-1.\n")
    ctx.notes.add_folder(str(root))
    tally = _settle(ctx)
    assert tally == {Outcome.INDEXED: 1, Outcome.SKIPPED_TOO_LARGE: 1, Outcome.FAILED: 2}
    assert indexer.failures == {FailReason.TOO_LARGE: 1, FailReason.UNPARSABLE: 1, FailReason.BAD_NAME: 1}
    reasons = {f.path: f.reason for f in ctx.notes.failed_files()}
    assert reasons[str(big)] == "larger than the 4096 bytes limit"
    assert reasons[str(binary)] == "binary file"

    # Touched, not changed: only its size and time are refreshed.
    os.utime(note, (time.time() + 60, time.time() + 60))
    assert ctx.notes.reindex() == 1
    assert _settle(ctx)[Outcome.UNCHANGED] == 1

    # Renamed while nobody watched: the document follows the file.
    doc_id = ctx.store.scalar("SELECT id FROM documents WHERE format = 'markdown'")
    moved = root / "tides.md"
    note.rename(moved)
    ctx.notes.reindex()
    assert _settle(ctx)[Outcome.MOVED] == 1
    assert ctx.notes.search("Saint-Malo tide", k=1)[0].path == str(moved)
    assert ctx.store.scalar("SELECT id FROM documents WHERE format = 'markdown'") == doc_id

    # A file that is not a note, handed to the indexer, is left alone (and stored nowhere).
    hidden = write(root / ".draft.md", "# Draft\nA hidden draft about the Rance estuary.\n")
    indexer.enqueue(hidden, delay=0)
    assert _settle(ctx)[Outcome.SKIPPED_UNSUPPORTED] == 1
    assert not [h for h in ctx.notes.search("Rance estuary", k=3) if h.path == str(hidden)]

    # Deleted: its document goes.
    moved.unlink()
    ctx.notes.reindex()
    tally = _settle(ctx)
    assert tally[Outcome.REMOVED] == 1
    assert ctx.store.scalar("SELECT COUNT(*) FROM documents WHERE state = 'ok'") == 0
    progress = ctx.notes.progress()  # what the UI and CLI show: the kinds, counted as before
    assert (progress.done, progress.failed, progress.skipped) == (3, 3, 2)
    assert set(tally) == set(Outcome)

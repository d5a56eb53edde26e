"""Real watchdog on real temp folders: create, edit bursts, rename, move, delete, reconcile."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from secondme.app import SecondMe
from tests.core.conftest import PASS, write


def eventually(cond: Callable[[], bool], timeout: float = 20.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def paths_for(ctx: SecondMe, query: str) -> list[str]:
    return [h.path or "" for h in ctx.notes.search(query, k=5)]


@pytest.fixture
def watched(notes_ctx: SecondMe, tmp_path: Path) -> tuple[SecondMe, Path, Path]:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    notes_ctx.notes.add_folder(str(a))
    notes_ctx.notes.add_folder(str(b))
    notes_ctx.notes.start_watching()
    return notes_ctx, a, b


def test_create_edit_burst_rename_move_delete(watched: tuple[SecondMe, Path, Path]) -> None:
    ctx, a, b = watched
    f = write(a / "idea.md", "# Idea\nA bicycle courier app named Velocipede.\n")
    eventually(lambda: str(f) in paths_for(ctx, "Velocipede courier"))
    indexer = ctx.session.indexer
    before = indexer.processed_counts.get(str(f), 0)
    for i in range(10):  # ten saves within about half a second
        f.write_text(f"# Idea\nA bicycle courier app named Velocipede, draft {i}. Zanzibar pricing.\n")
        time.sleep(0.03)
    time.sleep(0.3)  # let the watcher deliver the last events
    assert ctx.notes.wait_indexed(30)
    assert paths_for(ctx, "Zanzibar pricing")[:1] == [str(f)]
    assert indexer.processed_counts[str(f)] - before == 1, "a burst of saves is read once"

    doc_id = ctx.store.scalar("SELECT id FROM documents")
    renamed = a / "velocipede.md"
    f.rename(renamed)
    eventually(lambda: paths_for(ctx, "Velocipede")[:1] == [str(renamed)])
    moved = b / "sub" / "velocipede.md"
    moved.parent.mkdir()
    shutil.move(str(renamed), str(moved))
    eventually(lambda: paths_for(ctx, "Velocipede")[:1] == [str(moved)])
    # A move keeps the document (and what is attached to it).
    assert ctx.store.scalar("SELECT id FROM documents") == doc_id
    assert ctx.store.scalar("SELECT COUNT(*) FROM documents") == 1
    moved.unlink()
    eventually(lambda: ctx.store.scalar("SELECT COUNT(*) FROM documents") == 0)
    assert ctx.store.scalar("SELECT COUNT(*) FROM chunks") == 0
    eventually(lambda: all(h.kind != "chunk" for h in ctx.notes.search("Velocipede", 5)))


def test_watched_folder_removed(watched: tuple[SecondMe, Path, Path]) -> None:
    ctx, _a, b = watched
    write(b / "x.md", "Notes about the Orinoco delta expedition.")
    eventually(lambda: bool(paths_for(ctx, "Orinoco delta")))
    shutil.rmtree(b)
    eventually(lambda: ctx.store.scalar("SELECT COUNT(*) FROM documents") == 0)


def test_changes_while_stopped_are_reconciled(notes_ctx: SecondMe, tmp_path: Path) -> None:
    root = tmp_path / "n"
    keep = write(root / "keep.md", "Keep: the Kilimanjaro climb diary.")
    edit = write(root / "edit.md", "Edit: original text about sourdough.")
    gone = write(root / "gone.md", "Gone: the Patagonia trip.")
    mover = write(root / "mover.md", "Mover: notes on Byzantine mosaics.")
    notes_ctx.notes.add_folder(str(root))
    assert notes_ctx.notes.wait_indexed(60)
    mover_id = notes_ctx.store.scalar("SELECT COUNT(*) FROM documents")
    assert mover_id == 4
    notes_ctx.lock()
    # While closed: edit, delete, move, create.
    edit.write_text("Edit: now about rye bread and caraway.")
    gone.unlink()
    (root / "archive").mkdir()
    mover.rename(root / "archive" / "mosaics.md")
    new = write(root / "new.md", "New: plans for the Hokkaido ski week.")
    notes_ctx.unlock(PASS)
    notes_ctx.notes.start_watching()
    assert notes_ctx.notes.wait_indexed(60)
    time.sleep(0.3)
    assert notes_ctx.notes.wait_indexed(60)
    assert paths_for(notes_ctx, "caraway rye")[0] == str(edit)
    assert paths_for(notes_ctx, "Hokkaido ski")[0] == str(new)
    assert paths_for(notes_ctx, "Byzantine mosaics")[0] == str(root / "archive" / "mosaics.md")
    assert str(gone) not in paths_for(notes_ctx, "Patagonia trip")
    assert paths_for(notes_ctx, "Kilimanjaro")[0] == str(keep)
    assert notes_ctx.store.scalar("SELECT COUNT(*) FROM documents") == 4

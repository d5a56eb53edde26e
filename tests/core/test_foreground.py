"""Background work steps aside while a search a person waits on is in flight."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from secondme.app import SecondMe
from secondme.threads import Foreground
from tests.core.conftest import write


def test_step_aside_returns_at_once_when_no_search_runs() -> None:
    fg = Foreground(max_wait_s=5.0)
    t0 = time.monotonic()
    assert fg.step_aside() == 0.0
    assert time.monotonic() - t0 < 0.5


def test_step_aside_waits_for_the_search_and_no_longer() -> None:
    fg = Foreground(max_wait_s=5.0)
    started, release = threading.Event(), threading.Event()

    def search() -> None:
        with fg.searching():
            started.set()
            release.wait(10)

    t = threading.Thread(target=search)
    t.start()
    started.wait(5)
    threading.Timer(0.3, release.set).start()
    waited = fg.step_aside()
    t.join(5)
    assert 0.2 <= waited < 4.0, waited  # until the search ended, not the whole 5 s
    assert fg.active == 0


def test_step_aside_gives_up_after_its_longest_wait() -> None:
    # Searches that never stop must not stop indexing: each yield point waits at most max_wait_s.
    fg = Foreground(max_wait_s=0.1)
    with fg.searching():
        waited = fg.step_aside()
    assert 0.08 <= waited < 2.0, waited


def test_indexing_steps_aside_for_searches_and_still_finishes(notes_ctx: SecondMe, tmp_path: Path) -> None:
    for i in range(60):
        write(tmp_path / "notes" / f"n{i:03}.md", f"# Note {i}\nThe heron count on day {i} was {i * 3}.\n")
    fg = notes_ctx.session.foreground
    stop = threading.Event()

    def searcher() -> None:
        while not stop.is_set():
            notes_ctx.notes.search("heron count", k=5)

    t = threading.Thread(target=searcher)
    t.start()
    try:
        notes_ctx.notes.add_folder(str(tmp_path / "notes"))
        assert notes_ctx.notes.wait_indexed(120), "indexing finishes under a steady stream of searches"
    finally:
        stop.set()
        t.join(30)
    assert fg.waited_s > 0, "the indexer waited for searches in flight"
    assert len(notes_ctx.notes.search("heron count", k=100)) >= 10

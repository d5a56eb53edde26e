"""The vector index's process dying (killed, out of memory) costs nothing the person sees:
search answers from keywords meanwhile, a new process is started and refilled from the store,
and new notes, sealing and reopening work as before."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import psutil

from secondme.app import SecondMe
from tests.core.conftest import PASS, write
from tests.core.test_notes_search import make_notes


def wait_until(cond: Callable[[], bool], timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.05)


def vectors_expected(ctx: SecondMe) -> int:
    return int(ctx.store.scalar("SELECT COUNT(*) FROM chunks WHERE embedding IS NOT NULL")) + int(
        ctx.store.scalar("SELECT COUNT(*) FROM memories WHERE embedding IS NOT NULL"))


def kill_vector_process(ctx: SecondMe) -> object:
    vec = ctx.session.indexes.vector
    proc = psutil.Process(vec.pid)  # type: ignore[union-attr]
    os.kill(proc.pid, signal.SIGKILL)

    def gone() -> bool:
        try:
            return proc.status() == psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return True

    wait_until(gone)
    return vec


def rebuilt(ctx: SecondMe, dead: object) -> bool:
    idx = ctx.session.indexes
    return (idx.vector is not dead and idx.watermark == ctx.store.last_change()
            and idx.vector.count() == vectors_expected(ctx))


def test_search_survives_the_vector_process_dying(notes_ctx: SecondMe, tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    make_notes(notes)
    notes_ctx.notes.add_folder(str(notes))
    assert notes_ctx.notes.wait_indexed(60)
    notes_ctx.session.sync.catch_up()
    expected = vectors_expected(notes_ctx)
    assert expected > 0 and notes_ctx.session.indexes.vector.count() == expected

    # Killed while idle: the next search still answers (from keywords), then it is rebuilt.
    dead = kill_vector_process(notes_ctx)
    hits = notes_ctx.notes.search("San Marzano tomatoes", k=3)
    assert hits and hits[0].title == "Garden plan"
    wait_until(lambda: rebuilt(notes_ctx, dead))
    qv = notes_ctx.embedder.embed_query("San Marzano tomatoes in the raised bed")  # type: ignore[union-attr]
    assert notes_ctx.session.indexes.vector.query(qv, 1), "the new vector index answers"

    # Killed while changes are being applied: the sync thread replaces it and goes on.
    dead = kill_vector_process(notes_ctx)
    write(notes / "fresh.md", "# Fresh\nThe quokka census on Rottnest Island.\n")
    notes_ctx.notes.reindex()
    assert notes_ctx.notes.wait_indexed(60)
    wait_until(lambda: rebuilt(notes_ctx, dead))
    assert notes_ctx.notes.search("quokka census", k=1)[0].title == "Fresh"

    # Sealing and reopening work with the new process: the same vectors come back.
    count = notes_ctx.session.indexes.vector.count()
    notes_ctx.lock()
    notes_ctx.unlock(PASS)
    notes_ctx.session.sync.catch_up()
    assert notes_ctx.session.indexes.vector.count() == count == vectors_expected(notes_ctx)

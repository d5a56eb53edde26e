"""Disk full: the data directory on a small tmpfs that fills up while notes are indexed and
while things are remembered.

What a person must see: writes fail with a clear message (``remember()`` raises ``DiskFull``,
the command line says the disk is full, the indexer reports it and keeps its queue), nothing
already saved is lost, search keeps working, and once space is freed everything continues by
itself: indexing completes, remembering works, the data reopens. Mounting needs root (CI runs
as root): without it the test fails under CI (``CI=true``) and is skipped elsewhere.
Figures: one JSON line, also written to ``$SECONDME_TEST_ARTIFACTS/disk_full.json``.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from secondme.app import SecondMe, build
from secondme.errors import DiskFull
from tests.reliability import crash_checks as checks
from tests.reliability.crash_harness import PASS, REPO, note_path, publish, write_notes

NOTES = 150
SIZE = "12m"

pytestmark = [pytest.mark.slow]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mnt = tmp_path / "small"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SIZE},mode=0700", "tmpfs", str(mnt)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        reason = f"cannot mount a {SIZE} tmpfs here (needs root): {r.stderr.strip() or r.returncode}"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        yield mnt
    finally:
        if subprocess.run(["umount", str(mnt)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(mnt)], check=False)


def fill(mnt: Path, leave: int = 0) -> Path:
    """Write a file until the disk has at most ``leave`` bytes left."""
    filler = mnt / f"filler-{time.monotonic_ns()}"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (1 << 20, 1 << 16, 1 << 12):
            try:
                while os.statvfs(mnt).f_bavail * os.statvfs(mnt).f_frsize - size >= leave:
                    os.write(fd, b"\0" * size)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
    finally:
        os.close(fd)
    return filler


def ok_docs(ctx: SecondMe) -> set[str]:
    return {os.fsdecode(r["path"]) for r in ctx.store.select("documents", "state = 'ok'", columns=("path",))}


def wait_until(cond, timeout: float, what: str) -> float:  # type: ignore[no-untyped-def]
    t0 = time.monotonic()
    while not cond():
        assert time.monotonic() - t0 < timeout, f"timed out waiting for {what}"
        time.sleep(0.02)
    return time.monotonic() - t0


def cli_remember(data: Path, text: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "SECONDME_PASSPHRASE": PASS, "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "secondme", "--data-dir", str(data), "remember", text],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=300)


def test_disk_full_while_indexing_and_remembering(small_disk: Path, tmp_path: Path,
                                                  request: pytest.FixtureRequest) -> None:
    notes = tmp_path / "notes"
    write_notes(notes, range(NOTES), rev=0)
    data = small_disk / "data"
    ctx = build(str(data), use_keyring=False)
    ctx.init(PASS)
    figures: dict[str, object] = {"suite": "disk_full", "tmpfs": SIZE}
    try:
        remembered = {ctx.memory.remember(f"Before the disk filled up, item {i}: the spare key is in drawer {i}."): i
                      for i in range(5)}

        # 1. The disk fills up while the folder is being indexed.
        ctx.notes.add_folder(str(notes))
        wait_until(lambda: len(ok_docs(ctx)) >= 16, 300, "the first notes to be indexed")
        filler = fill(small_disk)
        before = ok_docs(ctx)
        figures["docs_before_full"] = len(before)
        assert len(before) < NOTES, "the disk should fill up mid-run (make the notes bigger)"
        waited = wait_until(lambda: ctx.notes.progress().error is not None, 60,
                            "the indexer to report the full disk")
        progress = ctx.notes.progress()
        assert "disk is full" in str(progress.error)
        figures["indexer_reported_s"] = round(waited, 2)
        # It keeps its queue (the notes are not its fault: none is recorded as failed).
        assert progress.queued > 0
        assert ctx.notes.failed_files() == []

        # 2. Remembering fails with a clear error; so does the command line.
        with pytest.raises(DiskFull, match="disk is full"):
            ctx.memory.remember("This will not fit: the disk is full.")
        r = cli_remember(data, "Nor will this.")
        assert r.returncode == 1, r.stderr
        assert "secondme: the disk is full" in r.stderr and "Traceback" not in r.stderr, r.stderr

        # 3. Nothing already saved is lost, and search still works.
        assert ctx.store.integrity_check() == ["ok"]
        assert before <= ok_docs(ctx)
        have = {m.id for m in ctx.memory.memories(kind="message", limit=1000)}
        assert set(remembered) <= have
        some = sorted(before)[0]
        kw = Path(some).stem.replace("note-", "kw")
        assert any(h.path == some for h in ctx.notes.search(kw, k=5)), "committed notes stay searchable"
        assert ctx.memory.recall("spare key drawer 3", k=5), "remembered items stay searchable"

        # 4. Space is freed: indexing completes by itself, remembering works again.
        filler.unlink()
        t0 = time.monotonic()
        assert ctx.notes.wait_indexed(300)
        figures["resumed_in_s"] = round(time.monotonic() - t0, 2)
        assert ok_docs(ctx) == {str(note_path(notes, i)) for i in range(NOTES)}
        assert ctx.notes.progress().error is None
        mid = ctx.memory.remember("After freeing space: the bike is at the north gate.")
        assert any(h.id == mid for h in ctx.memory.recall("where is the bike", k=5))

        # 5. The disk fills up while remembering, the app itself filling it.
        filler = fill(small_disk, leave=256 * 1024)
        acked: list[int] = []
        with pytest.raises(DiskFull, match="disk is full"):
            for i in range(10_000):
                acked.append(ctx.memory.remember(f"Filling item {i}: " + "lorem ipsum dolor sit amet " * 60))
        figures["remembered_until_full"] = len(acked)
        assert acked, "some items fit before the disk was full"
        have = {m.id for m in ctx.memory.memories(kind="message", limit=100_000)}
        assert set(acked) <= have
        filler.unlink()
        acked.append(ctx.memory.remember("Space again: the passport is in the blue folder."))
        ctx.notes.wait_indexed(60)
        checks.check_open(ctx)
        checks.lock_and_check_snapshot(ctx, tmp_path)
    finally:
        ctx.close()

    # 6. It reopens with everything.
    ctx = build(str(data), use_keyring=False)
    try:
        ctx.unlock(PASS)
        checks.check_open(ctx)
        assert len(ok_docs(ctx)) == NOTES
        have = {m.id for m in ctx.memory.memories(kind="message", limit=100_000)}
        assert set(remembered) | set(acked) <= have
        assert ctx.notes.search("passport blue folder", k=3)
        checks.lock_and_check_snapshot(ctx, tmp_path)
    finally:
        ctx.close()
    figures["lost"] = 0
    publish("disk_full.json", figures, request.config.pluginmanager.get_plugin("terminalreporter"))

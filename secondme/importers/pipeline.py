"""Running one import: read in batches, store each batch (skipping what is already stored),
report progress, and stop cleanly when cancelled.

Each batch is committed on its own, so an import killed halfway keeps what it stored; running
it again reads the file from the start and the store's de-duplication (same source, text and
exact time) skips what is already there, so it resumes where it stopped.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from secondme.importers.base import ConversationCount, ImporterSpec, ImportReport, Tally
from secondme.memory.items import NewMemory

BATCH = 256
Progress = Callable[[int, int], None]


def run_import(spec: ImporterSpec, path: Path, add_batch: Callable[[Sequence[NewMemory]], list[bool]], *,
               progress: Progress | None = None, cancel: threading.Event | None = None,
               batch: int | None = None) -> ImportReport:
    """Import ``path`` with ``spec``; ``add_batch`` stores a batch and says which were new."""
    started = time.monotonic()
    batch = batch or BATCH
    tally = Tally()
    report = ImportReport(kind=spec.kind)
    if spec.check is not None:
        spec.check(path, tally)
    if progress is not None:
        progress(0, tally.total)
    convs: dict[str, ConversationCount] = {}
    buf: list[NewMemory] = []

    def flush() -> None:
        fresh = add_batch(buf)
        for m, new in zip(buf, fresh, strict=True):
            cid = str(m.meta.get("conversation") or m.source or "")
            c = convs.get(cid)
            if c is None:
                c = convs[cid] = ConversationCount(cid, str(m.meta.get("title") or ""))
            c.read += 1
            c.added += int(new)
            report.added += int(new)
        buf.clear()
        if progress is not None:
            progress(tally.done, max(tally.total, tally.done))

    items = spec.read(path, tally)
    try:
        for m in items:
            report.read += 1
            buf.append(m)
            if len(buf) >= batch:
                flush()
                if cancel is not None and cancel.is_set():
                    report.cancelled = True
                    break
        if buf:
            flush()
    finally:
        close = getattr(items, "close", None)
        if close is not None:
            close()  # a reader stopped early closes its file now
    report.already = report.read - report.added
    report.skipped = dict(tally.skipped.most_common())
    report.conversations = sorted(convs.values(), key=lambda c: (-c.read, c.conversation))
    report.seconds = time.monotonic() - started
    return report

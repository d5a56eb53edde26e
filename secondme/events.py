"""What the core reports while it works: the event kinds and the event object listeners get.

The core calls its listeners with an :class:`Event` (``SecondMe.subscribe``); ``ui/bridge.py``
turns them into Qt signals and the CLI prints some of them. The kinds are a closed set so a
typo in an emitter or a listener is a type error, not an event nobody hears.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol


class EventKind(StrEnum):
    """Every kind of event the core emits (the values are what listeners have always seen)."""

    UNLOCKED = "unlocked"
    LOCKED = "locked"
    INDEX_PROGRESS = "index.progress"  # data: progress=IndexProgress
    INDEX_CHANGED = "index.changed"  # the indexes took in new or changed rows
    JOB_PROGRESS = "job.progress"  # data: the job's own event (see jobs.pipeline.JobEvent)
    KEY_ROTATED = "key.rotated"  # data: generation=int
    BACKUP_IMPORTED = "backup.imported"  # data: replaced=str | None (where the old data went)


@dataclass
class Event:
    """A small notification from the core (``ui/`` turns these into Qt signals)."""

    kind: EventKind
    data: dict[str, Any] = field(default_factory=dict)


class Emit(Protocol):
    """How a part of the core reports an event (``SecondMe.emit``)."""

    def __call__(self, kind: EventKind, /, **data: Any) -> None:
        """Report an event of ``kind`` with ``data``."""
        ...

"""What every importer shares: the tally of what was read and skipped, times, ids, sources.

A reader is a generator of :class:`NewMemory` that takes the path and a :class:`Tally`. It
counts what it leaves out (``tally.skip(reason)``) and how far it is (``tally.done`` of
``tally.total`` items of its input), so the import can show progress and say afterwards what
was skipped and why. Readers stream their input: a 500 MB export is never held in memory.
"""

from __future__ import annotations

import hashlib
import io
import logging
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from secondme.errors import UserError
from secondme.memory.items import NewMemory

log = logging.getLogger("secondme.importers")


def conversation_source(conversation: str) -> str:
    """The source of every message of one conversation: forgetting it forgets the whole chat."""
    return f"conversation:{conversation}"


def parse_time(value: Any) -> float | None:
    """Epoch seconds from a number or an ISO 8601 string (naive strings are local time)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("not a time")
    if isinstance(value, (int, float)):
        v = float(value)
        return v / 1000.0 if v > 1e11 else v  # milliseconds from some exporters
    s = str(value).strip()
    try:
        return float(s)
    except ValueError:
        pass
    if s.endswith("Z"):
        s = s[:-1] + "+00:00"
    return datetime.fromisoformat(s).timestamp()


def stable_id(*parts: Any) -> str:
    """A short id from what identifies an item in its export, the same on every re-import."""
    h = hashlib.blake2b(digest_size=10)
    for p in parts:
        h.update(str(p).encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


class Tally:
    """Progress and the reasons items were left out, filled in by a reader as it goes."""

    def __init__(self) -> None:
        """Nothing counted yet: ``done`` of ``total`` items, ``skipped`` by reason."""
        self.done = 0
        self.total = 0
        self.skipped: Counter[str] = Counter()

    def skip(self, reason: str, n: int = 1) -> None:
        """Count ``n`` items left out for ``reason`` (shown to the person, so say it plainly)."""
        self.skipped[reason] += n


class Sequencer:
    """Sub-second offsets for items that share a time stamp in one conversation.

    Many exports keep only minutes (WhatsApp) or seconds. The store recognises an item already
    imported by its source, text and exact time, so two people answering "ok" in the same
    minute would look like one message. The k-th item with the same conversation and time
    gets ``time + k/1000``: distinct, and the same on every re-import of the same export.
    """

    def __init__(self) -> None:
        """Holds the last time stamp seen per conversation and how often it repeated."""
        self._last: dict[str, tuple[float, int]] = {}

    def at(self, conversation: str, t: float) -> float:
        """``t`` made distinct within ``conversation``: the k-th repeat of the same time gets ``t + k/1000``."""
        prev = self._last.get(conversation)
        k = prev[1] + 1 if prev is not None and prev[0] == t else 0
        self._last[conversation] = (t, k)
        return t + k / 1000.0 if k else t


@dataclass(frozen=True)
class ImporterSpec:
    """One import format: its kind (the CLI word), how people recognise it, and its reader."""

    kind: str
    label: str
    help: str
    read: Callable[[Path, Tally], Iterator[NewMemory]]
    patterns: tuple[str, ...] = ()      # file dialog filters, e.g. ("*.json",)
    folder: bool = False                # the input is a folder (of .eml files), or one file
    # A first pass that validates the whole input and counts its items (``tally.total``), so a
    # damaged file stops the import before anything of it is stored.
    check: Callable[[Path, Tally], None] | None = None


@dataclass
class ConversationCount:
    """How many items of one conversation (chat, thread, calendar) were read and added."""

    conversation: str
    title: str = ""
    read: int = 0
    added: int = 0


@dataclass
class ImportReport:
    """What one import did: read, added, already there, skipped (by reason), per conversation."""

    kind: str
    read: int = 0
    added: int = 0
    already: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    conversations: list[ConversationCount] = field(default_factory=list)
    cancelled: bool = False
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form for ``--json`` and the UI (seconds rounded to milliseconds)."""
        return {"kind": self.kind, "read": self.read, "added": self.added, "already": self.already,
                "skipped": dict(self.skipped), "skipped_total": self.skipped_total,
                "conversations": [vars(c).copy() for c in self.conversations],
                "cancelled": self.cancelled, "seconds": round(self.seconds, 3)}

    @property
    def skipped_total(self) -> int:
        """Items left out, all reasons together."""
        return sum(self.skipped.values())

    def summary(self) -> str:
        """One line for a person: ``imported 12 messages (14 read, 2 already in memory, …)``."""
        extra = [f"{self.read} read"]
        if self.already:
            extra.append(f"{self.already} already in memory")
        if self.skipped:
            extra.append(f"{self.skipped_total} skipped")
        text = f"imported {self.added} message{'s' if self.added != 1 else ''} ({', '.join(extra)})"
        return text + (", stopped before the end: run it again to go on" if self.cancelled else "")


# --- opening inputs --------------------------------------------------------------------------------
def open_binary(path: Path) -> IO[bytes]:
    """The file opened for reading bytes. Raises :class:`UserError` for a folder or an unreadable file."""
    try:
        return open(path, "rb")
    except IsADirectoryError:
        raise UserError(f"{path} is a folder; this import reads a file") from None
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from exc


def zip_member(path: Path, choose: Callable[[list[str]], str | None], what: str) -> tuple[zipfile.ZipFile, str]:
    """The archive and the name of the member ``choose`` picks (a UserError when none fits)."""
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise UserError(f"{path.name} is not a readable .zip archive ({exc})") from exc
    name = choose([i.filename for i in zf.infolist() if not i.is_dir()])
    if name is None:
        zf.close()
        raise UserError(f"{path.name} holds no {what}")
    return zf, name


def text_lines(raw: IO[bytes]) -> Iterator[str]:
    """Lines of a UTF-8 text stream (a byte-order mark and CRLF endings allowed); undecodable
    bytes become U+FFFD rather than stopping the import."""
    with io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline=None) as fh:
        yield from fh


def file_size(path: Path) -> int:
    """The file's size in bytes, or 0 when it cannot be read (for progress only)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0

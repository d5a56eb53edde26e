"""JSON Lines messages: ``{id, conversation, time, speaker, text}`` per line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from secondme.errors import UserError
from secondme.importers.base import Tally, conversation_source, open_binary, parse_time, text_lines
from secondme.memory.items import NewMemory


def _records(path: Path) -> Iterator[tuple[int, dict[str, object] | None, str | None]]:
    """(line number, record, error) for each non-blank line."""
    for n, line in enumerate(text_lines(open_binary(path)), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict):
                raise ValueError("not an object")
            str(obj["text"])
            parse_time(obj.get("time"))
        except (ValueError, KeyError, TypeError) as exc:
            yield n, None, exc.__class__.__name__
            continue
        yield n, obj, None


def _bad(path: Path, n: int, why: str) -> UserError:
    return UserError(f"{path.name}, line {n}: not a message record ({why}); "
                     "expected {id, conversation, time, speaker, text}")


def check(path: Path, tally: Tally) -> None:
    """A first pass: every line must be a record (so a damaged file imports nothing)."""
    total = 0
    for n, obj, err in _records(path):
        if obj is None:
            raise _bad(path, n, err or "")
        total += 1
    tally.total = total


def read(path: Path, tally: Tally) -> Iterator[NewMemory]:
    """The messages of the file; a malformed line stops with its line number."""
    for n, obj, err in _records(path):
        if obj is None:
            raise _bad(path, n, err or "")
        tally.done += 1
        text = str(obj["text"])
        if not text.strip():
            tally.skip("empty message")
            continue
        conv = str(obj.get("conversation") or path.stem)
        yield NewMemory(text=text, kind="message", at=parse_time(obj.get("time")),
                        speaker=str(obj["speaker"]) if obj.get("speaker") else None,
                        source=conversation_source(conv),
                        source_id=str(obj["id"]) if obj.get("id") is not None else None,
                        meta={"conversation": conv})

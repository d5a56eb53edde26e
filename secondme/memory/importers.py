"""The first two importers, kept here for their old call sites: the readers now live in
:mod:`secondme.importers` (one module per format)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from secondme.importers import chatgpt, jsonl
from secondme.importers.base import Tally, conversation_source, parse_time
from secondme.memory.items import NewMemory

__all__ = ["conversation_source", "parse_time", "read_chatgpt", "read_messages"]


def read_messages(path: Path) -> Iterator[NewMemory]:
    """``{id, conversation, time, speaker, text}`` per line; blank lines are skipped."""
    return jsonl.read(path, Tally())


def read_chatgpt(path: Path) -> Iterator[NewMemory]:
    """Messages of a ChatGPT export, the kept branch of each conversation, in order."""
    return chatgpt.read(path, Tally())

"""Streaming JSON for the exports that are one big JSON document (Claude, ChatGPT, Telegram,
Google Takeout): a validating first pass that counts the items, then items one at a time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import ijson

from secondme.errors import UserError
from secondme.importers.base import open_binary


def first_char(raw: IO[bytes]) -> str:
    """The first non-blank character of a JSON document (``[`` or ``{``), the stream rewound."""
    head = raw.read(4096)
    raw.seek(0)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return chr(text[0]) if text else ""


def damaged(path: Path, what: str, exc: Exception, raw: IO[bytes] | None = None) -> UserError:
    """The error to raise for a JSON file that stops parsing part-way, saying where when ``raw`` is given."""
    where = ""
    if raw is not None:
        try:
            where = f" near byte {raw.tell():,}"
        except (OSError, ValueError):
            pass
    return UserError(f"{path.name} is not a readable {what}: the JSON is damaged{where} "
                     f"({exc.__class__.__name__}). Nothing was imported from it.")


def count_maps(path: Path, prefixes: set[str], what: str) -> int:
    """Read the whole document once, checking it is well-formed JSON, and count the objects
    that start at one of ``prefixes`` (ijson prefixes, e.g. ``item.chat_messages.item``)."""
    n = 0
    with open_binary(path) as raw:
        try:
            for prefix, event, _value in ijson.parse(raw, use_float=True):
                if event == "start_map" and prefix in prefixes:
                    n += 1
        except (ijson.JSONError, ValueError, UnicodeDecodeError) as exc:
            raise damaged(path, what, exc, raw) from None
    return n


def items(raw: IO[bytes], prefix: str) -> Iterator[Any]:
    """The values at ``prefix`` one by one (floats as floats, not Decimals)."""
    yield from ijson.items(raw, prefix, use_float=True)

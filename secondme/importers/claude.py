"""A Claude data export's ``conversations.json`` (Settings → Privacy → Export data).

The file is a JSON array of conversations::

    {"uuid", "name", "summary", "created_at", "updated_at", "account": {"uuid"},
     "chat_messages": [{"uuid", "sender": "human" | "assistant", "text",
                        "content": [{"type": "text", "text"}, {"type": "thinking", ...},
                                    {"type": "tool_use", ...}, {"type": "tool_result", ...}],
                        "created_at", "updated_at",
                        "attachments": [{"file_name", "file_size", "file_type", "extracted_content"}],
                        "files": [{"file_name"}]}]}

Odd corners: newer exports leave ``text`` empty and put the words in ``content`` blocks; older
ones have only ``text``; artifacts and tool calls appear in ``text`` as the line "This block is
not supported on your current device yet."; a conversation's ``name`` may be empty; uploaded
images come as ``files`` without their bytes; pasted or uploaded text comes as an attachment's
``extracted_content``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from secondme.errors import UserError
from secondme.importers import jsonfile
from secondme.importers.base import Tally, conversation_source, open_binary, parse_time
from secondme.memory.items import NewMemory

WHAT = "Claude export (conversations.json)"
SPEAKERS = {"human": "user", "user": "user", "assistant": "assistant"}
# What the export writes where an artifact or a tool call was: not the conversation's words.
_UNSUPPORTED = re.compile(r"```\s*\n?This block is not supported on your current device yet\.?\s*\n?```|"
                          r"^This block is not supported on your current device yet\.?\s*$", re.M)
ATTACHMENT_LIMIT = 20_000


def check(path: Path, tally: Tally) -> None:
    """Validate the whole export and count its messages. Raises :class:`UserError` when it is not JSON."""
    with open_binary(path) as raw:
        top = jsonfile.first_char(raw)
    if top not in ("[", "{"):
        raise UserError(f"{path.name} is not a {WHAT}: it is not JSON")
    prefixes = ({"item.chat_messages.item"} if top == "[" else
                {"conversations.item.chat_messages.item", "chat_messages.item"})
    tally.total = jsonfile.count_maps(path, prefixes, WHAT)


def conversations(path: Path) -> Iterator[Any]:
    """The export's conversations, streamed from a top-level list; an object form (one conversation, or
    ``{"conversations": [...]}``) is read whole."""
    with open_binary(path) as raw:
        if jsonfile.first_char(raw) == "[":
            yield from jsonfile.items(raw, "item")
            return
        try:
            data = json.load(raw)
        except ValueError as exc:
            raise UserError(f"{path.name} is not a {WHAT} (not JSON)") from exc
    # One conversation on its own, or {"conversations": [...]} from some tools' re-exports.
    if isinstance(data, dict) and isinstance(data.get("conversations"), list):
        yield from data["conversations"]
    else:
        yield data


def read(path: Path, tally: Tally) -> Iterator[NewMemory]:
    """Each conversation's messages and text attachments, in order. Raises :class:`UserError` when
    nothing in the file is a conversation."""
    found = other = 0
    for conv in conversations(path):
        if not isinstance(conv, dict) or not isinstance(conv.get("chat_messages"), list):
            other += 1
            tally.skip("not a conversation")
            continue
        found += 1
        yield from _conversation(conv, tally)
    if other and not found:
        raise UserError(f"{path.name} is not a {WHAT}: nothing in it has chat_messages")


def _conversation(conv: dict[str, Any], tally: Tally) -> Iterator[NewMemory]:
    cid = str(conv.get("uuid") or conv.get("name") or "claude")
    title = str(conv.get("name") or "")
    conversation = f"claude:{cid}"
    default_at = _time(conv.get("created_at"))
    for i, msg in enumerate(conv["chat_messages"]):
        tally.done += 1
        if not isinstance(msg, dict):
            tally.skip("not a message")
            continue
        speaker = SPEAKERS.get(str(msg.get("sender") or ""))
        if speaker is None:
            tally.skip(f"{msg.get('sender') or 'unknown'} message (not the conversation)")
            continue
        at = _time(msg.get("created_at"))
        if at is None:
            at = default_at + i / 1000.0 if default_at is not None else None
        if at is None:
            tally.skip("no time")
            continue
        mid = str(msg.get("uuid") or f"{cid}:{i}")
        text = _text(msg, tally)
        meta = {"conversation": conversation, "title": title}
        if text:
            yield NewMemory(text=text, kind="message", at=at, speaker=speaker,
                            source=conversation_source(conversation), source_id=mid, meta=meta)
        for j, att in enumerate(msg.get("attachments") or []):
            content = att.get("extracted_content") if isinstance(att, dict) else None
            if not isinstance(content, str) or not content.strip():
                tally.skip("attachment without text")
                continue
            if len(content) > ATTACHMENT_LIMIT:
                tally.skip("attachment text beyond 20,000 characters (cut)")
                content = content[:ATTACHMENT_LIMIT]
            name = str(att.get("file_name") or "attachment")
            yield NewMemory(text=f"{name}:\n{content}", kind="message", at=at + (j + 1) / 10_000.0,
                            speaker=speaker, source=conversation_source(conversation),
                            source_id=f"{mid}:attachment:{j}", meta={**meta, "attachment": name})
        files = msg.get("files") or msg.get("files_v2") or []
        if files:
            tally.skip("file shared without its content (not in the export)", len(files))
        if not text and not msg.get("attachments"):
            tally.skip("empty message" if not files else "message with only files")


def _time(value: Any) -> float | None:
    try:
        return parse_time(value)
    except (ValueError, TypeError):
        return None


def _text(msg: dict[str, Any], tally: Tally) -> str:
    blocks = msg.get("content")
    texts: list[str] = []
    if isinstance(blocks, list):
        for b in blocks:
            if not isinstance(b, dict):
                continue
            kind = b.get("type")
            if kind == "text" and isinstance(b.get("text"), str):
                texts.append(b["text"])
            elif kind == "thinking":
                tally.skip("assistant's thinking")
            elif kind in ("tool_use", "tool_result"):
                tally.skip("tool call or result")
            elif kind:
                tally.skip(f"{kind} block")
    text = "\n\n".join(t for t in texts if t.strip())
    if not text and isinstance(msg.get("text"), str):
        text = msg["text"]
    return _UNSUPPORTED.sub("", text).strip()

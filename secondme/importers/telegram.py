"""A Telegram Desktop export's ``result.json`` (Settings → Advanced → Export Telegram data, or
a chat's ⋮ → Export chat history, format "Machine-readable JSON").

A full export is ``{"personal_information", "contacts", "chats": {"about", "list": [CHAT]},
"left_chats": {"about", "list": [CHAT]}, …}``; one chat's export is a CHAT on its own::

    CHAT = {"name", "type": "personal_chat" | "private_group" | "saved_messages" | …, "id",
            "messages": [{"id", "type": "message" | "service", "date": "2021-12-31T23:59:59",
                          "date_unixtime": "1640995199", "from", "from_id",
                          "text": "plain" | ["plain", {"type": "bold" | "link" | …, "text"}, …],
                          "text_entities": […], "photo" | "file" | "media_type" | "sticker_emoji",
                          "poll": {"question", "answers": [{"text"}]}, "forwarded_from", …}]}

Odd corners: ``text`` is a string, or a list mixing strings and entity objects; ``from`` is null
for deleted accounts; service messages (calls, pins, joins) have ``actor``/``action`` instead;
``date`` is local time without a zone, so ``date_unixtime`` (a string) is preferred; a chat
named nothing is "Saved Messages" or a deleted account.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ijson

from secondme.errors import UserError
from secondme.importers import jsonfile
from secondme.importers.base import Sequencer, Tally, conversation_source, open_binary, parse_time
from secondme.memory.items import NewMemory

WHAT = "Telegram export (result.json)"
CHATS = ("chats.list.item", "left_chats.list.item", "")
MESSAGES = {f"{c}.messages.item" if c else "messages.item": c for c in CHATS}
_CHAT_FIELDS = ("name", "type", "id")


def check(path: Path, tally: Tally) -> None:
    """Validate the whole export and count its messages. Raises
    :class:`UserError` when it is not a JSON object."""
    with open_binary(path) as raw:
        top = jsonfile.first_char(raw)
    if top != "{":
        raise UserError(f"{path.name} is not a {WHAT}: expected a JSON object")
    tally.total = jsonfile.count_maps(path, set(MESSAGES), WHAT)


def messages(path: Path) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(chat, message) pairs in file order, one message in memory at a time."""
    chat: dict[str, Any] = {}
    builder: Any = None
    at_prefix = ""
    with open_binary(path) as raw:
        try:
            for prefix, event, value in ijson.parse(raw, use_float=True):
                if builder is not None:
                    builder.event(event, value)
                    if prefix == at_prefix and event == "end_map":
                        yield chat, builder.value
                        builder = None
                    continue
                if event == "start_map":
                    if prefix in MESSAGES:
                        builder = ijson.ObjectBuilder()
                        builder.event(event, value)
                        at_prefix = prefix
                    elif prefix in CHATS:
                        chat = {}
                    continue
                head, _, last = prefix.rpartition(".")
                if last in _CHAT_FIELDS and head in CHATS and event in ("string", "number"):
                    chat[last] = value
        except (ijson.JSONError, ValueError, UnicodeDecodeError) as exc:
            raise jsonfile.damaged(path, WHAT, exc, raw) from None


def plain_text(text: Any) -> str:
    """The words of a message's ``text``: a string, or a list of strings and entity objects."""
    if isinstance(text, str):
        return text
    if isinstance(text, list):
        return "".join(p if isinstance(p, str) else str(p.get("text") or "") if isinstance(p, dict) else ""
                       for p in text)
    return ""


def read(path: Path, tally: Tally) -> Iterator[NewMemory]:
    """Each chat's messages with text (a poll as its question and answers); service messages, stickers
    and media without a caption are skipped."""
    seq = Sequencer()
    for chat, msg in messages(path):
        tally.done += 1
        if msg.get("type", "message") != "message":
            tally.skip("service message (call, pin, join…)")
            continue
        cid = str(chat.get("id") or chat.get("name") or path.stem)
        title = str(chat.get("name") or ("Saved Messages" if chat.get("type") == "saved_messages" else "Telegram chat"))
        conversation = f"telegram:{cid}"
        text = plain_text(msg.get("text")).strip()
        has_media = any(k in msg for k in ("photo", "file", "media_type", "sticker_emoji"))
        if not text:
            poll = msg.get("poll")
            if isinstance(poll, dict) and poll.get("question"):
                answers = " / ".join(str(a.get("text") or "") for a in poll.get("answers") or [] if isinstance(a, dict))
                text = f"Poll: {poll['question']}" + (f" ({answers})" if answers else "")
            elif msg.get("media_type") == "sticker" or "sticker_emoji" in msg:
                tally.skip("sticker")
                continue
            elif has_media:
                tally.skip("media without text")
                continue
            elif "location_information" in msg or "contact_information" in msg:
                tally.skip("location or contact card")
                continue
            else:
                tally.skip("empty message")
                continue
        elif has_media:
            tally.skip("media (kept its caption)")
        try:
            at = parse_time(msg.get("date_unixtime")) or parse_time(msg.get("date"))
        except ValueError:
            at = None
        if at is None:
            tally.skip("no time")
            continue
        who = msg.get("from") or msg.get("author") or ("Deleted Account" if msg.get("from_id") else None)
        meta: dict[str, Any] = {"conversation": conversation, "title": title}
        if msg.get("forwarded_from"):
            meta["forwarded_from"] = str(msg["forwarded_from"])
        yield NewMemory(text=text, kind="message", at=seq.at(conversation, at),
                        speaker=str(who) if who else None, source=conversation_source(conversation),
                        source_id=f"telegram:{cid}:{msg.get('id')}", meta=meta)

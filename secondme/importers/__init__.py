"""Importers: the chat, mail and calendar exports people have, turned into memories.

One module per format; :data:`IMPORTERS` maps each kind (the word of ``secondme import KIND
FILE``) to its :class:`ImporterSpec`. Every reader streams its input, maps each message to a
:class:`~secondme.memory.items.NewMemory` with its time, speaker, a per-conversation source (so
a whole chat can be forgotten at once) and a stable ``source_id``, and counts what it skipped
and why. :func:`run_import` stores the result in batches (resumable, see ``pipeline``).
"""

from __future__ import annotations

from secondme.errors import UserError
from secondme.importers import chatgpt, claude, gemini, ical, jsonl, mail, telegram, whatsapp
from secondme.importers.base import (
    ConversationCount,
    ImporterSpec,
    ImportReport,
    Tally,
    conversation_source,
    parse_time,
)
from secondme.importers.pipeline import run_import

IMPORTERS: dict[str, ImporterSpec] = {s.kind: s for s in (
    ImporterSpec("messages", "Messages (JSON Lines)", "JSON Lines: {id, conversation, time, speaker, text} per line",
                 jsonl.read, ("*.jsonl", "*.json"), check=jsonl.check),
    ImporterSpec("chatgpt", "ChatGPT export", "a ChatGPT export's conversations.json",
                 chatgpt.read, ("conversations.json", "*.json"), check=chatgpt.check),
    ImporterSpec("claude", "Claude export", "a Claude data export's conversations.json",
                 claude.read, ("conversations.json", "*.json"), check=claude.check),
    ImporterSpec("gemini", "Gemini (Google Takeout)",
                 "Google Takeout, My Activity → Gemini Apps, JSON: MyActivity.json",
                 gemini.read, ("MyActivity.json", "*.json"), check=gemini.check),
    ImporterSpec("whatsapp", "WhatsApp chat", "a WhatsApp chat export: the .txt, or the .zip holding _chat.txt",
                 whatsapp.read, ("*.txt", "*.zip")),
    ImporterSpec("telegram", "Telegram Desktop export", "a Telegram Desktop JSON export's result.json",
                 telegram.read, ("result.json", "*.json"), check=telegram.check),
    ImporterSpec("mbox", "E-mail (mbox)", "an mbox file (Thunderbird, Apple Mail, Google Takeout)",
                 mail.read_mbox, ("*.mbox", "*")),
    ImporterSpec("eml", "E-mail (.eml folder)", "a folder of .eml files (or one .eml file)",
                 mail.read_eml, ("*.eml",), folder=True),
    ImporterSpec("ics", "Calendar (.ics)", "an iCalendar .ics file; recurring events within a bounded window",
                 ical.read, ("*.ics",)),
)}


def importer(kind: str) -> ImporterSpec:
    """The importer for ``kind``; a UserError naming the kinds there are otherwise."""
    try:
        return IMPORTERS[kind]
    except KeyError:
        raise UserError(f"no importer for {kind!r}; choose one of: {', '.join(IMPORTERS)}") from None


__all__ = ["IMPORTERS", "ConversationCount", "ImportReport", "ImporterSpec", "Tally", "conversation_source",
           "importer", "parse_time", "run_import"]

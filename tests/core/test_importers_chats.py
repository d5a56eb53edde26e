"""Chat exports of AI assistants and Telegram, as their exporters write them."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from secondme.errors import UserError
from secondme.importers import IMPORTERS, Tally
from secondme.memory.items import NewMemory

# Claude: newer messages carry their words in content blocks with "text" left empty, older ones
# only "text"; an artifact leaves the "not supported" placeholder; a pasted document is an
# attachment's extracted_content; an uploaded image is a file without bytes; one conversation
# has no name.
CLAUDE = [
    {"uuid": "c-1", "name": "Sourdough starter", "summary": "", "created_at": "2024-05-01T08:00:00.000000Z",
     "updated_at": "2024-05-01T08:05:00.000000Z", "account": {"uuid": "acct-1"},
     "chat_messages": [
         {"uuid": "m-1", "text": "", "sender": "human", "created_at": "2024-05-01T08:00:00.123456Z",
          "updated_at": "2024-05-01T08:00:00.123456Z",
          "content": [{"type": "text", "text": "My starter Bertha smells like acetone, what now?",
                       "start_timestamp": None, "stop_timestamp": None, "citations": []}],
          "attachments": [{"file_name": "feeding-log.txt", "file_size": 64, "file_type": "txt",
                           "extracted_content": "Fed 1:5:5 at 21:00, rye flour."}],
          "files": [{"file_name": "jar.jpg"}]},
         {"uuid": "m-2", "text": "", "sender": "assistant", "created_at": "2024-05-01T08:00:09+00:00",
          "content": [{"type": "thinking", "thinking": "The user ..."},
                      {"type": "text", "text": "Acetone means Bertha is hungry: feed her twice a day."},
                      {"type": "tool_use", "name": "artifacts", "input": {}},
                      {"type": "tool_result", "content": []}],
          "attachments": [], "files": []},
     ]},
    {"uuid": "c-2", "name": "", "created_at": "2023-11-02T10:00:00Z", "updated_at": "2023-11-02T10:00:00Z",
     "chat_messages": [
         {"uuid": "m-3", "text": "Write me a packing list for Lisbon", "sender": "human",
          "created_at": "2023-11-02T10:00:00Z", "attachments": [], "files": []},
         {"uuid": "m-4", "text": "Here it is:\n\n```\nThis block is not supported on your current device yet.\n```"
                                 "\n\nTake light layers.", "sender": "assistant",
          "created_at": "2023-11-02T10:00:05Z", "attachments": [], "files": []},
         {"uuid": "m-5", "text": "", "sender": "human", "created_at": "2023-11-02T10:01:00Z",
          "attachments": [], "files": [{"file_name": "tickets.png"}]},
     ]},
]

TELEGRAM_FULL = {
    "about": "Here is the data you requested.",
    "personal_information": {"user_id": 42, "first_name": "Sam", "last_name": "", "phone_number": "+1 555"},
    "chats": {"about": "This page lists all chats from this export.", "list": [
        {"name": "Mira", "type": "personal_chat", "id": 1001, "messages": [
            {"id": 1, "type": "service", "date": "2023-07-01T10:00:00", "date_unixtime": "1688205600",
             "actor": "Mira", "actor_id": "user1001", "action": "phone_call", "duration_seconds": 60,
             "text": "", "text_entities": []},
            {"id": 2, "type": "message", "date": "2023-07-01T10:02:00", "date_unixtime": "1688205720",
             "from": "Mira", "from_id": "user1001",
             "text": ["The climbing gym on ", {"type": "bold", "text": "Lindenstraße"}, " opens at ",
                      {"type": "link", "text": "https://gym.example"}, " 7am"],
             "text_entities": [{"type": "plain", "text": "The climbing gym on "}]},
            {"id": 3, "type": "message", "date": "2023-07-01T10:03:00", "date_unixtime": "1688205780",
             "from": "Sam", "from_id": "user42", "photo": "(File not included. Change data exporting settings "
             "to download.)", "width": 800, "height": 600, "text": "", "text_entities": []},
            {"id": 4, "type": "message", "date": "2023-07-01T10:04:00", "date_unixtime": "1688205840",
             "from": "Sam", "from_id": "user42", "file": "(File not included.)", "media_type": "sticker",
             "sticker_emoji": "👍", "text": "", "text_entities": []},
            {"id": 5, "type": "message", "date": "2023-07-01T10:05:00", "date_unixtime": "1688205900",
             "from": "Sam", "from_id": "user42", "photo": "photos/p.jpg", "text": "our route for Sunday",
             "text_entities": []},
        ]},
        {"name": "Book club", "type": "private_supergroup", "id": 2002, "messages": [
            {"id": 9, "type": "message", "date": "2023-08-01T19:00:00", "date_unixtime": "1690909200",
             "from": None, "from_id": "user777", "text": "Next book: The Left Hand of Darkness",
             "text_entities": []},
            {"id": 10, "type": "message", "date": "2023-08-01T19:01:00", "date_unixtime": "1690909260",
             "from": "Sam", "from_id": "user42", "text": "", "text_entities": [],
             "poll": {"question": "Which evening?", "closed": False, "total_voters": 3,
                      "answers": [{"text": "Tuesday", "voters": 2, "chosen": True},
                                  {"text": "Thursday", "voters": 1, "chosen": False}]}},
        ]},
    ]},
    "left_chats": {"about": "", "list": []},
}

GEMINI = [
    {"header": "Gemini Apps", "title": "Prompted how long do I boil a soft egg?",
     "time": "2025-04-29T13:21:11.117Z", "products": ["Gemini Apps"], "activityControls": ["Gemini Apps Activity"],
     "safeHtmlItem": [{"html": "<p>Six minutes.</p>"}, {"html": "<p>Boil it for <b>six and a half</b> "
                                                                "minutes, then cool it in ice water.</p>"}],
     "details": [{"name": "https://gemini.google.com/app/abc123", "url": "https://gemini.google.com/app/abc123"}]},
    {"header": "Gemini Apps", "title": "Created Canvas", "time": "2025-04-29T13:25:00.000Z",
     "products": ["Gemini Apps"]},
    {"header": "Gemini Apps", "title": "Gave feedback: Good response", "time": "2025-04-29T13:26:00.000Z",
     "products": ["Gemini Apps"]},
    {"header": "Search", "title": "Searched for eggs", "time": "2025-04-29T13:27:00.000Z", "products": ["Search"]},
    {"header": "Gemini Apps", "title": "Eingegebener Prompt: wie heißt die Hauptstadt von Australien?",
     "time": "2025-04-30T08:00:00.000Z", "products": ["Gemini Apps"],
     "safeHtmlItem": [{"html": "<p>Canberra &amp; nicht Sydney.</p>"}], "attachedFiles": ["map.png"]},
]


def read(kind: str, path: Path) -> tuple[list[NewMemory], Tally]:
    t = Tally()
    spec = IMPORTERS[kind]
    if spec.check is not None:
        spec.check(path, t)
    return list(spec.read(path, t)), t


def dump(tmp_path: Path, name: str, data: Any) -> Path:
    p = tmp_path / name
    p.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return p


def test_claude_export(tmp_path: Path) -> None:
    ms, t = read("claude", dump(tmp_path, "conversations.json", CLAUDE))
    got = [(m.source_id, m.speaker, m.text) for m in ms]
    assert got == [
        ("m-1", "user", "My starter Bertha smells like acetone, what now?"),
        ("m-1:attachment:0", "user", "feeding-log.txt:\nFed 1:5:5 at 21:00, rye flour."),
        ("m-2", "assistant", "Acetone means Bertha is hungry: feed her twice a day."),
        ("m-3", "user", "Write me a packing list for Lisbon"),
        ("m-4", "assistant", "Here it is:\n\n\n\nTake light layers."),
    ]
    assert ms[0].source == "conversation:claude:c-1" and ms[0].meta["title"] == "Sourdough starter"
    assert ms[3].source == "conversation:claude:c-2"
    assert ms[0].at == pytest.approx(1714550400.123456)
    assert t.total == t.done == 5
    assert t.skipped == {"assistant's thinking": 1, "tool call or result": 2,
                         "file shared without its content (not in the export)": 2, "message with only files": 1}


def test_telegram_full_and_single_chat_exports(tmp_path: Path) -> None:
    ms, t = read("telegram", dump(tmp_path, "result.json", TELEGRAM_FULL))
    assert [(m.speaker, m.text) for m in ms] == [
        ("Mira", "The climbing gym on Lindenstraße opens at https://gym.example 7am"),
        ("Sam", "our route for Sunday"),
        ("Deleted Account", "Next book: The Left Hand of Darkness"),
        ("Sam", "Poll: Which evening? (Tuesday / Thursday)"),
    ]
    assert ms[0].at == 1688205720.0 and ms[0].source == "conversation:telegram:1001"
    assert ms[2].meta["title"] == "Book club" and ms[2].source_id == "telegram:2002:9"
    assert t.total == t.done == 7
    assert t.skipped == {"service message (call, pin, join…)": 1, "media without text": 1, "sticker": 1,
                         "media (kept its caption)": 1}
    single = dict(TELEGRAM_FULL["chats"]["list"][1])  # type: ignore[index]
    ms2, t2 = read("telegram", dump(tmp_path, "one.json", single))
    assert [m.source_id for m in ms2] == ["telegram:2002:9", "telegram:2002:10"] and t2.total == 2


def test_gemini_takeout_activity(tmp_path: Path) -> None:
    ms, t = read("gemini", dump(tmp_path, "MyActivity.json", GEMINI))
    assert [(m.speaker, m.text) for m in ms] == [
        ("user", "how long do I boil a soft egg?"),
        ("assistant", "Boil it for six and a half minutes, then cool it in ice water."),
        ("user", "wie heißt die Hauptstadt von Australien?"),
        ("assistant", "Canberra & nicht Sydney."),
    ]
    assert ms[0].source == "conversation:gemini:abc123"
    # No conversation link: grouped by the (local) day of the prompt.
    day = datetime.fromtimestamp(ms[2].at or 0).strftime("%Y-%m-%d")
    assert ms[2].source == f"conversation:gemini:{day}"
    assert t.skipped == {"activity, not a prompt (canvas, feedback, draft choice…)": 2,
                         "activity of another Google product": 1, "earlier drafts of a regenerated answer": 1,
                         "attached file (not in the export)": 1}


def test_chatgpt_through_the_registry(tmp_path: Path) -> None:
    conv = {"id": "g-1", "title": "Trip", "create_time": 1700000000.0, "current_node": "n3", "mapping": {
        "n0": {"id": "n0", "message": None, "parent": None, "children": ["n1"]},
        "n1": {"id": "n1", "parent": "n0", "children": ["n2", "n9"], "message": {
            "id": "n1", "author": {"role": "system"}, "content": {"content_type": "text", "parts": [""]}}},
        "n2": {"id": "n2", "parent": "n1", "children": ["n3"], "message": {
            "id": "n2", "author": {"role": "user"}, "create_time": 1700000001.0,
            "content": {"content_type": "text", "parts": ["Plan a day in Porto"]}}},
        "n9": {"id": "n9", "parent": "n1", "children": [], "message": {
            "id": "n9", "author": {"role": "user"}, "content": {"content_type": "text", "parts": ["abandoned"]}}},
        "n3": {"id": "n3", "parent": "n2", "children": [], "message": {
            "id": "n3", "author": {"role": "assistant"}, "create_time": 1700000002.0,
            "content": {"content_type": "text", "parts": ["Start at the Ribeira."]}}}}}
    ms, t = read("chatgpt", dump(tmp_path, "conversations.json", [conv]))
    assert [m.text for m in ms] == ["Plan a day in Porto", "Start at the Ribeira."]
    assert t.skipped == {"system message (not the conversation)": 1}


@pytest.mark.parametrize("kind", ["claude", "telegram", "gemini", "chatgpt", "messages"])
def test_truncated_export_is_a_clear_error_before_anything_is_read(tmp_path: Path, kind: str) -> None:
    data: Any = {"claude": CLAUDE, "telegram": TELEGRAM_FULL, "gemini": GEMINI, "chatgpt": CLAUDE}.get(kind)
    if kind == "messages":
        p = tmp_path / "m.jsonl"
        p.write_text('{"id": 1, "conversation": "c", "time": 1, "speaker": "me", "text": "hi"}\n{"id": 2, "te')
    else:
        p = dump(tmp_path, "x.json", data)
        p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2])  # a download cut short
    with pytest.raises(UserError, match=r"damaged|line 2"):
        IMPORTERS[kind].check(p, Tally())  # type: ignore[misc]

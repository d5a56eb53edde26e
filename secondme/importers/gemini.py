"""Gemini chat history from Google Takeout: "My Activity" → "Gemini Apps", JSON format, the
file ``Takeout/My Activity/Gemini Apps/MyActivity.json``.

It is an activity log, newest first, not a set of conversations::

    [{"header": "Gemini Apps", "title": "Prompted what should I pack for Lisbon?",
      "time": "2025-04-29T13:21:11.117Z", "products": ["Gemini Apps"],
      "activityControls": ["Gemini Apps Activity"],
      "safeHtmlItem": [{"html": "<p>Light layers …</p>"}],      (the answer, as HTML)
      "details": [{"name": "https://gemini.google.com/app/<id>", "url": …}],   (some exports)
      "subtitles": [...], "attachedFiles": [...], "imageFile": "…"}, …]

Odd corners: the verb before the prompt is localized ("Prompted ", "Eingegebener Prompt: ");
other verbs are activity, not conversation ("Created" a canvas, "Used", "Gave feedback",
"Selected preferred draft"); a regenerated answer gives several ``safeHtmlItem`` entries (the
last one is kept); there is no conversation id unless ``details`` links one, so prompts are
grouped by conversation link when there is one, else by day. Other Takeout products in the
same file (Search, YouTube) are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from secondme.errors import UserError
from secondme.importers import jsonfile
from secondme.importers.base import Tally, conversation_source, open_binary, parse_time, stable_id
from secondme.ingest.formats.html import parse_html
from secondme.memory.items import NewMemory

WHAT = "Google Takeout Gemini activity (MyActivity.json)"
# The prompt verbs seen in exports (English, German, French, Spanish, Portuguese, Italian).
_PROMPTED = re.compile(r"^(?:Prompted|Asked|Eingegebener Prompt:|Prompt saisi\s?:|Instrucción:|Pediste"
                       r"|Comando:|Hai chiesto)\s*", re.I)
_ACTIVITY = re.compile(r"^(?:Created|Used|Gave feedback|Selected preferred draft|Added|Shared|Deleted"
                       r"|Erstellt|Verwendet)\b", re.I)
_CONVERSATION = re.compile(r"https://gemini\.google\.com/app/([0-9A-Za-z_-]+)")


def check(path: Path, tally: Tally) -> None:
    """Validate the whole activity file and count its records. Raises
    :class:`UserError` when it is not a JSON list."""
    with open_binary(path) as raw:
        top = jsonfile.first_char(raw)
    if top != "[":
        raise UserError(f"{path.name} is not a {WHAT}: expected a JSON list of activity records")
    tally.total = jsonfile.count_maps(path, {"item"}, WHAT)


def _is_gemini(rec: dict[str, Any]) -> bool:
    products = rec.get("products") or []
    header = str(rec.get("header") or "")
    return "Gemini" in header or "Bard" in header or any("Gemini" in str(p) or "Bard" in str(p) for p in products)


def _conversation(rec: dict[str, Any], at: float) -> str:
    for d in rec.get("details") or []:
        if isinstance(d, dict):
            m = _CONVERSATION.search(str(d.get("url") or d.get("name") or ""))
            if m:
                return f"gemini:{m.group(1)}"
    m = _CONVERSATION.search(str(rec.get("titleUrl") or ""))
    if m:
        return f"gemini:{m.group(1)}"
    return f"gemini:{datetime.fromtimestamp(at).strftime('%Y-%m-%d')}"


def _gemini_time(rec: Any, tally: Tally) -> float | None:
    """The time of a Gemini activity record; None (tallied as skipped, with why) for anything else."""
    if not isinstance(rec, dict) or not isinstance(rec.get("title"), str):
        tally.skip("not an activity record")
        return None
    if not _is_gemini(rec):
        tally.skip("activity of another Google product")
        return None
    try:
        at = parse_time(rec.get("time"))
    except ValueError:
        at = None
    if at is None:
        tally.skip("no time")
    return at


def read(path: Path, tally: Tally) -> Iterator[NewMemory]:
    """Each activity record's prompt and its final answer (earlier drafts and
    non-prompt activity are skipped)."""
    with open_binary(path) as raw:
        if jsonfile.first_char(raw) != "[":
            raise UserError(f"{path.name} is not a {WHAT}: expected a JSON list of activity records")
        for rec in jsonfile.items(raw, "item"):
            tally.done += 1
            at = _gemini_time(rec, tally)
            if at is None:
                continue
            title = rec["title"]
            answers: list[str] = [i["html"] for i in rec.get("safeHtmlItem") or []
                                  if isinstance(i, dict) and isinstance(i.get("html"), str) and i["html"].strip()]
            m = _PROMPTED.match(title)
            if m is None and (_ACTIVITY.match(title) or not answers):
                tally.skip("activity, not a prompt (canvas, feedback, draft choice…)")
                continue
            prompt = title[m.end():].strip() if m else title.strip()
            conversation = _conversation(rec, at)
            meta = {"conversation": conversation, "title": "Gemini"}
            sid = stable_id(rec.get("time"), title)
            if prompt:
                yield NewMemory(text=prompt, kind="message", at=at, speaker="user",
                                source=conversation_source(conversation), source_id=f"gemini:{sid}:prompt", meta=meta)
            else:
                tally.skip("empty prompt")
            if len(answers) > 1:
                tally.skip("earlier drafts of a regenerated answer", len(answers) - 1)
            if answers:
                answer = parse_html(answers[-1], "answer").text.strip()
                if answer:
                    yield NewMemory(text=answer, kind="message", at=at + 0.001, speaker="assistant",
                                    source=conversation_source(conversation), source_id=f"gemini:{sid}:answer",
                                    meta=meta)
            if rec.get("attachedFiles") or rec.get("imageFile"):
                tally.skip("attached file (not in the export)")

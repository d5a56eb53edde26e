"""Open-schema facts from the local model, read from WINDOWS of a conversation.

A window is up to :data:`WINDOW` consecutive messages of one conversation (or one source of
notes), shown to the model with their numbers, dates and speakers, after two short worked
examples. The model answers grammar-constrained JSON: a list of facts (message number, who,
kind, detail, value, time) and a few topic words for the window (A-MEM style tags).

Nothing the model says is trusted as written:
- a value must occur in the window's text (normalised), else the fact is dropped — a small
  model's inventions never reach the store;
- the source message is the one the model cited when it contains the value, else the first
  message of the window that does; a fact stated only by the assistant is dropped;
- the kind is one of a fixed list and maps onto the attributes of :mod:`secondme.memory.facts`
  (so knowledge updates and merges use the same slots as the exact patterns).

Progress is kept per conversation in the store's ``meta`` table (the last message id whose
window is done, keyed by the conversation's keyed hash), written in the same transaction as the
window's facts: a run cancelled or killed mid-window redoes only that window, and a finished
window is never sent to the model again.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from secondme.memory import facts as F

log = logging.getLogger("secondme.memory.windows")

WINDOW = 8            # messages per window: enough context for "he"/"that job", short prompts
MAX_MESSAGE_CHARS = 400  # a long message is cut: the window must fit a small context
WINDOW_HWM_PREFIX = "memory.windows.hwm:"  # + the conversation's keyed hash (never its name)
MAX_FACTS = 10

# kind -> attribute of memory.facts ("{d}" = the normalised detail).
KINDS: dict[str, str] = {
    "name": "name", "nickname": "nickname", "birthday": "birthday", "birthplace": "place-of-birth",
    "email": "email", "phone": "phone", "website": "url", "address": "address", "city": "places-lived",
    "employer": "workplace", "job_title": "organization-title", "school": "education",
    "relation": "person:{d}", "pet": "pet:{d}", "anniversary": "anniversary", "likes": "likes",
    "dislikes": "dislikes", "favorite": "favorite-{d}", "diet": "dietary-preferences", "allergy": "allergies",
    "health": "health", "possession": "possession:{d}", "vehicle": "vehicle", "plan": "plans",
    "event": "event:{d}", "language": "language", "blood_type": "blood-type", "other": "other:{d}",
}

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "facts": {
            "type": "array", "maxItems": MAX_FACTS,
            "items": {
                "type": "object",
                "properties": {
                    "msg": {"type": "integer", "minimum": 1, "maximum": WINDOW},
                    "who": {"type": "string", "maxLength": 30},
                    "kind": {"type": "string", "enum": sorted(KINDS)},
                    "detail": {"type": "string", "maxLength": 24},
                    "value": {"type": "string", "maxLength": 80},
                    "time": {"type": "string", "maxLength": 24},
                },
                # detail and time may be left out: every token costs on a small CPU.
                "required": ["msg", "who", "kind", "value"],
            },
        },
        "topics": {"type": "array", "maxItems": 4, "items": {"type": "string", "maxLength": 24}},
    },
    "required": ["facts", "topics"],
}

SYSTEM = (
    "List the lasting personal facts stated in the numbered messages. kind relation: detail = sister, "
    "husband, son...; pet: detail = the animal; favorite: detail = what. who = Me for the user, else the "
    "person the fact is about. value = exact words from the message. time = when it started, if said. "
    "Skip questions, wishes, 'if' sentences and the assistant's words. topics = up to 4 words about the "
    "messages. Never invent a value."
)

# Two short worked examples: a small model follows a shown answer far better than a described one.
_EX1_USER = (
    "[1] 2023-04-02 Me: My sister Lena got a job at Brightline Health.\n"
    "[2] 2023-04-02 assistant: Congratulations to her!\n"
    "[3] 2023-04-03 Me: I've been a nurse at St Mary's since 2019. My birthday is 9 June.\n"
    "[4] 2023-04-05 Me: If I won the lottery I'd buy a boat."
)
_EX1_OUT = {
    "facts": [
        {"msg": 1, "who": "Me", "kind": "relation", "detail": "sister", "value": "Lena"},
        {"msg": 1, "who": "Lena", "kind": "employer", "value": "Brightline Health"},
        {"msg": 3, "who": "Me", "kind": "job_title", "value": "nurse", "time": "2019"},
        {"msg": 3, "who": "Me", "kind": "employer", "value": "St Mary's", "time": "2019"},
        {"msg": 3, "who": "Me", "kind": "birthday", "value": "9 June"},
    ],
    "topics": ["family", "work"],
}
_EX2_USER = (
    "[1] 2022-11-20 Me: We moved to 14 Elm Road, Bristol BS1 4DJ.\n"
    "[2] 2022-11-21 Tom: Is the cat happy there?\n"
    "[3] 2022-11-21 Me: Mochi loves it. I'm allergic to dust and I hate unpacking.\n"
    "[4] 2022-11-22 Tom: My new number is 07700 900123."
)
_EX2_OUT = {
    "facts": [
        {"msg": 1, "who": "Me", "kind": "address", "value": "14 Elm Road, Bristol BS1 4DJ", "time": "2022-11-20"},
        {"msg": 1, "who": "Me", "kind": "city", "value": "Bristol"},
        {"msg": 3, "who": "Me", "kind": "pet", "detail": "cat", "value": "Mochi"},
        {"msg": 3, "who": "Me", "kind": "allergy", "value": "dust"},
        {"msg": 3, "who": "Me", "kind": "dislikes", "value": "unpacking"},
        {"msg": 4, "who": "Tom", "kind": "phone", "value": "07700 900123"},
    ],
    "topics": ["moving", "pets"],
}

_USER_NAMES = frozenset({"me", "i", "user", "myself", "the user"})


@dataclass(frozen=True)
class Message:
    """One message of a window: its memory id, time, speaker and text."""

    id: int
    at: float | None
    speaker: str | None   # None / "user" / "me": the person; "assistant"; or a name
    text: str

    @property
    def by_user(self) -> bool:
        """Whether the person wrote it (no speaker, "user" or "me")."""
        return self.speaker in (None, "user", "me")

    @property
    def label(self) -> str:
        """How the prompt names the speaker: "Me" for the person, else the speaker's name."""
        if self.by_user:
            return "Me"
        return str(self.speaker)


@dataclass
class WindowResult:
    """What one window gave: grounded facts (each with its source memory id) and topic tags."""

    facts: list[tuple[F.Fact, int]] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    dropped: int = 0   # facts the model gave that were not grounded in the window


def windows(messages: list[Message], size: int = WINDOW) -> list[list[Message]]:
    """Consecutive windows of ``size`` messages, oldest first (the last one may be shorter)."""
    return [messages[i:i + size] for i in range(0, len(messages), size)]


def render(window: list[Message]) -> str:
    """The window as the prompt shows it: one numbered line per message with day, speaker and text (cut to
    ``MAX_MESSAGE_CHARS``)."""
    lines = []
    for i, m in enumerate(window, 1):
        day = datetime.fromtimestamp(m.at).strftime("%Y-%m-%d") if m.at else "undated"
        text = " ".join(m.text.split())[:MAX_MESSAGE_CHARS]
        lines.append(f"[{i}] {day} {m.label}: {text}")
    return "\n".join(lines)


def prompt(window: list[Message]) -> list[dict[str, str]]:
    """The chat messages sent to the model: instructions, two examples, the window."""
    # The examples sit in the instructions, not as earlier chat turns: as turns, the 0.5B
    # copied the last example's answer onto the window (measured).
    examples = "\n\n".join(f"Example messages:\n{u}\nExample answer:\n{json.dumps(o, separators=(',', ':'))}"
                            for u, o in ((_EX1_USER, _EX1_OUT), (_EX2_USER, _EX2_OUT)))
    return [
        {"role": "system", "content": f"{SYSTEM}\n\n{examples}\n\nThe examples are not the messages: "
                                      "answer only from the messages you are given."},
        {"role": "user", "content": "Messages:\n" + render(window)},
    ]


def _detail(s: str) -> str:
    return re.sub(r"\s+", " ", F.norm(s)).strip()[:24]


def _attribute(kind: str, detail: str) -> str | None:
    pattern = KINDS.get(kind)
    if pattern is None:
        return None
    if "{d}" not in pattern:
        return pattern
    d = _detail(detail)
    if not d:
        # A relation or pet without its kind cannot be placed ("person:" says nothing).
        return None if kind in ("relation", "pet", "favorite") else pattern.replace(":{d}", "")
    return pattern.replace("{d}", d.replace(" ", "-") if kind == "favorite" else d)


def _grounded(value: str, text: str) -> bool:
    nv = F.norm(value)
    return bool(nv) and f" {nv} " in f" {F.norm(text)} "


_DIGITS = re.compile(r"\d")
_MONTH = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\d{1,4}[-/.]\d{1,2}", re.I)


def plausible(kind: str, value: str) -> bool:
    """Does ``value`` look like a value of ``kind`` at all? A small model's wrong label
    ("address: Seattle", "pet: product designer") costs more than a missed fact."""
    words = value.split()
    if kind in ("relation", "pet", "name", "nickname"):
        # A name: one to three capitalised words.
        return 1 <= len(words) <= 3 and all(w[:1].isupper() for w in words)
    if kind == "address":
        return bool(_DIGITS.search(value)) and len(words) >= 2
    if kind == "phone":
        return len(_DIGITS.findall(value)) >= 7 and "@" not in value
    if kind == "email":
        return "@" in value and " " not in value
    if kind == "website":
        return "." in value and " " not in value
    if kind in ("birthday", "anniversary"):
        return bool(_MONTH.search(value))
    if kind in ("city", "birthplace"):
        return value[:1].isupper() and not _DIGITS.search(value)
    if kind in ("employer", "school"):
        return value[:1].isupper() or value[:1].isdigit()
    if kind == "blood_type":
        return bool(re.fullmatch(r"(?:AB|A|B|O)\s?[+-]?", value))
    return len(words) <= 8


def _subject(who: str, source: Message) -> str:
    w = who.strip()
    if not w or w.lower() in _USER_NAMES:
        # "Me" in a message of someone else means that speaker, not the person.
        return "user" if source.by_user else str(source.speaker)
    if not source.by_user and w.lower() == str(source.speaker).lower():
        return str(source.speaker)
    if F.norm(w) and f" {F.norm(w)} " in f" {F.norm(source.text)} ":
        return w  # "my sister Lena works at…": about Lena, who is named
    return ""  # a person the message does not name (the 0.5B moved the user's job to the friend)


def read(data: Any, window: list[Message]) -> WindowResult:
    """Grounded facts from the model's answer ``data`` for ``window`` (see the module doc)."""
    out = WindowResult()
    seen: set[str] = set()
    for f in data.get("facts", []) if isinstance(data, dict) else []:
        value = " ".join(str(f.get("value", "")).split()).strip(" .,;:!?\"'")
        kind = str(f.get("kind", ""))
        detail = str(f.get("detail", ""))
        if kind == "relation" and F.norm(value) in F.RELATIONS and detail[:1].isupper():
            value, detail = detail, value  # the 1.5B wrote {"value": "brother", "detail": "Jonas"}
        attr = _attribute(kind, detail)
        if not value or attr is None or attr.startswith("other") or len(value) > 80 or not plausible(kind, value):
            out.dropped += 1 if value else 0
            continue
        n = int(f.get("msg", 0) or 0)
        cited = window[n - 1] if 1 <= n <= len(window) else None
        source = cited if cited is not None and _grounded(value, cited.text) else \
            next((m for m in window if _grounded(value, m.text)), None)
        if source is None or source.speaker == "assistant":
            out.dropped += 1  # not in the text (invented) or only the assistant's words
            continue
        subject = _subject(str(f.get("who", "")), source)
        if not subject or subject.lower() == "assistant":
            out.dropped += 1
            continue
        time_ = str(f.get("time", "")).strip()
        if time_ and not _grounded(time_, source.text) and not _is_message_day(time_, source):
            time_ = ""  # a time the message does not say is not kept either
        words = [w for w in F.norm(f"{value} {detail}").split() if len(w) > 2]
        fact = F.Fact(subject, attr, value, time=time_, keywords=tuple(dict.fromkeys(words))[:6],
                      origin="model")
        if fact.slot in seen:
            continue
        seen.add(fact.slot)
        out.facts.append((fact, source.id))
    text = " ".join(m.text for m in window)
    for t in data.get("topics", []) if isinstance(data, dict) else []:
        w = F.norm(str(t))
        # Topic words are tags, not facts: any short word goes, but only once and not empty.
        if w and len(w) <= 24 and w not in out.topics:
            out.topics.append(w)
    if not text.strip():
        out.topics = []
    return out


def _is_message_day(t: str, m: Message) -> bool:
    if not m.at:
        return False
    d = datetime.fromtimestamp(m.at)
    return t in (d.strftime("%Y-%m-%d"), d.strftime("%Y"), d.strftime("%Y-%m"))


def extract_window(model: Any, window: list[Message], cancel: Any = None,
                   max_tokens: int = 420) -> WindowResult:
    """Ask ``model`` (``generate_json``) about one window; prompts and answers stay out of logs
    above DEBUG (they hold the person's life)."""
    msgs = prompt(window)
    log.debug("window prompt: %s", msgs[-1]["content"])
    data = model.generate_json(msgs, SCHEMA, max_tokens=max_tokens, cancel=cancel)
    log.debug("window answer: %s", data)
    return read(data, window)

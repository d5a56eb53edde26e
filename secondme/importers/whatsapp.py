"""A WhatsApp chat export (Chat → More → Export chat): a ``.txt`` file, or the ``.zip`` that
holds it (``_chat.txt`` from iPhones, ``WhatsApp Chat with NAME.txt`` from Android) with media.

Each message starts with a date and a time in the phone's locale, then the sender::

    12/31/21, 11:59 PM - Alice: see you next year        (Android, United States)
    31/12/2021, 23:59 - Alice: bis nächstes Jahr          (Android, 24 hours)
    31.12.21, 23:59 - Alice: …                            (Android, German)
    [31/12/21, 11:59:58 PM] Alice: …                      (iPhone, with seconds)
    [12.3.2022 klo 14.08.18] Alice: …                     (iPhone, Finnish)
    2021/12/31 下午11:59 - Alice: …                        (Android, Chinese: the marker first)

Odd corners handled here: a message goes on over the following lines until the next header;
day/month order is not written anywhere (decided per file from the dates themselves: a field
above 12, else the order that keeps the chat in time order); AM/PM markers are localized
(``a. m.``, ``nachm.``, ``下午``) and often preceded by a narrow no-break space; iPhone exports
put U+200E marks before media lines and system lines; media are placeholders (``<Media
omitted>``, ``image omitted``, ``<attached: …>``, ``IMG-….jpg (file attached)``); system lines
("Messages and calls are end-to-end encrypted", "X added Y", …) have no sender on Android and
the chat's own name as sender on iPhones. Times are the phone's local time.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO

from secondme.errors import UserError
from secondme.importers.base import (
    Sequencer,
    Tally,
    conversation_source,
    open_binary,
    stable_id,
    text_lines,
    zip_member,
)
from secondme.memory.items import NewMemory

_MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\ufeff\u2066\u2067\u2068\u2069"
_SP = "[ \u00a0\u202f]"
_AMPM = (r"(?:[AaPp]\.?" + _SP + r"?[Mm]\.?|vorm\.|nachm\.|ص|م|上午|下午|午前|午後|오전|오후)")
_HEADER = re.compile(
    r"^\[?(?P<d1>\d{1,4})[./-]" + _SP + r"?(?P<d2>\d{1,2})[./-]" + _SP + r"?(?P<d3>\d{1,4})\.?"
    r"(?:," + _SP + r"*|" + _SP + r"+)(?:(?:klo|à|um|at)" + _SP + r"+)?"
    r"(?P<pre>" + _AMPM + _SP + r"?)?"
    r"(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?:[:.](?P<s>\d{2}))?"
    r"(?:" + _SP + r"?(?P<post>" + _AMPM + r"))?"
    r"(?P<end>\]" + _SP + r"?|" + _SP + r"[-–]" + _SP + r")(?P<rest>.*)$")
_PM = {"pm", "p.m.", "p.m", "nachm.", "م", "下午", "午後", "오후"}
_AM = {"am", "a.m.", "a.m", "vorm.", "ص", "上午", "午前", "오전"}
_SENDER = re.compile(r"^(?P<who>[^:\n]{1,100}?): (?P<text>.*)$", re.S)

# Media that a text-only export leaves out, by the placeholder each platform writes.
_MEDIA = re.compile(
    r"^(?:<[^<>\n]{2,60}>"                                            # <Media omitted>, <Medien ausgeschlossen>
    r"|<attached: [^>\n]+>"                                           # iPhone export with media
    r"|[^\n]*\b(?:image|video|audio|sticker|GIF|document|Contact card) omitted"  # iPhone without media
    r"|[^\n]+\.[A-Za-z0-9]{2,5} \((?:file attached|Datei angehängt|archivo adjunto|fichier joint)\)"
    r"|null)$")
_DELETED = re.compile(r"^(?:This message was deleted\.?|You deleted this message\.?|Diese Nachricht wurde gelöscht\.?"
                      r"|Du hast diese Nachricht gelöscht\.?|Se eliminó este mensaje\.?|Eliminaste este mensaje\.?"
                      r"|Ce message a été supprimé\.?|Vous avez supprimé ce message\.?|Waiting for this message.*)$")
_EDITED = re.compile(r"\s*<(?:This message was edited|Diese Nachricht wurde bearbeitet|Se editó este mensaje"
                     r"|Ce message a été modifié)>\s*$")
# System lines that a sender-looking prefix does not give away: the encryption notice (some
# iPhone exports write it without the U+200E mark), and Android lines whose own words hold a
# colon ('Alice changed the subject from "Trip" to "Trip: day 2"').
_SYSTEM_TEXT = re.compile(
    r"^(?:Messages and calls are end-to-end encrypted|Messages to this chat and calls are now secured"
    r"|Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt|Los mensajes y las llamadas están cifrados"
    r"|Les messages et les appels sont chiffrés|As mensagens e as chamadas são protegidas"
    r"|Your security code with .* changed|Missed (?:voice|video) call)", re.I)
_SYSTEM_WHO = re.compile(r" (?:changed the subject|changed this group's|changed the group|created group"
                         r"|hat den Betreff|cambió el asunto|a modifié le sujet)", re.I)

_PREFIXES = re.compile(r"^(?:WhatsApp[ -]Chat(?: with| mit| - |-)?|Chat de WhatsApp con|Discussion WhatsApp avec"
                       r"|Conversa do WhatsApp com|WhatsApp Chat -)\s*", re.I)


def chat_name(path: Path, member: str | None = None) -> str:
    """The chat's name from the export's file name (``WhatsApp Chat with Alice.txt``, or the
    archive's name for an iPhone ``_chat.txt``)."""
    stem = Path(member).stem if member and Path(member).stem not in ("_chat", "chat") else path.stem
    name = _PREFIXES.sub("", stem).strip(" -_")
    return name or stem


def _choose(names: list[str]) -> str | None:
    txt = [n for n in names if n.lower().endswith(".txt") and not n.startswith("__MACOSX")]
    for n in txt:
        if Path(n).name in ("_chat.txt",) or Path(n).name.lower().startswith("whatsapp"):
            return n
    return txt[0] if len(txt) == 1 else None


class _Input:
    """The chat text, from a .txt file or from inside the export's .zip (read twice: a scan,
    then the import)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.member: str | None = None
        if path.suffix.lower() == ".zip":
            zf, self.member = zip_member(path, _choose, "WhatsApp chat (.txt)")
            zf.close()

    def lines(self) -> Iterator[str]:
        if self.member is None:
            yield from text_lines(open_binary(self.path))
            return
        import zipfile

        with zipfile.ZipFile(self.path) as zf:
            raw: IO[bytes] = zf.open(self.member)
            yield from text_lines(raw)


def _header(line: str) -> re.Match[str] | None:
    return _HEADER.match(line.lstrip(_MARKS).rstrip("\r\n"))


def _decide_order(dates: list[tuple[str, str, str]], english_ampm: bool) -> str:
    """"ymd", "dmy" or "mdy" for this file's dates (in file order, consecutive repeats dropped)."""
    if any(len(d1) == 4 for d1, _, _ in dates):
        return "ymd"
    a_big = any(int(d1) > 12 for d1, _, _ in dates)
    b_big = any(int(d2) > 12 for _, d2, _ in dates)
    if a_big and not b_big:
        return "dmy"
    if b_big and not a_big:
        return "mdy"

    def backwards(order: str) -> int:
        keys = [(int(c), int(b), int(a)) if order == "dmy" else (int(c), int(a), int(b)) for a, b, c in dates]
        return sum(1 for x, y in itertools.pairwise(keys) if y < x)

    d, m = backwards("dmy"), backwards("mdy")
    if d != m:
        return "dmy" if d < m else "mdy"
    return "mdy" if english_ampm else "dmy"


def _time(m: re.Match[str], order: str) -> float | None:
    d1, d2, d3 = m["d1"], m["d2"], m["d3"]
    if order == "ymd":
        y, mo, d = int(d1), int(d2), int(d3)
    elif order == "dmy":
        d, mo, y = int(d1), int(d2), int(d3)
    else:
        mo, d, y = int(d1), int(d2), int(d3)
    if y < 100:
        y += 2000
    h, mi, s = int(m["h"]), int(m["mi"]), int(m["s"] or 0)
    marker = (m["pre"] or m["post"] or "").strip(" \u00a0\u202f").lower().replace(" ", "").replace("\u00a0", "")
    marker = marker.replace("\u202f", "")
    if marker in _PM and h < 12:
        h += 12
    elif marker in _AM and h == 12:
        h = 0
    try:
        return datetime(y, mo, d, h, mi, s).timestamp()  # the phone's local time
    except ValueError:
        return None


def scan(src: _Input) -> tuple[str, int]:
    """The file's date order and how many message headers it has."""
    dates: list[tuple[str, str, str]] = []
    english = False
    n = 0
    for line in src.lines():
        m = _header(line)
        if m is None:
            continue
        n += 1
        key = (m["d1"], m["d2"], m["d3"])
        if not dates or dates[-1] != key:
            dates.append(key)
        if not english and (m["post"] or "").strip().lower().replace(" ", "") in ("am", "pm"):
            english = True
    return _decide_order(dates, english), n


def read(path: Path, tally: Tally) -> Iterator[NewMemory]:
    """Each message of a chat export (.txt or .zip), continuation lines joined to it. Raises
    :class:`UserError` when no line starts with a date and time."""
    src = _Input(path)
    order, total = scan(src)
    if total == 0:
        raise UserError(f"{path.name} is not a WhatsApp chat export: no line starts with a date and a "
                        "time (e.g. \"31/12/2021, 23:59 - Name: text\")")
    tally.total = total
    chat = chat_name(path, src.member)
    conversation = f"whatsapp:{chat}"
    seq = Sequencer()
    current: tuple[re.Match[str], list[str]] | None = None
    for line in src.lines():
        m = _header(line)
        if m is not None and _time(m, order) is not None:
            if current is not None:
                yield from _message(current[0], current[1], order, conversation, chat, seq, tally)
            current = (m, [m["rest"]])
        elif current is not None:
            current[1].append(line.rstrip("\r\n"))
        else:
            tally.skip("text before the first message")
    if current is not None:
        yield from _message(current[0], current[1], order, conversation, chat, seq, tally)


def _message(m: re.Match[str], lines: list[str], order: str, conversation: str, chat: str,
             seq: Sequencer, tally: Tally) -> Iterator[NewMemory]:
    tally.done += 1
    at = _time(m, order)
    assert at is not None
    body = "\n".join(lines)
    ios = m["end"].startswith("]")
    sm = _SENDER.match(body)
    if sm is None:
        tally.skip("system line (no sender)")
        return
    who = sm["who"].strip(_MARKS + " ")
    raw_text = sm["text"]
    if ios and raw_text.startswith("\u200e") and not _MEDIA.match(raw_text.split("\n", 1)[0].strip(_MARKS + " ")):
        # iPhones mark system lines (and media) with U+200E and give them the chat as sender.
        first = raw_text.strip(_MARKS + " ")
        if not _DELETED.match(first):
            tally.skip("system line")
            return
    first, _, more = raw_text.partition("\n")
    first = first.strip(_MARKS + " ")
    if _SYSTEM_TEXT.match(first) or _SYSTEM_WHO.search(who):
        tally.skip("system line")
        return
    if _DELETED.match(first) and not more:
        tally.skip("deleted message")
        return
    if _MEDIA.match(first):
        if not more.strip():
            tally.skip("media (not in a text export)")
            return
        tally.skip("media (kept its caption)")
        text = more
    else:
        text = raw_text
    text = _EDITED.sub("", text.replace("\u200e", "")).strip()
    if not text:
        tally.skip("empty message")
        return
    t = seq.at(conversation, at)
    yield NewMemory(text=text, kind="message", at=t, speaker=who, source=conversation_source(conversation),
                    source_id=f"wa:{stable_id(chat, t, who, text)}", meta={"conversation": conversation, "title": chat})

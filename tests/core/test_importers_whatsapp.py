"""WhatsApp import: chat exports as Android and iPhone write them in several locales."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from secondme.app import SecondMe
from secondme.errors import UserError
from secondme.importers import IMPORTERS, Tally, whatsapp
from secondme.memory.items import NewMemory

NBSP, NNBSP, LRM = "\u00a0", "\u202f", "\u200e"

ANDROID_US = (
    "12/31/21, 11:58 PM - Messages and calls are end-to-end encrypted. No one outside of this chat, not even "
    "WhatsApp, can read or listen to them. Tap to learn more.\n"
    "12/31/21, 11:59 PM - Alice: see you next year\n"
    "and bring the cake\n"
    "\n"
    "the lemon one\n"
    "1/1/22, 12:01 AM - Bob: <Media omitted>\n"
    "1/1/22, 12:02 AM - Bob: happy new year <This message was edited>\n"
    "1/1/22, 12:02 AM - Alice added Carol\n"
    '1/1/22, 12:03 AM - Alice changed the subject from "Party" to "Party: day 2"\n'
    "1/1/22, 12:04 AM - Carol: IMG-20220101-WA0003.jpg (file attached)\n"
    "the view from the roof\n"
    "1/13/22, 9:05 AM - Alice: This message was deleted\n"
)
IOS_EU = (
    f"{LRM}[31/12/2021, 23:59:58] Family: {LRM}Messages and calls are end-to-end encrypted. No one outside of "
    "this chat, not even WhatsApp, can read or listen to them.\n"
    "[31/12/2021, 23:59:59] Alice: bis nächstes Jahr\n"
    f"{LRM}[01/01/2022, 00:00:05] Bob: {LRM}image omitted\n"
    "[01/01/2022, 00:00:07] Bob: ok\n"
    "[01/01/2022, 00:00:07] Alice: ok\n"
    f"{LRM}[01/01/2022, 00:00:09] Family: {LRM}Alice added Dora\n"
    "[3/1/2022, 10:00:00] Alice: Zeile eins\n"
    "Zeile zwei\n"
)
IOS_US = (
    f"[1/2/22, 3:04:05{NNBSP}PM] Alice: afternoon tea?\n"
    f"[1/2/22, 3:05:00{NNBSP}PM] Bob: {LRM}<attached: 00000012-PHOTO-2022-01-02-15-05-00.jpg>\n"
    f"[1/20/22, 11:00:00{NNBSP}AM] Bob: sure\n"
)
GERMAN = "31.12.21, 23:59 - Alice: Guten Rutsch\n01.01.22, 00:01 - Bob: Danke!\n"
FINNISH = "[12.3.2022 klo 14.08.18] Matias: Moi\n[12.3.2022 klo 14.09.01] Aino: Hei\n"
CHINESE = "2021/12/31 下午11:59 - 小明: 新年快乐\n2022/1/1 上午12:01 - 小红: 你也是\n"
SPANISH = f"31/12/21, 11:59{NNBSP}p.{NBSP}m. - Ana: feliz año\n1/1/22, 12:01{NNBSP}a.{NBSP}m. - Luis: igualmente\n"
# Every day and month at most 12: only the order of the messages tells d/m from m/d.
AMBIGUOUS = "03/04/22, 10:00 - Ana: first\n04/04/22, 10:00 - Ana: second\n05/04/22, 10:00 - Ana: third\n"


def read(path: Path) -> tuple[list[NewMemory], Tally]:
    t = Tally()
    return list(IMPORTERS["whatsapp"].read(path, t)), t


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def stamps(ms: list[NewMemory]) -> list[str]:
    return [datetime.fromtimestamp(m.at or 0).strftime("%Y-%m-%d %H:%M:%S") for m in ms]


def test_android_us_multiline_media_system_lines(tmp_path: Path) -> None:
    ms, t = read(write(tmp_path, "WhatsApp Chat with Party.txt", ANDROID_US))
    assert [(m.speaker, m.text) for m in ms] == [
        ("Alice", "see you next year\nand bring the cake\n\nthe lemon one"),
        ("Bob", "happy new year"),
        ("Carol", "the view from the roof"),
    ]
    assert stamps(ms) == ["2021-12-31 23:59:00", "2022-01-01 00:02:00", "2022-01-01 00:04:00"]
    assert t.skipped == {"system line (no sender)": 2, "system line": 1, "media (not in a text export)": 1,
                         "media (kept its caption)": 1, "deleted message": 1}
    assert t.done == t.total == 8  # message headers
    assert {m.source for m in ms} == {"conversation:whatsapp:Party"}
    assert ms[0].meta["title"] == "Party"


def test_iphone_brackets_marks_and_same_second_messages(tmp_path: Path) -> None:
    ms, t = read(write(tmp_path, "_chat.txt", IOS_EU))
    assert [(m.speaker, m.text) for m in ms] == [
        ("Alice", "bis nächstes Jahr"), ("Bob", "ok"), ("Alice", "ok"), ("Alice", "Zeile eins\nZeile zwei")]
    assert stamps(ms) == ["2021-12-31 23:59:59", "2022-01-01 00:00:07", "2022-01-01 00:00:07",
                          "2022-01-03 10:00:00"]
    # Two "ok" in the same second stay two messages (distinct times for the store's de-dup).
    assert ms[1].at != ms[2].at and len({m.source_id for m in ms}) == 4
    assert t.skipped == {"system line": 2, "media (not in a text export)": 1}


@pytest.mark.parametrize(("text", "expected"), [
    (IOS_US, ["2022-01-02 15:04:05", "2022-01-20 11:00:00"]),
    (GERMAN, ["2021-12-31 23:59:00", "2022-01-01 00:01:00"]),
    (FINNISH, ["2022-03-12 14:08:18", "2022-03-12 14:09:01"]),
    (CHINESE, ["2021-12-31 23:59:00", "2022-01-01 00:01:00"]),
    (SPANISH, ["2021-12-31 23:59:00", "2022-01-01 00:01:00"]),
    (AMBIGUOUS, ["2022-04-03 10:00:00", "2022-04-04 10:00:00", "2022-04-05 10:00:00"]),
], ids=["ios-us-12h", "german", "finnish-klo", "chinese-marker-first", "spanish-a.m.", "order-by-sequence"])
def test_locale_date_formats(tmp_path: Path, text: str, expected: list[str]) -> None:
    ms, _ = read(write(tmp_path, "chat.txt", text))
    assert stamps(ms) == expected
    assert all(m.speaker and m.text for m in ms)


def test_zip_export_with_media(tmp_path: Path) -> None:
    z = tmp_path / "WhatsApp Chat - Family.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("_chat.txt", IOS_EU)
        zf.writestr("00000012-PHOTO-2022-01-01-00-00-05.jpg", b"\xff\xd8\xff")
    ms, _ = read(z)
    assert len(ms) == 4 and {m.source for m in ms} == {"conversation:whatsapp:Family"}
    assert whatsapp.chat_name(tmp_path / "WhatsApp Chat with Bob.txt") == "Bob"
    bad = tmp_path / "photos.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("a.jpg", b"x")
    with pytest.raises(UserError, match="holds no WhatsApp chat"):
        read(bad)


def test_not_a_chat(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="not a WhatsApp chat export"):
        read(write(tmp_path, "notes.txt", "just some notes\nno dates here\n"))


def test_import_twice_adds_nothing_and_recall_finds_a_message(notes_ctx: SecondMe, tmp_path: Path) -> None:
    p = write(tmp_path, "WhatsApp Chat with Party.txt", ANDROID_US)
    r1 = notes_ctx.memory.import_file("whatsapp", str(p))
    assert (r1.read, r1.added, r1.already) == (3, 3, 0)
    assert [(c.conversation, c.title, c.read, c.added) for c in r1.conversations] == [
        ("whatsapp:Party", "Party", 3, 3)]
    r2 = notes_ctx.memory.import_file("whatsapp", str(p))
    assert (r2.read, r2.added, r2.already) == (3, 0, 3)
    assert r2.skipped == r1.skipped
    hits = notes_ctx.memory.recall("which cake should I bring?", k=5)
    assert hits and hits[0].source_id == next(m.source_id for m in read(p)[0] if "cake" in m.text)

"""Generated exports for the import tests and benchmark: N messages in each published layout
(WhatsApp .txt, Claude conversations.json, Telegram result.json, Gemini MyActivity.json, mbox,
a folder of .eml, .ics, ChatGPT, JSON Lines), plus a WhatsApp-style chat with 40 planted facts
and a question for each (recall@10)."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

PEOPLE = ["Alice", "Bob", "Chiara", "Dmitri", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jonas"]
PLACES = ["the bakery", "the station", "Lisbon", "the office", "the gym", "the park", "grandma's", "the lake",
          "the market", "the library", "the garage", "the cinema"]
THINGS = ["the keys", "the tickets", "a new lamp", "the groceries", "the umbrella", "the charger", "some wine",
          "the laptop", "the book", "the bike pump", "the photos", "the passport"]
TEMPLATES = [
    "did you bring {thing} to {place}?", "I'll be at {place} around {hour}", "can you pick up {thing}?",
    "running late, stuck near {place}", "{person} says hi from {place}", "don't forget {thing} tomorrow",
    "what time do we meet at {place}?", "haha ok", "sounds good", "see you at {hour}",
    "I left {thing} at {place} again", "{person} wants to come to {place} too", "how was {place}?",
    "the weather at {place} is lovely today", "call me when you are at {place}",
]
START = datetime(2022, 1, 3, 8, 0, tzinfo=UTC)

# (planted message, question whose answer is only in that message)
FACTS: list[tuple[str, str]] = [
    ("the wifi password at the cabin is bluefinch42", "what is the wifi password at the cabin?"),
    ("my dentist Dr. Okafor moved her practice to Elm Street 14", "where is Dr. Okafor's dentist practice now?"),
    ("Luna the cat needs her thyroid pill every morning at 8", "which medicine does Luna the cat take?"),
    ("the garage door code is 7391", "what is the code for the garage door?"),
    ("my blood type is O negative", "what is my blood type?"),
    ("we booked the wedding venue at Villa Rosa for 14 September", "where is the wedding venue?"),
    ("my passport expires in March 2027", "when does my passport expire?"),
    ("the plumber is called Rasmus and charges 60 an hour", "what is the plumber's name?"),
    ("Tom is allergic to peanuts and shellfish", "what is Tom allergic to?"),
    ("I parked the car on level 3 of the Westgate car park", "where did I park the car?"),
    ("the spare key is hidden under the blue flower pot", "where is the spare key hidden?"),
    ("our landlord Mr. Haddad wants the rent by the 5th", "when does the landlord want the rent?"),
    ("my bike lock combination is 0415", "what is my bike lock combination?"),
    ("Grandpa's birthday dinner is at the Golden Dragon restaurant", "where is grandpa's birthday dinner?"),
    ("the kids' swimming lessons moved to Thursdays at 5pm", "when are the kids' swimming lessons?"),
    ("I lent my tent to Priya for her trip to Norway", "who has my tent?"),
    ("the insurance policy number is HX-55120-B", "what is the insurance policy number?"),
    ("my new phone number is 0176 5550 1234", "what is my new phone number?"),
    ("the recipe needs 300 grams of rye flour and a pinch of caraway", "how much rye flour does the recipe need?"),
    ("Sofia's flight lands at 22:40 at terminal 2", "when does Sofia's flight land?"),
    ("I started learning the cello with a teacher named Ingrid", "who teaches me the cello?"),
    ("the tax advisor's office is on the fourth floor above the pharmacy", "where is the tax advisor's office?"),
    ("we adopted a beagle puppy and named him Biscuit", "what is the name of our puppy?"),
    ("my shoe size is 43 in European sizes", "what is my shoe size?"),
    ("the school trip to the planetarium costs 18 euros", "how much does the planetarium trip cost?"),
    ("I keep the birth certificates in the grey folder in the attic", "where are the birth certificates kept?"),
    ("the broken dishwasher is a Bosch model SMS4", "which model is the broken dishwasher?"),
    ("Marco recommended the book The Overstory", "which book did Marco recommend?"),
    ("my gym membership renews on the first of October", "when does my gym membership renew?"),
    ("the babysitter Hanna is free on Friday evenings", "when is the babysitter free?"),
    ("the electricity meter number is 889 102 443", "what is the electricity meter number?"),
    ("our neighbour Kenji waters the plants while we are away", "who waters the plants when we travel?"),
    ("I ran the half marathon in 1 hour 52 minutes", "what was my half marathon time?"),
    ("the vet said Luna should lose half a kilo", "how much weight should the cat lose?"),
    ("the violin was repaired by a luthier in Cremona Street", "who repaired the violin?"),
    ("my favourite tea is smoked lapsang souchong", "what is my favourite tea?"),
    ("the boat rental at the lake closes at 7pm", "when does the boat rental close?"),
    ("Aunt Maria's address is Via Garibaldi 9 in Bologna", "what is Aunt Maria's address?"),
    ("I put the christmas decorations in the red boxes behind the boiler", "where are the christmas decorations?"),
    ("the lawyer Ms. Brandt wants the signed contract by Wednesday", "when does the lawyer want the contract?"),
]
_FACT_TEXTS = {f for f, _q in FACTS}


def filler(rng: random.Random) -> str:
    return rng.choice(TEMPLATES).format(person=rng.choice(PEOPLE), place=rng.choice(PLACES),
                                        thing=rng.choice(THINGS), hour=f"{rng.randint(7, 22)}:{rng.choice(['00', '30'])}")


def messages(n: int, seed: int = 7, facts: bool = False) -> Iterator[tuple[datetime, str, str]]:
    """(time, speaker, text) for ``n`` messages, a few minutes apart; with ``facts``, the 40
    planted facts spread evenly through the chat."""
    rng = random.Random(seed)
    at = START
    every = max(1, n // (len(FACTS) + 1))
    planted = 0
    for i in range(n):
        at += timedelta(minutes=rng.randint(1, 30))
        who = rng.choice(PEOPLE[:4])
        if facts and planted < len(FACTS) and i % every == every // 2:
            yield at, who, FACTS[planted][0]
            planted += 1
        else:
            yield at, who, filler(rng)


def whatsapp(path: Path, n: int, facts: bool = False, seed: int = 7) -> Path:
    """Android style, 12-hour US dates, every tenth message on two lines."""
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("1/3/22, 7:59 AM - Messages and calls are end-to-end encrypted. No one outside of this chat, not "
                 "even WhatsApp, can read or listen to them. Tap to learn more.\n")
        for i, (at, who, text) in enumerate(messages(n, seed, facts)):
            stamp = f"{at.month}/{at.day}/{at:%y}, {int(at.strftime('%I'))}:{at:%M} {at:%p}"
            planted = facts and text in _FACT_TEXTS
            body = text if i % 10 or planted else text + "\nalso, ping me later"
            fh.write(f"{stamp} - {who}: {body}\n")
    return path


def claude(path: Path, n: int, per_conversation: int = 50) -> Path:
    convs = []
    msgs: list[dict[str, object]] = []
    for i, (at, _who, text) in enumerate(messages(n)):
        iso = at.isoformat().replace("+00:00", "Z")
        msgs.append({"uuid": f"m{i}", "text": "", "sender": "human" if i % 2 == 0 else "assistant",
                     "created_at": iso, "updated_at": iso, "attachments": [], "files": [],
                     "content": [{"type": "text", "text": text}]})
        if len(msgs) == per_conversation:
            convs.append({"uuid": f"c{len(convs)}", "name": f"chat {len(convs)}", "created_at": msgs[0]["created_at"],
                          "updated_at": iso, "chat_messages": msgs})
            msgs = []
    if msgs:
        convs.append({"uuid": f"c{len(convs)}", "name": "last", "created_at": msgs[0]["created_at"],
                      "updated_at": msgs[-1]["created_at"], "chat_messages": msgs})
    path.write_text(json.dumps(convs), encoding="utf-8")
    return path


def telegram(path: Path, n: int, chats: int = 20) -> Path:
    lists: list[dict[str, object]] = [{"name": f"chat {c}", "type": "personal_chat", "id": 1000 + c, "messages": []}
                                      for c in range(chats)]
    for i, (at, who, text) in enumerate(messages(n)):
        msg: dict[str, object] = {"id": i, "type": "message", "date": at.strftime("%Y-%m-%dT%H:%M:%S"),
                                  "date_unixtime": str(int(at.timestamp())), "from": who, "from_id": f"user{who}",
                                  "text": text if i % 3 else [text[:5], {"type": "bold", "text": text[5:]}],
                                  "text_entities": []}
        lists[i % chats]["messages"].append(msg)  # type: ignore[attr-defined]
    path.write_text(json.dumps({"about": "", "chats": {"about": "", "list": lists}}), encoding="utf-8")
    return path


def gemini(path: Path, n: int) -> Path:
    """``n`` messages = n/2 prompts with their answers."""
    recs = []
    for i, (at, _who, text) in enumerate(messages(n // 2)):
        recs.append({"header": "Gemini Apps", "title": f"Prompted {text}", "time": at.isoformat().replace("+00:00", "Z"),
                     "products": ["Gemini Apps"], "safeHtmlItem": [{"html": f"<p>Answer {i}: <b>{text}</b></p>"}]})
    path.write_text(json.dumps(list(reversed(recs))), encoding="utf-8")
    return path


def _email(i: int, at: datetime, who: str, text: str) -> EmailMessage:
    m = EmailMessage()
    m["Message-ID"] = f"<m{i}@example.org>"
    if i % 5:
        m["In-Reply-To"] = f"<m{i - i % 5}@example.org>"
        m["References"] = f"<m{i - i % 5}@example.org>"
    m["Date"] = format_datetime(at)
    m["From"] = f"{who} <{who.lower()}@example.org>"
    m["Subject"] = f"Thread {i // 5}"
    if i % 4 == 0:
        m.set_content(f"<html><body><p>{text}</p></body></html>", subtype="html")
    else:
        m.set_content(text)
    return m


def mbox(path: Path, n: int) -> Path:
    with open(path, "wb") as fh:
        for i, (at, who, text) in enumerate(messages(n)):
            fh.write(f"From {who.lower()}@example.org {at:%a %b %d %H:%M:%S %Y}\n".encode())
            fh.write(bytes(_email(i, at, who, text)).replace(b"\r\n", b"\n").replace(b"\nFrom ", b"\n>From "))
            fh.write(b"\n")
    return path


def eml_folder(path: Path, n: int) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for i, (at, who, text) in enumerate(messages(n)):
        (path / f"{i:06d}.eml").write_bytes(bytes(_email(i, at, who, text)))
    return path


def ics(path: Path, n: int) -> Path:
    """``n`` single events around now (inside the import window)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "X-WR-CALNAME:Bench"]
    base = datetime.now(UTC) - timedelta(days=700)
    for i, (_at, _who, text) in enumerate(messages(n)):
        start = base + timedelta(minutes=20 * i)
        lines += ["BEGIN:VEVENT", f"UID:e{i}@bench", f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
                  f"DTEND:{start + timedelta(minutes=30):%Y%m%dT%H%M%SZ}", f"SUMMARY:{text}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def jsonl(path: Path, n: int) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for i, (at, who, text) in enumerate(messages(n)):
            fh.write(json.dumps({"id": f"j{i}", "conversation": f"c{i // 100}", "time": at.isoformat(),
                                 "speaker": who, "text": text}) + "\n")
    return path


WRITERS = {"whatsapp": ("chat.txt", whatsapp), "claude": ("conversations.json", claude),
           "telegram": ("result.json", telegram), "gemini": ("MyActivity.json", gemini),
           "mbox": ("mail.mbox", mbox), "eml": ("eml", eml_folder), "ics": ("cal.ics", ics),
           "messages": ("messages.jsonl", jsonl)}


def write(kind: str, folder: Path, n: int) -> Path:
    name, fn = WRITERS[kind]
    return fn(folder / name, n)  # type: ignore[operator]

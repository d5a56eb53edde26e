"""Spans of the lines notes are written in: "Landlord: Priya Shah, 07700 900123", "9:30".

People keep facts as labelled lines ("- Rent: £1,150 a month", "GP: Dr Amara Okafor") rather
than sentences. The label names what the value is, so a question naming the label is answered
by the value, whole ("14 Larch Road, Flat 2, Bristol BS6 5QT" is one address, not a clause
to cut at its first comma).
"""

from __future__ import annotations

import re

from secondme.question_terms import content_terms, words

# "- Landlord: value", "* GP: value", "Blood type: value": a short label, a colon, a value.
_FIELD = re.compile(r"^\s*(?:[-*•+]\s+|\d+[.)]\s+)?(\w[^:\n\[\]()\"“”]{0,39}?)\s*:\s+(\S.*)$")
_LABEL_WORDS = 5
# A time of day: "9:30", "7.45pm", "10 am", "noon".
TIME_OF_DAY = re.compile(r"\b\d{1,2}[:.]\d{2}\s?(?:[ap]\.?m\.?\b)?|\b\d{1,2}\s?[ap]\.?m\b\.?|\b(?:noon|midday|midnight)\b",
                         re.IGNORECASE)
_ASKS_TIME = re.compile(r"\b(?:what|which) time\b|\bat what time\b", re.IGNORECASE)


def labelled(sentence: str) -> tuple[str, str] | None:
    """(label, value) of a "Label: value" line, or None: the label is a few words, the value
    is what follows the colon (a time's colon, "9:30", is no label's)."""
    m = _FIELD.match(sentence)
    if not m:
        return None
    label, value = m.group(1).strip(), m.group(2).strip().rstrip(".;").strip()
    if len(label.split()) > _LABEL_WORDS or not value or re.search(r"\d$", label):
        return None
    return label, value


def field_value(question: str, sentence: str) -> str:
    """The value of a "Label: value" line whose label the question names ("Who is my
    landlord?" and "Landlord: Priya Shah"), else ""."""
    pair = labelled(sentence)
    if pair is None:
        return ""
    label, value = pair
    asked = set(content_terms(question))
    return value if asked and set(content_terms(label)) & asked else ""


def asks_time_of_day(question: str) -> bool:
    """Whether a question asks the time of day something happens ("What time is standup?")."""
    return bool(_ASKS_TIME.search(question))


def time_of_day(sentence: str) -> str:
    """The first time of day a sentence names ("9:30"), or ""."""
    m = TIME_OF_DAY.search(sentence)
    return m.group(0).strip() if m else ""


# What is asked of someone, not said of them: "What is my landlord's phone number?" is answered
# by "Landlord: Priya Shah, 07700 900123", which never says "phone".
ATTRIBUTES = frozenset("""phone number mobile telephone email e-mail address postcode zip code
website username handle age birthday title""".split())
_PHONE = re.compile(r"(?<![\w+])\+?\(?\d[\d ().-]{5,}\d(?!\w)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"\b(?:https?://|www\.)\S+[\w/]")
_SHAPES = {"phone": _PHONE, "mobile": _PHONE, "telephone": _PHONE, "email": _EMAIL, "e-mail": _EMAIL,
           "website": _URL}


def attribute_asked(question: str) -> set[str]:
    """The closing words of a question that name an attribute asked for ("phone number")."""
    out: set[str] = set()
    for w in reversed(words(question)):
        if w not in ATTRIBUTES:
            break
        out.add(w)
    return out


def shaped_answer(question: str, sentence: str) -> str | None:
    """For a question asking a phone number, an e-mail or a website: the one ``sentence``
    holds ("07700 900123"), or "" when it holds none (a landlord's line without an e-mail does
    not answer "What is my landlord's email?"); None for any other question."""
    if not _ASKS_WHAT.match(question):
        return None  # "Who is drafting the customer email?" asks a person, not an address
    asked = attribute_asked(question)
    if _SOMEONES_NUMBER.search(question):
        asked.add("phone")  # "the vet's number" is a phone number; "my lucky number" is not
    for w in asked:
        if w in _SHAPES:
            m = _SHAPES[w].search(sentence)
            return m.group(0).strip() if m else ""
    return None


_ASKS_WHAT = re.compile(r"\s*(?:what|which)\b", re.IGNORECASE)
_SOMEONES_NUMBER = re.compile(r"\w['’]s?\s+(?:contact\s+|work\s+|home\s+)?number\s*\??\s*$", re.IGNORECASE)

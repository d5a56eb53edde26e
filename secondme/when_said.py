"""When a quoted sentence's event happened, from its words and the day it was said.

A source's label carries the day it was written ("Gina (29 Jan 2023): …"); a sentence's own
time words ("yesterday", "last week", "two years ago", "when I was 10") place its event
relative to that day. Kept apart from sentence choice (:mod:`secondme.extractive`), which
asks these for the date a "when" question wants.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

from secondme.memory.timeparse import event_day
from secondme.question_terms import _MONTHS, content_terms, term
from secondme.span_fields import asks_time_of_day, time_of_day
from secondme.span_words import DATE_PHRASE, MONTHS

LABEL_DAY = r"\((\d{1,2} [A-Z][a-z]{2} \d{4})\)"  # as hit_text labels a source: "Gina (29 Jan 2023): …"
LABEL_DATE = re.compile(LABEL_DAY + r"\s*$")
_MONTH_ALT = "|".join(m for m in _MONTHS if len(m) > 3 or m == "may") + "|" + "|".join(
    m for m in _MONTHS if len(m) == 3 and m != "may")
_EXPLICIT_DATE = re.compile(
    rf"\b\d{{1,2}}(st|nd|rd|th)?\s+({_MONTH_ALT})\b|\b({_MONTH_ALT})\.?\s+\d{{1,2}}(st|nd|rd|th)?\b|\b(19|20)\d\d\b")
_AGO = re.compile(r"\b(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a few|a couple of)\s+"
                  r"(day|week|month|year)s?\s+ago\b", re.IGNORECASE)
_NUM_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
              "seven": 7, "eight": 8, "nine": 9, "ten": 10, "a few": 3, "a couple of": 2}


def label_date(text: str) -> datetime | None:
    """The date in a source's label ("Title (08 May 2023): body"), when it has one."""
    head, sep, _body = text.partition(": ")
    if not sep:
        return None
    m = LABEL_DATE.search(head)
    if not m:
        return None
    try:
        return datetime.strptime(m.group(1), "%d %b %Y")
    except ValueError:
        return None


def day_text(d: datetime) -> str:
    """A day as answers write it: "7 May 2023"."""
    return f"{d.day} {d.strftime('%B %Y')}"


_LAST_WEEKDAY = re.compile(r"\b(?:on|last|this past)\s+(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
                           re.IGNORECASE)
_FEW_DAYS = re.compile(r"\b(?:a )?(few|couple of) days ago\b|\bthe other day\b", re.IGNORECASE)


def relative_to_said(sentence: str, said: datetime) -> str:
    """A day named relative to the day a sentence was said, kept in those terms: "last Friday"
    said on 27 July 2023 is "the Friday before 27 July 2023", "a few days ago" is "a few days
    before 27 July 2023". Which calendar day "on Friday" meant is a guess (this week's or
    last?); the phrase with its anchor is not. "" when the sentence has no such phrase."""
    if re.search(r"\b(?:yesterday|last night|today|tonight)\b", sentence, re.IGNORECASE):
        return ""  # an exact day: resolved to the date itself
    m = _LAST_WEEKDAY.search(sentence)
    if m:
        return f"the {m.group(1).capitalize()} before {day_text(said)}"
    m = _FEW_DAYS.search(sentence)
    if m:
        return f"a {m.group(1) or 'few'} days before {day_text(said)}"
    return ""


def resolve_when(sentence: str, said: datetime) -> str:
    """When the event of ``sentence`` happened, from its time words and the date it was said.

    "yesterday" said on 8 May 2023 is 7 May 2023; "last Saturday" the Saturday before; "last
    week" the week before; "two years ago" 2021; "when I was 10" stays a time of life; "in
    January" is the month it names. Without time words: the date it was said.
    """
    low = sentence.lower()
    if _EXPLICIT_DATE.search(low):
        return ""  # the sentence names its own date: it answers by itself
    relative = relative_to_said(sentence, said)
    if relative:
        return relative
    day = event_day(sentence, said)
    if day is not None:
        return day_text(day)
    if _IN_MONTH.search(sentence):
        return ""  # "postponed to January": the month it names, not the day it was said
    return _period(low, said) or _ago(sentence, said) or life_period(sentence) or day_text(said)


# A month named after a preposition ("in March", "to January", "since June"); "may" only
# capitalized, as the month it then is.
_IN_MONTH = re.compile(
    r"\b(?:in|to|until|till|by|since|from|for|during|before|after|around|early|late|mid)\s+(?:early\s+|late\s+|mid-?)?"
    r"(?:[Jj]anuary|[Ff]ebruary|[Mm]arch|[Aa]pril|May|[Jj]une|[Jj]uly|[Aa]ugust|[Ss]eptember|[Oo]ctober|"
    r"[Nn]ovember|[Dd]ecember)\b")


# A time of life ("when I was 10", "as a kid", "in high school"): the event happened then, not
# on the day it was told, and no calendar date can be made of it without a birthday.
_LIFE_PERIOD = re.compile(
    r"\b(?:when (?:i|we) (?:was|were) (?:\d{1,2}|(?:a |an )?(?:kid|kids|child|children|teen|teenager|"
    r"teenagers|baby|toddler|little|young|younger|small|in (?:high school|middle school|college|"
    r"university|school|grade school|elementary school)))|"
    r"as (?:a |an )?(?:kid|child|teen|teenager|little (?:girl|boy|kid))|growing up|"
    r"(?:at|by) (?:the )?age (?:of )?\d{1,2}|"
    r"(?:in|during|back in|through(?:out)?) (?:my )?(?:childhood|teens|twenties|thirties|high school|"
    r"middle school|grade school|elementary school|college|university)(?: days| years)?)\b",
    re.IGNORECASE)


def life_period(sentence: str) -> str:
    """The time of life a sentence places its event in, as said ("when I was 10"), or ""."""
    m = _LIFE_PERIOD.search(sentence)
    return m.group(0) if m else ""


# Periods named relative to the day a sentence was said, first match wins.
_PERIODS: tuple[tuple[re.Pattern[str], Callable[[datetime], str]], ...] = (
    (re.compile(r"\blast weekend\b"), lambda said: f"the weekend before {day_text(said)}"),
    (re.compile(r"\blast week\b"), lambda said: f"the week before {day_text(said)}"),
    (re.compile(r"\b(this|the) weekend\b"), lambda said: f"the weekend of {day_text(said)}"),
    (re.compile(r"\bnext weekend\b"), lambda said: f"the weekend after {day_text(said)}"),
    (re.compile(r"\bnext week\b"), lambda said: f"the week after {day_text(said)}"),
    (re.compile(r"\blast month\b"), lambda said: (said.replace(day=1) - timedelta(days=1)).strftime("%B %Y")),
    (re.compile(r"\bnext month\b"),
     lambda said: (said.replace(day=28) + timedelta(days=4)).replace(day=1).strftime("%B %Y")),
    (re.compile(r"\bthis month\b"), lambda said: said.strftime("%B %Y")),
    (re.compile(r"\blast year\b"), lambda said: str(said.year - 1)),
    (re.compile(r"\bnext year\b"), lambda said: str(said.year + 1)),
)


def _period(low: str, said: datetime) -> str:
    for pattern, resolve in _PERIODS:
        if pattern.search(low):
            return resolve(said)
    return ""


def _ago(sentence: str, said: datetime) -> str:
    """What "two years ago" / "three weeks ago" means said on ``said``, or ""."""
    m = _AGO.search(sentence)
    if not m:
        return ""
    n_text = m.group(1).lower()
    n = int(n_text) if n_text.isdigit() else _NUM_WORDS.get(n_text, 1)
    unit = m.group(2).lower()
    if unit == "year":
        return str(said.year - n)
    d = said - timedelta(days={"day": 1, "week": 7, "month": 30}[unit] * n)
    return d.strftime("%B %Y")  # a number of days ago is an exact day: event_day above


_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# A state kept up to the day it is told: "I've had them for 3 years", "Been doing it for about
# three years now", "we've been together for two years".
_SO_FAR = re.compile(r"\b(?:been|had|have|'ve|’ve)\b[^.?!]{0,40}?\bfor\s+(?:about\s+|around\s+|almost\s+|"
                     r"nearly\s+|over\s+|(?:the\s+)?(?:past|last)\s+)?(\d{1,2}|one|two|three|four|five|six|seven|"
                     r"eight|nine|ten)\s+years?\b", re.IGNORECASE)


def _years_so_far(sentence: str) -> int:
    """How many years a state a sentence tells of has lasted up to its telling, or 0."""
    m = _SO_FAR.search(sentence)
    if not m:
        return 0
    n = m.group(1).lower()
    return int(n) if n.isdigit() else _NUM_WORDS[n]


def _nearest_date(question: str, sentence: str) -> str:
    """The date ``sentence`` names nearest the question's words: "On-call — rota for December
    agreed. I'm on call 14–20 Dec." answers "When am I on call?" with "14–20 Dec"."""
    found = list(DATE_PHRASE.finditer(sentence))
    if len(found) < 2:
        return found[0].group(0) if found else ""
    asked = set(content_terms(question))
    at = [m.start() for m in re.finditer(r"[\w'’]+", sentence) if term(m.group(0)) in asked]
    if not at:
        return found[0].group(0)
    return min(found, key=lambda d: min(abs(d.start() - a) for a in at)).group(0)


def date_span(question: str, sentence: str, when: str) -> str:
    """What answers a "when" question in ``sentence``: its time of day where that is asked,
    the year or month where one is asked, else ``when`` (the event's resolved day) or the date
    the sentence names."""
    if asks_time_of_day(question) and time_of_day(sentence):
        return time_of_day(sentence)  # "What time is standup?": "9:30", not the day said
    q = question.lower()
    value = when or _nearest_date(question, sentence)
    if not value:
        return ""
    if re.search(r"\b(what|which) year\b", q):
        y = _YEAR.findall(value)
        since = _years_so_far(sentence)
        if since and y and when:
            # "Been doing it for 3 years", said in 2023, began in 2020.
            return str(int(y[-1]) - since)
        return y[-1] if y else value
    if re.search(r"\b(what|which) month\b", q):
        m2 = re.search(r"(" + "|".join(MONTHS) + r")\w*\s+\d{4}", value, re.IGNORECASE)
        return m2.group(0) if m2 else value
    return value

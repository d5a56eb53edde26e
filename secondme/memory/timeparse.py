"""Time expressions in questions ("yesterday", "last March", "two years ago") as date ranges.

LongMemEval measured that turning such phrases into a date filter adds recall on temporal
questions. Everything is relative to the question's own date (``now``), never the wall clock,
so a question asked about an imported past conversation resolves against that past.
Dates are local calendar dates, like the times the importers store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], 1)}
_MONTH_ABBR = {m[:3]: i for m, i in MONTHS.items()}
_MONTH_ABBR["sept"] = 9
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "couple of": 2,
           "a couple of": 2, "few": 3, "a few": 3}

_MONTH_RE = (r"(?P<month>january|february|march|april|may|june|july|august|september|october|"
             r"november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?")
_NUM_RE = r"(?P<n>\d{1,3}|a couple of|couple of|a few|few|an|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"


# Question words that ask when something happened ("What is Mum's birthday?" asks for a date
# too, "What does Mum want for her birthday?" does not; "what time-saving tips" does not).
_DATE_CUE = re.compile(r"^when\b|^(?:and |so )?when (?:did|do|does|was|were|is|will|has|have)\b|"
                       r"\b(?:what|which) (?:date|year|month|day|time|week|weekend)(?![\w-])|"
                       r"\bhow long ago\b|\b(?:what|when)(?:'s|’s| is| was| are)\s+[\w'’ ]*\b(?:birthday|anniversary)\s*\??$")


def asks_for_date(question: str) -> bool:
    """Whether ``question`` asks when something happened ("When did…?", "What year…?")."""
    return bool(_DATE_CUE.search(question.lower().strip()))


@dataclass(frozen=True)
class TimeRange:
    """``[since, until)`` in epoch seconds, with the phrase that produced it."""

    since: float
    until: float
    phrase: str

    def strip(self, query: str) -> str:
        """The query without the time phrase (it would only add noise to keyword matching)."""
        out = re.sub(re.escape(self.phrase), " ", query, count=1, flags=re.IGNORECASE)
        return re.sub(r"\s+", " ", out).strip() or query


def _day(d: datetime) -> datetime:
    return d.replace(hour=0, minute=0, second=0, microsecond=0)


def _month_start(year: int, month: int) -> datetime:
    while month < 1:
        month += 12
        year -= 1
    while month > 12:
        month -= 12
        year += 1
    return datetime(year, month, 1)


def _month_range(year: int, month: int) -> tuple[datetime, datetime]:
    start = _month_start(year, month)
    return start, _month_start(start.year, start.month + 1)


def _month_num(name: str) -> int:
    name = name.lower().rstrip(".")
    return MONTHS.get(name) or _MONTH_ABBR[name[:4] if name.startswith("sept") else name[:3]]


def _num(s: str) -> int:
    s = s.lower()
    return int(s) if s.isdigit() else NUMBERS[s]


def _r(a: datetime, b: datetime, phrase: str) -> TimeRange:
    return TimeRange(a.timestamp(), b.timestamp(), phrase)


def _rule_relative_day(q: str, now: datetime) -> TimeRange | None:
    m = re.search(r"\b(the day before yesterday|yesterday|today|tonight|this morning)\b", q)
    if not m:
        return None
    back = {"the day before yesterday": 2, "yesterday": 1}.get(m.group(1), 0)
    start = _day(now) - timedelta(days=back)
    return _r(start, start + timedelta(days=1), m.group(0))


def _rule_this_last(q: str, now: datetime) -> TimeRange | None:
    m = re.search(r"\b(this|last|past|previous)\s+(week|month|year|weekend)\b", q)
    if not m:
        return None
    which, unit = m.group(1), m.group(2)
    today = _day(now)
    if unit == "week":
        monday = today - timedelta(days=today.weekday())
        if which == "this":
            return _r(monday, monday + timedelta(days=7), m.group(0))
        if which == "past":  # "the past week": the last seven days
            return _r(today - timedelta(days=7), today + timedelta(days=1), m.group(0))
        return _r(monday - timedelta(days=7), monday, m.group(0))
    if unit == "weekend":
        saturday = today - timedelta(days=(today.weekday() - 5) % 7)  # the latest Saturday
        if which != "this" and today.weekday() >= 5:
            saturday -= timedelta(days=7)  # on a weekend, "last weekend" is the one before
        return _r(saturday, saturday + timedelta(days=2), m.group(0))
    if unit == "month":
        if which == "this":
            a, b = _month_range(now.year, now.month)
        elif which == "past":
            a, b = today - timedelta(days=31), today + timedelta(days=1)
        else:
            a, b = _month_range(now.year, now.month - 1)
        return _r(a, b, m.group(0))
    year = now.year if which == "this" else now.year - 1
    if which == "past":
        return _r(today - timedelta(days=366), today + timedelta(days=1), m.group(0))
    return _r(datetime(year, 1, 1), datetime(year + 1, 1, 1), m.group(0))


def _rule_ago(q: str, now: datetime) -> TimeRange | None:
    m = re.search(rf"\b{_NUM_RE}\s+(?P<unit>day|week|month|year)s?\s+ago\b", q)
    if not m:
        return None
    n, unit = _num(m.group("n")), m.group("unit")
    today = _day(now)
    if unit == "day":
        start = today - timedelta(days=n)
        return _r(start, start + timedelta(days=1), m.group(0))
    if unit == "week":
        centre = today - timedelta(days=7 * n)
        return _r(centre - timedelta(days=4), centre + timedelta(days=4), m.group(0))
    if unit == "month":
        a, b = _month_range(now.year, now.month - n)
        return _r(a, b, m.group(0))
    return _r(datetime(now.year - n, 1, 1), datetime(now.year - n + 1, 1, 1), m.group(0))


def _rule_day_month(q: str, now: datetime) -> TimeRange | None:
    m = (re.search(rf"\b(?:on\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_RE}(?:,?\s+(?P<y>\d{{4}}))?\b", q)
         or re.search(rf"\b(?:on\s+)?{_MONTH_RE}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>\d{{4}}))?", q))
    if not m:
        return None
    month, day = _month_num(m.group("month")), int(m.group("d"))
    year = int(m.group("y")) if m.group("y") else now.year
    try:
        start = datetime(year, month, day)
        if not m.group("y") and start > now:
            start = datetime(year - 1, month, day)  # "on 8 May" means the last one
    except ValueError:
        return None
    return _r(start, start + timedelta(days=1), m.group(0).strip())


def _rule_month(q: str, now: datetime) -> TimeRange | None:
    m = re.search(rf"\b(?P<pre>in|last|during|since)\s+{_MONTH_RE}(?:\s+(?P<y>\d{{4}}))?\b", q)
    if not m or (m.group("month") == "may" and m.group("pre") in ("in", "during") and not m.group("y")
                 and re.search(r"\bmay\s+(i|we|you|he|she|they|be)\b", q[m.start("month"):])):
        return None  # "in may I ..." is ambiguous enough to leave alone
    month = _month_num(m.group("month"))
    if m.group("y"):
        year = int(m.group("y"))
    else:
        year = now.year if month < now.month or (month == now.month and m.group("pre") != "last") else now.year - 1
    a, b = _month_range(year, month)
    if m.group("pre") == "since":
        return _r(a, _day(now) + timedelta(days=1), m.group(0))
    return _r(a, b, m.group(0))


def _rule_year(q: str, now: datetime) -> TimeRange | None:
    m = re.search(r"\b(?:in|during|of)\s+(?P<y>(?:19|20)\d{2})\b", q)
    if not m:
        return None
    y = int(m.group("y"))
    return _r(datetime(y, 1, 1), datetime(y + 1, 1, 1), m.group(0))


_RULES = (_rule_relative_day, _rule_ago, _rule_day_month, _rule_this_last, _rule_month, _rule_year)


def parse_time(query: str, now: float | datetime) -> TimeRange | None:
    """The date range a question's time phrase names, relative to ``now``; None if it names none."""
    ref = now if isinstance(now, datetime) else datetime.fromtimestamp(now)
    q = query.lower()
    for rule in _RULES:
        r = rule(q, ref)
        if r is not None:
            # Report the phrase as the question spelled it (for stripping).
            i = q.find(r.phrase)
            phrase = query[i:i + len(r.phrase)] if i >= 0 else r.phrase
            return TimeRange(r.since, r.until, phrase)
    return None


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SAME_DAY = re.compile(r"\b(today|tonight|this morning|this afternoon|this evening|just now)\b")
_DAY_BEFORE = re.compile(r"\byesterday\b|\blast night\b")
_ON_WEEKDAY = re.compile(r"\b(?:on|last|this past) (" + "|".join(_WEEKDAYS) + r")\b")
_DAYS_AGO = re.compile(rf"\b{_NUM_RE}\s+days?\s+ago\b")


def event_day(sentence: str, said: datetime) -> datetime | None:
    """The day a sentence's event happened when its words name one relative to the day it was
    said ("yesterday", "last night", "today", "on Saturday", "last Friday", "three days ago");
    None when they name no single day."""
    low = sentence.lower()
    if _DAY_BEFORE.search(low):
        return said - timedelta(days=1)
    if _SAME_DAY.search(low):
        return said
    m = _ON_WEEKDAY.search(low)
    if m:
        back = (said.weekday() - _WEEKDAYS.index(m.group(1))) % 7 or 7
        return said - timedelta(days=back)
    m = _DAYS_AGO.search(low)
    if m:
        return said - timedelta(days=_num(m.group("n")))
    return None

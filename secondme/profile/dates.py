"""Calendar dates as people write them, to one canonical form ("14 March 1990", "14 March").

Forms read: "14 March 1990", "14th of March", "March 14th, 1990", "Mar 14 1990",
"1990-03-14", "14/03/1990", "3/14/1990", "14.03.1990", "14-Mar-1990". An all-numeric date
whose day and month could be swapped ("04/07/1990") is read day first unless ``month_first``
(a US profile) says otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")
_MON = {m[:3]: i + 1 for i, m in enumerate(MONTHS)} | {"sept": 9}
_MONTH_RX = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"((?:19|20)\d{2})"

# Each alternative names its groups; the order matters: ISO before d/m/y.
DATE = re.compile(
    rf"(?P<iso>\b{_YEAR}-(\d{{1,2}})-(\d{{1,2}})\b)|"
    rf"(?P<dmy>\b{_DAY}\s+(?:of\s+)?(?P<m1>{_MONTH_RX})(?:,?\s+{_YEAR})?\b)|"
    rf"(?P<mdy>\b(?P<m2>{_MONTH_RX})\s+{_DAY}(?:,?\s+{_YEAR})?\b)|"
    rf"(?P<dmy2>\b(\d{{1,2}})-(?P<m3>{_MONTH_RX})-{_YEAR}\b)|"
    rf"(?P<num>\b(\d{{1,2}})(?P<sep>[/.])(\d{{1,2}})(?P=sep)((?:19|20)?\d{{2}})\b)|"
    rf"(?P<my>\b(?P<m4>{_MONTH_RX})\s+{_YEAR}\b)",
    re.IGNORECASE)


@dataclass(frozen=True)
class Date:
    """A date with an optional year (birthdays are often told without one)."""

    day: int | None
    month: int
    year: int | None

    def text(self) -> str:
        """The date for people: ``4 July 1990``, ``4 July``, ``July 1990`` or ``July``."""
        month = MONTHS[self.month - 1].capitalize()
        if self.day is None:
            return f"{month} {self.year}" if self.year else month
        return f"{self.day} {month}" + (f" {self.year}" if self.year else "")


def _month(word: str) -> int:
    return _MON[word.lower().rstrip(".")[:4] if word.lower().startswith("sept") else word.lower().rstrip(".")[:3]]


def _valid(d: int | None, m: int, y: int | None) -> Date | None:
    if not 1 <= m <= 12 or (d is not None and not 1 <= d <= 31):
        return None
    return Date(d, m, y)


def parse(text: str, month_first: bool = False) -> tuple[Date, int, int] | None:
    """The first date in ``text`` and its span, or None."""
    for m in DATE.finditer(text):
        g = m.groupdict()
        groups = m.groups()
        d: Date | None = None
        if g["iso"]:
            d = _valid(int(groups[3]), int(groups[2]), int(groups[1]))
        elif g["dmy"]:
            y = groups[7]
            d = _valid(int(groups[5]), _month(g["m1"]), int(y) if y else None)
        elif g["mdy"]:
            y = groups[11]
            d = _valid(int(groups[10]), _month(g["m2"]), int(y) if y else None)
        elif g["dmy2"]:
            d = _valid(int(groups[13]), _month(g["m3"]), int(groups[15]))
        elif g["num"]:
            a, b, y = int(groups[17]), int(groups[19]), groups[20]
            year = int(y) if len(y) == 4 else (2000 + int(y) if int(y) < 30 else 1900 + int(y))
            if a > 12 or (b <= 12 and not month_first):
                d = _valid(a, b, year)
            else:
                d = _valid(b, a, year)
        elif g["my"]:
            d = _valid(None, _month(g["m4"]), int(groups[23]))
        if d is not None:
            return d, m.start(), m.end()
    return None

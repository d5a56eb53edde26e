"""Profile candidates from memories: the shared fact extractors plus a few profile-only patterns.

``secondme.memory.facts`` already finds addresses, workplaces, e-mails, phones, birthdays,
people and pets; this module maps those facts onto profile fields and adds exact patterns for
what only a profile needs (name, job title, diet, documents...). Every candidate cites the
memory ids it came from.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass

from secondme.memory import facts as F

PARTNER = frozenset({"wife", "husband", "partner", "girlfriend", "boyfriend", "fiancé", "fiance", "fiancee",
                     "fiancée", "spouse"})
CHILDREN = frozenset({"son", "daughter", "child", "kid", "baby"})
RELATIVES = frozenset({"sister", "brother", "mother", "mom", "mum", "father", "dad", "aunt", "uncle",
                       "cousin", "grandma", "grandmother", "grandpa", "grandfather", "niece", "nephew"})
COUNTRIES = frozenset(
    [*"france germany deutschland spain españa espana italy italia netherlands nederland portugal belgium " "belgique switzerland schweiz suisse austria österreich uk usa canada ireland sweden norway denmark " "finland poland brazil brasil mexico japan australia luxembourg".split(), "united kingdom", "united states", "new zealand"])
_POSTAL = re.compile(r"\b(\d{4,5}(?:-\d{3,4})?|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|\d{4} ?[A-Z]{2})\b")
_MONTHS = {m: i + 1 for i, m in enumerate(
    "january february march april may june july august september october november december".split())}


@dataclass
class Candidate:
    """A value for a field, stated at ``at`` by the memories ``sources``."""

    field: str
    value: str
    at: float
    sources: list[int]
    confidence: float = 0.8
    derived_from: str | None = None
    extra: dict[str, str] = dataclasses.field(default_factory=dict)


def _clip(value: str, max_words: int = 6) -> str:
    value = re.split(r"[.,;:!?()\n]| (?:and|but|because|since|so|mostly|at|for|in|from|with)\b", value)[0]
    return " ".join(value.strip(" '\"").split()[:max_words])


_NAME = r"([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2})"
PATTERNS: tuple[tuple[str, re.Pattern[str], float], ...] = (
    ("name", re.compile(rf"\b(?i:my (?:full )?name is) {_NAME}"), 0.85),
    ("organization-title", re.compile(
        r"\bI\s+(?:now\s+|currently\s+)?(?:work|am working|'m working)\b[^.\n]{0,40}?\bas an? ([a-z][a-z -]{2,40})",
        re.IGNORECASE), 0.75),
    ("organization-title", re.compile(r"\bmy (?:job title|title|role|position) is (?:an? )?([^.\n]{3,40})",
                                      re.IGNORECASE), 0.8),
    ("dietary-preferences", re.compile(
        r"\bI(?:'m| am)\s+(?:a\s+)?(vegetarian|vegan|pescatarian|gluten[- ]free|lactose[- ]intolerant|halal|kosher)\b",
        re.IGNORECASE), 0.8),
    ("allergies", re.compile(r"\bI(?:'m| am) allergic to ([^.\n;]{3,40})", re.IGNORECASE), 0.8),
    ("blood-type", re.compile(r"\bmy blood (?:type|group) is (AB|A|B|O)\s?([+-]|positive|negative)?",
                              re.IGNORECASE), 0.9),
    ("passport-number", re.compile(r"\bmy passport (?:number|no\.?|#) is ([A-Z0-9]{6,12})\b", re.IGNORECASE), 0.9),
    ("national-id", re.compile(r"\bmy (?:national id|id card|identity card) (?:number )?is ([A-Z0-9-]{5,20})\b",
                               re.IGNORECASE), 0.9),
    ("frequent-flyer-number", re.compile(
        r"\bmy (?:frequent flyer|miles and more|flying blue|loyalty|miles) (?:number |no\.? )?is ([A-Z0-9 ]{5,20}?)\b(?:[.,;\n]|$)",
        re.IGNORECASE), 0.9),
    ("iban", re.compile(r"\bIBAN(?: is|:)?\s+([A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?)"), 0.9),
    ("url", re.compile(r"\bmy (?:website|blog|homepage|site|portfolio) is (https?://\S+|[\w-]+(?:\.[\w-]+)+\S*)",
                       re.IGNORECASE), 0.85),
    ("language", re.compile(r"\bmy (?:native|first|mother) (?:language|tongue) is ([A-Z][a-z]+)"), 0.8),
    ("nationality", re.compile(r"\bI(?:'m| am) an? ([A-Z][a-z]+) (?:citizen|national)\b"), 0.8),
    ("emergency-contact", re.compile(rf"\b(?i:my emergency contact is) (?:my \w+ )?{_NAME}"), 0.85),
    ("education", re.compile(r"\bI (?:studied|graduated|got my degree) (?:at|from) ([A-Z][^.,;\n]{2,50})"), 0.75),
)


def from_text(text: str, at: float, source: int) -> list[Candidate]:
    """Candidates stated in one of the person's own messages (or notes)."""
    out: list[Candidate] = []
    for f in F.extract(text, "user"):
        value = _extend_address(text, f.value) if f.attribute == "address" else f.value
        out.extend(from_fact(f.attribute, value, at, [source]))
    for fld, rx, conf in PATTERNS:
        for m in rx.finditer(text):
            value = m.group(1).strip()
            if fld == "organization-title" or fld == "allergies" or fld == "education":
                value = _clip(value)
            elif fld == "blood-type" and m.group(2):
                sign = m.group(2).lower()
                value += "+" if sign in ("+", "positive") else "-"
            elif fld == "frequent-flyer-number":
                value = value.strip()
            if value:
                out.append(Candidate(fld, value, at, [source], conf))
    return out


_ADDR_PART = re.compile(r",\s*((?:\d{4,5}\s+)?[A-Z][\w'’-]*(?:[ -][A-Z][\w'’-]*){0,2}(?:\s+\d{4,5})?|\d{4,5})(?=[,.;!?\n]|$)")


def _extend_address(text: str, value: str) -> str:
    """The fact extractor stops at the first comma; a profile wants "…, 69002 Lyon, France"."""
    i = text.find(value)
    if i < 0:
        return value
    pos = i + len(value)
    for _ in range(3):
        m = _ADDR_PART.match(text, pos)
        if not m:
            break
        value += ", " + m.group(1)
        pos = m.end()
    return value


def from_fact(attribute: str, value: str, at: float, sources: list[int]) -> list[Candidate]:
    """Profile candidates for one fact about the person (attribute as in ``memory.facts``)."""
    base, _, detail = attribute.partition(":")
    direct = {"email": ("email", 0.9), "phone": ("tel", 0.9), "birthday": ("bday", 0.85),
              "address": ("street-address", 0.8), "workplace": ("organization", 0.8)}
    if base in direct:
        fld, conf = direct[base]
        return [Candidate(fld, value, at, list(sources), conf)]
    if base == "person":
        rel = "partner" if detail in PARTNER else "children" if detail in CHILDREN \
            else "relatives" if detail in RELATIVES else None
        if rel is None:
            return []
        return [Candidate(rel, value if rel == "partner" else f"{value} ({detail})", at, list(sources), 0.75)]
    if base == "pet":
        return [Candidate("pets", f"{value} ({detail})", at, list(sources), 0.8)]
    return []


def derive(c: Candidate) -> list[Candidate]:
    """Fields computed from another: address parts, name parts, birthday parts."""
    out: list[Candidate] = []

    def add(fld: str, value: str) -> None:
        if value:
            out.append(Candidate(fld, value, c.at, list(c.sources), round(c.confidence * 0.9, 3),
                                 derived_from=c.field))

    if c.field == "street-address":
        parts = [p.strip() for p in c.value.split(",") if p.strip()]
        if parts:
            add("address-line1", parts[0])
        for p in parts[1:]:
            if p.lower() in COUNTRIES:
                add("country-name", p)
                continue
            m = _POSTAL.search(p)
            if m:
                add("postal-code", m.group(1))
                p = (p[:m.start()] + p[m.end():]).strip()
            if p and not any(x.field == "address-level2" for x in out):
                add("address-level2", p)
    elif c.field == "name":
        words = c.value.split()
        if len(words) >= 2:
            add("given-name", words[0])
            add("family-name", words[-1])
    elif c.field == "bday":
        low = c.value.lower()
        day = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\b", low)
        month = next((i for name, i in _MONTHS.items() if name in low or re.search(rf"\b{name[:3]}\b", low)), None)
        year = re.search(r"\b(19\d{2}|20\d{2})\b", low)
        iso = re.match(r"(\d{4})-(\d{2})-(\d{2})$", low)
        if iso:
            add("bday-year", iso.group(1))
            add("bday-month", str(int(iso.group(2))))
            add("bday-day", str(int(iso.group(3))))
        else:
            if day and month:
                add("bday-day", day.group(1))
            if month:
                add("bday-month", str(month))
            if year:
                add("bday-year", year.group(1))
    return out


def expand(cands: Iterable[Candidate]) -> list[Candidate]:
    out: list[Candidate] = []
    for c in cands:
        out.append(c)
        out.extend(derive(c))
    return out

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
from datetime import datetime

from secondme.memory import facts as F
from secondme.memory.statements import assertive
from secondme.profile import dates, phones, places, rules
from secondme.profile.fields import FIELDS

PARTNER = frozenset({"wife", "husband", "partner", "girlfriend", "boyfriend", "fiancé", "fiance", "fiancee",
                     "fiancée", "spouse"})
CHILDREN = frozenset({"son", "daughter", "child", "kid", "baby"})
RELATIVES = frozenset({"sibling", "sister", "brother", "mother", "mom", "mum", "father", "dad", "aunt", "uncle",
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
    by_model: bool = False  # read by a language model, not by the exact rules


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
    ("language", re.compile(r"\b(?i:my) (?:native|first|mother) (?:language|tongue) is ([A-Z][a-z]+)"), 0.8),
    ("nationality", re.compile(r"\bI(?:'m| am) an? ([A-Z][a-z]+) (?:citizen|national)\b"), 0.8),
    ("emergency-contact", re.compile(rf"\b(?i:my emergency contact is) (?:my \w+ )?{_NAME}"), 0.85),
    ("education", re.compile(r"\bI (?:studied|graduated|got my degree) (?:at|from) ([A-Z][^.,;\n]{2,50})"), 0.75),
)


# Attributes of ``memory.facts`` that the profile rules read better from the text itself
# (addresses in parts, phones validated, canonical dates, employer with title and start).
_RULED = frozenset({"address", "phone", "workplace", "birthday"})


def from_text(text: str, at: float, source: int, region: str | None = None) -> list[Candidate]:
    """Candidates stated in one of the person's own messages (or notes). National phone
    numbers are read in ``region`` (see :func:`resolve_phones`)."""
    out: list[Candidate] = []
    for f in F.extract(text, "user"):
        if f.attribute not in _RULED:
            out.extend(from_fact(f.attribute, f.value, at, [source]))
    month = datetime.fromtimestamp(at).strftime("%B %Y") if at else ""
    for r in rules.extract(text, month):
        out.extend(from_fact(r.field, r.value, at, [source], r.confidence))
    given = next((c.value for c in out if c.field == "given-name"), None)
    family = next((c.value for c in out if c.field == "family-name"), None)
    if given and family and not any(c.field == "name" for c in out):
        middle = next((c.value for c in out if c.field == "additional-name"), None)
        full = " ".join(x for x in (given, middle, family) if x)
        out.append(Candidate("name", full, at, [source], 0.85, derived_from="given-name"))
    out.extend(_phones(text, at, source, region))
    for fld, rx, conf in PATTERNS:
        if fld in _RULES_COVER:
            continue
        for m in rx.finditer(assertive(text)):
            value = _pattern_value(fld, m)
            if value:
                out.append(Candidate(fld, value, at, [source], conf))
    return out


def _pattern_value(fld: str, m: re.Match[str]) -> str:
    """The value one of the single ``PATTERNS`` matched, tidied for its field."""
    value = m.group(1).strip()
    if fld == "allergies" or fld == "education":
        value = _clip(value)
    elif fld == "blood-type" and m.group(2):
        sign = m.group(2).lower()
        value += "+" if sign in ("+", "positive") else "-"
    elif fld == "frequent-flyer-number":
        value = value.strip()
    elif fld == "url":
        value = value.rstrip(".,;:!?)")
    return value


# Fields the rules module reads with more phrasings than the single patterns above.
_RULES_COVER = frozenset({"name", "organization-title", "dietary-preferences", "allergies", "education"})
_PHONE_CUE = re.compile(r"(?:phone|mobile|cell|number|call me|reach me|text me|tel|whatsapp)\b[^\d+(\n]{0,25}"
                        r"(\+?\(?\d[\d\s().-]{5,}\d)", re.IGNORECASE)


def _phones(text: str, at: float, source: int, region: str | None) -> list[Candidate]:
    """Phone candidates: international numbers anywhere, national ones after a cue word
    ("my mobile is …"); the value is E.164 once a region makes it valid."""
    raws = [p.raw for p in phones.find(assertive(text))]
    raws += [m.group(1).strip() for m in _PHONE_CUE.finditer(assertive(text)) if not m.group(1).startswith("+")]
    out: list[Candidate] = []
    for raw in dict.fromkeys(raws):
        c = Candidate("tel", raw, at, [source], 0.9, extra={"raw": raw})
        out.extend(_resolve(c, region))
    return out


def _resolve(c: Candidate, region: str | None) -> list[Candidate]:
    p = phones.normalise(c.extra.get("raw", c.value), region)
    if p is None:
        # Kept unresolved (not shown) until the profile knows a region that makes it valid.
        return [dataclasses.replace(c, field="tel-pending")]
    tel = dataclasses.replace(c, field="tel", value=p.e164)
    return [tel, dataclasses.replace(c, field="tel-national", value=p.national, derived_from="tel",
                                     confidence=round(c.confidence * 0.9, 3))]


def resolve_phones(cands: list[Candidate], region: str | None = None) -> list[Candidate]:
    """Read the national numbers again in the person's country (the newest country in the
    candidates, else ``region``, the locale's): "(503) 555-0177" is valid only as a US number."""
    countries = sorted((c for c in cands if c.field == "country-name"), key=lambda c: c.at)
    if countries:
        region = places.country_code(countries[-1].value) or region
    out: list[Candidate] = []
    for c in cands:
        if c.field == "tel-pending":
            out.extend(x for x in _resolve(c, region) if x.field != "tel-pending")
        else:
            out.append(c)
    return out


def from_fact(attribute: str, value: str, at: float, sources: list[int],
              confidence: float | None = None) -> list[Candidate]:
    """Profile candidates for one fact about the person: an attribute as in ``memory.facts``
    ("address", "person:sister") or a profile field name from the rules ("organization")."""
    base, _, detail = attribute.partition(":")
    srcs = list(sources)
    if base == "address":
        addr = places.parse(value)
        if addr is not None or any(ch.isdigit() for ch in value):
            return [Candidate("street-address", addr.full if addr else value, at, srcs, confidence or 0.8)]
        # "We moved to Sweden": a place, not a street address.
        return [Candidate(f.field, f.value, at, srcs, f.confidence) for f in rules.place(value)
                if f.field in ("address-level2", "country-name", "address-level1")]
    if base == "phone":
        return [Candidate("tel-pending", value, at, srcs, confidence or 0.9, extra={"raw": value})]
    if base in ("birthday", "bday"):
        d = dates.parse(value)
        if d is None or d[0].day is None:
            return []
        return [Candidate("bday", d[0].text(), at, srcs, confidence or 0.85)]
    direct = {"email": ("email", 0.9), "workplace": ("organization", 0.8)}
    if base in direct:
        fld, conf = direct[base]
        return [Candidate(fld, value, at, srcs, confidence or conf)]
    if base == "person":
        detail = rules.RELATION.get(detail, detail)  # "mom", "mum" and "mother" are one relation
        rel = "partner" if detail in PARTNER else "children" if detail in CHILDREN \
            else "relatives" if detail in RELATIVES else None
        if rel is None:
            return []
        return [Candidate(rel, value if rel == "partner" else f"{value} ({detail})", at, srcs, confidence or 0.75)]
    if base == "pet":
        return [Candidate("pets", f"{value} ({detail})", at, srcs, confidence or 0.8)]
    if ":" not in attribute and (attribute in FIELDS or attribute.startswith("favorite-")):
        return [Candidate(attribute, value, at, srcs, confidence or 0.75)]
    return []


def derive(c: Candidate) -> list[Candidate]:
    """Fields computed from another: address parts, name parts, birthday parts."""
    if c.field == "street-address":
        parts = _address_parts(c.value)
    elif c.field == "name":
        parts = _name_parts(c.value)
    elif c.field == "bday":
        parts = _bday_parts(c.value)
    else:
        parts = []
    return [Candidate(fld, value, c.at, list(c.sources), round(c.confidence * 0.9, 3), derived_from=c.field,
                      by_model=c.by_model)
            for fld, value in parts if value]


def _address_parts(value: str) -> list[tuple[str, str]]:
    """(field, value) of the parts of a street address: parsed, else read from its commas."""
    addr = places.parse(value)
    if addr is not None:
        return [("address-line1", addr.line1), ("address-line2", addr.line2), ("address-level2", addr.city),
                ("address-level1", addr.region), ("postal-code", addr.postal), ("country-name", addr.country)]
    out: list[tuple[str, str]] = []
    parts = [p.strip() for p in value.split(",") if p.strip()]
    if parts:
        out.append(("address-line1", parts[0]))
    city = False
    for p in parts[1:]:
        if p.lower() in COUNTRIES:
            out.append(("country-name", p))
            continue
        m = _POSTAL.search(p)
        if m:
            out.append(("postal-code", m.group(1)))
            p = (p[:m.start()] + p[m.end():]).strip()
        if p and not city:
            out.append(("address-level2", p))
            city = True
    return out


def _name_parts(value: str) -> list[tuple[str, str]]:
    """Given and family name from a name of two or more words (and the middle one of three)."""
    words = value.split()
    out: list[tuple[str, str]] = []
    if len(words) >= 2:
        out += [("given-name", words[0]), ("family-name", words[-1])]
    if len(words) == 3:
        out.append(("additional-name", words[1]))
    return out


def _bday_parts(value: str) -> list[tuple[str, str]]:
    """Day, month and year of a birthday written as ISO or in words ("3rd of May 1990")."""
    low = value.lower()
    iso = re.match(r"(\d{4})-(\d{2})-(\d{2})$", low)
    if iso:
        return [("bday-year", iso.group(1)), ("bday-month", str(int(iso.group(2)))),
                ("bday-day", str(int(iso.group(3))))]
    day = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\b", low)
    month = next((i for name, i in _MONTHS.items() if name in low or re.search(rf"\b{name[:3]}\b", low)), None)
    year = re.search(r"\b(19\d{2}|20\d{2})\b", low)
    out: list[tuple[str, str]] = []
    if day and month:
        out.append(("bday-day", day.group(1)))
    if month:
        out.append(("bday-month", str(month)))
    if year:
        out.append(("bday-year", year.group(1)))
    return out


def expand(cands: Iterable[Candidate]) -> list[Candidate]:
    """``cands`` followed, each, by the fields derived from it (address, name and birthday parts)."""
    out: list[Candidate] = []
    for c in cands:
        out.append(c)
        out.extend(derive(c))
    return out

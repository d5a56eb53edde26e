"""Countries, regions and postal addresses in parts.

Country names come from the ``phonenumbers`` library's locale data (its English names of
every region), so the list is kept up to date by a maintained package rather than by hand;
the aliases people write ("USA", "the UK", "Holland") are added here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

_ALIASES = {
    "usa": "US", "us": "US", "u.s.": "US", "u.s.a.": "US", "america": "US", "the us": "US",
    "the usa": "US", "the states": "US", "united states of america": "US", "the united states": "US",
    "uk": "GB", "u.k.": "GB", "the uk": "GB", "britain": "GB", "great britain": "GB", "england": "GB",
    "scotland": "GB", "wales": "GB", "northern ireland": "GB", "the united kingdom": "GB",
    "holland": "NL", "the netherlands": "NL", "deutschland": "DE", "españa": "ES", "espana": "ES",
    "italia": "IT", "nederland": "NL", "schweiz": "CH", "suisse": "CH", "österreich": "AT",
    "brasil": "BR", "méxico": "MX", "czechia": "CZ", "czech republic": "CZ", "south korea": "KR",
    "korea": "KR", "the philippines": "PH", "russia": "RU", "vietnam": "VN", "turkey": "TR",
}

US_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas",
    "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts",
    "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
    "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico",
    "NY": "New York", "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont",
    "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "DC": "District of Columbia",
}
_STATE_NAMES = {v.lower(): k for k, v in US_STATES.items()}


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    """Lower-cased English country name -> region code."""
    from phonenumbers.geodata.locale import LOCALE_DATA

    out: dict[str, str] = {}
    for code, names in LOCALE_DATA.items():
        name = names.get("en", "")
        while name.startswith("*"):  # the table shares strings: "*aa" means names["aa"]
            name = names.get(name[1:], "")
        if name and len(code) == 2:
            out[name.lower()] = code
    out.update(_ALIASES)
    return out


def country_code(name: str) -> str | None:
    """Region code for a country name or alias, None when it is not a country."""
    return _countries().get(name.strip().strip(".").lower()) if name else None


def is_country(name: str) -> bool:
    """Whether ``name`` is a country name or alias."""
    return country_code(name) is not None


def is_region(name: str) -> bool:
    """A US state name or its two-letter code (regions elsewhere are not listed)."""
    n = name.strip()
    return n in US_STATES or n.lower() in _STATE_NAMES


_UNIT = re.compile(r"^(?:flat|apt\.?|apartment|unit|suite|ste\.?|room|floor|fl\.?|building|bldg\.?|#)\s*\w+",
                   re.IGNORECASE)
_UNIT_INSIDE = re.compile(r"\s+((?:flat|apt\.?|apartment|unit|suite|ste\.?)\s*#?\s*\w+)$", re.IGNORECASE)
_STREET = re.compile(r"^\d+[A-Za-z]?(?:-\d+)?\s+\S|^(?:\d+[A-Za-z]?\s+)?[\w'’.-]+(?:\s+[\w'’.-]+)*\s+"
                     r"(?:street|st|road|rd|avenue|ave|lane|ln|drive|dr|boulevard|blvd|way|place|pl|court|ct|"
                     r"terrace|close|crescent|square|sq|row|hill|parkway|pkwy|highway|hwy|walk|gardens|mews)\.?$",
                     re.IGNORECASE)
_POSTAL_PATTERNS = (
    re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2})\b"),   # UK: SW1A 1AA
    re.compile(r"\b(\d{4}\s?[A-Z]{2})\b"),                      # NL: 1012 AB
    re.compile(r"\b([A-Z]\d[A-Z]\s?\d[A-Z]\d)\b"),               # CA: K1A 0B1
    re.compile(r"\b(\d{5}(?:-\d{4})?)\b"),                       # US, FR, DE, ES, IT
    re.compile(r"\b(\d{4})\b"),                                  # AT, CH, BE, AU, DK, NO
    re.compile(r"\b(\d{3}-\d{4}|\d{2}-\d{3}|\d{3}\s\d{2})\b"),  # JP, PL, SE
)


@dataclass
class Address:
    """A postal address split into the autofill parts (empty string where unknown)."""

    line1: str = ""
    line2: str = ""
    city: str = ""
    region: str = ""
    postal: str = ""
    country: str = ""
    parts: list[str] = field(default_factory=list)  # the comma parts kept, in order

    @property
    def full(self) -> str:
        """The address as one line: its comma parts, in order."""
        return ", ".join(self.parts)


def _postal(part: str) -> tuple[str, str] | None:
    """(postal code, the rest of the part) when ``part`` holds one."""
    for rx in _POSTAL_PATTERNS:
        m = rx.search(part)
        if m:
            rest = (part[:m.start()] + " " + part[m.end():]).strip(" ,")
            return m.group(1), re.sub(r"\s+", " ", rest)
    return None


def _is_placename(s: str) -> bool:
    words = s.split()
    return bool(words) and len(words) <= 4 and all(w[:1].isupper() or w.lower() in ("de", "la", "le", "sur", "am", "upon", "on", "of") for w in words)


def _take_street(a: Address, p: str) -> bool:
    """Take ``p`` as the first lines of the address (a unit, or a street with its unit inside)."""
    if _UNIT.match(p) and not a.line2:
        a.line2 = p
        a.parts.append(p)
        return True
    if _STREET.match(p):
        inside = _UNIT_INSIDE.search(p)
        if inside and not a.line2:
            a.line1, a.line2 = p[:inside.start()].strip(), inside.group(1)
        else:
            a.line1 = p
        a.parts.append(p)
        return True
    return False


def _place_beside_postal(a: Address, rest: str) -> bool:
    """Place the words beside a postal code (a region, a city and region, a city); False when
    they are not an address part."""
    words = rest.split()
    if rest and is_region(rest):
        a.region = rest
    elif words and is_region(words[-1]) and a.city == "" and len(words) > 1:
        a.city, a.region = " ".join(words[:-1]), words[-1]
    elif rest and _is_placename(rest) and not a.city:
        a.city = rest
    elif rest:
        return False
    return True


def parse(text: str) -> Address | None:
    """Split "12 Harbour Road, Flat 3, Portland, OR 97201, USA" into parts.

    ``text`` starts where the address starts; reading stops at the first comma part that is
    not an address part (", which we love"), so the rest of a sentence does not leak in."""
    a = Address()
    raw_parts = [p.strip() for p in text.split(",")]
    for i, p in enumerate(raw_parts):
        if not p:
            break
        if (i == 0 or (not a.line1 and not a.city)) and _take_street(a, p):
            continue
        if a.line1 and not a.line2 and not a.city and _UNIT.match(p):
            a.line2 = p
            a.parts.append(p)
            continue
        if is_country(p):
            a.country = p
            a.parts.append(p)
            break  # the country ends an address
        post = _postal(p) if (a.line1 or a.city) else None
        if post is not None:
            code, rest = post
            if not _place_beside_postal(a, rest):
                break
            a.postal = code
            a.parts.append(p)
            continue
        if is_region(p) and a.city and not a.region:
            a.region = p
            a.parts.append(p)
            continue
        if _is_placename(p) and not a.city:
            words = p.split()
            if len(words) > 1 and is_region(words[-1]) and words[-1].isupper():
                a.city, a.region = " ".join(words[:-1]), words[-1]
            else:
                a.city = p
            a.parts.append(p)
            continue
        break
    if not a.parts or not (a.line1 or a.line2):
        return None
    return a

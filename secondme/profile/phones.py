"""Phone numbers in free text, parsed and validated with Google's ``phonenumbers`` library.

Hand-written patterns lose brackets, trunk prefixes and extensions ("(503) 555-0177" came
out as "503) 555-0177"); the library knows every region's numbering plan, so a found number
is kept only when it is valid, and it comes back in E.164 (for forms that want "+1503…") and
in the national format people write.
"""

from __future__ import annotations

import locale
import os
from dataclasses import dataclass

import phonenumbers as P

from secondme.profile.places import country_code


@dataclass(frozen=True)
class Phone:
    """A valid number found in text: as written, E.164 and the national format."""

    raw: str
    e164: str
    national: str
    region: str | None


def default_region() -> str | None:
    """The territory of the user's locale ("en_US.UTF-8" -> "US"); None where it says none.

    Only used when the profile does not know the person's country yet."""
    for var in ("LC_ALL", "LC_TELEPHONE", "LANG"):
        value = os.environ.get(var, "")
        if "_" in value:
            region = value.split("_", 1)[1][:2].upper()
            if region.isalpha() and len(region) == 2:
                return region
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    if "_" in loc:
        return loc.split("_", 1)[1][:2].upper()
    return None


def find(text: str, region: str | None = None) -> list[Phone]:
    """Valid phone numbers in ``text``; national numbers are read in ``region`` (a CLDR
    code such as "US"), international ones ("+44 …") anywhere."""
    out: list[Phone] = []
    seen: set[str] = set()
    # "ZZ" (unknown region) still finds numbers written with their country code.
    for m in P.PhoneNumberMatcher(text, region or "ZZ", leniency=P.Leniency.VALID):
        e164 = P.format_number(m.number, P.PhoneNumberFormat.E164)
        if e164 in seen:
            continue
        seen.add(e164)
        out.append(Phone(m.raw_string, e164, P.format_number(m.number, P.PhoneNumberFormat.NATIONAL),
                         P.region_code_for_number(m.number)))
    return out


def normalise(raw: str, region: str | None = None) -> Phone | None:
    """One number as written (a fact's value) parsed in ``region``; None when not valid."""
    found = find(raw, region)
    return found[0] if found else None


def region_for_country(name: str) -> str | None:
    """The region code of a country name from the profile ("USA" -> "US")."""
    return country_code(name)

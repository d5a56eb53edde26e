"""The profile values a form asks for, with the parts (given name, house number, area code,
birth year…) derived from the stored fields."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from secondme.profile.label_match import HOUSE_NUMBER


@dataclass
class ProfileValues:
    """Profile values by field name, with the parts forms ask for derived on demand."""

    values: Mapping[str, str]
    region: str | None = None
    _cache: dict[str, str | None] = field(default_factory=dict)

    def get(self, token: str) -> str | None:
        """The value for ``token``, derived from stored fields where it is a part."""
        if token not in self._cache:
            self._cache[token] = _derive(token, self.values, self.region)
        return self._cache[token]


def _derive(token: str, v: Mapping[str, str], region: str | None) -> str | None:
    got = (v.get(token) or "").strip()
    if got and token != HOUSE_NUMBER:
        return got
    if token in ("name", "given-name", "family-name"):
        return _name_part(token, v)
    if token in ("address-line1", "address-line2", "address-line3", "street-address", HOUSE_NUMBER):
        return _address_part(token, v)
    if token == "country" or token.startswith("tel"):
        return _country_or_phone(token, v, region)
    if token in ("bday", "bday-day", "bday-month", "bday-year"):
        return _birthday_part(token, v)
    return None


def _name_part(token: str, v: Mapping[str, str]) -> str | None:
    if token == "name":
        parts = [v.get(k, "").strip() for k in ("given-name", "additional-name", "family-name")]
        return " ".join(p for p in parts if p) or None
    name = (v.get("name") or "").strip()
    if len(name.split()) < 2:
        return None
    # Only a Latin-script "Given Family" name is split; others are not guessed.
    if all(ch.isascii() or (unicodedata.category(ch)[0] == "L" and ord(ch) < 0x250) for ch in name):
        return name.split()[0] if token == "given-name" else name.split()[-1]
    return None


def _address_part(token: str, v: Mapping[str, str]) -> str | None:
    street = (v.get("street-address") or "").strip()
    line1 = (v.get("address-line1") or "").strip() or (street.splitlines()[0].strip() if street else "")
    if token == "address-line1":
        return line1 or None
    if token == "street-address":
        lines = [v.get(k, "").strip() for k in ("address-line1", "address-line2", "address-line3")]
        return "\n".join(x for x in lines if x) or None
    if token == HOUSE_NUMBER:
        m = re.match(r"^\s*(\d+[a-zA-Z]?(?:[-/]\d+[a-zA-Z]?)?)\s+\S", line1) or \
            re.search(r"\S\s+(\d+[a-zA-Z]?(?:[-/]\d+[a-zA-Z]?)?)\s*$", line1)
        return m.group(1) if m else None
    if not street:
        return None
    lines = [x.strip() for x in street.splitlines() if x.strip()]
    i = 1 if token == "address-line2" else 2
    return lines[i] if len(lines) > i else None


def _country_or_phone(token: str, v: Mapping[str, str], region: str | None) -> str | None:
    from secondme.profile.places import country_code

    country_name = (v.get("country-name") or "").strip()
    if token == "country":
        return country_code(country_name) if country_name else None
    return _phone_part(token, v.get("tel") or "", region or (country_code(country_name) if country_name else None))


def _birthday_part(token: str, v: Mapping[str, str]) -> str | None:
    from secondme.profile import dates

    if token == "bday":
        dd, mm, yy = (v.get(k, "").strip() for k in ("bday-day", "bday-month", "bday-year"))
        return f"{yy}-{int(mm):02d}-{int(dd):02d}" if dd.isdigit() and mm.isdigit() and yy.isdigit() else None
    bday = (v.get("bday") or "").strip()
    parsed = dates.parse(bday) if bday else None
    if parsed is None:
        return None
    dt = parsed[0]
    part = {"bday-day": dt.day, "bday-month": dt.month, "bday-year": dt.year}[token]
    return None if part is None else str(part)


def _phone_part(token: str, tel: str, region: str | None) -> str | None:
    """A part of the stored number, split by ``phonenumbers`` with the region's numbering plan."""
    import phonenumbers as P

    if not tel.strip():
        return None
    try:
        num = P.parse(tel, region or "ZZ")
    except P.NumberParseException:
        return None
    if not P.is_valid_number(num):
        return None
    nsn = P.national_significant_number(num)
    ndc_len = P.length_of_national_destination_code(num)
    if token == "tel":
        return P.format_number(num, P.PhoneNumberFormat.E164) + (f";ext={num.extension}" if num.extension else "")
    if token == "tel-country-code":
        return f"+{num.country_code}"
    if token == "tel-national":
        return P.format_number(num, P.PhoneNumberFormat.NATIONAL).split(" ext.")[0]
    if token == "tel-area-code":
        return nsn[:ndc_len] if ndc_len > 0 else None
    local = nsn[ndc_len:]
    if token == "tel-local":
        return local or None
    if token in ("tel-local-prefix", "tel-local-suffix"):
        if len(local) != 7:  # the prefix/suffix split is defined for 3+4 digit locals (NANP)
            return None
        return local[:3] if token == "tel-local-prefix" else local[3:]
    if token == "tel-extension":
        return num.extension or None
    return None

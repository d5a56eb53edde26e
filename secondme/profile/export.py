"""Export the profile as JSON or as a vCard 4.0 (RFC 6350)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from secondme.profile.builder import ProfileField


def to_json(fields: Mapping[str, ProfileField], bios: Mapping[str, Any], shades: list[dict[str, Any]],
            include_sensitive: bool = False) -> str:
    """The profile as JSON (fields, bios, shades); a sensitive field's value is
    withheld unless ``include_sensitive``."""
    out: dict[str, Any] = {"format": "secondme-profile", "version": 1,
                           "exported_at": datetime.now().isoformat(timespec="seconds"), "fields": {}}
    for name, f in sorted(fields.items()):
        d = f.to_dict()
        if f.sensitive and not include_sensitive:
            d = {"label": f.label, "sensitive": True, "value": None, "withheld": True}
        out["fields"][name] = d
    out["bios"] = {k: {"text": v.get("text"), "at": v.get("at")} for k, v in bios.items() if isinstance(v, dict)}
    out["shades"] = [{k: s[k] for k in ("id", "name", "description", "keywords", "size", "timeline") if k in s}
                     for s in shades]
    return json.dumps(out, indent=2, ensure_ascii=False)


def _esc(v: str) -> str:
    return v.replace("\\", "\\\\").replace("\n", "\\n").replace(",", "\\,").replace(";", "\\;")


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded (CRLF + space), never inside a UTF-8 sequence."""
    out: list[str] = []
    cur = ""
    for ch in line:
        limit = 75 if not out else 74
        if len((cur + ch).encode("utf-8")) > limit:
            out.append(cur)
            cur = ""
        cur += ch
    out.append(cur)
    return "\r\n ".join(out)


# Single-valued properties after the address: (field, property and its parameters, escaped?).
_TRAILING = (
    ("organization", "ORG:", True),
    ("organization-title", "TITLE:", True),
    ("url", "URL:", False),
    ("language", "LANG:", True),
    ("partner", "RELATED;TYPE=spouse;VALUE=text:", True),
)


def _bday_lines(v: Callable[[str], str]) -> list[str]:
    """The BDAY line: a date, a day without a year, or the stored text as it is."""
    if not v("bday"):
        return []
    bd = v("bday")
    try:
        return [f"BDAY:{datetime.strptime(bd, '%Y-%m-%d').strftime('%Y%m%d')}"]
    except ValueError:
        if v("bday-month") and v("bday-day") and not v("bday-year"):
            return [f"BDAY:--{int(v('bday-month')):02d}{int(v('bday-day')):02d}"]
        return [f"BDAY;VALUE=text:{_esc(bd)}"]


def _adr_line(v: Callable[[str], str]) -> str:
    """The home address (ADR) line, with the second address line joined to the street."""
    street = v("address-line1") or v("street-address")
    if v("address-line2"):
        street += "\n" + v("address-line2")
    return "ADR;TYPE=home:" + ";".join(["", "", _esc(street), _esc(v("address-level2")),
                                        _esc(v("address-level1")), _esc(v("postal-code")),
                                        _esc(v("country-name"))])


def to_vcard(fields: Mapping[str, ProfileField]) -> str:
    """The profile's shareable fields as a vCard 4.0 (sensitive fields are left out)."""
    def v(name: str) -> str:
        f = fields.get(name)
        return f.value if f is not None and f.value and not f.sensitive else ""

    lines = ["BEGIN:VCARD", "VERSION:4.0"]
    fn = v("name") or " ".join(x for x in (v("given-name"), v("family-name")) if x)
    lines.append(f"FN:{_esc(fn)}")
    if v("family-name") or v("given-name"):
        lines.append("N:" + ";".join([_esc(v("family-name")), _esc(v("given-name")), _esc(v("additional-name")),
                                      _esc(v("honorific-prefix")), _esc(v("honorific-suffix"))]))
    if v("nickname"):
        lines.append(f"NICKNAME:{_esc(v('nickname'))}")
    lines.extend(_bday_lines(v))
    if v("email"):
        lines.append(f"EMAIL;TYPE=home:{_esc(v('email'))}")
    if v("tel"):
        lines.append(f"TEL;VALUE=uri;TYPE=voice:tel:{v('tel').replace(' ', '-')}")
    if v("street-address") or v("address-line1"):
        lines.append(_adr_line(v))
    for name, prop, escaped in _TRAILING:
        if v(name):
            lines.append(prop + (_esc(v(name)) if escaped else v(name)))
    lines.append("PRODID:-//Second Me//Profile//EN")
    lines.append("END:VCARD")
    return "\r\n".join(_fold(x) for x in lines) + "\r\n"

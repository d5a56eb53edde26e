"""Export the profile as JSON or as a vCard 4.0 (RFC 6350)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from secondme.profile.builder import ProfileField


def to_json(fields: Mapping[str, ProfileField], bios: Mapping[str, Any], shades: list[dict[str, Any]],
            include_sensitive: bool = False) -> str:
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


def to_vcard(fields: Mapping[str, ProfileField]) -> str:
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
    if v("bday"):
        bd = v("bday")
        try:
            bd = datetime.strptime(bd, "%Y-%m-%d").strftime("%Y%m%d")
        except ValueError:
            if v("bday-month") and v("bday-day") and not v("bday-year"):
                bd = f"--{int(v('bday-month')):02d}{int(v('bday-day')):02d}"
            else:
                lines.append(f"BDAY;VALUE=text:{_esc(bd)}")
                bd = ""
        if bd:
            lines.append(f"BDAY:{bd}")
    if v("email"):
        lines.append(f"EMAIL;TYPE=home:{_esc(v('email'))}")
    if v("tel"):
        lines.append(f"TEL;VALUE=uri;TYPE=voice:tel:{v('tel').replace(' ', '-')}")
    if v("street-address") or v("address-line1"):
        street = v("address-line1") or v("street-address")
        if v("address-line2"):
            street += "\n" + v("address-line2")
        lines.append("ADR;TYPE=home:" + ";".join(["", "", _esc(street), _esc(v("address-level2")),
                                                   _esc(v("address-level1")), _esc(v("postal-code")),
                                                   _esc(v("country-name"))]))
    if v("organization"):
        lines.append(f"ORG:{_esc(v('organization'))}")
    if v("organization-title"):
        lines.append(f"TITLE:{_esc(v('organization-title'))}")
    if v("url"):
        lines.append(f"URL:{v('url')}")
    if v("language"):
        lines.append(f"LANG:{_esc(v('language'))}")
    if v("partner"):
        lines.append(f"RELATED;TYPE=spouse;VALUE=text:{_esc(v('partner'))}")
    lines.append("PRODID:-//Second Me//Profile//EN")
    lines.append("END:VCARD")
    return "\r\n".join(_fold(x) for x in lines) + "\r\n"

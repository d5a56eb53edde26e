"""What the running app answers the browser: a value, its source and its status per field.

The extension sends the field descriptions of one form (what :class:`FieldDescription` reads:
label, placeholder, name, id, autocomplete, type, maxlength, options, section, neighbours) and a
key per field of its own choosing. Each field goes through ``ctx.profile.fill_field``, so the browser
gets exactly what ``secondme fill`` would: negatives (checkboxes, search boxes, promo codes,
captchas, card and password fields) come back empty, sensitive values come back only for the keys
the person ticked (``confirm``). Input from the browser is bounded and checked here, since a page
controls what the descriptions say.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from secondme.errors import SecondMeError
from secondme.profile.fields import spec
from secondme.profile.label_match import normalize

log = logging.getLogger("secondme.browser")

MAX_FIELDS = 200        # a long form has a few dozen fields
MAX_TEXT = 300          # characters kept of each text a field gives (labels are short)
MAX_OPTIONS = 400       # a country list has about 250
MAX_NEIGHBOURS = 6
TEXT_KEYS = ("label", "placeholder", "name", "id", "autocomplete", "type", "section", "role", "tag")


class Filler(Protocol):
    """What :func:`answer_fill` needs of the app: its profile service's ``fill_field``
    (``ctx.profile``)."""

    def fill_field(self, field: Any, confirm_sensitive: bool = False) -> Any:
        """The value for one field description, or why there is none (a :class:`FillResult`)."""


class BadRequest(SecondMeError, ValueError):
    """The browser's request is not a list of field descriptions we accept."""


def _text(value: Any) -> str:
    return "" if value is None else str(value)[:MAX_TEXT]


def _option(o: Any) -> dict[str, str]:
    if isinstance(o, Mapping):
        return {"value": _text(o.get("value")), "text": _text(o.get("text") or o.get("label"))}
    return {"value": _text(o), "text": _text(o)}


def clean_field(raw: Any) -> dict[str, Any]:
    """One field description, bounded; raises :class:`BadRequest` when it is not an object."""
    if not isinstance(raw, Mapping):
        raise BadRequest("each field must be an object")
    out: dict[str, Any] = {k: _text(raw.get(k)) for k in TEXT_KEYS if raw.get(k) not in (None, "")}
    ml = raw.get("maxlength")
    if isinstance(ml, int) and not isinstance(ml, bool) and 0 < ml < 1_000_000:
        out["maxlength"] = ml
    opts = raw.get("options")
    if isinstance(opts, list):
        out["options"] = [_option(o) for o in opts[:MAX_OPTIONS]]
    nb = raw.get("neighbours")
    if isinstance(nb, list):
        out["neighbours"] = [_text(n) for n in nb[:MAX_NEIGHBOURS]]
    return out


def match_option(value: str, options: list[dict[str, str]]) -> str | None:
    """The ``value`` attribute of the option that means ``value``: by value, then by text, then
    as the same country (name vs code) or the same number ("5" vs "05"); None when none does."""
    from secondme.profile.places import country_code

    want = normalize(value)
    if not want:
        return None
    for key in ("value", "text"):
        for o in options:
            if normalize(o[key]) == want:
                return o["value"]
    code = country_code(value) or (value.strip().upper() if len(value.strip()) == 2 else None)
    if code:
        for o in options:
            if o["value"].strip().upper() == code or country_code(o["text"]) == code \
                    or country_code(o["value"]) == code:
                return o["value"]
    if value.strip().isdigit():
        for o in options:
            for key in ("value", "text"):
                if o[key].strip().isdigit() and int(o[key]) == int(value):
                    return o["value"]
    return None


def _provenance(res: Any) -> str:
    """Where a value comes from, in words: the profile field, and the person's own entry (a
    field without sources was set by hand) or the memories it was learned from."""
    name = spec(res.field).label if res.field else "profile"
    day = datetime.fromtimestamp(res.updated_at).strftime("%Y-%m-%d") if res.updated_at else ""
    if not res.sources:
        return f"Profile: {name} — entered by you" + (f" on {day}" if day else "")
    n = len(res.sources)
    return f"Profile: {name} — learned from {n} memor{'y' if n == 1 else 'ies'}" + (f", updated {day}" if day else "")


def answer_fill(profile: Filler, args: Mapping[str, Any]) -> dict[str, Any]:
    """The reply to a ``browser.fill`` request: ``{"ok": True, "results": [...]}``, one result
    per field in order, each ``{"key", "label", "status", "field", "value", "option", "sensitive",
    "provenance", "sources", "reason"}``. ``status`` is "ok", "needs_confirmation" (sensitive:
    ask the person, then send the key in ``confirm``), "no_option" (a select without a matching
    option) or "unknown" (nothing to fill, including every negative)."""
    fields = args.get("fields")
    if not isinstance(fields, list) or not fields:
        raise BadRequest("no fields were sent")
    if len(fields) > MAX_FIELDS:
        raise BadRequest(f"too many fields ({len(fields)}; at most {MAX_FIELDS})")
    confirm_raw = args.get("confirm") or []
    if not isinstance(confirm_raw, list):
        raise BadRequest("confirm must be a list of field keys")
    confirm = {_text(k) for k in confirm_raw}
    results: list[dict[str, Any]] = []
    for i, raw in enumerate(fields):
        desc = clean_field(raw)
        key = _text(raw.get("key", i))
        res = profile.fill_field(desc, confirm_sensitive=key in confirm)
        item: dict[str, Any] = {
            "key": key, "label": _text(res.label), "status": res.status, "field": res.field, "value": None, "option": None,
            "sensitive": bool(res.sensitive), "reason": res.reason,
            "field_label": spec(res.field).label if res.field else None,
            "provenance": _provenance(res) if res.status in ("ok", "needs_confirmation") else "",
            "sources": list(res.sources)}
        if res.status == "ok" and res.value:
            value = str(res.value)
            if "\n" in value and _text(desc.get("tag")).lower() != "textarea":
                # A one-line box cannot hold a line break: the browser would run the lines
                # together ("1200 Harbor AvenueApt 4B"), so they are joined as on an envelope line.
                value = ", ".join(part.strip() for part in value.splitlines() if part.strip())
            item["value"] = value
            if desc.get("options"):
                item["option"] = match_option(res.value, desc["options"])
                if item["option"] is None:
                    item.update(status="no_option", value=None)
        results.append(item)
    filled = sum(1 for r in results if r["status"] == "ok")
    log.info("browser fill: %d fields, %d values, %d to confirm", len(results), filled,
             sum(1 for r in results if r["status"] == "needs_confirmation"))
    return {"ok": True, "results": results}

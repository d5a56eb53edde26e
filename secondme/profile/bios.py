"""The global bio (who the person is) and the status bio (the last day vs the last week).

Extractive with the default model: sentences assembled from profile fields, shade names and
the person's own recent words. A bigger model may rewrite the draft through ``writer``. A bio
is regenerated only when the hash of its inputs changed; earlier versions are kept.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

MAX_VERSIONS = 10
DAY = 86400.0


def _hash(inputs: Any) -> str:
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def global_inputs(fields: Mapping[str, str], shades: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    keep = ("name", "given-name", "address-level2", "country-name", "organization", "organization-title",
            "partner", "children", "relatives", "pets", "language", "dietary-preferences")
    return {"fields": {k: fields[k] for k in keep if fields.get(k)},
            "shades": [[s["name"], s["size"]] for s in shades]}


def global_draft(inputs: Mapping[str, Any]) -> str:
    f = inputs["fields"]
    who = f.get("name") or f.get("given-name") or "This person"
    parts: list[str] = []
    place = ", ".join(x for x in (f.get("address-level2"), f.get("country-name")) if x)
    s = who
    if place:
        s += f" lives in {place}"
    if f.get("organization"):
        s += (" and" if place else "") + f" works at {f['organization']}"
        if f.get("organization-title"):
            s += f" as {f['organization-title']}"
    parts.append(s + ".")
    for key, label in (("partner", "Partner"), ("children", "Children"), ("relatives", "Family"),
                       ("pets", "Pets"), ("language", "Language"), ("dietary-preferences", "Diet")):
        if f.get(key):
            parts.append(f"{label}: {f[key]}.")
    shades = sorted(inputs["shades"], key=lambda s: (-s[1], s[0]))
    if shades:
        parts.append("Interests: " + "; ".join(n for n, _ in shades[:6]) + ".")
    return " ".join(parts)


def status_inputs(messages: Sequence[tuple[int, float, str]], shades: Sequence[Mapping[str, Any]],
                  now: float) -> dict[str, Any]:
    member = {t["id"]: s["name"] for s in shades for t in s["timeline"]}
    day = [m for m in messages if now - DAY <= m[1] <= now]
    week = [m for m in messages if now - 7 * DAY <= m[1] <= now]
    return {"day": [m[0] for m in day], "week": [m[0] for m in week],
            "day_shades": sorted({member[m[0]] for m in day if m[0] in member}),
            "week_shades": sorted({member[m[0]] for m in week if m[0] in member}),
            "day_text": [m[2][:120] for m in day[-3:]], "week_text": [m[2][:120] for m in week[-3:]]}


def status_draft(inputs: Mapping[str, Any]) -> str:
    def one(span: str, ids: list[int], shades: list[str], texts: list[str]) -> str:
        if not ids:
            return f"{span}: nothing recorded."
        s = f"{span}: {len(ids)} memor{'y' if len(ids) == 1 else 'ies'}"
        if shades:
            s += " around " + ", ".join(shades)
        return s + (f" — latest: “{texts[-1]}”" if texts else "") + "."
    return " ".join((one("Last day", inputs["day"], inputs["day_shades"], inputs["day_text"]),
                     one("Last week", inputs["week"], inputs["week_shades"], inputs["week_text"])))


def refresh(state: dict[str, Any] | None, kind: str, inputs: Any, draft: Callable[[Any], str],
            now: float, writer: Callable[[str], str] | None = None) -> tuple[dict[str, Any], bool]:
    """``state`` with the ``kind`` bio regenerated if its inputs changed; True when it was."""
    state = dict(state or {})
    cur = state.get(kind) or {}
    h = _hash(inputs)
    if cur.get("hash") == h:
        return state, False
    text = draft(inputs)
    if writer is not None:
        try:
            text = writer(text) or text
        except Exception:  # keep the extractive draft when the model fails
            pass
    versions = list(cur.get("versions", []))
    if cur.get("text"):
        versions.append({"text": cur["text"], "at": cur.get("at"), "hash": cur.get("hash")})
    state[kind] = {"text": text, "at": now, "hash": h, "versions": versions[-MAX_VERSIONS:]}
    return state, True

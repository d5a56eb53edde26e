"""The profile as the app uses it: build, fill, edit, lock, delete, shades, bios, export."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from secondme.errors import UserError
from secondme.profile import bios as B
from secondme.profile import export as E
from secondme.profile import form_fields as FF
from secondme.profile import form_values as FV
from secondme.profile import labels as L
from secondme.profile import shades as S
from secondme.profile.builder import FieldStore, ProfileBuilder, ProfileField, user_messages
from secondme.profile.fields import FIELDS, spec
from secondme.store import Store
from secondme.store.repos.documents import Chunks, Documents
from secondme.store.repos.memories import EMBEDDING, TEXT, MemoryRepository

log = logging.getLogger("secondme.profile")

SHADES_KEY = "profile.shades"
BIOS_KEY = "profile.bios"
# The default model (SmolLM2-135M) stays out of the profile: extraction and naming are exact
# and extractive. A model clearly larger may name shades and write the bios.
LLM_MIN_PARAMS = 300_000_000


@dataclass(frozen=True)
class FillResult:
    """What ``fill(label)`` found: status "ok", "unknown" or "needs_confirmation"."""

    label: str
    field: str | None
    value: str | None
    status: str
    confidence: float = 0.0
    sources: tuple[str, ...] = ()
    source_ids: tuple[int, ...] = ()
    sensitive: bool = False
    updated_at: float | None = None
    reason: str = ""            # how the field was understood: "autocomplete", "label", "negative:card"…

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for the CLI, the browser host and the UI."""
        return {"label": self.label, "field": self.field, "value": self.value, "status": self.status,
                "confidence": self.confidence, "sources": list(self.sources), "source_ids": list(self.source_ids),
                "sensitive": self.sensitive, "updated_at": self.updated_at, "reason": self.reason}


class ProfileService:
    """Profile operations on one unlocked store; private state goes through get/set_private."""

    def __init__(self, store: Store, get_private: Callable[[str, Any], Any], set_private: Callable[[str, Any], None],
                 chat_model: Callable[[], Any] | None = None) -> None:
        """``get_private``/``set_private`` hold the shades and bios; ``chat_model`` gives the model when one
        is configured (called only when needed)."""
        self.store = store
        self.fields = FieldStore(store)
        self.memories = MemoryRepository(store)
        self._get = get_private
        self._set = set_private
        self._chat_model = chat_model

    # --- model gate ----------------------------------------------------------------------------
    def big_model(self) -> Any:
        """The chat model when it is larger than the default one, else None (never loads it)."""
        if self._chat_model is None:
            return None
        try:
            model = self._chat_model()
            params = getattr(model.info, "parameter_count", None)
        except Exception as exc:  # no model configured or unreadable: extractive only
            log.debug("no chat model for the profile: %s", type(exc).__name__, exc_info=True)
            return None
        return model if params is not None and params > LLM_MIN_PARAMS else None

    # --- build ---------------------------------------------------------------------------------
    def build(self, progress: Callable[[str, int, int], None] | None = None, cancel: Any = None,
              now: float | None = None) -> dict[str, Any]:
        """Rebuild fields, shades and bios, with the chat model when it is larger than the default one.
        Returns the builder's counts plus what happened to shades and bios."""
        now = time.time() if now is None else now
        model = self.big_model()
        if progress:
            progress("profile fields", 0, 3)
        stats: dict[str, Any] = ProfileBuilder(self.store, _llm_fields(model) if model else None).build(cancel, now)
        if progress:
            progress("shades", 1, 3)
        shades_state, action = self.update_shades(model)
        stats["shades"] = len(shades_state.get("shades", []))
        stats["shades_action"] = action
        stats["shades_named"] = int(shades_state.get("named", 0))
        if progress:
            progress("bios", 2, 3)
        stats["bios_regenerated"] = self.update_bios(now, model)
        if progress:
            progress("done", 3, 3)
        return stats

    def _items(self) -> list[S.Item]:
        out: list[S.Item] = []
        keep = {mid for mid, _, _ in user_messages(self.store)}
        for m in self.memories.of_kind("message", (TEXT, EMBEDDING), where="state != 'superseded'"):
            if m.id not in keep or not m.embedding:
                continue
            v = np.frombuffer(m.embedding, dtype=np.float32).astype(np.float64)
            v = v / max(float(np.linalg.norm(v)), 1e-9)
            out.append(S.Item(m.id, m.when, str(m.text or ""), v))
        return out

    def update_shades(self, model: Any = None) -> tuple[dict[str, Any], str]:
        """Update the shades from the person's messages (``model`` names them); the new state and the
        action: unchanged, assigned or clustered."""
        namer = _namer(model) if model is not None else None
        state, action = S.update(self._get(SHADES_KEY, None), self._items(), namer, self._hasher("profile.shade"))
        if action != "unchanged":
            self._set(SHADES_KEY, state)
        return state, action

    def _hasher(self, purpose: str) -> Callable[[str], str]:
        """A keyed hash: the inputs' hashes kept with the bios say nothing without the store key."""
        return lambda text: self.store.keyed_hash(text, purpose)

    def shades(self) -> list[dict[str, Any]]:
        """The shades for display: centroids and hashes left out, sensitive values redacted."""
        state = self._get(SHADES_KEY, None) or {}
        hide = self._sensitive_values()
        out: list[dict[str, Any]] = []
        for s in state.get("shades", []):
            shade = {k: (_redact(v, hide) if isinstance(v, str) else v) for k, v in s.items()
                     if k not in ("centroid", "hash")}
            shade["timeline"] = [{k: (_redact(v, hide) if isinstance(v, str) else v) for k, v in t.items()}
                                 for t in s.get("timeline", [])]
            out.append(shade)
        return out

    def _sensitive_values(self) -> list[str]:
        return sorted({f.value for f in self.fields.all().values() if f.sensitive and f.value}, key=len, reverse=True)

    def update_bios(self, now: float, model: Any = None) -> int:
        """Regenerate the global and the status bio whose inputs changed; how many were.

        ``model`` writes them only when it is large enough to write (``writes_answers``); its
        text is kept only when it names the facts it was given, else the template stays."""
        from secondme.answer import writes_answers

        fields = {n: f.value for n, f in self.fields.all().items() if not f.sensitive}
        shades = self.shades()
        state = self._get(BIOS_KEY, None)
        writer = _bio_writer(model) if model is not None and writes_answers(model) else None
        by = f"model:{_model_name(model)}" if writer is not None else "template"
        hasher = self._hasher("profile.bio")
        state, g = B.refresh(state, "global", B.global_inputs(fields, shades), B.global_draft, now, writer,
                             by=by, hasher=hasher)
        state, s = B.refresh(state, "status", B.status_inputs(self._events(now), now), B.status_draft, now,
                             writer, by=by, hasher=hasher)
        if g or s:
            self._set(BIOS_KEY, state)
        return int(g) + int(s)

    def _events(self, now: float) -> list[B.Event]:
        """What the person said or wrote, for the status bio: their messages and the notes saved
        in the status window (the latest week, or the week before the latest event when nothing
        is that recent). Sensitive values are hidden before anything is templated or prompted."""
        hide = self._sensitive_values()
        events = [B.Event(str(i), at, _redact(t, hide)) for i, at, t in user_messages(self.store)]
        docs = Documents(self.store)
        notes = docs.with_chunks()  # (when its content was saved (sealed), document id)
        times = [e.at for e in events if e.at <= now + 60] + [t for t, _ in notes if t <= now + 60]
        if not times:
            return events
        latest = max(times)
        anchor = latest if latest < now - B.WEEK else now
        shown = [(at, doc) for at, doc in notes if anchor - B.WEEK <= at <= anchor]
        titles = docs.titles(doc for _, doc in shown)  # only the window's notes are opened
        chunks = Chunks(self.store)
        for at, doc in shown:
            title = titles.get(doc, "")
            body = "\n".join(chunks.of_document(doc, 6))
            events.append(B.Event(f"note:{doc}", at, _redact(body if body.strip() else str(title), hide)))
        return events

    def bios(self) -> dict[str, Any]:
        """The stored bios (global and status), by kind."""
        return dict(self._get(BIOS_KEY, None) or {})

    # --- fields --------------------------------------------------------------------------------
    def all(self) -> dict[str, ProfileField]:
        """Every profile field, by name."""
        return self.fields.all()

    def set_field(self, name: str, value: str | None, lock: bool | None = None) -> ProfileField:
        """Set a field by hand (a label is mapped to its field); ``lock`` locks or unlocks it. The old value
        goes to history. Raises :class:`UserError` for an unknown field or a lock without a value."""
        name = name.strip()
        if not name:
            raise UserError("a field name is needed")
        if name not in FIELDS:
            mapped = L.field_for(name)
            if mapped is None:
                raise UserError(f"unknown profile field: {name}")
            name = mapped
        cur = self.fields.get(name)
        now = time.time()
        if cur is None:
            if value is None:
                raise UserError(f"{name} has no value to lock")
            cur = ProfileField(name, value, 1.0, [], now, now, bool(lock), "user", [])
        else:
            if value is not None and value != cur.value:
                cur.history.append({"value": cur.value, "as_of": cur.as_of, "replaced_at": now, "sources": cur.sources})
                cur.value, cur.sources, cur.confidence = value, [], 1.0
                cur.origin, cur.updated_at, cur.as_of = "user", now, now
            if lock is not None:
                cur.locked = lock
        self.fields.put(cur)
        return cur

    def delete_field(self, name: str) -> bool:
        """Delete a field; whether there was one."""
        return self.fields.delete(name)

    # --- fill ----------------------------------------------------------------------------------
    def fill(self, label: str, confirm_sensitive: bool = False) -> FillResult:
        """The value for a form label alone (see :meth:`fill_field`)."""
        return self.fill_field(FF.FieldDescription(label=label), confirm_sensitive)

    def fill_field(self, desc: FF.FieldDescription, confirm_sensitive: bool = False) -> FillResult:
        """The profile value for one form field, understood from all its attributes.

        Fields that must stay empty (checkboxes, search boxes, card, password, voucher, consent)
        answer "unknown" with the reason. A part (tel-area-code, bday-year, house-number…) is
        derived from the stored field and carries that field's provenance."""
        label = desc.label or desc.placeholder or desc.name or desc.id
        u = FF.understand(desc)
        if u.negative:
            return FillResult(label, None, None, "unknown", reason=u.reason)
        token = u.token
        if token is not None and u.reason in ("label", "options"):
            # "Spouse name", "Pet name", "Emergency contact phone": a phrase of Second Me's own
            # fields in the label names the field better than the WHATWG word inside it, and
            # a "Nationality" select is not the country its options list.
            own = L.match(desc.label)
            if own is not None and own.method in ("exact", "phrase") and not spec(own.field).autocomplete:
                token = own.field
        if token is None:
            # Second Me's own fields (passport, nationality, diet…) have no autocomplete token:
            # the label matcher knows them. WHATWG fields it finds are left alone, since the
            # understanding above already saw every word it could map.
            m = L.match(desc.label) if desc.label else None
            if m is None or spec(m.field).autocomplete:
                return FillResult(label, None, None, "unknown", reason=u.reason)
            token, u = m.field, FF.Understanding(m.field, "label")
        stored = self.fields.all()
        values = FV.ProfileValues({k: f.value for k, f in stored.items() if f.value})
        value = values.get(token)
        base = stored.get(token) or next((stored[b] for b in _BASES.get(token, ()) if b in stored), None)
        sensitive = spec(token).sensitive
        if not value or base is None:
            return FillResult(label, token, None, "unknown", sensitive=sensitive, reason=u.reason)
        srcs, ids = self._describe_sources(base.sources)
        if (sensitive or base.sensitive) and not confirm_sensitive:
            return FillResult(label, token, None, "needs_confirmation", base.confidence, srcs, ids, True,
                              base.updated_at, u.reason)
        log.debug("fill %s -> %s", token, value)
        return FillResult(label, token, value, "ok", base.confidence, srcs, ids, sensitive or base.sensitive,
                          base.updated_at, u.reason)

    def _describe_sources(self, ids: list[int]) -> tuple[tuple[str, ...], tuple[int, ...]]:
        out: list[str] = []
        found: list[int] = []
        rows = self.memories.by_ids(ids, (TEXT,))
        for mid in ids:
            m = rows.get(int(mid))
            if m is None:
                continue
            text = str(m.text or "")
            text = text if len(text) <= 70 else text[:69] + "…"
            when = datetime.fromtimestamp(m.when).strftime("%Y-%m-%d")
            out.append(f"memory {mid} ({m.kind}, {when}): {text}")
            found.append(mid)
        return tuple(out), tuple(found)

    # --- export --------------------------------------------------------------------------------
    def export(self, fmt: str, include_sensitive: bool = False) -> str:
        """The profile as ``json`` or ``vcard``/``vcf`` text. Raises :class:`UserError` for another format."""
        if fmt == "json":
            return E.to_json(self.all(), self.bios(), self.shades(), include_sensitive)
        if fmt in ("vcard", "vcf"):
            return E.to_vcard(self.all())
        raise UserError(f"unknown export format {fmt!r}: use json or vcard")


# The stored fields a derived part comes from, in order of preference (for provenance).
_BASES: dict[str, tuple[str, ...]] = {
    "given-name": ("name",), "family-name": ("name",), "additional-name": ("name",),
    "name": ("given-name", "family-name"),
    "address-line1": ("street-address",), "address-line2": ("street-address",),
    "address-line3": ("street-address",), "street-address": ("address-line1",),
    FF.HOUSE_NUMBER: ("address-line1", "street-address"), "country": ("country-name",),
    "bday-day": ("bday",), "bday-month": ("bday",), "bday-year": ("bday",),
    "bday": ("bday-year",),
    **{t: ("tel",) for t in ("tel-country-code", "tel-national", "tel-area-code", "tel-local",
                             "tel-local-prefix", "tel-local-suffix", "tel-extension")},
}


def _redact(text: str, hide: list[str]) -> str:
    """Sensitive values never appear in bios or shade descriptions."""
    for v in hide:
        text = text.replace(v, "[hidden]")
    return text


# --- a bigger model's help -------------------------------------------------------------------
_LLM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"fields": {"type": "array", "maxItems": 4, "items": {
        "type": "object",
        "properties": {"field": {"type": "string", "enum": [
            "organization-title", "dietary-preferences", "language", "nationality", "education", "allergies",
            "url", "nickname", "none"]},
            "value": {"type": "string", "maxLength": 60}},
        "required": ["field", "value"]}}},
    "required": ["fields"],
}


def _llm_fields(model: Any, budget: int = 60) -> Callable[[str], list[tuple[str, str]]]:
    calls = {"n": 0}

    def run(text: str) -> list[tuple[str, str]]:
        if calls["n"] >= budget or len(text) < 25:
            return []
        calls["n"] += 1
        try:
            data = model.generate_json([
                {"role": "system", "content": "List profile facts the speaker states about themselves "
                 "(job title, diet, languages, nationality, school, allergies, website, nickname). "
                 "Return an empty list when there are none. Never invent."},
                {"role": "user", "content": text[:1200]}], _LLM_SCHEMA, max_tokens=160)
        except Exception as exc:  # the model failed on this text: the rules' fields stand
            log.warning("model profile extraction failed: %s", type(exc).__name__)
            log.debug("profile extraction error", exc_info=True)  # DEBUG: the message may quote the text
            return []
        low = text.lower()
        return [(str(x["field"]), str(x["value"]).strip()) for x in data.get("fields", [])
                if x.get("field") != "none" and str(x.get("value", "")).strip()
                and str(x["value"]).strip().lower() in low]  # values must occur in the text
    return run


def _namer(model: Any) -> Callable[[list[str], list[str]], tuple[str, str]]:
    def run(texts: list[str], keywords: list[str]) -> tuple[str, str]:
        data = model.generate_json([
            {"role": "system", "content": "Name this interest area of a person in 2-4 words and describe it "
             "in one sentence, from their own messages."},
            {"role": "user", "content": "Keywords: " + ", ".join(keywords) + "\n" + "\n".join(texts)[:1500]}],
            {"type": "object", "properties": {"name": {"type": "string", "maxLength": 40},
                                              "description": {"type": "string", "maxLength": 200}},
             "required": ["name", "description"]}, max_tokens=120)
        return str(data["name"]), str(data["description"])
    return run


def _model_name(model: Any) -> str:
    try:
        return str(getattr(model.info, "name", "") or "model")
    except Exception as exc:  # an unreadable header still names a writer
        log.debug("model name unreadable: %s", type(exc).__name__, exc_info=True)
        return "model"


def _bio_writer(model: Any) -> B.Writer:
    """The model writes a bio from the facts as a list; its text is kept only when it names
    them (a small model may drop or invent): None keeps the template. Prompts and outputs are
    logged at DEBUG only: they hold the person's life."""
    from secondme.llm.loops import loop_start

    def run(kind: str, inputs: Mapping[str, Any], draft: str) -> str | None:
        if kind == "global":
            facts = B.global_facts(inputs)
            must = [v for k, v in facts if k in ("Name", "Employer")]
            task = ("Rewrite the draft bio as two or three fluent sentences in the third person. Keep "
                    "every name and fact from the list. Do not add anything that is not in the list.")
        else:
            facts = B.status_facts(inputs)
            must = []
            task = ("Rewrite the draft as one or two fluent sentences in the third person about what this "
                    "person did lately, keeping each date in brackets. Do not add anything that is not in "
                    "the list.")
        if not facts:
            return None
        # The facts as a list and the template as the draft: a small model rewrites more
        # faithfully than it writes from nothing.
        listing = "Facts:\n" + "\n".join(f"- {k}: {v}" for k, v in facts) + "\nDraft: " + draft
        log.debug("bio %s prompt: %s", kind, listing)
        out = model.generate([{"role": "system", "content": task}, {"role": "user", "content": listing}],
                             max_tokens=160)
        text = " ".join(str(getattr(out, "text", out)).split())
        cut = loop_start(text)
        if cut is not None:  # the runtime's guard stops a loop; a leftover repeat is trimmed here
            text = text[:cut].strip()
        log.debug("bio %s model text: %s", kind, text)
        if not text or not B.mentions(text, facts, must) or B.invented(text, facts):
            return None  # dropped or invented facts: the template says only what is known
        return text
    return run

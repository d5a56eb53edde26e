"""Profile fields in the sealed ``profile_fields`` table, and the builder that fills them.

Rules: the newest statement of a single-valued field wins and earlier values go to its
history; a locked field is never changed by the app; a value the user typed is replaced only
by evidence newer than the edit; a field whose every source was forgotten is removed.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from secondme.profile import extract as X
from secondme.profile.fields import spec
from secondme.store import Store
from secondme.store.repos.facts import FactRepository
from secondme.store.repos.memories import META, TEXT, MemoryRepository
from secondme.store.repos.profile import ProfileFieldRepository

log = logging.getLogger("secondme.profile")

MAX_HISTORY = 20


@dataclass
class ProfileField:
    """One field: value, confidence, provenance (memory ids), lock and earlier values."""

    field: str
    value: str
    confidence: float = 1.0
    sources: list[int] = dataclasses.field(default_factory=list)
    updated_at: float = 0.0          # when the value last changed
    as_of: float = 0.0               # the newest evidence's event time (or the user's edit)
    locked: bool = False
    origin: str = "memory"           # memory | user | derived
    history: list[dict[str, Any]] = dataclasses.field(default_factory=list)  # {value, as_of, replaced_at, sources}

    @property
    def sensitive(self) -> bool:
        """Whether the field's spec marks it sensitive (withheld unless confirmed)."""
        return spec(self.field).sensitive

    @property
    def label(self) -> str:
        """The field's label for people, from its spec."""
        return spec(self.field).label

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, with ``sensitive`` and ``label`` from the spec."""
        d = asdict(self)
        d["sensitive"] = self.sensitive
        d["label"] = self.label
        return d


def _retired(d: ProfileField, cur: ProfileField | None, replaced_at: float, now: float) -> ProfileField:
    """``d`` with its value moved to history (replaced at ``replaced_at``) and no current value;
    ``updated_at`` stays as it was when the stored field was already empty."""
    entry = {"value": d.value, "as_of": d.as_of, "replaced_at": replaced_at, "sources": d.sources}
    history = [h for h in d.history if norm(h["value"]) != norm(d.value)] + [entry]
    history.sort(key=lambda h: (h["as_of"], h["value"]))
    unchanged = cur is not None and not cur.value
    return dataclasses.replace(d, value="", confidence=0.0, history=history[-MAX_HISTORY:],
                               updated_at=cur.updated_at if unchanged and cur is not None else now)


class FieldStore:
    """Reads and writes :class:`ProfileField` rows (value and meta sealed)."""

    def __init__(self, store: Store) -> None:
        """Rows are read and written through ``store``'s profile-field repository."""
        self.store = store
        self.rows = ProfileFieldRepository(store)

    def all(self) -> dict[str, ProfileField]:
        """Every stored field, by name, value and meta decrypted."""
        out: dict[str, ProfileField] = {}
        for r in self.rows.all():
            meta = r.meta
            out[r.field] = ProfileField(
                field=r.field, value=r.value, confidence=r.confidence,
                sources=[int(x) for x in meta.get("sources", [])], updated_at=r.updated_at,
                as_of=float(meta.get("as_of", 0.0)), locked=r.locked, origin=str(meta.get("origin", "memory")),
                history=list(meta.get("history", [])))
        return out

    def get(self, name: str) -> ProfileField | None:
        """One stored field, or None."""
        return self.all().get(name)

    def put(self, f: ProfileField) -> None:
        """Write the field (insert or replace), keeping only the last ``MAX_HISTORY`` earlier values."""
        meta = {"sources": f.sources, "as_of": f.as_of, "origin": f.origin, "history": f.history[-MAX_HISTORY:]}
        with self.store.write() as w:
            self.rows.put(w, f.field, f.value, confidence=f.confidence, locked=f.locked, updated_at=f.updated_at,
                          meta=meta)

    def delete(self, name: str) -> bool:
        """Delete the field; whether there was one."""
        with self.store.write() as w:
            return self.rows.delete(w, name)


# field -> the field it depends on (its value is stale once the anchor changed after it).
DEPENDENT_FIELDS = {"organization-title": "organization", "work-since": "organization"}
# A move to a new city ("I moved to Seattle") makes the street of the old one history, unless
# the street address names that city.
ADDRESS_PARTS = ("street-address", "address-line1", "address-line2", "address-level1", "postal-code")


def norm(v: str) -> str:
    """``v`` lowercased with punctuation runs turned to single spaces, to compare values."""
    return re.sub(r"[^\w@+]+", " ", v.lower()).strip()


def user_messages(store: Store) -> list[tuple[int, float, str]]:
    """(id, event time, text) of what the person said or wrote, oldest first."""
    out: list[tuple[int, float, str]] = []
    for m in MemoryRepository(store).select("kind = 'message'", columns=(TEXT, META), order="event_time, id"):
        if m.meta.get("ask") or m.meta.get("speaker") not in (None, "user", "me"):
            continue
        out.append((m.id, m.when, str(m.text or "")))
    out.sort(key=lambda m: (m[1], m[0]))  # SQL sees the days only; the exact times are sealed
    return out


def collect(store: Store, llm: Callable[[str], list[tuple[str, str]]] | None = None,
            cancel: Any = None) -> list[X.Candidate]:
    """Every candidate value in the store: the person's messages, then consolidated facts
    (which also cover notes and, with a big model, the model's findings)."""
    cands: list[X.Candidate] = []
    for mid, at, text in user_messages(store):
        if cancel is not None and cancel.is_set():
            from secondme.errors import Cancelled

            raise Cancelled("profile build cancelled")
        cands.extend(X.from_text(text, at, mid))
        if llm is not None:
            for fld, value in llm(text):
                cands.append(X.Candidate(fld, value, at, [mid], 0.6, by_model=True))
    facts = FactRepository(store).all(vectors=False)
    facts.sort(key=lambda f: (f.when, f.id))  # exact times are sealed
    for fact in facts:
        meta = fact.meta
        if str(meta.get("subject", "")) != "user":
            continue
        srcs = [fact.id, *[int(x) for x in meta.get("sources", [])]]
        found = X.from_fact(str(meta.get("attribute", "")), str(meta.get("value", "")), fact.when, srcs)
        by_model = str(meta.get("origin", "rules")) == "model"
        cands.extend(dataclasses.replace(c, by_model=by_model) for c in found)
    # National phone numbers are read in the person's country once all candidates are in.
    from secondme.profile.phones import default_region

    cands = X.resolve_phones(cands, default_region())
    return X.expand(without_misfiled([c for c in cands if c.field != "tel-pending"]))


def without_misfiled(cands: list[X.Candidate]) -> list[X.Candidate]:
    """Drop a model's reading of words the exact rules placed in another field of the same
    message ("I really enjoy kayaking": hobbies by the rules, health by a small model; "nobody
    uses Yusuf": the name, not the nickname). A model value the rules also hold in the same
    field stays, so a city the rules read inside an address is not lost."""
    placed: dict[int, set[tuple[str, str]]] = {}
    for c in X.expand(c for c in cands if not c.by_model):
        for s in c.sources:
            placed.setdefault(s, set()).add((c.field, norm(c.value)))
    out: list[X.Candidate] = []
    for c in cands:
        v = norm(c.value)
        near = {p for s in c.sources for p in placed.get(s, ())}
        if c.by_model and v and (c.field, v) not in near and any(
                fld != c.field and (rv == v or f" {v} " in f" {rv} ") for fld, rv in near):
            continue
        out.append(c)
    return out


@dataclass
class _Merged:
    value: str
    at: float
    first: float
    sources: list[int]
    confidence: float
    derived: bool
    model_only: bool  # every wording of it came from a language model's reading


def _within(a: str, b: str) -> bool:
    """One normalised value holds the other as whole words ("yus" is not in "yusuf")."""
    return f" {a} " in f" {b} " or f" {b} " in f" {a} "


def _merge(cands: list[X.Candidate]) -> list[_Merged]:
    """Group equal values (one containing the other counts as equal: "5 Oak Street" and
    "5 Oak Street, Lyon"), keeping the longest wording (the rules' over a model's); oldest first."""
    groups: list[_Merged] = []
    for c in sorted(cands, key=lambda c: (c.at, c.value)):
        n = norm(c.value)
        g = next((g for g in groups if norm(g.value) == n or (n and _within(n, norm(g.value))
                                                               and g is groups[-1])), None)
        if g is None:
            groups.append(_Merged(c.value, c.at, c.at, list(c.sources), c.confidence, c.derived_from is not None,
                                  c.by_model))
            continue
        if not c.by_model and g.model_only:
            g.value = c.value  # the rules' wording stands over a model's ("grey Kia Niro")
        elif len(c.value) > len(g.value) and (g.model_only or not c.by_model):
            g.value = c.value
        g.model_only = g.model_only and c.by_model
        g.at = max(g.at, c.at)
        new = [s for s in c.sources if s not in g.sources]
        if new:
            g.sources.extend(new)
            g.confidence = min(0.99, max(g.confidence, c.confidence) + 0.05)
    return sorted(groups, key=lambda g: (g.at, g.first))


class ProfileBuilder:
    """Builds the fields from memories; deterministic for a fixed store."""

    def __init__(self, store: Store, llm: Callable[[str], list[tuple[str, str]]] | None = None) -> None:
        """``llm``, when given, finds more candidates in a memory's text than the rules do."""
        self.store = store
        self.fields = FieldStore(store)
        self.llm = llm

    def build(self, cancel: Any = None, now: float | None = None) -> dict[str, int]:
        """Recompute every field from memories and store the ones that changed; locked fields are
        kept and fields whose sources were all forgotten removed. Returns counts only (fields,
        changed, locked_kept, removed)."""
        now = time.time() if now is None else now
        stats = {"fields": 0, "changed": 0, "locked_kept": 0, "removed": 0}
        by_field: dict[str, list[X.Candidate]] = {}
        for c in collect(self.store, self.llm, cancel):
            by_field.setdefault(c.field, []).append(c)
        existing = self.fields.all()
        computed: dict[str, ProfileField] = {}
        for name in sorted(by_field):
            cur = existing.get(name)
            if cur is not None and cur.locked:
                stats["locked_kept"] += 1
                continue
            new = self._value_for(name, by_field[name], cur, now)
            if new is not None:
                computed[name] = new
        self._outdate_dependents(computed, existing, now)
        self._outdate_old_street(computed, existing, now)
        for name, new in computed.items():
            cur = existing.get(name)
            if cur is None or new.to_dict() != cur.to_dict():
                self.fields.put(new)
                stats["changed"] += 1
        for name, cur in existing.items():
            if name not in by_field and not cur.locked and cur.origin != "user":
                self.fields.delete(name)  # its sources were forgotten
                stats["removed"] += 1
        stats["fields"] = len(self.fields.all())
        log.info("profile built: %s", stats)  # counts only, never values
        return stats

    @staticmethod
    def _outdate_dependents(computed: dict[str, ProfileField], existing: dict[str, ProfileField],
                            now: float) -> None:
        """A job title belongs to an employer: when the person moved to a newer employer and
        never said their new title, the old title is history, not a current answer."""
        for dep, anchor in DEPENDENT_FIELDS.items():
            d = computed.get(dep)
            a = computed.get(anchor) or existing.get(anchor)
            if d is None or a is None or not d.value or d.origin == "user":
                continue
            if a.as_of > d.as_of and not set(d.sources) & set(a.sources):
                computed[dep] = _retired(d, existing.get(dep), a.as_of, now)

    @staticmethod
    def _outdate_old_street(computed: dict[str, ProfileField], existing: dict[str, ProfileField],
                            now: float) -> None:
        city = computed.get("address-level2")
        street = computed.get("street-address")
        if city is None or street is None or not street.value or city.as_of <= street.as_of:
            return
        if norm(city.value) in norm(street.value):
            return  # the person named the same city again
        for name in ADDRESS_PARTS:
            d = computed.get(name)
            if d is None or not d.value or d.origin == "user" or d.as_of >= city.as_of:
                continue
            computed[name] = _retired(d, existing.get(name), city.as_of, now)

    def _value_for(self, name: str, cands: list[X.Candidate], cur: ProfileField | None,
                   now: float) -> ProfileField | None:
        groups = _merge(cands)
        if any(not g.model_only for g in groups):
            # What the exact rules read stands: a model's reading fills a field the rules left
            # empty and never displaces or extends theirs (a wedding date is not a birthday; a
            # small model files hobbies and plans under health).
            groups = [g for g in groups if not g.model_only]
        if not groups:
            return None
        origin = "derived" if all(g.derived for g in groups) else "memory"
        if spec(name).multi:
            value = ", ".join(g.value for g in sorted(groups, key=lambda g: (g.first, g.value)))
            sources = sorted({s for g in groups for s in g.sources})
            conf = round(min(g.confidence for g in groups), 3)
            at = max(g.at for g in groups)
            history: list[dict[str, Any]] = list(cur.history) if cur else []
        else:
            top = groups[-1]
            if cur is not None and cur.origin == "user" and cur.as_of >= top.at:
                return None  # the user's edit is newer than any evidence
            value, sources, conf, at = top.value, sorted(top.sources), round(top.confidence, 3), top.at
            history = list(cur.history) if cur else []
            older: list[dict[str, Any]] = [{"value": g.value, "as_of": g.at, "replaced_at": top.at, "sources": sorted(g.sources)}
                     for g in groups[:-1]]
            if cur is not None and norm(cur.value) != norm(value):
                older.append({"value": cur.value, "as_of": cur.as_of, "replaced_at": now, "sources": cur.sources})
            for h in older:
                if norm(h["value"]) != norm(value) and all(norm(x["value"]) != norm(h["value"]) for x in history):
                    history.append(h)
            history = [h for h in history if norm(h["value"]) != norm(value)]
            history.sort(key=lambda h: (h["as_of"], h["value"]))
        changed = cur is None or norm(cur.value) != norm(value) or cur.value != value
        return ProfileField(name, value, conf, sources, now if changed else cur.updated_at if cur else now,
                            at, False, origin, history[-MAX_HISTORY:])

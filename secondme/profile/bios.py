"""The global bio (who the person is) and the status bio (what they did lately).

Without a model that can write (the default SmolLM2-135M cannot), both bios are templates
filled from the profile fields, the shades and the person's own recent words: the global bio
says who they are, what they do and where, what they care most about (the largest shades) and
who their people are; the status bio lists what they did in the last day and the last week,
each activity with its date ("ran the Portland half marathon (Sat 3 May)"). A model large
enough to write may rewrite them from the same facts through ``writer``; its text is kept only
when it mentions those facts (else the template stays).

A bio is regenerated only when a keyed hash of its inputs changed; earlier versions are kept.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from secondme.memory.timeparse import event_day

log = logging.getLogger("secondme.profile")

MAX_VERSIONS = 10
DAY = 86400.0
WEEK = 7 * DAY
EMPTY_GLOBAL = ("Not enough yet: tell Second Me about yourself (your name, work, city, family) "
                "or add a notes folder.")
EMPTY_STATUS = "Not enough yet: tell Second Me what you have been doing or add a notes folder."
DAY_ITEMS = 3       # activities listed for the last day
WEEK_ITEMS = 6      # ... and for the last week
PHRASE_WORDS = 12   # an activity phrase is cut to this many words
TOP_SHADES = 4      # shades named in the global bio

Hasher = Callable[[str], str]
# writer(kind, inputs, template text) -> the model's text, or None to keep the template.
Writer = Callable[[str, Mapping[str, Any], str], "str | None"]


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def input_hash(inputs: Any, hasher: Hasher | None = None) -> str:
    """The (keyed, when ``hasher`` is the store's) hash of a bio's or a shade's inputs."""
    return (hasher or _sha256)(json.dumps(inputs, sort_keys=True, ensure_ascii=False))


# --- the global bio --------------------------------------------------------------------------------
GLOBAL_FIELDS = ("name", "honorific-prefix", "given-name", "additional-name", "family-name", "nickname",
                 "organization", "organization-title", "education", "address-level2", "address-level1",
                 "country-name", "partner", "children", "relatives", "pets", "language", "nationality",
                 "dietary-preferences")


def global_inputs(fields: Mapping[str, str], shades: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """What the global bio depends on: the non-sensitive identity, work, place and family fields
    and the shades' names and sizes (largest first)."""
    order = sorted(shades, key=lambda s: (-int(s.get("size", 0)), str(s.get("name", ""))))
    # A shade of "my name is …, my phone is …" messages is about the profile, not an interest:
    # the person's own name and the profile's vocabulary never name what they care about.
    own = {w.lower() for k in ("name", "given-name", "family-name", "nickname") for w in
           str(fields.get(k, "")).split()}
    topics = [(s, _topic(s, own | PROFILE_WORDS)) for s in order if s.get("name")]
    return {"fields": {k: fields[k] for k in GLOBAL_FIELDS if fields.get(k)},
            "shades": [[str(s["name"]), int(s.get("size", 0)), t] for s, t in topics if t]}


# Words of the profile's own vocabulary: a shade whose best keyword is one of these is made of
# statements about the person's details, not an interest.
PROFILE_WORDS = frozenset("name names surname first last middle nickname number phone mobile email "
                          "e-mail address street postcode zip birthday born called call".split())


def _topic(shade: Mapping[str, Any], exclude: frozenset[str] | set[str] = frozenset()) -> str:
    """A shade as the bio names it: a model's name, else its most distinctive phrase (reads
    better in a sentence than "Sea turtle & beach") that is not in ``exclude`` ("" when none)."""
    if shade.get("origin") == "model":
        return str(shade["name"])
    for key in shade.get("keywords") or []:
        if not set(str(key).lower().split()) & exclude:
            return str(key)
    return "" if shade.get("keywords") else str(shade["name"])


def full_name(f: Mapping[str, str]) -> str:
    """The person's name from whatever name parts are known ("" when none)."""
    if f.get("name"):
        return f["name"]
    parts = [f.get("given-name", ""), f.get("additional-name", ""), f.get("family-name", "")]
    joined = " ".join(p for p in parts if p)
    return joined or f.get("nickname", "")


def _article(phrase: str) -> str:
    first = phrase.split()[0] if phrase.split() else ""
    if first.lower() in ("a", "an", "the") or (first.isupper() and len(first) > 1):
        return phrase  # "the head of…", "CTO": no article added
    return ("an " if first[:1].lower() in "aeiou" else "a ") + phrase


def _role(f: Mapping[str, str]) -> str:
    title, org = f.get("organization-title", ""), f.get("organization", "")
    if title and org:
        return f"{_article(title)} at {org}"
    if title:
        return _article(title)
    if org:
        return f"working at {org}"
    return ""


def _place(f: Mapping[str, str]) -> str:
    city, region, country = f.get("address-level2", ""), f.get("address-level1", ""), f.get("country-name", "")
    if city:
        return city + (f", {country}" if country and country.lower() != city.lower() else "")
    return region or country


def _person(value: str) -> str:
    """ "Anna (sister)" → "sister Anna"; a plain name stays as it is."""
    m = re.fullmatch(r"\s*(.+?)\s*\(([^()]+)\)\s*", value)
    return f"{m.group(2)} {m.group(1)}" if m else value.strip()


def _people(f: Mapping[str, str], key: str, label: str = "") -> list[str]:
    if not f.get(key):
        return []
    return [(label + " " if label and "(" not in v else "") + _person(v) for v in f[key].split(", ") if v.strip()]


def global_facts(inputs: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, value) facts of the global bio, for the model's prompt and the check of its text."""
    f = inputs["fields"]
    out: list[tuple[str, str]] = []
    for label, value in (("Name", full_name(f)), ("Job title", f.get("organization-title", "")),
                         ("Employer", f.get("organization", "")), ("City", f.get("address-level2", "")),
                         ("Country", f.get("country-name", "")), ("Studied at", f.get("education", "")),
                         ("Partner", f.get("partner", "")), ("Children", f.get("children", "")),
                         ("Family", f.get("relatives", "")), ("Pets", f.get("pets", "")),
                         ("Languages", f.get("language", "")), ("Diet", f.get("dietary-preferences", ""))):
        if value:
            out.append((label, value))
    names = [t for _, _, t in inputs["shades"][:TOP_SHADES]]
    if names:
        out.append(("Interests", ", ".join(names)))
    return out


def global_draft(inputs: Mapping[str, Any]) -> str:
    """The templated global bio, using whatever is known and never inventing a placeholder."""
    f = inputs["fields"]
    name, role, place = full_name(f), _role(f), _place(f)
    head = ", ".join(x for x in (name, role) if x)
    if place:
        head = (f"{head} in {place}" if role else f"{head}, living in {place}") if head else f"Lives in {place}"
    parts: list[str] = []
    if head:
        parts.append(head[:1].upper() + head[1:] + ".")
    if f.get("education"):
        parts.append(f"Studied at {f['education']}.")
    shades = [t for _, _, t in inputs["shades"][:TOP_SHADES]]
    if shades:
        parts.append("Cares most about: " + ", ".join(s if s.isupper() else s.lower() for s in shades) + ".")
    family = _people(f, "partner", "partner") + _people(f, "children", "child") + _people(f, "relatives")
    if family:
        parts.append("Family: " + ", ".join(family) + ".")
    pets = _people(f, "pets")
    if pets:
        parts.append("Pets: " + ", ".join(pets) + ".")
    for key, label in (("language", "Speaks"), ("dietary-preferences", "Diet:")):
        if f.get(key):
            parts.append(f"{label} {f[key]}.")
    return " ".join(parts) if parts else EMPTY_GLOBAL


# --- the status bio --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Event:
    """Something the person said or wrote: a memory id (or ``note:<doc id>``), when, the text."""

    ref: str
    at: float
    text: str


_SUBJECT = re.compile(r"\b(I|we)(?:\s+|(?='))", re.IGNORECASE)
_ADVERBS = frozenset("just finally also really actually recently then even already first proudly "
                     "officially".split())
# Words after "I" that state an opinion, a habit or a fact about the person (the profile's
# business), not something they did.
_NOT_DONE = frozenset("am was were will would should could can can't cannot don't didn't do did does must "
                      "might may think thought feel felt like love hate want wanted need needed hope guess "
                      "know knew believe wonder mean live work usually always never have has had 'm 'd 'll "
                      "'ve 're wish prefer enjoy seem".split())
_IRREGULAR = frozenset("ran went saw took made got bought met began wrote found gave left flew drove swam "
                       "ate won lost built caught came fell kept paid sold sent spent taught told became "
                       "brought chose drew drank forgot held heard led rode sang sat slept spoke stood threw "
                       "woke wore read hit cut put set shot dug fed fought hung lit shut split spun stuck "
                       "struck swung tore upset withdrew grew".split())
_PARTICIPLE = frozenset("been done gone seen taken made got gotten begun written found given flown driven "
                        "swum eaten won lost built caught come kept paid sold sent spent taught told become "
                        "brought chosen drawn drunk forgotten held heard led ridden sung slept spoken stood "
                        "thrown worn read run met bought grown".split())
_CUT = re.compile(r":(?=\s)|[,;!?()\[\]\"“”]|\s[-–—]\s|\b(?:but|because|which|so that|although|though|while)\b",
                  re.IGNORECASE)
_TIME_WORDS = re.compile(
    r"\b(?:today|tonight|yesterday|this (?:morning|afternoon|evening|week|weekend)|last (?:night|week|weekend)"
    r"|(?:on |last )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?: (?:morning|afternoon|"
    r"evening|night))?|earlier|just now|at last)\b", re.IGNORECASE)
_PRONOUNS = {"my": "their", "me": "them", "myself": "themselves", "our": "their", "us": "them",
             "ourselves": "themselves", "mine": "theirs", "i": "they", "we": "they"}
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


def _is_done(word: str) -> bool:
    w = word.lower()
    if w in _NOT_DONE:
        return False
    return w in _IRREGULAR or (w.endswith("ed") and len(w) > 4)


def _phrase(words: list[str]) -> str:
    text = " ".join(words)
    m = _CUT.search(text)
    if m:
        text = text[:m.start()]
    text = _TIME_WORDS.sub("", text)
    out = [_PRONOUNS.get(w.lower(), w) for w in text.split()][:PHRASE_WORDS]
    while out and out[-1].lower() in ("and", "the", "a", "an", "to", "at", "in", "on", "with", "for", "of", "my"):
        out.pop()
    return " ".join(out).strip(" .")


def activities(text: str) -> list[tuple[str, str]]:
    """(what the person did, the sentence it came from): first-person past actions ("I ran the
    half marathon" → "ran the half marathon"), present progressives ("I'm reading X" →
    "reading X"), perfects ("I've started Y" → "started Y") and journal lines ("Baked bread.")."""
    out: list[tuple[str, str]] = []
    for sentence in _SENTENCE.split(text):
        sentence = sentence.strip()
        if not sentence or sentence.endswith("?"):
            continue  # a question is not something done
        toks = sentence.replace("’", "'").split()
        found = _sentence_activity(toks)
        if found and len(found.split()) >= 2:
            out.append((found, sentence))
    return out


def _sentence_activity(toks: list[str]) -> str:
    """What one sentence (as words) says the person did, or ""."""
    if toks and _is_done(toks[0].strip(".,!")) and toks[0][:1].isupper():
        found = _phrase([toks[0].lower(), *toks[1:]])  # a journal line: "Ran 10k by the river."
        if found:
            return found
    for i in range(len(toks)):
        found = _after_subject(toks, i)
        if found:
            return found
    return ""


def _after_subject(toks: list[str], i: int) -> str:
    """The action after a first-person subject at ``toks[i]`` ("I", "we", "I'm", "we've"…), or ""."""
    low = toks[i].lower().strip(",")
    if low in ("i", "we"):
        rest = toks[i + 1:]
    elif low in ("i'm", "we're", "i've", "we've"):
        rest = [low.split("'")[1], *toks[i + 1:]]
    else:
        return ""
    while rest and rest[0].lower() in _ADVERBS:
        rest = rest[1:]
    if len(rest) < 2:
        return ""
    head = rest[0].lower()
    if head in ("am", "m", "are", "re") and rest[1].lower().endswith("ing"):
        return _phrase(rest[1:])            # I'm training for … → training for …
    if head in ("have", "ve") and (rest[1].lower() in _PARTICIPLE or rest[1].lower().endswith("ed")):
        return _phrase(rest[1:])            # I've started … → started …
    if _is_done(head):
        return _phrase(rest)
    return ""


def _when(sentence: str, said: datetime) -> datetime:
    """The day a sentence's action happened ("yesterday", "on Saturday", "last Friday" against
    the day it was said); otherwise that day."""
    return event_day(sentence, said) or said


def _fmt(d: datetime, year: bool = False) -> str:
    return d.strftime("%a ") + str(d.day) + d.strftime(" %b %Y" if year else " %b")


def status_inputs(events: Sequence[Event], now: float) -> dict[str, Any]:
    """What the status bio depends on: the events of the last week before ``now`` (or, when
    nothing is that recent, of the week before the latest event) with their days and texts."""
    past = [e for e in events if e.at <= now + 60]
    if not past:
        return {"anchor": None, "stale": False, "day": [], "week": []}
    latest = max(e.at for e in past)
    stale = latest < now - WEEK
    anchor = latest if stale else now
    def keep(span: float) -> list[list[Any]]:
        return [[e.ref, datetime.fromtimestamp(e.at).strftime("%Y-%m-%d"), e.text[:600]]
                for e in sorted(past, key=lambda e: (e.at, e.ref)) if anchor - span <= e.at <= anchor]
    return {"anchor": datetime.fromtimestamp(anchor).strftime("%Y-%m-%d"), "stale": stale,
            "day": keep(DAY), "week": keep(WEEK)}


def _listed(rows: Sequence[Sequence[Any]], limit: int, year: bool) -> list[tuple[str, datetime]]:
    """The activities of ``rows`` (newest first, distinct), or quotes when none reads as one."""
    found: list[tuple[str, datetime]] = []
    seen: set[str] = set()
    for _ref, day, text in reversed(rows):
        said = datetime.strptime(day, "%Y-%m-%d")
        for phrase, sentence in activities(text):
            key = phrase.lower()
            if key not in seen:
                seen.add(key)
                found.append((phrase, _when(sentence, said)))
    if not found:  # nothing reads as an action: say what they wrote about
        for _ref, day, text in reversed(rows):
            first = " ".join(text.split())
            first = first if len(first) <= 70 else first[:69].rstrip() + "…"
            if first.lower() not in seen:
                seen.add(first.lower())
                found.append((f"wrote “{first}”", datetime.strptime(day, "%Y-%m-%d")))
    found.sort(key=lambda x: x[1], reverse=True)
    return found[:limit]


def status_facts(inputs: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(date, activity) of the status bio's week, for the model's prompt and the check."""
    return [(_fmt(d, inputs.get("stale", False)), p) for p, d in _listed(inputs["week"], WEEK_ITEMS, False)]


def status_draft(inputs: Mapping[str, Any]) -> str:
    """The templated status bio: the last day's and the last week's activities with dates."""
    if not inputs["week"]:
        return EMPTY_STATUS
    stale = bool(inputs["stale"])
    def line(items: list[tuple[str, datetime]]) -> str:
        return "; ".join(f"{p} ({_fmt(d, stale)})" for p, d in items)
    week = _listed(inputs["week"], WEEK_ITEMS, stale)
    if stale:
        anchor = datetime.strptime(str(inputs["anchor"]), "%Y-%m-%d")
        return f"Nothing in the last week. The latest week on record (to {_fmt(anchor, True)}): {line(week)}."
    day = _listed(inputs["day"], DAY_ITEMS, False)
    first = f"Last day: {line(day)}." if day else f"Last day: nothing new since {_fmt(week[0][1])}."
    # The week's line does not repeat what the last day's already says.
    said = {p for p, _ in day}
    earlier = [(p, d) for p, d in week if p not in said]
    return f"{first} Earlier this week: {line(earlier)}." if earlier else first


# --- regeneration ----------------------------------------------------------------------------------
def mentions(text: str, facts: Sequence[tuple[str, str]], must: Sequence[str] = ()) -> bool:
    """Whether a model's ``text`` names every ``must`` value and most of the ``facts``."""
    low = " ".join(text.lower().split())
    def has(value: str) -> bool:
        words = [w for w in re.findall(r"\w+", value.lower()) if len(w) > 2] or [value.lower()]
        return sum(w in low for w in words) * 2 >= len(words)  # half its words: "Mia" of "Mia (daughter)"
    if not all(has(v) for v in must if v):
        return False
    return not facts or sum(has(v) for _, v in facts) >= max(1, round(0.6 * len(facts)))


_NUMBER_WORDS = frozenset("one two three four five six seven eight nine ten eleven twelve twenty thirty "
                          "hundred thousand".split())
_PLAIN_CAPS = frozenset("she he they her his their them it its i the a an and in at on of with for".split())


def invented(text: str, facts: Sequence[tuple[str, str]]) -> list[str]:
    """Names and numbers in a model's ``text`` that no fact holds ("two children", "speaks
    Dutch" when neither was given): a small model adds them, and a bio must not."""
    known = " ".join(f"{k} {v}" for k, v in facts).lower()
    out: list[str] = []
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        toks = re.findall(r"[A-Za-zÀ-ÿ][\w'’-]*|\d+", sentence)
        for i, tok in enumerate(toks):
            low = tok.lower().strip("'’").removesuffix("'s").removesuffix("’s")
            if tok.isdigit() or low in _NUMBER_WORDS:
                if low not in known:
                    out.append(tok)
            elif i > 0 and tok[:1].isupper() and low not in _PLAIN_CAPS and low not in known:
                out.append(tok)  # a proper noun mid-sentence that no fact names
    return out


def refresh(state: dict[str, Any] | None, kind: str, inputs: Any, draft: Callable[[Any], str],
            now: float, writer: Writer | None = None, *, by: str = "template",
            hasher: Hasher | None = None) -> tuple[dict[str, Any], bool]:
    """``state`` with the ``kind`` bio regenerated if its inputs (or its writer ``by``) changed;
    True when it was. The model's text replaces the template only when the writer returns one."""
    state = dict(state or {})
    cur = state.get(kind) or {}
    h = input_hash({"inputs": inputs, "by": by}, hasher)
    if cur.get("hash") == h:
        return state, False
    text = draft(inputs)
    origin = "template"
    if writer is not None and text not in (EMPTY_GLOBAL, EMPTY_STATUS):
        try:
            written = writer(kind, inputs, text)
        except Exception as exc:  # the model failed: the template stays
            log.warning("the model could not write the %s bio: %s", kind, type(exc).__name__)
            log.debug("bio writer error", exc_info=True)  # DEBUG: the message may quote the model
            written = None
        if written and written.strip() != text.strip():  # a verbatim copy is still the template
            text, origin = written, "model"
    versions = list(cur.get("versions", []))
    if cur.get("text"):
        versions.append({"text": cur["text"], "at": cur.get("at"), "hash": cur.get("hash")})
    state[kind] = {"text": text, "at": now, "hash": h, "origin": origin, "versions": versions[-MAX_VERSIONS:]}
    return state, True

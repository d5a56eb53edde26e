"""Profile facts from the common English phrasings, without a language model.

Each rule reads one sentence that the person wrote about themselves ("I", "my", "we") and
yields ``(field, value, confidence)``. Precision comes first: questions, hypotheticals ("if
I moved to Paris"), negations and other people's facts ("my sister lives in Rome") give
nothing, since a wrong autofill value costs more than a missing one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from secondme.memory.statements import sentences, statement
from secondme.profile import dates, places
from secondme.profile.rule_values import (
    _NAME,
    Found,
    name,
    org,
    place,
    thing,
    title,
)

# --- the rules -----------------------------------------------------------------------------------
_I = r"(?:I|I'm|I’m|I've|I’ve|[Ww]e|[Ww]e're|[Ww]e’ve|[Ww]e've)"
_ADV = r"(?:(?:just|recently|finally|now|currently|also|still|actually|officially)\s+)*"


def _names(s: str) -> Iterator[Found]:
    for m in re.finditer(r"\bmy (?:full |legal |real )?name(?: is|'s|:)\s+", s, re.IGNORECASE):
        if (n := name(s[m.end():])) and len(n.split()) >= 2:
            yield Found("name", n, 0.9)
        elif n:
            yield Found("given-name", n, 0.85)
    for m in re.finditer(r"\bmy (first|given|christian|last|family|middle|maiden|sur)\s*name(?: is|'s|:)\s+",
                         s, re.IGNORECASE):
        kind = m.group(1).lower()
        n = name(s[m.end():])
        if n:
            fld = {"first": "given-name", "given": "given-name", "christian": "given-name",
                   "middle": "additional-name", "maiden": "maiden-name"}.get(kind, "family-name")
            yield Found(fld, n if fld == "family-name" else n.split()[0], 0.9)
    for m in re.finditer(rf"\b{_NAME} is my (first|middle|last) name\b", s):
        n = name(m.group(1))
        if n:
            yield Found({"first": "given-name", "middle": "additional-name"}.get(m.group(2), "family-name"), n, 0.85)
    for m in re.finditer(r"\b(?:(?:please |just |you can |everyone |people |my friends |friends )?call me|"
                         r"I go by|my nickname is|people call me|everyone calls me|friends call me|"
                         r"known as)\s+", s, re.IGNORECASE):
        n = name(s[m.end():])
        if n and len(n.split()) == 1:
            yield Found("nickname", n, 0.8)
    m2 = re.match(rf"^(?:hi|hello|hey)[,!]?\s+(?:I'm|I am|this is)\s+{_NAME}", s, re.IGNORECASE)
    if m2 and (n := name(m2.group(1))) and len(n.split()) >= 2:
        yield Found("name", n, 0.8)


_ROLE_VERB = rf"\b{_I}\s+{_ADV}(?:started|began|took|accepted|got|landed)\s+(?:a|my|the)\s+(?:new\s+)?(?:job|position|role|post)\b"


def _work(s: str, at_text: str) -> Iterator[Found]:
    t, o, started = _role_and_employer(s)
    if not (t or o):
        return
    if t:
        tv = title(t)
        if tv and not re.match(r"(?:job|position|role|team|company)\b", tv):
            yield Found("organization-title", tv, 0.8)
    if o:
        ov = org(o)
        if ov:
            yield Found("organization", ov, 0.85)
            since = _work_since(s, started, at_text)
            if since:
                yield Found("work-since", since, 0.75)


def _work_since(s: str, started: bool, at_text: str) -> str | None:
    """Since when the person works there: a year the sentence names, else (a new job) the
    date it was said."""
    sm = re.search(r"\bsince\s+((?:(?:[A-Z][a-z]+)\s+)?(?:19|20)\d{2})\b", s) or \
        re.search(r"\b(?:in|back in)\s+((?:[A-Z][a-z]+\s+)?(?:19|20)\d{2})\b", s)
    if sm:
        return sm.group(1)
    if started and at_text:
        return at_text
    return None


def _role_and_employer(s: str) -> tuple[str | None, str | None, bool]:
    """(job title, employer, whether the sentence says the job just started) as written."""
    t = None
    o = None
    started = False
    m = re.search(rf"{_ROLE_VERB}\s+(?:as\s+(?P<t>[^,.;]+?)\s+)?(?:at|with|in)\s+(?P<o>[A-Z0-9].*)", s)
    m = m or re.search(rf"{_ROLE_VERB}\s+as\s+(?P<t>[^,.;]+?)(?:\s+(?:at|with|for)\s+(?P<o>[A-Z0-9].*)|[,.;]|$)", s)
    if m:
        started = True
        t, o = m.group("t"), m.group("o")
    m2 = re.search(rf"\b{_I}\s+{_ADV}(?:joined|was hired by|got hired by|have joined|'ve joined|signed with)\s+"
                   rf"(?P<o>[A-Z0-9][^,;]*?)(?:\s+as\s+(?P<t>[^,.;]+))?(?:[,.;]|$| in | on | last | this | today| since)", s)
    if not m and m2:
        started = True
        o, t = m2.group("o"), m2.group("t")
    m3 = re.search(rf"\b(?:I|[Ww]e)\s+{_ADV}(?:work|am working|'m working|’m working|have worked|'ve worked|’ve worked|"
                   rf"have been working|'ve been working)\s+(?:(?:at|for|with)\s+(?:the\s+)?(?P<o>[A-Z0-9][^,;]*?)"
                   rf"(?:\s+as\s+(?P<t>[^,.;]+))?|as\s+(?P<t2>[^,.;]+?)(?:\s+(?:at|for|with)\s+(?P<o2>[A-Z0-9].*))?)"
                   rf"(?:[,.;]|$| since | in | for | and | but )", s)
    if not m and not m2 and m3:
        o, t = m3.group("o") or m3.group("o2"), m3.group("t") or m3.group("t2")
    m4 = re.search(rf"\b(?:I'm|I’m|I am|I've been|I’ve been|I have been)\s+{_ADV}(?:an?|the)\s+(?P<t>[a-z][\w -]+?)\s+"
                   rf"(?:at|for|with)\s+(?P<o>[A-Z][^,;]*)", s)
    if not (m or m2 or m3) and m4:
        t, o = m4.group("t"), m4.group("o")
    m5 = re.search(r"\b(?:I was|I've been|I’ve been|I got|I just got|I have been)\s+(?:just\s+|finally\s+)?promoted\s+to\s+"
                   r"(?P<t>[^,.;]+)", s)
    if m5:
        t = m5.group("t")
    m6 = re.search(r"\bmy (?:new |current )?(?:job title|title|role|position|job) (?:is|:)\s+(?:now\s+)?(?P<t>[^,.;]+)", s,
                   re.IGNORECASE)
    if m6 and not t:
        t = m6.group("t")
    m7 = re.search(r"\b[Mm]y (?:new |current )?(?:employer|company|workplace) is\s+(?P<o>[A-Z0-9].*)", s)
    if m7 and not o:
        o = m7.group("o")
    return t, o, started


_LIVE = (rf"\b(?:I|[Ww]e)(?:\s+|(?=['’])){_ADV}(?:live|am living|'m living|’m living|are living|'re living|have lived|'ve lived|"
         rf"’ve lived|have been living|'ve been living|moved|relocated|have moved|'ve moved|are based|am based|"
         rf"'m based|’m based|settled|bought a (?:house|flat|place|home|condo|apartment))\s+(?:back\s+)?(?:at|to|in|into)\s+")


def _places(s: str, full: str) -> Iterator[Found]:
    for m in re.finditer(_LIVE, s):
        rest = full[m.end():]
        rest = re.sub(r"^(?:a|an|the|our|my)\s+(?:new\s+|small\s+|tiny\s+|big\s+)?(?:flat|apartment|house|place|home)\s+"
                      r"(?:at|on|in)\s+", "", rest)
        addr = places.parse(_address_span(rest)) if rest[:1].isdigit() or re.match(r"(?i)flat|apt|apartment|unit", rest) else None
        if addr is not None:
            yield from address(addr)
            continue
        for f in place(rest):
            yield f
            if f.field in ("address-level2", "country-name"):
                yield Found("places-lived", f.value, 0.75)
    for m in re.finditer(r"\b(?:my|our) (?:new |home |current |postal |mailing )?address(?: is|:)\s+|"
                         r"\b(?:our|my) new (?:place|flat|apartment|house) is (?:at|on)\s+|"
                         r"\bI\s+(?:just\s+)?moved (?:in )?to a (?:new )?(?:flat|apartment|house) (?:at|on)\s+", full,
                         re.IGNORECASE):
        addr = places.parse(_address_span(full[m.end():]))
        if addr is not None:
            yield from address(addr)
    for m in re.finditer(r"\bI\s+(?:lived|used to live|spent \w+ years|grew up)\s+in\s+", full):
        for f in place(full[m.end():]):
            if f.field in ("address-level2", "country-name"):
                yield Found("places-lived", f.value, 0.7)
    born = re.search(r"\bI was born in\s+(?!(?:19|20)\d{2})", s)
    if born and (p := place(s[born.end():])):
        yield Found("place-of-birth", p[0].value, 0.8)
    home = re.search(r"\bmy home ?town is\s+", s, re.IGNORECASE)
    if home and (p := place(s[home.end():])):
        yield Found("places-lived", p[0].value, 0.7)


def _address_span(text: str) -> str:
    """The address part of the rest of a sentence (to its end, or a clause word)."""
    m = re.search(r"(?<![A-Z][a-z])[.!?;](?:\s|$)|\n|\s(?:and|but|since|because|last|next|from|with|which|"
                  r"where|so|in (?:19|20)\d{2})\s|\s[—–-]\s|\s\(", text)
    return text[:m.start()] if m else text


def address(a: places.Address) -> Iterator[Found]:
    """The full address and each of its autofill parts that is known."""
    yield Found("street-address", a.full, 0.85)
    for fld, v in (("address-line1", a.line1), ("address-line2", a.line2), ("address-level2", a.city),
                   ("address-level1", a.region), ("postal-code", a.postal), ("country-name", a.country)):
        if v:
            yield Found(fld, v, 0.8)


def _dates(s: str) -> Iterator[Found]:
    m = re.search(r"\b(?:my (?:birthday|birth ?date|date of birth|dob)(?: is| falls| was|:)?\s*(?:on\s+)?|"
                  r"I was born (?:on\s+)?|\bborn on\s+|\bDOB:?\s+|I turn \d+ on\s+|my birthday'?s\s+(?:on\s+)?)", s,
                  re.IGNORECASE)
    if m:
        d = dates.parse(s[m.end():m.end() + 40])
        if d is not None and d[1] < 12 and d[0].day is not None:
            yield Found("bday", d[0].text(), 0.9)
        elif (y := re.match(r"\s*in\s+((?:19|20)\d{2})\b", s[m.end():])) and "born" in m.group(0):
            yield Found("bday-year", y.group(1), 0.85)
    m = re.search(r"\b(?:our|my) (?:wedding )?anniversary(?: is| falls|:)?\s*(?:on\s+)?|"
                  r"\b(?:we|I)\s+got married\s+(?:on\s+|in\s+)?", s, re.IGNORECASE)
    if m:
        d = dates.parse(s[m.end():m.end() + 40])
        if d is not None and d[1] < 12:
            yield Found("anniversary", d[0].text(), 0.85)


_REL = {
    "wife": "partner", "husband": "partner", "partner": "partner", "girlfriend": "partner",
    "boyfriend": "partner", "fiancé": "partner", "fiancée": "partner", "fiance": "partner",
    "fiancee": "partner", "spouse": "partner",
    "son": "son", "daughter": "daughter", "kid": "child", "child": "child", "baby": "child",
    "stepson": "son", "stepdaughter": "daughter",
    "mother": "mother", "mom": "mother", "mum": "mother", "father": "father", "dad": "father",
    "sister": "sister", "brother": "brother", "stepmother": "mother", "stepfather": "father",
    "grandmother": "grandmother", "grandma": "grandmother", "grandfather": "grandfather",
    "grandpa": "grandfather", "aunt": "aunt", "uncle": "uncle", "cousin": "cousin", "niece": "niece",
    "nephew": "nephew", "twin": "sibling", "half-sister": "sister", "half-brother": "brother",
}
_REL_RX = "|".join(sorted(_REL, key=len, reverse=True))
# One name per relation ("mom", "mum" -> "mother"), so two wordings do not make two people.
RELATION = {k: v for k, v in _REL.items() if v not in ("partner", "child")} | {"kid": "child", "baby": "child"}


def _people(s: str) -> Iterator[Found]:
    """Relation facts as ``person:<relation>`` (mapped onto partner / children / relatives)."""
    pats = (
        rf"\b[Mm]y\s+(?:older\s+|younger\s+|little\s+|big\s+|baby\s+|eldest\s+|youngest\s+|twin\s+|late\s+|"
        rf"step\s*)?(?P<r>{_REL_RX})(?:'s name is|’s name is| is called| is named|,| named| called)?\s+(?P<n>[A-Z].*)",
        rf"\b(?P<n>[A-Z][a-z]+(?:\s[A-Z][a-z]+)?),?\s+(?:is\s+)?my\s+(?:older\s+|younger\s+|little\s+|big\s+)?"
        rf"(?P<r>{_REL_RX})\b",
        r"\bI(?:'m| am|’m)\s+(?:happily\s+)?married to\s+(?P<n>[A-Z].*)",
        rf"\bI\s+(?:have|'ve got|’ve got)\s+an?\s+(?:older\s+|younger\s+|little\s+|big\s+|\d+-year-old\s+)?"
        rf"(?P<r>{_REL_RX})\s+(?:named|called)\s+(?P<n>[A-Z].*)",
        r"\b(?:I|[Ww]e)\s+(?:have|'ve got|’ve got)\s+(?:two|three|four|\d)\s+(?P<r>kids|children|sons|daughters),?\s+"
        r"(?:named\s+|called\s+)?(?P<n>[A-Z].*)",
    )
    for p in pats:
        for m in re.finditer(p, s):
            rel = m.group("r") if "r" in m.groupdict() and m.group("r") else "partner"
            rel = {"kids": "child", "children": "child", "sons": "son", "daughters": "daughter"}.get(rel.lower(), rel.lower())
            rel = _REL.get(rel, rel)
            rest = m.group("n")
            if rel in ("child", "son", "daughter") and re.search(r"\b(?:and|,)\s", rest):
                # "two kids, Leo and Mia": every name is one child.
                for part in re.split(r",\s*|\s+and\s+", clip_list(rest)):
                    if (n := name(part)):
                        yield Found(f"person:{rel}", n.split()[0], 0.75)
                continue
            n = name(rest)
            if n and n.split()[0].lower() not in _REL:
                yield Found(f"person:{rel}", n, 0.75)


def clip_list(value: str) -> str:
    """``value`` up to the first punctuation or relative clause ("who", "are"…), for a list of names."""
    m = re.search(r"[.;:!?()]|\s(?:who|which|that|are|is|were|was)\s", value)
    return value[:m.start()] if m else value


_PETS = ("dog", "cat", "puppy", "kitten", "parrot", "rabbit", "bunny", "hamster", "horse", "tortoise",
         "turtle", "snake", "guinea pig", "ferret", "goldfish", "lizard", "budgie", "gecko")
_PET_RX = "|".join(sorted(_PETS, key=len, reverse=True))


def _pets(s: str) -> Iterator[Found]:
    for m in re.finditer(rf"\b(?:I|[Ww]e)\s+(?:have|'ve got|’ve got|own|adopted|got|rescued)\s+an?\s+(?:[a-z-]+\s+){{0,2}}?"
                         rf"(?P<k>{_PET_RX})\s+(?:named|called)\s+(?P<n>[A-Z][a-z]+)", s):
        yield Found(f"pet:{m.group('k').lower()}", m.group("n"), 0.8)
    for m in re.finditer(rf"\b(?:[Mm]y|[Oo]ur)\s+(?:[a-z-]+\s+)?(?P<k>{_PET_RX})(?:'s name is|’s name is| is called| is named)\s+"
                         rf"(?P<n>[A-Z][a-z]+)", s):
        yield Found(f"pet:{m.group('k').lower()}", m.group("n"), 0.8)


_MAKES = ("Toyota", "Honda", "Ford", "Chevrolet", "Chevy", "Tesla", "BMW", "Audi", "Mercedes", "Mercedes-Benz",
          "Volkswagen", "VW", "Subaru", "Mazda", "Nissan", "Hyundai", "Kia", "Volvo", "Peugeot", "Renault",
          "Citroën", "Citroen", "Fiat", "Skoda", "Škoda", "Jeep", "Dodge", "Lexus", "Mini", "Porsche", "Jaguar",
          "Land Rover", "Range Rover", "Suzuki", "Mitsubishi", "Opel", "Vauxhall", "Seat", "Dacia", "Polestar",
          "Rivian", "Cupra", "Alfa Romeo", "Lancia", "Saab", "Genesis", "Acura", "Infiniti", "Cadillac", "GMC",
          "Ram", "Buick", "Lincoln", "Chrysler", "BYD", "MG")
_MAKE_RX = "|".join(sorted((re.escape(x) for x in _MAKES), key=len, reverse=True))


def _possessions(s: str) -> Iterator[Found]:
    m = re.search(rf"\b(?:I|[Ww]e)\s+{_ADV}(?:drive|own|have|'ve got|’ve got|bought|got|leased|lease)\s+(?:a|an|the|my|our)?\s*"
                  rf"(?:new\s+|used\s+|second-hand\s+|old\s+)?(?:(?:19|20)\d{{2}}\s+)?(?:[a-z]+\s+)?(?P<v>(?:{_MAKE_RX})\b[\w -]*)", s) \
        or re.search(rf"\b[Mm]y (?:new\s+)?car(?: is|'s)\s+an?\s+(?:(?:19|20)\d{{2}}\s+)?(?:[a-z]+\s+)?(?P<v>(?:{_MAKE_RX})\b[\w -]*)", s)
    if m:
        words: list[str] = []
        for w in m.group("v").split():
            if words and (w[:1].islower() and not re.match(r"\d", w)):
                break
            words.append(w)
        if words:
            yield Found("vehicle", " ".join(words[:4]), 0.8)


_DIET = {"vegetarian": "vegetarian", "vegan": "vegan", "pescatarian": "pescatarian", "pescetarian": "pescatarian",
         "gluten-free": "gluten-free", "gluten free": "gluten-free", "lactose intolerant": "lactose intolerant",
         "lactose-intolerant": "lactose intolerant", "dairy-free": "dairy-free", "keto": "keto", "coeliac": "coeliac",
         "celiac": "coeliac", "halal": "halal", "kosher": "kosher", "plant-based": "plant-based"}
_DIET_RX = "|".join(sorted((re.escape(x) for x in _DIET), key=len, reverse=True))


def _diet_health(s: str, full: str) -> Iterator[Found]:
    m = re.search(rf"\b(?:I(?:'m| am|’m)|I've been|I’ve been|I have been|I went|I eat|I keep|I follow a|I'm on a|we're|we are)"
                  rf"\s+{_ADV}(?:a\s+|fully\s+|strictly\s+|mostly\s+)?(?P<d>{_DIET_RX})\b", s, re.IGNORECASE)
    if m:
        yield Found("dietary-preferences", _DIET[m.group("d").lower()], 0.85)
    # "I don't eat pork" is a statement, not a negated fact: read it from the whole sentence.
    m = re.search(r"\bI (?:don't|do not|don’t|never|can't|cannot|can’t) (?:eat|drink|touch)\s+(?P<x>[a-z][a-z ]{2,25}?)"
                  r"(?:[.,;!]|$| and | or | because | for )", full)
    if m and not full.rstrip().endswith("?") and not re.match(r"(?:much|a lot|anything|breakfast|lunch|dinner|out|it|that)\b", m.group("x")):
        yield Found("dietary-preferences", f"no {m.group('x').strip()}", 0.75)
    for m in re.finditer(r"\bI(?:'m| am|’m)\s+(?:severely\s+|mildly\s+|very\s+|also\s+|seriously\s+)?allergic to\s+"
                         r"(?P<x>[^.;!?]+)|\b(?:I have|I've got|I’ve got)\s+an?\s+(?:severe\s+|mild\s+)?"
                         r"(?P<y>[a-z]+(?: [a-z]+)?) allergy\b|\bmy (?P<z>[a-z]+(?: [a-z]+)?) allergy\b", s):
        if m.group("x"):
            for part in re.split(r",\s*(?:and\s+)?|\s+and\s+", m.group("x")):
                if (v := thing(part, 3)):
                    yield Found("allergies", v.lower(), 0.85)
        elif (v := m.group("y") or m.group("z")):
            yield Found("allergies", v.lower(), 0.8)
    m = re.search(r"\b(?:I was|I've been|I’ve been|I have been|I got|I just got)\s+(?:recently\s+|finally\s+)?diagnosed with\s+"
                  r"(?P<x>[^.,;!?]+)|\bI (?:suffer|have suffered) from\s+(?P<y>[^.,;!?]+)|"
                  r"\bI (?:have|'ve got|’ve got|live with)\s+(?P<z>(?:mild\s+|severe\s+|chronic\s+|type [12]\s+)?"
                  r"(?:asthma|diabetes|migraines?|epilepsy|arthritis|eczema|psoriasis|hypertension|high blood pressure|"
                  r"adhd|ADHD|anxiety|depression|celiac disease|coeliac disease|crohn's disease|Crohn's disease|"
                  r"IBS|ibs|tinnitus|sleep apnea|sleep apnoea|a heart condition|hay fever|[a-z]+ disease|[a-z]+ syndrome))\b",
                  s)
    if m:
        v = thing(m.group("x") or m.group("y") or m.group("z") or "", 5)
        if v:
            yield Found("health", v, 0.8)
    m = re.search(r"\bI (?:take|am taking|'m taking|’m taking|'m on|’m on|am on)\s+(?P<x>[A-Za-z][a-z]+(?:\s\d+\s?mg)?)\s+"
                  r"(?:daily|every day|each day|twice a day|for my\s+[a-z ]+|for\s+[a-z ]+)", s)
    if m and m.group("x").lower() not in ("the", "a", "my", "it", "care", "part", "photos", "notes", "walks", "lessons"):
        yield Found("health", f"takes {m.group('x')}", 0.75)


def _preferences(s: str, full: str) -> Iterator[Found]:
    for m in re.finditer(r"\b[Mm]y\s+(?:all-time\s+|absolute\s+)?favou?rite\s+(?P<k>[a-z]+(?: [a-z]+)?)\s+(?:is|are|has to be)\s+"
                         r"(?P<v>[^.;!?]+)|\b(?P<v2>[A-Z][\w' ]{1,30}?)\s+is my\s+(?:all-time\s+)?favou?rite\s+"
                         r"(?P<k2>[a-z]+(?: [a-z]+)?)\b", s):
        kind = (m.group("k") or m.group("k2") or "").strip().lower()
        v = thing(m.group("v") or m.group("v2") or "", 5)
        if kind and v and kind not in ("thing", "part", "one", "way"):
            yield Found(f"favorite-{kind.replace(' ', '-')}", v, 0.8)
    for m in re.finditer(r"\bI\s+(?:really\s+|absolutely\s+|just\s+|truly\s+|also\s+)?(?:love|like|enjoy|adore)\s+"
                         r"(?P<v>[^.;!?]+)|\bI(?:'m| am|’m)\s+(?:really\s+|totally\s+|so\s+|very\s+|quite\s+|seriously\s+)?"
                         r"(?:a\s+)?(?:huge\s+|big\s+|massive\s+)?(?:fan of|into|passionate about|"
                         r"obsessed with|crazy about)\s+(?P<w>[^.;!?]+)", s):
        for part in re.split(r",\s*(?:and\s+)?|\s+and\s+", clip_list(m.group("v") or m.group("w") or "")):
            if (v := thing(part, 4)):
                yield Found("likes", v, 0.7)
    for m in re.finditer(r"\bI\s+(?:really\s+|absolutely\s+|just\s+)?(?:hate|dislike|detest|loathe|can't stand|can’t stand|"
                         r"cannot stand|don't like|don’t like|do not like|don't enjoy|don’t enjoy)\s+(?P<v>[^.;!?]+)", full):
        if full.rstrip().endswith("?") or re.search(r"\b(?:if|would|when)\b[^.]*$", full[:m.start()]):
            continue
        for part in re.split(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+", clip_list(m.group("v"))):
            if (v := thing(part, 4)):
                yield Found("dislikes", v, 0.7)


def _plans_events(full: str) -> Iterator[Found]:
    if full.rstrip().endswith("?") or re.search(r"\bif\b", full, re.IGNORECASE):
        return
    m = re.search(r"\b(?:I|[Ww]e)(?:'m| am|’m|'re| are|’re)?\s+(?:planning|plan|going|hoping|aiming|intending)\s+to\s+"
                  r"(?P<v>[a-z][^.;!?]+)|\b(?:I|[Ww]e)(?:'ll| will)\s+(?P<w>[a-z][^.;!?]*?\b(?:next|in (?:January|February|"
                  r"March|April|May|June|July|August|September|October|November|December|(?:19|20)\d{2})|this (?:summer|"
                  r"winter|spring|autumn|fall|year|weekend))\b[^.;!?]*)|\bmy plan is to\s+(?P<x>[a-z][^.;!?]+)", full)
    if m:
        v = (m.group("v") or m.group("w") or m.group("x") or "").strip()
        v = re.split(r",\s+(?:but|and|so|because)\s|\s+because\s", v)[0]
        if 2 <= len(v.split()) <= 12:
            yield Found("plans", v, 0.65)
    m = re.search(r"\b(?:I|[Ww]e)\s+(?:just\s+|finally\s+)?(?P<e>got married|got engaged|graduated(?: from [A-Z][\w ]+?)?|retired|"
                  r"ran (?:my first|the) [A-Z]?[\w ]*?marathon|bought (?:our|my|a) (?:first )?(?:house|home|flat))"
                  r"\s+(?:on|in|back in)\s+(?P<d>[^.;!?]+)", full)
    if m:
        d = dates.parse(m.group("d")[:30])
        if d is not None and d[1] < 3:
            yield Found("life-events", f"{m.group('e')} ({d[0].text()})", 0.7)


def _education(s: str) -> Iterator[Found]:
    m = re.search(r"\bI (?:studied [a-z ]+ at|studied at|graduated from|got my (?:degree|master's|PhD|phd|bachelor's)"
                  r"(?: in [a-z ]+)? (?:at|from)|went to (?:university|college|uni) (?:at|in))\s+(?P<o>[A-Z].*)", s)
    if m and (o := org(m.group("o"))):
        yield Found("education", o, 0.75)


def extract(text: str, at_text: str = "") -> list[Found]:
    """Everything the rules find in ``text`` (the person's own words); ``at_text`` is the
    month the text was written ("May 2024"), used as the start date of a job begun "today"."""
    out: list[Found] = []
    seen: set[tuple[str, str]] = set()
    for sentence in sentences(text):
        s = statement(sentence)
        for f in (*_names(s), *_work(s, at_text), *_places(s, s), *_dates(s), *_people(s), *_pets(s),
                  *_possessions(s), *_diet_health(s, sentence), *_preferences(s, sentence),
                  *_plans_events(sentence), *_education(s)):
            key = (f.field, f.value.lower())
            if f.value and key not in seen and len(f.value) <= 120:
                seen.add(key)
                out.append(f)
    return out

"""Reading a question and a sentence as terms: what kind of answer a question wants, the words
that carry meaning, and a light stemmer, shared by the extractive answers and their spans."""

from __future__ import annotations

import re

from secondme.memory.timeparse import asks_for_date

_WORD = re.compile(r"\w+", re.UNICODE)
# Sentence ends: . ! ? (and their CJK forms) followed by space, or a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|(?<=[.!?][\"”’'])\s+(?=[A-Z\"“])|\n+")
_DIGIT = re.compile(r"\d")
_MONTHS = ("january february march april may june july august september october november "
           "december jan feb mar apr jun jul aug sep sept oct nov dec").split()
_DAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
_DATE_WORDS = {*_MONTHS, *_DAYS, "yesterday", "today", "tomorrow", "ago", "last", "next", "week",
               "month", "year", "weekend", "morning", "evening", "night", "since"}
_CAPITALIZED = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][a-z]+")

STOPWORDS = frozenset("""
a an the and or but if then so of to in on at by for with from into onto about over under as is
are was were be been being am do does did done have has had having i me my mine myself you your
yours we our ours us he him his she her hers they them their theirs it its this that these those
what which who whom whose when where why how much many there here not no yes can could would
should will shall may might must just also very really any some all each every than too s t
don didn doesn isn wasn aren weren ll ve re d m o y tell say said know
""".split())

# Question words that ask for a kind of value (whole words: "rent" is not in "parents").
_NUMBER_CUE = re.compile(r"\bhow (?:much|many|long|old|far|often)\b|\bwhat (?:number|percentage)\b|"
                         r"\b(?:cost|costs|price|rent|pay|paid|salary|age|amount)\b")
_PLACE_NOUNS = ("country city town state place location area region island village neighborhood "
                "neighbourhood park restaurant cafe venue").split()
_PLACE_CUE = re.compile(r"^where\b|\bwhere (?:did|do|does|was|were|is|are|will|has|have)\b|"
                        r"\b(?:what|which|in which) (?:\w+ )?(?:" + "|".join(_PLACE_NOUNS) + r")\b")
_YES_NO_START = frozenset("would is does did do has have can was are will could should".split())
# The verbs that follow "what/which …" in a question ("Which meat **does** she prefer?").
AUXILIARIES = frozenset("is are was were do does did has have had will would can could should might may".split())


def question_kind(question: str) -> str:
    """What a question asks for: number, date, place, person, reason, yesno or thing."""
    q = question.lower().strip()
    first = q.split()[0] if q.split() else ""
    if first == "when":
        return "date"  # "When was the invoice paid?" asks a day, not an amount
    if _NUMBER_CUE.search(q):
        return "number"
    if asks_for_date(q):
        return "date"
    if _PLACE_CUE.search(q):
        return "place"
    if first in ("who", "whom", "whose"):
        return "person"
    if first == "why" or re.match(r"what (?:made|inspired|motivated|led|prompted)\b", q):
        return "reason"
    if first in _YES_NO_START:
        return "yesno"
    return "thing"


# "Which pet did she adopt first - Susie or Seraphim?": the question names the answers to pick.
_CHOICE = re.compile(r"\b\w[\w.'’-]*\s+or\s+(?:the\s+|a\s+|an\s+)?\w[\w.'’ -]*[?.!]?\s*$", re.IGNORECASE)


def offers_choice(question: str) -> bool:
    """Whether ``question`` ends by offering the answers to choose from ("... - Susie or
    Seraphim?"): an answer that picks one says something, though every word is the question's."""
    return bool(_CHOICE.search(question.strip()))


# "Would Dana enjoy a trip to Iceland?", "What job might Sam pursue?": asked for a judgment
# the sources may never state, not for a fact they hold. "Could you ..." is a request.
_JUDGMENT = re.compile(r"\b(?:(?:would|wouldn't|might|could)\b(?!\s+(?:you|u)\b)|"
                       r"(?:likely|unlikely|potentially|probably|possibly|presumably)\b)", re.IGNORECASE)


def asks_judgment(question: str) -> bool:
    """Whether ``question`` asks what is likely rather than what was said ("Would Caroline
    enjoy Vivaldi?"): its unusual words are the hypothesis, not a premise to check."""
    return bool(_JUDGMENT.search(question))


def words(text: str) -> list[str]:
    """The words of ``text``, lowercased."""
    return [w.lower() for w in _WORD.findall(text)]


def stem(word: str) -> str:
    """A light suffix strip so "rents", "renting" and "rented" meet "rent" (and "planned",
    "shopping" meet "plan", "shop"; "studied" meets "study")."""
    for suffix in ("ingly", "ing", "edly", "ied", "ies", "ed", "es", "ly", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            base = word[: -len(suffix)] + ("y" if suffix in ("ies", "ied") else "")
            if suffix in ("ing", "ed") and base[-1] == base[-2] and base[-1] not in "lsz":
                base = base[:-1]  # the consonant doubled before the ending
            return base
    return word


# Past and third-person forms a suffix strip cannot reach ("ran" is "run", "wrote" is "write").
IRREGULAR = {
    "ran": "run", "went": "go", "gone": "go", "goes": "go", "got": "get", "gotten": "get",
    "made": "make", "took": "take", "taken": "take", "gave": "give", "given": "give",
    "felt": "feel", "bought": "buy", "brought": "bring", "came": "come", "saw": "see",
    "seen": "see", "found": "find", "kept": "keep", "left": "leave", "met": "meet",
    "paid": "pay", "read": "read", "said": "say", "sold": "sell", "sent": "send",
    "spent": "spend", "taught": "teach", "thought": "think", "told": "tell", "wrote": "write",
    "written": "write", "won": "win", "began": "begin", "begun": "begin", "built": "build",
    "chose": "choose", "chosen": "choose", "drew": "draw", "drawn": "draw", "drove": "drive",
    "driven": "drive", "ate": "eat", "eaten": "eat", "fell": "fall", "fallen": "fall",
    "flew": "fly", "flown": "fly", "grew": "grow", "grown": "grow", "heard": "hear",
    "held": "hold", "knew": "know", "known": "know", "learnt": "learn", "lost": "lose",
    "meant": "mean", "rode": "ride", "sang": "sing", "sung": "sing", "sat": "sit",
    "slept": "sleep", "spoke": "speak", "spoken": "speak", "stood": "stand", "swam": "swim",
    "threw": "throw", "thrown": "throw", "understood": "understand", "wore": "wear",
    "worn": "wear", "says": "say", "has": "have", "had": "have", "does": "do", "did": "do", "done": "do",
    "is": "be", "are": "be", "was": "be", "were": "be", "been": "be", "am": "be",
    "lent": "lend", "caught": "catch", "fought": "fight", "broke": "break", "broken": "break",
    "forgot": "forget", "forgotten": "forget", "froze": "freeze", "frozen": "freeze", "dealt": "deal",
    "dug": "dig", "fed": "feed", "shook": "shake", "shaken": "shake", "shot": "shoot", "stole": "steal",
    "stolen": "steal", "woke": "wake", "woken": "wake", "tore": "tear", "torn": "tear", "hung": "hang",
    "hid": "hide", "hidden": "hide", "sought": "seek", "stuck": "stick", "rang": "ring", "rung": "ring",
    "swore": "swear", "sworn": "swear", "laid": "lay", "leapt": "leap", "burnt": "burn", "spilt": "spill",
    "sank": "sink", "sunk": "sink", "wept": "weep", "bled": "bleed", "fled": "flee", "forgave": "forgive",
    "forgiven": "forgive", "mistook": "mistake", "withdrew": "withdraw", "blew": "blow", "blown": "blow",
    "bent": "bend", "spun": "spin", "slid": "slide", "struck": "strike", "swung": "swing", "shone": "shine",
    "borrowed": "borrow", "lit": "light", "overtook": "overtake", "undertook": "undertake",
}
# Shorthand notes use for whole words: "knee op", "dentist appt", "Xmas".
SHORT_FORMS = {
    "op": "operation", "appt": "appointment", "appts": "appointment", "bday": "birthday",
    "xmas": "christmas", "mgr": "manager", "dept": "department", "approx": "approximately",
    "info": "information", "uni": "university", "wk": "week", "wks": "week", "hr": "hour", "hrs": "hour",
    "mins": "minute", "yr": "year", "yrs": "year", "tmrw": "tomorrow", "gf": "girlfriend",
    "bf": "boyfriend", "meds": "medication", "physio": "physiotherapy", "acct": "account", "temp": "temperature",
}
# Chat words and their plain forms: "pic" answers a question about a "photo".
_SAME = {"pic": "photo", "pics": "photo", "picture": "photo", "photograph": "photo",
         "photography": "photo", "fave": "favorite", "fav": "favorite", "favourite": "favorite",
         "kids": "kid", "children": "kid", "child": "kid", "mum": "mom", "mommy": "mom", "mother": "mom",
         "father": "dad", "daddy": "dad",
         "colour": "color", "neighbour": "neighbor"}


# Verbs that carry no premise of their own: "How many lentils go in the soup?" asks about
# lentils and soup, and a recipe never says "go".
LIGHT_VERBS = frozenset("""go goes going get gets getting do does doing have has having make makes
making put puts putting take takes taking come comes coming be being need needs
drive drives driving drove driven stay stays staying stayed use uses using used own owns owned""".split())


def term(word: str) -> str:
    """The form a word is matched by: stemmed, chat spellings made plain."""
    low = word.lower()
    low = IRREGULAR.get(low, SHORT_FORMS.get(low, low))
    t = stem(low)
    if low.endswith("ss"):
        t = low  # "class", "boss", "stress" are not plurals
    elif low.endswith("es") and t == low[:-2] and not t.endswith(("s", "x", "z", "ch", "sh")):
        # "dances", "styles", "techniques" are "dance", "style", "technique" plus an s: only
        # "classes", "boxes", "wishes" take an "es" (the stemmer strips it from both).
        t = low[:-1]
    return _SAME.get(t, t)


def word_form_in(t: str, ts: set[str]) -> bool:
    """Whether ``ts`` hold ``t`` in a form the suffix strip leaves apart from it: a short word's
    "s" ("eat" and "eats"), a silent "e" ("move" and "moved", "smile" and "smil(ed)"), the one
    who does it ("clean" and "cleaner", "drive" and "driver")."""
    if t + "s" in ts or (t.endswith("s") and t[:-1] in ts):
        return True
    if len(t) > 3 and (t + "er" in ts or (t.endswith("e") and t + "r" in ts)):
        return True  # "When does Gemma clean?" of "Gemma: cleaner, Thursdays"
    if t.endswith("e"):
        return t + "d" in ts or t[:-1] in ts
    return t + "e" in ts or (t.endswith("ed") and t[:-1] in ts)


def content_terms(text: str) -> list[str]:
    """The stemmed words of ``text`` that carry meaning (no stop words, no one-letter words)."""
    return [term(w) for w in words(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]

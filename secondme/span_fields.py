"""Spans of the lines notes are written in: "Landlord: Priya Shah, 07700 900123", "9:30".

People keep facts as labelled lines ("- Rent: £1,150 a month", "GP: Dr Amara Okafor") rather
than sentences. The label names what the value is, so a question naming the label is answered
by the value, whole ("14 Larch Road, Flat 2, Bristol BS6 5QT" is one address, not a clause
to cut at its first comma).
"""

from __future__ import annotations

import re

from secondme.question_terms import content_terms, question_kind, term, words
from secondme.span_words import MONTHS, WEEKDAYS

# Words that name the measure asked for: notes give the value alone ("Ran 5k in 27:40",
# "Window cleaner £25", "The Premonition, 3/5"), never "my time was" or "it costs".
MEASURES = frozenset("""time price prices cost costs costing charge charges score scores scored
rate rated rating ratings size sizes pay pays paid paying spend spends spent spending temperature
temperatures temp dose doses dosage""".split())
# A short word used as a label or shorthand: "Reg: LR19 KXP", "Ref number BG-44", "ref no.
# 12", "Chris Wed/Thu", "Tel. 0161" (not a name ending a sentence: "I met Tom.").
_SHORTHAND = re.compile(r"(?:(?<=/)([A-Z][a-z]{1,3})\b|(?:^|(?<=[\s(\-]))([A-Z][a-z]{1,3})"
                        r"(?=[:/]|\.\s*[a-z0-9]|\s+(?:no\b|number\b|\d))|(?<![\w-])([a-z]{2,3})"
                        r"(?=\.?\s+(?:no\b|number\b)|\.\s*\d|\s+(?=[A-Z0-9-]*[A-Z])(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]+\b))", re.MULTILINE)
_RATING = re.compile(r"\b\d+(?:\.\d+)?\s*(?:/\s*\d+\b|out of \d+\b|stars?\b)", re.IGNORECASE)
_DEGREES = re.compile(r"-?\b\d+(?:\.\d+)?\s?(?:°\s?[CF]?|degrees(?:\s+[CF]\b)?|deg\b|[CF]\b(?=\s*(?:[,.;)]|for\b|$)))")
_DOSE = re.compile(r"\b\d+(?:\.\d+)?\s?(?:mg|mcg|µg|g|ml|iu|units?|puffs?|tablets?|drops?)\b", re.IGNORECASE)
_CLOCKED = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\b")  # a time taken: "27:40", "1:52:10"
_MONEY = re.compile(r"(?:[$£€¥]\s?\d[\d,.]*\d(?:k|m|bn)?|[$£€¥]\s?\d(?:k|m|bn)?|\d[\d,.]*\s?(?:dollars|pounds|euros)\b)"
                    r"(?:\s+(?:a|an|per|each)\s+([a-z]+))?", re.IGNORECASE)
# "What was my 5k time?" asks a time taken; "How did John relax in his free time?" does not.
_TIME_TAKEN = re.compile(r"^\s*what(?:'s|\s+(?:is|was|were))\b.*\b(?!(?:free|spare|first|last|long|good|great|hard|"
                         r"same|whole|bed|lunch|dinner|break|what)\s)\w+\s+time\s*\??\s*$", re.IGNORECASE)
_RATE_VERB = re.compile(r"\b(?:i|you|we|he|she|they|did|would|do|does)\s+(?:\w+\s+)?rate\b", re.IGNORECASE)
_RATE_VALUE = re.compile(_MONEY.pattern + r"|\b\d+(?:\.\d+)?\s?%", re.IGNORECASE)
_RATED = frozenset("rate rated rating ratings score scored scores".split())
_PRICED = frozenset("price prices cost costs costing charge charges pay pays paid paying spend spends spent "
                    "spending".split())


def measure_words(question: str) -> set[str]:
    """The words of ``question`` that name the measure it asks for ("time" in "What was my 5k
    time?"); none where it asks when, where or who ("When does my fixed rate end?")."""
    if question_kind(question) in ("date", "place", "person", "yesno"):
        return set()
    asked = words(question)
    return {w for w in asked if w in MEASURES and (w != "time" or _TIME_TAKEN.search(question))}


def _measure_shape(question: str) -> re.Pattern[str] | None:
    asked = measure_words(question)
    if asked & _PRICED or (asked & _RATED and "how much" in question.lower()):
        return _MONEY  # "How much is the room rate?" asks money
    if asked & _RATED and ("rate" not in asked or _RATE_VERB.search(question)):
        return _RATING
    if "rate" in asked:
        return _RATE_VALUE  # "What is my day rate?", "What is the interest rate?"
    if "time" in asked and not asks_time_of_day(question):
        return _CLOCKED
    if asked & {"temperature", "temperatures", "temp"}:
        return _DEGREES  # "180°C for 22 minutes" answers "What temperature for the flapjacks?"
    if asked & {"dose", "doses", "dosage"}:
        return _DOSE  # "Started amlodipine 5mg" answers "What dose of amlodipine am I on?"
    return None


def asks_measure(question: str) -> bool:
    """Whether a question asks a rating, a price or a time taken, which a line holds by its
    shape or not at all ("Book the minibus (Raj)" says nothing of what it cost)."""
    return _measure_shape(question) is not None


def measure_span(question: str, sentence: str) -> str:
    """The value a question asking a rating, a price or a time taken wants: "3/5", "£25",
    "27:40", or "" when the sentence holds none of that shape or none is asked."""
    shape = _measure_shape(question)
    if shape is None:
        return ""
    m = shape.search(sentence)
    if not m:
        return ""
    if shape is _MONEY and m.group(1) and set(content_terms(m.group(1))) & set(content_terms(question)):
        return sentence[m.start():m.start(1)].rsplit(None, 1)[0]  # "per class" restates "… per cooking class?"
    return m.group(0).strip()


_PRICE_ASKED = re.compile(r"^\s*how much\s+(?:is|was|were|are|will|would|'s)\b", re.IGNORECASE)


def asks_price(question: str) -> bool:
    """Whether a question asks "How much is/were …?", whose likeliest answer is money."""
    return bool(_PRICE_ASKED.match(question))


def priced(question: str, sentence: str) -> bool:
    """Whether a question asking "How much is/were …?" meets a sentence holding an amount of
    money, the likeliest answer ("Paid £412 for both of us" for "How much were the flights?")."""
    return asks_price(question) and bool(_MONEY.search(sentence))


def compounded(word: str, text: str) -> bool:
    """Whether ``text`` says ``word`` as the end of a longer word: "statin" in "atorvastatin",
    "flower" in "wildflower" (five letters at least, so "art" is not in "start")."""
    word = word.lower()
    return len(word) >= 5 and bool(re.search(rf"\b\w{{3,}}{re.escape(word)}\b", text, re.IGNORECASE))


_FUNCTION_WORDS = frozenset("""a an the in at on by to of for and or but is it its my our his her was are
be do did has had not no so up as if we us you he she they all any can who how why get got""".split())


# "may" is never said in short, and is a word of its own.
_DAYS_AND_MONTHS = (WEEKDAYS | frozenset(MONTHS)) - {"may"}


def short_date_in(word: str, terms: set[str]) -> bool:
    """Whether ``terms`` hold a weekday or month in short ("mon" for "monday")."""
    return word in _DAYS_AND_MONTHS and bool({word[:3], word[:4], word[:5]} & terms)


def abbreviated(word: str, text: str) -> bool:
    """Whether ``text`` says ``word`` in short ("Reg" for "registration", "Thu" for
    "Thursday"): notes are written in shorthand, questions in full words."""
    word = word.lower()
    if word in _DAYS_AND_MONTHS:
        # "Day: Mon", "| Fri |": a weekday or month cut to its first letters, capitalised.
        return bool(re.search(rf"\b{word[:1].upper()}{word[1:3]}(?:{word[3:5]}?)?\b\.?", text))
    for m in _SHORTHAND.finditer(text):
        short = (m.group(1) or m.group(2) or m.group(3)).lower()
        if m.group(3) and short in _FUNCTION_WORDS:
            continue  # "in KX7", "at B12": a preposition before a code, no word in short
        if len(word) >= len(short) + 2 and word.startswith(short):
            return True
    return False


def written_as(word: str, text: str) -> bool:
    """Whether ``text`` holds ``word`` in short: a label's shorthand ("Reg:" for
    "registration") or a clipped word ("op" for "operation")."""
    return abbreviated(word, text) or term(word) in {term(w) for w in words(text)}


# "- Landlord: value", "* GP: value", "Blood type: value": a short label, a colon, a value.
_FIELD = re.compile(r"^\s*(?:[-*•+]\s+|\d+[.)]\s+)?(\w[^:\n\[\]()\"“”]{0,39}?)\s*:\s+(\S.*)$")
_LABEL_WORDS = 5
# A time of day: "9:30", "7.45pm", "10 am", "noon".
TIME_OF_DAY = re.compile(r"\b\d{1,2}[:.]\d{2}\s?(?:[ap]\.?m\.?\b)?|\b\d{1,2}\s?[ap]\.?m\b\.?|\b(?:noon|midday|midnight)\b",
                         re.IGNORECASE)
_ASKS_TIME = re.compile(r"\b(?:what|which) time\b|\bat what time\b", re.IGNORECASE)


def labelled(sentence: str) -> tuple[str, str] | None:
    """(label, value) of a "Label: value" line, or None: the label is a few words, the value
    is what follows the colon (a time's colon, "9:30", is no label's)."""
    m = _FIELD.match(sentence)
    if not m:
        return None
    label, value = m.group(1).strip(), m.group(2).strip().rstrip(".;").strip()
    if len(label.split()) > _LABEL_WORDS or not value or re.search(r"\d$", label):
        return None
    return label, value


def field_value(question: str, sentence: str) -> str:
    """The value of a "Label: value" line whose label the question names ("Who is my
    landlord?" and "Landlord: Priya Shah"), else ""."""
    pair = labelled(sentence)
    if pair is None:
        return ""
    label, value = pair
    asked = set(content_terms(question))
    # "Reg: KY17 WPD" is labelled "registration" in short; "Insurance: Admiral" names the insurer.
    named = set(content_terms(label))
    return value if asked and (named & asked or any(abbreviated(w, label + ":") for w in words(question))
                               or {w[:5] for w in named if len(w) > 5} & {w[:5] for w in asked if len(w) > 5}) else ""


# A value written straight after the noun that names it: "Booking code QZ7KLM", "Account
# number ZN-884213", "Council tax band D", "meter reading 00412". It is code-like (a digit in
# it, or capitals only), so "Boiler Worcester" is no such value.
_CODE = r"(?:[A-Z0-9][A-Z0-9./-]*\d[A-Z0-9./-]*|\d+|[A-Z]{1,8}(?:[-/]?\d+)?)(?![\w'’])"
_CODE_RUN = _CODE + r"(?:\s(?:[A-Z0-9]*\d[A-Z0-9]*|[A-Z]{2,4})(?![\w'’]))*"


_NP_OPENERS = frozenset("is was are were the my our his her their your a an".split())
_NP_ENDS = frozenset("""is was are were do does did have has had will would can could should for of in on
to at with from that i we you he she they it me us""".split())


def _asked_nouns(question: str) -> list[str]:
    """The words of the noun phrase a "what/which" question asks about, head first: "What is the
    broadband account number?" gives ["number", "account", "broadband"]."""
    ws = re.findall(r"[\w'’-]+", question.lower())
    if not ws or ws[0] not in ("what", "which", "what's"):
        return []
    k = 1
    while k < len(ws) and ws[k] in _NP_OPENERS:
        k += 1
    phrase: list[str] = []
    while k < len(ws) and ws[k] not in _NP_ENDS and len(phrase) < 4:
        phrase.append(ws[k])
        k += 1
    return phrase[::-1]


# Nouns that name a kind of thing, said before the kind's name ("variety Germidour").
_KIND_NOUNS = frozenset("""variety varieties breed model brand make type species cultivar strain version
edition flavour flavor colour color""".split())


def named_value(question: str, sentence: str) -> str:
    """For "What is the booking code?": the code-like value the sentence writes straight after
    the noun asked about ("Booking code QZ7KLM" gives "QZ7KLM"; "tax band D" gives "band D", a
    letter alone saying little), else ""."""
    if question_kind(question) != "thing":
        return ""
    for w in _asked_nouns(question):
        if len(w) < 3:
            continue
        m = re.search(rf"\b{re.escape(w)}\.?(?:\s+(?:no\.?|number|#|ref))?\s*[:#]?\s+(?:is\s+|was\s+)?"
                      rf"((?-i:{_CODE_RUN}))(?![%°])", sentence, re.IGNORECASE)
        if m is None and w in _KIND_NOUNS:
            # "Garlic in bed 3, variety Germidour": a noun naming a kind, then the kind's name.
            m = re.search(rf"\b{re.escape(w)}\s+(?:is\s+|was\s+|called\s+)?((?-i:[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)*))",
                          sentence, re.IGNORECASE)
        if m is None:
            continue
        value = m.group(1).rstrip("./-")
        # "For my birthday I got…": a letter going on into a lower-case word is a word.
        if value == "I" or (len(value) <= 2 and re.match(r"\s+[a-z]", sentence[m.end():])):
            continue
        noun = sentence[m.start():].split()[0]
        return f"{noun} {value}" if len(value) <= 2 else value
    return ""


_TIME_LABELS = frozenset("""date dates day days time times when due deadline starts ends renews expires
departs departure leaves arrives arrival check-in checkout""".split())
_PERSON_LABELS = frozenset("who contact person owner".split())
_PLACE_LABELS = frozenset("venue location address place where city town country hotel accommodation".split())


def label_fits(kind: str, sentence: str) -> bool | None:
    """Whether a "Label: value" line's label names the kind of answer asked ("place" and
    "Venue: Hengrave Hall"): True, False where it names another ("Date: 6 June" is no place),
    None where the line has no label or it says neither."""
    pair = labelled(sentence)
    if pair is None:
        return None
    label = set(words(pair[0]))
    if label & _TIME_LABELS:
        return kind == "date"
    if label & _PLACE_LABELS:
        return kind == "place"
    if label & _PERSON_LABELS:
        return kind == "person"  # "Who: Mr Osei" answers "Who is Leo's form tutor?"
    return None


def asks_time_of_day(question: str) -> bool:
    """Whether a question asks the time of day something happens ("What time is standup?")."""
    return bool(_ASKS_TIME.search(question))


def time_of_day(sentence: str) -> str:
    """The first time of day a sentence names ("9:30"), or ""."""
    m = TIME_OF_DAY.search(sentence)
    return m.group(0).strip() if m else ""


# What is asked of someone, not said of them: "What is my landlord's phone number?" is answered
# by "Landlord: Priya Shah, 07700 900123", which never says "phone".
ATTRIBUTES = frozenset("""phone number mobile telephone email e-mail address postcode zip code
website username handle age birthday title""".split())
# Attributes whose value shows what it is ("07700 900123" is a phone number): a note gives the
# value without the word. A birthday or a title is said with its word ("Dad's birthday is …").
SELF_EVIDENT = ATTRIBUTES - {"age", "birthday", "title"}
_PHONE = re.compile(r"(?<![\w+])\+?\(?\d[\d ().-]{5,}\d(?!\w)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"\b(?:https?://|www\.)\S+[\w/]")
_SHAPES = {"phone": _PHONE, "mobile": _PHONE, "telephone": _PHONE, "email": _EMAIL, "e-mail": _EMAIL,
           "website": _URL}


def attribute_asked(question: str) -> set[str]:
    """The closing words of a question that name an attribute asked for ("phone number")."""
    out: set[str] = set()
    for w in reversed(words(question)):
        if w not in ATTRIBUTES:
            break
        out.add(w)
    return out


def shaped_answer(question: str, sentence: str) -> str | None:
    """For a question asking a phone number, an e-mail or a website: the one ``sentence``
    holds ("07700 900123"), or "" when it holds none (a landlord's line without an e-mail does
    not answer "What is my landlord's email?"); None for any other question."""
    if not _ASKS_WHAT.match(question):
        return None  # "Who is drafting the customer email?" asks a person, not an address
    asked = attribute_asked(question)
    if _SOMEONES_NUMBER.search(question):
        asked.add("phone")  # "the vet's number" is a phone number; "my lucky number" is not
    for w in asked:
        if w in _SHAPES:
            m = _SHAPES[w].search(sentence)
            return m.group(0).strip() if m else ""
    return None


_ASKS_WHAT = re.compile(r"\s*(?:what|which)\b", re.IGNORECASE)
_SOMEONES_NUMBER = re.compile(r"\w['’]s?\s+(?:contact\s+|work\s+|home\s+)?number\s*\??\s*$", re.IGNORECASE)

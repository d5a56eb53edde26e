"""Short answers: the span of a quoted sentence that answers a question.

A quoted sentence is honest but long: "Lately, I've been getting into classic rock." answers
"What music is Dave into?" with two words. The span is chosen by what the question asks for:
a date for "when", a place for "where", a person for "who", a number phrase for "how many",
and otherwise the complement of the question's own words in the sentence (the object after the
verb the question names). The sentence itself stays the cited support shown under the span; a
span is only a shortcut to read, so when none is clear the caller keeps the sentence.
"""

from __future__ import annotations

import re
from itertools import pairwise

from secondme.question_terms import (
    IRREGULAR,
    STOPWORDS,
    content_terms,
    offers_choice,
    question_kind,
    term,
)
from secondme.span_choices import called_name, chosen, named_instance, which_kind, yes_no
from secondme.span_fields import (
    asks_time_of_day,
    field_value,
    label_fits,
    labelled,
    measure_span,
    named_value,
    shaped_answer,
    time_of_day,
)
from secondme.span_numbers import number_span
from secondme.span_words import (
    CHAT_VERBS,
    DATE_PHRASE,
    DETERMINERS,
    EDGE,
    INTERJECTIONS,
    MONTHS,
    NUMBER_WORDS,
    PLACE_PP,
    PROPER,
    SHORT_DATES,
    WEEKDAYS,
    norm,
    says_nothing,
)
from secondme.when_said import date_span

# A clause ends at punctuation (not a comma between digits, not a hyphen inside a word).
_CLAUSE_BREAK = re.compile(r"\s*(?:(?<!\d),|,(?!\d)|(?<!\d):|:(?!\d)|[;!?()\[\]“”\"]|\s[-–—]+\s|[–—]|\.(?=\s|$))\s*")
# Time phrases are never the answer to anything but "when": they end a span like punctuation.
_TIME_PHRASE = re.compile(
    r"\b(?:yesterday|today|tonight|tomorrow|this (?:morning|afternoon|evening|week|weekend|month|year)|"
    r"(?:last|next|this past) (?:night|week|weekend|month|year|summer|winter|spring|fall|autumn|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu|thurs|fri|sat|sun)|"
    r"(?:a )?(?:few|couple of|\d+|two|three|four|five|six|seven|eight|nine|ten) (?:days|weeks|months|years) ago|"
    r"recently|lately|the other day)\b", re.IGNORECASE)
# Words that start a new thought inside a clause: a long span is cut before them.
_CUT_BEFORE = frozenset("because but so which who when while since although though and i "
                        "it's that's we you he she they".split())
# Verbs that open a chat sentence before its subject ("I find painting relaxing").
_COPULA = frozenset("to is was are were be been being has have had".split())
# Words a span may not begin with (articles may: "a trophy" reads better than "trophy").
_LEAD_DROP = EDGE | {"a", "an", "the"}
_WORD = re.compile(r"[\w$£€%'’.,-]+")

_REASON = re.compile(r"\b(?:because(?:\s+of)?|since|as|so that|in order to|'cause|cause|to help)\s+(.+)",
                     re.IGNORECASE)
_RELATION = re.compile(r"\b(?:my|his|her|our|their|a|an)\s+(?:(?:close|best|old|good|new)\s+)?"
                       r"(?:friend|friends|mom|mother|dad|father|sister|brother|wife|husband|partner|"
                       r"girlfriend|boyfriend|son|daughter|kids|children|family|cousin|aunt|uncle|"
                       r"grandma|grandmother|grandpa|grandfather|boss|colleague|coworker|mentor|"
                       r"teacher|coach|neighbor|neighbour|team|teammates)\b", re.IGNORECASE)


# Brackets in chat that are not a shared photo's caption are part of the words said
# ("long drives in [this car] help me relax"): they do not end a clause.
_INLINE_BRACKETS = re.compile(r"\[(?!shares?\b|sharing\b|sent\b|sends\b)([^\]]*)\]", re.IGNORECASE)


def _clauses(sentence: str) -> list[str]:
    out: list[str] = []
    for c in _CLAUSE_BREAK.split(_INLINE_BRACKETS.sub(r"\1", sentence)):
        out += [p.strip() for p in _TIME_PHRASE.split(c or "") if p and p.strip()]
    return out


# "one of my trophies" is "trophies"; "some of the cakes" is "cakes".
_PARTITIVE = frozenset("one some many few couple lots lot most each".split())
# Where a thing is ("iron man standing on a white surface"): what follows only places it.
_POSED = frozenset("standing sitting lying laying parked resting placed displayed perched "
                   "hanging leaning".split())
_PLACING = frozenset("on in at against by near next beside under inside outside atop".split())


def _trim(words: list[str]) -> list[str]:
    """Function words off both ends of a span, a leading "one of my", and where a pictured
    thing stands ("standing on a white surface")."""
    i, j = 0, len(words)
    while i < j and norm(words[i]) in _LEAD_DROP:
        i += 1
    if i + 2 < j and norm(words[i]) in _PARTITIVE and norm(words[i + 1]) == "of":
        i += 2
        while i < j and norm(words[i]) in _LEAD_DROP:
            i += 1
    for k in range(i + 1, j - 1):
        if norm(words[k]) in _POSED and norm(words[k + 1]) in _PLACING:
            j = k
            break
    while j > i and (norm(words[j - 1]) in EDGE or norm(words[j - 1]) in ("a", "an", "the")):
        j -= 1
    # An article right before the first kept word reads better kept ("a trophy").
    if i > 0 and i < j and norm(words[i - 1]) in ("a", "an", "the"):
        i -= 1
    return words[i:j]


def _has_content(words: list[str]) -> bool:
    return any(norm(w) not in STOPWORDS and norm(w) not in EDGE and len(norm(w)) > 1 for w in words)


def _cut(words: list[str], limit: int = 8) -> list[str]:
    """A long span cut before the first word that starts a new thought."""
    if len(words) <= limit:
        return words
    for k in range(2, len(words)):
        if norm(words[k]) in _CUT_BEFORE:
            return words[:k]
    return words[:limit]


# Words after which a subject has ended and its verb begun ("long drives really help").
_SUBJECT_END = frozenset("really just always totally actually definitely also truly help helps helped "
                         "make makes made keep keeps kept give gives gave bring brings brought".split())


def subject_before(words: list[str]) -> list[str]:
    """The words after the last one that starts a new thought: the subject right before the
    question's words ("sorry to tell you but my dad passed away" -> "my dad")."""
    for k in range(len(words) - 1, -1, -1):
        if norm(words[k]) in ("but", "because", "so", "and", "while", "although", "though"):
            return words[k + 1:]
    return words


def _complement(question: str, sentence: str, avoid: set[str]) -> str:
    """The part of ``sentence`` the question does not already say: the words after the last
    question term in the clause holding most of them (the object after the verb), else the
    phrase the question's closing words place ("a car workshop in San Francisco"), the words
    before the first (the subject), or the sentence's own words between them."""
    q_terms = set(content_terms(question)) | avoid
    clauses = _clauses(sentence)
    best_i = _best_clause(clauses, q_terms)
    if best_i < 0:
        return ""
    words = clauses[best_i].split()
    marks = [k for k, w in enumerate(words) if term(norm(w)) in q_terms]
    after = _object_after(words[marks[-1] + 1:])
    if _has_content(after):
        span = _with_list_tail(_cut(after), after, clauses[best_i + 1:best_i + 5], q_terms)
    else:
        span = (_placed(words[:marks[0]]) or _subject_span(words[:marks[0]], clauses[best_i + 1:best_i + 2])
                or _between(words, marks))
    if not span or len(span) >= len(sentence.split()) - 1:
        return ""  # nothing shorter than the sentence itself
    text = " ".join(span).strip(" ,;:").rstrip(" -–—")
    return text if re.match(r"-\d", text) else text.lstrip(" -–—")  # "-2.25" keeps its sign


def _best_clause(clauses: list[str], q_terms: set[str]) -> int:
    """The index of the clause holding most question terms (more if words follow the last of
    them; on ties the one words follow, then the earlier), or -1 when none holds one."""
    best_i, best_key = -1, (0, 0, 0)
    for i, c in enumerate(clauses):
        cw = c.split()
        marks = [k for k, w in enumerate(cw) if term(norm(w)) in q_terms]
        if not marks:
            continue
        # On a tie, the clause that goes on past the question's words holds the answer; a
        # date alone ("Mum's birthday is on 2 June") answers only "when", asked elsewhere.
        rest = _trim(cw[marks[-1] + 1:])
        after = 1 if _has_content(rest) and not _only_a_date(rest) else 0
        key = (len(marks) + 2 * after, after, -i)
        if key > best_key:
            best_i, best_key = i, key
    return best_i


def _only_a_date(words: list[str]) -> bool:
    text = " ".join(w for w in words if norm(w) not in ("on", "in", "at", "by", "since", "until"))
    m = DATE_PHRASE.fullmatch(text.strip(" .,;:!?"))
    return m is not None


def _object_after(after: list[str]) -> list[str]:
    """The words after the question's last term, trimmed, past a verb that restates its own."""
    # A verb right after the question's words restates its verb ("went to the meeting and saw
    # dozens of families" answers "what did she see"): the object follows it.
    k = 0
    while k < len(after) and norm(after[k]) in _LEAD_DROP:
        k += 1
    joined = k == 0 or norm(after[k - 1]) in ("and", "then", "to")
    if joined and k < len(after) - 1 and norm(after[k]) in CHAT_VERBS:
        after = after[k + 1:]
    elif k + 2 < len(after) and norm(after[k + 1]) == "by":
        # "was hit by a nasty flood": what did it is what is asked for.
        after = after[k + 2:]
    return _trim(after)


def _with_list_tail(span: list[str], after: list[str], following: list[str], q_terms: set[str]) -> list[str]:
    """A short list goes on past its commas ("dinosaurs, nature and the beach"): ``span`` with
    the short clauses that follow it, when it was not cut."""
    if len(span) != len(after):
        return span
    extra: list[str] = []
    for c in following:
        cw = c.split()
        if len(cw) > 4 or term(norm(cw[0])) in q_terms:
            break
        extra += cw
        if norm(cw[0]) in ("and", "or"):
            break
    if extra and len(span) <= 4:
        return _trim(span + extra)
    return span


_PLACED_BY = frozenset("in at on from near during with for".split())


def _placed(leading: list[str]) -> list[str]:
    """The thing the question's words place or time, when they end the clause after a
    preposition: "I got to go to a car workshop in San Francisco" asked "What was Dave doing in
    San Francisco?" -> "a car workshop" (the phrase before "in", from its article)."""
    if len(leading) < 3 or norm(leading[-1]) not in _PLACED_BY:
        return []
    k = len(leading) - 1
    while k > 0 and norm(leading[k - 1]) not in _LEAD_DROP:
        k -= 1
    if k == 0 or k == len(leading) - 1 or norm(leading[k - 1]) not in DETERMINERS:
        return []
    return leading[k - 1:-1]


_RELATIVE = frozenset("that who which whose where".split())


def _between(words: list[str], marks: list[int]) -> list[str]:
    """The longest run of the sentence's own words between two of the question's, up to a
    relative clause or a new thought: "we worked with a local organization that helps victims
    of domestic abuse", asked "Who did John work with to help victims of domestic abuse?" ->
    "a local organization"."""
    best: list[str] = []
    for a, b in pairwise(marks):
        run = words[a + 1:b]
        for k, w in enumerate(run):
            if k and (norm(w) in _RELATIVE or norm(w) in _CUT_BEFORE):
                run = run[:k]
                break
        run = _trim(run)
        if _has_content(run) and len(run) > len(best):
            best = run
    return _cut(best)


def _subject_span(leading: list[str], following: list[str]) -> list[str]:
    """The subject before the question's words: "I find painting to be a great stress
    reliever" -> "painting" (a leading chat verb and a trailing "to be ..." dropped); else the
    next clause (``following``, at most one) when it says something."""
    before = subject_before(leading)
    k = 0
    while k < len(before) and (norm(before[k]) in _LEAD_DROP or norm(before[k]) in CHAT_VERBS):
        k += 1
    before = before[k:]
    for j in range(1, len(before)):
        if norm(before[j]) in _COPULA or norm(before[j]) in _SUBJECT_END:
            before = before[:j]
            break
    before = _trim(before)
    if _has_content(before):
        return _cut(before)
    for c in following:
        nxt = _trim(c.split())
        if _has_content(nxt):
            return _cut(nxt)
    return []


def _place(question: str, sentence: str, avoid: set[str]) -> str:
    q_words = {norm(w) for w in question.split()} | avoid
    for m in PLACE_PP.finditer(sentence):
        name = m.group(1)
        if norm(name.split()[-1]) not in q_words and name.split()[0].lower() not in ("i",):
            return name
    for m in PROPER.finditer(sentence):
        name = m.group(0)
        # A name opening a sentence counts where the line is only the name and where it is
        # ("Casa do Largo, Alfama."), not the subject of what follows ("Sarah told me…").
        listed = len(name.split()) > 1 and re.match(r"\s*(?:[,(—–]|\.?$)", sentence[m.end():])
        if (m.start() == 0 and not listed) or name in ("I", "I'm", "I've") or norm(name) in q_words:
            continue
        if any(norm(w) in q_words for w in name.split()):
            continue
        return name
    return ""


def _verb_like(word: str, rest: str = "") -> bool:
    """Whether a capitalized word opening a sentence is a verb ("Went", "Booked", "Hire the
    minibus"), as notes write without their "I", rather than a name."""
    w = norm(word)
    return w in IRREGULAR or w in CHAT_VERBS or (len(w) > 4 and w.endswith(("ed", "ing"))) or bool(
        re.match(r"\s+(?:the|a|an|my|our|some)\b", rest, re.IGNORECASE))


def called(sentence: str, start: int) -> bool:
    """Whether the name at ``start`` is the person spoken to: right after a greeting or
    interjection ("Hey Jolene", "Thanks, Mia") and followed by a comma or "!"."""
    before = sentence[:start].rstrip(" ,").split()
    after = sentence[start:].split(maxsplit=1)
    ends = bool(after) and after[0][-1:] in ",!"
    return ends and (not before or norm(before[-1]) in INTERJECTIONS)


def _person(question: str, sentence: str, avoid: set[str]) -> str:
    q_terms = set(content_terms(question))
    clauses = _clauses(sentence)
    # "Who is Desmond's deputy?" of "Main contact is Desmond; his deputy is Lucy": the clause
    # saying "deputy", not the one naming Desmond.
    names = set(content_terms(" ".join(re.findall(r"(?<=\s)[A-Z][\w'’]+", question))))
    best = _best_clause(clauses, q_terms - names or q_terms)
    if len(clauses) > 1 and best >= 0:
        # "Dev owns the certification; Kim will draft the email": who drafts is in that clause.
        named = _named(question, clauses[best], avoid, q_terms)
        if named and not _at_place(clauses[best], sentence.find(named) - sentence.find(clauses[best])):
            return named
        return _named(question, sentence, avoid, q_terms) or named
    return _named(question, sentence, avoid, q_terms)


def _at_place(sentence: str, start: int) -> bool:
    """Whether the name at ``start`` follows "from", "in", "at": a place ("from Oxenholme station")."""
    return start > 0 and bool(re.search(r"\b(?:from|in|at|near|around)\s+(?:the\s+)?$", sentence[:start],
                                        re.IGNORECASE))


def _name_at(p: re.Match[str], sentence: str, q_words: set[str], q_terms: set[str]) -> str:
    """The name a capitalised run ``p`` gives, or "" where it is none (a month, a count, the
    verb a note's line opens with, the word asked about, the person spoken to)."""
    names = [w for w in p.group(0).split() if norm(w) not in STOPWORDS and norm(w) not in EDGE
             and norm(w) not in INTERJECTIONS]
    if not names or norm(names[0]) in q_words or norm(names[0]) in MONTHS or norm(names[0]) in NUMBER_WORDS \
            or norm(names[0]) in WEEKDAYS or norm(names[0]) in SHORT_DATES:
        return ""  # "One of the residents, Laura, wrote…": a count opening the sentence is no name
    opening = not sentence[:p.start()].strip(" -*•+")
    if opening and len(names) > 1 and _verb_like(names[0]):
        names = names[1:]  # "Borrowed Tom's pressure washer": the verb opening the line is no name
    elif term(norm(names[0])) in q_terms or (opening and _verb_like(names[0], sentence[p.end():])):
        return ""  # "Landlord: …" names what is asked; "Went climbing with Jess" opens with a verb
    if called(sentence, p.start() + p.group(0).find(names[0])):
        return ""  # the person spoken to ("Hey Jolene, ..."), not the one the answer names
    return re.sub(r"['’]s$", "", " ".join(names))  # "Tom's washer": Tom


def _named(question: str, sentence: str, avoid: set[str], q_terms: set[str]) -> str:
    q_words = {norm(w) for w in question.split()} | avoid
    found = [(p.start(), name) for p in PROPER.finditer(sentence) if (name := _name_at(p, sentence, q_words, q_terms))]
    if found:
        # "Who did I go climbing with?": the name after "with", where the sentence has one.
        last = norm(question.rstrip(" ?").split()[-1]) if question.strip() else ""
        if last in _PLACING | {"with", "for", "from", "to", "by", "about"}:
            for start, name in found:
                if re.search(rf"\b{last}\s+(?:(?:my|our|the|a|an)\s+)?$", sentence[:start], re.IGNORECASE):
                    return name
        people = [(start, name) for start, name in found if not _at_place(sentence, start)]
        if people and len(people) < len(found):
            found = people  # "Book the minibus from Oxenholme station (Raj)": a place, then the person
        titled = [name for _, name in found if _TITLED.match(name)]
        if titled:
            return titled[0]  # "Lynwood Vets, Dr Amrit Sandhu": the one with a title is a person
        if found[0][0] == 0 and " " not in found[0][1]:
            # "Panel was Hannah Reid": a word capitalised only for opening the sentence loses to a
            # full name; "Neighbours (Lena and Marco)" to the names of those it is plural for.
            plural = found[0][1].endswith("s") and len(found) > 1
            return next((name for _, name in found[1:] if " " in name or plural), found[0][1])
        return found[0][1]
    m = _RELATION.search(sentence)
    return m.group(0) if m else ""


_TITLED = re.compile(r"(?:Dr|Mr|Mrs|Ms|Miss|Prof|Sir|Dame)\.?\s+[A-Z]")


def _reason(question: str, sentence: str, avoid: set[str]) -> str:
    m = _REASON.search(sentence)
    if m:
        # A reason keeps its subject ("because it makes the house look happy").
        words = _clauses(m.group(1))[0].split() if _clauses(m.group(1)) else []
        while words and norm(words[-1]) in EDGE:
            words.pop()
        if _has_content(words):
            return " ".join(_cut(words, 12))
    return _complement(question, sentence, avoid)





def short_answer(question: str, sentence: str, when: str = "", avoid: set[str] | None = None) -> str:
    """The shortest part of ``sentence`` that answers ``question``, or "" when none is clear.

    ``when`` is the resolved day of the sentence's event (for "when" questions); ``avoid``
    holds stems never to answer with, such as the speaker's own name."""
    avoid = {term(a) for a in (avoid or set())}
    kind = question_kind(question)
    if offers_choice(question):
        # "Does Leo live near the beach or the mountains?": the option the sentence names, not
        # "Yes"; nothing short when it names neither or both (the sentence is shown).
        picked = chosen(question, sentence)
        if picked or kind == "yesno":
            return picked
    if kind == "yesno":
        return yes_no(question, sentence)
    line = sentence
    found, sentence = _as_field(question, sentence, when, avoid, kind)
    if found is not None:
        return found
    if kind == "date":
        return date_span(question, sentence, when)
    span = _of_kind(kind, question, sentence, avoid)
    if not span and kind != "number":
        # "How many tournaments…?" is answered by a number or not at all: the words after the
        # verb ("it's INTENSE") are no count, so the sentence is shown instead.
        span = _complement(question, sentence, avoid)
    if not span and kind == "thing" and sentence != line and len(sentence.split()) <= 8:
        span = sentence  # "What: Brownies 6pm" answers "What does Isla do on Monday?" by its value
    return "" if says_nothing(span) else span


def _of_kind(kind: str, question: str, sentence: str, avoid: set[str]) -> str:
    """The span of the kind asked for (a count, a place, a person, a reason, a named thing)."""
    if kind == "number":
        return number_span(question, sentence)
    if kind == "place":
        return _place(question, sentence, avoid)
    if kind == "person":
        return _person(question, sentence, avoid)
    if kind == "reason":
        return _reason(question, sentence, avoid)
    if kind == "thing":
        return called_name(question, sentence) or which_kind(question, sentence) \
            or named_instance(question, sentence, avoid)
    return ""


_TYPED = frozenset(("person", "number", "date", "place"))


def _as_field(question: str, sentence: str, when: str, avoid: set[str], kind: str) -> tuple[str | None, str]:
    """The answer a note's line gives by its form, or None, and the sentence left to read.

    A phone number, e-mail or website asked for is the one the line holds, or nothing. In
    "Landlord: Priya Shah, 07700 900123" the value answers a question naming the label: the
    name, number or date in it where one is asked for, else the value whole (an address is not
    cut at its comma). A label the question does not name ("Address: …") is never the answer:
    only the value is read."""
    shaped = shaped_answer(question, sentence)
    if shaped is not None:
        return shaped, sentence
    measured = measure_span(question, sentence)
    if measured:
        return measured, sentence
    value = field_value(question, sentence)
    pair = labelled(sentence)
    if not value and pair and label_fits(kind, sentence) and len(pair[1].split()) <= 8:
        # "Venue: Hengrave Hall, Suffolk" answers "Where?" whole; "Departs: LIS 18:10" answers
        # "What time…?" with its time.
        return (asks_time_of_day(question) and time_of_day(pair[1])) or pair[1], sentence
    if not value and (code := named_value(question, sentence)):
        return code, sentence  # "Booking code QZ7KLM" answers "What is the booking code?"
    if value:
        lead = PROPER.match(value)
        if kind == "person" and lead and re.match(r"\s*(?:[,;(]|$)", value[lead.end():]) and not _TITLED.search(value):
            return lead.group(0), sentence  # "Insurance: Admiral, renews 2 February": "Admiral"
        typed = short_answer(question, value, when, avoid) if kind in _TYPED or len(value.split()) > 12 else ""
        return typed or value, sentence
    return None, pair[1] if pair else sentence

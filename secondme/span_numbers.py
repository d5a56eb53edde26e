"""Numbers in a sentence that answer "how many", "how much", "how long" and "how often": a
count with its unit, a length of time, a frequency."""

from __future__ import annotations

import re

from secondme.question_terms import content_terms, term
from secondme.span_words import DATE_PHRASE, EDGE, NUMBER, NUMBER_WORDS, norm

_FREQUENCY = re.compile(r"\b(?:every\s+(?:(?:other|few|couple\s+of|\d+|" + "|".join(NUMBER_WORDS) + r")\s+)?\w+|(?:once|twice|\w+\s+times)\s+a\s+\w+|daily|weekly|monthly|"
                        r"yearly|each\s+\w+)\b", re.IGNORECASE)
_DURATION = re.compile(
    r"(?:(?:about|around|over|almost|nearly|just under|just over|more than|less than)\s+)?"
    r"(?:\d[\d,.]*|a few|a couple of|several|many|(?:a\s+)?(?:" + "|".join(NUMBER_WORDS) + r")|an?)\s+"
    r"(?:and a half\s+)?(?:years?|months?|weeks?|weekends?|days?|nights?|hours?|minutes?|decades?)\b", re.IGNORECASE)


_MONEY = re.compile(r"(?:\w+\s+)?[$£€¥]|\d[\d,.]*\s?(?:dollars|pounds|euros|usd|gbp|eur|bucks|quid)\b", re.IGNORECASE)


def duration(sentence: str) -> str:
    """The first length of time a sentence names ("about four months", "3 years"), or ""."""
    for m in _DURATION.finditer(sentence):
        after = sentence[m.end():m.end() + 5].lower()
        if not after.startswith(" ago"):  # "two years ago" is a time, not a length
            return m.group(0)
    return ""


def number_span(question: str, sentence: str) -> str:
    """What answers "how many / how much / how long / how often" in ``sentence``: a frequency,
    a length of time or the first number the question does not already say, or ""."""
    q = question.lower()
    if "how often" in q:
        m = _FREQUENCY.search(sentence)
        if m:
            return m.group(0)
    if "how long" in q:
        found = _length_of_time(sentence) or _time_taken(q, sentence)
        if found:
            return found
    return _first_number(question, sentence)


_HMS = re.compile(r"\b\d{1,2}:\d{2}:\d{2}\b")
_MS = re.compile(r"\b\d{1,3}:\d{2}\b(?!\s?[ap]\.?m\b)(?!:)", re.IGNORECASE)


def _time_taken(q: str, sentence: str) -> str:
    """A time on a stopwatch: "2:41:30" always, "27:40" where the question asks how long
    something took (else it is as likely a time of day)."""
    m = _HMS.search(sentence) or (_MS.search(sentence) if re.search(r"\b(?:take|takes|took|taken)\b", q) else None)
    return m.group(0) if m else ""


def _length_of_time(sentence: str) -> str:
    """What answers "how long": a number or date after "for"/"since", else a duration."""
    m = re.search(r"\b(?:for|since)\s+((?:about|around|over|almost|nearly|just under|just over|"
                  r"more than|less than)?\s*[\w,.$]+(?:\s+\w+){0,2})", sentence, re.IGNORECASE)
    # "since May" is how long; "for 22 July" is the day something is booked for, not a length.
    if m and ((NUMBER.match(m.group(1).strip()) and not DATE_PHRASE.match(m.group(1).strip()))
              or (m.group(0).lower().startswith("since") and DATE_PHRASE.search(m.group(1)))):
        kept = m.group(1).split()
        while len(kept) > 1 and norm(kept[-1]) in EDGE:
            kept.pop()
        return " ".join(kept).rstrip(".,;:!?")
    return duration(sentence)


def _first_number(question: str, sentence: str) -> str:
    """The first number in ``sentence`` the question does not already say, with its unit."""
    q_terms = set(content_terms(question))
    q_words = {norm(w) for w in question.split()}
    noun = counted_noun(question)
    found: list[list[str]] = []
    named_before: list[list[str]] = []
    for m in NUMBER.finditer(sentence):
        text = m.group(0).strip(" ,.")
        words = text.split()
        if _is_answer_number(text, words, q_words):
            found.append(words)
            before = sentence[:m.start()].split()[-1:]
            if before and term(norm(before[0])) in noun:
                named_before.append(words)  # "butter 100g" says how much butter
    # "How many lentils…?" of "two onions and … 250g red lentils": the count of what is asked;
    # "How much butter goes in the banana bread?" of "3 ripe bananas, butter 100g": the amount
    # of the thing asked, not of another the question names.
    counted = [ws for ws in found if noun and any(term(norm(w)) in noun for w in ws[1:])] or named_before or [
        ws for ws in found if noun and any(term(norm(w)) in q_terms for w in ws[1:])]
    if "how much" in question.lower():
        # "How much is the rent?" of "Plot 14B, rent £42 a year": the amount of money first.
        found = [ws for ws in found if _MONEY.match(" ".join(ws[:2]))] + found
    for words in counted[:1] or found[:1]:
        if re.match(r"[$£€¥]", words[0]) and "how much" in question.lower():
            words = _amount(words)  # "£412 for both" is "£412"; "£42 a year" stays whole
        # Keep the unit noun, drop a trailing function word ("10 per" -> "10") and, unless it
        # is what is counted, a restated question word.
        while len(words) > 1 and (norm(words[-1]) in EDGE or norm(words[-1]) in ("a", "an", "the", "per") or (
                not counted and term(norm(words[-1])) in q_terms and len(words) > 2)):
            words.pop()
        return " ".join(words)
    return ""


_COUNTED = re.compile(r"^\s*how\s+(?:many|much)\s+((?:[\w'’-]+\s+){0,3})", re.IGNORECASE)
_NOT_COUNTED = frozenset("""is was were are do does did has have had will would can could should money time
go goes went come comes get gets in on of for to at the a an my your his her their our""".split())


def counted_noun(question: str) -> set[str]:
    """The terms of what "how many / how much" asks the amount of: "How much butter goes in…?"
    gives {"butter"}; "How much is…?" nothing."""
    m = _COUNTED.match(question.rstrip(" ?.!") + " ")
    out: set[str] = set()
    for w in (m.group(1).split() if m else []):
        if norm(w) in _NOT_COUNTED:
            break
        out.add(term(norm(w)))
    return out


def _amount(words: list[str]) -> list[str]:
    """An amount of money with its scale and what it is per ("£2 million", "£42 a year")."""
    keep = 2 if len(words) > 1 and norm(words[1]) in ("million", "billion", "thousand", "grand") else 1
    if len(words) > keep + 1 and norm(words[keep]) in ("a", "an", "per", "each"):
        keep += 2
    return words[:keep]


def _is_answer_number(text: str, words: list[str], q_words: set[str]) -> bool:
    if words and norm(words[0]) in q_words:
        return False  # a number the question already says ("his two turtles") is not the answer
    # "a" alone, or "an" without a unit after it, is no number.
    if not words or (norm(words[0]) in ("a", "an") and len(words) < 2):
        return False
    return any(ch.isdigit() for ch in text) or any(norm(w) in NUMBER_WORDS or norm(w) in ("a", "an")
                                                   for w in words[:2])

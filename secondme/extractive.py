"""Extractive answers: the sentences of the cited sources that answer a question.

A very small chat model (SmolLM2-135M, the default) retrieves well but writes badly: it copies
the wrong number, or loops. Quoting the source's own sentence is always honest, so below a size
threshold we answer by choosing sentences, and a larger model's answer that its sources do not
support falls back to the same quote.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from secondme.memory.timeparse import event_day

_WORD = re.compile(r"\w+", re.UNICODE)
# Sentence ends: . ! ? (and their CJK forms) followed by space, or a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|\n+")
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

# Question words that ask for a kind of value, and the test a sentence holding one passes.
_NUMBER_CUES = ("how much", "how many", "how long", "how old", "how far", "how often", "what number",
                "cost", "price", "rent", "pay", "salary", "age", "amount")
_DATE_CUES = ("when", "what date", "what year", "what time", "which day", "which year", "what day",
              "birthday", "anniversary")


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def stem(word: str) -> str:
    """A light suffix strip so "rents", "renting" and "rented" meet "rent"."""
    for suffix in ("ingly", "ing", "edly", "ies", "ed", "es", "ly", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def content_terms(text: str) -> list[str]:
    """The stemmed words of ``text`` that carry meaning (no stop words, no one-letter words)."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


@dataclass(frozen=True)
class Quote:
    """One sentence chosen from a source, with the question terms it contains."""

    source: int      # 0-based index into the texts given
    sentence: str
    score: float
    matched: tuple[str, ...]
    when: str = ""   # for a "when" question: the date the sentence's event happened


def asks_when(question: str) -> bool:
    return _expects(question) == "date"


def _expects(question: str) -> str:
    q = question.lower()
    if any(c in q for c in _NUMBER_CUES):
        return "number"
    if any(c in q for c in _DATE_CUES):
        return "date"
    if q.startswith("where") or " where " in q:
        return "place"
    if q.startswith("who") or " who " in q or "whose" in q:
        return "person"
    return ""


def _has(kind: str, sentence: str) -> bool:
    if kind == "number":
        return bool(_DIGIT.search(sentence))
    if kind == "date":
        ws = set(words(sentence))
        return bool(_DIGIT.search(sentence)) or bool(ws & _DATE_WORDS)
    if kind in ("place", "person"):
        return bool(_CAPITALIZED.search(sentence))
    return False


_LABEL_DATE = re.compile(r"\((\d{1,2} [A-Z][a-z]{2} \d{4})\)\s*$")
_MONTH_ALT = "|".join(m for m in _MONTHS if len(m) > 3 or m == "may") + "|" + "|".join(
    m for m in _MONTHS if len(m) == 3 and m != "may")
_EXPLICIT_DATE = re.compile(
    rf"\b\d{{1,2}}(st|nd|rd|th)?\s+({_MONTH_ALT})\b|\b({_MONTH_ALT})\.?\s+\d{{1,2}}(st|nd|rd|th)?\b|\b(19|20)\d\d\b")
_AGO = re.compile(r"\b(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a few|a couple of)\s+"
                  r"(day|week|month|year)s?\s+ago\b", re.IGNORECASE)
_NUM_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
              "seven": 7, "eight": 8, "nine": 9, "ten": 10, "a few": 3, "a couple of": 2}


def label_date(text: str) -> datetime | None:
    """The date in a source's label ("Title (08 May 2023): body"), when it has one."""
    head, sep, _body = text.partition(": ")
    if not sep:
        return None
    m = _LABEL_DATE.search(head)
    if not m:
        return None
    try:
        return datetime.strptime(m.group(1), "%d %b %Y")
    except ValueError:
        return None


def _fmt(d: datetime) -> str:
    return f"{d.day} {d.strftime('%B %Y')}"


def resolve_when(sentence: str, said: datetime) -> str:
    """When the event of ``sentence`` happened, from its time words and the date it was said.

    "yesterday" said on 8 May 2023 is 7 May 2023; "last Saturday" the Saturday before; "last
    week" the week before; "two years ago" 2021. Without time words: the date it was said.
    """
    low = sentence.lower()
    if _EXPLICIT_DATE.search(low):
        return ""  # the sentence names its own date: it answers by itself
    day = event_day(sentence, said)
    if day is not None:
        return _fmt(day)
    if re.search(r"\blast week(end)?\b", low):
        return f"the week before {_fmt(said)}"
    if re.search(r"\blast month\b", low):
        first = said.replace(day=1) - timedelta(days=1)
        return first.strftime("%B %Y")
    if re.search(r"\blast year\b", low):
        return str(said.year - 1)
    m2 = _AGO.search(sentence)
    if m2:
        n_text = m2.group(1).lower()
        n = int(n_text) if n_text.isdigit() else _NUM_WORDS.get(n_text, 1)
        unit = m2.group(2).lower()
        if unit == "year":
            return str(said.year - n)
        d = said - timedelta(days={"day": 1, "week": 7, "month": 30}[unit] * n)
        return d.strftime("%B %Y")  # a number of days ago is an exact day: event_day above
    return _fmt(said)


def strip_label(text: str) -> str:
    """The body of a source as given to the model ("Title (date): body") without its label."""
    head, sep, body = text.partition(": ")
    return body if sep and len(head) < 200 and "\n" not in head else text


def choose(question: str, texts: Sequence[str], *, max_sentences: int = 2,
           min_coverage: float = 0.3) -> list[Quote]:
    """The best sentences answering ``question`` from ``texts`` (ranked sources), or none.

    A sentence scores by the question's terms it holds, each weighted by how rare it is among
    the candidate sentences, plus a bonus when it holds the kind of value asked for (a number
    for "how much", a date for "when"). A sentence that is itself a question scores low: the
    person's own earlier questions are remembered too, and are never answers.
    """
    q_terms = list(dict.fromkeys(content_terms(question)))
    if not q_terms:
        return []
    candidates: list[tuple[int, str, set[str]]] = []
    for i, text in enumerate(texts):
        for s in split_sentences(strip_label(text)):
            if len(s) < 3:
                continue
            candidates.append((i, s, set(content_terms(s))))
    if not candidates:
        return []
    n = len(candidates)
    df = {t: sum(1 for _, _, ts in candidates if t in ts) for t in q_terms}
    weight = {t: math.log(1 + n / (1 + df[t])) + 0.5 for t in q_terms}
    total = sum(weight.values())
    expects = _expects(question)
    q_words = set(content_terms(question))
    scored: list[Quote] = []
    for i, s, ts in candidates:
        matched = tuple(t for t in q_terms if t in ts)
        if not matched:
            continue
        coverage = sum(weight[t] for t in matched) / total
        score = coverage
        if expects and _has(expects, s):
            score += 0.35
        if s.rstrip().endswith("?"):
            score *= 0.2
        if ts and len(ts - q_words) <= 1:
            score *= 0.3  # restates the question and adds nothing
        score *= 1.0 - 0.03 * min(i, 10)  # the search ranked the sources: a light tie-break
        long_words = len(s.split())
        if long_words > 40:
            score *= (40 / long_words) ** 0.5
        if coverage >= min_coverage:
            scored.append(Quote(i, s, score, matched))
    scored.sort(key=lambda q: q.score, reverse=True)
    if not scored:
        return []
    best = scored[0].score
    # A second sentence only when it is nearly as good: it usually completes the first.
    picked = [scored[0]] + [q for q in scored[1:max_sentences] if q.score >= 0.8 * best]
    if expects == "date":
        dated = []
        for q in picked:
            said = label_date(texts[q.source])
            dated.append(Quote(q.source, q.sentence, q.score, q.matched,
                               resolve_when(q.sentence, said) if said else ""))
        picked = dated
    return picked


def supported(answer: str, sources: Sequence[str], question: str = "") -> bool:
    """Whether the cited ``sources`` hold the key terms of a written ``answer``.

    The answer's own terms (not the question's) must mostly appear in the sources: a number or
    name the model made up, or copied from a source it did not cite, fails.
    """
    q = set(content_terms(question))
    terms = [t for t in dict.fromkeys(content_terms(answer)) if t not in q]
    if not terms:
        return True  # the answer only restates the question's terms: nothing new to check
    have: set[str] = set()
    for s in sources:
        have.update(content_terms(s))
    numbers = [t for t in terms if _DIGIT.search(t)]
    if any(t not in have for t in numbers):
        return False  # a number is either in the source or invented
    hits = sum(1 for t in terms if t in have)
    return hits / len(terms) >= 0.6

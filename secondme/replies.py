"""A chat turn read with the question it replies to.

"Been doing it for 3 years" says what it is about only with the turn before it ("How long have
you been doing yoga?"). Extractive answers count the question's words as said in a reply's first
sentences, as a note's lines are read under their heading, when the reply itself says something
of what is asked. Also here: a compound in a question that a sentence names another kind of
("low-impact" for "high-impact"), which makes the sentence no answer."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from secondme.question_terms import content_terms, term

# How many of a reply's sentences answer what it was asked ("Oh yes! Been doing it for 3 years.").
REPLY_SENTENCES = 2

_FRAME = re.compile(r"\b(?:how|what|which)\s+(\w+)")
_COMPOUND = re.compile(r"\b([a-z]+)-([a-z]+)\b", re.IGNORECASE)
# Second parts that say how something relates, not what kind it is; and particles, whose
# compounds are each a thing of their own ("follow-up" is no kind of "check-up").
_RELATING = frozenset("related based like style oriented friendly focused themed wise inspired driven "
                      "centered centric type ish ready proof up down off out in on over back away".split())


def context_of(asked: str, people: set[str]) -> set[str]:
    """The terms a reply takes from the question it answers: not the names in it (being asked
    about someone is no evidence about them), nor the word saying what kind of answer it wants
    ("long" in "How long have you been doing yoga?")."""
    frame = {term(w) for w in _FRAME.findall(asked.lower())}
    return set(content_terms(asked)) - frame - {t for p in people for t in content_terms(p)}


def replies_to(question: str, q_terms: Sequence[str], people: set[str],
               holds_value: Callable[[str], bool]) -> Callable[[str, set[str]], bool]:
    """Whether a reply's sentence (with its terms) answers ``question`` with what it was asked:
    it must say a word of the question itself or hold the kind of value asked for
    (``holds_value``: "Been doing it for 3 years" for "Which year did she start yoga?"). A reply
    saying neither ("Yeah, creating gaming content") is not made an answer by the question
    before it alone: measured on LoCoMo, that answered wrong-premise questions."""
    own = set(q_terms) - {t for p in people for t in content_terms(p)}

    def replies(sentence: str, terms: set[str]) -> bool:
        return bool(terms & own) or holds_value(sentence)
    return replies


def contrasts(question: str, sentence: str) -> bool:
    """Whether ``sentence`` names another kind of what a compound of ``question`` names:
    "low-impact" for "high-impact", "part-time" for "full-time"."""
    return another_kind_only(question, [sentence])


def another_kind_only(question: str, texts: Sequence[str]) -> bool:
    """Whether the sources name only other kinds of a compound ``question`` names: asked about
    "high-impact exercises" of a memory that only ever speaks of "low-impact" ones, the premise
    is wrong, though "high" and "impact" are each held somewhere. The kind asked counts as
    named however it is written ("open world", "open-world"); a compound that only says how
    something relates ("programming-related", "career-wise") names no kind."""
    for first, head in _COMPOUND.findall(question):
        if head.lower() in _RELATING:
            continue
        kinds = {a.lower() for t in texts for a, h in _COMPOUND.findall(t) if h.lower() == head.lower()}
        if not kinds or first.lower() in kinds:
            continue
        said = re.compile(rf"\b{re.escape(first)}[\s-]?{re.escape(head)}\b", re.IGNORECASE)
        if not any(said.search(t) for t in texts):
            return True
    return False

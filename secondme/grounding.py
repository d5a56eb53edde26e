"""Whether a written answer is borne out by its sources: the words it adds are in them, and
they are about the person the question names."""

from __future__ import annotations

from collections.abc import Sequence

from secondme.extractive import label_title, named_in, question_names, strip_label
from secondme.question_terms import content_terms

# A number said in words is the same number in digits ("two dogs" backs "2 dogs").
_NUMBERS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty".split())}


def _terms(text: str) -> list[str]:
    return [_NUMBERS.get(t, t) for t in content_terms(text)]


def supported(answer: str, sources: Sequence[str], question: str = "") -> bool:
    """Whether the cited ``sources`` hold the key terms of a written ``answer``.

    The answer's own terms (not the question's) must mostly appear in the sources: a number or
    name the model made up, or copied from a source it did not cite, fails.
    """
    q = set(_terms(question))
    terms = [t for t in dict.fromkeys(_terms(answer)) if t not in q]
    if not terms:
        return True  # the answer only restates the question's terms: nothing new to check
    have: set[str] = set()
    for s in sources:
        have.update(_terms(s))
    numbers = [t for t in terms if any(ch.isdigit() for ch in t)]
    if any(t not in have for t in numbers):
        return False  # a number is either in the source or invented
    hits = sum(1 for t in terms if t in have)
    return hits / len(terms) >= 0.6


def about_the_named(text: str, question: str, backing: Sequence[str], texts: Sequence[str]) -> bool:
    """Whether a written answer's own words come from a source about a person the question
    names: one they wrote (a chat message's speaker) or one that names them. True when the
    question names no one among the sources' authors, or the answer adds no words of its own."""
    people, _others = question_names(question, [label_title(t) for t in texts])
    if not people:
        return True
    asked = set(_terms(question))
    own = {t for t in _terms(text) if t not in asked}
    if not own:
        return True
    overlap = [len(own & set(_terms(strip_label(s)))) for s in backing]
    most = max(overlap, default=0)
    if most == 0:
        return True  # nothing to attribute: the support check decides
    # Any source holding as much of the answer as the best one, or half its words, may be the
    # one it was drawn from (a small model's citations are not always the right ones).
    return any(n and (n == most or 2 * n >= len(own))
               and (label_title(s).lower() in people or any(named_in(p, strip_label(s)) for p in people))
               for s, n in zip(backing, overlap, strict=True))

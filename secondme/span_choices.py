"""Answers to yes/no and either-or questions, from the sentence that answers them."""

from __future__ import annotations

import re

from secondme.question_terms import content_terms
from secondme.span_words import DETERMINERS, norm

_NEGATION = re.compile(r"\b(?:not|never|no|nothing|nobody|none|neither|nor|cannot|without)\b|n[’']t\b",
                       re.IGNORECASE)
_HYPOTHETICAL = re.compile(r"^(?:would|could|might)\b|\b(?:likely|probably|might)\b", re.IGNORECASE)


def yes_no(question: str, sentence: str) -> str:
    """"Yes" or "No" for a yes/no question from the polarity of the sentence that answers it:
    "No" when the sentence is negated ("I've never been to Rome"), else "Yes". A question about
    what would or might be ("Would Kim enjoy a book on whales?") is answered by inference from
    what was said, so the answer says so: "Likely yes"."""
    polarity = "No" if _NEGATION.search(sentence) else "Yes"
    if _HYPOTHETICAL.search(question.strip()):
        return f"Likely {polarity.lower()}"
    return polarity


_OPTIONS = re.compile(r"^(.*?)\s+or\s+(?:(?:the|a|an)\s+)?(.+?)\s*[?.!]?\s*$", re.IGNORECASE)


def chosen(question: str, sentence: str) -> str:
    """Which of the two options a question offers ("… a national park or a theme park?")
    ``sentence`` names: that option's words, or "" when it names neither or both."""
    m = _OPTIONS.match(question.strip())
    if not m:
        return ""
    right = m.group(2).split()
    before = m.group(1).split()
    start = max(1, len(before) - len(right))
    while start > 1 and before[start - 1][:1].isupper():
        start -= 1  # a name goes whole ("C. S. Lewis or John Greene")
    left = before[start:]
    while left and norm(left[0]) in DETERMINERS:
        left = left[1:]
    lt, rt = set(content_terms(" ".join(left))), set(content_terms(" ".join(right)))
    said = set(content_terms(sentence))
    in_left, in_right = bool((lt - rt) & said), bool((rt - lt) & said)
    if in_left == in_right:
        return ""
    return " ".join(left if in_left else right).strip(" ,;:-")

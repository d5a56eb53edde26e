"""Which parts of a text state facts: questions, conditions, wishes and negations do not.

"If I moved to Paris…", "Where do I live?" and "I don't work at Globex any more" all contain
the words of a fact pattern; the pattern extractors read only what this module keeps.
"""

from __future__ import annotations

import re

_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(“‘])|\n+")
# Intentions ("plan", "want to") are not listed: the fact patterns need a present or past verb
# ("I moved to"), and "Plan a weekend with my partner Lou" still names the partner.
# A sentence stops stating facts where one of these starts (the words before it still count:
# "I moved to Lyon, which is great if you like food" keeps "I moved to Lyon, which is great").
_GUARD = re.compile(
    r"\b(?:if|would|could|might|wish|maybe|perhaps|imagine|suppose|supposing|unless|whether|someday|"
    r"should|wouldn't|couldn't|don't|do not|doesn't|didn't|never|no longer|not|isn't|aren't|wasn't|"
    r"won't|can't|cannot|used to|pretend|pretending|said|says|asked|told|thinks|think)\b|[’']d\b",
    re.IGNORECASE)


def sentences(text: str) -> list[str]:
    """``text`` split into trimmed sentences (at end punctuation before a capital, and at line breaks)."""
    return [s.strip() for s in _SENT.split(text) if s and s.strip()]


def statement(sentence: str) -> str:
    """The asserting part of one sentence: "" for a question, else cut where a condition,
    wish, negation or reported speech starts."""
    s = sentence.strip()
    if s.endswith("?"):
        return ""
    m = _GUARD.search(s)
    return s[:m.start()] if m else s


def assertive(text: str) -> str:
    """``text`` with only its asserting parts, one sentence a line."""
    return "\n".join(st for s in sentences(text) if (st := statement(s)))

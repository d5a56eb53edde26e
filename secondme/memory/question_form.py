"""The form of a question, as recall and the answer step read it: whether it asks for several
things, and what a mistyped word of it was meant to be. (Whether it asks for a date is
:func:`secondme.memory.timeparse.asks_for_date`.)"""

from __future__ import annotations

import re

_LIST_QUESTION = re.compile(
    r"^(?:what|which)\s+(?:[\w+/-]+\s+){0,2}?[\w/-]+s\s+(?:has|have|does|do|did|are|were|is)\b", re.IGNORECASE)


def asks_list(question: str) -> bool:
    """Whether a question asks for several things ("What items has Mel bought?")."""
    return bool(_LIST_QUESTION.match(question.strip()))


def slips_of(word: str) -> list[str]:
    """The words ``word`` would be with two neighbouring letters inside it swapped back, the
    commonest slip in typing ("wtih" -> "with", "preform" -> "perform"). The first and last
    letters stay: swapped there, a short word becomes another word too often ("hide" ->
    "hied"), and a word under four letters has no inside to swap. Inside, a real word can
    still be one swap from another ("trail", "trial")."""
    w = word.lower()
    if len(w) < 4 or not w.isalpha():
        return []
    return [w[:k] + w[k + 1] + w[k] + w[k + 2:] for k in range(1, len(w) - 2) if w[k] != w[k + 1]]

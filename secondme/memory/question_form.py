"""The form of a question, as recall and the answer step read it: whether it asks for several
things. (Whether it asks for a date is :func:`secondme.memory.timeparse.asks_for_date`.)"""

from __future__ import annotations

import re

_LIST_QUESTION = re.compile(
    r"^(?:what|which)\s+(?:[\w+/-]+\s+){0,2}?[\w/-]+s\s+(?:has|have|does|do|did|are|were|is)\b", re.IGNORECASE)


def asks_list(question: str) -> bool:
    """Whether a question asks for several things ("What items has Mel bought?")."""
    return bool(_LIST_QUESTION.match(question.strip()))

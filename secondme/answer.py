"""Grounded answers: recall, then let the local model answer from numbered sources only."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from secondme.results import HL_END, HL_START, Answer, SearchHit

log = logging.getLogger("secondme.answer")

ABSTAIN = "I don't find that in your memory."

SYSTEM = (
    "You are Second Me, the user's private memory assistant. Answer the question using only "
    "the numbered sources below, briefly, and cite them like [1]. If the sources do not "
    f"contain the answer, reply exactly: {ABSTAIN}"
)

_CITE = re.compile(r"\[(\d{1,2})\]")


def _plain(s: str) -> str:
    return s.replace(HL_START, "").replace(HL_END, "")


def cited(text: str, n: int) -> list[int]:
    """The source numbers an answer cites, in order of first citation."""
    seen: list[int] = []
    for m in _CITE.finditer(text):
        i = int(m.group(1))
        if 1 <= i <= n and i not in seen:
            seen.append(i)
    return seen


def answer(
    question: str,
    hits: Sequence[SearchHit],
    model: Any,
    texts: Sequence[str],
    *,
    on_token: Callable[[str], None] | None = None,
    cancel: threading.Event | None = None,
    max_tokens: int = 320,
) -> Answer:
    """Ask ``model`` (a ChatModel) to answer from ``texts`` (one per hit); abstain on no hits."""
    if not hits:
        if on_token is not None:
            on_token(ABSTAIN)
        return Answer(ABSTAIN, (), abstained=True)
    numbered = [f"[{i}] {t}" for i, t in enumerate(texts, 1)]
    fitted = model.fit_context(SYSTEM, numbered, question, reserve_tokens=max_tokens)
    comp = model.generate(fitted.messages(), max_tokens=max_tokens, on_token=on_token, cancel=cancel)
    text = comp.text.strip()
    kept = len(fitted.context)
    nums = cited(text, kept)
    abstained = ABSTAIN.lower().rstrip(".") in text.lower()
    if abstained:
        citations: tuple[SearchHit, ...] = ()
    elif nums:
        citations = tuple(hits[i - 1] for i in nums)
    else:
        # A small model often forgets the markers: show what it was given, in rank order.
        citations = tuple(hits[:kept])
    return Answer(text, citations, abstained=abstained, cancelled=comp.cancelled)


def hit_text(hit: SearchHit, full_text: str | None) -> str:
    """The text given to the model for a hit: its full chunk/memory text when known."""
    where = hit.title
    if hit.heading and hit.heading != hit.title:
        where += f" > {hit.heading}"
    when = datetime.fromtimestamp(hit.date, UTC).strftime(" (%d %b %Y)") if hit.date else ""
    return f"{where}{when}: {full_text if full_text is not None else _plain(hit.snippet)}"

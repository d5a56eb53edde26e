"""What an answer would likely say, guessed by the chat model, to widen recall.

A list question ("What activities does Melanie do?") rarely shares words with the messages
that answer it ("I'm off swimming with the kids", "I signed up for a pottery class"), and the
small embedding model only partly bridges that gap. A real model's guess at the answer's words
("swimming, hiking, painting, pottery") does share them, or sits near them in the embedding:
recall also searches for the question plus the guesses and lifts what scores better there
(see :class:`secondme.memory.recall.Recaller`). A wrong guess lowers nothing, so the question's
own matches keep their places. The guesses are never shown and never logged above DEBUG.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any

from secondme.extractive import asks_when

log = logging.getLogger("secondme.guesses")

SYSTEM = (
    "You help search a person's chat history. Given a question, list 8 to 12 short words or "
    "phrases that a message answering it would likely contain: concrete things, activities, "
    "places, names. Not the question's own words. One line, comma-separated, nothing else."
)
# One worked example: without it the 0.5B answers the question ("Basketball.") instead.
EXAMPLE = (
    {"role": "user", "content": "What pets does Sam have?"},
    {"role": "assistant", "content": "dog, cat, puppy, kitten, hamster, rabbit, goldfish, Labrador, tabby, vet, walks"},
)
MAX_TOKENS = 48
MAX_TERMS = 12
_MAX_TERM_WORDS = 4
_SPLIT = re.compile(r"[,;\n]+|\s+(?:and|or)\s+|\d+\.\s")
_EDGE = re.compile(r"^[\s\-*•\"'()]+|[\s.!?\"'()]+$")


def answer_terms(model: Any, question: str, cancel: threading.Event | None = None) -> str:
    """The model's guesses at words an answer to ``question`` holds, comma-separated ("" when
    it gave none or failed: recall then uses the question alone).

    A "when" question is not guessed for: its answer is a date, which no guess can know, and
    its event's own words are in the question (measured on LoCoMo: temporal recall 0.778
    without guesses, 0.782 with; the guess cost about a second a question)."""
    if asks_when(question):
        return ""
    try:
        comp = model.generate(messages(question), max_tokens=MAX_TOKENS, cancel=cancel)
    except Exception as exc:  # a guess is an extra: recall without it, never fail the question
        log.info("no recall guesses from the model (%s)", exc.__class__.__name__)
        log.debug("guess generation failed", exc_info=True)
        return ""
    if comp.cancelled:
        return ""
    terms = cleaned(comp.text)
    log.debug("recall guesses for %r: %s", question, terms)
    return ", ".join(terms)


def messages(question: str) -> list[dict[str, str]]:
    """The chat that asks the model for its guesses."""
    return [{"role": "system", "content": SYSTEM}, *EXAMPLE, {"role": "user", "content": question}]


def cleaned(text: str) -> list[str]:
    """The distinct short terms of a guess, in order: a looping model ("adventurous,
    adventurous, ...") or one that wrote sentences adds each term once, long phrases not at all."""
    out: list[str] = []
    seen: set[str] = set()
    for part in _SPLIT.split(text):
        term = _EDGE.sub("", part).strip()
        key = term.lower()
        if not term or key in seen or len(term.split()) > _MAX_TERM_WORDS:
            continue
        seen.add(key)
        out.append(term)
        if len(out) == MAX_TERMS:
            break
    return out

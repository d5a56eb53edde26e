"""Snippets with highlighted query words, for hits the keyword index did not produce."""

from __future__ import annotations

import re

from secondme.index.keyword import STOP_WORDS
from secondme.results import HL_END, HL_START

_WORD = re.compile(r"\w+", re.UNICODE)


def query_terms(query: str) -> set[str]:
    """The query's words, lowercased, without stop words."""
    return {w.lower() for w in _WORD.findall(query) if w.lower() not in STOP_WORDS}


def make_snippet(text: str, query: str, words: int = 32) -> str:
    """A window of ``words`` words around the densest run of query terms, terms highlighted."""
    terms = query_terms(query)
    tokens = text.split()
    if not tokens:
        return ""

    def is_hit(tok: str) -> bool:
        return any(w.lower() in terms for w in _WORD.findall(tok))

    hits = [i for i, t in enumerate(tokens) if is_hit(t)]
    if hits:
        best, best_n = hits[0], 0
        for h in hits:
            n = sum(1 for j in hits if h <= j < h + words)
            if n > best_n:
                best, best_n = h, n
        start = max(0, best - words // 4)
    else:
        start = 0
    window = tokens[start:start + words]
    out = []
    for tok in window:
        if is_hit(tok):
            tok = _WORD.sub(lambda m: f"{HL_START}{m.group(0)}{HL_END}" if m.group(0).lower() in terms
                            else m.group(0), tok)
        out.append(tok)
    s = " ".join(out)
    if start > 0:
        s = "…" + s
    if start + words < len(tokens):
        s += "…"
    return s

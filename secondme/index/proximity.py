"""How closely a note holds a query's words: the proximity score of the keyword index.

Query words found close together in a note are stronger evidence than the same words strewn
over it: a known-item query is usually remembered from one sentence (a title, a summary line),
and BM25 cannot tell the two apart. :meth:`KeywordIndex.doc_proximity` marks the query's words
in a few candidate notes (FTS5 ``highlight``) and :func:`score_fields` reads the marks.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import NamedTuple

PROXIMITY_WINDOW = 12  # tokens
# Two query words next to each other in the query's order, at most this many tokens apart (one
# or two small words between: "brake cable", "brake of the cable").
ORDER_GAP = 3
# A token as unicode61 splits them: a run of letters and digits ("_" separates).
_TOKEN = re.compile(r"[^\W_]+")


class Proximity(NamedTuple):
    """How closely a note holds a query's words (see :meth:`KeywordIndex.doc_proximity`)."""

    together: float  # IDF-weighted share of the query's words within one window, 0-1
    in_order: float  # share of the query's consecutive word pairs found in that order, 0-1


class Stemmer:
    """Words as an FTS5 tokenizer stores them (porter stem, case and accents folded), through a
    scratch in-memory FTS5 table read back with ``fts5vocab``: the index's own stemming, so a
    query word and the note's word it matched get the same stem. Holds no note text beyond the
    words asked about; thread-safe; answers are cached."""

    def __init__(self, tokenizer: str) -> None:
        """Build nothing yet: the scratch table is made on the first call."""
        self.tokenizer = tokenizer
        self._lock = threading.Lock()
        self._cache: dict[str, str] = {}
        self._conn: sqlite3.Connection | None = None

    def stems(self, words: Iterable[str]) -> dict[str, str]:
        """Each of ``words`` mapped to its stem (a word the tokenizer drops maps to itself)."""
        words = set(words)
        missing = sorted(w for w in words if w not in self._cache)
        if missing:
            with self._lock:
                conn = self._conn
                if conn is None:
                    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
                    conn.execute(f"CREATE VIRTUAL TABLE s USING fts5(t, tokenize = '{self.tokenizer}')")
                    conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(s, instance)")
                    self._conn = conn
                conn.execute("DELETE FROM s")
                conn.executemany("INSERT INTO s(rowid, t) VALUES (?, ?)", list(enumerate(missing, 1)))
                parts: dict[int, list[tuple[int, str]]] = {}
                for doc, term, offset in conn.execute("SELECT doc, term, offset FROM v"):
                    parts.setdefault(int(doc), []).append((int(offset), str(term)))
                if len(self._cache) > 100_000:
                    self._cache.clear()
                for i, w in enumerate(missing, 1):
                    self._cache[w] = " ".join(t for _, t in sorted(parts.get(i, []))) or w
        return {w: self._cache.get(w, w) for w in words}

    def close(self) -> None:
        """Close the scratch table; a later call opens a new one."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def best_window(found: list[tuple[int, str]], weight: dict[str, float], window: int) -> float:
    """The largest total ``weight`` of distinct stems among ``found`` (position, stem), in
    position order, that fit within ``window`` consecutive positions."""
    best = 0.0
    count: dict[str, int] = {}
    score = 0.0
    lo = 0
    for p, s in found:
        count[s] = count.get(s, 0) + 1
        if count[s] == 1:
            score += weight[s]
        while p - found[lo][0] >= window:
            ls = found[lo][1]
            count[ls] -= 1
            if count[ls] == 0:
                score -= weight[ls]
            lo += 1
        best = max(best, score)
    return best


def count_tokens(text: str, most: int) -> int:
    """How many tokens ``text`` holds, counting no further than ``most``."""
    n = 0
    for _ in _TOKEN.finditer(text):
        n += 1
        if n >= most:
            break
    return n


def ordered_pairs(found: list[tuple[int, str]], order: list[str]) -> int:
    """How many consecutive pairs of ``order`` occur among ``found`` (position, stem) in that
    order, the second at most ``ORDER_GAP`` positions after the first."""
    at: dict[str, set[int]] = {}
    for p, s in found:
        at.setdefault(s, set()).add(p)
    return sum(any(p + d in at.get(b, ()) for p in at.get(a, ()) for d in range(1, ORDER_GAP + 1))
               for a, b in pairwise(order))


def score_fields(fields: Sequence[str], marks: tuple[str, str], stemmer: Stemmer, weight: dict[str, float],
                 order: list[str], window: int = PROXIMITY_WINDOW) -> Proximity:
    """The proximity of one note from its ``fields`` with the query's words marked between
    ``marks`` (on, off): ``weight`` is each query stem's IDF, ``order`` the query's stems in
    order (at least two)."""
    on, off = marks
    far = max(window, ORDER_GAP) + 1
    hits: list[tuple[int, str]] = []  # (token position, word); fields kept a window apart
    base = 0
    for field in fields:
        # "gap\x02word\x03gap\x02word\x03…": count the tokens between the marked words, up to
        # ``far``: a longer gap puts its two sides out of each other's reach anyway, and
        # counting all of a long note's tokens was most of the cost.
        parts = field.split(on)
        pos = count_tokens(parts[0], far)
        for part in parts[1:]:
            word, _, gap = part.partition(off)
            hits.append((base + pos, word.lower()))
            pos += 1 + count_tokens(gap, far)
        base += pos + far
    marked = stemmer.stems({s for _, s in hits})
    found = [(p, marked[s]) for p, s in hits if marked[s] in weight]
    return Proximity(best_window(found, weight, window) / sum(weight.values()),
                     ordered_pairs(found, order) / (len(order) - 1))

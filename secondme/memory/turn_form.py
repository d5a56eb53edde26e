"""The form of a chat turn, as recall weighs it: whether it asks, how long it is, whether it
answers the turn before or opens the chat.

Among recall's best candidates (``RecallWeights.entity_pool``), a memory that ends by asking
loses a little; a turn of a chat gains when long and loses when short; the turn after one that
asks gains part of that turn's score; and a chat's opening turn gains a little. None of this
says what a memory is about: it says which turns of a chat tend to hold what questions about
a life ask for (measured on LoCoMo, see each term).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from secondme.memory.statements import sentences
from secondme.search.ids import MEMORY, from_index, to_index
from secondme.store.repos.memories import META, TEXT, Memory, MemoryRepository

if TYPE_CHECKING:
    from secondme.memory.recall import RecallWeights

REMEMBERED = "remembered"  # the source of what the person tells memory without naming one
OPENER_GAP = 6 * 3600.0  # seconds between two turns of a chat after which the second opens anew

_TRAILING_NOTE = re.compile(r"\s*\[[^\]]*\]\s*$")


class TurnForm:
    """Re-scores recall candidates by the form of their memories (see the module docstring)."""

    def __init__(self, memories: MemoryRepository) -> None:
        """Read texts, neighbouring turns and source keys from ``memories``."""
        self._memories = memories

    def rescore(self, w: RecallWeights, final: dict[int, float], texts: dict[int, str],
                rows: dict[int, Memory]) -> dict[int, float]:
        """``final`` with the memories among its best ``entity_pool`` re-scored by their form: one
        that ends by asking loses ``asking``; a turn of a chat gains up to ``length`` when long
        and loses as much when short (see :func:`length_prior`); the turn after an asking one
        gains ``reply`` times its score (see :meth:`_replies`); a chat's opening turn gains
        ``opener`` (see :meth:`_openers`). ``texts`` (memory id -> text) holds the texts
        already read, and receives those read here."""
        if w.asking <= 0 and w.length <= 0 and w.reply <= 0 and w.opener <= 0:
            return final
        pool = [from_index(iid)[1] for iid, _ in sorted(final.items(), key=lambda kv: -kv[1])
                if from_index(iid)[0] == MEMORY][:w.entity_pool]
        missing = [mid for mid in pool if mid not in texts]
        if missing:
            texts.update({mid: str(m.text or "") for mid, m in self._memories.by_ids(missing, (TEXT,)).items()})
        out = dict(final)
        # Looked up each call: a new passphrase re-keys every source.
        remembered = self._memories.source_key(REMEMBERED) if (w.length > 0 or w.opener > 0 or w.reply > 0) else ""
        for mid in pool:
            text = texts.get(mid, "")
            iid = to_index(MEMORY, mid)
            if w.asking > 0 and asks(text):
                out[iid] -= w.asking
            r = rows.get(mid)
            if w.length > 0 and r is not None and is_turn(r, remembered):
                out[iid] += w.length * length_prior(text)
        if w.reply > 0:
            self._replies(w.reply, final, out, pool, texts, rows, remembered)
        if w.opener > 0:
            self._openers(w.opener, out, pool, rows, remembered)
        return out

    def _openers(self, bonus: float, out: dict[int, float], pool: list[int], rows: dict[int, Memory],
                 remembered: str) -> None:
        """A turn of a chat that opens an exchange gains ``bonus``: the chat's first turn, or its
        first after a gap of ``OPENER_GAP`` or more, when the next turn follows within the gap.
        After a while apart, people open with their news ("Hey, big news: I adopted a
        greyhound"), which questions about their life ask for. A turn nobody answered soon
        opens nothing: in a diary-like chat of one message every few days, every turn would
        gain, and the facts drawn from them would lose to their old messages. (LoCoMo: a
        session's first turn is 4.6% of the turns and 8.4% of the evidence, 16% of the
        multi-hop evidence; recall@10 without a model, conversations 1-3, where it was tuned:
        0.842 -> 0.847; 4-10 0.786 -> 0.789.)"""
        turns = [mid for mid in pool if (r := rows.get(mid)) is not None and is_turn(r, remembered)]
        before = self._memories.by_ids([m - 1 for m in turns], (META,))
        opening = [m for m in turns if (b := before.get(m - 1)) is None or not _same_exchange(b, rows[m])]
        after = self._memories.by_ids([m + 1 for m in opening], (META,))
        for mid in opening:
            a = after.get(mid + 1)
            if a is not None and _same_exchange(rows[mid], a):
                out[to_index(MEMORY, mid)] += bonus

    def _replies(self, share: float, final: dict[int, float], out: dict[int, float], pool: list[int],
                 texts: dict[int, str], rows: dict[int, Memory], remembered: str) -> None:
        """The next turn of the chat of each asking turn in ``pool`` with a positive score gains
        ``share`` times that score, and joins the candidates if it was not among them. A chat's
        turns are stored in order, so the reply is the next memory id, when it is a message of
        the same chat. What the person told memory is no chat: a told question lifts nothing.
        (LoCoMo, recall@10 without a model: conversations 1-3, where it was
        tuned, 0.829 -> 0.842; 4-10 0.779 -> 0.786.)"""
        askers: dict[int, float] = {}
        for mid in pool:
            r = rows.get(mid)
            s = final[to_index(MEMORY, mid)]
            if r is not None and is_turn(r, remembered) and s > 0 and asks(texts.get(mid, "")):
                askers[mid] = s
        if not askers:
            return
        nxt = self._memories.by_ids([m + 1 for m in askers], (META,), where="state = 'active' AND kind = 'message'")
        floor = min(final.values())
        for mid, s in askers.items():
            r2 = nxt.get(mid + 1)
            if r2 is None or r2.source_key != rows[mid].source_key:
                continue
            iid = to_index(MEMORY, mid + 1)
            out[iid] = out.get(iid, floor) + share * s


def _same_exchange(first: Memory, second: Memory) -> bool:
    """Whether ``second`` follows ``first`` in one chat within ``OPENER_GAP``."""
    return second.source_key == first.source_key and second.when - first.when < OPENER_GAP


def is_turn(r: Memory, remembered: str) -> bool:
    """Whether ``r`` is a turn of a chat, not something the person told memory to keep (marked
    ``told``, or from before the mark: the ``remembered`` source's key), which is short
    because it is to the point."""
    return r.kind == "message" and bool(r.source_key) and not r.meta.get("told") and r.source_key != remembered


def length_prior(text: str) -> float:
    """From -1 for a turn of five words or fewer ("Wow, that's great!") through 0 at twenty to
    1 at eighty or more. In LoCoMo's chats the turns that answer a question are long (66% of
    them hold 25 words or more, against 45% of the other turns recall ranked in its top ten)."""
    n = max(1, len(_TRAILING_NOTE.sub("", text).split()))
    return max(-1.0, min(1.0, math.log(n / 20.0) / math.log(4.0)))


def asks(text: str) -> bool:
    """Whether a message ends by asking, a trailing bracketed note (a photo's caption) aside."""
    return _TRAILING_NOTE.sub("", text).rstrip().endswith("?")


def questions_answered(memories: MemoryRepository, ids: Sequence[int], remembered: str) -> dict[int, str]:
    """For each chat turn in ``ids`` that replies to a question, that question's text.

    "Been doing it for 3 years" says what it answers only with the turn before it ("How long
    have you been doing yoga?"). That turn must be of the same chat within ``OPENER_GAP``, by
    another speaker, and end by asking; its last sentence is the question. What the person
    told memory replies to nothing."""
    rows = memories.by_ids(ids, (META,))
    turns = [mid for mid, r in rows.items() if is_turn(r, remembered)]
    before = memories.by_ids([m - 1 for m in turns], (META, TEXT), where="kind = 'message'")
    out: dict[int, str] = {}
    for mid in turns:
        b, r = before.get(mid - 1), rows[mid]
        if b is None or not _same_exchange(b, r) or not is_turn(b, remembered):
            continue
        if b.meta.get("speaker") == r.meta.get("speaker") or not asks(str(b.text or "")):
            continue
        out[mid] = last_question(str(b.text or ""))
    return out


def last_question(text: str) -> str:
    """The question a turn ends with: "Wow, cool! How long have you been doing yoga?" asks
    only "How long have you been doing yoga?"."""
    said = sentences(_TRAILING_NOTE.sub("", text))
    return said[-1] if said else ""

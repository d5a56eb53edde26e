"""Detecting a generation that loops ("doesn't compile because it" forty times).

Small models fall into repeating a phrase until the token limit. A repetition penalty makes it
rarer; this check makes it harmless: the generation stops and the repeated tail is trimmed.
"""

from __future__ import annotations

MIN_UNIT = 6      # characters: shorter repeats ("...", "----") are ordinary text
MAX_UNIT = 240
REPEATS = 3       # a unit seen this many times in a row at the end is a loop


def loop_start(text: str) -> int | None:
    """Where the looping tail of ``text`` begins (keeping one copy of the unit), or None.

    The tail loops when its last ``unit`` characters occur ``REPEATS`` times back to back, for
    some unit length between ``MIN_UNIT`` and ``MAX_UNIT``.
    """
    n = len(text)
    for unit in range(MIN_UNIT, min(MAX_UNIT, n // REPEATS) + 1):
        tail = text[n - unit:]
        if all(text[n - (k + 1) * unit: n - k * unit] == tail for k in range(1, REPEATS)):
            if not tail.strip():
                continue
            start = n - REPEATS * unit
            # Walk back over further whole copies: the loop may have begun earlier.
            while start - unit >= 0 and text[start - unit: start] == tail:
                start -= unit
            return start + unit
    return None


def trim_loop(text: str) -> str:
    """``text`` without a looping tail (one copy of the repeated unit kept)."""
    cut = loop_start(text)
    return text if cut is None else text[:cut].rstrip()

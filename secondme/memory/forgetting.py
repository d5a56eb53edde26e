"""The forgetting curve (MemoryBank, done right): retention, reinforcement and the decay pass.

R = exp(−Δt / (τ·S)): Δt days since the memory was last recalled (or created), S its strength
(1 at creation, +1 per recall), τ a setting in days. MemoryBank's published code computes
``exp(-t / 5*S)``, which parses as ``exp(-(t/5)·S)`` and makes strong memories fade *faster*;
the parenthesised form here is the intended one (a test pins it down).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass

from secondme.store import Store
from secondme.store.repos.memories import MemoryRepository

log = logging.getLogger("secondme.memory.forgetting")

DAY = 86400.0
# Kinds that are the person's own record rather than something derived to be forgotten:
# remembered notes and the overall history never fade (pinned memories never fade either).
NEVER_FADE_KINDS = frozenset({"note", "summary"})


def retention(last_recalled: float | None, strength: float, now: float, tau_days: float) -> float:
    """R in (0, 1]; 1 right after a recall, falling with time, slower the stronger the memory."""
    if last_recalled is None:
        return 1.0
    dt_days = max(0.0, (now - last_recalled) / DAY)
    s = max(float(strength), 1e-6)
    return math.exp(-dt_days / (max(tau_days, 1e-6) * s))


def days_until_fade(strength: float, tau_days: float, threshold: float) -> float:
    """Days from the last recall until R drops below ``threshold`` (the decay schedule)."""
    return -math.log(threshold) * tau_days * strength


@dataclass(frozen=True)
class DecayResult:
    """What a decay pass changed."""

    checked: int
    faded: int
    kept_pinned: int

    def as_dict(self) -> dict[str, int]:
        """The counts by name (for JSON output)."""
        return {"checked": self.checked, "faded": self.faded, "kept_pinned": self.kept_pinned}


def reinforce(store: Store, ids: Iterable[int], now: float | None = None) -> int:
    """Strengthen recalled memories: S + 1 and the clock restarts. Faded ones come back."""
    now = time.time() if now is None else now
    ids = sorted(set(ids))
    if not ids:
        return 0
    memories = MemoryRepository(store)
    with store.write() as w:
        found = memories.by_ids(ids, writer=w)
        for mid in ids:
            m = found.get(mid)
            if m is None:
                continue
            # Strength and recall time are sealed (they tell when the person asked what).
            memories.set_clock(w, mid, m.strength + 1, now)
            if m.state == "faded":
                memories.set_state(w, mid, "active")
    return len(ids)


def decay(store: Store, tau_days: float, threshold: float, now: float | None = None,
          batch: int = 2000) -> DecayResult:
    """Mark active memories whose retention fell below ``threshold`` as faded (deletes nothing)."""
    now = time.time() if now is None else now
    memories = MemoryRepository(store)
    rows = memories.active_except(NEVER_FADE_KINDS)
    to_fade: list[int] = []
    pinned = 0
    for m in rows:
        last, strength = m.clock
        if retention(last, strength, now, tau_days) >= threshold:
            continue
        if m.pinned:
            pinned += 1
            continue
        to_fade.append(m.id)
    faded = 0
    for start in range(0, len(to_fade), batch):
        with store.write() as w:
            part = to_fade[start:start + batch]
            current = memories.by_ids(part, writer=w)
            for mid in part:
                # Re-check inside the transaction: a recall may have revived it meanwhile.
                now_m = current.get(mid)
                if now_m is None or now_m.state != "active" or now_m.pinned:
                    continue
                last, strength = now_m.clock
                if retention(last, strength, now, tau_days) >= threshold:
                    continue
                memories.set_state(w, mid, "faded")
                faded += 1
    log.info("decay: %d checked, %d faded", len(rows), faded)
    return DecayResult(len(rows), faded, pinned)

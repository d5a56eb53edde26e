"""When the nightly job is due: the trigger, the catch-up rule and suspend detection.

One rule decides everything: each local calendar day has exactly one *scheduled instant*, the
configured wall time on that day in the person's zone. A run is due when the most recent
scheduled instant is in the past and no handled run (see :mod:`secondme.jobs.history`) started
after it. The APScheduler trigger only decides when to *look*; the rule keeps a DST fall-back
night, a misfire or a wake-up from producing a second run.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from apscheduler.triggers.cron import CronTrigger

from secondme.errors import UserError

_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def parse_nightly_time(value: str) -> time:
    """``"03:00"`` → ``time(3, 0)``; anything else is a :class:`UserError` naming the value."""
    m = _TIME.match(value or "")
    if m:
        h, mi = int(m.group(1)), int(m.group(2))
        if h < 24 and mi < 60:
            return time(h, mi)
    raise UserError(f"the nightly job time {value!r} is not a time of day like 03:00")


def scheduled_on(day: date, at: time, tz: tzinfo) -> datetime:
    """The scheduled instant of ``day``.

    fold=0 picks the first of a repeated wall time (fall-back night) and, for a wall time that
    does not exist (spring-forward night), the pre-transition offset, i.e. one hour *later* in
    real time — the same instant APScheduler's CronTrigger computes, so both agree.
    """
    return datetime.combine(day, at, tzinfo=tz).replace(fold=0)


def last_scheduled(now: datetime, at: time, tz: tzinfo) -> datetime:
    """The most recent scheduled instant at or before ``now``."""
    local_day = now.astimezone(tz).date()
    for back in range(3):  # today's instant may still be ahead; a day back always is not
        s = scheduled_on(local_day - timedelta(days=back), at, tz)
        if s <= now:
            return s
    raise AssertionError("unreachable: yesterday's instant is always in the past")


def catch_up_slot(now: datetime, last_handled_start: datetime | None, at: time,
                  tz: tzinfo) -> datetime | None:
    """The scheduled instant a run is owed for, or None when nothing is owed.

    However many nights were missed, at most this one instant is returned: missed nights are
    not replayed one by one (the pipeline always works on everything new since its last run).
    """
    s = last_scheduled(now, at, tz)
    if last_handled_start is not None and last_handled_start >= s:
        return None
    return s


class NightlyTrigger(CronTrigger):
    """A daily CronTrigger in the person's zone that fires once per local day.

    APScheduler 3.11's CronTrigger fires *twice* when the wall time repeats on a fall-back
    night (fold 0 and fold 1: measured, see tests/core/test_jobs_schedule.py); the second,
    fold=1 occurrence is skipped here. On a spring-forward night it fires once, at the
    non-existent wall time read with the old offset (one hour later in real time).
    """

    def __init__(self, at: time, tz: tzinfo) -> None:
        """A daily trigger at ``at`` local time in ``tz``."""
        super().__init__(hour=at.hour, minute=at.minute, second=0, timezone=tz)
        self.at = at

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> Any:
        """APScheduler's next fire time, skipping the repeated wall time of a fall-back night."""
        nxt = super().get_next_fire_time(previous_fire_time, now)
        while nxt is not None and _is_second_occurrence(nxt):
            nxt = super().get_next_fire_time(nxt, nxt)
        return nxt


def _is_second_occurrence(dt: datetime) -> bool:
    return dt.fold == 1 and dt.replace(fold=0).utcoffset() != dt.utcoffset()


class WakeDetector:
    """Notices a suspend/resume (or a wall-clock jump) between two observations.

    While a machine sleeps, the wall clock keeps going but Linux's monotonic clock stops, so
    the wall clock gains on the monotonic one by about the time spent asleep. A gap above
    ``threshold`` seconds counts as a wake-up.
    """

    def __init__(self, threshold: float = 90.0) -> None:
        """No observation yet; gaps above ``threshold`` seconds count as a wake-up."""
        self.threshold = threshold
        self._last: tuple[float, float] | None = None

    def observe(self, wall: datetime, mono: float) -> float | None:
        """Record an observation; return the gap in seconds when it looks like a wake-up."""
        w = wall.timestamp()
        last, self._last = self._last, (w, mono)
        if last is None:
            return None
        gap = (w - last[0]) - (mono - last[1])
        return gap if abs(gap) > self.threshold else None

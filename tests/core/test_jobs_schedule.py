"""When the nightly job is due: trigger fire times across DST, the catch-up rule, wake detection."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger

from secondme.errors import UserError
from secondme.jobs.schedule import (
    NightlyTrigger,
    WakeDetector,
    catch_up_slot,
    last_scheduled,
    parse_nightly_time,
    scheduled_on,
)

PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")


def fires(trigger: CronTrigger, start: datetime, end: datetime) -> list[datetime]:
    """Every fire time in [start, end), the way APScheduler walks a trigger."""
    out: list[datetime] = []
    prev = None
    now = start
    while True:
        nxt = trigger.get_next_fire_time(prev, now)
        if nxt is None or nxt >= end:
            return out
        out.append(nxt)
        prev = now = nxt


def test_parse_nightly_time() -> None:
    assert parse_nightly_time("03:00") == time(3, 0)
    assert parse_nightly_time(" 7:05 ") == time(7, 5)
    for bad in ("24:00", "3h", "", "12:60"):
        with pytest.raises(UserError):
            parse_nightly_time(bad)


def test_fires_at_the_configured_local_time_every_day() -> None:
    trig = NightlyTrigger(time(3, 0), PARIS)
    start = datetime(2024, 6, 1, 12, 0, tzinfo=PARIS)
    got = fires(trig, start, start + timedelta(days=5))
    assert [(d.day, d.hour, d.minute) for d in got] == [(day, 3, 0) for day in range(2, 7)]
    assert all(d.utcoffset() == timedelta(hours=2) for d in got)  # CEST


def test_spring_forward_night_runs_exactly_once() -> None:
    # Paris, 2024-03-31: 02:00 CET jumps to 03:00 CEST, so 02:30 does not exist that night.
    trig = NightlyTrigger(time(2, 30), PARIS)
    night = datetime(2024, 3, 31, 0, 0, tzinfo=PARIS)
    got = fires(trig, night, night + timedelta(hours=24))
    assert len(got) == 1
    # The non-existent 02:30 is read with the old offset: 01:30 UTC = 03:30 CEST.
    assert got[0].astimezone(UTC) == datetime(2024, 3, 31, 1, 30, tzinfo=UTC)
    assert got[0] == scheduled_on(date(2024, 3, 31), time(2, 30), PARIS)
    # The default 03:00 exists that night (it is the first minute after the jump).
    got = fires(NightlyTrigger(time(3, 0), PARIS), night, night + timedelta(hours=24))
    assert [d.astimezone(UTC) for d in got] == [datetime(2024, 3, 31, 1, 0, tzinfo=UTC)]


@pytest.mark.parametrize(("tz", "at", "day"), [
    (PARIS, time(2, 30), date(2024, 10, 27)),      # 03:00 CEST → 02:00 CET: 02:30 twice
    (NEW_YORK, time(1, 30), date(2024, 11, 3)),    # 02:00 EDT → 01:00 EST: 01:30 twice
])
def test_fall_back_night_runs_exactly_once(tz: ZoneInfo, at: time, day: date) -> None:
    night = datetime.combine(day, time(0, 0), tzinfo=tz)
    # Measured: APScheduler 3.11's plain CronTrigger fires twice that night (fold 0 and 1);
    # that is why NightlyTrigger exists.
    plain = fires(CronTrigger(hour=at.hour, minute=at.minute, timezone=tz), night, night + timedelta(hours=25))
    assert len(plain) == 2
    got = fires(NightlyTrigger(at, tz), night, night + timedelta(hours=25))
    assert len(got) == 1
    assert got[0].fold == 0 and got[0] == plain[0]  # the first occurrence
    # And the days around it are untouched.
    week = fires(NightlyTrigger(at, tz), night - timedelta(days=3), night + timedelta(days=4))
    assert [d.date() for d in week] == [day + timedelta(days=k) for k in range(-3, 4)]


def test_trigger_and_catch_up_rule_agree_all_year() -> None:
    # The rule that dedups runs and the trigger that fires them must name the same instants,
    # including both DST nights, or a fire could look "not due" (or a catch-up "owed").
    for tz, at in ((PARIS, time(2, 30)), (NEW_YORK, time(1, 30)), (PARIS, time(3, 0))):
        start = datetime(2024, 1, 1, tzinfo=tz)
        for f in fires(NightlyTrigger(at, tz), start, start + timedelta(days=366)):
            assert last_scheduled(f, at, tz) == f
            assert last_scheduled(f - timedelta(seconds=1), at, tz) < f
            assert catch_up_slot(f, f - timedelta(seconds=1), at, tz) == f
            assert catch_up_slot(f, f, at, tz) is None


def test_last_scheduled_is_today_or_yesterday() -> None:
    at = time(3, 0)
    morning = datetime(2024, 6, 10, 9, 0, tzinfo=PARIS)
    assert last_scheduled(morning, at, PARIS) == datetime(2024, 6, 10, 3, 0, tzinfo=PARIS)
    night = datetime(2024, 6, 10, 2, 59, tzinfo=PARIS)
    assert last_scheduled(night, at, PARIS) == datetime(2024, 6, 9, 3, 0, tzinfo=PARIS)


def test_several_missed_nights_owe_exactly_one_run() -> None:
    at = time(3, 0)
    last_run = datetime(2024, 6, 5, 3, 0, 2, tzinfo=PARIS)  # then the laptop stayed closed
    now = datetime(2024, 6, 9, 8, 0, tzinfo=PARIS)
    slot = catch_up_slot(now, last_run, at, PARIS)
    assert slot == datetime(2024, 6, 9, 3, 0, tzinfo=PARIS)  # the latest night only
    # Once the catch-up run has started, nothing more is owed until the next night.
    ran = now + timedelta(minutes=1)
    for later in (ran, ran + timedelta(hours=18)):
        assert catch_up_slot(later, ran, at, PARIS) is None
    assert catch_up_slot(datetime(2024, 6, 10, 3, 0, tzinfo=PARIS), ran, at, PARIS) is not None
    # Never run at all: one run is owed.
    assert catch_up_slot(now, None, at, PARIS) == slot


def test_wake_detector_sees_a_suspend_but_not_normal_ticks() -> None:
    w = WakeDetector(threshold=90)
    t0 = datetime(2024, 6, 10, 1, 0, tzinfo=UTC)
    assert w.observe(t0, 100.0) is None
    assert w.observe(t0 + timedelta(seconds=30), 130.0) is None
    assert w.observe(t0 + timedelta(seconds=61), 160.5) is None  # jitter
    # Eight hours asleep: the wall clock moved on, the monotonic one did not.
    gap = w.observe(t0 + timedelta(hours=8, seconds=90), 190.0)
    assert gap is not None and abs(gap - 8 * 3600) < 1
    assert w.observe(t0 + timedelta(hours=8, seconds=120), 220.0) is None

"""Calendar import: an .ics file as Google / Outlook / Apple write them — time zones, recurring
events (weekly across a daylight-saving change, EXDATE, a moved occurrence), all-day events,
folded lines, cancelled events and to-dos."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from secondme.app import SecondMe
from secondme.errors import UserError
from secondme.importers import Tally, ical
from secondme.memory.items import NewMemory

BERLIN = ZoneInfo("Europe/Berlin")
# 2024-06-01: the file's own "now" in most tests, so the expansion window is fixed.
NOW = datetime(2024, 6, 1, tzinfo=UTC).timestamp()

ICS = """\
BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Google Inc//Google Calendar 70.9054//EN\r
CALSCALE:GREGORIAN\r
X-WR-CALNAME:Home\r
X-WR-TIMEZONE:Europe/Berlin\r
BEGIN:VTIMEZONE\r
TZID:W. Europe Standard Time\r
BEGIN:STANDARD\r
DTSTART:16011028T030000\r
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
END:STANDARD\r
BEGIN:DAYLIGHT\r
DTSTART:16010325T020000\r
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
END:DAYLIGHT\r
END:VTIMEZONE\r
BEGIN:VEVENT\r
UID:choir-1@example.org\r
DTSTART;TZID=Europe/Berlin:20240312T190000\r
DTEND;TZID=Europe/Berlin:20240312T203000\r
RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=6\r
EXDATE;TZID=Europe/Berlin:20240326T190000\r
SUMMARY:Choir rehearsal\r
LOCATION:St. Marien\\, Gemeindesaal\r
DESCRIPTION:Bring the Brahms score. This description is long enough that Go\r
 ogle folds it over two lines.\r
BEGIN:VALARM\r
ACTION:DISPLAY\r
TRIGGER:-PT30M\r
DESCRIPTION:Reminder\r
END:VALARM\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:birthday-7@example.org\r
DTSTART;VALUE=DATE:20210815\r
RRULE:FREQ=YEARLY\r
SUMMARY:Lena's birthday\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:dentist-3@example.org\r
DTSTART:20240507T080000Z\r
DTEND:20240507T084500Z\r
SUMMARY:Dentist\\, Dr. Weber\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:standup-5@example.org\r
DTSTART;TZID=W. Europe Standard Time:20240506T093000\r
DURATION:PT15M\r
RRULE:FREQ=DAILY;UNTIL=20240508T235959\r
SUMMARY:Team stand-up\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:party-9@example.org\r
DTSTART:20240518T200000\r
SUMMARY:Floating party\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:gone-2@example.org\r
DTSTART:20240520T100000Z\r
STATUS:CANCELLED\r
SUMMARY:Cancelled lunch\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:forever-4@example.org\r
DTSTART:19990101T070000Z\r
RRULE:FREQ=DAILY\r
SUMMARY:Morning pills\r
END:VEVENT\r
BEGIN:VTODO\r
UID:todo-1@example.org\r
SUMMARY:Buy stamps\r
END:VTODO\r
BEGIN:VEVENT\r
UID:choir-1@example.org\r
RECURRENCE-ID;TZID=Europe/Berlin:20240402T190000\r
DTSTART;TZID=Europe/Berlin:20240403T180000\r
DTEND;TZID=Europe/Berlin:20240403T193000\r
SUMMARY:Choir rehearsal (moved to Wednesday)\r
END:VEVENT\r
END:VCALENDAR\r
"""


def read(path: Path, now: float = NOW) -> tuple[list[NewMemory], Tally]:
    t = Tally()
    return list(ical.read(path, t, now=now)), t


@pytest.fixture
def ics(tmp_path: Path) -> Path:
    p = tmp_path / "home.ics"
    p.write_bytes(ICS.encode("utf-8"))
    return p


def local(m: NewMemory, tz: ZoneInfo = BERLIN) -> datetime:
    assert m.at is not None
    return datetime.fromtimestamp(m.at, tz)


def test_weekly_event_with_tzid_keeps_its_wall_time_across_dst(ics: Path) -> None:
    ms, _t = read(ics)
    choir = sorted((m for m in ms if m.text.startswith("Choir")), key=lambda m: m.at or 0)
    # Six Tuesdays from 12 March, minus the EXDATE of 26 March, the 2 April one moved to Wednesday.
    assert [local(m).strftime("%a %d %b %H:%M") for m in choir] == [
        "Tue 12 Mar 19:00", "Tue 19 Mar 19:00", "Wed 03 Apr 18:00", "Tue 09 Apr 19:00", "Tue 16 Apr 19:00"]
    # Summer time began on 31 March: the same 19:00 is 18:00 UTC before and 17:00 UTC after.
    assert datetime.fromtimestamp(choir[0].at or 0, UTC).hour == 18
    assert datetime.fromtimestamp(choir[3].at or 0, UTC).hour == 17
    assert "moved to Wednesday" in choir[2].text
    first = choir[0].text
    assert "at St. Marien, Gemeindesaal" in first and "Google folds it over two lines" in first
    # The time span is shown in the computer's own zone (19:00–20:30 in Berlin).
    shown = datetime.fromtimestamp(choir[0].at or 0)
    assert f"{shown:%H:%M}–{shown + timedelta(minutes=90):%H:%M}" in first
    assert len({m.source_id for m in choir}) == 5
    assert {m.source for m in ms} == {"conversation:calendar:Home"}


def test_time_zones_all_day_floating_and_utc(ics: Path) -> None:
    ms, _t = read(ics)
    by = {m.text.split(" (")[0]: m for m in ms}
    assert datetime.fromtimestamp(by["Dentist, Dr. Weber"].at or 0, UTC) == datetime(2024, 5, 7, 8, 0, tzinfo=UTC)
    # Outlook's Windows zone name with its own VTIMEZONE: 09:30 Berlin summer time.
    standups = [m for m in ms if m.text.startswith("Team stand-up")]
    assert [local(m).strftime("%d %H:%M") for m in standups] == ["06 09:30", "07 09:30", "08 09:30"]
    # A floating time is read in the calendar's X-WR-TIMEZONE.
    assert local(by["Floating party"]).strftime("%d %H:%M") == "18 20:00"
    birthdays = sorted(m.at or 0 for m in ms if m.text.startswith("Lena's birthday"))
    assert [datetime.fromtimestamp(b).strftime("%Y-%m-%d %H:%M") for b in birthdays] == [
        "2021-08-15 00:00", "2022-08-15 00:00", "2023-08-15 00:00", "2024-08-15 00:00"]
    assert "all day" in by["Lena's birthday"].text


def test_unbounded_series_is_cut_to_the_window_and_skips_are_reported(ics: Path) -> None:
    ms, t = read(ics)
    pills = [m.at or 0 for m in ms if m.text.startswith("Morning pills")]
    assert 0 < len(pills) <= ical.MAX_OCCURRENCES
    assert max(pills) <= NOW + ical.FUTURE_DAYS * 86400
    assert "Cancelled lunch" not in " ".join(m.text for m in ms)
    assert t.skipped["cancelled event"] == 1
    assert t.skipped["to-do or journal entry (not an event)"] == 1
    assert t.skipped["occurrences beyond 1,000 in one series"] == 1
    assert t.skipped["recurring series begun over ten years ago (older occurrences left out)"] == 1
    assert t.done == t.total == 8  # VEVENT blocks


def test_not_a_calendar(tmp_path: Path) -> None:
    p = tmp_path / "x.ics"
    p.write_text("hello\n")
    with pytest.raises(UserError, match="not an iCalendar"):
        read(p)


def test_calendar_import_is_idempotent_and_recalled(notes_ctx: SecondMe, tmp_path: Path) -> None:
    # A small calendar dated around now, so the default window holds it.
    start = datetime.now(BERLIN).replace(hour=19, minute=0, second=0, microsecond=0) - timedelta(days=21)
    p = tmp_path / "club.ics"
    p.write_text("\r\n".join([
        "BEGIN:VCALENDAR", "VERSION:2.0", "X-WR-CALNAME:Club",
        "BEGIN:VEVENT", "UID:pottery@example.org",
        f"DTSTART;TZID=Europe/Berlin:{start.strftime('%Y%m%dT%H%M%S')}",
        "RRULE:FREQ=WEEKLY;COUNT=4", "SUMMARY:Pottery class", "LOCATION:Kiln studio on Oderberger Strasse",
        "END:VEVENT", "END:VCALENDAR", ""]))
    r1 = notes_ctx.memory.import_file("ics", str(p))
    assert (r1.read, r1.added) == (4, 4)
    assert notes_ctx.memory.import_file("ics", str(p)).added == 0
    hits = notes_ctx.memory.recall("where is the pottery class?", k=5)
    assert any(h.source_id and h.source_id.startswith("pottery@example.org@") for h in hits)

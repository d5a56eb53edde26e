"""Calendars: an iCalendar ``.ics`` file (RFC 5545; exported by Google Calendar, Apple
Calendar, Outlook, Thunderbird), each event occurrence a dated memory.

Recurring events (``RRULE``, ``RDATE``, ``EXDATE``, and moved or cancelled occurrences given as
extra ``VEVENT``s with the same ``UID`` and a ``RECURRENCE-ID``) are expanded with
``dateutil.rrule`` inside a bounded window: from ten years back to one year ahead, and at most
1,000 occurrences a series, so an "every day, forever" event cannot flood the memory. Times
keep their zone: ``TZID`` (IANA or the file's ``VTIMEZONE``, via ``icalendar``), UTC, floating
times as local time (or in Google's ``X-WR-TIMEZONE``), all-day events at local midnight;
weekly events keep their wall-clock time across daylight-saving changes.

The file is read event by event: only the time zones and the series that have moved
occurrences (grouped by UID, usually few) are held in memory.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
from dateutil.rrule import rruleset, rrulestr

from secondme.errors import UserError
from secondme.importers.base import Tally, conversation_source, open_binary, text_lines
from secondme.memory.items import NewMemory

PAST_YEARS = 10
FUTURE_DAYS = 365
MAX_OCCURRENCES = 1000
DESCRIPTION_LIMIT = 2000


def _logical_lines(path: Path) -> Iterator[tuple[str, list[str]]]:
    """(unfolded line, its raw lines) for each content line."""
    raw: list[str] = []
    logical = ""
    for line in text_lines(open_binary(path)):
        line = line.rstrip("\r\n")
        if line[:1] in (" ", "\t") and raw:
            raw.append(line)
            logical += line[1:]
            continue
        if raw:
            yield logical, raw
        raw, logical = [line], line
    if raw:
        yield logical, raw


def _name_value(line: str) -> tuple[str, str]:
    head, _, value = line.partition(":")
    return head.split(";", 1)[0].upper(), value


class _Scan:
    """What the first pass learns: event count, the UIDs with moved occurrences, time zones."""

    def __init__(self, path: Path) -> None:
        self.events = 0
        self.other = 0
        self.moved: set[str] = set()
        self.timezones: list[str] = []
        self.calname = ""
        self.wr_timezone = ""
        started = False
        block: list[str] = []
        in_tz = False
        uid = ""
        for logical, raw in _logical_lines(path):
            name, value = _name_value(logical)
            if name == "BEGIN":
                v = value.strip().upper()
                if v == "VCALENDAR":
                    started = True
                elif v == "VEVENT":
                    self.events += 1
                    uid = ""
                elif v in ("VTODO", "VJOURNAL"):
                    self.other += 1
                elif v == "VTIMEZONE":
                    in_tz, block = True, []
            if in_tz:
                block.extend(raw)
                if name == "END" and value.strip().upper() == "VTIMEZONE":
                    self.timezones.append("\r\n".join(block))
                    in_tz = False
                continue
            uid = self._property(name, value, uid)
        if not started:
            raise UserError(f"{path.name} is not an iCalendar (.ics) file: it has no BEGIN:VCALENDAR")

    def _property(self, name: str, value: str, uid: str) -> str:
        """Note what one property line outside a time zone tells; returns the current event's UID."""
        if name == "UID" and not uid:  # not a VALARM's own UID further down
            return value
        if name == "RECURRENCE-ID" and uid:
            self.moved.add(uid)
        elif name == "X-WR-CALNAME" and not self.calname:
            self.calname = value.strip()
        elif name == "X-WR-TIMEZONE" and not self.wr_timezone:
            self.wr_timezone = value.strip()
        return uid


def _blocks(path: Path) -> Iterator[tuple[str, list[str]]]:
    """(UID, raw lines) of each VEVENT, in file order."""
    block: list[str] | None = None
    uid = ""
    depth = 0
    for logical, raw in _logical_lines(path):
        name, value = _name_value(logical)
        if block is None:
            if name == "BEGIN" and value.strip().upper() == "VEVENT":
                block, uid, depth = list(raw), "", 0
            continue
        block.extend(raw)
        if name == "BEGIN":
            depth += 1  # a VALARM inside the event
        elif name == "END" and depth:
            depth -= 1
        elif name == "END" and value.strip().upper() == "VEVENT":
            yield uid, block
            block = None
        elif name == "UID" and not depth:
            uid = value


class _Expander:
    def __init__(self, scan: _Scan, now: float) -> None:
        self.scan = scan
        self.floating_tz: tzinfo | None = None
        if scan.wr_timezone:
            try:
                self.floating_tz = ZoneInfo(scan.wr_timezone)
            except (ZoneInfoNotFoundError, ValueError):
                self.floating_tz = None
        self.start = datetime.fromtimestamp(now, UTC) - timedelta(days=365 * PAST_YEARS)
        self.end = datetime.fromtimestamp(now, UTC) + timedelta(days=FUTURE_DAYS)

    def parse(self, blocks: list[list[str]]) -> list[Any]:
        text = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", *self.scan.timezones,
                            *("\r\n".join(b) for b in blocks), "END:VCALENDAR"])
        cal = icalendar.Calendar.from_ical(text)
        return list(cal.walk("VEVENT"))

    def aware(self, value: Any) -> datetime:
        """A DTSTART-like value as an aware datetime (all-day and floating: local time)."""
        if isinstance(value, datetime):
            if value.tzinfo is None:
                if self.floating_tz is not None:
                    return value.replace(tzinfo=self.floating_tz)
                return value.astimezone()  # the computer's local zone
            return value
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day).astimezone()
        raise ValueError("not a date")

    def occurrences(self, master: Any, tally: Tally) -> list[datetime]:
        start = self.aware(master["DTSTART"].dt)
        if "RRULE" not in master and "RDATE" not in master:
            return [start]
        rset = rruleset()
        # dateutil needs DTSTART and UNTIL alike (both aware): expand in the event's own zone.
        for rule in _as_list(master.get("RRULE")):
            text = _until_in_utc(rule.to_ical().decode(), start)
            rset.rrule(rrulestr(text, dtstart=start))
        if "RRULE" not in master:
            rset.rdate(start)  # RDATE alone: the first occurrence is DTSTART itself
        for prop in ("RDATE", "EXDATE"):
            for lst in _as_list(master.get(prop)):
                for d in getattr(lst, "dts", []):
                    when = self.aware(d.dt)
                    (rset.rdate if prop == "RDATE" else rset.exdate)(when)
        out: list[datetime] = []
        for when in rset.xafter(self.start, inc=True):
            if when > self.end:
                break
            if len(out) >= MAX_OCCURRENCES:
                tally.skip("occurrences beyond 1,000 in one series")
                break
            out.append(when)
        if start < self.start:
            tally.skip("recurring series begun over ten years ago (older occurrences left out)")
        return out


def _until_in_utc(rule: str, start: datetime) -> str:
    """The rule with a floating or all-day ``UNTIL`` given in UTC, as dateutil wants it when
    DTSTART has a zone (RFC 5545 allows both: the end is then in DTSTART's own zone)."""
    parts = rule.split(";")
    for i, part in enumerate(parts):
        key, _, value = part.partition("=")
        if key.upper() != "UNTIL" or value.endswith("Z"):
            continue
        try:
            if "T" in value:
                local = datetime.strptime(value, "%Y%m%dT%H%M%S")
            else:  # a date: the whole of that day
                local = datetime.strptime(value, "%Y%m%d") + timedelta(days=1, seconds=-1)
        except ValueError:
            continue
        utc = local.replace(tzinfo=start.tzinfo).astimezone(UTC)
        parts[i] = f"UNTIL={utc.strftime('%Y%m%dT%H%M%SZ')}"
    return ";".join(parts)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def read(path: Path, tally: Tally, now: float | None = None) -> Iterator[NewMemory]:
    """One memory per event occurrence (recurring series expanded up to ``now``), a series kept with its
    moved occurrences; to-dos and journal entries are skipped."""
    scan = _Scan(path)
    tally.total = scan.events
    if scan.other:
        tally.skip("to-do or journal entry (not an event)", scan.other)
    calendar = scan.calname or path.stem
    conversation = f"calendar:{calendar}"
    ex = _Expander(scan, time.time() if now is None else now)
    held: dict[str, list[list[str]]] = {}
    for uid, block in _blocks(path):
        if uid and uid in scan.moved:
            held.setdefault(uid, []).append(block)  # a series with moved occurrences: kept together
            continue
        tally.done += 1
        yield from _series(ex, [block], calendar, conversation, tally)
    for blocks in held.values():
        tally.done += len(blocks)
        yield from _series(ex, blocks, calendar, conversation, tally)


def _moved_occurrences(ex: _Expander, events: list[Any], tally: Tally) -> dict[float, Any]:
    """The events that move one occurrence of a series, by the instant they replace."""
    moved = {}
    for e in events:
        if "RECURRENCE-ID" in e:
            try:
                moved[ex.aware(e["RECURRENCE-ID"].dt).timestamp()] = e
            except (ValueError, KeyError):
                tally.skip("unreadable moved occurrence")
    return moved


def _series(ex: _Expander, blocks: list[list[str]], calendar: str, conversation: str,
            tally: Tally) -> Iterator[NewMemory]:
    try:
        events = ex.parse(blocks)
    except (ValueError, KeyError, TypeError) as exc:
        tally.skip(f"unreadable event ({exc.__class__.__name__})", len(blocks))
        return
    masters = [e for e in events if "RECURRENCE-ID" not in e]
    moved = _moved_occurrences(ex, events, tally)
    for master in masters or [None]:
        if master is None:
            # Only moved occurrences, their series elsewhere: each one stands alone.
            for e in moved.values():
                yield from _one(ex, e, None, calendar, conversation, tally)
            return
        if "DTSTART" not in master:
            tally.skip("event without a start")
            continue
        if str(master.get("STATUS", "")).upper() == "CANCELLED":
            tally.skip("cancelled event")
            continue
        try:
            whens = ex.occurrences(master, tally)
        except (ValueError, TypeError, OverflowError) as exc:
            tally.skip(f"unreadable recurrence rule ({exc.__class__.__name__})")
            continue
        for when in whens:
            override = moved.pop(when.timestamp(), None)
            if override is not None:
                yield from _one(ex, override, when, calendar, conversation, tally)
            else:
                yield from _one(ex, master, when, calendar, conversation, tally)
    for e in moved.values():  # moved occurrences whose original date the rule does not give
        yield from _one(ex, e, None, calendar, conversation, tally)


def _one(ex: _Expander, ev: Any, when: datetime | None, calendar: str, conversation: str,
         tally: Tally) -> Iterator[NewMemory]:
    if str(ev.get("STATUS", "")).upper() == "CANCELLED":
        tally.skip("cancelled occurrence")
        return
    try:
        own_start = ex.aware(ev["DTSTART"].dt)
    except (KeyError, ValueError):
        tally.skip("event without a start")
        return
    start = own_start if "RECURRENCE-ID" in ev or when is None else when
    if not (ex.start <= start <= ex.end):
        tally.skip("event outside the imported window (ten years back, one year ahead)")
        return
    all_day = not isinstance(ev["DTSTART"].dt, datetime)
    summary = " ".join(str(ev.get("SUMMARY", "") or "").split()) or "(no title)"
    location = " ".join(str(ev.get("LOCATION", "") or "").split())
    description = str(ev.get("DESCRIPTION", "") or "").strip()[:DESCRIPTION_LIMIT]
    duration = _duration(ev)
    local = start.astimezone()  # shown in the person's own zone
    if all_day:
        span = "all day"
    else:
        span = local.strftime("%H:%M") + (f"–{(local + duration).strftime('%H:%M')}" if duration else "")
    line = f"{summary} ({local.strftime('%A %d %B %Y')}, {span})" + (f" at {location}" if location else "")
    text = line + (f"\n{description}" if description else "")
    uid = str(ev.get("UID", "") or "") or f"{summary}@{own_start.isoformat()}"
    yield NewMemory(text=text, kind="message", at=start.timestamp(), speaker=None,
                    source=conversation_source(conversation), source_id=f"{uid}@{start.isoformat()}",
                    meta={"conversation": conversation, "title": calendar, "calendar": True})


def _duration(ev: Any) -> timedelta | None:
    try:
        if "DTEND" in ev and isinstance(ev["DTEND"].dt, datetime) and isinstance(ev["DTSTART"].dt, datetime):
            d = ev["DTEND"].dt - ev["DTSTART"].dt
            return d if isinstance(d, timedelta) and d.total_seconds() > 0 else None
        if "DURATION" in ev:
            d = ev["DURATION"].dt
            return d if isinstance(d, timedelta) else None
    except (TypeError, ValueError):
        return None
    return None

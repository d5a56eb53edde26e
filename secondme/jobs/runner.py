"""The nightly job runner: APScheduler trigger, catch-up after start or wake, single flight.

Threads:
- APScheduler's BackgroundScheduler (one worker) fires at the nightly time and only *asks* for a
  run (:meth:`JobRunner.run_if_due`);
- a ticker compares wall and monotonic time to notice a wake-up from suspend and asks too (and
  performs the catch-up check a little after start);
- each run gets its own short-lived worker thread with lowered CPU priority, so neither the
  scheduler's pool nor the caller's thread is ever niced.

Every request goes through one door: take the run lock (thread + OS file lock), then, for
automatic triggers, re-check that a run is owed *while holding it*. So duplicate fires, a wake
racing the scheduler, or a second app process all collapse into one run.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, tzinfo
from enum import StrEnum
from pathlib import Path
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from secondme.errors import UserError
from secondme.jobs.clock import Clock, SystemClock
from secondme.jobs.history import FAILED, JobHistory, JobStatus, RunRecord
from secondme.jobs.lock import RunLock
from secondme.jobs.pipeline import JobEvent, Pipeline, Step
from secondme.jobs.schedule import (
    NightlyTrigger,
    WakeDetector,
    catch_up_slot,
    last_scheduled,
    parse_nightly_time,
)
from secondme.store import Store
from secondme.threads import lower_thread_priority

log = logging.getLogger("secondme.jobs")



class StartStatus(StrEnum):
    """Why a run request did or did not start a run (see :class:`RunStart`)."""

    STARTED = "started"
    ALREADY_RUNNING = "already running"  # not an error
    NOT_DUE = "not due"
    STOPPED = "stopped"


STARTED, ALREADY_RUNNING, NOT_DUE, STOPPED = (StartStatus.STARTED, StartStatus.ALREADY_RUNNING,
                                              StartStatus.NOT_DUE, StartStatus.STOPPED)


class Trigger(StrEnum):
    """What started a run (kept in its history as this value)."""

    MANUAL = "manual"  # the person: Run now, or ``secondme jobs run``
    SCHEDULED = "scheduled"  # the nightly time came while the app was running
    CATCH_UP = "catch-up"  # at start: a night was missed while the app was closed
    WAKE = "wake"  # after the machine woke from sleep past the nightly time


MANUAL, SCHEDULED, CATCH_UP, WAKE = Trigger.MANUAL, Trigger.SCHEDULED, Trigger.CATCH_UP, Trigger.WAKE
DEFAULT_TIME = time(3, 0)
# How long after a scheduled instant the ticker leaves it to APScheduler before asking itself.
SCHEDULER_GRACE = 600.0


@dataclass
class RunStart:
    """The answer to a run request. ``status`` is ``started`` (or, when waited for, the run's
    final status), ``already running`` (not an error), ``not due`` or ``stopped``."""

    started: bool
    status: StartStatus | JobStatus
    run_id: int | None = None
    run: RunRecord | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for the CLI and the UI."""
        return {"started": self.started, "status": self.status, "run_id": self.run_id,
                "run": None if self.run is None else self.run.to_dict()}


@dataclass
class _Current:
    run: RunRecord
    cancel: threading.Event
    thread: threading.Thread
    # Set by the worker when the run is recorded (waiters may arrive before the thread starts).
    finished: threading.Event


class JobRunner:
    """Schedules and runs the nightly pipeline for one unlocked store.

    ``steps`` is called at the start of each run, so steps that appear later (a subsystem that
    lands after this runner was built) are picked up. ``activity`` returns seconds since the
    person's last input (or None when unknown); automatic runs wait between steps while it is
    below ``idle_seconds`` and ``pause_when_active()`` is true. ``on_event`` receives progress
    dicts (``event``: step, progress, paused, resumed, finished) from the worker thread.
    """

    def __init__(self, store: Store, *, steps: Callable[[], Sequence[Step]], lock_path: Path,
                 clock: Clock | None = None, tz: tzinfo | None = None,
                 nightly_time: Callable[[], str] = lambda: "03:00",
                 pause_when_active: Callable[[], bool] = lambda: True,
                 activity: Callable[[], float | None] | None = None, idle_seconds: float = 120.0,
                 on_event: Callable[[dict[str, Any]], None] | None = None, job: str = "nightly",
                 tick_seconds: float = 30.0, wake_gap_seconds: float = 90.0,
                 catch_up_delay: float = 60.0, nice_increment: int = 10) -> None:
        """See the class docstring for the arguments; ``tz`` defaults to the system's zone.
        Nothing starts until :meth:`start`."""
        if tz is None:
            from tzlocal import get_localzone

            tz = get_localzone()
        self.tz: tzinfo = tz
        self.clock: Clock = clock or SystemClock()
        self.history = JobHistory(store)
        self.lock = RunLock(lock_path)
        self.job = job
        self.activity = activity
        self.idle_seconds = idle_seconds
        self.tick_seconds = tick_seconds
        self.catch_up_delay = catch_up_delay
        self.nice_increment = nice_increment
        self._steps = steps
        self._nightly_time = nightly_time
        self._pause_when_active = pause_when_active
        self._on_event = on_event
        self._wake = WakeDetector(wake_gap_seconds)
        self._mx = threading.Lock()
        self._current: _Current | None = None
        self._paused = False
        self._scheduler: Any = None
        self._ticker: threading.Thread | None = None
        self._stop = threading.Event()

    # --- lifecycle ---------------------------------------------------------------------------
    def start(self) -> None:
        """Recover runs a dead process left ``running``, start the schedule and the ticker."""
        with self._mx:
            if self._scheduler is not None:
                return
            self._stop.clear()
            self.recover()
            sched = BackgroundScheduler(
                timezone=self.tz, executors={"default": ThreadPoolExecutor(1)},
                # coalesce + max_instances: APScheduler itself never queues a backlog; the
                # grace lets a fire delayed by a busy machine still count (run_if_due dedups).
                job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
                daemon=True)
            sched.add_job(self._on_schedule, self._trigger(), id=self.job, name="nightly pipeline")
            sched.start()
            self._scheduler = sched
            self._ticker = threading.Thread(target=self._tick_loop, name="secondme-jobs-ticker", daemon=True)
            self._ticker.start()
        log.info("nightly job scheduled at %s (%s)", self.nightly_time().strftime("%H:%M"), self.tz)

    def stop(self, timeout: float = 30.0) -> None:
        """Stop scheduling, cancel a run in progress and wait for it to record its state."""
        self._stop.set()
        with self._mx:
            sched, self._scheduler = self._scheduler, None
            ticker, self._ticker = self._ticker, None
        if sched is not None:
            sched.shutdown(wait=False)
        self.cancel()
        if ticker is not None:
            ticker.join(timeout)
        if not self.wait(timeout):
            # The step ignores its cancel event: its row stays 'running' and the next start
            # marks it interrupted and resumes it.
            log.error("a job step did not stop within %.0f s of being cancelled", timeout)

    @property
    def scheduler(self) -> Any:
        """The APScheduler BackgroundScheduler while started (for observers), else None."""
        return self._scheduler

    @property
    def scheduled(self) -> bool:
        """Whether the nightly schedule is running (between :meth:`start` and :meth:`stop`)."""
        return self._scheduler is not None

    def recover(self) -> int:
        """Mark runs left ``running`` by a dead process as interrupted (if nobody runs now)."""
        if not self.lock.try_acquire():
            return 0  # a run is in progress (here or in another process): its row is live
        try:
            return self.history.recover(self.job)
        finally:
            self.lock.release()

    def reschedule(self) -> None:
        """Apply a changed ``nightly_time`` setting."""
        with self._mx:
            if self._scheduler is not None:
                self._scheduler.reschedule_job(self.job, trigger=self._trigger())

    # --- schedule ----------------------------------------------------------------------------
    def nightly_time(self) -> time:
        """The nightly time from settings; 03:00 (with a warning) when the setting is not a valid time."""
        try:
            return parse_nightly_time(self._nightly_time())
        except UserError as exc:
            log.warning("%s; using 03:00", exc)
            return DEFAULT_TIME

    def _trigger(self) -> NightlyTrigger:
        return NightlyTrigger(self.nightly_time(), self.tz)

    def next_run_time(self, now: datetime | None = None) -> datetime | None:
        """The next scheduled instant after ``now`` (the injected clock's now by default)."""
        now = now or self.clock.now()
        nxt: datetime | None = self._trigger().get_next_fire_time(None, now)
        return nxt

    def due(self, now: datetime | None = None) -> datetime | None:
        """The scheduled instant a run is owed for, or None (see ``catch_up_slot``)."""
        now = now or self.clock.now()
        return catch_up_slot(now, self.history.last_handled_start(self.job), self.nightly_time(), self.tz)

    def _on_schedule(self) -> None:
        try:
            self.run_if_due(SCHEDULED)
        except Exception:
            log.exception("the scheduled nightly job could not start")

    def _tick_loop(self) -> None:
        # The catch-up waits a little so the app's own start (unlock, indexing) goes first.
        if self.clock.sleep(self.catch_up_delay, self._stop):
            return
        self._ask(CATCH_UP)
        asked = self._slot(self.clock.now())
        self._wake.observe(self.clock.now(), self.clock.monotonic())
        while not self.clock.sleep(self.tick_seconds, self._stop):
            now = self.clock.now()
            gap = self._wake.observe(now, self.clock.monotonic())
            slot = self._slot(now)
            if gap is not None:
                log.info("clock gap of %.0f s (wake from sleep or clock change): checking the nightly job", gap)
                self._ask(WAKE)
                asked = slot
            elif slot != asked and (now - slot).total_seconds() > SCHEDULER_GRACE:
                # A night passed and the scheduler did not start it: a misfire beyond its grace,
                # or a platform whose monotonic clock keeps counting during suspend (no gap).
                self._ask(CATCH_UP)
                asked = slot

    def _slot(self, now: datetime) -> datetime:
        return last_scheduled(now, self.nightly_time(), self.tz)

    def _ask(self, trigger: Trigger) -> None:
        try:
            res = self.run_if_due(trigger)
            if res.started:
                log.info("nightly job started (%s)", trigger)
        except Exception:
            log.exception("the nightly job could not start (%s)", trigger)

    # --- runs --------------------------------------------------------------------------------
    def run_now(self, *, wait: bool = False, trigger: Trigger = MANUAL) -> RunStart:
        """Start a run whether or not one is owed (the person asked for it)."""
        return self._start(trigger, check_due=False, wait=wait)

    def run_if_due(self, trigger: Trigger, *, wait: bool = False) -> RunStart:
        """Start a run only if one is owed; automatic triggers come through here."""
        return self._start(trigger, check_due=True, wait=wait)

    def _start(self, trigger: Trigger, *, check_due: bool, wait: bool) -> RunStart:
        if self._stop.is_set() and trigger != MANUAL:
            return RunStart(False, STOPPED)
        if not self.lock.try_acquire():
            return RunStart(False, ALREADY_RUNNING)
        try:
            now = self.clock.now()
            at = self.nightly_time()
            if check_due and catch_up_slot(now, self.history.last_handled_start(self.job), at, self.tz) is None:
                self.lock.release()
                return RunStart(False, NOT_DUE)
            steps = list(self._steps())
            self.history.recover(self.job)  # a dead run's row must read 'interrupted' to be resumed
            resume = self.history.resume_point(self.job, last_scheduled(now, at, self.tz))
            resumed_from, done = resume if resume else (None, set())
            cancel = threading.Event()
            # Row and _current appear together: whoever sees the 'running' row can wait on it.
            with self._mx:
                run = self.history.begin(self.job, trigger, now.timestamp(), [s.name for s in steps],
                                         resumed_from)
                thread = threading.Thread(target=self._work, args=(run, steps, cancel, done, trigger != MANUAL),
                                          name="secondme-jobs-run", daemon=True)
                self._current = _Current(run, cancel, thread, threading.Event())
            thread.start()
        except BaseException:
            with self._mx:
                self._current = None
            if self.lock.held:
                self.lock.release()
            raise
        log.info("job run #%d started (%s)%s", run.id, trigger,
                 f", resuming run #{resumed_from}" if resumed_from else "")
        if wait:
            thread.join()
            return RunStart(True, run.status, run.id, run)
        return RunStart(True, STARTED, run.id, run)

    def _work(self, run: RunRecord, steps: list[Step], cancel: threading.Event, done: set[str],
              may_pause: bool) -> None:
        try:
            if self.nice_increment:
                lower_thread_priority(self.nice_increment)
            Pipeline(self.history, self.clock, self._emit, self._is_active).execute(
                run, steps, cancel, done_before=done, may_pause=may_pause)
        except BaseException:
            log.exception("job run #%d crashed", run.id)
            run.status = FAILED
            try:  # the store may be gone (locked under us); then the next start recovers it
                self.history.save(run)
            except Exception:
                log.exception("could not record the crash of job run #%d", run.id)
        finally:
            with self._mx:
                cur, self._current = self._current, None
                self._paused = False
            self.lock.release()
            if cur is not None:
                cur.finished.set()
            log.info("job run #%d %s", run.id, run.status)

    def cancel(self) -> bool:
        """Ask the run in progress (in this process) to stop; True if there was one."""
        with self._mx:
            cur = self._current
        if cur is None:
            return False
        cur.cancel.set()
        return True

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for this process's run in progress; True when none is running any more."""
        with self._mx:
            cur = self._current
        if cur is None:
            return True
        return cur.finished.wait(timeout)

    def wait_idle(self, timeout: float | None = None, poll: float = 0.5) -> bool:
        """Wait until no run is in progress here or in another process."""
        if not self.wait(timeout):
            return False
        waited = 0.0
        while self.lock.held_elsewhere():
            if timeout is not None and waited >= timeout:
                return False
            self.clock.sleep(poll)
            waited += poll
        return True

    # --- observing ---------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        """Whether a run is in progress in this process."""
        return self._current is not None

    def current(self) -> RunRecord | None:
        """The record of the run in progress in this process, or None."""
        with self._mx:
            return None if self._current is None else self._current.run

    def status(self) -> dict[str, Any]:
        """Schedule, the run in progress and the last run, JSON-ready."""
        now = self.clock.now()
        cur = self.current()
        latest = self.history.latest(self.job)
        last_ok = self.history.last_ok(self.job)
        elsewhere = cur is None and latest is not None and latest.status == JobStatus.RUNNING \
            and self.lock.held_elsewhere()
        nxt = self.next_run_time(now)
        return {
            "job": self.job,
            "nightly_time": self.nightly_time().strftime("%H:%M"),
            "timezone": str(self.tz),
            "scheduled": self.scheduled,
            "next_run": None if nxt is None else nxt.isoformat(),
            "catch_up_due": self.due(now) is not None,
            "running": cur is not None or elsewhere,
            "running_elsewhere": elsewhere,
            "paused": self._paused,
            "current": None if cur is None else cur.to_dict(),
            "last_run": None if latest is None else latest.to_dict(),
            "last_ok": None if last_ok is None else last_ok.to_dict(),
        }

    def history_list(self, limit: int = 20) -> list[dict[str, Any]]:
        """The last ``limit`` runs of this job, newest first, JSON-ready."""
        return [r.to_dict() for r in self.history.recent(self.job, limit)]

    def _is_active(self) -> bool:
        if not self._pause_when_active() or self.activity is None:
            return False
        try:
            idle = self.activity()
        except Exception:  # the UI's probe failing must not stall the night's work
            log.exception("the activity probe failed; not pausing")
            return False
        return idle is not None and idle < self.idle_seconds

    def _emit(self, data: dict[str, Any]) -> None:
        ev = data.get("event")
        if ev in (JobEvent.PAUSED, JobEvent.RESUMED):
            self._paused = ev == JobEvent.PAUSED
        if self._on_event is not None:
            try:
                self._on_event(data)
            except Exception:  # a listener's bug must not fail the run
                log.exception("job progress listener failed")

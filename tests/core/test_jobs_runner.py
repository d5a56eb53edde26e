"""The job runner on a real store with real APScheduler: runs, schedule, catch-up, cancel, pause.

Steps here are small real functions writing to the store (one transaction per item, idempotent
by content hash) and counting their own executions in ``meta``, so a duplicated item or a
re-run step would be visible.
"""

from __future__ import annotations

import os
import sys
import threading
import time as _time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from secondme.app import SecondMe
from secondme.errors import Cancelled
from secondme.jobs import FakeClock, JobHistory, JobRunner, RunLock, Step
from secondme.jobs.runner import ALREADY_RUNNING, NOT_DUE
from secondme.jobs.wiring import PIPELINE, context_steps
from secondme.paths import Paths
from secondme.settings import Settings
from secondme.store import Store
from secondme.vault import Vault

PARIS = ZoneInfo("Europe/Paris")
PASS = "correct horse battery staple"


# --- steps shared with test_jobs_process.py (its child processes import them) ----------------
def executions(store: Store, name: str) -> int:
    v = store.scalar("SELECT value FROM meta WHERE key = ?", (f"test.exec.{name}",))
    return int(v or 0)


def items(store: Store, name: str) -> tuple[int, int]:
    """(rows, distinct rows) the step ``name`` wrote: equal unless something was duplicated."""
    row = store.query("SELECT COUNT(*), COUNT(DISTINCT content_hash) FROM memories WHERE content_hash LIKE ?",
                      (f"test:{name}:%",))[0]
    return int(row[0]), int(row[1])


def writer_step(store: Store, name: str, n: int, *,
                each: Callable[[int, threading.Event], None] | None = None) -> Step:
    """A step writing ``n`` memories, one committed transaction each, skipping existing ones."""

    def fn(progress: Callable[..., None], cancel: threading.Event) -> dict[str, Any]:
        with store.write() as w:
            w.execute("INSERT INTO meta (key, value) VALUES (?, '1') ON CONFLICT(key) DO UPDATE "
                      "SET value = CAST(value AS INTEGER) + 1", (f"test.exec.{name}",))
        added = 0
        for i in range(n):
            if cancel.is_set():
                raise Cancelled(f"{name} cancelled")
            key = f"test:{name}:{i}"
            with store.write() as w:
                if w.execute("SELECT 1 FROM memories WHERE content_hash = ?", (key,)).fetchone() is None:
                    w.insert("memories", {"kind": "fact", "created_at": float(i), "content_hash": key},
                             {"text": f"{name} item {i}"})
                    added += 1
            progress(i + 1, total=n)
            if each is not None:
                each(i, cancel)
        return {"added": added}

    return Step(name, fn)


def three_steps(store: Store, n: int = 3, **each: Callable[[int, threading.Event], None]) -> list[Step]:
    return [writer_step(store, name, n, each=each.get(name)) for name in ("consolidate", "decay", "profile")]


def wait_for(cond: Callable[[], bool], timeout: float = 10.0) -> None:
    end = _time.monotonic() + timeout
    while not cond():
        assert _time.monotonic() < end, "condition not reached in time"
        _time.sleep(0.01)


# --- fixtures ----------------------------------------------------------------------------------
@pytest.fixture
def clock() -> FakeClock:
    # Time moves only when a test says so: background threads just yield when they "sleep".
    return FakeClock(datetime(2024, 6, 10, 9, 0, tzinfo=PARIS), advance_on_sleep=False)


@pytest.fixture
def make_runner(ctx: SecondMe, clock: FakeClock) -> Iterator[Callable[..., JobRunner]]:
    made: list[JobRunner] = []

    def make(steps: list[Step] | None = None, **kw: Any) -> JobRunner:
        st = steps if steps is not None else three_steps(ctx.store)
        args: dict[str, Any] = {"lock_path": ctx.paths.root / "jobs.lock", "clock": clock, "tz": PARIS,
                                "catch_up_delay": 0.0, "tick_seconds": 30.0}
        args.update(kw)
        r = JobRunner(ctx.store, steps=lambda: st, **args)
        made.append(r)
        return r

    yield make
    for r in made:
        r.stop(timeout=10)


def seed_run(store: Store, when: datetime, status: str = "ok", trigger: str = "scheduled") -> int:
    h = JobHistory(store)
    run = h.begin("nightly", trigger, when.timestamp(), [])
    run.status, run.finished_at = status, when.timestamp() + 60
    h.save(run)
    return run.id


# --- tests ----------------------------------------------------------------------------------------
def test_run_now_records_steps_what_changed_and_progress(ctx: SecondMe, make_runner: Any) -> None:
    events: list[dict[str, Any]] = []
    runner = make_runner(on_event=events.append)
    res = runner.run_now(wait=True)
    assert res.started and res.status == "ok"
    [run] = runner.history_list()
    assert run["status"] == "ok" and run["trigger"] == "manual" and run["error"] is None
    assert [s["name"] for s in run["steps"]] == ["consolidate", "decay", "profile"]
    assert all(s["status"] == "ok" and s["duration"] is not None for s in run["steps"])
    assert run["changed"] == {"consolidate": {"added": 3}, "decay": {"added": 3}, "profile": {"added": 3}}
    assert run["finished_at"] is not None and run["step"] is None
    kinds = [(e["event"], e.get("state")) for e in events]
    assert ("step", "running") in kinds and ("progress", None) in kinds
    assert events[-1]["event"] == "finished" and events[-1]["status"] == "ok"
    assert events[-1]["changed"]["decay"] == {"added": 3}
    prog = next(e for e in events if e["event"] == "progress")
    assert prog["step"] == "consolidate" and prog["total"] == 3 and prog["done"] == 1
    # The sealed summary is not readable in the raw database file.
    raw = ctx.store.query("SELECT summary FROM job_runs")[0][0]
    assert b"consolidate" not in bytes(raw)

    # A second run: the idempotent steps add nothing, and history says so.
    assert runner.run_now(wait=True).status == "ok"
    latest = runner.history_list(1)[0]
    assert latest["changed"]["consolidate"] == {"added": 0}
    assert items(ctx.store, "consolidate") == (3, 3)


def test_scheduled_fire_through_apscheduler_runs_once(ctx: SecondMe, clock: FakeClock,
                                                        make_runner: Any) -> None:
    seed_run(ctx.store, datetime(2024, 6, 9, 3, 0, 1, tzinfo=PARIS))  # last night ran
    clock.set_wall(datetime(2024, 6, 10, 2, 59, 50, tzinfo=PARIS))
    runner = make_runner()
    asked: list[Any] = []
    orig = runner.run_if_due

    def spy(trigger: str, **kw: Any) -> Any:
        res = orig(trigger, **kw)
        asked.append((trigger, res.status))
        return res

    runner.run_if_due = spy  # type: ignore[method-assign]
    runner.start()
    job = runner.scheduler.get_job("nightly")
    assert job.trigger.at.hour == 3 and str(job.trigger.timezone) == "Europe/Paris"
    assert runner.status()["next_run"] == datetime(2024, 6, 10, 3, 0, tzinfo=PARIS).isoformat()
    wait_for(lambda: ("catch-up", NOT_DUE) in asked)  # at start: last night was handled

    clock.set_wall(datetime(2024, 6, 10, 3, 0, 0, 5000, tzinfo=PARIS))
    job.modify(next_run_time=datetime.now(PARIS) + timedelta(seconds=0.05))  # fire for real
    wait_for(lambda: ("scheduled", "started") in asked)
    assert runner.wait(10)
    # A second fire for the same night (e.g. the repeated hour of a fall-back night).
    job.modify(next_run_time=datetime.now(PARIS) + timedelta(seconds=0.05))
    wait_for(lambda: len([a for a in asked if a[0] == "scheduled"]) == 2)
    assert asked[-1] == ("scheduled", NOT_DUE)
    runs = runner.history_list()
    assert [(r["trigger"], r["status"]) for r in runs] == [("scheduled", "ok"), ("scheduled", "ok")]
    assert executions(ctx.store, "consolidate") == 1
    # After firing, APScheduler moved on to the next 03:00 to come. (Comparing dates failed
    # between midnight and 03:00 in Paris, when the next 03:00 is later the same day.)
    nxt = runner.scheduler.get_job("nightly").next_run_time
    assert nxt > datetime.now(PARIS) and (nxt.hour, nxt.minute) == (3, 0)


def test_missed_nights_lead_to_exactly_one_catch_up_run(ctx: SecondMe, clock: FakeClock,
                                                        make_runner: Any) -> None:
    seed_run(ctx.store, datetime(2024, 6, 5, 3, 0, 1, tzinfo=PARIS))  # then closed for 4 nights
    clock.set_wall(datetime(2024, 6, 9, 8, 0, tzinfo=PARIS))
    runner = make_runner()
    assert runner.due() == datetime(2024, 6, 9, 3, 0, tzinfo=PARIS)
    runner.start()
    wait_for(lambda: len(runner.history_list()) == 2)
    assert runner.wait(10)
    _time.sleep(0.2)  # the ticker keeps ticking; nothing else may start
    assert runner.run_if_due("catch-up").status == NOT_DUE
    runner.stop()
    # Restart later the same day: still nothing owed.
    clock.advance(3 * 3600)
    again = make_runner()
    again.start()
    _time.sleep(0.2)
    runs = again.history_list()
    assert [(r["trigger"], r["status"]) for r in runs] == [("catch-up", "ok"), ("scheduled", "ok")]
    assert executions(ctx.store, "consolidate") == 1
    assert items(ctx.store, "consolidate") == (3, 3)
    assert again.status()["catch_up_due"] is False


def test_wake_from_sleep_catches_up_once(ctx: SecondMe, clock: FakeClock, make_runner: Any) -> None:
    seed_run(ctx.store, datetime(2024, 6, 10, 3, 0, 1, tzinfo=PARIS))
    clock.set_wall(datetime(2024, 6, 10, 23, 0, tzinfo=PARIS))
    runner = make_runner()
    runner.start()
    _time.sleep(0.1)
    assert len(runner.history_list()) == 1  # nothing owed at start
    clock.suspend(9 * 3600)  # lid closed at 23:00, opened at 08:00: 03:00 was missed
    wait_for(lambda: len(runner.history_list()) == 2)
    assert runner.wait(10)
    assert runner.history_list(1)[0]["trigger"] == "wake"
    clock.suspend(600)  # a short nap the same morning: no new night has begun
    _time.sleep(0.2)
    assert len(runner.history_list()) == 2
    assert executions(ctx.store, "consolidate") == 1


def test_a_night_the_scheduler_did_not_fire_is_caught_up_by_the_ticker(
        ctx: SecondMe, clock: FakeClock, make_runner: Any) -> None:
    # E.g. Windows, where the monotonic clock may count suspend (no gap), or a misfire.
    seed_run(ctx.store, datetime(2024, 6, 10, 3, 0, 1, tzinfo=PARIS))
    clock.set_wall(datetime(2024, 6, 10, 23, 0, tzinfo=PARIS))
    runner = make_runner()
    runner.start()
    _time.sleep(0.1)
    clock.advance(4 * 3600 + 60)  # 03:01: still the scheduler's to fire, the ticker waits
    _time.sleep(0.1)
    assert len(runner.history_list()) == 1
    clock.advance(3600)  # 04:01 and nothing fired
    wait_for(lambda: len(runner.history_list()) == 2)
    assert runner.wait(10)
    _time.sleep(0.1)
    assert [r["trigger"] for r in runner.history_list()] == ["catch-up", "scheduled"]


def test_cancel_stops_within_seconds_and_leaves_consistent_state(ctx: SecondMe, make_runner: Any) -> None:
    slow = threading.Event()
    slow.set()

    def each(i: int, cancel: threading.Event) -> None:
        if slow.is_set():
            cancel.wait(0.005)

    runner = make_runner(three_steps(ctx.store, n=60, consolidate=each))
    res = runner.run_now()
    assert res.started
    wait_for(lambda: items(ctx.store, "consolidate")[0] >= 5)
    t0 = _time.monotonic()
    assert runner.cancel()
    assert runner.wait(5)
    assert _time.monotonic() - t0 < 2.0
    run = runner.history.get(res.run_id)
    assert run.status == "cancelled" and run.finished_at is not None
    assert [s["status"] for s in run.steps] == ["cancelled", "cancelled", "cancelled"]
    assert ctx.store.scalar("SELECT COUNT(*) FROM job_runs WHERE status = 'running'") == 0
    written, distinct = items(ctx.store, "consolidate")
    assert written == distinct and 5 <= written < 60  # each item committed whole, none twice
    assert items(ctx.store, "decay") == (0, 0)
    assert not runner.lock.held and not runner.running
    # Cancelled settles the night (the person chose it); the next run picks the work up.
    assert runner.due() is None
    slow.clear()
    assert runner.run_now(wait=True).status == "ok"
    assert items(ctx.store, "consolidate") == (60, 60)


def test_next_run_resumes_after_the_steps_already_done(ctx: SecondMe, make_runner: Any) -> None:
    in_decay = threading.Event()

    def block(i: int, cancel: threading.Event) -> None:
        in_decay.set()
        cancel.wait(10)

    runner = make_runner(three_steps(ctx.store, n=3, decay=block))
    first = runner.run_now()
    assert in_decay.wait(5)
    runner.cancel()
    assert runner.wait(5)
    runner2 = make_runner(three_steps(ctx.store, n=3))
    res = runner2.run_now(wait=True)
    assert res.status == "ok" and res.run is not None
    assert res.run.resumed_from == first.run_id
    assert [s["status"] for s in res.run.steps] == ["skipped", "ok", "ok"]
    assert res.run.steps[0]["note"] == f"done by run #{first.run_id}"
    assert [executions(ctx.store, n) for n in ("consolidate", "decay", "profile")] == [1, 2, 1]
    assert items(ctx.store, "decay") == (3, 3)


def test_a_step_reported_skipped_is_already_stored_so(ctx: SecondMe, make_runner: Any) -> None:
    """A kill right after 'consolidate: skipped' is reported must not bring it back as pending."""
    in_decay = threading.Event()

    def block(i: int, cancel: threading.Event) -> None:
        in_decay.set()
        cancel.wait(10)

    first = make_runner(three_steps(ctx.store, n=2, decay=block))
    first.run_now()
    assert in_decay.wait(5)
    first.cancel()
    assert first.wait(5)
    stored_at_report: list[str] = []
    history = JobHistory(ctx.store)

    def on_event(ev: dict[str, Any]) -> None:
        if ev.get("event") == "step" and ev.get("state") == "skipped":
            run = history.get(ev["run_id"])
            assert run is not None
            stored_at_report.append(run.steps[ev["index"]]["status"])

    res = make_runner(three_steps(ctx.store, n=2), on_event=on_event).run_now(wait=True)
    assert res.status == "ok"
    assert stored_at_report == ["skipped"]


def test_pauses_between_steps_while_the_person_is_active(ctx: SecondMe, clock: FakeClock,
                                                          make_runner: Any) -> None:
    idle = [0.0]  # seconds since the last input: active
    events: list[dict[str, Any]] = []
    runner = make_runner(activity=lambda: idle[0], idle_seconds=120, on_event=events.append)
    res = runner.run_if_due("catch-up")
    assert res.started
    wait_for(lambda: any(e["event"] == "paused" for e in events))
    _time.sleep(0.05)
    assert executions(ctx.store, "consolidate") == 0 and runner.status()["paused"] is True
    assert runner.status()["running"] is True
    idle[0] = 600.0  # the person walked away
    assert runner.wait(10)
    assert runner.history.get(res.run_id).status == "ok"
    assert any(e["event"] == "resumed" for e in events)
    # "Run now" is the person's own request: it never pauses.
    idle[0] = 0.0
    assert runner.run_now(wait=True).status == "ok"
    # And the setting turns pausing off (next night, the person still at the keyboard).
    clock.advance(24 * 3600)
    off = make_runner(activity=lambda: 0.0, pause_when_active=lambda: False)
    assert off.run_if_due("wake", wait=True).status == "ok"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread priority is Linux-only")
def test_worker_thread_runs_at_lower_priority_but_the_caller_does_not(ctx: SecondMe, make_runner: Any) -> None:
    seen: dict[str, int] = {}

    def probe(progress: Any, cancel: threading.Event) -> dict[str, Any]:
        seen["worker"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        return {}

    caller = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    process = os.getpriority(os.PRIO_PROCESS, 0)
    runner = make_runner([Step("probe", probe)])
    assert runner.run_now(wait=True).status == "ok"
    assert seen["worker"] == min(19, caller + 10)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == caller
    assert os.getpriority(os.PRIO_PROCESS, 0) == process


def test_a_failing_step_is_recorded_and_the_others_still_run(ctx: SecondMe, make_runner: Any) -> None:
    def boom(progress: Any, cancel: threading.Event) -> dict[str, Any]:
        raise RuntimeError("boom")

    steps = three_steps(ctx.store)
    runner = make_runner([steps[0], Step("decay", boom), steps[2]])
    res = runner.run_now(wait=True)
    assert res.status == "failed"
    run = runner.history_list(1)[0]
    assert [s["status"] for s in run["steps"]] == ["ok", "failed", "ok"]
    assert run["error"] == "decay: RuntimeError: boom"
    assert runner.due() is not None  # a failed night is owed again at the next start or wake
    # The retry resumes at the failed step.
    ok = make_runner(steps).run_now(wait=True)
    assert ok.status == "ok" and ok.run is not None
    assert [s["status"] for s in ok.run.steps] == ["skipped", "ok", "skipped"]


def test_recover_marks_dead_runs_interrupted_only_when_nobody_holds_the_lock(
        ctx: SecondMe, make_runner: Any) -> None:
    h = JobHistory(ctx.store)
    dead = h.begin("nightly", "scheduled", datetime(2024, 6, 10, 3, 0, tzinfo=PARIS).timestamp(), ["decay"])
    dead.step = "decay"
    dead.steps[0]["status"] = "running"
    h.save(dead)
    other = RunLock(ctx.paths.root / "jobs.lock")  # another holder: its run is alive
    assert other.try_acquire()
    runner = make_runner()
    try:
        assert runner.recover() == 0
        st = runner.status()
        assert st["running"] and st["running_elsewhere"]
        assert runner.run_now().status == ALREADY_RUNNING
    finally:
        other.release()
    assert runner.recover() == 1
    rec = h.get(dead.id)
    assert rec is not None and rec.status == "interrupted" and rec.steps[0]["status"] == "interrupted"
    assert rec.error is not None and "decay" in rec.error
    assert runner.status()["running"] is False


def test_run_now_after_a_crash_resumes_without_a_scheduler_start(ctx: SecondMe, make_runner: Any) -> None:
    # The `secondme jobs run` path: no start(), so the run itself recovers the dead row.
    h = JobHistory(ctx.store)
    dead = h.begin("nightly", "scheduled", datetime(2024, 6, 10, 3, 0, tzinfo=PARIS).timestamp(),
                   ["consolidate", "decay", "profile"])
    dead.steps[0]["status"], dead.steps[1]["status"], dead.step = "ok", "running", "decay"
    h.save(dead)
    res = make_runner().run_now(wait=True)
    assert res.status == "ok" and res.run is not None and res.run.resumed_from == dead.id
    assert [s["status"] for s in res.run.steps] == ["skipped", "ok", "ok"]
    rec = h.get(dead.id)
    assert rec is not None and rec.status == "interrupted"


class _MemorySteps:
    """The nightly steps of ``ctx.memory``, writing real rows (consolidate) or reporting (decay)."""

    def __init__(self, ctx: SecondMe) -> None:
        self._ctx = ctx

    def consolidate(self, progress: Any = None, cancel: threading.Event | None = None) -> dict[str, Any]:
        fn = writer_step(self._ctx.store, "consolidate", 2).fn
        return dict(fn(progress or (lambda *a, **k: None), cancel or threading.Event()) or {})

    def decay(self, now: float | None = None) -> dict[str, Any]:
        return {"faded": 1}


class _ProfileSteps:
    def build(self, progress: Any = None, cancel: threading.Event | None = None) -> dict[str, Any]:
        return {"fields": 0}


class JobsCtx(SecondMe):
    """A context whose memory and profile services are the pipeline's steps alone (no embedder)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.memory = _MemorySteps(self)  # type: ignore[assignment]
        self.profile = _ProfileSteps()  # type: ignore[assignment]


def test_context_facade_wiring_and_lifecycle(data_dir: Path) -> None:
    paths = Paths.at(data_dir)
    ctx = JobsCtx(paths, Settings(), Vault(paths.vault_file, None))
    ctx.init(PASS)
    try:
        assert [s.name for s in context_steps(ctx)] == ["consolidate", "decay", "profile"]
        plain = context_steps(SecondMe(paths, Settings(), Vault(paths.vault_file, None)))
        assert [s.name for s in plain] == list(PIPELINE)
        got: list[Any] = []
        ctx.subscribe(lambda ev: got.append(ev) if ev.kind == "job.progress" else None)
        res = ctx.jobs.run_now(wait=True)
        assert res["status"] == "ok"
        assert res["run"]["changed"] == {"consolidate": {"added": 2}, "decay": {"faded": 1},
                                         "profile": {"fields": 0}}
        assert got and got[-1].data["event"] == "finished"
        assert ctx.jobs.history(5)[0]["id"] == res["run_id"]
        st = ctx.jobs.status()
        assert st["last_run"]["status"] == "ok" and st["running"] is False and st["scheduled"] is False
        assert ctx.jobs.cancel() is False
        ctx.jobs.start()
        assert ctx.jobs.runner.scheduled
        runner = ctx.jobs.runner
        ctx.lock()
        assert not runner.scheduled and ctx.jobs.current_runner is None
        ctx.unlock(PASS)
        assert ctx.jobs.runner.scheduled and ctx.jobs.runner is not runner  # started again after unlock
    finally:
        ctx.close()


def test_reschedule_applies_a_changed_time_and_a_bad_value_falls_back(ctx: SecondMe, make_runner: Any) -> None:
    value = ["03:00"]
    runner = make_runner(nightly_time=lambda: value[0])
    runner.start()
    value[0] = "22:15"
    runner.reschedule()
    trig = runner.scheduler.get_job("nightly").trigger
    assert (trig.at.hour, trig.at.minute) == (22, 15)
    assert runner.status()["next_run"] == datetime(2024, 6, 10, 22, 15, tzinfo=PARIS).isoformat()
    value[0] = "25:99"  # hand-edited settings file: keep working at the default
    assert runner.status()["nightly_time"] == "03:00"


def test_progress_arguments_become_flat_event_data() -> None:
    from secondme.jobs.pipeline import progress_data

    assert progress_data(("facts", 3, 10), {}) == {"message": "facts", "done": 3, "total": 10}
    assert progress_data((0.5,), {"stage": "x"}) == {"fraction": 0.5, "stage": "x"}
    assert progress_data(({"added": 1},), {}) == {"added": 1}

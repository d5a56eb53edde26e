"""Running the steps of one pipeline run: progress, pause, cancel, per-step history.

A step is any callable ``fn(progress, cancel) -> dict | None``: ``progress`` accepts whatever
the step likes to report (a fraction, counts, a message, a dict) and ``cancel`` is a
``threading.Event`` the step should check between units of work (raising
:class:`~secondme.errors.Cancelled` or simply returning early). The returned dict says what
changed (e.g. ``{"added": 3, "merged": 1}``) and is kept in the run's history.

Steps must be idempotent: a run that was killed, cancelled or failed is resumed by running the
unfinished steps again from the start.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from secondme.errors import Cancelled
from secondme.jobs.clock import Clock
from secondme.jobs.history import (
    CANCELLED,
    FAILED,
    OK,
    PENDING,
    RUNNING,
    SKIPPED,
    JobHistory,
    RunRecord,
)

log = logging.getLogger("secondme.jobs")



class JobEvent(StrEnum):
    """What a run reports to its listener, in the ``"event"`` item of each report."""

    STEP = "step"  # a step started or ended: step, index, steps, state (a JobStatus)
    PROGRESS = "progress"  # a step's own progress (see progress_data)
    PAUSED = "paused"  # held between steps while the person uses the machine
    RESUMED = "resumed"
    FINISHED = "finished"  # the run ended: status, changed, error, duration


ProgressFn = Callable[..., None]
StepFn = Callable[[ProgressFn, threading.Event], Mapping[str, Any] | None]
Emit = Callable[[dict[str, Any]], None]

# While the person is active, look again this often (fake time in tests).
PAUSE_POLL_SECONDS = 5.0
# At most this many step progress events per second reach listeners (a step may report per item).
PROGRESS_MIN_INTERVAL = 0.1


@dataclass(frozen=True)
class Step:
    """One named unit of the pipeline (see the module docstring for ``fn``)."""

    name: str
    fn: StepFn


def progress_data(args: Sequence[Any], kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """Turn whatever a step passed to ``progress`` into a flat dict for listeners."""
    data: dict[str, Any] = {}
    counts = iter(("done", "total"))  # progress("facts", 3, 10): the ints are done, then total
    for a in args:
        if isinstance(a, Mapping):
            data.update(a)
        elif dataclasses.is_dataclass(a) and not isinstance(a, type):
            data.update(dataclasses.asdict(a))
        elif isinstance(a, bool):
            data["flag"] = a
        elif isinstance(a, float) and 0.0 <= a <= 1.0:
            data["fraction"] = a
        elif isinstance(a, (int, float)):
            data[next(counts, "detail")] = a
        elif isinstance(a, str):
            data["message"] = a
        elif a is not None:
            data["detail"] = str(a)
    data.update(kwargs)
    return data


class Pipeline:
    """Executes steps for one run record, saving the record after every step."""

    def __init__(self, history: JobHistory, clock: Clock, emit: Emit,
                 is_active: Callable[[], bool]) -> None:
        """``emit`` receives progress events; while ``is_active()`` (the person uses the machine)
        the run is held between steps."""
        self.history = history
        self.clock = clock
        self.emit = emit
        self.is_active = is_active

    def execute(self, run: RunRecord, steps: Sequence[Step], cancel: threading.Event, *,
                done_before: set[str] | None = None, may_pause: bool = True) -> RunRecord:
        """Run ``steps`` (skipping ``done_before``); returns ``run`` in its final state."""
        done_before = done_before or set()
        total = len(steps)
        try:
            for i, step in enumerate(steps):
                rec = run.steps[i]
                if step.name in done_before:
                    rec.update(status=SKIPPED, error=None)
                    rec["note"] = f"done by run #{run.resumed_from}"
                    # Saved before it is reported: a step said to be done must still read done
                    # if the process dies before the next step's save.
                    self.history.save(run)
                    self._event(run, JobEvent.STEP, step=step.name, index=i, steps=total, state=SKIPPED)
                    continue
                if cancel.is_set() or (may_pause and self._wait_while_active(run, step.name, cancel)):
                    break
                self._run_step(run, i, step, cancel, total)
                if cancel.is_set():
                    break
        finally:
            self._finish(run, cancel)
        return run

    # --- one step ----------------------------------------------------------------------------
    def _run_step(self, run: RunRecord, i: int, step: Step, cancel: threading.Event, total: int) -> None:
        rec = run.steps[i]
        rec.update(status=RUNNING, started_at=self.clock.now().timestamp(), error=None)
        run.step = step.name
        self.history.save(run)  # a crash from here on is reported against this step
        self._event(run, JobEvent.STEP, step=step.name, index=i, steps=total, state=RUNNING)
        last_emit = [float("-inf")]

        def progress(*args: Any, **kwargs: Any) -> None:
            now = self.clock.monotonic()
            if now - last_emit[0] < PROGRESS_MIN_INTERVAL:
                return
            last_emit[0] = now
            self._event(run, JobEvent.PROGRESS, **{**progress_data(args, kwargs),
                                            "step": step.name, "index": i, "steps": total})

        t0 = self.clock.monotonic()
        try:
            changed = step.fn(progress, cancel)
            rec.update(status=OK, changed=dict(changed or {}))
        except Cancelled:
            rec.update(status=CANCELLED)
        except Exception as exc:
            # Our bug or the environment's: logged with its traceback, kept in history, and the
            # remaining steps still run (decay and the profile do not need consolidation).
            log.exception("job step %s failed", step.name)
            rec.update(status=FAILED, error=f"{type(exc).__name__}: {exc}")
        rec["duration"] = round(self.clock.monotonic() - t0, 3)
        self.history.save(run)
        self._event(run, JobEvent.STEP, step=step.name, index=i, steps=total, state=rec["status"],
                    changed=rec.get("changed") or {}, duration=rec["duration"])

    def _wait_while_active(self, run: RunRecord, step: str, cancel: threading.Event) -> bool:
        """Hold the run between steps while the person uses the machine; True if cancelled."""
        paused = False
        while self.is_active():
            if not paused:
                paused = True
                log.info("job run #%d paused: the computer is in use", run.id)
                self._event(run, JobEvent.PAUSED, step=step)
            if self.clock.sleep(PAUSE_POLL_SECONDS, cancel):
                return True
        if paused:
            self._event(run, JobEvent.RESUMED, step=step)
        return cancel.is_set()

    # --- the end -----------------------------------------------------------------------------
    def _finish(self, run: RunRecord, cancel: threading.Event) -> None:
        states = [s["status"] for s in run.steps]
        if all(s in (OK, SKIPPED) for s in states):
            run.status = OK
        elif cancel.is_set() or CANCELLED in states:
            run.status = CANCELLED
        else:
            run.status = FAILED
        if run.status == CANCELLED:
            for s in run.steps:
                if s["status"] == PENDING:
                    s["status"] = CANCELLED
        errors = [f"{s['name']}: {s['error']}" for s in run.steps if s.get("error")]
        run.error = "; ".join(errors) or None
        run.step = None
        run.finished_at = self.clock.now().timestamp()
        self.history.save(run)
        self._event(run, JobEvent.FINISHED, status=run.status, changed=run.changed, error=run.error,
                    duration=run.duration)

    def _event(self, run: RunRecord, state: JobEvent, /, **data: Any) -> None:
        self.emit({"run_id": run.id, "job": run.job, "trigger": run.trigger, "event": state, **data})

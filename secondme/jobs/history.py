"""Run history in the encrypted store (table ``job_runs``).

Plain columns hold only what the scheduler must filter on (job name, status, times, the step
running now); what changed and error texts can name the person's content, so they live in the
sealed ``summary`` (JSON) and ``error`` (text) columns.

Statuses: ``running``, ``ok``, ``failed``, ``cancelled`` and ``interrupted`` (the process died
during the run: found ``running`` at the next start while nobody held the run lock).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from secondme.store import Store
from secondme.store.db import Writer
from secondme.store.repos.jobs import JobRun, JobRuns

log = logging.getLogger("secondme.jobs")



class JobStatus(StrEnum):
    """The status of a run and of each of its steps; the values are what the store holds."""

    RUNNING = "running"
    OK = "ok"
    FAILED = "failed"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"  # a run only: the process died while it ran
    SKIPPED = "skipped"  # a step only: done by the run this one resumes
    PENDING = "pending"  # a step only: not reached yet


RUNNING, OK, FAILED, CANCELLED, INTERRUPTED = (JobStatus.RUNNING, JobStatus.OK, JobStatus.FAILED,
                                               JobStatus.CANCELLED, JobStatus.INTERRUPTED)
SKIPPED, PENDING = JobStatus.SKIPPED, JobStatus.PENDING
# Runs that settle a scheduled night: a cancel is the person's choice, so it is not retried
# behind their back; failed and interrupted runs are owed again at the next start or wake.
HANDLED = (OK, CANCELLED)


def _iso(ts: float | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC).isoformat()


@dataclass
class RunRecord:
    """One pipeline run as stored; ``steps`` are dicts (name, status, started_at, duration,
    changed, error)."""

    id: int
    job: str
    status: JobStatus
    started_at: float
    finished_at: float | None = None
    step: str | None = None
    trigger: str = "manual"
    steps: list[dict[str, Any]] = field(default_factory=list)
    resumed_from: int | None = None
    error: str | None = None

    @property
    def changed(self) -> dict[str, Any]:
        """What each step changed, by step name (steps that changed nothing are left out)."""
        return {s["name"]: s["changed"] for s in self.steps if s.get("changed")}

    @property
    def duration(self) -> float | None:
        """Seconds the run took (milliseconds kept), or None while it runs."""
        return None if self.finished_at is None else round(self.finished_at - self.started_at, 3)

    def summary(self) -> dict[str, Any]:
        """What is stored in the row's summary column: trigger, steps and the run it resumed."""
        return {"trigger": self.trigger, "steps": self.steps, "resumed_from": self.resumed_from}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (times as ISO 8601 UTC) for the CLI and the UI."""
        return {
            "id": self.id, "job": self.job, "status": self.status, "trigger": self.trigger,
            "started_at": _iso(self.started_at), "finished_at": _iso(self.finished_at),
            "duration": self.duration, "step": self.step,
            "steps": [{**st, "started_at": _iso(st.get("started_at"))} for st in self.steps],
            "changed": self.changed, "resumed_from": self.resumed_from, "error": self.error,
        }


def _record(run: JobRun) -> RunRecord:
    summary = run.summary
    return RunRecord(
        id=run.id, job=run.job, status=JobStatus(run.status), started_at=run.started_at,
        finished_at=run.finished_at,
        step=run.step, trigger=str(summary.get("trigger", "manual")),
        steps=list(summary.get("steps", [])), resumed_from=summary.get("resumed_from"), error=run.error,
    )


class JobHistory:
    """Reads and writes ``job_runs`` rows."""

    def __init__(self, store: Store) -> None:
        """Run rows are read and written through ``store``."""
        self.store = store
        self._runs_repo = JobRuns(store)

    # --- writing ---------------------------------------------------------------------------
    def begin(self, job: str, trigger: str, started_at: float, step_names: list[str],
              resumed_from: int | None = None) -> RunRecord:
        """Insert a ``running`` row. Call only while holding the run lock."""
        run = RunRecord(0, job, RUNNING, started_at, trigger=trigger, resumed_from=resumed_from,
                        steps=[{"name": n, "status": PENDING, "started_at": None, "duration": None,
                                "changed": {}, "error": None} for n in step_names])
        with self.store.write() as w:
            self._recover(w, job)
            run.id = JobRuns.insert(w, job, RUNNING, started_at, run.summary())
        return run

    def save(self, run: RunRecord) -> None:
        """Write the run's current state (after every step, so a crash loses at most one)."""
        with self.store.write() as w:
            JobRuns.update(w, run.id, {"status": run.status, "step": run.step, "finished_at": run.finished_at},
                           run.summary(), run.error)

    def recover(self, job: str) -> int:
        """Mark ``running`` rows as interrupted. Call only while holding the run lock: then no
        process can be running, so such rows were left by one that died."""
        with self.store.write() as w:
            return self._recover(w, job)

    def _recover(self, w: Writer, job: str) -> int:
        rows = JobRuns.ids_with_status(w, job, RUNNING)
        for rid in rows:
            rec = self.get(rid)
            if rec is None:
                continue
            for s in rec.steps:
                if s["status"] == RUNNING:
                    s["status"] = INTERRUPTED
            where = f" during step {rec.step!r}" if rec.step else ""
            rec.status = INTERRUPTED
            rec.error = f"interrupted: the app stopped{where} (it is re-run by the next run)"
            JobRuns.update(w, rec.id, {"status": INTERRUPTED}, rec.summary(), rec.error)
            log.warning("job run #%d was interrupted%s; the next run resumes it", rec.id, where)
        return len(rows)

    # --- reading ---------------------------------------------------------------------------
    def get(self, run_id: int) -> RunRecord | None:
        """One run by id, or None."""
        run = self._runs_repo.get(run_id)
        return None if run is None else _record(run)

    def recent(self, job: str | None = None, limit: int = 20) -> list[RunRecord]:
        """Most recent first."""
        return [_record(r) for r in self._runs_repo.newest(job or None, limit)]

    def latest(self, job: str) -> RunRecord | None:
        """The most recent run of ``job``, whatever its status, or None."""
        runs = self.recent(job, 1)
        return runs[0] if runs else None

    def last_handled_start(self, job: str) -> datetime | None:
        """Start of the most recent run that settles a scheduled night (see ``HANDLED``)."""
        runs = self._runs_repo.newest(job, 1, HANDLED)
        return datetime.fromtimestamp(runs[0].started_at, UTC) if runs else None

    def last_ok(self, job: str) -> RunRecord | None:
        """The most recent run of ``job`` that finished ``ok``, or None."""
        runs = self._runs_repo.newest(job, 1, (OK,))
        return _record(runs[0]) if runs else None

    def resume_point(self, job: str, not_before: datetime) -> tuple[int, set[str]] | None:
        """The unfinished run to resume and the steps it already completed.

        Only the latest run counts, only if it did not finish ``ok`` and started at or after
        ``not_before`` (the last scheduled instant): once a new night has begun, new notes and
        memories have arrived, so every step runs again.
        """
        last = self.latest(job)
        if last is None or last.status in (OK, RUNNING) or last.started_at < not_before.timestamp():
            return None
        done = {s["name"] for s in last.steps if s["status"] in (OK, SKIPPED)}
        return (last.id, done) if done else None

"""Job runs (table ``job_runs``): the plain job, status, day and step; the summary and error
sealed, the exact times in ``exact``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from secondme.store.db import Writer
from secondme.store.repos.base import Repository, newest_first, placeholders
from secondme.store.rows import Row


@dataclass(frozen=True, slots=True)
class JobRun:
    """One stored run, opened once."""

    id: int
    job: str
    status: str
    started_at: float
    finished_at: float | None
    step: str | None
    summary: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


def _run(row: Row) -> JobRun:
    return JobRun(row.id, str(row["job"]), str(row["status"]), float(row["started_at"]),
                  None if row.get("finished_at") is None else float(row["finished_at"]),
                  row.get("step"), dict(row.get("summary", {}) or {}), row.get("error"))


class JobRuns(Repository):
    """The ``job_runs`` table."""

    table = "job_runs"

    def get(self, run_id: int) -> JobRun | None:
        """Job run ``run_id``, or None."""
        row = self._store.get("job_runs", run_id)
        return None if row is None else _run(row)

    def newest(self, job: str | None = None, limit: int = 20, statuses: Sequence[str] | None = None) -> list[JobRun]:
        """The latest runs (of ``job``, with one of ``statuses``), newest first.

        Plain SQL has only the day a run started (the exact times are sealed: they say when the
        machine was on); ``newest_first`` settles the order within a day.
        """
        where, params = ["1"], []
        if job is not None:
            where.append("job = ?")
            params.append(job)
        if statuses is not None:
            where.append(f"status IN ({placeholders(len(statuses))})")
            params.extend(statuses)
        rows = newest_first(self._store, "job_runs", " AND ".join(where), params, int(limit), "started_at",
                            lambda row: (float(row["started_at"]), row.id))
        return [_run(r) for r in rows]

    @staticmethod
    def insert(w: Writer, job: str, status: str, started_at: float, summary: dict[str, Any]) -> int:
        """Add a job run inside ``w``, its summary sealed; returns its id."""
        return w.insert("job_runs", {"job": job, "status": status, "started_at": started_at}, {"summary": summary})

    @staticmethod
    def update(w: Writer, run_id: int, plain: dict[str, Any], summary: dict[str, Any], error: str | None) -> None:
        """Inside ``w``: ``plain`` holds any of status, step, finished_at."""
        w.update("job_runs", run_id, plain, {"summary": summary, "error": error})

    @staticmethod
    def ids_with_status(w: Writer, job: str, status: str) -> list[int]:
        """Inside ``w``: the runs of ``job`` in ``status``."""
        return [int(r[0]) for r in w.execute("SELECT id FROM job_runs WHERE job = ? AND status = ?",
                                             (job, status)).fetchall()]

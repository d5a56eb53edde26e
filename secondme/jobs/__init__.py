"""Nightly jobs: consolidation → decay → profile, scheduled, caught up, single-flight."""

from secondme.jobs.clock import Clock, FakeClock, SystemClock
from secondme.jobs.history import JobHistory, RunRecord
from secondme.jobs.lock import RunLock
from secondme.jobs.pipeline import Step
from secondme.jobs.runner import JobRunner, RunStart

__all__ = ["Clock", "FakeClock", "JobHistory", "JobRunner", "RunLock", "RunRecord", "RunStart",
           "Step", "SystemClock"]

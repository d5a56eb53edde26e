"""``ctx.jobs``: the nightly pipeline (consolidate → decay → profile) and its runner."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from secondme.app import SecondMe
    from secondme.jobs.runner import JobRunner


class JobsService:
    """Schedule, run, cancel and report the nightly pipeline.

    The runner is bound to the store, so it lives for one unlock: made on first use, stopped
    and dropped on lock, and started again after unlock when :meth:`start` was asked for."""

    def __init__(self, core: SecondMe) -> None:
        """Over ``core``: the runner stops on lock and starts again on unlock once :meth:`start` was called.
        Over ``core``: the runner stops on lock and starts again on unlock once :meth:`start` was called."""
        self._core = core
        self._lock = threading.RLock()
        self._runner: JobRunner | None = None
        self._autostart = False
        core.on_lock(self._on_lock)
        core.on_unlock(self._on_unlock)

    @property
    def runner(self) -> JobRunner:
        """The :class:`secondme.jobs.JobRunner` of the unlocked store (created on first use)."""
        from secondme.jobs.wiring import runner_for

        with self._lock:
            if self._runner is None:
                self._runner = runner_for(self._core)  # ctx.store raises VaultLocked when locked
            return self._runner

    @property
    def current_runner(self) -> JobRunner | None:
        """The runner if one was made during this unlock (None when locked or never used)."""
        return self._runner

    def start(self) -> None:
        """Schedule the nightly job (the long-running app calls this; one-shot CLI commands
        do not, so they never start a catch-up run). Re-applied after every unlock."""
        self._autostart = True
        if self._core.unlocked:
            self.runner.start()

    def run_now(self, wait: bool = False) -> dict[str, Any]:
        """Run the pipeline now; ``status`` is ``already running`` when a run is in progress."""
        result: dict[str, Any] = self.runner.run_now(wait=wait).to_dict()
        return result

    def status(self) -> dict[str, Any]:
        """The schedule, the run in progress (if any) and the last run."""
        status: dict[str, Any] = self.runner.status()
        return status

    def history(self, limit: int = 20) -> list[dict[str, Any]]:
        """The last ``limit`` runs, newest first."""
        runs: list[dict[str, Any]] = self.runner.history_list(limit)
        return runs

    def cancel(self) -> bool:
        """Cancel this process's run in progress; True if there was one."""
        runner = self._runner
        return runner is not None and bool(runner.cancel())

    def _on_unlock(self, _core: SecondMe) -> None:
        if self._autostart:
            self.runner.start()

    def _on_lock(self, _core: SecondMe) -> None:
        with self._lock:
            runner, self._runner = self._runner, None
        if runner is not None:
            runner.stop(timeout=15.0)

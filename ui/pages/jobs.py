"""Jobs: the nightly schedule, what is running now (run now, cancel), and past runs."""

from __future__ import annotations

from typing import Any

from secondme.events import EventKind
from secondme.results import IndexProgress
from ui.pages.base import Page
from ui.qt import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSizePolicy,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from ui.services import Services

HISTORY_EMPTY = (
    "No job has run yet. After the nightly job (consolidation → decay → profile) runs, each "
    "run will be listed here with when it started and finished, what it changed and any errors."
)


def describe_progress(p: IndexProgress | None) -> str:
    """What indexing is doing, in words: reading notes (phase 1), then preparing them for search
    by meaning (phase 2, in the background: every note is already searchable by its words)."""
    if p is None:
        return "Nothing is running."
    state = "paused" if p.paused else "running"
    if p.running:
        eta = f", about {int(p.eta_seconds)} s left" if p.eta_seconds is not None else ""
        return (f"Indexing notes ({state}): {p.done} of {p.queued + p.done} files done, "
                f"{p.failed} failed{eta}.")
    if not p.semantic_complete and p.semantic_total:
        return (f"Every note is searchable by its words; preparing search by meaning ({state}): "
                f"{p.semantic_done} of {p.semantic_total} notes ready.")
    return "Nothing is running."


def describe_run(run: dict[str, Any]) -> str:
    """One line for a past run: when, outcome, duration, trigger and what it changed."""
    started = str(run.get("started_at") or "?").replace("T", " ")[:16]
    duration = run.get("duration")
    took = f" in {float(duration):.1f} s" if duration is not None else ""
    changed = run.get("changed") or {}
    what = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in changed.items() if v) if isinstance(changed, dict) else ""
    line = f"{started} — {run.get('status', '?')}{took} ({run.get('trigger', '?')})"
    if what:
        line += f": {what}"
    if run.get("error"):
        line += f" — error: {run['error']}"
    return line


def describe_status(status: dict[str, Any]) -> str:
    """One sentence for the status: the run in progress (where, paused, which step) or the next run."""
    if status.get("running"):
        cur = status.get("current") or {}
        run = cur.get("run") if isinstance(cur, dict) else None
        step = (run or {}).get("step") if isinstance(run, dict) else None
        where = " in another Second Me process" if status.get("running_elsewhere") else ""
        paused = " (paused while you are active)" if status.get("paused") else ""
        return f"The nightly job is running{where}{paused}" + (f": {step}." if step else ".")
    nxt = status.get("next_run")
    return "Next run: " + (str(nxt).replace("T", " ")[:16] if nxt else "not scheduled") + "."


class JobsPage(Page):
    """Schedule, activity, "Run now" / "Cancel" and the history of runs."""

    title = "Jobs"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        """Build the schedule, state and activity lines, Run now / Cancel and the run history."""
        super().__init__(services, parent)
        self.schedule = QLabel(self)
        self.schedule.setWordWrap(True)
        self.job_state = QLabel(self)
        self.job_state.setObjectName("jobsState")
        self.activity = QLabel(describe_progress(services.bridge.last_progress), self)
        self.activity.setObjectName("jobsActivity")
        buttons = QHBoxLayout()
        self.run_now = QPushButton("&Run nightly job now", self)
        self.cancel = QPushButton("&Cancel run", self)
        self.cancel.setEnabled(False)
        buttons.addWidget(self.run_now)
        buttons.addWidget(self.cancel)
        buttons.addStretch(1)
        self.history = self.empty_label(HISTORY_EMPTY)
        self.runs = QListWidget(self)
        self.runs.setObjectName("jobsHistory")
        self.runs.setVisible(False)
        card = QFrame(self)
        card.setObjectName("card")
        inner = QVBoxLayout(card)
        inner.setContentsMargins(16, 12, 16, 12)
        for w in (self.schedule, self.job_state, self.activity):
            inner.addWidget(w)
        inner.addLayout(buttons)
        self.layout_.addWidget(card)
        self.history_title = QLabel("Past runs", self)
        self.history_title.setObjectName("sectionTitle")
        self.layout_.addWidget(self.history_title)
        self.layout_.addWidget(self.history)
        self.layout_.addWidget(self.runs, 1)
        # Takes the spare height while there is no history, so the lines above keep their place.
        self._spacer = QWidget(self)
        self._spacer.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.layout_.addWidget(self._spacer, 1)
        self.focus_target = self.run_now
        self.run_now.clicked.connect(self.start_run)
        self.cancel.clicked.connect(self.cancel_run)
        services.bridge.index_progress.connect(self._on_progress)
        services.bridge.core_event.connect(self._on_event)
        # Job steps report often; the page reloads at most twice a second.
        self._reload = QTimer(self)
        self._reload.setSingleShot(True)
        self._reload.setInterval(500)
        self._reload.timeout.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """Show the nightly time, then load the status and the last 20 runs off-thread (when unlocked)."""
        ctx = self.services.ctx
        self.schedule.setText(
            f"The nightly job runs every day at {ctx.settings.nightly_time} "
            "(or at the next start if the computer was off).")
        if not ctx.unlocked:
            return
        self.services.ops.run(lambda: (ctx.jobs.status(), ctx.jobs.history(20)), receiver=self,
                              success=self._show, failure=self._failed)

    def _show(self, loaded: tuple[dict[str, Any], list[dict[str, Any]]]) -> None:
        status, runs = loaded
        self.job_state.setText(describe_status(status))
        running = bool(status.get("running"))
        self.run_now.setEnabled(not running)
        self.cancel.setEnabled(running and not status.get("running_elsewhere"))
        self.runs.clear()
        self.runs.addItems([describe_run(r) for r in runs])
        self.history.setVisible(not runs)
        self.runs.setVisible(bool(runs))
        self._spacer.setVisible(not runs)

    def start_run(self) -> None:
        """Start the nightly job now, off-thread."""
        ctx = self.services.ctx
        self.run_now.setEnabled(False)
        self.job_state.setText("Starting the nightly job…")
        self.services.ops.run(lambda: ctx.jobs.run_now(wait=False), receiver=self,
                              success=self._started, failure=self._failed)

    def _started(self, result: dict[str, Any]) -> None:
        if not result.get("started"):
            self.job_state.setText(f"Not started: {result.get('status', 'unknown reason')}.")
        self.refresh()

    def cancel_run(self) -> None:
        """Cancel the run in progress, then refresh."""
        ctx = self.services.ctx
        self.cancel.setEnabled(False)
        self.services.ops.run(ctx.jobs.cancel, receiver=self, success=lambda _r: self.refresh(),
                              failure=self._failed)

    def _on_event(self, kind: EventKind, data: object) -> None:
        if kind == EventKind.JOB_PROGRESS and not self._reload.isActive():
            self._reload.start()

    def _on_progress(self, p: IndexProgress) -> None:
        self.activity.setText(describe_progress(p))

    def _failed(self, exc: BaseException) -> None:
        if self.show_failure(exc, self.job_state):
            self.run_now.setEnabled(True)

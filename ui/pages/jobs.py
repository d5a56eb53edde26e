"""Jobs: the nightly schedule, what is running now, and the history of past runs."""

from __future__ import annotations

from secondme.results import IndexProgress
from ui.pages.base import Page
from ui.qt import QLabel, QPushButton, QWidget
from ui.services import Services

HISTORY_EMPTY = (
    "No job has run yet. After the nightly job (consolidation → decay → profile) runs, each "
    "run will be listed here with when it started and finished, what it changed and any errors."
)


def describe_progress(p: IndexProgress | None) -> str:
    if p is None or not p.running:
        return "Nothing is running."
    state = "paused" if p.paused else "running"
    eta = f", about {int(p.eta_seconds)} s left" if p.eta_seconds is not None else ""
    return (f"Indexing notes ({state}): {p.done} of {p.queued + p.done} files done, "
            f"{p.failed} failed{eta}.")


class JobsPage(Page):
    """Schedule and activity; "Run now" arrives with the jobs issue."""

    title = "Jobs"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.schedule = QLabel(self)
        self.activity = QLabel(describe_progress(services.bridge.last_progress), self)
        self.activity.setObjectName("jobsActivity")
        self.run_now = QPushButton("&Run nightly job now", self)
        self.run_now.setEnabled(False)
        self.run_now.setToolTip("Coming with the jobs issue")
        self.history = self.empty_label(HISTORY_EMPTY)
        for w in (self.schedule, self.activity, self.run_now, self.history):
            self.layout_.addWidget(w)
        self.layout_.addStretch(1)
        self.focus_target = self.history
        services.bridge.index_progress.connect(self._on_progress)
        self.refresh()

    def refresh(self) -> None:
        self.schedule.setText(
            f"The nightly job runs every day at {self.services.ctx.settings.nightly_time} "
            "(or at the next start if the computer was off).")

    def _on_progress(self, p: IndexProgress) -> None:
        self.activity.setText(describe_progress(p))

"""Production wiring: the nightly pipeline, a static list of steps, and a runner for a context.

The steps call a :class:`PipelineHost` (the ``SecondMe`` context satisfies it, through its
``memory`` and ``profile`` services), so this module
needs nothing from ``secondme.app`` and the jobs package stays below it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from secondme.events import EventKind
from secondme.jobs.pipeline import ProgressFn, Step
from secondme.jobs.runner import JobRunner
from secondme.paths import Paths
from secondme.settings import Settings
from secondme.store import Store


class MemorySteps(Protocol):
    """The nightly steps ``ctx.memory`` runs."""

    def consolidate(self, progress: Callable[[str, int, int], None] | None = None,
                    cancel: threading.Event | None = None) -> Mapping[str, Any]:
        """Derive facts, episodes and links for new memories; return what changed."""

    def decay(self, now: float | None = None) -> Mapping[str, Any]:
        """Fade memories not recalled for a long time; return the counts."""


class ProfileSteps(Protocol):
    """The nightly step ``ctx.profile`` runs."""

    def build(self, progress: Callable[[str, int, int], None] | None = None,
              cancel: threading.Event | None = None) -> Mapping[str, Any]:
        """Rebuild the profile (fields, shades, bios) from memories; return what changed."""


class PipelineHost(Protocol):
    """What the nightly steps and the runner need from the context."""

    @property
    def paths(self) -> Paths:
        """The data folder's paths (the run lock lives there)."""
    @property
    def settings(self) -> Settings:
        """The settings: nightly time and whether to pause while the computer is in use."""
    @property
    def store(self) -> Store:
        """The open store where runs are recorded."""
    @property
    def memory(self) -> MemorySteps:
        """The memory service."""
    @property
    def profile(self) -> ProfileSteps:
        """The profile service."""

    def emit(self, kind: EventKind, /, **data: Any) -> None:
        """Publish an event to the context's subscribers (job progress)."""


# Pipeline order: consolidation makes memories, decay fades old ones, the profile reads both.
PIPELINE: tuple[str, ...] = ("consolidate", "decay", "profile")


def context_steps(ctx: PipelineHost) -> list[Step]:
    """The nightly steps on ``ctx``, in order."""

    def consolidate(progress: ProgressFn, cancel: threading.Event) -> Mapping[str, Any]:
        return ctx.memory.consolidate(progress, cancel)

    def decay(progress: ProgressFn, cancel: threading.Event) -> Mapping[str, Any]:
        return ctx.memory.decay()  # one pass over the strengths: quick, nothing to report or cancel

    def profile(progress: ProgressFn, cancel: threading.Event) -> Mapping[str, Any]:
        return ctx.profile.build(progress, cancel)

    steps = [Step("consolidate", consolidate), Step("decay", decay), Step("profile", profile)]
    assert [s.name for s in steps] == list(PIPELINE)
    return steps


def runner_for(ctx: PipelineHost, **overrides: Any) -> JobRunner:
    """A runner on ``ctx``'s store; settings are read at each use so edits apply at once."""
    kwargs: dict[str, Any] = {
        "steps": lambda: context_steps(ctx),
        "lock_path": ctx.paths.root / "jobs.lock",
        "nightly_time": lambda: ctx.settings.nightly_time,
        "pause_when_active": lambda: ctx.settings.pause_jobs_when_active,
        "on_event": lambda data: ctx.emit(EventKind.JOB_PROGRESS, **data),
    }
    kwargs.update(overrides)
    return JobRunner(ctx.store, **kwargs)

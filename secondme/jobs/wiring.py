"""Production wiring: the nightly steps the context offers, and a runner for a context.

This is the one place that looks at which pipeline methods exist (``hasattr``), so the jobs
work before and after the memory engine and the profile builder land.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from secondme.jobs.pipeline import ProgressFn, Step, StepFn
from secondme.jobs.runner import JobRunner

if TYPE_CHECKING:
    from secondme.app import SecondMe

# Pipeline order: consolidation makes memories, decay fades old ones, the profile reads both.
PIPELINE: tuple[tuple[str, str], ...] = (
    ("consolidate", "consolidate"),
    ("decay", "decay"),
    ("profile", "build_profile"),
)


def adapt(method: Callable[..., Any]) -> StepFn:
    """Call ``method`` as a step, passing ``progress``/``cancel`` only if it accepts them."""
    try:
        params = inspect.signature(method).parameters
    except (TypeError, ValueError):
        params = {}  # type: ignore[assignment]
    var_kw = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    wants = {n for n in ("progress", "cancel") if var_kw or n in params}

    def step(progress: ProgressFn, cancel: threading.Event) -> Mapping[str, Any] | None:
        kwargs: dict[str, Any] = {}
        if "progress" in wants:
            kwargs["progress"] = progress
        if "cancel" in wants:
            kwargs["cancel"] = cancel
        result = method(**kwargs)
        if result is None or isinstance(result, Mapping):
            return result
        return {"result": result}  # e.g. a count: still worth showing in the history

    return step


def context_steps(ctx: Any) -> list[Step]:
    """The pipeline steps ``ctx`` supports right now, in order."""
    return [Step(name, adapt(getattr(ctx, attr))) for name, attr in PIPELINE if hasattr(ctx, attr)]


def runner_for(ctx: SecondMe, **overrides: Any) -> JobRunner:
    """A runner on ``ctx``'s store; settings are read at each use so edits apply at once."""
    kwargs: dict[str, Any] = {
        "steps": lambda: context_steps(ctx),
        "lock_path": ctx.paths.root / "jobs.lock",
        "nightly_time": lambda: ctx.settings.nightly_time,
        "pause_when_active": lambda: ctx.settings.pause_jobs_when_active,
        "on_event": lambda data: ctx.emit("job.progress", **data),
    }
    kwargs.update(overrides)
    return JobRunner(ctx.store, **kwargs)
